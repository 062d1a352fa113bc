"""The deciding unit's sections of the work inbox: proposals to decide on, meetings to vote at."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.paging import Key
from proposals.inbox import InboxItem, InboxSection, only_shown, units_held
from proposals.models import Proposal
from proposals.selectors import NO_DUE_DATE, DueBadges, due_state
from proposals.transitions import AWAITING_DECISION, Action, allowed_actions

from . import rules
from .actions import PANEL
from .models import Consultation, Meeting

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


def meetings_awaiting_vote_of(user) -> QuerySet[Meeting]:
    """Open meetings where `user` is an eligible voter marked present and has not voted yet."""
    return Meeting.objects.filter(state=Meeting.State.OPEN, eligible_voters=user, attendees=user).exclude(
        votes__voter=user
    )


def expected_of_decider(proposal: Proposal) -> str:
    """What the deciding unit has to do next (`proposal` annotated with `consulted`, profile joined)."""
    steps = allowed_actions(proposal.status)
    if not proposal.profile.override_allowed:
        steps.discard(Action.OVERRIDE)
    action = next(action for action in NEXT_STEP_OF_DECIDER if action in steps)
    # D-13, Art. 4(3): the party committee's opinion comes before approving (by default; before the meeting where the
    # unit asks it then). After a failing vote the head may as well reject: the override's line says both.
    if action != Action.OVERRIDE and rules.consultation_first(proposal.profile, action) and not proposal.consulted:
        return CONSULT_FIRST
    return NEXT_STEP_OF_DECIDER[action]


def inbox_sections(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """A query each, plus at most one calendar read per due-soon threshold:

    1. proposals awaiting a decision in a unit where the user is head or secretariat today, the earliest review
       deadline first;
    2. open meetings where the user is an eligible voter marked present and has not voted, the earliest first.
    """
    badges = DueBadges(today)
    deciding_units = units_held(user=user, today=today, roles=(Position.Role.HEAD, Position.Role.SECRETARIAT), held=held)

    def to_decide() -> QuerySet[Proposal]:
        consulted = Consultation.objects.filter(proposal=OuterRef("pk"), version=OuterRef("current_version"))
        return only_shown(
            Proposal.objects.filter(status__in=AWAITING_DECISION, decision_unit_id__in=deciding_units),
            "profile__override_allowed", "profile__consultation_required", "profile__consultation_before",
        ).annotate(consulted=Exists(consulted))

    def decide(proposal: Proposal) -> InboxItem:
        return InboxItem(
            proposal, expected_of_decider(proposal), anchor=PANEL,
            subtitle=f"{proposal.code} — {proposal.proposer.get_full_name()}", context=proposal.unit.name,
            due=proposal.review_due, due_state=due_state(badges, proposal),
        )

    def vote(meeting: Meeting) -> InboxItem:
        return InboxItem(
            meeting.proposal, _("Biểu quyết tại cuộc họp tập thể lãnh đạo"), anchor=f"cuoc-hop-{meeting.pk}",
            subtitle=f"{meeting.proposal.code} — {meeting.proposal.unit.name}",
            context=meeting.held_on, due=meeting.proposal.review_due,
            due_state=due_state(badges, meeting.proposal), target=meeting,
        )

    return [
        InboxSection(key="to_decide", heading=_("Đề xuất chờ cơ quan xem xét, quyết định"), anchor="cho-xu-ly",
                     order=10, query=to_decide, item=decide, context_label=_("Cơ quan, đơn vị"),
                     keys=[Key("due_key", Coalesce("review_due", Value(NO_DUE_DATE))), Key("created_at"), Key("pk")]),
        InboxSection(key="to_vote", heading=_("Cuộc họp chờ bạn biểu quyết"), anchor="bieu-quyet", order=20,
                     query=lambda: only_shown(meetings_awaiting_vote_of(user), "held_on", through="proposal__"),
                     keys=[Key("held_on"), Key("pk")], item=vote, context_label=_("Ngày họp"), show_status=False),
    ]
