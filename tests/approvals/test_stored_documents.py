"""What the deciding unit keeps as evidence (spec README §6): the party committee's scan with its hash and type,
the minutes and decisions stored once as issued and served as stored, a marked copy when the file is
missing, nothing written when an action is refused or cannot render.

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock stands on Thursday 05/02/2026
09:00 in Hà Nội (tests/approvals/helpers.py).
"""

import contextlib
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pgtrigger
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from pypdf import PdfReader

from approvals import documents, services
from approvals.models import Consultation, Decision, Meeting
from core.documents import DocumentRenderError, render_pdf
from core.models import AuditEvent
from core.uploads import check_upload
from proposals.models import LegalProfile, Proposal
from tests.approvals.helpers import NOW, TODAY, consult, failed, panel_html, passed, url
from tests.lifecycle import PDF_BYTES, REASONS, as_, pdf_text, sha256

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.real_pdf]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (2, 2)).save(out, "PNG")
    return out.getvalue()


PNG_BYTES = _png()


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def audit_payload(proposal, action) -> dict:
    return AuditEvent.objects.for_object(proposal).get(action=action).payload


# --- The party committee's scan, kept as evidence -----------------------------------------------------------


def test_a_recorded_scan_keeps_its_hash_and_type_and_the_audit_event_its_hash(submitted, secretariat, document_store):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("Ý kiến.pdf", PDF_BYTES))

    consultation.refresh_from_db()
    assert (consultation.document_sha256, consultation.document_content_type) == (sha256(PDF_BYTES), "application/pdf")
    assert stored_bytes(consultation.document.name) == PDF_BYTES
    assert audit_payload(submitted, "consultation")["document_sha256"] == sha256(PDF_BYTES)


@pytest.mark.parametrize(("fields", "document", "error_field"), [
    ({}, SimpleUploadedFile("y-kien.pdf", b"MZ not a scan"), "document"),
    ({"committee": "Đảng ủy " * 40}, SimpleUploadedFile("y-kien.pdf", PDF_BYTES), "committee"),  # longer than 255
], ids=["bad-file", "bad-record"])
def test_a_refused_consultation_writes_no_file(submitted, secretariat, settings, fields, document, error_field):
    with pytest.raises(ValidationError) as error:
        services.consultation_record(
            proposal=submitted, by=secretariat, opinion_date=NOW.date(), opinion="Nhất trí.", document=document,
            **{"committee": "Đảng ủy Sở Nội vụ", **fields},
        )
    assert error_field in error.value.message_dict
    assert not Consultation.objects.exists()
    # Only the plan's own PDF, stored when it was submitted (D-9), is there: no scan was kept.
    stored = [path.relative_to(settings.MEDIA_ROOT) for path in stored_files(settings.MEDIA_ROOT)]
    assert [path for path in stored if path.parts[0] != "plans"] == []


def test_a_refused_scan_is_reported_next_to_its_field_by_the_service_alone(submitted, secretariat, monkeypatch):
    checks = []
    monkeypatch.setattr(services, "check_upload", lambda uploaded: checks.append(uploaded) or check_upload(uploaded))
    response = as_(secretariat).post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY,
        "consultation-opinion": "Nhất trí.", "consultation-document": SimpleUploadedFile("y-kien.pdf", b"MZ not a scan"),
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_consultation-document"' in html and "Loại tệp không được chấp nhận" in html
    assert len(checks) == 1  # read and hashed once, by the service; the form does not check it again
    assert not Consultation.objects.exists()


def test_the_scan_is_downloaded_as_the_type_recorded_not_sniffed_again(submitted, secretariat, head, monkeypatch):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.png", PNG_BYTES))

    monkeypatch.setattr("approvals.views.sniff", lambda handle: pytest.fail("the stored type was sniffed again"))
    response = as_(head).get(url("consultation_document", submitted.pk, consultation.pk))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # Images are stored re-encoded (core.uploads): what is served is what was hashed when recorded.
    assert sha256(b"".join(response.streaming_content)) == consultation.document_sha256


def test_a_scan_recorded_before_its_type_was_kept_is_served_as_sniffed(submitted, secretariat, head):
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.pdf", PDF_BYTES))
    Consultation.objects.filter(pk=consultation.pk).update(document_content_type="", document_sha256="")
    response = as_(head).get(url("consultation_document", submitted.pk, consultation.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- Documents kept as issued (spec README §6) -------------------------------------------------------------


def test_an_issued_decision_is_stored_once_and_served_as_stored(document_store, world, head, proposer, outsider, monkeypatch):
    decision = Decision.objects.get(pk=world["decision"].pk)
    stored = stored_bytes(decision.pdf.name)
    # A generated name in the private document store: neither the number nor the proposal shows in it.
    assert re.fullmatch(r"decisions/2026/[0-9a-f]{32}\.pdf", decision.pdf.name)
    assert stored.startswith(b"%PDF")
    assert decision.pdf_sha256 == sha256(stored) == audit_payload(world["proposal"], "approve")["pdf_sha256"]

    # Templates (or the renderer) changing later must not change the document: it is never rendered again.
    def render_again(*args, **kwargs):
        raise AssertionError("an issued document was rendered again")

    monkeypatch.setattr(documents, "render_pdf", render_again)
    first = as_(proposer).get(url("decision_pdf", world["proposal"].pk, decision.pk))
    second = as_(head).get(url("decision_pdf", world["proposal"].pk, decision.pk))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == stored
    assert sha256(first.content) == decision.pdf_sha256
    assert first["Content-Disposition"] == (
        f"attachment; filename=\"QD-1-QD-SNV.pdf\"; filename*=UTF-8''{quote('Quyết định 1-QĐ-SNV.pdf')}"
    )
    assert as_(outsider).get(url("decision_pdf", world["proposal"].pk, decision.pk)).status_code == 404


def test_closed_minutes_are_stored_once_and_served_as_stored(world, head, settings, monkeypatch):
    closed = Meeting.objects.get(pk=world["meeting"].pk)
    assert re.fullmatch(r"minutes/2026/[0-9a-f]{32}\.pdf", closed.minutes_pdf.name)
    payload = audit_payload(world["proposal"], "close_passed")
    assert closed.minutes_sha256 == payload["minutes_sha256"]

    monkeypatch.setattr(documents, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7 a later template")
    response = as_(head).get(url("minutes_pdf", world["proposal"].pk, closed.pk))

    assert sha256(response.content) == closed.minutes_sha256 == payload["minutes_sha256"]
    assert "Trần Thị Thư" in pdf_text(response.content)


REGENERATED = "BẢN TÁI TẠO — không phải bản gốc đã lưu"


def pdf_pages(content: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_missing_stored_file_is_served_as_a_marked_copy_and_the_audit_says_who_received_it(world, head, caplog):
    decision = Decision.objects.get(pk=world["decision"].pk)
    recorded = decision.pdf_sha256
    decision.pdf.storage.delete(decision.pdf.name)

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = as_(head).get(url("decision_pdf", world["proposal"].pk, decision.pk))

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) > 1 and "Số: 1/QĐ-SNV" in pages[0]
    assert all(REGENERATED in page for page in pages), pages  # on every page, not only the first
    assert response["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-QD-1-QD-SNV.pdf"; ')
    assert "filename*=UTF-8''ban-tai-tao-" in response["Content-Disposition"]
    assert any("is missing" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    event = AuditEvent.objects.for_object(decision).get(action="pdf_regenerated")
    assert (event.actor, event.unit, event.payload["number"], event.payload["recorded_sha256"]) == (
        head, decision.unit, "1/QĐ-SNV", recorded
    )
    assert event.payload["served_sha256"] == sha256(response.content) != recorded
    decision.refresh_from_db()
    assert decision.pdf_sha256 == recorded  # the evidence is the original's hash, never the copy's
    assert not decision.pdf.storage.exists(decision.pdf.name)


def test_minutes_closed_before_documents_were_kept_are_served_as_a_marked_copy(world, head, caplog):
    closed = world["meeting"]
    Meeting.objects.filter(pk=closed.pk).update(minutes_pdf="", minutes_sha256="")  # as the migration leaves them

    with caplog.at_level(logging.WARNING, logger="core.documents"):
        response = as_(head).get(url("minutes_pdf", world["proposal"].pk, closed.pk))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Số: 1/BB-SNV" in text and REGENERATED in text
    assert response["Content-Disposition"].startswith('attachment; filename="ban-tai-tao-BB-1-BB-SNV.pdf"')
    assert any("has no stored PDF" in r.getMessage() for r in caplog.records)
    assert AuditEvent.objects.for_object(closed).filter(action="pdf_regenerated", actor=head).count() == 1


def test_a_document_served_as_stored_carries_no_regeneration_mark_and_writes_no_event(world, head):
    response = as_(head).get(url("minutes_pdf", world["proposal"].pk, world["meeting"].pk))
    assert REGENERATED not in pdf_text(response.content)
    assert 'filename="BB-' in response["Content-Disposition"]
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


@pytest.mark.parametrize(("kind", "document_store"), [("minutes", "filesystem"), ("decision", "s3")],
                         indirect=["document_store"])
def test_a_stored_file_that_no_longer_matches_its_hash_is_not_served(document_store, world, head, caplog, kind):
    record = Meeting.objects.get(pk=world["meeting"].pk) if kind == "minutes" else Decision.objects.get(pk=world["decision"].pk)
    file = record.minutes_pdf if kind == "minutes" else record.pdf
    with file.storage.open(file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")

    with caplog.at_level(logging.ERROR, logger="core.documents"):
        response = as_(head).get(url(f"{kind}_pdf", world["proposal"].pk, record.pk))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert b"altered" not in response.content
    assert "Văn bản tạm thời không cung cấp được" in html and "không khớp với mã kiểm tra SHA-256" in html
    assert any("does not match" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert not AuditEvent.objects.filter(action="pdf_regenerated").exists()


def test_a_refused_decision_writes_no_file(submitted, head, deputy, deputy2, settings):
    failed(submitted, head, deputy, deputy2)
    before = stored_files(settings.MEDIA_ROOT)
    assert as_(deputy).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS}).status_code == 403
    assert as_(head).post(url("decision_approve", submitted.pk), {"approve-text": "Giao thực hiện."}).status_code == 200
    assert as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."}).status_code == 200
    assert stored_files(settings.MEDIA_ROOT) == before
    assert not Decision.objects.exists()


def test_when_the_document_cannot_be_rendered_nothing_is_issued(submitted, head, deputy, deputy2, settings, monkeypatch):
    failed(submitted, head, deputy, deputy2)
    before = stored_files(settings.MEDIA_ROOT)

    def no_pango(*args, **kwargs):
        raise DocumentRenderError("Pango is not installed")

    monkeypatch.setattr(documents, "render_pdf", no_pango)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS})

    assert response.status_code == 503
    assert "chưa tạo được văn bản PDF" in response.content.decode()
    assert not Decision.objects.exists()
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_FAILED
    assert stored_files(settings.MEDIA_ROOT) == before
    monkeypatch.undo()
    # The number the failed attempt took was given back with the rollback.
    assert services.decision_reject(proposal=submitted, by=head, reasons=REASONS).number == "1/SNV-VP"


@contextlib.contextmanager
def _bypassing_the_frozen_profile_trigger():
    if connection.vendor == "postgresql":
        with pgtrigger.ignore("proposals.LegalProfile:legalprofile_frozen"):
            yield
    else:
        yield


def test_the_minutes_state_the_rule_the_meeting_recorded_not_the_profile_of_today(submitted, head, deputy, deputy2):
    closed = passed(submitted, head, deputy, deputy2)
    # Never done by the application (a profile version is not edited in place; on PostgreSQL a trigger refuses
    # it), but the record must not depend on it: what someone with direct database access could do.
    with _bypassing_the_frozen_profile_trigger():
        LegalProfile.objects.filter(pk=submitted.profile_id).update(
            approval_threshold_percent=75, tie_rule=LegalProfile.TieRule.FAIL, denominator=LegalProfile.Denominator.ELIGIBLE
        )
    text = pdf_text(documents.minutes_pdf(closed))
    assert "trên 50% số thành viên có quyền biểu quyết có mặt" in text
    assert "(theo ý kiến mà người đứng đầu biểu quyết): không" in text
    assert "bắt đầu lúc 08 giờ 30 phút, ngày 05/02/2026" in text
    assert "trên 50%" in panel_html(submitted, head)


def test_weasyprint_missing_is_a_clear_render_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what `import weasyprint` meets without Pango
    with pytest.raises(DocumentRenderError, match="Pango"):
        render_pdf("documents/minutes.html", {})


def test_the_app_loads_without_weasyprint():
    """Django starts, checks and loads every URL and view on a machine without Pango; only rendering fails."""
    script = (
        "import sys\n"
        "sys.modules['weasyprint'] = None\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check')\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "from core import documents\n"
        "try:\n"
        "    documents.render_pdf('documents/minutes.html', {})\n"
        "except documents.DocumentRenderError as error:\n"
        "    print('REFUSED:', error)\n"
    )
    result = subprocess.run(  # noqa: S603 (a fixed script, run by the current interpreter)
        [sys.executable, "-c", script], cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "REFUSED: PDF documents cannot be rendered" in result.stdout
