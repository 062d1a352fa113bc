"""The evidence dossier's download (spec README §5 "full dossier"; §6 scope and evidence): whoever sees the
proposal downloads it, nobody else learns it exists, and each download is in the audit log with the SHA-256 of
the file handed out.

Personas (tests/conftest.py): the proposer on the staff of the Sở Nội vụ, its head, deputy and secretariat, an
inspector of the province, an outsider in the Sở Tài chính.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.audit import verify_chain
from core.documents import DocumentRenderError
from core.models import AuditEvent
from dossier import services
from tests.dossier.helpers import dossier_url
from tests.lifecycle import as_, draft_proposal, sha256


def downloads(proposal) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(proposal).filter(action="dossier_download").order_by("seq"))


@pytest.mark.parametrize("persona", ["proposer", "head", "deputy", "secretariat", "inspector"])
def test_whoever_sees_the_proposal_downloads_its_dossier_as_a_pdf_attachment(approved, persona, request):
    person = request.getfixturevalue(persona)

    response = as_(person).get(dossier_url(approved))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'filename="ho-so-{approved.code}.pdf"' in disposition
    assert "filename*=UTF-8''H%E1%BB%93%20s%C6%A1" in disposition  # "Hồ sơ …", the Vietnamese name
    assert response["Cache-Control"] == "private, no-store"


def test_each_download_is_audited_with_the_sha256_of_the_file_handed_out(approved, proposer, head):
    first = as_(proposer).get(dossier_url(approved))
    second = as_(head).get(dossier_url(approved))

    events = downloads(approved)
    assert [e.actor for e in events] == [proposer, head]
    assert [e.payload["sha256"] for e in events] == [sha256(first.content), sha256(second.content)]
    assert events[0].payload["sha256"] == first["X-Content-SHA256"]
    # Each generation names its moment and reader on the cover: two downloads are two files.
    assert sha256(first.content) != sha256(second.content)
    assert events[0].payload["pages"] > 0 and events[0].payload["entries"] == 3
    assert events[0].payload["excluded"] == []
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_the_download_shows_on_the_proposal_timeline(approved, proposer):
    as_(proposer).get(dossier_url(approved))
    page = as_(proposer).get(reverse("proposals:detail", args=[approved.pk])).content.decode()
    assert "Tải hồ sơ minh chứng" in page.split('id="dien-bien-heading"')[1]


def test_an_outsider_gets_404_and_nothing_is_recorded(approved, outsider):
    assert as_(outsider).get(dossier_url(approved)).status_code == 404
    assert downloads(approved) == []


def test_a_proposal_that_does_not_exist_is_the_same_404(approved, proposer):
    assert as_(proposer).get(reverse("dossier:pdf", args=[approved.pk + 1000])).status_code == 404


def test_anonymous_is_sent_to_the_login_page(approved, client):
    response = client.get(dossier_url(approved))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert downloads(approved) == []


def test_only_get_is_allowed(approved, proposer):
    assert as_(proposer).post(dossier_url(approved)).status_code == 405


def test_a_draft_is_seen_by_its_author_only(clock, proposer, head):
    draft = draft_proposal(proposer=proposer)
    assert as_(head).get(dossier_url(draft)).status_code == 404
    response = as_(proposer).get(dossier_url(draft))
    assert response.status_code == 200
    assert f'filename="ho-so-{draft.pk}.pdf"' in response["Content-Disposition"]


def test_the_service_refuses_whoever_does_not_see_the_proposal(approved, outsider):
    # README §6: checked in the service too, whoever calls it.
    with pytest.raises(PermissionDenied):
        services.dossier_download(proposal=approved, by=outsider)
    with pytest.raises(PermissionDenied):
        services.dossier_download(proposal=approved, by=AnonymousUser())
    assert downloads(approved) == []


def test_a_rendering_failure_is_a_503_page_leading_back_not_a_500(approved, proposer, monkeypatch):
    def broken(*args, **kwargs):
        raise DocumentRenderError("Pango is missing")

    monkeypatch.setattr("dossier.documents.render_pdf", broken)
    response = as_(proposer).get(dossier_url(approved))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Chưa tạo được hồ sơ minh chứng" in html
    assert reverse("proposals:detail", args=[approved.pk]) + "#ho-so" in html
    assert downloads(approved) == []
