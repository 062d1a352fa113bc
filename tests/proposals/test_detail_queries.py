"""The proposal page costs a fixed number of queries at every stage, whatever the number of versions, files,
votes, implementers and timeline rows (issue 10, item 5).

The counts are those of production: the session is read from the cache (`cached_db` with Redis,
config.settings.cache_and_sessions; here the test's cache, warmed by the sign-in), so it costs no query. Every
count includes the user, the person's positions (the navigation bar's, also used for the scope and to judge the
stages' actions) and the page's own reads: the proposal (with the unread notifications, whether any incident
visible to the person, direction or publication about it exists, and the records of the deciding, implementation
and evaluation stages, its co-authors, versions and timeline, as annotations), the files.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from approvals.models import Vote
from evaluation import services as evaluation
from evaluation.models import Measure
from proposals import selectors, services
from proposals.transitions import Status
from tests.evaluation.helpers import NOW as EVALUATED_AT
from tests.evaluation.helpers import evaluated, reported
from tests.implementation.helpers import NOW as IMPLEMENTING_AT
from tests.implementation.helpers import assign, start
from tests.lifecycle import PDF_BYTES, as_, draft_proposal, drive_to, fresh, meeting_with_votes, submitted_proposal
from tests.proposals.helpers import url

# The user, the person's positions, the proposal (with the navigation's badges, the next due date, its co-authors,
# versions and audit events), the files. The inbox sections that the navigation's badge of pending tasks counts (issue
# 12 §1) read the incidents stage's handler paths from the person's positions, not with a query of their own.
BASE = 4
# The stages' records ride along with the proposal's query (core.folding): consultations, meetings with votes,
# eligible voters and attendees, decisions; resources, assignments, the run, targets with their progress, the
# completion report; the evaluation's consultation, meetings, conclusion, protection and encouragement records.
# The forms' choices are the rows a panel read (the targets, the outside implementers awaiting an answer).
REVIEW = IMPLEMENTING = EVALUATED = BASE


@pytest.fixture(autouse=True)
def _sessions_cached(settings):
    """As in production with Redis: the session is read from the cache, which signing in filled."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def page_queries(person, proposal) -> int:
    client = as_(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("detail", proposal.pk))
    assert response.status_code == 200
    assert not any("django_session" in query["sql"] for query in queries), "the session was not read from the cache"
    return len(queries)


def attach(proposal, proposer, count: int) -> None:
    for number in range(count):
        upload = SimpleUploadedFile(f"Phụ lục {number}.pdf", PDF_BYTES, content_type="application/pdf")
        services.attachment_add(proposal=proposal, by=proposer, uploaded_file=upload)


@pytest.mark.frozen_at(IMPLEMENTING_AT)
@pytest.mark.parametrize("files", [0, 3])
def test_a_draft_costs_its_proposer_the_base_whatever_its_files_and_timeline(proposer, leaders, files):
    draft = draft_proposal(proposer=proposer)
    attach(draft, proposer, files)

    assert page_queries(proposer, draft) == BASE


@pytest.mark.frozen_at(IMPLEMENTING_AT)
@pytest.mark.parametrize("voters", [2, 3])
def test_a_review_costs_the_head_and_the_proposer_the_same_whatever_the_votes(proposer, leaders, voters):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    votes = dict.fromkeys([head, deputy, deputy2][:voters], Vote.Choice.FOR)
    meeting_with_votes(proposal=proposal, by=head, votes=votes)

    assert page_queries(head, fresh(proposal)) == REVIEW
    assert page_queries(proposer, fresh(proposal)) == REVIEW


@pytest.mark.frozen_at(IMPLEMENTING_AT)
@pytest.mark.parametrize("organisations", [1, 3])
def test_implementation_costs_the_same_whatever_the_implementers(proposer, leaders, organisations):
    head, deputy, _deputy2 = leaders
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    for number in range(organisations):
        assign(proposal, head, name=f"Công ty {number}")
    start(proposal, head, proposer)

    # The head's two forms with choices (the outside implementers' answers) and the lead's one (the targets) show
    # rows the panel read.
    assert page_queries(head, fresh(proposal)) == IMPLEMENTING
    assert page_queries(proposer, fresh(proposal)) == IMPLEMENTING


@pytest.mark.frozen_at(EVALUATED_AT)
def test_an_evaluated_and_protected_proposal_costs_a_fixed_number(proposer, leaders):
    head, deputy, _deputy2 = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    evaluated(proposal, head, deputy)
    evaluation.protection_record(proposal=fresh(proposal), by=head, party=f"user:{proposer.pk}",
                                 measure=Measure.NO_LIABILITY, addressee="Hội đồng kỷ luật tỉnh Quảng Ninh")

    assert page_queries(head, fresh(proposal)) == EVALUATED


@pytest.mark.frozen_at(IMPLEMENTING_AT)
@pytest.mark.parametrize("resubmissions", [0, 2])
def test_co_authors_and_versions_ride_along_in_their_order_whatever_their_number(proposer, leaders, resubmissions):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy2, deputy])
    for _ in range(resubmissions):
        approvals.proposal_return(proposal=fresh(proposal), by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.",
                                  incomplete_items=["scope"])
        services.proposal_revise(proposal=fresh(proposal), by=proposer)
        services.proposal_submit(proposal=fresh(proposal), by=proposer)

    # + the working-day calendar: the review deadline runs, and its badge tells whether it is due soon.
    assert page_queries(proposer, fresh(proposal)) == BASE + 1
    page = as_(proposer).get(url("detail", proposal.pk)).context
    assert [person.pk for person in page["co_authors"]] == [
        person.pk for person in sorted([deputy, deputy2], key=lambda person: (person.full_name, person.pk))]
    assert [version.number for version in page["plan_versions"]] == list(range(1, resubmissions + 2))
    assert page["plan"].number == resubmissions + 1  # the version last submitted, as the head reads it too
    # The timeline from the events the page's query carried is the one read on its own (the API's, the dossier's).
    read = selectors.proposal_timeline(fresh(proposal))
    assert page["timeline"] == read and len(read) == 2 + 3 * resubmissions
    assert [(row["event"].occurred_at, row["event"].unit, row["event"].payload) for row in page["timeline"]] == [
        (row["event"].occurred_at, row["event"].unit, row["event"].payload) for row in read]
