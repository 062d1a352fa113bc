"""Every file the app hands out is a download with `nosniff`, never shown inline (issue 11 §4)."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.downloads import attachment_response, content_disposition
from proposals.services import attachment_add
from tests.approvals.helpers import NOW, consult
from tests.incidents.helpers import report
from tests.lifecycle import PDF_BYTES, as_, draft_proposal

pytestmark = pytest.mark.frozen_at(NOW)

NAME = "Ý kiến cấp ủy <số 1>.pdf"


def _attachment(request):
    proposer = request.getfixturevalue("proposer")
    proposal = draft_proposal(proposer=proposer)
    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=SimpleUploadedFile(NAME, PDF_BYTES))
    return proposer, reverse("proposals:attachment_download", args=[proposal.pk, attachment.pk])


def _consultation_scan(request):
    submitted, secretariat = request.getfixturevalue("submitted"), request.getfixturevalue("secretariat")
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile(NAME, PDF_BYTES))
    return request.getfixturevalue("head"), reverse("approvals:consultation_document", args=[submitted.pk, consultation.pk])


def _incident_evidence(request):
    submitted, proposer = request.getfixturevalue("submitted"), request.getfixturevalue("proposer")
    incident = report(by=proposer, proposal=submitted, reported_people=[request.getfixturevalue("deputy")],
                      evidence=[SimpleUploadedFile(NAME, PDF_BYTES)])
    return proposer, reverse("incidents:evidence", args=[incident.pk, incident.evidence.get().pk])


def _plan_pdf(request):
    submitted = request.getfixturevalue("submitted")
    return request.getfixturevalue("head"), reverse("proposals:version_pdf", args=[submitted.pk, 1])


def _dossier(request):
    submitted = request.getfixturevalue("submitted")
    return request.getfixturevalue("head"), reverse("dossier:pdf", args=[submitted.pk])


def _recognitions_csv(request):
    return request.getfixturevalue("head"), reverse("evaluation:recognitions_csv")


def _import_template(request):
    return request.getfixturevalue("admin_user"), reverse("accounts:import_template", args=["units"])


@pytest.mark.parametrize("build", [
    _attachment, _consultation_scan, _incident_evidence, _plan_pdf, _dossier, _recognitions_csv, _import_template,
], ids=lambda build: build.__name__.strip("_"))
def test_each_download_is_an_attachment_with_nosniff(db, request, build):
    person, url = build(request)
    response = as_(person).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_an_uploaded_file_keeps_its_vietnamese_name_and_an_ascii_one_for_old_clients():
    header = content_disposition(NAME)
    assert header == (f'attachment; filename="Y-kien-cap-uy--so-1-.pdf"; '
                      f"filename*=UTF-8''{quote('Ý kiến cấp ủy -số 1-.pdf', safe='')}")


def test_a_name_cannot_break_the_header():
    header = content_disposition('bao-cao".pdf\r\nSet-Cookie: x=1')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


@pytest.mark.parametrize("content", [b"%PDF-1.4", "a,b\n", iter([b"a", b"b"])], ids=["bytes", "text", "chunks"])
def test_any_content_is_sent_as_an_attachment(content):
    response = attachment_response(content, "bao-cao.csv", "text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.csv"'


def test_no_view_writes_its_own_content_disposition():
    """A new download that sets the header itself, or a FileResponse, bypasses the helper: it must not exist."""
    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root)) for path in root.glob("*/**/*.py")
        if path.parts[len(root.parts)] not in {".venv", "tests", "scripts"} and path.name != "downloads.py"
        and re.search(r"Content-Disposition|FileResponse\(|as_attachment", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
