"""What the evidence dossier holds, in which order, and how it treats a stored file that changed (spec README §5:
"every version, decision, vote, report and event in order", the cadre's evidence when protection is decided; §6:
documents are kept as issued with their SHA-256).
"""

import io
import time

import pytest
from django.db import connection
from pypdf import PdfReader

from approvals.models import Decision, Meeting
from core.models import AuditEvent
from core.stages import DossierEntry, Stage, stages
from dossier import documents as dossier_documents
from dossier.selectors import MAX_STORED_PAGES
from proposals.models import PlanVersion
from tests.dossier.helpers import busy_proposal, compact, dossier_url, pages
from tests.lifecycle import APPROVAL_TEXT, as_, pdf_text, sha256, triggers_switched_off


def download(person, proposal) -> bytes:
    response = as_(person).get(dossier_url(proposal))
    assert response.status_code == 200
    return response.content


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_the_dossier_names_the_proposal_its_people_and_its_documents_in_vietnamese(approved, decision, minutes, proposer, head, deputy):
    text = pdf_text(download(proposer, approved))

    assert "HỒ SƠ ĐỀ XUẤT ĐỔI MỚI, SÁNG TẠO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"Mã hồ sơ: {approved.code}" in text and approved.title in text
    assert proposer.get_full_name() in text and head.get_full_name() in text and deputy.get_full_name() in text
    assert "Sở Nội vụ tỉnh Quảng Ninh" in text
    assert f"Số {minutes.minutes_number}" in text and f"Số {decision.number}" in text
    assert "Quyết định cho triển khai thực hiện" in text and "Biên bản họp tập thể lãnh đạo" in text
    assert "Ý kiến của cấp ủy" in text and "Đảng ủy Sở Nội vụ" in text
    # The cover: statuses, who generated it and when, and that it comes from the append-only log.
    assert "Đã cho triển khai thực hiện" in text and "Dự thảo → Đã nộp, chờ xem xét" in text
    assert "Người lập (tải về) " + proposer.get_full_name() in text and "10/03/2026" in text
    assert "nhật ký sự kiện chỉ ghi thêm" in text


def test_the_parts_come_in_order_cover_contents_plans_records_then_the_event_log(approved, proposer):
    text = pdf_text(download(proposer, approved))
    marks = ["HỒ SƠ ĐỀ XUẤT", "MỤC LỤC", "I. KẾ HOẠCH ĐỀ XUẤT", "II. VĂN BẢN, HỒ SƠ THEO TRÌNH TỰ THỜI GIAN",
             "III. NHẬT KÝ SỰ KIỆN"]
    positions = [text.index(mark) for mark in marks]
    assert positions == sorted(positions)
    records = text[positions[3]:positions[4]]
    # Sorted by the moment they happened: the opinion, the minutes, the decision.
    assert records.index("Ý kiến của cấp ủy") < records.index("Biên bản họp tập thể lãnh đạo") < records.index(
        "Quyết định cho triển khai thực hiện")


def test_every_plan_version_is_there_as_submitted(clock, proposer, head, deputy):
    proposal, _count = busy_proposal(proposer=proposer, head=head, deputy=deputy, returns=1)
    text = pdf_text(download(proposer, proposal))
    plans = text[text.index("I. KẾ HOẠCH ĐỀ XUẤT"):text.index("II. VĂN BẢN")]
    for version in PlanVersion.objects.filter(proposal=proposal):
        assert f"Kế hoạch phiên bản {version.number}" in plans
    assert f"Kế hoạch phiên bản {proposal.approved_version} — phiên bản được phê duyệt" in plans
    assert "Điểm nghẽn, vướng mắc về cơ chế, chính sách cần tháo gỡ:" in plans
    assert plans.count("Chưa có quy định về tiếp nhận hồ sơ điện tử liên thông") == proposal.current_version


def test_the_stored_documents_are_merged_as_issued_and_their_recorded_hashes_match_the_files(approved, decision, minutes, proposer):
    content = download(proposer, approved)
    text = compact(pdf_text(content))

    for field, recorded in ((decision.pdf, decision.pdf_sha256), (minutes.minutes_pdf, minutes.minutes_sha256)):
        assert sha256(stored(field)) == recorded
        assert recorded in text
    assert compact(APPROVAL_TEXT) in text  # the decision's own text: its pages are in the dossier
    assert text.count(compact("Đã đối chiếu: khớp mã kiểm tra")) == 2
    # Every page of each stored document is there, after the sheet of its entry.
    expected = sum(len(PdfReader(io.BytesIO(stored(f))).pages) for f in (decision.pdf, minutes.minutes_pdf))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= expected + 5


def test_the_contents_give_the_pages_where_each_record_and_its_document_are(approved, decision, minutes, proposer):
    content = download(proposer, approved)
    texts = pages(content)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Hồ sơ {approved.code} · Trang {number}/{total}" in text
    entries = dossier_documents.dossier_pdf(approved, by=proposer).entries
    decision_entry = next(e for e in entries if e.entry.number == decision.number)
    minutes_entry = next(e for e in entries if e.entry.number == minutes.minutes_number)
    assert "QUYẾT ĐỊNH" in texts[decision_entry.first_stored_page - 1]
    assert "BIÊN BẢN" in texts[minutes_entry.first_stored_page - 1]
    assert "3. Quyết định cho triển khai thực hiện" in texts[decision_entry.page - 1]
    contents = texts[1]
    assert "MỤC LỤC" in contents
    assert f"{decision_entry.page} {decision_entry.first_stored_page}–{decision_entry.last_stored_page}" in contents


def test_a_stored_file_changed_since_it_was_issued_is_reported_and_left_out(approved, decision, proposer, settings):
    # Someone with access to the server replaces the decision's file with another document.
    with decision.pdf.open("wb") as handle:
        handle.write(stored(Meeting.objects.get(proposal=approved).minutes_pdf))

    response = as_(proposer).get(dossier_url(approved))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "không khớp mã kiểm tra" in text.lower()
    assert compact(APPROVAL_TEXT) not in compact(text)  # the changed file is not merged
    assert decision.pdf_sha256 in compact(text)  # the hash recorded at issue is still shown
    event = AuditEvent.objects.for_object(approved).get(action="dossier_download")
    [excluded] = event.payload["excluded"]
    assert (excluded["number"], excluded["check"], excluded["recorded_sha256"]) == (decision.number, "mismatch", decision.pdf_sha256)


def test_a_missing_stored_file_is_reported_and_no_regenerated_copy_takes_its_place(approved, decision, proposer):
    decision.pdf.storage.delete(decision.pdf.name)

    text = pdf_text(download(proposer, approved))

    assert "Không tìm thấy tệp lưu trữ của văn bản" in text
    assert compact(APPROVAL_TEXT) not in compact(text) and "BẢN TÁI TẠO" not in text


@pytest.fixture
def foreign_stage():
    """A later stage whose `pdf()` hands back whatever bytes it has, without checking them itself."""
    entries = []
    stages.register(Stage(label="ho_so_thu", order=85, dossier=lambda proposal: entries))
    yield entries
    stages.unregister("ho_so_thu")


def test_the_dossier_checks_the_hash_itself_whichever_stage_kept_the_file(approved, decision, proposer, foreign_stage):
    issued = stored(decision.pdf)
    foreign_stage.append(DossierEntry(at=decision.created_at, title="Văn bản thử", number="9/BC-SNV",
                                      sha256=sha256(b"another file"), pdf=lambda: issued))
    foreign_stage.append(DossierEntry(at=decision.created_at, title="Văn bản không đọc được", number="10/BC-SNV",
                                      sha256=sha256(b"not a pdf"), pdf=lambda: b"not a pdf"))

    text = pdf_text(download(proposer, approved))

    assert "Văn bản thử" in text and "không khớp mã kiểm tra" in text.lower()
    assert compact(text).count(compact(APPROVAL_TEXT)) == 1  # only the approvals' own, matching copy
    assert "Không đọc được tệp lưu trữ của văn bản" in text


def test_a_document_issued_without_a_recorded_hash_is_merged_marked_as_not_verifiable(
        approved, decision, proposer, foreign_stage):
    issued = stored(decision.pdf)
    foreign_stage.append(DossierEntry(at=decision.created_at, title="Văn bản cũ", number="8/BC-SNV", pdf=lambda: issued))

    response = as_(proposer).get(dossier_url(approved))

    text = pdf_text(response.content)
    assert "Không có mã kiểm tra ghi nhận khi ban hành nên không đối chiếu được" in text
    assert "chưa đối chiếu được mã kiểm tra" in text  # in the contents
    assert compact(text).count(compact(APPROVAL_TEXT)) == 2  # merged: the approvals' copy and this one
    payload = AuditEvent.objects.get(action="dossier_download").payload
    assert payload["excluded"] == [] and [e["number"] for e in payload["unverified"]] == ["8/BC-SNV"]


def test_a_stored_file_that_cannot_be_read_is_left_out_not_a_server_error(approved, decision, proposer, foreign_stage):
    def unreadable():
        raise PermissionError("the storage refused")

    foreign_stage.append(DossierEntry(at=decision.created_at, title="Văn bản lỗi", number="7/BC-SNV",
                                      sha256=decision.pdf_sha256, pdf=unreadable))
    response = as_(proposer).get(dossier_url(approved))
    assert response.status_code == 200
    assert "Không đọc được tệp lưu trữ của văn bản" in pdf_text(response.content)


def test_records_without_a_document_are_listed_with_their_lines(approved, proposer, foreign_stage, decision):
    foreign_stage.append(DossierEntry(at=decision.created_at, title="Ghi nhận thử", lines=("Dòng một", "Dòng hai")))
    text = pdf_text(download(proposer, approved))
    assert "Ghi nhận thử" in text and "- Dòng một" in text and "- Dòng hai" in text


def test_a_contents_longer_than_a_page_still_gives_the_right_pages(approved, decision, proposer, foreign_stage):
    for number in range(45):
        foreign_stage.append(DossierEntry(at=decision.created_at, title=f"Ghi nhận thử số {number}", lines=("Dòng.",)))

    dossier = dossier_documents.dossier_pdf(approved, by=proposer)

    texts = pages(dossier.content)
    assert "MỤC LỤC" in texts[1] and "Ghi nhận thử số 44" not in texts[1]  # the contents run over a page
    assert len(texts) == dossier.pages
    for position, checked in enumerate(dossier.entries, start=1):
        assert f"{position}. {checked.entry.title}" in texts[checked.page - 1]
        if checked.included:
            assert texts[checked.first_stored_page - 1].count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1


def test_the_event_log_lists_every_event_of_the_proposal_in_order(approved, proposer):
    seqs = list(AuditEvent.objects.for_object(approved).values_list("seq", flat=True))
    text = pdf_text(download(proposer, approved))
    log = text[text.index("III. NHẬT KÝ SỰ KIỆN"):]
    labels = ["Tạo dự thảo kế hoạch", "Nộp kế hoạch", "Ghi nhận ý kiến cấp ủy", "Tổ chức họp tập thể lãnh đạo",
              "Biểu quyết", "Kết thúc biểu quyết: thông qua", "Ban hành quyết định cho triển khai"]
    assert [log.index(label) for label in labels] == sorted(log.index(label) for label in labels)
    assert "Đã nộp, chờ xem xét → Đang họp tập thể lãnh đạo" in log
    assert "(không khớp mã băm)" not in log.lower()
    for seq in seqs:
        assert f" {seq} " in log


def test_an_event_changed_behind_the_log_is_marked_in_the_dossier(approved, proposer):
    # A database superuser edits the vote's event (triggers switched off on PostgreSQL, as tests/core does).
    seq = AuditEvent.objects.for_object(approved).filter(action="vote").values_list("seq", flat=True).first()
    with triggers_switched_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET to_state = 'approved' WHERE seq = %s", [seq])

    log = pdf_text(download(proposer, approved)).split("III. NHẬT KÝ SỰ KIỆN")[1]
    assert log.lower().count("(không khớp mã băm)") == 1


def test_generation_is_bounded_in_time_for_a_proposal_with_about_ten_documents(clock, proposer, head, deputy, capsys):
    proposal, count = busy_proposal(proposer=proposer, head=head, deputy=deputy, returns=6)
    assert count == 10

    started = time.perf_counter()
    content = download(proposer, proposal)
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n[dossier] {count} stored documents, {len(PdfReader(io.BytesIO(content)).pages)} pages, "
              f"{len(content) // 1024} KiB, generated in {elapsed:.2f} s")
    assert elapsed < 30
    assert compact(pdf_text(content)).count(compact("Đã đối chiếu: khớp mã kiểm tra")) == count


def test_the_stored_pages_merged_are_bounded(approved, proposer, monkeypatch, decision, minutes):
    monkeypatch.setattr("dossier.selectors.MAX_STORED_PAGES", 1)
    assert MAX_STORED_PAGES > 1
    text = pdf_text(download(proposer, approved))
    assert "Hồ sơ đã đến giới hạn số trang" in text
    assert Decision.objects.filter(proposal=approved).exists()
