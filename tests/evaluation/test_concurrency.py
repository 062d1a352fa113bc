"""Two clicks (or two tabs) at the same moment never make two conclusions, two meetings or two records for the same
party (style.md §2, §8): constraints and row locks.

PostgreSQL only: SQLite serialises whole transactions, so it proves nothing about row locks. Each test commits
its setup (transaction=True), then starts two threads together on a barrier; each thread has its own connection.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.audit import verify_chain
from core.models import AuditEvent, DocumentCounter
from evaluation import services
from evaluation.models import (
    Conclusion,
    EncouragementForm,
    EncouragementRecord,
    EvaluationMeeting,
    Measure,
    ProtectionRecord,
)
from proposals.models import Proposal
from proposals.transitions import Status
from tests.evaluation.helpers import FOR, NOW, conclusion_fields, consult, evaluated, held, open_meeting, reported

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


def one_won_one_refused(outcomes):
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(won), len(refused)) == (1, 1), outcomes
    return won[0]


def test_two_conclusions_at_once_issue_one_with_one_number(proposer, leaders):
    head, deputy, _ = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    held(proposal, head, {head: FOR, deputy: FOR})

    outcomes = together(
        lambda: services.conclusion_issue(proposal=proposal, by=head, **conclusion_fields()),
        lambda: services.conclusion_issue(proposal=proposal, by=head, **conclusion_fields()),
    )

    conclusion = one_won_one_refused(outcomes)
    assert list(Conclusion.objects.values_list("number", flat=True)) == [conclusion.number] == ["1/KL-SNV"]
    # The refused attempt gave its number back: the KL register has no hole.
    assert DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="KL").last_number == 1
    assert Proposal.objects.get(pk=proposal.pk).status == Status.EVALUATED
    assert AuditEvent.objects.filter(action="conclude").count() == 1
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_two_evaluation_meetings_opened_at_once_make_one(proposer, leaders, secretariat):
    head, deputy, _ = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    consult(proposal, head)

    outcomes = together(
        lambda: open_meeting(proposal, head, [head, deputy]),
        lambda: open_meeting(proposal, secretariat, [head]),
    )

    meeting = one_won_one_refused(outcomes)
    assert list(EvaluationMeeting.objects.values_list("pk", flat=True)) == [meeting.pk]
    assert AuditEvent.objects.filter(action="open_evaluation").count() == 1


def test_two_protection_letters_for_one_party_at_once_make_one(proposer, leaders):
    head, deputy, _ = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    evaluated(proposal, head, deputy)
    party = f"user:{proposer.pk}"

    def protect():
        return services.protection_record(proposal=proposal, by=head, party=party, measure=Measure.NO_LIABILITY,
                                          addressee="Hội đồng kỷ luật tỉnh")

    one_won_one_refused(together(protect, protect))
    assert ProtectionRecord.objects.filter(party=party).count() == 1
    assert DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="CV").last_number == 1


def test_two_encouragements_of_one_form_for_one_party_at_once_make_one(proposer, leaders):
    head, deputy, _ = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    evaluated(proposal, head, deputy)

    def commend():
        return services.encouragement_record(proposal=proposal, by=head, party=f"user:{proposer.pk}",
                                             form=EncouragementForm.COMMENDATION)

    one_won_one_refused(together(commend, commend))
    assert EncouragementRecord.objects.count() == 1
