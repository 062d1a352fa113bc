"""The deciding unit's documents: the meeting minutes and each decision or letter.

Contents: decree73.md §4.2 (decision), §4.3 (minutes), T5 (override with its justification), T7 (rejection and
return with reasons), Art. 4(2) (the report of a proposal beyond the unit's authority, review D-5). The review's
document findings (review-register-decide.md §2): the bases of a decision come from the unit (its competence, 7)
and the legal profile (D-3), the route's clause is the profile's (D-3, 4), the superior is copied only on an
override (5) and the archive line names the drafting unit (5). Only what is the approvals' own lives here: the builders of each template's context (from
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
    LETTER_REGISTER,
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
from proposals.diff import field_label
from proposals.models import PlanVersion, Proposal

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


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def route_citation(proposal) -> str:
    """The clauses of Decree 73 the proposal is decided under, as its legal profile words them (D-3): route A
    "khoản 3 Điều 7 và khoản 1 Điều 8", route B (the head's own proposal) "khoản 4 Điều 7 và Điều 8"."""
    profile = proposal.profile
    return profile.route_b_citation if proposal.route == Proposal.Route.B else profile.route_a_citation


# A referral letter's text: the competent body it is addressed to ("Kính gửi"), then the reasons (D-5).
def referral_text(*, addressee: str, reasons: str) -> str:
    return f"{addressee}\n{reasons.strip()}"


def referral_parts(text: str) -> tuple[str, str]:
    """(addressee, reasons) of a referral's `referral_text`."""
    addressee, _newline, reasons = text.partition("\n")
    return addressee, reasons


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
    """The approval or override decision (decree73.md §4.2, T5), the rejection / return letter (T7) or the letter
    reporting a proposal beyond the unit's authority to the competent body (Art. 4(2), D-5).

    `regenerated`: as for `minutes_pdf`.
    """
    decision = Decision.objects.select_related(
        "proposal__proposer", "proposal__proposer_position__unit", "proposal__profile", "unit__parent", "signer",
        "meeting",
    ).get(pk=decision.pk)
    proposal = decision.proposal
    is_letter = decision.register == LETTER_REGISTER
    subject = LETTER_SUBJECTS.get(decision.kind, "")
    addressee, reasons = referral_parts(decision.text) if decision.kind == Decision.Kind.REFERRAL else ("", decision.text)
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
        # Finding 7, D-3: the unit's competence first, then the profile's bases; then the clauses of the route.
        "competence_basis": _lines(decision.unit.competence_basis),
        "document_basis": _lines(proposal.profile.document_basis),
        "route_citation": route_citation(proposal),
        "addressee": addressee,
        "reasons": reasons,
        "recipients": _recipients(decision),
        # D-8: a return letter lists the plan's contents found incomplete, in the plan's order.
        "incomplete_items": [field_label(name) for name in decision.incomplete_items],
        "regenerated": regenerated,
    }
    template = "documents/letter.html" if is_letter else "documents/decision.html"
    return render_pdf(template, context)


LETTER_SUBJECTS = {
    Decision.Kind.REJECTION: _("V/v trả lời đề xuất đổi mới, sáng tạo"),
    Decision.Kind.RETURN: _("V/v trả lại đề xuất để bổ sung, làm rõ"),
    Decision.Kind.REFERRAL: _("V/v báo cáo đề xuất vượt thẩm quyền"),
}
def _recipients(decision: Decision) -> list:
    """"Nơi nhận:" lines; the template adds "- " and the closing ";" or ".".

    Review finding 5: the superior is copied only on an override, for which the head answers upward (Art. 8(1)
    [C]); an approval goes to those who carry it out (Điều 3). The archive line names the drafting unit and the
    copies kept, not the file's code (which the subject and the body give).
    """
    proposal = decision.proposal
    archive = archive_line()
    if decision.kind == Decision.Kind.REFERRAL:
        # The proposer learns that their proposal went upward (the competent body is "Như trên").
        proposer = format_lazy(_("Đồng chí {name} (để biết)"), name=proposal.proposer.get_full_name())
        return [_("Như trên"), proposer, archive]
    if decision.kind in (Decision.Kind.REJECTION, Decision.Kind.RETURN):
        return [_("Như trên"), archive]
    lines = [_("Như Điều 3")]
    superior = decision.unit.parent
    if decision.kind == Decision.Kind.OVERRIDE and superior is not None:
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
    Decision.Kind.REFERRAL: _("Văn bản báo cáo"),
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
