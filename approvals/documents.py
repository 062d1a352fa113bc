"""The deciding unit's documents: the meeting minutes and each decision or letter.

Contents: decree73.md §4.2 (decision), §4.3 (minutes), T5 (override with its justification), T7 (rejection and
return with reasons). Only what is the approvals' own lives here: the builders of each template's context (from
the records, never from typed totals), the file names, and the two declarations of the documents kept as issued
(`DECISION`, `MINUTES`). Rendering, the Decree 30 layout and the evidence (stored once with its SHA-256, served
only while it matches, a regenerated copy marked and recorded) are the core engine's: `core.documents`.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
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
from proposals.models import PlanVersion

from .models import Consultation, Decision, Meeting
from .selectors import head_first, meeting_record, meetings_with_votes


def _titles(*, unit_id: int, on_date: datetime.date, people) -> dict[int, str]:
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


@dataclass(frozen=True)
class Member:
    name: str
    title: str


def _plan(proposal, number: int) -> PlanVersion | None:
    return PlanVersion.objects.filter(proposal=proposal, number=number).first()


@in_vietnamese
def minutes_pdf(meeting: Meeting, *, regenerated: bool = False) -> bytes:
    """Biên bản họp tập thể lãnh đạo (decree73.md §4.3) of a closed meeting.

    `regenerated`: a copy rendered again because the stored original is missing; every page says so.
    """
    meeting = (
        meetings_with_votes()
        .select_related("proposal__profile", "proposal__proposer", "proposal__proposer_position__unit", "unit__parent")
        .get(pk=meeting.pk)
    )
    proposal = meeting.proposal
    # The rule printed is the one the meeting recorded when it closed, never the profile's of the day.
    record = meeting_record(meeting, profile=proposal.profile)
    titles = _titles(unit_id=meeting.unit_id, on_date=meeting.held_on, people=record.eligible)
    closed_at = timezone.localtime(meeting.closed_at) if meeting.closed_at else None

    def member(person) -> Member:
        return Member(name=person.get_full_name(), title=titles.get(person.pk, ""))

    context = {
        "header": header(meeting.unit, number=meeting.minutes_number, day=meeting.held_on),
        "meeting": meeting,
        "record": record,
        "chair": member(meeting.chair),
        "eligible": [member(p) for p in record.eligible],
        "present": [member(p) for p in record.present],
        "absent": [member(p) for p in record.absent],
        "ballots": [(member(b.person), b) for b in record.ballots],
        "dissent": [(member(b.person), b) for b in record.dissent],
        "proposal": proposal,
        "proposer": Member(
            name=proposal.proposer.get_full_name(),
            title=proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        ),
        "plan": _plan(proposal, meeting.version),
        "profile": proposal.profile,
        "voting_rule": record.voting_rule,
        "consultation": Consultation.objects.filter(proposal=proposal, version=meeting.version).first(),
        "closed_at": closed_at,
        "regenerated": regenerated,
    }
    return render_pdf("documents/minutes.html", context)


@in_vietnamese
def decision_pdf(decision: Decision, *, regenerated: bool = False) -> bytes:
    """The approval or override decision (decree73.md §4.2, T5) or the rejection / return letter (T7).

    `regenerated`: as for `minutes_pdf`.
    """
    decision = Decision.objects.select_related(
        "proposal__proposer", "proposal__proposer_position__unit", "proposal__profile", "unit__parent", "signer",
        "meeting",
    ).get(pk=decision.pk)
    proposal = decision.proposal
    is_letter = decision.kind in (Decision.Kind.REJECTION, Decision.Kind.RETURN)
    subject = ""
    if decision.kind == Decision.Kind.REJECTION:
        subject = _("V/v trả lời đề xuất đổi mới, sáng tạo")
    elif decision.kind == Decision.Kind.RETURN:
        subject = _("V/v trả lại đề xuất để bổ sung, làm rõ")
    context = {
        "header": header(decision.unit, number=decision.number, day=decision.issued_on, letter_subject=subject),
        "decision": decision,
        "authority": authority_line(decision.signer_title, issuer_name(decision.unit)),
        "is_override": decision.kind == Decision.Kind.OVERRIDE,
        "proposal": proposal,
        "plan": _plan(proposal, decision.version),
        "meeting": decision.meeting,
        "consultation": Consultation.objects.filter(proposal=proposal, version=decision.version).first(),
        "proposer_title": proposal.proposer_position.title or proposal.proposer_position.get_role_display(),
        "superior": decision.unit.parent,
        "recipients": _recipients(decision),
        "regenerated": regenerated,
    }
    template = "documents/letter.html" if is_letter else "documents/decision.html"
    return render_pdf(template, context)


def _recipients(decision: Decision) -> list:
    """"Nơi nhận:" lines; the template adds "- " and the closing ";" or "."."""
    proposal = decision.proposal
    superior = decision.unit.parent
    archive = format_lazy(_("Lưu: VT, hồ sơ {code}"), code=proposal.code)
    if decision.kind in (Decision.Kind.REJECTION, Decision.Kind.RETURN):
        return [_("Như trên"), archive]
    lines = [_("Như Điều 3")]
    if superior is not None:
        # The head answers upward for an override (Art. 8(1)); the superior is informed of every approval.
        lines.append(format_lazy(_("{unit} (để báo cáo)"), unit=superior.name))
    return [*lines, archive]


def minutes_filenames(meeting: Meeting) -> Filenames:
    number = meeting.minutes_number or str(meeting.pk)
    display = _("Biên bản họp %(number)s") % {"number": number}
    return Filenames(ascii=f"BB-{ascii_name(number)}.pdf", display=display_name(f"{display}.pdf"))


DISPLAY_PREFIX = {
    Decision.Kind.APPROVAL: _("Quyết định"),
    Decision.Kind.OVERRIDE: _("Quyết định"),
    Decision.Kind.REJECTION: _("Văn bản trả lời"),
    Decision.Kind.RETURN: _("Văn bản trả lại"),
}


def decision_filenames(decision: Decision) -> Filenames:
    prefix = ascii_name(decision.register)
    return Filenames(
        ascii=f"{prefix}-{ascii_name(decision.number)}.pdf",
        display=display_name(f"{DISPLAY_PREFIX[decision.kind]} {decision.number}.pdf"),
    )


# --- Kept as issued (spec README §6) ---------------------------------------------------------------------------

MINUTES = IssuedDocument(
    file_field="minutes_pdf", sha256_field="minutes_sha256",
    render=lambda meeting, regenerated: minutes_pdf(meeting, regenerated=regenerated),
    filenames=minutes_filenames,
    what=lambda meeting: f"the minutes of meeting {meeting.pk} ({meeting.minutes_number})",
    number=lambda meeting: meeting.minutes_number,
    audit_payload=lambda meeting: {"proposal": meeting.proposal_id},
)

DECISION = IssuedDocument(
    file_field="pdf", sha256_field="pdf_sha256",
    render=lambda decision, regenerated: decision_pdf(decision, regenerated=regenerated),
    filenames=decision_filenames,
    what=lambda decision: f"decision {decision.pk} ({decision.number})",
    number=lambda decision: decision.number,
    audit_payload=lambda decision: {"proposal": decision.proposal_id},
)
