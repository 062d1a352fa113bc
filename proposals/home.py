"""The home page's blocks that the proposals app contributes (core.stages.HomeBlock; issue 12 §1).

What awaits the person (the first rows of every stage's inbox section, with their due badges), their own proposals
with the next step in words and its due date, and for the secretariat and administrators the organisation's work
counted by status. Each block is one query at most (the inbox sections: one each, shared with the navigation's
badge of pending tasks).
"""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import Position

from .context_processors import acting_for
from .inbox import EXPECTED_OF_PROPOSER, PREVIEW_SIZE, counted_sections, only_shown
from .models import Proposal
from .selectors import DueBadges
from .stepper import current_due, next_due_subquery
from .transitions import Status

HOME_ROWS = 5  # rows of each inbox section and of one's own proposals on the home page

S = Status
# Where a proposal goes next, in words, for its authors (spec README §3 and after-approval.md).
NEXT_STEP = {
    **EXPECTED_OF_PROPOSER,
    S.SUBMITTED: _("Chờ tập thể lãnh đạo họp xem xét"),
    S.IN_REVIEW: _("Chờ kết quả biểu quyết của tập thể lãnh đạo"),
    S.COLLECTIVE_PASSED: _("Chờ người đứng đầu ban hành quyết định"),
    S.COLLECTIVE_FAILED: _("Chờ người đứng đầu quyết định cho triển khai hoặc không chấp thuận"),
    S.APPROVED: _("Chờ bố trí nguồn lực, phân công thực hiện"),
    S.IN_IMPLEMENTATION: _("Triển khai thực hiện, cập nhật tiến độ"),
    S.SUSPENDED: _("Chờ quyết định tiếp tục hoặc dừng thực hiện"),
    S.STOPPED: _("Nộp báo cáo kết quả thực hiện đến khi dừng"),
    S.COMPLETED: _("Nộp báo cáo kết quả thực hiện"),
    S.REPORTED: _("Chờ họp đánh giá kết quả thực hiện"),
    S.EVALUATION_MEETING: _("Chờ kết quả họp đánh giá"),
    S.EVALUATION_HELD: _("Chờ kết luận đánh giá"),
    S.EVALUATED: _("Chờ ghi nhận bảo vệ, khuyến khích và kết thúc hồ sơ"),
    S.CLOSED: _("Hồ sơ đã kết thúc"),
    S.REFERRED: _("Chờ cấp có thẩm quyền xem xét"),
}
del S


def tasks_block(request) -> dict:
    """The task box: every inbox section with rows, with its first `HOME_ROWS` items and how many there are, counted
    up to the inbox's first rows (`PREVIEW_SIZE`, "hơn 10" past them). The counts are the navigation badge's: a
    section reads its `HOME_ROWS` rows in one query, and an empty one reads nothing."""
    sections = [section for section in counted_sections(request, pending_only=True) if section.count]
    return {"sections": [(section, section.page(size=HOME_ROWS)) for section in sections], "counted": PREVIEW_SIZE}


def mine_block(request) -> dict | None:
    """The person's own proposals (proposer or co-author), the latest changed first: one query. Left out for
    someone with none who may not propose either."""
    user = request.user
    # A UNION of two indexed lookups, not `proposer = me OR id IN (co-authored)`: PostgreSQL can serve that OR only
    # by walking every proposal in updated_at order (500 ms at 200,000 rows for someone with none; 8 ms this way).
    mine = Proposal.objects.filter(proposer=user).order_by().values("pk").union(
        Proposal.co_authors.through.objects.filter(user=user).order_by().values("proposal_id")
    )
    rows = list(
        only_shown(Proposal.objects.filter(pk__in=mine))
        .annotate(next_due=next_due_subquery())
        .order_by("-updated_at", "-pk")[: HOME_ROWS + 1]
    )
    if not rows and not acting_for(request)["can_propose"]:
        return None
    badges = DueBadges()
    for proposal in rows[:HOME_ROWS]:
        proposal.due = current_due(proposal)
        proposal.due_state = badges.state(due=proposal.due, soon_wd=proposal.profile.due_soon_wd) if proposal.profile_id else None
        proposal.next_step = NEXT_STEP[proposal.status]
    return {"proposals": rows[:HOME_ROWS], "more": len(rows) > HOME_ROWS,
            "can_propose": acting_for(request)["can_propose"]}


OVERVIEW_ROLES = frozenset({Position.Role.SECRETARIAT})


def overview_block(request) -> dict | None:
    """The organisation's work for the secretariat and administrators: the proposals in their scope counted by
    status, one grouped query. Left out for everyone else."""
    user = request.user
    held = acting_for(request)["positions"]
    if not (user.is_staff or acting_for(request)["roles"] & OVERVIEW_ROLES):
        return None
    counted = dict(
        Proposal.objects.visible_to(user, held).exclude(status=Status.DRAFT).order_by()
        .values_list("status").annotate(count=Count("pk"))
    )
    counts = [(value, label, counted[value]) for value, label in Status.choices if counted.get(value)]
    return {"counts": counts, "total": sum(counted.values()), "units": sorted({p.unit.name for p in held})}
