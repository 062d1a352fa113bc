"""Every act of the evaluating unit after the completion report: the party committee's opinion, the evaluation
meeting and its votes, the conclusion, protection and encouragement, and closing the case.

Spec: after-approval.md EVL-1..6, PRO-1..4, ENC-1..3, IMP-7; decree73.md T12, T13, §4.3, §4.5, §4.6. Each
service locks the proposal (then the meeting or the record), checks who acts on a fresh Situation before looking
at its input, checks the state and the input, writes the audit event and notifies on commit.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as org
from accounts.models import Position
from approvals.models import Decision
from approvals.selectors import collective_on
from approvals.voting import Tally, tally
from core.actions import Situation
from core.audit import audit_record
from core.documents import StoredPdf, download_issued, next_number, store_issued
from core.documents.layout import signature_title
from core.notifications import notify
from core.uploads import CheckedUpload, check_upload
from proposals.models import LegalProfile, Proposal, Step
from proposals.services import ensure_transition, proposal_transition
from proposals.steps import due_after, step_close, step_open
from proposals.transitions import Action, Status

from . import documents, rules
from .models import (
    Conclusion,
    EncouragementForm,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    EvaluationVote,
    Measure,
    Outcome,
    PartyType,
    ProtectionRecord,
)
from .selectors import (
    CONCLUSION_STEP,
    EVALUATION_STEP,
    approval_decision,
    completion_report,
    evaluation_path,
    last_closed_meeting,
    parties,
    report_received_on,
    was_stopped,
)

MEETING = LegalProfile.EvaluationPath.MEETING
CONCLUSION_ONLY = LegalProfile.EvaluationPath.CONCLUSION
LETTER = "CV"  # công văn: "Số: 12/SNV" (core.documents.LETTER_REGISTER)

# EVL-3 [P]: the label of the dated step says the period is not confirmed in the recovered text.
CONCLUSION_STEP_LABEL = gettext_noop(
    "Ban hành kết luận đánh giá trong %(days)s ngày làm việc sau cuộc họp (thời hạn chưa xác nhận trong văn bản pháp luật)"
)


# Lock order, the same in every service: the proposal row, then the meeting or the record.
def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("decision_unit", "profile", "proposer", "proposer_position")
        .get(pk=proposal.pk)
    )


def _lock_meeting(meeting: EvaluationMeeting) -> tuple[Proposal, EvaluationMeeting]:
    proposal = _lock(Proposal(pk=meeting.proposal_id))
    meeting = EvaluationMeeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    meeting.proposal = proposal
    return proposal, meeting


def _url(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def _official(label) -> str:
    """A label as printed on a Vietnamese document, whatever the acting person's interface language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _signer_title(position: Position) -> str:
    return signature_title(position) or _official(position.get_role_display())  # review finding 2


def _require(errors: dict, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


def _check_scan(document) -> CheckedUpload:
    try:
        return check_upload(document)
    except ValidationError as error:
        raise ValidationError({"document": error}) from None


# --- EVL-1: the party committee's opinion ---------------------------------------------------------------------


@transaction.atomic
def evaluation_consultation_record(
    *, proposal: Proposal, by, committee: str, opinion_date: datetime.date, opinion: str, document=None
) -> EvaluationConsultation:
    """EVL-1, Art. 4(3) [C]: the head or secretariat records the same-level party committee's opinion on the
    results, after the report and before the evaluation meeting or the conclusion."""
    proposal = _lock(proposal)
    position = rules.organiser(Situation(proposal=proposal, user=by))
    if proposal.status != Status.REPORTED:
        raise ValidationError(
            _("Chỉ ghi nhận ý kiến cấp ủy về kết quả thực hiện sau khi có báo cáo kết quả, trước khi đánh giá."),
            code="bad_state",
        )
    errors = {}
    committee = _require(errors, "committee", committee, _("Cần ghi tên cấp ủy, tổ chức đảng cho ý kiến."))
    opinion = _require(errors, "opinion", opinion, _("Cần ghi nội dung ý kiến của cấp ủy."))
    received = report_received_on(proposal, completion_report(proposal))
    if opinion_date > timezone.localdate():
        errors["opinion_date"] = _("Ngày có ý kiến không được ở tương lai.")
    elif received and opinion_date < received:
        # The opinion is on the results, which the unit only has since the report.
        errors["opinion_date"] = _("Ngày có ý kiến không được trước ngày nhận báo cáo kết quả (%(date)s).") % {
            "date": received.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    consultation = EvaluationConsultation(
        proposal=proposal, committee=committee, opinion_date=opinion_date, opinion=opinion, recorded_by=by,
    )
    if document is not None:
        checked = _check_scan(document)
        consultation.document_sha256, consultation.document_content_type = checked.sha256, checked.content_type
        consultation.document_name = document.name[:255]
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError:
        raise ValidationError(_("Ý kiến cấp ủy về kết quả thực hiện đã được ghi nhận."), code="duplicate") from None
    if document is not None:
        # Written only once every check passed and the row is ours: a refused opinion leaves no file.
        consultation.document.save(f"{proposal.pk}-ket-qua", checked.file, save=True)
    audit_record(action="evaluation_consultation", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"committee": committee, "opinion_date": opinion_date,
                          "document_sha256": consultation.document_sha256})
    return consultation


def _consulted_by(proposal: Proposal, day: datetime.date) -> bool:
    return EvaluationConsultation.objects.filter(proposal=proposal, opinion_date__lte=day).exists()


def _require_consultation(proposal: Proposal, day: datetime.date) -> None:
    """EVL-1: mandatory by default (`evaluation_consultation_required`), dated no later than the evaluation."""
    if proposal.profile.evaluation_consultation_required and not _consulted_by(proposal, day):
        raise ValidationError(
            _("Cần ghi nhận ý kiến cấp ủy về kết quả thực hiện trước khi đánh giá (Điều 4 khoản 3)."), code="consultation"
        )


def _path(proposal: Proposal) -> str:
    return evaluation_path(proposal, stopped=was_stopped(proposal))


# --- EVL-2: the evaluation meeting -----------------------------------------------------------------------------


@transaction.atomic
def evaluation_meeting_open(
    *, proposal: Proposal, by, held_on: datetime.date, starts_at: datetime.time | None, attendees, secretary_name: str,
    proposed_outcome: str, proposed_damage: bool, proposed_right_policy: bool, proposed_pure_motive: bool,
    proposed_common_good: bool, location: str = "", other_attendees: str = "",
) -> EvaluationMeeting:
    """EVL-2, Art. 18 [C]: the head or secretariat records the evaluation meeting and the assessment put to it.

    Voters are computed (`approvals.selectors.collective_on`): head and deputies in office on the meeting date,
    minus the proposer and co-authors; the head chairs and must attend. The "evaluation" step closes.
    """
    proposal = _lock(proposal)
    position = rules.organiser(Situation(proposal=proposal, user=by))
    if proposal.status != Status.REPORTED:
        raise ValidationError(_("Chỉ tổ chức họp đánh giá khi đề xuất đã có báo cáo kết quả, chờ đánh giá."), code="bad_state")
    if _path(proposal) != MEETING:
        raise ValidationError(
            _("Theo bộ quy định áp dụng, đề xuất này được người đứng đầu kết luận đánh giá, không họp."), code="path"
        )
    today = timezone.localdate()
    received = report_received_on(proposal, completion_report(proposal))
    errors = {}
    if held_on > today or (received and held_on < received):
        errors["held_on"] = _("Ngày họp phải từ ngày nhận báo cáo kết quả đến hôm nay.")
    if starts_at is None:
        errors["starts_at"] = _("Cần ghi giờ bắt đầu cuộc họp để ghi vào biên bản.")
    secretary_name = _require(
        errors, "secretary_name", secretary_name, _("Cần ghi tên thư ký cuộc họp: biên bản do thư ký và người chủ trì ký.")
    )
    if proposed_outcome not in Outcome.values:
        errors["proposed_outcome"] = _("Chọn kết quả đưa ra đánh giá.")
    if errors:
        raise ValidationError(errors)
    _require_consultation(proposal, held_on)
    collective = collective_on(proposal=proposal, on_date=held_on)
    chair = collective.head
    if chair is None:
        raise ValidationError(_("Ngày họp không có người đứng đầu đương nhiệm để chủ trì."), code="no_chair")
    voter_ids = {p.person_id for p in collective.voters}
    if chair.person_id not in voter_ids:
        raise ValidationError(
            _("Người đứng đầu là tác giả của đề xuất nên không chủ trì đánh giá đề xuất này."), code="chair_is_author"
        )
    attendee_ids = {person.pk for person in attendees}
    if not attendee_ids <= voter_ids:
        raise ValidationError({"attendees": _("Chỉ chọn thành viên tập thể lãnh đạo có quyền biểu quyết.")})
    if chair.person_id not in attendee_ids:
        raise ValidationError({"attendees": _("Người đứng đầu phải có mặt để chủ trì cuộc họp đánh giá (Điều 18).")})
    meeting = EvaluationMeeting(
        proposal=proposal, unit=proposal.decision_unit, held_on=held_on, starts_at=starts_at, location=location.strip(),
        chair=chair.person, secretary_name=secretary_name, other_attendees=other_attendees.strip(),
        excluded_note=collective.excluded_note, rule=proposal.profile.evaluation_rule,
        proposed_outcome=proposed_outcome, proposed_damage=proposed_damage, proposed_right_policy=proposed_right_policy,
        proposed_pure_motive=proposed_pure_motive, proposed_common_good=proposed_common_good, opened_by=by,
    )
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(_("Đề xuất đã có cuộc họp đánh giá."), code="duplicate") from None
    meeting.eligible_voters.set(voter_ids)
    meeting.attendees.set(attendee_ids)
    step_close(proposal=proposal, kind=EVALUATION_STEP)
    proposal_transition(
        proposal=proposal, action=Action.OPEN_EVALUATION, by=by, role=position.role, unit=position.unit,
        payload={"meeting": meeting.pk, "held_on": held_on, "starts_at": starts_at, "secretary": secretary_name,
                 "rule": meeting.rule, "eligible": sorted(voter_ids), "present": sorted(attendee_ids),
                 "proposed": {"outcome": proposed_outcome, "damage": proposed_damage,
                              "findings": [proposed_right_policy, proposed_pure_motive, proposed_common_good]}},
    )
    notify(
        recipients=[p.person for p in collective.voters if p.person_id in attendee_ids],
        message=gettext_noop("Mời cho ý kiến, biểu quyết đánh giá kết quả thực hiện đề xuất “%(title)s”."),
        params={"title": proposal.title}, url=_url(proposal),
    )
    return meeting


@transaction.atomic
def evaluation_vote_cast(*, meeting: EvaluationMeeting, by, choice: str, reason: str = "") -> EvaluationVote:
    """One vote (or, under the "head" rule, one opinion) per eligible member present; the authors never vote."""
    proposal, meeting = _lock_meeting(meeting)
    rules.voter(Situation(proposal=proposal, user=by, target=meeting))
    if meeting.state != EvaluationMeeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đánh giá đã kết thúc biểu quyết."), code="closed")
    if choice not in EvaluationVote.Choice.values:
        raise ValidationError({"choice": _("Chọn một ý kiến biểu quyết.")})
    if choice == EvaluationVote.Choice.AGAINST and not reason.strip():
        raise ValidationError({"reason": _("Cần nêu lý do khi không tán thành.")})
    try:
        with transaction.atomic():
            vote = EvaluationVote.objects.create(meeting=meeting, voter=by, choice=choice, reason=reason.strip())
    except IntegrityError:
        raise ValidationError(_("Bạn đã biểu quyết tại cuộc họp đánh giá này."), code="duplicate") from None
    role = Position.Role.HEAD if by.pk == meeting.chair_id else Position.Role.DEPUTY
    # The choice stays out of the log while the vote is open: the payload holds only that a vote was cast.
    audit_record(action="evaluation_vote", obj=proposal, actor=by, role=role, unit=meeting.unit,
                 payload={"meeting": meeting.pk})
    return vote


def meeting_tally(meeting: EvaluationMeeting, profile: LegalProfile) -> Tally:
    return tally(
        choices=dict(meeting.votes.values_list("voter_id", "choice")),
        eligible=set(meeting.eligible_voters.values_list("pk", flat=True)),
        present=set(meeting.attendees.values_list("pk", flat=True)),
        head_id=meeting.chair_id,
        profile=profile,
    )


@transaction.atomic
def evaluation_meeting_close(*, meeting: EvaluationMeeting, by) -> EvaluationMeeting:
    """End the evaluation meeting: the result is computed by the profile's `evaluation_rule` (EVL-2 [U]):

    - "collective" (default): the Art. 8(1) rule of the profile (threshold, denominator, quorum, tie → the head's
      side; a tie is as many votes for as against, review D-1: `approvals.voting`), on the proposed assessment;
    - "head": the members give their opinions and the head decides: the head's own "tán thành" or
      "không tán thành" is the result.

    The minutes are numbered in the BB register and stored once with their SHA-256; the "conclusion" step opens,
    due `evaluation_conclusion_deadline_wd` working days after the meeting, labelled unconfirmed (EVL-3 [P]).
    """
    proposal, meeting = _lock_meeting(meeting)
    position = rules.organiser(Situation(proposal=proposal, user=by, target=meeting))
    if meeting.state != EvaluationMeeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đánh giá đã kết thúc biểu quyết."), code="closed")
    profile = proposal.profile
    result = meeting_tally(meeting, profile)
    if meeting.rule == LegalProfile.DecisionPath.HEAD:
        head_choice = meeting.votes.filter(voter_id=meeting.chair_id).values_list("choice", flat=True).first()
        if head_choice not in (EvaluationVote.Choice.FOR, EvaluationVote.Choice.AGAINST):
            raise ValidationError(
                _("Theo bộ quy định áp dụng, người đứng đầu quyết định: người đứng đầu cần cho ý kiến tán thành hoặc "
                  "không tán thành trước khi kết thúc."),
                code="head_undecided",
            )
        passed, tie_break = head_choice == EvaluationVote.Choice.FOR, False
    else:
        if not result.quorum_met:
            raise ValidationError(
                _("Cuộc họp chưa đủ số thành viên có mặt theo quy định (%(percent)s%%).") % {"percent": profile.quorum_percent},
                code="quorum",
            )
        passed, tie_break = result.passed, result.tie_break_applied
    ensure_transition(proposal, Action.CLOSE_EVALUATION)
    minutes = next_number(unit=meeting.unit, register="BB", year=meeting.held_on.year)
    meeting.state = EvaluationMeeting.State.CLOSED
    meeting.closed_at = timezone.now()
    meeting.votes_for, meeting.votes_against, meeting.votes_abstain = result.votes_for, result.votes_against, result.votes_abstain
    meeting.threshold_percent = profile.approval_threshold_percent
    meeting.denominator_rule = profile.denominator
    meeting.tie_rule = profile.tie_rule
    meeting.denominator = result.denominator
    meeting.tie_break_applied = tie_break
    meeting.passed = passed
    meeting.minutes_number = minutes.text
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(_("Đề xuất đã có cuộc họp đánh giá kết thúc."), code="duplicate") from None
    digest = store_issued(documents.MINUTES, meeting)
    days = profile.evaluation_conclusion_deadline_wd
    with translation.override(settings.LANGUAGE_CODE):
        label = _(CONCLUSION_STEP_LABEL) % {"days": f"{days:02d}"}
    step = step_open(proposal=proposal, kind=CONCLUSION_STEP, label=label, due_on=due_after(meeting.held_on, days),
                     unit=proposal.decision_unit)
    proposal_transition(
        proposal=proposal, action=Action.CLOSE_EVALUATION, by=by, role=position.role, unit=position.unit,
        payload={"meeting": meeting.pk, "minutes": minutes.text, "rule": meeting.rule, "passed": passed,
                 "for": result.votes_for, "against": result.votes_against, "abstain": result.votes_abstain,
                 "denominator": result.denominator, "tie_break": tie_break, "minutes_sha256": digest,
                 "conclusion_due": step.due_on,
                 # Each member's choice enters the hash chain only now: while the vote ran, the log held none.
                 "ballots": {str(voter): choice for voter, choice in meeting.votes.values_list("voter_id", "choice")}},
    )
    head = org.unit_head_on(unit=meeting.unit, on_date=timezone.localdate())
    notify(
        recipients=[head.person if head else None],
        message=gettext_noop("Cuộc họp đánh giá đề xuất “%(title)s” đã kết thúc; cần ban hành kết luận đánh giá trước ngày %(due)s."),
        params={"title": proposal.title, "due": step.due_on.strftime("%d/%m/%Y")}, url=_url(proposal),
    )
    return meeting


@transaction.atomic
def evaluation_meeting_adjourn(*, meeting: EvaluationMeeting, by, reason: str) -> EvaluationMeeting:
    """The meeting is adjourned; its votes do not count. The "evaluation" step reopens with its original due date."""
    proposal, meeting = _lock_meeting(meeting)
    position = rules.organiser(Situation(proposal=proposal, user=by, target=meeting))
    if meeting.state != EvaluationMeeting.State.OPEN:
        raise ValidationError(_("Cuộc họp đánh giá đã kết thúc biểu quyết."), code="closed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do hoãn cuộc họp.")})
    meeting.state = EvaluationMeeting.State.ADJOURNED
    meeting.closed_at = timezone.now()
    meeting.adjourn_reason = reason
    meeting.save()
    # Adjourning does not move the deadline of Art. 18: the step comes back as the implementation app opened it.
    previous = Step.objects.filter(proposal=proposal, kind=EVALUATION_STEP).order_by("-opened_at", "-pk").first()
    if previous is not None:
        step_open(proposal=proposal, kind=EVALUATION_STEP, label=previous.label, due_on=previous.due_on,
                  unit=previous.unit, person=previous.person)
    proposal_transition(proposal=proposal, action=Action.ADJOURN_EVALUATION, by=by, role=position.role,
                        unit=position.unit, payload={"meeting": meeting.pk, "reason": reason})
    return meeting


# --- EVL-3..5: the conclusion ------------------------------------------------------------------------------------


FINDING_FIELDS = ("right_policy", "pure_motive", "common_good")


@transaction.atomic
def conclusion_issue(
    *, proposal: Proposal, by, outcome: str, results_assessment: str, damage: bool, damage_vnd: int | None,
    right_policy: bool, right_policy_reasons: str, pure_motive: bool, pure_motive_reasons: str, common_good: bool,
    common_good_reasons: str, objective_causes: str, subjective_causes: str,
) -> Conclusion:
    """EVL-3/4/5, Art. 11(4), Art. 5(2) [C]: the head's written conclusion.

    From EVALUATION_HELD after the meeting, or straight from REPORTED when the proposal's path is conclusion-only
    (EVL-6). The outcome, damage (with its estimated value) and the three findings, each with reasons, and both
    the objective and the subjective causes are required. After a meeting, the conclusion follows what it
    decided: the assessment it adopted, or another one when it rejected the assessment put to it.
    """
    proposal = _lock(proposal)
    position = rules.head(Situation(proposal=proposal, user=by))
    ensure_transition(proposal, Action.CONCLUDE)
    today = timezone.localdate()
    meeting = None
    if proposal.status == Status.EVALUATION_HELD:
        meeting, path = last_closed_meeting(proposal), Conclusion.Path.MEETING
    else:
        if _path(proposal) != CONCLUSION_ONLY:
            raise ValidationError(
                _("Cần tổ chức họp tập thể lãnh đạo đánh giá kết quả trước khi kết luận (Điều 18)."), code="path"
            )
        path = Conclusion.Path.CONCLUSION
        _require_consultation(proposal, today)
    errors: dict = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Chọn kết quả thực hiện: hoàn thành, hoàn thành một phần hoặc không hoàn thành.")
    results_assessment = _require(errors, "results_assessment", results_assessment,
                                  _("Cần nêu kết quả thực hiện so với mục tiêu đề ra."))
    if damage and damage_vnd is None:
        errors["damage_vnd"] = _("Cần ghi giá trị thiệt hại ước tính (đồng) khi có thiệt hại.")
    elif damage_vnd is not None and damage_vnd < 0:
        errors["damage_vnd"] = _("Giá trị thiệt hại không được âm.")
    reasons_message = _("Cần nêu lý do của nhận định này.")
    right_policy_reasons = _require(errors, "right_policy_reasons", right_policy_reasons, reasons_message)
    pure_motive_reasons = _require(errors, "pure_motive_reasons", pure_motive_reasons, reasons_message)
    common_good_reasons = _require(errors, "common_good_reasons", common_good_reasons, reasons_message)
    objective_causes = _require(errors, "objective_causes", objective_causes,
                                _("Cần nêu nguyên nhân khách quan (Điều 11 khoản 4)."))
    subjective_causes = _require(errors, "subjective_causes", subjective_causes,
                                 _("Cần nêu nguyên nhân chủ quan (Điều 11 khoản 4)."))
    if errors:
        raise ValidationError(errors)
    findings = (right_policy, pure_motive, common_good)
    if meeting is not None:
        adopted = (meeting.proposed_outcome, meeting.proposed_damage, *meeting.proposed_findings.values())
        given = (outcome, damage, *findings)
        if meeting.passed and given != adopted:
            raise ValidationError(
                _("Kết luận phải theo nội dung đánh giá đã được thông qua tại cuộc họp (Biên bản số %(number)s).")
                % {"number": meeting.minutes_number}, code="meeting_adopted",
            )
        if not meeting.passed and given == adopted:
            raise ValidationError(
                _("Cuộc họp không thông qua nội dung đánh giá này (Biên bản số %(number)s); kết luận cần nêu nội dung "
                  "đánh giá khác.") % {"number": meeting.minutes_number}, code="meeting_rejected",
            )
    number = next_number(unit=proposal.decision_unit, register="KL", year=today.year)
    conclusion = Conclusion(
        proposal=proposal, meeting=meeting, path=path, version=proposal.approved_version or proposal.current_version,
        unit=proposal.decision_unit, number=number.text, register="KL", register_year=number.year,
        register_seq=number.seq, issued_on=today, signer=by, signer_title=_signer_title(position), outcome=outcome,
        results_assessment=results_assessment, damage=damage, damage_vnd=damage_vnd if damage else None,
        right_policy=right_policy, right_policy_reasons=right_policy_reasons, pure_motive=pure_motive,
        pure_motive_reasons=pure_motive_reasons, common_good=common_good, common_good_reasons=common_good_reasons,
        objective_causes=objective_causes, subjective_causes=subjective_causes,
        protection_basis=rules.protection_basis(outcome=outcome, damage=damage, findings=findings),
    )
    try:
        with transaction.atomic():
            conclusion.save()
    except IntegrityError:
        raise ValidationError(_("Kết luận đánh giá của đề xuất này đã được ban hành."), code="duplicate") from None
    digest = store_issued(documents.CONCLUSION, conclusion)
    step_close(proposal=proposal, kind=EVALUATION_STEP)
    step_close(proposal=proposal, kind=CONCLUSION_STEP)
    proposal_transition(
        proposal=proposal, action=Action.CONCLUDE, by=by, role=position.role, unit=position.unit,
        payload={"conclusion": conclusion.pk, "number": conclusion.number, "path": path, "outcome": outcome,
                 "damage": damage, "damage_vnd": conclusion.damage_vnd, "findings": list(findings),
                 "protection_basis": conclusion.protection_basis, "pdf_sha256": digest},
    )
    params = {"title": proposal.title, "number": conclusion.number}
    notify(recipients=[proposal.proposer, *proposal.co_authors.all()],
           message=gettext_noop("Đề xuất “%(title)s” đã có kết luận đánh giá số %(number)s."), params=params,
           url=_url(proposal))
    _notify_superior_of_override(proposal, params)
    return conclusion


def _notify_superior_of_override(proposal: Proposal, params: dict) -> None:
    """IMP-7 [I]: for a proposal the head approved against the collective (Art. 8(1)), the superior unit's head
    hears of the evaluation outcome, when the profile says so (`notify_superior_of_override`)."""
    if not proposal.profile.notify_superior_of_override:
        return
    decision = approval_decision(proposal)
    if decision is None or decision.kind != Decision.Kind.OVERRIDE:
        return
    superior_head = org.unit_superior_head_on(unit=proposal.decision_unit, on_date=timezone.localdate())
    if superior_head is None:
        return
    notify(
        recipients=[superior_head.person],
        message=gettext_noop("Đề xuất “%(title)s” (người đứng đầu quyết định cho triển khai khi tập thể không thông qua) "
                             "đã có kết luận đánh giá số %(number)s."),
        params=params, url=_url(proposal),
    )


# --- PRO-1..4: protection ------------------------------------------------------------------------------------------


def _conclusion_of(proposal: Proposal) -> Conclusion:
    if proposal.status != Status.EVALUATED:
        raise ValidationError(
            _("Chỉ thực hiện khi đề xuất đã có kết luận đánh giá và hồ sơ chưa kết thúc."), code="bad_state"
        )
    return Conclusion.objects.select_for_update(of=("self",)).get(proposal=proposal)


def _party(proposal: Proposal, key: str):
    found = {party.key: party for party in parties(proposal)}
    if key not in found:
        raise ValidationError({"party": _("Chọn một đối tượng của đề xuất.")})
    return found[key]


def _issue_party_record(record, *, register: str, document, proposal: Proposal, duplicate: str):
    """Number, save and store a record's document; a second record for the same party is refused."""
    today = timezone.localdate()
    number = next_number(unit=proposal.decision_unit, register=register, year=today.year)
    record.unit, record.number, record.register = proposal.decision_unit, number.text, register
    record.register_year, record.register_seq, record.issued_on = number.year, number.seq, today
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(duplicate, code="duplicate") from None
    return store_issued(document, record)


@transaction.atomic
def protection_record(*, proposal: Proposal, by, party: str, measure: str, addressee: str, note: str = "") -> ProtectionRecord:
    """PRO-1..4: the unit's letter confirming the evaluation and proposing the one measure the conclusion allows,
    for one party (the proposer, a co-author, an implementer, the approving unit or its head).

    The table (`rules.protection_basis`, `rules.allowed_measures`) decides: any other measure is refused, and none
    at all when a finding is "no" (Art. 6(1) is then the question). The letter is a proposal to the competent
    body (`addressee`), never the liability decision itself (PRO-2).
    """
    proposal = _lock(proposal)
    position = rules.head(Situation(proposal=proposal, user=by))
    conclusion = _conclusion_of(proposal)
    allowed = rules.allowed_measures(conclusion.protection_basis)
    if not allowed:
        raise ValidationError(str(rules.NOT_ELIGIBLE), code="not_eligible")
    if conclusion.protection_declined_at is not None:
        raise ValidationError(_("Đã ghi nhận không đề nghị áp dụng biện pháp bảo vệ."), code="declined")
    if measure not in allowed:
        raise ValidationError({"measure": _("Kết luận đánh giá chỉ cho phép đề nghị: %(allowed)s.") % {
            "allowed": "; ".join(str(Measure(m).label).lower() for m in allowed)}})
    errors: dict = {}
    addressee = _require(errors, "addressee", addressee, _("Cần ghi cơ quan, người có thẩm quyền nhận văn bản đề nghị."))
    if errors:
        raise ValidationError(errors)
    beneficiary = _party(proposal, party)
    record = ProtectionRecord(
        proposal=proposal, conclusion=conclusion, party=beneficiary.key, party_kind=beneficiary.kind,
        party_type=beneficiary.type, party_name=beneficiary.name, party_title=beneficiary.title,
        person=beneficiary.person, measure=measure, legal_basis=rules.LEGAL_BASIS[conclusion.protection_basis],
        addressee=addressee, note=(note or "").strip(), signer=by, signer_title=_signer_title(position),
    )
    digest = _issue_party_record(
        record, register=LETTER, document=documents.PROTECTION, proposal=proposal,
        duplicate=_("Đã có văn bản đề nghị áp dụng biện pháp bảo vệ cho đối tượng này."),
    )
    audit_record(action="protection_record", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"record": record.pk, "number": record.number, "party": record.party, "measure": measure,
                          "basis": conclusion.protection_basis, "addressee": addressee, "pdf_sha256": digest})
    notify(recipients=[beneficiary.person],
           message=gettext_noop("Cơ quan đã có văn bản số %(number)s đề nghị áp dụng biện pháp bảo vệ đối với bạn (đề xuất “%(title)s”)."),
           params={"number": record.number, "title": proposal.title}, url=_url(proposal))
    return record


@transaction.atomic
def protection_final_record(
    *, record: ProtectionRecord, by, body: str, number: str, decided_on: datetime.date | None, link: str = "",
    summary: str = "",
) -> ProtectionRecord:
    """PRO-4: the competent body's final decision on a protection letter, recorded once, later (also after the case
    is closed): the body, the number and date, a link and what it decided."""
    proposal = _lock(Proposal(pk=record.proposal_id))
    position = rules.organiser(Situation(proposal=proposal, user=by))
    record = ProtectionRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if record.final_recorded_at is not None:
        raise ValidationError(_("Quyết định của cơ quan có thẩm quyền đã được ghi nhận cho văn bản này."), code="duplicate")
    errors: dict = {}
    body = _require(errors, "body", body, _("Cần ghi cơ quan, người có thẩm quyền đã quyết định."))
    number = _require(errors, "number", number, _("Cần ghi số văn bản quyết định."))
    if decided_on is None:
        errors["decided_on"] = _("Cần ghi ngày quyết định.")
    elif decided_on > timezone.localdate() or decided_on < record.issued_on:
        errors["decided_on"] = _("Ngày quyết định phải từ ngày văn bản đề nghị (%(date)s) đến hôm nay.") % {
            "date": record.issued_on.strftime("%d/%m/%Y")}
    link = (link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = _("Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://).")
    if errors:
        raise ValidationError(errors)
    record.final_body, record.final_number, record.final_date = body, number, decided_on
    record.final_link, record.final_summary = link, (summary or "").strip()
    record.final_recorded_by, record.final_recorded_at = by, timezone.now()
    record.save(update_fields=["final_body", "final_number", "final_date", "final_link", "final_summary",
                               "final_recorded_by", "final_recorded_at"])
    audit_record(action="protection_final", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"record": record.pk, "body": body, "number": number, "date": decided_on, "link": record.final_link})
    return record


def _decline(*, proposal: Proposal, by, reason: str, area: str) -> Conclusion:
    proposal = _lock(proposal)
    position = rules.head(Situation(proposal=proposal, user=by))
    conclusion = _conclusion_of(proposal)
    model = ProtectionRecord if area == "protection" else EncouragementRecord
    if getattr(conclusion, f"{area}_declined_at") is not None:
        raise ValidationError(_("Đã ghi nhận không đề nghị."), code="duplicate")
    if model.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("Đã có văn bản cho đối tượng của đề xuất: không thể ghi nhận không đề nghị."), code="recorded")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do không đề nghị.")})
    setattr(conclusion, f"{area}_declined_at", timezone.now())
    setattr(conclusion, f"{area}_declined_reason", reason)
    conclusion.save(update_fields=[f"{area}_declined_at", f"{area}_declined_reason"])
    audit_record(action=f"{area}_decline", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"reason": reason})
    return conclusion


@transaction.atomic
def protection_decline(*, proposal: Proposal, by, reason: str) -> Conclusion:
    """The head records explicitly that no protection measure is proposed (so that the case may close)."""
    return _decline(proposal=proposal, by=by, reason=reason, area="protection")


# --- ENC-1..3: encouragement --------------------------------------------------------------------------------------


@transaction.atomic
def encouragement_record(
    *, proposal: Proposal, by, party: str, form: str, addressee: str = "", detail: str = "", other_by_proposal: bool = False,
    note: str = "",
) -> EncouragementRecord:
    """ENC-1..3, Art. 10 [C]: one form of encouragement for one party.

    Only the forms the conclusion allows (`rules.allowed_forms`: none when a finding is "no"; rewards and the
    early salary step only for a completed proposal; career forms only for individuals). Forms beyond the head's
    competence are a "văn bản đề nghị" to the competent body (`addressee`, required), the others the unit's own
    decision.
    """
    proposal = _lock(proposal)
    position = rules.head(Situation(proposal=proposal, user=by))
    conclusion = _conclusion_of(proposal)
    findings = conclusion.findings.values()
    if not rules.encouragement_eligible(findings):
        raise ValidationError(
            _("Kết luận đánh giá có nhận định không đạt: không áp dụng hình thức khuyến khích theo Điều 10."),
            code="not_eligible",
        )
    if conclusion.encouragement_declined_at is not None:
        raise ValidationError(_("Đã ghi nhận không đề nghị khuyến khích."), code="declined")
    beneficiary = _party(proposal, party)
    allowed = rules.allowed_forms(outcome=conclusion.outcome, findings=findings, party_type=beneficiary.type)
    if form not in allowed:
        if form in rules.COMPLETED_ONLY and conclusion.outcome != Outcome.COMPLETED:
            message = _("Hình thức này chỉ áp dụng khi đề xuất được đánh giá hoàn thành (Điều 10).")
        elif form in rules.INDIVIDUALS_ONLY and beneficiary.type == PartyType.ORGANISATION:
            message = _("Hình thức này chỉ áp dụng đối với cá nhân.")
        else:
            message = _("Chọn một hình thức khuyến khích theo Điều 10.")
        raise ValidationError({"form": message})
    proposing = rules.by_proposal(form, other_by_proposal=other_by_proposal)
    errors: dict = {}
    addressee = (addressee or "").strip()
    if proposing and not addressee:
        errors["addressee"] = _("Cần ghi cơ quan, người có thẩm quyền nhận văn bản đề nghị.")
    detail = (detail or "").strip()
    if form == EncouragementForm.OTHER and not detail:
        errors["detail"] = _("Cần nêu cụ thể hình thức khuyến khích khác.")
    if errors:
        raise ValidationError(errors)
    record = EncouragementRecord(
        proposal=proposal, conclusion=conclusion, party=beneficiary.key, party_kind=beneficiary.kind,
        party_type=beneficiary.type, party_name=beneficiary.name, party_title=beneficiary.title,
        person=beneficiary.person, form=form, detail=detail, by_proposal=proposing,
        addressee=addressee if proposing else "", note=(note or "").strip(), signer=by,
        signer_title=_signer_title(position),
    )
    digest = _issue_party_record(
        record, register=LETTER if proposing else "QĐ", document=documents.ENCOURAGEMENT, proposal=proposal,
        duplicate=_("Đã có văn bản khuyến khích hình thức này cho đối tượng này."),
    )
    audit_record(action="encouragement_record", obj=proposal, actor=by, role=position.role, unit=position.unit,
                 payload={"record": record.pk, "number": record.number, "party": record.party, "form": form,
                          "by_proposal": proposing, "addressee": record.addressee, "pdf_sha256": digest})
    notify(recipients=[beneficiary.person],
           message=gettext_noop("Cơ quan đã có văn bản số %(number)s về khuyến khích đối với bạn (đề xuất “%(title)s”)."),
           params={"number": record.number, "title": proposal.title}, url=_url(proposal))
    return record


@transaction.atomic
def encouragement_decline(*, proposal: Proposal, by, reason: str) -> Conclusion:
    """The head records explicitly that no encouragement is proposed (so that the case may close)."""
    return _decline(proposal=proposal, by=by, reason=reason, area="encouragement")


# --- Closing the case --------------------------------------------------------------------------------------------


@transaction.atomic
def case_close(*, proposal: Proposal, by) -> Proposal:
    """CLOSE_CASE: the head closes the file once protection and encouragement are each recorded, explicitly not
    proposed, or not allowed by the conclusion."""
    proposal = _lock(proposal)
    position = rules.head(Situation(proposal=proposal, user=by))
    ensure_transition(proposal, Action.CLOSE_CASE)
    conclusion = Conclusion.objects.get(proposal=proposal)
    missing = []
    protected = ProtectionRecord.objects.filter(proposal=proposal).exists()
    if rules.allowed_measures(conclusion.protection_basis) and not protected and conclusion.protection_declined_at is None:
        missing.append(_("biện pháp bảo vệ"))
    encouraged = EncouragementRecord.objects.filter(proposal=proposal).exists()
    if (rules.encouragement_eligible(conclusion.findings.values()) and not encouraged
            and conclusion.encouragement_declined_at is None):
        missing.append(_("khuyến khích"))
    if missing:
        raise ValidationError(
            _("Cần ghi nhận văn bản hoặc “không đề nghị” về %(what)s trước khi kết thúc hồ sơ.") % {"what": ", ".join(missing)},
            code="unsettled",
        )
    proposal_transition(proposal=proposal, action=Action.CLOSE_CASE, by=by, role=position.role, unit=position.unit,
                        payload={"conclusion": conclusion.number, "protection": protected, "encouragement": encouraged})
    notify(recipients=[proposal.proposer], message=gettext_noop("Hồ sơ đề xuất “%(title)s” đã kết thúc."),
           params={"title": proposal.title}, url=_url(proposal))
    return proposal


# --- Downloads --------------------------------------------------------------------------------------------------


def minutes_download(*, meeting: EvaluationMeeting, by) -> StoredPdf:
    return download_issued(documents.MINUTES, meeting, by=by)


def conclusion_download(*, conclusion: Conclusion, by) -> StoredPdf:
    return download_issued(documents.CONCLUSION, conclusion, by=by)


def protection_download(*, record: ProtectionRecord, by) -> StoredPdf:
    return download_issued(documents.PROTECTION, record, by=by)


def encouragement_download(*, record: EncouragementRecord, by) -> StoredPdf:
    return download_issued(documents.ENCOURAGEMENT, record, by=by)

