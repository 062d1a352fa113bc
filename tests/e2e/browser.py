"""What the browser walks share: signing in through the form, finding the navigation, messages, fields, folded
forms and the proposal's facts, and saving a download. Fixtures are in conftest.py."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.factories import DEMO_PASSWORD

# Generous for a loaded two-core CI machine: a walk waits only as long as the page needs.
TIMEOUT_MS = 15_000


def meeting_start() -> datetime.time:
    """A meeting held today starts at 08:30, or at midnight in a run before 08:45: a vote is closed with the time
    it ends, now by default, which must follow the start (review D-7). The walks run on the real clock."""
    now = timezone.localtime().time()
    return datetime.time(8, 30) if now >= datetime.time(8, 45) else datetime.time(0, 0)


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def accept_dialogs(page: Page) -> Page:
    """Answer OK to the confirmation asked before an irreversible action (static/js/confirm.js): Playwright
    dismisses dialogs nobody handles, which would cancel the submission."""
    page.on("dialog", lambda dialog: dialog.accept())
    return page


# Every page of the context reports what its Content-Security-Policy refused (the `securitypolicyviolation` event)
# to the test, through a binding the CSP cannot block; Chromium's console line is caught too, for what happens before
# the listener exists.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} refused ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile || document.location.href}:${event.lineNumber} ${event.sample || ""}`);
});
"""


def watch_csp(context: BrowserContext, violations: list[str]) -> BrowserContext:
    """Collect into `violations` everything the CSP (issue 11 §3) refuses in the context's pages; the walks'
    fixtures (conftest.py) fail a test that leaves any."""
    def refused(text: str) -> None:
        violations.append(text)

    def console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.expose_function("__cspViolation", refused)
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    context.on("console", console)
    return context


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Điều hướng chính")


def log_in(page: Page, site_url: str, person, password: str = DEMO_PASSWORD) -> Page:
    page.goto(f"{site_url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(person.username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # The account menu in the navigation bar carries the person's name once the session is open.
    expect(main_nav(page).get_by_role("button", name=person.get_full_name())).to_be_visible()
    return page


def definition(page: Page, term: str) -> Locator:
    """The value (<dd>) of a term of the proposal's general information."""
    return page.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def status_of(page: Page) -> Locator:
    """The "Trạng thái" entry of the proposal's general information."""
    return definition(page, "Trạng thái")


def expect_message(page: Page, text: str | re.Pattern) -> None:
    expect(page.get_by_role("alert").filter(has_text=text).first).to_be_visible()


def labelled(scope: Locator | Page, label: str) -> Locator:
    """The field labelled exactly `label` (crispy marks a required one with "*")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def open_disclosure(page: Page, summary: str) -> Locator:
    """Open a <details> by its summary (once); returns the form inside it."""
    details = page.locator("details").filter(has=page.get_by_text(summary, exact=True))
    if not details.evaluate("el => el.open"):
        details.get_by_text(summary, exact=True).click()
    return details.locator("form")


def download(page: Page, link_name: str | re.Pattern, *, exact: bool = False):
    """Click the link and return the browser's download (its `suggested_filename`, its `path()`)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=exact).click()
    return info.value


def pick(scope: Locator | Page, label: str, typed: str, text: str) -> None:
    """Choose `text` in a people or unit picker (core.widgets, static/js/autocomplete.js) as a person does: type
    part of the name into the combobox labelled `label`, then click the match the server offers."""
    box = scope.get_by_role("combobox", name=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
    box.fill(typed)
    scope.get_by_role("option").filter(has_text=text).first.click()
