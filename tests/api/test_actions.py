"""Actions through the API: exactly the declarations the proposal page offers (core.actions), each through its
service; the token that acted is named in the audit event.

Personas: tests/conftest.py (the department's head and deputies vote; `outsider` is in another department)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import ApiToken
from approvals.models import Consultation, Meeting, Vote
from core.actions import Situation
from proposals.actions import stage_sections
from proposals.transitions import Status
from tests.api.conftest import bearer
from tests.api.helpers import api, assert_problem
from tests.lifecycle import APPROVAL_TEXT, PDF_BYTES, as_, audit_events, drive_to, fresh

APPROVE = "approvals.decision_approve"


@pytest.fixture
def passed(proposer, head, deputy, deputy2, secretariat):
    return drive_to(Status.COLLECTIVE_PASSED, proposer=proposer, head=head, deputy=deputy)


def _keys(response) -> set[str]:
    return {action["key"] for action in response.json()["actions"]}


def test_the_actions_listed_are_those_the_page_offers(passed, head, deputy):
    for person in (head, deputy):
        sections = stage_sections(Situation(proposal=passed, user=person))
        page = {f"{offer.action.stage}.{offer.action.name}" for section in sections for offer in section.offers}
        assert (APPROVE in page) == (person == head)
        assert _keys(bearer(person, "read").get(api("action_list", passed.pk))) == page
    listed = bearer(head, "read", name="khác").get(api("action_list", passed.pk)).json()["actions"]
    approve = next(action for action in listed if action["key"] == APPROVE)
    assert {field["name"] for field in approve["fields"]} == {"text", "competence_confirmed"}
    assert approve["url"].endswith(api("action_run", passed.pk, APPROVE))


def test_the_head_approves_through_the_service_and_the_token_is_in_the_audit_event(passed, head):
    response = bearer(head, name="Hệ thống một cửa").post(
        api("action_run", passed.pk, APPROVE), {"text": APPROVAL_TEXT, "competence_confirmed": True},
        content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.APPROVED == fresh(passed).status
    event = audit_events("approve")[-1]
    assert event.payload["via"] == "api" and event.payload["token"] == "Hệ thống một cửa"
    assert event.actor == head


def test_the_form_refuses_a_body_by_field(passed, head):
    body = assert_problem(bearer(head).post(api("action_run", passed.pk, APPROVE), {"text": ""},
                                            content_type="application/json"), 400)
    assert set(body["errors"]) == {"text", "competence_confirmed"}
    assert fresh(passed).status == Status.COLLECTIVE_PASSED


def test_a_read_token_cannot_act(passed, head):
    response = bearer(head, ApiToken.Scope.READ).post(
        api("action_run", passed.pk, APPROVE), {"text": APPROVAL_TEXT, "competence_confirmed": True},
        content_type="application/json")
    assert_problem(response, 403)
    assert fresh(passed).status == Status.COLLECTIVE_PASSED


def test_a_deputy_is_refused_what_only_the_head_may_do(passed, deputy):
    assert_problem(bearer(deputy).post(api("action_run", passed.pk, APPROVE), {"text": APPROVAL_TEXT,
                   "competence_confirmed": True}, content_type="application/json"), 403)


def test_an_outsider_gets_404_as_in_the_browser(passed, outsider):
    data = {"text": APPROVAL_TEXT, "competence_confirmed": True}
    assert_problem(bearer(outsider).post(api("action_run", passed.pk, APPROVE), data, content_type="application/json"), 404)
    assert_problem(bearer(outsider, name="x").get(api("action_list", passed.pk)), 404)


@pytest.mark.parametrize("key", ["approvals.nope", "nope.decision_approve", "approvals"])
def test_an_unknown_action_is_404(passed, head, key):
    assert_problem(bearer(head).post(api("action_run", passed.pk, key), {}, content_type="application/json"), 404)


def test_an_action_on_a_record_needs_the_record_and_only_then(passed, head):
    client = bearer(head)
    assert_problem(client.post(api("action_run", passed.pk, "approvals.vote_cast"), {}, content_type="application/json"), 404)
    assert_problem(client.post(api("action_run_on", passed.pk, APPROVE, 1), {}, content_type="application/json"), 404)


def test_a_body_that_is_not_an_object_is_a_400(passed, head):
    assert_problem(bearer(head).post(api("action_run", passed.pk, APPROVE), [1, 2], content_type="application/json"), 400)
    assert_problem(bearer(head, name="b").post(api("action_run", passed.pk, APPROVE), "{", content_type="application/json"), 400)


def test_a_session_must_send_the_csrf_token(passed, head):
    client = as_(head)
    client.handler.enforce_csrf_checks = True
    response = client.post(api("action_run", passed.pk, APPROVE), {"text": APPROVAL_TEXT, "competence_confirmed": True},
                           content_type="application/json")
    assert_problem(response, 403)
    assert fresh(passed).status == Status.COLLECTIVE_PASSED


def test_get_on_an_action_is_405(passed, head):
    assert_problem(bearer(head).get(api("action_run", passed.pk, APPROVE)), 405)


def test_a_file_goes_as_multipart_and_a_list_as_json_then_a_vote_on_the_meeting(submitted, head, deputy, deputy2):
    client, today = bearer(head), timezone.localdate().strftime("%d/%m/%Y")
    scan = SimpleUploadedFile("Ý kiến Đảng ủy.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(api("action_run", submitted.pk, "approvals.consultation_record"), {
        "committee": "Đảng ủy Sở Nội vụ", "opinion_date": today, "opinion": "Nhất trí.", "document": scan})
    assert response.status_code == 200, response.content
    assert Consultation.objects.get(proposal=submitted).document_sha256

    response = client.post(api("action_run", submitted.pk, "approvals.meeting_open"), {
        "held_on": today, "starts_at": "08:30", "secretary_name": "Nguyễn Thư Ký",
        "attendees": [head.pk, deputy.pk, deputy2.pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    meeting = Meeting.objects.get(proposal=submitted)
    listed = client.get(api("action_list", submitted.pk)).json()["actions"]
    vote = next(action for action in listed if action["key"] == "approvals.vote_cast")
    assert vote["target"] == meeting.pk
    response = client.post(vote["url"], {"choice": "for"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Vote.objects.get(meeting=meeting, voter=head).choice == "for"
