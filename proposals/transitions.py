"""The proposal lifecycle as one transition table (spec README §3; decree73.md §3.1–3.2 T1–T7).

Services validate every change against `TRANSITIONS`; on PostgreSQL a trigger built from the same table
refuses any other status change, whoever issues it.
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

# Statuses in which the proposer may still change the plan.
EDITABLE_STATUSES = frozenset({Status.DRAFT})
# Statuses that wait on the deciding unit, with the review due date running.
AWAITING_DECISION = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.COLLECTIVE_PASSED, Status.COLLECTIVE_FAILED})


class TransitionNotAllowed(Exception):
    pass


def next_status(current: str, action: str) -> str:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionNotAllowed(f"{action} is not allowed from {current}") from None
