"""Files the import refuses as a whole, with one clear message: empty, not a spreadsheet, wrong encoding, old
Excel, no header, the columns of another kind, too many rows.
"""

import io
import zipfile

import pytest

from accounts import importing
from accounts.importing import org_import_commit, org_import_preview
from tests.accounts.spreadsheets import EXE, PEOPLE_HEADER, UNIT_HEADER, counts, csv_bytes


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng"),
        (EXE, "không phải bảng tính Excel (.xlsx) hay CSV mã hóa UTF-8"),
        (
            "Mã đơn vị,Tên đơn vị\nA,Ủy ban\n".encode("utf-16"),
            "không phải bảng tính Excel (.xlsx) hay CSV mã hóa UTF-8",
        ),
        ("Mã,Tên\nA,Bà\n".encode("latin-1"), "không phải bảng tính Excel (.xlsx) hay CSV mã hóa UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel 97-2003 (.xls) không được hỗ trợ"),
        (b"PK\x03\x04" + bytes(300), "Không đọc được tệp Excel"),
        (_zip_without_workbook(), "không phải bảng tính Excel (.xlsx)"),
        (csv_bytes([UNIT_HEADER]), "không có dòng dữ liệu nào"),
        (csv_bytes([[], ["A", "B"]]), "Dòng 1 phải là dòng tiêu đề"),
        (csv_bytes([["ten_don_vi"], ["Ủy ban"]]), "Dòng tiêu đề thiếu cột bắt buộc: Mã đơn vị."),
        (csv_bytes([PEOPLE_HEADER, ["a", "A", "", ""]]), "Các cột của tệp là của dữ liệu «Cán bộ (tài khoản)»"),
    ],
    ids=[
        "empty",
        "exe",
        "utf16",
        "latin1",
        "xls",
        "broken-zip",
        "docx-like",
        "header-only",
        "no-header",
        "missing-column",
        "wrong-kind",
    ],
)
def test_unusable_files_get_one_clear_message(content, message, admin_user, db):
    before = counts()

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="x")

    assert len(result.errors) == 1 and message in result.errors[0].message
    assert not result.committed and counts() == before


def test_too_many_rows(monkeypatch, db):
    monkeypatch.setattr(importing.files, "MAX_ROWS", 2)
    content = csv_bytes([["ma_don_vi", "ten_don_vi", "cap"]] + [[f"U{i}", "Đơn vị", "Cấp xã"] for i in range(3)])

    result = org_import_preview(kind="units", content=content)

    assert [error.message for error in result.errors] == ["Tệp có quá nhiều dòng: tối đa 2 dòng dữ liệu mỗi lần nhập."]


def test_unknown_columns_are_ignored_with_a_warning(admin_user, db):
    content = csv_bytes([["STT", "ma_don_vi", "ten_don_vi", "cap"], ["1", "U1", "Đơn vị", "Cấp xã"]])

    result = org_import_preview(kind="units", content=content)

    assert result.errors == [] and result.warnings == ["Bỏ qua các cột không dùng: STT."]
