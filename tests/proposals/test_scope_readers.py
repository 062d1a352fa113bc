"""The organisation body and the administrators read everything in their scope (issue "Celery at work", item 8)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Position
from proposals.models import Proposal
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import draft_proposal, submitted_proposal


def as_(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def provincial_secretariat(province):
    person = UserFactory(username="vanphong.ubnd")
    PositionFactory(person=person, unit=province, role=Position.Role.SECRETARIAT, start_date=datetime.date(2024, 1, 1))
    return person


def test_the_secretariat_of_a_unit_above_reads_the_submitted_proposals_below(provincial_secretariat, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    response = as_(provincial_secretariat).get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 200
    # Read-only: none of the deciding unit's actions is offered to a secretariat of another unit.
    assert "Việc bạn có thể thực hiện" not in response.content.decode()


def test_a_draft_stays_with_its_authors(provincial_secretariat, admin_user, proposer):
    draft = draft_proposal(proposer=proposer)
    for reader in (provincial_secretariat, admin_user):
        assert as_(reader).get(reverse("proposals:detail", args=[draft.pk])).status_code == 404


def test_an_administrator_reads_every_submitted_proposal(admin_user, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    assert as_(admin_user).get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200


def test_the_secretariat_of_a_sibling_unit_still_gets_404(other_unit, proposer, head):
    sibling = UserFactory(username="tccb.stc")
    PositionFactory(person=sibling, unit=other_unit, role=Position.Role.SECRETARIAT, start_date=datetime.date(2024, 1, 1))
    proposal = submitted_proposal(proposer=proposer)
    assert as_(sibling).get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404



@pytest.mark.postgres
def test_the_units_of_a_subtree_reader_are_one_parameter_of_the_scope(provincial_secretariat, proposer, head, province):
    """core.lookups.InValues: the units below a reader go to PostgreSQL as one array, not a placeholder per unit (a
    province has hundreds) that Django prepares and psycopg splits and quotes in every statement of every list."""
    proposal = submitted_proposal(proposer=proposer)
    visible = Proposal.objects.visible_to(provincial_secretariat)
    sql, params = visible.values("pk").query.sql_with_params()
    assert '"unit_id" = ANY(%s::bigint[])' in sql, sql  # the subtree's; the deciding unit's own stays IN (%s)
    units = next(param for param in params if isinstance(param, list))
    assert province.pk in units and proposal.unit_id in units
    assert list(visible) == [proposal]
