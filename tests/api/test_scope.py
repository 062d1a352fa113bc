"""The API never shows what the browser hides (issue 13, rules): the personas of the browser's scope tests
(tests/proposals/test_visibility.py, test_access.py) get, on every read URL of the API, the answer the proposal page
gives them: 200 where the page opens, the same 404 where it does not.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội (`friday`)."""

import pytest

from api.models import ApiToken
from approvals.models import Meeting
from proposals.transitions import Status
from tests.api.conftest import bearer
from tests.api.helpers import api, assert_problem
from tests.lifecycle import as_, draft_proposal, drive_to, submitted_proposal
from tests.proposals.helpers import url

PERSONAS = ["proposer", "head", "deputy", "secretariat", "inspector", "superior_head", "outsider", "admin_user"]
READS = ["proposal_detail", "version_list", "timeline", "document_list", "action_list"]


@pytest.fixture
def scoped(friday, province, department, other_unit, proposer, head, deputy, secretariat, inspector, superior_head,
           outsider, admin_user):
    return {
        "draft": draft_proposal(proposer=proposer, title="Dự thảo chưa nộp"),
        "route_a": submitted_proposal(proposer=proposer, title="Trình Giám đốc Sở"),
        "route_b": submitted_proposal(proposer=head, title="Giám đốc Sở trình Chủ tịch tỉnh"),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_read_answers_as_the_proposal_page_does(request, scoped, persona):
    person = request.getfixturevalue(persona)
    page, client = as_(person), bearer(person, ApiToken.Scope.READ)
    listed = {row["id"] for row in client.get(api("proposal_list")).json()["results"]}
    for name, proposal in scoped.items():
        browser = page.get(url("detail", proposal.pk)).status_code
        assert browser in (200, 404)
        assert (proposal.pk in listed) == (browser == 200), (persona, name)
        for read in READS:
            response = client.get(api(read, proposal.pk))
            assert response.status_code == browser, (persona, name, read)
            if browser == 404:
                assert_problem(response, 404)
        if browser == 404:  # a document outside the scope is the same 404, whatever its number
            assert_problem(client.get(api("document_download", proposal.pk, 1)), 404)


def test_a_proposal_that_does_not_exist_is_the_same_404(scoped, outsider):
    client = bearer(outsider, ApiToken.Scope.READ)
    missing = client.get(api("proposal_detail", 10**9)).json()
    hidden = client.get(api("proposal_detail", scoped["route_a"].pk)).json()
    assert missing == hidden


def test_a_record_of_another_proposal_is_404_as_in_the_browser(proposer, head, deputy, deputy2, secretariat):
    voting = drive_to(Status.IN_REVIEW, proposer=proposer, head=head, deputy=deputy)
    other = submitted_proposal(proposer=proposer, title="Đề xuất khác")
    meeting = Meeting.objects.get(proposal=voting)
    response = bearer(head).post(api("action_run_on", other.pk, "approvals.vote_cast", meeting.pk),
                                 {"choice": "for"}, content_type="application/json")
    assert_problem(response, 404)
