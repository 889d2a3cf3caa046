"""Screenshots of the main pages at phone and desktop widths: the README shows them.

Each run writes them to docs/screenshots/ (what a visitor sees first, in the
viewport), so the README's pictures are the pages as they are; `git diff`
shows when a change moved something. tests/test_docs.py checks that the
README shows every one of them and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, new_page
from .flow import type_subject

SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": "/en/",
    "article": "/en/articles/support-plans-priority",
    "search": "/en/search?q=invoice+company+name",
    "no-results": "/en/search?q=xylophone+warranty",
}
# The contact page: suggestions as the customer types, then the form revealed in place.
FLOW = ("contact", "contact-form")
NAMES = (*PAGES, *FLOW)
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


def screenshot_files() -> list[str]:
    """Every file this test writes, by name."""
    return [f"{name}-{width}.png" for name in NAMES for width in WIDTHS]


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_screenshots_of_the_main_pages(browser, base_url, width_name):
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, base_url, viewport=WIDTHS[width_name])
    written = []

    def shoot(name):
        written.append(SCREENSHOTS_DIR / f"{name}-{width_name}.png")
        # The text cursor blinks: hidden, so that the same page makes the same picture.
        page.screenshot(path=written[-1], caret="hide", animations="disabled")

    try:
        for name, path in PAGES.items():
            page.goto(path)
            shoot(name)
        type_subject(page, "en", "invoice")
        page.locator("#contact-subject").press("ArrowDown")
        expect(page.locator("#none-helps button")).to_be_visible()
        shoot("contact")
        page.locator("#none-helps button").click()
        expect(page.locator("#ticket-section")).to_be_visible()
        shoot("contact-form")
    finally:
        context.close()
    assert sorted(p.name for p in written) == sorted(f for f in screenshot_files() if f.endswith(f"-{width_name}.png"))
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG"), path
