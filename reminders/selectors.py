"""Reads for the daily deadline scan (spec README §4–5): the open steps due for a reminder or an escalation today,
and who must hear of each.

The scan reads only due rows, never every proposal: open steps whose stored due date falls on or before the
furthest reminder day (the partial index `step_open_due_idx`), minus the overdue ones already escalated. Who
receives is resolved for all of them at once (one query for the heads and secretariats of every unit
concerned), so the cost grows with the rows due today, not with the number of proposals.

Who receives (a contract with the stage apps that open the steps, proposals.steps):
- a step with a `person` (the lead implementer of a report): that person;
- a report step without one (the lead is an individual or an organisation outside the system, IMP-2): the lead's
  contact address, and the secretariat of the deciding unit, which records the report on their behalf;
- any other step: the head of `step.unit` on the day, and for meeting work ("review", "evaluation") its
  secretariat, which prepares the meeting;
- once overdue (the profile's `escalate_overdue`, the unit's choice, not the decree's): the head of the superior
  unit and the secretariat of `step.unit`, once per step and due date.
"""

import dataclasses
import datetime
from collections import defaultdict
from urllib.parse import urlsplit

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import Resolver404, resolve

from accounts.models import OrgUnit, Position
from accounts.selectors import unit_superior
from core import workdays
from implementation.models import Assignment
from proposals.models import LegalProfile, Proposal, Step

from .models import Reminder

REPORT_KINDS = frozenset({"completion_report", "progress_report"})
MEETING_KINDS = frozenset({"review", "evaluation"})


@dataclasses.dataclass(frozen=True)
class Recipient:
    user_id: int | None = None
    email: str = ""
    name: str = ""

    @property
    def key(self):
        return ("user", self.user_id) if self.user_id is not None else ("email", self.email.lower())


@dataclasses.dataclass(frozen=True)
class DueStep:
    """An open step as the scan reads it: its own columns and the few of its proposal and unit it needs (never
    the plan's contents)."""

    pk: int
    kind: str
    due_on: datetime.date
    unit_id: int
    person_id: int | None
    person_active: bool | None
    person_name: str
    proposal_id: int
    profile_id: int | None
    decision_unit_id: int


@dataclasses.dataclass(frozen=True)
class DueReminder:
    """One ledger row due today, before it is inserted (`Reminder`)."""

    step_id: int
    kind: str
    offset_wd: int
    due_on: datetime.date
    recipient: Recipient

    @property
    def key(self) -> tuple:
        """Its ledger key, as `LEDGER_KEY` reads it back."""
        return (self.step_id, self.kind, self.offset_wd, self.due_on, self.recipient.user_id,
                "" if self.recipient.user_id is not None else self.recipient.email)

    def as_row(self) -> Reminder:
        return Reminder(
            step_id=self.step_id, kind=self.kind, offset_wd=self.offset_wd, due_on=self.due_on,
            recipient_id=self.recipient.user_id, email=self.recipient.email, recipient_name=self.recipient.name[:255],
        )


# The columns of the ledger's unique constraints (the address only counts for a recipient without an account).
LEDGER_KEY = ("step_id", "kind", "offset_wd", "due_on", "recipient_id", "email")


def reminder_offsets() -> dict[int, tuple[int, ...]]:
    """Each legal profile's reminder offsets in working days, smallest first (a small table: one query)."""
    return {
        pk: tuple(sorted({n for n in offsets if isinstance(n, int) and n >= 0})) or (0,)
        for pk, offsets in LegalProfile.objects.values_list("pk", "reminder_offsets_wd")
    }


DUE_COLUMNS = (
    "pk", "kind", "due_on", "unit_id", "person_id", "person__is_active", "person__full_name", "proposal_id",
    "proposal__profile_id", "proposal__decision_unit_id",
)


def due_steps(*, today: datetime.date, horizon: datetime.date) -> list[DueStep]:
    """Open steps due by `horizon` (the furthest reminder day), minus the overdue ones already escalated or whose
    profile does not escalate: one query on the partial index of open steps' due dates."""
    escalated = Reminder.objects.filter(step=OuterRef("pk"), kind=Reminder.Kind.ESCALATE, due_on=OuterRef("due_on"))
    rows = (
        Step.objects.open()
        .filter(due_on__lte=horizon)
        .filter(Q(due_on__gte=today) | (Q(proposal__profile__escalate_overdue=True) & ~Exists(escalated)))
        .order_by("due_on", "pk")
        .values_list(*DUE_COLUMNS)
    )
    return [DueStep(*row) for row in rows]


class _People:
    """The heads and secretariats of some units on one day, read in one query."""

    def __init__(self, unit_ids, on_date: datetime.date):
        self.heads: dict[int, Recipient] = {}
        self.secretariats: dict[int, list[Recipient]] = defaultdict(list)
        rows = (
            Position.objects.held_on(on_date)
            .filter(unit_id__in=set(unit_ids), role__in=(Position.Role.HEAD, Position.Role.SECRETARIAT),
                    person__is_active=True)
            .order_by("unit_id", "-start_date", "pk")
            .values_list("unit_id", "role", "person_id", "person__full_name", "person__username")
        )
        for unit_id, role, person_id, full_name, username in rows:
            person = Recipient(user_id=person_id, name=full_name or username)
            if role == Position.Role.HEAD:
                self.heads.setdefault(unit_id, person)
            else:
                self.secretariats[unit_id].append(person)

    def head(self, unit_id) -> list[Recipient]:
        return [self.heads[unit_id]] if unit_id in self.heads else []

    def secretariat(self, unit_id) -> list[Recipient]:
        return list(self.secretariats.get(unit_id, ()))


def _unique(recipients) -> list[Recipient]:
    seen, unique = set(), []
    for recipient in recipients:
        if recipient.key not in seen:
            seen.add(recipient.key)
            unique.append(recipient)
    return unique


def _superiors(unit_ids, on_date: datetime.date) -> dict[int, int | None]:
    """The superior unit active on `on_date` of each unit (accounts.selectors.unit_superior), for escalations."""
    if not unit_ids:
        return {}
    units = OrgUnit.objects.select_related("parent").in_bulk(set(unit_ids))
    found = {}
    for pk, unit in units.items():
        superior = unit_superior(unit=unit, on_date=on_date)
        found[pk] = superior.pk if superior else None
    return found


def due_reminders(*, today: datetime.date) -> list[DueReminder]:
    """The ledger rows due today: the scan inserts them, and the unique constraints drop the ones that exist.

    A step due on D is reminded with offset n (of its profile) when D falls within n working days of today, the
    nearest such n only: a missed morning (beat down) is caught up with one reminder, not a burst, and the one
    already sent is a no-op in the ledger. The working day n days ahead is computed once per distinct offset.
    """
    offsets = reminder_offsets()
    every_offset = sorted({0, *(n for values in offsets.values() for n in values)})
    reach = {n: workdays.add_working_days(today, n) for n in every_offset}
    if reach[0] != today:
        # A day off (beat runs every day): a weekend would use up the "on the day" reminder of a step due on
        # Monday, and nobody is at work to act on an escalation. The next working day catches up.
        return []
    steps = due_steps(today=today, horizon=reach[every_offset[-1]])
    superiors = _superiors({step.unit_id for step in steps if step.due_on < today}, today)
    outside = _outside_leads({step.proposal_id for step in steps if step.kind in REPORT_KINDS and step.person_id is None})
    people = _People(
        {step.unit_id for step in steps} | {step.decision_unit_id for step in steps} | {pk for pk in superiors.values() if pk},
        today,
    )
    due = []
    for step in steps:
        if step.due_on < today:
            kind, offset = Reminder.Kind.ESCALATE, 0
            recipients = people.head(superiors.get(step.unit_id)) + people.secretariat(step.unit_id)
        else:
            offset = next((n for n in offsets.get(step.profile_id, (0,)) if step.due_on <= reach[n]), None)
            if offset is None:
                continue
            kind = Reminder.Kind.REMIND
            recipients = _who_acts(step, people, outside)
        due.extend(DueReminder(step.pk, kind, offset, step.due_on, recipient) for recipient in _unique(recipients))
    return due


def _who_acts(step: DueStep, people: _People, outside: dict[int, Assignment]) -> list[Recipient]:
    if step.person_id is not None:
        if not step.person_active:
            return people.head(step.unit_id)
        return [Recipient(user_id=step.person_id, name=step.person_name)]
    if step.kind in REPORT_KINDS:
        lead = outside.get(step.proposal_id)
        if lead is not None:
            contact = [Recipient(email=lead.email, name=lead.contact_person or lead.name)] if lead.email else []
            return contact + people.secretariat(step.decision_unit_id)
    if step.kind in MEETING_KINDS:
        return people.head(step.unit_id) + people.secretariat(step.unit_id)
    return people.head(step.unit_id)


def _outside_leads(proposal_ids) -> dict[int, Assignment]:
    """The lead implementer outside the system (an individual or an organisation) of each proposal, if any."""
    if not proposal_ids:
        return {}
    leads = (
        Assignment.objects.filter(proposal_id__in=proposal_ids, is_lead=True, person__isnull=True)
        .exclude(answer=Assignment.Answer.REFUSED)
        .only("proposal_id", "name", "contact_person", "email")
    )
    return {lead.proposal_id: lead for lead in leads}


# --- What e-mails show of a link ---------------------------------------------------------------------------------


def proposal_links(paths: list[str]) -> dict[str, dict]:
    """The code and title of the proposal each path belongs to (core.mail's link describer): one query."""
    wanted: dict[str, int] = {}
    for path in paths:
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        if match.namespace == "proposals" and "pk" in match.kwargs:
            wanted[path] = match.kwargs["pk"]
    if not wanted:
        return {}
    found = {pk: (code, title) for pk, code, title in
             Proposal.objects.filter(pk__in=set(wanted.values())).values_list("pk", "code", "title")}
    return {
        path: {"code": found[pk][0] or "", "title": found[pk][1]} for path, pk in wanted.items() if pk in found
    }


def overdue_step_counts(*, today: datetime.date) -> dict[str, int]:
    """Open steps past their due date, by kind (the /metrics gauge, reminders.metrics): one aggregate over the
    partial index `step_open_due_idx`."""
    rows = Step.objects.open().filter(due_on__lt=today).values_list("kind").annotate(n=Count("pk")).order_by()
    return dict(rows)
