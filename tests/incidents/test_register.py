"""The register of recommendations to remove policy bottlenecks and effective models for replication
(after-approval.md SUP-2): proposed → forwarded → accepted / not accepted; visible to inspectors and to heads and
secretariats in scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Position
from incidents import services
from incidents.models import RegisterEntry
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import as_, audit_events, fresh

from .helpers import NOW, TODAY, page, url

pytestmark = pytest.mark.frozen_at(NOW)
D = TODAY.strftime("%d/%m/%Y")


def entry(*, by, unit, **fields) -> RegisterEntry:
    return services.register_entry_create(by=by, unit=unit, **{
        "kind": RegisterEntry.Kind.BOTTLENECK, "title": "Cho phép tiếp nhận hồ sơ đất đai điện tử liên thông",
        "content": "Nghị định hiện hành chưa cho phép chuyển hồ sơ điện tử cho cơ quan thuế.", **fields})


@pytest.fixture
def other_head(other_unit):
    person = UserFactory(username="giamdockhac")
    PositionFactory(person=person, unit=other_unit, role=Position.Role.HEAD)
    return person


def test_kinds_and_statuses_are_those_of_sup_2():
    assert RegisterEntry.Kind.labels == ["Kiến nghị tháo gỡ cơ chế, chính sách", "Mô hình, cách làm hiệu quả đề nghị nhân rộng"]
    assert RegisterEntry.Status.values == ["proposed", "forwarded", "accepted", "not_accepted"]


def test_a_head_records_forwards_and_the_superior_answers(head, department, province, superior_head, submitted):
    client = as_(head)
    response = client.post(url("register_create"), {
        "kind": "model", "unit": department.pk, "proposal_code": submitted.code, "title": "Một cửa liên thông điện tử",
        "content": "Mô hình rút thời gian giải quyết từ 30 xuống 10 ngày.",
    })
    record = RegisterEntry.objects.get()
    assert response.status_code == 302 and (record.proposal, record.status) == (submitted, "proposed")
    assert client.post(url("register_forward", record.pk), {"forward-forwarded_to": province.pk,
                                                             "forward-forwarded_on": D}).status_code == 302
    assert (fresh(record).status, fresh(record).forwarded_to) == ("forwarded", province)
    # The department's head does not answer their own recommendation.
    assert "decide_form" not in client.get(url("register_detail", record.pk)).context
    assert as_(superior_head).post(url("register_decide", record.pk), {
        "decide-decision": "accepted", "decide-response": "Tiếp thu, đề xuất nhân rộng toàn tỉnh.", "decide-decided_on": D,
    }).status_code == 302
    assert fresh(record).status == RegisterEntry.Status.ACCEPTED
    assert [(e.action, e.to_state) for e in audit_events() if e.action.startswith("register")] == [
        ("register_create", "proposed"), ("register_forward", "forwarded"), ("register_decide", "accepted"),
    ]
    assert "Tiếp thu, đề xuất nhân rộng toàn tỉnh." in page(client, "register_detail", record.pk)


def test_not_accepted_needs_a_response(head, department, province, superior_head):
    record = entry(by=head, unit=department)
    services.register_entry_forward(entry=record, by=head, forwarded_to=province, forwarded_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        services.register_entry_decide(entry=record, by=superior_head, accepted=False, response=" ", decided_on=TODAY)
    assert "response" in refused.value.message_dict
    services.register_entry_decide(entry=record, by=superior_head, accepted=False, response="Chưa đủ cơ sở.",
                                   decided_on=TODAY)
    assert fresh(record).status == RegisterEntry.Status.NOT_ACCEPTED
    with pytest.raises(ValidationError):
        services.register_entry_decide(entry=record, by=superior_head, accepted=True, response="Lại", decided_on=TODAY)


def test_forwarding_goes_to_a_unit_above_and_only_once(head, department, other_unit, province):
    record = entry(by=head, unit=department)
    with pytest.raises(ValidationError) as refused:
        services.register_entry_forward(entry=record, by=head, forwarded_to=other_unit, forwarded_on=TODAY)
    assert "forwarded_to" in refused.value.message_dict
    with pytest.raises(PermissionDenied):  # nobody answers an entry not forwarded yet
        services.register_entry_decide(entry=record, by=head, accepted=True, response="x", decided_on=TODAY)
    services.register_entry_forward(entry=record, by=head, forwarded_to=province, forwarded_on=TODAY)
    with pytest.raises(ValidationError):
        services.register_entry_forward(entry=record, by=head, forwarded_to=province, forwarded_on=TODAY)


def test_who_records_inspectors_heads_secretariats_not_staff_or_deputies(inspector, secretariat, head, deputy, proposer, department):
    for person in (inspector, secretariat, head):
        assert entry(by=person, unit=department).created_by == person
    for person in (deputy, proposer):
        with pytest.raises(PermissionDenied):
            entry(by=person, unit=department)
        assert as_(person).get(url("register_list")).status_code == 403


def test_visible_to_inspectors_and_heads_and_secretariats_in_scope_only(head, department, inspector, secretariat,
                                                                         other_head, outsider, superior_head):
    record = entry(by=head, unit=department)
    for person in (head, inspector, secretariat, superior_head):
        assert as_(person).get(url("register_detail", record.pk)).status_code == 200
    assert as_(other_head).get(url("register_detail", record.pk)).status_code == 404
    assert record.title not in as_(other_head).get(url("register_list")).content.decode()
    assert as_(outsider).get(url("register_detail", record.pk)).status_code == 403


def test_the_list_filters_and_is_a_fixed_number_of_queries(head, department, django_assert_num_queries):
    for n in range(8):
        entry(by=head, unit=department, title=f"Kiến nghị {n}", kind="model" if n % 2 else "bottleneck")
    client = as_(head)
    # 1 session, 2 user, 3 supervisor posts (reach), 4 head/secretariat units, 5 the unit filtered on (form
    # validation), 6 one page (unit, proposal, forwarded_to joined), 7 positions held today (navigation bar),
    # 8 the badges (unread notifications, tasks pending), 9 the unit choices of the filter. The incidents stage's
    # handler paths come from the positions of 7, not from a query of their own.
    with django_assert_num_queries(9):
        response = client.get(url("register_list"), {"kind": "model", "unit": department.pk})
    assert len(response.context["page"].rows) == 4


def test_views_send_anonymous_visitors_to_login_and_refuse_wrong_methods(client, head, department):
    record = entry(by=head, unit=department)
    for name, args in (("register_list", ()), ("register_create", ()), ("register_detail", (record.pk,))):
        response = client.get(url(name, *args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    for name in ("register_forward", "register_decide"):
        assert as_(head).get(url(name, record.pk)).status_code == 405


def test_a_form_error_is_shown_next_to_its_field(head, department, province):
    record = entry(by=head, unit=department)
    response = as_(head).post(url("register_forward", record.pk), {"forward-forwarded_to": province.pk,
                                                                    "forward-forwarded_on": "01/01/2020"})
    assert response.status_code == 200
    assert response.context["forward_form"].errors["forwarded_on"]
    assert fresh(record).status == RegisterEntry.Status.PROPOSED
