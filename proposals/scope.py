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


def proposal_scope_q(user, held=None) -> Q:
    """Who sees what (spec README §6; issue "Scope").

    - authors (proposer, co-authors) see their own proposals, drafts included;
    - head, deputies and secretariat of the employing unit, or of the deciding unit (route B), see its
      proposals once submitted;
    - inspectors and the secretariat (the organisation body) read everything submitted in their unit's
      subtree, and superusers (the system's administrators) everything submitted;
    - whoever a stage admits (`Stage.scope`: the implementers assigned to a proposal, say) sees it once submitted.

    Written for the indexes (issue 10, item 1): every branch compares a column of the proposal with values, never
    a join, so no row comes twice and no list needs DISTINCT. The units in scope are read first and written into
    the query as values: PostgreSQL then knows from its statistics how many proposals they hold (nearly all for a
    provincial inspector, a few for a department head) and picks the index that fits, which it cannot do for a
    subquery's unknown result. Co-authorship and the stages' rules stay subqueries run once (`__any_of`,
    core.lookups): a person's own share is small whatever the estimate.

    `held`: the positions `user` holds today with their units, when the caller has them already (the navigation
    bar reads them on every page, proposals.context_processors); read here otherwise.
    """
    scope = Q(proposer=user) | Q(pk__any_of=user.coauthored_proposals.through.objects.filter(user=user).values("proposal_id"))
    submitted = ~Q(status=Status.DRAFT) | Q(current_version__gt=0)
    if user.is_superuser:
        return scope | submitted
    if held is None:
        held = Position.objects.held_on(timezone.localdate()).filter(person=user).select_related("unit")
    deciding, reader_paths = [], []
    for role, unit_id, path in ((position.role, position.unit_id, position.unit.path) for position in held):
        if role in DECIDING_ROLES:
            deciding.append(unit_id)
        if role in SUBTREE_READERS:
            reader_paths.append(path)
    if deciding:
        scope |= submitted & (Q(unit_id__in=deciding) | Q(decision_unit_id__in=deciding))
    if reader_paths:
        subtree = list(OrgUnit.objects.filter(in_subtrees(reader_paths)).values_list("pk", flat=True))
        scope |= submitted & Q(unit_id__in_values=subtree)
    for stage in stages:
        if stage.scope is not None:
            scope |= submitted & stage.scope(user)
    return scope
