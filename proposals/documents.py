"""The plan as a document: "KẾ HOẠCH Đề xuất đổi mới, sáng tạo", one per submitted version.

Spec: documents.md ("Registration: Kế hoạch đề xuất đổi mới, sáng tạo (the plan, Art. 7(2) contents) — signed by
proposer"); review-register-decide.md D-9 (Art. 7(3)–(4): the plan is sent to the head, so each submitted version is
a printable, signable document). The PDF is rendered once, when the version is submitted, and kept with its SHA-256
on a `PlanDocument` (a plan version itself is never updated). Rendering, the Decree 30 layout and the evidence rules
(served only while the hash matches, a regenerated copy marked and recorded) are the core engine's: `core.documents`.
"""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import selectors as org
from core.documents import (
    Filenames,
    IssuedDocument,
    StoredPdf,
    ascii_name,
    authority_line,
    display_name,
    download_issued,
    header,
    in_vietnamese,
    issuer_name,
    render_pdf,
    store_issued,
)
from core.documents.layout import signature_title

from .diff import plan_sections
from .models import Attachment, PlanDocument, PlanVersion, Proposal


@in_vietnamese
def plan_pdf(document: PlanDocument, *, regenerated: bool = False) -> bytes:
    """The plan version as submitted: the proposer's unit in the header, the addressee (the deciding unit's head on
    the day of submission), the Art. 7(2) contents, the Art. 5(1) conditions and the Art. 1 and Art. 4(2)
    declarations, the proposer's signature block. `regenerated`: a copy rendered again because the stored original
    is missing; every page says so.
    """
    version = PlanVersion.objects.select_related(
        "proposal__unit__parent", "proposal__decision_unit__parent", "proposal__proposer",
        "proposal__proposer_position", "proposal__profile",
    ).get(pk=document.version_id)
    proposal = version.proposal
    submitted_on = timezone.localtime(version.submitted_at).date()
    position = proposal.proposer_position
    decider = org.unit_head_on(unit=proposal.decision_unit, on_date=submitted_on) if proposal.decision_unit_id else None
    profile = proposal.profile
    # D-3: the clauses the plan is sent and reviewed under come from the legal profile, per route.
    citation = profile.route_b_citation if proposal.route == Proposal.Route.B else profile.route_a_citation
    context = {
        "header": header(proposal.unit, number="", day=submitted_on),
        "proposal": proposal,
        "plan": version,
        "sections": plan_sections(version),
        "proposer_name": proposal.proposer.get_full_name(),
        "proposer_title": position.title or position.get_role_display(),
        # Review finding 2: over the signature, the title only ("Trưởng phòng"), as the position signs.
        "signing_title": signature_title(position) or position.get_role_display(),
        "co_authors": [person.get_full_name() for person in proposal.co_authors.order_by("full_name")],
        # Art. 7(3)–(4): the plan is sent to the head of the deciding unit ("Giám đốc Sở Nội vụ").
        "decision_unit": issuer_name(proposal.decision_unit) if proposal.decision_unit_id else "",
        "decider_name": decider.person.get_full_name() if decider else "",
        "decider_title": authority_line(
            decider.title or decider.get_role_display(), issuer_name(proposal.decision_unit)
        ) if decider else "",
        "basis": [line.strip() for line in profile.document_basis.splitlines() if line.strip()],
        "citation": citation,
        "attachments": list(
            Attachment.objects.filter(proposal=proposal, version=version.number, removed_at__isnull=True)
            .order_by("uploaded_at", "pk")
        ),
        "recipients": [_("Như trên"), format_lazy(_("Lưu: hồ sơ đề xuất {code}"), code=proposal.code)],
        "regenerated": regenerated,
    }
    return render_pdf("proposals/documents/plan.html", context)


def plan_filenames(document: PlanDocument) -> Filenames:
    version = document.version
    code = version.proposal.code or str(version.proposal_id)
    return Filenames(
        ascii=f"KH-{ascii_name(code)}-v{version.number}.pdf",
        display=display_name(f"{_('Kế hoạch đề xuất')} {code} {_('phiên bản')} {version.number}.pdf"),
    )


# --- Kept as issued (spec README §6) ---------------------------------------------------------------------------

PLAN = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda document, regenerated: plan_pdf(document, regenerated=regenerated),
    filenames=plan_filenames,
    what=lambda document: f"the plan of proposal {document.version.proposal_id}, version {document.version.number}",
    number=lambda document: f"{document.version.proposal.code} v{document.version.number}",
    audit_payload=lambda document: {"proposal": document.version.proposal_id, "version": document.version.number},
    audit_unit=lambda document: document.version.proposal.unit,
)


def plan_issue(version: PlanVersion) -> PlanDocument:
    """Render the version just submitted and keep it (once) with its SHA-256; the caller is `proposal_submit`."""
    document = PlanDocument.objects.create(version=version)
    store_issued(PLAN, document)
    return document


def plan_download(*, document: PlanDocument, by) -> StoredPdf:
    """The plan as stored (a regenerated copy is recorded in the audit log); the caller has checked that `by` may
    read the proposal."""
    return download_issued(PLAN, document, by=by)
