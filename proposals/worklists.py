"""Reads behind the work inbox and the proposal list.

These are selectors (reads that depend on the user). They live here rather than in `selectors.py` only
while that module is being changed by another developer; they are meant to move there unchanged.
Each list is a fixed number of queries whatever the number of rows.
"""

import dataclasses
import datetime

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from approvals.models import Consultation, Meeting
from core.text import fold

from .models import Proposal
from .selectors import DueBadges
from .transitions import AWAITING_DECISION, Status

# What the deciding unit is expected to do next, by status (decree73.md §3.2 T2, T4, T5, T7).
EXPECTED = {
    "consult": _("Ghi nhận ý kiến cấp ủy"),
    Status.SUBMITTED: _("Tổ chức họp tập thể lãnh đạo"),
    Status.IN_REVIEW: _("Kết thúc biểu quyết tại cuộc họp"),
    Status.COLLECTIVE_PASSED: _("Ban hành quyết định cho triển khai thực hiện"),
    Status.COLLECTIVE_FAILED: _("Người đứng đầu quyết định cho triển khai hoặc không chấp thuận (nêu rõ lý do)"),
    "failed_no_override": _("Không chấp thuận (nêu rõ lý do) hoặc trả lại để bổ sung, làm rõ"),
}
EXPECTED_OF_PROPOSER = {
    Status.DRAFT: _("Hoàn thiện và nộp kế hoạch"),
    Status.RETURNED: _("Bổ sung, làm rõ theo yêu cầu rồi nộp lại"),
    Status.REJECTED: _("Xem lý do không chấp thuận; có thể chỉnh sửa để nộp lại"),
}


def due_state(badges: DueBadges, proposal: Proposal) -> str | None:
    """The badge of the review deadline while the deciding unit still has to act; None otherwise."""
    if proposal.status not in AWAITING_DECISION or proposal.profile_id is None:
        return None
    return badges.state(due=proposal.review_due, soon_wd=proposal.profile.due_soon_wd)


@dataclasses.dataclass
class InboxItem:
    proposal: Proposal
    expected: str
    due: datetime.date | None = None
    due_state: str | None = None
    meeting: Meeting | None = None


@dataclasses.dataclass
class Inbox:
    to_decide: list[InboxItem]
    to_vote: list[InboxItem]
    mine: list[InboxItem]

    def __len__(self):
        return len(self.to_decide) + len(self.to_vote) + len(self.mine)


def inbox_for(*, user, today: datetime.date) -> Inbox:
    """Everything waiting for `user` today: 3 queries, plus at most one calendar read per due-soon threshold.

    1. proposals awaiting a decision in a unit where the user is head or secretariat today;
    2. open meetings where the user is an eligible voter marked present and has not voted;
    3. the user's own drafts and returned or rejected proposals.
    """
    badges = DueBadges(today)
    deciding_units = Position.objects.held_on(today).filter(
        person=user, role__in=(Position.Role.HEAD, Position.Role.SECRETARIAT)
    ).values("unit_id")
    consulted = Consultation.objects.filter(proposal=OuterRef("pk"), version=OuterRef("current_version"))
    to_decide = []
    for proposal in (
        Proposal.objects.filter(status__in=AWAITING_DECISION, decision_unit_id__in=deciding_units)
        .select_related("unit", "decision_unit", "profile", "proposer")
        .annotate(consulted=Exists(consulted))
        .order_by(F("review_due").asc(nulls_last=True), "created_at")
    ):
        if proposal.status == Status.SUBMITTED and proposal.profile.consultation_required and not proposal.consulted:
            expected = EXPECTED["consult"]
        elif proposal.status == Status.COLLECTIVE_FAILED and not proposal.profile.override_allowed:
            expected = EXPECTED["failed_no_override"]
        else:
            expected = EXPECTED[proposal.status]
        to_decide.append(InboxItem(proposal, expected, proposal.review_due, due_state(badges, proposal)))

    to_vote = []
    for meeting in (
        Meeting.objects.filter(state=Meeting.State.OPEN, eligible_voters=user, attendees=user)
        .exclude(votes__voter=user)
        .select_related("proposal__unit", "proposal__profile")
        .order_by("held_on", "pk")
    ):
        proposal = meeting.proposal
        to_vote.append(
            InboxItem(proposal, _("Biểu quyết tại cuộc họp tập thể lãnh đạo"), proposal.review_due,
                      due_state(badges, proposal), meeting)
        )

    mine = [
        InboxItem(proposal, EXPECTED_OF_PROPOSER[proposal.status])
        for proposal in Proposal.objects.filter(proposer=user, status__in=tuple(EXPECTED_OF_PROPOSER))
        .select_related("unit")
        .order_by("-updated_at")
    ]
    return Inbox(to_decide=to_decide, to_vote=to_vote, mine=mine)


# PostgreSQL's ICU Vietnamese collation orders "Cải cách" before "Chuyển đổi"; other databases compare
# code points, which is only an approximation (accented letters sort after "z").
VIETNAMESE_COLLATION = "vi-x-icu"


def _sorts() -> dict[str, tuple]:
    title = Collate("title", VIETNAMESE_COLLATION) if connection.vendor == "postgresql" else F("title")
    return {
        "newest": ("-created_at", "-pk"),
        "due": (F("review_due").asc(nulls_last=True), "-created_at", "-pk"),
        "title": (title.asc(), "pk"),
    }


def proposal_list(*, user, today: datetime.date, q: str = "", unit=None, status: str = "", field: str = "",
                  year: int | None = None, overdue: bool = False, sort: str = "newest") -> QuerySet[Proposal]:
    """The proposals `user` may see, filtered as the list's GET form asks, in one query (plus the count)."""
    proposals = Proposal.objects.visible_to(user).select_related("unit", "proposer", "profile")
    for word in fold(q).split():
        # `search_text` is the folded copy of code, title and main contents: "cai cach" finds "cải cách".
        proposals = proposals.filter(search_text__contains=word)
    if unit is not None:
        proposals = proposals.filter(unit__path__startswith=unit.path)
    if status:
        proposals = proposals.filter(status=status)
    if field:
        proposals = proposals.filter(field=field)
    if year:
        proposals = proposals.filter(Q(received_on__year=year) | Q(received_on__isnull=True, created_at__year=year))
    if overdue:
        proposals = proposals.filter(status__in=AWAITING_DECISION, review_due__lt=today)
    sorts = _sorts()
    return proposals.order_by(*sorts.get(sort, sorts["newest"]))
