"""The annual report's files (issue 9 item 5, reports.exports), each read back as a reader would open it: the
workbook with openpyxl (sheets, merged headers, numbers, real dates, native charts), the CSV files with `csv`
(UTF-8 with BOM), the PDF's text with pypdf. Rules that hold in every format: text a user typed that begins like a
formula ("=", "+", "-", "@") stays text, and Vietnamese survives.

The clock stands on Monday 02/03/2026 09:00 in Hà Nội; the province has the department (two proposals: one
approved, its title a formula, one rejected), the finance department (one proposal) and a unit whose name begins
with "=" (none).
"""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest

from accounts.models import OrgUnit, Position
from approvals.models import Vote
from approvals.services import decision_approve
from core.workdays import seed_year
from proposals.transitions import Status
from reports.detail import DETAIL_COLUMNS, detail_rows
from reports.exports import (
    SHEET_CHARTS,
    SHEET_DETAIL,
    SHEET_OUTLINE,
    SHEET_TABLE,
    AnnualDocument,
    annual_charts,
    render_annual_pdf,
    safe_cell,
    write_detail_csv,
    write_table_csv,
    write_xlsx,
)
from reports.figures import COLUMNS, annual_table
from reports.models import NARRATIVE_FIELDS
from reports.periods import year_period
from tests.evaluation.helpers import NOW, TODAY
from tests.factories import OrgUnitFactory, PositionFactory
from tests.lifecycle import APPROVAL_TEXT, drive_to, meeting_with_votes, pdf_lines, pdf_text, submitted_proposal

# No `real_pdf`: the files read back are the report's own (reports.exports lays them out for real in every test);
# the plans, minutes and decisions issued on the way are stand-ins nobody reads.
pytestmark = pytest.mark.frozen_at(NOW)

FORMULA_TITLE = "=1+1 Liên thông thủ tục đất đai"
VIETNAMESE = "Cải cách thủ tục hành chính"
NARRATIVE = {
    "leadership": f"{VIETNAMESE} được quán triệt đến từng cơ quan, đơn vị.\n=SUM(A1:A9)",
    "results": "+84 hồ sơ được giải quyết trực tuyến.\n\n@Tổng hợp: kết quả vượt kế hoạch.",
    "assessment": "-Hạn chế: một số đơn vị chưa chủ động đề xuất.",
    "lessons": "",
    "measures": "Tiếp tục rà soát, tháo gỡ vướng mắc.",
    "recommendations": "Đề nghị nhân rộng mô hình một cửa liên thông.",
}
KEYS = [key for key, _title in DETAIL_COLUMNS]


@pytest.fixture(autouse=True)
def _calendar_2026(db):
    seed_year(2026)


@pytest.fixture
def formula_unit(province) -> OrgUnit:
    return OrgUnitFactory(code="FX", name="=Phòng thử nghiệm", parent=province)


@pytest.fixture
def proposals(province, other_unit, formula_unit, proposer, outsider, leaders) -> dict:
    head, deputy, _deputy2 = leaders
    approved = submitted_proposal(proposer=proposer, title=FORMULA_TITLE)
    meeting_with_votes(proposal=approved, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True)
    decision_approve(proposal=approved, by=head, text=APPROVAL_TEXT)
    rejected = drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)
    PositionFactory(unit=other_unit, role=Position.Role.HEAD, title="Giám đốc")
    finance = submitted_proposal(proposer=outsider, title=VIETNAMESE)
    return {"approved": approved, "rejected": rejected, "finance": finance}


def annual_document(root, **overrides) -> AnnualDocument:
    period = year_period(2026)
    fields = {
        "unit": root, "year": 2026, "period": period, "number": "", "issued_on": None,
        "signer_name": "Nguyễn Văn Quyết", "signer_title": "Chủ tịch",
        "recipients": ["Bộ Nội vụ", "Sở Nội vụ tỉnh Quảng Ninh"], "narrative": dict(NARRATIVE),
        "table": annual_table(root, period), "detail": lambda: detail_rows(root, period),
    }
    fields.update(overrides)
    return AnnualDocument(**fields)


@pytest.fixture
def document(province, proposals) -> AnnualDocument:
    return annual_document(province)


def cells(sheet) -> dict[str, openpyxl.cell.Cell]:
    """Every written cell of `sheet`, by its text (the first one with that text)."""
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                found.setdefault(cell.value, cell)
    return found


def workbook_of(document, **kwargs) -> tuple[openpyxl.Workbook, bytes, int]:
    out = io.BytesIO()
    count = write_xlsx(document, out, **kwargs)
    content = out.getvalue()
    return openpyxl.load_workbook(io.BytesIO(content)), content, count


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# --- safe_cell ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+84 912", "-5", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [VIETNAMESE, "Sở Nội vụ (trực tiếp)", "", 5, None, datetime.date(2026, 3, 2)])
def test_anything_else_is_left_as_it_is(value):
    assert safe_cell(value) == value


# --- XLSX ---------------------------------------------------------------------------------------------------------


def test_the_workbook_has_the_outline_the_table_the_charts_and_the_detail(document):
    workbook, _content, count = workbook_of(document)

    assert workbook.sheetnames == [SHEET_OUTLINE, SHEET_TABLE, SHEET_CHARTS, SHEET_DETAIL]
    assert count == 3
    outline = cells(workbook[SHEET_OUTLINE])
    assert "BÁO CÁO" in outline and "DỰ THẢO" in outline and "Số: …/BC-UBND" in outline
    assert "Kỳ báo cáo: từ ngày 01/01/2026 đến ngày 31/12/2026 (năm dương lịch)" in outline
    assert "I. Công tác lãnh đạo, chỉ đạo, tuyên truyền, phổ biến, quán triệt Nghị định số 73/2023/NĐ-CP" in outline
    assert f"{VIETNAMESE} được quán triệt đến từng cơ quan, đơn vị." in outline
    assert "(Chưa có nội dung)" in outline  # IV. lessons: nothing written
    assert "- Lưu: VT" in outline and "CHỦ TỊCH" in outline and "Nguyễn Văn Quyết" in outline


def test_formula_like_text_is_a_string_cell_in_every_sheet(document, formula_unit):
    workbook, _content, _count = workbook_of(document)

    typed = {
        SHEET_OUTLINE: ["=SUM(A1:A9)", "+84 hồ sơ được giải quyết trực tuyến.", "@Tổng hợp: kết quả vượt kế hoạch.",
                        "-Hạn chế: một số đơn vị chưa chủ động đề xuất."],
        SHEET_TABLE: [formula_unit.name],
        SHEET_CHARTS: [formula_unit.name],
        SHEET_DETAIL: [FORMULA_TITLE],
    }
    for sheet, texts in typed.items():
        found = cells(workbook[sheet])
        for text in texts:
            cell = found[text]
            assert cell.data_type == "s", (sheet, text)
            assert cell.quotePrefix, (sheet, text)  # Excel keeps it text even when edited
    assert not any(
        cell.data_type == "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    )


def test_the_data_table_has_two_header_rows_a_row_per_unit_and_the_total(document, department, other_unit, formula_unit):
    workbook, _content, _count = workbook_of(document)
    sheet = workbook[SHEET_TABLE]

    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert "A4:A5" in merged  # the unit column spans both header rows
    # Column 2 of the spec has six sub-columns (total, two routes, three Art. 2 categories): B is column 1.
    assert "C4:H4" in merged and sheet["C4"].value == "(2) Kế hoạch đề xuất đã tiếp nhận"
    assert sheet["B4"].value == "(1) Sáng kiến, giải pháp, cách làm đột phá được đăng ký"
    assert [sheet.cell(5, col).value for col in range(3, 6)] == ["Tổng số", "Tuyến khoản 3 Điều 7", "Tuyến khoản 4 Điều 7"]
    assert sheet.freeze_panes == "B6"
    labels = [sheet.cell(row, 1).value for row in range(6, 11)]
    assert labels[0] == "Ủy ban nhân dân tỉnh Quảng Ninh (trực tiếp)" and labels[-1] == "Tổng cộng"
    assert sorted(labels[1:4]) == sorted([department.name, other_unit.name, formula_unit.name])
    received = {label: sheet.cell(row, 3).value for row, label in enumerate(labels, start=6)}
    assert received == {labels[0]: 0, department.name: 2, other_unit.name: 1, formula_unit.name: 0, "Tổng cộng": 3}
    assert {sheet.cell(row, 2).value for row in range(6, 11)} == {"—"}  # column 1: no registration step
    funds = 1 + next(i for i, column in enumerate(COLUMNS) if column.key == "c9_funds") + 1
    assert sheet.cell(10, funds).number_format == "#,##0"
    assert sheet.cell(10, 1 + len(COLUMNS)).value is not None and sheet.cell(10, 2 + len(COLUMNS)).value is None


def test_the_detail_sheet_has_a_row_per_proposal_with_real_dates(document, proposals):
    workbook, _content, count = workbook_of(document)
    sheet = workbook[SHEET_DETAIL]

    assert [cell.value for cell in sheet[1]] == [str(title) for _key, title in DETAIL_COLUMNS]
    assert sheet.freeze_panes == "C2"
    rows = [dict(zip(KEYS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == count == 3
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {FORMULA_TITLE, proposals["rejected"].title, VIETNAMESE}
    approved = by_title[FORMULA_TITLE]
    assert approved["received_on"] == datetime.datetime(2026, 3, 2)  # an Excel date, not text
    assert approved["basis"] == "Tập thể thông qua" and approved["votes_for"] == 2
    date_column = 1 + KEYS.index("received_on")
    assert sheet.cell(2, date_column).number_format == "dd/mm/yyyy"
    assert by_title[VIETNAMESE]["unit"] == "Sở Tài chính tỉnh Quảng Ninh"


def test_the_charts_are_native_excel_charts_over_the_cells_beside_them(document):
    workbook, content, _count = workbook_of(document)
    sheet = workbook[SHEET_CHARTS]

    assert len(sheet._charts) == 3
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"} <= set(names)
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "'Bieu do'!$B$3:$B$" in chart  # the "Tiếp nhận" series reads the cells
    found = cells(sheet)
    assert "Đề xuất tiếp nhận, cho triển khai và không chấp thuận theo đơn vị" in found
    header = found["Tiếp nhận"].row
    assert [sheet.cell(header, col).value for col in range(1, 5)] == [
        "Đơn vị tính: đề xuất", "Tiếp nhận", "Cho triển khai", "Không chấp thuận",
    ]
    total_received = sum(sheet.cell(row, 2).value for row in range(header + 1, header + 5))
    assert total_received == 3


def test_the_workbook_reports_its_progress_up_to_done(document):
    seen = []

    workbook_of(document, progress=lambda fraction, step: seen.append((fraction, step)))

    fractions = [fraction for fraction, _step in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(step, str) and step for _fraction, step in seen)


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_the_table_csv_has_its_header_rows_a_row_per_unit_and_the_total(document, department, formula_unit):
    out = io.BytesIO()
    write_table_csv(document, out)

    rows = csv_rows(out.getvalue())
    assert rows[0][:3] == ["Cơ quan, đơn vị", "(1) Sáng kiến, giải pháp, cách làm đột phá được đăng ký",
                           "(2) Kế hoạch đề xuất đã tiếp nhận"]
    assert rows[1][2:5] == ["Tổng số", "Tuyến khoản 3 Điều 7", "Tuyến khoản 4 Điều 7"]
    assert len(rows) == 2 + 4 + 1 and all(len(row) == 1 + len(COLUMNS) for row in rows)
    by_unit = {row[0]: row for row in rows[2:]}
    assert by_unit[department.name][2] == "2" and by_unit["Tổng cộng"][2] == "3"
    assert by_unit["Tổng cộng"][1] == "—"
    assert "'" + formula_unit.name in by_unit  # neutralised: never a formula in Excel
    assert not out.closed


def test_the_detail_csv_has_a_row_per_proposal_dates_and_neutralised_formulas(document, proposals):
    out = io.BytesIO()
    seen = []

    count = write_detail_csv(document, out, progress=lambda fraction, step: seen.append(fraction))

    rows = csv_rows(out.getvalue())
    assert rows[0] == [str(title) for _key, title in DETAIL_COLUMNS]
    assert count == len(rows) - 1 == 3
    by_code = {row[0]: dict(zip(KEYS, row, strict=True)) for row in rows[1:]}
    approved = by_code[proposals["approved"].code]
    assert approved["title"] == "'" + FORMULA_TITLE
    assert approved["received_on"] == "02/03/2026" and approved["decision_on"] == f"{TODAY:%d/%m/%Y}"
    assert approved["meeting_on_time"] == "Trong hạn" and approved["protection"] == ""
    assert by_code[proposals["finance"].code]["title"] == VIETNAMESE
    assert seen[-1] == 1.0


# --- PDF ----------------------------------------------------------------------------------------------------------


def test_the_draft_pdf_is_a_decree_30_report_with_its_outline_table_and_charts(document):
    content = render_annual_pdf(document)
    text = pdf_text(content)
    lines = pdf_lines(content)

    assert content.startswith(b"%PDF")
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: …/BC-UBND",
        "Hạ Long, ngày … tháng … năm 2026", "BÁO CÁO", "DỰ THẢO",
        "Kết quả thực hiện Nghị định số 73/2023/NĐ-CP",
        "Kỳ báo cáo: từ ngày 01/01/2026 đến ngày 31/12/2026",
        "I. Công tác lãnh đạo, chỉ đạo, tuyên truyền, phổ biến, quán triệt Nghị định số 73/2023/NĐ-CP",
        "II. Kết quả thực hiện", "III. Đánh giá chung", "IV. Bài học kinh nghiệm", "V. Biện pháp chấn chỉnh",
        "VI. Đề xuất, kiến nghị", "(Chưa có nội dung)", f"{VIETNAMESE} được quán triệt", "=SUM(A1:A9)",
        "(2) Kế hoạch đề xuất đã tiếp nhận", "(18) Mô hình hiệu quả; kiến nghị thể chế hóa", "Tổng cộng",
        "Đề xuất tiếp nhận, cho triển khai và không chấp thuận theo đơn vị", "Kết quả thực hiện các đề xuất đã đánh giá",
        "Nơi nhận:", "Bộ Nội vụ;", "Lưu: VT.", "CHỦ TỊCH", "Nguyễn Văn Quyết",
    ):
        assert expected in text, expected
    # The table turned on its side: the line "Tổng số" carries each unit's figure, then the total.
    table = document.table
    received = " ".join(str(row.value("c2_received")) for row in [*table.rows, table.total])
    assert received.endswith(" 3")
    assert f"Tổng số {received}" in lines


def test_an_issued_report_carries_its_number_and_date_and_no_draft_mark(province, proposals):
    document = annual_document(province, number="12/BC-UBND", issued_on=datetime.date(2027, 1, 5))

    text = pdf_text(render_annual_pdf(document))

    assert "Số: 12/BC-UBND" in text and "Hạ Long, ngày 05 tháng 01 năm 2027" in text
    assert "DỰ THẢO" not in text and "Số: …" not in text and "ngày … tháng" not in text


def test_more_units_than_fit_side_by_side_continue_in_another_block(province, proposals):
    for n in range(6):
        OrgUnitFactory(code=f"X{n}", name=f"Ủy ban nhân dân xã thử nghiệm {n}", parent=province)
    document = annual_document(province)
    assert len(document.table.rows) == 10  # the province's own row and nine units under it

    lines = pdf_lines(render_annual_pdf(document))

    # Two blocks: six units and the total, then four units and the total; "Tổng số" once in each.
    totals = [line for line in lines if line.startswith("Tổng số ")]
    assert len(totals) == 2
    assert [len(line.split()) - 2 for line in totals] == [7, 5]


def test_an_internal_report_says_so(province, proposals):
    text = pdf_text(render_annual_pdf(annual_document(province, internal=True)))

    assert "BÁO CÁO NỘI BỘ" in text


# --- Charts -------------------------------------------------------------------------------------------------------


def test_the_charts_count_received_approved_and_rejected_per_unit(document, department):
    units, outcomes, protection = annual_charts(document.table)

    by_unit = dict(units.rows())
    assert by_unit[department.name] == [2, 1, 1]  # received; approved by the collective; rejected
    assert [series.name for series in units.series] == ["Tiếp nhận", "Cho triển khai", "Không chấp thuận"]
    assert outcomes.categories == ("Hoàn thành", "Hoàn thành một phần", "Không hoàn thành")
    assert protection.categories[0] == "Không bị xử lý trách nhiệm" and len(protection.categories) == 3 + 7


def test_every_narrative_field_is_printed(province, proposals):
    narrative = {field: f"Nội dung mục {field}" for field in NARRATIVE_FIELDS}

    text = pdf_text(render_annual_pdf(annual_document(province, narrative=narrative)))

    assert all(f"Nội dung mục {field}" in text for field in NARRATIVE_FIELDS)
    assert "(Chưa có nội dung)" not in text
