"""The annual review report's files (issue 9 item 5; spec reports.md): XLSX with native charts, the Decree 30
"BÁO CÁO" as PDF, and CSV (the data table, and the detail sheet on its own).

One `AnnualDocument` feeds every format: the outline I–VI with the narrative the unit's staff wrote, the data
table (reports.figures), the charts drawn from it (reports.charts: the same definition serves the page, the PDF and
the workbook) and the detail rows (reports.detail), read afresh for each file and never held in memory whole.

Every file is an administrative document: written in Vietnamese whatever the interface language.

Formula injection: a cell of user text beginning with "=", "+", "-", "@" (or a tab or carriage return) is never a
formula. The CSV files prefix it with an apostrophe (`safe_cell`); the workbook writes every string with
`write_string` (no type guessing: `strings_to_formulas` and `strings_to_urls` are off) and marks such a cell
"quote prefix", so that Excel keeps it as text even when someone edits it.
"""

import csv
import dataclasses
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

import xlsxwriter
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.models import OrgUnit
from core.documents import Header, header, in_vietnamese, render_pdf
from evaluation.models import EncouragementForm, Outcome

from .charts import Chart, Series
from .detail import DATE_KEYS, DETAIL_COLUMNS, MONEY_KEYS, USER_TEXT_KEYS
from .figures import COLUMNS, GROUP_TITLES, MEASURE_GROUPS, NOT_APPLICABLE, PARTY_GROUPS, Row, Table
from .models import OUTLINE
from .periods import Kind, Period

# What a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_APPLICABLE_MARK = "—"
# The PDF prints the data table turned on its side, at most this many units side by side (plus the total).
PDF_UNITS_PER_BLOCK = 6
PDF_FONT = "Tinos, serif"  # templates/documents/document.css
# Sheet names stay ASCII: chart references and older spreadsheet programs quote them without trouble.
SHEET_OUTLINE, SHEET_TABLE, SHEET_CHARTS, SHEET_DETAIL = "Bao cao", "Bieu so lieu", "Bieu do", "Chi tiet"
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()


def noop(fraction: float, step: str) -> None:
    """The default progress callback: nobody is watching."""


def safe_cell(value):
    """`value`, or for text a spreadsheet would run as a formula, the same text behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclasses.dataclass
class AnnualDocument:
    unit: OrgUnit
    year: int
    period: Period
    number: str  # "" while a draft: the PDF prints "Số: …/BC-<abbr>" and a "DỰ THẢO" mark
    issued_on: datetime.date | None  # None while a draft: "ngày … tháng … năm …"
    signer_name: str
    signer_title: str
    recipients: list[str]  # "Nơi nhận"; "Lưu: VT" is added
    narrative: dict[str, str]  # keys: reports.models.NARRATIVE_FIELDS
    table: Table
    detail: Callable[[], Iterable[list]]  # a fresh iterator of detail rows at each call
    internal: bool = False  # "BÁO CÁO NỘI BỘ" (reports.md: the quarterly report has no legal source)

    @property
    def draft(self) -> bool:
        return not self.number


# --- What every format says ---------------------------------------------------------------------------------


def row_label(row: Row) -> str:
    """The unit a data-table row stands for: the reporting unit's own proposals are "(trực tiếp)"."""
    if row.unit is None:
        return _("Tổng cộng")
    if row.own_only:
        return _("%(unit)s (trực tiếp)") % {"unit": row.unit.name}
    return row.unit.name


def _document_type(doc: AnnualDocument) -> str:
    return _("Báo cáo nội bộ") if doc.internal else _("Báo cáo")


def _subject(doc: AnnualDocument) -> str:
    return _(
        "Kết quả thực hiện Nghị định số 73/2023/NĐ-CP ngày 29/9/2023 của Chính phủ quy định về khuyến khích, bảo vệ "
        "cán bộ năng động, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung năm %(year)s"
    ) % {"year": doc.year}


def _period_line(doc: AnnualDocument) -> str:
    """reports.md "Cut-off dates": which kind of period, and its first and last day."""
    kind = _("theo Nghị định số 09/2019/NĐ-CP") if doc.period.kind == Kind.DECREE_09 else _("năm dương lịch")
    return _("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s (%(kind)s)") % {
        "start": f"{doc.period.start:%d/%m/%Y}", "end": f"{doc.period.end:%d/%m/%Y}", "kind": kind,
    }


def _number(doc: AnnualDocument) -> str:
    """The report's number, or while a draft the blank the register will fill: "…/BC-SNV" (documents.md)."""
    return doc.number or f"…/BC-{doc.unit.abbreviation or doc.unit.code}"


def _header(doc: AnnualDocument) -> Header:
    if doc.issued_on:
        return header(doc.unit, number=_number(doc), day=doc.issued_on)
    # Not issued yet: the day is left blank, as on a draft on paper (Decree 30: "ngày … tháng … năm …").
    today = timezone.localdate()
    blank_date = f"ngày … tháng … năm {today.year}"
    place = f"{doc.unit.place_name}, {blank_date}" if doc.unit.place_name else blank_date[:1].upper() + blank_date[1:]
    return dataclasses.replace(header(doc.unit, number=_number(doc), day=today), place_date=place)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _sections(doc: AnnualDocument) -> list[tuple[str, str, list[str]]]:
    """(numeral, heading, paragraphs) of the outline I–VI (reports.md "Annual review report — outline")."""
    return [(numeral, str(heading), _paragraphs(doc.narrative.get(field, ""))) for numeral, field, heading in OUTLINE]


def _recipients(doc: AnnualDocument) -> list[str]:
    return [*doc.recipients, _("Lưu: VT")]


def _figure(value: int | None) -> str:
    """1.500.000: Vietnamese groups thousands with dots; "—" where the column does not apply."""
    return NOT_APPLICABLE_MARK if value is None else f"{value:,}".replace(",", ".")


def _group_label(group: int) -> str:
    return f"({group}) {GROUP_TITLES[group]}"


def _groups() -> list[tuple[int, list[int]]]:
    """The spec's columns in order, each with the indexes of its sub-columns in COLUMNS."""
    groups: list[tuple[int, list[int]]] = []
    for index, column in enumerate(COLUMNS):
        if not groups or groups[-1][0] != column.group:
            groups.append((column.group, []))
        groups[-1][1].append(index)
    return groups


@in_vietnamese
def annual_charts(table: Table) -> list[Chart]:
    """The report's charts: the units' proposals, the outcomes, protection and encouragement (reports.md columns 2,
    5–7, 12–14). Approved = passed by the collective (column 5) plus decided by the head over it (column 6)."""
    rows = table.rows
    total = table.total
    units = Chart(
        key="units",
        title=_("Đề xuất tiếp nhận, cho triển khai và không chấp thuận theo đơn vị"),
        categories=tuple(row_label(row) for row in rows),
        series=(
            Series(_("Tiếp nhận"), tuple(row.value("c2_received") for row in rows)),
            Series(_("Cho triển khai"), tuple(row.value("c5_passed") + row.value("c6_override") for row in rows)),
            Series(_("Không chấp thuận"), tuple(row.value("c7_rejected") for row in rows)),
        ),
        unit_label=_("đề xuất"),
    )
    outcomes = Chart(
        key="outcomes",
        title=_("Kết quả thực hiện các đề xuất đã đánh giá"),
        categories=(str(Outcome.COMPLETED.label), str(Outcome.PARTIAL.label), str(Outcome.NOT_COMPLETED.label)),
        series=(Series(_("Số đề xuất"), tuple(
            total.value(key) for key in ("c12_completed", "c12_partial", "c12_not_completed")
        )),),
        unit_label=_("đề xuất"),
    )
    measures = [
        (str(label), sum(total.value(f"c13_{measure}_{party}") for party in PARTY_GROUPS))
        for measure, (label, _measures) in MEASURE_GROUPS.items()
    ]
    forms = [(str(label), total.value(f"c14_{form}")) for form, label in EncouragementForm.choices]
    protection = Chart(
        key="protection",
        title=_("Biện pháp bảo vệ đã đề nghị và hình thức khuyến khích"),
        categories=tuple(label for label, _value in measures + forms),
        series=(Series(_("Số lượt"), tuple(value for _label, value in measures + forms)),),
        unit_label=_("lượt"),
    )
    return [units, outcomes, protection]


# --- XLSX ---------------------------------------------------------------------------------------------------------


class _Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, workbook):
        add = workbook.add_format
        self.bold = add({"bold": True})
        self.title = add({"bold": True, "font_size": 14, "align": "center"})
        self.centre_bold = add({"bold": True, "align": "center"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.heading = add({"bold": True, "text_wrap": True, "valign": "top"})
        self.italic = add({"italic": True})
        self.quoted = add({"quote_prefix": True})
        self.wrap_quoted = add({"text_wrap": True, "valign": "top", "quote_prefix": True})
        self.header = add({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1})
        self.cell = add({"border": 1})
        self.cell_quoted = add({"border": 1, "quote_prefix": True})
        self.number = add({"border": 1, "num_format": "#,##0"})
        self.total_label = add({"border": 1, "bold": True})
        self.total_number = add({"border": 1, "bold": True, "num_format": "#,##0"})
        self.not_applicable = add({"border": 1, "align": "center"})
        self.date = add({"num_format": "dd/mm/yyyy"})
        self.money = add({"num_format": "#,##0"})


def _text(sheet, row: int, col: int, value: str, plain, quoted) -> None:
    """User text, always a string cell; text that looks like a formula keeps Excel's quote prefix."""
    sheet.write_string(row, col, value, quoted if value.startswith(FORMULA_START) else plain)


@in_vietnamese
def write_xlsx(doc: AnnualDocument, out: BinaryIO, progress: Callable[[float, str], None] = noop) -> int:
    """The workbook: "Bao cao" (the outline), "Bieu so lieu" (the data table), "Bieu do" (the charts over their data),
    "Chi tiet" (one row per proposal). Rows go to disk as they are written (constant_memory): memory stays flat
    whatever the number of proposals. Returns the number of detail rows."""
    with tempfile.TemporaryDirectory(prefix="annual-xlsx-") as tmpdir:
        workbook = xlsxwriter.Workbook(out, {
            "constant_memory": True, "in_memory": False, "tmpdir": tmpdir,
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        formats = _Formats(workbook)
        progress(0.0, _("Đang lập phần nội dung báo cáo"))
        _outline_sheet(workbook.add_worksheet(SHEET_OUTLINE), doc, formats)
        progress(0.02, _("Đang lập biểu số liệu"))
        _table_sheet(workbook.add_worksheet(SHEET_TABLE), doc, formats)
        _charts_sheet(workbook, workbook.add_worksheet(SHEET_CHARTS), annual_charts(doc.table), formats)
        progress(0.05, _("Đang lập danh sách chi tiết"))
        count = _detail_sheet(workbook.add_worksheet(SHEET_DETAIL), doc, formats, progress)
        progress(0.95, _("Đang đóng gói tệp Excel"))
        workbook.close()
    progress(1.0, _("Đã lập xong tệp Excel"))
    return count


def _outline_sheet(sheet, doc: AnnualDocument, f: _Formats) -> None:
    sheet.set_column(0, 0, 110)
    head = _header(doc)
    lines = [
        (head.parent, f.bold), (head.issuer, f.bold), (_("Số:") + " " + head.number, None), (head.place_date, f.italic),
        ("", None), (_document_type(doc).upper(), f.title), (_subject(doc), f.heading), (_period_line(doc), f.italic),
    ]
    if doc.draft:
        lines.append((_("DỰ THẢO"), f.centre_bold))
    row = 0
    for text, style in lines:
        if text:
            _text(sheet, row, 0, text, style or f.wrap, f.wrap_quoted)
        row += 1
    for numeral, heading, paragraphs in _sections(doc):
        row += 1
        sheet.write_string(row, 0, f"{numeral}. {heading}", f.heading)
        row += 1
        for paragraph in paragraphs or [_("(Chưa có nội dung)")]:
            _text(sheet, row, 0, paragraph, f.wrap, f.wrap_quoted)
            row += 1
        if numeral == "II":
            sheet.write_string(row, 0, _(
                "Số liệu: biểu \"%(table)s\" (một dòng cho mỗi đơn vị và dòng tổng cộng), biểu đồ tại \"%(charts)s\", "
                "danh sách từng đề xuất tại \"%(detail)s\"."
            ) % {"table": SHEET_TABLE, "charts": SHEET_CHARTS, "detail": SHEET_DETAIL}, f.wrap)
            row += 1
    row += 1
    sheet.write_string(row, 0, _("Nơi nhận:"), f.bold)
    for line in _recipients(doc):
        row += 1
        _text(sheet, row, 0, f"- {line}", f.wrap, f.wrap_quoted)
    row += 2
    if doc.signer_title:
        _text(sheet, row, 0, doc.signer_title.upper(), f.bold, f.quoted)
    if doc.signer_name:
        _text(sheet, row + 1, 0, doc.signer_name, f.bold, f.quoted)


def _table_sheet(sheet, doc: AnnualDocument, f: _Formats) -> None:
    """Two header rows (the spec's column, merged over its sub-columns; then the sub-columns), a row per unit and the
    total. Rows are written in order (constant_memory): the unit column's vertical merge closes the first row."""
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, len(COLUMNS), 16)
    _text(sheet, 0, 0, _("Biểu số liệu kết quả thực hiện Nghị định số 73/2023/NĐ-CP năm %(year)s") % {"year": doc.year},
          f.bold, f.quoted)
    _text(sheet, 1, 0, f"{doc.unit.name} — {_period_line(doc)}", f.italic, f.quoted)
    top, sub = 3, 4
    sheet.set_row(top, 60)
    sheet.set_row(sub, 90)
    for group, indexes in _groups():
        first, last = indexes[0] + 1, indexes[-1] + 1
        if first == last:
            sheet.write_string(top, first, _group_label(group), f.header)
        else:
            sheet.merge_range(top, first, top, last, _group_label(group), f.header)
    sheet.merge_range(top, 0, sub, 0, _("Cơ quan, đơn vị"), f.header)
    for col, column in enumerate(COLUMNS, start=1):
        sheet.write_string(sub, col, str(column.title), f.header)
    row = sub
    for table_row in [*doc.table.rows, doc.table.total]:
        row += 1
        total = table_row.unit is None
        _text(sheet, row, 0, row_label(table_row), f.total_label if total else f.cell, f.cell_quoted)
        for col, (column, value) in enumerate(zip(COLUMNS, table_row.cells(), strict=True), start=1):
            if column.key in NOT_APPLICABLE:
                sheet.write_string(row, col, NOT_APPLICABLE_MARK, f.not_applicable)
            else:
                sheet.write_number(row, col, value, f.total_number if total else f.number)
    sheet.freeze_panes(sub + 1, 1)


def _charts_sheet(workbook, sheet, charts: list[Chart], f: _Formats) -> None:
    """Each chart's data (a row per category, a column per series) with a native bar chart over those cells: the
    numbers stay readable beside the drawing (screen readers, printing)."""
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, max(len(chart.series) for chart in charts), 16)
    row = 0
    for chart in charts:
        sheet.write_string(row, 0, chart.title, f.bold)
        header_row = row + 1
        sheet.write_string(header_row, 0, _("Đơn vị tính: %(unit)s") % {"unit": chart.unit_label}, f.header)
        for col, series in enumerate(chart.series, start=1):
            sheet.write_string(header_row, col, series.name, f.header)
        first = header_row + 1
        for offset, (category, values) in enumerate(chart.rows()):
            _text(sheet, first + offset, 0, category, f.cell, f.cell_quoted)
            for col, value in enumerate(values, start=1):
                sheet.write_number(first + offset, col, value, f.number)
        last = first + len(chart.categories) - 1
        native = workbook.add_chart({"type": "bar"})
        for col in range(1, len(chart.series) + 1):
            native.add_series({
                "name": [SHEET_CHARTS, header_row, col],
                "categories": [SHEET_CHARTS, first, 0, last, 0],
                "values": [SHEET_CHARTS, first, col, last, col],
                "data_labels": {"value": True},
            })
        native.set_title({"name": chart.title, "name_font": {"size": 12}})
        native.set_y_axis({"reverse": True})  # categories top to bottom, in the table's order
        native.set_legend({"position": "bottom"})
        height = max(288, 60 + 22 * len(chart.categories) * len(chart.series))
        native.set_size({"width": 720, "height": height})
        sheet.insert_chart(row, len(chart.series) + 2, native)
        row = max(last + 2, row + height // 20 + 1)


def _detail_step(done: int, expected: int) -> str:
    """What the progress bar says while the detail is written. The total is the data table's column 2 (the proposals
    received in the period): the detail's rows, known without counting them again."""
    return _("Đang lập danh sách chi tiết: %(done)s/%(total)s đề xuất") % {
        "done": _figure(done), "total": _figure(expected),
    }


def _detail_sheet(sheet, doc: AnnualDocument, f: _Formats, progress) -> int:
    keys = [key for key, _title in DETAIL_COLUMNS]
    for col, (key, title) in enumerate(DETAIL_COLUMNS):
        sheet.write_string(0, col, str(title), f.header)
        sheet.set_column(col, col, 40 if key in ("title", "protection", "encouragement") else 16)
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)
    dates = {keys.index(key) for key in DATE_KEYS}
    money = {keys.index(key) for key in MONEY_KEYS}
    user_text = {keys.index(key) for key in USER_TEXT_KEYS}
    write_string, write_number = sheet.write_string, sheet.write_number
    date_format, money_format, quoted = f.date, f.money, f.quoted
    expected = max(doc.table.total.value("c2_received"), 1)
    every = max(expected // 20, 1)
    row = 0
    for row, values in enumerate(doc.detail(), start=1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if col in user_text:
                write_string(row, col, value, quoted if value.startswith(FORMULA_START) else None)
            elif col in dates:
                write_number(row, col, value.toordinal() - EXCEL_EPOCH, date_format)
            elif col in money:
                write_number(row, col, value, money_format)
            elif isinstance(value, int):
                write_number(row, col, value)
            else:
                write_string(row, col, value)
        if row % every == 0:
            progress(round(0.05 + 0.9 * min(row / expected, 1), 3), _detail_step(row, expected))
    return row


# --- CSV ----------------------------------------------------------------------------------------------------------


class _Text(io.TextIOWrapper):
    """UTF-8 with a byte-order mark (Excel then reads Vietnamese right) over the caller's binary file, which stays
    open when the writing is done."""

    def __init__(self, out: BinaryIO):
        super().__init__(out, encoding="utf-8-sig", newline="")

    def __exit__(self, *exc):
        self.flush()
        self.detach()


@in_vietnamese
def write_table_csv(doc: AnnualDocument, out: BinaryIO) -> None:
    """The data table: the spec's column (number and title) over each sub-column, the sub-column's title, then a row
    per unit and the total; column 1 (no registration step) is "—"."""
    with _Text(out) as text:
        writer = csv.writer(text)
        writer.writerow([_("Cơ quan, đơn vị"), *(_group_label(column.group) for column in COLUMNS)])
        writer.writerow(["", *(str(column.title) for column in COLUMNS)])
        for row in [*doc.table.rows, doc.table.total]:
            writer.writerow([
                safe_cell(row_label(row)),
                *(NOT_APPLICABLE_MARK if value is None else value for value in row.cells()),
            ])


@in_vietnamese
def write_detail_csv(doc: AnnualDocument, out: BinaryIO, progress: Callable[[float, str], None] = noop) -> int:
    """The detail sheet as CSV: one row per proposal, dates dd/mm/yyyy. Returns the number of rows."""
    keys = [key for key, _title in DETAIL_COLUMNS]
    dates = [keys.index(key) for key in sorted(DATE_KEYS)]
    user_text = [keys.index(key) for key in sorted(USER_TEXT_KEYS)]
    day_text: dict[datetime.date, str] = {}  # a period has few distinct days: each formatted once
    expected = max(doc.table.total.value("c2_received"), 1)
    every = max(expected // 20, 1)
    count = 0
    progress(0.0, _("Đang lập danh sách chi tiết (CSV)"))
    with _Text(out) as text:
        writer = csv.writer(text)
        writer.writerow([str(title) for _key, title in DETAIL_COLUMNS])
        for count, values in enumerate(doc.detail(), start=1):
            for col in dates:
                day = values[col]
                if day is not None:
                    values[col] = day_text.get(day) or day_text.setdefault(day, f"{day:%d/%m/%Y}")
            for col in user_text:
                value = values[col]
                if value is not None and value.startswith(FORMULA_START):
                    values[col] = "'" + value
            writer.writerow(values)
            if count % every == 0:
                progress(round(min(count / expected, 1), 3), _detail_step(count, expected))
    progress(1.0, _("Đã lập xong danh sách chi tiết (CSV)"))
    return count


# --- PDF ----------------------------------------------------------------------------------------------------------


def _table_blocks(table: Table) -> list[dict]:
    """The data table turned on its side for an A4 page: a line per sub-column under its spec column, a column per
    unit (at most PDF_UNITS_PER_BLOCK side by side, the table continuing in the next block) and the total."""
    rows = table.rows
    blocks = []
    for start in range(0, len(rows), PDF_UNITS_PER_BLOCK):
        shown = [*rows[start:start + PDF_UNITS_PER_BLOCK], table.total]
        cells = [row.cells() for row in shown]
        blocks.append({
            "units": [row_label(row) for row in shown],
            "groups": [
                {
                    "label": _group_label(group),
                    "lines": [
                        {"title": str(COLUMNS[i].title), "values": [_figure(row_cells[i]) for row_cells in cells]}
                        for i in indexes
                    ],
                }
                for group, indexes in _groups()
            ],
        })
    return blocks


@in_vietnamese
def render_annual_pdf(doc: AnnualDocument) -> bytes:
    """The report as a Decree 30 "BÁO CÁO" (documents.md): header, title, period, sections I–VI with the data table and
    the charts (each with its numbers) in II, the signature block and "Nơi nhận"."""
    charts = [
        {
            "chart": chart,
            # Chart.svg() escapes every text it draws (titles, unit names). The drawing names the document's font:
            # WeasyPrint draws an inline SVG without the page's stylesheet, and would otherwise pick a system font.
            "svg": mark_safe(chart.svg().replace("<svg ", f'<svg font-family="{PDF_FONT}" ', 1)),  # noqa: S308
            "rows": [(category, [_figure(int(value)) for value in values]) for category, values in chart.rows()],
        }
        for chart in annual_charts(doc.table)
    ]
    context = {
        "header": _header(doc),
        "doc": doc,
        "document_type": _document_type(doc),
        "subject": _subject(doc),
        "period_line": _period_line(doc),
        "sections": _sections(doc),
        "blocks": _table_blocks(doc.table),
        "charts": charts,
        "recipients": _recipients(doc),
    }
    return render_pdf("reports/documents/annual.html", context)
