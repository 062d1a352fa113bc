"""Supervision records (after-approval.md SUP-1): plan, finding, recommendation, follow-up, linked to a unit and
optionally to proposals in its subtree; entered by inspectors and, as a setting-free simplification, by the
secretariat of a province-level unit standing for the home-affairs department's focal role (incidents.rules).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import OrgUnit, Position
from incidents import services
from incidents.models import SupervisionRecord
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import as_, audit_events, fresh

from .helpers import NOW, TODAY, page, url

pytestmark = pytest.mark.frozen_at(NOW)
D = TODAY.strftime("%d/%m/%Y")


def plan(*, by, unit, **fields) -> SupervisionRecord:
    return services.supervision_create(by=by, unit=unit, **{
        "body": "Ủy ban Kiểm tra Tỉnh ủy", "title": "Giám sát việc thực hiện Nghị định 73 tại Sở Nội vụ",
        "plan": "Làm việc với lãnh đạo Sở; kiểm tra hồ sơ đề xuất.", "planned_from": TODAY,
        "planned_to": TODAY + datetime.timedelta(days=30), **fields})


@pytest.fixture
def elsewhere(db):
    """Another province, its department and its inspector: outside our personas' reach."""
    province = OrgUnitFactory(code="UBND-HP", name="Ủy ban nhân dân thành phố Hải Phòng")
    unit = OrgUnitFactory(code="SNV-HP", name="Sở Nội vụ thành phố Hải Phòng", parent=province)
    person = UserFactory(username="thanhtrahp")
    PositionFactory(person=person, unit=province, role=Position.Role.INSPECTOR)
    return {"unit": unit, "inspector": person, "record": plan(by=person, unit=unit)}


def test_an_inspector_plans_concludes_and_follows_up(inspector, department, submitted):
    client = as_(inspector)
    response = client.post(url("supervision_create"), {
        "unit": department.pk, "body": "Ủy ban Kiểm tra Tỉnh ủy", "title": "Giám sát thực hiện Nghị định 73",
        "plan": "Kiểm tra hồ sơ đề xuất năm 2026.", "planned_from": D, "planned_to": "31/03/2026",
        "proposal_codes": submitted.code.lower(),
    })
    record = SupervisionRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == url("supervision_detail", record.pk)
    assert (record.unit, record.year, list(record.proposals.all())) == (department, 2026, [submitted])
    assert client.post(url("supervision_conclude", record.pk), {
        "conclude-finding": "Sở chưa bố trí kinh phí kịp thời.", "conclude-recommendation": "Bố trí kinh phí trong quý II.",
        "conclude-concluded_on": D, "conclude-party_orgs_handled": "0", "conclude-party_members_handled": "1",
    }).status_code == 302
    assert fresh(record).state == SupervisionRecord.State.CONCLUDED and fresh(record).party_members_handled == 1
    assert client.post(url("supervision_follow_up", record.pk), {
        "follow-happened_on": D, "follow-note": "Sở đã bố trí kinh phí.", "follow-completed": "on",
    }).status_code == 302
    assert fresh(record).state == SupervisionRecord.State.CLOSED
    assert [(e.action, e.to_state) for e in audit_events() if e.action.startswith("supervision")] == [
        ("supervision_create", "planned"), ("supervision_conclude", "concluded"), ("supervision_follow_up", "closed"),
    ]
    body = page(client, "supervision_detail", record.pk)
    assert "Sở đã bố trí kinh phí." in body and submitted.code in body


def test_the_secretariat_of_a_province_level_unit_supervises_its_province(secretariat, other_unit, department):
    """SUP-1 [local, addendum N10]: Sở Nội vụ as the focal point ("theo dõi, kiểm tra, đôn đốc"): the secretariat
    of a province-level unit acts for the whole province (the simplification in incidents.rules)."""
    assert department.level == OrgUnit.Level.PROVINCE
    record = plan(by=secretariat, unit=other_unit)
    assert audit_events("supervision_create")[0].role == Position.Role.SECRETARIAT
    assert as_(secretariat).get(url("supervision_detail", record.pk)).status_code == 200


def test_a_commune_secretariat_is_no_focal_point(department):
    commune = OrgUnitFactory(code="X-01", name="Ủy ban nhân dân xã Một", level=OrgUnit.Level.COMMUNE, parent=department)
    clerk = UserFactory(username="vanphongxa")
    PositionFactory(person=clerk, unit=commune, role=Position.Role.SECRETARIAT)
    with pytest.raises(PermissionDenied):
        plan(by=clerk, unit=commune)
    assert as_(clerk).get(url("supervision_list")).status_code == 403


def test_heads_and_staff_do_not_supervise(head, proposer, department):
    for person in (head, proposer):
        with pytest.raises(PermissionDenied):
            plan(by=person, unit=department)
        assert as_(person).get(url("supervision_list")).status_code == 403
        assert as_(person).get(url("supervision_create")).status_code == 403


def test_a_record_outside_the_reach_is_404(inspector, elsewhere, department):
    record = elsewhere["record"]
    client = as_(inspector)
    assert client.get(url("supervision_detail", record.pk)).status_code == 404
    assert client.post(url("supervision_conclude", record.pk), {}).status_code == 404
    assert record.title not in client.get(url("supervision_list")).content.decode()
    with pytest.raises(PermissionDenied):
        plan(by=inspector, unit=elsewhere["unit"])


def test_linked_proposals_must_be_in_the_units_subtree(inspector, submitted, other_unit):
    with pytest.raises(ValidationError) as refused:
        plan(by=inspector, unit=other_unit, proposal_codes=[submitted.code])
    assert "proposal_codes" in refused.value.message_dict


def test_errors_stay_next_to_their_fields(inspector, department):
    response = as_(inspector).post(url("supervision_create"), {
        "unit": department.pk, "body": "UBKT", "title": "Giám sát", "plan": "Kế hoạch",
        "planned_from": D, "planned_to": "01/03/2026", "proposal_codes": "DX2026-999999",
    })
    assert response.status_code == 200
    assert "planned_to" in response.context["form"].errors
    assert not SupervisionRecord.objects.exists()


def test_the_list_filters_by_unit_and_year_and_pages_by_key(inspector, department, other_unit):
    for n in range(22):
        plan(by=inspector, unit=department, title=f"Giám sát số {n}")
    plan(by=inspector, unit=other_unit, title="Giám sát Sở Tài chính",
         planned_from=datetime.date(2025, 5, 1), planned_to=datetime.date(2025, 6, 1))
    client = as_(inspector)
    first = client.get(url("supervision_list"), {"unit": department.pk, "year": 2026})
    page_ = first.context["page"]
    assert len(page_.rows) == 20 and page_.after is not None
    assert "Trang sau" in first.content.decode() and f"unit={department.pk}" in first.content.decode()
    second = client.get(url("supervision_list"), {"unit": department.pk, "year": 2026, "sau": page_.after})
    assert len(second.context["page"].rows) == 2 and second.context["page"].after is None
    only_2025 = client.get(url("supervision_list"), {"year": 2025}).context["page"].rows
    assert [r.title for r in only_2025] == ["Giám sát Sở Tài chính"]


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_is_a_fixed_number_of_queries(inspector, department, count, django_assert_num_queries):
    for n in range(count):
        plan(by=inspector, unit=department, title=f"Giám sát {n}")
    client = as_(inspector)
    # 1 session, 2 user, 3 the inspector's and secretariat posts (reach), 4 one page of records (unit joined),
    # 5 positions held today (navigation bar), 6 the badges (unread notifications, tasks pending), 7 the unit choices
    # of the filter. The incidents stage's handler paths come from the positions of 5, not from a query of their own.
    with django_assert_num_queries(7):
        response = client.get(url("supervision_list"), {"year": 2026})
    assert len(response.context["page"].rows) == count


def test_views_send_anonymous_visitors_to_login_and_refuse_wrong_methods(client, inspector, department):
    record = plan(by=inspector, unit=department)
    for name, args in (("supervision_list", ()), ("supervision_create", ()), ("supervision_detail", (record.pk,))):
        response = client.get(url(name, *args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for name in ("supervision_conclude", "supervision_follow_up"):
        assert as_(inspector).get(url(name, record.pk)).status_code == 405
        assert client.post(url(name, record.pk)).status_code == 302


def test_follow_up_comes_after_the_conclusion(inspector, department):
    record = plan(by=inspector, unit=department)
    with pytest.raises(ValidationError):
        services.supervision_follow_up(record=record, by=inspector, happened_on=TODAY, note="Đôn đốc")
    services.supervision_conclude(record=record, by=inspector, finding="Phát hiện", recommendation="Kiến nghị",
                                  concluded_on=TODAY)
    with pytest.raises(ValidationError):
        services.supervision_conclude(record=record, by=inspector, finding="Lại", recommendation="Lại", concluded_on=TODAY)
