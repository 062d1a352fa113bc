"""The directions' section of the proposal page, its inbox section, its dossier entries and its timeline label.

Personas (tests/conftest.py); the clock stands on Thursday 05/02/2026 09:00 in Hà Nội (tests/directions/helpers.py).
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.actions import Situation, offers
from core.stages import stages
from directions.actions import ACTIONS
from directions.documents import dossier_entries
from directions.inbox import inbox_sections
from directions.models import Direction
from directions.selectors import proposal_panel
from proposals.actions import StageSection
from proposals.selectors import proposal_for_user
from tests.directions.helpers import (
    NOW,
    REASONS,
    TODAY,
    adjust,
    detail,
    implementing,
    implementing_by_override,
    panel_html,
    resume,
    stop,
    suspend,
    url,
)
from tests.lifecycle import as_, drive_to, sha256
from tests.proposals.helpers import walked

pytestmark = pytest.mark.frozen_at(NOW)
NON_COMPLIANCE = "Ghi nhận hành vi không chấp hành chỉ đạo (Điều 6 khoản 4)"


def test_a_suspended_proposal_says_since_when_and_by_which_decision(proposal, head, proposer):
    """IMP-5: the panel says clearly that the proposal is suspended, since when and by which decision."""
    direction = suspend(proposal, head, effective_on=datetime.date(2026, 2, 9))
    html = panel_html(proposal, proposer)
    assert "Đề xuất đang tạm dừng thực hiện từ ngày 09/02/2026" in html
    assert f"(Quyết định số {direction.number} ngày 05/02/2026)" in html
    resume(proposal, head, effective_on=datetime.date(2026, 2, 9))
    assert "đang tạm dừng" not in panel_html(proposal, proposer)


def test_the_panel_lists_each_direction_with_its_dates_reasons_document_and_hash(proposal, head, proposer):
    first = suspend(proposal, head, effective_on=datetime.date(2026, 2, 6))
    resume(proposal, head, effective_on=datetime.date(2026, 2, 10))
    adjusted = adjust(proposal, head, effective_on=datetime.date(2026, 2, 10))
    stopped = stop(proposal, head, effective_on=datetime.date(2026, 2, 12))

    html = panel_html(proposal, proposer)

    for direction in (first, adjusted, stopped):
        assert f"{direction.get_kind_display()} — số {direction.number}, ngày 05/02/2026" in html
        assert url("direction_pdf", proposal.pk, direction.pk) in html
        assert direction.pdf_sha256 in html
    assert "06/02/2026" in html and "12/02/2026" in html and REASONS in html
    assert "Phiên bản 2 (điều chỉnh phiên bản 1)" in html and "?old=1&amp;new=2" in html
    assert "Biên bản họp tập thể lãnh đạo số 05/BB-SNV ngày 05/02/2026" in html
    assert "Đề xuất đã dừng thực hiện từ ngày 12/02/2026" in html


def test_the_panel_names_the_superior_informed_of_an_override_approved_proposal(proposer, head, deputy, deputy2, superior_head):
    proposal = implementing_by_override(proposer=proposer, head=head, deputy=deputy)
    suspend(proposal, head)
    assert "Báo cáo cấp trên" in panel_html(proposal, head)


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_before_implementation_starts_the_panel_reads_nothing(proposer, head, deputy, deputy2, status, django_assert_num_queries):
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)
    proposal = proposal_for_user(user=head, pk=proposal.pk)
    with django_assert_num_queries(0):
        assert proposal_panel(Situation(proposal=proposal, user=head)) == {"active": False, "directions": []}
    assert "Khi đề xuất đang được triển khai thực hiện, người đứng đầu" in panel_html(proposal, head)


# --- IMP-6: record non-compliance, never sanction automatically ------------------------------------------------


def test_the_head_and_an_inspector_may_record_non_compliance_as_an_incident_candidate(proposal, head, inspector, proposer, deputy):
    """IMP-6, Art. 6(4) [C]: not complying with a direction is prohibited; it is recorded as an incident candidate
    on the incidents page, never sanctioned here."""
    link = f'href="/phan-anh/gui/?de_xuat={proposal.pk}&amp;loai=non_compliance"'
    for person in (head, inspector):
        html = panel_html(proposal, person)
        assert NON_COMPLIANCE in html and link in html
        assert "hệ thống không tự động xử lý" in html
    for person in (proposer, deputy):
        assert NON_COMPLIANCE not in panel_html(proposal, person)


def test_an_inspector_of_another_subtree_gets_no_link(proposal, head, other_unit):
    from accounts.models import Position
    from tests.factories import PositionFactory, UserFactory

    # Inspects the Sở Tài chính only: the proposal is not in their subtree (nor visible to them).
    elsewhere = UserFactory(username="thanhtra2")
    PositionFactory(person=elsewhere, unit=other_unit, role=Position.Role.INSPECTOR)
    proposal = proposal_for_user(user=head, pk=proposal.pk)
    assert proposal_panel(Situation(proposal=proposal, user=elsewhere))["may_record_non_compliance"] is False


# --- Query counts -----------------------------------------------------------------------------------------------


def render_section(proposal, user) -> str:
    """The stage's section as the page builds it: panel context, offers with their forms, the template."""
    situation = Situation(proposal=proposal, user=user)
    context = proposal_panel(situation)
    offered, notes = offers(ACTIONS, situation)
    section = StageSection(stage=stages.get("directions"), context=context, offers=offered, notes=notes)
    return render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": section})


@pytest.mark.parametrize("count", [1, 3])
def test_the_heads_panel_costs_the_same_queries_whatever_the_number_of_directions(proposal, head, count, django_assert_num_queries):
    if count == 3:
        suspend(proposal, head)
        resume(proposal, head)
    adjust(proposal, head)
    proposal = proposal_for_user(user=head, pk=proposal.pk)

    # 1 the directions with signer and superior; 2 the head's positions in the deciding unit (read once for the
    # link and the four actions' `who`); 3 the approved version the adjustment form is pre-filled from.
    with django_assert_num_queries(3):
        html = render_section(proposal, head)
    assert html.count('class="card mb-3') == count


@pytest.mark.parametrize("count", [1, 3])
def test_an_inspectors_panel_costs_the_same_queries_whatever_the_number_of_directions(
    proposal, head, inspector, count, django_assert_num_queries
):
    suspend(proposal, head)
    if count == 3:
        resume(proposal, head)
        suspend(proposal, head)
    proposal = proposal_for_user(user=inspector, pk=proposal.pk)

    # 1 the directions; 2 the positions they hold today, read once for both questions: none in the deciding unit
    # (not the head), and which units they inspect (accounts.permissions.held_positions).
    with django_assert_num_queries(2):
        html = render_section(proposal, inspector)
    assert html.count(" border-warning") == (2 if count == 3 else 1)


# --- Inbox, dossier, timeline --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2])
def test_the_head_finds_suspended_proposals_in_the_inbox_in_one_query(
    proposal, proposer, head, deputy, count, django_assert_num_queries
):
    suspend(proposal, head, effective_on=datetime.date(2026, 2, 9))
    if count == 2:
        suspend(implementing(proposer=proposer, head=head, deputy=deputy), head)

    with django_assert_num_queries(1):
        [section] = inbox_sections(user=head, today=TODAY)
        assert len(section.items) == count

    assert section.items[-1].context == datetime.date(2026, 2, 9)  # the longest suspended first
    assert section.items[0].anchor == "chi-dao"
    assert [i.proposal.pk for i in walked(section)] == [i.proposal.pk for i in section.items]  # by keyset, a row at a time
    assert inbox_sections(user=deputy, today=TODAY)[0].items == []


def test_the_inbox_page_shows_the_suspended_section(proposal, head):
    suspend(proposal, head)
    html = as_(head).get(reverse("proposals:inbox")).content.decode()
    assert "Đề xuất đang tạm dừng thực hiện" in html and "Quyết định tiếp tục hoặc dừng thực hiện" in html


def test_each_direction_is_an_entry_of_the_dossier_with_its_stored_document(proposal, head, django_assert_num_queries):
    suspended, resumed = suspend(proposal, head), resume(proposal, head)

    with django_assert_num_queries(1):
        entries = dossier_entries(proposal)

    assert [(e.title, e.number, e.sha256) for e in entries] == [
        ("Quyết định tạm dừng thực hiện", suspended.number, suspended.pdf_sha256),
        ("Quyết định tiếp tục thực hiện", resumed.number, resumed.pdf_sha256),
    ]
    assert sha256(entries[0].pdf()) == suspended.pdf_sha256
    assert f"Lý do: {REASONS}" in entries[0].lines
    assert entries[0].at <= entries[1].at <= timezone.now()
    assert [e.number for e in stages.dossier(proposal) if e.number in (suspended.number, resumed.number)] == [
        suspended.number, resumed.number,
    ]


def test_the_timeline_names_the_adjustment_of_the_plan(proposal, head):
    adjust(proposal, head)
    page = as_(head).get(detail(proposal)).content.decode()
    assert "Điều chỉnh kế hoạch: phiên bản mới được phê duyệt" in page
    assert "Quyết định điều chỉnh đề xuất" in page  # the transition's own label
    assert Direction.objects.get().version == 2
