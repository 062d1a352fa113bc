"""Who sees which proposal: the one scoping rule every list, page, download and export goes through
(spec README §6; style.md §3). `Proposal.objects.visible_to(user)` applies it."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgUnit, Position, in_subtrees
from core.stages import stages

from .transitions import Status

DECIDING_ROLES = (Position.Role.HEAD, Position.Role.DEPUTY, Position.Role.SECRETARIAT)
# Read the whole subtree of their unit (issue "Celery at work", item 8: the organisation body reads everything).
SUBTREE_READERS = (Position.Role.INSPECTOR, Position.Role.SECRETARIAT)


def proposal_scope_q(user) -> Q:
    """Who sees what (spec README §6; issue "Scope").

    - authors (proposer, co-authors) see their own proposals, drafts included;
    - head, deputies and secretariat of the employing unit, or of the deciding unit (route B), see its
      proposals once submitted;
    - inspectors and the secretariat (the organisation body) read everything submitted in their unit's
      subtree, and superusers (the system's administrators) everything submitted;
    - whoever a stage admits (`Stage.scope`: the implementers assigned to a proposal, say) sees it once submitted.
    """
    today = timezone.localdate()
    held = Position.objects.held_on(today).filter(person=user)
    deciding_units = held.filter(role__in=DECIDING_ROLES).values("unit_id")
    scope = Q(proposer=user) | Q(co_authors=user)
    submitted = ~Q(status=Status.DRAFT) | Q(current_version__gt=0)
    scope |= submitted & (Q(unit_id__in=deciding_units) | Q(decision_unit_id__in=deciding_units))
    if user.is_superuser:
        return scope | submitted
    reader_paths = list(
        OrgUnit.objects.filter(pk__in=held.filter(role__in=SUBTREE_READERS).values("unit_id")).values_list("path", flat=True)
    )
    if reader_paths:
        scope |= submitted & in_subtrees(reader_paths, field="unit__path")
    for stage in stages:
        if stage.scope is not None:
            scope |= submitted & stage.scope(user)
    return scope
