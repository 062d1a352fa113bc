"""The evaluation stage's sections of the work inbox: proposals to evaluate, to conclude, to decide protection
and encouragement on, and evaluation meetings awaiting the user's vote.

A query per section whatever the number of rows (`inbox_sections`).
"""

import datetime
import functools

from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.models import AuditEvent
from core.paging import Key
from proposals.inbox import InboxItem, InboxSection, only_shown, units_held
from proposals.models import LegalProfile, Proposal, Step
from proposals.selectors import NO_DUE_DATE, DueBadges
from proposals.transitions import Action, Status

from .actions import PANEL
from .models import EvaluationConsultation, EvaluationMeeting
from .selectors import CONCLUSION_STEP, EVALUATION_STEP

CONSULT_FIRST = _("Ghi nhận ý kiến cấp ủy về kết quả thực hiện")
OPEN_MEETING = _("Tổ chức họp đánh giá kết quả thực hiện")
CLOSE_MEETING = _("Kết thúc cuộc họp đánh giá")
CONCLUDE = _("Ban hành kết luận đánh giá")
CONCLUDE_WITHOUT_MEETING = _("Ban hành kết luận đánh giá (không họp, theo bộ quy định áp dụng)")
SETTLE = _("Quyết định khuyến khích, đề nghị áp dụng biện pháp bảo vệ; kết thúc hồ sơ")


def _conclusion_path(stopped: Exists) -> Q:
    """`evaluation_path(...) == CONCLUSION` as a condition (EVL-6): a stopped proposal by the profile's
    `stopped_evaluation`, a head's own proposal (route B) by its `route_b_evaluation`; every other one meets."""
    conclusion = LegalProfile.EvaluationPath.CONCLUSION
    return Q(stopped, profile__in=_profiles(stopped_evaluation=conclusion)) | Q(
        ~stopped, route=Proposal.Route.B, profile__in=_profiles(route_b_evaluation=conclusion)
    )


def _profiles(**choice) -> QuerySet:
    """The profiles making `choice`, for a condition on the proposal's `profile` (`profile_id IN (…)`) rather than on
    the profile joined: an OR mixing the proposal's columns with its profile's costs PostgreSQL 10–20 ms to plan (the
    inbox's section to evaluate at 200,000 proposals, and the navigation's badge that counts it on every page; 1.5 ms
    this way, issue 10)."""
    return LegalProfile.objects.filter(**choice)


def _stopped() -> Exists:
    """Whether the proposal (OuterRef) was stopped (IMP-5): its audit trail has the transition."""
    return Exists(AuditEvent.objects.filter(
        object_type=Proposal._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField()), action=Action.STOP,
    ))


def _consult_first() -> Q:
    """EVL-1: the party committee's opinion on the proposal (OuterRef) is required and not recorded yet."""
    return Q(profile__in=_profiles(evaluation_consultation_required=True)) & ~Exists(
        EvaluationConsultation.objects.filter(proposal=OuterRef("pk"))
    )


def inbox_sections(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """A query per section, plus at most one calendar read per due-soon threshold.

    Each reads proposals with their earliest open "evaluation" / "conclusion" step (the due date and its badge) and
    whether the party committee's opinion is still to be recorded first (EVL-1): in an evaluation status in the
    units where the user is head or secretariat today, split by what is expected of them (the head or the
    secretariat consults and runs the meeting; only the head concludes and decides), or with an open evaluation
    meeting where the user is a present voter who has not voted.
    """
    badges = DueBadges(today)
    deciding = Q(decision_unit_id__in=units_held(user=user, today=today, held=held,
                                                 roles=(Position.Role.HEAD, Position.Role.SECRETARIAT)))
    head = Q(decision_unit_id__in=units_held(user=user, today=today, roles=(Position.Role.HEAD,), held=held))
    reported = Q(status=Status.REPORTED)

    @functools.cache
    def rows() -> QuerySet[Proposal]:
        due = Step.objects.open().filter(proposal=OuterRef("pk"), kind__in=(EVALUATION_STEP, CONCLUSION_STEP)).order_by("due_on")
        return only_shown(Proposal.objects.all()).annotate(
            evaluation_due=Subquery(due.values("due_on")[:1]),
            consult_first=ExpressionWrapper(_consult_first(), output_field=BooleanField()),
        )

    def to_evaluate() -> QuerySet[Proposal]:
        return rows().filter(deciding & ((reported & ~_conclusion_path(_stopped())) | Q(status=Status.EVALUATION_MEETING)))

    def to_conclude() -> QuerySet[Proposal]:
        return rows().filter(deciding & (
            (reported & _conclusion_path(_stopped()) & (_consult_first() | head)) | (Q(status=Status.EVALUATION_HELD) & head)
        ))

    def to_vote() -> QuerySet[Proposal]:
        awaiting_vote = (
            EvaluationMeeting.objects.filter(proposal=OuterRef("pk"), state=EvaluationMeeting.State.OPEN,
                                             eligible_voters=user, attendees=user)
            .exclude(votes__voter=user)
        )
        return rows().filter(Exists(awaiting_vote)).annotate(
            voting_meeting=Subquery(awaiting_vote.values("pk")[:1]),
            voting_held_on=Subquery(awaiting_vote.values("held_on")[:1]),
        )
    keys = [Key("due_key", Coalesce("evaluation_due", Value(NO_DUE_DATE))), Key("created_at"), Key("pk")]

    def item(proposal: Proposal, expected, **fields) -> InboxItem:
        due = proposal.evaluation_due
        return InboxItem(
            proposal, expected, subtitle=f"{proposal.code} — {proposal.proposer.get_full_name()}", due=due,
            due_state=badges.state(due=due, soon_wd=proposal.profile.due_soon_wd) if due else None, **fields,
        )

    def evaluate(proposal: Proposal) -> InboxItem:
        if proposal.status == Status.EVALUATION_MEETING:
            expected = CLOSE_MEETING
        else:
            expected = CONSULT_FIRST if proposal.consult_first else OPEN_MEETING
        return item(proposal, expected, anchor=PANEL, context=proposal.unit.name)

    def conclude(proposal: Proposal) -> InboxItem:
        if proposal.status == Status.EVALUATION_HELD:
            expected = CONCLUDE
        else:
            expected = CONSULT_FIRST if proposal.consult_first else CONCLUDE_WITHOUT_MEETING
        return item(proposal, expected, anchor=PANEL, context=proposal.unit.name)

    def vote(proposal: Proposal) -> InboxItem:
        return item(proposal, _("Cho ý kiến, biểu quyết tại cuộc họp đánh giá"),
                    anchor=f"danh-gia-hop-{proposal.voting_meeting}", context=proposal.voting_held_on)

    def settle(proposal: Proposal) -> InboxItem:
        return item(proposal, SETTLE, anchor=PANEL, context=proposal.unit.name)

    context_label = _("Cơ quan, đơn vị")
    return [
        InboxSection(key="to_evaluate", heading=_("Đề xuất chờ đánh giá kết quả thực hiện"), anchor="cho-danh-gia",
                     order=50, query=to_evaluate, keys=keys, item=evaluate, context_label=context_label),
        InboxSection(key="to_conclude", heading=_("Đề xuất chờ kết luận đánh giá"), anchor="cho-ket-luan", order=51,
                     query=to_conclude, keys=keys, item=conclude, context_label=context_label),
        InboxSection(key="evaluation_vote", heading=_("Cuộc họp đánh giá chờ bạn biểu quyết"), anchor="bieu-quyet-danh-gia",
                     order=52, query=to_vote, keys=keys, item=vote, context_label=_("Ngày họp"), show_status=False),
        InboxSection(key="to_settle", heading=_("Đề xuất chờ quyết định khuyến khích, bảo vệ"), anchor="cho-khuyen-khich-bao-ve",
                     order=53, query=lambda: rows().filter(head, status=Status.EVALUATED), keys=keys, item=settle,
                     context_label=context_label),
    ]
