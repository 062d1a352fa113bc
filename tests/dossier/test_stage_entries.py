"""The deciding unit's records in the dossier (approvals.dossier, registered on the approvals stage): the party
committee's opinions as records, each closed meeting's minutes with the votes, each decision or letter, both as
stored with the SHA-256 recorded at issue; an adjourned meeting says why; an open vote shows nothing (its ballots
are secret until it closes, approvals.admin).
"""

import pytest
from django.urls import reverse

from approvals.dossier import dossier_entries
from approvals.models import Vote
from approvals.services import meeting_adjourn
from core.documents import StoredDocumentMismatch
from core.stages import stages
from proposals.models import Proposal
from tests.dossier.helpers import busy_proposal
from tests.lifecycle import REASONS, as_, meeting_with_votes, sha256, submitted_proposal


def test_the_approvals_stage_contributes_its_entries_to_the_dossier(approved):
    assert stages.get("approvals").dossier is dossier_entries
    titles = [str(entry.title) for entry in stages.dossier(approved)]
    assert titles == [
        "Ý kiến của cấp ủy trước khi xem xét, quyết định (Điều 4 khoản 3)",
        "Biên bản họp tập thể lãnh đạo xem xét đề xuất",
        "Quyết định cho triển khai thực hiện",
    ]


def test_minutes_and_decision_entries_carry_number_hash_and_the_stored_bytes(approved, decision, minutes, head, deputy):
    consultation, meeting, issued = dossier_entries(approved)

    assert consultation.pdf is None and consultation.number == ""
    assert "Cấp ủy, tổ chức đảng: Đảng ủy Sở Nội vụ" in consultation.lines
    assert (meeting.number, meeting.sha256, meeting.at) == (minutes.minutes_number, minutes.minutes_sha256, minutes.closed_at)
    assert sha256(meeting.pdf()) == minutes.minutes_sha256
    assert f"{head.get_full_name()}: Tán thành" in meeting.lines and f"{deputy.get_full_name()}: Tán thành" in meeting.lines
    assert any(line.startswith("Kết quả: tán thành 2, không tán thành 0") for line in meeting.lines)
    assert (issued.number, issued.sha256, issued.at) == (decision.number, decision.pdf_sha256, decision.created_at)
    assert sha256(issued.pdf()) == decision.pdf_sha256
    assert f"Người ký: {head.get_full_name()}, Giám đốc" in issued.lines


def test_a_changed_stored_file_is_refused_by_the_entry_itself(approved, decision):
    with decision.pdf.open("wb") as handle:
        handle.write(b"%PDF-1.4 changed")
    issued = dossier_entries(approved)[-1]
    with pytest.raises(StoredDocumentMismatch):
        issued.pdf()


def test_a_missing_stored_file_is_missing_not_a_regenerated_copy(approved, decision):
    decision.pdf.storage.delete(decision.pdf.name)
    issued = dossier_entries(approved)[-1]
    with pytest.raises(FileNotFoundError):
        issued.pdf()


def test_an_adjourned_meeting_says_why_and_an_open_vote_shows_nothing(clock, proposer, head, deputy):
    proposal = submitted_proposal(proposer=proposer)
    adjourned = meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR})
    meeting_adjourn(meeting=adjourned, by=head, reason="Vắng người đứng đầu.")
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.AGAINST})  # still open

    entries = dossier_entries(proposal)

    assert [str(e.title) for e in entries] == [
        "Ý kiến của cấp ủy trước khi xem xét, quyết định (Điều 4 khoản 3)", "Cuộc họp tập thể lãnh đạo bị hoãn"]
    assert "Lý do hoãn: Vắng người đứng đầu." in entries[1].lines and entries[1].pdf is None
    assert not any("Không tán thành" in line for entry in entries for line in entry.lines)
    assert REASONS not in " ".join(line for entry in entries for line in entry.lines)


@pytest.mark.parametrize("returns", [0, 3])
def test_the_entries_cost_a_fixed_number_of_queries_however_many_records(clock, proposer, head, deputy, returns,
                                                                         django_assert_num_queries):
    proposal, _documents = busy_proposal(proposer=proposer, head=head, deputy=deputy, returns=returns)
    proposal = Proposal.objects.select_related("profile").get(pk=proposal.pk)  # as proposal_for_user loads it
    # consultations (1); meetings (1) with their votes, eligible voters and attendees (3); decisions (1)
    with django_assert_num_queries(6):
        entries = dossier_entries(proposal)
    assert len(entries) == 2 + 2 + (returns + 1) + 1  # opinions, minutes, letters returning the plan, the decision


def test_the_proposal_page_offers_the_download_to_whoever_sees_it(approved, proposer, inspector):
    for person in (proposer, inspector):
        page = as_(person).get(reverse("proposals:detail", args=[approved.pk])).content.decode()
        section = page.split('id="ho-so"')[1]
        assert "Hồ sơ minh chứng" in section
        assert f'href="{reverse("dossier:pdf", args=[approved.pk])}"' in section
