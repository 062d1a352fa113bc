"""IMP-1, Art. 10(2) [C]: the employing unit records the resources it allocates (equipment, facilities, people,
funds in VND with their budget source), each linked to the number of the approval decision.

Personas (tests/conftest.py): the head (giám đốc), two deputies and the secretariat of the Sở Nội vụ, a proposer on
its staff, an outsider in the Sở Tài chính. Clock: tests/implementation/helpers.py.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Decision
from approvals.services import decision_override
from implementation import services
from implementation.forms import ResourceForm
from implementation.models import Resource
from proposals.transitions import Status
from tests.implementation import helpers as h
from tests.lifecycle import JUSTIFICATION, audit_events, drive_to

pytestmark = pytest.mark.frozen_at(h.NOW)


def funds(proposal, by, **fields) -> Resource:
    return services.resource_record(
        proposal=proposal, by=by, **{"kind": "funds", "description": "Kinh phí thí điểm liên thông",
                                     "amount": 1_500_000, "budget_source": "Ngân sách tỉnh chi thường xuyên", **fields},
    )


def test_the_secretariat_records_funds_linked_to_the_approval_decision(approved, secretariat):
    resource = funds(approved, secretariat)

    decision = Decision.objects.get(proposal=approved, kind=Decision.Kind.APPROVAL)
    assert (resource.kind, resource.amount, resource.decision) == ("funds", 1_500_000, decision)
    assert resource.unit == approved.decision_unit
    [event] = audit_events("resource_record")
    assert event.actor == secretariat and event.role == "secretariat"
    assert event.payload["decision"] == decision.number == "1/QĐ-SNV" and event.payload["amount"] == 1_500_000


def test_the_head_records_equipment_people_and_facilities_without_an_amount(approved, head):
    for kind in ("equipment", "people", "facilities"):
        resource = services.resource_record(proposal=approved, by=head, kind=kind, description="02 máy tính",
                                            amount=999, budget_source="bỏ qua")
        assert (resource.amount, resource.budget_source) == (None, "")
    assert Resource.objects.filter(proposal=approved).count() == 3


def test_an_override_decision_is_the_one_resources_follow(calendar_2026, proposer, head, deputy, secretariat):
    proposal = drive_to(Status.COLLECTIVE_FAILED, proposer=proposer, head=head, deputy=deputy)
    override = decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    assert funds(proposal, secretariat).decision == override


@pytest.mark.parametrize("person", ["deputy", "proposer", "outsider"])
def test_only_the_head_or_secretariat_of_the_deciding_unit_records_resources(approved, request, person):
    with pytest.raises(PermissionDenied):
        funds(approved, request.getfixturevalue(person))
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"amount": None}, "amount"), ({"budget_source": "  "}, "budget_source"), ({"amount": -1}, "amount"),
     ({"description": " "}, "description"), ({"kind": "vehicle"}, "kind")],
)
def test_funds_need_an_amount_in_vnd_and_a_budget_source(approved, secretariat, fields, field):
    with pytest.raises(ValidationError) as refused:
        funds(approved, secretariat, **fields)
    assert field in refused.value.message_dict
    assert not Resource.objects.exists()


def test_resources_are_recorded_only_after_the_decision_and_while_implementing(calendar_2026, proposer, head, deputy, secretariat):
    submitted = drive_to(Status.SUBMITTED, proposer=proposer, head=head, deputy=deputy)
    with pytest.raises(ValidationError, match="đã được cho triển khai"):
        funds(submitted, secretariat)


def test_resources_may_be_added_while_implementing_but_not_once_completed(approved, head, proposer, secretariat):
    h.start(approved, head, proposer)
    funds(approved, secretariat)
    h.complete(approved, proposer)
    with pytest.raises(ValidationError):
        funds(approved, secretariat)
    assert Resource.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.500.000", 1_500_000), ("1 500 000", 1_500_000), ("1,500,000", 1_500_000), ("1500000", 1_500_000),
     ("1.500.000 đ", 1_500_000), ("0", 0)],
)
def test_the_amount_is_typed_as_people_write_đồng(typed, amount):
    form = ResourceForm({"resource-kind": "funds", "resource-description": "x", "resource-amount": typed,
                         "resource-budget_source": "NSNN"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5", "Số tiền không được âm."), ("1,5", "Nhập số tiền bằng số nguyên (đồng)"),
     ("1.50.000", "Nhập số tiền bằng số nguyên (đồng)"), ("nhiều", "Nhập số tiền bằng số nguyên (đồng)"),
     ("9" * 20, "Số tiền vượt quá giới hạn cho phép.")],
)
def test_a_wrong_amount_is_refused_in_vietnamese_next_to_its_field(typed, message):
    form = ResourceForm({"resource-kind": "funds", "resource-description": "x", "resource-amount": typed,
                         "resource-budget_source": "NSNN"})
    assert not form.is_valid()
    assert message in form.errors["amount"][0]


def test_the_panel_lists_resources_with_vnd_grouped_and_the_decision_number(approved, head, secretariat):
    funds(approved, secretariat)
    funds(approved, secretariat, amount=250_000_000, description="Kinh phí tập huấn")
    html = h.panel_html(approved, head)
    assert "1.500.000 đ" in html and "250.000.000 đ" in html
    assert "251.500.000 đ" in html  # the total of funds
    assert "Số 1/QĐ-SNV" in html and "Ngân sách tỉnh chi thường xuyên" in html
