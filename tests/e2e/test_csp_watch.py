"""The CSP watcher the walks rely on (tests/e2e/browser.watch_csp, issue 11 §3) does see a refusal: otherwise a
walk with no violation would prove nothing."""

import pytest

from tests.e2e.browser import TIMEOUT_MS, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_watcher_reports_an_inline_script_and_style_the_policy_refuses(browser, browser_context_args, site_url):
    violations = []
    context = watch_csp(browser.new_context(**browser_context_args), violations)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site_url}/tai-khoan/dang-nhap/")

    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">injected</p>');
    }""")

    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None
    assert any("script-src" in line for line in violations), violations
    assert any("style-src" in line for line in violations), violations
    context.close()
