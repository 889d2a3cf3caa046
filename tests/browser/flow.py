"""Steps of the contact flow, as a customer takes them in the browser."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

from playwright.sync_api import Page, expect

# A subject in each language that the demo articles answer.
SUBJECTS = {
    "en": "invoice",
    "fr": "facture",
    "de": "Rechnung",
    "es": "factura",
    "it": "fattura",
    "pt": "fatura",
}


def type_subject(page: Page, locale: str, subject: str) -> None:
    """Type ``subject`` key by key; return once the suggestions for all of it are shown."""
    page.goto(f"/{locale}/contact")
    whole = "q=" + quote(subject, safe="")
    with page.expect_response(lambda response: "/api/suggest?" in response.url and response.url.endswith(whole)):
        page.locator("#contact-subject").press_sequentially(subject, delay=30)
    expect(page.locator("#contact-suggestions [role=option]").first).to_be_visible()


def open_first_suggestion_by_keyboard(page: Page, locale: str) -> None:
    field = page.locator("#contact-subject")
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "contact-suggestion-0")
    field.press("Enter")
    page.wait_for_url(re.compile(rf"/{locale}/contact/articles/[\w-]+\?subject="))


def answer_did_this_solve(page: Page, answer: str) -> None:
    page.locator(f"#solved button[value={answer}]").click()
    page.wait_for_load_state()


def still_need_help(page: Page) -> None:
    page.locator("#still-need-help button").click()
    expect(page.locator("#ticket-form")).to_be_visible()


def fill_ticket(page: Page, *, email: str, name: str = "Ana Lima", kind: str = "billing",
                description: str = "The invoice for March shows the wrong company name.") -> None:
    page.locator("#email").fill(email)
    page.locator("#name").fill(name)
    page.locator("#kind").select_option(kind)
    page.locator("#description").fill(description)


def send_ticket(page: Page, locale: str) -> str:
    page.locator("#send-request").click()
    page.wait_for_url(re.compile(rf"/{locale}/contact/tickets/"))
    number = page.locator("#ticket-number").inner_text()
    assert number.strip()
    return number


def unique_email(tag: str) -> str:
    return f"{tag}-{time.monotonic_ns()}@example.com"


def wait_for_mail(inbox, recipient: str, timeout: float = 45.0):
    """The message sent to ``recipient``, once the outbox sender (5 s rounds) has delivered it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for envelope, message in zip(inbox.envelopes, inbox.messages()):
            if recipient in envelope.rcpt_tos:
                return message
        time.sleep(0.25)
    raise AssertionError(f"no email reached {recipient} within {timeout:.0f} s")
