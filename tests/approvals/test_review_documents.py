"""The deciding unit's documents after the legal and document review (review-register-decide.md, issue 7).

Each rule is checked on the text of the rendered PDF (tests.lifecycle.pdf_lines / pdf_text), against Decree 30/2020
(Appendix I) and Decree 73/2023: the header of a People's Committee (finding 1), the title over the signature
(finding 2), the number of a letter (finding 3), the recipients and the archive line (finding 5), the place
(finding 6), the bases of an approval decision and the route's clauses (finding 7, D-3), no break inside a proper
name and no boxed notice (finding 9), the head's confirmation of competence and the report of a proposal beyond it
(Art. 4(2), D-5). Last, the acceptance: an approval of a department (route A) and of a provincial People's
Committee (route B, a department head's own proposal) read line by line.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import Position
from approvals import documents, services
from approvals.models import Decision
from core.documents import header, next_number
from core.documents.layout import NO_BREAK_SPACE, signature_title, unbroken_locality
from core.models import AuditEvent, Notification
from proposals.models import Proposal
from proposals.transitions import Status
from tests.approvals.helpers import AGAINST, FOR, url
from tests.factories import OrgUnitFactory
from tests.lifecycle import (
    APPROVAL_TEXT,
    HANOI,
    JUSTIFICATION,
    REASONS,
    as_,
    audit_events,
    deciding_panel,
    drive_to,
    fresh,
    meeting_with_votes,
    new_profile_version,
    pdf_lines,
    pdf_text,
    submitted_proposal,
)

NOW = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=HANOI)
DEPARTMENT_BASIS = (
    "Căn cứ Quyết định số 12/2025/QĐ-UBND ngày 01 tháng 3 năm 2025 của Ủy ban nhân dân tỉnh Quảng Ninh quy định "
    "chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Nội vụ;"
)
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
DECREE_73 = "Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29 tháng 9 năm 2023 của Chính phủ"
COMPETENT_BODY = "Ủy ban nhân dân tỉnh Quảng Ninh"
BEYOND = "Mức thu phí trông giữ xe do Hội đồng nhân dân tỉnh quyết định, không thuộc thẩm quyền của Sở."

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.real_pdf]


# --- The units and people as a deployment sets them up -------------------------------------------------------------


@pytest.fixture
def province(province):
    """UBND tỉnh under the Government, dated from the province and set (wrongly) to print its parent: a People's
    Committee never does (finding 1)."""
    province.parent = OrgUnitFactory(code="CP", name="Chính phủ", abbreviation="CP", level="central")
    province.place_name = "Quảng Ninh"
    province.print_parent_line = True
    province.competence_basis = LOCAL_GOVERNMENT_LAW
    province.save()
    return province


@pytest.fixture
def department(department):
    """The Sở Nội vụ, set to print its People's Committee above its name, with its competence basis."""
    department.place_name = "Quảng Ninh"
    department.print_parent_line = True
    department.competence_basis = DEPARTMENT_BASIS
    department.save()
    return department


@pytest.fixture
def leaders(leaders):
    head, deputy, deputy2 = leaders
    Position.objects.filter(person=head).update(title="Giám đốc Sở", signing_title="Giám đốc")
    Position.objects.filter(person__in=[deputy, deputy2]).update(title="Phó Giám đốc Sở", signing_title="Phó Giám đốc")
    return leaders


@pytest.fixture
def superior_head(superior_head):
    Position.objects.filter(person=superior_head).update(title="Chủ tịch Ủy ban nhân dân tỉnh", signing_title="Chủ tịch")
    return superior_head


def _approved(proposal, head, voters):
    meeting_with_votes(proposal=proposal, by=head, votes=dict.fromkeys(voters, FOR), close=True)
    return services.decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)


def _overridden(proposal, head, voters):
    meeting_with_votes(proposal=proposal, by=head, votes=dict.fromkeys(voters, AGAINST), close=True)
    return services.decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)


def _lines(decision) -> list[str]:
    return pdf_lines(documents.decision_pdf(decision))


def _text(decision) -> str:
    return pdf_text(documents.decision_pdf(decision))


def _in_order(text: str, *parts: str) -> list[int]:
    """The positions of `parts` in `text`: each is there (ValueError otherwise)."""
    return [text.index(part) for part in parts]


# --- Finding 1: the parent line ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "Ủy ban nhân dân tỉnh Quảng Ninh", "Uỷ ban nhân dân phường Hạ Long", "UBND xã Tiên Yên",
    "Hội đồng nhân dân tỉnh Quảng Ninh",
])
def test_a_peoples_committee_or_council_header_never_names_a_parent(name):
    """Decree 30/2020, Appendix I: the managing body's line only "nếu có"; a People's Committee or Council has none
    (corpus: 34/2024/QĐ-UBND Bình Thuận, 06/2024/QĐ-UBND Kon Tum), whatever the unit's setting."""
    unit = SimpleNamespace(name=name, place_name="Quảng Ninh", parent=SimpleNamespace(name="Chính phủ"), parent_id=1,
                           print_parent_line=True)

    built = header(unit, number="1/QĐ-UBND", day=NOW.date())

    assert (built.parent, built.issuer) == ("", name)


def test_another_unit_names_its_parent_only_where_it_is_set_to(department):
    """Finding 1: a department prints "UBND TỈNH QUẢNG NINH" over "SỞ NỘI VỤ" when set to; unset, its own full name
    (the province named in it, since no line above does)."""
    assert (header(department, number="1", day=NOW.date()).parent,
            header(department, number="1", day=NOW.date()).issuer) == ("UBND tỉnh Quảng Ninh", "Sở Nội vụ")

    department.print_parent_line = False

    assert (header(department, number="1", day=NOW.date()).parent,
            header(department, number="1", day=NOW.date()).issuer) == ("", "Sở Nội vụ tỉnh Quảng Ninh")


# --- Finding 2: the title over the signature --------------------------------------------------------------------------


def test_the_signature_title_is_the_signing_title_else_the_title_and_kt_for_a_deputy():
    """Finding 2 (Circular 01/2011 Art. 12(1)(b), corpus 3060/QĐ-CTUBND Khánh Hòa): the title without the agency;
    a deputy signing for the head: "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"."""
    chair = SimpleNamespace(signing_title="Chủ tịch", title="Chủ tịch Ủy ban nhân dân tỉnh")
    vice = SimpleNamespace(signing_title="Phó Chủ tịch", title="Phó Chủ tịch Ủy ban nhân dân tỉnh")
    untitled = SimpleNamespace(signing_title="", title="Giám đốc Sở")

    assert signature_title(chair) == "Chủ tịch"
    assert signature_title(untitled) == "Giám đốc Sở"
    assert signature_title(vice, head=chair) == "KT. Chủ tịch\nPhó Chủ tịch"


def test_the_decision_signs_with_the_title_only_and_keeps_the_authority_line(proposer, leaders):
    """Finding 2: "GIÁM ĐỐC" over the signature, not "GIÁM ĐỐC SỞ"; the authority line "GIÁM ĐỐC SỞ NỘI VỤ" at the
    top stays. Decision.signer_title stores what is printed."""
    head, deputy, _deputy2 = leaders
    decision = _approved(submitted_proposal(proposer=proposer), head, [head, deputy])

    lines = _lines(decision)

    assert decision.signer_title == "Giám đốc"
    assert "GIÁM ĐỐC SỞ NỘI VỤ" in lines
    assert "GIÁM ĐỐC" in lines and "GIÁM ĐỐC SỞ" not in lines


# --- Finding 3: the number of a letter --------------------------------------------------------------------------------


def test_a_letter_number_carries_the_drafting_unit(proposer, leaders, department):
    """Finding 3 (Decree 30/2020; documents.md "123/UBND-VP"): a letter (công văn) is "1/SNV-VP"; a decision keeps
    "1/QĐ-SNV"."""
    head, _deputy, _deputy2 = leaders
    letter = services.decision_refer(proposal=submitted_proposal(proposer=proposer), by=head, addressee=COMPETENT_BODY,
                                     reasons=BEYOND)
    with transaction.atomic():
        other = next_number(unit=department, register="CV", year=2026, drafting="TCCB")

    assert (letter.number, other.text) == ("1/SNV-VP", "2/SNV-TCCB")
    assert "Số: 1/SNV-VP" in _lines(letter)


# --- Finding 5: recipients and the archive line ---------------------------------------------------------------------


def test_an_approval_goes_to_those_who_carry_it_out_and_an_override_also_to_the_superior(proposer, leaders):
    """Finding 5: only an override makes the head answerable upward (Art. 8(1) [C]), so only an override copies the
    superior "(để báo cáo)"; the archive line is "Lưu: VT, <drafting unit> (<copies>)", without the file's code."""
    head, deputy, _deputy2 = leaders
    approval = _approved(submitted_proposal(proposer=proposer), head, [head, deputy])
    override = _overridden(submitted_proposal(proposer=proposer), head, [head, deputy])

    approval_text, override_text = _text(approval), _text(override)

    assert "Nơi nhận: - Như Điều 3; - Lưu: VT, VP (02b)." in approval_text
    assert "(để báo cáo)" not in approval_text and "hồ sơ DX" not in approval_text.split("Nơi nhận:")[1]
    assert "Nơi nhận: - Như Điều 3; - Ủy ban nhân dân tỉnh Quảng Ninh (để báo cáo); - Lưu: VT, VP (02b)." in override_text


def test_letters_to_the_proposer_keep_as_above_and_the_archive_line(proposer, leaders):
    head, deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    letter = services.decision_reject(proposal=proposal, by=head, reasons=REASONS)

    assert "Nơi nhận: - Như trên; - Lưu: VT, VP (02b)." in _text(letter)


# --- Finding 6: the place -------------------------------------------------------------------------------------------


def test_the_place_is_the_units_place_name(proposer, leaders):
    """Finding 6: a provincial body dates its documents from the province ("Quảng Ninh, ngày …"), as the unit sets."""
    head, deputy, _deputy2 = leaders
    decision = _approved(submitted_proposal(proposer=proposer), head, [head, deputy])

    assert "Quảng Ninh, ngày 06 tháng 4 năm 2026" in _text(decision)


# --- Finding 7 and D-3: the bases and the route's clauses --------------------------------------------------------------


def test_an_approval_starts_with_the_units_competence_then_the_profiles_bases_then_the_route_a_clauses(proposer, leaders):
    """Finding 7: the competence basis precedes Decree 73; D-3: the bases come from the legal profile and a route-A
    proposal is decided under "khoản 3 Điều 7 và khoản 1 Điều 8"."""
    head, deputy, _deputy2 = leaders
    text = _text(_approved(submitted_proposal(proposer=proposer), head, [head, deputy]))

    positions = _in_order(text, DEPARTMENT_BASIS, DECREE_73, "Căn cứ Biên bản họp tập thể lãnh đạo số 1/BB-SNV",
                          "được xem xét theo khoản 3 Điều 7 và khoản 1 Điều 8 Nghị định số 73/2023/NĐ-CP", "QUYẾT ĐỊNH:")
    assert positions == sorted(positions)


def test_the_bases_printed_are_the_legal_profiles_so_a_deployment_corrects_them_without_code(proposer, leaders):
    """D-3: a new profile version's bases and clauses are what its proposals' decisions print."""
    head, deputy, _deputy2 = leaders
    new_profile_version(
        document_basis="Căn cứ Nghị định số 73/2023/NĐ-CP của Chính phủ;\nCăn cứ Quyết định số 5/2026/QĐ-UBND;",
        route_a_citation="khoản 3 Điều 7, khoản 1 Điều 8", legal_basis="Quyết định số 5/2026/QĐ-UBND",
    )
    text = _text(_approved(submitted_proposal(proposer=proposer), head, [head, deputy]))

    positions = _in_order(text, DEPARTMENT_BASIS, "Căn cứ Nghị định số 73/2023/NĐ-CP của Chính phủ;",
                          "Căn cứ Quyết định số 5/2026/QĐ-UBND;", "được xem xét theo khoản 3 Điều 7, khoản 1 Điều 8")
    assert positions == sorted(positions)
    assert "ngày 29 tháng 9 năm 2023" not in text


def test_a_route_b_override_cites_article_7_clause_4_and_article_8_not_article_8_clause_1(head, superior_head, province):
    """D-3, finding 4: Art. 8(1) covers Art. 7(3) plans only [C]; the head's own proposal goes by Art. 7(4) and 8."""
    decision = _overridden(submitted_proposal(proposer=head), superior_head, [superior_head])

    text = _text(decision)

    assert "được xem xét theo khoản 4 Điều 7 và Điều 8 Nghị định số 73/2023/NĐ-CP" in text
    assert "Người đứng đầu quyết định cho triển khai thực hiện đề xuất theo khoản 4 Điều 7 và Điều 8" in text
    assert "Điều 8 khoản 1" not in text and "khoản 1 Điều 8" not in text


# --- Finding 9: layout ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("Ủy ban nhân dân phường Hạ Long", "Ủy ban nhân dân phường_Hạ_Long"),
    ("Sở Nội vụ tỉnh Quảng Ninh", "Sở Nội vụ tỉnh_Quảng_Ninh"),
    ("Sở Tài chính thành phố Hà Nội", "Sở Tài chính thành_phố_Hà_Nội"),
    ("Ủy ban nhân dân đặc khu Vân Đồn", "Ủy ban nhân dân đặc_khu_Vân_Đồn"),
    ("Ủy ban nhân dân thành phố Hạ Long (cấp huyện)", "Ủy ban nhân dân thành_phố_Hạ_Long (cấp huyện)"),
    ("Sở Nội vụ", "Sở Nội vụ"),
])
def test_the_issuer_never_breaks_inside_its_localitys_name(name, expected):
    """Finding 9: no line break inside a proper name ("PHƯỜNG HẠ / LONG"): the locality's words are joined."""
    assert unbroken_locality(name).replace(NO_BREAK_SPACE, "_") == expected


def test_a_communes_header_breaks_before_its_locality_never_inside_it(db):
    """Finding 9, on paper: "ỦY BAN NHÂN DÂN" over "PHƯỜNG HẠ LONG", the way the ward's documents print it."""
    from core.documents import render_pdf

    ward = OrgUnitFactory(code="P-HL", name="Ủy ban nhân dân phường Hạ Long", abbreviation="UBND", level="commune")
    built = header(ward, number="1/QĐ-UBND", day=NOW.date())

    lines = pdf_lines(render_pdf("documents/base.html", {"header": built}))

    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG HẠ LONG", "Số: 1/QĐ-UBND"]


def test_an_override_has_no_boxed_notice_the_body_says_it(proposer, leaders):
    """Finding 9: the box "Người đứng đầu quyết định khi tập thể không thông qua" is no Decree 30 element."""
    head, deputy, _deputy2 = leaders
    text = _text(_overridden(submitted_proposal(proposer=proposer), head, [head, deputy]))

    assert "Người đứng đầu quyết định khi tập thể không thông qua" not in text
    assert "Tập thể lãnh đạo không thông qua đề xuất tại cuộc họp ngày 06/04/2026" in text


def test_an_override_without_a_superior_answers_to_the_superior_employing_body(proposer, leaders, department):
    """Finding 11: "cơ quan sử dụng cán bộ cấp trên" (the decree's term) where no superior unit is recorded."""
    head, deputy, _deputy2 = leaders
    department.parent = None
    department.save()

    text = _text(_overridden(submitted_proposal(proposer=proposer), head, [head, deputy]))

    assert "chịu trách nhiệm trước cơ quan sử dụng cán bộ cấp trên và trước pháp luật" in text


# --- D-5, Art. 4(2): competence confirmed, or the proposal referred upward ---------------------------------------------


def test_the_approval_and_the_override_state_that_the_proposal_is_within_the_units_authority(proposer, leaders):
    """Art. 4(2) [C] (D-5): protection presupposes a decision within the unit's competence and lawful; the head
    confirms it and the decision says so."""
    head, deputy, _deputy2 = leaders
    approval = _approved(submitted_proposal(proposer=proposer), head, [head, deputy])
    override = _overridden(submitted_proposal(proposer=proposer), head, [head, deputy])

    statement = ("Đề xuất thuộc thẩm quyền quyết định của Sở Nội vụ tỉnh Quảng Ninh; không trái quy định của Đảng, "
                 "pháp luật, văn bản của cơ quan nhà nước cấp trên và điều ước quốc tế mà Việt Nam là thành viên")
    for decision in (approval, override):
        assert decision.competence_confirmed
        text = _text(decision)
        assert statement in text
        assert text.index(statement) < text.index("QUYẾT ĐỊNH:")


def test_without_the_heads_confirmation_nothing_is_issued(proposer, leaders):
    """Art. 4(2) [C] (D-5): the service refuses an unconfirmed approval or override, next to the confirmation."""
    head, deputy, _deputy2 = leaders
    passed = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=passed, by=head, votes={head: FOR, deputy: FOR}, close=True)
    failed = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=failed, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)

    with pytest.raises(ValidationError) as approving:
        services.decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT, competence_confirmed=False)
    with pytest.raises(ValidationError) as overriding:
        services.decision_override(proposal=failed, by=head, justification=JUSTIFICATION, competence_confirmed=False)

    assert "competence_confirmed" in approving.value.message_dict and "competence_confirmed" in overriding.value.message_dict
    assert not Decision.objects.exists()
    assert (fresh(passed).status, fresh(failed).status) == (Status.COLLECTIVE_PASSED, Status.COLLECTIVE_FAILED)


def test_the_approval_form_requires_the_confirmation(proposer, leaders):
    """D-5: the box with the Art. 4(2) wording is required on the approval form; ticked, the decision is issued."""
    head, deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, close=True)
    form = deciding_panel(proposal=fresh(proposal), user=head)["actions"]["decision_approve"]
    assert "khoản 2 Điều 4" in str(form["competence_confirmed"].label)

    refused = as_(head).post(url("decision_approve", proposal.pk), {"approve-text": APPROVAL_TEXT})
    assert refused.status_code == 200 and 'id="error_1_id_approve-competence_confirmed"' in refused.content.decode()
    assert not Decision.objects.exists()

    issued = as_(head).post(url("decision_approve", proposal.pk),
                            {"approve-text": APPROVAL_TEXT, "approve-competence_confirmed": "on"})
    assert issued.status_code == 302
    assert Decision.objects.get().competence_confirmed


def test_the_override_form_requires_the_confirmation(proposer, leaders):
    head, deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)

    refused = as_(head).post(url("decision_override", proposal.pk), {"override-justification": JUSTIFICATION})
    assert refused.status_code == 200 and 'id="error_1_id_override-competence_confirmed"' in refused.content.decode()
    issued = as_(head).post(url("decision_override", proposal.pk),
                            {"override-justification": JUSTIFICATION, "override-competence_confirmed": "on"})
    assert issued.status_code == 302 and Decision.objects.get().kind == Decision.Kind.OVERRIDE


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.COLLECTIVE_PASSED, Status.COLLECTIVE_FAILED])
def test_a_proposal_beyond_the_units_authority_is_reported_to_the_competent_body(
    status, proposer, leaders, django_capture_on_commit_callbacks,
):
    """Art. 4(2) [C], D-5 [I]: before the meeting or after the vote, the head reports the proposal upward in a
    numbered letter ("V/v báo cáo đề xuất vượt thẩm quyền", Kính gửi: the body typed, the reasons); the proposal is
    REFERRED, the proposer told, the act audited."""
    head, deputy, _deputy2 = leaders
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)

    with django_capture_on_commit_callbacks(execute=True):
        letter = services.decision_refer(proposal=proposal, by=head, addressee=f"  {COMPETENT_BODY} ", reasons=BEYOND)

    assert (letter.kind, letter.number, letter.register) == (Decision.Kind.REFERRAL, "1/SNV-VP", "CV")
    assert fresh(proposal).status == Status.REFERRED
    [event] = AuditEvent.objects.for_object(proposal).filter(action="refer")
    assert (event.from_state, event.to_state, event.actor) == (status, Status.REFERRED, head)
    assert any(letter.number in n.text() for n in Notification.objects.filter(recipient=proposer))
    lines = _lines(letter)
    assert lines[:4] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", "Số: 1/SNV-VP", "V/v báo cáo đề xuất vượt thẩm quyền"]
    text = " ".join(lines)
    assert f"Kính gửi: {COMPETENT_BODY}." in text
    assert "nhận thấy đề xuất vượt thẩm quyền quyết định của cơ quan (khoản 2 Điều 4" in text
    assert BEYOND in text
    assert f"kính báo cáo {COMPETENT_BODY} xem xét, quyết định theo thẩm quyền." in text
    assert f"Nơi nhận: - Như trên; - Đồng chí {proposer.get_full_name()} (để biết); - Lưu: VT, VP (02b)." in text
    assert "GIÁM ĐỐC" in lines


def test_the_superior_head_refers_a_heads_own_proposal(head, superior_head, province):
    """Route B: the superior unit decides, so its head is the one who refers (D-5)."""
    proposal = submitted_proposal(proposer=head)
    with pytest.raises(PermissionDenied):
        services.decision_refer(proposal=proposal, by=head, addressee="Thủ tướng Chính phủ", reasons=BEYOND)

    letter = services.decision_refer(proposal=proposal, by=superior_head, addressee="Thủ tướng Chính phủ", reasons=BEYOND)

    assert (letter.unit, letter.number, letter.signer_title) == (province, "1/UBND-VP", "Chủ tịch")


def test_a_referral_needs_the_addressee_and_its_reasons_and_a_state_that_allows_it(proposer, leaders):
    head, deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        services.decision_refer(proposal=proposal, by=head, addressee=" ", reasons="Vượt.")
    assert set(error.value.message_dict) == {"addressee", "reasons"}
    with pytest.raises(PermissionDenied):
        services.decision_refer(proposal=proposal, by=deputy, addressee=COMPETENT_BODY, reasons=BEYOND)
    approved = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    with pytest.raises(ValidationError):
        services.decision_refer(proposal=approved, by=head, addressee=COMPETENT_BODY, reasons=BEYOND)

    assert not Decision.objects.filter(kind=Decision.Kind.REFERRAL).exists()
    assert fresh(proposal).status == Status.SUBMITTED


def test_the_panel_offers_the_referral_to_the_head_and_issues_it(proposer, leaders):
    head, _deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    assert "decision_refer" in deciding_panel(proposal=proposal, user=head)["actions"]

    response = as_(head).post(url("decision_refer", proposal.pk), {"refer-addressee": COMPETENT_BODY, "refer-reasons": BEYOND})

    assert response.status_code == 302
    assert fresh(proposal).status == Status.REFERRED
    letter = Proposal.objects.get(pk=proposal.pk).decisions.get()
    assert letter.kind == Decision.Kind.REFERRAL
    # The proposer sees the proposal referred, with the letter, and downloads it.
    page = as_(proposer).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Vượt thẩm quyền, đã báo cáo cấp có thẩm quyền" in page and url("decision_pdf", proposal.pk, letter.pk) in page
    download = as_(proposer).get(url("decision_pdf", proposal.pk, letter.pk))
    assert download.status_code == 200 and download["Content-Disposition"].startswith('attachment; filename="CV-1-SNV-VP.pdf"')


# --- Acceptance: a department's and a provincial People's Committee's approval, line by line ---------------------------


def test_acceptance_a_departments_approval_decision(proposer, leaders):
    """Route A (Art. 7(3), 8(1)): the Sở Nội vụ approves its staff member's proposal."""
    head, deputy, _deputy2 = leaders
    decision = _approved(submitted_proposal(proposer=proposer), head, [head, deputy])

    lines = _lines(decision)
    text = " ".join(lines)

    assert lines[:3] == ["UBND TỈNH QUẢNG NINH", "SỞ NỘI VỤ", "Số: 1/QĐ-SNV"]
    assert "Quảng Ninh, ngày 06 tháng 4 năm 2026" in text
    assert "GIÁM ĐỐC SỞ NỘI VỤ" in lines
    positions = _in_order(text, "QUYẾT ĐỊNH Về việc cho triển khai thực hiện đề xuất đổi mới, sáng tạo", DEPARTMENT_BASIS,
                          DECREE_73, "Căn cứ ý kiến của Đảng ủy Sở Nội vụ ngày 06/04/2026;",
                          "Căn cứ Biên bản họp tập thể lãnh đạo số 1/BB-SNV ngày 06/04/2026;",
                          "được xem xét theo khoản 3 Điều 7 và khoản 1 Điều 8 Nghị định số 73/2023/NĐ-CP.",
                          "Đề xuất thuộc thẩm quyền quyết định của Sở Nội vụ tỉnh Quảng Ninh;", "QUYẾT ĐỊNH:", "Điều 1.",
                          "Nơi nhận: - Như Điều 3; - Lưu: VT, VP (02b).")
    assert positions == sorted(positions)
    assert "GIÁM ĐỐC" in lines and "GIÁM ĐỐC SỞ" not in lines
    assert lines.index("GIÁM ĐỐC") < lines.index(head.get_full_name())
    assert "(để báo cáo)" not in text


def test_acceptance_a_provincial_peoples_committees_approval_of_a_department_heads_own_proposal(
    head, deputy, superior_head, province,
):
    """Route B (Art. 7(4), 8): the Director's own proposal, decided by UBND tỉnh: its own name only in the header, no
    "CHÍNH PHỦ" above it nor "Chính phủ (để báo cáo)" below, the Chair signing as "CHỦ TỊCH"."""
    decision = _approved(submitted_proposal(proposer=head), superior_head, [superior_head])

    lines = _lines(decision)
    text = " ".join(lines)

    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH", "Số: 1/QĐ-UBND"]
    assert "CHÍNH PHỦ" not in text and "Chính phủ (để báo cáo)" not in text
    assert "Quảng Ninh, ngày 06 tháng 4 năm 2026" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in text
    positions = _in_order(text, LOCAL_GOVERNMENT_LAW, DECREE_73,
                          "Căn cứ Biên bản họp tập thể lãnh đạo số 1/BB-UBND ngày 06/04/2026;",
                          f"Xét kế hoạch đề xuất đổi mới, sáng tạo của đồng chí {head.get_full_name()}, Giám đốc (mã hồ sơ",
                          "được xem xét theo khoản 4 Điều 7 và Điều 8 Nghị định số 73/2023/NĐ-CP.",
                          "Đề xuất thuộc thẩm quyền quyết định của Ủy ban nhân dân tỉnh Quảng Ninh;", "QUYẾT ĐỊNH:",
                          "Nơi nhận: - Như Điều 3; - Lưu: VT, VP (02b).")
    assert positions == sorted(positions)
    assert lines.index("CHỦ TỊCH") < lines.index(superior_head.get_full_name())  # the title only, over the name
    assert decision.signer_title == "Chủ tịch"


# --- The settings behind the documents, in the admin -----------------------------------------------------------------


def test_the_admin_sets_the_units_documents_and_the_signing_title_and_records_them(admin_user, department, head):
    """Findings 1, 2, 7: the parent line, the competence basis and the signing title are set per unit and position in
    the admin, through the audited services; changing one of them alone is saved and recorded."""
    client = as_(admin_user)
    assert "print_parent_line" in client.get(reverse("admin:accounts_orgunit_change", args=[department.pk])).content.decode()
    unit_form = {
        "code": department.code, "name": department.name, "abbreviation": department.abbreviation,
        "place_name": department.place_name, "parent": department.parent_id, "level": department.level,
        "kind": department.kind, "valid_from": "01/01/2020", "valid_to": "", "successor": "", "cadre_authority": "",
        "print_parent_line": "", "competence_basis": LOCAL_GOVERNMENT_LAW,
    }
    assert client.post(reverse("admin:accounts_orgunit_change", args=[department.pk]), unit_form).status_code == 302
    position = Position.objects.get(person=head)
    position_form = {
        "person": head.pk, "unit": department.pk, "role": Position.Role.HEAD, "title": position.title,
        "signing_title": "Giám đốc", "category": position.category, "start_date": "01/01/2024", "end_date": "",
    }
    assert client.post(reverse("admin:accounts_position_change", args=[position.pk]), position_form).status_code == 302

    department.refresh_from_db()
    assert (department.print_parent_line, department.competence_basis) == (False, LOCAL_GOVERNMENT_LAW)
    assert Position.objects.get(pk=position.pk).signing_title == "Giám đốc"
    [unit_event] = audit_events("unit_update")
    assert unit_event.payload["changes"] == {"print_parent_line": [True, False],
                                             "competence_basis": [DEPARTMENT_BASIS, LOCAL_GOVERNMENT_LAW]}
    [position_event] = audit_events("position_update")
    assert position_event.payload["changes"] == {"signing_title": ["", "Giám đốc"]}
