"""Who may call each view of the deciding unit: anonymous visitors go to the login page, actions refuse GET and
downloads POST (405), outsiders get 404, a member of the unit without the right position 403.

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock stands on Thursday 05/02/2026
09:00 in Hà Nội (tests/approvals/helpers.py). `world` (tests/approvals/conftest.py) is a proposal approved
through every step.
"""

import pytest
from django.urls import reverse

from approvals.models import Decision, Meeting, Vote
from proposals.models import Proposal
from tests.approvals.helpers import NOW, TODAY, consult, failed, meeting, passed, url
from tests.lifecycle import JUSTIFICATION, REASONS, as_, submitted_proposal

pytestmark = pytest.mark.frozen_at(NOW)


POST_VIEWS = [
    ("consultation_record", ("proposal",)),
    ("meeting_open", ("proposal",)),
    ("vote_cast", ("proposal", "meeting")),
    ("meeting_close", ("proposal", "meeting")),
    ("meeting_adjourn", ("proposal", "meeting")),
    ("decision_approve", ("proposal",)),
    ("decision_override", ("proposal",)),
    ("decision_reject", ("proposal",)),
    ("proposal_return", ("proposal",)),
]
GET_VIEWS = [
    ("minutes_pdf", ("proposal", "meeting")),
    ("decision_pdf", ("proposal", "decision")),
    ("consultation_document", ("proposal", "consultation")),
]


def view_url(world, name, keys) -> str:
    return url(name, *(world[key].pk for key in keys))


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS + GET_VIEWS)
def test_anonymous_is_sent_to_login(client, world, name, keys):
    target = view_url(world, name, keys)
    response = client.post(target) if (name, keys) in POST_VIEWS else client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS)
def test_actions_refuse_get(world, head, name, keys):
    assert as_(head).get(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS)
def test_downloads_refuse_post(world, head, name, keys):
    assert as_(head).post(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), POST_VIEWS + GET_VIEWS)
def test_outsider_gets_404(world, outsider, name, keys):
    target = view_url(world, name, keys)
    client = as_(outsider)
    response = client.post(target, {"approve-text": "x"}) if (name, keys) in POST_VIEWS else client.get(target)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS)
def test_a_record_of_another_proposal_is_404(world, proposer, head, name, keys):
    other = submitted_proposal(proposer=proposer, title="Một đề xuất khác")
    key = keys[1]
    assert as_(head).get(url(name, other.pk, world[key].pk)).status_code == 404


def test_inspector_of_the_province_may_read_the_documents(world, inspector):
    assert as_(inspector).get(view_url(world, "decision_pdf", ("proposal", "decision"))).status_code == 200


def test_deputy_cannot_approve(submitted, head, deputy, deputy2):
    passed(submitted, head, deputy, deputy2)
    response = as_(deputy).post(url("decision_approve", submitted.pk), {"approve-text": "Giao phòng Tổ chức cán bộ chủ trì."})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_PASSED


@pytest.mark.parametrize(("name", "data"), [
    ("decision_override", {"override-justification": JUSTIFICATION}),
    ("decision_reject", {"reject-reasons": REASONS}),
    ("proposal_return", {"return-reasons": REASONS}),
])
def test_deputy_and_secretariat_cannot_decide_after_a_failed_vote(submitted, head, deputy, deputy2, secretariat, name, data):
    failed(submitted, head, deputy, deputy2)
    for person in (deputy, secretariat):
        assert as_(person).post(url(name, submitted.pk), data).status_code == 403
    assert not Decision.objects.exists()


def test_deputy_cannot_record_the_consultation_or_open_the_meeting(submitted, head, deputy, deputy2):
    response = as_(deputy).post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY, "consultation-opinion": "Nhất trí.",
    })
    assert response.status_code == 403
    consult(submitted, head)
    response = as_(deputy).post(url("meeting_open", submitted.pk), {
        "meeting-held_on": TODAY, "meeting-attendees": [head.pk, deputy.pk],
    })
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_proposer_cannot_vote(submitted, head, deputy, proposer):
    opened = meeting(submitted, head, [head, deputy])
    response = as_(proposer).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": "for"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_deputy_cannot_close_the_vote(submitted, head, deputy):
    opened = meeting(submitted, head, [head, deputy])
    assert as_(deputy).post(url("meeting_close", submitted.pk, opened.pk)).status_code == 403
    assert Meeting.objects.get().state == Meeting.State.OPEN


WRONG_ROLE = [  # (view, keys, who): someone of the unit without the position the action needs
    ("consultation_record", ("proposal",), "deputy"),
    ("meeting_open", ("proposal",), "deputy"),
    ("vote_cast", ("proposal", "meeting"), "secretariat"),
    ("meeting_close", ("proposal", "meeting"), "deputy"),
    ("meeting_adjourn", ("proposal", "meeting"), "deputy"),
    ("decision_approve", ("proposal",), "deputy"),
    ("decision_override", ("proposal",), "deputy"),
    ("decision_reject", ("proposal",), "secretariat"),
    ("proposal_return", ("proposal",), "secretariat"),
]


@pytest.mark.parametrize(("name", "keys", "who"), WRONG_ROLE, ids=[name for name, _k, _w in WRONG_ROLE])
def test_wrong_role_gets_403_even_with_an_empty_form(submitted, head, deputy, request, name, keys, who):
    opened = meeting(submitted, head, [head, deputy])
    objects = {"proposal": submitted, "meeting": opened}
    response = as_(request.getfixturevalue(who)).post(url(name, *(objects[key].pk for key in keys)), {})
    assert response.status_code == 403


def test_deputy_sending_short_reasons_gets_403_not_a_form_error(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    for name, data in (("decision_reject", {"reject-reasons": "Không."}), ("proposal_return", {"return-reasons": "Ít."})):
        assert as_(deputy).post(url(name, submitted.pk), data).status_code == 403
    assert not Decision.objects.exists()
