"""Acceptance walks in a real browser: the people of a Sở go through Decree 73 the way they would at work.

Each actor logs in through the login form in a browser context of their own (their own cookies), and
finds the controls by their Vietnamese labels and roles, as a screen reader user would. The data is made
with the personas of tests/conftest.py; the server is pytest-django's `live_server`, in another thread, so
every test commits (`transaction=True`). The clock is not frozen: the browser's cookies live in real time,
so meetings and opinions are dated today (Hà Nội).
"""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from proposals.models import Proposal
from tests.e2e.browser import (
    TIMEOUT_MS,
    accept_dialogs,
    definition,
    dmy,
    expect_message,
    log_in,
    main_nav,
    meeting_start,
    open_disclosure,
    status_of,
)
from tests.lifecycle import JUSTIFICATION, submitted_proposal

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Tiếp nhận hồ sơ bổ nhiệm cán bộ hoàn toàn trực tuyến"
AGAINST_REASON = "Chưa làm rõ nguồn kinh phí duy trì phần mềm sau năm đầu triển khai."
APPROVED = "Đã cho triển khai thực hiện"
# Every Art. 7(2) content the plan form asks for on submission (the impact assessment is optional), by label.
PLAN_TEXTS = {
    "Sự cần thiết, mục đích, yêu cầu": "Hồ sơ bổ nhiệm đang nộp giấy, xử lý 20 ngày.",
    "Điểm nghẽn, vướng mắc": "Chưa có quy định tiếp nhận hồ sơ bổ nhiệm điện tử.",
    "Văn bản pháp luật liên quan": "Nghị định 30/2020/NĐ-CP; Nghị định 73/2023/NĐ-CP.",
    "Nội dung, nhiệm vụ, giải pháp": "Phần mềm tiếp nhận hồ sơ; ký số; lưu trữ điện tử.",
    "Phạm vi thực hiện": "Sở Nội vụ tỉnh Quảng Ninh.",
    "Chủ thể thực hiện, đối tượng tác động": "Phòng Tổ chức cán bộ; cán bộ được bổ nhiệm.",
    "Các mốc thực hiện": "Tháng thứ 3: vận hành thử; tháng thứ 9: tổng kết.",
    "Nguồn lực bảo đảm": "Kinh phí 500.000.000 đồng; 5 cán bộ kỹ thuật.",
    "Tính khả thi": "Hạ tầng ký số và cổng dịch vụ công đã sẵn sàng.",
    "Hiệu quả dự kiến": "Giảm thời gian giải quyết từ 20 xuống 7 ngày.",
    "Chỉ tiêu đo lường kết quả": "Tỷ lệ hồ sơ điện tử đạt 80%.",
}


# --- Helpers -----------------------------------------------------------------------------------------------


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table: what a scanner or an office suite would write."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def expect_field_error(field: Locator, message: str | re.Pattern) -> None:
    """The error is tied to the field for assistive technology and printed in the field's own block."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described = message if isinstance(message, re.Pattern) else re.compile(re.escape(message))
    expect(field).to_have_accessible_description(described)
    expect(field.locator("xpath=..").get_by_text(message)).to_be_visible()


def fill_if_present(scope: Locator, label: re.Pattern, value: str) -> bool:
    """Fill a field another developer may be adding right now (start time, secretary); True when it exists."""
    field = scope.get_by_label(label)
    if field.count() == 0:
        return False
    field.first.fill(value)
    return True


def cast_vote(page: Page, site_url: str, title: str, choice: str, reason: str = "") -> None:
    """From the voter's inbox ("Cuộc họp chờ bạn biểu quyết") to the ballot on the proposal page."""
    page.goto(f"{site_url}/de-xuat/viec-can-xu-ly/")
    page.get_by_role("region", name=re.compile("Cuộc họp chờ bạn biểu quyết")).get_by_role("link", name=title).click()
    ballot = page.get_by_role("group", name=re.compile("^Ý kiến biểu quyết"))
    ballot.get_by_role("radio", name=choice, exact=True).check()
    if reason:
        page.get_by_label("Lý do").fill(reason)
    page.get_by_role("button", name="Gửi biểu quyết").click()
    expect_message(page, "Đã ghi nhận biểu quyết của bạn.")
    expect(page.get_by_text("Bạn đã biểu quyết.")).to_be_visible()


def record_opinion_and_open_meeting(page: Page, *, today: datetime.date, secretary: str, present: list) -> None:
    """The secretariat's (or the head's) part before the vote: Art. 4(3) opinion, then the meeting record."""
    form = open_disclosure(page, "Ghi nhận ý kiến cấp ủy")
    form.get_by_label("Cấp ủy, tổ chức đảng cho ý kiến").fill("Đảng ủy Sở Nội vụ")
    form.get_by_label("Ngày có ý kiến").fill(dmy(today))
    form.get_by_label("Nội dung ý kiến").fill("Thống nhất chủ trương; đề nghị tập thể lãnh đạo Sở xem xét.")
    form.get_by_role("button", name="Ghi nhận ý kiến").click()
    expect_message(page, "Đã ghi nhận ý kiến cấp ủy.")

    form = open_disclosure(page, "Tổ chức họp tập thể lãnh đạo")
    form.get_by_label("Ngày họp").fill(dmy(today))
    fill_if_present(form, re.compile(r"giờ bắt đầu|thời gian bắt đầu", re.IGNORECASE), f"{meeting_start():%H:%M}")
    form.get_by_label("Địa điểm").fill("Phòng họp tầng 3, Sở Nội vụ")
    fill_if_present(form, re.compile(r"thư ký", re.IGNORECASE), secretary)
    # The members entitled to vote, pre-ticked ("Name — Title"); the test ticks the ones present anyway.
    attendees = form.get_by_role("group", name=re.compile("Thành viên có quyền biểu quyết có mặt"))
    expect(attendees.get_by_role("checkbox")).to_have_count(len(present))
    for person in present:
        attendees.get_by_role("checkbox", name=re.compile(rf"^{re.escape(person.get_full_name())}( — |$)")).check()
    form.get_by_role("button", name="Mở cuộc họp").click()
    expect_message(page, f"Đã mở cuộc họp tập thể lãnh đạo ngày {dmy(today)}")
    expect(status_of(page)).to_have_text("Đang họp tập thể lãnh đạo")


def result_count(page: Page, row: str) -> Locator:
    table = page.get_by_role("table", name="Kết quả biểu quyết")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row, exact=True)).get_by_role("cell")


# --- Fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    return accept_dialogs(page)


# --- Walk 1: proposal, opinion, meeting, 2–1 vote, approval decision ------------------------------------------


def test_walk_1_plan_submitted_voted_and_approved(
    page, browser_as, site_url, proposer, leaders, secretariat, today, tmp_path
):
    head, deputy, deputy2 = leaders
    scan = tmp_path / "Sơ đồ quy trình liên thông.pdf"
    scan.write_bytes(minimal_pdf())

    # The proposer (Trưởng phòng on the staff of the Sở) drafts the plan from the navigation bar.
    log_in(page, site_url, proposer)
    main_nav(page).get_by_role("link", name="Lập đề xuất mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lập đề xuất mới")
    page.get_by_label("Tên đề xuất").fill(TITLE)
    page.get_by_label("Lĩnh vực").select_option(label="Chuyển đổi số")
    # Text areas by role: a section heading such as "1. Sự cần thiết, mục đích, yêu cầu" names its region too.
    for label, text in PLAN_TEXTS.items():
        page.get_by_role("textbox", name=label).fill(text)
    start, end = today + datetime.timedelta(days=30), today + datetime.timedelta(days=300)
    page.get_by_role("textbox", name="Thời gian bắt đầu").press_sequentially(dmy(start))
    page.get_by_role("textbox", name="Thời gian kết thúc").press_sequentially(dmy(end))
    conditions = page.get_by_role("group", name=re.compile("Đề xuất đáp ứng các điều kiện sau"))
    for letter in "abcd":
        conditions.get_by_role("checkbox", name=re.compile(rf"^\({letter}\)")).check()
    # Art. 1 (review D-2): not a pilot legal normative document; Art. 4(2) (D-5): within the unit's competence.
    page.get_by_role("radio", name="Không", exact=True).check()
    page.get_by_role("checkbox", name=re.compile(r"^Đề xuất thuộc thẩm quyền quyết định của cơ quan")).check()
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect_message(page, "Đã lưu dự thảo.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa kế hoạch đề xuất")

    # A small real PDF, then submission from the edit page.
    files = page.get_by_role("region", name="Tệp đính kèm")
    files.get_by_label("Tệp đính kèm").set_input_files(scan)
    files.get_by_label("Mô tả tệp").fill("Sơ đồ quy trình liên thông")
    files.get_by_role("button", name="Tải tệp lên").click()
    expect_message(page, f"Đã đính kèm tệp “{scan.name}”.")
    page.get_by_role("button", name="Nộp kế hoạch").click()
    expect_message(page, "Đã nộp kế hoạch.")
    expect(status_of(page)).to_have_text("Đã nộp, chờ xem xét")
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.review_due is not None and proposal.received_on == today
    expect(definition(page, "Hạn họp xem xét")).to_contain_text(dmy(proposal.review_due))
    expect(page.get_by_role("link", name=scan.name)).to_be_visible()
    expect(definition(page, "Thời gian bắt đầu")).to_have_text(dmy(start))
    expect(definition(page, "Thời gian kết thúc")).to_have_text(dmy(end))
    proposal_url = page.url.split("#")[0]

    # The secretariat finds it in "Việc cần xử lý", records the party committee's opinion, opens the meeting.
    office = browser_as(secretariat)
    main_nav(office).get_by_role("link", name="Việc cần xử lý").click()
    office.get_by_role("region", name=re.compile("Đề xuất chờ cơ quan xem xét")).get_by_role("link", name=TITLE).click()
    record_opinion_and_open_meeting(
        office, today=today, secretary=secretariat.get_full_name(), present=[head, deputy, deputy2]
    )

    # Three ballots, each in the voter's own session: 2 for, 1 against with a reason.
    head_page = browser_as(head)
    cast_vote(head_page, site_url, TITLE, "Tán thành")
    cast_vote(browser_as(deputy), site_url, TITLE, "Tán thành")
    cast_vote(browser_as(deputy2), site_url, TITLE, "Không tán thành", AGAINST_REASON)

    # The head closes the vote: the collective passed it 2–1; then issues the approval decision.
    head_page.reload()
    head_page.get_by_role("button", name="Kết thúc biểu quyết").click()
    expect_message(head_page, "tập thể lãnh đạo thông qua đề xuất")
    expect(status_of(head_page)).to_have_text("Tập thể thông qua, chờ quyết định")
    expect(head_page.get_by_text("Tập thể lãnh đạo thông qua", exact=True)).to_be_visible()
    expect(result_count(head_page, "Tán thành")).to_have_text("2")
    expect(result_count(head_page, "Không tán thành")).to_have_text("1")
    expect(head_page.get_by_role("table", name="Ý kiến của từng thành viên có mặt")).to_contain_text(AGAINST_REASON)
    approve = open_disclosure(head_page, "Ban hành quyết định cho triển khai thực hiện")
    expect(approve.get_by_label("Nội dung tổ chức thực hiện")).not_to_be_empty()
    approve.get_by_label(re.compile("Tôi xác nhận đề xuất thuộc thẩm quyền")).check()  # Art. 4(2) (review D-5)
    approve.get_by_role("button", name="Ban hành quyết định").click()
    expect_message(head_page, "Đã ban hành quyết định cho triển khai thực hiện số")
    expect(status_of(head_page)).to_have_text(APPROVED)

    # The proposer: the new status, the notification, and the decision as a PDF.
    page.goto(proposal_url)
    expect(status_of(page)).to_have_text(APPROVED)
    notifications = main_nav(page).get_by_role("link", name=re.compile("Thông báo"))
    expect(notifications).to_contain_text("chưa đọc")
    notifications.click()
    notice = page.get_by_role(
        "link", name=re.compile(rf"“{re.escape(TITLE)}” đã được cho triển khai thực hiện \(Quyết định số")
    )
    expect(notice).to_be_visible()
    notice.click()
    expect(page).to_have_url(re.compile(rf"/de-xuat/{proposal.pk}/"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Tải văn bản số .+ \(PDF\)$")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("heading", name="Văn bản").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "walk1-proposer-approved.png", full_page=True)
    head_page.screenshot(path=tmp_path / "walk1-head-after-decision.png", full_page=True)


# --- Walk 2: the collective does not pass it; the head decides in writing ----------------------------------


def test_walk_2_vote_fails_and_head_overrides(browser_as, site_url, proposer, leaders, today, tmp_path):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer, title=TITLE)

    head_page = browser_as(head)
    head_page.goto(f"{site_url}/de-xuat/{proposal.pk}/")
    record_opinion_and_open_meeting(head_page, today=today, secretary="Nguyễn Thị Thư", present=[head, deputy, deputy2])
    cast_vote(head_page, site_url, TITLE, "Tán thành")
    cast_vote(browser_as(deputy), site_url, TITLE, "Không tán thành", AGAINST_REASON)
    cast_vote(browser_as(deputy2), site_url, TITLE, "Không tán thành", AGAINST_REASON)

    head_page.reload()
    head_page.get_by_role("button", name="Kết thúc biểu quyết").click()
    expect_message(head_page, "tập thể lãnh đạo không thông qua đề xuất")
    expect(status_of(head_page)).to_have_text("Tập thể không thông qua")
    expect(result_count(head_page, "Tán thành")).to_have_text("1")
    expect(result_count(head_page, "Không tán thành")).to_have_text("2")

    override = open_disclosure(head_page, "Người đứng đầu quyết định cho triển khai (khi tập thể không thông qua)")
    issue = override.get_by_role("button", name="Ban hành quyết định", exact=True)

    # Empty: nothing may be issued. The panel's forms are `novalidate`, so the server answers, in Vietnamese,
    # next to the field (not the browser's own bubble in the browser's language).
    issue.click()
    expect(head_page.get_by_role("heading", level=1)).to_have_text(
        "Người đứng đầu quyết định cho triển khai (khi tập thể không thông qua)"
    )
    field = head_page.get_by_label("Lý do người đứng đầu quyết định cho triển khai")
    expect_field_error(field, "Trường này là bắt buộc.")
    head_page.screenshot(path=tmp_path / "walk2-override-empty-justification.png", full_page=True)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.COLLECTIVE_FAILED

    # Too short for the service (Art. 8(1) asks for the necessity and feasibility): its own message, same place.
    field.fill("Cần thiết.")
    head_page.get_by_label(re.compile("Tôi xác nhận đề xuất thuộc thẩm quyền")).check()
    head_page.get_by_role("button", name="Ban hành quyết định").click()
    expect_field_error(field, re.compile(r"Cần nêu rõ lý do \(ít nhất \d+ ký tự\)"))

    # A written justification: the head's decision is issued.
    field.fill(JUSTIFICATION)
    head_page.get_by_label(re.compile("Tôi xác nhận đề xuất thuộc thẩm quyền")).check()
    head_page.get_by_role("button", name="Ban hành quyết định").click()
    expect_message(head_page, "Đã ban hành quyết định cho triển khai thực hiện (người đứng đầu quyết định) số")
    expect(status_of(head_page)).to_have_text(APPROVED)
    override_heading = re.compile(r"^Quyết định cho triển khai thực hiện \(người đứng đầu quyết định\)")
    decision = head_page.get_by_role("article").filter(has=head_page.get_by_role("heading", name=override_heading))
    expect(decision.get_by_text("Người đứng đầu quyết định khi tập thể không thông qua")).to_be_visible()
    expect(decision).to_contain_text(JUSTIFICATION)
    expect(head_page.get_by_text("Tập thể lãnh đạo không thông qua", exact=True)).to_be_visible()
    decision.scroll_into_view_if_needed()
    head_page.screenshot(path=tmp_path / "walk2-head-override.png", full_page=True)

    # The proposer sees the same: approved, by the head's decision.
    mine = browser_as(proposer)
    mine.goto(f"{site_url}/de-xuat/{proposal.pk}/")
    expect(status_of(mine)).to_have_text(APPROVED)
    expect(mine.get_by_text("Người đứng đầu quyết định khi tập thể không thông qua")).to_be_visible()


# --- Walk 3: outside the scope, and the login page ---------------------------------------------------------


@pytest.mark.usefixtures("head")  # the proposal is routed to the head of the Sở
def test_outsider_gets_404_and_login_page_is_vietnamese(page, browser_as, site_url, proposer, outsider):
    proposal = submitted_proposal(proposer=proposer, title=TITLE)

    page.goto(f"{site_url}/tai-khoan/dang-nhap/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_label("Mật khẩu")).to_be_visible()

    stranger = browser_as(outsider)
    response = stranger.goto(f"{site_url}/de-xuat/{proposal.pk}/")
    assert response is not None and response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang (404)")
    expect(stranger.locator("html")).to_have_attribute("lang", "vi")
    expect(stranger.get_by_text(TITLE)).to_have_count(0)
