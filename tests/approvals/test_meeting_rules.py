"""Who records the party committee's opinion and opens the meeting, when (spec README §3; decree73.md §3.2 T2,
Art. 4(3)), and what the meeting record keeps (decree73.md §4.3: time, secretary, rule applied).

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết (`friday`, tests/conftest.py); `submitted` is
the proposer's complete plan, sent to the department that day.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from approvals.models import Consultation, Meeting
from approvals.services import consultation_record, meeting_adjourn, meeting_open
from core.models import AuditEvent
from proposals.models import LegalProfile
from proposals.transitions import Status
from tests.approvals.helpers import AGAINST, FOR
from tests.lifecycle import (
    SECRETARY,
    STARTS_AT,
    fresh,
    meeting_with_votes,
    new_profile_version,
    open_meeting,
    submitted_proposal,
)

D = datetime.date

pytestmark = pytest.mark.usefixtures("friday")


# --- Who may record the consultation and the meeting --------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "proposer", "outsider", "superior_head"])
def test_only_the_head_or_secretariat_of_the_deciding_unit_record_consultation_and_meeting(submitted, request, who, head):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        consultation_record(proposal=submitted, by=person, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    with pytest.raises(PermissionDenied):
        open_meeting(proposal=submitted, by=person, held_on=D(2026, 2, 13), attendees=[head])
    assert not Meeting.objects.exists()
    assert fresh(submitted).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["head", "secretariat"])
def test_the_head_or_the_secretariat_records_consultation_and_opens_the_meeting(submitted, request, who, head, deputy):
    person = request.getfixturevalue(who)
    consultation = consultation_record(
        proposal=submitted, by=person, committee="Đảng ủy Sở Nội vụ", opinion_date=D(2026, 2, 13), opinion="Thống nhất."
    )
    meeting = open_meeting(proposal=submitted, by=person, held_on=D(2026, 2, 13), attendees=[head, deputy])

    assert (consultation.version, meeting.version, meeting.chair, meeting.opened_by) == (1, 1, head, person)
    assert fresh(submitted).status == Status.IN_REVIEW


def test_a_second_consultation_for_the_same_version_is_refused(submitted, head):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    with pytest.raises(ValidationError):
        consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Lần hai")
    assert Consultation.objects.count() == 1


def test_a_consultation_cannot_be_dated_in_the_future_or_before_the_plan_was_received(submitted, head):
    for day in (D(2026, 2, 14), D(2026, 2, 12)):
        with pytest.raises(ValidationError) as error:
            consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=day, opinion="Đồng ý")
        assert "opinion_date" in error.value.message_dict
    assert not Consultation.objects.exists()


# --- Party consultation before the vote, where the unit asks it then (D-13; Art. 4(3): test_review_voting.py) ------


@pytest.fixture
def consulted_before_the_meeting(friday):
    """A profile whose unit asks the party committee's opinion before the meeting (its own rule, D-13)."""
    return new_profile_version(consultation_before=LegalProfile.ConsultationTiming.MEETING)


def test_the_meeting_needs_the_party_committee_opinion_when_the_profile_asks_it_first(
    consulted_before_the_meeting, proposer, head, deputy
):
    submitted = submitted_proposal(proposer=proposer)
    assert submitted.profile.consultation_required

    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])

    assert error.value.code == "consultation"
    assert fresh(submitted).status == Status.SUBMITTED


def test_the_opinion_must_come_before_the_meeting_not_after_it(consulted_before_the_meeting, proposer, head, deputy, time_machine):
    proposal = submitted_proposal(proposer=proposer)
    time_machine.move_to(datetime.datetime(2026, 2, 25, 9, 0, tzinfo=datetime.UTC), tick=False)
    consultation_record(proposal=proposal, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 24), opinion="Đồng ý")

    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 23), attendees=[head, deputy])
    assert error.value.code == "consultation"

    assert open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 24), attendees=[head, deputy]).held_on == D(2026, 2, 24)


def test_without_required_consultation_the_meeting_opens_directly(friday, proposer, head, deputy):
    new_profile_version(consultation_required=False)
    proposal = submitted_proposal(proposer=proposer)

    meeting = open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])

    assert meeting.state == Meeting.State.OPEN
    assert fresh(proposal).status == Status.IN_REVIEW


def test_the_meeting_date_lies_between_receipt_and_today(submitted, head, deputy):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    for day in (D(2026, 2, 12), D(2026, 2, 16)):
        with pytest.raises(ValidationError) as error:
            open_meeting(proposal=submitted, by=head, held_on=day, attendees=[head, deputy])
        assert "held_on" in error.value.message_dict


# --- The meeting record (decree73.md §4.3: time, secretary, rule applied) -----------------------------


def test_opening_a_meeting_needs_its_start_time_and_secretary(submitted, head, deputy):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    for secretary in ("", "   "):
        with pytest.raises(ValidationError) as error:
            meeting_open(proposal=submitted, by=head, held_on=D(2026, 2, 13), starts_at=None, attendees=[head, deputy],
                         secretary_name=secretary)
        assert {"starts_at", "secretary_name"} <= set(error.value.message_dict)

    assert not Meeting.objects.exists()
    assert fresh(submitted).status == Status.SUBMITTED


def test_the_meeting_keeps_its_start_time_and_secretary_and_the_audit_says_so(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={}, present=[head, deputy])

    meeting = fresh(meeting)
    assert (meeting.starts_at, meeting.secretary_name) == (STARTS_AT, SECRETARY)
    payload = AuditEvent.objects.for_object(submitted).get(action="open_meeting").payload
    assert (payload["starts_at"], payload["secretary"]) == ("08:30:00", SECRETARY)


def test_an_adjourned_meeting_keeps_the_reason(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})

    meeting_adjourn(meeting=meeting, by=head, reason="  Cần thêm ý kiến Sở Tài chính.  ")

    assert fresh(meeting).adjourn_reason == "Cần thêm ý kiến Sở Tài chính."


def test_closing_copies_the_rule_applied_from_the_profile(friday, proposer, head, deputy):
    new_profile_version(approval_threshold_percent=60, tie_rule=LegalProfile.TieRule.FAIL, denominator=LegalProfile.Denominator.CAST)
    proposal = submitted_proposal(proposer=proposer)

    meeting = fresh(meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: AGAINST}, close=True))

    assert (meeting.threshold_percent, meeting.denominator_rule, meeting.tie_rule) == (60, "cast", "fail")
    assert (meeting.passed, meeting.tie_break_applied) == (False, False)  # a tie, and this profile's tie fails
    rule = AuditEvent.objects.for_object(proposal).get(action="close_failed").payload["rule"]
    assert rule == {"threshold_percent": 60, "denominator": "cast", "tie_rule": "fail"}


def test_the_database_refuses_a_closed_meeting_without_its_rule(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(tie_rule="")


