"""The directions, one declaration each (core.actions): suspend, continue, stop, adjust.

Spec: after-approval.md IMP-5 (the head of the deciding unit directs in writing, with reasons and an effective
date; "tiếp tục" resumes a suspended proposal; an adjustment is a new approved version), decree73.md T9. Who may
act is `rules.director`, which the services check too; the state is the transition table's (`when`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionSpec, Situation
from proposals.models import LegalProfile
from proposals.selectors import plan_version
from proposals.transitions import Action, can

from . import forms, rules, services
from .models import Direction

PANEL = "chi-dao"  # the stage's section of the proposal page

def _allows(action: str):
    """`when`: the transition table allows `action` from the proposal's status."""
    return lambda situation: can(situation.proposal.status, action)


def _issued(direction: Direction) -> str:
    return _("Đã ban hành %(kind)s số %(number)s.") % {
        "kind": direction.get_kind_display().lower(), "number": direction.number,
    }


def _direction_form(kind: str):
    def build(situation: Situation, data=None, files=None) -> forms.DirectionForm:
        return forms.DirectionForm(data, kind=kind, initial=None if data is not None else {"effective_on": situation.today})

    return build


def _adjust_form(situation: Situation, data=None, files=None) -> forms.AdjustForm:
    collective = situation.proposal.profile.adjustment_path == LegalProfile.DecisionPath.COLLECTIVE
    if data is not None:
        return forms.AdjustForm(data, collective=collective)
    # The plan in force: its approved version, or (a proposal carried over without its versions, as the benchmark's
    # bulk loader writes them) the plan on the proposal itself, rather than a 500 on the head's page.
    approved = plan_version(situation.proposal, situation.proposal.approved_version) or situation.proposal
    initial = {name: getattr(approved, name) for name in services.ADJUSTABLE_FIELDS}
    return forms.AdjustForm(collective=collective, initial={**initial, "effective_on": situation.today})


def _direct(service):
    def perform(s: Situation, data: dict) -> str:
        return _issued(service(proposal=s.proposal, by=s.user, reasons=data["reasons"], effective_on=data["effective_on"]))

    return perform


# The collective path's grounds (forms.AdjustForm has them only on that path).
GROUNDS = ("minutes_number", "meeting_held_on", "party_committee", "party_opinion_date")


def _adjust(s: Situation, data: dict) -> str:
    direction = services.direction_adjust(
        proposal=s.proposal, by=s.user, reasons=data["reasons"], effective_on=data["effective_on"],
        plan={name: data[name] for name in services.ADJUSTABLE_FIELDS},
        **{name: data[name] for name in GROUNDS if name in data},
    )
    return _("Đã ban hành %(kind)s số %(number)s; kế hoạch được phê duyệt nay là phiên bản %(version)s.") % {
        "kind": direction.get_kind_display().lower(), "number": direction.number, "version": direction.version,
    }


ACTIONS = (
    ActionSpec(
        name="direction_suspend", route="tam-dung/", label=gettext_lazy("Quyết định tạm dừng thực hiện"),
        submit=gettext_lazy("Ban hành quyết định tạm dừng"), task="",  # a power of the head, not a step awaited
        confirm=gettext_lazy(
            "Ban hành quyết định tạm dừng thực hiện đề xuất? Văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        who=rules.director, when=_allows(Action.SUSPEND), form=_direction_form("suspend"),
        perform=_direct(services.direction_suspend), style="warning",
    ),
    ActionSpec(
        name="direction_continue", route="tiep-tuc/", label=gettext_lazy("Quyết định tiếp tục thực hiện"),
        submit=gettext_lazy("Ban hành quyết định tiếp tục"),
        task=gettext_lazy("Quyết định tiếp tục hoặc dừng thực hiện đề xuất đang tạm dừng"),
        confirm=gettext_lazy(
            "Ban hành quyết định tiếp tục thực hiện đề xuất? Văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        who=rules.director, when=_allows(Action.CONTINUE), form=_direction_form("continue"),
        perform=_direct(services.direction_continue), style="success",
    ),
    ActionSpec(
        name="direction_adjust", route="dieu-chinh/", label=gettext_lazy("Quyết định điều chỉnh đề xuất"),
        submit=gettext_lazy("Ban hành quyết định điều chỉnh"), task="",
        confirm=gettext_lazy(
            "Ban hành quyết định điều chỉnh đề xuất? Kế hoạch sau điều chỉnh trở thành phiên bản được phê duyệt mới; "
            "văn bản được cấp số và lưu trữ, không thể sửa sau khi ban hành."
        ),
        help=gettext_lazy("Chỉ thay đổi các nội dung cần điều chỉnh; nội dung giữ nguyên như kế hoạch đang được phê duyệt."),
        who=rules.director, when=_allows(Action.ADJUST), form=_adjust_form, perform=_adjust,
    ),
    ActionSpec(
        name="direction_stop", route="dung/", label=gettext_lazy("Quyết định dừng thực hiện"),
        submit=gettext_lazy("Ban hành quyết định dừng"), task="",
        confirm=gettext_lazy(
            "Ban hành quyết định dừng thực hiện đề xuất? Việc dừng không thể hoàn tác; văn bản được cấp số và lưu trữ, "
            "không thể sửa sau khi ban hành."
        ),
        help=gettext_lazy("Sau khi dừng, cán bộ chủ trì thực hiện báo cáo kết quả thực hiện đến thời điểm dừng để đánh giá."),
        who=rules.director, when=_allows(Action.STOP), form=_direction_form("stop"),
        perform=_direct(services.direction_stop), style="danger",
    ),
)
