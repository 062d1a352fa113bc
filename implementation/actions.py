"""The implementation actions, one declaration each (core.actions): resources, implementers and their answers, the
start, progress, completion and the completion report.

Spec: after-approval.md IMP-1..4, CMP-1..4; decree73.md §3.2 T8, T10. Who may act is `rules`, which the services
check too; what each action does is its service in `services`.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionSpec, Situation
from proposals.transitions import Action, Status, can

from . import forms, rules, services
from .models import PLAN_ORDER, Assignment, Target
from .selectors import cadre_candidates

PANEL = "trien-khai"  # the stage's section of the proposal page


def _assignment(proposal, target_id: int) -> Assignment:
    return get_object_or_404(Assignment.objects.filter(proposal=proposal).select_related("person"), pk=target_id)


def _targets(situation: Situation) -> list[Target]:
    """The active targets, as the panel loaded them (or read once)."""
    proposal = situation.proposal
    return situation.memo(
        "targets",
        lambda: list(Target.objects.filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER)),
    )


def _pending_outside(situation: Situation) -> list[Assignment]:
    return [a for a in rules.assignments(situation) if a.is_outside and a.answer == Assignment.Answer.PENDING]


# --- when -----------------------------------------------------------------------------------------------------


def _allocating(situation: Situation) -> bool:
    return situation.proposal.status in services.ALLOCATING


def _own_pending(situation: Situation) -> Assignment | None:
    """`offered_on` of the answer: the user's own assignment still to answer."""
    if situation.proposal.status not in services.ANSWERING:
        return None
    own = rules.own_assignment(situation)
    return own if own is not None and own.answer == Assignment.Answer.PENDING else None


def _answerable(situation: Situation) -> bool:
    return situation.proposal.status in services.ANSWERING and situation.target.answer == Assignment.Answer.PENDING


def _outside_pending(situation: Situation) -> bool:
    return situation.proposal.status in services.ANSWERING and bool(_pending_outside(situation))


def _startable(situation: Situation) -> bool | str:
    if not can(situation.proposal.status, Action.START):
        return False
    if rules.lead_of(rules.assignments(situation)) is None:
        return _("Cần phân công người chủ trì thực hiện trước khi bắt đầu triển khai.")
    return True


def _progressing(situation: Situation) -> bool | str:
    status = situation.proposal.status
    if status == Status.SUSPENDED:
        return _("Đề xuất đang tạm dừng thực hiện theo chỉ đạo của cơ quan: chưa ghi nhận tiến độ cho đến khi có quyết "
                 "định tiếp tục thực hiện.")
    return status == Status.IN_IMPLEMENTATION and bool(_targets(situation))


def _completable(situation: Situation) -> bool:
    return can(situation.proposal.status, Action.COMPLETE)


def _reportable(situation: Situation) -> bool:
    if not can(situation.proposal.status, Action.REPORT):
        return False
    return situation.facts.get("report") is None


# --- forms -------------------------------------------------------------------------------------------------------


def _assign_form(situation: Situation, data=None, files=None) -> forms.AssignForm:
    candidates = cadre_candidates(proposal=situation.proposal, today=situation.today)
    return forms.AssignForm(data, candidates=candidates, proposal=situation.proposal)


def _outside_answer_form(situation: Situation, data=None, files=None) -> forms.OutsideAnswerForm:
    pending = Assignment.objects.filter(
        proposal=situation.proposal, person__isnull=True, answer=Assignment.Answer.PENDING,
    ).order_by("assigned_at", "pk")
    loaded = sorted(_pending_outside(situation), key=lambda a: (a.assigned_at, a.pk))
    return forms.OutsideAnswerForm(data, pending=pending, loaded=loaded)


def _progress_form(situation: Situation, data=None, files=None) -> forms.ProgressForm:
    targets = Target.objects.filter(proposal=situation.proposal, retired_at__isnull=True).order_by(*PLAN_ORDER)
    return forms.ProgressForm(data, files, targets=targets, loaded=_targets(situation))


def _complete_form(situation: Situation, data=None, files=None) -> forms.CompleteForm:
    return forms.CompleteForm(data, initial=None if data is not None else {"completed_on": situation.today})


def _report_form(situation: Situation, data=None, files=None) -> forms.ReportForm:
    return forms.ReportForm(data, files, targets=_targets(situation))


def _plain(form_class):
    return lambda situation, data=None, files=None: form_class(data, files)


# --- perform -----------------------------------------------------------------------------------------------------


def _record_resource(s: Situation, data: dict) -> str:
    services.resource_record(
        proposal=s.proposal, by=s.user, kind=data["kind"], description=data["description"], amount=data["amount"],
        budget_source=data["budget_source"],
    )
    return _("Đã ghi nhận nguồn lực bố trí.")


def _assign(s: Situation, data: dict) -> str:
    assignment = services.implementer_assign(
        proposal=s.proposal, by=s.user, kind=data["kind"], person=data["person"], name=data["name"],
        contact_person=data["contact_person"], phone=data["phone"], email=data["email"], task=data["task"],
        is_lead=data["is_lead"],
    )
    return _("Đã phân công %(name)s thực hiện đề xuất.") % {"name": assignment.display_name}


def _answer(s: Situation, data: dict) -> str:
    accept = data["answer"] == "accept"
    services.assignment_answer(assignment=s.target, by=s.user, accept=accept, reason=data["reason"])
    return _("Bạn đã nhận nhiệm vụ thực hiện đề xuất.") if accept else _("Đã ghi nhận việc bạn từ chối nhiệm vụ.")


def _record_outside_answer(s: Situation, data: dict) -> str:
    assignment = services.assignment_record_answer(
        assignment=data["assignment"], by=s.user, accept=data["answer"] == "accept", reason=data["reason"],
    )
    return _("Đã ghi nhận trả lời của %(name)s.") % {"name": assignment.display_name}


def _start(s: Situation, data: dict) -> str:
    services.implementation_start(proposal=s.proposal, by=s.user)
    return _("Đề xuất đã bắt đầu triển khai thực hiện; các mốc, chỉ tiêu được lấy từ kế hoạch được phê duyệt.")


def _progress(s: Situation, data: dict) -> str:
    services.progress_record(
        proposal=s.proposal, by=s.user, target=data["target"], status=data["status"], value=data["value"],
        note=data["note"], evidence=data["evidence"] or None,
    )
    return _("Đã cập nhật tiến độ thực hiện.")


def _complete(s: Situation, data: dict) -> str:
    services.implementation_complete(proposal=s.proposal, by=s.user, completed_on=data["completed_on"], note=data["note"])
    return _("Đã xác nhận hoàn thành thực hiện; báo cáo kết quả thực hiện cần nộp trong thời hạn quy định.")


def _report(s: Situation, data: dict) -> str:
    results = {t.pk: (data.get(f"outcome_{t.pk}", ""), data.get(f"result_{t.pk}", "")) for t in _targets(s)}
    report = services.report_file(
        proposal=s.proposal, by=s.user, attested=data["attested"], overall=data["overall"], results=results,
        results_summary=data["results_summary"], resources_used=data["resources_used"], causes=data["causes"],
        damage=data["damage"] == "yes", damage_description=data["damage_description"],
        damage_amount=data["damage_amount"], funds_used=data["funds_used"], evidence=data["evidence"],
    )
    return _("Đã nộp báo cáo kết quả thực hiện số %(number)s.") % {"number": report.number}


ACTIONS = (
    ActionSpec(
        name="resource_record", route="nguon-luc/", label=gettext_lazy("Bố trí nguồn lực thực hiện"),
        submit=gettext_lazy("Ghi nhận nguồn lực"),
        task=gettext_lazy("Bố trí trang thiết bị, cơ sở vật chất, nhân lực, kinh phí để thực hiện đề xuất"),
        who=rules.organiser, when=_allocating, form=_plain(forms.ResourceForm), perform=_record_resource,
    ),
    ActionSpec(
        name="implementer_assign", route="nguoi-thuc-hien/", label=gettext_lazy("Phân công người thực hiện"),
        submit=gettext_lazy("Phân công"),
        task=gettext_lazy("Phân công cán bộ, cá nhân, tổ chức thực hiện đề xuất và người chủ trì"),
        who=rules.head, when=_allocating, form=_assign_form, perform=_assign,
    ),
    ActionSpec(
        name="assignment_answer", route="nguoi-thuc-hien/<int:target_id>/tra-loi/",
        label=gettext_lazy("Xác nhận nhiệm vụ được phân công"), submit=gettext_lazy("Gửi trả lời"),
        task=gettext_lazy("Xác nhận nhận nhiệm vụ thực hiện đề xuất, hoặc từ chối (nêu lý do)"),
        confirm=gettext_lazy("Gửi trả lời phân công? Sau khi gửi, bạn không thể thay đổi."),
        who=rules.assignee, when=_answerable, form=_plain(forms.AnswerForm), perform=_answer,
        target=_assignment, offered_on=_own_pending, display="open",
    ),
    ActionSpec(
        name="assignment_record_answer", route="nguoi-thuc-hien/tra-loi-thay/",
        label=gettext_lazy("Ghi nhận trả lời của cá nhân, tổ chức ngoài cơ quan"), submit=gettext_lazy("Ghi nhận trả lời"),
        task=gettext_lazy("Ghi nhận trả lời phân công của cá nhân, tổ chức thực hiện ngoài cơ quan"),
        who=rules.organiser, when=_outside_pending, form=_outside_answer_form, perform=_record_outside_answer,
    ),
    ActionSpec(
        name="implementation_start", route="bat-dau/", label=gettext_lazy("Bắt đầu triển khai thực hiện"),
        submit=gettext_lazy("Bắt đầu triển khai"), task=gettext_lazy("Bắt đầu triển khai thực hiện đề xuất"),
        confirm=gettext_lazy("Bắt đầu triển khai thực hiện? Các mốc, chỉ tiêu được lấy từ kế hoạch được phê duyệt."),
        help=gettext_lazy("Người thực hiện đã nhận nhiệm vụ cập nhật tiến độ theo từng mốc, chỉ tiêu."),
        who=rules.head, when=_startable, form=_plain(forms.StartForm), perform=_start, display="button", style="success",
    ),
    ActionSpec(
        name="progress_record", route="tien-do/", label=gettext_lazy("Cập nhật tiến độ thực hiện"),
        submit=gettext_lazy("Ghi nhận tiến độ"), task=gettext_lazy("Cập nhật tiến độ thực hiện các mốc, chỉ tiêu"),
        who=rules.implementer, when=_progressing, form=_progress_form, perform=_progress,
    ),
    ActionSpec(
        name="implementation_complete", route="hoan-thanh/", label=gettext_lazy("Xác nhận hoàn thành thực hiện"),
        submit=gettext_lazy("Xác nhận hoàn thành"), task=gettext_lazy("Xác nhận ngày hoàn thành thực hiện đề xuất"),
        confirm=gettext_lazy("Xác nhận hoàn thành thực hiện? Thời hạn nộp báo cáo kết quả được tính từ ngày hoàn thành."),
        who=rules.completer, when=_completable, form=_complete_form, perform=_complete, style="success",
    ),
    ActionSpec(
        name="report_file", route="bao-cao/", label=gettext_lazy("Báo cáo kết quả thực hiện đề xuất"),
        submit=gettext_lazy("Nộp báo cáo"),
        task=gettext_lazy("Nộp báo cáo kết quả thực hiện đề xuất (Điều 18)"),
        confirm=gettext_lazy("Nộp báo cáo kết quả thực hiện? Báo cáo được cấp số và lưu trữ, không thể sửa sau khi nộp."),
        who=rules.reporter, when=_reportable, form=_report_form, perform=_report, display="open",
    ),
)
