"""EVL-1 (the party committee's opinion before evaluating, Art. 4(3)) and EVL-2 (the evaluation meeting within
the deadline of Art. 18; voters computed; secret until the close; the profile's decision rule)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import verify_chain
from core.models import AuditEvent
from evaluation import services
from evaluation.models import EvaluationMeeting, EvaluationVote
from proposals.models import LegalProfile, Step
from proposals.transitions import Status
from tests.evaluation.helpers import AGAINST, FOR, NOW, TODAY, consult, held, open_meeting, reported
from tests.lifecycle import EXE_BYTES, PDF_BYTES, audit_events, fresh, new_profile_version, pdf_text, uploaded_file

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


# --- EVL-1 ------------------------------------------------------------------------------------------------------


def test_evl1_the_head_or_secretariat_records_the_party_opinion_with_its_scan(report, secretariat):
    consultation = consult(report, secretariat, document=uploaded_file("y-kien.pdf", PDF_BYTES))
    assert consultation.document_sha256 and consultation.document_content_type == "application/pdf"
    [event] = audit_events("evaluation_consultation")
    assert event.payload["document_sha256"] == consultation.document_sha256 and event.actor == secretariat


@pytest.mark.parametrize("who", ["deputy", "proposer", "outsider", "superior_head"])
def test_evl1_nobody_else_records_it(report, who, request):
    with pytest.raises(PermissionDenied):
        consult(report, request.getfixturevalue(who))


def test_evl1_the_scan_is_checked_by_its_content_and_a_refused_one_leaves_nothing(report, head, private_media):
    with pytest.raises(ValidationError) as refused:
        consult(report, head, document=uploaded_file("y-kien.pdf", EXE_BYTES))
    assert "document" in refused.value.message_dict
    assert not report.evaluation_consultations.exists() and not list(private_media.rglob("*ket-qua*"))


def test_evl1_the_opinion_is_dated_between_the_report_and_today_and_recorded_once(report, head):
    with pytest.raises(ValidationError) as early:
        consult(report, head, opinion_date=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as future:
        consult(report, head, opinion_date=TODAY + datetime.timedelta(days=1))
    assert "opinion_date" in early.value.message_dict and "opinion_date" in future.value.message_dict
    consult(report, head)
    with pytest.raises(ValidationError) as twice:
        consult(report, head)
    assert twice.value.code == "duplicate"


def test_evl1_no_meeting_before_the_party_opinion_by_default(report, head, deputy):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_meeting_open(
            proposal=report, by=head, held_on=TODAY, starts_at=datetime.time(8), attendees=[head, deputy],
            secretary_name="Thư ký", proposed_outcome="completed", proposed_damage=False, proposed_right_policy=True,
            proposed_pure_motive=True, proposed_common_good=True,
        )
    assert refused.value.code == "consultation" and "Điều 4 khoản 3" in refused.value.messages[0]


def test_evl1_a_profile_may_switch_the_opinion_off(proposer, leaders):
    head, deputy, _ = leaders
    new_profile_version(evaluation_consultation_required=False)
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    meeting = services.evaluation_meeting_open(
        proposal=proposal, by=head, held_on=TODAY, starts_at=datetime.time(8), attendees=[head, deputy],
        secretary_name="Thư ký", proposed_outcome="completed", proposed_damage=False, proposed_right_policy=True,
        proposed_pure_motive=True, proposed_common_good=True,
    )
    assert meeting.state == EvaluationMeeting.State.OPEN


# --- EVL-2: opening ------------------------------------------------------------------------------------------------


def test_evl2_the_voters_are_the_collective_on_the_day_minus_the_authors(report, leaders, secretariat, proposer):
    head, deputy, deputy2 = leaders
    meeting = open_meeting(report, secretariat, [head, deputy])
    assert set(meeting.eligible_voters.all()) == {head, deputy, deputy2}
    assert set(meeting.attendees.all()) == {head, deputy} and meeting.chair == head
    assert proposer not in meeting.eligible_voters.all()
    assert fresh(report).status == Status.EVALUATION_MEETING


def test_evl2_the_head_must_attend_and_only_voters_are_marked_present(report, leaders, proposer):
    head, deputy, _ = leaders
    with pytest.raises(ValidationError) as no_chair:
        open_meeting(report, head, [deputy])
    with pytest.raises(ValidationError) as stranger:
        open_meeting(report, head, [head, proposer])
    assert "Điều 18" in no_chair.value.message_dict["attendees"][0]
    assert "attendees" in stranger.value.message_dict


def test_evl2_opening_closes_the_evaluation_step_and_records_the_question(report, head, deputy):
    assert Step.objects.open().filter(proposal=report, kind="evaluation").exists()
    open_meeting(report, head, [head, deputy], proposed_outcome="partial", proposed_damage=True)
    assert not Step.objects.open().filter(proposal=report, kind="evaluation").exists()
    [event] = audit_events("open_evaluation")
    assert event.payload["proposed"] == {"outcome": "partial", "damage": True, "findings": [True, True, True]}


def test_evl2_the_meeting_is_held_between_the_report_and_today(report, head, deputy):
    with pytest.raises(ValidationError) as refused:
        open_meeting(report, head, [head, deputy], held_on=TODAY + datetime.timedelta(days=1))
    assert "held_on" in refused.value.message_dict


def test_evl6_a_conclusion_only_path_has_no_meeting(proposer, leaders):
    head, deputy, _ = leaders
    new_profile_version(stopped_evaluation=LegalProfile.EvaluationPath.CONCLUSION)
    proposal = reported(proposer=proposer, head=head, deputy=deputy, stopped=True)
    with pytest.raises(ValidationError) as refused:
        open_meeting(proposal, head, [head, deputy])
    assert refused.value.code == "path"


# --- EVL-2: votes and the close --------------------------------------------------------------------------------------


def test_evl2_votes_are_one_per_present_voter_and_the_authors_never_vote(report, leaders, proposer):
    head, deputy, deputy2 = leaders
    meeting = open_meeting(report, head, [head, deputy])
    services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=FOR)
    with pytest.raises(ValidationError):
        services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=FOR)
    for person in (proposer, deputy2):  # the author; a voter marked absent
        with pytest.raises(PermissionDenied):
            services.evaluation_vote_cast(meeting=meeting, by=person, choice=FOR)
    with pytest.raises(ValidationError) as no_reason:
        services.evaluation_vote_cast(meeting=meeting, by=head, choice=AGAINST)
    assert "reason" in no_reason.value.message_dict


def test_evl2_the_ballots_stay_secret_until_the_close(report, head, deputy):
    meeting = open_meeting(report, head, [head, deputy])
    services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=AGAINST, reason="Chưa đạt chỉ tiêu thời gian.")
    [event] = audit_events("evaluation_vote")
    assert event.payload == {"meeting": meeting.pk}  # no choice in the log while the vote runs
    services.evaluation_vote_cast(meeting=meeting, by=head, choice=FOR)
    services.evaluation_meeting_close(meeting=meeting, by=head)
    [closed] = audit_events("close_evaluation")
    assert closed.payload["ballots"] == {str(deputy.pk): AGAINST, str(head.pk): FOR}  # in the chain once closed


@pytest.mark.real_pdf
def test_evl2_collective_rule_the_art_8_1_tally_decides_and_the_minutes_are_stored(report, leaders):
    head, deputy, deputy2 = leaders
    meeting = held(report, head, {head: FOR, deputy: FOR, deputy2: AGAINST})
    assert (meeting.votes_for, meeting.votes_against, meeting.denominator, meeting.passed) == (2, 1, 3, True)
    assert meeting.minutes_number == "2/BB-SNV"  # 1/BB-SNV: the approval meeting; one BB register per unit
    with meeting.minutes_pdf.open("rb") as handle:
        content = handle.read()
    assert services.minutes_download(meeting=meeting, by=head).content == content
    text = pdf_text(content)
    assert "BIÊN BẢN" in text and "Họp đánh giá kết quả thực hiện đề xuất đổi mới, sáng tạo" in text
    assert "Điều 18" in text and "Tán thành" in text and "Chưa đánh giá đủ chỉ tiêu." in text
    [event] = audit_events("close_evaluation")
    assert event.payload["minutes_sha256"] == meeting.minutes_sha256 and event.to_state == Status.EVALUATION_HELD
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_evl2_a_tie_goes_to_the_heads_side(proposer, leaders, deputy3):
    head, deputy, deputy2 = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    meeting = held(proposal, head, {head: FOR, deputy: FOR, deputy2: AGAINST, deputy3: AGAINST})
    assert meeting.passed and meeting.tie_break_applied


@pytest.mark.real_pdf
def test_evl2_head_rule_the_members_give_opinions_and_the_head_decides(proposer, leaders):
    head, deputy, deputy2 = leaders
    new_profile_version(evaluation_rule=LegalProfile.DecisionPath.HEAD)
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    meeting = open_meeting(proposal, head, [head, deputy, deputy2])
    for person in (deputy, deputy2):
        services.evaluation_vote_cast(meeting=meeting, by=person, choice=FOR)
    with pytest.raises(ValidationError) as undecided:
        services.evaluation_meeting_close(meeting=meeting, by=head)
    assert undecided.value.code == "head_undecided"
    services.evaluation_vote_cast(meeting=meeting, by=head, choice=AGAINST, reason="Chưa đủ căn cứ đánh giá hoàn thành.")
    closed = services.evaluation_meeting_close(meeting=meeting, by=head)
    assert closed.rule == "head" and closed.passed is False  # 2 for, 1 against: the head's side decides
    assert "người đứng đầu quyết định" in pdf_text(services.minutes_download(meeting=closed, by=head).content)


def test_evl3_closing_opens_the_conclusion_step_due_three_working_days_later_labelled_unconfirmed(report, head, deputy):
    held(report, head, {head: FOR, deputy: FOR})
    step = Step.objects.open().get(proposal=report, kind="conclusion")
    assert step.due_on == datetime.date(2026, 3, 5)  # Mon 02/03 + 3 working days
    assert "03 ngày làm việc" in step.label and "chưa xác nhận" in step.label


def test_evl2_an_adjourned_meeting_reopens_the_evaluation_step_with_its_due_date(report, head, deputy):
    due = Step.objects.open().get(proposal=report, kind="evaluation").due_on
    meeting = open_meeting(report, head, [head, deputy])
    services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=FOR)
    with pytest.raises(ValidationError):
        services.evaluation_meeting_adjourn(meeting=meeting, by=head, reason=" ")
    services.evaluation_meeting_adjourn(meeting=meeting, by=head, reason="Vắng người đứng đầu cơ quan thuế.")
    assert fresh(report).status == Status.REPORTED
    assert Step.objects.open().get(proposal=report, kind="evaluation").due_on == due
    again = open_meeting(report, head, [head, deputy])  # the opinion stays valid; a new meeting may open
    assert again.pk != meeting.pk and not EvaluationVote.objects.filter(meeting=again).exists()


def test_evl2_a_closed_meeting_takes_no_more_votes(report, head, deputy, deputy2):
    meeting = open_meeting(report, head, [head, deputy, deputy2])
    services.evaluation_vote_cast(meeting=meeting, by=head, choice=FOR)
    services.evaluation_meeting_close(meeting=meeting, by=head)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_vote_cast(meeting=meeting, by=deputy, choice=FOR)
    assert refused.value.code == "closed"
