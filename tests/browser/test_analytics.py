"""Deflection analytics end to end: customers in a real browser, then the admin's report.

The session's `kb serve` is shared with the other browser tests, so the
report is read before and after these two flows and the differences checked.
"""

from __future__ import annotations

import re
import time

from click.testing import CliRunner
from playwright.sync_api import expect

from kb.cli import main

from .conftest import DESKTOP, SCREENSHOTS, new_page
from .flow import answer_did_this_solve, fill_ticket, open_first_suggestion_by_keyboard, send_ticket, type_subject, unique_email

PASSWORD = "correct horse battery"
FIGURES = ("searches", "zero_result_searches", "flows", "flows_with_suggestions", "deflected", "tickets")


def staff_page(browser, base_url, served_instance):
    email = f"staff-{time.monotonic_ns()}@plumora.example"
    env = {"KB_INSTANCE_DIR": str(served_instance)}
    result = CliRunner(env=env).invoke(main, ["staff", "add", email, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    context, page = new_page(browser, base_url, viewport=DESKTOP)
    page.goto("/admin/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


def figures(page) -> dict[str, int]:
    page.goto("/admin/reports?period=1d")
    return {name: int(page.locator(f"dd[data-figure={name}]").inner_text()) for name in FIGURES}


def test_two_customer_flows_show_in_the_report(browser, base_url, served_instance):
    admin_context, admin = staff_page(browser, base_url, served_instance)
    try:
        before = figures(admin)
        # A: types "invoice", opens the first suggestion, "yes". (How bursts of
        # keystrokes count as one search is checked in tests/test_analytics.py
        # on a clock the test moves: here a busy machine could stretch a burst.)
        context, page = new_page(browser, base_url)
        type_subject(page, "en", "invoice")
        open_first_suggestion_by_keyboard(page, "en")
        answer_did_this_solve(page, "yes")
        context.close()
        # B: a subject nothing answers; a pause; more words (a second search),
        # then "None of these answers my question": the form revealed in the
        # page (no request) and a ticket.
        context, page = new_page(browser, base_url)
        page.goto("/en/contact")
        with page.expect_response(lambda response: response.url.endswith("q=zzqqxx")):
            page.locator("#contact-subject").press_sequentially("zzqqxx", delay=30)
        time.sleep(2.5)
        with page.expect_response(lambda response: response.url.endswith("q=zzqqxx%20qqyyww")):
            page.locator("#contact-subject").press_sequentially(" qqyyww", delay=30)
        page.locator("#none-helps button").click()
        fill_ticket(page, email=unique_email("analytics"), kind="account")
        number = send_ticket(page, "en")
        context.close()
        time.sleep(2.5)  # each worker writes its events about once a second
        after = figures(admin)
        change = {name: after[name] - before[name] for name in FIGURES}
        assert change == {"searches": 3, "zero_result_searches": 2, "flows": 2, "flows_with_suggestions": 1,
                          "deflected": 1, "tickets": 1}
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        admin.screenshot(path=SCREENSHOTS / "admin-reports-desktop.png", full_page=True)
        admin.goto(f"/admin/tickets/{number}")
        steps = admin.locator(".customer-path li")
        expect(steps).to_have_count(6)  # contact page, two searches, form, channel, ticket
        expect(steps.nth(1)).to_contain_text("zzqqxx")
        expect(steps.nth(2)).to_contain_text("zzqqxx qqyyww")
        admin.screenshot(path=SCREENSHOTS / "admin-ticket-desktop.png", full_page=True)
    finally:
        admin_context.close()


def test_the_home_search_sends_a_flow_of_its_own(browser, base_url):
    """So its searches count once per pause, like the contact page's."""
    context, page = new_page(browser, base_url)
    try:
        page.goto("/en/")
        flow = page.locator(".search-form .combobox").get_attribute("data-flow")
        assert re.fullmatch(r"[0-9a-f]{32}", flow)
        with page.expect_response(lambda response: "/api/suggest?" in response.url and response.url.endswith("q=invoice")) as sent:
            page.locator("#search-q").press_sequentially("invoice", delay=30)
        assert f"&flow={flow}&q=" in sent.value.url
    finally:
        context.close()
