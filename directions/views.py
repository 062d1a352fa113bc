"""The directions' document: the stored decision, served to whoever may read the proposal.

The actions have no views of their own: they are declared in `directions.actions` and served by
`proposals.actions`. A proposal outside the user's scope, or a direction of another proposal, is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.documents import BackLink, pdf_response
from proposals.selectors import proposal_for_user

from . import documents, services
from .actions import PANEL
from .models import Direction


@login_required
@require_GET
def direction_pdf(request: HttpRequest, pk: int, direction_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    direction = get_object_or_404(Direction.objects.filter(proposal=proposal), pk=direction_id)
    detail = reverse("proposals:detail", args=[proposal.pk])
    back = BackLink(url=f"{detail}#{PANEL}", label=_("Quay lại đề xuất"), crumb=proposal.title, crumb_url=detail)
    return pdf_response(
        request, lambda: services.direction_download(direction=direction, by=request.user),
        documents.DIRECTION.filenames(direction), back=back,
    )
