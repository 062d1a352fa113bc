"""The register's records in the evidence dossier (spec README §5: every decision and event in order): each
publication and each withdrawal, after the decision they rest on."""

import pytest

from core.stages import stages
from publication import services
from publication.selectors import dossier_entries
from tests.dossier.helpers import dossier_url
from tests.lifecycle import as_, pdf_text

pytestmark = pytest.mark.real_pdf  # reads the PDFs it issues: WeasyPrint lays them out


def test_publishing_and_withdrawing_are_records_of_the_dossier(published, approved, head):
    services.publication_withdraw(proposal=approved, by=head, reason="Cần rà soát lại nội dung.")

    assert stages.get("publication").dossier is dossier_entries
    titles = [str(entry.title) for entry in stages.dossier(approved)]
    assert titles[-3:] == ["Quyết định cho triển khai thực hiện", "Công khai tóm tắt đề xuất (Điều 4 khoản 4)",
                           "Gỡ nội dung công khai"]
    published.refresh_from_db()
    withdrawn = stages.dossier(approved)[-1]
    assert f"Người gỡ: {head.get_full_name()}" in withdrawn.lines and "Lý do: Cần rà soát lại nội dung." in withdrawn.lines


def test_the_dossier_pdf_shows_them_and_the_timeline_labels_them(published, approved, proposer):
    text = pdf_text(as_(proposer).get(dossier_url(approved)).content)
    records = text.split("II. VĂN BẢN, HỒ SƠ THEO TRÌNH TỰ THỜI GIAN")[1]
    assert "Công khai tóm tắt đề xuất (Điều 4 khoản 4)" in records
    assert f"Căn cứ Quyết định số {published.decision_number}" in records
    log = text.split("III. NHẬT KÝ SỰ KIỆN")[1]
    assert "Công khai tóm tắt đề xuất" in log
