"""Acceptance walk of a head's own proposal (route B) in a real browser: the corrected documents (issue 7).

The Giám đốc Sở Nội vụ proposes; his plan goes, by Art. 7(4) and Art. 8, to the superior employing unit, the
provincial People's Committee, whose Chủ tịch and Phó Chủ tịch vote on it. The units are set up the way a deployment
would, including the mistakes the review found (review-register-decide.md, document findings 1–7): the province is
filed under the Government and set to print that parent line, which a People's Committee never does. The plan is
submitted, consulted on, voted and closed through the services (tests.lifecycle, as test_walkthrough.py's walk 2 starts
from a submitted plan); the Chủ tịch then issues the approval decision in the browser, and the decision, the minutes
and the plan are downloaded from the pages and read back as text (tests.lifecycle.pdf_text / pdf_lines).

The clock is not frozen (the browser's cookies live in real time): the meeting is held today (Hà Nội).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Position
from approvals.models import Decision, Vote
from approvals.services import consultation_record, meeting_close, vote_cast
from proposals.models import Proposal
from tests.e2e.browser import definition, download, expect_message, meeting_start, open_disclosure, status_of
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import open_meeting, pdf_lines, pdf_text, submitted_proposal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.plan_pdf, pytest.mark.real_pdf]  # the plan PDF is read back

COMPETENCE_BASIS = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
DECREE_73 = "Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29 tháng 9 năm 2023 của Chính phủ"
ROUTE_B = "khoản 4 Điều 7 và Điều 8"
ART_4_2 = ("Đề xuất thuộc thẩm quyền quyết định của cơ quan, đơn vị; không trái quy định của Đảng, pháp luật, văn bản "
           "của cơ quan nhà nước cấp trên và điều ước quốc tế mà Việt Nam là thành viên")


# --- The units and people, as a deployment sets them up ----------------------------------------------------------


@pytest.fixture
def province(province):
    """UBND tỉnh filed under the Government and set (wrongly) to print it: a People's Committee has no managing body
    line (finding 1); its competence basis opens its decisions (finding 7); it dates them from the province
    (finding 6)."""
    province.parent = OrgUnitFactory(code="CP", name="Chính phủ", abbreviation="CP", level="central")
    province.place_name = "Quảng Ninh"
    province.print_parent_line = True
    province.competence_basis = COMPETENCE_BASIS
    province.save()
    return province


@pytest.fixture
def department(department):
    """The proposer's Sở Nội vụ, set to print its People's Committee above its name, dated from the province."""
    department.place_name = "Quảng Ninh"
    department.print_parent_line = True
    department.save()
    return department


@pytest.fixture
def head(head):
    """The proposer: the Giám đốc Sở, who signs as "Giám đốc"."""
    Position.objects.filter(person=head).update(title="Giám đốc Sở", signing_title="Giám đốc")
    return head


@pytest.fixture
def superior_head(superior_head):
    """The decider: the Chủ tịch UBND tỉnh, who signs as "Chủ tịch" (finding 2)."""
    Position.objects.filter(person=superior_head).update(title="Chủ tịch Ủy ban nhân dân tỉnh", signing_title="Chủ tịch")
    return superior_head


@pytest.fixture
def province_deputy(province):
    person = UserFactory(username="phochutich")
    PositionFactory(person=person, unit=province, role=Position.Role.DEPUTY, title="Phó Chủ tịch Ủy ban nhân dân tỉnh",
                    signing_title="Phó Chủ tịch")
    return person


# --- The browser -------------------------------------------------------------------------------------------------


def passed_by_the_province(*, proposer, chair, deputy) -> tuple[Proposal, list[Vote]]:
    """The Giám đốc's plan submitted (route B), the provincial party committee's opinion (Art. 4(3)), the meeting of
    UBND tỉnh today, two votes for, closed with the time the chair states (D-7): COLLECTIVE_PASSED."""
    proposal = submitted_proposal(proposer=proposer)
    today = timezone.localdate()
    consultation_record(proposal=proposal, by=chair, committee="Ban Thường vụ Tỉnh ủy Quảng Ninh", opinion_date=today,
                        opinion="Thống nhất chủ trương.")
    meeting = open_meeting(proposal=proposal, by=chair, held_on=today, attendees=[chair, deputy], starts_at=meeting_start(),
                           location="Phòng họp số 1, Ủy ban nhân dân tỉnh")
    votes = [vote_cast(meeting=meeting, by=voter, choice=Vote.Choice.FOR) for voter in (chair, deputy)]
    meeting_close(meeting=meeting, by=chair, ends_at=timezone.localtime().time())
    proposal.refresh_from_db()
    assert (proposal.route, proposal.status) == (Proposal.Route.B, Proposal.Status.COLLECTIVE_PASSED)
    return proposal, votes


# --- The walk ------------------------------------------------------------------------------------------------------


def test_walk_route_b_the_provinces_decision_minutes_and_the_plan_read_as_corrected(
    browser_as, site_url, head, superior_head, province_deputy, province, department,
):
    proposal, votes = passed_by_the_province(proposer=head, chair=superior_head, deputy=province_deputy)
    detail = site_url + reverse("proposals:detail", args=[proposal.pk])

    # The Chủ tịch sees the route B label and UBND tỉnh as the deciding unit, then issues the approval decision.
    chair = browser_as(superior_head)
    chair.goto(detail)
    expect(definition(chair, "Tuyến trình")).to_contain_text("cơ quan sử dụng cán bộ cấp trên")
    expect(definition(chair, "Cơ quan xem xét, quyết định")).to_have_text(province.name)
    expect(status_of(chair)).to_have_text("Tập thể thông qua, chờ quyết định")
    approve = open_disclosure(chair, "Ban hành quyết định cho triển khai thực hiện")
    approve.get_by_label(re.compile("Tôi xác nhận đề xuất thuộc thẩm quyền")).check()  # Art. 4(2) (review D-5)
    approve.get_by_role("button", name="Ban hành quyết định").click()
    expect_message(chair, "Đã ban hành quyết định cho triển khai thực hiện số")
    expect(status_of(chair)).to_have_text("Đã cho triển khai thực hiện")
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.unit, decision.number, decision.competence_confirmed) == (province, "1/QĐ-UBND", True)

    # The decision (findings 1, 2, 5, 6, 7; D-3, D-5).
    lines = pdf_lines(download(chair, f"Tải văn bản số {decision.number} (PDF)").path().read_bytes())
    text = " ".join(lines)
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", f"Số: {decision.number}"]  # no parent line above
    assert "CHÍNH PHỦ" not in text and "(để báo cáo)" not in text
    assert "Quảng Ninh, ngày" in text
    positions = [text.index(part) for part in (
        COMPETENCE_BASIS, DECREE_73, f"được xem xét theo {ROUTE_B} Nghị định số 73/2023/NĐ-CP.",
        "Đề xuất thuộc thẩm quyền quyết định của Ủy ban nhân dân tỉnh Quảng Ninh;", "QUYẾT ĐỊNH:",
        "Nơi nhận: - Như Điều 3; - Lưu: VT, VP (02b).",
    )]
    assert positions == sorted(positions)
    assert text.index("Căn cứ") == text.index(COMPETENCE_BASIS)  # the competence basis is the first basis
    assert "khoản 1 Điều 8" not in text
    # Over the signature, between the recipients and the signer's name: the title only (the authority line stays).
    assert lines[lines.index("- Lưu: VT, VP (02b).") + 1:lines.index(superior_head.get_full_name())] == ["CHỦ TỊCH"]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in lines

    # The minutes (D-7; "trên 50%"; D-3).
    minutes = pdf_text(download(chair, "Tải biên bản họp (PDF)").path().read_bytes())
    assert "CHÍNH PHỦ" not in minutes
    assert f"theo {ROUTE_B} Nghị định số 73/2023/NĐ-CP" in minutes and "khoản 1 Điều 8" not in minutes
    assert "trên 50%" in minutes
    for vote in votes:
        assert timezone.localtime(vote.cast_at).strftime("%d/%m/%Y %H:%M") in minutes
    assert "Cuộc họp kết thúc vào hồi" in minutes

    # The proposer, the Giám đốc, opens version 1 of his plan and downloads it (D-9, Art. 4(2) declaration).
    mine = browser_as(head)
    mine.goto(detail)
    mine.get_by_role("link", name="Phiên bản 1", exact=True).click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Kế hoạch đề xuất — phiên bản 1")
    plan = pdf_text(download(mine, "Tải kế hoạch phiên bản 1 (PDF)").path().read_bytes())
    # The proposer's own department keeps the parent line it is set to print (finding 1), and the province as place.
    assert plan.startswith("UBND TỈNH QUẢNG NINH SỞ NỘI VỤ") and "Quảng Ninh, ngày" in plan
    assert "KẾ HOẠCH" in plan
    assert f"{ART_4_2}: Có (đã xác nhận)" in plan
    assert f"để xem xét theo {ROUTE_B} Nghị định số 73/2023/NĐ-CP" in plan
