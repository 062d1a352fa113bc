"""Attachments through the pages (spec README §6): stored privately, downloaded with their Vietnamese name,
refused next to the file field, removable only before submission and only by the proposer.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import urllib.parse

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services as approvals
from proposals import services
from proposals.models import Attachment
from tests.lifecycle import EXE_BYTES, PDF_BYTES, as_, draft_proposal, position_of, sha256
from tests.proposals.helpers import NOW, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_valid_pdf_is_stored_privately_and_downloaded_with_its_vietnamese_name(proposer, outsider, draft, document_store):
    client = as_(proposer)
    name = "Đề án cải cách thủ tục.pdf"
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    response = client.post(url("attachment_upload", draft.pk), {"file": upload, "description": "Đề án"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == PDF_BYTES
    assert attachment.file.name == f"attachments/{draft.pk}/{attachment.storage_token}"  # generated, not the user's name
    assert (attachment.original_name, attachment.content_type) == (name, "application/pdf")

    download = client.get(url("attachment_download", draft.pk, attachment.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f"attachment; filename=\"De-an-cai-cach-thu-tuc.pdf\"; filename*=UTF-8''{urllib.parse.quote(name)}"
    )
    assert sha256(b"".join(download.streaming_content)) == attachment.sha256 == sha256(PDF_BYTES)
    assert as_(outsider).get(url("attachment_download", draft.pk, attachment.pk)).status_code == 404


def test_exe_renamed_pdf_is_refused_next_to_the_file_field(proposer, draft, private_media):
    upload = SimpleUploadedFile("bao-cao.pdf", EXE_BYTES, content_type="application/pdf")
    response = as_(proposer).post(url("attachment_upload", draft.pk), {"file": upload})
    assert response.status_code == 200
    errors = response.context["upload_form"].errors["file"]
    assert any("Loại tệp không được chấp nhận" in error for error in errors)
    assert "Loại tệp không được chấp nhận" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_too_large_file_is_refused_next_to_the_file_field(proposer, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    upload = SimpleUploadedFile("Đề án.pdf", PDF_BYTES + b"0" * 100, content_type="application/pdf")
    response = as_(proposer).post(url("attachment_upload", draft.pk), {"file": upload})
    assert response.status_code == 200
    assert any("Tệp quá lớn" in error for error in response.context["upload_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_upload_by_someone_else_is_forbidden(proposer, deputy):
    proposal = services.proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "A"}, co_authors=[deputy])
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")
    assert as_(deputy).post(url("attachment_upload", proposal.pk), {"file": upload}).status_code == 403


def test_unsubmitted_file_can_be_removed(proposer, draft_with_file):
    proposal, attachment = draft_with_file
    response = as_(proposer).post(url("attachment_remove", proposal.pk, attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert as_(proposer).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 404


def test_the_edit_page_offers_to_remove_only_files_not_yet_submitted(proposer, head, submitted_with_file):
    proposal, submitted_file = submitted_with_file
    approvals.proposal_return(proposal=proposal, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    services.proposal_revise(proposal=proposal, by=proposer)
    upload = SimpleUploadedFile("Bổ sung.pdf", PDF_BYTES, content_type="application/pdf")
    new_file = services.attachment_add(proposal=proposal, by=proposer, uploaded_file=upload)

    response = as_(proposer).get(url("edit", proposal.pk))

    assert {a.pk: a.removable for a in response.context["attachments"]} == {submitted_file.pk: False, new_file.pk: True}
    body = response.content.decode()
    assert url("attachment_remove", proposal.pk, new_file.pk) in body
    assert url("attachment_remove", proposal.pk, submitted_file.pk) not in body


def test_submitted_file_stays(proposer, submitted_with_file):
    proposal, attachment = submitted_with_file
    response = as_(proposer).post(url("attachment_remove", proposal.pk, attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is None


def test_file_removal_by_a_unit_leader_is_forbidden(head, submitted_with_file):
    proposal, attachment = submitted_with_file
    assert as_(head).post(url("attachment_remove", proposal.pk, attachment.pk)).status_code == 403


def test_head_downloads_a_submitted_file_and_outsider_gets_404(head, outsider, submitted_with_file):
    proposal, attachment = submitted_with_file
    assert as_(head).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 200
    assert as_(outsider).get(url("attachment_download", proposal.pk, attachment.pk)).status_code == 404


def test_attachment_of_another_proposal_is_not_reachable_through_mine(proposer, draft_with_file):
    proposal, attachment = draft_with_file
    other = draft_proposal(proposer=proposer, title="Khác")
    assert as_(proposer).get(url("attachment_download", other.pk, attachment.pk)).status_code == 404
