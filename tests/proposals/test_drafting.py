"""Drafting a plan and the submission checklist (spec README §3; decree73.md §1.6 Art. 5(1), §4.1 Art. 7(2)):
who may draft in which position, what a plan must contain to be submitted, who edits it.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Position
from proposals.models import PlanContent, PlanVersion, Proposal
from proposals.selectors import current_profile, positions_eligible_to_propose
from proposals.services import (
    missing_parts,
    proposal_create_draft,
    proposal_submit,
    proposal_update_draft,
    required_for_submission,
)
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import complete_plan, draft_proposal, fresh, new_profile_version, position_of, submitted_proposal

D = datetime.date
# Art. 7(2) contents (decree73.md §4.1), the Art. 5(1) checklist (§1.6), the Art. 1 question and the Art. 4(2)
# declaration (review D-2, D-5); "impact" is "if any"; a field of work, milestones and indicators only where the
# profile asks for them (D-11, tests/proposals/test_review_fidelity.py).
DECLARATIONS = {"pilot_legal_document", "competence_declared"}
REQUIRED_PARTS = {
    "title", "necessity", "bottleneck", "content_solutions", "scope",
    "implementers_targets", "start_date", "end_date", "resources", "feasibility",
    "expected_results",
    "cond_a_bottleneck", "cond_b_common_good", "cond_c_urgent_no_harm", "cond_d_reform",
    *DECLARATIONS,
}


# --- Drafting -----------------------------------------------------------------------------------------


def test_a_draft_needs_only_a_title(friday, proposer):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Ý tưởng ban đầu"})

    proposal = fresh(proposal)
    assert (proposal.status, proposal.current_version, proposal.title) == (Proposal.Status.DRAFT, 0, "Ý tưởng ban đầu")
    assert (proposal.unit, proposal.proposer_position) == (position_of(proposer).unit, position_of(proposer))
    assert not proposal.versions.exists()


def test_a_draft_without_a_title_is_refused(friday, proposer):
    with pytest.raises(ValidationError) as error:
        proposal_create_draft(by=proposer, position=position_of(proposer), data={"necessity": "Chưa đặt tên"})
    assert "title" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_a_cadre_drafts_only_in_a_position_they_hold_today(friday, proposer, head):
    with pytest.raises(PermissionDenied):
        proposal_create_draft(by=proposer, position=position_of(head), data={"title": "Mượn chức vụ"})
    ended = PositionFactory(person=proposer, unit=position_of(proposer).unit, start_date=D(2020, 1, 1), end_date=D(2023, 12, 31))
    with pytest.raises(PermissionDenied):
        proposal_create_draft(by=proposer, position=ended, data={"title": "Chức vụ cũ"})


# --- The submission checklist (Art. 7(2), Art. 5(1)) --------------------------------------------------


def test_submit_refuses_a_title_only_plan_naming_every_missing_part(friday, proposer, head):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chỉ có tên"})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == REQUIRED_PARTS - {"title"}
    assert "impact" not in error.value.message_dict
    proposal = fresh(proposal)
    assert (proposal.status, proposal.current_version) == (Proposal.Status.DRAFT, 0)
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    "part", sorted(REQUIRED_PARTS - {"title", "start_date", "end_date"} - set(PlanContent.ART5_FIELDS) - DECLARATIONS)
)
def test_submit_names_each_missing_text_part(friday, proposer, head, part):
    # A blank answer (spaces only) is as missing as no answer.
    proposal = draft_proposal(proposer=proposer, **{part: "   "})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == {part}


@pytest.mark.parametrize("part", ["start_date", "end_date", *PlanContent.ART5_FIELDS])
def test_submit_names_a_missing_period_or_an_undeclared_art5_condition(friday, proposer, head, part):
    empty = None if part.endswith("_date") else False
    proposal = draft_proposal(proposer=proposer, **{part: empty})

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert set(error.value.message_dict) == {part}


def test_the_impact_assessment_is_optional(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer, impact="")
    assert proposal.status == Proposal.Status.SUBMITTED


def test_when_the_profile_asks_for_any_art5_condition_one_is_enough_and_none_names_all_four(friday, proposer, head):
    new_profile_version(art5_all_required=False)
    only_d = dict.fromkeys(PlanContent.ART5_FIELDS, False) | {"cond_d_reform": True}
    assert submitted_proposal(proposer=proposer, **only_d).status == Proposal.Status.SUBMITTED

    none = draft_proposal(proposer=proposer, **dict.fromkeys(PlanContent.ART5_FIELDS, False))
    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=none, by=proposer)
    assert set(error.value.message_dict) == set(PlanContent.ART5_FIELDS)


def test_an_end_date_before_the_start_date_is_refused_on_the_end_date(friday, proposer):
    # Named on the field (Proposal.clean), not the generic message of the `proposal_plan_dates` constraint.
    end_before_start = {"end_date": ["Thời gian kết thúc phải sau thời gian bắt đầu."]}
    with pytest.raises(ValidationError) as error:
        draft_proposal(proposer=proposer, start_date=D(2026, 6, 1), end_date=D(2026, 5, 31))
    assert error.value.message_dict == end_before_start

    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        proposal_update_draft(proposal=proposal, by=proposer, data={"end_date": D(2026, 3, 31)})
    assert error.value.message_dict == end_before_start
    assert fresh(proposal).end_date == D(2026, 12, 31)


def test_a_plan_may_end_on_the_day_it_starts(friday, proposer):
    proposal = draft_proposal(proposer=proposer, start_date=D(2026, 6, 1), end_date=D(2026, 6, 1))
    assert fresh(proposal).end_date == D(2026, 6, 1)


def test_the_parts_required_for_submission_are_what_an_empty_plan_lacks(friday):
    profile = current_profile()
    assert required_for_submission(profile) == set(missing_parts(Proposal(), profile)) == REQUIRED_PARTS


def test_when_any_art5_condition_is_enough_none_is_required_on_its_own(friday):
    profile = new_profile_version(art5_all_required=False)
    assert required_for_submission(profile) == REQUIRED_PARTS - set(PlanContent.ART5_FIELDS)


def test_a_position_outside_the_art2_categories_cannot_start_a_draft(friday, department):
    clerk = UserFactory(username="vanthu")
    position = PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")

    with pytest.raises(ValidationError) as error:
        proposal_create_draft(by=clerk, position=position, data={"title": "Không thuộc Điều 2"})

    assert error.value.code == "not_eligible"
    assert error.value.messages == [
        "Chức vụ “Văn thư” không thuộc đối tượng được quyền đề xuất theo Điều 2 Nghị định 73/2023/NĐ-CP."
    ]
    assert not Proposal.objects.exists()


def test_a_draft_cannot_be_submitted_once_the_rules_no_longer_admit_its_category(friday, proposer, head):
    proposal = draft_proposal(proposer=proposer)  # a state leader (the persona's category)
    new_profile_version(eligible_categories=[Position.Category.PUBLIC_SERVICE_MANAGER])

    with pytest.raises(ValidationError) as error:
        proposal_submit(proposal=proposal, by=proposer)

    assert error.value.code == "not_eligible"
    assert fresh(proposal).status == Proposal.Status.DRAFT


def test_the_positions_eligible_to_propose_are_those_of_the_profile_categories(friday, department, proposer):
    PositionFactory(person=proposer, unit=department, category=Position.Category.OTHER, title="Thư ký hội đồng")
    profile = current_profile()

    eligible = positions_eligible_to_propose(user=proposer, profile=profile, on_date=friday)

    assert list(eligible) == [Position.objects.get(person=proposer, category=Position.Category.STATE_LEADER)]
    narrower = new_profile_version(eligible_categories=[Position.Category.ENTERPRISE])
    assert list(positions_eligible_to_propose(user=proposer, profile=narrower, on_date=friday)) == []


def test_only_the_proposer_edits_and_submits(friday, proposer, deputy, head):
    proposal = draft_proposal(proposer=proposer, co_authors=[deputy])
    assert list(proposal.co_authors.all()) == [deputy]

    for someone in (deputy, head):  # a co-author, the head
        with pytest.raises(PermissionDenied):
            proposal_update_draft(proposal=proposal, by=someone, data={"title": "Sửa hộ"})
        with pytest.raises(PermissionDenied):
            proposal_submit(proposal=proposal, by=someone)

    proposal = fresh(proposal)
    assert (proposal.status, proposal.title) == (Proposal.Status.DRAFT, complete_plan()["title"])
