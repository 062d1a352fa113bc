"""The OpenAPI document against the running application (issue 13, acceptance): schemathesis generates requests for
every operation from /api/v1/schema/ and sends them to the WSGI app with a seeded database and a head's token that
may act. No answer may be a server error or differ from the document (status, content type, body, headers).

Bounded: a few examples per operation, so that it runs in well under 90 s; the number of requests is printed."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from api.models import ApiToken
from api.services import token_create
from config.wsgi import application
from proposals.transitions import Status
from tests.lifecycle import drive_to, submitted_proposal

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def wsgi_in_the_test_transaction():
    """The WSGI app as the test client runs it: without closing the database connection at the end of each request,
    which would end the test's transaction (django.test.client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(proposer, head, deputy, deputy2, secretariat, outsider):
    """Proposals in several states for the head's scope: one to approve, one voting, one submitted."""
    return head, [
        drive_to(Status.COLLECTIVE_PASSED, proposer=proposer, head=head, deputy=deputy).pk,
        drive_to(Status.IN_REVIEW, proposer=proposer, head=head, deputy=deputy).pk,
        submitted_proposal(proposer=proposer, title="Số hóa hồ sơ một cửa").pk,
    ]


def test_every_answer_matches_the_openapi_document(seeded, wsgi_in_the_test_transaction, monkeypatch):
    from api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "1000000/min"})  # tested in test_problems.py
    head, proposals = seeded
    _token, secret = token_create(owner=head, by=head, name="schemathesis", scope=ApiToken.Scope.ACT)
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_in_the_test_transaction, headers=headers)
    sent = []
    # Generated bodies are arbitrary: accepting or refusing one is the form's business, not the document's, and the
    # token is the whole point (ignored_auth flags that an operation works without credentials it got).
    excluded = [positive_data_acceptance, ignored_auth]
    for result in schema.get_all_operations():
        operation = result.ok()

        # Most generated ids name no proposal: half the examples get a seeded one, so that the answers with data
        # (and the forms of real actions) are checked too.
        @given(case=operation.as_strategy(), seeded_id=st.sampled_from([None, *proposals]))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case, seeded_id):
            if seeded_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = seeded_id
            response = case.call_and_validate(headers=headers, excluded_checks=excluded)
            sent.append((case.operation.label, response.status_code))

        check()
    statuses = Counter(status for _label, status in sent)
    print(f"\nschemathesis: {len(sent)} requests over {len({label for label, _s in sent})} operations, 0 failures; "
          f"answers by status: {dict(sorted(statuses.items()))}")
    assert {label for label, status in sent if status == 200} >= {
        "GET /api/v1/proposals/{id}/", "GET /api/v1/proposals/{id}/timeline/", "GET /api/v1/proposals/{id}/actions/"}
