"""axe-core in the browser walks (issue 12 §8) and the screenshots a reviewer looks at after `make test`.

axe-core 4.14.1 is vendored in tests/e2e/vendor (MPL-2.0, its licence beside it) and evaluated through the
DevTools protocol, which the page's Content-Security-Policy does not govern: the page under test keeps its
real policy and the CSP watcher still fails on anything the page itself loads against it.
"""

import os
from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
# Failing impacts: what blocks or seriously hinders a user (axe's own scale: minor, moderate, serious, critical).
BLOCKING_IMPACTS = {"serious", "critical"}
# Where the walks store their screenshots: `var/test-screenshots/` unless E2E_SCREENSHOTS names another folder.
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "var" / "test-screenshots")


def violations(page: Page) -> list[dict]:
    """axe's serious and critical violations of the page as it stands (WCAG 2.1 A and AA rules and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    # preload: false: axe would otherwise re-parse the page's stylesheets into <style> elements of its own, which the
    # CSP refuses and the CSP watcher would blame on the page (seen on the admin's select2 sheets, media="screen");
    # only the css-orientation-lock rule reads them, and no stylesheet of ours locks the orientation.
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"], preload: false})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n")[1])
        }))"""
    )
    return [violation for violation in found if violation["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page, what: str = "") -> None:
    """Fail with each serious or critical violation named, with up to five of the elements concerned."""
    found = violations(page)
    assert not found, f"axe-core on {what or page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found
    )


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Store `<name>.png` under SCREENSHOTS for a reviewer (the README names the folder); returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
