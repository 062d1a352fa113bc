"""The directions' decision as a Decree 30 document (documents.md; after-approval.md IMP-5, CMP-4), and the
evidence it leaves: stored once, nothing written when a direction is refused or cannot be rendered.

Personas (tests/conftest.py); the clock stands on Thursday 05/02/2026 09:00 in Hà Nội (tests/directions/helpers.py).
"""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from core.documents import DocumentRenderError
from directions import documents
from directions.models import Direction
from proposals.transitions import Status
from tests.directions.helpers import (
    NOW,
    REASONS,
    SHORT,
    adjust,
    implementing_with_lead,
    resume,
    stop,
    suspend,
    url,
)
from tests.lifecycle import as_, fresh, pdf_text

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.real_pdf]


def text_of(direction: Direction) -> str:
    return pdf_text(direction.pdf.open("rb").read())


def issue(kind, proposal, head, **fields) -> Direction:
    if kind == "continue":
        suspend(proposal, head)
    return {"suspend": suspend, "continue": resume, "stop": stop, "adjust": adjust}[kind](proposal, head, **fields)


@pytest.mark.parametrize(("kind", "subject", "number"), [
    ("suspend", "tạm dừng", "2/QĐ-SNV"),
    ("continue", "tiếp tục", "3/QĐ-SNV"),
    ("stop", "dừng", "2/QĐ-SNV"),
    ("adjust", "điều chỉnh", "2/QĐ-SNV"),
])
def test_each_direction_is_a_numbered_decision_citing_article_6_clause_4(proposal, head, kind, subject, number):
    direction = issue(kind, proposal, head)

    text = text_of(direction)
    assert "SỞ NỘI VỤ" in text and f"Số: {number}" in text and "Hạ Long, ngày 05 tháng 02 năm 2026" in text
    assert f"QUYẾT ĐỊNH Về việc {subject} thực hiện đề xuất đổi mới, sáng tạo “{proposal.title}”" in text
    assert "GIÁM ĐỐC SỞ NỘI VỤ" in text
    assert "Căn cứ Điều 6 khoản 4 Nghị định số 73/2023/NĐ-CP" in text
    assert "Căn cứ Quyết định số 1/QĐ-SNV ngày 05/02/2026 của Sở Nội vụ tỉnh Quảng Ninh" in text
    assert REASONS in text
    assert "Việc không chấp hành Quyết định này là hành vi bị nghiêm cấm theo Điều 6 khoản 4" in text
    assert "Quyết định này có hiệu lực kể từ ngày ký." in text
    assert "Nơi nhận: - Như Điều 3; - Lưu: VT, VP (02b)." in text  # Decree 30: the drafting unit, not the file code
    assert head.get_full_name() in text


def test_a_direction_taking_effect_later_says_from_when(proposal, head):
    text = text_of(suspend(proposal, head, effective_on=datetime.date(2026, 2, 9)))
    assert "Tạm dừng thực hiện đề xuất đổi mới, sáng tạo" in text and "kể từ ngày 09/02/2026." in text
    assert "Quyết định này có hiệu lực kể từ ngày 09/02/2026." in text


def test_a_stop_names_who_reports_the_results_so_far_and_by_when(proposer, head, deputy, deputy2):
    """CMP-4 [I]: the report on results so far, 05 working days after the stop takes effect."""
    proposal = implementing_with_lead(proposer=proposer, head=head, deputy=deputy, lead=deputy2)
    text = text_of(stop(proposal, head))
    assert f"Đồng chí {deputy2.get_full_name()} (chủ trì thực hiện đề xuất) báo cáo đầy đủ, trung thực" in text
    assert "trong thời hạn 05 ngày làm việc kể từ ngày dừng thực hiện (chậm nhất ngày 12/02/2026)" in text


def test_an_adjustment_lists_what_changes_and_the_version_in_force(proposal, head):
    text = text_of(adjust(proposal, head, plan={"resources": "Kinh phí 700 triệu đồng; 6 công chức."}))
    assert "(kế hoạch được phê duyệt phiên bản số 1)" in text
    assert "Thời gian kết thúc: 31/03/2027" in text
    assert "Nguồn lực bảo đảm (kinh phí, nhân lực, cơ sở vật chất): Kinh phí 700 triệu đồng; 6 công chức." in text
    assert "Kế hoạch sau điều chỉnh là phiên bản số 2." in text
    assert "Các mốc thực hiện:" not in text  # unchanged: not restated


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def test_a_refused_direction_writes_no_file(proposal, head, private_media):
    before = stored_files(private_media)
    with pytest.raises(ValidationError):
        suspend(proposal, head, reasons=SHORT)
    assert stored_files(private_media) == before


def test_a_direction_that_cannot_be_rendered_is_not_issued(proposal, head, monkeypatch, private_media):
    def broken(template, context):
        raise DocumentRenderError("Pango is missing")

    monkeypatch.setattr(documents, "render_pdf", broken)
    before = stored_files(private_media)

    response = as_(head).post(url("direction_suspend", proposal.pk),
                              {"suspend-reasons": REASONS, "suspend-effective_on": "05/02/2026"})

    assert response.status_code == 503
    assert "chưa tạo được văn bản PDF" in response.content.decode()
    assert (Direction.objects.count(), fresh(proposal).status) == (0, Status.IN_IMPLEMENTATION)
    assert stored_files(private_media) == before
