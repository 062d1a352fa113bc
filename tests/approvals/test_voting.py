"""`approvals.voting.tally` on its own, no database: the Art. 8(1) rule and the profile settings around it
(decree73.md §3.2 T4, §8: threshold strictly above 50 %, denominator, quorum, tie → the head's side; review D-1:
a tie is as many votes for as against, whoever abstained).
"""

import pytest

from approvals.voting import tally
from proposals.models import LegalProfile

HEAD, D1, D2, D3, D4, D5 = range(1, 7)
LEADERS = {HEAD, D1, D2, D3}
F, A, X = "for", "against", "abstain"
PRESENT, ELIGIBLE, CAST = LegalProfile.Denominator.PRESENT, LegalProfile.Denominator.ELIGIBLE, LegalProfile.Denominator.CAST


def count(choices: dict[int, str], *, present=None, eligible=LEADERS, head=HEAD, **rules):
    """Tally `choices`; everyone who voted is present unless `present` says otherwise."""
    return tally(
        choices=choices, eligible=set(eligible), present=set(choices) if present is None else set(present),
        head_id=head, profile=LegalProfile(**rules),
    )


@pytest.mark.parametrize(
    ("choices", "present", "rules", "passed", "denominator"),
    [
        # A clear majority passes under every denominator.
        ({HEAD: F, D1: F, D2: A}, None, {"denominator": PRESENT}, True, 3),
        ({HEAD: F, D1: F, D2: A}, None, {"denominator": CAST}, True, 3),
        ({HEAD: F, D1: F, D2: F, D3: A}, None, {"denominator": ELIGIBLE}, True, 4),
        # Abstentions: 2 for, 1 against, 1 abstain of 4 present.
        ({HEAD: F, D1: F, D2: A, D3: X}, None, {"denominator": PRESENT}, False, 4),  # 2/4 is not > 50 %
        ({HEAD: F, D1: F, D2: A, D3: X}, None, {"denominator": CAST}, True, 3),  # 2/3 is
        # An absent member counts only under "eligible".
        ({HEAD: F, D1: F, D2: A}, None, {"denominator": ELIGIBLE}, False, 4),
        ({HEAD: F, D1: F, D2: A}, None, {"denominator": PRESENT}, True, 3),
        # A present member who cast nothing is an abstention, not absent.
        ({HEAD: F, D1: F}, {HEAD, D1, D2, D3}, {"denominator": PRESENT}, False, 4),
        ({HEAD: F, D1: F}, {HEAD, D1, D2, D3}, {"denominator": CAST}, True, 2),
        # Everyone abstains: nothing to count, nothing passes.
        ({HEAD: X, D1: X}, None, {"denominator": CAST}, False, 0),
    ],
)
def test_the_result_under_each_denominator(choices, present, rules, passed, denominator):
    result = count(choices, present=present, **rules)
    assert (result.passed, result.denominator) == (passed, denominator)
    assert not result.tie_break_applied


def test_the_counts_are_of_eligible_members_present_only():
    # D4 is not eligible (the proposer, say) and D3 is absent: their "votes" do not exist.
    result = count({HEAD: F, D1: A, D3: F, D4: F}, present={HEAD, D1, D4}, eligible=LEADERS)
    assert (result.votes_for, result.votes_against, result.votes_abstain, result.present, result.eligible) == (1, 1, 0, 2, 4)


@pytest.mark.parametrize(
    ("votes_for", "present", "threshold", "passed"),
    [
        (3, 6, 50, False),  # exactly 50 % is not "more than 50 %"
        (4, 7, 50, True),  # 57 %
        (4, 8, 50, False),  # 50 % again, larger meeting
        (5, 9, 50, True),  # 55.6 %
        (3, 5, 60, False),  # a stricter profile: exactly 60 % is not more than 60 %
        (4, 6, 60, True),  # 66.7 %
        (2, 3, 66, True),  # 66.67 % > 66 % — no rounding down to 66
        (2, 3, 67, False),
    ],
)
def test_the_threshold_is_strictly_greater(votes_for, present, threshold, passed):
    voters = list(range(1, present + 1))
    # Everyone else abstains so that no tie can arise and only the threshold decides.
    choices = {voter: (F if i < votes_for else X) for i, voter in enumerate(voters)}
    result = count(choices, eligible=voters, approval_threshold_percent=threshold)
    assert result.passed is passed
    assert not result.tie_break_applied


@pytest.mark.parametrize(
    ("choices", "denominator", "passed"),
    [
        ({HEAD: F, D1: A}, PRESENT, True),
        ({HEAD: A, D1: F}, PRESENT, False),
        ({HEAD: F, D1: F, D2: A, D3: A}, ELIGIBLE, True),
        ({HEAD: A, D1: F, D2: F, D3: A}, ELIGIBLE, False),
        # D-1: abstentions do not make equal sides unequal, whatever the denominator.
        ({HEAD: F, D1: A, D2: X}, CAST, True),
        ({HEAD: A, D1: F, D2: X}, CAST, False),
        ({HEAD: F, D1: A, D2: X}, PRESENT, True),
        ({HEAD: A, D1: F, D2: X}, PRESENT, False),
        ({HEAD: F, D1: A}, ELIGIBLE, True),  # two absent members change nothing either
    ],
)
def test_a_tie_goes_to_the_side_the_head_voted_on(choices, denominator, passed):
    result = count(choices, denominator=denominator)
    assert (result.passed, result.tie_break_applied) == (passed, True)


@pytest.mark.parametrize(
    ("choices", "present"),
    [
        ({HEAD: X, D1: F, D2: A}, None),  # under "cast" the sides are 1–1, but the head took neither
        ({D1: F, D2: A}, None),  # the head is absent
    ],
)
def test_a_tie_without_a_head_side_fails(choices, present):
    result = count(choices, present=present, denominator=CAST)
    assert (result.passed, result.tie_break_applied) == (False, False)


def test_with_the_fail_tie_rule_a_tie_fails_whatever_the_head_voted():
    result = count({HEAD: F, D1: A}, tie_rule=LegalProfile.TieRule.FAIL)
    assert (result.passed, result.tie_break_applied) == (False, False)


@pytest.mark.parametrize("denominator", [PRESENT, ELIGIBLE, CAST])
@pytest.mark.parametrize(("head_vote", "passed"), [(F, True), (A, False)])
def test_equal_sides_with_an_abstention_are_a_tie_under_every_denominator(denominator, head_vote, passed):
    """Art. 8(1) [C] "biểu quyết ngang nhau" (review D-1): 2–2 with one abstention is a tie, not a 2/5 minority.

    The old rule (a tie only when the share equalled the threshold) made this fail under "present"."""
    other = A if head_vote == F else F
    choices = {HEAD: head_vote, D1: head_vote, D2: other, D3: other, D4: X}
    result = count(choices, eligible={HEAD, D1, D2, D3, D4}, denominator=denominator)
    assert (result.votes_for, result.votes_against, result.votes_abstain) == (2, 2, 1)
    assert (result.passed, result.tie_break_applied) == (passed, True)


def test_no_votes_on_either_side_is_no_tie():
    # 0–0 (everyone abstained) is not "equal votes": there is no side for the head to have taken.
    result = count({HEAD: X, D1: X})
    assert (result.passed, result.tie_break_applied) == (False, False)


def test_the_fail_tie_rule_fails_a_tie_even_under_a_threshold_below_half():
    # A deviation (threshold 40 %) would let 2 of 4 pass on its share; the FAIL tie rule still says no.
    result = count({HEAD: F, D1: F, D2: A, D3: A}, approval_threshold_percent=40, tie_rule=LegalProfile.TieRule.FAIL)
    assert (result.passed, result.tie_break_applied) == (False, False)


@pytest.mark.parametrize(
    ("present", "quorum", "met"),
    [
        ({HEAD, D1}, 50, True),  # 2 of 4 is 50 %
        ({HEAD}, 50, False),
        ({HEAD, D1, D2}, 75, True),
        ({HEAD, D1}, 75, False),
        ({HEAD}, 0, True),  # no quorum: the chair alone may decide
        (set(), 0, False),  # but nobody at all is no meeting
    ],
)
def test_quorum(present, quorum, met):
    result = count(dict.fromkeys(present, F), present=present, quorum_percent=quorum)
    assert result.quorum_met is met
    # Below quorum nothing passes, however unanimous.
    assert result.passed is met
