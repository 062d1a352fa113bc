"""The directions' document: "QUYẾT ĐỊNH Về việc tạm dừng / tiếp tục / dừng / điều chỉnh thực hiện đề xuất …".

documents.md (Directions, signed by the head; Decree 30 layout); after-approval.md IMP-5 (reasons, effective
date), IMP-7 (the superior among the recipients), CMP-4 (the report on results so far). Rendering, the layout
and the evidence (stored once with its SHA-256, served only while it matches) are the core engine's:
`core.documents`. Here: the context builder, the file names, the `IssuedDocument` declaration and the
proposal's dossier entries.
"""

from django.conf import settings
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import (
    Filenames,
    IssuedDocument,
    ascii_name,
    authority_line,
    display_name,
    header,
    in_vietnamese,
    issuer_name,
    read_issued,
    render_pdf,
)
from core.documents.layout import archive_line
from core.stages import DossierEntry
from proposals.diff import field_label, field_text
from proposals.models import PlanVersion

from .models import Direction
from .selectors import approval_decision, lead_implementer, stop_report_due

# "Về việc … thực hiện đề xuất đổi mới, sáng tạo": the subject line of each kind.
SUBJECTS = {
    Direction.Kind.SUSPEND: gettext_lazy("Về việc tạm dừng thực hiện đề xuất đổi mới, sáng tạo"),
    Direction.Kind.CONTINUE: gettext_lazy("Về việc tiếp tục thực hiện đề xuất đổi mới, sáng tạo"),
    Direction.Kind.STOP: gettext_lazy("Về việc dừng thực hiện đề xuất đổi mới, sáng tạo"),
    Direction.Kind.ADJUST: gettext_lazy("Về việc điều chỉnh thực hiện đề xuất đổi mới, sáng tạo"),
}


def _recipients(direction: Direction) -> list:
    """"Nơi nhận:" lines; the template adds "- " and the closing ";" or "."."""
    lines = [_("Như Điều 3")]
    if direction.superior_unit is not None:
        # IMP-7: the head who decided against the collective answers upward (Art. 8(1)).
        lines.append(format_lazy(_("{unit} (để báo cáo)"), unit=direction.superior_unit.name))
    return [*lines, archive_line()]


@in_vietnamese
def direction_pdf(direction: Direction, *, regenerated: bool = False) -> bytes:
    """The decision of one direction; `regenerated`: a copy rendered again, marked on every page."""
    direction = Direction.objects.select_related(
        "proposal__proposer", "proposal__proposer_position", "proposal__profile", "unit__parent", "signer",
        "superior_unit",
    ).get(pk=direction.pk)
    proposal = direction.proposal
    plans = {v.number: v for v in PlanVersion.objects.filter(proposal=proposal, number__in=[direction.version, direction.previous_version or 0])}
    plan = plans.get(direction.version)
    context = {
        "header": header(direction.unit, number=direction.number, day=direction.issued_on),
        "decision": direction,  # documents/_signature.html reads the signer from `decision`
        "direction": direction,
        "subject": SUBJECTS[direction.kind],
        "authority": authority_line(direction.signer_title, issuer_name(direction.unit)),
        "proposal": proposal,
        "plan": plan,
        "previous_plan": plans.get(direction.previous_version),
        "approval": approval_decision(proposal),
        "proposer_title": proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        "changes": [(f"{field_label(name)}:", field_text(plan, name)) for name in direction.changed_fields] if plan else [],
        "is_collective": direction.adjustment_path == "collective",
        "effective_on_issue": direction.effective_on == direction.issued_on,
        "recipients": _recipients(direction),
        "regenerated": regenerated,
    }
    if direction.kind == Direction.Kind.STOP:
        lead = lead_implementer(proposal)
        context.update({
            "lead_name": lead.get_full_name() if lead is not None else "",
            "report_days": proposal.profile.stopped_report_deadline_wd,
            "report_due": stop_report_due(direction, proposal.profile),
        })
    return render_pdf("directions/documents/direction.html", context)


DISPLAY_PREFIX = gettext_lazy("Quyết định")


def direction_filenames(direction: Direction) -> Filenames:
    return Filenames(
        ascii=f"QD-{ascii_name(direction.number)}.pdf",
        display=display_name(f"{DISPLAY_PREFIX} {direction.number}.pdf"),
    )


# --- Kept as issued (spec README §6) ---------------------------------------------------------------------------

DIRECTION = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda direction, regenerated: direction_pdf(direction, regenerated=regenerated),
    filenames=direction_filenames,
    what=lambda direction: f"direction {direction.pk} ({direction.number})",
    number=lambda direction: direction.number,
    audit_payload=lambda direction: {"proposal": direction.proposal_id},
)


# --- The proposal's evidence dossier (spec README §5) ---------------------------------------------------------


def dossier_entries(proposal) -> list[DossierEntry]:
    """One entry per direction, with its stored decision: one query for any number of directions."""
    entries = []
    with translation.override(settings.LANGUAGE_CODE):  # the dossier is a document: in Vietnamese
        for direction in Direction.objects.filter(proposal=proposal).select_related("signer", "proposal"):
            lines = [
                _("Ngày ban hành: %(date)s") % {"date": direction.issued_on.strftime("%d/%m/%Y")},
                _("Ngày có hiệu lực: %(date)s") % {"date": direction.effective_on.strftime("%d/%m/%Y")},
                _("Người ký: %(name)s, %(title)s") % {"name": direction.signer.get_full_name(), "title": direction.signer_title},
                _("Lý do: %(reasons)s") % {"reasons": direction.reasons},
            ]
            if direction.is_adjustment:
                lines.append(_("Kế hoạch được phê duyệt sau điều chỉnh: phiên bản %(n)s") % {"n": direction.version})
            entries.append(DossierEntry(
                at=direction.created_at, title=str(direction.get_kind_display()), number=direction.number,
                sha256=direction.pdf_sha256, lines=tuple(lines),
                pdf=lambda direction=direction: read_issued(DIRECTION, direction).content,
            ))
    return entries
