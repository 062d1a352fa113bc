"""The proposer's pages and the lists, through the test client (spec README §1, §3, §4, §6; decree73.md T1, §4.1).

Personas come from conftest: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province). Time is frozen on
Tuesday 10/03/2026 09:00 (Hanoi): a plan received that day is due for review 7 working days later,
on Thursday 19/03/2026; "due soon" starts 2 working days before (the default legal profile).
"""

import datetime
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Position
from approvals import services as approvals
from approvals.models import Meeting
from core.models import AuditEvent
from proposals import services
from proposals.models import Attachment, LegalProfile, PlanContent, Proposal
from proposals.selectors import current_profile
from proposals.transitions import Status

from .factories import OrgUnitFactory, PositionFactory, UserFactory
from .lifecycle import open_meeting

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)  # a Tuesday
REVIEW_DUE = datetime.date(2026, 3, 19)
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

COMPLETE_PLAN = {
    "title": "Cải cách thủ tục cấp phép xây dựng",
    "field": "admin_reform",
    "necessity": "Thời gian cấp phép kéo dài, người dân phải đi lại nhiều lần.",
    "bottleneck": "Quy trình liên thông chưa được quy định.",
    "legal_references": "Luật Xây dựng 2014",
    "content_solutions": "Tiếp nhận và trả kết quả trực tuyến một cửa.",
    "scope": "Toàn tỉnh",
    "implementers_targets": "Sở Xây dựng, UBND cấp xã; người dân, doanh nghiệp",
    "start_date": datetime.date(2026, 4, 1),
    "end_date": datetime.date(2026, 12, 31),
    "milestones": "Quý II: thí điểm; Quý IV: nhân rộng",
    "resources": "Ngân sách tỉnh 500 triệu đồng",
    "feasibility": "Hạ tầng số đã sẵn sàng",
    "impact": "",
    "expected_results": "Rút ngắn 50% thời gian cấp phép",
    "indicators": "Số ngày xử lý trung bình",
    "cond_a_bottleneck": True,
    "cond_b_common_good": True,
    "cond_c_urgent_no_harm": True,
    "cond_d_reform": True,
}


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def form_data(plan: dict, **extra) -> dict:
    """What the browser posts for `plan` from the edit page."""
    data = {"plan_form": "1"}
    for name, value in plan.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = value
    data.update(extra)
    return data


def position_of(person) -> Position:
    return person.positions.get()


def make_draft(person, **overrides) -> Proposal:
    return services.proposal_create_draft(by=person, position=position_of(person), data={**COMPLETE_PLAN, **overrides})


def make_submitted(person, **overrides) -> Proposal:
    return services.proposal_submit(proposal=make_draft(person, **overrides), by=person)


@pytest.fixture
def draft(proposer):
    return make_draft(proposer)


@pytest.fixture
def submitted(proposer, head, secretariat):
    return make_submitted(proposer)


@pytest.fixture
def as_user(client):
    def login(person):
        client.force_login(person)
        return client

    return login


def url(name, *args):
    return reverse(f"proposals:{name}", args=args)


# --- Access rules common to every view ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "inbox", "create"])
def test_anonymous_is_sent_to_login_from_list_pages(client, db, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["detail", "edit", "compare"])
def test_anonymous_is_sent_to_login_from_proposal_pages(client, draft, name):
    response = client.get(url(name, draft.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_download_an_attachment(client, submitted_with_file):
    proposal, attachment = submitted_with_file
    response = client.get(url("attachment_download", proposal.pk, attachment.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["submit", "revise", "attachment_upload"])
def test_state_changes_refuse_get(as_user, proposer, draft, name):
    assert as_user(proposer).get(url(name, draft.pk)).status_code == 405


def test_attachment_remove_refuses_get(as_user, proposer, draft_with_file):
    proposal, attachment = draft_with_file
    assert as_user(proposer).get(url("attachment_remove", proposal.pk, attachment.pk)).status_code == 405


def test_attachment_download_refuses_post(as_user, proposer, draft_with_file):
    proposal, attachment = draft_with_file
    assert as_user(proposer).post(url("attachment_download", proposal.pk, attachment.pk)).status_code == 405


@pytest.mark.parametrize("name", ["detail", "edit", "compare"])
def test_outsider_gets_404_for_proposal_pages(as_user, outsider, submitted, name):
    assert as_user(outsider).get(url(name, submitted.pk)).status_code == 404


@pytest.mark.parametrize("name", ["submit", "revise", "attachment_upload"])
def test_outsider_gets_404_for_proposal_actions(as_user, outsider, draft, name):
    assert as_user(outsider).post(url(name, draft.pk)).status_code == 404


def test_unit_leaders_do_not_see_a_draft_before_it_is_submitted(as_user, head, draft):
    assert as_user(head).get(url("detail", draft.pk)).status_code == 404


# --- Creating and editing the plan -------------------------------------------------------------------------


def test_create_page_shows_every_plan_section_and_the_capacity(as_user, proposer):
    response = as_user(proposer).get(url("create"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đề xuất với tư cách" in body
    assert "Trưởng phòng — Sở Nội vụ tỉnh Quảng Ninh" in body
    for heading in ("1. Sự cần thiết, mục đích, yêu cầu", "4. Thời gian, lộ trình thực hiện",
                    "Điều kiện theo Điều 5 khoản 1 Nghị định 73/2023/NĐ-CP (tự cam kết)"):
        assert heading in body
    form = response.context["form"]
    assert set(PlanContent.CONTENT_FIELDS) | {"position", "co_authors"} == set(form.fields)


def test_plan_pages_read_the_legal_profile_without_writing_one(as_user, proposer, draft):
    before = list(LegalProfile.objects.values_list("pk", "version"))
    client = as_user(proposer)
    for page in (url("create"), url("edit", draft.pk), url("detail", draft.pk)):
        assert client.get(page).status_code == 200, page
    assert list(LegalProfile.objects.values_list("pk", "version")) == before == [(before[0][0], 1)]


def test_plan_form_marks_the_parts_required_for_submission(as_user, proposer):
    fields = as_user(proposer).get(url("create")).context["form"].fields
    assert "Bắt buộc khi nộp kế hoạch." in fields["bottleneck"].help_text
    assert "Bắt buộc khi nộp kế hoạch." in fields["end_date"].help_text
    assert "Bắt buộc khi nộp kế hoạch." not in fields["impact"].help_text
    assert "Bắt buộc khi nộp kế hoạch." not in fields["legal_references"].help_text


def test_draft_is_saved_with_only_a_title(as_user, proposer):
    position = position_of(proposer)
    response = as_user(proposer).post(url("create"), {"position": position.pk, "title": "Số hóa hồ sơ cán bộ", "plan_form": "1"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("edit", proposal.pk)
    assert (proposal.title, proposal.status, proposal.unit_id) == ("Số hóa hồ sơ cán bộ", Status.DRAFT, position.unit_id)
    assert AuditEvent.objects.for_object(proposal).get().action == "create"


def test_draft_without_a_title_is_refused_next_to_the_title(as_user, proposer):
    response = as_user(proposer).post(url("create"), {"position": position_of(proposer).pk, "title": "  "})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_the_form_offers_only_positions_whose_category_may_propose(as_user, proposer, department):
    PositionFactory(person=proposer, unit=department, category=Position.Category.OTHER, title="Thư ký hội đồng")
    client = as_user(proposer)
    eligible = Position.objects.get(person=proposer, category=Position.Category.STATE_LEADER)
    assert list(client.get(url("create")).context["form"].fields["position"].queryset) == [eligible]

    other = Position.objects.get(person=proposer, category=Position.Category.OTHER)
    response = client.post(url("create"), {"position": other.pk, "title": "Mượn tư cách khác"})
    assert "position" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_person_without_an_eligible_position_gets_an_explanation_not_the_form(as_user, department):
    clerk = UserFactory(username="vanthu")
    PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")
    client = as_user(clerk)
    response = client.get(url("create"))
    assert response.status_code == 200
    assert "Bạn chưa thể lập đề xuất đổi mới, sáng tạo" in response.content.decode()
    assert "form" not in response.context
    assert client.post(url("create"), {"title": "X"}).status_code == 403


def test_co_authors_are_chosen_among_people_of_the_same_province(as_user, proposer, deputy, outsider):
    elsewhere = OrgUnitFactory(code="UBND-HP", name="Ủy ban nhân dân thành phố Hải Phòng")
    stranger = UserFactory(username="haiphong")
    PositionFactory(person=stranger, unit=elsewhere)
    client = as_user(proposer)
    choices = set(client.get(url("create")).context["form"].fields["co_authors"].queryset)
    assert {deputy, outsider} <= choices
    assert stranger not in choices and proposer not in choices
    response = client.post(url("create"), {"position": position_of(proposer).pk, "title": "A", "co_authors": [stranger.pk]})
    assert "co_authors" in response.context["form"].errors

    response = client.post(url("create"), {"position": position_of(proposer).pk, "title": "A", "co_authors": [deputy.pk]})
    assert response.status_code == 302
    assert list(Proposal.objects.get().co_authors.all()) == [deputy]


def test_edit_saves_the_draft(as_user, proposer, draft):
    response = as_user(proposer).post(url("edit", draft.pk), form_data({**COMPLETE_PLAN, "scope": "Thí điểm tại phường Hạ Long"}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scope == "Thí điểm tại phường Hạ Long"


def test_dates_are_read_day_first(as_user, proposer, draft):
    as_user(proposer).post(url("edit", draft.pk), form_data(COMPLETE_PLAN, start_date="05/04/2026", end_date="06/05/2026"))
    draft.refresh_from_db()
    assert (draft.start_date, draft.end_date) == (datetime.date(2026, 4, 5), datetime.date(2026, 5, 6))


def test_end_date_before_start_date_is_refused_next_to_the_end_date(as_user, proposer, draft):
    response = as_user(proposer).post(url("edit", draft.pk), form_data(COMPLETE_PLAN, start_date="10/05/2026", end_date="01/05/2026"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["end_date"]
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in errors["end_date"]
    assert 'value="01/05/2026"' in response.content.decode()  # what the user typed is kept


def test_co_author_may_read_but_not_edit_the_draft(as_user, proposer, deputy):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "A"}, co_authors=[deputy])
    client = as_user(deputy)
    assert client.get(url("detail", proposal.pk)).status_code == 200
    assert client.get(url("edit", proposal.pk)).status_code == 403
    assert client.post(url("submit", proposal.pk)).status_code == 403


def test_submitted_plan_cannot_be_edited(as_user, proposer, submitted):
    response = as_user(proposer).get(url("edit", submitted.pk))
    assert response.status_code == 302
    assert response["Location"] == url("detail", submitted.pk)


def test_html_typed_in_the_title_is_shown_escaped(as_user, proposer):
    proposal = make_draft(proposer, title='<script>alert("x")</script> Cải cách', necessity="<b>đậm</b>")
    body = as_user(proposer).get(url("detail", proposal.pk)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Cải cách" in body
    assert "&lt;b&gt;đậm&lt;/b&gt;" in body


# --- Submitting --------------------------------------------------------------------------------------------


def test_incomplete_plan_names_every_missing_part_next_to_its_field(as_user, proposer, head):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chỉ có tên"})
    response = as_user(proposer).post(url("submit", proposal.pk), form_data({"title": proposal.title, "necessity": "Đã viết"}))
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


def test_submit_with_end_before_start_names_the_end_date_and_the_other_missing_parts(as_user, proposer, head, draft):
    data = form_data({**COMPLETE_PLAN, "scope": ""}, start_date="10/05/2026", end_date="01/05/2026")
    response = as_user(proposer).post(url("submit", draft.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"end_date", "scope"}
    assert errors["end_date"] == ["Thời gian kết thúc phải sau thời gian bắt đầu."]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_complete_plan_is_submitted_to_the_unit_head(as_user, proposer, head, draft):
    response = as_user(proposer).post(url("submit", draft.pk), form_data(COMPLETE_PLAN))
    assert response.status_code == 302
    assert response["Location"] == url("detail", draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert (draft.route, draft.decision_unit_id, draft.current_version) == ("A", position_of(proposer).unit_id, 1)
    assert (draft.received_on, draft.review_due) == (NOW.date(), REVIEW_DUE)


def test_submit_from_the_detail_page_shows_the_missing_parts_on_the_edit_form(as_user, proposer, head):
    proposal = make_draft(proposer, scope="", cond_d_reform=False)
    response = as_user(proposer).post(url("submit", proposal.pk))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"scope", "cond_d_reform"}
    assert COMPLETE_PLAN["necessity"] in response.content.decode()


def test_submit_without_a_unit_head_explains_why(as_user, proposer, draft):
    response = as_user(proposer).post(url("submit", draft.pk), form_data(COMPLETE_PLAN))
    assert response.status_code == 200
    assert "Đơn vị chưa có người đứng đầu để tiếp nhận đề xuất." in response.context["form"].non_field_errors()


# --- Attachments -------------------------------------------------------------------------------------------


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft_with_file(private_media, proposer, draft):
    upload = SimpleUploadedFile("Đề án chi tiết.pdf", PDF_BYTES, content_type="application/pdf")
    return draft, services.attachment_add(proposal=draft, by=proposer, uploaded_file=upload)


@pytest.fixture
def submitted_with_file(draft_with_file, proposer, head):
    proposal, attachment = draft_with_file
    services.proposal_submit(proposal=proposal, by=proposer)
    attachment.refresh_from_db()
    return proposal, attachment


def test_valid_pdf_is_stored_privately_and_downloaded_with_its_vietnamese_name(as_user, proposer, draft, private_media):
    client = as_user(proposer)
    name = "Đề án cải cách thủ tục.pdf"
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    response = client.post(url("attachment_upload", draft.pk), {"file": upload, "description": "Đề án"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert attachment.file.name == f"attachments/{draft.pk}/{attachment.storage_token}"  # generated, not the user's name
    assert (attachment.original_name, attachment.content_type) == (name, "application/pdf")

    download = client.get(url("attachment_download", draft.pk, attachment.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{urllib.parse.quote(name)}"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_exe_renamed_pdf_is_refused_next_to_the_file_field(as_user, proposer, draft, private_media):
    upload = SimpleUploadedFile("bao-cao.pdf", EXE_BYTES, content_type="application/pdf")
    response = as_user(proposer).post(url("attachment_upload", draft.pk), {"file": upload})
    assert response.status_code == 200
    errors = response.context["upload_form"].errors["file"]
    assert any("Loại tệp không được chấp nhận" in error for error in errors)
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_too_large_file_is_refused_next_to_the_file_field(as_user, proposer, draft, private_media, settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    upload = SimpleUploadedFile("Đề án.pdf", PDF_BYTES + b"0" * 100, content_type="application/pdf")
    response = as_user(proposer).post(url("attachment_upload", draft.pk), {"file": upload})
    assert response.status_code == 200
    assert any("Tệp quá lớn" in error for error in response.context["upload_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_upload_by_someone_else_is_forbidden(as_user, proposer, deputy, private_media):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "A"}, co_authors=[deputy])
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")
    assert as_user(deputy).post(url("attachment_upload", proposal.pk), {"file": upload}).status_code == 403


def test_unsubmitted_file_can_be_removed(as_user, proposer, draft_with_file):
    proposal, attachment = draft_with_file
    response = as_user(proposer).post(url("attachment_remove", proposal.pk, attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert as_user(proposer).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 404


def test_the_edit_page_offers_to_remove_only_files_not_yet_submitted(as_user, proposer, head, submitted_with_file):
    proposal, submitted_file = submitted_with_file
    approvals.proposal_return(proposal=proposal, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
    services.proposal_revise(proposal=proposal, by=proposer)
    upload = SimpleUploadedFile("Bổ sung.pdf", PDF_BYTES, content_type="application/pdf")
    new_file = services.attachment_add(proposal=proposal, by=proposer, uploaded_file=upload)

    response = as_user(proposer).get(url("edit", proposal.pk))

    assert {a.pk: a.removable for a in response.context["attachments"]} == {submitted_file.pk: False, new_file.pk: True}
    body = response.content.decode()
    assert url("attachment_remove", proposal.pk, new_file.pk) in body
    assert url("attachment_remove", proposal.pk, submitted_file.pk) not in body


def test_submitted_file_stays(as_user, proposer, submitted_with_file):
    proposal, attachment = submitted_with_file
    response = as_user(proposer).post(url("attachment_remove", proposal.pk, attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_file_removal_by_a_unit_leader_is_forbidden(as_user, head, submitted_with_file):
    proposal, attachment = submitted_with_file
    assert as_user(head).post(url("attachment_remove", proposal.pk, attachment.pk)).status_code == 403


def test_head_downloads_a_submitted_file_and_outsider_gets_404(as_user, head, outsider, submitted_with_file):
    proposal, attachment = submitted_with_file
    assert as_user(head).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 200
    assert as_user(outsider).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 404


def test_attachment_of_another_proposal_is_not_reachable_through_mine(as_user, proposer, draft_with_file):
    proposal, attachment = draft_with_file
    other = make_draft(proposer, title="Khác")
    assert as_user(proposer).get(url("attachment_download", other.pk, attachment.pk)).status_code == 404


# --- Detail page, versions and timeline --------------------------------------------------------------------


def test_detail_shows_status_routing_due_date_and_timeline(as_user, head, submitted):
    response = as_user(head).get(url("detail", submitted.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert submitted.code in body and "Đã nộp, chờ xem xét" in body
    assert "Trình người đứng đầu cơ quan sử dụng cán bộ" in body
    assert "10/03/2026" in body and "19/03/2026" in body
    assert "badge-due-ontime" in body
    assert "Kế hoạch đề xuất" in body and COMPLETE_PLAN["content_solutions"] in body
    timeline = response.context["timeline"]
    assert [row["action"] for row in timeline] == ["Tạo dự thảo kế hoạch", "Nộp kế hoạch"]
    assert timeline[1]["role"] == "Cán bộ đề xuất"
    assert "10/03/2026 09:00" in body
    # The deciding unit's section is on the page, composed from the stage registry.
    assert [section.stage.label for section in response.context["stage_sections"]] == ["approvals"]
    assert not response.context["can_edit"]


@pytest.mark.parametrize(("today", "badge"), [
    (datetime.date(2026, 3, 16), "badge-due-ontime"),
    (datetime.date(2026, 3, 17), "badge-due-soon"),
    (datetime.date(2026, 3, 19), "badge-due-soon"),
    (datetime.date(2026, 3, 20), "badge-due-overdue"),
])
def test_due_badge_follows_working_days(as_user, head, submitted, today, badge):
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(9), tzinfo=HANOI), tick=False):
        body = as_user(head).get(url("detail", submitted.pk)).content.decode()
    assert badge in body


def test_proposer_sees_edit_and_submit_actions_on_a_draft(as_user, proposer, draft):
    response = as_user(proposer).get(url("detail", draft.pk))
    assert response.context["can_edit"] and response.context["plan_is_draft"]
    assert url("submit", draft.pk) in response.content.decode()


def test_returned_plan_is_revised_resubmitted_and_versions_are_compared(as_user, proposer, head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
    client = as_user(proposer)
    assert client.get(url("detail", submitted.pk)).context["can_revise"]
    response = client.post(url("revise", submitted.pk))
    assert response.status_code == 302 and response["Location"] == url("edit", submitted.pk)
    response = client.post(url("submit", submitted.pk), form_data({**COMPLETE_PLAN, "scope": "Toàn tỉnh <b>và</b> thí điểm"}))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.current_version) == (Status.SUBMITTED, 2)

    response = as_user(head).get(url("compare", submitted.pk))
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert [name for name, row in rows.items() if row.changed] == ["scope"]
    html = str(rows["scope"].html)
    assert "Toàn tỉnh" in html and "<ins>" in html
    assert "&lt;b&gt;và&lt;/b&gt;" in html and "<b>" not in html
    timeline = [row["action"] for row in as_user(head).get(url("detail", submitted.pk)).context["timeline"]]
    assert "Trả lại để bổ sung, làm rõ" in timeline and "Chỉnh sửa để nộp lại" in timeline


def test_compare_with_chosen_versions_and_refuses_the_same_twice(as_user, proposer, head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
    services.proposal_revise(proposal=submitted, by=proposer)
    services.proposal_update_draft(proposal=submitted, by=proposer, data={"title": "Tên mới"})
    services.proposal_submit(proposal=submitted, by=proposer)
    client = as_user(proposer)
    response = client.get(url("compare", submitted.pk), {"old": 2, "new": 1})
    assert [row.name for row in response.context["rows"] if row.changed] == ["title"]
    response = client.get(url("compare", submitted.pk), {"old": 1, "new": 1})
    assert response.context["rows"] is None and "new" in response.context["form"].errors


def test_revise_by_the_head_is_forbidden(as_user, head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
    assert as_user(head).post(url("revise", submitted.pk)).status_code == 403


def test_compare_with_a_single_version_says_so(as_user, proposer, submitted):
    response = as_user(proposer).get(url("compare", submitted.pk))
    assert response.status_code == 200
    assert "chưa có đủ hai phiên bản" in response.content.decode()


# --- Work inbox --------------------------------------------------------------------------------------------


def test_inbox_shows_the_heads_pending_proposal_with_what_is_expected(as_user, head, submitted):
    response = as_user(head).get(url("inbox"))
    assert response.status_code == 200
    [item] = response.context["inbox"]["to_decide"]
    assert item.proposal == submitted and item.due == REVIEW_DUE and item.due_state == "on_time"
    assert str(item.expected) == "Ghi nhận ý kiến cấp ủy"
    body = response.content.decode()
    assert submitted.title in body and "19/03/2026" in body and "badge-due-ontime" in body


def test_inbox_shows_a_deputys_pending_vote_until_the_vote_is_cast(as_user, head, deputy, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_user(deputy)
    [item] = client.get(url("inbox")).context["inbox"]["to_vote"]
    assert item.target == meeting and item.proposal == submitted
    assert "Biểu quyết tại cuộc họp tập thể lãnh đạo" in client.get(url("inbox")).content.decode()

    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    assert client.get(url("inbox")).context["inbox"]["to_vote"] == []
    assert Meeting.objects.get().state == Meeting.State.OPEN


def test_inbox_tells_the_secretariat_to_hold_the_meeting_after_consultation(as_user, head, secretariat, submitted):
    approvals.consultation_record(proposal=submitted, by=secretariat, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    [item] = as_user(secretariat).get(url("inbox")).context["inbox"]["to_decide"]
    assert str(item.expected) == "Tổ chức họp tập thể lãnh đạo"


def test_inbox_shows_the_proposers_drafts_and_returned_plans(as_user, proposer, head, submitted):
    draft = make_draft(proposer, title="Dự thảo mới")
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
    inbox = as_user(proposer).get(url("inbox")).context["inbox"]
    assert {item.proposal for item in inbox["mine"]} == {draft, submitted}
    assert inbox["to_decide"] == [] and inbox["to_vote"] == []


def test_inbox_sections_share_one_partial_with_their_own_columns(as_user, head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = make_submitted(proposer, title="Đề xuất thứ hai")

    response = as_user(head).get(url("inbox"))

    assert [t.name for t in response.templates].count("proposals/partials/inbox_section.html") == 2
    body = response.content.decode()
    assert 'id="cho-xu-ly-heading"' in body and 'id="bieu-quyet-heading"' in body
    assert "Ngày họp" in body and other.title in body


def test_inbox_rows_lead_to_where_the_work_is_done_on_the_proposal_page(as_user, head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = make_submitted(proposer, title="Đề xuất thứ hai")
    draft = make_draft(proposer, title="Dự thảo mới")

    decide = as_user(head).get(url("inbox")).content.decode()
    vote = as_user(deputy).get(url("inbox")).content.decode()
    mine = as_user(proposer).get(url("inbox")).content.decode()

    # The decision panel, the meeting to vote at (inside the panel), the proposer's own buttons.
    assert f'href="{url("detail", other.pk)}#xet-duyet"' in decide
    assert f'href="{url("detail", submitted.pk)}#cuoc-hop-{meeting.pk}"' in vote
    assert f'href="{url("detail", draft.pk)}#thao-tac"' in mine
    assert f'id="cuoc-hop-{meeting.pk}"' in as_user(deputy).get(url("detail", submitted.pk)).content.decode()
    assert 'id="thao-tac"' in as_user(proposer).get(url("detail", draft.pk)).content.decode()


def test_submitting_the_plan_asks_for_confirmation_first(as_user, proposer, draft):
    client = as_user(proposer)
    for page in (client.get(url("detail", draft.pk)), client.get(url("edit", draft.pk))):
        body = page.content.decode()
        assert 'data-confirm="Nộp kế hoạch? Sau khi nộp' in body
        assert "js/confirm.js" in body
    # Saving the draft from the same form is not asked: only the submit button carries the question.
    edit = client.get(url("edit", draft.pk)).content.decode()
    assert edit.count("data-confirm=") == 1 and f'formaction="{url("submit", draft.pk)}" data-confirm=' in edit


def test_a_proposal_voted_on_time_is_not_overdue_while_the_decision_is_prepared(as_user, head, deputy, proposer):
    waiting = make_submitted(proposer, title="Chưa họp")
    voted = make_submitted(proposer, title="Đã họp và biểu quyết")
    approvals.consultation_record(proposal=voted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=voted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    approvals.vote_cast(meeting=meeting, by=head, choice="for")
    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    approvals.meeting_close(meeting=meeting, by=head)
    client = as_user(head)

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


def test_inbox_of_an_outsider_is_empty(as_user, outsider, submitted):
    response = as_user(outsider).get(url("inbox"))
    assert len(response.context["inbox"]) == 0
    assert "Hiện không có việc nào cần bạn xử lý." in response.content.decode()


@pytest.mark.parametrize("count", [3, 10])
def test_inbox_query_count_does_not_grow_with_rows(as_user, django_assert_num_queries, head, deputy, proposer, secretariat, count):
    for n in range(count):
        proposal = make_submitted(proposer, title=f"Đề xuất {n}")
        if n == 0:
            approvals.consultation_record(proposal=proposal, by=head, committee="Đảng ủy", opinion_date=NOW.date(), opinion="Đồng ý.")
            open_meeting(proposal=proposal, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_user(head)
    # 1 session, 2 user, 3 proposals to decide (unit, decider, profile, proposer joined; consultation as EXISTS),
    # 4 calendar days for "due soon" (once, not per row), 5 open meetings to vote in (proposal joined),
    # 6 own drafts/returned, 7 positions held today with the Art. 2 categories of the profile in force as a
    # subquery (navbar "Lập đề xuất mới"), 8 unread notifications (navbar).
    with django_assert_num_queries(8):
        response = client.get(url("inbox"))
    assert len(response.context["inbox"]["to_decide"]) == count
    assert len(response.context["inbox"]["to_vote"]) == 1


# --- Proposal list -----------------------------------------------------------------------------------------


def test_accent_insensitive_search_finds_cai_cach(as_user, head, proposer, secretariat):
    reform = make_submitted(proposer, title="Cải cách thủ tục hành chính")
    digital = make_submitted(proposer, title="Số hóa hồ sơ", bottleneck="Dữ liệu phân tán", content_solutions="Kho dữ liệu chung")
    response = as_user(head).get(url("list"), {"q": "cai cach"})
    assert list(response.context["page"]) == [reform]
    assert digital.title not in response.content.decode()
    assert 'value="cai cach"' in response.content.decode()  # the filter keeps what was typed
    assert list(as_user(head).get(url("list"), {"q": "CẢI CÁCH"}).context["page"]) == [reform]


def test_list_shows_only_what_the_user_may_see(as_user, outsider, proposer, submitted, draft):
    assert list(as_user(outsider).get(url("list")).context["page"]) == []
    assert set(as_user(proposer).get(url("list")).context["page"]) == {submitted, draft}


def test_list_filters(as_user, head, proposer, secretariat, other_unit):
    digital = make_submitted(proposer, title="Chuyển đổi số", field="digital")
    reform = make_submitted(proposer, title="Cải cách", field="admin_reform")
    draft = make_draft(proposer, title="Dự thảo")  # the head does not see a draft
    client = as_user(head)

    def titles(**params):
        return {p.title for p in client.get(url("list"), params).context["page"]}

    assert titles() == {"Chuyển đổi số", "Cải cách"}
    assert titles(field="digital") == {"Chuyển đổi số"}
    assert titles(status="submitted") == {"Chuyển đổi số", "Cải cách"}
    assert titles(status="draft") == set()
    assert titles(year=2026) == {"Chuyển đổi số", "Cải cách"}
    assert titles(year=2025) == set()
    assert titles(unit=position_of(proposer).unit_id) == {"Chuyển đổi số", "Cải cách"}
    assert titles(overdue="on") == set()
    assert [p.title for p in client.get(url("list"), {"sort": "due"}).context["page"]] == ["Cải cách", "Chuyển đổi số"]
    # A unit outside the user's scope is not a valid choice: the filter is ignored, never widened.
    assert "unit" in client.get(url("list"), {"unit": other_unit.pk}).context["form"].errors
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=HANOI), tick=False):
        assert titles(overdue="on") == {"Chuyển đổi số", "Cải cách"}
        approvals.proposal_return(proposal=reform, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.")
        assert titles(overdue="on") == {"Chuyển đổi số"}
    assert digital and draft


@pytest.mark.postgres
def test_title_sort_follows_vietnamese_order_on_postgresql(as_user, proposer):
    for title in ("Đường dây nóng", "Chuyển đổi số", "Cải cách", "Dịch vụ công"):
        make_draft(proposer, title=title)
    page = as_user(proposer).get(url("list"), {"sort": "title"}).context["page"]
    assert [p.title for p in page] == ["Cải cách", "Chuyển đổi số", "Dịch vụ công", "Đường dây nóng"]


def test_list_is_paginated_by_20(as_user, proposer):
    for n in range(23):
        make_draft(proposer, title=f"Đề xuất {n:02d}")
    client = as_user(proposer)
    first = client.get(url("list"), {"sort": "title"})
    assert len(first.context["page"]) == 20 and first.context["page"].paginator.num_pages == 2
    second = client.get(url("list"), {"sort": "title", "trang": 2})
    assert [p.title for p in second.context["page"]] == ["Đề xuất 20", "Đề xuất 21", "Đề xuất 22"]
    assert "sort=title&amp;trang=1" in second.content.decode()


@pytest.mark.parametrize("count", [3, 10])
def test_list_query_count_does_not_grow_with_rows(as_user, django_assert_num_queries, head, proposer, secretariat, count):
    for n in range(count):
        make_submitted(proposer, title=f"Cải cách {n}")
    client = as_user(head)
    # 1 session, 2 user, 3 paths of the units in the user's scope (filter choices), 4 inspector paths for
    # `visible_to`, 5 count, 6 the page of proposals (unit, proposer, profile joined), 7 calendar days for
    # "due soon" (once per page, not per row), 8 positions held today with the profile's Art. 2 categories
    # (navbar and the "Lập đề xuất mới" button), 9 unread notifications (navbar), 10 the unit choices of the
    # filter form.
    with django_assert_num_queries(10):
        response = client.get(url("list"), {"q": "cai cach", "sort": "due"})
    assert len(response.context["page"]) == count


def test_home_and_navbar_link_to_the_inbox_list_and_new_proposal(as_user, proposer):
    body = as_user(proposer).get(reverse("core:home")).content.decode()
    for name in ("inbox", "list", "create"):
        assert f'href="{url(name)}"' in body
    assert url("create") == "/de-xuat/moi/" and url("inbox") == "/de-xuat/viec-can-xu-ly/"


def test_new_proposal_is_offered_only_to_a_position_whose_category_may_propose(as_user, department, proposer):
    clerk = UserFactory(username="vanthu")
    PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")
    create_link = f'href="{url("create")}"'

    assert create_link not in as_user(clerk).get(url("list")).content.decode()
    assert as_user(proposer).get(url("list")).content.decode().count(create_link) == 2  # navbar and button
    # A newer version of the rules that no longer admits the proposer's category takes the offer away.
    LegalProfile.objects.create(version=2, eligible_categories=[Position.Category.ENTERPRISE])
    assert create_link not in as_user(proposer).get(url("list")).content.decode()


def test_navbar_hides_new_proposal_from_someone_without_a_position(as_user, db):
    body = as_user(UserFactory(username="khach")).get(url("list")).content.decode()
    assert f'href="{url("inbox")}"' in body
    assert f'href="{url("create")}"' not in body


def test_saving_an_unchanged_draft_writes_no_edit_event(as_user, proposer, draft):
    response = as_user(proposer).post(url("edit", draft.pk), form_data(COMPLETE_PLAN))
    assert response.status_code == 302
    assert [event.action for event in AuditEvent.objects.for_object(draft)] == ["create"]
