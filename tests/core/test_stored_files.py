"""`manage.py verify_documents` (core/stored_files.py): every stored document read back through the store and
compared with the SHA-256 recorded on its row; a missing or changed file fails it, naming the row."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.stored_files import file_fields
from proposals.models import Attachment, PlanDocument
from proposals.services import attachment_add, proposal_submit
from tests.lifecycle import PDF_BYTES, draft_proposal, plans_issued, uploaded_file


@pytest.fixture
def stored(proposer, leaders):
    """A submitted proposal: its plan PDF and an attachment with a Vietnamese name, stored by the services."""
    proposal = draft_proposal(proposer=proposer)
    attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("Biên bản họp.pdf", PDF_BYTES))
    proposal_submit(proposal=proposal, by=proposer)
    plans_issued()
    return PlanDocument.objects.get(), Attachment.objects.get()


def _verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_documents", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_file_field_has_a_sha256_beside_it():
    hashed, unhashed = file_fields()
    assert unhashed == []
    assert {str(field) for field in hashed} >= {"proposals.PlanDocument.pdf", "proposals.Attachment.file",
                                                "approvals.Decision.pdf", "approvals.Meeting.minutes_pdf"}


def test_intact_documents_pass(stored):
    out, err = _verify()
    assert "Documents intact: 2 stored documents read" in out
    assert err == ""


def test_a_changed_document_fails_naming_its_row(stored, private_media):
    plan, _attachment = stored
    (private_media / plan.pdf.name).write_bytes(b"%PDF-1.4 forged")
    with pytest.raises(CommandError, match="1 stored document"):
        _verify()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_documents", stdout=io.StringIO(), stderr=err)
    assert f"MISMATCH proposals.PlanDocument.pdf #{plan.pk}: {plan.pdf.name}" in err.getvalue()


def test_a_missing_document_fails(stored, private_media):
    _plan, attachment = stored
    (private_media / attachment.file.name).unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 stored document"):
        call_command("verify_documents", stdout=io.StringIO(), stderr=err)
    assert f"MISSING proposals.Attachment.file #{attachment.pk}" in err.getvalue()
