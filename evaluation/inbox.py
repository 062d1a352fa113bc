"""The evaluation stage's sections of the work inbox: proposals to evaluate, to conclude, to decide protection
and encouragement on, and evaluation meetings awaiting the user's vote.

All four come from one query, whatever the number of rows: the proposals of the units where the user is head or
secretariat today in an evaluation status, or with an open evaluation meeting where the user is a present voter
who has not voted; each annotated with its earliest open "evaluation" / "conclusion" step (the due date and its
badge), whether implementation was stopped (the evaluation path, EVL-6) and whether the party committee's opinion
is recorded (EVL-1).
"""

import datetime

from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.models import AuditEvent
from proposals.inbox import InboxItem, InboxSection
from proposals.models import LegalProfile, Proposal, Step
from proposals.selectors import DueBadges
from proposals.transitions import Action, Status

from .actions import PANEL
from .models import EvaluationConsultation, EvaluationMeeting
from .selectors import CONCLUSION_STEP, EVALUATION_STEP, evaluation_path

CONSULT_FIRST = _("Ghi nhận ý kiến cấp ủy về kết quả thực hiện")
OPEN_MEETING = _("Tổ chức họp đánh giá kết quả thực hiện")
CLOSE_MEETING = _("Kết thúc cuộc họp đánh giá")
CONCLUDE = _("Ban hành kết luận đánh giá")
CONCLUDE_WITHOUT_MEETING = _("Ban hành kết luận đánh giá (không họp, theo bộ quy định áp dụng)")
SETTLE = _("Quyết định khuyến khích, đề nghị áp dụng biện pháp bảo vệ; kết thúc hồ sơ")

ACTIVE = (Status.REPORTED, Status.EVALUATION_MEETING, Status.EVALUATION_HELD, Status.EVALUATED)


def _rows(*, user, today: datetime.date):
    held = Position.objects.held_on(today).filter(person=user)
    deciding_units = held.filter(role__in=(Position.Role.HEAD, Position.Role.SECRETARIAT)).values("unit_id")
    headed_units = held.filter(role=Position.Role.HEAD).values("unit_id")
    awaiting_vote = (
        EvaluationMeeting.objects.filter(proposal=OuterRef("pk"), state=EvaluationMeeting.State.OPEN,
                                         eligible_voters=user, attendees=user)
        .exclude(votes__voter=user)
    )
    due = Step.objects.open().filter(proposal=OuterRef("pk"), kind__in=(EVALUATION_STEP, CONCLUSION_STEP)).order_by("due_on")
    stopped = AuditEvent.objects.filter(
        object_type=Proposal._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField()), action=Action.STOP,
    )
    return (
        Proposal.objects.filter(
            Q(status__in=ACTIVE, decision_unit_id__in=deciding_units) | Q(Exists(awaiting_vote))
        )
        .select_related("unit", "profile", "proposer")
        .annotate(
            evaluation_due=Subquery(due.values("due_on")[:1]),
            voting_meeting=Subquery(awaiting_vote.values("pk")[:1]),
            voting_held_on=Subquery(awaiting_vote.values("held_on")[:1]),
            was_stopped=Exists(stopped),
            evaluation_consulted=Exists(EvaluationConsultation.objects.filter(proposal=OuterRef("pk"))),
            in_deciding_unit=ExpressionWrapper(Q(decision_unit_id__in=deciding_units), output_field=BooleanField()),
            is_head=ExpressionWrapper(Q(decision_unit_id__in=headed_units), output_field=BooleanField()),
        )
        .order_by(F("evaluation_due").asc(nulls_last=True), "created_at")
    )


def inbox_sections(*, user, today: datetime.date) -> list[InboxSection]:
    """One query (above), plus at most one calendar read per due-soon threshold."""
    badges = DueBadges(today)
    to_evaluate, to_conclude, to_settle, to_vote = [], [], [], []
    for proposal in _rows(user=user, today=today):
        due = proposal.evaluation_due
        due_state = badges.state(due=due, soon_wd=proposal.profile.due_soon_wd) if due else None
        subtitle = f"{proposal.code} — {proposal.proposer.get_full_name()}"
        if proposal.voting_meeting:
            to_vote.append(InboxItem(
                proposal, _("Cho ý kiến, biểu quyết tại cuộc họp đánh giá"), anchor=f"danh-gia-hop-{proposal.voting_meeting}",
                subtitle=subtitle, context=proposal.voting_held_on, due=due, due_state=due_state,
            ))
        if not proposal.in_deciding_unit or proposal.status not in ACTIVE:
            continue
        item = InboxItem(proposal, "", anchor=PANEL, subtitle=subtitle, context=proposal.unit.name, due=due,
                         due_state=due_state)
        consult_first = proposal.profile.evaluation_consultation_required and not proposal.evaluation_consulted
        # The head or the secretariat consults and runs the meeting; only the head concludes and decides.
        if proposal.status == Status.REPORTED:
            path = evaluation_path(proposal, stopped=proposal.was_stopped)
            if path == LegalProfile.EvaluationPath.CONCLUSION:
                if consult_first or proposal.is_head:
                    item.expected = CONSULT_FIRST if consult_first else CONCLUDE_WITHOUT_MEETING
                    to_conclude.append(item)
            else:
                item.expected = CONSULT_FIRST if consult_first else OPEN_MEETING
                to_evaluate.append(item)
        elif proposal.status == Status.EVALUATION_MEETING:
            item.expected = CLOSE_MEETING
            to_evaluate.append(item)
        elif not proposal.is_head:
            continue
        elif proposal.status == Status.EVALUATION_HELD:
            item.expected = CONCLUDE
            to_conclude.append(item)
        else:
            item.expected = SETTLE
            to_settle.append(item)
    context_label = _("Cơ quan, đơn vị")
    return [
        InboxSection(key="to_evaluate", heading=_("Đề xuất chờ đánh giá kết quả thực hiện"), anchor="cho-danh-gia",
                     order=50, items=to_evaluate, context_label=context_label),
        InboxSection(key="to_conclude", heading=_("Đề xuất chờ kết luận đánh giá"), anchor="cho-ket-luan", order=51,
                     items=to_conclude, context_label=context_label),
        InboxSection(key="evaluation_vote", heading=_("Cuộc họp đánh giá chờ bạn biểu quyết"), anchor="bieu-quyet-danh-gia",
                     order=52, items=to_vote, context_label=_("Ngày họp"), show_status=False),
        InboxSection(key="to_settle", heading=_("Đề xuất chờ quyết định khuyến khích, bảo vệ"), anchor="cho-khuyen-khich-bao-ve",
                     order=53, items=to_settle, context_label=context_label),
    ]
