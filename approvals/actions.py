"""The deciding unit's actions, one declaration each (core.actions): consultation, meeting, vote, decisions.

Spec: decree73.md §3.2 T2 (party consultation, Art. 4(3)), T4 (collective vote, Art. 8(1)), T5 (head
override), T7 (rejection, return); Art. 4(2) (competence confirmed by the decision; a proposal beyond it referred
upward, review D-5). Who may act is `rules`, which the services check too; what each action
does is its service in `services`.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionSpec, Situation
from proposals.transitions import Action, can

from . import forms, rules, services
from .models import Consultation, Decision, Meeting
from .selectors import attendee_candidates, collective_on, vote_last_day

PANEL = "xet-duyet"  # the stage's section of the proposal page
MEETING_ANCHOR = "cuoc-hop-{target.pk}"  # the meeting's card in the panel (approvals/partials/panel.html)


def _consulted(situation: Situation) -> bool:
    """The party committee's opinion on the version under review is recorded (the panel knows it already)."""
    proposal = situation.proposal
    return situation.memo(
        "consulted",
        lambda: Consultation.objects.filter(proposal=proposal, version=proposal.current_version).exists(),
    )


def _allows(*actions: str):
    """`when`: the transition table allows one of `actions` from the proposal's status."""
    return lambda situation: any(can(situation.proposal.status, action) for action in actions)


def _meeting(proposal, target_id: int) -> Meeting:
    return get_object_or_404(Meeting.objects.filter(proposal=proposal), pk=target_id)


def _open_meeting(situation: Situation) -> Meeting | None:
    """The meeting whose vote is open, as the panel loaded it (members and votes prefetched)."""
    return situation.facts.get("open_meeting")


def _meeting_open_and(*actions: str):
    allowed = _allows(*actions)
    return lambda situation: situation.target.state == Meeting.State.OPEN and allowed(situation)


# --- when -----------------------------------------------------------------------------------------------------


def _consultation_due(situation: Situation) -> bool:
    """D-13: until the act the opinion precedes (the meeting or the decision, `rules.consultation_statuses`)."""
    proposal = situation.proposal
    return (
        proposal.profile_id is not None and proposal.status in rules.consultation_statuses(proposal.profile)
        and not _consulted(situation)
    )


def _meeting_possible(situation: Situation) -> bool | str:
    if not can(situation.proposal.status, Action.OPEN_MEETING):
        return False
    if rules.consultation_first(situation.proposal.profile, Action.OPEN_MEETING) and not _consulted(situation):
        return _(rules.CONSULTATION_BEFORE_MEETING)
    return True


def _decision_possible(action: str):
    """`when` of the approval and the override: D-13, Art. 4(3) [C], they wait for the party committee's opinion."""

    def when(situation: Situation) -> bool | str:
        if not can(situation.proposal.status, action):
            return False
        if rules.consultation_first(situation.proposal.profile, action) and not _consulted(situation):
            return _(rules.CONSULTATION_BEFORE_DECISION)
        return True

    return when


def _not_voted_yet(situation: Situation) -> bool | str:
    """D-7: the vote is offered until the last day of the meeting's vote window; after it, the reason."""
    meeting = situation.target
    if meeting.state != Meeting.State.OPEN or any(v.voter_id == situation.user.pk for v in meeting.votes.all()):
        return False
    if situation.today > vote_last_day(meeting, situation.proposal.profile):
        return _("Đã hết thời gian biểu quyết của cuộc họp ngày %(date)s.") % {"date": meeting.held_on.strftime("%d/%m/%Y")}
    return True


# --- forms -------------------------------------------------------------------------------------------------------


def _meeting_form(situation: Situation, data=None, files=None) -> forms.MeetingOpenForm:
    candidates, titles = attendee_candidates(proposal=situation.proposal, today=situation.today)
    initial = None
    if data is None:
        voters = collective_on(proposal=situation.proposal, on_date=situation.today).voters
        initial = {"held_on": situation.today, "attendees": [p.person_id for p in voters]}
    return forms.MeetingOpenForm(data, candidates=candidates, titles=titles, initial=initial)


def _approve_form(situation: Situation, data=None, files=None) -> forms.ApproveForm:
    if data is not None:
        return forms.ApproveForm(data)
    proposal = situation.proposal
    return forms.ApproveForm(initial={"text": forms.approval_text_initial(
        # Administrative documents name a cadre "đồng chí" (Vietnamese whatever the interface language).
        proposer_name=f"đồng chí {proposal.proposer.get_full_name()}",
        report_deadline_wd=proposal.profile.completion_report_deadline_wd,
    )})


def _vote_form(situation: Situation, data=None, files=None) -> forms.VoteForm:
    return forms.VoteForm(data, reason_required=situation.proposal.profile.against_reason_required)


def _close_form(situation: Situation, data=None, files=None) -> forms.MeetingCloseForm:
    """The end time proposed is now, on the meeting day; on a later day the chair types it (D-7)."""
    initial = None
    if data is None and situation.today == situation.target.held_on:
        initial = {"ends_at": timezone.localtime().time().replace(second=0, microsecond=0)}
    return forms.MeetingCloseForm(data, initial=initial)


def _plain(form_class):
    return lambda situation, data=None, files=None: form_class(data)


# --- perform -----------------------------------------------------------------------------------------------------


def _issued(decision: Decision) -> str:
    return _("Đã ban hành %(kind)s số %(number)s.") % {"kind": decision.get_kind_display().lower(), "number": decision.number}


def _record_consultation(s: Situation, data: dict) -> str:
    services.consultation_record(
        proposal=s.proposal, by=s.user, committee=data["committee"], opinion_date=data["opinion_date"],
        opinion=data["opinion"], document=data["document"] or None,
    )
    return _("Đã ghi nhận ý kiến cấp ủy.")


def _open(s: Situation, data: dict) -> str:
    meeting = services.meeting_open(
        proposal=s.proposal, by=s.user, held_on=data["held_on"], starts_at=data["starts_at"], attendees=data["attendees"],
        location=data["location"], secretary_name=data["secretary_name"], other_attendees=data["other_attendees"],
    )
    return _("Đã mở cuộc họp tập thể lãnh đạo ngày %(date)s; các thành viên có mặt được mời biểu quyết.") % {
        "date": meeting.held_on.strftime("%d/%m/%Y")
    }


def _vote(s: Situation, data: dict) -> str:
    services.vote_cast(meeting=s.target, by=s.user, choice=data["choice"], reason=data["reason"])
    return _("Đã ghi nhận biểu quyết của bạn. Kết quả được công bố khi kết thúc biểu quyết.")


def _close(s: Situation, data: dict) -> str:
    closed = services.meeting_close(meeting=s.target, by=s.user, ends_at=data["ends_at"])
    if closed.passed:
        message = _("Đã kết thúc biểu quyết: tập thể lãnh đạo thông qua đề xuất (Biên bản số %(number)s).")
    else:
        message = _("Đã kết thúc biểu quyết: tập thể lãnh đạo không thông qua đề xuất (Biên bản số %(number)s).")
    return message % {"number": closed.minutes_number}


def _adjourn(s: Situation, data: dict) -> str:
    services.meeting_adjourn(meeting=s.target, by=s.user, reason=data["reason"])
    return _("Đã hoãn cuộc họp; các phiếu đã bỏ không được tính.")


ACTIONS = (
    ActionSpec(
        name="consultation_record", route="y-kien-cap-uy/", label=gettext_lazy("Ghi nhận ý kiến cấp ủy"),
        submit=gettext_lazy("Ghi nhận ý kiến"), task=gettext_lazy("Ghi nhận ý kiến của cấp ủy về đề xuất"),
        who=rules.organiser, when=_consultation_due, form=lambda s, data=None, files=None: forms.ConsultationForm(data, files),
        perform=_record_consultation,
    ),
    ActionSpec(
        name="meeting_open", route="hop/", label=gettext_lazy("Tổ chức họp tập thể lãnh đạo"),
        submit=gettext_lazy("Mở cuộc họp"), task=gettext_lazy("Tổ chức cuộc họp tập thể lãnh đạo để biểu quyết"),
        who=rules.organiser, when=_meeting_possible, form=_meeting_form, perform=_open,
    ),
    ActionSpec(
        name="vote_cast", route="hop/<int:target_id>/bieu-quyet/", label=gettext_lazy("Biểu quyết"),
        submit=gettext_lazy("Gửi biểu quyết"), task=gettext_lazy("Biểu quyết tại cuộc họp tập thể lãnh đạo"),
        confirm=gettext_lazy("Gửi biểu quyết? Sau khi gửi, bạn không thể thay đổi ý kiến."),
        who=rules.voter, when=_not_voted_yet, form=_vote_form, perform=_vote,
        target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting", display="inline",
    ),
    ActionSpec(
        name="meeting_close", route="hop/<int:target_id>/ket-thuc/", label=gettext_lazy("Kết thúc biểu quyết"),
        submit=gettext_lazy("Kết thúc biểu quyết"),
        task=gettext_lazy("Kết thúc biểu quyết khi các thành viên có mặt đã biểu quyết, hoặc hoãn cuộc họp"),
        confirm=gettext_lazy("Kết thúc biểu quyết? Hệ thống tính kết quả và lập biên bản họp; không thể hoàn tác."),
        help=gettext_lazy("Hệ thống tính kết quả theo bộ quy định áp dụng; phiếu chưa bỏ được tính là không biểu quyết."),
        who=rules.organiser, when=_meeting_open_and(Action.CLOSE_PASSED, Action.CLOSE_FAILED),
        form=_close_form, perform=_close,
        target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting", display="button",
    ),
    ActionSpec(
        name="meeting_adjourn", route="hop/<int:target_id>/hoan/", label=gettext_lazy("Hoãn cuộc họp"),
        submit=gettext_lazy("Hoãn cuộc họp"), task="",  # offered with the close, whose line names it
        confirm=gettext_lazy("Hoãn cuộc họp? Các phiếu đã bỏ sẽ không được tính."),
        who=rules.organiser, when=_meeting_open_and(Action.ADJOURN), form=_plain(forms.MeetingAdjournForm),
        perform=_adjourn, target=_meeting, offered_on=_open_meeting, anchor=MEETING_ANCHOR, place="meeting", style="outline-warning",
    ),
    ActionSpec(
        name="decision_approve", route="cho-trien-khai/", label=gettext_lazy("Ban hành quyết định cho triển khai thực hiện"),
        submit=gettext_lazy("Ban hành quyết định"), task=gettext_lazy("Ban hành quyết định cho triển khai thực hiện đề xuất"),
        confirm=gettext_lazy(
            "Ban hành quyết định cho triển khai thực hiện? Văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        who=rules.head, when=_decision_possible(Action.APPROVE), form=_approve_form,
        perform=lambda s, data: _issued(services.decision_approve(
            proposal=s.proposal, by=s.user, text=data["text"], competence_confirmed=data["competence_confirmed"],
        )),
        display="open", style="success",
    ),
    ActionSpec(
        name="decision_override", route="nguoi-dung-dau-quyet-dinh/",
        label=gettext_lazy("Người đứng đầu quyết định cho triển khai (khi tập thể không thông qua)"),
        submit=gettext_lazy("Ban hành quyết định"),
        task=gettext_lazy("Quyết định cho triển khai dù tập thể không thông qua (nêu rõ lý do)"),
        confirm=gettext_lazy(
            "Ban hành quyết định của người đứng đầu khi tập thể không thông qua? Văn bản được cấp số và lưu trữ, "
            "không thể sửa sau khi ban hành."
        ),
        who=rules.overrider, when=_decision_possible(Action.OVERRIDE), form=_plain(forms.OverrideForm),
        perform=lambda s, data: _issued(
            services.decision_override(proposal=s.proposal, by=s.user, justification=data["justification"],
                                       competence_confirmed=data["competence_confirmed"])
        ),
        style="warning",
    ),
    ActionSpec(
        name="decision_reject", route="khong-chap-thuan/", label=gettext_lazy("Không chấp thuận (nêu rõ lý do)"),
        submit=gettext_lazy("Ban hành văn bản trả lời"), task=gettext_lazy("Hoặc không chấp thuận đề xuất (nêu rõ lý do)"),
        confirm=gettext_lazy(
            "Ban hành văn bản không chấp thuận đề xuất? Văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        who=rules.head, when=_allows(Action.REJECT), form=_plain(forms.RejectForm),
        perform=lambda s, data: _issued(services.decision_reject(proposal=s.proposal, by=s.user, reasons=data["reasons"])),
        style="danger",
    ),
    ActionSpec(
        # Art. 4(2) [C] (D-5): beyond the unit's authority, the proposal is reported upward instead of decided.
        name="decision_refer", route="bao-cao-vuot-tham-quyen/",
        label=gettext_lazy("Báo cáo cấp có thẩm quyền (đề xuất vượt thẩm quyền)"),
        submit=gettext_lazy("Ban hành văn bản báo cáo"),
        task=gettext_lazy("Hoặc báo cáo cấp có thẩm quyền nếu đề xuất vượt thẩm quyền của cơ quan"),
        confirm=gettext_lazy(
            "Ban hành văn bản báo cáo đề xuất vượt thẩm quyền? Cơ quan không xem xét, quyết định đề xuất này nữa; văn bản "
            "được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        who=rules.head, when=_allows(Action.REFER), form=_plain(forms.ReferForm),
        perform=lambda s, data: _issued(services.decision_refer(
            proposal=s.proposal, by=s.user, addressee=data["addressee"], reasons=data["reasons"],
        )),
        style="outline-danger",
    ),
    ActionSpec(
        name="proposal_return", route="tra-lai/", label=gettext_lazy("Trả lại để bổ sung, làm rõ"),
        submit=gettext_lazy("Ban hành văn bản trả lại"), task=gettext_lazy("Trả lại đề xuất để bổ sung, làm rõ, nếu cần"),
        confirm=gettext_lazy(
            "Ban hành văn bản trả lại đề xuất để bổ sung, làm rõ? Văn bản được cấp số và lưu trữ, không thể sửa sau khi "
            "ban hành."
        ),
        who=rules.head, when=_allows(Action.RETURN), form=_plain(forms.ReturnForm),
        perform=lambda s, data: _issued(services.proposal_return(
            proposal=s.proposal, by=s.user, reasons=data["reasons"], incomplete_items=data["incomplete_items"],
        )),
        style="outline-secondary",
    ),
)
