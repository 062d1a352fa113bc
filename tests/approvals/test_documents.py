"""The header and authority lines of the generated documents (Decree 30/2020 layout, shared/spec/documents.md).

The helpers are tested with realistic pairs of a signer's title and a unit; the rendered PDFs (read back with
pypdf, one line of text per line printed) are checked for the lines a reader sees first: the parent body, the
issuing unit on one line, the authority above the preamble, and the cadre named "đồng chí".
"""

import datetime

import pytest

from accounts.models import Position
from approvals import documents, services
from approvals.models import Vote
from core.documents import authority_line, header, issuer_name, parent_body_line, short_unit_name
from proposals.models import Proposal
from tests.factories import OrgUnitFactory
from tests.lifecycle import (
    HANOI,
    JUSTIFICATION,
    REASONS,
    deciding_panel,
    meeting_with_votes,
    pdf_lines,
    submitted_proposal,
)

NOW = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=HANOI)
PROVINCE = "Ủy ban nhân dân tỉnh Quảng Ninh"

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.real_pdf]


# --- The helpers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "unit", "expected"), [
    # The title already ends with the unit's kind: written once.
    ("Giám đốc Sở", "Sở Nội vụ", "Giám đốc Sở Nội vụ"),
    ("Giám đốc Sở", "Sở Tài chính", "Giám đốc Sở Tài chính"),
    ("Giám đốc sở", "Sở Tài chính", "Giám đốc sở Tài chính"),  # whatever the case typed
    ("Chủ tịch Ủy ban nhân dân phường", "Ủy ban nhân dân phường Hạ Long", "Chủ tịch Ủy ban nhân dân phường Hạ Long"),
    ("Chủ tịch Uỷ ban nhân dân xã", "Ủy ban nhân dân xã Tiên Yên", "Chủ tịch Uỷ ban nhân dân xã Tiên Yên"),
    ("Giám đốc Bệnh viện", "Bệnh viện Đa khoa tỉnh Quảng Ninh", "Giám đốc Bệnh viện Đa khoa tỉnh Quảng Ninh"),
    ("Thủ tướng Chính phủ", "Chính phủ", "Thủ tướng Chính phủ"),
    ("Giám đốc Sở Nội vụ", "Sở Nội vụ", "Giám đốc Sở Nội vụ"),  # the whole unit already in the title
    # Nothing shared: the title, then the unit.
    ("Chủ tịch", "Ủy ban nhân dân phường Hạ Long", "Chủ tịch Ủy ban nhân dân phường Hạ Long"),
    ("Giám đốc", "Bệnh viện Đa khoa tỉnh Quảng Ninh", "Giám đốc Bệnh viện Đa khoa tỉnh Quảng Ninh"),
    ("Giám đốc", "Sở Nội vụ", "Giám đốc Sở Nội vụ"),
])
def test_the_authority_line_writes_the_words_title_and_unit_share_once(title, unit, expected):
    assert authority_line(title, unit) == expected


@pytest.mark.parametrize(("unit", "parent", "expected"), [
    # Under the province's People's Committee the header's line above names the province already.
    ("Sở Nội vụ tỉnh Quảng Ninh", PROVINCE, "Sở Nội vụ"),
    ("Sở Tài chính tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh", "Sở Tài chính"),
    ("Sở Tài chính thành phố Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", "Sở Tài chính"),
    # Kept whole: another locality, a commune, a unit under a department, no parent.
    ("Sở Tài chính tỉnh Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ngãi", "Sở Tài chính tỉnh Quảng Ninh"),
    ("Ủy ban nhân dân phường Hạ Long", PROVINCE, "Ủy ban nhân dân phường Hạ Long"),
    ("Bệnh viện Đa khoa tỉnh Quảng Ninh", "Sở Y tế tỉnh Quảng Ninh", "Bệnh viện Đa khoa tỉnh Quảng Ninh"),
    ("Ủy ban nhân dân tỉnh Quảng Ninh", "Chính phủ", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("Sở Nội vụ tỉnh Quảng Ninh", "", "Sở Nội vụ tỉnh Quảng Ninh"),
])
def test_the_issuing_unit_drops_the_locality_its_parent_line_already_names(unit, parent, expected):
    assert short_unit_name(unit, parent) == expected


@pytest.mark.parametrize(("parent", "expected"), [
    (PROVINCE, "UBND tỉnh Quảng Ninh"),
    ("Hội đồng nhân dân tỉnh Quảng Ninh", "HĐND tỉnh Quảng Ninh"),
    ("Sở Y tế tỉnh Quảng Ninh", "Sở Y tế tỉnh Quảng Ninh"),
    ("Chính phủ", "Chính phủ"),
])
def test_the_parent_line_shortens_the_common_phrases_as_decree_30_allows(parent, expected):
    assert parent_body_line(parent) == expected


def test_the_three_pairs_of_the_user_check_read_as_on_paper():
    pairs = [
        ("Giám đốc Sở", "Sở Tài chính tỉnh Quảng Ninh", PROVINCE, "GIÁM ĐỐC SỞ TÀI CHÍNH"),
        ("Chủ tịch", "Ủy ban nhân dân phường Hạ Long", PROVINCE, "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG"),
        ("Giám đốc", "Bệnh viện Đa khoa tỉnh Quảng Ninh", "Sở Y tế tỉnh Quảng Ninh",
         "GIÁM ĐỐC BỆNH VIỆN ĐA KHOA TỈNH QUẢNG NINH"),
    ]
    for title, unit, parent, expected in pairs:
        assert authority_line(title, short_unit_name(unit, parent)).upper() == expected


# --- The rendered documents -----------------------------------------------------------------------------------


lines = pdf_lines


@pytest.fixture
def department(department):
    """The Sở Nội vụ set to print its People's Committee above its name, as a department does (review finding 1)."""
    department.print_parent_line = True
    department.save()
    return department


@pytest.fixture
def leaders(leaders):
    """The leaders of tests/conftest.py, titled as the demo records them: "Giám đốc Sở" is what produced
    "GIÁM ĐỐC SỞ SỞ NỘI VỤ ..."; they sign with the title only (review finding 2)."""
    head, deputy, deputy2 = leaders
    Position.objects.filter(person=head).update(title="Giám đốc Sở", signing_title="Giám đốc")
    Position.objects.filter(person__in=[deputy, deputy2]).update(title="Phó Giám đốc Sở", signing_title="Phó Giám đốc")
    return leaders


def _closed(proposal, head, deputy, deputy2, choice):
    return meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: choice, deputy2: choice},
                              close=True)


def test_the_decision_names_the_authority_once_and_the_unit_on_one_line(proposer, leaders):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    _closed(proposal, head, deputy, deputy2, Vote.Choice.FOR)
    decision = services.decision_approve(proposal=proposal, by=head, text="Giao đồng chí Trưởng phòng chủ trì.")

    text = lines(documents.decision_pdf(decision))

    assert text[:3] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", f"Số: {decision.number}"]
    assert "GIÁM ĐỐC SỞ NỘI VỤ" in text
    assert not any("SỞ SỞ" in line or line == "NINH" for line in text)
    # The signature: the signing title only (review finding 2; this test once locked "GIÁM ĐỐC SỞ").
    assert "GIÁM ĐỐC" in text and "GIÁM ĐỐC SỞ" not in text
    body = " ".join(text)
    name = proposer.get_full_name()
    assert f"của đồng chí {name}, Trưởng phòng" in body
    assert f"do đồng chí {name}, Trưởng phòng đề xuất" in body
    assert f"Quyết định này có hiệu lực kể từ ngày ký. Đồng chí {name}," in body


def test_the_override_decision_gives_the_task_to_the_comrade(proposer, leaders):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    _closed(proposal, head, deputy, deputy2, Vote.Choice.AGAINST)
    decision = services.decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    text = lines(documents.decision_pdf(decision))

    assert "GIÁM ĐỐC SỞ NỘI VỤ" in text
    assert f"Giao đồng chí {proposer.get_full_name()} chủ trì" in " ".join(text)


def test_the_approval_text_offered_to_the_head_names_the_comrade(proposer, leaders):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    _closed(proposal, head, deputy, deputy2, Vote.Choice.FOR)

    form = deciding_panel(proposal=Proposal.objects.get(pk=proposal.pk), user=head)["actions"]["decision_approve"]

    assert form.initial["text"].startswith(f"Giao đồng chí {proposer.get_full_name()} chủ trì")


def test_the_minutes_and_the_letter_have_the_same_header(proposer, leaders):
    head, deputy, deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    meeting = _closed(proposal, head, deputy, deputy2, Vote.Choice.AGAINST)
    letter = services.decision_reject(proposal=proposal, by=head, reasons=REASONS)

    minutes = lines(documents.minutes_pdf(meeting))
    assert minutes[:3] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", f"Số: {meeting.minutes_number}"]
    assert f"của đồng chí {proposer.get_full_name()}, Trưởng phòng" in " ".join(minutes)

    text = lines(documents.decision_pdf(letter))
    assert text[:4] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", f"Số: {letter.number}", "V/v trả lời đề xuất đổi mới, sáng tạo"]
    assert f"Kính gửi: Đồng chí {proposer.get_full_name()}, Trưởng phòng." in " ".join(text)


def test_a_unit_without_a_parent_keeps_its_full_name(proposer, leaders, department):
    head, deputy, deputy2 = leaders
    department.parent = None
    department.save()
    proposal = submitted_proposal(proposer=proposer)
    _closed(proposal, head, deputy, deputy2, Vote.Choice.FOR)
    decision = services.decision_approve(proposal=proposal, by=head, text="Giao phòng Tổ chức cán bộ chủ trì.")

    text = lines(documents.decision_pdf(decision))

    assert text[0] == "SỞ NỘI VỤ TỈNH QUẢNG NINH"
    assert "GIÁM ĐỐC SỞ NỘI VỤ TỈNH QUẢNG NINH" in text


def test_a_hospital_under_a_department_keeps_its_name_and_signs_as_its_director(db):
    health = OrgUnitFactory(code="SYT-QN", name="Sở Y tế tỉnh Quảng Ninh", abbreviation="SYT")
    hospital = OrgUnitFactory(code="BVDK-QN", name="Bệnh viện Đa khoa tỉnh Quảng Ninh", abbreviation="BVĐK", parent=health,
                              print_parent_line=True)

    built = header(hospital, number="1/QĐ-BVĐK", day=NOW.date())

    assert (built.parent, built.issuer) == ("Sở Y tế tỉnh Quảng Ninh", "Bệnh viện Đa khoa tỉnh Quảng Ninh")
    assert authority_line("Giám đốc", issuer_name(hospital)) == "Giám đốc Bệnh viện Đa khoa tỉnh Quảng Ninh"
