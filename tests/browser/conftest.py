"""A real browser (Debian's Chromium through Playwright) against a real `kb serve`.

One server, one SMTP inbox and one browser serve the whole session; each test
gets a fresh browser context (cookies, storage) of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import sync_playwright

from ..conftest import DEMO_ARTICLES
from ..helpers import free_port, kb_serve
from ..test_outbox import Inbox

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which
# this machine's closed network answers slowly.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SSO_SECRET = "browser-tests-sso-secret"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config, items):
    """Without Chromium, browser tests skip on a laptop but fail in CI."""
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def served_instance(tmp_path_factory):
    """The instance folder of the session's `kb serve` (its SQLite database is there)."""
    return tmp_path_factory.mktemp("browser-instance")


@pytest.fixture(scope="session")
def base_url(served_instance, smtp_inbox):
    _inbox, smtp_port = smtp_inbox
    instance = served_instance
    env = {
        "KB_INSTANCE_DIR": str(instance),
        "KB_ARTICLES_DIR": str(DEMO_ARTICLES),
        "KB_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "KB_MIN_FILL_SECONDS": "0",
        # Every test comes from 127.0.0.1: the real limits would stop the session.
        "KB_TICKET_RATE_LIMIT": "1000 per minute",
        "KB_SUGGEST_RATE_LIMIT": "1000 per minute",
        # Customers signed in by links made with this key (tests/browser/test_channels.py).
        "KB_SSO_SECRET": SSO_SECRET,
    }
    with kb_serve(env, instance / "serve.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true and {CHROMIUM} is absent: .ci/run installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, base_url, **options):
    context = browser.new_context(base_url=base_url, viewport=options.pop("viewport", DESKTOP), **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, base_url):
    context, page = new_page(browser, base_url)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, base_url):
    context, page = new_page(browser, base_url, java_script_enabled=False)
    yield page
    context.close()
