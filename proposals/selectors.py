"""Reads about proposals. Every user-dependent read goes through `proposal_scope_q` (style.md §3).

The lists (inbox, proposal list) are a fixed number of queries whatever the number of rows.
"""

import dataclasses
import datetime

from django.db import connection
from django.db.models import Exists, F, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Collate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position, User, in_subtrees
from accounts.selectors import positions_of
from approvals.models import Consultation, Meeting
from core import workdays
from core.models import AuditEvent
from core.text import fold

from .models import Attachment, LegalProfile, PlanContent, PlanVersion, Proposal
from .transitions import (
    AWAITING_DECISION,
    AWAITING_PROPOSER,
    EDITABLE_STATUSES,
    REVIEW_DEADLINE_RUNNING,
    Action,
    Status,
    allowed_actions,
)

DECIDING_ROLES = (Position.Role.HEAD, Position.Role.DEPUTY, Position.Role.SECRETARIAT)


def proposal_scope_q(user) -> Q:
    """Who sees what (spec README §6; issue "Scope").

    - authors (proposer, co-authors) see their own proposals, drafts included;
    - head, deputies and secretariat of the employing unit, or of the deciding unit (route B), see its
      proposals once submitted;
    - inspectors read everything submitted in their unit's subtree.
    """
    today = timezone.localdate()
    held = Position.objects.held_on(today).filter(person=user)
    deciding_units = held.filter(role__in=DECIDING_ROLES).values("unit_id")
    scope = Q(proposer=user) | Q(co_authors=user)
    submitted = ~Q(status=Status.DRAFT) | Q(current_version__gt=0)
    scope |= submitted & (Q(unit_id__in=deciding_units) | Q(decision_unit_id__in=deciding_units))
    inspector_paths = list(
        OrgUnit.objects.filter(pk__in=held.filter(role=Position.Role.INSPECTOR).values("unit_id")).values_list("path", flat=True)
    )
    if inspector_paths:
        scope |= submitted & in_subtrees(inspector_paths, field="unit__path")
    return scope


def proposal_for_user(*, user, pk: int, prefetch=()) -> Proposal:
    """The proposal if `user` may see it; Http404 otherwise, the same answer as "does not exist"."""
    try:
        return (
            Proposal.objects.visible_to(user)
            .select_related("unit", "decision_unit", "proposer", "proposer_position", "profile")
            .prefetch_related(*prefetch)
            .get(pk=pk)
        )
    except Proposal.DoesNotExist:
        raise Http404 from None


# --- The legal profile and who may propose under it ----------------------------------------------------------

DEFAULT_PROFILE_CODE = "ND73_2023"


def profiles_in_force(*, code: str = DEFAULT_PROFILE_CODE, on_date: datetime.date) -> QuerySet[LegalProfile]:
    """The versions of `code` in force on `on_date`, newest (the one that applies) first."""
    return LegalProfile.objects.filter(code=code, effective_from__lte=on_date).order_by("-version")


def current_profile(*, code: str = DEFAULT_PROFILE_CODE, on_date: datetime.date | None = None) -> LegalProfile:
    """The newest version of the legal profile in force on `on_date` (today by default).

    Version 1 comes from the data migration (0002) and versions are never deleted, so there is always one
    from 29/09/2023; a database without it is broken, and this raises `LegalProfile.DoesNotExist`.
    """
    on_date = on_date or timezone.localdate()
    profile = profiles_in_force(code=code, on_date=on_date).first()
    if profile is None:
        raise LegalProfile.DoesNotExist(f"No version of the legal profile {code} is in force on {on_date}.")
    return profile


def positions_eligible_to_propose(*, user, profile: LegalProfile, on_date: datetime.date) -> QuerySet[Position]:
    """The positions `user` holds on `on_date` whose Art. 2 category may propose under `profile`."""
    return positions_of(person=user, on_date=on_date).filter(category__in=profile.eligible_categories)


def positions_held_with_eligibility(*, user, on_date: datetime.date) -> list[Position]:
    """The positions `user` holds on `on_date`, each with `may_propose` under the profile in force: one query.

    The navigation bar of every page needs both; the profile's categories ride along as a subquery rather
    than costing every page a query of their own. The rule is the one of `positions_eligible_to_propose`.
    """
    categories = Subquery(profiles_in_force(on_date=on_date).values("eligible_categories")[:1], output_field=JSONField())
    positions = list(positions_of(person=user, on_date=on_date).annotate(profile_categories=categories))
    for position in positions:
        position.may_propose = position.category in (position.profile_categories or ())
    return positions


# --- Due dates ---------------------------------------------------------------------------------------------


class DueState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class DueBadges:
    """On time / due soon / overdue for open steps (spec README §4), for a whole list in O(1) queries.

    "Due soon" means the due date is within `soon_wd` working days from today; the threshold date is
    computed once per distinct `soon_wd`, not once per row.
    """

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self._soon_limit: dict[int, datetime.date] = {}

    def state(self, *, due: datetime.date | None, soon_wd: int) -> str | None:
        if due is None:
            return None
        if self.today > due:
            return DueState.OVERDUE
        if soon_wd not in self._soon_limit:
            self._soon_limit[soon_wd] = workdays.add_working_days(self.today, soon_wd)
        return DueState.DUE_SOON if due <= self._soon_limit[soon_wd] else DueState.ON_TIME


def due_state(badges: DueBadges, proposal: Proposal) -> str | None:
    """The badge of the review deadline while it runs (until the collective meets); None otherwise."""
    if proposal.status not in REVIEW_DEADLINE_RUNNING or proposal.profile_id is None:
        return None
    return badges.state(due=proposal.review_due, soon_wd=proposal.profile.due_soon_wd)


# --- One proposal: what its page shows to whom ---------------------------------------------------------------


def proposal_page_prefetch() -> tuple[Prefetch, ...]:
    """The relations the detail page reads, so that the rules below read them from memory, not per call."""
    return (
        Prefetch("co_authors", queryset=User.objects.order_by("full_name")),
        Prefetch("versions", queryset=PlanVersion.objects.select_related("submitted_by").order_by("number")),
    )


def is_author(*, proposal: Proposal, user) -> bool:
    """The proposer or a co-author (uses prefetched co-authors when there are)."""
    return proposal.proposer_id == user.pk or any(person.pk == user.pk for person in proposal.co_authors.all())


def plan_shown_to(*, proposal: Proposal, user) -> PlanContent | None:
    """The plan `user` reads: the working copy for authors while it is editable, else the version last submitted.

    Everyone else reads only what was submitted; a plan never submitted is seen by its authors alone.
    """
    current = next((v for v in proposal.versions.all() if v.number == proposal.current_version), None)
    if proposal.status in EDITABLE_STATUSES and (current is None or is_author(proposal=proposal, user=user)):
        return proposal
    return current


def attachment_removable(*, proposal: Proposal, attachment: Attachment) -> bool:
    """A file may be removed while the plan is editable and until it is submitted with a version: submitted
    files are evidence and stay, even when the plan is reopened for the next version."""
    return proposal.status in EDITABLE_STATUSES and attachment.version is None and attachment.removed_at is None


def attachments_visible_to(*, proposal: Proposal, user) -> QuerySet[Attachment]:
    """Authors see the files of the draft too; everyone else only the files submitted with a version."""
    attachments = proposal.attachments.filter(removed_at__isnull=True)
    if not is_author(proposal=proposal, user=user):
        attachments = attachments.filter(version__isnull=False)
    return attachments


# The audit actions that are not status transitions (core.audit callers in proposals and approvals).
EVENT_LABELS = {
    "create": _("Tạo dự thảo kế hoạch"),
    "edit": _("Chỉnh sửa dự thảo kế hoạch"),
    "attach": _("Đính kèm tệp"),
    "detach": _("Gỡ bỏ tệp đính kèm"),
    "consultation": _("Ghi nhận ý kiến cấp ủy"),
    "vote": _("Biểu quyết"),
}
ROLE_LABELS = {"proposer": _("Cán bộ đề xuất")}


def proposal_timeline(proposal: Proposal) -> list[dict]:
    """The "Diễn biến" of a proposal from the audit log, with Vietnamese labels for actions, roles and states."""
    actions = {**dict(Action.choices), **EVENT_LABELS}
    roles = {**dict(Position.Role.choices), **ROLE_LABELS}
    statuses = dict(Status.choices)
    rows = []
    for event in AuditEvent.objects.for_object(proposal).select_related("unit").order_by("seq"):
        payload = event.payload if isinstance(event.payload, dict) else {}
        rows.append({
            "event": event,
            "action": actions.get(event.action, event.action),
            "role": roles.get(event.role, event.role),
            "from_state": statuses.get(event.from_state, ""),
            "to_state": statuses.get(event.to_state, ""),
            "file_name": payload.get("name", "") if event.action in ("attach", "detach") else "",
            "version": payload.get("version") if event.action == Action.SUBMIT else None,
        })
    return rows


# --- Work inbox --------------------------------------------------------------------------------------------

CONSULT_FIRST = _("Ghi nhận ý kiến cấp ủy")
# The step that moves a proposal forward, by the action that takes it (decree73.md §3.2 T2, T4, T5, T7), in
# order of preference: the inbox names the first one the transition table allows from the proposal's status.
# Returning the plan or adjourning a meeting is always possible too and is not what the inbox asks for.
NEXT_STEP_OF_DECIDER = {
    Action.OPEN_MEETING: _("Tổ chức họp tập thể lãnh đạo"),
    Action.CLOSE_PASSED: _("Kết thúc biểu quyết tại cuộc họp"),
    Action.APPROVE: _("Ban hành quyết định cho triển khai thực hiện"),
    Action.OVERRIDE: _("Người đứng đầu quyết định cho triển khai hoặc không chấp thuận (nêu rõ lý do)"),
    Action.REJECT: _("Không chấp thuận (nêu rõ lý do) hoặc trả lại để bổ sung, làm rõ"),
}
# The proposer's turn (`AWAITING_PROPOSER`) in words: the same action, revising, reads differently after a
# return and after a rejection.
EXPECTED_OF_PROPOSER = {
    Status.DRAFT: _("Hoàn thiện và nộp kế hoạch"),
    Status.RETURNED: _("Bổ sung, làm rõ theo yêu cầu rồi nộp lại"),
    Status.REJECTED: _("Xem lý do không chấp thuận; có thể chỉnh sửa để nộp lại"),
}


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


def meetings_awaiting_vote_of(user) -> QuerySet[Meeting]:
    """Open meetings where `user` is an eligible voter marked present and has not voted yet."""
    return (
        Meeting.objects.filter(state=Meeting.State.OPEN, eligible_voters=user, attendees=user)
        .exclude(votes__voter=user)
        .select_related("proposal__unit", "proposal__profile")
        .order_by("held_on", "pk")
    )


def expected_of_decider(proposal: Proposal) -> str:
    """What the deciding unit has to do next (`proposal` annotated with `consulted`, profile joined)."""
    steps = allowed_actions(proposal.status)
    if not proposal.profile.override_allowed:
        steps.discard(Action.OVERRIDE)
    # Art. 4(3): the party committee is consulted before the collective meets.
    if Action.OPEN_MEETING in steps and proposal.profile.consultation_required and not proposal.consulted:
        return CONSULT_FIRST
    return next(label for action, label in NEXT_STEP_OF_DECIDER.items() if action in steps)


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
        to_decide.append(InboxItem(proposal, expected_of_decider(proposal), proposal.review_due, due_state(badges, proposal)))

    to_vote = []
    for meeting in meetings_awaiting_vote_of(user):
        proposal = meeting.proposal
        to_vote.append(
            InboxItem(proposal, _("Biểu quyết tại cuộc họp tập thể lãnh đạo"), proposal.review_due,
                      due_state(badges, proposal), meeting)
        )

    mine = [
        InboxItem(proposal, EXPECTED_OF_PROPOSER[proposal.status])
        for proposal in Proposal.objects.filter(proposer=user, status__in=AWAITING_PROPOSER)
        .select_related("unit")
        .order_by("-updated_at")
    ]
    return Inbox(to_decide=to_decide, to_vote=to_vote, mine=mine)


# --- Proposal list -----------------------------------------------------------------------------------------

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
        proposals = proposals.filter(in_subtrees([unit.path], field="unit__path"))
    if status:
        proposals = proposals.filter(status=status)
    if field:
        proposals = proposals.filter(field=field)
    if year:
        proposals = proposals.filter(Q(received_on__year=year) | Q(received_on__isnull=True, created_at__year=year))
    if overdue:
        proposals = proposals.filter(status__in=REVIEW_DEADLINE_RUNNING, review_due__lt=today)
    sorts = _sorts()
    return proposals.order_by(*sorts.get(sort, sorts["newest"]))
