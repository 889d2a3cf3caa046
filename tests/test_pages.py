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
    # Topics lead to their articles; popular articles appear once someone has
    # read one (tests/test_analytics.py): popularity is never made up.
    assert f'href="/{locale}/categories/' in html and 'class="popular' not in html
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


def test_search_page_reaches_every_result_not_only_the_first_twenty(client, demo_search):
    hits, total = demo_search.search_page("email", "en", 1)
    assert total > 20 and len(hits) == 10
    third, same_total = demo_search.search_page("email", "en", 3)
    assert same_total == total and len(third) == total - 20
    pages = [demo_search.search_page("email", "en", page)[0] for page in (1, 2, 3)]
    ids = [hit.id for page in pages for hit in page]
    assert len(set(ids)) == total
    html = client.get("/en/search?q=email&page=3").get_data(as_text=True)
    assert f'href="/en/articles/{third[0].id}"' in html
    assert "<mark>" in html


def test_bookkeeping_searches_skip_snippets(demo_search):
    plain = demo_search.search("invoice address", "en", 5, snippets=False)
    shown = demo_search.search("invoice address", "en", 5)
    assert [h.id for h in plain] == [h.id for h in shown]
    assert all(h.snippet == "" for h in plain) and all(h.snippet for h in shown)


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


def test_article_helpful_feedback_is_recorded_and_reading_makes_articles_popular(client, app):
    from sqlalchemy import select

    from kb.models import ArticleFeedback

    from .helpers import form_action, form_values, soup

    page = client.get("/es/articles/spf-dkim")
    assert soup(page).select_one("#feedback legend").text == "¿Te ha resultado útil este artículo?"
    values = form_values(page, "feedback-form")
    response = client.post(form_action(page, "feedback-form"), data={**values, "answer": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/es/articles/spf-dkim?answered=yes#feedback"
    # The thanks is shown inside the feedback box, where the visitor is looking, not at the top.
    answered = soup(client.get(response.headers["Location"]))
    assert answered.select_one("#feedback .flash[role=status]") and not answered.select_one("main > .flash")
    with app.extensions["kb.db"].reading() as db:
        vote = db.scalar(select(ArticleFeedback))
    assert (vote.article_id, vote.locale, vote.question, vote.positive) == ("spf-dkim", "es", "helpful", True)
    # Popular means read: the only article read so far (twice) is the only one listed.
    popular = soup(client.get("/es/")).select("#popular-heading + ol a")
    assert [a["href"] for a in popular] == ["/es/articles/spf-dkim"]
    # Without a valid token nothing is recorded, and the visitor is asked again.
    refused = client.post("/es/articles/spf-dkim/feedback", data={"answer": "no"})
    assert refused.status_code == 303
    bad = client.post("/es/articles/spf-dkim/feedback", data={**values, "answer": "maybe"})
    assert bad.status_code == 303
    with app.extensions["kb.db"].reading() as db:
        assert len(db.scalars(select(ArticleFeedback)).all()) == 1


def test_answering_no_asks_what_was_missing_in_the_feedback_box(client, app):
    from sqlalchemy import select

    from kb.models import ArticleFeedback

    from .helpers import form_action, form_values, soup

    page = client.get("/fr/articles/invoices")
    response = client.post(form_action(page, "feedback-form"), data={**form_values(page, "feedback-form"), "answer": "no"})
    assert response.headers["Location"] == "/fr/articles/invoices?answered=no#feedback"
    asked = client.get(response.headers["Location"])
    box = soup(asked).select_one("#feedback")
    assert box.select_one(".flash").text.strip() == "Merci. Que manquait-il\u202f?"
    assert len(box.select("#missing input[type=radio][name=reason]")) == 4 and box.select_one("#missing textarea#comment")
    # Sending without a reason asks again, in the box.
    again = client.post(form_action(asked, "missing"), data=form_values(asked, "missing"))
    assert again.headers["Location"] == "/fr/articles/invoices?answered=no#feedback"
    sent = client.post(form_action(asked, "missing"), data={**form_values(asked, "missing"), "reason": "outdated", "comment": "Le menu a changé"})
    assert sent.status_code == 303
    thanked = soup(client.get(sent.headers["Location"]))
    assert thanked.select_one("#feedback .flash") and thanked.select_one("#feedback-form")
    with app.extensions["kb.db"].reading() as db:
        rows = [(f.question, f.positive, f.subject) for f in db.scalars(select(ArticleFeedback).order_by(ArticleFeedback.id))]
    assert rows == [("helpful", False, None), ("missing:outdated", False, "Le menu a changé")]


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


# Locale choice: URL, then remembered choice, then Accept-Language, then default.

def test_a_page_in_a_locale_remembers_it_and_the_root_honours_it(client):
    response = client.get("/fr/articles/invoices")
    cookie = response.headers["Set-Cookie"]
    assert "kb_locale=fr" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    response = client.get("/", headers={"Accept-Language": "de"})
    assert response.headers["Location"] == "/fr/"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    # Already remembered: no new cookie on every page.
    assert "Set-Cookie" not in client.get("/fr/").headers


def test_the_url_outranks_the_remembered_choice(client):
    client.set_cookie("kb_locale", "de")
    html = client.get("/it/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="it">' in html and "Come possiamo aiutarti?" in html


def test_without_url_or_cookie_accept_language_then_the_default_choose(client):
    response = client.get("/no/such-page", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert response.status_code == 404
    assert '<html lang="pt">' in response.get_data(as_text=True)
    assert "Não encontramos esta página" in response.get_data(as_text=True)
    assert '<html lang="en">' in client.get("/no/such-page", headers={"Accept-Language": "ja"}).get_data(as_text=True)


def test_an_unknown_remembered_locale_is_ignored(client):
    client.set_cookie("kb_locale", "../../etc")
    assert client.get("/", headers={"Accept-Language": "es"}).headers["Location"] == "/es/"


def test_error_pages_set_no_cookie(client):
    assert "Set-Cookie" not in client.get("/de/articles/does-not-exist").headers


def links(html: str):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    switcher = {a["hreflang"]: a["href"] for a in soup.select("nav.languages a")}
    alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"]')}
    canonical = soup.select_one('link[rel="canonical"]')
    return switcher, alternates, canonical["href"] if canonical else None


def test_switcher_keeps_the_visitor_on_the_same_article(client):
    switcher, alternates, canonical = links(client.get("/de/articles/spf-dkim").get_data(as_text=True))
    # The Portuguese articles are Brazilian Portuguese and serve Portugal too (articles/locales.yaml).
    tags = {"pt": ("pt-BR", "pt-PT")}
    assert switcher == {tags.get(locale, (locale,))[0]: f"/{locale}/articles/spf-dkim" for locale in LOCALES}
    assert alternates == {
        **{tag: f"http://localhost/{locale}/articles/spf-dkim" for locale in LOCALES for tag in tags.get(locale, (locale,))},
        "x-default": "http://localhost/en/articles/spf-dkim",
    }
    assert canonical == "http://localhost/de/articles/spf-dkim"


def test_an_untranslated_article_points_search_engines_at_the_versions_that_exist(client):
    switcher, alternates, canonical = links(client.get("/it/articles/api-keys").get_data(as_text=True))
    assert switcher["it"] == "/it/articles/api-keys" and switcher["fr"] == "/fr/articles/api-keys"
    assert "it" not in alternates and "pt-BR" not in alternates and alternates["x-default"].endswith("/en/articles/api-keys")
    assert canonical == "http://localhost/en/articles/api-keys"


def test_switcher_keeps_the_category_and_the_search(client):
    switcher, alternates, canonical = links(client.get("/fr/categories/billing").get_data(as_text=True))
    assert switcher["es"] == "/es/categories/billing" and alternates["x-default"] == "http://localhost/en/categories/billing"
    switcher, _, canonical = links(client.get("/fr/search?q=facture%20%C3%A9t%C3%A9&page=2").get_data(as_text=True))
    assert switcher["de"] == "/de/search?q=facture+%C3%A9t%C3%A9&page=2"
    assert canonical == "http://localhost/fr/search?q=facture+%C3%A9t%C3%A9&page=2"


def test_the_homes_x_default_is_the_root_that_picks_a_language(client):
    switcher, alternates, canonical = links(client.get("/es/").get_data(as_text=True))
    assert switcher["it"] == "/it/" and alternates["x-default"] == "http://localhost/"
    assert alternates["pt-BR"] == alternates["pt-PT"] == "http://localhost/pt/" and canonical == "http://localhost/es/"


def test_error_pages_switch_to_the_home_of_the_other_language(client):
    switcher, alternates, canonical = links(client.get("/de/articles/does-not-exist").get_data(as_text=True))
    assert switcher["fr"] == "/fr/" and alternates == {} and canonical is None


def test_lists_reach_untranslated_articles_marked_with_their_language(client):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/it/categories/developers").get_data(as_text=True), "html.parser")
    link = soup.select_one('a[href="/it/articles/api-keys"]')
    assert link is not None and link["lang"] == "en"
    assert link.find_next_sibling("span", class_="badge").get_text() == "English"
    own = soup.select_one('a[href="/it/articles/webhooks"]')
    assert own is not None and not own.has_attr("lang")
    listed = client.get("/pt/categories/developers").get_data(as_text=True)
    assert 'href="/pt/articles/api-keys" lang="en"' in listed


def test_untranslated_article_notice_is_in_the_visitors_language_and_links_the_versions(client):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/pt/articles/api-keys").get_data(as_text=True), "html.parser")
    assert soup.select_one(".notice").get_text() == (
        "Este artigo ainda não foi traduzido para o português. Aqui está a versão em inglês."
    )
    others = {a["hreflang"] for a in soup.select(".other-languages a")}
    assert others == {"fr", "de", "es"}


@pytest.mark.parametrize(
    ("locale", "date"),
    [("en", "November 29, 2026"), ("de", "29. November 2026"), ("fr", "29 novembre 2026"), ("pt", "29 de novembro de 2026")],
)
def test_dates_are_written_the_visitors_way(client, locale, date):
    assert date in client.get(f"/{locale}/articles/contact-support").get_data(as_text=True)


def test_numbers_and_plurals_follow_the_language(app):
    from flask import render_template_string

    template = '{{ ngettext("%(num)s result", "%(num)s results", n, num=n|numberformat) }}'
    expected = {("en", 1): "1 result", ("en", 1234): "1,234 results", ("de", 1234): "1.234 Treffer",
                ("fr", 1): "1 résultat", ("fr", 0): "0 résultat", ("fr", 1234): "1\u202f234 résultats"}
    for (locale, n), text in expected.items():
        with app.test_request_context(f"/{locale}/"):
            from flask import g

            g.locale = locale
            assert render_template_string(template, n=n) == text


def test_an_outdated_translation_says_so_and_links_the_source(client):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get("/fr/articles/spf-dkim").get_data(as_text=True), "html.parser")
    notice = soup.select_one(".notice")
    assert "dernières modifications" in notice.get_text()
    assert notice.a["href"] == "/en/articles/spf-dkim" and notice.a.get_text() == "Lire la version la plus récente, en anglais"
    assert BeautifulSoup(client.get("/fr/articles/invoices").get_data(as_text=True), "html.parser").select_one(".notice") is None


def test_search_page_offers_a_correction_when_nothing_matches(client):
    html = client.get("/en/search?q=paswrd").get_data(as_text=True)
    assert 'href="/en/search?q=password">password</a>' in html
    assert "Did you mean" not in client.get("/en/search?q=password").get_data(as_text=True)
