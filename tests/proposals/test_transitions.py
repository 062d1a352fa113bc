"""The transition table (proposals.transitions) decides what each status allows, and the inbox names that step.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import pytest
from django.db.models import Model
from django.utils import translation

from proposals.inbox import inbox_for
from proposals.models import Proposal
from proposals.transitions import (
    AWAITING_DECISION,
    AWAITING_PROPOSER,
    EDITABLE_STATUSES,
    REVIEW_DEADLINE_RUNNING,
    Action,
    allowed_actions,
    can,
)
from tests.lifecycle import drive_to, new_profile_version


def test_the_table_answers_which_actions_a_status_allows():
    S, A = Proposal.Status, Action
    assert allowed_actions(S.DRAFT) == {A.SUBMIT}
    # Art. 4(2) (D-5): before deciding, a proposal beyond the unit's authority is reported to the competent body.
    assert allowed_actions(S.SUBMITTED) == {A.RETURN, A.OPEN_MEETING, A.REFER}
    assert allowed_actions(S.COLLECTIVE_PASSED) == {A.APPROVE, A.REFER}
    assert allowed_actions(S.COLLECTIVE_FAILED) == {A.RETURN, A.OVERRIDE, A.REJECT, A.REFER}
    assert allowed_actions(S.REFERRED) == set()
    assert allowed_actions(S.APPROVED) == {A.START}
    assert allowed_actions(S.IN_IMPLEMENTATION) == {A.SUSPEND, A.STOP, A.ADJUST, A.COMPLETE}
    assert allowed_actions(S.SUSPENDED) == {A.CONTINUE, A.STOP}
    assert allowed_actions(S.STOPPED) == allowed_actions(S.COMPLETED) == {A.REPORT}  # CMP-4: a stop reports too
    assert allowed_actions(S.REPORTED) == {A.OPEN_EVALUATION, A.CONCLUDE}
    assert allowed_actions(S.CLOSED) == set()
    assert can(S.RETURNED, A.REVISE) and can(S.REJECTED, A.REVISE) and not can(S.SUBMITTED, A.REVISE)
    assert EDITABLE_STATUSES == {S.DRAFT}
    assert AWAITING_PROPOSER == {S.DRAFT, S.RETURNED, S.REJECTED}
    assert AWAITING_DECISION == {S.SUBMITTED, S.IN_REVIEW, S.COLLECTIVE_PASSED, S.COLLECTIVE_FAILED}
    assert REVIEW_DEADLINE_RUNNING == {S.SUBMITTED}


@pytest.mark.parametrize(
    ("status", "override_allowed", "expected"),
    [
        (Proposal.Status.IN_REVIEW, True, "Kết thúc biểu quyết tại cuộc họp"),
        (Proposal.Status.COLLECTIVE_PASSED, True, "Ban hành quyết định cho triển khai thực hiện"),
        (Proposal.Status.COLLECTIVE_FAILED, True,
         "Người đứng đầu quyết định cho triển khai hoặc không chấp thuận (nêu rõ lý do)"),
        (Proposal.Status.COLLECTIVE_FAILED, False, "Không chấp thuận (nêu rõ lý do) hoặc trả lại để bổ sung, làm rõ"),
    ],
)
def test_the_inbox_names_the_next_step_the_table_allows(friday, proposer, head, deputy, status, override_allowed, expected):
    if not override_allowed:
        new_profile_version(override_allowed=False)
    drive_to(status, proposer=proposer, head=head, deputy=deputy)

    [item] = inbox_for(user=head, today=friday)["to_decide"]

    assert str(item.expected) == expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_status_reads_as_django_would_name_it_in_every_language(language):
    """Proposal.get_status_display reads the enum's label (cheaper than Django's lookup): the same words."""
    field = Proposal._meta.get_field("status")
    with translation.override(language):
        for status in Proposal.Status:
            proposal = Proposal(status=status)
            assert proposal.get_status_display() == Model._get_FIELD_display(proposal, field)
