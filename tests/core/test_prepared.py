"""Heavy statements planned once per connection (core.prepared, issue 10): the navigation badge's count is a
prepared statement of the connection, stays exact after a transition on the same connection, survives a rollback and
a schema change, and the connection keeps at most DATABASE_PREPARED_MAX of them."""

import datetime

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core import badges, prepared
from core.stages import stages
from proposals.models import Proposal
from tests.lifecycle import HANOI, as_, submitted_proposal
from tests.proposals.helpers import url

NOW = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI)  # a Thursday
pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("cache_of_its_own")]


def statements() -> list[str]:
    """The SQL of the connection's prepared statements (protocol-level ones: not from SQL PREPARE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def badge_sql(person) -> str:
    """The SQL of the badge's statement compiled for `person`."""
    [compiled] = [compiled for key, compiled in badges.compiled._kept.items() if key[0] == person.pk]
    return compiled.counting[0]


def section_counts(client) -> dict[str, int]:
    """The inbox sections' counts as the page read them (the badge's statement), by key."""
    return client.get(url("inbox")).wsgi_request._badges_counted[1]


def counted_by_the_orm(person) -> dict[str, int]:
    """Each of the person's inbox sections counted by the ORM, unprepared, bounded as the badge bounds them."""
    sections = stages.inbox(user=person, today=NOW.date())
    return {section.key: min(section.rows.count(), badges.ROWS_COUNTED)
            for section in sections if not section.rows.query.is_empty()}


def test_the_badge_is_prepared_once_and_follows_a_transition(head, proposer, submitted):
    client = as_(head)
    assert section_counts(client) == counted_by_the_orm(head)
    assert statements().count(badge_sql(head)) == 1
    submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")
    with CaptureQueriesContext(connection) as queries:  # the execute wrappers still see the prepared statement
        counts = section_counts(client)
    assert counts == counted_by_the_orm(head)
    assert sum(counts.values()) == 2
    assert badge_sql(head) in [query["sql"] for query in queries.captured_queries]
    assert statements().count(badge_sql(head)) == 1  # executed again, not prepared again


def test_a_rollback_forgets_the_statements_and_the_next_page_prepares_again(head, submitted):
    client = as_(head)
    before = section_counts(client)
    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:  # a savepoint rolled back
        cursor.execute("SELECT 1 / 0")
    assert badge_sql(head) not in statements()
    assert section_counts(client) == before
    assert badge_sql(head) in statements()


def test_a_schema_change_forgets_the_statements(head, submitted):
    client = as_(head)
    before = section_counts(client)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's writes leave no trigger pending
        cursor.execute("ALTER TABLE proposals_proposal ADD COLUMN probe integer")
    assert statements() == []
    assert section_counts(client) == before


def test_the_orm_reads_the_same_rows_through_a_prepared_statement(submitted):
    def read():
        return [{field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
                for obj in Proposal.objects.filter(pk=submitted.pk)]

    with prepared.prepared():
        first, again = read(), read()
    assert first == again == read()
    assert len([sql for sql in statements() if "proposals_proposal" in sql]) == 1


def test_a_connection_keeps_at_most_the_statements_allowed(settings):
    settings.DATABASE_PREPARED_MAX = 2
    for number in range(4):
        with prepared.prepared(), connection.cursor() as cursor:
            cursor.execute("SELECT %s + 1", [number])
            assert cursor.fetchone() == (number + 1,)
    assert sorted(statements()) == ["SELECT 2 + 1", "SELECT 3 + 1"]


def test_none_is_prepared_when_turned_off(settings):
    settings.DATABASE_PREPARED_MAX = 0
    with prepared.prepared(), connection.cursor() as cursor:
        cursor.execute("SELECT %s", [1])
    assert statements() == []


def test_the_proposal_page_reads_the_proposal_through_a_prepared_statement(head, submitted):
    client = as_(head)
    pages = [client.get(url("detail", submitted.pk)) for _ in range(2)]
    assert [page.status_code for page in pages] == [200, 200]
    assert any(sql.startswith('SELECT "proposals_proposal"."id"') and "folded_" in sql for sql in statements())


def test_the_inbox_reads_its_first_pages_through_prepared_statements(head, submitted):
    client = as_(head)
    section_counts(client)
    pages = [sql for sql in statements() if sql != badge_sql(head)]
    assert pages and all('"proposals_proposal"' in sql and "LIMIT" in sql for sql in pages)


def test_sql_not_repeated_is_not_prepared():
    with prepared.prepared(repeated=False), connection.cursor() as cursor:
        cursor.execute("SELECT %s", [1])
    assert statements() == []
