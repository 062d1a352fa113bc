"""The deciding unit's rules (spec README §3, §6, §7; decree73.md §3.2 T2 consultation, T4 vote, T5 override,
T7 rejection and return, §8 parameters; documents.md numbering): who may act, who votes, how the result is
computed, which decisions may follow, how they are numbered, and that every illegal step is refused.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from accounts.models import Position
from approvals import documents
from approvals.models import Consultation, Decision, Meeting, Vote
from approvals.selectors import attendee_candidates, collective_on
from approvals.services import (
    consultation_record,
    decision_approve,
    decision_override,
    decision_reject,
    meeting_adjourn,
    meeting_close,
    meeting_open,
    proposal_return,
    vote_cast,
)
from core.audit import verify_chain
from core.models import AuditEvent, DocumentCounter, Notification
from proposals.models import LegalProfile, Proposal
from proposals.services import proposal_revise, proposal_submit
from proposals.transitions import TRANSITIONS, Action, Status

from .factories import PositionFactory, UserFactory
from .lifecycle import (
    APPROVAL_TEXT,
    JUSTIFICATION,
    REASONS,
    SECRETARY,
    STARTS_AT,
    at_friday_before_tet,
    deciding_panel,
    draft_proposal,
    drive_to,
    meeting_with_votes,
    new_profile_version,
    open_meeting,
    submitted_proposal,
)

D = datetime.date
FOR, AGAINST, ABSTAIN = Vote.Choice.FOR, Vote.Choice.AGAINST, Vote.Choice.ABSTAIN


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Issued decisions and minutes are stored as files (spec README §6): keep them out of the real MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def friday(db, time_machine):
    return at_friday_before_tet(time_machine)


def _reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def deputy3(department):
    person = UserFactory(username="phogiamdoc3")
    PositionFactory(person=person, unit=department, role=Position.Role.DEPUTY, title="Phó Giám đốc")
    return person


@pytest.fixture
def submitted(friday, proposer, head, deputy, deputy2, secretariat):
    return submitted_proposal(proposer=proposer)


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
    assert _reload(submitted).status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["head", "secretariat"])
def test_the_head_or_the_secretariat_records_consultation_and_opens_the_meeting(submitted, request, who, head, deputy):
    person = request.getfixturevalue(who)
    consultation = consultation_record(
        proposal=submitted, by=person, committee="Đảng ủy Sở Nội vụ", opinion_date=D(2026, 2, 13), opinion="Thống nhất."
    )
    meeting = open_meeting(proposal=submitted, by=person, held_on=D(2026, 2, 13), attendees=[head, deputy])

    assert (consultation.version, meeting.version, meeting.chair, meeting.opened_by) == (1, 1, head, person)
    assert _reload(submitted).status == Status.IN_REVIEW


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


# --- Party consultation before the vote (Art. 4(3)) --------------------------------------------------


def test_the_meeting_needs_the_party_committee_opinion_when_the_profile_requires_it(submitted, head, deputy):
    assert submitted.profile.consultation_required

    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])

    assert error.value.code == "consultation"
    assert _reload(submitted).status == Status.SUBMITTED


def test_the_opinion_must_come_before_the_meeting_not_after_it(friday, proposer, head, deputy, time_machine):
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
    assert _reload(proposal).status == Status.IN_REVIEW


def test_the_meeting_date_lies_between_receipt_and_today(submitted, head, deputy):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    for day in (D(2026, 2, 12), D(2026, 2, 16)):
        with pytest.raises(ValidationError) as error:
            open_meeting(proposal=submitted, by=head, held_on=day, attendees=[head, deputy])
        assert "held_on" in error.value.message_dict


# --- Who votes (Art. 8(1)) -----------------------------------------------------------------------------


def test_voters_are_the_head_and_deputies_in_office_and_a_proposing_deputy_is_excluded(friday, head, deputy, deputy2, department):
    proposal = submitted_proposal(proposer=deputy)

    meeting = meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy2])

    assert set(meeting.eligible_voters.all()) == {head, deputy2}
    assert deputy.get_full_name() in meeting.excluded_note
    with pytest.raises(PermissionDenied):
        vote_cast(meeting=meeting, by=deputy, choice=FOR)
    assert not Vote.objects.exists()


def test_the_proposer_cannot_be_listed_as_present_to_vote(friday, head, deputy, deputy2):
    proposal = submitted_proposal(proposer=deputy)
    with pytest.raises(ValidationError) as error:
        meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy, deputy2])
    assert "attendees" in error.value.message_dict
    assert not Meeting.objects.exists()


def _note_parts(meeting: Meeting) -> set[str]:
    return set(_reload(meeting).excluded_note.split("; "))


def test_co_authors_in_the_collective_do_not_vote_either_and_the_note_says_why(friday, head, deputy, deputy2, deputy3):
    proposal = submitted_proposal(proposer=deputy, co_authors=[deputy2])

    meeting = meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy3])

    assert set(meeting.eligible_voters.all()) == {head, deputy3}
    assert _note_parts(meeting) == {f"{deputy.get_full_name()} (người đề xuất)", f"{deputy2.get_full_name()} (đồng tác giả)"}
    with pytest.raises(PermissionDenied):
        vote_cast(meeting=meeting, by=deputy2, choice=FOR)
    assert not Vote.objects.exists()


def test_a_co_author_cannot_be_listed_as_present_to_vote_nor_offered_as_an_attendee(friday, proposer, head, deputy, deputy2):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy2])

    candidates, titles = attendee_candidates(proposal=proposal)
    assert set(candidates) == {head, deputy} and deputy2.pk not in titles
    with pytest.raises(ValidationError) as error:
        meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy, deputy2])
    assert "attendees" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_the_collective_gives_voters_and_excluded_authors_from_one_read(friday, proposer, head, deputy, deputy2):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy2])

    collective = collective_on(proposal=proposal, on_date=friday)

    assert collective.head.person == head
    assert [p.person for p in collective.voters] == [head, deputy]
    assert [(e.position.person, e.reason) for e in collective.excluded] == [(deputy2, "co_author")]
    assert collective.excluded_note == f"{deputy2.get_full_name()} (đồng tác giả)"


def test_the_exclusion_note_is_stored_in_vietnamese_whatever_the_openers_language(friday, proposer, head, deputy, deputy2):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy2])
    with translation.override("en"):
        meeting = meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy])
    assert _reload(meeting).excluded_note == f"{deputy2.get_full_name()} (đồng tác giả)"


def test_a_head_who_co_authored_the_plan_neither_votes_nor_chairs(friday, proposer, head, deputy, superior_head, province):
    proposal = submitted_proposal(proposer=proposer, co_authors=[head])

    # The plan goes up to the superior unit (route B): the department's head has no say in it.
    assert proposal.decision_unit == province
    with pytest.raises(PermissionDenied):
        meeting_with_votes(proposal=proposal, by=head, votes={}, present=[deputy])
    assert not Meeting.objects.exists()


def test_a_co_author_who_becomes_head_before_the_meeting_cannot_chair_it(
    friday, proposer, head, deputy, deputy2, department, time_machine
):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy])  # route A: the head is not an author
    consultation_record(proposal=proposal, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    # The head leaves; the co-authoring deputy is appointed head on 16/02/2026.
    Position.objects.filter(person=head, unit=department).update(end_date=D(2026, 2, 15))
    PositionFactory(person=deputy, unit=department, role=Position.Role.HEAD, start_date=D(2026, 2, 16))
    time_machine.move_to(datetime.datetime(2026, 2, 23, 9, 0, tzinfo=datetime.UTC), tick=False)

    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=proposal, by=deputy, held_on=D(2026, 2, 23), attendees=[deputy, deputy2])

    assert error.value.code == "chair_is_author"


def test_the_head_must_be_present_to_chair_the_meeting(submitted, head, deputy, deputy2):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")

    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[deputy, deputy2])

    assert error.value.message_dict == {"attendees": ["Người đứng đầu phải có mặt để chủ trì cuộc họp (Điều 8 khoản 1)."]}
    assert not Meeting.objects.exists()
    assert _reload(submitted).status == Status.SUBMITTED
    assert open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy]).chair == head


def test_eligibility_is_judged_on_the_meeting_date(friday, proposer, head, deputy, deputy2, deputy3, department, time_machine):
    proposal = submitted_proposal(proposer=proposer)
    Position.objects.filter(person=deputy2).update(end_date=D(2026, 2, 22))  # left before the meeting
    Position.objects.filter(person=deputy3).update(end_date=D(2026, 2, 23))  # last day is the meeting day
    newcomer = UserFactory(username="phogiamdocmoi")
    PositionFactory(person=newcomer, unit=department, role=Position.Role.DEPUTY, start_date=D(2026, 2, 24))
    # Recorded on 25 February for a meeting held on 23 February.
    time_machine.move_to(datetime.datetime(2026, 2, 25, 9, 0, tzinfo=datetime.UTC), tick=False)
    consultation_record(proposal=proposal, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 20), opinion="Đồng ý")

    for not_eligible in (deputy2, newcomer):
        with pytest.raises(ValidationError):
            open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 23), attendees=[head, not_eligible])
    meeting = open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 23), attendees=[head, deputy3])

    assert set(meeting.eligible_voters.all()) == {head, deputy, deputy3}
    assert vote_cast(meeting=meeting, by=deputy3, choice=FOR).voter == deputy3  # no longer in office today


def test_only_eligible_members_present_vote(submitted, head, deputy, deputy2, secretariat, proposer, outsider):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={}, present=[head, deputy])

    for person in (deputy2, secretariat, proposer, outsider):  # absent, not a voter, the proposer, another unit
        with pytest.raises(PermissionDenied):
            vote_cast(meeting=meeting, by=person, choice=FOR)
    assert not Vote.objects.exists()


def test_one_vote_per_person(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={deputy: FOR}, present=[head, deputy])

    with pytest.raises(ValidationError):
        vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason=REASONS)
    assert list(Vote.objects.values_list("voter", "choice")) == [(deputy.pk, FOR)]
    # The database holds the rule even for code that skips the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(meeting=meeting, voter=deputy, choice=AGAINST, reason=REASONS)


def test_a_vote_against_needs_a_reason(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={}, present=[head, deputy])

    with pytest.raises(ValidationError) as error:
        vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason="  ")
    assert "reason" in error.value.message_dict
    assert vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason=REASONS).reason == REASONS


def test_no_vote_after_the_meeting_is_closed(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR}, present=[head, deputy], close=True)
    with pytest.raises(ValidationError):
        vote_cast(meeting=meeting, by=deputy, choice=FOR)


# --- The computed result -------------------------------------------------------------------------------


def _result(meeting: Meeting):
    meeting = _reload(meeting)
    return meeting.passed, (meeting.votes_for, meeting.votes_against, meeting.votes_abstain), meeting.denominator


def test_two_for_one_against_passes_and_the_minutes_get_a_number(submitted, head, deputy, deputy2):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)

    assert _result(meeting) == (True, (2, 1, 0), 3)
    assert (meeting.minutes_number, meeting.denominator_rule, meeting.tie_break_applied) == ("1/BB-SNV", "present", False)
    assert _reload(submitted).status == Status.COLLECTIVE_PASSED


def test_minutes_numbers_follow_each_other_in_the_unit(friday, proposer, head, deputy):
    first = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={head: FOR}, close=True)
    second = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={head: AGAINST}, close=True)
    assert (first.minutes_number, second.minutes_number) == ("1/BB-SNV", "2/BB-SNV")


@pytest.mark.parametrize(("head_vote", "passed"), [(FOR, True), (AGAINST, False)])
def test_a_tie_goes_to_the_side_the_head_voted_on(submitted, head, deputy, head_vote, passed):
    other = AGAINST if head_vote == FOR else FOR
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: head_vote, deputy: other}, close=True)

    assert _result(meeting)[0] is passed
    assert _reload(meeting).tie_break_applied
    assert _reload(submitted).status == (Status.COLLECTIVE_PASSED if passed else Status.COLLECTIVE_FAILED)


def test_with_the_fail_tie_rule_a_tie_fails_even_with_the_head_in_favour(friday, proposer, head, deputy):
    new_profile_version(tie_rule=LegalProfile.TieRule.FAIL)
    proposal = submitted_proposal(proposer=proposer)

    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: AGAINST}, close=True)

    assert _result(meeting)[0] is False
    assert not _reload(meeting).tie_break_applied


@pytest.mark.parametrize(
    ("denominator", "passed", "counted"),
    [
        (LegalProfile.Denominator.PRESENT, False, 4),  # 2 of 4 present is not more than 50 %
        (LegalProfile.Denominator.CAST, True, 3),  # 2 of the 3 who took a side
    ],
)
def test_an_abstention_counts_against_under_present_and_not_under_cast(friday, proposer, head, deputy, deputy2, deputy3, denominator, passed, counted):
    new_profile_version(denominator=denominator)
    proposal = submitted_proposal(proposer=proposer)

    meeting = meeting_with_votes(
        proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST, deputy3: ABSTAIN}, close=True
    )

    assert _result(meeting) == (passed, (2, 1, 1), counted)
    assert not _reload(meeting).tie_break_applied


@pytest.mark.parametrize(
    ("denominator", "passed", "counted"),
    [(LegalProfile.Denominator.ELIGIBLE, False, 4), (LegalProfile.Denominator.PRESENT, True, 3)],
)
def test_under_eligible_an_absent_member_counts_in_the_denominator(friday, proposer, head, deputy, deputy2, deputy3, denominator, passed, counted):
    new_profile_version(denominator=denominator)
    proposal = submitted_proposal(proposer=proposer)

    # deputy3 is absent: 2 for of 4 eligible is not a majority, 2 of 3 present is.
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)

    assert _result(meeting) == (passed, (2, 1, 0), counted)


def test_a_present_member_who_did_not_vote_counts_as_abstaining(submitted, head, deputy, deputy2):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: AGAINST}, present=[head, deputy, deputy2], close=True)

    # 1 for of 3 present: no majority, and no tie to break (the silent member is not a side).
    assert _result(meeting) == (False, (1, 1, 1), 3)
    assert not _reload(meeting).tie_break_applied


def test_the_vote_is_counted_under_the_profile_the_proposal_was_submitted_under(friday, proposer, head, deputy, deputy2, deputy3):
    proposal = submitted_proposal(proposer=proposer)  # default profile: denominator "present"
    new_profile_version(denominator=LegalProfile.Denominator.CAST)

    meeting = meeting_with_votes(
        proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST, deputy3: ABSTAIN}, close=True
    )

    assert _result(meeting) == (False, (2, 1, 1), 4)


def test_closing_below_quorum_is_refused(friday, proposer, head, deputy, deputy2, deputy3):
    new_profile_version(quorum_percent=75)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, present=[head, deputy])

    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head)

    assert error.value.code == "quorum"
    assert (_reload(meeting).state, _reload(proposal).status) == (Meeting.State.OPEN, Status.IN_REVIEW)


def test_at_quorum_the_meeting_closes(friday, proposer, head, deputy, deputy2, deputy3):
    new_profile_version(quorum_percent=75)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)
    assert _result(meeting) == (True, (2, 1, 0), 3)


def test_only_the_head_or_secretariat_closes_or_adjourns_the_meeting(submitted, head, deputy, secretariat):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR})
    with pytest.raises(PermissionDenied):
        meeting_close(meeting=meeting, by=deputy)
    with pytest.raises(PermissionDenied):
        meeting_adjourn(meeting=meeting, by=deputy, reason="Vắng chủ trì")
    assert meeting_close(meeting=meeting, by=secretariat).passed is True


def test_an_adjourned_meeting_returns_the_plan_to_waiting_and_a_new_one_can_open(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    with pytest.raises(ValidationError):
        meeting_adjourn(meeting=meeting, by=head, reason=" ")
    meeting_adjourn(meeting=meeting, by=head, reason="Cần thêm ý kiến Sở Tài chính.")
    assert (_reload(meeting).state, _reload(submitted).status) == (Meeting.State.ADJOURNED, Status.SUBMITTED)

    again = open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])
    assert again.votes.count() == 0


# --- The meeting record (decree73.md §4.3: time, secretary, rule applied) -----------------------------


def test_opening_a_meeting_needs_its_start_time_and_secretary(submitted, head, deputy):
    consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý")
    for secretary in ("", "   "):
        with pytest.raises(ValidationError) as error:
            meeting_open(proposal=submitted, by=head, held_on=D(2026, 2, 13), starts_at=None, attendees=[head, deputy],
                         secretary_name=secretary)
        assert {"starts_at", "secretary_name"} <= set(error.value.message_dict)

    assert not Meeting.objects.exists()
    assert _reload(submitted).status == Status.SUBMITTED


def test_the_meeting_keeps_its_start_time_and_secretary_and_the_audit_says_so(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={}, present=[head, deputy])

    meeting = _reload(meeting)
    assert (meeting.starts_at, meeting.secretary_name) == (STARTS_AT, SECRETARY)
    payload = AuditEvent.objects.for_object(submitted).get(action="open_meeting").payload
    assert (payload["starts_at"], payload["secretary"]) == ("08:30:00", SECRETARY)


def test_an_adjourned_meeting_keeps_the_reason(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})

    meeting_adjourn(meeting=meeting, by=head, reason="  Cần thêm ý kiến Sở Tài chính.  ")

    assert _reload(meeting).adjourn_reason == "Cần thêm ý kiến Sở Tài chính."


def test_closing_copies_the_rule_applied_from_the_profile(friday, proposer, head, deputy):
    new_profile_version(approval_threshold_percent=60, tie_rule=LegalProfile.TieRule.FAIL, denominator=LegalProfile.Denominator.CAST)
    proposal = submitted_proposal(proposer=proposer)

    meeting = _reload(meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: AGAINST}, close=True))

    assert (meeting.threshold_percent, meeting.denominator_rule, meeting.tie_rule) == (60, "cast", "fail")
    assert (meeting.passed, meeting.tie_break_applied) == (False, False)  # a tie, and this profile's tie fails
    rule = AuditEvent.objects.for_object(proposal).get(action="close_failed").payload["rule"]
    assert rule == {"threshold_percent": 60, "denominator": "cast", "tie_rule": "fail"}


def test_the_database_refuses_a_closed_meeting_without_its_rule(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(tie_rule="")


def test_a_close_the_status_refuses_takes_no_number_and_renders_no_minutes(friday, proposer, head, deputy, monkeypatch, private_media):
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    meeting = _stray_open_meeting(proposal, head, FOR)
    numbers = DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="BB").last_number
    files = sorted(private_media.rglob("*"))

    def no_rendering(*args, **kwargs):
        raise AssertionError("the minutes were rendered before the status was checked")

    monkeypatch.setattr(documents, "render_pdf", no_rendering)
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head)

    assert error.value.code == "bad_transition"
    assert DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="BB").last_number == numbers
    assert sorted(private_media.rglob("*")) == files


# --- Decisions -----------------------------------------------------------------------------------------


@pytest.fixture
def passed(submitted, head, deputy):
    meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    return _reload(submitted)


@pytest.fixture
def failed(submitted, head, deputy):
    meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    return _reload(submitted)


def test_the_head_approves_after_a_passing_vote(passed, head):
    decision = decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)

    proposal = _reload(passed)
    assert (proposal.status, proposal.approved_version) == (Status.APPROVED, 1)
    assert (decision.kind, decision.number, decision.signer, decision.signer_title) == (
        Decision.Kind.APPROVAL, "1/QĐ-SNV", head, "Giám đốc"
    )
    assert decision.meeting == proposal.meetings.get()


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "superior_head"])
def test_only_the_head_decides(passed, request, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decision_approve(proposal=passed, by=person, text=APPROVAL_TEXT)
    with pytest.raises(PermissionDenied):
        decision_reject(proposal=passed, by=person, reasons=REASONS)
    with pytest.raises(PermissionDenied):
        proposal_return(proposal=passed, by=person, reasons=REASONS)
    assert not Decision.objects.exists()
    assert _reload(passed).status == Status.COLLECTIVE_PASSED


def test_approval_needs_a_passing_vote(submitted, head, deputy):
    with pytest.raises(ValidationError):
        decision_approve(proposal=submitted, by=head, text=APPROVAL_TEXT)  # no vote yet
    meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    with pytest.raises(ValidationError):
        decision_approve(proposal=submitted, by=head, text=APPROVAL_TEXT)  # the vote failed
    assert not Decision.objects.exists()


def test_the_prefilled_approval_text_gives_the_completion_report_deadline_of_the_proposals_profile(friday, proposer, head, deputy):
    new_profile_version(completion_report_deadline_wd=10)
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, close=True)

    text = deciding_panel(proposal=_reload(proposal), user=head)["actions"]["decision_approve"].initial["text"]

    assert "trong thời hạn 10 ngày làm việc kể từ ngày hoàn thành" in text


def test_the_head_overrides_a_failing_vote_in_writing(failed, head):
    decision = decision_override(proposal=failed, by=head, justification=JUSTIFICATION)

    proposal = _reload(failed)
    assert (proposal.status, proposal.approved_version) == (Status.APPROVED, 1)
    assert (decision.kind, decision.text, decision.number) == (Decision.Kind.OVERRIDE, JUSTIFICATION, "1/QĐ-SNV")


def test_an_override_needs_a_real_justification(failed, head):
    with pytest.raises(ValidationError) as error:
        decision_override(proposal=failed, by=head, justification="Cần thiết.")
    assert "justification" in error.value.message_dict
    assert _reload(failed).status == Status.COLLECTIVE_FAILED


def test_an_override_needs_a_failing_vote(passed, head):
    with pytest.raises(ValidationError):
        decision_override(proposal=passed, by=head, justification=JUSTIFICATION)
    assert not Decision.objects.exists()


def test_only_the_head_overrides(failed, deputy):
    with pytest.raises(PermissionDenied):
        decision_override(proposal=failed, by=deputy, justification=JUSTIFICATION)


@pytest.mark.parametrize(
    "step",
    [
        lambda p, head: consultation_record(proposal=p, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý"),
        lambda p, head: open_meeting(proposal=p, by=head, held_on=D(2026, 2, 13), attendees=[head]),
        lambda p, head: proposal_return(proposal=p, by=head, reasons=REASONS),
        lambda p, head: decision_approve(proposal=p, by=head, text=APPROVAL_TEXT),
        lambda p, head: decision_override(proposal=p, by=head, justification=JUSTIFICATION),
        lambda p, head: decision_reject(proposal=p, by=head, reasons=REASONS),
    ],
    ids=["consultation", "meeting", "return", "approve", "override", "reject"],
)
def test_a_plan_never_submitted_is_out_of_the_deciding_units_reach(friday, proposer, head, step):
    draft = draft_proposal(proposer=proposer)
    with pytest.raises(PermissionDenied):  # not an AttributeError on the missing profile
        step(draft, head)
    assert _reload(draft).status == Status.DRAFT


def test_no_override_when_the_profile_forbids_it(friday, proposer, head, deputy):
    new_profile_version(override_allowed=False)
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)

    with pytest.raises(PermissionDenied):
        decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    assert _reload(proposal).status == Status.COLLECTIVE_FAILED
    assert not Decision.objects.exists()


def test_the_head_rejects_a_failed_plan_with_written_reasons(failed, head):
    with pytest.raises(ValidationError) as error:
        decision_reject(proposal=failed, by=head, reasons="Không.")
    assert "reasons" in error.value.message_dict

    decision = decision_reject(proposal=failed, by=head, reasons=REASONS)

    assert (decision.kind, decision.text, decision.number) == (Decision.Kind.REJECTION, REASONS, "1/SNV")
    assert _reload(failed).status == Status.REJECTED


def test_the_head_returns_a_plan_for_clarification(submitted, head):
    with pytest.raises(ValidationError):
        proposal_return(proposal=submitted, by=head, reasons="Bổ sung.")

    letter = proposal_return(proposal=submitted, by=head, reasons=REASONS)

    assert (letter.kind, letter.number, letter.register) == (Decision.Kind.RETURN, "1/SNV", "CV")
    assert _reload(submitted).status == Status.RETURNED


def test_a_plan_that_failed_the_vote_can_be_returned(failed, head):
    proposal_return(proposal=failed, by=head, reasons=REASONS)
    assert _reload(failed).status == Status.RETURNED


def test_document_numbers_run_per_unit_register_and_year(friday, proposer, head, deputy, superior_head, time_machine):
    def approved(by_proposer, decider, voters):
        proposal = submitted_proposal(proposer=by_proposer)
        meeting_with_votes(proposal=proposal, by=decider, votes=dict.fromkeys(voters, FOR), close=True)
        return decision_approve(proposal=proposal, by=decider, text=APPROVAL_TEXT)

    first = approved(proposer, head, [head, deputy])
    second = approved(proposer, head, [head, deputy])
    letter = proposal_return(proposal=submitted_proposal(proposer=proposer), by=head, reasons=REASONS)
    at_province = approved(head, superior_head, [superior_head])  # route B: the province's register
    time_machine.move_to(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=datetime.UTC), tick=False)
    next_year = approved(proposer, head, [head, deputy])

    assert [first.number, second.number, letter.number, at_province.number, next_year.number] == [
        "1/QĐ-SNV", "2/QĐ-SNV", "1/SNV", "1/QĐ-UBND", "1/QĐ-SNV"
    ]
    assert (next_year.register, next_year.register_year, next_year.register_seq) == ("QĐ", 2027, 1)


def test_decisions_reach_the_proposer_once_committed(passed, head, proposer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decision = decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)
        assert not Notification.objects.filter(recipient=proposer).exists()  # not before the commit

    assert callbacks
    message = Notification.objects.get(recipient=proposer).text()
    assert decision.number in message


def test_rejections_and_vote_results_reach_the_proposer(submitted, head, deputy, proposer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
        decision_reject(proposal=submitted, by=head, reasons=REASONS)

    messages = [n.text() for n in Notification.objects.filter(recipient=proposer).order_by("pk")]
    assert len(messages) == 2
    assert "không thông qua" in messages[0] and "1/SNV" in messages[1]


def test_the_deciding_steps_write_audit_events_with_their_states(passed, head, deputy):
    decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)

    events = AuditEvent.objects.for_object(passed).order_by("seq")
    assert [(e.action, e.from_state, e.to_state) for e in events.exclude(from_state="")] == [
        ("submit", "draft", "submitted"),
        ("open_meeting", "submitted", "in_review"),
        ("close_passed", "in_review", "collective_passed"),
        ("approve", "collective_passed", "approved"),
    ]
    assert [(e.actor, e.role) for e in events.filter(action="vote")] == [(head, "head"), (deputy, "deputy")]
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_route_b_is_decided_by_the_superior_collective(friday, head, superior_head, province):
    proposal = submitted_proposal(proposer=head)

    meeting = meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: FOR}, close=True)
    with pytest.raises(PermissionDenied):
        decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)  # the proposer, head of the lower unit
    decision = decision_approve(proposal=proposal, by=superior_head, text=APPROVAL_TEXT)

    assert (meeting.unit, set(meeting.eligible_voters.all()), decision.unit) == (province, {superior_head}, province)


# --- Who may act is checked before what they typed -------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "outsider"])
@pytest.mark.parametrize(
    "step",
    [
        lambda p, by: decision_reject(proposal=p, by=by, reasons="Không."),
        lambda p, by: proposal_return(proposal=p, by=by, reasons=""),
        lambda p, by: decision_override(proposal=p, by=by, justification="Cần."),
        lambda p, by: decision_approve(proposal=p, by=by, text=" "),  # and in the wrong state, too
    ],
    ids=["reject", "return", "override", "approve"],
)
def test_a_non_head_with_bad_input_is_refused_for_who_they_are_not_for_the_input(failed, request, who, step):
    with pytest.raises(PermissionDenied):
        step(failed, request.getfixturevalue(who))
    assert not Decision.objects.exists()
    assert _reload(failed).status == Status.COLLECTIVE_FAILED


@pytest.mark.parametrize("who", ["deputy", "proposer", "outsider"])
def test_a_non_organiser_with_bad_input_is_refused_for_who_they_are(submitted, request, who, head, deputy):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        consultation_record(proposal=submitted, by=person, committee="", opinion_date=D(2030, 1, 1), opinion="")
    with pytest.raises(PermissionDenied):
        meeting_open(proposal=submitted, by=person, held_on=D(2030, 1, 1), starts_at=None, attendees=[person],
                     secretary_name="")
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    with pytest.raises(PermissionDenied):
        meeting_adjourn(meeting=meeting, by=person, reason="")
    assert _reload(meeting).state == Meeting.State.OPEN


@pytest.mark.parametrize("who", ["proposer", "outsider", "secretariat", "deputy2"])  # deputy2: eligible but absent
def test_someone_who_may_not_vote_is_refused_as_such_even_after_the_vote_closed(submitted, request, who, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    with pytest.raises(PermissionDenied):
        vote_cast(meeting=meeting, by=request.getfixturevalue(who), choice="nonsense")
    with pytest.raises(ValidationError) as error:  # a voter of that meeting is told it is over
        vote_cast(meeting=meeting, by=deputy, choice=FOR)
    assert error.value.code == "closed"


# --- Every illegal step is refused (table-driven over proposals.transitions.TRANSITIONS) ---------------

ILLEGAL = [
    (status, action) for status in Status.values for action in Action.values if (status, action) not in TRANSITIONS
]


MEETING_ACTIONS = (Action.ADJOURN, Action.CLOSE_PASSED, Action.CLOSE_FAILED)


def _stray_open_meeting(proposal: Proposal, head, choice: str) -> Meeting:
    """An open meeting left behind whatever the status, with a quorum and a vote, so only the status can refuse."""
    meeting = Meeting.objects.create(
        proposal=proposal, version=proposal.current_version, unit=proposal.decision_unit, held_on=proposal.received_on,
        chair=head, opened_by=head,
    )
    meeting.eligible_voters.set([head])
    meeting.attendees.set([head])
    Vote.objects.create(meeting=meeting, voter=head, choice=choice, reason=REASONS)
    return meeting


def _attempt(action: str, proposal: Proposal, meeting: Meeting | None, *, proposer, head):
    calls = {
        Action.SUBMIT: lambda: proposal_submit(proposal=proposal, by=proposer),
        Action.REVISE: lambda: proposal_revise(proposal=proposal, by=proposer),
        Action.RETURN: lambda: proposal_return(proposal=proposal, by=head, reasons=REASONS),
        Action.OPEN_MEETING: lambda: open_meeting(proposal=proposal, by=head, held_on=proposal.received_on, attendees=[head]),
        Action.ADJOURN: lambda: meeting_adjourn(meeting=meeting, by=head, reason="Hoãn họp"),
        Action.CLOSE_PASSED: lambda: meeting_close(meeting=meeting, by=head),
        Action.CLOSE_FAILED: lambda: meeting_close(meeting=meeting, by=head),
        Action.APPROVE: lambda: decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT),
        Action.OVERRIDE: lambda: decision_override(proposal=proposal, by=head, justification=JUSTIFICATION),
        Action.REJECT: lambda: decision_reject(proposal=proposal, by=head, reasons=REASONS),
    }
    return calls[action]()


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_an_action_the_transition_table_does_not_allow_is_refused(friday, proposer, head, deputy, status, action):
    # DRAFT is a returned-and-reopened plan: its deciding unit is known, so the head's refusals are about the state.
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)
    meeting = None
    if action in MEETING_ACTIONS:
        meeting = _stray_open_meeting(proposal, head, AGAINST if action == Action.CLOSE_FAILED else FOR)
    before = (AuditEvent.objects.count(), Decision.objects.count(), Meeting.objects.count(), proposal.current_version)

    with pytest.raises(ValidationError):
        _attempt(action, proposal, meeting, proposer=proposer, head=head)

    after = _reload(proposal)
    assert after.status == status
    assert (AuditEvent.objects.count(), Decision.objects.count(), Meeting.objects.count(), after.current_version) == before
    if meeting is not None:
        assert _reload(meeting).state == Meeting.State.OPEN


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_an_illegal_status_change(friday, proposer, head, deputy):
    if connection.vendor != "postgresql":
        pytest.skip("the FSM trigger exists on PostgreSQL only")
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)

    with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE proposals_proposal SET status = 'draft' WHERE id = %s", [proposal.pk])

    assert _reload(proposal).status == Status.APPROVED
