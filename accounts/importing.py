"""Import of units, people and positions from CSV or XLSX (spec README §2), for the browser and `import_org`.

The pipeline:

1. `check_file`/`read_table` judge the file by its content, never its name: XLSX is a zip holding a
   workbook, CSV must be UTF-8 text (with or without BOM; comma, semicolon or tab separated). Row numbers
   are the ones the user sees in the spreadsheet: the header is row 1.
2. A planner per kind turns rows into model instances: new ones to create and existing ones to update
   (same unit code, same username, or for positions the same person + unit + role + start date). Each row
   is validated by the model itself (`full_clean()`, so `OrgUnit.clean()` and `Position.clean()`) plus the
   checks only a whole file can make: duplicates, references to rows further down, loops in the tree,
   heads overlapping inside the file.
3. Nothing is written unless every row is valid. Writes are bulk operations inside one transaction,
   followed by one audit event. A dry run goes through the same steps and rolls back.

Rules the user should know (also shown on the upload page):
- On update a blank cell keeps the current value: an import never erases data.
- Cell text is data: a cell starting with = + - @ is stored as typed and never evaluated; XLSX formula
  cells are read as their formula text, not computed.
- New people get an unusable password: they cannot sign in until an administrator sends them a password
  reset (or sets a password in the admin).
"""

import csv
import dataclasses
import datetime
import functools
import io
import re
import secrets
import time
import unicodedata
import warnings
import zipfile
from pathlib import Path

import openpyxl
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.text import fold

from .models import OrgUnit, Position, User

# Bounds the memory and time of one request; an agency's thousands of staff fit many times over.
MAX_ROWS = 50_000
# XLSX is compressed: refuse a "zip bomb" before any XML is parsed.
MAX_XLSX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
PREVIEW_ROWS = 50
BATCH_SIZE = 500
# bulk_update writes CASE WHEN pk=… per field: its cost grows with the batch, so it gets smaller batches.
UPDATE_BATCH_SIZE = 100
# Lookups by code/username go in chunks: SQLite limits the number of parameters of one query.
LOOKUP_CHUNK = 500

PENDING_SALT = "accounts.importing.pending"
PENDING_MAX_AGE = 2 * 3600
_PENDING_NAME = re.compile(r"[0-9a-f]{32}")


# --- Kinds and columns --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    # The header written in the sample file. Headers are part of the file format, not UI text: they are not
    # translated, and a header matches whatever its case and accents ("MA DON VI" == "Mã đơn vị").
    header: str
    help: str = ""
    required: bool = False  # the column must be in the file and filled on every row
    required_on_create: bool = False  # filled on every row that creates a record
    aliases: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Kind:
    key: str
    label: str
    columns: tuple[Column, ...]
    example: tuple[str, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


_DATE_HELP = gettext_lazy("Ngày dạng dd/mm/yyyy, hoặc ô ngày của Excel.")

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            key="units",
            label=gettext_lazy("Cơ quan, đơn vị"),
            columns=(
                Column(
                    "ma_don_vi", "Mã đơn vị", gettext_lazy("Mã duy nhất; mã đã có thì dòng là cập nhật."), required=True
                ),
                Column("ten_don_vi", "Tên đơn vị", required_on_create=True),
                Column("viet_tat", "Viết tắt", gettext_lazy("Dùng trong số văn bản, ví dụ: UBND, SNV.")),
                Column("dia_danh", "Địa danh", gettext_lazy("Ví dụ: Hạ Long.")),
                Column(
                    "ma_don_vi_cap_tren",
                    "Mã đơn vị cấp trên",
                    gettext_lazy("Đơn vị đã có hoặc có trong cùng tệp (kể cả ở dòng sau)."),
                ),
                Column(
                    "cap", "Cấp", gettext_lazy("Trung ương, Cấp tỉnh, Cấp xã hoặc Cấp huyện."), required_on_create=True
                ),
                Column(
                    "loai_hinh",
                    "Loại hình",
                    gettext_lazy("Cơ quan hành chính nhà nước (mặc định), Đơn vị sự nghiệp công lập, Doanh nghiệp."),
                ),
                Column("hieu_luc_tu", "Hiệu lực từ", _DATE_HELP),
                Column("hieu_luc_den", "Hiệu lực đến", _DATE_HELP),
                Column("ma_don_vi_ke_thua", "Mã đơn vị kế thừa", gettext_lazy("Đơn vị tiếp nhận sau sáp nhập.")),
            ),
            example=(
                "UBND-XX",
                "Ủy ban nhân dân tỉnh X",
                "UBND",
                "Hạ Long",
                "",
                "Cấp tỉnh",
                "Cơ quan hành chính nhà nước",
                "01/01/2020",
                "",
                "",
            ),
        ),
        Kind(
            key="people",
            label=gettext_lazy("Cán bộ (tài khoản)"),
            columns=(
                Column(
                    "ten_dang_nhap",
                    "Tên đăng nhập",
                    gettext_lazy("Tên đăng nhập đã có thì dòng là cập nhật."),
                    required=True,
                ),
                Column("ho_ten", "Họ tên", required_on_create=True, aliases=("ho_va_ten",)),
                Column("email", "Email", aliases=("e_mail", "thu_dien_tu")),
                Column("ma_can_bo", "Mã cán bộ", gettext_lazy("Duy nhất nếu có.")),
            ),
            example=("nguyenvana", "Nguyễn Văn A", "nguyenvana@example.gov.vn", "CB0001"),
        ),
        Kind(
            key="positions",
            label=gettext_lazy("Chức vụ"),
            columns=(
                Column("ten_dang_nhap", "Tên đăng nhập", gettext_lazy("Cán bộ đã có tài khoản."), required=True),
                Column("ma_don_vi", "Mã đơn vị", gettext_lazy("Đơn vị đã có."), required=True),
                Column(
                    "vai_tro",
                    "Vai trò",
                    gettext_lazy("Người đứng đầu, Cấp phó, Cán bộ, Cơ quan tham mưu, Kiểm tra."),
                    required=True,
                ),
                Column("chuc_danh", "Chức danh", gettext_lazy("Ví dụ: Giám đốc Sở.")),
                Column("doi_tuong", "Đối tượng", gettext_lazy("Đối tượng theo Điều 2; mặc định: không thuộc Điều 2.")),
                Column(
                    "tu_ngay",
                    "Từ ngày",
                    gettext_lazy("dd/mm/yyyy. Cùng cán bộ, đơn vị, vai trò và từ ngày thì dòng là cập nhật."),
                    required=True,
                ),
                Column("den_ngay", "Đến ngày", _DATE_HELP),
            ),
            example=("nguyenvana", "UBND-XX", "Cấp phó", "Phó Chủ tịch", "", "01/01/2024", ""),
        ),
    )
}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS.values()]


def normalize_key(text) -> str:
    """The form in which headers and labels are compared: "Mã Đơn Vị" → "ma_don_vi"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(str(text))).strip("_")


# --- Result ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class RowError:
    row: int | None  # as numbered in the spreadsheet (header = 1); None for the file as a whole
    message: str
    column: str = ""


@dataclasses.dataclass
class PlannedRow:
    row: int
    obj: object
    cells: list[tuple[str, bool]]  # (value shown, changed by this row) in the order of Kind.columns


@dataclasses.dataclass
class ImportResult:
    kind: str
    to_create: list[PlannedRow] = dataclasses.field(default_factory=list)
    to_update: list[PlannedRow] = dataclasses.field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.to_create or self.to_update)

    def add_error(self, row: int | None, message: str, column: str = "") -> None:
        self.errors.append(RowError(row=row, message=str(message), column=column))


class ImportFileError(Exception):
    """The file as a whole cannot be used; the message is for the user."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


class _CellError(Exception):
    pass


class _Abort(Exception):
    """Raised inside the transaction to roll it back after an error was recorded."""


# --- Reading the file -----------------------------------------------------------------------------------

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


# --- Cells ----------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores every number as a float: 1234 arrives as 1234.0
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value:%d/%m/%Y}"
    return unicodedata.normalize("NFC", str(value)).strip()


_DATE_FIELD = forms.DateField()


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    # The project's DATE_INPUT_FORMATS (config/formats): day first, 05/04/2026 is 5 April; ISO also accepted.
    try:
        return _DATE_FIELD.clean(text)
    except ValidationError as exc:
        raise _CellError(_("«%(value)s» không phải ngày dạng dd/mm/yyyy.") % {"value": text}) from exc


_CHOICE_ALIASES = {
    OrgUnit.Level: {
        "tw": "central",
        "trung_uong": "central",
        "tinh": "province",
        "xa": "commune",
        "phuong": "commune",
        "huyen": "district",
        "cap_huyen": "district",
    },
    OrgUnit.Kind: {
        "co_quan_hanh_chinh": "state_agency",
        "hanh_chinh": "state_agency",
        "su_nghiep": "public_service",
        "don_vi_su_nghiep": "public_service",
        "doanh_nghiep": "enterprise",
    },
    Position.Role: {
        "truong": "head",
        "dung_dau": "head",
        "pho": "deputy",
        "can_bo": "staff",
        "cong_chuc": "staff",
        "vien_chuc": "staff",
        "chuyen_vien": "staff",
        "tham_muu": "secretariat",
        "to_chuc_can_bo": "secretariat",
        "thanh_tra": "inspector",
        "kiem_tra": "inspector",
    },
    Position.Category: {"khac": "other", "khong": "other", "khong_thuoc_dieu_2": "other"},
}


@functools.cache
def _choice_lookup(choices) -> dict[str, str]:
    """Normalised code, Vietnamese label and English label → stored value."""
    lookup = {}
    for value, label in choices.choices:
        lookup[normalize_key(value)] = value
        for language in ("vi", "en"):
            with translation.override(language):
                lookup[normalize_key(label)] = value
    lookup.update(_CHOICE_ALIASES.get(choices, {}))
    return lookup


def _choice(value, choices) -> str | None:
    text = _text(value)
    if not text:
        return None
    found = _choice_lookup(choices).get(normalize_key(text))
    if found is None:
        allowed = ", ".join(str(label) for label in choices.labels)
        raise _CellError(
            _("«%(value)s» không hợp lệ. Dùng một trong: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return found


def _chunks(values, size: int = LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _fmt_date(value: datetime.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


# --- Planning -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Row:
    number: int
    values: dict[str, object]

    def text(self, key: str) -> str:
        return _text(self.values.get(key))


@dataclasses.dataclass
class _Item:
    """One valid-so-far row on its way to becoming a PlannedRow."""

    row: _Row
    obj: object
    is_new: bool
    before: dict[str, str]
    errors: int = 0
    bad: set[str] = dataclasses.field(default_factory=set)  # columns already reported on this row
    skip_clean: bool = False
    refs: dict[str, str | None] = dataclasses.field(default_factory=dict)


class _Planner:
    """Shared steps; a subclass per kind knows its model, columns and how to write in bulk."""

    kind: Kind
    field_columns: dict[str, str]  # model field → column key, to place model errors on their column

    def __init__(self, result: ImportResult, headers: dict[str, str]):
        self.result = result
        self.headers = headers  # column key → header as written in the file
        self.items: list[_Item] = []

    def error(self, row: int | None, message: str, key: str = "") -> None:
        self.result.add_error(row, message, self.headers.get(key, key))

    def fail(self, item: _Item, message: str, key: str = "") -> None:
        self.error(item.row.number, message, key)
        item.errors += 1
        item.bad.add(key)

    def cell(self, item: _Item, key: str, parse):
        """The parsed cell, or None when blank or wrong (the error is recorded on the row)."""
        try:
            return parse(item.row.values.get(key))
        except _CellError as exc:
            self.fail(item, str(exc), key)
            return None

    def model_errors(self, row: int, exc: ValidationError) -> None:
        """A model's ValidationError, each message on the column of its field."""
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for field, messages in errors.items():
            for message in messages:
                self.error(row, message, self.field_columns.get(field, ""))

    def validate(self, item: _Item, exclude: list[str], *, with_clean: bool = True) -> None:
        """The model's own checks. On a row that already has errors only the field checks run, on the
        columns not yet reported: clean() would judge values that could not be read."""
        exclude = exclude + [field for field, key in self.field_columns.items() if key in item.bad]
        try:
            if item.errors or not with_clean:
                item.obj.clean_fields(exclude=exclude)
            else:
                # Uniqueness and foreign keys were resolved for the whole file in a few queries; the
                # model's constraints are the ones its clean() checks: neither is re-queried row by row.
                item.obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            item.errors += 1
            self.model_errors(item.row.number, exc)

    def require(self, item: _Item) -> None:
        for column in self.kind.columns:
            if (column.required or (item.is_new and column.required_on_create)) and not item.row.text(column.key):
                self.fail(item, _("Thiếu giá trị bắt buộc."), column.key)

    def finish(self) -> None:
        for item in self.items:
            if item.errors:
                continue
            after = self.snapshot(item)
            changed = {key for key, value in after.items() if value != item.before.get(key)}
            planned = PlannedRow(
                row=item.row.number,
                obj=item.obj,
                cells=[(after.get(c.key, ""), not item.is_new and c.key in changed) for c in self.kind.columns],
            )
            if item.is_new:
                self.result.to_create.append(planned)
            elif changed:
                self.result.to_update.append(planned)
            else:
                self.result.unchanged += 1

    def changed_items(self) -> list[_Item]:
        """Rows that create, or change something: unchanged rows are neither validated nor written."""
        return [item for item in self.items if item.is_new or self.snapshot(item) != item.before]

    def check_in_transaction(self) -> None:
        """Checks that need this file's updates already in the database (positions)."""

    def plan(self, rows: list[_Row]) -> None:
        raise NotImplementedError

    def snapshot(self, item: _Item) -> dict[str, str]:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError


class _UnitPlanner(_Planner):
    kind = KINDS["units"]
    field_columns = {
        "code": "ma_don_vi",
        "name": "ten_don_vi",
        "abbreviation": "viet_tat",
        "place_name": "dia_danh",
        "parent": "ma_don_vi_cap_tren",
        "level": "cap",
        "kind": "loai_hinh",
        "valid_from": "hieu_luc_tu",
        "valid_to": "hieu_luc_den",
        "successor": "ma_don_vi_ke_thua",
    }
    exclude = ["parent", "successor", "path"]

    def plan(self, rows: list[_Row]) -> None:
        # Every unit, once: thousands at most, and the whole tree is needed to recompute paths and find loops.
        self.existing: dict[str, OrgUnit] = {unit.code: unit for unit in OrgUnit.objects.all()}
        by_pk = {unit.pk: unit for unit in self.existing.values()}
        for unit in self.existing.values():
            # Parents in memory: OrgUnit.clean() walks up the tree and must not query at each step.
            unit.parent = by_pk.get(unit.parent_id)
        self.code_of = {unit.pk: unit.code for unit in self.existing.values()}

        first_row: dict[str, int] = {}
        for row in rows:
            code = row.text("ma_don_vi")
            if code and code in first_row:
                self.error(
                    row.number,
                    _("Mã đơn vị «%(code)s» trùng với dòng %(row)d.") % {"code": code, "row": first_row[code]},
                    "ma_don_vi",
                )
                continue
            if code:
                first_row[code] = row.number
            unit = self.existing.get(code)
            item = _Item(row=row, obj=unit or OrgUnit(code=code), is_new=unit is None, before={})
            if unit is not None:
                item.before = self.snapshot(item)
            self.require(item)
            self.items.append(item)
        known = set(self.existing) | set(first_row)

        for item in self.items:
            unit, row = item.obj, item.row
            for key, field in (("ten_don_vi", "name"), ("viet_tat", "abbreviation"), ("dia_danh", "place_name")):
                if value := row.text(key):
                    setattr(unit, field, value)
            for key, field, parse in (
                ("cap", "level", lambda v: _choice(v, OrgUnit.Level)),
                ("loai_hinh", "kind", lambda v: _choice(v, OrgUnit.Kind)),
                ("hieu_luc_tu", "valid_from", _date),
                ("hieu_luc_den", "valid_to", _date),
            ):
                value = self.cell(item, key, parse)
                if value is not None:
                    setattr(unit, field, value)
            item.refs = {
                "parent": self.code_of.get(unit.parent_id) if unit.parent_id else None,
                "successor": self.code_of.get(unit.successor_id) if unit.successor_id else None,
            }
            for key, ref, message in (
                ("ma_don_vi_cap_tren", "parent", _("Đơn vị không thể là cấp trên của chính nó.")),
                ("ma_don_vi_ke_thua", "successor", _("Đơn vị không thể kế thừa chính nó.")),
            ):
                code = row.text(key)
                if not code:
                    continue
                if code == unit.code:
                    self.fail(item, message, key)
                elif code not in known:
                    self.fail(
                        item, _("Không tìm thấy đơn vị «%(code)s» trong hệ thống hay trong tệp.") % {"code": code}, key
                    )
                else:
                    item.refs[ref] = code
            # An existing parent is set now so that clean() can look for loops; a parent created by this
            # file gets its id when written.
            unit.parent = self.existing.get(item.refs["parent"]) if item.refs["parent"] else None

        self.check_loops()
        for item in self.changed_items():
            if not item.skip_clean:
                self.validate(item, self.exclude)
        self.finish()

    def check_loops(self) -> None:
        parent_of = {code: self.code_of.get(unit.parent_id) for code, unit in self.existing.items()}
        parent_of.update({item.obj.code: item.refs["parent"] for item in self.items if item.obj.code})
        for item in self.items:
            code, seen = item.obj.code, set()
            if not code:
                continue
            current = parent_of.get(code)
            while current is not None and current != code and current not in seen:
                seen.add(current)
                current = parent_of.get(current)
            if current == code:
                self.fail(item, _("Đơn vị cấp trên không được là chính nó hoặc đơn vị cấp dưới."), "ma_don_vi_cap_tren")
            elif current is not None:
                item.skip_clean = True  # above it is a loop, reported on the rows that form it

    def snapshot(self, item: _Item) -> dict[str, str]:
        unit = item.obj
        refs = item.refs or {
            "parent": self.code_of.get(unit.parent_id) if unit.parent_id else None,
            "successor": self.code_of.get(unit.successor_id) if unit.successor_id else None,
        }
        return {
            "ma_don_vi": unit.code,
            "ten_don_vi": unit.name,
            "viet_tat": unit.abbreviation,
            "dia_danh": unit.place_name,
            "ma_don_vi_cap_tren": refs["parent"] or "",
            "cap": str(unit.get_level_display()) if unit.level else "",
            "loai_hinh": str(unit.get_kind_display()),
            "hieu_luc_tu": _fmt_date(unit.valid_from),
            "hieu_luc_den": _fmt_date(unit.valid_to),
            "ma_don_vi_ke_thua": refs["successor"] or "",
        }

    def write(self) -> None:
        item_of = {item.obj.code: item for item in self.items}
        by_code = dict(self.existing)

        def ref_id(item: _Item, ref: str) -> int | None:
            code = item.refs[ref]
            return by_code[code].pk if code in by_code else None

        # Parents before children, so that every unit is inserted with its parent's id.
        depth: dict[str, int] = {}

        def depth_of(code: str) -> int:
            if code not in depth:
                parent = item_of[code].refs["parent"]
                depth[code] = depth_of(parent) + 1 if parent and parent not in self.existing else 0
            return depth[code]

        created = [planned.obj for planned in self.result.to_create]
        for level in sorted({depth_of(unit.code) for unit in created}):
            batch = [unit for unit in created if depth[unit.code] == level]
            for unit in batch:
                unit.parent_id = ref_id(item_of[unit.code], "parent")
                unit.successor_id = ref_id(item_of[unit.code], "successor")  # None if created later: see below
            OrgUnit.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            if any(unit.pk is None for unit in batch):  # a backend that cannot return ids from a bulk insert
                pks = {}
                for codes in _chunks(unit.code for unit in batch):
                    pks.update(OrgUnit.objects.filter(code__in=codes).values_list("code", "pk"))
                for unit in batch:
                    unit.pk = pks[unit.code]
            by_code.update((unit.code, unit) for unit in batch)

        late_successor = []
        for unit in created:
            successor_id = ref_id(item_of[unit.code], "successor")
            if successor_id != unit.successor_id:
                unit.successor_id = successor_id
                late_successor.append(unit)
        updated = [planned.obj for planned in self.result.to_update]
        for unit in updated:
            unit.parent_id = ref_id(item_of[unit.code], "parent")
            unit.successor_id = ref_id(item_of[unit.code], "successor")
        # bulk_update writes a CASE per field over its batch: only the rows and fields that need it.
        OrgUnit.objects.bulk_update(late_successor, ["successor"], batch_size=UPDATE_BATCH_SIZE)
        OrgUnit.objects.bulk_update(
            updated,
            ["name", "abbreviation", "place_name", "parent", "level", "kind", "valid_from", "valid_to", "successor"],
            batch_size=UPDATE_BATCH_SIZE,
        )
        self.write_paths(list(by_code.values()))

    def write_paths(self, units: list[OrgUnit]) -> None:
        """Set `path` (which OrgUnit.save() keeps one unit at a time) for the new units and every unit moved.

        Paths are computed here to find which units change and how deep they end up; the database then
        writes them one depth at a time, parents first, each as the parent's path + its own id.
        """
        by_pk = {unit.pk: unit for unit in units}
        paths: dict[int, str] = {}

        def path_of(unit: OrgUnit) -> str:
            chain = []
            while unit.pk not in paths:
                chain.append(unit)
                if unit.parent_id is None:
                    break
                unit = by_pk[unit.parent_id]
            for node in reversed(chain):
                paths[node.pk] = f"{paths[node.parent_id] if node.parent_id else '/'}{node.pk}/"
            return paths[chain[0].pk] if chain else paths[unit.pk]

        max_length = OrgUnit._meta.get_field("path").max_length
        levels: dict[int, list[int]] = {}
        for unit in units:
            new_path = path_of(unit)
            if len(new_path) > max_length:
                self.error(None, _("Cây đơn vị quá sâu tại đơn vị «%(code)s».") % {"code": unit.code})
                raise _Abort
            if new_path != unit.path:
                unit.path = new_path
                levels.setdefault(new_path.count("/"), []).append(unit.pk)
        parent_path = Subquery(OrgUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
        expression = Concat(
            Coalesce(parent_path, Value("/")), Cast("pk", CharField()), Value("/"), output_field=CharField()
        )
        for level in sorted(levels):
            for pks in _chunks(levels[level]):
                OrgUnit.objects.filter(pk__in=pks).update(path=expression)


class _PersonPlanner(_Planner):
    kind = KINDS["people"]
    field_columns = {"username": "ten_dang_nhap", "full_name": "ho_ten", "email": "email", "employee_code": "ma_can_bo"}
    exclude = ["password"]

    def plan(self, rows: list[_Row]) -> None:
        for row in rows:
            row.values["ten_dang_nhap"] = User.normalize_username(row.text("ten_dang_nhap"))
        usernames = {row.text("ten_dang_nhap") for row in rows} - {""}
        codes = {row.text("ma_can_bo") for row in rows} - {""}
        existing, taken_lower, code_owner = {}, {}, {}
        for chunk in _chunks(usernames):
            existing.update((user.username, user) for user in User.objects.filter(username__in=chunk))
        for chunk in _chunks({name.lower() for name in usernames}):
            taken = (
                User.objects.annotate(lower=Lower("username")).filter(lower__in=chunk).values_list("lower", "username")
            )
            taken_lower.update(taken)
        for chunk in _chunks(codes):
            code_owner.update(User.objects.filter(employee_code__in=chunk).values_list("employee_code", "username"))

        first_row: dict[str, int] = {}
        first_code_row: dict[str, int] = {}
        for row in rows:
            username = row.text("ten_dang_nhap")
            if username and username.lower() in first_row:
                self.error(
                    row.number,
                    _("Tên đăng nhập «%(name)s» trùng với dòng %(row)d.")
                    % {"name": username, "row": first_row[username.lower()]},
                    "ten_dang_nhap",
                )
                continue
            if username:
                first_row[username.lower()] = row.number
            user = existing.get(username)
            item = _Item(row=row, obj=user or User(username=username), is_new=user is None, before={})
            self.require(item)
            if user is None:
                # No password until an administrator sends a reset: an import must not invent credentials.
                item.obj.set_unusable_password()
                clash = taken_lower.get(username.lower())
                if clash:
                    self.fail(
                        item,
                        _("Đã có tài khoản «%(name)s» (chỉ khác chữ hoa, chữ thường).") % {"name": clash},
                        "ten_dang_nhap",
                    )
            else:
                item.before = self.snapshot(item)
            if name := row.text("ho_ten"):
                item.obj.full_name = name
            if email := row.text("email"):
                item.obj.email = email
            if code := row.text("ma_can_bo"):
                if code in first_code_row:
                    self.fail(
                        item,
                        _("Mã cán bộ «%(code)s» trùng với dòng %(row)d.") % {"code": code, "row": first_code_row[code]},
                        "ma_can_bo",
                    )
                else:
                    first_code_row[code] = row.number
                    if code_owner.get(code, username) != username:
                        self.fail(
                            item,
                            _("Mã cán bộ «%(code)s» đã thuộc về tài khoản «%(name)s».")
                            % {"code": code, "name": code_owner[code]},
                            "ma_can_bo",
                        )
                item.obj.employee_code = code
            self.items.append(item)
        for item in self.changed_items():
            self.validate(item, self.exclude)
        self.finish()

    def snapshot(self, item: _Item) -> dict[str, str]:
        user = item.obj
        return {
            "ten_dang_nhap": user.username,
            "ho_ten": user.full_name,
            "email": user.email,
            "ma_can_bo": user.employee_code or "",
        }

    def write(self) -> None:
        User.objects.bulk_create([planned.obj for planned in self.result.to_create], batch_size=BATCH_SIZE)
        User.objects.bulk_update(
            [planned.obj for planned in self.result.to_update],
            ["full_name", "email", "employee_code"],
            batch_size=UPDATE_BATCH_SIZE,
        )


class _PositionPlanner(_Planner):
    kind = KINDS["positions"]
    field_columns = {
        "person": "ten_dang_nhap",
        "unit": "ma_don_vi",
        "role": "vai_tro",
        "title": "chuc_danh",
        "category": "doi_tuong",
        "start_date": "tu_ngay",
        "end_date": "den_ngay",
    }
    exclude = ["person", "unit"]

    def plan(self, rows: list[_Row]) -> None:
        usernames = {row.text("ten_dang_nhap") for row in rows} - {""}
        codes = {row.text("ma_don_vi") for row in rows} - {""}
        people, units, existing = {}, {}, {}
        for chunk in _chunks(usernames):
            people.update((user.username, user) for user in User.objects.filter(username__in=chunk))
        for chunk in _chunks(codes):
            units.update((unit.code, unit) for unit in OrgUnit.objects.filter(code__in=chunk))
        for chunk in _chunks(user.pk for user in people.values()):
            for position in Position.objects.filter(person_id__in=chunk):
                existing[(position.person_id, position.unit_id, position.role, position.start_date)] = position

        first_row: dict[tuple, int] = {}
        for row in rows:
            item = _Item(row=row, obj=None, is_new=True, before={})
            self.require(item)
            person, unit = people.get(row.text("ten_dang_nhap")), units.get(row.text("ma_don_vi"))
            if row.text("ten_dang_nhap") and person is None:
                self.fail(
                    item,
                    _("Không có tài khoản «%(name)s». Hãy nhập danh sách cán bộ trước.")
                    % {"name": row.text("ten_dang_nhap")},
                    "ten_dang_nhap",
                )
            if row.text("ma_don_vi") and unit is None:
                self.fail(
                    item,
                    _("Không có đơn vị mã «%(code)s». Hãy nhập danh sách đơn vị trước.")
                    % {"code": row.text("ma_don_vi")},
                    "ma_don_vi",
                )
            role = self.cell(item, "vai_tro", lambda v: _choice(v, Position.Role))
            start = self.cell(item, "tu_ngay", _date)
            end = self.cell(item, "den_ngay", _date)
            category = self.cell(item, "doi_tuong", lambda v: _choice(v, Position.Category))
            if item.errors or not (person and unit and role and start):
                continue
            key = (person.pk, unit.pk, role, start)
            if key in first_row:
                self.error(
                    row.number,
                    _("Chức vụ này (cùng cán bộ, đơn vị, vai trò, từ ngày) trùng với dòng %(row)d.")
                    % {"row": first_row[key]},
                )
                continue
            first_row[key] = row.number
            position = existing.get(key)
            if position is None:
                position = Position(person=person, unit=unit, role=role, start_date=start)
            else:
                position.person, position.unit = person, unit  # in memory: no query to display or validate
                item.is_new = False
            item.obj = position
            if not item.is_new:
                item.before = self.snapshot(item)
            if title := row.text("chuc_danh"):
                position.title = title
            if category:
                position.category = category
            if end:
                position.end_date = end
            self.items.append(item)

        changed = self.changed_items()
        for item in changed:
            # The clean() of a new head must see the database as this file leaves it (an update row closing
            # the sitting head frees the post): it runs in check_in_transaction, after the updates. An
            # update changes only the end of a term, so for it the current database gives the same answer.
            new_head = item.is_new and item.obj.role == Position.Role.HEAD
            self.validate(item, self.exclude, with_clean=not new_head)
        self.check_heads_in_file(changed)
        self.finish()

    def check_heads_in_file(self, items: list[_Item]) -> None:
        """Heads of one unit whose terms overlap within the file (clean() sees only the database)."""
        by_unit: dict[int, list[_Item]] = {}
        for item in items:
            if not item.errors and item.obj.role == Position.Role.HEAD:
                by_unit.setdefault(item.obj.unit_id, []).append(item)
        for heads in by_unit.values():
            heads.sort(key=lambda item: item.obj.start_date)
            for index, later in enumerate(heads):
                for earlier in heads[:index]:
                    if earlier.obj.end_date is None or earlier.obj.end_date >= later.obj.start_date:
                        self.fail(
                            later,
                            _("Trùng thời gian với người đứng đầu ở dòng %(row)d.") % {"row": earlier.row.number},
                            "tu_ngay",
                        )
                        break

    def check_in_transaction(self) -> None:
        updates = [planned.obj for planned in self.result.to_update]
        Position.objects.bulk_update(updates, ["title", "category", "end_date"], batch_size=UPDATE_BATCH_SIZE)
        failed = set()
        for planned in self.result.to_create:
            if planned.obj.role != Position.Role.HEAD:
                continue  # the others went through full_clean() in plan()
            try:
                planned.obj.clean()
            except ValidationError as exc:
                failed.add(planned.row)
                self.model_errors(planned.row, exc)
        self.result.to_create = [planned for planned in self.result.to_create if planned.row not in failed]

    def snapshot(self, item: _Item) -> dict[str, str]:
        position = item.obj
        return {
            "ten_dang_nhap": position.person.username,
            "ma_don_vi": position.unit.code,
            "vai_tro": str(position.get_role_display()),
            "chuc_danh": position.title,
            "doi_tuong": str(position.get_category_display()),
            "tu_ngay": _fmt_date(position.start_date),
            "den_ngay": _fmt_date(position.end_date),
        }

    def write(self) -> None:
        # The updates were written by check_in_transaction.
        Position.objects.bulk_create([planned.obj for planned in self.result.to_create], batch_size=BATCH_SIZE)


_PLANNERS = {"units": _UnitPlanner, "people": _PersonPlanner, "positions": _PositionPlanner}


def _recognises(kind: Kind, names: set[str]) -> bool:
    keys = {normalize_key(name) for column in kind.columns for name in (column.key, column.header, *column.aliases)}
    return bool(names) and names <= keys


def _map_header(kind: Kind, header: list, result: ImportResult) -> dict[int, str]:
    """Column index → column key. Raises ImportFileError when a required column is missing."""
    lookup = {
        normalize_key(name): column.key
        for column in kind.columns
        for name in (column.key, column.header, *column.aliases)
    }
    mapping, unknown = {}, []
    for index, cell in enumerate(header):
        name = _text(cell)
        if not name:
            continue
        key = lookup.get(normalize_key(name))
        if key is None:
            unknown.append(name)
        elif key in mapping.values():
            raise ImportFileError(_("Cột «%(name)s» có hai lần ở dòng tiêu đề.") % {"name": name}, row=1)
        else:
            mapping[index] = key
    missing = [column.header for column in kind.columns if column.required and column.key not in mapping.values()]
    # Every header belongs to another kind: the user picked the wrong kind (a positions file as people...).
    names = {normalize_key(_text(cell)) for cell in header if _text(cell)}
    other = next((other for other in KINDS.values() if other is not kind and _recognises(other, names)), None)
    if other and (missing or unknown):
        raise ImportFileError(
            _("Các cột của tệp là của dữ liệu «%(other)s», không phải «%(kind)s»: hãy chọn đúng loại dữ liệu.")
            % {"other": other.label, "kind": kind.label},
            row=1,
        )
    if missing:
        raise ImportFileError(
            _("Dòng tiêu đề thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)}, row=1
        )
    if unknown:
        result.warnings.append(_("Bỏ qua các cột không dùng: %(columns)s.") % {"columns": ", ".join(unknown)})
    return mapping


def _run(*, kind: str, content: bytes, commit: bool, actor: User | None = None, file_name: str = "") -> ImportResult:
    if kind not in KINDS:
        raise ValueError(f"Unknown import kind: {kind!r}")
    started = time.monotonic()
    result = ImportResult(kind=kind)
    try:
        header, raw_rows = read_table(content)
        mapping = _map_header(KINDS[kind], header, result)
    except ImportFileError as exc:
        result.add_error(exc.row, str(exc))
        return result
    rows = [
        _Row(number, {key: cells[index] for index, key in mapping.items() if index < len(cells)})
        for number, cells in raw_rows
    ]
    planner = _PLANNERS[kind](result, headers={key: _text(header[index]) for index, key in mapping.items()})
    try:
        with transaction.atomic():
            planner.plan(rows)
            planner.check_in_transaction()
            if not result.ok or not commit:
                # A dry run (or a file with errors) leaves the database exactly as it was.
                transaction.set_rollback(True)
            else:
                planner.write()
                audit_record(
                    action="org_import",
                    obj=actor,
                    actor=actor,
                    payload={
                        "kind": kind,
                        "created": len(result.to_create),
                        "updated": len(result.to_update),
                        "file_name": file_name,
                    },
                )
                result.committed = True
    except _Abort:
        result.committed = False
    except IntegrityError:
        # Someone changed the same records between the checks and the writes.
        result.committed = False
        result.add_error(
            None,
            _("Dữ liệu trong hệ thống vừa thay đổi nên không ghi được; không có gì được ghi. Hãy kiểm tra lại tệp."),
        )
    result.errors.sort(key=lambda error: error.row or 0)
    result.seconds = time.monotonic() - started
    return result


def org_import_preview(*, kind: str, content: bytes) -> ImportResult:
    """Check a file and say what importing it would do; writes nothing."""
    return _run(kind=kind, content=content, commit=False)


def org_import_commit(*, kind: str, content: bytes, actor: User, file_name: str) -> ImportResult:
    """Check the file again and, if every row is valid, write it all and record one audit event."""
    if not actor.may_import_organisation():
        raise PermissionDenied(_("Bạn không có quyền nhập dữ liệu tổ chức."))
    return _run(kind=kind, content=content, commit=True, actor=actor, file_name=file_name)


def sample_rows(kind: str) -> list[list[str]]:
    """The header and one example row of the downloadable CSV template."""
    return [KINDS[kind].headers, list(KINDS[kind].example)]


# --- Keeping the upload between preview and confirm -----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PendingImport:
    name: str
    kind: str
    file_name: str
    content: bytes


class PendingImportGone(Exception):
    """The token is invalid, expired, someone else's, or its file was already imported."""


def _pending_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def pending_store(*, content: bytes, kind: str, file_name: str, user: User) -> str:
    """Keep the upload under a random name in a private folder; return a signed token bound to `user`."""
    folder = _pending_dir()
    limit = time.time() - PENDING_MAX_AGE
    for stale in folder.iterdir():  # files of previews that were never confirmed
        if stale.is_file() and stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    (folder / name).write_bytes(content)
    (folder / name).chmod(0o600)
    return signing.dumps({"f": name, "k": kind, "u": user.pk, "n": file_name[:200]}, salt=PENDING_SALT, compress=True)


def pending_load(*, token: str, user: User) -> PendingImport:
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature as exc:
        raise PendingImportGone from exc
    name = data.get("f", "")
    if data.get("u") != user.pk or data.get("k") not in KINDS or not _PENDING_NAME.fullmatch(name):
        raise PendingImportGone
    try:
        content = (_pending_dir() / name).read_bytes()
    except OSError as exc:
        raise PendingImportGone from exc
    return PendingImport(name=name, kind=data["k"], file_name=data.get("n", ""), content=content)


def pending_discard(pending: PendingImport) -> None:
    (_pending_dir() / pending.name).unlink(missing_ok=True)
