"""The review of the register → decide slice (spec/review-register-decide.md): the vote and the meeting record.

D-1 the tie of Art. 8(1); D-3 the clauses the minutes cite; D-4 the denominator the minutes state; D-7 and
finding 8 the votes and the end of the meeting are the meeting's; D-12 a reason for a vote against; D-13 the party
committee's opinion of Art. 4(3); D-14 the decision step after either vote; finding 9 the tally on one page.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội (`friday`, tests/conftest.py); Tết runs 14–22 February, so
calendar days (the vote window) and working days (the decision deadline) part there. `submitted` is the
proposer's complete plan, sent to the department that day.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.models import Position
from approvals import documents
from approvals.inbox import inbox_sections
from approvals.models import Consultation, Decision, Meeting, Vote
from approvals.services import (
    consultation_record,
    decision_approve,
    decision_override,
    meeting_close,
    vote_cast,
)
from core.documents import read_issued
from proposals.models import LegalProfile, Step
from proposals.steps import due_after
from proposals.transitions import Status
from reminders.models import Reminder
from reminders.services import reminders_scan
from tests.approvals.helpers import ABSTAIN, AGAINST, FOR
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import (
    APPROVAL_TEXT,
    HANOI,
    JUSTIFICATION,
    REASONS,
    deciding_panel,
    fresh,
    meeting_with_votes,
    new_profile_version,
    open_meeting,
    pdf_text,
    submitted_proposal,
)

D = datetime.date
T = datetime.time

pytestmark = pytest.mark.usefixtures("friday")  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


def at(time_machine, day: datetime.date, hour: int, minute: int = 0) -> None:
    time_machine.move_to(datetime.datetime.combine(day, T(hour, minute), tzinfo=HANOI), tick=False)


def minutes_text(meeting: Meeting) -> str:
    """The minutes as stored when the meeting closed."""
    return pdf_text(read_issued(documents.MINUTES, fresh(meeting)).content)


def consult(proposal, by) -> Consultation:
    return consultation_record(proposal=proposal, by=by, committee="Đảng ủy Sở Nội vụ", opinion_date=D(2026, 2, 13),
                               opinion="Thống nhất chủ trương.")


@pytest.fixture
def deputy4(department):
    person = UserFactory(username="phogiamdoc4")
    PositionFactory(person=person, unit=department, role=Position.Role.DEPUTY, title="Phó Giám đốc",
                    start_date=D(2024, 1, 1))
    return person


# --- D-1: a tie is as many votes for as against (Art. 8(1)) ----------------------------------------------------


@pytest.mark.real_pdf
def test_d1_head_for_one_deputy_against_one_abstaining_passes_and_the_minutes_say_the_tie_rule_decided(
    submitted, head, deputy, deputy2
):
    """Art. 8(1) [C]: "trường hợp biểu quyết ngang nhau thì quyết định theo ý kiến mà người đứng đầu đã biểu quyết".

    One for (the head), one against, one abstaining: the sides are equal, so the head's side decides, although
    1 of 3 present is not more than 50 % (the old rule called it a minority and failed it)."""
    closed = fresh(meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: AGAINST, deputy2: ABSTAIN},
                                      close=True))

    assert (closed.passed, closed.tie_break_applied, closed.denominator) == (True, True, 3)
    assert fresh(submitted).status == Status.COLLECTIVE_PASSED
    text = minutes_text(closed)
    assert "(theo ý kiến mà người đứng đầu biểu quyết): có." in text
    assert ("Số phiếu tán thành và không tán thành ngang nhau (1 – 1); người đứng đầu biểu quyết tán thành nên kế "
            "hoạch được thông qua.") in text


@pytest.mark.real_pdf
@pytest.mark.parametrize(("head_vote", "passed"), [(FOR, True), (AGAINST, False)])
def test_d1_two_for_two_against_one_abstaining_follows_the_side_the_head_voted_on(
    deputy4, submitted, head, deputy, deputy2, deputy3, head_vote, passed
):
    """Art. 8(1) [C], review D-1: 2 for (the head among them), 2 against, 1 abstaining → the head's side."""
    other = AGAINST if head_vote == FOR else FOR
    votes = {head: head_vote, deputy: head_vote, deputy2: other, deputy3: other, deputy4: ABSTAIN}

    closed = fresh(meeting_with_votes(proposal=submitted, by=head, votes=votes, close=True))

    assert (closed.votes_for, closed.votes_against, closed.votes_abstain, closed.denominator) == (2, 2, 1, 5)
    assert (closed.passed, closed.tie_break_applied) == (passed, True)
    assert fresh(submitted).status == (Status.COLLECTIVE_PASSED if passed else Status.COLLECTIVE_FAILED)
    if not passed:
        assert "người đứng đầu biểu quyết không tán thành nên kế hoạch không được thông qua" in minutes_text(closed)


@pytest.mark.real_pdf
def test_d1_the_fail_tie_rule_still_fails_a_tie(friday, proposer, head, deputy, deputy2):
    """A profile that deviates from Art. 8(1) (tie_rule FAIL, D-10) keeps its rule: the tie fails."""
    new_profile_version(tie_rule=LegalProfile.TieRule.FAIL, deviation_confirmed=True)
    proposal = submitted_proposal(proposer=proposer)

    closed = fresh(meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: AGAINST, deputy2: ABSTAIN},
                                      close=True))

    assert (closed.passed, closed.tie_break_applied) == (False, False)
    assert "(không thông qua): không." in minutes_text(closed)


# --- D-3, D-4: what the minutes cite and state -----------------------------------------------------------------


@pytest.mark.real_pdf
def test_d3_route_a_minutes_cite_the_profiles_route_a_clauses_and_say_trên_50(submitted, head, deputy):
    """Art. 7(3) and 8(1) [C] for a plan sent to the head (route A), from the legal profile (D-3); the passing rule
    reads "trên 50%" as Art. 8(1) does (finding 11); D-4: the denominator used is stated."""
    text = minutes_text(meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True))

    assert ("biểu quyết kế hoạch đề xuất đổi mới, sáng tạo theo khoản 3 Điều 7 và khoản 1 Điều 8 Nghị định số "
            "73/2023/NĐ-CP") in text
    assert "Thông qua khi số phiếu tán thành trên 50% số thành viên có quyền biểu quyết có mặt." in text
    assert "Mẫu số: số thành viên có quyền biểu quyết có mặt." in text
    assert "vượt quá" not in text and "Điều 8 khoản 1" not in text


@pytest.mark.real_pdf
def test_d3_route_b_minutes_cite_article_7_4_and_8_not_8_1(friday, head, deputy, superior_head):
    """Art. 7(4) [C]: a head's own plan goes to the superior's head; Art. 8(1) covers only Art. 7(3) plans, so the
    superior's minutes cite the profile's route-B clauses ("khoản 4 Điều 7 và Điều 8")."""
    proposal = submitted_proposal(proposer=head)
    assert proposal.route == "B"

    text = minutes_text(meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: FOR}, close=True))

    assert "theo khoản 4 Điều 7 và Điều 8 Nghị định số 73/2023/NĐ-CP" in text
    assert "khoản 1 Điều 8" not in text and "Điều 8 khoản 1" not in text


@pytest.mark.real_pdf
def test_d3_the_citation_is_the_profiles_setting(friday, proposer, head, deputy):
    """D-3: a deployment corrects the clauses in a new profile version, without code."""
    new_profile_version(route_a_citation="khoản 3 Điều 7, khoản 1 Điều 8")
    proposal = submitted_proposal(proposer=proposer)

    text = minutes_text(meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, close=True))

    assert "theo khoản 3 Điều 7, khoản 1 Điều 8 Nghị định số 73/2023/NĐ-CP" in text


@pytest.mark.real_pdf
def test_d3_the_co_author_exclusion_is_the_units_rule_and_the_proposer_exclusion_the_decrees(
    head, deputy, deputy2, secretariat
):
    """Art. 8(1) [C] excludes a deputy who proposes; excluding a co-author is the unit's rule [I] (review D-3)."""
    proposal = submitted_proposal(proposer=deputy, co_authors=[deputy2])

    closed = meeting_with_votes(proposal=proposal, by=secretariat, votes={head: FOR}, close=True)
    text = minutes_text(closed)

    assert f"{deputy.get_full_name()} (người đề xuất)" in text and f"{deputy2.get_full_name()} (đồng tác giả)" in text
    # Compared without spaces: the line may break anywhere in it ("NĐ-" / "CP"), depending on the names before it.
    sentence = ("— không biểu quyết đối với đề xuất của chính mình; người đề xuất: theo khoản 1 Điều 8 "
                "Nghị định số 73/2023/NĐ-CP; đồng tác giả: theo quy định của cơ quan.")
    assert "".join(sentence.split()) in "".join(text.split())


# --- D-7, finding 8: the votes and the end are the meeting's ---------------------------------------------------


def test_d7_a_vote_after_the_meeting_day_is_refused(submitted, head, deputy, time_machine):
    """D-7 [I]: the minutes present the votes as the meeting's; with the default window (0 days) a vote cast the
    day after the meeting is refused, in Vietnamese, and nothing is recorded."""
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR}, present=[head, deputy])
    at(time_machine, D(2026, 2, 14), 8)

    with pytest.raises(ValidationError) as error:
        vote_cast(meeting=meeting, by=deputy, choice=FOR)

    assert error.value.code == "window"
    assert error.value.messages == [
        "Đã hết thời gian biểu quyết của cuộc họp ngày 13/02/2026 (đến hết ngày 13/02/2026): phiếu biểu quyết chỉ "
        "được ghi nhận trong thời gian này."
    ]
    assert list(Vote.objects.values_list("voter", flat=True)) == [head.pk]


def test_d7_the_profiles_window_lets_votes_in_for_that_many_days_and_no_more(friday, proposer, head, deputy, deputy2,
                                                                            time_machine):
    """D-7: `vote_window_days` (calendar days after the meeting date) is the setting that holds the window."""
    new_profile_version(vote_window_days=2)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR}, present=[head, deputy, deputy2])

    at(time_machine, D(2026, 2, 15), 23, 59)
    assert vote_cast(meeting=meeting, by=deputy, choice=FOR).voter == deputy
    at(time_machine, D(2026, 2, 16), 0, 1)
    with pytest.raises(ValidationError) as error:
        vote_cast(meeting=meeting, by=deputy2, choice=FOR)
    assert error.value.code == "window"


def test_d7_after_the_window_the_panel_says_why_the_vote_is_not_offered(submitted, head, deputy, time_machine):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={}, present=[head, deputy])
    assert "vote_cast" in deciding_panel(proposal=fresh(submitted), user=deputy)["actions"]

    at(time_machine, D(2026, 2, 14), 8)
    panel = deciding_panel(proposal=fresh(submitted), user=deputy)

    assert "vote_cast" not in panel["actions"]
    assert panel["notes"] == [f"Đã hết thời gian biểu quyết của cuộc họp ngày {meeting.held_on:%d/%m/%Y}."]


@pytest.mark.real_pdf
def test_d7_each_votes_time_and_the_end_of_the_meeting_are_in_the_minutes(submitted, head, deputy, deputy2,
                                                                          time_machine):
    """D-7, finding 8: each vote's time (dd/mm/yyyy HH:MM, local) and "Cuộc họp kết thúc vào hồi … giờ … phút cùng
    ngày" with the time the chair states, not the system time of the close."""
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR}, present=[head, deputy, deputy2])
    at(time_machine, D(2026, 2, 13), 9, 20)
    vote_cast(meeting=meeting, by=deputy, choice=FOR)
    at(time_machine, D(2026, 2, 13), 11, 5)  # the secretary records the close later that morning

    closed = meeting_close(meeting=meeting, by=head, ends_at=T(9, 45))

    assert fresh(closed).ends_at == T(9, 45)
    text = minutes_text(closed)
    assert "Tán thành 13/02/2026 09:00" in text and "Tán thành 13/02/2026 09:20" in text
    assert "Không biểu quyết (không bỏ phiếu) —" in text  # deputy2 was present and cast nothing
    assert "Cuộc họp kết thúc vào hồi 09 giờ 45 phút cùng ngày." in text
    assert "11 giờ 05" not in text and "Biểu quyết kết thúc lúc" not in text


@pytest.mark.real_pdf
def test_d7_closed_on_the_meeting_day_without_a_time_the_end_is_now(submitted, head, deputy):
    closed = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)

    assert fresh(closed).ends_at == T(9, 0)
    assert "Cuộc họp kết thúc vào hồi 09 giờ 00 phút cùng ngày." in minutes_text(closed)


@pytest.mark.real_pdf
def test_d7_a_close_on_another_day_needs_the_time_and_prints_that_day(friday, proposer, head, deputy, time_machine):
    """Within the window, the meeting ends on the day of the close: "… phút ngày dd/mm/yyyy"."""
    new_profile_version(vote_window_days=3)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR}, present=[head, deputy])
    at(time_machine, D(2026, 2, 15), 10)
    vote_cast(meeting=meeting, by=deputy, choice=FOR)

    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head)
    assert set(error.value.message_dict) == {"ends_at"}
    assert fresh(meeting).state == Meeting.State.OPEN

    at(time_machine, D(2026, 2, 15), 10, 40)
    closed = meeting_close(meeting=meeting, by=head, ends_at=T(10, 30))
    text = minutes_text(closed)
    assert "Tán thành 15/02/2026 10:00" in text
    assert "Cuộc họp kết thúc vào hồi 10 giờ 30 phút ngày 15/02/2026." in text


@pytest.mark.real_pdf
def test_d7_a_close_recorded_after_the_window_does_not_move_the_meeting(submitted, head, deputy, time_machine):
    """No vote counts after the window, so the meeting ended within it: recorded on Monday for Friday's meeting
    (window 0), the minutes still say it ended the same day, at the time the chair states."""
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR})
    at(time_machine, D(2026, 2, 23), 8)

    closed = meeting_close(meeting=meeting, by=head, ends_at=T(10, 0))

    assert "Cuộc họp kết thúc vào hồi 10 giờ 00 phút cùng ngày." in minutes_text(closed)


@pytest.mark.parametrize(
    ("ends_at", "message"),
    [
        (T(9, 30), "Giờ kết thúc không được sau thời điểm hiện tại."),
        (T(8, 30), "Giờ kết thúc phải sau giờ bắt đầu cuộc họp (08:30)."),
        (T(8, 59), "Giờ kết thúc không được trước giờ ghi nhận phiếu biểu quyết cuối cùng (09:00)."),
    ],
)
def test_d7_the_end_time_is_checked_against_the_record(submitted, head, deputy, ends_at, message):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR})

    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head, ends_at=ends_at)

    assert error.value.message_dict == {"ends_at": [message]}
    assert fresh(meeting).state == Meeting.State.OPEN


def test_d7_the_close_form_asks_the_end_time_and_proposes_now_on_the_meeting_day(submitted, head, deputy,
                                                                                time_machine):
    meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    form = deciding_panel(proposal=fresh(submitted), user=head)["actions"]["meeting_close"]
    assert form.initial == {"ends_at": T(9, 0)} and form.fields["ends_at"].required

    at(time_machine, D(2026, 2, 23), 8)
    assert deciding_panel(proposal=fresh(submitted), user=head)["actions"]["meeting_close"].initial == {}


# --- D-12: a reason for a vote against, only where the unit asks for one ---------------------------------------


@pytest.mark.real_pdf
def test_d12_a_vote_against_needs_no_reason_by_default(submitted, head, deputy):
    """Art. 8(1) [C] asks no reason of a vote against (review D-12); the minutes say none was given."""
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR}, present=[head, deputy])

    assert vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason="  ").choice == AGAINST

    closed = meeting_close(meeting=meeting, by=head)
    assert f"- {deputy.get_full_name()}: (không nêu lý do)" in minutes_text(closed)


def test_d12_the_profile_may_ask_a_reason(friday, proposer, head, deputy):
    new_profile_version(against_reason_required=True)
    meeting = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={}, present=[head, deputy])

    with pytest.raises(ValidationError) as error:
        vote_cast(meeting=meeting, by=deputy, choice=AGAINST)

    assert error.value.message_dict == {"reason": ["Theo quy định của cơ quan, cần nêu lý do khi không tán thành."]}
    assert vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason=REASONS).reason == REASONS


# --- D-13: the party committee's opinion comes before approving (Art. 4(3)) -------------------------------------


def _vote_without_consulting(proposal, head, deputy, choice) -> Meeting:
    meeting = open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])
    for person in (head, deputy):
        vote_cast(meeting=meeting, by=person, choice=choice)
    return meeting_close(meeting=meeting, by=head)


def test_d13_by_default_the_meeting_is_held_first_and_the_approval_waits_for_the_opinion(submitted, head, deputy):
    """Art. 4(3) [C]: "trước khi phê duyệt" the unit asks the party committee. The default profile
    (consultation_before "decision") lets the collective vote first; the approval is refused until the opinion."""
    assert submitted.profile.consultation_before == LegalProfile.ConsultationTiming.DECISION
    _vote_without_consulting(submitted, head, deputy, FOR)

    with pytest.raises(ValidationError) as error:
        decision_approve(proposal=fresh(submitted), by=head, text=APPROVAL_TEXT)
    assert error.value.code == "consultation"
    assert error.value.messages == [
        "Cần ghi nhận ý kiến cấp ủy trước khi ban hành quyết định cho triển khai thực hiện (khoản 3 Điều 4 Nghị định "
        "số 73/2023/NĐ-CP)."
    ]
    assert not Decision.objects.exists() and fresh(submitted).status == Status.COLLECTIVE_PASSED

    panel = deciding_panel(proposal=fresh(submitted), user=head)
    assert "decision_approve" not in panel["actions"] and "consultation_record" in panel["actions"]
    assert error.value.messages[0] in panel["notes"]

    consult(submitted, head)  # after the vote, on the version voted on
    assert decision_approve(proposal=fresh(submitted), by=head, text=APPROVAL_TEXT).kind == Decision.Kind.APPROVAL


def test_d13_the_inbox_asks_for_the_opinion_before_the_approval_not_before_the_meeting(submitted, head, deputy):
    def expected() -> str:
        [item] = next(s for s in inbox_sections(user=head, today=D(2026, 2, 13)) if s.key == "to_decide").items
        return str(item.expected)

    assert expected() == "Tổ chức họp tập thể lãnh đạo"
    _vote_without_consulting(submitted, head, deputy, FOR)
    assert expected() == "Ghi nhận ý kiến cấp ủy"
    consult(submitted, head)
    assert expected() == "Ban hành quyết định cho triển khai thực hiện"


def test_d13_the_override_waits_for_the_opinion_too(submitted, head, deputy):
    _vote_without_consulting(submitted, head, deputy, AGAINST)

    with pytest.raises(ValidationError) as error:
        decision_override(proposal=fresh(submitted), by=head, justification=JUSTIFICATION)
    assert error.value.code == "consultation"

    consult(submitted, head)
    assert decision_override(proposal=fresh(submitted), by=head, justification=JUSTIFICATION).kind == Decision.Kind.OVERRIDE


def test_d13_without_a_required_opinion_the_approval_needs_none(friday, proposer, head, deputy):
    new_profile_version(consultation_required=False, deviation_confirmed=True)
    proposal = submitted_proposal(proposer=proposer)
    _vote_without_consulting(proposal, head, deputy, FOR)

    assert decision_approve(proposal=fresh(proposal), by=head, text=APPROVAL_TEXT).kind == Decision.Kind.APPROVAL


def test_d13_a_unit_asking_the_opinion_before_the_meeting_records_it_only_then(friday, proposer, head, deputy):
    """consultation_before "meeting" is the unit's rule (stricter than Art. 4(3)): no meeting without the opinion,
    and no opinion recorded once the collective has voted."""
    new_profile_version(consultation_before=LegalProfile.ConsultationTiming.MEETING)
    proposal = submitted_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        open_meeting(proposal=proposal, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])
    assert error.value.messages == [
        "Theo quy định của cơ quan, cần ghi nhận ý kiến cấp ủy trước khi tập thể lãnh đạo họp, biểu quyết."
    ]

    consult(proposal, head)
    _vote_without_consulting(proposal, head, deputy, FOR)
    with pytest.raises(ValidationError) as error:  # the vote is over: the status is checked before anything else
        consult(proposal, head)
    assert error.value.code == "bad_state"
    assert error.value.messages == ["Chỉ ghi nhận ý kiến cấp ủy khi đề xuất đang chờ xem xét, trước cuộc họp."]


# --- D-14: after either vote, a dated and reminded decision step -------------------------------------------------


@pytest.mark.parametrize("choice", [FOR, AGAINST])
def test_d14_after_a_passing_or_failing_vote_the_decision_step_opens_and_is_reminded(submitted, head, deputy,
                                                                                    time_machine, choice):
    """D-14 [I]: between the vote and the written decision (approval; or override, rejection, return after a failing
    vote) a step runs, due `decision_deadline_wd` working days after the close, and the head is reminded of it."""
    meeting_with_votes(proposal=submitted, by=head, votes={head: choice, deputy: choice}, close=True)

    step = Step.objects.open().get(proposal=submitted, kind="decision")
    assert step.due_on == due_after(D(2026, 2, 13), submitted.profile.decision_deadline_wd) == D(2026, 2, 27)
    assert (step.unit, step.person) == (submitted.decision_unit, None)

    at(time_machine, step.due_on, 7)
    reminders_scan(today=step.due_on)

    assert list(Reminder.objects.filter(step=step).values_list("kind", "recipient")) == [(Reminder.Kind.REMIND, head.pk)]


# --- Finding 9: the tally is never split across two pages -------------------------------------------------------


TALLY = ("Ý kiến Số phiếu", "Tán thành 2", "Không tán thành 1", "Không biểu quyết 0")


def _tally_pages(meeting: Meeting, padding: int, seen: dict) -> list[int]:
    """The page of each line of the tally table when `padding` lines of other attendees push it down."""
    if padding in seen:
        return seen[padding]
    Meeting.objects.filter(pk=meeting.pk).update(
        other_attendees="\n".join(f"Ông Nguyễn Văn {n}, chuyên viên Văn phòng Sở" for n in range(padding))
    )
    pages = PdfReader(io.BytesIO(documents.minutes_pdf(meeting))).pages
    found = {}
    for number, page in enumerate(pages):
        for line in page.extract_text().splitlines():
            found.setdefault(" ".join(line.split()), number)
    seen[padding] = [found[line] for line in TALLY]
    return seen[padding]


@pytest.mark.real_pdf
def test_finding_9_the_tally_table_moves_whole_to_the_next_page(submitted, head, deputy, deputy2):
    """Decree 30 layout practice (review finding 9): the three-row tally never splits across pages with its header
    repeated. The attendees list is lengthened until the last row of the tally reaches the next page; at that point,
    the first rows must have moved with it (without `break-inside: avoid` they stay behind)."""
    closed = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)
    seen: dict[int, list[int]] = {}
    low, high = 0, 60
    page = _tally_pages(closed, low, seen)[0]
    assert _tally_pages(closed, low, seen) == [page] * 4 and _tally_pages(closed, high, seen) == [page + 1] * 4
    while high - low > 1:  # the fewest lines that push the last row of the tally to the next page
        middle = (low + high) // 2
        low, high = (low, middle) if _tally_pages(closed, middle, seen)[-1] > page else (middle, high)

    assert _tally_pages(closed, high, seen) == [page + 1] * 4
