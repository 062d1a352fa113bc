"""The evidence dossier's download: scope-checked (404 outside `Proposal.objects.visible_to`), audited."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.documents import DocumentRenderError
from core.downloads import attachment_response
from proposals.selectors import proposal_for_user

from . import services
from .apps import PANEL

logger = logging.getLogger(__name__)


@login_required
@require_GET
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    try:
        dossier = services.dossier_download(proposal=proposal, by=request.user)
    except DocumentRenderError:
        # A server fault (WeasyPrint or the font missing), never the reader's: say so, and lead back.
        logger.exception("Could not render the dossier of proposal %s", proposal.pk)
        detail = reverse("proposals:detail", args=[proposal.pk])
        return render(request, "dossier/unavailable.html", {"proposal": proposal, "back": f"{detail}#{PANEL}"}, status=503)
    response = attachment_response(dossier.content, dossier.filenames, "application/pdf")
    response["X-Content-SHA256"] = dossier.sha256
    return response

