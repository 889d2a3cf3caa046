"""Missing translations found across languages with word translations learnt
from the translated articles (search/crosslang.py)."""

from __future__ import annotations

from kb.articles import load_articles
from search.crosslang import TRANSLATIONS_FILE, UNTRANSLATED_SHARE, read_translations, translated_query
from search.indexing import build_index, generation_path, update_index
from search.queries import split_query
from search.service import NATIVE_FIRST_SHARE, Candidate, SearchIndex, page_language_first

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


def _candidate(article_id, locale, score, page="de"):
    return Candidate(article_id, locale, page, article_id, "", score, None, False, split_query("", page), frozenset())


def test_a_close_article_in_the_page_language_goes_before_a_stand_in():
    english = _candidate("refund", "en", 10.0)
    german = _candidate("invoices", "de", 10.0 * NATIVE_FIRST_SHARE)
    other = _candidate("password-change", "de", 1.0)
    ranked = page_language_first([english, german, other], "de")
    assert [c.id for c in ranked] == ["invoices", "refund", "password-change"]
    # A German article far below the stand-in does not pass it.
    assert page_language_first([english, other], "de") == [english, other]
    # Nor does the rule touch an English page, or an article of another
    # language found because the text is in that language (no stand-in).
    assert page_language_first([english, german], "en")[0] is english
    typed_in_english = _candidate("refund", "en", 10.0, page="en")
    assert page_language_first([typed_in_english, german], "de")[0] is typed_in_english


def test_a_word_with_no_translation_counts_as_half_a_word_asked(tmp_path):
    search = _search(tmp_path)
    with search._lock:
        opened = search.current()
        table, lexicon = opened.translations_between("de", "en"), opened.lexicon("en")
    # "Rechnung" translates, "zurückerstatten" has no translation and no English article has it.
    translated = translated_query(split_query("Rechnung zurückerstatten ", "de"), "de", "en", table, lexicon)
    assert len(translated.subqueries) == 1
    assert translated.asked == 1 + UNTRANSLATED_SHARE == 1.5
    # So the invoice articles keep 1 / 1.5 of their score, not half of it.
    scorer = opened.scorers["en"]
    alone = scorer.scores(translated.subqueries[0])
    assert abs(scorer.scores(translated).max() - alone.max() / 1.5) < 1e-9


def test_translations_are_learnt_from_short_blocks_aligned_one_for_one(tmp_path):
    root = tmp_path / "articles"
    pairs = {
        "shop": (("Shop", "Redeem a coupon at checkout."), ("Laden", "Einen Gutschein an der Kasse einlösen.")),
        "gifts": (("Gifts", "A coupon for a friend."), ("Geschenke", "Ein Gutschein für einen Freund.")),
        # Different numbers of blocks: not aligned, not learnt from.
        "news": (("News", "Coupon news.\n\nMore news."), ("Neuigkeiten", "Neues zum Rabatt.")),
    }
    for article_id, (english, german) in pairs.items():
        for locale, (title, text) in (("en", english), ("de", german)):
            write_article(root, f"{locale}/{article_id}.md", f"---\nid: {article_id}\ntitle: {title}\n---\n{text}\n")
    # An article German lacks, so German searches fall back on English and need the table.
    write_article(root, "en/refund.md", "---\nid: refund\ntitle: Refunds\n---\nA refund takes a week.\n")
    report = build_index(load_articles(root, ("en", "de"), "en"), tmp_path / "index", ("en", "de"))
    table = read_translations(report.path)[("de", "en")]
    # "Gutschein" is never in a title: its paragraphs say "coupon", one for one.
    assert table.translations("gutschein")[0][0] == "coupon"
    assert table.translations("rabatt") == ()


def test_translations_are_learnt_from_aligned_titles_and_headings(tmp_path):
    search = _search(tmp_path)
    with search._lock:
        table = search.current().translations_between("de", "en")
    assert table.translations("rechnung")[0][0] == "invoic"
    assert table.translations("passwort")[0][0] == "password"


def test_kb_index_stores_the_translations_with_the_generation(tmp_path):
    search = _search(tmp_path)
    path = generation_path(tmp_path / "index", search.generation)
    stored = read_translations(path)
    assert stored is not None and ("de", "en") in stored
    assert stored[("de", "en")].translations("rechnung")[0][0] == "invoic"
    # The worker reads them: nothing left to learn at start.
    with search._lock:
        assert search.current().translations == stored


def test_stored_translations_give_the_results_learning_at_start_gives(tmp_path):
    search = _search(tmp_path)
    questions = ["Wie bekomme ich Geld für eine Rechnung zurück?", "Rechnung erstattet", "Passwort", "Rech"]
    with_stored = [search.search(q, "de") for q in questions]
    path = generation_path(tmp_path / "index", search.generation)
    stored = read_translations(path)
    (path / TRANSLATIONS_FILE).unlink()  # as a generation written before they were stored
    learning = SearchIndex(tmp_path / "index", ("en", "de"), "en")
    learning.warm_up()
    with learning._lock:
        assert learning.current().translations == stored
    assert [learning.search(q, "de") for q in questions] == with_stored


def test_an_update_learns_the_translations_of_its_generation(tmp_path):
    search = _search(tmp_path)
    before = read_translations(generation_path(tmp_path / "index", search.generation))
    root = tmp_path / "articles"
    write_article(root, "en/refund.md", "---\nid: refund\ntitle: Getting a refund for an invoice\n---\n## Refund by card\n\nAsk for it.\n")
    write_article(root, "de/refund.md", "---\nid: refund\ntitle: Rechnung erstatten\n---\n## Erstattung per Karte\n\nGeld zurück.\n")
    write_article(root, "en/coupon.md", "---\nid: coupon\ntitle: Coupons on an invoice\n---\nA coupon lowers the invoice.\n")
    report = update_index(root, tmp_path / "index", ("en", "de"), "en")
    assert report.incremental
    updated = read_translations(report.path)
    assert "erstatt" not in before[("de", "en")].table
    full = build_index(load_articles(root, ("en", "de"), "en"), tmp_path / "full", ("en", "de"))
    assert updated == read_translations(full.path)
    # "refund" now has a German version: its title and heading align.
    assert updated[("de", "en")].translations("erstatt")[0][0] == "refund"
    assert search.search("Coupon Rechnung", "de")[0].id == "coupon"


def test_an_update_that_leaves_titles_and_headings_alone_keeps_the_learnt_translations(tmp_path):
    # Learning reads every article (about 40 s at 300 000 articles): a body
    # edit, the usual change, keeps the table, behind a full build's by the
    # edited text's short blocks at most (the nightly full build learns them).
    search = _search(tmp_path)
    old = generation_path(tmp_path / "index", search.generation) / TRANSLATIONS_FILE
    root = tmp_path / "articles"
    path = root / "de" / "invoices.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNeu: Rechnungen auch als XML.\n", encoding="utf-8")
    report = update_index(root, tmp_path / "index", ("en", "de"), "en")
    assert report.incremental and report.counts == {"en": 1, "de": 1}
    assert (report.path / TRANSLATIONS_FILE).stat().st_ino == old.stat().st_ino
    # A changed heading is learnt again.
    path.write_text(path.read_text(encoding="utf-8").replace("## Ihre Rechnung als PDF", "## Ihre Rechnung als PDF oder XML"), encoding="utf-8")
    report = update_index(root, tmp_path / "index", ("en", "de"), "en")
    assert (report.path / TRANSLATIONS_FILE).stat().st_ino != old.stat().st_ino
    full = build_index(load_articles(root, ("en", "de"), "en"), tmp_path / "full2", ("en", "de"))
    assert read_translations(report.path) == read_translations(full.path)


def test_an_update_learns_again_over_a_table_of_an_older_version(tmp_path):
    import pickle

    search = _search(tmp_path)
    old = generation_path(tmp_path / "index", search.generation) / TRANSLATIONS_FILE
    old.write_bytes(pickle.dumps({"version": -1, "pairs": {}}))
    root = tmp_path / "articles"
    path = root / "de" / "invoices.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    report = update_index(root, tmp_path / "index", ("en", "de"), "en")
    assert read_translations(report.path)[("de", "en")].translations("rechnung")[0][0] == "invoic"


def test_an_update_learns_again_only_the_pairs_whose_locales_changed(tmp_path, monkeypatch):
    import search.indexing

    locales = ("en", "de", "fr")
    root = tmp_path / "articles"
    for article_id, (english, german) in PARALLEL.items():
        french = (f"{english[0]} (fr)", f"{english[1]} (fr)")
        for locale, (title, heading) in (("en", english), ("de", german), ("fr", french)):
            write_article(root, f"{locale}/{article_id}.md", f"---\nid: {article_id}\ntitle: {title}\n---\n## {heading}\n\n{title}.\n")
    # English only: the German and French searches fall back to English, the pairs learnt.
    write_article(root, "en/refund.md", "---\nid: refund\ntitle: Getting a refund for an invoice\n---\nAsk for a refund.\n")
    build_index(load_articles(root, locales, "en"), tmp_path / "index", locales)
    learnt_pairs = []
    real = search.indexing.learn_pairs
    monkeypatch.setattr(search.indexing, "learn_pairs", lambda readers, pairs: learnt_pairs.extend(pairs) or real(readers, pairs))
    # A German title changes: only the German pair is learnt again...
    path = root / "de" / "invoices.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Rechnungen herunterladen", "title: Rechnungen als PDF laden"), encoding="utf-8")
    report = update_index(root, tmp_path / "index", locales, "en")
    assert report.incremental and learnt_pairs == [("de", "en")], (report, learnt_pairs)
    # ...and the table is still the one a full build learns.
    full = build_index(load_articles(root, locales, "en"), tmp_path / "full", locales)
    assert read_translations(report.path) == read_translations(full.path)
    # A new English article changes every pair.
    learnt_pairs.clear()
    write_article(root, "en/coupon.md", "---\nid: coupon\ntitle: Coupons on an invoice\n---\nA coupon lowers the invoice.\n")
    report = update_index(root, tmp_path / "index", locales, "en")
    assert sorted(learnt_pairs) == [("de", "en"), ("fr", "en")]
    full = build_index(load_articles(root, locales, "en"), tmp_path / "full2", locales)
    assert read_translations(report.path) == read_translations(full.path)
