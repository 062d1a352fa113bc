"""The two POSTs of a new plan, create and submit, read and write a fixed number of queries (issue 10: create+submit
through the forms at least twice as fast as a general-purpose peer), whatever the number of co-authors and files,
with what runs once they commit (the notifications) counted too.

Personas from tests/conftest.py: `proposer` (staff of Sở Nội vụ), `head` and `secretariat` of that department, who
are notified of the submission; `deputy` and `deputy2` are the co-authors.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals import services
from proposals.models import Proposal
from proposals.transitions import Status
from tests.lifecycle import PDF_BYTES, as_, complete_plan, position_of
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)

# Under test the session is read from the database and each service's transaction is a savepoint (two queries).
# Create: the session and the user; the legal profile and the eligible positions (the one posted among them); the
# service's profile; the insert; the audit event (the chain head locked, the event, the head moved). The co-authors
# posted are checked and added: two more.
CREATE_QUERIES = 11
# Submit: the session and the user; the proposer's own proposal and its co-authors; the locked proposal with its
# unit and position, the profile, the unit's head and whether they co-author it, the calendar; the version, its
# files, its document, the proposal; the audit event and the webhooks' subscriptions; the review step closed and
# opened (a savepoint); the secretariat; on commit, the notifications and who wants a digest. The co-authors posted
# are checked: one more.
SUBMIT_QUERIES = 26


def _created(client, data) -> int:
    response = client.post(url("create"), data)
    assert response.status_code == 302, response.content[:500]
    return int(re.search(r"/(\d+)/", response["Location"]).group(1))


@pytest.mark.parametrize("co_authors", [0, 2])
def test_create_then_submit_read_a_fixed_number_of_queries(
    proposer, head, secretariat, deputy, deputy2, co_authors, django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    client = as_(proposer)
    data = form_data(complete_plan(), position=str(position_of(proposer).pk),
                     co_authors=[str(person.pk) for person in (deputy, deputy2)[:co_authors]])
    _created(client, data)  # the first request of a client reads what later ones find cached
    with django_assert_num_queries(CREATE_QUERIES + (co_authors > 0) * 2):  # the co-authors posted, then added
        pk = _created(client, data)
    proposal = Proposal.objects.get(pk=pk)
    for n in range(co_authors):
        services.attachment_add(proposal=proposal, by=proposer, description=f"Tệp {n}", uploaded_file=SimpleUploadedFile(
            f"Tệp {n}.pdf", PDF_BYTES, content_type="application/pdf"))
    with django_assert_num_queries(SUBMIT_QUERIES + (co_authors > 0)), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("submit", pk), data)
    assert response.status_code == 302 and response["Location"] == url("detail", pk)
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED and proposal.co_authors.count() == co_authors
