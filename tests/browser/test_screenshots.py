"""Screenshots of the main pages at phone and desktop widths, for people to look at.

Written to artifacts/screenshots/ (git-ignored; a CI run leaves them there); the two in
docs/screenshots/ that the README shows were copied from there.
"""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE, SCREENSHOTS, new_page
from .flow import still_need_help, type_subject

PAGES = {
    "home": "/en/",
    "article": "/en/articles/invoices",
    "search": "/en/search?q=invoice",
    "contact": "/en/contact",
    "suggestions": "/en/contact/suggestions?subject=invoice+wrong+company",
}


@pytest.mark.parametrize("width_name", ["phone", "desktop"])
def test_screenshots_of_the_main_pages(browser, base_url, width_name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, base_url, viewport={"phone": PHONE, "desktop": DESKTOP}[width_name])
    try:
        written = []
        for name, path in PAGES.items():
            page.goto(path)
            written.append(SCREENSHOTS / f"{name}-{width_name}.png")
            page.screenshot(path=written[-1], full_page=True)
        still_need_help(page)
        written.append(SCREENSHOTS / f"ticket-form-{width_name}.png")
        page.screenshot(path=written[-1], full_page=True)
        type_subject(page, "en", "invoice")
        page.locator("#contact-subject").press("ArrowDown")
        written.append(SCREENSHOTS / f"contact-suggestions-{width_name}.png")
        page.screenshot(path=written[-1])
    finally:
        context.close()
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG"), path
