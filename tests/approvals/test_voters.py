"""Who votes (Art. 8(1); decree73.md §3.2 T4): the head and deputies in office on the meeting date and present,
never the proposer or a co-author, one vote each, a reason for a vote against where the profile asks for it (D-12).

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết (`friday`, tests/conftest.py); `submitted` is
the proposer's complete plan, sent to the department that day.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import Position
from approvals.models import Meeting, Vote
from approvals.selectors import attendee_candidates, collective_on
from approvals.services import consultation_record, vote_cast
from proposals.transitions import Status
from tests.approvals.helpers import AGAINST, FOR
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import REASONS, fresh, meeting_with_votes, new_profile_version, open_meeting, submitted_proposal

D = datetime.date

pytestmark = pytest.mark.usefixtures("friday")


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
    return set(fresh(meeting).excluded_note.split("; "))


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
    assert fresh(meeting).excluded_note == f"{deputy2.get_full_name()} (đồng tác giả)"


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
    assert fresh(submitted).status == Status.SUBMITTED
    assert open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy]).chair == head


def test_eligibility_is_judged_on_the_meeting_date(friday, proposer, head, deputy, deputy2, deputy3, department, time_machine):
    # Votes recorded two days after the meeting count only within the profile's vote window (D-7).
    new_profile_version(vote_window_days=2)
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


def test_a_vote_against_needs_a_reason_where_the_profile_asks_for_one(friday, proposer, head, deputy):
    # D-12: Art. 8(1) asks no reason; a unit may (against_reason_required). Without it: test_review_voting.py.
    new_profile_version(against_reason_required=True)
    meeting = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={}, present=[head, deputy])

    with pytest.raises(ValidationError) as error:
        vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason="  ")
    assert "reason" in error.value.message_dict
    assert vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason=REASONS).reason == REASONS


def test_no_vote_after_the_meeting_is_closed(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR}, present=[head, deputy], close=True)
    with pytest.raises(ValidationError):
        vote_cast(meeting=meeting, by=deputy, choice=FOR)
