"""axe-core (vendored by the axe-playwright-python package) on the main pages in every language."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..conftest import LOCALES
from .conftest import DESKTOP, PHONE
from .flow import SUBJECTS, type_subject

BLOCKING = {"serious", "critical"}
# WCAG 2.2 AA (target size is only in its rules) and axe's best practices.
RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}


def main_pages(locale: str) -> dict[str, str]:
    subject = SUBJECTS[locale]
    return {
        "home": f"/{locale}/",
        "article": f"/{locale}/articles/invoices",
        "article with code": f"/{locale}/articles/api-keys",  # untranslated in Italian
        "article with a table": f"/{locale}/articles/support-plans-priority",
        "search": f"/{locale}/search?q={subject}",
        "no results": f"/{locale}/search?q=zqxwvy",
        "article feedback: what was missing": f"/{locale}/articles/invoices?answered=no",
        "contact": f"/{locale}/contact",
        "suggestions": f"/{locale}/contact/suggestions?subject={subject}",
        "ticket form": f"/{locale}/contact/ticket?subject={subject}",
    }


def blocking_violations(page) -> list[str]:
    results = Axe().run(page, options=RULES)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_no_serious_or_critical_violation_on_the_main_pages(page, locale):
    found = {}
    for name, path in main_pages(locale).items():
        page.goto(path)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            if violations := blocking_violations(page):
                found[f"{name} ({width})"] = violations
        page.set_viewport_size(DESKTOP)
    # The contact page with its suggestions open, as a customer sees it.
    type_subject(page, locale, SUBJECTS[locale])
    page.locator("#contact-subject").press("ArrowDown")
    if violations := blocking_violations(page):
        found["contact with suggestions"] = violations
    # ... and with the form revealed in place, at both widths.
    page.locator("#none-helps button").click()
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if violations := blocking_violations(page):
            found[f"contact with the form ({width})"] = violations
    # The home page with its suggestions open.
    page.set_viewport_size(DESKTOP)
    page.goto(f"/{locale}/")
    page.locator("#search-q").press_sequentially(SUBJECTS[locale], delay=30)
    page.locator("#search-suggestions [role=option]").first.wait_for()
    if violations := blocking_violations(page):
        found["home with suggestions"] = violations
    assert not found, found


def test_the_scan_finds_a_real_violation(page):
    """The scan can fail: a page with an unlabelled field and no title is caught."""
    page.set_content("<html><body><input type=text><img src=x.png></body></html>")
    assert any(v.startswith(("image-alt", "label")) for v in blocking_violations(page))


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_or_critical_violation_in_dark_mode(browser, base_url, width):
    """The dark scheme (prefers-color-scheme) keeps every text readable, links in the brand colour too."""
    from .conftest import new_page

    context, page = new_page(browser, base_url, viewport={"desktop": DESKTOP, "phone": PHONE}[width], color_scheme="dark")
    try:
        found = {}
        for name, path in main_pages("fr").items():
            page.goto(path)
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            if violations := blocking_violations(page):
                found[name] = violations
        assert not found, found
    finally:
        context.close()
