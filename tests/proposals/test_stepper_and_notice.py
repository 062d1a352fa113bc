"""The lifecycle stepper above the proposal page (issue 12 §2) and, after a return or a rejection, the reasons at the
top of the page for the proposal's authors with the action to take (issue 12 §3)."""

import re

import pytest
from django.utils import timezone

from approvals.services import proposal_return
from core.models import AuditEvent
from proposals.diff import field_label
from proposals.stepper import STEPS, lifecycle_steps
from proposals.transitions import Status
from tests.lifecycle import INCOMPLETE, REASONS, as_, draft_proposal, drive_to, submitted_proposal
from tests.proposals.helpers import NOW, REVIEW_DUE, url

pytestmark = pytest.mark.frozen_at(NOW)
TODAY = NOW.strftime("%d/%m/%Y")


def page(person, proposal) -> str:
    response = as_(person).get(url("detail", proposal.pk))
    assert response.status_code == 200
    return response.content.decode()


def steps_of(html: str) -> list[str]:
    """Each step of the stepper as its text, with "current" marking the one with aria-current="step"."""
    stepper = html.split('class="stepper"')[1].split("</ol>")[0]
    items = re.findall(r'<li class="stepper-step is-(\w+)"( aria-current="step")?>(.*?)</li>', stepper, re.S)
    return [f"{state}{' current' if current else ''}: {' '.join(re.sub(r'<[^>]+>', ' ', text).split())}"
            for state, current, text in items]


def notice_of(html: str) -> str:
    marker = 'aria-labelledby="viec-can-lam-heading"'
    return html.split(marker)[1].split("</section>")[0] if marker in html else ""


def test_a_submitted_proposal_shows_registration_done_and_the_decision_due(proposer, leaders):
    proposal = submitted_proposal(proposer=proposer)

    steps = steps_of(page(proposer, proposal))

    assert len(steps) == len(STEPS)
    assert steps[0].startswith("done:") and TODAY in steps[0]
    assert steps[1].startswith("current current:") and f"hạn {REVIEW_DUE:%d/%m/%Y}" in steps[1]
    assert "bước hiện tại" in steps[1] and "Trong hạn" in steps[1]
    assert all(step.startswith("upcoming:") and "chưa đến" in step for step in steps[2:])


def test_a_draft_is_at_its_first_step(proposer, leaders):
    steps = steps_of(page(proposer, draft_proposal(proposer=proposer)))

    assert steps[0].startswith("current current:") and steps[1].startswith("upcoming:")


@pytest.mark.parametrize(("status", "said"), [
    (Status.RETURNED, "Đã trả lại để bổ sung, làm rõ"),
    (Status.REJECTED, "Không chấp thuận"),
    (Status.REFERRED, "Vượt thẩm quyền, đã báo cáo cấp có thẩm quyền"),
])
def test_a_proposal_halted_at_the_decision_says_so_on_that_step(proposer, head, deputy, deputy2, status, said):
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)

    steps = steps_of(page(head, proposal))

    assert steps[1].startswith("halted current:") and said in steps[1] and "đang dừng lại" in steps[1]
    assert "Quyết định cho triển khai" in steps[1]


def test_an_approved_proposal_has_its_decision_dated_and_implementation_current(proposer, head, deputy, deputy2):
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)

    steps = steps_of(page(proposer, proposal))

    assert steps[1].startswith("done:") and TODAY in steps[1]
    assert steps[2].startswith("current current:")


def timeline_of(*reached: str) -> list[dict]:
    now = timezone.now()
    return [{"event": AuditEvent(action="x", to_state=status, occurred_at=now)} for status in reached]


@pytest.mark.parametrize(("status", "states"), [
    (Status.STOPPED, ["done", "done", "done", "current", "upcoming", "upcoming"]),
    (Status.SUSPENDED, ["done", "done", "halted", "upcoming", "upcoming", "upcoming"]),
    (Status.EVALUATED, ["done", "done", "done", "done", "done", "current"]),
    (Status.CLOSED, ["done"] * 6),
])
def test_every_status_after_the_decision_is_at_its_step(proposer, leaders, status, states):
    proposal = submitted_proposal(proposer=proposer)
    proposal.status, proposal.next_due = status, None

    steps = lifecycle_steps(proposal=proposal, timeline=timeline_of("stopped") if status == Status.STOPPED else [])

    assert [step.state for step in steps] == states
    assert (steps[2].note == "Đã dừng thực hiện") is (status == Status.STOPPED)


def test_a_return_shows_its_reasons_and_the_way_to_resubmit_at_the_top_for_the_proposer(proposer, head, deputy, deputy2):
    proposal = drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)
    html = page(proposer, proposal)

    notice = notice_of(html)

    assert "Việc cần làm" in notice and "Văn bản trả lại để bổ sung, làm rõ" in notice and REASONS in notice
    assert all(f"<li>{field_label(name)}</li>" in notice for name in INCOMPLETE)
    assert f'action="{url("revise", proposal.pk)}"' in notice and "Chỉnh sửa để nộp lại" in notice
    # Above the plan, and the button is not offered twice.
    assert html.index("viec-can-lam-heading") < html.index("ke-hoach-heading")
    assert html.count(f'action="{url("revise", proposal.pk)}"') == 1


def test_a_rejection_shows_its_reasons_and_what_the_spec_allows(proposer, head, deputy, deputy2):
    proposal = drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)

    notice = notice_of(page(proposer, proposal))

    assert "Văn bản trả lời không chấp thuận" in notice and REASONS in notice
    assert "nộp lại thành phiên bản mới" in notice and "Chỉnh sửa để nộp lại" in notice


def test_a_co_author_reads_the_reasons_without_the_proposer_s_button(proposer, head, deputy, deputy2, deputy3):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy3])
    proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)

    notice = notice_of(page(deputy3, proposal))

    assert REASONS in notice and "Chỉnh sửa để nộp lại" not in notice and proposer.get_full_name() in notice


def test_the_deciding_unit_sees_no_author_task_box(proposer, head, deputy, deputy2):
    proposal = drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)

    assert not notice_of(page(head, proposal))


def test_a_proposal_in_review_has_no_author_task_box(proposer, leaders):
    assert not notice_of(page(proposer, submitted_proposal(proposer=proposer)))
