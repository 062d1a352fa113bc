"""The deciding unit's documents: minutes, decisions and the party committee's scans.

Its actions have no views of their own: they are declared in `approvals.actions` and served by
`proposals.actions`. A proposal outside the user's scope is a 404 for every document.

Documents are served as stored when they were issued (`services.*_download`), never rendered afresh in the
original's place.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.documents import BackLink, Filenames, StoredPdf, pdf_response
from core.downloads import attachment_response, open_stored
from core.uploads import sniff
from proposals.models import Proposal
from proposals.selectors import proposal_for_user

from . import documents, services
from .actions import PANEL
from .models import Consultation, Decision, Meeting


def _pdf_response(request: HttpRequest, proposal: Proposal, serve: Callable[[], StoredPdf],
                  filenames: Filenames) -> HttpResponse:
    """The stored document, a marked copy, or the 409 page leading back to the proposal (core.documents)."""
    detail = reverse("proposals:detail", args=[proposal.pk])
    back = BackLink(url=f"{detail}#{PANEL}", label=_("Quay lại đề xuất"), crumb=proposal.title, crumb_url=detail)
    return pdf_response(request, serve, filenames, back=back)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(Meeting.objects.filter(proposal=proposal, state=Meeting.State.CLOSED), pk=meeting_id)
    return _pdf_response(request, proposal, lambda: services.minutes_download(meeting=meeting, by=request.user),
                         documents.MINUTES.filenames(meeting))


@login_required
@require_GET
def decision_pdf(request: HttpRequest, pk: int, decision_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    decision = get_object_or_404(Decision.objects.filter(proposal=proposal), pk=decision_id)
    return _pdf_response(request, proposal, lambda: services.decision_download(decision=decision, by=request.user),
                         documents.DECISION.filenames(decision))


@login_required
@require_GET
def consultation_document(request: HttpRequest, pk: int, consultation_id: int) -> HttpResponse:
    """The scanned opinion of the party committee, served only through this scope-checked view."""
    proposal = proposal_for_user(user=request.user, pk=pk)
    consultation = get_object_or_404(Consultation.objects.filter(proposal=proposal).exclude(document=""), pk=consultation_id)
    handle = open_stored(consultation.document)
    # The type judged from the bytes when the scan was recorded; sniffed again only for scans recorded before it was kept.
    content_type = consultation.document_content_type or (sniff(handle) or ("application/octet-stream",))[0]
    return attachment_response(handle, consultation.document_name or f"y-kien-cap-uy-{consultation.pk}", content_type)
