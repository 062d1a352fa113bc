"""The deciding unit's panel on the proposal page: what it offers to whom, what it shows, when it asks first.

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock stands on Thursday 05/02/2026
09:00 in Hà Nội (tests/approvals/helpers.py).
"""

import re

import pytest

from approvals import services
from approvals.models import Meeting
from proposals.models import Proposal
from tests.approvals.helpers import NOW, consult, detail, failed, meeting, panel_html, passed, url
from tests.lifecycle import JUSTIFICATION, REASONS, as_, deciding_panel, new_profile_version, submitted_proposal

pytestmark = pytest.mark.frozen_at(NOW)


def test_panel_offers_the_meeting_before_the_party_opinion_by_default(submitted, head):
    # D-13, Art. 4(3): the opinion comes before approving, so the collective may meet first.
    panel = deciding_panel(proposal=submitted, user=head)
    assert {"consultation_record", "meeting_open", "proposal_return"} <= set(panel["actions"])
    assert not panel["notes"]


def test_panel_asks_for_the_party_opinion_before_offering_the_meeting_where_the_unit_asks_it_first(proposer, head):
    new_profile_version(consultation_before="meeting")
    panel = deciding_panel(proposal=submitted_proposal(proposer=proposer), user=head)
    assert {"consultation_record", "proposal_return"} <= set(panel["actions"])
    assert "meeting_open" not in panel["actions"]
    assert panel["notes"] == ["Theo quy định của cơ quan, cần ghi nhận ý kiến cấp ủy trước khi tập thể lãnh đạo họp, biểu quyết."]


def test_panel_offers_the_meeting_with_the_computed_voters_ticked_and_never_the_proposer(submitted, secretariat, proposer, head, deputy, deputy2):
    consult(submitted, secretariat)
    form = deciding_panel(proposal=submitted, user=secretariat)["actions"]["meeting_open"]
    assert set(form.initial["attendees"]) == {head.pk, deputy.pk, deputy2.pk}
    assert form.initial["held_on"] == NOW.date()
    assert set(form.fields["attendees"].queryset) == {head, deputy, deputy2}
    html = panel_html(submitted, secretariat)
    assert "Phó Giám đốc" in html and proposer.get_full_name() not in html.split("Tổ chức họp tập thể lãnh đạo")[1].split("</form>")[0]


def test_panel_while_open_shows_who_voted_but_not_the_choices(submitted, head, deputy, deputy2):
    meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "Lý do còn giữ kín cho đến khi kết thúc")])
    html = panel_html(submitted, deputy2)
    voted_line = html.split("Đã biểu quyết")[1].split("</p>")[0]
    assert deputy.get_full_name() in voted_line and "(1/3)" in voted_line
    assert "Lý do còn giữ kín" not in html
    assert "Ý kiến của từng thành viên chỉ được công bố khi kết thúc biểu quyết." in html
    assert deciding_panel(proposal=submitted, user=deputy2)["meeting_records"][0].ballots == []


def test_panel_offers_the_vote_only_to_a_present_eligible_member_who_has_not_voted(submitted, head, deputy, deputy2, proposer, secretariat):
    meeting(submitted, head, [head, deputy], [(deputy, "for", "")])
    submitted.refresh_from_db()  # in review: the offered actions follow the status (transitions.can)
    assert "vote_cast" in deciding_panel(proposal=submitted, user=head)["actions"]
    for person in (deputy, deputy2, proposer, secretariat):  # voted, absent, proposer, not a voter
        assert "vote_cast" not in deciding_panel(proposal=submitted, user=person)["actions"]
    assert set(deciding_panel(proposal=submitted, user=secretariat)["actions"]) == {"meeting_close", "meeting_adjourn"}
    assert "meeting_close" not in deciding_panel(proposal=submitted, user=deputy)["actions"]


def test_panel_after_closing_shows_votes_reasons_rule_and_minutes(submitted, head, deputy, deputy2):
    closed = passed(submitted, head, deputy, deputy2)
    html = panel_html(submitted, deputy)
    assert "Tập thể lãnh đạo thông qua" in html
    assert REASONS in html
    assert "Thông qua khi số phiếu tán thành trên 50% số thành viên có quyền biểu quyết có mặt" in html
    assert "2/3 (66,7%)" in html
    assert f"Biên bản số {closed.minutes_number}" in html
    assert url("minutes_pdf", submitted.pk, closed.pk) in html
    assert "08:30 – 09:00, 05/02/2026" in html and "Trần Thị Thư" in html  # from the start to the end (D-7)
    assert Meeting.objects.get(pk=closed.pk).minutes_sha256 in html


def test_panel_prefills_the_approval_text_for_the_head_only(submitted, head, deputy, deputy2, proposer):
    passed(submitted, head, deputy, deputy2)
    submitted.refresh_from_db()
    actions = deciding_panel(proposal=submitted, user=head)["actions"]
    assert set(actions) == {"decision_approve", "decision_refer"}  # or beyond the unit's authority (Art. 4(2), D-5)
    assert proposer.get_full_name() in actions["decision_approve"].initial["text"]
    assert "05 ngày làm việc" in actions["decision_approve"].initial["text"]
    assert deciding_panel(proposal=submitted, user=deputy)["actions"] == {}


def test_panel_after_a_failed_vote_offers_override_reject_and_return_to_the_head(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    submitted.refresh_from_db()
    assert set(deciding_panel(proposal=submitted, user=head)["actions"]) == {
        "decision_override", "decision_reject", "proposal_return", "decision_refer"}


def test_panel_without_override_allowed_explains_why(proposer, leaders):
    head, deputy, deputy2 = leaders
    new_profile_version(override_allowed=False)
    proposal = submitted_proposal(proposer=proposer)
    failed(proposal, head, deputy, deputy2)
    proposal.refresh_from_db()
    panel = deciding_panel(proposal=proposal, user=head)
    assert "decision_override" not in panel["actions"]
    assert any("không cho phép" in note for note in panel["notes"])


def test_panel_marks_an_override_decision_clearly(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    decision = services.decision_override(proposal=submitted, by=head, justification=JUSTIFICATION)
    html = panel_html(submitted, head)
    assert "Người đứng đầu quyết định khi tập thể không thông qua" in html
    assert JUSTIFICATION in html
    assert url("decision_pdf", submitted.pk, decision.pk) in html


def test_panel_escapes_typed_text(submitted, head, deputy, deputy2):
    meeting(submitted, head, [head, deputy, deputy2], [(deputy, "against", "<script>alert(1)</script>")], close=True)
    html = panel_html(submitted, head)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_panel_reads_a_fixed_number_of_queries_however_many_votes(submitted, head, deputy, deputy2, django_assert_num_queries):
    passed(submitted, head, deputy, deputy2)
    services.decision_approve(proposal=submitted, by=head, text="Giao phòng Tổ chức cán bộ chủ trì.")
    proposal = Proposal.objects.get(pk=submitted.pk)
    # 1 consultations (+ recorder), meetings (+ chair, their votes with voters, eligible voters, attendees) and
    # decisions (+ signer), folded into one query of the proposal (core.folding; the proposal page's own query carries
    # them), 2 the legal profile. The user's positions in the deciding unit are read only when an action's state
    # offers it: none is offered on an approved proposal.
    with django_assert_num_queries(2):
        deciding_panel(proposal=proposal, user=deputy)


def test_proposal_page_includes_the_panel(submitted, head):
    response = as_(head).get(detail(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="xet-duyet"' in html
    assert url("consultation_record", submitted.pk) in html


def _confirmed_actions(html: str) -> set[str]:
    """The action URLs whose form asks before sending (data-confirm, static/js/confirm.js)."""
    return set(re.findall(r'<form[^>]*action="([^"]+)"[^>]*data-confirm="[^"]+"', html))


def test_irreversible_actions_ask_for_confirmation_and_the_others_do_not(submitted, head, deputy, deputy2, secretariat):
    html = panel_html(submitted, head)
    assert _confirmed_actions(html) == {url(name, submitted.pk) for name in ("proposal_return", "decision_refer")}  # not the party opinion

    opened = meeting(submitted, head, [head, deputy])
    confirmed = _confirmed_actions(panel_html(submitted, head))
    assert confirmed == {url(name, submitted.pk, opened.pk) for name in ("vote_cast", "meeting_close", "meeting_adjourn")}

    services.meeting_adjourn(meeting=opened, by=head, reason="Thiếu ý kiến thẩm định.")
    failed(submitted, head, deputy, deputy2)
    confirmed = _confirmed_actions(panel_html(submitted, head))
    assert confirmed == {url(name, submitted.pk) for name in ("decision_override", "decision_reject", "proposal_return",
                                                              "decision_refer")}
    assert "data-confirm=\"Ban hành văn bản không chấp thuận đề xuất?" in panel_html(submitted, head)


def test_an_action_shown_again_after_an_input_error_still_asks_before_sending(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    html = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."}).content.decode()
    assert _confirmed_actions(html) == {url("decision_reject", submitted.pk)}
    html = as_(head).post(url("consultation_record", submitted.pk), {}).content.decode()
    assert "data-confirm" not in html.split('id="main"')[1]


def test_the_proposal_page_says_what_the_user_has_to_do_near_the_top(submitted, head, deputy, deputy2, proposer):
    page = as_(head).get(detail(submitted)).content.decode()
    box = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Việc của bạn" in box and "Ghi nhận ý kiến của cấp ủy" in box and 'href="#xet-duyet"' in box
    assert page.index("viec-cua-ban-heading") < page.index('id="thong-tin-heading"')

    opened = meeting(submitted, head, [head, deputy, deputy2])
    page = as_(deputy).get(detail(submitted)).content.decode()
    assert "Biểu quyết tại cuộc họp tập thể lãnh đạo" in page and f'href="#cuoc-hop-{opened.pk}"' in page

    # Nothing to do in the panel (the proposer, a deputy once voted): no box.
    services.vote_cast(meeting=opened, by=deputy, choice="for", reason="")
    for person in (proposer, deputy):
        assert "viec-cua-ban-heading" not in as_(person).get(detail(submitted)).content.decode()
