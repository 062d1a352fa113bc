"""The work inbox (spec README §4): what waits for each persona, with its due badge, linked to where the work
is done, in a fixed number of queries.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import datetime

import pytest
import time_machine

from approvals import services as approvals
from approvals.models import Meeting
from tests.lifecycle import HANOI, as_, draft_proposal, new_profile_version, open_meeting, submitted_proposal
from tests.proposals.helpers import NOW, REVIEW_DUE, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_inbox_shows_the_heads_pending_proposal_with_what_is_expected(head, submitted):
    response = as_(head).get(url("inbox"))
    assert response.status_code == 200
    [item] = response.context["inbox"]["to_decide"]
    assert item.proposal == submitted and item.due == REVIEW_DUE and item.due_state == "on_time"
    # D-13, Art. 4(3): the party committee's opinion comes before approving, so the meeting may come first.
    assert str(item.expected) == "Tổ chức họp tập thể lãnh đạo"
    body = response.content.decode()
    assert submitted.title in body and "19/03/2026" in body and "badge-due-ontime" in body


def test_inbox_asks_for_the_party_opinion_first_where_the_profile_wants_it_before_the_meeting(head, secretariat):
    """D-13: a unit whose profile asks the opinion before the meeting sees that step first."""
    new_profile_version(consultation_before="meeting")
    proposal = submitted_proposal(proposer=secretariat)
    [item] = as_(head).get(url("inbox")).context["inbox"]["to_decide"]
    assert item.proposal == proposal and str(item.expected) == "Ghi nhận ý kiến cấp ủy"


def test_inbox_shows_a_deputys_pending_vote_until_the_vote_is_cast(head, deputy, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_(deputy)
    [item] = client.get(url("inbox")).context["inbox"]["to_vote"]
    assert item.target == meeting and item.proposal == submitted
    assert "Biểu quyết tại cuộc họp tập thể lãnh đạo" in client.get(url("inbox")).content.decode()

    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    assert client.get(url("inbox")).context["inbox"]["to_vote"] == []
    assert Meeting.objects.get().state == Meeting.State.OPEN


def test_inbox_tells_the_secretariat_to_hold_the_meeting_after_consultation(head, secretariat, submitted):
    approvals.consultation_record(proposal=submitted, by=secretariat, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    [item] = as_(secretariat).get(url("inbox")).context["inbox"]["to_decide"]
    assert str(item.expected) == "Tổ chức họp tập thể lãnh đạo"


def test_inbox_shows_the_proposers_drafts_and_returned_plans(proposer, head, submitted):
    draft = draft_proposal(proposer=proposer, title="Dự thảo mới")
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    inbox = as_(proposer).get(url("inbox")).context["inbox"]
    assert {item.proposal for item in inbox["mine"]} == {draft, submitted}
    assert inbox["to_decide"] == [] and inbox["to_vote"] == []


def test_inbox_sections_share_one_partial_with_their_own_columns(head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")

    response = as_(head).get(url("inbox"))

    assert [t.name for t in response.templates].count("proposals/partials/inbox_section.html") == 2
    body = response.content.decode()
    assert 'id="cho-xu-ly-heading"' in body and 'id="bieu-quyet-heading"' in body
    assert "Ngày họp" in body and other.title in body


def test_inbox_rows_lead_to_where_the_work_is_done_on_the_proposal_page(head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")
    draft = draft_proposal(proposer=proposer, title="Dự thảo mới")

    decide = as_(head).get(url("inbox")).content.decode()
    vote = as_(deputy).get(url("inbox")).content.decode()
    mine = as_(proposer).get(url("inbox")).content.decode()

    # The decision panel, the meeting to vote at (inside the panel), the proposer's own buttons.
    assert f'href="{url("detail", other.pk)}#xet-duyet"' in decide
    assert f'href="{url("detail", submitted.pk)}#cuoc-hop-{meeting.pk}"' in vote
    assert f'href="{url("detail", draft.pk)}#thao-tac"' in mine
    assert f'id="cuoc-hop-{meeting.pk}"' in as_(deputy).get(url("detail", submitted.pk)).content.decode()
    assert 'id="thao-tac"' in as_(proposer).get(url("detail", draft.pk)).content.decode()


def test_submitting_the_plan_asks_for_confirmation_first(proposer, draft):
    client = as_(proposer)
    for page in (client.get(url("detail", draft.pk)), client.get(url("edit", draft.pk))):
        body = page.content.decode()
        assert 'data-confirm="Nộp kế hoạch? Sau khi nộp' in body
        assert "js/confirm.js" in body
    # Saving the draft from the same form is not asked: only the submit button carries the question.
    edit = client.get(url("edit", draft.pk)).content.decode()
    assert edit.count("data-confirm=") == 1 and f'formaction="{url("submit", draft.pk)}" data-confirm=' in edit


def test_a_proposal_voted_on_time_is_not_overdue_while_the_decision_is_prepared(head, deputy, proposer):
    waiting = submitted_proposal(proposer=proposer, title="Chưa họp")
    voted = submitted_proposal(proposer=proposer, title="Đã họp và biểu quyết")
    approvals.consultation_record(proposal=voted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=voted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    approvals.vote_cast(meeting=meeting, by=head, choice="for")
    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    approvals.meeting_close(meeting=meeting, by=head)
    client = as_(head)

    # The day after the review due date (Thu 19/03/2026): only the plan never put to the collective is late.
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=HANOI), tick=False):
        overdue = {p.title for p in client.get(url("list"), {"overdue": "on"}).context["page"]}
        inbox = {item.proposal.title: item.due_state for item in client.get(url("inbox")).context["inbox"]["to_decide"]}
        waiting_page = client.get(url("detail", waiting.pk)).content.decode()
        voted_page = client.get(url("detail", voted.pk)).content.decode()

    assert overdue == {"Chưa họp"}
    assert inbox == {"Chưa họp": "overdue", "Đã họp và biểu quyết": None}
    assert "badge-due-overdue" in waiting_page and "Quá hạn" in waiting_page
    assert "badge-due-overdue" not in voted_page and "Quá hạn" not in voted_page


def test_inbox_of_an_outsider_is_empty(outsider, submitted):
    response = as_(outsider).get(url("inbox"))
    assert len(response.context["inbox"]) == 0
    assert "Hiện không có việc nào cần bạn xử lý." in response.content.decode()


@pytest.mark.parametrize("count", [3, 10])
def test_inbox_query_count_does_not_grow_with_rows(django_assert_num_queries, head, deputy, proposer, secretariat, count):
    for n in range(count):
        proposal = submitted_proposal(proposer=proposer, title=f"Đề xuất {n}")
        if n == 0:
            approvals.consultation_record(proposal=proposal, by=head, committee="Đảng ủy", opinion_date=NOW.date(), opinion="Đồng ý.")
            open_meeting(proposal=proposal, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_(head)
    # 1 session, 2 user; then each stage's sections in order: 3 own drafts/returned (proposals), 4 proposals to
    # decide (unit, decider, profile, proposer joined; consultation as EXISTS), 5 calendar days for "due soon"
    # (once, not per row), 6 open meetings to vote in (approvals), 7 proposals awaiting set-up, 8 the user's
    # assignments (implementation), 9 suspended proposals (directions), 10 evaluation work (evaluation),
    # 11 the units whose incidents the user handles (incidents; none here, so no incident query), 12 positions
    # held today with the Art. 2 categories of the profile in force as a subquery (navbar), 13 unread
    # notifications (navbar).
    with django_assert_num_queries(13):
        response = client.get(url("inbox"))
    assert len(response.context["inbox"]["to_decide"]) == count
    assert len(response.context["inbox"]["to_vote"]) == 1
