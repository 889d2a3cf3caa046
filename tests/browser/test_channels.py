"""The channel choices in a browser, in six languages: signed in, time zone, kind of request.

The server runs at the real time of day, so these tests check what does not
depend on it: which channels the rules allow for each language, sentences in
the page's language, and the customer's own clock (a browser in New York is
always told the time "your time" beside the Paris hours).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from kb.sso import make_token

from .conftest import SCREENSHOTS, SSO_SECRET, new_page

# Per locale: the heading of the choices, the "your time" words, a word of
# "English" in that language (chat and phone speak English and French only).
WORDS = {
    "en": ("How you can reach us", "your time", "English"),
    "fr": ("Comment nous joindre", "chez vous", "anglais"),
    "de": ("So erreichen Sie uns", "bei Ihnen", "Englisch"),
    "es": ("Cómo contactar con nosotros", "en tu zona horaria", "inglés"),
    "it": ("Come contattarci", "nel tuo fuso orario", "inglese"),
    "pt": ("Como falar conosco", "no seu horário", "inglês"),
}
LIVE = {"en", "fr"}


def signed_in_page(browser, base_url, locale: str, *, plan: str = "premium", **options):
    context, page = new_page(browser, base_url, timezone_id="America/New_York", **options)
    token = make_token(SSO_SECRET, email=f"{locale}-{plan}@example.com", plan=plan, name="Ana Lima", pin="482913")
    target = f"/{locale}/contact/ticket?subject=" + quote("campaign stuck")
    page.goto(f"/sso/{token}?next=" + quote(target, safe="/"))
    page.wait_for_url(f"**/{locale}/contact/ticket?subject=*")
    return context, page


@pytest.mark.parametrize("locale", list(WORDS))
def test_a_premium_customer_sees_the_channel_choices_in_their_language(browser, base_url, locale):
    heading, your_time, english = WORDS[locale]
    context, page = signed_in_page(browser, base_url, locale)
    try:
        expect(page.locator("#channels-title")).to_have_text(heading)
        expect(page.locator("#channel-ticket")).to_have_attribute("data-state", "open")
        page.locator("#kind").select_option("campaign")
        expect(page.locator("#channel-choice[data-loaded-kind=campaign]")).to_have_count(1)
        for code in ("chat", "phone"):
            card = page.locator(f"#channel-{code}")
            if locale in LIVE:
                # Open or closed by the clock; in either case the New York time is given.
                expect(card.locator(".reason")).to_contain_text(your_time)
                expect(card.locator(".pin strong")).to_have_text("482913")
            else:
                expect(card).to_have_attribute("data-reason", "language")
                expect(card.locator(".reason")).to_contain_text(english)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#channel-choice").screenshot(path=str(SCREENSHOTS / f"channel-choices-{locale}.png"))
    finally:
        context.close()


def test_choosing_a_written_only_kind_turns_chat_and_phone_away_at_once(browser, base_url):
    context, page = signed_in_page(browser, base_url, "fr")
    try:
        page.locator("#kind").select_option("refund")
        expect(page.locator("#channel-choice[data-loaded-kind=refund]")).to_have_count(1)
        expect(page.locator("#channel-phone")).to_have_attribute("data-reason", "kind")
        expect(page.locator("#channel-chat .reason")).to_have_text(
            "Ce type de demande se traite uniquement par écrit\u00a0: envoyez-nous un ticket."
        )
        expect(page.locator("#channels-refresh")).to_be_hidden()
        page.locator("#kind").select_option("campaign")
        expect(page.locator("#channel-phone")).not_to_have_attribute("data-reason", "kind")
    finally:
        context.close()


def test_without_javascript_a_button_updates_the_choices(browser, base_url):
    context, page = signed_in_page(browser, base_url, "en", java_script_enabled=False)
    try:
        page.locator("#description").fill("Please refund the invoice charged twice.")
        page.locator("#kind").select_option("refund")
        page.locator("#channels-refresh button").click()
        expect(page.locator("#channel-phone")).to_have_attribute("data-reason", "kind")
        expect(page.locator("#description")).to_have_value("Please refund the invoice charged twice.")
        expect(page.locator("#kind")).to_have_value("refund")
    finally:
        context.close()


def test_an_anonymous_visitor_is_told_that_signing_in_shows_chat_and_phone(page):
    page.goto("/de/contact/ticket?subject=Kampagne")
    expect(page.locator("#sign-in-hint")).to_contain_text("Chat und Telefon")
    expect(page.locator("#channel-phone")).to_have_attribute("data-reason", "sign_in")
