"""Choosing chat or phone in a real browser, with and without JavaScript, and the report that counts it.

The session's server follows the shipped rules at the real time of day, when
chat and phone may be closed; these tests run a `kb serve` of their own whose
rules open chat and phone around the clock. The chat tool's address is
answered by the browser itself (a Playwright route): nothing leaves the machine.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner
from playwright.sync_api import expect

from kb.cli import main
from kb.rules import DEFAULT_RULES_FILE
from kb.sso import make_token

from ..conftest import DEMO_ARTICLES
from ..helpers import kb_serve
from .conftest import DESKTOP, SCREENSHOTS, new_page
from .test_accessibility import RULES

SSO_SECRET = "channel-choice-browser-sso"
PASSWORD = "correct horse battery"
CHAT_TOOL = "https://chat.plumora.example/start"
OFFICE_HOURS = '    hours:\n      mon-fri: "09:00-18:00"\n'


@pytest.fixture(scope="module")
def open_instance(tmp_path_factory):
    return tmp_path_factory.mktemp("live-channels")


@pytest.fixture(scope="module")
def live_url(open_instance):
    """A `kb serve` whose chat and phone are open at any hour."""
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    assert text.count(OFFICE_HOURS) == 2
    rules = open_instance / "rules.yaml"
    rules.write_text(text.replace(OFFICE_HOURS, "    hours: always\n"), encoding="utf-8")
    env = {
        "KB_INSTANCE_DIR": str(open_instance),
        "KB_ARTICLES_DIR": str(DEMO_ARTICLES),
        "KB_RULES_FILE": str(rules),
        "KB_SSO_SECRET": SSO_SECRET,
        "KB_SMTP_URL": "smtp://127.0.0.1:9",
    }
    with kb_serve(env, open_instance / "serve.log", workers=1) as base:
        yield base


def premium_customer(browser, base_url, locale, **options):
    context, page = new_page(browser, base_url, **options)
    context.route(re.compile(r"^https://chat\.plumora\.example/"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Chat</title><p>Chat tool</p>"))
    token = make_token(SSO_SECRET, email=f"{locale}-chat@example.com", plan="premium", name="Ana Lima", pin="482913")
    page.goto(f"/sso/{token}?next=" + quote(f"/{locale}/contact/ticket?subject=double%20charge", safe="/"))
    page.wait_for_url(f"**/{locale}/contact/ticket?subject=*")
    return context, page


def report_figures(browser, base_url, instance) -> dict[str, str]:
    email = "reports@plumora.example"
    result = CliRunner(env={"KB_INSTANCE_DIR": str(instance)}).invoke(main, ["staff", "add", email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    context, page = new_page(browser, base_url, viewport=DESKTOP)
    try:
        page.goto("/admin/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(PASSWORD)
        page.locator("#login-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto("/admin/reports?period=1d")
        shown = {name: page.locator(f"dd[data-figure={name}]").inner_text() for name in ("chats", "calls")}
        rows = page.locator("#requests-by-kind tbody tr")
        shown["requests"] = sorted(
            f"{rows.nth(i).get_attribute('data-kind')}/{rows.nth(i).get_attribute('data-channel')}:{rows.nth(i).locator('td').nth(2).inner_text()}"
            for i in range(rows.count()))
        return shown
    finally:
        context.close()


def test_chat_and_phone_chosen_with_and_without_javascript_are_counted(browser, live_url, open_instance):
    context, page = premium_customer(browser, live_url, "en")
    try:
        page.locator("#kind").select_option("billing")
        expect(page.locator("#channel-choice[data-loaded-kind=billing]")).to_have_count(1)
        expect(page.locator("#channel-ticket .channel-hours")).to_have_count(0)  # "around the clock" said once
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#channel-choice").screenshot(path=str(SCREENSHOTS / "channel-choices-open-en.png"))
        with page.expect_popup() as chat:
            page.locator("#start-chat").click()
        expect(chat.value).to_have_url(f"{CHAT_TOOL}?lang=en")
        with page.expect_popup() as call:
            page.locator("#show-number").click()
        number = call.value.locator("#phone-number")
        expect(number).to_have_text("+44 20 3769 0100")
        expect(number).to_have_attribute("href", "tel:+442037690100")
        expect(call.value.locator(".pin strong")).to_have_text("482913")
        call.value.screenshot(path=str(SCREENSHOTS / "phone-number-en.png"))
        violations = [v["id"] for v in Axe().run(call.value, options=RULES).response["violations"] if v["impact"] in ("serious", "critical")]
        assert violations == []
        # The form typed so far is still there: the choices opened in new tabs.
        expect(page.locator("#kind")).to_have_value("billing")
    finally:
        context.close()

    context, page = premium_customer(browser, live_url, "fr", java_script_enabled=False)
    try:
        page.locator("#kind").select_option("account")
        page.locator("#channels-refresh button").click()  # without the script: the cards again, for this kind
        expect(page.locator("#start-chat")).to_have_attribute("href", "/fr/contact/chat?kind=account")
        with page.expect_popup() as chat:
            page.locator("#start-chat").click()
        expect(chat.value).to_have_url(f"{CHAT_TOOL}?lang=fr")
    finally:
        context.close()

    assert report_figures(browser, live_url, open_instance) == {
        "chats": "2", "calls": "1", "requests": ["account/chat:1", "billing/chat:1", "billing/phone:1"]}


def test_a_written_only_kind_tells_an_anonymous_visitor_it_must_be_written(browser, live_url):
    context, page = new_page(browser, live_url)
    try:
        page.goto("/en/contact/ticket?subject=refund%20please")
        expect(page.locator("#channel-chat")).to_have_attribute("data-reason", "sign_in")
        page.locator("#kind").select_option("refund")
        expect(page.locator("#channel-choice[data-loaded-kind=refund]")).to_have_count(1)
        expect(page.locator("#channel-chat .reason")).to_have_text("This kind of request is handled in writing only: please send a ticket.")
        expect(page.locator("#channel-phone")).to_have_attribute("data-reason", "kind")
    finally:
        context.close()
