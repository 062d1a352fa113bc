"""The evaluation stage's actions, one declaration each (core.actions): the party committee's opinion, the
evaluation meeting and its votes, the conclusion, protection, encouragement and closing the case.

Spec: after-approval.md EVL-1..6, PRO-1..4, ENC-1..3. Who may act is `rules` (the services check it too); what
each action does is its service in `services`; when the page offers it reads the evaluation file the panel
loaded (`selectors.situation_file`).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.selectors import attendee_candidates, collective_on
from core.actions import ActionSpec, Situation
from proposals.models import LegalProfile
from proposals.transitions import Action, Status, can

from . import forms, rules, services
from .models import EvaluationMeeting, Outcome, ProtectionRecord
from .selectors import completion_report, parties, situation_file

PANEL = "danh-gia"  # the stage's section of the proposal page
MEETING_ANCHOR = "danh-gia-hop-{target.pk}"  # the meeting's card in the panel (evaluation/partials/panel.html)
CONSULT_FIRST = gettext_lazy("Cần ghi nhận ý kiến cấp ủy về kết quả thực hiện trước khi đánh giá (Điều 4 khoản 3).")


def _meeting(proposal, target_id: int) -> EvaluationMeeting:
    return get_object_or_404(EvaluationMeeting.objects.filter(proposal=proposal), pk=target_id)


def _open_meeting(situation: Situation) -> EvaluationMeeting | None:
    return situation_file(situation).open_meeting


def _consulted(situation: Situation) -> bool:
    return situation_file(situation).consultation is not None


def _consultation_missing(situation: Situation) -> bool:
    return situation.proposal.profile.evaluation_consultation_required and not _consulted(situation)


# --- when -------------------------------------------------------------------------------------------------------


def _consultation_due(situation: Situation) -> bool:
    return situation.proposal.status == Status.REPORTED and not _consulted(situation)


def _meeting_possible(situation: Situation) -> bool | str:
    if situation.proposal.status != Status.REPORTED or situation_file(situation).path != LegalProfile.EvaluationPath.MEETING:
        return False
    if _consultation_missing(situation):
        return str(CONSULT_FIRST)
    return True


def _meeting_open_and(action: str):
    return lambda situation: situation.target.state == EvaluationMeeting.State.OPEN and can(situation.proposal.status, action)


def _not_voted_yet(situation: Situation) -> bool:
    meeting = situation.target
    return meeting.state == EvaluationMeeting.State.OPEN and all(v.voter_id != situation.user.pk for v in meeting.votes.all())


def _conclusion_possible(situation: Situation) -> bool | str:
    status = situation.proposal.status
    if status == Status.EVALUATION_HELD:
        return True
    if status != Status.REPORTED or situation_file(situation).path != LegalProfile.EvaluationPath.CONCLUSION:
        return False
    if _consultation_missing(situation):
        return str(CONSULT_FIRST)
    return True


def _remaining(situation: Situation, records) -> list:
    """The parties without a record among `records` (one protection letter per party)."""
    taken = {record.party for record in records}
    return [party for party in parties_for_encouragement(situation) if party.key not in taken]


def _protection_open(situation: Situation) -> bool | str:
    file = situation_file(situation)
    if situation.proposal.status != Status.EVALUATED or file.conclusion is None:
        return False
    if not file.protection_eligible or file.conclusion.protection_declined_at is not None:
        return False
    return bool(_remaining(situation, file.protections))


def _protection_declinable(situation: Situation) -> bool:
    file = situation_file(situation)
    return (situation.proposal.status == Status.EVALUATED and file.protection_eligible and not file.protections
            and file.conclusion.protection_declined_at is None)


def _finals_pending(situation: Situation) -> list[ProtectionRecord]:
    return [r for r in situation_file(situation).protections if r.final_recorded_at is None]


def _encouragement_open(situation: Situation) -> bool:
    file = situation_file(situation)
    if situation.proposal.status != Status.EVALUATED or not file.encouragement_eligible:
        return False
    return file.conclusion.encouragement_declined_at is None and bool(parties_for_encouragement(situation))


def _encouragement_declinable(situation: Situation) -> bool:
    file = situation_file(situation)
    return (situation.proposal.status == Status.EVALUATED and file.encouragement_eligible and not file.encouragements
            and file.conclusion.encouragement_declined_at is None)


def _close_possible(situation: Situation) -> bool | str:
    if not can(situation.proposal.status, Action.CLOSE_CASE):
        return False
    file = situation_file(situation)
    if not (file.protection_settled and file.encouragement_settled):
        return _("Kết thúc hồ sơ sau khi ghi nhận văn bản hoặc “không đề nghị” về bảo vệ và khuyến khích.")
    return True


def parties_for_encouragement(situation: Situation) -> list:
    """Every party of the proposal (selectors.parties), read once per page, from the assignments and the decisions
    the implementation and approvals panels left in the facts."""
    return situation.memo("evaluation_parties", lambda: parties(
        situation.proposal, assignments=situation.facts.get("assignments"), decisions=situation.facts.get("decisions"),
    ))


# --- forms ------------------------------------------------------------------------------------------------------


def _meeting_form(situation: Situation, data=None, files=None) -> forms.MeetingOpenForm:
    candidates, titles = attendee_candidates(proposal=situation.proposal, today=situation.today)
    initial = None
    if data is None:
        voters = collective_on(proposal=situation.proposal, on_date=situation.today).voters
        report = situation_file(situation).report
        initial = {"held_on": situation.today, "attendees": [p.person_id for p in voters],
                   "proposed_outcome": report.outcome if report and report.outcome else None,
                   "proposed_damage": ("1" if report.damage else "0") if report else None}
    return forms.MeetingOpenForm(data, candidates=candidates, titles=titles, initial=initial)


def _yes_no(value: bool) -> str:
    return "1" if value else "0"


def _conclusion_form(situation: Situation, data=None, files=None) -> forms.ConclusionForm:
    if data is not None:
        return forms.ConclusionForm(data)
    file = situation_file(situation)
    initial: dict = {}
    report = file.report or completion_report(situation.proposal)
    if report is not None:
        initial.update({"outcome": report.outcome or None, "damage": _yes_no(report.damage),
                        "damage_vnd": report.damage_vnd, "results_assessment": report.results})
    meeting = next((r.meeting for r in file.meeting_records if r.is_closed), None)
    if meeting is not None and meeting.passed:
        # The conclusion follows the assessment the meeting adopted (services.conclusion_issue).
        initial.update({"outcome": meeting.proposed_outcome, "damage": _yes_no(meeting.proposed_damage),
                        "right_policy": _yes_no(meeting.proposed_right_policy),
                        "pure_motive": _yes_no(meeting.proposed_pure_motive),
                        "common_good": _yes_no(meeting.proposed_common_good)})
    return forms.ConclusionForm(initial=initial)


def _protection_form(situation: Situation, data=None, files=None) -> forms.ProtectionForm:
    file = situation_file(situation)
    return forms.ProtectionForm(data, parties=_remaining(situation, file.protections), measures=file.allowed_measures)


def _final_form(situation: Situation, data=None, files=None) -> forms.FinalDecisionForm:
    return forms.FinalDecisionForm(data, records=_finals_pending(situation))


def _encouragement_form(situation: Situation, data=None, files=None) -> forms.EncouragementRecordForm:
    file = situation_file(situation)
    allowed = ()
    if file.conclusion is not None:
        allowed = rules.allowed_forms(outcome=file.conclusion.outcome, findings=file.conclusion.findings.values())
    return forms.EncouragementRecordForm(data, parties=parties_for_encouragement(situation), forms_allowed=allowed)


def _plain(form_class, prefix: str = ""):
    def build(situation, data=None, files=None):
        return form_class(data, prefix=prefix) if prefix else form_class(data)

    return build


# --- perform ----------------------------------------------------------------------------------------------------


def _record_consultation(s: Situation, data: dict) -> str:
    services.evaluation_consultation_record(
        proposal=s.proposal, by=s.user, committee=data["committee"], opinion_date=data["opinion_date"],
        opinion=data["opinion"], document=data["document"] or None,
    )
    return _("Đã ghi nhận ý kiến cấp ủy về kết quả thực hiện.")


def _open(s: Situation, data: dict) -> str:
    meeting = services.evaluation_meeting_open(
        proposal=s.proposal, by=s.user, held_on=data["held_on"], starts_at=data["starts_at"], attendees=data["attendees"],
        location=data["location"], secretary_name=data["secretary_name"], other_attendees=data["other_attendees"],
        proposed_outcome=data["proposed_outcome"], proposed_damage=data["proposed_damage"],
        proposed_right_policy=data["proposed_right_policy"], proposed_pure_motive=data["proposed_pure_motive"],
        proposed_common_good=data["proposed_common_good"],
    )
    return _("Đã mở cuộc họp đánh giá ngày %(date)s; các thành viên có mặt được mời biểu quyết.") % {
        "date": meeting.held_on.strftime("%d/%m/%Y")
    }


def _vote(s: Situation, data: dict) -> str:
    services.evaluation_vote_cast(meeting=s.target, by=s.user, choice=data["choice"], reason=data["reason"])
    return _("Đã ghi nhận ý kiến của bạn. Kết quả được công bố khi kết thúc cuộc họp.")


def _close(s: Situation, data: dict) -> str:
    closed = services.evaluation_meeting_close(meeting=s.target, by=s.user)
    if closed.passed:
        message = _("Đã kết thúc cuộc họp đánh giá: nội dung đánh giá được thông qua (Biên bản số %(number)s).")
    else:
        message = _("Đã kết thúc cuộc họp đánh giá: nội dung đánh giá không được thông qua (Biên bản số %(number)s).")
    return message % {"number": closed.minutes_number}


def _adjourn(s: Situation, data: dict) -> str:
    services.evaluation_meeting_adjourn(meeting=s.target, by=s.user, reason=data["reason"])
    return _("Đã hoãn cuộc họp đánh giá; các phiếu đã bỏ không được tính.")


def _conclude(s: Situation, data: dict) -> str:
    conclusion = services.conclusion_issue(proposal=s.proposal, by=s.user, **data)
    return _("Đã ban hành Kết luận đánh giá số %(number)s: %(outcome)s.") % {
        "number": conclusion.number, "outcome": Outcome(conclusion.outcome).label.lower()}


def _protect(s: Situation, data: dict) -> str:
    record = services.protection_record(proposal=s.proposal, by=s.user, **data)
    return _("Đã ban hành văn bản số %(number)s đề nghị áp dụng biện pháp bảo vệ đối với %(name)s.") % {
        "number": record.number, "name": record.party_name}


def _final(s: Situation, data: dict) -> str:
    record = get_object_or_404(ProtectionRecord.objects.filter(proposal=s.proposal), pk=data["record"])
    services.protection_final_record(record=record, by=s.user, body=data["body"], number=data["number"],
                                     decided_on=data["decided_on"], link=data["link"], summary=data["summary"])
    return _("Đã ghi nhận quyết định của cơ quan có thẩm quyền.")


def _encourage(s: Situation, data: dict) -> str:
    record = services.encouragement_record(proposal=s.proposal, by=s.user, **data)
    kind = _("văn bản đề nghị") if record.by_proposal else _("quyết định")
    return _("Đã ban hành %(kind)s số %(number)s về khuyến khích đối với %(name)s.") % {
        "kind": kind, "number": record.number, "name": record.party_name}


def _decline_protection(s: Situation, data: dict) -> str:
    services.protection_decline(proposal=s.proposal, by=s.user, reason=data["reason"])
    return _("Đã ghi nhận không đề nghị áp dụng biện pháp bảo vệ.")


def _decline_encouragement(s: Situation, data: dict) -> str:
    services.encouragement_decline(proposal=s.proposal, by=s.user, reason=data["reason"])
    return _("Đã ghi nhận không đề nghị khuyến khích.")


def _close_case(s: Situation, data: dict) -> str:
    services.case_close(proposal=s.proposal, by=s.user)
    return _("Đã kết thúc hồ sơ đề xuất.")


ACTIONS = (
    ActionSpec(
        name="consultation_record", route="y-kien-cap-uy/", label=gettext_lazy("Ghi nhận ý kiến cấp ủy về kết quả thực hiện"),
        submit=gettext_lazy("Ghi nhận ý kiến"), task=gettext_lazy("Ghi nhận ý kiến của cấp ủy về kết quả thực hiện đề xuất"),
        who=rules.organiser, when=_consultation_due,
        form=lambda s, data=None, files=None: forms.ConsultationForm(data, files), perform=_record_consultation,
    ),
    ActionSpec(
        name="meeting_open", route="hop/", label=gettext_lazy("Tổ chức họp đánh giá kết quả thực hiện"),
        submit=gettext_lazy("Mở cuộc họp đánh giá"), task=gettext_lazy("Tổ chức họp tập thể lãnh đạo đánh giá kết quả thực hiện"),
        help=gettext_lazy("Trong thời hạn do bộ quy định áp dụng quy định kể từ ngày nhận báo cáo kết quả (Điều 18)."),
        who=rules.organiser, when=_meeting_possible, form=_meeting_form, perform=_open,
    ),
    ActionSpec(
        name="vote_cast", route="hop/<int:target_id>/bieu-quyet/", label=gettext_lazy("Biểu quyết đánh giá"),
        submit=gettext_lazy("Gửi ý kiến"), task=gettext_lazy("Cho ý kiến, biểu quyết tại cuộc họp đánh giá"),
        confirm=gettext_lazy("Gửi ý kiến? Sau khi gửi, bạn không thể thay đổi."),
        who=rules.voter, when=_not_voted_yet, form=_plain(forms.VoteForm), perform=_vote,
        target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting", display="inline",
    ),
    ActionSpec(
        name="meeting_close", route="hop/<int:target_id>/ket-thuc/", label=gettext_lazy("Kết thúc cuộc họp đánh giá"),
        submit=gettext_lazy("Kết thúc cuộc họp đánh giá"),
        task=gettext_lazy("Kết thúc cuộc họp đánh giá khi các thành viên có mặt đã cho ý kiến, hoặc hoãn cuộc họp"),
        confirm=gettext_lazy("Kết thúc cuộc họp đánh giá? Hệ thống tính kết quả và lập biên bản; không thể hoàn tác."),
        help=gettext_lazy("Kết quả được tính theo cách quyết định của bộ quy định áp dụng."),
        who=rules.organiser, when=_meeting_open_and(Action.CLOSE_EVALUATION), form=_plain(forms.EmptyForm, "evaluation_close"),
        perform=_close, target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting", display="button",
    ),
    ActionSpec(
        name="meeting_adjourn", route="hop/<int:target_id>/hoan/", label=gettext_lazy("Hoãn cuộc họp đánh giá"),
        submit=gettext_lazy("Hoãn cuộc họp"), task="",
        confirm=gettext_lazy("Hoãn cuộc họp đánh giá? Các phiếu đã bỏ sẽ không được tính."),
        who=rules.organiser, when=_meeting_open_and(Action.ADJOURN_EVALUATION), form=_plain(forms.AdjournForm),
        perform=_adjourn, target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting",
        style="outline-warning",
    ),
    ActionSpec(
        name="conclude", route="ket-luan/", label=gettext_lazy("Ban hành kết luận đánh giá kết quả thực hiện"),
        submit=gettext_lazy("Ban hành kết luận"), task=gettext_lazy("Ban hành kết luận đánh giá kết quả thực hiện đề xuất"),
        confirm=gettext_lazy("Ban hành kết luận đánh giá? Văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."),
        who=rules.head, when=_conclusion_possible, form=_conclusion_form, perform=_conclude, display="open", style="success",
    ),
    ActionSpec(
        name="protection_record", route="bao-ve/", label=gettext_lazy("Văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ"),
        submit=gettext_lazy("Ban hành văn bản đề nghị"), task=gettext_lazy("Đề nghị áp dụng biện pháp bảo vệ theo kết luận đánh giá"),
        confirm=gettext_lazy("Ban hành văn bản đề nghị áp dụng biện pháp bảo vệ? Văn bản được cấp số và lưu trữ."),
        help=gettext_lazy("Hệ thống chỉ cho chọn biện pháp mà kết luận đánh giá cho phép (Điều 11). Việc áp dụng do cơ "
                          "quan có thẩm quyền quyết định theo pháp luật có liên quan."),
        who=rules.head, when=_protection_open, form=_protection_form, perform=_protect,
    ),
    ActionSpec(
        name="protection_decline", route="bao-ve/khong-de-nghi/", label=gettext_lazy("Không đề nghị áp dụng biện pháp bảo vệ"),
        submit=gettext_lazy("Ghi nhận không đề nghị"), task="",
        confirm=gettext_lazy("Ghi nhận không đề nghị áp dụng biện pháp bảo vệ? Không thể hoàn tác."),
        who=rules.head, when=_protection_declinable, form=_plain(forms.DeclineForm, "protection_decline"),
        perform=_decline_protection, style="outline-secondary",
    ),
    ActionSpec(
        name="protection_final", route="bao-ve/quyet-dinh/", label=gettext_lazy("Ghi nhận quyết định của cơ quan có thẩm quyền"),
        submit=gettext_lazy("Ghi nhận quyết định"), task=gettext_lazy("Ghi nhận quyết định của cơ quan có thẩm quyền về biện pháp bảo vệ"),
        who=rules.organiser, when=lambda s: s.proposal.status in (Status.EVALUATED, Status.CLOSED) and bool(_finals_pending(s)),
        form=_final_form, perform=_final, style="outline-primary",
    ),
    ActionSpec(
        name="encouragement_record", route="khuyen-khich/", label=gettext_lazy("Khuyến khích (Điều 10)"),
        submit=gettext_lazy("Ban hành văn bản"), task=gettext_lazy("Quyết định hoặc đề nghị hình thức khuyến khích"),
        confirm=gettext_lazy("Ban hành văn bản khuyến khích? Văn bản được cấp số và lưu trữ."),
        help=gettext_lazy("Biểu dương, khen thưởng theo thẩm quyền và làm cơ sở đánh giá do người đứng đầu quyết định; "
                          "hình thức vượt thẩm quyền được lập văn bản đề nghị cấp có thẩm quyền."),
        who=rules.head, when=_encouragement_open, form=_encouragement_form, perform=_encourage,
    ),
    ActionSpec(
        name="encouragement_decline", route="khuyen-khich/khong-de-nghi/", label=gettext_lazy("Không đề nghị khuyến khích"),
        submit=gettext_lazy("Ghi nhận không đề nghị"), task="",
        confirm=gettext_lazy("Ghi nhận không đề nghị khuyến khích? Không thể hoàn tác."),
        who=rules.head, when=_encouragement_declinable, form=_plain(forms.DeclineForm, "encouragement_decline"),
        perform=_decline_encouragement, style="outline-secondary",
    ),
    ActionSpec(
        name="close_case", route="ket-thuc-ho-so/", label=gettext_lazy("Kết thúc hồ sơ đề xuất"),
        submit=gettext_lazy("Kết thúc hồ sơ"), task=gettext_lazy("Kết thúc hồ sơ đề xuất"),
        confirm=gettext_lazy("Kết thúc hồ sơ đề xuất? Không thể hoàn tác."),
        who=rules.head, when=_close_possible, form=_plain(forms.EmptyForm, "close_case"), perform=_close_case,
        display="button", style="success",
    ),
)
