"""Real-browser tests: Debian's chromium driven by Playwright against the live server.

Playwright's sync API runs an event loop in the test thread, so the ORM calls that
tests make beside it must be allowed explicitly (they are synchronous and safe here).
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "browser-artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="el-GR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def browser_tests_use_the_page_cache(page_cache):
    """Browser tests commit for real, so they run with the whole-page cache as readers do."""
    return page_cache


class RequestsInFlight:
    """Counts the live server's requests between request_started and request_finished."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1


@pytest.fixture(autouse=True)
def requests_end_before_the_database_is_emptied(transactional_db):
    """A page closed by a test may leave a request running in the live server (an edit
    lock's heartbeat, say) inside a transaction; emptying the tables beside it can
    deadlock. Torn down before transactional_db, this waits for such requests to end."""
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, dispatch_uid="browser-requests-started")
    request_finished.connect(in_flight.finished, dispatch_uid="browser-requests-finished")
    yield
    deadline = time.monotonic() + 15
    while in_flight.count > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    request_started.disconnect(dispatch_uid="browser-requests-started")
    request_finished.disconnect(dispatch_uid="browser-requests-finished")


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
