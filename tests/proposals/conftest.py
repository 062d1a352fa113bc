"""Fixtures of the proposer's page tests (plain helpers: tests/proposals/helpers.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals import services
from tests.lifecycle import PDF_BYTES, draft_proposal


@pytest.fixture
def draft(proposer):
    """The proposer's complete plan (tests.lifecycle.complete_plan), not submitted yet."""
    return draft_proposal(proposer=proposer)


@pytest.fixture
def draft_with_file(proposer, draft):
    upload = SimpleUploadedFile("Đề án chi tiết.pdf", PDF_BYTES, content_type="application/pdf")
    return draft, services.attachment_add(proposal=draft, by=proposer, uploaded_file=upload)


@pytest.fixture
def submitted_with_file(draft_with_file, proposer, head):
    proposal, attachment = draft_with_file
    services.proposal_submit(proposal=proposal, by=proposer)
    attachment.refresh_from_db()
    return proposal, attachment
