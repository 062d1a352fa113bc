"""Acceptance walks of the issue "approval to protection" in a real browser (after-approval.md; decree73.md §3–4).

Walk 1: an approved proposal goes through resources and implementers, a suspension and its continuation, the
completion report, the party committee's opinion, the evaluation meeting (partly completed, damage, good faith),
the conclusion and the proposals to consider mitigation for the proposer and exclusion for an implementer; the
dossier PDF is downloaded and read back. Walk 2: an incident reported through the public form is handled by the
province's inspector; the reported cadre sees nothing; the receipt shows the status only (INC-1..3).

Each actor signs in through the login form in a browser context of their own. The proposal is brought to APPROVED
through the services (as test_walkthrough.py's walks are, up to their own starting points); every later step is
taken in the browser. The clock is not frozen: every date is today (Hà Nội), as a real user would enter it.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from approvals.models import Decision
from directions.models import Direction
from evaluation.models import Conclusion, ProtectionRecord
from implementation.models import Assignment, CompletionReport, Target
from incidents.models import Incident
from proposals.transitions import Status
from tests.e2e.browser import (
    dmy,
    expect_message,
    labelled,
    main_nav,
    meeting_start,
    open_disclosure,
    pick,
    status_of,
)
from tests.lifecycle import drive_to, pdf_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_pdf]

# --- Helpers -----------------------------------------------------------------------------------------------------


# --- Walk 2: a public report, handled by the inspector; the reported cadre sees nothing ---------------------------

DESCRIPTION = (
    "Ngày 10 vừa qua, Phó Giám đốc Sở yêu cầu tổ công tác dừng tiếp nhận hồ sơ điện tử của đề xuất đã được cho "
    "triển khai và nói trước cuộc họp rằng người đề xuất chỉ muốn lập thành tích."
)


def test_walk_2_public_incident_handled_by_the_inspector_unseen_by_the_reported_cadre(
    browser_as, site_url, department, deputy, inspector, proposer, today
):
    # INC-1: a citizen, without an account, reports an obstruction (Art. 6(2)) naming a deputy head of the Sở.
    visitor = browser_as(None)
    visitor.goto(site_url + reverse("incidents:public_report"))
    visitor.get_by_role("radio", name=re.compile(r"khoản 2 Điều 6")).check()
    pick(visitor, "Cơ quan, đơn vị nơi xảy ra hành vi", "noi vu quang", department.name)
    named = f"Ông {deputy.get_full_name()}, Phó Giám đốc Sở Nội vụ"
    visitor.get_by_label("Người, cơ quan bị phản ánh").fill(named)
    visitor.get_by_label("Nội dung phản ánh").fill(DESCRIPTION)
    visitor.get_by_label("Họ và tên (không bắt buộc)").fill("Lê Văn Dân")
    visitor.get_by_role("button", name="Gửi phản ánh").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận phản ánh")
    receipt = visitor.locator(".font-monospace").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", receipt), receipt
    incident = Incident.objects.get()
    assert (incident.channel, incident.reporter_id) == (Incident.Channel.PUBLIC, None)

    # INC-2: the province's inspector finds it in the list of reports to handle and takes it up.
    handler = browser_as(inspector)
    main_nav(handler).get_by_role("link", name="Phản ánh", exact=True).click()
    handler.get_by_role("link", name=re.compile("Cần xử lý")).click()
    handler.get_by_role("link", name=incident.number, exact=True).click()
    expect(handler.get_by_role("heading", level=1)).to_have_text(f"Phản ánh {incident.number}")
    expect(handler.get_by_text(named)).to_be_visible()
    handler.get_by_role("button", name="Tiếp nhận xử lý").click()
    expect(handler.get_by_text("Đang xem xét, xử lý", exact=True).first).to_be_visible()

    # A handling step, then the close with an outcome of INC-2, its reason and date (confirmed in a dialog).
    step = open_disclosure(handler, "Ghi nhận bước xử lý")
    step.get_by_label("Ngày thực hiện").fill(dmy(today))
    step.get_by_label("Nội dung đã thực hiện").fill("Làm việc với tổ công tác và Phó Giám đốc Sở; yêu cầu giải trình bằng văn bản.")
    step.get_by_role("button", name="Ghi nhận").click()
    expect(handler.get_by_text("yêu cầu giải trình bằng văn bản").first).to_be_visible()
    close = open_disclosure(handler, "Kết thúc xử lý, ghi kết quả")
    close.get_by_role("radio", name="Nhắc nhở, phê bình", exact=True).check()
    close.get_by_label("Căn cứ, lý do").fill(
        "Xác minh có việc yêu cầu dừng tiếp nhận hồ sơ không có căn cứ; đã nhắc nhở, phê bình trước tập thể lãnh đạo."
    )
    close.get_by_label("Ngày kết luận").fill(dmy(today))
    close.get_by_role("button", name="Kết thúc xử lý").click()
    expect(handler.get_by_text("Đã xử lý xong", exact=True).first).to_be_visible()
    incident.refresh_from_db()
    assert (incident.status, incident.outcome, incident.closed_by) == (
        Incident.Status.CLOSED, Incident.Outcome.REMINDER, inspector)

    # INC-3: the reported cadre gets 404 on its page and finds it in no list.
    reported = browser_as(deputy)
    response = reported.goto(site_url + reverse("incidents:detail", args=[incident.pk]))
    assert response.status == 404
    for view in ("can-xu-ly", "cua-toi", ""):
        reported.goto(f"{site_url}{reverse('incidents:list')}?xem={view}")
        expect(reported.get_by_text(incident.number)).to_have_count(0)
    reported.goto(f"{site_url}/de-xuat/viec-can-xu-ly/")
    expect(reported.get_by_text(incident.number)).to_have_count(0)
    # Nor does a colleague of the unit who is not a handler.
    colleague = browser_as(proposer)
    assert colleague.goto(site_url + reverse("incidents:detail", args=[incident.pk])).status == 404

    # The visitor's lookup with the receipt shows the status only, never the content.
    visitor.goto(site_url + reverse("incidents:public_lookup"))
    visitor.get_by_label("Mã tiếp nhận").fill(receipt)
    visitor.get_by_role("button", name="Tra cứu").click()
    expect(visitor.get_by_role("status")).to_contain_text("Đã xử lý xong")
    expect(visitor.get_by_text(DESCRIPTION)).to_have_count(0)
    expect(visitor.get_by_text("Nhắc nhở, phê bình")).to_have_count(0)
    expect(visitor.get_by_text(deputy.get_full_name())).to_have_count(0)


# --- Walk 1: from the approval decision to the proposals of protection, and the dossier PDF ------------------------

ORGANISATION = "Công ty Cổ phần Phần mềm Hạ Long"
DAMAGE_VND = 120_000_000
SUSPEND_REASONS = "Tạm dừng để rà soát phương án bảo đảm an toàn dữ liệu cá nhân của người dân trước khi mở rộng."
CONTINUE_REASONS = "Phương án bảo đảm an toàn dữ liệu đã được Sở Khoa học và Công nghệ thẩm định, tiếp tục thực hiện."


def action(page: Page, label: str) -> Locator:
    """The form of an action offered on the proposal page, by its heading (a folded <details> is opened)."""
    return open_disclosure(page, label)


def test_walk_1_from_approval_to_protection_and_the_dossier(
    browser_as, site_url, proposer, leaders, secretariat, today
):
    head, deputy, deputy2 = leaders
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    detail = site_url + reverse("proposals:detail", args=[proposal.pk])

    # IMP-1, IMP-2: the secretariat records the funds; the head assigns the proposer (lead) and a company.
    office = browser_as(secretariat)
    office.goto(detail)
    form = action(office, "Bố trí nguồn lực thực hiện")
    form.get_by_role("radio", name="Kinh phí", exact=True).check()
    labelled(form, "Nội dung").fill("Kinh phí xây dựng phần mềm và tập huấn")
    form.get_by_label("Số tiền (đồng)").fill("450.000.000")
    form.get_by_label("Nguồn kinh phí").fill("Ngân sách nhà nước chi thường xuyên năm 2026")
    form.get_by_role("button", name="Ghi nhận nguồn lực").click()
    expect(office.get_by_text("Kinh phí xây dựng phần mềm và tập huấn").first).to_be_visible()

    boss = browser_as(head)
    boss.goto(detail)
    form = action(boss, "Phân công người thực hiện")
    form.get_by_role("radio", name="Cán bộ, công chức, viên chức", exact=True).check()
    pick(form, "Cán bộ", proposer.username, proposer.full_name)
    form.get_by_label("Nhiệm vụ được giao").fill("Chủ trì xây dựng quy trình liên thông")
    form.get_by_label("Chủ trì thực hiện").check()
    form.get_by_role("button", name="Phân công").click()
    expect(boss.get_by_text("Chủ trì xây dựng quy trình liên thông").first).to_be_visible()
    form = action(boss, "Phân công người thực hiện")
    form.get_by_role("radio", name="Tổ chức", exact=True).check()
    form.get_by_label("Tên cá nhân, tổ chức (ngoài hệ thống)").fill(ORGANISATION)
    form.get_by_label("Người liên hệ của tổ chức").fill("Nguyễn Văn Liên")
    labelled(form, "Điện thoại").fill("0203 3835 555")
    form.get_by_label("Nhiệm vụ được giao").fill("Xây dựng, vận hành phần mềm liên thông")
    form.get_by_role("button", name="Phân công").click()
    expect(boss.get_by_text("Xây dựng, vận hành phần mềm liên thông").first).to_be_visible()

    # The lead accepts the task; the head starts implementation.
    lead = browser_as(proposer)
    lead.goto(detail)
    form = action(lead, "Xác nhận nhiệm vụ được phân công")
    form.get_by_role("radio", name="Nhận nhiệm vụ", exact=True).check()
    form.get_by_role("button", name="Gửi trả lời").click()
    expect(lead.get_by_text("Đã nhận nhiệm vụ").first).to_be_visible()
    boss.goto(detail)
    boss.get_by_role("button", name="Bắt đầu triển khai").click()
    expect(status_of(boss)).to_have_text("Đang triển khai thực hiện")

    # IMP-5: the head suspends, then continues (each a numbered decision).
    form = action(boss, "Quyết định tạm dừng thực hiện")
    labelled(form, "Lý do").fill(SUSPEND_REASONS)
    form.get_by_label("Ngày có hiệu lực").fill(dmy(today))
    form.get_by_role("button", name="Ban hành quyết định tạm dừng").click()
    expect(status_of(boss)).to_have_text("Tạm dừng thực hiện")
    form = action(boss, "Quyết định tiếp tục thực hiện")
    labelled(form, "Lý do").fill(CONTINUE_REASONS)
    form.get_by_label("Ngày có hiệu lực").fill(dmy(today))
    form.get_by_role("button", name="Ban hành quyết định tiếp tục").click()
    expect(status_of(boss)).to_have_text("Đang triển khai thực hiện")

    # CMP-3, CMP-1 (Art. 18): the lead declares completion and files the report: partly completed, with damage.
    lead.goto(detail)
    form = action(lead, "Xác nhận hoàn thành thực hiện")
    form.get_by_label("Ngày hoàn thành thực hiện").fill(dmy(today))
    form.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(status_of(lead)).to_have_text("Đã hoàn thành, chờ báo cáo kết quả")
    form = action(lead, "Báo cáo kết quả thực hiện đề xuất")
    for target in Target.objects.filter(proposal=proposal, retired_at__isnull=True):
        group = form.get_by_role("group", name=re.compile(re.escape(target.text[:30])))
        group.get_by_role("radio", name="Đạt một phần", exact=True).check()
    for result in labelled(form, "Kết quả").all():
        result.fill("Đạt một phần: thí điểm tại 02 đơn vị, chưa nhân rộng.")
    form.get_by_role("radio", name="Hoàn thành một phần", exact=True).check()
    form.get_by_label("Kết quả đạt được so với mục tiêu, hiệu quả dự kiến").fill(
        "Thời gian giải quyết giảm từ 30 xuống 15 ngày; 55 % hồ sơ nộp trực tuyến.")
    form.get_by_label("Nguồn lực đã sử dụng so với nguồn lực được bố trí").fill("Sử dụng 430 triệu đồng, 05 công chức.")
    form.get_by_label("Kinh phí đã sử dụng (đồng)").fill("430.000.000")
    form.get_by_role("radio", name="Có thiệt hại", exact=True).check()
    labelled(form, "Mô tả thiệt hại").fill("Phải thuê lại máy chủ do sự cố mất dữ liệu thử nghiệm.")
    form.get_by_label("Giá trị thiệt hại ước tính (đồng)").fill("120.000.000")
    labelled(form, "Nguyên nhân").fill("Dữ liệu đất đai chưa liên thông đầy đủ với cơ quan thuế.")
    form.get_by_role("checkbox").last.check()
    form.get_by_role("button", name="Nộp báo cáo").click()
    expect(status_of(lead)).to_have_text("Đã báo cáo kết quả, chờ đánh giá")

    # EVL-1, Art. 4(3) by analogy: the party committee's opinion, then the evaluation meeting (EVL-2, Art. 18).
    office.goto(detail)
    form = action(office, "Ghi nhận ý kiến cấp ủy về kết quả thực hiện")
    form.get_by_label("Cấp ủy, tổ chức đảng cho ý kiến").fill("Đảng ủy Sở Nội vụ")
    form.get_by_label("Ngày có ý kiến").fill(dmy(today))
    form.get_by_label("Nội dung ý kiến về kết quả thực hiện").fill(
        "Kết quả đạt một phần; thiệt hại do nguyên nhân khách quan, cán bộ thực hiện với động cơ trong sáng.")
    form.get_by_role("button", name="Ghi nhận ý kiến").click()
    expect(office.get_by_text("Đảng ủy Sở Nội vụ").first).to_be_visible()
    form = action(office, "Tổ chức họp đánh giá kết quả thực hiện")
    labelled(form, "Ngày họp").fill(dmy(today))
    form.get_by_label("Giờ bắt đầu").fill(f"{meeting_start():%H:%M}")
    labelled(form, "Địa điểm").fill("Phòng họp tầng 3, Sở Nội vụ")
    form.get_by_label("Thư ký cuộc họp").fill(secretariat.get_full_name())
    present = form.get_by_role("group", name=re.compile("Thành viên có quyền biểu quyết có mặt"))
    for person in leaders:
        present.get_by_role("checkbox", name=re.compile(rf"^{re.escape(person.get_full_name())}")).check()
    form.get_by_role("radio", name="Hoàn thành một phần", exact=True).check()
    for question, answer in (("Có thiệt hại", "Có"), ("Đúng chủ trương", "Có"), ("Động cơ trong sáng", "Có"),
                             ("Vì lợi ích chung", "Có")):
        form.get_by_role("group", name=re.compile(f"^{question}")).get_by_role("radio", name=answer, exact=True).check()
    form.get_by_role("button", name="Mở cuộc họp đánh giá").click()
    expect(status_of(office)).to_have_text("Đang họp đánh giá kết quả")

    for person in leaders:
        voter = browser_as(person) if person != head else boss
        voter.goto(detail)
        ballot = voter.locator("form").filter(has=voter.get_by_role("button", name="Gửi ý kiến"))
        ballot.get_by_role("radio", name="Tán thành", exact=True).check()
        ballot.get_by_role("button", name="Gửi ý kiến").click()
        expect(voter.get_by_role("button", name="Gửi ý kiến")).to_have_count(0)
    office.goto(detail)
    office.get_by_role("button", name="Kết thúc cuộc họp đánh giá").click()
    expect(status_of(office)).to_have_text("Đã họp đánh giá, chờ kết luận")

    # EVL-3..5: the head's conclusion, as the meeting adopted it: partly completed, damage, good faith.
    boss.goto(detail)
    form = action(boss, "Ban hành kết luận đánh giá kết quả thực hiện")
    form.get_by_role("radio", name="Hoàn thành một phần", exact=True).check()
    form.get_by_label("Đánh giá kết quả thực hiện so với mục tiêu, hiệu quả dự kiến của kế hoạch").fill(
        "Đạt một phần mục tiêu: thời gian giải quyết giảm một nửa, tỷ lệ hồ sơ trực tuyến chưa đạt 80 %.")
    for question, answer in (("Có thiệt hại", "Có"), ("Đúng chủ trương", "Có"), ("Động cơ trong sáng", "Có"),
                             ("Vì lợi ích chung", "Có")):
        form.get_by_role("group", name=re.compile(f"^{question}")).get_by_role("radio", name=answer, exact=True).check()
    form.get_by_label("Giá trị thiệt hại ước tính (đồng)").fill(str(DAMAGE_VND))
    form.get_by_label("Lý do (đúng chủ trương)").fill("Phù hợp chủ trương cải cách hành chính của Tỉnh ủy.")
    form.get_by_label("Lý do (động cơ trong sáng)").fill("Không vì lợi ích cá nhân, nhóm.")
    form.get_by_label("Lý do (vì lợi ích chung)").fill("Người dân giảm thời gian đi lại, chi phí.")
    form.get_by_label("Nguyên nhân khách quan").fill("Sự cố hạ tầng máy chủ ngoài khả năng dự báo.")
    form.get_by_label("Nguyên nhân chủ quan").fill("Chưa lường hết rủi ro sao lưu dữ liệu thử nghiệm.")
    form.get_by_role("button", name="Ban hành kết luận").click()
    expect(status_of(boss)).to_have_text("Đã có kết luận đánh giá")

    # PRO-1 (Art. 11(3)): consider mitigation for the proposer, consider exclusion for the implementing company.
    company = Assignment.objects.get(proposal=proposal, name=ORGANISATION)
    for party, measure, name in ((f"user:{proposer.pk}", "Được xem xét giảm nhẹ trách nhiệm", proposer.get_full_name()),
                                 (f"implementer:{company.pk}", "Được xem xét loại trừ trách nhiệm", ORGANISATION)):
        form = action(boss, "Văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ")
        form.get_by_label("Đối tượng được đề nghị bảo vệ").select_option(value=party)
        form.get_by_role("radio", name=measure, exact=True).check()
        form.get_by_label("Kính gửi (cơ quan, người có thẩm quyền quyết định)").fill("Hội đồng kỷ luật tỉnh Quảng Ninh")
        form.get_by_role("button", name="Ban hành văn bản đề nghị").click()
        expect_message(boss, f"đề nghị áp dụng biện pháp bảo vệ đối với {name}")
    records = {r.party: r for r in ProtectionRecord.objects.filter(proposal=proposal)}
    assert {key: r.measure for key, r in records.items()} == {
        f"user:{proposer.pk}": "consider_mitigation", f"implementer:{company.pk}": "consider_exclusion"}

    # The dossier PDF: names, numbers and decisions in Vietnamese.
    boss.goto(detail)
    with boss.expect_download() as download:
        boss.get_by_role("link", name="Tải hồ sơ minh chứng (PDF)").click()
    text = pdf_text(download.value.path().read_bytes())
    proposal.refresh_from_db()
    numbers = [
        Decision.objects.get(proposal=proposal, kind=Decision.Kind.APPROVAL).number,
        *Direction.objects.filter(proposal=proposal).values_list("number", flat=True),
        CompletionReport.objects.get(proposal=proposal).number,
        Conclusion.objects.get(proposal=proposal).number,
        *(r.number for r in records.values()),
    ]
    expected = [proposal.code, proposer.get_full_name(), head.get_full_name(), ORGANISATION, *numbers,
                "Hoàn thành một phần", "Có thiệt hại", "120.000.000", "tạm dừng", "tiếp tục", "giảm nhẹ trách nhiệm",
                "loại trừ trách nhiệm"]
    missing = [item for item in expected if item not in text]
    assert not missing, missing
