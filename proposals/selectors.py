"""Reads about proposals. Every user-dependent read goes through `proposal_scope_q` (style.md §3)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import OrgUnit, Position
from core import workdays

from .models import LegalProfile, Proposal
from .transitions import AWAITING_DECISION, Status

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
    for path in inspector_paths:
        scope |= submitted & Q(unit__path__startswith=path)
    return scope


def current_profile(*, code: str = "ND73_2023", on_date: datetime.date | None = None) -> LegalProfile:
    """The newest version of the legal profile in force on `on_date`; created with the legal defaults once."""
    on_date = on_date or timezone.localdate()
    profile = (
        LegalProfile.objects.filter(code=code, effective_from__lte=on_date).order_by("-version").first()
    )
    if profile is None:
        profile, _ = LegalProfile.objects.get_or_create(
            code=code, version=1, defaults={"eligible_categories": LegalProfile.default_categories()}
        )
    return profile


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


def proposals_awaiting_decision() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status__in=AWAITING_DECISION)
