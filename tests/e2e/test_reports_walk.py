"""Acceptance walk of issue 9 (item 5, "Annual review report"; spec reports.md): in a real browser, the demo's
administrator orders the annual report of the demo province, watches the version being made, downloads the XLSX,
the PDF and both CSV files; the files are read back and their figures compared with the page's data table and with
the proposal list for the same filters (issue 9: "Report figures reconcile exactly with the proposal list").

The demo is seeded once (`manage.py seed_demo`): every demo proposal is received today, so the report of the
current calendar year (2026 when this was written) holds all of them. The clock is not frozen (the browser keeps its
own): every date is today, in Hà Nội.

Celery: the pages enqueue the version's task on commit (reports.services._enqueue). Here the task is held when it
is enqueued and handed to an in-process worker (`apply`, Celery's eager execution) while the browser shows the
version as being made; the page polls its progress (static/js/report-progress.js) and reloads itself when the
version is done. (The test database is SQLite in memory: a worker process could not see it.)
"""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.demo import ADMIN_USERNAME, DEMO_PASSWORD
from accounts.models import OrgUnit, User, in_subtrees
from proposals.models import LegalProfile, Proposal
from reports.exports import PDF_UNITS_PER_BLOCK
from reports.models import AnnualReport, ReportRun
from reports.tasks import produce_report
from tests.e2e.browser import TIMEOUT_MS, labelled, log_in, main_nav, watch_csp
from tests.lifecycle import pdf_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_pdf]

PROVINCE = "Ủy ban nhân dân tỉnh Quảng Ninh"
TOTAL = "Tổng cộng"
RECEIVED_GROUP = "(2) Kế hoạch đề xuất đã tiếp nhận"  # reports.exports._group_label(2)
RECEIVED_TITLE = "Tổng số"  # the first sub-column of column 2: c2_received
FILES = {"Excel": ".xlsx", "PDF": ".pdf", "CSV biểu số liệu": ".csv", "CSV chi tiết": ".csv"}


# --- Helpers -----------------------------------------------------------------------------------------------------


def listed_count(page: Page, *, unit: int, year: int) -> int:
    """The count the proposal list prints ("Tìm thấy N đề xuất.", templates/proposals/list.html), once its filter
    form shows that the unit (with its subtree) and the year filter it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh sách đề xuất")
    # The unit is a picker (an autocomplete over the <select> that submits its id).
    expect(page.get_by_role("combobox", name="Cơ quan, đơn vị (gồm đơn vị trực thuộc)")).to_be_visible()
    expect(page.locator("select[name='unit']")).to_have_value(str(unit))
    expect(labelled(page, "Năm")).to_have_value(str(year))
    status = page.get_by_role("status").filter(has_text="Tìm thấy")
    return int(re.search(r"Tìm thấy ([\d.]+) đề xuất", status.inner_text()).group(1).replace(".", ""))


def listed_codes(page: Page) -> list[str]:
    """The case codes of every proposal the list shows, page after page ("Trang sau")."""
    codes = []
    while True:
        codes += [code.strip() for code in page.locator("table tbody tr td:first-child").all_inner_texts()]
        following = page.get_by_role("link", name="Trang sau")
        if following.count() == 0:
            return codes
        following.click()


def number(text: str) -> int:
    """A figure as the page prints it (Vietnamese thousands separator)."""
    return int(text.strip().replace(".", ""))


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name, exact=True).click()
    assert info.value.suggested_filename.endswith(FILES[name]), info.value.suggested_filename
    return Path(info.value.path()).read_bytes()


def xlsx_received(content: bytes) -> list[tuple[str, int]]:
    """(row label, column 2 "Tổng số") for each row of the "Bieu so lieu" sheet, the total last."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Bieu so lieu"]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if RECEIVED_GROUP in row)
    column = rows[top].index(RECEIVED_GROUP)  # the merged group label sits in its first sub-column
    assert rows[top + 1][column] == RECEIVED_TITLE
    return [(row[0], row[column]) for row in rows[top + 2:] if row[0]]


def csv_received(content: bytes) -> list[tuple[str, int]]:
    """The same from the data table's CSV (UTF-8 with BOM: the first character is not part of the text)."""
    assert content.startswith(b"\xef\xbb\xbf")
    groups, titles, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    column = groups.index(RECEIVED_GROUP)
    assert titles[column] == RECEIVED_TITLE
    return [(row[0], int(row[column])) for row in rows]


def pdf_received_lines(units: list[int], total: int) -> list[str]:
    """Column 2's "Tổng số" line of each block of the PDF's data table as its text reads: at most
    PDF_UNITS_PER_BLOCK units side by side, then the total (reports.exports._table_blocks)."""
    return [
        " ".join([RECEIVED_GROUP, RECEIVED_TITLE, *(f"{count:,}".replace(",", ".") for count in [*block, total])])
        for block in (units[start:start + PDF_UNITS_PER_BLOCK] for start in range(0, len(units), PDF_UNITS_PER_BLOCK))
    ]


# --- Fixtures ----------------------------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())  # tests run with DEBUG off


@pytest.fixture
def held_runs(monkeypatch) -> list[int]:
    """The ids of the report versions the pages enqueued, held for the test's worker instead of a broker."""
    held = []
    monkeypatch.setattr(produce_report, "delay", held.append)
    return held


@pytest.fixture
def admin_page(browser: Browser, browser_context_args, live_server, demo, csp_violations) -> Page:
    """The demo's administrator (a superuser: orders reports everywhere, reports.scope), signed in through the form."""
    admin = User.objects.get(username=ADMIN_USERNAME)
    context = watch_csp(browser.new_context(**browser_context_args), csp_violations)
    context.set_default_timeout(TIMEOUT_MS)
    page = log_in(context.new_page(), live_server.url, admin, password=DEMO_PASSWORD)
    yield page
    context.close()


# --- The walk ----------------------------------------------------------------------------------------------------


def test_admin_orders_the_provinces_annual_report_and_its_files_match_the_proposal_list(
    admin_page, live_server, held_runs
):
    page = admin_page
    year = timezone.localdate().year
    province = OrgUnit.objects.get(name=PROVINCE)
    received = Proposal.objects.filter(received_on__year=year)
    # The demo's proposals are all in the province's subtree: its report is the whole demo.
    assert received.exists()
    assert received.filter(in_subtrees([province.path], field="unit__path")).count() == received.count()

    # Order: navbar "Báo cáo" → "Lập báo cáo tổng kết năm" → the province, this year, calendar year.
    main_nav(page).get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo")
    page.get_by_role("link", name="Lập báo cáo tổng kết năm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lập báo cáo tổng kết năm")
    labelled(page, "Cơ quan, đơn vị báo cáo (gồm đơn vị trực thuộc)").select_option(value=str(province.pk))
    labelled(page, "Năm").select_option(value=str(year))
    labelled(page, "Kỳ báo cáo").select_option(label="Năm dương lịch (01/01 – 31/12)")
    page.get_by_role("button", name="Lập báo cáo", exact=True).click()

    # The report's page shows the version being made; nothing has run yet.
    report = AnnualReport.objects.get()
    assert (report.unit, report.year, report.period_kind) == (province, year, LegalProfile.ReportPeriod.CALENDAR)
    expect(page).to_have_url(f"{live_server.url}{reverse('reports:detail', args=[report.pk])}")
    expect(page.get_by_role("alert").filter(has_text="Đang lập báo cáo (phiên bản 1).")).to_be_visible()
    run = ReportRun.objects.get(report=report)
    assert held_runs == [run.pk]
    bar = page.get_by_role("progressbar", name="Tiến độ lập báo cáo")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_text("Đang lập phiên bản 1")).to_be_visible()
    expect(page.get_by_role("link", name="Excel", exact=True)).to_have_count(0)

    # The worker makes the version while the page watches; the page reloads itself once it is done.
    assert produce_report.apply(args=[run.pk]).get() == ReportRun.State.DONE
    expect(page.get_by_role("link", name="Excel", exact=True)).to_be_visible()
    expect(bar).to_have_count(0)
    versions = page.locator("table").filter(has=page.get_by_role("columnheader", name="Phiên bản"))
    expect(versions.locator("tbody tr")).to_have_count(1)
    expect(versions.locator("tbody tr")).to_contain_text("Đã lập xong")

    # The four files, through the page's download links, read back.
    files = {name: download(page, name) for name in FILES}
    in_xlsx = xlsx_received(files["Excel"])
    in_csv = csv_received(files["CSV biểu số liệu"])
    detail = list(csv.DictReader(io.StringIO(files["CSV chi tiết"].decode("utf-8-sig"))))
    text = pdf_text(files["PDF"])

    # The page's data table: a column per unit row and the total, column 2's counts linking to the proposal list.
    heads = [head.strip() for head in page.locator(".report-table thead th").all_inner_texts()[1:]]
    cells = page.locator('.report-table td[data-key="c2_received"]')
    on_page = [number(cell) for cell in cells.all_inner_texts()]
    assert heads[-1] == TOTAL and len(heads) == len(on_page) > 2
    assert [label for label, _count in in_xlsx] == [label for label, _count in in_csv] == heads
    assert [count for _label, count in in_xlsx] == [count for _label, count in in_csv] == on_page
    total = on_page[-1]
    assert total == received.count() == len(detail) > 0

    # The PDF, a Decree 30 "BÁO CÁO" headed by the province, in Vietnamese, with the same figures.
    assert "BÁO CÁO" in text and PROVINCE.upper() in text and PROVINCE in text
    for line in pdf_received_lines(on_page[:-1], total):
        assert line in text

    # Each count of column 2 opens the proposal list with the same filters; the list shows the same number.
    links = [
        (cells.nth(i).get_by_role("link").get_attribute("href"), on_page[i])
        for i in range(len(on_page)) if cells.nth(i).get_by_role("link").count()
    ]
    assert links[-1] == (f"{reverse('proposals:list')}?unit={province.pk}&year={year}", total)
    for href, count in links[:-1]:
        page.goto(live_server.url + href)
        unit = int(parse_qs(urlsplit(href).query)["unit"][0])
        assert listed_count(page, unit=unit, year=year) == count, href

    # The total's link, followed from the report's page: the province and the year filter the list, which shows
    # exactly the proposals of the detail CSV.
    page.goto(f"{live_server.url}{reverse('reports:detail', args=[report.pk])}")
    cells.last.get_by_role("link").click()
    assert listed_count(page, unit=province.pk, year=year) == total
    assert sorted(listed_codes(page)) == sorted(row["Mã hồ sơ"] for row in detail)
