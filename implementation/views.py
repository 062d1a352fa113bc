"""Implementation documents and files: the completion report as stored, and the evidence files.

The actions have no views of their own: they are declared in `implementation.actions` and served by
`proposals.actions`. A proposal outside the user's scope, or a record of another proposal, is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.documents import BackLink, pdf_response
from core.downloads import stored_file_response
from proposals.selectors import proposal_for_user

from . import documents, services
from .actions import PANEL
from .models import CompletionReport, ProgressEntry, ReportEvidence


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    report = get_object_or_404(CompletionReport.objects.filter(proposal=proposal), pk=report_id)
    detail = reverse("proposals:detail", args=[proposal.pk])
    back = BackLink(url=f"{detail}#{PANEL}", label=_("Quay lại đề xuất"), crumb=proposal.title, crumb_url=detail)
    return pdf_response(request, lambda: services.report_download(report=report, by=request.user),
                        documents.REPORT.filenames(report), back=back)


@login_required
@require_GET
def progress_evidence(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    """An evidence file of a progress entry, served only through this scope-checked view."""
    proposal = proposal_for_user(user=request.user, pk=pk)
    entry = get_object_or_404(ProgressEntry.objects.filter(proposal=proposal).exclude(evidence=""), pk=entry_id)
    return stored_file_response(entry.evidence, entry.evidence_name or f"minh-chung-{entry.pk}",
                                entry.evidence_content_type)


@login_required
@require_GET
def report_evidence(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """An evidence file filed with the completion report, served only through this scope-checked view."""
    proposal = proposal_for_user(user=request.user, pk=pk)
    item = get_object_or_404(ReportEvidence.objects.filter(proposal=proposal), pk=file_id)
    return stored_file_response(item.file, item.name, item.content_type)
