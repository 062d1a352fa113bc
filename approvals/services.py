"""Every act of the deciding unit on a proposal: consultation, meeting and votes, decisions.

Spec: README §3; decree73.md §3.2 T2 (party consultation, Art. 4(3)), T4 (collective vote, Art. 8(1)),
T5 (head override, Art. 8(1) second paragraph), T6 (route B at the superior unit), T7 (rejection,
return); Art. 4(2) (the head's confirmation of competence; a proposal beyond it is referred upward, review D-5);
§4.2 decision contents, §4.3 minutes contents; documents.md numbering.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as org
from accounts.models import Position
from core.actions import Situation
from core.audit import audit_record
from core.documents import StoredPdf, download_issued, next_number, store_issued
from core.documents.layout import signature_title
from core.notifications import notify
from core.uploads import check_upload
from proposals.models import LegalProfile, PlanContent, Proposal, Step
from proposals.services import ensure_transition, proposal_transition
from proposals.steps import due_after, step_close, step_open
from proposals.transitions import Action

from . import documents, rules
from .models import Consultation, Decision, Meeting, Vote
from .selectors import collective_on, meeting_ended_on, vote_last_day
from .voting import Tally, tally

MIN_JUSTIFICATION_CHARS = 20


# Lock order, the same in every service: the proposal row, then the meeting row. Two services taking them
# in opposite orders (a vote and the close of the same meeting) would deadlock each other on PostgreSQL.
# `of=("self",)`: the joined rows (unit, profile, proposer) are read, not locked.
def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("decision_unit", "profile", "proposer")
        .get(pk=proposal.pk)
    )


def _lock_meeting(meeting: Meeting) -> tuple[Proposal, Meeting]:
    """Lock the meeting's proposal, then the meeting; both fresh from the database."""
    proposal = _lock(Proposal(pk=meeting.proposal_id))
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    meeting.proposal = proposal
    return proposal, meeting


def _proposal_url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def _situation(proposal: Proposal, by, target=None) -> Situation:
    """Who acts, judged on the rows just locked (approvals.rules: the predicates the panel offers by too).

    Every service asks before it looks at its input, so that someone without the position learns nothing
    from the validation messages (a PermissionDenied, never a form error)."""
    return Situation(proposal=proposal, user=by, target=target)


@transaction.atomic
def consultation_record(
    *, proposal: Proposal, by, committee: str, opinion_date: datetime.date, opinion: str, document=None
) -> Consultation:
    """T2: the head or the secretariat records the party committee's opinion on the version under review.

    D-13, Art. 4(3) [C]: the opinion comes before approving. Under the profile's default ("decision") it may be
    recorded until the approval or override decision, after the meeting too; a unit whose profile asks it before
    the meeting ("meeting") records it while the plan waits for the meeting (`rules.consultation_statuses`).
    """
    proposal = _lock(proposal)
    position = rules.organiser(_situation(proposal, by))
    if proposal.status not in rules.consultation_statuses(proposal.profile):
        if proposal.profile.consultation_before == LegalProfile.ConsultationTiming.MEETING:
            message = _("Chỉ ghi nhận ý kiến cấp ủy khi đề xuất đang chờ xem xét, trước cuộc họp.")
        else:
            message = _("Chỉ ghi nhận ý kiến cấp ủy khi đề xuất đang chờ xem xét, trước khi ban hành quyết định.")
        raise ValidationError(message, code="bad_state")
    if opinion_date > timezone.localdate():
        raise ValidationError({"opinion_date": _("Ngày có ý kiến không được ở tương lai.")})
    if opinion_date < proposal.received_on:
        # The opinion is on this version of the plan, which the unit only has since its receipt.
        raise ValidationError({"opinion_date": _("Ngày có ý kiến không được trước ngày nhận kế hoạch.")})
    if Consultation.objects.filter(proposal=proposal, version=proposal.current_version).exists():
        raise ValidationError(_("Ý kiến cấp ủy cho phiên bản này đã được ghi nhận."), code="duplicate")
    consultation = Consultation(
        proposal=proposal, version=proposal.current_version, committee=committee, opinion_date=opinion_date,
        opinion=opinion, recorded_by=by,
    )
    if document is not None:
        try:
            checked = check_upload(document)
        except ValidationError as error:
            raise ValidationError({"document": error}) from None
        # The scan is evidence (spec README §6): its hash goes on the row and into the hash-chained audit event.
        consultation.document_name = document.name[:255]
        consultation.document_sha256 = checked.sha256
        consultation.document_content_type = checked.content_type
    # Everything is checked before the file is written: a refused consultation leaves no file behind.
    consultation.full_clean()
    if document is not None:
        consultation.document.save(f"{proposal.pk}-{proposal.current_version}", checked.file, save=False)
    consultation.save()
    audit_record(action="consultation", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"committee": committee, "opinion_date": opinion_date, "version": proposal.current_version,
                          "document_sha256": consultation.document_sha256})
    return consultation


@transaction.atomic
def meeting_open(
    *, proposal: Proposal, by, held_on: datetime.date, starts_at: datetime.time | None, attendees, secretary_name: str,
    location: str = "", other_attendees: str = "",
) -> Meeting:
    """T4: the head or the secretariat records the meeting; voters are computed, never chosen.

    The date, start time and secretary are required: they open the minutes (decree73.md §4.3), which the
    chair and the secretary sign (documents.md).
    """
    proposal = _lock(proposal)
    today = timezone.localdate()
    position = rules.organiser(_situation(proposal, by))
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Chỉ tổ chức họp khi đề xuất đang chờ xem xét."), code="bad_state")
    errors = {}
    if held_on > today or held_on < proposal.received_on:
        errors["held_on"] = _("Ngày họp phải từ ngày nhận kế hoạch đến hôm nay.")
    if starts_at is None:
        errors["starts_at"] = _("Cần ghi giờ bắt đầu cuộc họp để ghi vào biên bản.")
    secretary_name = secretary_name.strip()
    if not secretary_name:
        errors["secretary_name"] = _("Cần ghi tên thư ký cuộc họp: biên bản do thư ký và người chủ trì ký.")
    if errors:
        raise ValidationError(errors)
    # D-13: only a profile that asks the opinion before the meeting ("meeting", the unit's rule) needs it here, dated
    # no later than the meeting; Art. 4(3) itself asks it before approving (`_require_consultation`).
    if rules.consultation_first(proposal.profile, Action.OPEN_MEETING) and not Consultation.objects.filter(
        proposal=proposal, version=proposal.current_version, opinion_date__lte=held_on
    ).exists():
        raise ValidationError(_(rules.CONSULTATION_BEFORE_MEETING), code="consultation")
    collective = collective_on(proposal=proposal, on_date=held_on)
    chair = collective.head
    if chair is None:
        raise ValidationError(_("Ngày họp không có người đứng đầu đương nhiệm để chủ trì."), code="no_chair")
    voter_ids = {p.person_id for p in collective.voters}
    if chair.person_id not in voter_ids:
        # The head co-authored the plan: they may neither vote on it nor chair the vote on it.
        raise ValidationError(
            _("Người đứng đầu là tác giả của đề xuất nên không chủ trì, biểu quyết đề xuất này."), code="chair_is_author"
        )
    attendee_ids = {person.pk for person in attendees}
    if not attendee_ids <= voter_ids:
        raise ValidationError({"attendees": _("Chỉ chọn thành viên có quyền biểu quyết.")})
    if chair.person_id not in attendee_ids:
        # Art. 8(1): the head convenes and chairs the meeting; a vote without the chair is not that meeting.
        raise ValidationError({"attendees": _("Người đứng đầu phải có mặt để chủ trì cuộc họp (Điều 8 khoản 1).")})
    meeting = Meeting(
        proposal=proposal, version=proposal.current_version, unit=proposal.decision_unit, held_on=held_on,
        starts_at=starts_at, location=location, chair=chair.person, secretary_name=secretary_name,
        other_attendees=other_attendees, excluded_note=collective.excluded_note, opened_by=by,
    )
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(_("Đề xuất đã có cuộc họp đang biểu quyết."), code="duplicate") from None
    meeting.eligible_voters.set(voter_ids)
    meeting.attendees.set(attendee_ids)
    proposal_transition(
        proposal=proposal, action=Action.OPEN_MEETING, by=by, role=position.role, unit=position.unit,
        payload={"meeting": meeting.pk, "held_on": held_on, "starts_at": starts_at, "secretary": secretary_name,
                 "eligible": sorted(voter_ids), "present": sorted(attendee_ids)},
    )
    # Art. 8(1): the review deadline is met once the collective meets.
    step_close(proposal=proposal, kind="review")
    notify(
        recipients=[p.person for p in collective.voters if p.person_id in attendee_ids],
        message=gettext_noop("Mời biểu quyết đề xuất “%(title)s”."), params={"title": proposal.title},
        url=_proposal_url(proposal),
    )
    return meeting


@transaction.atomic
def vote_cast(*, meeting: Meeting, by, choice: str, reason: str = "") -> Vote:
    """One vote per eligible member present; the proposer never votes.

    D-7: the votes are the meeting's: cast on its date, or within the profile's `vote_window_days` after it
    (calendar days, local date); each keeps its time (`Vote.cast_at`), printed in the minutes. D-12: a reason for a
    vote against is asked only where the profile says so (Art. 8(1) asks none).
    """
    proposal, meeting = _lock_meeting(meeting)
    rules.voter(_situation(proposal, by, meeting))
    if meeting.state != Meeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đã kết thúc biểu quyết."), code="closed")
    last_day = vote_last_day(meeting, proposal.profile)
    if timezone.localdate() > last_day:
        raise ValidationError(
            _("Đã hết thời gian biểu quyết của cuộc họp ngày %(held_on)s (đến hết ngày %(last_day)s): phiếu biểu quyết "
              "chỉ được ghi nhận trong thời gian này.") % {
                "held_on": meeting.held_on.strftime("%d/%m/%Y"), "last_day": last_day.strftime("%d/%m/%Y")},
            code="window",
        )
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Chọn một ý kiến biểu quyết.")})
    reason = reason.strip()  # blank is no reason: the minutes then say none was given
    if choice == Vote.Choice.AGAINST and proposal.profile.against_reason_required and not reason:
        raise ValidationError({"reason": _("Theo quy định của cơ quan, cần nêu lý do khi không tán thành.")})
    try:
        with transaction.atomic():
            vote = Vote.objects.create(meeting=meeting, voter=by, choice=choice, reason=reason)
    except IntegrityError:
        raise ValidationError(_("Bạn đã biểu quyết đề xuất này."), code="duplicate") from None
    role = Position.Role.HEAD if by.pk == meeting.chair_id else Position.Role.DEPUTY
    audit_record(action="vote", obj=meeting.proposal, actor=by, role=role, unit=meeting.unit,
                 payload={"meeting": meeting.pk, "choice": choice, "reason": reason})
    return vote


def meeting_tally(meeting: Meeting) -> Tally:
    return tally(
        choices=dict(meeting.votes.values_list("voter_id", "choice")),
        eligible=set(meeting.eligible_voters.values_list("pk", flat=True)),
        present=set(meeting.attendees.values_list("pk", flat=True)),
        head_id=meeting.chair_id,
        profile=meeting.proposal.profile,
    )


@transaction.atomic
def meeting_close(*, meeting: Meeting, by, ends_at: datetime.time | None = None) -> Meeting:
    """End the vote: the system computes the result from the legal profile and numbers the minutes.

    D-7, review finding 8: the minutes close with the time the meeting ended as the chair states it (`ends_at`, the
    close form asks it; omitted, the time of a close on the meeting day), on the day it ended (`meeting_ended_on`),
    not the system time of the close. The minutes are rendered here, once, and kept with their SHA-256 (spec
    README §6): the download serves that file, so the record stays what it was on the day even if templates or the
    profile change later.
    """
    proposal, meeting = _lock_meeting(meeting)
    position = rules.organiser(_situation(proposal, by, meeting))
    if meeting.state != Meeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đã kết thúc biểu quyết."), code="closed")
    profile = proposal.profile
    now = timezone.localtime()
    ended_on = meeting_ended_on(meeting, profile, closed_on=now.date())
    ends_at = _end_time(meeting, ends_at=ends_at, ended_on=ended_on, now=now)
    result = meeting_tally(meeting)
    if not result.quorum_met:
        raise ValidationError(
            _("Cuộc họp chưa đủ số thành viên có mặt theo quy định (%(percent)s%%).") % {"percent": profile.quorum_percent},
            code="quorum",
        )
    action = Action.CLOSE_PASSED if result.passed else Action.CLOSE_FAILED
    # Before a number is taken and the minutes rendered: a refused close costs neither.
    ensure_transition(proposal, action)
    minutes = next_number(unit=meeting.unit, register="BB", year=meeting.held_on.year)
    meeting.state = Meeting.State.CLOSED
    meeting.closed_at = now
    meeting.ends_at = ends_at
    meeting.votes_for, meeting.votes_against, meeting.votes_abstain = result.votes_for, result.votes_against, result.votes_abstain
    meeting.threshold_percent = profile.approval_threshold_percent
    meeting.denominator_rule = profile.denominator
    meeting.tie_rule = profile.tie_rule
    meeting.denominator = result.denominator
    meeting.tie_break_applied = result.tie_break_applied
    meeting.passed = result.passed
    meeting.minutes_number = minutes.text
    meeting.save()
    digest = store_issued(documents.MINUTES, meeting)  # after every check and save: a refused close writes no file
    proposal_transition(
        proposal=proposal, action=action, by=by, role=position.role, unit=position.unit,
        payload={"meeting": meeting.pk, "minutes": minutes.text, "for": result.votes_for, "against": result.votes_against,
                 "abstain": result.votes_abstain, "denominator": result.denominator, "tie_break": result.tie_break_applied,
                 "rule": {"threshold_percent": meeting.threshold_percent, "denominator": meeting.denominator_rule,
                          "tie_rule": meeting.tie_rule},
                 "ended_on": ended_on, "ends_at": ends_at, "minutes_sha256": digest},
    )
    # D-14 [I]: after a passing vote (approval) and after a failing one (override, rejection or return) alike, the
    # head's written decision follows within the profile's deadline: a dated step, reminded and escalated.
    step_open(
        proposal=proposal, kind="decision", label=gettext_noop("Ban hành văn bản quyết định sau khi tập thể biểu quyết"),
        due_on=due_after(timezone.localdate(), profile.decision_deadline_wd), unit=proposal.decision_unit,
    )
    head = org.unit_head_on(unit=meeting.unit, on_date=timezone.localdate())
    notify(
        recipients=[proposal.proposer, head.person if head else None],
        message=(gettext_noop("Tập thể lãnh đạo đã thông qua đề xuất “%(title)s”.") if result.passed
                 else gettext_noop("Tập thể lãnh đạo không thông qua đề xuất “%(title)s”.")),
        params={"title": proposal.title},
        url=_proposal_url(proposal),
    )
    return meeting


def _end_time(meeting: Meeting, *, ends_at: datetime.time | None, ended_on: datetime.date,
              now: datetime.datetime) -> datetime.time:
    """The time the meeting ended on `ended_on` (hours and minutes), checked against its record (D-7)."""
    if ends_at is None:
        if now.date() != meeting.held_on:
            raise ValidationError({"ends_at": _("Cần ghi giờ kết thúc cuộc họp để ghi vào biên bản.")})
        return now.time().replace(second=0, microsecond=0)
    ends_at = ends_at.replace(second=0, microsecond=0)
    if ended_on == now.date() and ends_at > now.time():
        raise ValidationError({"ends_at": _("Giờ kết thúc không được sau thời điểm hiện tại.")})
    if ended_on == meeting.held_on and meeting.starts_at and ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("Giờ kết thúc phải sau giờ bắt đầu cuộc họp (%(time)s).") % {
            "time": meeting.starts_at.strftime("%H:%M")}})
    last_vote = max(
        (cast for cast in map(timezone.localtime, meeting.votes.values_list("cast_at", flat=True)) if cast.date() == ended_on),
        default=None,
    )
    if last_vote is not None and ends_at < last_vote.time().replace(second=0, microsecond=0):
        raise ValidationError({"ends_at": _("Giờ kết thúc không được trước giờ ghi nhận phiếu biểu quyết cuối cùng (%(time)s).") % {
            "time": last_vote.strftime("%H:%M")}})
    return ends_at


@transaction.atomic
def meeting_adjourn(*, meeting: Meeting, by, reason: str) -> Meeting:
    proposal, meeting = _lock_meeting(meeting)
    position = rules.organiser(_situation(proposal, by, meeting))
    if meeting.state != Meeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đã kết thúc biểu quyết."), code="closed")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do hoãn cuộc họp.")})
    meeting.state = Meeting.State.ADJOURNED
    meeting.closed_at = timezone.now()
    meeting.adjourn_reason = reason
    meeting.save()
    proposal_transition(proposal=proposal, action=Action.ADJOURN, by=by, role=position.role, unit=position.unit,
                        payload={"meeting": meeting.pk, "reason": reason})
    # The review deadline runs again, with its original date (REVIEW_DEADLINE_RUNNING): adjourning does not move it.
    previous = Step.objects.filter(proposal=proposal, kind="review").order_by("-opened_at", "-pk").first()
    step_open(
        proposal=proposal, kind="review", due_on=proposal.review_due, unit=proposal.decision_unit,
        label=previous.label if previous else gettext_noop("Họp tập thể lãnh đạo xem xét đề xuất"),
    )
    return meeting


def _lock_for_head(proposal: Proposal, by) -> tuple[Proposal, Position]:
    proposal = _lock(proposal)
    return proposal, rules.head(_situation(proposal, by))


def _last_meeting(proposal: Proposal) -> Meeting | None:
    return proposal.meetings.filter(version=proposal.current_version, state=Meeting.State.CLOSED).order_by("-closed_at").first()


def _require_consultation(proposal: Proposal, action: str) -> None:
    """D-13, Art. 4(3) [C]: the approval or override decision waits for the party committee's opinion on the version
    decided, when the profile requires one (`rules.consultation_first`)."""
    if rules.consultation_first(proposal.profile, action) and not Consultation.objects.filter(
        proposal=proposal, version=proposal.current_version
    ).exists():
        raise ValidationError(_(rules.CONSULTATION_BEFORE_DECISION), code="consultation")


def _require_text(text: str, *, field: str, message: str, min_chars: int = 1) -> None:
    if len(text.strip()) < min_chars:
        raise ValidationError({field: message})


def _require_competence(confirmed: bool) -> None:
    """Art. 4(2) [C] (D-5): protection presupposes a decision within the unit's authority and lawful; the head
    confirms it in the approval or override decision, which states it."""
    if confirmed is not True:
        raise ValidationError({"competence_confirmed": _(
            "Người đứng đầu cần xác nhận đề xuất thuộc thẩm quyền quyết định của cơ quan, không trái quy định (khoản 2 "
            "Điều 4). Nếu đề xuất vượt thẩm quyền, hãy báo cáo cấp có thẩm quyền."
        )})


def _official_role_label(position: Position) -> str:
    """The role as printed on a Vietnamese document, whatever language the signer's interface uses."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(position.get_role_display())


def _issue(*, proposal: Proposal, kind: str, by, position: Position, text: str, meeting: Meeting | None,
           **fields) -> Decision:
    """Number, save and render the decision; the PDF is kept as issued (spec README §6).

    `fields`: what the kind records besides its text (`competence_confirmed` ...). The signer's title is the one
    printed over the signature, without the agency the header names (review finding 2).
    """
    today = timezone.localdate()
    register = Decision.REGISTER[kind]
    number = next_number(unit=proposal.decision_unit, register=register, year=today.year)
    decision = Decision(
        proposal=proposal, kind=kind, version=proposal.current_version, meeting=meeting, unit=proposal.decision_unit,
        number=number.text, register=register, register_year=number.year, register_seq=number.seq, issued_on=today,
        signer=by, signer_title=signature_title(position) or _official_role_label(position), text=text, **fields,
    )
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise ValidationError(_("Văn bản quyết định cho phiên bản này đã được ban hành."), code="duplicate") from None
    store_issued(documents.DECISION, decision)  # after every check and save: a refused decision writes no file
    return decision


def _decide(*, proposal: Proposal, position: Position, by, kind: str, action: str, text: str, notice: str,
            **fields) -> Decision:
    """Issue a decision on a proposal locked by the caller, who has checked the head's position and the input;
    `fields` as for `_issue`."""
    from_status = proposal.status
    # Returned or referred before the meeting: the review deadline no longer runs (after a meeting it is closed).
    step_close(proposal=proposal, kind="review")
    decision = _issue(proposal=proposal, kind=kind, by=by, position=position, text=text, meeting=_last_meeting(proposal),
                      **fields)
    if kind in (Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE):
        proposal.approved_version = proposal.current_version
    proposal_transition(
        proposal=proposal, action=action, by=by, role=position.role, unit=position.unit,
        payload={"decision": decision.pk, "number": decision.number, "kind": kind, "from": from_status,
                 "pdf_sha256": decision.pdf_sha256},
    )
    step_close(proposal=proposal, kind="decision")
    notify(recipients=[proposal.proposer], message=notice, params={"title": proposal.title, "number": decision.number},
           url=_proposal_url(proposal))
    return decision


@transaction.atomic
def decision_approve(*, proposal: Proposal, by, text: str, competence_confirmed: bool = True) -> Decision:
    """After the collective passed it, the head issues the approval decision (decree73.md §4.2).

    `competence_confirmed`: the head's Art. 4(2) confirmation (D-5). The panel's form asks it (a required box) and
    passes what was ticked; a False is refused. Callers without a form (demo seeding, tests) confirm by default.
    """
    proposal, position = _lock_for_head(proposal, by)
    ensure_transition(proposal, Action.APPROVE)
    _require_consultation(proposal, Action.APPROVE)
    _require_competence(competence_confirmed)
    _require_text(text, field="text", message=_("Nội dung văn bản không được để trống."))
    return _decide(proposal=proposal, position=position, by=by, kind=Decision.Kind.APPROVAL, action=Action.APPROVE,
                   text=text, notice=gettext_noop("Đề xuất “%(title)s” đã được cho triển khai thực hiện (Quyết định số %(number)s)."),
                   competence_confirmed=True)


@transaction.atomic
def decision_override(*, proposal: Proposal, by, justification: str, competence_confirmed: bool = True) -> Decision:
    """T5: the collective did not pass it; the head decides to implement, in writing, with reasons.

    `competence_confirmed` as for `decision_approve` (Art. 4(2), D-5).
    """
    proposal = _lock(proposal)
    position = rules.overrider(_situation(proposal, by))
    ensure_transition(proposal, Action.OVERRIDE)
    _require_consultation(proposal, Action.OVERRIDE)
    _require_competence(competence_confirmed)
    _require_text(
        justification, field="justification", min_chars=MIN_JUSTIFICATION_CHARS,
        message=_("Cần nêu rõ lý do (ít nhất %(n)s ký tự): sự cần thiết và tính khả thi.") % {"n": MIN_JUSTIFICATION_CHARS},
    )
    return _decide(proposal=proposal, position=position, by=by, kind=Decision.Kind.OVERRIDE, action=Action.OVERRIDE,
                   text=justification,
                   notice=gettext_noop("Người đứng đầu đã quyết định cho triển khai đề xuất “%(title)s” (Quyết định số %(number)s)."),
                   competence_confirmed=True)


@transaction.atomic
def decision_reject(*, proposal: Proposal, by, reasons: str) -> Decision:
    """T7: a written answer with the reasons; the proposer may revise and resubmit as a new version."""
    proposal, position = _lock_for_head(proposal, by)
    ensure_transition(proposal, Action.REJECT)
    _require_text(
        reasons, field="reasons", min_chars=MIN_JUSTIFICATION_CHARS,
        message=_("Cần nêu rõ lý do không chấp thuận (ít nhất %(n)s ký tự).") % {"n": MIN_JUSTIFICATION_CHARS},
    )
    return _decide(proposal=proposal, position=position, by=by, kind=Decision.Kind.REJECTION, action=Action.REJECT,
                   text=reasons,
                   notice=gettext_noop("Đề xuất “%(title)s” không được chấp thuận (Văn bản số %(number)s). Bạn có thể chỉnh sửa và nộp lại."))


# D-8: what a return may name as incomplete: the plan's contents (Art. 7(2)) and declarations (Art. 5(1), Art. 1,
# Art. 4(2)); the Art. 8(2) flag is the proposer's description of the plan, not a content that can be missing.
RETURNABLE_ITEMS = tuple(name for name in PlanContent.CONTENT_FIELDS if name != "wide_scope")


@transaction.atomic
def proposal_return(*, proposal: Proposal, by, reasons: str, incomplete_items=()) -> Decision:
    """T7: the head sends the plan back for clarification before or after the vote.

    D-8 (Art. 6(3) [C]: no evading the collective's review): a return before any meeting on the version is about the
    plan's completeness, so it names at least one Art. 7(2) content found incomplete (`incomplete_items`, field names
    of the plan), besides the reasons; after a meeting the items are optional. Every return is counted on the
    proposal (`returns_count`), which its page and the reports show.
    """
    proposal, position = _lock_for_head(proposal, by)
    ensure_transition(proposal, Action.RETURN)
    _require_text(
        reasons, field="reasons", min_chars=MIN_JUSTIFICATION_CHARS,
        message=_("Cần nêu rõ nội dung cần bổ sung, làm rõ (ít nhất %(n)s ký tự).") % {"n": MIN_JUSTIFICATION_CHARS},
    )
    items = set(incomplete_items)
    if items - set(RETURNABLE_ITEMS):
        raise ValidationError({"incomplete_items": _("Chỉ chọn các nội dung của kế hoạch.")})
    if not items and _last_meeting(proposal) is None:
        raise ValidationError({"incomplete_items": _(
            "Trả lại trước khi tập thể lãnh đạo họp chỉ để bổ sung, làm rõ nội dung kế hoạch: chọn ít nhất một nội dung "
            "theo Điều 7 khoản 2 còn chưa đầy đủ."
        )})
    proposal.returns_count += 1  # saved with the transition
    return _decide(proposal=proposal, position=position, by=by, kind=Decision.Kind.RETURN, action=Action.RETURN,
                   text=reasons, incomplete_items=[name for name in RETURNABLE_ITEMS if name in items],  # the plan's order
                   notice=gettext_noop("Đề xuất “%(title)s” được trả lại để bổ sung, làm rõ (Văn bản số %(number)s)."))


@transaction.atomic
def decision_refer(*, proposal: Proposal, by, addressee: str, reasons: str) -> Decision:
    """Art. 4(2) [C], D-5 [I]: the proposal lies beyond the deciding unit's authority, so it is not decided here: the
    head of the deciding unit (route A: the proposer's unit; route B: the superior unit) reports it in a numbered
    letter to the competent body (`addressee`, as typed: "Ủy ban nhân dân tỉnh Quảng Ninh") with the reasons, before
    the meeting or after the vote. The proposal ends here (REFERRED); the proposer is told.
    """
    proposal, position = _lock_for_head(proposal, by)
    ensure_transition(proposal, Action.REFER)
    errors = {}
    addressee = " ".join(addressee.split())
    if not addressee:
        errors["addressee"] = _("Cần ghi cơ quan, người có thẩm quyền được báo cáo (Kính gửi).")
    if len(reasons.strip()) < MIN_JUSTIFICATION_CHARS:
        errors["reasons"] = _("Cần nêu rõ vì sao đề xuất vượt thẩm quyền của cơ quan (ít nhất %(n)s ký tự).") % {
            "n": MIN_JUSTIFICATION_CHARS}
    if errors:
        raise ValidationError(errors)
    return _decide(proposal=proposal, position=position, by=by, kind=Decision.Kind.REFERRAL, action=Action.REFER,
                   text=documents.referral_text(addressee=addressee, reasons=reasons),
                   notice=gettext_noop("Đề xuất “%(title)s” vượt thẩm quyền quyết định của cơ quan, đã được báo cáo cấp có "
                                       "thẩm quyền (Văn bản số %(number)s)."))


# --- Downloads of issued documents -----------------------------------------------------------------------------


def minutes_download(*, meeting: Meeting, by) -> StoredPdf:
    """The minutes of a closed meeting as stored (a regenerated copy is recorded in the audit log); the caller
    has checked that `by` may read the proposal."""
    return download_issued(documents.MINUTES, meeting, by=by)


def decision_download(*, decision: Decision, by) -> StoredPdf:
    """An issued decision or letter as stored (a regenerated copy is recorded in the audit log); the caller has
    checked that `by` may read the proposal."""
    return download_issued(documents.DECISION, decision, by=by)
