"""The contact flow in a real browser, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..conftest import LOCALES
from .flow import (
    SUBJECTS, answer_did_this_solve, fill_ticket, open_first_suggestion_by_keyboard, send_ticket,
    still_need_help, type_subject, unique_email, wait_for_mail,
)


def test_typing_a_subject_shows_suggestions_announced_to_screen_readers(page):
    type_subject(page, "en", "password")
    field = page.locator("#contact-subject")
    expect(field).to_have_attribute("aria-expanded", "true")
    options = page.locator("#contact-suggestions [role=option]")
    assert options.count() >= 1
    expect(options.first).to_contain_text(re.compile("password", re.I))
    # The live region says how many were found and how to choose.
    expect(page.locator("#contact-status[aria-live=polite]")).to_have_text(
        re.compile(r"^(1 article found|\d+ articles found)\. Use the arrow keys")
    )


def test_suggestions_are_usable_by_keyboard_only(page):
    page.goto("/en/contact")
    for _ in range(20):  # Tab from the top of the page to the subject field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "contact-subject":
            break
    else:
        pytest.fail("the subject field cannot be reached with Tab")
    with page.expect_response(lambda response: response.url.endswith("q=password")):
        page.keyboard.type("password", delay=30)
    options = page.locator("#contact-suggestions [role=option]")
    expect(options.first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    field = page.locator("#contact-subject")
    if options.count() > 1:
        expect(field).to_have_attribute("aria-activedescendant", "contact-suggestion-1")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(field).to_have_attribute("aria-activedescendant", "contact-suggestion-0")
    page.keyboard.press("Escape")
    expect(page.locator("#contact-suggestions")).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "contact-suggestion-0")
    href = options.first.get_attribute("data-href")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + href)
    expect(page.locator("#solved legend")).to_have_text("Did this solve your problem?")


def test_yes_ends_the_flow(page):
    type_subject(page, "en", "password")
    open_first_suggestion_by_keyboard(page, "en")
    answer_did_this_solve(page, "yes")
    expect(page.locator("h1")).to_have_text("Glad we could help")
    expect(page.locator("#ticket-form, #still-need-help")).to_have_count(0)


def test_no_returns_to_the_suggestions_with_the_subject_kept(page):
    type_subject(page, "en", "password reset")
    open_first_suggestion_by_keyboard(page, "en")
    answer_did_this_solve(page, "no")
    page.wait_for_url(re.compile(r"/en/contact/suggestions\?subject=password"))
    expect(page.locator(".subject-recap")).to_contain_text("password reset")
    expect(page.locator("#still-need-help input[name=subject]")).to_have_value("password reset")


def test_still_need_help_then_a_ticket_number_and_the_confirmation_email(page, smtp_inbox):
    inbox, _port = smtp_inbox
    page.goto("/en/contact/suggestions?subject=invoice+wrong+company")
    expect(page.locator("#ticket-form")).to_have_count(0)
    still_need_help(page)
    expect(page.locator("#subject")).to_have_value("invoice wrong company")
    radios = page.locator("#channel-choice input[type=radio]")
    if radios.count():  # several channels: one is chosen
        expect(page.locator("#channel-choice input[type=radio]:checked")).to_have_count(1)
    else:  # one channel: said, not offered as a choice of one
        expect(page.locator("#channel-choice input[name=channel]")).to_have_count(1)
    email = unique_email("flow")
    fill_ticket(page, email=email)
    number = send_ticket(page, "en")
    expect(page.locator("h1")).to_have_text("We received your request")
    mail = wait_for_mail(inbox, email)
    assert number in mail["Subject"] and mail["Content-Language"] == "en"
    assert number in mail.get_body(("plain",)).get_content()


def test_a_validation_error_keeps_every_field(page):
    page.goto("/en/contact/ticket?subject=campaign+stuck")
    fill_ticket(page, email="not-an-address", name="Ana Lima", kind="campaign",
                description="It stayed in the sending state for two hours.")
    page.locator("#message_id").fill("msg-2041")
    page.locator("#list_id").fill("newsletter-en")
    page.locator("#ticket-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary a[href='#email']")).to_have_count(1)
    expect(page.locator("#email")).to_have_value("not-an-address")
    expect(page.locator("#name")).to_have_value("Ana Lima")
    expect(page.locator("#subject")).to_have_value("campaign stuck")
    expect(page.locator("#kind")).to_have_value("campaign")
    expect(page.locator("#message_id")).to_have_value("msg-2041")
    expect(page.locator("#list_id")).to_have_value("newsletter-en")
    expect(page.locator("#description")).to_have_value("It stayed in the sending state for two hours.")


def test_switching_language_keeps_the_page(page):
    page.goto("/en/articles/invoices")
    page.locator(".language-menu summary").click()
    page.locator("nav.languages a[hreflang=de]").click()
    page.wait_for_url("**/de/articles/invoices")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto("/fr/search?q=facture")
    page.locator(".language-menu summary").click()
    page.locator("nav.languages a[hreflang=es]").click()
    page.wait_for_url(re.compile(r"/es/search\?q=facture"))
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_an_untranslated_article_shows_the_fallback_notice(page):
    page.goto("/it/articles/api-keys")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator(".notice").first).to_contain_text("non è ancora stato tradotto")
    expect(page.locator("article")).to_have_attribute("lang", "en")


def test_the_whole_flow_without_javascript(page_without_js, smtp_inbox):
    page, (inbox, _port) = page_without_js, smtp_inbox
    page.goto("/en/contact")
    page.locator("#contact-subject").fill("password")
    page.locator("#contact-subject-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/contact/suggestions\?subject=password"))
    page.locator("#contact-suggestion-list a").first.click()
    answer_did_this_solve(page, "no")
    expect(page.locator(".subject-recap")).to_contain_text("password")
    still_need_help(page)
    email = unique_email("nojs")
    fill_ticket(page, email=email, kind="account")
    number = send_ticket(page, "en")
    assert number in wait_for_mail(inbox, email)["Subject"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_contact_flow_in_every_language(page, locale):
    type_subject(page, locale, SUBJECTS[locale])
    open_first_suggestion_by_keyboard(page, locale)
    answer_did_this_solve(page, "no")
    expect(page.locator(".subject-recap")).to_contain_text(SUBJECTS[locale])
    still_need_help(page)
    fill_ticket(page, email=unique_email(locale))
    send_ticket(page, locale)
    expect(page.locator("html")).to_have_attribute("lang", locale)


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("locale", LOCALES)
def test_the_contact_flow_on_one_page(browser, base_url, smtp_inbox, locale, width):
    """Suggestions under the subject, "None of these answers my question" right below them,
    the form revealed in place with focus moved and announced, the subject kept."""
    from .conftest import DESKTOP, PHONE, new_page

    inbox, _port = smtp_inbox
    context, page = new_page(browser, base_url, viewport={"phone": PHONE, "desktop": DESKTOP}[width])
    try:
        type_subject(page, locale, SUBJECTS[locale])
        expect(page.locator("#ticket-section")).to_be_hidden()
        offer = page.locator("#none-helps button")
        expect(offer).to_be_visible()
        # Right below the suggestions: nothing but the field's hint between them.
        listbox = page.locator("#contact-suggestions").bounding_box()
        button = offer.bounding_box()
        assert 0 <= button["y"] - (listbox["y"] + listbox["height"]) < 80, (listbox, button)
        expect(page.locator("#contact-suggestions [role=option]").first).to_be_visible()
        start = page.url
        offer.click()
        section = page.locator("#ticket-section")
        expect(section).to_be_visible()
        expect(offer).to_have_attribute("aria-expanded", "true")
        assert page.evaluate("document.activeElement.id") == "ticket-heading"
        expect(page.locator("#ticket-heading")).to_be_in_viewport()
        expect(page.locator("#contact-status")).to_have_text(section.get_attribute("data-announce"))
        expect(page.locator("#subject")).to_have_value(SUBJECTS[locale])
        assert page.url == start  # the same page
        email = unique_email(f"onepage-{locale}-{width}")
        fill_ticket(page, email=email)
        send_button = page.locator("#ticket-form button[type=submit]")
        # Room between the last button and the footer.
        send_button.scroll_into_view_if_needed()
        footer, sent = page.locator(".site-footer").bounding_box(), send_button.bounding_box()
        assert footer["y"] - (sent["y"] + sent["height"]) >= 24
        number = send_ticket(page, locale)
        expect(page.locator("html")).to_have_attribute("lang", locale)
        assert number in wait_for_mail(inbox, email)["Subject"]
    finally:
        context.close()
