"""Two clicks at the same moment (style.md §8): PostgreSQL only, each thread with its own connection.

Publishing locks the proposal row and the partial unique constraint allows one live summary per proposal: a
double click publishes once; a double withdrawal withdraws once.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.audit import verify_chain
from core.models import AuditEvent
from publication import services
from publication.models import Publication
from tests.publication.helpers import SUMMARY, approve

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
    return won[0], refused[0]


def test_a_double_click_publishes_once(proposer, head, deputy):
    proposal = approve(proposer=proposer, head=head, deputy=deputy)

    def click():
        return services.publication_publish(proposal=proposal, by=head, title=proposal.title, summary=SUMMARY,
                                            confirmed=True)

    won, refused = one_won_one_refused(together(click, click))

    assert refused.code == "duplicate"
    assert list(Publication.objects.values_list("pk", flat=True)) == [won.pk]
    assert AuditEvent.objects.for_object(proposal).filter(action="publication_publish").count() == 1
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_double_withdrawal_withdraws_once(proposer, head, deputy):
    proposal = approve(proposer=proposer, head=head, deputy=deputy)
    services.publication_publish(proposal=proposal, by=head, title=proposal.title, summary=SUMMARY, confirmed=True)

    def click():
        return services.publication_withdraw(proposal=proposal, by=head, reason="Gỡ để rà soát.")

    _won, refused = one_won_one_refused(together(click, click))

    assert refused.code == "not_published"
    assert AuditEvent.objects.for_object(proposal).filter(action="publication_withdraw").count() == 1
