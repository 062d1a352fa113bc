"""Two handlers (or two tabs) at the same moment (style.md §2, §8). PostgreSQL only: SQLite serialises whole
transactions, so it proves nothing about row locks. Each test commits its setup (transaction=True), then starts
two threads together on a barrier; each thread has its own connection and closes it at the end."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.audit import verify_chain
from core.models import AuditEvent
from incidents import services
from incidents.models import Incident, IncidentStep, RegisterEntry
from tests.lifecycle import submitted_proposal

from .helpers import NOW, REASON, TODAY, report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(NOW)]


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


def _one_won_one_refused(outcomes):
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(won), len(refused)) == (1, 1), outcomes
    return won[0]


def test_a_report_sent_twice_at_once_is_recorded_once(proposer, deputy, head, department):
    """The most important create: a double click on "Gửi phản ánh" (one form, one token) makes one report."""
    token = uuid.uuid4()

    def send():
        return report(by=proposer, unit=department, reported_people=[deputy], token=token)

    outcomes = together(send, send)

    winner = _one_won_one_refused(outcomes)
    assert list(Incident.objects.values_list("pk", flat=True)) == [winner.pk]
    assert AuditEvent.objects.filter(action="incident_report").count() == 1
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_two_handlers_closing_at_once_record_one_outcome(proposer, deputy, head, inspector, dept_inspector):
    proposal = submitted_proposal(proposer=proposer)
    incident = report(by=proposer, proposal=proposal, reported_people=[deputy])
    services.incident_take_up(incident=incident, by=inspector)

    outcomes = together(
        lambda: services.incident_close(incident=incident, by=inspector, outcome="reminder", reason=REASON, outcome_on=TODAY),
        lambda: services.incident_close(incident=incident, by=dept_inspector, outcome="discipline", reason=REASON,
                                        outcome_on=TODAY),
    )

    winner = _one_won_one_refused(outcomes)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.status, stored.outcome, stored.closed_by) == ("closed", winner.outcome, winner.closed_by)
    assert AuditEvent.objects.filter(action="incident_close").count() == 1
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_two_handlers_taking_up_at_once_take_it_up_once(proposer, deputy, head, inspector, dept_inspector):
    proposal = submitted_proposal(proposer=proposer)
    incident = report(by=proposer, proposal=proposal, reported_people=[deputy])

    outcomes = together(
        lambda: services.incident_take_up(incident=incident, by=inspector),
        lambda: services.incident_step_record(incident=incident, by=dept_inspector, happened_on=TODAY, note="Xác minh"),
    )

    # Whichever goes first, the report is taken up once and the step is recorded once: the step takes it up
    # itself when it comes first (then the take-up is refused), or follows it.
    taken, stepped = outcomes
    assert isinstance(stepped, IncidentStep), outcomes
    assert isinstance(taken, Incident | ValidationError), outcomes
    assert AuditEvent.objects.filter(action="incident_take_up").count() == 1
    assert Incident.objects.get(pk=incident.pk).status == "handling"
    assert IncidentStep.objects.count() == 1


def test_two_answers_to_one_recommendation_record_one(head, department, province, superior_head):
    entry = services.register_entry_create(by=head, kind="bottleneck", unit=department, title="Kiến nghị",
                                           content="Nội dung kiến nghị")
    services.register_entry_forward(entry=entry, by=head, forwarded_to=province, forwarded_on=TODAY)

    outcomes = together(
        lambda: services.register_entry_decide(entry=entry, by=superior_head, accepted=True, response="Tiếp thu",
                                               decided_on=TODAY),
        lambda: services.register_entry_decide(entry=entry, by=superior_head, accepted=False, response="Không tiếp thu",
                                               decided_on=TODAY),
    )

    winner = _one_won_one_refused(outcomes)
    assert RegisterEntry.objects.get(pk=entry.pk).status == winner.status
    assert AuditEvent.objects.filter(action="register_decide").count() == 1
