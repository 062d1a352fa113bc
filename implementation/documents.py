"""The completion report as a Decree 30 document: "BÁO CÁO Kết quả thực hiện đề xuất đổi mới, sáng tạo".

Contents: Art. 18 (full and truthful, to the employing unit and its head), after-approval.md CMP-1, CMP-2
(results per objective and indicator, resources used against allocated, damage, causes, evidence), CMP-4 (a
stopped proposal reports its results so far); decree73.md §4.4. Rendering, layout and storage are the core
engine's (`core.documents`); this module builds the template's context and declares the document kept as issued.
"""

from django.utils.translation import gettext_lazy as _

from core.documents import Filenames, IssuedDocument, ascii_name, display_name, header, in_vietnamese, render_pdf
from core.documents.layout import archive_line
from proposals.models import PlanVersion

from .models import CompletionReport, Implementation, Resource
from .selectors import approval_decision, report_with_details

ATTESTATION = _("Tôi cam đoan nội dung báo cáo đầy đủ, trung thực")


@in_vietnamese
def report_pdf(report: CompletionReport, *, regenerated: bool = False) -> bytes:
    """The report as filed. `regenerated`: a copy rendered again because the stored original is missing."""
    report = (
        report_with_details()
        .select_related("proposal__proposer", "proposal__profile", "proposal__decision_unit", "unit__parent")
        .get(pk=report.pk)
    )
    proposal = report.proposal
    resources = list(Resource.objects.filter(proposal=proposal).select_related("decision").order_by("recorded_at", "pk"))
    funds = [r.amount for r in resources if r.kind == Resource.Kind.FUNDS]
    context = {
        "header": header(report.unit, number=report.number, day=report.reported_on),
        "report": report,
        "proposal": proposal,
        "plan": PlanVersion.objects.filter(proposal=proposal, number=report.version).first(),
        "implementation": Implementation.objects.filter(proposal=proposal).first(),
        "results": list(report.results.all()),
        "evidence": list(report.evidence.all()),
        "resources": resources,
        "funds_total": sum(funds) if funds else None,
        "decision": approval_decision(proposal),
        "stopped": report.basis == CompletionReport.Basis.STOPPED,
        "recipients": [_("Như trên"), archive_line()],
        "regenerated": regenerated,
    }
    return render_pdf("implementation/documents/report.html", context)


def report_filenames(report: CompletionReport) -> Filenames:
    return Filenames(
        ascii=f"BC-{ascii_name(report.number)}.pdf",
        display=display_name(f"{_('Báo cáo kết quả')} {report.number}.pdf"),
    )


REPORT = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda report, regenerated: report_pdf(report, regenerated=regenerated),
    filenames=report_filenames,
    what=lambda report: f"completion report {report.pk} ({report.number})",
    number=lambda report: report.number,
    audit_payload=lambda report: {"proposal": report.proposal_id},
)
