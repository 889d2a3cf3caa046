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


def test_article_helpful_feedback_is_recorded_and_makes_articles_popular(client, app):
    from sqlalchemy import select

    from kb.models import ArticleFeedback

    from .helpers import form_action, form_values, soup

    page = client.get("/es/articles/spf-dkim")
    assert soup(page).find(id="feedback").legend.text == "Was this article helpful?"
    values = form_values(page, "feedback")
    response = client.post(form_action(page, "feedback"), data={**values, "answer": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/es/articles/spf-dkim#feedback"
    assert soup(client.get("/es/articles/spf-dkim")).select_one(".flash[role=status]")
    with app.extensions["kb.db"].reading() as db:
        vote = db.scalar(select(ArticleFeedback))
    assert (vote.article_id, vote.locale, vote.question, vote.positive) == ("spf-dkim", "es", "helpful", True)
    popular = soup(client.get("/es/")).select("#popular-heading + ol a")
    assert popular[0]["href"] == "/es/articles/spf-dkim" and len(popular) == 5
    # Without a valid token nothing is recorded, and the visitor is asked again.
    refused = client.post("/es/articles/spf-dkim/feedback", data={"answer": "no"})
    assert refused.status_code == 303
    bad = client.post("/es/articles/spf-dkim/feedback", data={**values, "answer": "maybe"})
    assert bad.status_code == 303
    with app.extensions["kb.db"].reading() as db:
        assert len(db.scalars(select(ArticleFeedback)).all()) == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_links_to_the_contact_flow(client, locale):
    html = client.get(f"/{locale}/").get_data(as_text=True)
    assert f'href="/{locale}/contact"' in html


def test_server_errors_are_pages_in_the_visitors_language(app, client):
    @app.get("/<locale>/boom")
    def boom(locale):
        raise RuntimeError("broken on purpose")

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/pt/boom")
    assert response.status_code == 500
    assert '<html lang="pt">' in response.get_data(as_text=True)
