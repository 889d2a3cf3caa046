"""Help-center pages served from the index."""

from __future__ import annotations

import pytest

from .conftest import LOCALES


def test_root_sends_visitors_to_their_language(client):
    response = client.get("/", headers={"Accept-Language": "de-CH,de;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"] == "/de/"
    assert client.get("/", headers={"Accept-Language": "ja"}).headers["Location"] == "/en/"


@pytest.mark.parametrize("locale", LOCALES)
def test_home_lists_categories_and_articles(client, locale):
    response = client.get(f"/{locale}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert f'href="/{locale}/articles/' in html
    assert f'action="/{locale}/search"' in html


def test_article_page_renders_sanitized_html_and_languages(client):
    html = client.get("/fr/articles/spf-dkim").get_data(as_text=True)
    assert "<h1>" in html and "<pre><code" in html
    assert 'hreflang="de"' in html


def test_untranslated_article_falls_back_with_a_notice(client):
    response = client.get("/it/articles/api-keys")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="notice"' in html and '<article lang="en">' in html


def test_search_page_pages_and_escapes(client):
    html = client.get("/en/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    html = client.get("/en/search?q=support").get_data(as_text=True)
    assert "<mark>" in html and 'rel="next"' in html
    assert client.get("/en/search?q=support&page=2").status_code == 200
    assert client.get("/en/search?q=support&page=abc").status_code == 200


def test_unknown_pages_are_404_in_the_visitors_language(client):
    assert client.get("/xx/").status_code == 404
    response = client.get("/de/articles/does-not-exist")
    assert response.status_code == 404
    assert '<html lang="de">' in response.get_data(as_text=True)
    assert client.get("/de/categories/none").status_code == 404


def test_security_headers(client):
    response = client.get("/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_search_page_offers_a_correction_when_nothing_matches(client):
    html = client.get("/en/search?q=paswrd").get_data(as_text=True)
    assert 'href="/en/search?q=password">password</a>' in html
    assert "Did you mean" not in client.get("/en/search?q=password").get_data(as_text=True)
