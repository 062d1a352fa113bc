"""The directions in the browser: the forms the head is offered, their POST views (proposals.actions) and the
download of the stored decision; every view answers anonymous, outsider, wrong role and GET as the others do.

Personas (tests/conftest.py); the clock stands on Thursday 05/02/2026 09:00 in Hà Nội (tests/directions/helpers.py).
"""

import logging
import re

import pytest

from core.models import AuditEvent
from directions.models import Direction
from proposals.models import LegalProfile, PlanVersion, Proposal
from proposals.transitions import Status
from tests.directions.helpers import NOW, REASONS, SHORT, detail, implementing, offered, section, stop, suspend, url
from tests.lifecycle import as_, fresh, new_profile_version, pdf_text, sha256

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read a direction's text
TODAY_TEXT = "05/02/2026"
GROUNDS_POST = {
    "adjust-minutes_number": "05/BB-SNV", "adjust-meeting_held_on": TODAY_TEXT,
    "adjust-party_committee": "Đảng ủy Sở Nội vụ", "adjust-party_opinion_date": TODAY_TEXT,
}


def post_data(kind: str, **fields) -> dict:
    return {f"{kind}-reasons": REASONS, f"{kind}-effective_on": TODAY_TEXT, **fields}


def adjust_post(proposal, **fields) -> dict:
    """The adjustment form as the browser sends it: every plan field pre-filled, line breaks as CRLF."""
    approved = PlanVersion.objects.get(proposal=proposal, number=proposal.approved_version)
    data = post_data("adjust", **GROUNDS_POST)
    for name in ("milestones", "indicators", "resources", "content_solutions", "expected_results"):
        data[f"adjust-{name}"] = getattr(approved, name).replace("\n", "\r\n")
    data["adjust-end_date"] = approved.end_date.strftime("%d/%m/%Y")
    data.update(fields)
    return data


ACTIONS = {
    # action: (state it needs, the form's prefix)
    "direction_suspend": ("in_implementation", "suspend"),
    "direction_continue": ("suspended", "continue"),
    "direction_stop": ("in_implementation", "stop"),
    "direction_adjust": ("in_implementation", "adjust"),
}


@pytest.fixture
def ready(proposal, head):
    """The proposal in the state each action needs."""

    def bring(action):
        if ACTIONS[action][0] == "suspended":
            suspend(proposal, head)
        return fresh(proposal)

    return bring


def form_for(action, proposal) -> dict:
    prefix = ACTIONS[action][1]
    return adjust_post(proposal, **{"adjust-end_date": "31/03/2027"}) if prefix == "adjust" else post_data(prefix)


# --- Each action's view --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_the_head_issues_each_direction_and_returns_to_the_panel(ready, head, action):
    proposal, browser = ready(action), as_(head)

    response = browser.post(url(action, proposal.pk), form_for(action, proposal))

    assert response.status_code == 302
    assert response["Location"] == f"{detail(proposal)}#chi-dao"
    direction = Direction.objects.latest("pk")
    assert (direction.kind, direction.signer) == (ACTIONS[action][1], head)
    page = browser.get(response["Location"]).content.decode()
    assert f"Đã ban hành {direction.get_kind_display().lower()} số {direction.number}" in page


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_is_sent_to_log_in(ready, client, action):
    proposal = ready(action)
    response = client.post(url(action, proposal.pk), form_for(action, proposal))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_finds_nothing(ready, outsider, action):
    proposal = ready(action)
    assert as_(outsider).post(url(action, proposal.pk), form_for(action, proposal)).status_code == 404


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "inspector"])
@pytest.mark.parametrize("action", ACTIONS)
def test_anyone_but_the_head_is_refused(ready, request, inspector, who, action):
    proposal = ready(action)
    before = Direction.objects.count()
    response = as_(request.getfixturevalue(who)).post(url(action, proposal.pk), form_for(action, proposal))
    assert response.status_code == 403
    assert Direction.objects.count() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_get_on_an_action_is_not_allowed(ready, head, action):
    assert as_(head).get(url(action, ready(action).pk)).status_code == 405


# --- Errors next to their fields -------------------------------------------------------------------------------


def field_error(html: str, field_id: str) -> str:
    """The error text Bootstrap shows under a field (crispy-forms: "error_1_<id>")."""
    match = re.search(rf'id="error_\d+_{field_id}"[^>]*>(.*?)</', html, re.S)
    return " ".join(match.group(1).split()) if match else ""


def test_short_reasons_and_a_late_effective_date_are_shown_next_to_their_fields(proposal, head):
    response = as_(head).post(url("direction_suspend", proposal.pk), post_data(
        "suspend", **{"suspend-reasons": SHORT, "suspend-effective_on": "10/03/2026"},
    ))

    assert response.status_code == 200
    html = response.content.decode()
    assert "ít nhất 20 ký tự" in field_error(html, "id_suspend-reasons")
    assert "không được sau ngày ban hành quá 30 ngày" in field_error(html, "id_suspend-effective_on")
    assert not Direction.objects.exists() and fresh(proposal).status == Status.IN_IMPLEMENTATION


def test_a_date_is_read_day_first(proposal, head):
    """05/03/2026 is 5 March (style.md: the vi locale must not read it month-first)."""
    as_(head).post(url("direction_suspend", proposal.pk), post_data("suspend", **{"suspend-effective_on": "05/03/2026"}))
    assert Direction.objects.get().effective_on.isoformat() == "2026-03-05"


def test_an_adjustment_posted_from_the_browser_changes_only_what_was_edited(proposal, head):
    response = as_(head).post(url("direction_adjust", proposal.pk), adjust_post(proposal, **{
        "adjust-end_date": "31/03/2027", "adjust-resources": "Kinh phí 700 triệu đồng; 6 công chức.",
    }))

    assert response.status_code == 302
    direction = Direction.objects.get()
    # The untouched texts came back with CRLF line breaks: they are no change.
    assert direction.changed_fields == ["end_date", "resources"]
    assert fresh(proposal).approved_version == 2


def test_the_adjustment_form_asks_for_the_collective_grounds_next_to_their_fields(proposal, head):
    data = adjust_post(proposal, **{"adjust-end_date": "31/03/2027", "adjust-minutes_number": "",
                                    "adjust-party_opinion_date": "06/02/2026"})

    html = as_(head).post(url("direction_adjust", proposal.pk), data).content.decode()

    assert "số biên bản họp" in field_error(html, "id_adjust-minutes_number")
    assert "đến hôm nay" in field_error(html, "id_adjust-party_opinion_date")  # 06/02 has not come yet
    assert not Direction.objects.exists()


def test_an_adjustment_changing_nothing_says_so(proposal, head):
    html = as_(head).post(url("direction_adjust", proposal.pk), adjust_post(proposal)).content.decode()
    assert "không khác kế hoạch đang được phê duyệt" in html
    assert not Direction.objects.exists()


def test_emptying_a_required_plan_content_is_shown_next_to_it(proposal, head):
    html = as_(head).post(url("direction_adjust", proposal.pk), adjust_post(proposal, **{"adjust-resources": ""})).content.decode()
    assert "Điều 7 khoản 2" in field_error(html, "id_adjust-resources")


# --- What the panel offers -------------------------------------------------------------------------------------


def test_the_head_is_offered_the_directions_the_state_allows(proposal, head, deputy, proposer, inspector):
    assert offered(proposal, head) == {"direction_suspend", "direction_stop", "direction_adjust"}
    for person in (deputy, proposer, inspector):
        assert offered(proposal, person) == set()
    suspend(proposal, head)
    assert offered(proposal, head) == {"direction_continue", "direction_stop"}
    stop(proposal, head)
    assert offered(proposal, head) == set()


def test_a_suspended_proposal_asks_the_head_to_decide_what_next(proposal, head):
    suspend(proposal, head)
    page = as_(head).get(detail(proposal)).content.decode()
    box = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Quyết định tiếp tục hoặc dừng thực hiện đề xuất đang tạm dừng" in box and 'href="#chi-dao"' in box


def test_the_adjustment_form_is_prefilled_from_the_approved_version(proposal, head):
    approved = PlanVersion.objects.get(proposal=proposal, number=1)
    [offer] = [o for o in section(proposal, head).offers if o.action.name == "direction_adjust"]
    assert offer.form.initial["milestones"] == approved.milestones
    assert offer.form.initial["end_date"] == approved.end_date
    assert {"minutes_number", "meeting_held_on", "party_committee", "party_opinion_date"} <= set(offer.form.fields)


def test_a_proposal_carried_over_without_its_versions_is_prefilled_from_its_own_plan(proposal, head):
    # Rows written by a bulk loader (the benchmark's) may have no version rows: the head's page still opens.
    Proposal.objects.filter(pk=proposal.pk).update(approved_version=99)
    [offer] = [o for o in section(fresh(proposal), head).offers if o.action.name == "direction_adjust"]
    assert offer.form.initial["milestones"] == proposal.milestones
    assert as_(head).get(detail(proposal)).status_code == 200


def test_on_the_head_path_the_form_has_no_meeting_fields(proposer, head, deputy, deputy2):
    new_profile_version(adjustment_path=LegalProfile.DecisionPath.HEAD)
    proposal = implementing(proposer=proposer, head=head, deputy=deputy)
    [offer] = [o for o in section(proposal, head).offers if o.action.name == "direction_adjust"]
    assert "minutes_number" not in offer.form.fields

    response = as_(head).post(url("direction_adjust", proposal.pk), {
        k: v for k, v in adjust_post(proposal, **{"adjust-end_date": "31/03/2027"}).items() if k not in GROUNDS_POST
    })

    assert response.status_code == 302
    assert Direction.objects.get().adjustment_path == "head"


# --- The stored decision, downloaded ---------------------------------------------------------------------------


@pytest.fixture
def issued(proposal, head):
    return suspend(proposal, head)


@pytest.mark.real_pdf
def test_the_decision_is_served_as_stored(issued, proposer, inspector):
    for person in (proposer, inspector):
        response = as_(person).get(url("direction_pdf", issued.proposal_id, issued.pk))
        assert response.status_code == 200
        assert sha256(response.content) == issued.pdf_sha256
        assert response["Content-Disposition"].startswith('attachment; filename="QD-2-QD-SNV.pdf"; ')
    assert "QUYẾT ĐỊNH Về việc tạm dừng thực hiện đề xuất đổi mới, sáng tạo" in pdf_text(response.content)


def test_the_download_is_refused_to_anonymous_outsiders_another_proposals_path_and_post(issued, client, outsider, head, proposer, deputy):
    path = url("direction_pdf", issued.proposal_id, issued.pk)
    assert client.get(path).status_code == 302 and "/tai-khoan/" in client.get(path)["Location"]
    assert as_(outsider).get(path).status_code == 404
    other = implementing(proposer=proposer, head=head, deputy=deputy)
    assert as_(head).get(url("direction_pdf", other.pk, issued.pk)).status_code == 404
    assert as_(head).post(path).status_code == 405


@pytest.mark.real_pdf
def test_a_missing_file_is_served_as_a_marked_copy_and_recorded(issued, head, caplog):
    issued.pdf.storage.delete(issued.pdf.name)

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = as_(head).get(url("direction_pdf", issued.proposal_id, issued.pk))

    assert response.status_code == 200
    assert "BẢN TÁI TẠO" in pdf_text(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-QD-2-QD-SNV.pdf"')
    event = AuditEvent.objects.for_object(issued).get(action="pdf_regenerated")
    assert (event.actor, event.payload["recorded_sha256"], event.payload["proposal"]) == (head, issued.pdf_sha256, issued.proposal_id)


def test_a_file_that_no_longer_matches_its_hash_is_not_served(issued, head):
    with issued.pdf.storage.open(issued.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")

    response = as_(head).get(url("direction_pdf", issued.proposal_id, issued.pk))

    assert response.status_code == 409 and b"altered" not in response.content
    assert f"{detail(issued.proposal)}#chi-dao" in response.content.decode()
