"""Starting implementation (Action.START), the milestones and indicators copied from the approved version in force
(IMP-3, `targets_copy`, the contract the directions app calls after an adjustment), progress per target, and the
periodic progress report (IMP-4 [U], off by default).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from implementation import services
from implementation.models import Implementation, ProgressEntry, Target
from proposals.models import PlanVersion, Proposal, Step
from proposals.services import proposal_transition
from proposals.transitions import Action, Status
from tests.implementation import helpers as h
from tests.lifecycle import EXE_BYTES, PDF_BYTES, as_, audit_events, new_profile_version, sha256, uploaded_file

pytestmark = pytest.mark.frozen_at(h.NOW)


def direct(proposal, action, head) -> None:
    """A direction of the head (suspend, continue), as the directions app records it: through the transition."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal_transition(proposal=locked, action=action, by=head, role="head", unit=locked.decision_unit)


def texts(proposal) -> list[tuple[str, int, str]]:
    return [(t.kind, t.position, t.text) for t in h.targets(proposal)]


# --- Start ----------------------------------------------------------------------------------------------------


def test_the_head_may_start_only_once_a_lead_implementer_is_assigned(approved, head, proposer):
    with pytest.raises(ValidationError, match="người chủ trì"):
        services.implementation_start(proposal=approved, by=head)
    assert "Cần phân công người chủ trì thực hiện trước khi bắt đầu triển khai." in h.notes(approved, head)
    assert "implementation_start" not in h.offered(approved, head)

    h.assign(approved, head, proposer, lead=True)  # assigned: the answer may come later
    assert "implementation_start" in h.offered(approved, head)
    implementation = services.implementation_start(proposal=approved, by=head)

    assert implementation.started_on == h.TODAY and implementation.started_by == head
    assert h.fresh(approved).status == Status.IN_IMPLEMENTATION
    [event] = audit_events(Action.START)
    assert (event.from_state, event.to_state, event.role) == ("approved", "in_implementation", "head")


def test_a_lead_who_refused_does_not_count(approved, head, proposer):
    lead = h.assign(approved, head, proposer, lead=True)
    services.assignment_answer(assignment=lead, by=proposer, accept=False, reason="Không đủ thời gian thực hiện.")
    with pytest.raises(ValidationError, match="người chủ trì"):
        services.implementation_start(proposal=approved, by=head)


@pytest.mark.parametrize("person", ["secretariat", "deputy", "proposer"])
def test_only_the_head_starts(approved, head, proposer, request, person):
    h.assign(approved, head, proposer, lead=True)
    with pytest.raises(PermissionDenied):
        services.implementation_start(proposal=approved, by=request.getfixturevalue(person))
    assert not Implementation.objects.exists()


def test_starting_twice_is_refused(approved, head, proposer):
    h.start(approved, head, proposer)
    with pytest.raises(ValidationError, match="Đang triển khai thực hiện"):
        services.implementation_start(proposal=approved, by=head)
    assert Implementation.objects.count() == 1


# --- Targets (IMP-3) ----------------------------------------------------------------------------------------


def test_start_copies_one_target_per_non_empty_line_of_the_approved_plan(approved_with_lines, head, proposer):
    h.start(approved_with_lines, head, proposer)

    assert texts(approved_with_lines) == [
        ("milestone", 1, "Quý II: xây dựng quy trình liên thông"),
        ("milestone", 2, "Quý III: thí điểm tại 02 huyện"),
        ("milestone", 3, "Quý IV: tổng kết, nhân rộng"),
        ("indicator", 1, "Tỷ lệ hồ sơ nộp trực tuyến ≥ 80 %"),
        ("indicator", 2, "Thời gian giải quyết trung bình ≤ 10 ngày"),
    ]
    assert {t.version for t in h.targets(approved_with_lines)} == {1}


def test_the_plan_lines_keep_numbers_that_are_not_bullets():
    from implementation.selectors import plan_lines

    assert plan_lines("1.5 triệu lượt truy cập\n-5 % chi phí\n  \n3) Ba\n- Bốn  năm") == [
        "1.5 triệu lượt truy cập", "-5 % chi phí", "Ba", "Bốn năm",
    ]


def test_copying_after_an_adjustment_keeps_the_progress_of_unchanged_targets(approved_with_lines, head, proposer):
    h.start(approved_with_lines, head, proposer)
    kept, dropped = h.targets(approved_with_lines)[1], h.targets(approved_with_lines)[0]
    services.progress_record(proposal=approved_with_lines, by=proposer, target=kept, status="done", note="Xong.")
    services.progress_record(proposal=approved_with_lines, by=proposer, target=dropped, status="in_progress")
    # The directions app makes a new approved version (an adjustment), then calls targets_copy.
    plan = PlanVersion.objects.get(proposal=approved_with_lines, number=1)
    content = {**plan.content_dict(),
               "milestones": "Quý III: thí điểm tại 02 huyện\nQuý IV: tổng kết, nhân rộng\nQuý I/2027: nhân rộng toàn tỉnh",
               "indicators": "Tỷ lệ hồ sơ nộp trực tuyến ≥ 90 %\nThời gian giải quyết trung bình ≤ 10 ngày"}
    PlanVersion.objects.create(proposal=approved_with_lines, number=2, submitted_at=timezone.now(),
                               submitted_by=proposer, **content)
    Proposal.objects.filter(pk=approved_with_lines.pk).update(approved_version=2)

    with transaction.atomic():
        services.targets_copy(proposal=h.fresh(approved_with_lines), by=head)

    assert texts(approved_with_lines) == [
        ("milestone", 1, "Quý III: thí điểm tại 02 huyện"),
        ("milestone", 2, "Quý IV: tổng kết, nhân rộng"),
        ("milestone", 3, "Quý I/2027: nhân rộng toàn tỉnh"),
        ("indicator", 1, "Tỷ lệ hồ sơ nộp trực tuyến ≥ 90 %"),
        ("indicator", 2, "Thời gian giải quyết trung bình ≤ 10 ngày"),
    ]
    assert Target.objects.get(pk=kept.pk).status == "done" and Target.objects.get(pk=kept.pk).version == 2
    retired = Target.objects.filter(proposal=approved_with_lines, retired_at__isnull=False)
    assert {t.text for t in retired} == {"Quý II: xây dựng quy trình liên thông", "Tỷ lệ hồ sơ nộp trực tuyến ≥ 80 %"}
    assert ProgressEntry.objects.filter(target=dropped).exists()  # its progress stays on record
    event = audit_events("targets_copy")[-1]
    assert event.payload["version"] == 2 and event.payload["kept"] == 3 and event.payload["added"] == 2


# --- Progress (IMP-3) ---------------------------------------------------------------------------------------


def test_an_implementer_who_accepted_records_progress_with_evidence(approved, head, proposer, deputy):
    h.start(approved, head, proposer)
    h.accept(h.assign(approved, head, deputy))
    target = h.targets(approved)[0]

    entry = services.progress_record(
        proposal=approved, by=deputy, target=target, status="in_progress", value="40 %", note="Đã xây dựng quy trình.",
        evidence=uploaded_file("bien-ban-nghiem-thu.pdf", PDF_BYTES),
    )

    target.refresh_from_db()
    assert (target.status, target.value) == ("in_progress", "40 %")
    assert entry.evidence_sha256 == sha256(PDF_BYTES) and entry.evidence_content_type == "application/pdf"
    assert "bien-ban" not in entry.evidence.name  # stored under a random name
    [event] = audit_events("progress_record")
    assert event.role == "implementer" and event.payload["evidence_sha256"] == sha256(PDF_BYTES)
    response = as_(head).get(h.url("progress_evidence", approved.pk, entry.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "bien-ban-nghiem-thu.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("person", ["head", "secretariat", "deputy2"])
def test_only_an_implementer_who_accepted_records_progress(approved, head, proposer, deputy2, request, person):
    h.start(approved, head, proposer)
    h.assign(approved, head, deputy2)  # assigned, not yet answered
    with pytest.raises(PermissionDenied):
        services.progress_record(proposal=approved, by=request.getfixturevalue(person),
                                 target=h.targets(approved)[0], status="done")


def test_a_suspended_proposal_accepts_no_progress(approved, head, proposer):
    h.start(approved, head, proposer)
    direct(approved, Action.SUSPEND, head)
    message = "Đề xuất đang tạm dừng thực hiện theo chỉ đạo của cơ quan"

    with pytest.raises(ValidationError, match=message):
        services.progress_record(proposal=approved, by=proposer, target=h.targets(approved)[0], status="done")
    assert any(message in note for note in h.notes(approved, proposer))
    assert "progress_record" not in h.offered(approved, proposer)
    assert message in h.panel_html(approved, head)

    direct(approved, Action.CONTINUE, head)
    assert "progress_record" in h.offered(approved, proposer)


def test_evidence_of_a_forbidden_type_is_refused_next_to_the_field(approved, head, proposer):
    h.start(approved, head, proposer)
    target = h.targets(approved)[0]
    response = as_(proposer).post(h.url("progress_record", approved.pk), {
        "progress-target": target.pk, "progress-status": "done",
        "progress-evidence": SimpleUploadedFile("ket-qua.pdf", EXE_BYTES),
    })
    assert response.status_code == 200
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_progress_on_a_target_of_another_proposal_is_refused(approved, head, proposer, calendar_2026):
    from tests.lifecycle import drive_to

    h.start(approved, head, proposer)
    other = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=head)
    h.start(other, head, proposer)
    with pytest.raises(ValidationError) as refused:
        services.progress_record(proposal=approved, by=proposer, target=h.targets(other)[0], status="done")
    assert "target" in refused.value.message_dict


def test_the_panel_shows_targets_with_their_latest_progress(approved, head, proposer):
    h.start(approved, head, proposer)
    target = h.targets(approved)[0]
    services.progress_record(proposal=approved, by=proposer, target=target, status="in_progress", note="Bước 1.")
    services.progress_record(proposal=approved, by=proposer, target=target, status="done", value="100 %", note="Bước cuối.")
    html = h.panel_html(approved, head)
    assert "Đã hoàn thành" in html and "100 %" in html and "Bước cuối." in html and "Bước 1." not in html


# --- Progress reports (IMP-4 [U]) ------------------------------------------------------------------------


def test_no_progress_report_is_due_by_default(approved, head, proposer):
    h.start(approved, head, proposer)
    assert not Step.objects.filter(kind="progress_report").exists()


def test_a_unit_that_sets_an_interval_gets_a_progress_report_due_and_reopened(calendar_2026, proposer, head, deputy,
                                                                           secretariat, time_machine):
    from tests.lifecycle import drive_to

    new_profile_version(progress_report_interval_days=30)
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    h.start(proposal, head, proposer)
    step = Step.objects.open().get(proposal=proposal, kind="progress_report")
    assert (step.due_on, step.person, step.unit) == (datetime.date(2026, 5, 28), proposer, proposal.unit)

    time_machine.move_to(h.NOW + datetime.timedelta(days=10), tick=False)
    services.progress_record(proposal=proposal, by=proposer, target=h.targets(proposal)[0], status="in_progress")

    assert Step.objects.open().get(proposal=proposal, kind="progress_report").due_on == datetime.date(2026, 6, 7)
    assert Step.objects.filter(proposal=proposal, kind="progress_report", closed_at__isnull=False).count() == 1
    h.complete(proposal, proposer)
    assert not Step.objects.open().filter(proposal=proposal, kind="progress_report").exists()
