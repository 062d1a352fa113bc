"""Plain helpers of the dossier's tests: its URL, a proposal with many documents, the PDF read back.

The clock starts on Tuesday 10/03/2026 09:00 in Hà Nội and runs (`clock` fixture, tests/dossier/conftest.py):
the entries of the dossier are put in the order they happened, which needs distinct moments.
"""

import datetime
import io

from django.urls import reverse
from pypdf import PdfReader

from approvals.models import Decision, Meeting, Vote
from approvals.services import decision_approve, meeting_close, proposal_return
from proposals.services import proposal_revise, proposal_submit
from tests.lifecycle import APPROVAL_TEXT, HANOI, INCOMPLETE, REASONS, fresh, meeting_with_votes, submitted_proposal

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)


def dossier_url(proposal) -> str:
    return reverse("dossier:pdf", args=[proposal.pk])


def pages(content: bytes) -> list[str]:
    """The text of each page, spaces folded."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def compact(text: str) -> str:
    """Without any space: a SHA-256 wrapped over two lines of a cell reads as one word again."""
    return "".join(text.split())


def busy_proposal(*, proposer, head, deputy, returns: int) -> tuple:
    """A proposal returned `returns` times before review (a letter each), then failed by the collective and
    returned once more, then passed and approved: `returns` + 4 stored documents, `returns` + 2 versions."""
    proposal = submitted_proposal(proposer=proposer)
    for _ in range(returns):
        proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
        proposal_revise(proposal=proposal, by=proposer)
        proposal_submit(proposal=fresh(proposal), by=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.AGAINST, deputy: Vote.Choice.AGAINST}, close=True)
    proposal_return(proposal=proposal, by=head, reasons=REASONS)
    proposal_revise(proposal=proposal, by=proposer)
    proposal_submit(proposal=fresh(proposal), by=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR})
    meeting_close(meeting=meeting, by=head)
    decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    proposal = fresh(proposal)
    documents = Decision.objects.filter(proposal=proposal).count() + Meeting.objects.filter(
        proposal=proposal, state=Meeting.State.CLOSED).count()
    return proposal, documents
