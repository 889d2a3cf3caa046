"""The help center as a customer meets it, in six languages at phone and desktop widths:
the home page suggesting as they type, search results that read well, a way out when
nothing matches, and the article feedback that stays where they are looking."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from ..conftest import LOCALES
from .conftest import DESKTOP, PHONE, new_page
from .flow import SUBJECTS

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
# Nothing in any language: the no-results page must still lead somewhere.
NOTHING = "zqxwvy plofnik"


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser, base_url):
    context, page = new_page(browser, base_url, viewport=WIDTHS[request.param])
    yield page
    context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_home_page_suggests_articles_as_you_type(sized_page, locale):
    page = sized_page
    page.goto(f"/{locale}/")
    field = page.locator("#search-q")
    expect(field).to_have_attribute("role", "combobox")
    subject = SUBJECTS[locale]
    with page.expect_response(lambda r: "/api/suggest?" in r.url and r.url.endswith("q=" + quote(subject, safe=""))):
        field.press_sequentially(subject, delay=30)
    options = page.locator("#search-suggestions [role=option]")
    expect(options.first).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#search-status")).not_to_be_empty()
    # The list is in view, under the field, not hidden behind anything.
    box = page.locator("#search-suggestions").bounding_box()
    assert box["y"] > field.bounding_box()["y"] and box["y"] + 10 < page.viewport_size["height"]
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "search-suggestion-0")
    href = options.first.get_attribute("data-href")
    assert href.startswith(f"/{locale}/articles/")
    field.press("Enter")
    page.wait_for_url("**" + href)
    expect(page.locator("article h1")).to_be_visible()


def test_a_suggestion_in_another_language_says_which(page):
    # The demo has no German "Closing your Plumora account": its English
    # version stands in, marked as English, as on the search results page.
    page.goto("/de/")
    field = page.locator("#search-q")
    with page.expect_response(lambda r: "/api/suggest?" in r.url and r.url.endswith("q=" + quote("Konto löschen", safe=""))):
        field.press_sequentially("Konto löschen", delay=30)
    stand_in = page.locator("#search-suggestions [role=option][lang=en]")
    expect(stand_in).to_have_count(1)
    expect(stand_in).to_contain_text("Closing your Plumora account")
    expect(stand_in.locator(".badge")).to_have_text("English")
    # The German suggestions carry no badge.
    expect(page.locator("#search-suggestions [role=option]:not([lang]) .badge")).to_have_count(0)
    assert page.locator("#search-suggestions [role=option]:not([lang])").count() >= 1


def _prose_of(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".article-body p, .article-body li").all_inner_texts()]


@pytest.mark.parametrize("locale", LOCALES)
def test_search_results_show_clean_snippets(sized_page, locale):
    page = sized_page
    page.goto(f"/{locale}/search?q={quote(SUBJECTS[locale])}")
    results = page.locator(".results > li")
    expect(results.first).to_be_visible()
    checked = []
    for i in range(min(3, results.count())):
        result = results.nth(i)
        expect(result.locator(".result-meta")).not_to_be_empty()
        snippet = " ".join(result.locator(".snippet").inner_text().split())
        marks = result.locator(".snippet mark").all_inner_texts()
        # A sentence or two, never four lines of flattened page.
        assert 20 <= len(snippet) <= 320, snippet
        # Only words of the customer's query, never every common word.
        assert all(len(m) >= 3 for m in marks), marks
        checked.append((result.locator("h2 a").get_attribute("href"), snippet))
    for href, snippet in checked:
        page.goto(href)
        prose = _prose_of(page)
        # Every piece of the snippet is prose of the article (a paragraph or a list item),
        # never headings or table cells run together.
        pieces = [p.strip(" …") for p in snippet.split("…") if p.strip(" …")]
        for piece in pieces:
            assert any(piece in paragraph for paragraph in prose), (href, piece)


def test_a_table_is_never_run_together_in_a_snippet(page):
    page.goto("/en/search?q=" + quote("ticket response time live chat"))
    snippets = " ".join(page.locator(".snippet").all_inner_texts())
    assert "Yes Yes" not in snippets and "No Yes" not in snippets and "Within 24 hours Within" not in snippets


@pytest.mark.parametrize("locale", LOCALES)
def test_no_results_offers_categories_and_the_contact_link(sized_page, locale):
    page = sized_page
    page.goto(f"/{locale}/search?q={quote(NOTHING)}")
    expect(page.locator("#no-results-heading")).to_contain_text(NOTHING)
    cards = page.locator(".closest-categories .category-card")
    expect(cards).to_have_count(3)
    contact = page.locator("#no-results-contact")
    expect(contact).to_be_visible()
    contact.click()
    page.wait_for_url(re.compile(rf"/{locale}/contact\?subject="))
    expect(page.locator("#contact-subject")).to_have_value(NOTHING)


def test_no_results_offers_did_you_mean(page):
    # Two edits from "password": more than the search corrects by itself in a
    # word of seven letters, so nothing is found, and the page offers the word.
    page.goto("/en/search?q=" + quote("paswrod"))
    expect(page.locator(".results > li")).to_have_count(0)
    suggestion = page.locator(".did-you-mean a")
    expect(suggestion).to_have_text("password")
    suggestion.click()
    page.wait_for_url(re.compile(r"/en/search\?q=password"))
    expect(page.locator(".results > li").first).to_contain_text("I forgot my password")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_answering_no_asks_what_was_missing_without_moving_the_page(browser, base_url, width):
    context, page = new_page(browser, base_url, viewport=WIDTHS[width])
    try:
        page.goto("/en/articles/support-plans-priority")
        no = page.locator("#feedback-form button[value=no]")
        no.scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        url = page.url
        no.click()
        question = page.locator("#missing legend")
        expect(question).to_have_text("What was missing?")
        # Same page, same place: the answer and the question are where the visitor looks.
        assert page.url == url and abs(page.evaluate("window.scrollY") - before) < 5
        expect(page.locator("#feedback .flash")).to_be_in_viewport()
        page.locator("#missing input[value=steps]").check()
        page.locator("#comment").fill("Step 2 has a different button now")
        page.locator("#missing button[type=submit]").click()
        expect(page.locator("#feedback .flash")).to_contain_text("Thank you")
        expect(page.locator("#feedback .flash")).to_be_in_viewport()
        assert page.url == url
    finally:
        context.close()
