"""The proposal lifecycle as one transition table (spec README §3; decree73.md §3.1–3.2 T1–T7; after the
decision: after-approval.md IMP, CMP, EVL).

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
    IN_IMPLEMENTATION = "in_implementation", _("Đang triển khai thực hiện")
    SUSPENDED = "suspended", _("Tạm dừng thực hiện")
    STOPPED = "stopped", _("Dừng thực hiện, chờ báo cáo kết quả")
    COMPLETED = "completed", _("Đã hoàn thành, chờ báo cáo kết quả")
    REPORTED = "reported", _("Đã báo cáo kết quả, chờ đánh giá")
    EVALUATION_MEETING = "evaluation_meeting", _("Đang họp đánh giá kết quả")
    EVALUATION_HELD = "evaluation_held", _("Đã họp đánh giá, chờ kết luận")
    EVALUATED = "evaluated", _("Đã có kết luận đánh giá")
    CLOSED = "closed", _("Đã kết thúc hồ sơ")
    # Art. 4(2) [C] (D-5): beyond the unit's authority, reported to the competent body instead of decided here.
    REFERRED = "referred", _("Vượt thẩm quyền, đã báo cáo cấp có thẩm quyền")

# Each status in words, read from a dict: `get_status_display` builds the dict of every status again on each call
# (rows of the list and the inbox, the timeline's states; issue 10).
STATUS_LABELS = dict(Status.choices)


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
    REFER = "refer", _("Báo cáo cấp có thẩm quyền (vượt thẩm quyền)")  # Art. 4(2) [C], D-5 [I]
    # After the decision (after-approval.md).
    START = "start_implementation", _("Bắt đầu triển khai thực hiện")  # IMP-1, IMP-2: resources and implementers set
    SUSPEND = "suspend", _("Quyết định tạm dừng thực hiện")  # IMP-5, Art. 6(4)
    CONTINUE = "continue", _("Quyết định tiếp tục thực hiện")  # IMP-5
    STOP = "stop", _("Quyết định dừng thực hiện")  # IMP-5
    ADJUST = "adjust", _("Quyết định điều chỉnh đề xuất")  # IMP-5: a new approved version
    COMPLETE = "complete", _("Xác nhận hoàn thành thực hiện")  # CMP-3
    REPORT = "report", _("Nộp báo cáo kết quả thực hiện")  # CMP-1, Art. 18
    OPEN_EVALUATION = "open_evaluation", _("Tổ chức họp đánh giá kết quả")  # EVL-2, Art. 18
    ADJOURN_EVALUATION = "adjourn_evaluation", _("Hoãn cuộc họp đánh giá")
    CLOSE_EVALUATION = "close_evaluation", _("Kết thúc họp đánh giá")  # EVL-2
    CONCLUDE = "conclude", _("Ban hành kết luận đánh giá")  # EVL-3, EVL-4, EVL-5
    CLOSE_CASE = "close_case", _("Kết thúc hồ sơ đề xuất")  # after protection and encouragement are recorded


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
    (S.SUBMITTED, A.REFER): S.REFERRED,
    (S.COLLECTIVE_PASSED, A.REFER): S.REFERRED,
    (S.COLLECTIVE_FAILED, A.REFER): S.REFERRED,
    (S.APPROVED, A.START): S.IN_IMPLEMENTATION,
    (S.IN_IMPLEMENTATION, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.CONTINUE): S.IN_IMPLEMENTATION,
    (S.IN_IMPLEMENTATION, A.STOP): S.STOPPED,
    (S.SUSPENDED, A.STOP): S.STOPPED,
    (S.IN_IMPLEMENTATION, A.ADJUST): S.IN_IMPLEMENTATION,  # the status stays; the approved version changes
    (S.IN_IMPLEMENTATION, A.COMPLETE): S.COMPLETED,
    (S.COMPLETED, A.REPORT): S.REPORTED,
    (S.STOPPED, A.REPORT): S.REPORTED,  # CMP-4: results so far
    (S.REPORTED, A.OPEN_EVALUATION): S.EVALUATION_MEETING,
    (S.EVALUATION_MEETING, A.ADJOURN_EVALUATION): S.REPORTED,
    (S.EVALUATION_MEETING, A.CLOSE_EVALUATION): S.EVALUATION_HELD,
    (S.EVALUATION_HELD, A.CONCLUDE): S.EVALUATED,
    (S.REPORTED, A.CONCLUDE): S.EVALUATED,  # EVL-6: where the legal profile sets no evaluation meeting
    (S.EVALUATED, A.CLOSE_CASE): S.CLOSED,
}
del S, A

# The database sees status changes only: an action that keeps the status (an adjustment) is not one.
DB_TRANSITIONS: list[tuple[str, str]] = sorted(
    {(str(src), str(dst)) for (src, _a), dst in TRANSITIONS.items() if src != dst}
)


def allowed_actions(status: str) -> set[str]:
    """The actions the table allows from `status` (whoever may take them: services check the person)."""
    return {action for (source, action) in TRANSITIONS if source == status}


def can(status: str, action: str) -> bool:
    return (status, action) in TRANSITIONS


def statuses_allowing(actions) -> frozenset[str]:
    """The statuses from which at least one of `actions` is allowed."""
    return frozenset(source for (source, action) in TRANSITIONS if action in actions)


# The proposer's own steps before the decision, and the deciding unit's (consult, meet, vote, decide, return).
PROPOSER_ACTIONS = frozenset({Action.SUBMIT, Action.REVISE})
DECIDING_ACTIONS = frozenset({
    Action.RETURN, Action.OPEN_MEETING, Action.ADJOURN, Action.CLOSE_PASSED, Action.CLOSE_FAILED, Action.APPROVE,
    Action.OVERRIDE, Action.REJECT, Action.REFER,
})

# The plan may be changed exactly while it can still be submitted: what was submitted is frozen.
EDITABLE_STATUSES = statuses_allowing({Action.SUBMIT})
# The proposer's turn: finish and submit a draft, or reopen a returned or rejected plan.
AWAITING_PROPOSER = statuses_allowing(PROPOSER_ACTIONS)
# The deciding unit's turn (consult, meet, vote, decide, return).
AWAITING_DECISION = statuses_allowing(DECIDING_ACTIONS)
# Where a proposal goes once implementation has started (after-approval.md).
POST_DECISION = frozenset(TRANSITIONS[key] for key in TRANSITIONS if key[1] not in PROPOSER_ACTIONS | DECIDING_ACTIONS)
# Implementation runs: progress is recorded, directions may be given (IMP-3, IMP-5).
IMPLEMENTING = frozenset({Status.IN_IMPLEMENTATION, Status.SUSPENDED})
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
