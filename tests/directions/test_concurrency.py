"""Two heads' clicks, or a double click, never issue two directions for one transition (style.md §2, §8).

PostgreSQL only: SQLite serialises whole transactions, so it proves nothing about row locks. Each test commits
its setup (transaction=True), then releases two threads together on a barrier; each thread has its own database
connection and closes it at the end. The clock is not frozen: threads would not share a frozen clock.
"""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.audit import verify_chain
from core.models import AuditEvent, DocumentCounter
from directions import services
from directions.models import Direction
from proposals.models import PlanVersion, Proposal
from proposals.transitions import Status
from tests.directions.helpers import REASONS, implementing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run `calls` in threads released at the same instant; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def one_won_one_refused(outcomes):
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(won), len(refused)) == (1, 1), outcomes
    return won[0]


def qd_register(proposal) -> int:
    return DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="QĐ").last_number


@pytest.fixture
def running(proposer, head, deputy):
    return implementing(proposer=proposer, head=head, deputy=deputy)


@pytest.mark.parametrize("kind", ["suspend", "stop"])
def test_a_double_click_issues_one_direction_with_one_number(running, head, kind):
    service = {"suspend": services.direction_suspend, "stop": services.direction_stop}[kind]
    today = timezone.localdate()

    def click():
        return service(proposal=running, by=head, reasons=REASONS, effective_on=today)

    direction = one_won_one_refused(together(click, click))

    assert list(Direction.objects.values_list("number", flat=True)) == [direction.number] == ["2/QĐ-SNV"]
    # The refused attempt gave its number back: the register has no hole.
    assert qd_register(running) == 2
    assert AuditEvent.objects.filter(action=kind).count() == 1
    assert Proposal.objects.get(pk=running.pk).status == {"suspend": Status.SUSPENDED, "stop": Status.STOPPED}[kind]
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_suspension_and_a_stop_at_once_leave_one_consistent_outcome(running, head):
    """Both are allowed from IN_IMPLEMENTATION; whichever comes second sees the first one's state."""
    today = timezone.localdate()
    outcomes = together(
        lambda: services.direction_suspend(proposal=running, by=head, reasons=REASONS, effective_on=today),
        lambda: services.direction_stop(proposal=running, by=head, reasons=REASONS, effective_on=today),
    )

    kinds = list(Direction.objects.order_by("register_seq").values_list("kind", flat=True))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    # The suspension first: the stop follows it (allowed from SUSPENDED). The stop first: the suspension is refused.
    assert kinds in (["suspend", "stop"], ["stop"]), outcomes
    assert [getattr(o, "code", o) for o in refused] == ([] if len(kinds) == 2 else ["bad_transition"])
    assert Proposal.objects.get(pk=running.pk).status == Status.STOPPED
    assert qd_register(running) == 1 + len(kinds)


def test_the_same_adjustment_twice_at_once_makes_one_new_version(running, head):
    today = timezone.localdate()
    grounds = {"minutes_number": "05/BB-SNV", "meeting_held_on": today, "party_committee": "Đảng ủy Sở Nội vụ",
               "party_opinion_date": today}

    def click():
        return services.direction_adjust(
            proposal=running, by=head, reasons=REASONS, effective_on=today, plan={"end_date": running.end_date.replace(year=2027)},
            **grounds,
        )

    direction = one_won_one_refused(together(click, click))

    assert list(PlanVersion.objects.filter(proposal=running).values_list("number", flat=True)) == [1, 2]
    assert list(Direction.objects.values_list("pk", flat=True)) == [direction.pk]
    assert Proposal.objects.get(pk=running.pk).approved_version == 2
    assert AuditEvent.objects.filter(action="plan_adjust").count() == 1


LOCKED_TABLE = re.compile(r'FOR UPDATE OF "?(\w+)"?')


def test_a_direction_locks_the_proposal_first_and_nothing_it_only_reads(running, head):
    with CaptureQueriesContext(connection) as queries:
        services.direction_suspend(proposal=running, by=head, reasons=REASONS, effective_on=timezone.localdate())

    locks = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    first = LOCKED_TABLE.search(locks[0])
    assert first and first.group(1) == "proposals_proposal", locks
