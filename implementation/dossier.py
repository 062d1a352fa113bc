"""The implementation records of a proposal's evidence dossier (core.stages.DossierEntry): each resource allocated,
each implementer with their answer, and the completion report as stored."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import in_vietnamese, read_issued
from core.stages import DossierEntry

from . import documents
from .models import Assignment, CompletionReport, Resource
from .templatetags.implementation_tags import vnd_text


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _resource(resource: Resource) -> DossierEntry:
    lines = [f"{resource.get_kind_display()}: {resource.description}"]
    if resource.kind == Resource.Kind.FUNDS:
        lines.append(_("Số tiền: %(amount)s; nguồn kinh phí: %(source)s")
                     % {"amount": vnd_text(resource.amount), "source": resource.budget_source})
    lines.append(_("Theo Quyết định số %(number)s") % {"number": resource.decision.number})
    lines.append(_("Ghi nhận: %(name)s, %(when)s") % {"name": resource.recorded_by.get_full_name(),
                                                        "when": _when(resource.recorded_at)})
    return DossierEntry(at=resource.recorded_at, title=_("Bố trí nguồn lực thực hiện"), number=resource.decision.number,
                        lines=tuple(lines))


def _assignment(assignment: Assignment) -> DossierEntry:
    lines = [f"{assignment.display_name} ({assignment.get_kind_display()})"
             + (f" — {_('chủ trì')}" if assignment.is_lead else "")]
    if assignment.contact_person:
        lines.append(_("Người liên hệ: %(name)s") % {"name": assignment.contact_person})
    if assignment.task:
        lines.append(_("Nhiệm vụ: %(task)s") % {"task": assignment.task})
    answer = assignment.get_answer_display()
    if assignment.answered_at:
        answer = f"{answer} ({_when(assignment.answered_at)})"
    lines.append(_("Trả lời: %(answer)s") % {"answer": answer})
    if assignment.refusal_reason:
        lines.append(_("Lý do từ chối: %(reason)s") % {"reason": assignment.refusal_reason})
    return DossierEntry(at=assignment.assigned_at, title=_("Phân công người thực hiện"), lines=tuple(lines))


def _report(report: CompletionReport) -> DossierEntry:
    return DossierEntry(
        at=report.created_at, title=_("Báo cáo kết quả thực hiện đề xuất"), number=report.number,
        sha256=report.pdf_sha256, lines=(report.get_overall_display(),),
        pdf=lambda: read_issued(documents.REPORT, report).content,
    )


@in_vietnamese
def dossier_entries(proposal) -> list[DossierEntry]:
    """Three queries: resources (with decision and recorder), assignments (with people), the report."""
    resources = Resource.objects.filter(proposal=proposal).select_related("decision", "recorded_by")
    assignments = Assignment.objects.filter(proposal=proposal).select_related("person")
    reports = CompletionReport.objects.filter(proposal=proposal)
    return [*map(_resource, resources), *map(_assignment, assignments), *map(_report, reports)]
