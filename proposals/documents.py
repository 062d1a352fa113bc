"""The plan as a document: "KẾ HOẠCH Đề xuất đổi mới, sáng tạo", one per submitted version.

Spec: documents.md ("Registration: Kế hoạch đề xuất đổi mới, sáng tạo (the plan, Art. 7(2) contents) — signed by
proposer"); review-register-decide.md D-9 (Art. 7(3)–(4): the plan is sent to the head, so each submitted version is
a printable, signable document). The PDF is rendered once per submitted version and kept with its SHA-256 on a
`PlanDocument` (a plan version itself is never updated). Rendering, the Decree 30 layout and the evidence rules
(served only while the hash matches, a regenerated copy marked and recorded) are the core engine's: `core.documents`.

Issue 10: WeasyPrint's layout is most of a submission's time, so the submission only creates the version's (one,
`OneToOneField`) `PlanDocument`, still empty, and the `documents` queue renders it once the submission has committed
(`proposals.tasks.issue_plan`). The plan has no register number (the proposer's own paper), so nothing the submitter
must see at once waits on it. `plan_issue` is the one way a plan is issued, from wherever it is called first: the
task, its sweep (a task lost with the broker), a reader's download, or the proposer's revision (before anything the
plan prints — co-authors, route, profile — may change). It holds the row's lock: run twice or at once, it renders and
records once.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import selectors as org
from core.audit import audit_record
from core.documents import (
    DocumentRenderError,
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

logger = logging.getLogger(__name__)

ISSUED_ACTION = "plan_issued"
# The sweep leaves a plan this long to the task enqueued at its submission, and issues at most this many per run.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 200


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


def plan_pending(version: PlanVersion) -> PlanDocument:
    """The document of the version just submitted, to be issued once the submission commits; the caller is
    `proposal_submit`, which enqueues `issue_plan` on commit."""
    return PlanDocument.objects.create(version=version)


@transaction.atomic
def plan_issue(document_id: int) -> PlanDocument:
    """Render the plan's document and keep it with its SHA-256, recorded in the audit log ("plan_issued", the digest
    in the hash-chained event); a document already issued is left as it is. The row's lock makes a second caller
    wait for the first and then find the document issued: one file, one digest, one event per version."""
    document = PlanDocument.objects.select_for_update().select_related("version__proposal__unit").get(pk=document_id)
    if document.pdf:
        return document
    digest = store_issued(PLAN, document)
    # The system issues it, for the submission ("submit", by the proposer) it belongs to.
    audit_record(
        action=ISSUED_ACTION, obj=document, unit=PLAN.audit_unit(document),
        payload={**PLAN.audit_payload(document), "plan_sha256": digest},
    )
    return document


def plan_issue_overdue(*, older_than: datetime.timedelta = SWEEP_GRACE, limit: int = SWEEP_BATCH) -> int:
    """The sweep: issue the plans whose task was lost (the broker was down at the commit) or failed (WeasyPrint or the
    font missing); the ones submitted in the last `older_than` are left to their own task. Returns how many it issued;
    a plan that still cannot be rendered is logged and tried again at the next sweep."""
    waiting = PlanDocument.objects.filter(pdf="", version__submitted_at__lte=timezone.now() - older_than)
    issued = 0
    for document_id in waiting.order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            plan_issue(document_id)
        except DocumentRenderError:
            logger.exception("Could not render the plan document %s; the next sweep tries again.", document_id)
        else:
            issued += 1
    return issued


def plan_issue_pending(proposal: Proposal) -> None:
    """Issue now whatever plan of `proposal` is still waiting for the queue: before the proposer may change what
    the plans print (`proposal_revise`, under the proposal's lock), and before the API lists their digests."""
    for document_id in PlanDocument.objects.filter(version__proposal=proposal, pdf="").values_list("pk", flat=True):
        plan_issue(document_id)


def plan_download(*, document: PlanDocument, by) -> StoredPdf:
    """The plan as stored (a regenerated copy is recorded in the audit log); the caller has checked that `by` may
    read the proposal. A plan the queue has not issued yet is issued now: the reader gets the original, never a copy
    in its place."""
    if not document.pdf:
        document = plan_issue(document.pk)
    return download_issued(PLAN, document, by=by)
