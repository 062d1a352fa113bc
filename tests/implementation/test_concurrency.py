"""Two people (or two browser tabs) doing the same thing at the same moment (style.md §2, §8).

PostgreSQL only: SQLite serialises whole transactions, so it proves nothing about row locks. Each test commits its
setup (transaction=True), then starts two threads together on a barrier (tests/approvals/test_concurrency.py).
"""

import pytest

from core.audit import verify_chain
from core.models import AuditEvent, DocumentCounter
from core.workdays import seed_year
from implementation import services
from implementation.models import Assignment, CompletionReport, Implementation
from proposals.models import Proposal, Step
from proposals.transitions import Status
from tests.approvals.test_concurrency import _one_won_one_refused, together
from tests.implementation import helpers as h
from tests.lifecycle import drive_to

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(h.NOW)]


@pytest.fixture
def approved(proposer, head, deputy, secretariat) -> Proposal:
    seed_year(2026)
    return drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)


def test_a_double_submit_of_the_report_files_one_report_with_one_number(approved, head, proposer):
    h.start(approved, head, proposer)
    h.complete(approved, proposer)
    fields = h.report_fields(approved)

    outcomes = together(
        lambda: services.report_file(proposal=approved, by=proposer, **fields),
        lambda: services.report_file(proposal=approved, by=proposer, **fields),
    )

    report = _one_won_one_refused(outcomes)
    assert list(CompletionReport.objects.values_list("number", flat=True)) == [report.number] == ["1/BC-SNV"]
    assert DocumentCounter.objects.get(unit=approved.unit, doc_type="BC").last_number == 1  # no hole in the register
    assert Step.objects.open().filter(proposal=approved, kind="evaluation").count() == 1
    assert AuditEvent.objects.for_object(approved).filter(action="report").count() == 1
    assert Proposal.objects.get(pk=approved.pk).status == Status.REPORTED
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_assigning_one_cadre_twice_at_once_makes_one_assignment(approved, head, deputy):
    outcomes = together(lambda: h.assign(approved, head, deputy), lambda: h.assign(approved, head, deputy, lead=True))

    _one_won_one_refused(outcomes)
    assert Assignment.objects.filter(proposal=approved, person=deputy).count() == 1


def test_starting_twice_at_once_starts_once(approved, head, proposer):
    h.accept(h.assign(approved, head, proposer, lead=True))

    outcomes = together(lambda: services.implementation_start(proposal=approved, by=head),
                        lambda: services.implementation_start(proposal=approved, by=head))

    _one_won_one_refused(outcomes)
    assert Implementation.objects.filter(proposal=approved).count() == 1
    assert AuditEvent.objects.for_object(approved).filter(action="start_implementation").count() == 1
