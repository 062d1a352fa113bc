"""Reads for the deciding unit's side of a proposal page, and the records its documents are built from."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, OuterRef, Prefetch, Q, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import selectors as org
from accounts.models import Position, User
from core import folding
from core.stages import AuthorNotice
from proposals.diff import field_label
from proposals.models import LegalProfile, Proposal

from .models import Consultation, Decision, Meeting, Vote


def head_first():
    """An ordering expression for positions: head, then deputy, then the other roles.

    `order_by("role")` would be alphabetical ("deputy" < "head"); wherever one person holds two posts and
    the first one found wins (a title on a document, in a form), the head's post must win.
    """
    return Case(
        When(role=Position.Role.HEAD, then=0), When(role=Position.Role.DEPUTY, then=1), default=2,
        output_field=IntegerField(),
    )


# Why an author does not vote, as stored in `Meeting.excluded_note` and printed in the minutes.
EXCLUSION_NOTES = {
    "proposer": gettext_noop("%(name)s (người đề xuất)"),
    "co_author": gettext_noop("%(name)s (đồng tác giả)"),
}


@dataclass(frozen=True)
class Excluded:
    """A member of the collective who does not vote on this proposal, and why (a key of EXCLUSION_NOTES)."""

    position: Position
    reason: str


@dataclass(frozen=True)
class Collective:
    """The leadership collective of the deciding unit on one date, split for one proposal (Art. 8(1)).

    `head` is the head in office whether or not they vote; `voters` are head and deputies minus the
    plan's authors; `excluded` are those authors, with the reason.
    """

    head: Position | None
    voters: list[Position]
    excluded: list[Excluded]

    @property
    def excluded_note(self) -> str:
        """"Name (người đề xuất); Name (đồng tác giả)": stored on the meeting and printed in the minutes, so in
        Vietnamese whatever the language of the person who opens the meeting."""
        with translation.override(settings.LANGUAGE_CODE):
            return "; ".join(
                _(EXCLUSION_NOTES[member.reason]) % {"name": member.position.person.get_full_name()}
                for member in self.excluded
            )


def collective_on(*, proposal: Proposal, on_date: datetime.date) -> Collective:
    """Head and deputies of the deciding unit in office on `on_date`, minus the proposal's authors.

    Art. 8(1) [C] excludes a deputy who is the proposer; co-authors (đồng tác giả) propose the same plan,
    so none of them votes on it either [I]. Someone holding two posts (head and deputy) counts once, as head.
    Queries: the head (1), the deputies (1), the co-authors (1).
    """
    head = org.unit_head_on(unit=proposal.decision_unit, on_date=on_date)
    members: dict[int, Position] = {}
    for position in ([head] if head else []) + org.unit_deputies_on(unit=proposal.decision_unit, on_date=on_date):
        members.setdefault(position.person_id, position)
    reasons = dict.fromkeys(proposal.co_authors.values_list("pk", flat=True), "co_author")
    reasons[proposal.proposer_id] = "proposer"
    return Collective(
        head=head,
        voters=[p for p in members.values() if p.person_id not in reasons],
        excluded=[Excluded(position=p, reason=reasons[p.person_id]) for p in members.values() if p.person_id in reasons],
    )


@dataclass(frozen=True)
class Ballot:
    """One present member's vote; a present member who cast none counts as "không biểu quyết" (voting.py)."""

    person: User
    choice: str
    reason: str
    cast: bool
    cast_at: datetime.datetime | None = None  # local time; D-7: each vote's time is printed in the minutes

    @property
    def choice_display(self) -> str:
        return Vote.Choice(self.choice).label


@dataclass(frozen=True)
class VotingRule:
    threshold_percent: int
    denominator: str
    tie_rule: str

    @classmethod
    def of(cls, meeting: Meeting, profile: LegalProfile) -> "VotingRule":
        """The rule a closed meeting recorded when it closed (the database requires it); for a meeting not
        closed, the proposal's legal profile: the rule that closing would apply."""
        if meeting.state == Meeting.State.CLOSED:
            return cls(meeting.threshold_percent, meeting.denominator_rule, meeting.tie_rule)
        return cls(profile.approval_threshold_percent, profile.denominator, profile.tie_rule)

    @property
    def denominator_label(self) -> str:
        return str(LegalProfile.Denominator(self.denominator).label)

    @property
    def tie_rule_label(self) -> str:
        return str(LegalProfile.TieRule(self.tie_rule).label)


@dataclass
class MeetingRecord:
    """What the panel and the minutes show about one meeting.

    While the vote is open only *who* has voted is known here; the choices (`ballots`) are filled only once
    the meeting is closed, so no page or document can show them earlier.
    """

    meeting: Meeting
    eligible: list[User]
    present: list[User]
    absent: list[User]
    voted: list[User]
    not_voted: list[User]
    ballots: list[Ballot] = field(default_factory=list)
    voting_rule: VotingRule | None = None
    rule: str = ""
    tie_rule: str = ""
    share: str = ""
    user_voted: bool = False
    ended_on: datetime.date | None = None  # D-7: the day a closed meeting ended (`meeting_ended_on`)

    @property
    def is_open(self) -> bool:
        return self.meeting.state == Meeting.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.meeting.state == Meeting.State.CLOSED

    @property
    def dissent(self) -> list[Ballot]:
        return [b for b in self.ballots if b.choice == Vote.Choice.AGAINST]


def meetings_with_votes():
    """Meetings with everything a `MeetingRecord` reads, and the unit the actions on them are judged for: 4 queries
    for any number of meetings."""
    return Meeting.objects.select_related("chair", "unit").prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("voter").order_by("cast_at", "pk")),
        "eligible_voters",
        "attendees",
    )


def rule_text(rule: VotingRule) -> tuple[str, str]:
    """The passing rule and the tie rule in words, as applied (decree73.md §3.2 T4; "trên 50%" as Art. 8(1) says)."""
    denominator = rule.denominator_label
    passing = _("Thông qua khi số phiếu tán thành trên %(percent)s%% %(denominator)s") % {
        "percent": rule.threshold_percent,
        "denominator": denominator[:1].lower() + denominator[1:],
    }
    # D-1: "biểu quyết ngang nhau" is as many votes for as against (approvals.voting).
    tie = _("Khi số phiếu tán thành và không tán thành ngang nhau: %(rule)s") % {"rule": rule.tie_rule_label.lower()}
    return passing, tie


def vote_last_day(meeting: Meeting, profile: LegalProfile) -> datetime.date:
    """D-7 [I]: the last day a vote of `meeting` counts: its date plus the profile's `vote_window_days` (calendar
    days; 0: the meeting day only)."""
    return meeting.held_on + datetime.timedelta(days=profile.vote_window_days)


def meeting_ended_on(meeting: Meeting, profile: LegalProfile, *, closed_on: datetime.date | None = None) -> datetime.date | None:
    """D-7, review finding 8: the day a meeting ended, which its minutes state: the day of its close (`closed_on`,
    default the recorded close), or the last day of the vote window when the close came after it (no vote counts
    after that day). None for a meeting not closed."""
    if closed_on is None and meeting.closed_at is not None:
        closed_on = timezone.localdate(meeting.closed_at)
    if closed_on is None:
        return None
    return min(closed_on, vote_last_day(meeting, profile))


def meeting_record(meeting: Meeting, *, profile: LegalProfile) -> MeetingRecord:
    """Build the record of a meeting fetched with `meetings_with_votes()` (no further query).

    `profile` is the proposal's legal profile: it gives the rule only of a meeting still open.
    """

    def order(people):
        return sorted(people, key=lambda p: (p.pk != meeting.chair_id, p.get_full_name(), p.pk))

    eligible = order(meeting.eligible_voters.all())
    present_ids = {p.pk for p in meeting.attendees.all()}
    present = [p for p in eligible if p.pk in present_ids]
    votes = {v.voter_id: v for v in meeting.votes.all()}
    voted = [p for p in eligible if p.pk in votes]
    record = MeetingRecord(
        meeting=meeting, eligible=eligible, present=present,
        absent=[p for p in eligible if p.pk not in present_ids],
        voted=voted, not_voted=[p for p in present if p.pk not in votes],
    )
    record.voting_rule = VotingRule.of(meeting, profile)
    record.rule, record.tie_rule = rule_text(record.voting_rule)
    if record.is_closed:
        record.ballots = [
            Ballot(person=p, choice=votes[p.pk].choice if p.pk in votes else Vote.Choice.ABSTAIN,
                   reason=votes[p.pk].reason if p.pk in votes else "", cast=p.pk in votes,
                   cast_at=timezone.localtime(votes[p.pk].cast_at) if p.pk in votes else None)
            for p in present
        ]
        record.ended_on = meeting_ended_on(meeting, profile)
        if meeting.denominator:
            share = (Decimal(meeting.votes_for * 100) / meeting.denominator).quantize(Decimal("0.1"), ROUND_HALF_UP)
            record.share = number_format(share, 1) + "%"
    return record


def attendee_candidates(*, proposal: Proposal, today: datetime.date | None = None):
    """Everyone who was head or deputy of the deciding unit at some day between receipt and today.

    The meeting may be recorded after the fact; the service checks the exact list for the meeting date.
    The plan's authors are left out: they never vote on it (`collective_on`). Returns the people (a queryset
    for the form field) and their titles, by person id.
    """
    today = today or timezone.localdate()
    positions = list(
        Position.objects.filter(
            unit_id=proposal.decision_unit_id, role__in=(Position.Role.HEAD, Position.Role.DEPUTY),
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=proposal.received_on or today))
        .exclude(person_id=proposal.proposer_id)
        .exclude(person__in=proposal.co_authors.all())
        .order_by(head_first(), "start_date")
    )
    titles = {}
    for position in positions:
        titles.setdefault(position.person_id, position.title or position.get_role_display())
    return User.objects.filter(pk__in=titles).order_by("full_name", "pk"), titles


def meeting_fold(meetings, votes) -> folding.Fold:
    """Meetings (of `meetings`, correlated to the proposal) as `meetings_with_votes()` reads them, in one value of the
    proposal's query; `votes`: their votes, correlated to the meeting. The evaluation's meetings are read alike."""
    return folding.Fold(meetings, related=("chair", "unit"), many={
        "votes": folding.Fold(votes.order_by("cast_at", "pk"), related=("voter",)),
        "eligible_voters": None,
        "attendees": None,
    })


# The panel's records, read with the proposal page's own query (`proposal_annotations`, issue 10 §5).
PAGE_FOLDS = {
    "approvals_consultations": folding.Fold(Consultation.objects.filter(proposal=OuterRef("pk")), related=("recorded_by",)),
    "approvals_meetings": meeting_fold(Meeting.objects.filter(proposal=OuterRef("pk")),
                                       Vote.objects.filter(meeting=OuterRef("pk"))),
    "approvals_decisions": folding.Fold(Decision.objects.filter(proposal=OuterRef("pk")), related=("signer",)),
}


def proposal_annotations(*, user, held) -> dict:
    return folding.annotations(PAGE_FOLDS)


def proposal_panel(situation) -> dict:
    """What `approvals/partials/panel.html` shows on the proposal page: consultations, meetings, decisions.

    It also leaves in `situation.facts` what the actions' predicates read (approvals.actions): whether the
    version under review was consulted, and the open meeting with its members and votes; and the decisions, which
    later stages read too (evaluation.selectors.parties). Queries: none on the proposal page, whose query read
    them (`PAGE_FOLDS`); else one for consultations, meetings with votes, voters and attendees, and decisions;
    none for a plan never submitted, which has none of them.
    """
    proposal = situation.proposal
    if not proposal.current_version:
        situation.facts.update(consulted=False, open_meeting=None, decisions=[])
        return {"consultations": [], "meeting_records": [], "decisions": []}
    read = folding.unfold(proposal, PAGE_FOLDS)
    consultations, meetings, decisions = read["approvals_consultations"], read["approvals_meetings"], read["approvals_decisions"]
    profile = proposal.profile if proposal.profile_id else None
    records = [meeting_record(m, profile=profile) for m in meetings] if profile else []
    open_record = next((r for r in records if r.is_open), None)
    if open_record is not None:
        open_record.user_voted = any(p.pk == situation.user.pk for p in open_record.voted)
    situation.facts["consulted"] = any(c.version == proposal.current_version for c in consultations)
    situation.facts["decisions"] = decisions
    situation.facts["open_meeting"] = open_record.meeting if open_record else None
    return {
        "consultations": consultations,
        "meeting_records": records,
        "decisions": decisions,
    }


# The written answer each status sends back to the proposal's authors (issue 12 §3).
NOTICE_KINDS = {Proposal.Status.RETURNED: Decision.Kind.RETURN, Proposal.Status.REJECTED: Decision.Kind.REJECTION}


def author_notice(situation) -> AuthorNotice | None:
    """A returned or rejected proposal's latest return letter or rejection, with its reasons, for the top of the
    page: from the decisions the panel read (`proposal_panel`), no query of its own."""
    kind = NOTICE_KINDS.get(situation.proposal.status)
    answers = [decision for decision in situation.facts.get("decisions", ()) if decision.kind == kind]
    if not answers:
        return None
    decision = answers[-1]
    return AuthorNotice(
        heading=decision.get_kind_display(), number=decision.number, issued_on=decision.issued_on,
        signer=f"{decision.signer.get_full_name()}, {decision.signer_title}", text=decision.text,
        url=reverse("approvals:decision_pdf", args=[decision.proposal_id, decision.pk]),
        items=tuple(field_label(name) for name in decision.incomplete_items),
    )
