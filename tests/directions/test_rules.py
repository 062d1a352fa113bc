"""The rules of the directions (after-approval.md IMP-5, IMP-7, CMP-4; decree73.md T9), through the services.

Personas (tests/conftest.py): the head (giám đốc) and deputies of the Sở Nội vụ, its secretariat, a proposer on
its staff, the province's chairman (superior_head), an inspector of the province, an outsider. The clock stands
on Thursday 05/02/2026 09:00 in Hà Nội, the day the proposals are approved (tests/directions/helpers.py).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, DocumentCounter, Notification
from directions import services
from directions.models import Direction
from proposals.models import LegalProfile, PlanVersion, Step
from proposals.steps import step_open
from proposals.transitions import Status
from tests.directions.helpers import (
    GROUNDS,
    NEW_END,
    NOW,
    REASONS,
    SHORT,
    TODAY,
    adjust,
    implementing,
    implementing_by_override,
    implementing_with_lead,
    resume,
    start,
    stop,
    suspend,
)
from tests.lifecycle import (
    APPROVAL_TEXT,
    audit_events,
    drive_to,
    fresh,
    meeting_with_votes,
    new_profile_version,
    pdf_text,
    sha256,
    submitted_proposal,
)

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read a direction's text
DIRECTIONS = {"suspend": suspend, "continue": resume, "stop": stop, "adjust": adjust}


def qd_numbers_taken(unit) -> int:
    return DocumentCounter.objects.get(unit=unit, doc_type="QĐ").last_number


# --- The three directions of Art. 6(4) and their states ------------------------------------------------------


def test_a_suspension_is_a_numbered_decision_of_the_deciding_unit_kept_with_its_hash(proposal, head, department):
    """IMP-5 [C]: each direction is a numbered written document (QĐ) of the employing unit; spec README §6: kept
    with its SHA-256, which the hash-chained audit event records."""
    direction = suspend(proposal, head, effective_on=TODAY + datetime.timedelta(days=3))

    assert fresh(proposal).status == Status.SUSPENDED
    # The approval took 1/QĐ-SNV: the directions share the unit's QĐ register and year (documents.md).
    assert (direction.number, direction.unit, direction.issued_on) == ("2/QĐ-SNV", department, TODAY)
    assert (direction.kind, direction.version, direction.from_status) == ("suspend", 1, "in_implementation")
    assert (direction.signer, direction.signer_title, direction.reasons) == (head, "Giám đốc", REASONS)
    assert direction.pdf_sha256 == sha256(direction.pdf.open("rb").read())
    [event] = audit_events("suspend")
    assert (event.from_state, event.to_state, event.actor, event.role) == ("in_implementation", "suspended", head, "head")
    assert event.payload == {
        "direction": direction.pk, "number": "2/QĐ-SNV", "kind": "suspend", "effective_on": "2026-02-08", "version": 1,
        "superior_informed": None, "pdf_sha256": direction.pdf_sha256,
    }


def test_continue_resumes_a_suspended_proposal_and_stop_ends_it_from_either_state(proposal, head, proposer, deputy):
    """IMP-5: IN_IMPLEMENTATION ⇄ SUSPENDED ("tiếp tục" resumes); → STOPPED (Art. 6(4) names the three directions)."""
    suspend(proposal, head)
    resume(proposal, head)
    assert fresh(proposal).status == Status.IN_IMPLEMENTATION
    suspend(proposal, head)
    stop(proposal, head)  # from SUSPENDED
    assert fresh(proposal).status == Status.STOPPED

    other = implementing(proposer=proposer, head=head, deputy=deputy)
    stop(other, head)  # from IN_IMPLEMENTATION
    assert fresh(other).status == Status.STOPPED
    assert list(Direction.objects.filter(proposal=proposal).values_list("kind", flat=True)) == [
        "suspend", "continue", "suspend", "stop",
    ]


@pytest.mark.parametrize(("state", "kind"), [
    ("in_implementation", "continue"),  # nothing to resume
    ("suspended", "suspend"),  # a second click on "tạm dừng"
    ("suspended", "adjust"),  # the plan is adjusted while it runs
    ("stopped", "stop"),
    ("stopped", "continue"),  # a stop is final
    ("approved", "suspend"),  # implementation has not started
])
def test_a_direction_the_state_does_not_allow_is_refused_and_takes_no_number(
    proposer, head, deputy, deputy2, secretariat, department, state, kind
):
    """IMP-5 states, one transition table (proposals.transitions); a refusal costs no number (documents.md)."""
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    if state != "approved":
        start(proposal, head)
    if state == "suspended":
        suspend(proposal, head)
    elif state == "stopped":
        stop(proposal, head)
    taken, files = qd_numbers_taken(department), Direction.objects.count()

    with pytest.raises(ValidationError) as refused:
        DIRECTIONS[kind](proposal, head)

    assert refused.value.code == "bad_transition"
    assert (qd_numbers_taken(department), Direction.objects.count(), fresh(proposal).status) == (taken, files, state)


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "superior_head", "inspector", "outsider"])
@pytest.mark.parametrize("kind", ["suspend", "stop", "adjust"])
def test_only_the_head_of_the_deciding_unit_directs(proposal, request, who, kind, superior_head, inspector, outsider):
    """IMP-5 [C]/[I]: the employing unit directs, by its head (decree73.md T9)."""
    with pytest.raises(PermissionDenied):
        DIRECTIONS[kind](proposal, request.getfixturevalue(who))
    assert not Direction.objects.exists()
    assert fresh(proposal).status == Status.IN_IMPLEMENTATION


def test_a_heads_own_proposal_is_directed_by_the_superior_unit(head, deputy, superior_head, province):
    """IMP-5 [I]: route B, the superior decided it, so the superior directs it (decree73.md T6)."""
    from approvals.services import decision_approve

    proposal = submitted_proposal(proposer=head)
    meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: "for"}, close=True)
    decision_approve(proposal=proposal, by=superior_head, text=APPROVAL_TEXT)
    proposal = start(proposal, superior_head)

    with pytest.raises(PermissionDenied):
        suspend(proposal, head)
    direction = suspend(proposal, superior_head)

    assert (direction.unit, direction.number, direction.signer_title) == (province, "2/QĐ-UBND", "Chủ tịch")


# --- Reasons and effective date -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["suspend", "continue", "stop", "adjust"])
def test_every_direction_needs_reasons_of_at_least_twenty_characters(proposal, head, kind):
    """IMP-5 [C]: each direction is a written decision with reasons (the length as approvals' justifications)."""
    if kind == "continue":
        suspend(proposal, head)
    taken = qd_numbers_taken(proposal.decision_unit)

    with pytest.raises(ValidationError) as refused:
        DIRECTIONS[kind](proposal, head, reasons=SHORT)

    assert "20 ký tự" in refused.value.message_dict["reasons"][0]
    assert qd_numbers_taken(proposal.decision_unit) == taken


@pytest.mark.parametrize(("effective_on", "accepted"), [
    (TODAY, True),  # the day of the approval decision
    (TODAY - datetime.timedelta(days=1), False),  # before it: the proposal was not approved yet
    (TODAY + datetime.timedelta(days=30), True),  # services.MAX_DAYS_AHEAD
    (TODAY + datetime.timedelta(days=31), False),
    (None, False),
])
def test_the_effective_date_runs_from_the_approval_decision_to_thirty_days_ahead(proposal, head, effective_on, accepted):
    """IMP-5 [C]: each direction has an effective date; the bounds are [I]."""
    if accepted:
        assert suspend(proposal, head, effective_on=effective_on).effective_on == effective_on
        return
    with pytest.raises(ValidationError) as refused:
        suspend(proposal, head, effective_on=effective_on)
    assert "effective_on" in refused.value.message_dict


def test_a_direction_takes_effect_no_earlier_than_the_one_it_follows(proposal, head, time_machine):
    suspend(proposal, head, effective_on=TODAY + datetime.timedelta(days=5))
    time_machine.move_to(NOW + datetime.timedelta(days=1), tick=False)

    with pytest.raises(ValidationError) as refused:
        resume(proposal, head, effective_on=TODAY + datetime.timedelta(days=4))

    assert "2/QĐ-SNV" in refused.value.message_dict["effective_on"][0]
    assert resume(proposal, head, effective_on=TODAY + datetime.timedelta(days=5)).number == "3/QĐ-SNV"


# --- Stop: the report on results so far (CMP-4) ------------------------------------------------------------------


def test_a_stop_opens_the_report_on_results_so_far_due_five_working_days_after_it_takes_effect_across_tet(
    friday, proposer, head, deputy, deputy2, department
):
    """CMP-4 [I]: due `stopped_report_deadline_wd` (5) working days after the stop takes effect; the Tết break
    (14–22/02/2026) is not counted. The step is the lead implementer's (implementation.selectors)."""
    proposal = implementing_with_lead(proposer=proposer, head=head, deputy=deputy, lead=deputy2)
    step_open(proposal=proposal, kind="progress_report", label="Báo cáo tiến độ", due_on=friday, unit=department)

    stop(proposal, head, effective_on=friday)

    step = Step.objects.open().get(proposal=proposal)
    assert (step.kind, step.due_on, step.unit, step.person) == ("completion_report", datetime.date(2026, 2, 27), department, deputy2)
    # Implementation has ended: the periodic progress report is no longer due.
    assert not Step.objects.open().filter(kind="progress_report").exists()


def test_the_report_after_a_stop_follows_the_legal_profile(proposer, head, deputy, deputy2):
    new_profile_version(stopped_report_deadline_wd=2)
    proposal = implementing(proposer=proposer, head=head, deputy=deputy)

    stop(proposal, head)  # Thu 05/02/2026

    assert Step.objects.open().get(proposal=proposal, kind="completion_report").due_on == datetime.date(2026, 2, 9)


def test_a_stop_without_a_lead_cadre_leaves_the_report_to_the_employing_unit(proposal, head, department):
    """No cadre leads (none assigned, or an individual or organisation outside the system): the step is the unit's."""
    stop(proposal, head)
    step = Step.objects.open().get(proposal=proposal, kind="completion_report")
    assert (step.unit, step.person) == (department, None)


# --- Notifications, and the superior of an override (IMP-7) -------------------------------------------------------


def test_the_implementers_and_the_proposer_hear_of_a_direction_once_it_is_committed(
    proposer, head, deputy, deputy2, django_capture_on_commit_callbacks
):
    proposal = implementing_with_lead(proposer=proposer, head=head, deputy=deputy, lead=deputy2)
    Notification.objects.all().delete()  # the assignment's and the start's
    with django_capture_on_commit_callbacks(execute=True):
        stop(proposal, head)

    texts = {n.recipient: n.text() for n in Notification.objects.all()}
    assert set(texts) == {proposer, deputy2}
    assert texts[deputy2] == (
        f"Đề xuất “{proposal.title}” dừng thực hiện từ ngày 05/02/2026 (Quyết định số 2/QĐ-SNV). Báo cáo kết quả "
        "thực hiện đến thời điểm dừng chậm nhất ngày 12/02/2026."
    )


@pytest.mark.real_pdf
def test_the_superior_hears_of_every_direction_on_a_proposal_approved_by_override(
    proposer, head, deputy, deputy2, superior_head, province, django_capture_on_commit_callbacks
):
    """IMP-7 (Art. 8(1) [C] accountability; notification [I]): in the app and among the decision's recipients."""
    proposal = implementing_by_override(proposer=proposer, head=head, deputy=deputy)

    with django_capture_on_commit_callbacks(execute=True):
        direction = suspend(proposal, head)

    assert direction.superior_unit == province
    [notice] = Notification.objects.filter(recipient=superior_head)
    assert "2/QĐ-SNV" in notice.text() and "người đứng đầu quyết định cho triển khai" in notice.text()
    assert "Ủy ban nhân dân tỉnh Quảng Ninh (để báo cáo)" in pdf_text(direction.pdf.open("rb").read())
    assert AuditEvent.objects.get(action="suspend").payload["superior_informed"] == province.pk


@pytest.mark.real_pdf
def test_the_superior_is_not_informed_of_a_collective_approval_nor_when_the_profile_says_not_to(
    proposal, proposer, head, deputy, deputy2, superior_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        direction = suspend(proposal, head)
    new_profile_version(notify_superior_of_override=False)
    by_override = implementing_by_override(proposer=proposer, head=head, deputy=deputy)
    with django_capture_on_commit_callbacks(execute=True):
        unreported = suspend(by_override, head)

    assert (direction.superior_unit, unreported.superior_unit) == (None, None)
    assert not Notification.objects.filter(recipient=superior_head).exists()
    assert "(để báo cáo)" not in pdf_text(direction.pdf.open("rb").read())


# --- Adjustment: a new approved version, by the profile's path ---------------------------------------------------


def test_an_adjustment_is_a_decision_that_makes_a_new_approved_version(proposal, head, monkeypatch):
    copied, targets_copy = [], services.targets_copy

    def spy(*, proposal, by):
        copied.append((proposal.pk, proposal.approved_version, by))
        return targets_copy(proposal=proposal, by=by)

    monkeypatch.setattr(services, "targets_copy", spy)

    direction = adjust(proposal, head, plan={"indicators": "Tỷ lệ hồ sơ trực tuyến ≥ 90 %."})

    proposal = fresh(proposal)
    assert (proposal.status, proposal.approved_version, proposal.current_version) == ("in_implementation", 2, 2)
    assert (direction.kind, direction.version, direction.previous_version) == ("adjust", 2, 1)
    assert direction.changed_fields == ["end_date", "indicators"]
    assert PlanVersion.objects.get(proposal=proposal, number=2).end_date == NEW_END
    # IMP-3: the implementation stage copies the milestones and indicators of the new version in force.
    assert copied == [(proposal.pk, 2, head)]
    [event] = audit_events("adjust")
    assert (event.from_state, event.to_state, event.payload["version"]) == ("in_implementation", "in_implementation", 2)
    # The next adjustment starts from the version in force.
    assert adjust(proposal, head, plan={"end_date": datetime.date(2027, 6, 30)}).previous_version == 2


@pytest.mark.real_pdf
def test_the_collective_path_records_the_meeting_and_the_party_opinion_and_cites_them(proposal, head):
    """IMP-5 [U] default: the path of the original approval (collective, Art. 8(1)) with a party opinion per
    Art. 4(3) by analogy [I]."""
    direction = adjust(proposal, head)

    assert (direction.adjustment_path, direction.minutes_number, direction.party_committee) == (
        "collective", "05/BB-SNV", "Đảng ủy Sở Nội vụ",
    )
    text = pdf_text(direction.pdf.open("rb").read())
    assert "Căn cứ ý kiến của Đảng ủy Sở Nội vụ ngày 05/02/2026;" in text
    assert "Căn cứ Biên bản họp tập thể lãnh đạo số 05/BB-SNV ngày 05/02/2026;" in text


@pytest.mark.parametrize(("grounds", "field"), [
    ({"minutes_number": " "}, "minutes_number"),
    ({"meeting_held_on": None}, "meeting_held_on"),
    ({"meeting_held_on": TODAY + datetime.timedelta(days=1)}, "meeting_held_on"),  # a meeting not held yet
    ({"party_committee": ""}, "party_committee"),
    ({"party_opinion_date": None}, "party_opinion_date"),
    # Art. 4(3): the opinion comes before the collective agrees, as before the approval vote.
    ({"meeting_held_on": TODAY, "party_opinion_date": TODAY + datetime.timedelta(days=1)}, "party_opinion_date"),
    ({"party_opinion_date": TODAY - datetime.timedelta(days=1)}, "party_opinion_date"),  # before the approval
])
def test_the_collective_path_needs_its_grounds(proposal, head, grounds, field):
    with pytest.raises(ValidationError) as refused:
        adjust(proposal, head, **{**GROUNDS, **grounds})

    assert field in refused.value.message_dict
    assert (fresh(proposal).approved_version, Direction.objects.count()) == (1, 0)


@pytest.mark.real_pdf
def test_on_the_head_path_the_head_decides_without_meeting_or_opinion(proposer, head, deputy, deputy2):
    new_profile_version(adjustment_path=LegalProfile.DecisionPath.HEAD)
    proposal = implementing(proposer=proposer, head=head, deputy=deputy)

    direction = adjust(proposal, head, grounds=False)

    assert (direction.adjustment_path, direction.minutes_number, direction.meeting_held_on) == ("head", "", None)
    assert "Biên bản họp" not in pdf_text(direction.pdf.open("rb").read())


def test_an_adjusted_end_date_cannot_fall_before_the_adjustment_takes_effect(proposal, head):
    with pytest.raises(ValidationError) as refused:
        adjust(proposal, head, plan={"end_date": TODAY + datetime.timedelta(days=9)}, effective_on=TODAY + datetime.timedelta(days=10))
    assert "end_date" in refused.value.message_dict


def test_an_adjustment_that_changes_nothing_is_refused_and_takes_no_number(proposal, head):
    approved = PlanVersion.objects.get(proposal=proposal, number=1)
    taken = qd_numbers_taken(proposal.decision_unit)

    with pytest.raises(ValidationError) as refused:
        adjust(proposal, head, plan={"end_date": approved.end_date, "milestones": approved.milestones})

    assert refused.value.code == "unchanged"
    assert (qd_numbers_taken(proposal.decision_unit), Direction.objects.count()) == (taken, 0)
