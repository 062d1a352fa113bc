"""The evaluation stage's documents: the minutes, the conclusion, the protection and encouragement documents, and
the party committee's scan.

Its actions have no views of their own: they are declared in `evaluation.actions` and served by
`proposals.actions`. A proposal outside the user's scope is a 404 for every document; documents are served as
stored when issued (`services.*_download`), never rendered afresh in the original's place.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.db_router import replica_reads
from core.documents import BackLink, Filenames, StoredPdf, pdf_response
from core.downloads import attachment_response, open_stored
from core.forms import parsed_id
from core.uploads import sniff
from proposals.models import Proposal
from proposals.selectors import proposal_for_user

from . import documents, services
from .actions import PANEL
from .export import recognitions, recognitions_csv
from .models import Conclusion, EncouragementRecord, EvaluationConsultation, EvaluationMeeting, ProtectionRecord


def _pdf_response(request: HttpRequest, proposal: Proposal, serve: Callable[[], StoredPdf],
                  filenames: Filenames) -> HttpResponse:
    detail = reverse("proposals:detail", args=[proposal.pk])
    back = BackLink(url=f"{detail}#{PANEL}", label=_("Quay lại đề xuất"), crumb=proposal.title, crumb_url=detail)
    return pdf_response(request, serve, filenames, back=back)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(
        EvaluationMeeting.objects.filter(proposal=proposal, state=EvaluationMeeting.State.CLOSED), pk=meeting_id
    )
    return _pdf_response(request, proposal, lambda: services.minutes_download(meeting=meeting, by=request.user),
                         documents.MINUTES.filenames(meeting))


@login_required
@require_GET
def conclusion_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    conclusion = get_object_or_404(Conclusion.objects.filter(proposal=proposal))
    return _pdf_response(request, proposal, lambda: services.conclusion_download(conclusion=conclusion, by=request.user),
                         documents.CONCLUSION.filenames(conclusion))


@login_required
@require_GET
def protection_pdf(request: HttpRequest, pk: int, record_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    record = get_object_or_404(ProtectionRecord.objects.filter(proposal=proposal), pk=record_id)
    return _pdf_response(request, proposal, lambda: services.protection_download(record=record, by=request.user),
                         documents.PROTECTION.filenames(record))


@login_required
@require_GET
def encouragement_pdf(request: HttpRequest, pk: int, record_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    record = get_object_or_404(EncouragementRecord.objects.filter(proposal=proposal), pk=record_id)
    return _pdf_response(request, proposal, lambda: services.encouragement_download(record=record, by=request.user),
                         documents.ENCOURAGEMENT.filenames(record))


@login_required
@require_GET
def consultation_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The party committee's scanned opinion on the results, served only through this scope-checked view."""
    proposal = proposal_for_user(user=request.user, pk=pk)
    consultation = get_object_or_404(EvaluationConsultation.objects.filter(proposal=proposal).exclude(document=""))
    handle = open_stored(consultation.document)
    content_type = consultation.document_content_type or (sniff(handle) or ("application/octet-stream",))[0]
    return attachment_response(handle, consultation.document_name or f"y-kien-cap-uy-ket-qua-{proposal.pk}",
                               content_type)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_GET
def recognitions_export(request: HttpRequest) -> HttpResponse:
    """ENC-4: the year's evaluated proposals per cadre, with what recognised them, as CSV (scoped to the user)."""
    year = _int(request.GET.get("nam"), timezone.localdate().year)
    # An export reads from the replica when there is one (issue 14 §3), its scope included: a change of position
    # reaches it within REPLICA_MAX_LAG_SECONDS.
    with replica_reads():
        rows = recognitions(user=request.user, year=year, person_id=parsed_id(request.GET.get("can_bo")))
    return attachment_response(recognitions_csv(rows), f"thanh-tich-doi-moi-sang-tao-{year}.csv",
                               "text/csv; charset=utf-8")
