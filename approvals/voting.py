"""The result of a collective vote, computed, never typed (spec README §3; decree73.md §3.2 T4).

Art. 8(1) [C]: the plan passes with more than 50 % ("trên 50%") in favour; when the votes are equal
("biểu quyết ngang nhau") the side the head voted on prevails. Equal means as many votes for as against, at least
one of each, whatever the denominator and whoever abstained (review D-1; the Government Working Regulation,
Decree 138/2016/NĐ-CP Art. 3(3), reads a tie the same way). The denominator, the quorum and the tie rule are
legal-profile settings ([I]/[U]); the tie rule's default follows the text (HEAD_SIDE), FAIL is a deviation.
A present member who cast no vote counts as "không biểu quyết" (abstain).
"""

from dataclasses import dataclass

from proposals.models import LegalProfile


@dataclass(frozen=True)
class Tally:
    votes_for: int
    votes_against: int
    votes_abstain: int
    eligible: int
    present: int
    denominator: int
    quorum_met: bool
    tie_break_applied: bool
    passed: bool


def tally(*, choices: dict[int, str], eligible: set[int], present: set[int], head_id: int | None, profile: LegalProfile) -> Tally:
    """`choices` maps voter id → "for" / "against" / "abstain" for the eligible voters present."""
    voting = present & eligible
    counted = {voter: choices.get(voter, "abstain") for voter in voting}
    votes_for = sum(1 for c in counted.values() if c == "for")
    votes_against = sum(1 for c in counted.values() if c == "against")
    votes_abstain = len(counted) - votes_for - votes_against
    denominator = {
        LegalProfile.Denominator.ELIGIBLE: len(eligible),
        LegalProfile.Denominator.PRESENT: len(voting),
        LegalProfile.Denominator.CAST: votes_for + votes_against,
    }[profile.denominator]
    quorum_met = len(voting) * 100 >= profile.quorum_percent * len(eligible) and len(voting) > 0
    threshold = profile.approval_threshold_percent
    # "More than X %": strictly greater, in integers to avoid rounding.
    passed = denominator > 0 and votes_for * 100 > threshold * denominator
    # D-1, Art. 8(1) [C]: a tie is equal sides, not a share equal to the threshold.
    tie = votes_for == votes_against > 0
    tie_break_applied = False
    if tie and profile.tie_rule == LegalProfile.TieRule.FAIL:
        passed = False  # also under a threshold below 50 % (a deviation), where equal sides could reach it
    elif tie and profile.tie_rule == LegalProfile.TieRule.HEAD_SIDE and head_id in counted:
        head_choice = counted[head_id]
        if head_choice in ("for", "against"):
            passed = head_choice == "for"
            tie_break_applied = True
    return Tally(
        votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, eligible=len(eligible),
        present=len(voting), denominator=denominator, quorum_met=quorum_met,
        tie_break_applied=tie_break_applied, passed=passed and quorum_met,
    )
