"""Submitting from the pages (decree73.md T1, §4.1): every missing part named next to its field, what was
typed kept as a draft, a complete plan sent to the unit's head.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import pytest

from proposals import services
from proposals.models import PlanContent
from proposals.selectors import current_profile
from proposals.transitions import Status
from tests.lifecycle import as_, complete_plan, draft_proposal, position_of
from tests.proposals.helpers import NOW, REVIEW_DUE, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_incomplete_plan_names_every_missing_part_next_to_its_field(proposer, head):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chỉ có tên"})
    response = as_(proposer).post(url("submit", proposal.pk), form_data({"title": proposal.title, "necessity": "Đã viết"}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    # Every part the service asks for except the two given (decree73.md §4.1), and the four Art. 5(1) ticks.
    expected = services.required_for_submission(current_profile()) - {"title", "necessity"}
    assert {"bottleneck", "content_solutions", "start_date", "end_date", *PlanContent.ART5_FIELDS} <= expected
    assert set(errors) == expected
    body = response.content.decode()
    assert "Nội dung bắt buộc theo Điều 7 khoản 2 Nghị định 73/2023/NĐ-CP." in body
    assert 'href="#id_bottleneck"' in body  # the summary links to each field
    assert "Đã viết" in body  # what the user typed is kept ...
    proposal.refresh_from_db()
    assert (proposal.necessity, proposal.status) == ("Đã viết", Status.DRAFT)  # ... and saved as draft


def test_a_refused_submission_marks_the_parts_required_for_submission_once(proposer, head):
    """The typed plan not even saved, or saved and refused by the service: either way the form shown again says
    which parts submission asks for (read from the profile only then: a submission that succeeds never needs it)."""
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chỉ có tên"})
    unsaved = as_(proposer).post(url("submit", proposal.pk), form_data({"title": ""}))
    refused = as_(proposer).post(url("submit", proposal.pk), form_data({"title": proposal.title}))
    for response in (unsaved, refused):
        assert response.status_code == 200
        fields = response.context["form"].fields
        assert str(fields["bottleneck"].help_text).count("Bắt buộc khi nộp kế hoạch.") == 1
        assert "Bắt buộc khi nộp kế hoạch." not in str(fields["impact"].help_text)


def test_submit_with_end_before_start_names_the_end_date_and_the_other_missing_parts(proposer, head, draft):
    data = form_data(complete_plan(scope=""), start_date="10/05/2026", end_date="01/05/2026")
    response = as_(proposer).post(url("submit", draft.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"end_date", "scope"}
    assert errors["end_date"] == ["Thời gian kết thúc phải sau thời gian bắt đầu."]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_complete_plan_is_submitted_to_the_unit_head(proposer, head, draft):
    response = as_(proposer).post(url("submit", draft.pk), form_data(complete_plan()))
    assert response.status_code == 302
    assert response["Location"] == url("detail", draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert (draft.route, draft.decision_unit_id, draft.current_version) == ("A", position_of(proposer).unit_id, 1)
    assert (draft.received_on, draft.review_due) == (NOW.date(), REVIEW_DUE)


def test_submit_from_the_detail_page_shows_the_missing_parts_on_the_edit_form(proposer, head):
    proposal = draft_proposal(proposer=proposer, scope="", cond_d_reform=False)
    response = as_(proposer).post(url("submit", proposal.pk))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"scope", "cond_d_reform"}
    assert complete_plan()["necessity"] in response.content.decode()


def test_submit_without_a_unit_head_explains_why(proposer, draft):
    response = as_(proposer).post(url("submit", draft.pk), form_data(complete_plan()))
    assert response.status_code == 200
    assert "Đơn vị chưa có người đứng đầu để tiếp nhận đề xuất." in response.context["form"].non_field_errors()
