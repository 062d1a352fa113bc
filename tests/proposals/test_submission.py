"""What submitting does (spec README §3, §4; decree73.md §3.2 T1): version 1 frozen, routed to the unit's head
(route A) or the superior unit (route B), received today and due after the profile's working days, under the
legal profile in force that day; on PostgreSQL the database keeps versions and profiles as they were.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from accounts.models import Position
from core.models import Notification
from proposals.admin import LegalProfileForm
from proposals.models import NO_ELIGIBLE_CATEGORY, LegalProfile, PlanDocument, PlanVersion, Proposal
from proposals.selectors import current_profile
from proposals.services import proposal_submit, proposal_update_draft
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import (
    at_friday_before_tet,
    complete_plan,
    draft_proposal,
    fresh,
    new_profile_version,
    position_of,
    submitted_proposal,
)

D = datetime.date


def test_submission_freezes_version_1_with_the_plan_as_it_was(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    version = PlanVersion.objects.get(proposal=proposal)
    assert (version.number, version.submitted_by, proposal.current_version) == (1, proposer, 1)
    assert version.content_dict() == fresh(proposal).content_dict() == complete_plan()
    assert proposal.code == f"DX2026-{proposal.pk:06d}"


def test_a_submitted_plan_cannot_be_edited(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        proposal_update_draft(proposal=proposal, by=proposer, data={"title": "Sửa sau khi nộp"})

    assert error.value.code == "frozen"
    assert fresh(proposal).title == complete_plan()["title"]


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_to_change_or_delete_a_frozen_version(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    versions = PlanVersion.objects.filter(proposal=proposal)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.update(title="Sửa thẳng trong cơ sở dữ liệu")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        # Its plan document (D-9) protects a version from the ORM already; without it, the database still refuses.
        PlanDocument.objects.filter(version__proposal=proposal).delete()
        versions.delete()
    assert versions.get().title == complete_plan()["title"]


def test_route_a_goes_to_the_head_of_the_employing_unit(friday, proposer, head, secretariat, department, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=proposer)

    assert (proposal.route, proposal.decision_unit) == (Proposal.Route.A, department)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {head.pk, secretariat.pk}


def test_route_b_a_head_proposes_to_the_superior_unit_under_its_own_deadline(friday, head, superior_head, province, department, django_capture_on_commit_callbacks):
    new_profile_version(review_deadline_wd=7, superior_review_deadline_wd=3)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=head)

    assert (proposal.route, proposal.unit, proposal.decision_unit) == (Proposal.Route.B, department, province)
    # Three working days after Fri 13 Feb 2026, across Tết (14–22 Feb): 23, 24, 25 February.
    assert proposal.review_due == D(2026, 2, 25)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [superior_head.pk]


def test_route_b_when_the_head_co_authors_a_staff_members_plan(friday, head, superior_head, proposer, province, department):
    proposal = submitted_proposal(proposer=proposer, co_authors=[head])

    assert (proposal.route, proposal.decision_unit) == (Proposal.Route.B, province)


def test_route_b_goes_to_the_successor_when_the_parent_unit_has_ended(
    friday, commune_under_ended_district, province, superior_head, django_capture_on_commit_callbacks
):
    _district, commune = commune_under_ended_district
    chairman = UserFactory(username="chutichxa")
    PositionFactory(person=chairman, unit=commune, role=Position.Role.HEAD, title="Chủ tịch UBND xã")

    with django_capture_on_commit_callbacks(execute=True):
        proposal = submitted_proposal(proposer=chairman)

    assert (proposal.route, proposal.unit, proposal.decision_unit) == (Proposal.Route.B, commune, province)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [superior_head.pk]


def test_receipt_is_today_and_the_review_is_due_seven_working_days_later_across_tet(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)

    assert proposal.received_on == D(2026, 2, 13)
    # 23, 24, 25, 26, 27 February, 2 and 3 March: the nine days of Tết do not count.
    assert proposal.review_due == D(2026, 3, 3)


def test_a_proposal_keeps_the_profile_version_it_was_submitted_under(friday, proposer, head):
    first = submitted_proposal(proposer=proposer)
    v1 = first.profile
    v2 = new_profile_version(review_deadline_wd=10)

    later = submitted_proposal(proposer=proposer)

    first = fresh(first)
    assert (first.profile, first.review_due) == (v1, D(2026, 3, 3))
    assert (current_profile(), later.profile, later.review_due) == (v2, v2, D(2026, 3, 6))


def test_version_1_of_the_legal_profile_is_in_the_database_from_the_start(friday):
    profile = current_profile()
    assert (profile.pk is not None, profile.code, profile.version) == (True, "ND73_2023", 1)
    assert profile.eligible_categories == ["state_leader", "public_service_manager", "enterprise"]


def test_no_profile_is_made_up_where_none_is_in_force(friday, proposer, head):
    # Version 1 (from the data migration) is in force from 29/09/2023; nothing invents one before that day.
    with pytest.raises(LegalProfile.DoesNotExist):
        current_profile(on_date=D(2023, 9, 28))
    assert current_profile(on_date=D(2023, 9, 29)).version == 1

    proposal = submitted_proposal(proposer=proposer)
    assert proposal.profile == LegalProfile.objects.get()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "after the first one flushed the database"])
def test_a_transaction_test_submits_under_version_1_even_after_a_flush(run, time_machine, proposer, head):
    # A flush takes the data migration's rows with it; tests/conftest.py puts version 1 back.
    at_friday_before_tet(time_machine)
    proposal = submitted_proposal(proposer=proposer)
    assert (proposal.profile.code, proposal.profile.version) == ("ND73_2023", 1)


def test_a_profile_version_names_at_least_one_eligible_category(friday):
    with pytest.raises(ValidationError) as error:
        LegalProfile(code="ND73_2023", version=2, eligible_categories=[]).clean()
    assert error.value.message_dict == {"eligible_categories": [NO_ELIGIBLE_CATEGORY]}


def test_the_profile_admin_form_requires_an_eligible_category(friday):
    v1 = current_profile()
    # With its legal basis, which every new version states (D-10, tests/proposals/test_review_fidelity.py).
    data = {**LegalProfileForm(instance=v1).initial, "eligible_categories": [], "legal_basis": "Quyết định số 1/QĐ-UBND"}
    form = LegalProfileForm(data=data, instance=v1)

    assert form.fields["eligible_categories"].required
    assert not form.is_valid()
    assert form.errors == {"eligible_categories": [NO_ELIGIBLE_CATEGORY]}


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_to_change_or_delete_a_profile_version(friday):
    versions = LegalProfile.objects.filter(code="ND73_2023", version=1)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.update(approval_threshold_percent=60)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        versions.delete()
    assert versions.get().approval_threshold_percent == 50
    # A change is the next version, which is an insert.
    assert new_profile_version(approval_threshold_percent=60).version == 2


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_a_proposal_born_past_the_draft(friday, proposer, head, department):
    position = position_of(proposer)
    routed = {
        "proposer": proposer, "proposer_position": position, "unit": department, "decision_unit": department,
        "profile": current_profile(), "received_on": friday, "review_due": D(2026, 3, 3), "title": "Lối tắt",
    }

    with pytest.raises(DatabaseError, match="Cannot insert"), transaction.atomic():
        Proposal.objects.create(status=Proposal.Status.APPROVED, **routed)
    with pytest.raises(DatabaseError, match="Cannot insert"), transaction.atomic():
        Proposal.objects.bulk_create([Proposal(status=Proposal.Status.SUBMITTED, **routed)])
    assert not Proposal.objects.exists()
    assert Proposal.objects.create(**routed).status == Proposal.Status.DRAFT


def test_a_proposer_whose_unit_has_no_head_cannot_submit(friday, proposer):
    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)
    assert error.value.code == "no_decider"
    assert fresh(proposal).status == Proposal.Status.DRAFT
