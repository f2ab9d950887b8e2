"""Browser fixtures: Playwright for Python driving Debian's chromium, headless, offline.

Playwright's own browser download does not work here, so the browser is the system's
chromium (`make browser` installs it; ``PLUSKOD_CHROMIUM`` points elsewhere). A failed test
leaves a screenshot in reports/screenshots/.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("PLUSKOD_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"No chromium at {CHROMIUM}: run `make browser` (or set PLUSKOD_CHROMIUM).",
                    pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def open_page(browser, request):
    """``open_page(url, width=1280, height=900)``: a fresh browser context per call; JS errors
    and CSP violations are collected in ``page.problems``."""
    contexts, pages = [], []

    def open_(url, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="pl-PL")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda msg: page.problems.append(msg.text)
                if msg.type == "error" else None)
        page.goto(url)
        pages.append(page)
        return page

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages):
            page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{number}.png"),
                            full_page=True)
    for context in contexts:
        context.close()
