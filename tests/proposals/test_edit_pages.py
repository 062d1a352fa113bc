"""Creating and editing the plan through the pages (spec README §3; decree73.md §4.1): the form, its
positions and co-authors, dates day first, a draft frozen once submitted, typed HTML shown escaped.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import datetime
from unittest import mock

import pytest

from accounts.models import Position
from core.models import AuditEvent
from proposals import forms, services
from proposals.models import LegalProfile, PlanContent, Proposal
from proposals.transitions import Status
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import as_, complete_plan, draft_proposal, position_of
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_create_page_shows_every_plan_section_and_the_capacity(proposer):
    response = as_(proposer).get(url("create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đề xuất với tư cách" in body
    assert "Trưởng phòng — Sở Nội vụ tỉnh Quảng Ninh" in body
    for heading in ("1. Sự cần thiết, mục đích, yêu cầu", "4. Thời gian, lộ trình thực hiện",
                    "Điều kiện theo Điều 5 khoản 1 Nghị định 73/2023/NĐ-CP (tự cam kết)"):
        assert heading in body
    form = response.context["form"]
    assert set(PlanContent.CONTENT_FIELDS) | {"position", "co_authors"} == set(form.fields)


def test_plan_pages_read_the_legal_profile_without_writing_one(proposer, draft):
    before = list(LegalProfile.objects.values_list("pk", "version"))
    client = as_(proposer)
    for page in (url("create"), url("edit", draft.pk), url("detail", draft.pk)):
        assert client.get(page).status_code == 200, page
    assert list(LegalProfile.objects.values_list("pk", "version")) == before == [(before[0][0], 1)]


def test_plan_form_marks_the_parts_required_for_submission(proposer):
    fields = as_(proposer).get(url("create")).context["form"].fields
    assert "Bắt buộc khi nộp kế hoạch." in fields["bottleneck"].help_text
    assert "Bắt buộc khi nộp kế hoạch." in fields["end_date"].help_text
    assert "Bắt buộc khi nộp kế hoạch." not in fields["impact"].help_text
    assert "Bắt buộc khi nộp kế hoạch." not in fields["legal_references"].help_text


def test_each_form_marks_its_own_copy_of_the_plan_fields(proposer):
    """The plan's fields are built once per process and copied for each form (issue 10): marking one form's fields
    changes no other form's."""
    client = as_(proposer)
    for _ in range(2):
        fields = client.get(url("create")).context["form"].fields
        assert str(fields["bottleneck"].help_text).count("Bắt buộc khi nộp kế hoạch.") == 1


def test_draft_is_saved_with_only_a_title(proposer):
    position = position_of(proposer)
    response = as_(proposer).post(url("create"), {"position": position.pk, "title": "Số hóa hồ sơ cán bộ", "plan_form": "1"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("edit", proposal.pk)
    assert (proposal.title, proposal.status, proposal.unit_id) == ("Số hóa hồ sơ cán bộ", Status.DRAFT, position.unit_id)
    assert AuditEvent.objects.for_object(proposal).get().action == "create"


def test_draft_without_a_title_is_refused_next_to_the_title(proposer):
    response = as_(proposer).post(url("create"), {"position": position_of(proposer).pk, "title": "  "})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_the_form_offers_only_positions_whose_category_may_propose(proposer, department):
    PositionFactory(person=proposer, unit=department, category=Position.Category.OTHER, title="Thư ký hội đồng")
    client = as_(proposer)
    eligible = Position.objects.get(person=proposer, category=Position.Category.STATE_LEADER)
    assert [pk for pk, _label in client.get(url("create")).context["form"].fields["position"].choices] == [str(eligible.pk)]

    other = Position.objects.get(person=proposer, category=Position.Category.OTHER)
    response = client.post(url("create"), {"position": other.pk, "title": "Mượn tư cách khác"})
    assert "position" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_person_without_an_eligible_position_gets_an_explanation_not_the_form(department):
    clerk = UserFactory(username="vanthu")
    PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")
    client = as_(clerk)
    response = client.get(url("create"))
    assert response.status_code == 200
    assert "Bạn chưa thể lập đề xuất đổi mới, sáng tạo" in response.content.decode()
    assert "form" not in response.context
    assert client.post(url("create"), {"title": "X"}).status_code == 403


def test_co_authors_are_chosen_among_people_of_the_same_province(proposer, deputy, outsider):
    elsewhere = OrgUnitFactory(code="UBND-HP", name="Ủy ban nhân dân thành phố Hải Phòng")
    stranger = UserFactory(username="haiphong")
    PositionFactory(person=stranger, unit=elsewhere)
    client = as_(proposer)
    choices = set(client.get(url("create")).context["form"].fields["co_authors"].queryset)
    assert {deputy, outsider} <= choices
    assert stranger not in choices and proposer not in choices
    response = client.post(url("create"), {"position": position_of(proposer).pk, "title": "A", "co_authors": [stranger.pk]})
    assert "co_authors" in response.context["form"].errors

    response = client.post(url("create"), {"position": position_of(proposer).pk, "title": "A", "co_authors": [deputy.pk]})
    assert response.status_code == 302
    assert list(Proposal.objects.get().co_authors.all()) == [deputy]


def test_a_plan_posted_without_co_authors_never_builds_the_candidates(proposer, head, draft, monkeypatch):
    """The province's people are a query built only to check the co-authors posted or show the chosen ones (issue
    10): creating, saving and submitting a plan without co-authors never build it."""
    monkeypatch.setattr(forms, "coauthor_candidates", mock.Mock(side_effect=AssertionError("candidates built")))
    client = as_(proposer)
    assert client.post(url("create"), {"position": position_of(proposer).pk, "title": "Một mình"}).status_code == 302
    assert client.post(url("edit", draft.pk), form_data(complete_plan(title="Đổi tên"))).status_code == 302
    assert client.post(url("submit", draft.pk), form_data(complete_plan(title="Đổi tên"))).status_code == 302


def test_edit_saves_the_draft(proposer, draft):
    response = as_(proposer).post(url("edit", draft.pk), form_data(complete_plan(scope="Thí điểm tại phường Hạ Long")))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scope == "Thí điểm tại phường Hạ Long"


def test_dates_are_read_day_first(proposer, draft):
    as_(proposer).post(url("edit", draft.pk), form_data(complete_plan(), start_date="05/04/2026", end_date="06/05/2026"))
    draft.refresh_from_db()
    assert (draft.start_date, draft.end_date) == (datetime.date(2026, 4, 5), datetime.date(2026, 5, 6))


def test_end_date_before_start_date_is_refused_next_to_the_end_date(proposer, draft):
    response = as_(proposer).post(url("edit", draft.pk), form_data(complete_plan(), start_date="10/05/2026", end_date="01/05/2026"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["end_date"]
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in errors["end_date"]
    assert 'value="01/05/2026"' in response.content.decode()  # what the user typed is kept


def test_co_author_may_read_but_not_edit_the_draft(proposer, deputy):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "A"}, co_authors=[deputy])
    client = as_(deputy)
    assert client.get(url("detail", proposal.pk)).status_code == 200
    assert client.get(url("edit", proposal.pk)).status_code == 403
    assert client.post(url("submit", proposal.pk)).status_code == 403


def test_submitted_plan_cannot_be_edited(proposer, submitted):
    response = as_(proposer).get(url("edit", submitted.pk))
    assert response.status_code == 302
    assert response["Location"] == url("detail", submitted.pk)


def test_html_typed_in_the_title_is_shown_escaped(proposer):
    proposal = draft_proposal(proposer=proposer, title='<script>alert("x")</script> Cải cách', necessity="<b>đậm</b>")
    body = as_(proposer).get(url("detail", proposal.pk)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Cải cách" in body
    assert "&lt;b&gt;đậm&lt;/b&gt;" in body


def test_saving_an_unchanged_draft_writes_no_edit_event(proposer, draft):
    response = as_(proposer).post(url("edit", draft.pk), form_data(complete_plan()))
    assert response.status_code == 302
    assert [event.action for event in AuditEvent.objects.for_object(draft)] == ["create"]
