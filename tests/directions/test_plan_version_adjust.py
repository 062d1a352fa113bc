"""`proposals.services.plan_version_adjust`: an adjustment is a new approved version (after-approval.md IMP-5;
spec README §3 "an adjustment is a new approved version; the evaluation is judged against the version in force").

Personas (tests/conftest.py); the clock stands on Thursday 05/02/2026 09:00 in Hà Nội (tests/directions/helpers.py).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from proposals.models import PlanVersion
from proposals.services import plan_version_adjust
from tests.directions.helpers import NEW_END, NOW, REASONS, suspend
from tests.lifecycle import audit_events, fresh

pytestmark = pytest.mark.frozen_at(NOW)


def test_it_freezes_the_next_version_with_the_changes_and_makes_it_the_approved_one(proposal, head):
    approved = PlanVersion.objects.get(proposal=proposal, number=1)

    version = plan_version_adjust(
        proposal=proposal, by=head, changes={"end_date": NEW_END, "milestones": "Quý II/2027: tổng kết."}, reason=REASONS,
    )

    assert (version.number, version.end_date, version.milestones) == (2, NEW_END, "Quý II/2027: tổng kết.")
    assert version.submitted_by == head
    # Unchanged contents are copied from the approved version, not from anywhere else.
    unchanged = [name for name in PlanVersion.CONTENT_FIELDS if name not in ("end_date", "milestones")]
    assert {n: getattr(version, n) for n in unchanged} == {n: getattr(approved, n) for n in unchanged}
    proposal = fresh(proposal)
    assert (proposal.current_version, proposal.approved_version) == (2, 2)
    assert (proposal.end_date, proposal.status) == (NEW_END, "in_implementation")  # the working copy follows
    assert fresh(approved).end_date == datetime.date(2026, 12, 31)  # the approved version 1 stays as it was
    [event] = audit_events("plan_adjust")
    assert (event.actor, event.role, event.unit_id) == (head, "head", proposal.decision_unit_id)
    assert event.payload == {
        "version": 2, "from_version": 1, "reason": REASONS,
        "changes": {"end_date": ["2026-12-31", "2027-03-31"],
                    "milestones": [approved.milestones, "Quý II/2027: tổng kết."]},
    }


def test_values_equal_to_the_approved_ones_are_no_change_and_nothing_is_frozen(proposal, head):
    approved = PlanVersion.objects.get(proposal=proposal, number=1)
    # A browser sends a textarea's line breaks as CRLF: the same text is not a change.
    same = {"milestones": approved.milestones.replace("\n", "\r\n") + "\r\n", "end_date": approved.end_date}

    with pytest.raises(ValidationError) as refused:
        plan_version_adjust(proposal=proposal, by=head, changes=same, reason=REASONS)

    assert refused.value.code == "unchanged"
    assert PlanVersion.objects.filter(proposal=proposal).count() == 1
    assert not audit_events("plan_adjust")


@pytest.mark.parametrize(("changes", "field"), [
    ({"resources": "  "}, "resources"),  # Art. 7(2): still required, as on submission
    ({"end_date": None}, "end_date"),
    ({"end_date": datetime.date(2026, 3, 1)}, "end_date"),  # before the plan's start (01/04/2026)
    ({"field": "khong-co"}, "field"),  # not one of the choices
])
def test_the_adjusted_plan_is_checked_as_a_submission_is(proposal, head, changes, field):
    with pytest.raises(ValidationError) as refused:
        plan_version_adjust(proposal=proposal, by=head, changes=changes, reason=REASONS)

    assert field in refused.value.message_dict
    assert fresh(proposal).approved_version == 1


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "superior_head"])
def test_only_the_head_of_the_deciding_unit_adjusts(proposal, who, request, superior_head):
    with pytest.raises(PermissionDenied):
        plan_version_adjust(proposal=proposal, by=request.getfixturevalue(who), changes={"end_date": NEW_END}, reason=REASONS)
    assert fresh(proposal).approved_version == 1


def test_only_a_proposal_being_implemented_is_adjusted(proposal, head):
    suspend(proposal, head)

    with pytest.raises(ValidationError) as refused:
        plan_version_adjust(proposal=proposal, by=head, changes={"end_date": NEW_END}, reason=REASONS)

    assert refused.value.code == "bad_state"


def test_only_plan_contents_are_changed(proposal, head):
    with pytest.raises(ValueError, match="status"):
        plan_version_adjust(proposal=proposal, by=head, changes={"status": "closed"}, reason=REASONS)


def test_a_changed_text_is_kept_without_surrounding_blanks_and_with_lf_line_breaks(proposal, head):
    version = plan_version_adjust(
        proposal=proposal, by=head, changes={"resources": "  Kinh phí 700 triệu đồng;\r\n6 công chức.\r\n"}, reason=REASONS,
    )
    assert version.resources == "Kinh phí 700 triệu đồng;\n6 công chức."
