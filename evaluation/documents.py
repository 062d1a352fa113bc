"""The evaluation stage's documents: the minutes of the evaluation meeting, the conclusion, the protection
letters and the encouragement decisions or proposals.

Contents: after-approval.md EVL-2 (minutes), EVL-3..5 (conclusion), PRO-2/4 (protection letter, never the
liability decision itself), ENC-2/3 (decision or văn bản đề nghị); decree73.md §4.3, §4.5, §4.6. Rendering, the
Decree 30 layout and the evidence (stored once with its SHA-256) are the core engine's (`core.documents`); here
are the context builders, the file names and the `IssuedDocument` declarations.
"""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from approvals.documents import Member
from approvals.models import Decision
from approvals.selectors import head_first, meeting_record
from core.documents import (
    Filenames,
    IssuedDocument,
    ascii_name,
    authority_line,
    display_name,
    header,
    in_vietnamese,
    issuer_name,
    render_pdf,
)
from core.documents.layout import archive_line

from . import rules
from .models import (
    Conclusion,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    Outcome,
    PartyType,
    ProtectionRecord,
    format_vnd,
)
from .selectors import approval_decision, completion_report, meetings_with_votes, plan_in_force

vnd = format_vnd


def yes_no(value: bool) -> str:
    return str(_("Có")) if value else str(_("Không"))


def _archive(proposal):
    return archive_line()


def _titles(*, unit_id: int, on_date, people) -> dict[int, str]:
    """Each person's title in the unit on that date (the head's title when someone held two posts)."""
    titles: dict[int, str] = {}
    positions = (
        Position.objects.held_on(on_date)
        .filter(unit_id=unit_id, person__in=[p.pk for p in people])
        .order_by(head_first(), "start_date")
    )
    for position in positions:
        titles.setdefault(position.person_id, position.title or position.get_role_display())
    return titles


def _proposer_title(proposal) -> str:
    position = proposal.proposer_position
    return position.title or str(position.get_role_display())


# --- Minutes of the evaluation meeting (EVL-2) ---------------------------------------------------------------------


@in_vietnamese
def minutes_pdf(meeting: EvaluationMeeting, *, regenerated: bool = False) -> bytes:
    """BIÊN BẢN Họp đánh giá kết quả thực hiện đề xuất đổi mới, sáng tạo, of a closed evaluation meeting."""
    meeting = (
        meetings_with_votes()
        .select_related("proposal__profile", "proposal__proposer", "proposal__proposer_position", "unit__parent")
        .get(pk=meeting.pk)
    )
    proposal = meeting.proposal
    record = meeting_record(meeting, profile=proposal.profile)
    titles = _titles(unit_id=meeting.unit_id, on_date=meeting.held_on, people=record.eligible)

    def member(person) -> Member:
        return Member(name=person.get_full_name(), title=titles.get(person.pk, ""))

    report = completion_report(proposal)
    context = {
        "header": header(meeting.unit, number=meeting.minutes_number, day=meeting.held_on),
        "meeting": meeting,
        "record": record,
        "head_rule": meeting.rule == "head",
        "chair": member(meeting.chair),
        "eligible": [member(p) for p in record.eligible],
        "present": [member(p) for p in record.present],
        "absent": [member(p) for p in record.absent],
        "ballots": [(member(b.person), b) for b in record.ballots],
        "dissent": [(member(b.person), b) for b in record.dissent],
        "proposal": proposal,
        "proposer": Member(name=proposal.proposer.get_full_name(), title=_proposer_title(proposal)),
        "plan": plan_in_force(proposal),
        "report": report,
        "consultation": EvaluationConsultation.objects.filter(proposal=proposal).first(),
        "proposed_outcome": Outcome(meeting.proposed_outcome).label,
        "proposed_damage": yes_no(meeting.proposed_damage),
        "proposed_findings": [
            (_("Đúng chủ trương"), yes_no(meeting.proposed_right_policy)),
            (_("Động cơ trong sáng"), yes_no(meeting.proposed_pure_motive)),
            (_("Vì lợi ích chung"), yes_no(meeting.proposed_common_good)),
        ],
        "profile": proposal.profile,
        "closed_at": timezone.localtime(meeting.closed_at) if meeting.closed_at else None,
        "regenerated": regenerated,
    }
    return render_pdf("evaluation/documents/minutes.html", context)


def minutes_filenames(meeting: EvaluationMeeting) -> Filenames:
    number = meeting.minutes_number or str(meeting.pk)
    display = _("Biên bản họp đánh giá %(number)s") % {"number": number}
    return Filenames(ascii=f"BB-danh-gia-{ascii_name(number)}.pdf", display=display_name(f"{display}.pdf"))


MINUTES = IssuedDocument(
    file_field="minutes_pdf", sha256_field="minutes_sha256",
    render=lambda meeting, regenerated: minutes_pdf(meeting, regenerated=regenerated),
    filenames=minutes_filenames,
    what=lambda meeting: f"the minutes of evaluation meeting {meeting.pk} ({meeting.minutes_number})",
    number=lambda meeting: meeting.minutes_number,
    audit_payload=lambda meeting: {"proposal": meeting.proposal_id},
)


# --- The conclusion (EVL-3..5) ----------------------------------------------------------------------------------


def _recipients(proposal, *, lines=()) -> list:
    superior = proposal.decision_unit.parent
    out = [*lines]
    if superior is not None:
        out.append(format_lazy(_("{unit} (để báo cáo)"), unit=superior.name))
    return [*out, _archive(proposal)]


@in_vietnamese
def conclusion_pdf(conclusion: Conclusion, *, regenerated: bool = False) -> bytes:
    """KẾT LUẬN Đánh giá kết quả thực hiện đề xuất đổi mới, sáng tạo (decree73.md §4.5)."""
    conclusion = Conclusion.objects.select_related(
        "proposal__proposer", "proposal__proposer_position", "proposal__profile", "proposal__decision_unit__parent",
        "unit__parent", "signer", "meeting",
    ).get(pk=conclusion.pk)
    proposal = conclusion.proposal
    approval: Decision | None = approval_decision(proposal)
    context = {
        "header": header(conclusion.unit, number=conclusion.number, day=conclusion.issued_on),
        "conclusion": conclusion,
        "decision": conclusion,  # documents/_signature.html reads `decision.signer*`
        "authority": authority_line(conclusion.signer_title, issuer_name(conclusion.unit)),
        "proposal": proposal,
        "proposer_title": _proposer_title(proposal),
        "plan": plan_in_force(proposal),
        "approval": approval,
        "report": completion_report(proposal),
        "consultation": EvaluationConsultation.objects.filter(proposal=proposal).first(),
        "meeting": conclusion.meeting,
        "damage_value": vnd(conclusion.damage_vnd),
        # Each finding with its answer, then its reasons (EVL-5): "a) Đúng chủ trương: Có. Lý do: …".
        "findings": [
            (_("%(finding)s: %(answer)s. Lý do:") % {"finding": label, "answer": yes_no(value)}, reasons)
            for label, value, reasons in (
                (_("a) Đúng chủ trương"), conclusion.right_policy, conclusion.right_policy_reasons),
                (_("b) Động cơ trong sáng"), conclusion.pure_motive, conclusion.pure_motive_reasons),
                (_("c) Vì lợi ích chung"), conclusion.common_good, conclusion.common_good_reasons),
            )
        ],
        "basis_text": rules.BASIS_TEXT[conclusion.protection_basis],
        "eligible": conclusion.protection_basis != "none",
        "recipients": _recipients(proposal, lines=[
            format_lazy(_("Đồng chí {name}"), name=proposal.proposer.get_full_name()),
            _("Các cá nhân, tổ chức thực hiện đề xuất"),
        ]),
        "regenerated": regenerated,
    }
    return render_pdf("evaluation/documents/conclusion.html", context)


def conclusion_filenames(conclusion: Conclusion) -> Filenames:
    display = _("Kết luận đánh giá %(number)s") % {"number": conclusion.number}
    return Filenames(ascii=f"KL-{ascii_name(conclusion.number)}.pdf", display=display_name(f"{display}.pdf"))


CONCLUSION = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda conclusion, regenerated: conclusion_pdf(conclusion, regenerated=regenerated),
    filenames=conclusion_filenames,
    what=lambda conclusion: f"evaluation conclusion {conclusion.pk} ({conclusion.number})",
    number=lambda conclusion: conclusion.number,
    audit_payload=lambda conclusion: {"proposal": conclusion.proposal_id},
)


# --- Protection letters (PRO-2/4) ----------------------------------------------------------------------------------

PROTECTION_SUBJECT = _("V/v xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ")


def _party_context(record) -> dict:
    proposal = record.proposal
    return {
        "header": None,
        "record": record,
        "decision": record,  # documents/_signature.html
        "proposal": proposal,
        "conclusion": record.conclusion,
        "plan": plan_in_force(proposal),
        "is_individual": record.party_type == PartyType.INDIVIDUAL,
        "proposer_title": _proposer_title(proposal),
        "authority": authority_line(record.signer_title, issuer_name(record.unit)),
    }


@in_vietnamese
def protection_pdf(record: ProtectionRecord, *, regenerated: bool = False) -> bytes:
    """The unit's "văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ" for one party: a
    numbered letter to the competent body, which decides (PRO-2); never worded as that decision."""
    record = ProtectionRecord.objects.select_related(
        "proposal__proposer", "proposal__proposer_position", "proposal__decision_unit__parent", "conclusion",
        "unit__parent", "signer",
    ).get(pk=record.pk)
    context = _party_context(record)
    context.update({
        "header": header(record.unit, number=record.number, day=record.issued_on, letter_subject=str(PROTECTION_SUBJECT)),
        "measure": record.get_measure_display(),
        "basis_text": rules.BASIS_TEXT[record.conclusion.protection_basis],
        "recipients": [_("Như trên"), format_lazy(_("{name} (để biết)"), name=record.party_name),
                       *_recipients(record.proposal)],
        "regenerated": regenerated,
    })
    return render_pdf("evaluation/documents/protection.html", context)


def protection_filenames(record: ProtectionRecord) -> Filenames:
    display = _("Văn bản đề nghị áp dụng biện pháp bảo vệ %(number)s") % {"number": record.number}
    return Filenames(ascii=f"bao-ve-{ascii_name(record.number)}.pdf", display=display_name(f"{display}.pdf"))


PROTECTION = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda record, regenerated: protection_pdf(record, regenerated=regenerated),
    filenames=protection_filenames,
    what=lambda record: f"protection letter {record.pk} ({record.number})",
    number=lambda record: record.number,
    audit_payload=lambda record: {"proposal": record.proposal_id},
)


# --- Encouragement decisions and proposals (ENC-2/3) -------------------------------------------------------------

ENCOURAGEMENT_SUBJECT = _("V/v đề nghị khuyến khích cán bộ có đề xuất đổi mới, sáng tạo")


@in_vietnamese
def encouragement_pdf(record: EncouragementRecord, *, regenerated: bool = False) -> bytes:
    """A decision of the unit (biểu dương, khen thưởng within its competence, cơ sở đánh giá, …) or, where the
    head lacks the competence, a "văn bản đề nghị" to the competent body (ENC-3)."""
    record = EncouragementRecord.objects.select_related(
        "proposal__proposer", "proposal__proposer_position", "proposal__decision_unit__parent", "conclusion",
        "unit__parent", "signer",
    ).get(pk=record.pk)
    context = _party_context(record)
    subject = str(ENCOURAGEMENT_SUBJECT) if record.by_proposal else ""
    context.update({
        "header": header(record.unit, number=record.number, day=record.issued_on, letter_subject=subject),
        "form": record.get_form_display(),
        "recipients": (
            [_("Như trên"), *_recipients(record.proposal)] if record.by_proposal
            else [_("Như Điều 2"), *_recipients(record.proposal)]
        ),
        "regenerated": regenerated,
    })
    template = "evaluation/documents/encouragement_proposal.html" if record.by_proposal else "evaluation/documents/encouragement_decision.html"
    return render_pdf(template, context)


def encouragement_filenames(record: EncouragementRecord) -> Filenames:
    if record.by_proposal:
        display = _("Văn bản đề nghị khuyến khích %(number)s") % {"number": record.number}
    else:
        display = _("Quyết định khuyến khích %(number)s") % {"number": record.number}
    return Filenames(ascii=f"khuyen-khich-{ascii_name(record.number)}.pdf", display=display_name(f"{display}.pdf"))


ENCOURAGEMENT = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda record, regenerated: encouragement_pdf(record, regenerated=regenerated),
    filenames=encouragement_filenames,
    what=lambda record: f"encouragement document {record.pk} ({record.number})",
    number=lambda record: record.number,
    audit_payload=lambda record: {"proposal": record.proposal_id},
)
