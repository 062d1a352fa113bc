"""Fixtures of the deciding unit's page tests (plain helpers: tests/approvals/helpers.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from tests.approvals.helpers import consult, passed
from tests.lifecycle import PDF_BYTES


@pytest.fixture
def world(submitted, head, deputy, deputy2, secretariat):
    """A proposal approved through every step, so that every URL of the app has real objects behind it."""
    consultation = consult(submitted, secretariat, document=SimpleUploadedFile("y-kien.pdf", PDF_BYTES))
    closed = passed(submitted, head, deputy, deputy2)
    decision = services.decision_approve(proposal=submitted, by=head, text="Giao phòng Tổ chức cán bộ chủ trì.")
    return {"proposal": submitted, "meeting": closed, "decision": decision, "consultation": consultation}
