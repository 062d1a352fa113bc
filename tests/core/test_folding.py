"""A stage's records folded into the proposal's query (core.folding) load as the ORM loads them: every column
(dates, times with their zone, JSON, a null key), the foreign keys and the prefetched relations in the
queryset's order, and nothing more is read (issue 10 §5)."""

import pytest
from django.db.models import JSONField, Model, Subquery

from accounts.models import OrgUnit
from approvals.models import Meeting
from approvals.selectors import PAGE_FOLDS as APPROVALS
from core import folding
from core.workdays import seed_year
from implementation import services
from implementation.models import CompletionReport, Target
from implementation.selectors import PAGE_FOLDS as IMPLEMENTATION
from proposals.models import Proposal
from proposals.transitions import Status
from tests.implementation.helpers import NOW, assign, complete, file_report, start, targets
from tests.lifecycle import drive_to

pytestmark = pytest.mark.frozen_at(NOW)
FOLDS = {**APPROVALS, **IMPLEMENTATION}


def columns(obj: Model) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.fixture
def proposal(proposer, leaders):
    """Decided by a meeting, with funds, an outside organisation (no person) and the proposer implementing it, progress
    on a target, and the completion report filed; read with the folds as the proposal page reads it."""
    seed_year(NOW.year)
    head, deputy, _deputy2 = leaders
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    services.resource_record(proposal=proposal, by=head, kind="funds", description="Kinh phí", amount=480_000_000,
                              budget_source="Ngân sách tỉnh")
    assign(proposal, head)
    start(proposal, head, proposer)
    services.progress_record(proposal=proposal, by=proposer, target=targets(proposal)[0], status="done", note="Xong")
    complete(proposal, head)
    file_report(proposal, proposer)
    return Proposal.objects.annotate(**folding.annotations(FOLDS)).get(pk=proposal.pk)


def test_every_folded_record_has_the_columns_the_orm_reads(proposal, django_assert_num_queries):
    with django_assert_num_queries(0):
        read = folding.unfold(proposal, FOLDS)
    stored = {name: fold.model.objects.filter(proposal=proposal).order_by("pk") for name, fold in FOLDS.items()}
    assert {name: sorted(map(columns, rows), key=lambda c: c["id"]) for name, rows in read.items()} == {
        name: list(map(columns, rows)) for name, rows in stored.items()
    }
    assert all(read.values())
    assert any(assignment.person is None for assignment in read["implementation_assignments"])


def test_foreign_keys_and_relations_are_loaded_in_the_querysets_order(proposal, django_assert_num_queries):
    with django_assert_num_queries(0):
        read = folding.unfold(proposal, FOLDS)
        [meeting] = read["approvals_meetings"]
        votes = [(vote.voter.get_full_name(), vote.cast_at) for vote in meeting.votes.all()]
        eligible = {person.pk for person in meeting.eligible_voters.all()}
        attendees = {person.pk for person in meeting.attendees.all()}
        targets = [(target.pk, [columns(entry) for entry in target.entries.all()]) for target in read["implementation_targets"]]
        [report] = read["implementation_reports"]
        results = [columns(result) for result in report.results.all()]
        chair = meeting.chair.get_full_name()
    stored = Meeting.objects.get(pk=meeting.pk)
    assert chair == stored.chair.get_full_name()
    assert votes == [(vote.voter.get_full_name(), vote.cast_at) for vote in stored.votes.order_by("cast_at")]
    assert (eligible, attendees) == ({p.pk for p in stored.eligible_voters.all()}, {p.pk for p in stored.attendees.all()})
    assert targets == [(target.pk, [columns(entry) for entry in target.entries.all()])
                       for target in Target.objects.filter(proposal=proposal, retired_at__isnull=True)]
    assert results == [columns(result) for result in CompletionReport.objects.get(pk=report.pk).results.all()]


def test_times_come_back_with_their_zone(proposal):
    [meeting] = folding.unfold(proposal, APPROVALS)["approvals_meetings"]
    assert meeting.opened_at.tzinfo is not None and meeting.opened_at == Meeting.objects.get(pk=meeting.pk).opened_at


def test_a_record_read_without_the_annotations_costs_one_query_for_all_folds(proposal, django_assert_num_queries):
    plain = Proposal.objects.get(pk=proposal.pk)
    with django_assert_num_queries(1):
        read = folding.unfold(plain, FOLDS)
    assert {name: [columns(obj) for obj in rows] for name, rows in read.items()} == {
        name: [columns(obj) for obj in rows] for name, rows in folding.unfold(proposal, FOLDS).items()
    }


def test_folds_are_compiled_once_and_read_the_same_afterwards(proposal, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(folding._Compiled, "_sql", {})  # compiled by no earlier test
    built = []
    rows = folding.Fold.rows
    monkeypatch.setattr(folding.Fold, "rows", lambda fold: built.append(fold) or rows(fold))
    first = Proposal.objects.annotate(**folding.annotations(FOLDS)).get(pk=proposal.pk)
    compiled = len(built)
    again = Proposal.objects.annotate(**folding.annotations(FOLDS)).get(pk=proposal.pk)
    assert compiled >= len(FOLDS) and len(built) == compiled
    with django_assert_num_queries(0):
        assert {name: [columns(obj) for obj in rows] for name, rows in folding.unfold(again, FOLDS).items()} == {
            name: [columns(obj) for obj in rows] for name, rows in folding.unfold(first, FOLDS).items()
        }


def test_a_fold_inside_a_subquery_correlates_to_the_subquerys_own_alias(proposal):
    """The compiled SQL names the outer table's alias: read inside a subquery, where the proposal's table is aliased
    (U0) and the outermost table is another, it is compiled for that alias and reads what a plain read reads."""
    fold = {"implementation_targets": IMPLEMENTATION["implementation_targets"]}
    Proposal.objects.annotate(**folding.annotations(fold)).get(pk=proposal.pk)  # compiled for the unaliased table
    inner = Proposal.objects.filter(pk=proposal.pk).annotate(**folding.annotations(fold))
    unit = OrgUnit.objects.annotate(
        folded_implementation_targets=Subquery(inner.values("folded_implementation_targets"), output_field=JSONField()),
    ).get(pk=proposal.unit_id)
    assert [target.pk for target in folding.unfold(unit, fold)["implementation_targets"]] == [
        target.pk for target in folding.unfold(proposal, fold)["implementation_targets"]
    ] != []
