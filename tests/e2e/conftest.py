"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's
live_server, and an axe-core accessibility scan of each page.

Only the system browser at /usr/bin/chromium is used, never a downloaded one (no
`playwright install`). Without it the e2e tests are skipped, unless KVP_REQUIRE_BROWSER=1
(CI) makes a missing browser a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path("/tmp")


def _unavailable(reason: str) -> None:
    if os.environ.get("KVP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (KVP_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One headless Chromium per module."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing (run npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed in this environment")

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django then
    # refuses ORM calls from it (SynchronousOnlyOperation). The test's own ORM calls are plain
    # blocking code, so allow them — for as long as the browser runs, not for the whole session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, settings) -> Iterator:
    """A fresh context (cookies, storage) per test."""
    # The server's clock is pinned (conftest.py) but the browser's is real: a CSRF cookie that
    # expires a year after the pinned day would already be expired to a browser living later.
    settings.CSRF_COOKIE_AGE = None
    context = browser.new_context(
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 1280, "height": 900},
        # axe is injected as a script tag; a Content-Security-Policy must not stop it.
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


class AxeScan:
    """Run axe-core on each page visited; collect serious and critical WCAG 2.1 A/AA
    violations, and screenshot each page for a human to look at."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.problems: list[str] = []
        self.count = 0
        self.checked = False

    def __call__(self, label: str) -> list[dict]:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(
            path=str(SCREENSHOTS / f"e2e-{self.name}-{self.count:02d}-{slug}.png"), full_page=True
        )
        self.page.add_script_tag(path=str(AXE_JS))
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: tags})", AXE_TAGS
        )
        # Guard against a silent no-op (axe not loaded, nothing evaluated).
        assert result["passes"], f"axe evaluated no rules on {label}"
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        for violation in bad:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            self.problems.append(
                f"[{label}] {violation['impact']} {violation['id']}: {violation['help']}"
                f" ({violation['helpUrl']})\n    at {targets}"
            )
        for violation in result["violations"]:
            if violation not in bad:
                print(f"axe [{label}] {violation['impact']} {violation['id']}: {violation['help']}")
        return bad

    def assert_clean(self) -> None:
        self.checked = True
        assert not self.problems, (
            "axe-core found serious/critical WCAG 2.1 A/AA violations:\n" + "\n".join(self.problems)
        )


@pytest.fixture
def axe(page, request) -> Iterator[AxeScan]:
    """The scan; a serious or critical violation fails the test even if it forgets to call
    axe.assert_clean() (checked when the test ends)."""
    scan = AxeScan(page, request.node.name.removeprefix("test_"))
    yield scan
    if not scan.checked:
        scan.assert_clean()
