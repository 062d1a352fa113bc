"""Reading the uploaded file: its type judged by content, then the header and data rows of a CSV or an XLSX.

Row numbers are the ones the user sees in the spreadsheet: the header is row 1.
"""

import csv
import io
import re
import warnings
import zipfile

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

# Bounds the memory and time of one request; an agency's thousands of staff fit many times over.
MAX_ROWS = 50_000
# XLSX is compressed: refuse a "zip bomb" before any XML is parsed.
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message is for the user."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def max_upload_mb() -> str:
    """settings.IMPORT_MAX_UPLOAD_BYTES in MB, for messages."""
    return f"{settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024):g}"


def check_file(content: bytes) -> str:
    """The file's type judged by its content, "xlsx" or "csv"; ImportFileError for anything else."""
    if not content:
        raise ImportFileError(_("Tệp rỗng: không có dữ liệu nào."))
    if len(content) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(_("Tệp quá lớn: tối đa %(size)s MB.") % {"size": max_upload_mb()})
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Tệp Excel 97-2003 (.xls) không được hỗ trợ. Hãy lưu lại dạng Excel Workbook (.xlsx) hoặc CSV UTF-8.")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or _CONTROL_CHARS.search(text):
        raise ImportFileError(
            _(
                "Tệp không phải bảng tính Excel (.xlsx) hay CSV mã hóa UTF-8. Trong Excel, chọn "
                "“Lưu thành” → “Excel Workbook (.xlsx)” hoặc “CSV UTF-8 (phân cách bằng dấu phẩy)”."
            )
        )
    return "csv"


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _collect(numbered_rows) -> tuple[list, list[tuple[int, tuple]]]:
    """The header and the non-blank data rows, each with its spreadsheet row number."""
    header, rows = None, []
    for number, cells in numbered_rows:
        if number == 1:
            header = list(cells)
            continue
        if _is_blank(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Tệp có quá nhiều dòng: tối đa %(max)d dòng dữ liệu mỗi lần nhập.") % {"max": MAX_ROWS}
            )
        rows.append((number, tuple(cells)))
    if not header or _is_blank(header):
        raise ImportFileError(_("Dòng 1 phải là dòng tiêu đề (tên các cột) nhưng đang trống."), row=1)
    if not rows:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return header, rows


def _read_csv(content: bytes) -> tuple[list, list[tuple[int, tuple]]]:
    text = content.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese writes ";" (the decimal separator is ","): take the separator the header uses.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is one spreadsheet row even when a quoted cell spans several lines.
        return _collect(enumerate(reader, start=1))
    except csv.Error as exc:
        raise ImportFileError(_("Tệp CSV sai cấu trúc (dòng %(row)d).") % {"row": reader.line_num}) from exc


def _read_xlsx(content: bytes) -> tuple[list, list[tuple[int, tuple]]]:
    broken = _("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải định dạng .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError(broken) from exc
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ImportFileError(_("Tệp nén này không phải bảng tính Excel (.xlsx)."))
    if sum(member.file_size for member in members) > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise ImportFileError(_("Bảng tính quá lớn khi giải nén."))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter for data.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            try:
                if not workbook.worksheets:
                    raise ImportFileError(_("Tệp Excel không có trang tính nào."))
                sheet = workbook.worksheets[0]
                # Some writers store a wrong size; read every row present instead of trusting it.
                sheet.reset_dimensions()
                return _collect(enumerate(sheet.iter_rows(values_only=True), start=1))
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, XML errors...) for damaged files
        raise ImportFileError(broken) from exc


def read_table(content: bytes) -> tuple[list, list[tuple[int, tuple]]]:
    """The header cells and the non-blank data rows as (row number, cells) of the first sheet or the CSV."""
    if check_file(content) == "xlsx":
        return _read_xlsx(content)
    return _read_csv(content)
