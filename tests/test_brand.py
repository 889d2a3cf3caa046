"""Brand settings: name, logo, colour (checked for contrast), the stylesheet and the favicon they make."""

from __future__ import annotations

import pytest

from kb import settings
from kb.brand import DARK_SURFACES, MIN_CONTRAST, contrast
from web import create_app

from .helpers import soup


@pytest.mark.parametrize("color", ["#ffd400", "#7aa2ff", "blue", "#12345", ""])
def test_an_unreadable_or_malformed_brand_colour_is_refused_at_start(color):
    with pytest.raises(settings.SettingsError, match="KB_BRAND_COLOR"):
        settings.load({"KB_BRAND_COLOR": color or " "})


def test_a_missing_or_foreign_logo_file_is_refused(tmp_path):
    with pytest.raises(settings.SettingsError, match="does not exist"):
        settings.load({"KB_LOGO_FILE": str(tmp_path / "logo.svg")})
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(settings.SettingsError, match=r"\.svg, \.png or \.webp"):
        settings.load({"KB_LOGO_FILE": str(tmp_path / "logo.gif")})


def test_the_brand_reaches_every_page_without_inline_style(app_config, tmp_path):
    logo = tmp_path / "acme.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    app_config.update(SITE_NAME="Acme", LOGO_FILE=logo, BRAND_COLOR="#7b1fa2")
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    page = soup(client.get("/de/"))
    assert page.title.text.endswith("· Acme") and page.select_one(".brand-name").text == "Acme"
    assert page.select_one('link[rel=stylesheet][href="/brand.css"]') and page.select_one('link[rel=icon][href="/favicon.ico"]')
    assert not page.select("style, [style]") and all(s.get("src") for s in page.select("script"))
    css = client.get("/brand.css")
    assert css.mimetype == "text/css" and "--brand: #7b1fa2;" in css.get_data(as_text=True)
    dark = css.get_data(as_text=True).split("--brand-text: ")[2].split(";")[0]
    assert all(contrast(dark, surface) >= MIN_CONTRAST for surface in DARK_SURFACES)
    with client.get("/brand/logo") as response:
        assert response.get_data() == logo.read_bytes()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon" and icon.data[22:26] == b"\x89PNG"
    app.extensions["kb.db"].dispose()


def test_the_built_in_logo_and_name_by_default(client):
    page = soup(client.get("/en/"))
    assert page.select_one(".brand-name").text == "Plumora"
    with client.get("/brand/logo") as response:
        assert response.mimetype == "image/svg+xml"
