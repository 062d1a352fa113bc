"""Plain helpers of the import tests: the headers of the three kinds of file, CSV and XLSX built from rows,
the errors by row, the counts of what an import may write."""

import csv
import io

import openpyxl

from accounts.models import OrgUnit, Position, User
from core.models import AuditEvent

UNIT_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Viết tắt",
    "Địa danh",
    "Mã đơn vị cấp trên",
    "Cấp",
    "Loại hình",
    "Hiệu lực từ",
    "Hiệu lực đến",
    "Mã đơn vị kế thừa",
]
PEOPLE_HEADER = ["Tên đăng nhập", "Họ tên", "Email", "Mã cán bộ"]
POSITION_HEADER = ["Tên đăng nhập", "Mã đơn vị", "Vai trò", "Chức danh", "Đối tượng", "Từ ngày", "Đến ngày"]
# An executable renamed to .csv or .xlsx: neither a spreadsheet nor UTF-8 text.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4


def csv_bytes(rows, *, bom=True, delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_row(code, name, parent="", level="Cấp tỉnh", **extra) -> list:
    row = dict(zip(UNIT_HEADER, [code, name, "", "", parent, level, "", "01/01/2021", "", ""], strict=True))
    row.update(extra)
    return list(row.values())


def errors_by_row(result) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(f"{error.column}: {error.message}")
    return found


def counts() -> tuple[int, int, int, int]:
    return OrgUnit.objects.count(), User.objects.count(), Position.objects.count(), AuditEvent.objects.count()
