"""The search API shared by the web layer and the CLI."""

from __future__ import annotations

import html

import pytest

from kb.articles import load_articles
from search import queries
from search.indexing import build_index
from search.queries import bigram_clauses, body_completions, split_query
from search.service import MAX_LIMIT, SearchIndex

from .conftest import LOCALES

HOSTILE = [
    "title:password",
    "*",
    "pass*",
    '"unbalanced quote',
    "AND",
    "invoice AND OR NOT refund",
    "(",
    "((()))",
    "body:[a TO z]",
    "~2 ^3 +- !",
    "🙂🙃 invoice 🧾",
    "x" * 10_000,
    "password " * 2_000,
    "\x00\x00reset\x00password",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "",
    "   ",
]


def index_of(tmp_path, locale: str, articles: dict[str, tuple[str, str]]):
    """An index of ``articles`` (id -> (title, text)) in one locale, built in ``tmp_path``."""
    folder = tmp_path / "articles" / locale
    folder.mkdir(parents=True)
    for article_id, (title, text) in articles.items():
        (folder / f"{article_id}.md").write_text(f"---\nid: {article_id}\ntitle: {title}\n---\n{text}\n", encoding="utf-8")
    build_index(load_articles(tmp_path / "articles", (locale,), locale), tmp_path / "index", (locale,))
    return tmp_path / "index"


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("locale", LOCALES)
def test_any_text_gives_a_sensible_answer(demo_search, text, locale):
    hits = demo_search.search(text, locale, 5)
    assert len(hits) <= 5
    for hit in hits:
        assert "<script" not in hit.snippet


def test_syntax_characters_are_plain_words(demo_search):
    assert [h.id for h in demo_search.search("title:password", "en", 1)] == ["reset-password"]
    assert demo_search.search("(invoice", "en", 1)[0].id == "invoices"


def test_the_word_being_typed_matches_as_a_prefix(demo_search):
    assert demo_search.search("passw", "en", 1)[0].id == "reset-password"
    assert demo_search.search("unsubscr", "en", 1)[0].id == "unsubscribes"
    assert demo_search.search("Rechnungsadr", "de", 1)[0].id == "billing-address"
    # A finished word is not a prefix: "pass " must not match "password".
    assert split_query("pass ", "en").partial is None


def test_a_word_being_typed_is_completed_from_the_article_text(tmp_path):
    # Beginnings are indexed for titles, headings and tags; in the text the
    # word being typed is completed with the articles' own words.
    index = index_of(tmp_path, "es", {
        "bateria": ("Batería del portátil", "No deje que se descargue del todo."),
        "teclado": ("Batería del teclado", "El teclado inalámbrico gasta batería."),
    })
    search = SearchIndex(index, ("es",), "es")
    assert [h.id for h in search.search("que la batería se descar", "es")][0] == "bateria"
    # A beginning that is a word of the articles already is not completed.
    with search._lock:
        lexicon = search.current().lexicon("es")
    assert "teclado" in lexicon.words and body_completions("teclado", "es", lexicon) is None
    assert body_completions("desc", "es", lexicon) is not None


@pytest.fixture
def marks_index(tmp_path):
    """Two articles on formatting marks: one says "paragraph marks", the other
    says "paragraph" more often but never next to "marks"."""
    return index_of(tmp_path, "en", {
        "styles": ("Formatting marks", "A paragraph holds text. A long paragraph ends with a style. Hidden marks show where."),
        "marks": ("Formatting marks", "Hidden paragraph marks show where it ends and what its style is."),
    })


def test_a_word_being_typed_is_paired_with_the_word_before_it(marks_index, monkeypatch):
    # "paragraph ma" is on its way to "paragraph marks": the article where
    # those two stand side by side comes first.
    def first(text):
        search = SearchIndex(marks_index, ("en",), "en")
        try:
            return search.search(text, "en")[0].id
        finally:
            search.close()

    assert first("paragraph ma") == "marks"
    assert first("paragraph marks ") == "marks"
    # Without the pairs the word being typed makes, the other article wins.
    monkeypatch.setattr(queries, "PARTIAL_BIGRAM_COMPLETIONS", 0)
    assert first("paragraph ma") == "styles"


def test_a_misspelt_word_is_paired_in_its_corrections_place(marks_index):
    search = SearchIndex(marks_index, ("en",), "en")
    with search._lock:
        lexicon = search.current().lexicon("en")

    def pairs(*lexicon):
        clauses = bigram_clauses(split_query("paragrahp marks ", "en"), "en", *lexicon)
        return {(t.text, t.boost) for clause in clauses for t in clause.leaves()}

    # "paragrahp" is one edit from "paragraph": its pair counts at a corrected word's weight.
    assert ("paragraph mark", 1.0) in pairs(lexicon)
    assert pairs() == {("paragrahp mark", 2.0)}
    assert search.search("paragrahp marks ", "en")[0].id == "marks"


def test_a_word_no_article_word_begins_with_is_corrected_even_while_typed(tmp_path):
    index = index_of(tmp_path, "en", {
        "layout": ("Page layout", "Set the margins of a page."),
        "numbers": ("Page numbers", "Number each page, or every other page."),
    })
    search = SearchIndex(index, ("en",), "en")
    with search._lock:
        lexicon = search.current().lexicon("en")

    def body_boosts(text):
        built = queries.build_query(split_query(text, "en"), "en", lexicon)
        return {t.text: t.boost for t in built.leaves() if t.fieldname == "body"}

    # "margnis" begins no word of the articles: it is a misspelt word, not
    # one cut short, and its correction counts in full, typed or finished.
    assert queries.is_misspelt("margnis", lexicon)
    assert body_boosts("page margnis")["margin"] == queries.MISSPELT_WEIGHT
    assert body_boosts("page margnis ")["margin"] == queries.MISSPELT_WEIGHT
    assert search.search("page margnis", "en")[0].id == "layout"
    # "marg" is a word being typed ("margins"): it is left to completions.
    assert not queries.is_misspelt("marg", lexicon)
    # An unknown finished word that begins an article word ("numbe", of
    # "number") may be a form the articles lack: its correction counts less.
    assert body_boosts("page numbe ")["number"] == queries.CORRECTION_WEIGHT
    search.close()


def test_missing_translation_is_found_in_the_default_locale(demo_search):
    hits = demo_search.search("API", "it", 5)
    fallback = [h for h in hits if h.id == "api-keys"]
    assert fallback, [h.id for h in hits]
    assert fallback[0].locale == "en"
    assert fallback[0].link_locale == "it"  # shown on the Italian page, with a notice
    # Articles that exist in Italian are returned in Italian.
    assert all(h.locale == "it" for h in hits if h.id != "api-keys" and h.id != "data-export")


def test_limit_is_respected_and_bounded(demo_search):
    assert len(demo_search.search("support", "en", 3)) == 3
    assert len(demo_search.search("a e i o u support contact account", "en", 500)) <= MAX_LIMIT


def test_unknown_locale_is_refused(demo_search):
    with pytest.raises(ValueError, match="unknown locale"):
        demo_search.search("x", "xx")


def test_snippets_are_escaped_apart_from_marks(tmp_path):
    index = index_of(tmp_path, "en", {"x": ("Tags", "Type `<img src=x onerror=alert(1)>` in the template & save.")})
    (hit,) = SearchIndex(index, ("en",), "en").search("template onerror", "en")
    assert "<img" not in hit.snippet
    assert "&lt;img src=x <mark>onerror</mark>=alert(1)&gt;" in hit.snippet
    assert "<mark>template</mark> &amp; save" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_result_cache_answers_as_the_index_does_and_stays_bounded(demo_index_dir):
    from search.service import SearchIndex

    cached = SearchIndex(demo_index_dir, ("en", "fr", "de", "es", "it", "pt"), "en", cache_size=3)
    uncached = SearchIndex(demo_index_dir, ("en", "fr", "de", "es", "it", "pt"), "en", cache_size=0)
    queries = [("factu", "fr"), ("reset pass", "en"), ("  reset   pass", "en"), ("rechnung", "de"), ("factu", "fr")]
    for text, locale in queries * 2:
        assert cached.search(text, locale) == uncached.search(text, locale)
    assert len(cached.current().results) == 3
    assert not uncached.current().results


def test_threads_share_one_index_safely(demo_index_dir):
    from concurrent.futures import ThreadPoolExecutor

    from search.service import SearchIndex

    locales = ("en", "fr", "de", "es", "it", "pt")
    shared = SearchIndex(demo_index_dir, locales, "en", cache_size=0)
    queries = [("factu", "fr"), ("reset pass", "en"), ("rechnung", "de"), ("contrase", "es"), ("fattura", "it")] * 8
    expected = [SearchIndex(demo_index_dir, locales, "en").search(t, loc) for t, loc in queries]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda q: shared.search(*q), queries)) == expected


def test_warm_up_reads_every_locale_before_the_first_query(demo_index_dir):
    search = SearchIndex(demo_index_dir, LOCALES, "en")
    assert not search.current().lexicons
    search.warm_up()
    assert set(search.current().lexicons) == set(LOCALES)


def test_snippets_mark_words_when_folding_changes_the_text_length():
    from search.analysis import fold_keeping_offsets
    from search.queries import UserQuery
    from search.snippets import make_snippet

    # Hangul syllables decompose into several letters: offsets of a folded copy would not line up.
    text = "Our 서울 office can reset your password by phone. Passwords expire."
    assert fold_keeping_offsets(text) is None
    snippet = make_snippet(text, UserQuery(("password",), None), "en")
    assert "<mark>password</mark>" in snippet and "<mark>Passwords</mark>" in snippet


def test_snippets_of_long_articles_show_a_match_far_into_the_text():
    from search.queries import UserQuery
    from search.snippets import make_snippet

    text = "Filler words about nothing in particular. " * 200 + "Here is how to export contacts to a file."
    snippet = make_snippet(text, UserQuery(("export",), None), "en")
    assert "<mark>export</mark>" in snippet


@pytest.mark.parametrize("locale", LOCALES)
def test_snippets_found_through_candidates_mark_what_a_word_by_word_check_marks(demo_search, locale, monkeypatch):
    """The regular-expression shortcut loses no match and invents none, on the demo articles."""
    import re

    import search.snippets as snippets

    documents = [demo_search.document(locale, doc["id"]) for doc in demo_search.documents(locale)]
    queries = [split_query(doc["title"][:n], locale) for doc in documents for n in (4, 12, 200)]
    fast = [[snippets.make_snippet(d["body"], q, locale) for q in queries[:30]] for d in documents]
    monkeypatch.setattr(snippets, "fold_keeping_offsets", lambda text: None)  # every word checked
    slow = [[snippets.make_snippet(d["body"], q, locale) for q in queries[:30]] for d in documents]
    checked = 0
    for fast_row, slow_row in zip(fast, slow):
        for q, quick, thorough in zip(queries, fast_row, slow_row):
            assert ("<mark>" in quick) == ("<mark>" in thorough), (quick, thorough)
            for word in re.findall(r"<mark>(.*?)</mark>", quick):
                assert "<mark>" in snippets.make_snippet(html.unescape(word), q, locale), (word, q)
                checked += 1
    assert checked > 50
