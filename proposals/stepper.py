"""Where a proposal stands in its lifecycle, as the stepper above its page shows it (issue 12 §2).

Six steps (spec README §3, after-approval.md): registered → decided → implementing → reported → evaluated →
protected. Each status is at one step; a step done shows the day it was done, read from the timeline the page
reads anyway (the audit events), the current one its due date. A return, a rejection, a referral, a suspension or a
stop is shown as what it is, on the step where it happened, never as progress.
"""

import dataclasses
import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Step
from .selectors import DueBadges
from .transitions import AWAITING_DECISION, REVIEW_DEADLINE_RUNNING, Action, Status

S = Status
STEPS = (
    _("Đăng ký, nộp kế hoạch"),
    _("Quyết định cho triển khai"),
    _("Triển khai thực hiện"),
    _("Báo cáo kết quả"),
    _("Đánh giá kết quả"),
    _("Bảo vệ, khuyến khích"),
)
# The step each status is working on (its index in STEPS); CLOSED is past the last.
AT_STEP = {
    S.DRAFT: 0, S.RETURNED: 1, S.REJECTED: 1, S.REFERRED: 1,
    S.SUBMITTED: 1, S.IN_REVIEW: 1, S.COLLECTIVE_PASSED: 1, S.COLLECTIVE_FAILED: 1,
    S.APPROVED: 2, S.IN_IMPLEMENTATION: 2, S.SUSPENDED: 2,
    S.STOPPED: 3, S.COMPLETED: 3,
    S.REPORTED: 4, S.EVALUATION_MEETING: 4, S.EVALUATION_HELD: 4,
    S.EVALUATED: 5,
    S.CLOSED: len(STEPS),
}
IMPLEMENTING = 2  # the step a stop ends
# Statuses that halt the proposal at its step: the step shows the status instead of a due date.
HALTED = frozenset({S.RETURNED, S.REJECTED, S.REFERRED, S.SUSPENDED})
# The status (or, for the first step, the action) whose latest event dates each step as done.
DONE_BY = (Action.SUBMIT, S.APPROVED, (S.COMPLETED, S.STOPPED), S.REPORTED, S.EVALUATED, S.CLOSED)
del S


def next_due_subquery() -> Subquery:
    """The due date of the proposal's earliest open step (proposals.Step), for a query to annotate as `next_due`."""
    return Subquery(Step.objects.open().filter(proposal=OuterRef("pk")).order_by("due_on").values("due_on")[:1])


def current_due(proposal) -> datetime.date | None:
    """When what the proposal waits for is due: until the decision, the review deadline while it runs (as the
    inbox and the list badge it: a proposal voted on time is not late while the decision is prepared); after it, the
    earliest open step (annotated `next_due`)."""
    if proposal.status in AWAITING_DECISION:
        return proposal.review_due if proposal.status in REVIEW_DEADLINE_RUNNING else None
    return proposal.next_due


@dataclasses.dataclass
class LifecycleStep:
    label: str
    state: str  # "done", "current", "halted" or "upcoming"
    on: datetime.date | None = None  # done: the day it was done; current: its due date
    due_state: str | None = None
    note: str = ""  # halted, or a stopped implementation: the status in words

    @property
    def is_current(self) -> bool:
        return self.state in ("current", "halted")


def _done_on(timeline: list[dict], marker) -> datetime.date | None:
    """The local day of the latest event that reached `marker`: a status, statuses, or an action (no action is
    named as a status)."""
    markers = {str(m) for m in marker} if isinstance(marker, tuple) else {str(marker)}
    times = [row["event"].occurred_at for row in timeline
             if row["event"].to_state in markers or row["event"].action in markers]
    return timezone.localdate(max(times)) if times else None


def lifecycle_steps(*, proposal, timeline: list[dict], badges: DueBadges | None = None) -> list[LifecycleStep]:
    """The six steps of `proposal` (annotated `next_due`) in order; `timeline`: the page's
    (selectors.proposal_timeline)."""
    at = AT_STEP[proposal.status]
    due = current_due(proposal)
    halted = proposal.status in HALTED
    steps = []
    for index, label in enumerate(STEPS):
        if index < at:
            step = LifecycleStep(label, "done", on=_done_on(timeline, DONE_BY[index]))
            if index == IMPLEMENTING and _done_on(timeline, Status.STOPPED):  # stopped, not completed: said so
                step.note = _("Đã dừng thực hiện")
        elif index == at:
            step = LifecycleStep(label, "halted" if halted else "current", note=proposal.get_status_display() if halted else "")
            if not halted and due is not None:
                soon = proposal.profile.due_soon_wd if proposal.profile_id else 0
                step.on, step.due_state = due, (badges or DueBadges()).state(due=due, soon_wd=soon)
        else:
            step = LifecycleStep(label, "upcoming")
        steps.append(step)
    return steps
