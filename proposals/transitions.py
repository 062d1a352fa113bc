"""The proposal lifecycle as one transition table (spec README §3; decree73.md §3.1–3.2 T1–T7).

Services validate every change against `TRANSITIONS`; on PostgreSQL a trigger built from the same table
refuses any other status change, whoever issues it. Whatever else depends on the status (which buttons a page
offers, whose turn it is, whether the review deadline runs) asks this table through `can`, `allowed_actions`
and the status sets below, never a list of its own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã nộp, chờ xem xét")
    RETURNED = "returned", _("Đã trả lại để bổ sung, làm rõ")
    IN_REVIEW = "in_review", _("Đang họp tập thể lãnh đạo")
    COLLECTIVE_PASSED = "collective_passed", _("Tập thể thông qua, chờ quyết định")
    COLLECTIVE_FAILED = "collective_failed", _("Tập thể không thông qua")
    APPROVED = "approved", _("Đã cho triển khai thực hiện")
    REJECTED = "rejected", _("Không chấp thuận")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp kế hoạch")  # T1
    RETURN = "return", _("Trả lại để bổ sung, làm rõ")  # T7 [I]
    REVISE = "revise", _("Chỉnh sửa để nộp lại")  # T7 [I]: resubmission as a new version
    OPEN_MEETING = "open_meeting", _("Tổ chức họp tập thể lãnh đạo")  # T4
    ADJOURN = "adjourn", _("Hoãn cuộc họp")
    CLOSE_PASSED = "close_passed", _("Kết thúc biểu quyết: thông qua")  # T4
    CLOSE_FAILED = "close_failed", _("Kết thúc biểu quyết: không thông qua")  # T4
    APPROVE = "approve", _("Ban hành quyết định cho triển khai")  # T4, decree73.md §4.2
    OVERRIDE = "override", _("Người đứng đầu quyết định cho triển khai")  # T5, Art. 8(1) second paragraph
    REJECT = "reject", _("Không chấp thuận (nêu rõ lý do)")  # T7


S, A = Status, Action
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.COLLECTIVE_FAILED, A.RETURN): S.RETURNED,
    (S.RETURNED, A.REVISE): S.DRAFT,
    (S.REJECTED, A.REVISE): S.DRAFT,
    (S.SUBMITTED, A.OPEN_MEETING): S.IN_REVIEW,
    (S.IN_REVIEW, A.ADJOURN): S.SUBMITTED,
    (S.IN_REVIEW, A.CLOSE_PASSED): S.COLLECTIVE_PASSED,
    (S.IN_REVIEW, A.CLOSE_FAILED): S.COLLECTIVE_FAILED,
    (S.COLLECTIVE_PASSED, A.APPROVE): S.APPROVED,
    (S.COLLECTIVE_FAILED, A.OVERRIDE): S.APPROVED,
    (S.COLLECTIVE_FAILED, A.REJECT): S.REJECTED,
}
del S, A

DB_TRANSITIONS: list[tuple[str, str]] = sorted({(str(src), str(dst)) for (src, _a), dst in TRANSITIONS.items()})


def allowed_actions(status: str) -> set[str]:
    """The actions the table allows from `status` (whoever may take them: services check the person)."""
    return {action for (source, action) in TRANSITIONS if source == status}


def can(status: str, action: str) -> bool:
    return (status, action) in TRANSITIONS


def statuses_allowing(actions) -> frozenset[str]:
    """The statuses from which at least one of `actions` is allowed."""
    return frozenset(source for (source, action) in TRANSITIONS if action in actions)


# The proposer's own steps; every other action belongs to the deciding unit.
PROPOSER_ACTIONS = frozenset({Action.SUBMIT, Action.REVISE})

# The plan may be changed exactly while it can still be submitted: what was submitted is frozen.
EDITABLE_STATUSES = statuses_allowing({Action.SUBMIT})
# The proposer's turn: finish and submit a draft, or reopen a returned or rejected plan.
AWAITING_PROPOSER = statuses_allowing(PROPOSER_ACTIONS)
# The deciding unit's turn (consult, meet, vote, decide, return).
AWAITING_DECISION = statuses_allowing(set(Action) - PROPOSER_ACTIONS)
# Art. 8(1) [C]: the collective meets within the review deadline of receiving the plan, so the deadline
# runs until the meeting is opened; an adjourned meeting puts the proposal back here and the clock with it.
# A proposal voted on time is not late while the decision is being prepared.
REVIEW_DEADLINE_RUNNING = statuses_allowing({Action.OPEN_MEETING})


class TransitionNotAllowed(Exception):
    pass


def next_status(current: str, action: str) -> str:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionNotAllowed(f"{action} is not allowed from {current}") from None
