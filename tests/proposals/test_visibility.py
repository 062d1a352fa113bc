"""Who sees which proposal (spec README §6): the proposer and co-authors their drafts, the deciding unit what was
submitted to it, the inspector the subtree; anything else is the same 404 as a proposal that does not exist.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import Position
from proposals.models import Proposal
from proposals.selectors import proposal_for_user
from proposals.services import proposal_update_draft
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import draft_proposal, submitted_proposal

D = datetime.date


@pytest.fixture
def scoped(friday, province, department, other_unit, proposer, head, deputy, secretariat, inspector, superior_head, outsider):
    draft = draft_proposal(proposer=proposer, title="Dự thảo chưa nộp")
    route_a = submitted_proposal(proposer=proposer, title="Trình Giám đốc Sở")
    route_b = submitted_proposal(proposer=head, title="Giám đốc Sở trình Chủ tịch tỉnh")
    return {"draft": draft, "route_a": route_a, "route_b": route_b}


def _visible(user, scoped) -> set[str]:
    names = {proposal.pk: name for name, proposal in scoped.items()}
    return {names[pk] for pk in Proposal.objects.visible_to(user).values_list("pk", flat=True)}


def test_the_proposer_sees_their_own_drafts_and_submissions(scoped, proposer):
    assert _visible(proposer, scoped) == {"draft", "route_a"}


def test_a_co_author_sees_the_draft_they_write_with(scoped, proposer, deputy2):
    proposal_update_draft(proposal=scoped["draft"], by=proposer, data={}, co_authors=[deputy2])
    assert "draft" in _visible(deputy2, scoped)


def test_head_deputy_and_secretariat_of_the_unit_see_submitted_proposals_not_drafts(scoped, head, deputy, secretariat):
    assert _visible(deputy, scoped) == {"route_a", "route_b"}
    assert _visible(secretariat, scoped) == {"route_a", "route_b"}
    assert _visible(head, scoped) == {"route_a", "route_b"}  # route_b is the head's own


def test_the_superior_head_sees_what_was_sent_up_to_them_only(scoped, superior_head):
    assert _visible(superior_head, scoped) == {"route_b"}


def test_the_provincial_inspector_sees_submissions_in_the_subtree(scoped, inspector):
    assert _visible(inspector, scoped) == {"route_a", "route_b"}


def test_an_outsider_sees_nothing_and_an_anonymous_visitor_gets_an_empty_queryset(scoped, outsider):
    assert _visible(outsider, scoped) == set()
    assert not Proposal.objects.visible_to(AnonymousUser()).exists()


def test_a_proposal_outside_the_scope_is_the_same_404_as_one_that_does_not_exist(scoped, proposer, outsider):
    route_a = scoped["route_a"]
    assert proposal_for_user(user=proposer, pk=route_a.pk) == route_a
    for user, pk in ((outsider, route_a.pk), (proposer, scoped["route_b"].pk), (proposer, 0)):
        with pytest.raises(Http404):
            proposal_for_user(user=user, pk=pk)


def test_a_former_deputy_no_longer_sees_the_unit_proposals(scoped, department):
    former = UserFactory(username="phogiamdoc-cu")
    PositionFactory(person=former, unit=department, role=Position.Role.DEPUTY, start_date=D(2020, 1, 1), end_date=D(2026, 2, 12))
    assert _visible(former, scoped) == set()
