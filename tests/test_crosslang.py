"""Missing translations found across languages with word translations learnt
from the translated articles (search/crosslang.py)."""

from __future__ import annotations

from kb.articles import load_articles
from search.indexing import build_index
from search.service import SearchIndex

from .conftest import write_article

PARALLEL = {
    "invoices": (("Downloading your invoices", "Your invoice as PDF"), ("Rechnungen herunterladen", "Ihre Rechnung als PDF")),
    "invoice-address": (("Changing the address on your invoice", "Company address"), ("Adresse auf der Rechnung ändern", "Firmenadresse")),
    "invoice-currency": (("Currency of an invoice", "Paying an invoice"), ("Währung einer Rechnung", "Rechnung bezahlen")),
    "password-change": (("Changing your password", "A safe password"), ("Passwort ändern", "Ein sicheres Passwort")),
    "password-forgotten": (("Forgotten password", "Password link"), ("Passwort vergessen", "Passwort-Link")),
}


def _search(tmp_path) -> SearchIndex:
    root = tmp_path / "articles"
    for article_id, (english, german) in PARALLEL.items():
        for locale, (title, heading) in (("en", english), ("de", german)):
            write_article(root, f"{locale}/{article_id}.md", f"---\nid: {article_id}\ntitle: {title}\n---\n## {heading}\n\n{title}. {heading}.\n")
    # Written in English only: no German version yet.
    write_article(root, "en/refund.md", "---\nid: refund\ntitle: Getting a refund for an invoice\n---\nWhen an invoice was charged twice, ask for a refund.\n")
    write_article(root, "en/newsletter.md", "---\nid: newsletter\ntitle: Designing a newsletter\n---\nTemplates for newsletters.\n")
    articles = load_articles(root, ("en", "de"), "en")
    assert not articles.errors
    build_index(articles, tmp_path / "index", ("en", "de"))
    return SearchIndex(tmp_path / "index", ("en", "de"), "en")


def test_a_german_question_finds_an_article_that_exists_only_in_english(tmp_path):
    search = _search(tmp_path)
    hits = search.search("Wie bekomme ich Geld für eine Rechnung zurück?", "de")
    refund = [h for h in hits if h.id == "refund"]
    assert refund and refund[0].locale == "en" and refund[0].link_locale == "de"
    # The English-only article on another subject is not dragged in.
    assert "newsletter" not in [h.id for h in hits]


def test_translations_are_learnt_from_aligned_titles_and_headings(tmp_path):
    search = _search(tmp_path)
    with search._lock:
        table = search.current().translations_between("de", "en")
    assert table.translations("rechnung")[0][0] == "invoic"
    assert table.translations("passwort")[0][0] == "password"
