"""PRO-1..4 (Art. 11, Art. 5(2)): the one measure the conclusion allows, per protected party; the unit's letter,
never the liability decision itself; the competent body's decision recorded later."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation import services
from evaluation.models import Measure, Outcome, PartyKind, ProtectionRecord
from evaluation.selectors import parties
from tests.evaluation.helpers import NOW, TODAY, evaluated, reported
from tests.factories import UserFactory
from tests.lifecycle import audit_events, fresh, pdf_text

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)

# PRO-1, one conclusion per row: (outcome, damage, findings) → the measures the service accepts.
ROWS = {
    "11_1": ({"outcome": Outcome.COMPLETED}, {Measure.NO_LIABILITY}),
    "11_2": ({"outcome": Outcome.NOT_COMPLETED}, {Measure.EXCLUSION}),
    "11_3": ({"outcome": Outcome.PARTIAL, "damage": True, "damage_vnd": 200_000_000},
             {Measure.CONSIDER_EXCLUSION, Measure.CONSIDER_EXEMPTION, Measure.CONSIDER_MITIGATION}),
    "none": ({"outcome": Outcome.COMPLETED, "pure_motive": False}, set()),
}


def protect(proposal, by, party, measure, **fields):
    return services.protection_record(proposal=proposal, by=by, party=party, measure=measure,
                                      **{"addressee": "Hội đồng kỷ luật tỉnh Quảng Ninh", **fields})


@pytest.mark.parametrize("row", ROWS)
def test_pro1_the_service_accepts_only_the_measures_of_the_conclusions_row(row, report, leaders):
    head, deputy, _ = leaders
    overrides, allowed = ROWS[row]
    conclusion = evaluated(report, head, deputy, **overrides)
    assert conclusion.protection_basis == row
    keys = iter(party.key for party in parties(fresh(report)))
    for measure in Measure:
        if measure in allowed:
            assert protect(report, head, next(keys), measure).measure == measure
        else:
            with pytest.raises(ValidationError) as refused:
                protect(report, head, next(iter(p.key for p in parties(fresh(report)))), measure)
            if row == "none":
                assert refused.value.messages == ["Không đủ điều kiện áp dụng Điều 11; xem xét dấu hiệu lạm dụng theo Điều 6 khoản 1."]
            else:
                assert "measure" in refused.value.message_dict
    assert ProtectionRecord.objects.count() == len(allowed)


def test_pro3_the_protected_parties_are_proposer_co_authors_approving_unit_and_its_head(proposer, leaders, deputy3, department):
    head, deputy, _ = leaders
    co_author = UserFactory(username="dongtacgia")
    proposal = reported(proposer=proposer, head=head, deputy=deputy, co_authors=[co_author])
    found = {(party.key, party.kind) for party in parties(proposal)}
    assert found == {
        (f"user:{proposer.pk}", PartyKind.PROPOSER), (f"user:{co_author.pk}", PartyKind.CO_AUTHOR),
        (f"unit:{department.pk}", PartyKind.APPROVING_UNIT), (f"user:{head.pk}", PartyKind.APPROVING_HEAD),
    }


def test_pro3_implementers_of_the_implementation_app_are_parties_when_it_has_them(report, head, monkeypatch):
    try:
        assignment = apps.get_model("implementation", "Assignment")
    except LookupError:
        pytest.skip("the implementation app has no implementers yet")
    row = assignment.objects.create(
        proposal=report, kind="organisation", name="Văn phòng Đăng ký đất đai tỉnh", contact_person="Nguyễn Văn Liên",
        phone="0203 3835 000", assigned_by=head,
    )
    [implementer] = [p for p in parties(report) if p.kind == PartyKind.IMPLEMENTER]
    assert (implementer.key, implementer.type, implementer.name) == (f"implementer:{row.pk}", "organisation", row.name)


def test_the_stage_works_without_the_implementation_app(report, monkeypatch):
    from evaluation import selectors

    monkeypatch.setattr(selectors, "_implementation_model", lambda name: None)
    assert selectors.completion_report(report) is None and selectors.implementers(report) == []
    assert selectors.evaluation_file(report).received_on == TODAY  # from the REPORT event of the audit log


@pytest.mark.real_pdf
def test_pro2_the_letter_confirms_and_proposes_and_says_it_is_not_the_liability_decision(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    record = protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    assert (record.number, record.legal_basis) == ("1/SNV-VP", "Khoản 1 Điều 11 và điểm a khoản 2 Điều 5 Nghị định số 73/2023/NĐ-CP")
    text = pdf_text(services.protection_download(record=record, by=head).content)
    assert "V/v xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ" in text
    assert "Kính gửi: Hội đồng kỷ luật tỉnh Quảng Ninh" in text and proposer.get_full_name() in text
    assert "không phải quyết định xử lý, loại trừ, miễn hoặc giảm nhẹ trách nhiệm" in text
    assert "QUYẾT ĐỊNH" not in text
    [event] = audit_events("protection_record")
    assert event.payload["pdf_sha256"] == record.pdf_sha256 and event.payload["measure"] == Measure.NO_LIABILITY


def test_pro1_one_record_per_party(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    with pytest.raises(ValidationError) as twice:
        protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    assert twice.value.code == "duplicate"


def test_pro4_the_addressee_and_a_known_party_are_required(report, leaders, outsider):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(ValidationError) as no_body:
        protect(report, head, f"unit:{report.decision_unit_id}", Measure.NO_LIABILITY, addressee=" ")
    with pytest.raises(ValidationError) as stranger:
        protect(report, head, f"user:{outsider.pk}", Measure.NO_LIABILITY)
    assert "addressee" in no_body.value.message_dict and "party" in stranger.value.message_dict


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer"])
def test_pro_only_the_head_signs_the_letter(report, leaders, proposer, who, request):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(PermissionDenied):
        protect(report, request.getfixturevalue(who), f"user:{proposer.pk}", Measure.NO_LIABILITY)


def test_pro4_the_competent_bodys_decision_is_recorded_once_later(report, leaders, proposer, secretariat):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    record = protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    # The competent body decides after the case is closed, as often happens.
    services.encouragement_decline(proposal=report, by=head, reason="Đã biểu dương tại hội nghị tổng kết năm.")
    services.case_close(proposal=report, by=head)
    kwargs = {"body": "Hội đồng kỷ luật tỉnh", "number": "15/QĐ-HĐKL", "decided_on": TODAY,
              "link": "https://vanban.quangninh.gov.vn/15-qd-hdkl", "summary": "Không xử lý trách nhiệm."}
    with pytest.raises(ValidationError) as bad:
        services.protection_final_record(record=record, by=secretariat, **{**kwargs, "link": "javascript:alert(1)",
                                                                             "decided_on": TODAY + datetime.timedelta(days=1)})
    assert set(bad.value.message_dict) == {"link", "decided_on"}
    saved = services.protection_final_record(record=record, by=secretariat, **kwargs)
    assert (saved.final_number, saved.final_recorded_by) == ("15/QĐ-HĐKL", secretariat)
    with pytest.raises(ValidationError) as twice:
        services.protection_final_record(record=record, by=head, **kwargs)
    assert twice.value.code == "duplicate"
    assert audit_events("protection_final")[0].payload["number"] == "15/QĐ-HĐKL"


def test_a_declined_protection_takes_no_letter_and_a_letter_forbids_declining(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(ValidationError):
        services.protection_decline(proposal=report, by=head, reason="")
    services.protection_decline(proposal=report, by=head, reason="Không phát sinh trách nhiệm cần xem xét.")
    with pytest.raises(ValidationError) as refused:
        protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    assert refused.value.code == "declined"


def test_a_letter_forbids_declining(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    protect(report, head, f"user:{proposer.pk}", Measure.NO_LIABILITY)
    with pytest.raises(ValidationError) as refused:
        services.protection_decline(proposal=report, by=head, reason="Đổi ý.")
    assert refused.value.code == "recorded"
