"""Two `seed_demo` runs at once (two terminals, `make run` twice) create each demo proposal once: the seeder locks
the province's row before it checks a title, so the second run finds the first one's proposal.

PostgreSQL only: SQLite serialises whole transactions, so it proves nothing about row locks. The test commits its
setup (transaction=True), then starts two threads together on a barrier; each thread has its own connection.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.demo import seed_demo
from demo.lifecycle import PROPOSALS, seed_proposal
from proposals.models import Proposal
from proposals.transitions import Status

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
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED])
def test_two_seeders_at_once_create_the_demo_proposal_once(status):
    seed_demo()
    spec = next(spec for spec in PROPOSALS if spec.status == status)
    today = timezone.localdate()

    outcomes = together(lambda: seed_proposal(spec, today), lambda: seed_proposal(spec, today))

    assert sorted(outcomes) == [False, True], outcomes
    assert Proposal.objects.filter(title=spec.title).count() == 1
    assert Proposal.objects.get(title=spec.title).status == status
