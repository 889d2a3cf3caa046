"""Ranking by the shape of the match: words side by side, a word's best field.

Each test builds two small articles that share the customer's words and
differ only in how they use them, so the order shows one rule of
search/queries.py at work (the figures that chose the weights are in
docs/search.md).
"""

from __future__ import annotations

import pytest

from kb.articles import load_articles
from search.bigrams import bigram_analyzer, query_bigrams
from search.indexing import build_index
from search.queries import _scaled, build_query, split_query, word_clause
from search.scoring import ArrayScorer
from search.service import SearchIndex

from .conftest import LOCALES, write_article


# Unrelated articles, so that word weights (idf) are those of a help center, not of two pages.
FILLER = {
    f"filler-{n}": (title, f"{title}. This page explains the {title.lower()} of the product, step by step, with examples.")
    for n, title in enumerate(
        ["Billing address", "Invoices", "Printing labels", "Keyboard shortcuts", "Sharing a file", "Languages", "Backups", "Fonts"]
    )
}


def _search(tmp_path, locale: str, articles: dict[str, tuple[str, str]]) -> SearchIndex:
    root = tmp_path / "articles"
    for article_id, (title, body) in {**FILLER, **articles}.items():
        write_article(root, f"{locale}/{article_id}.md", f"---\nid: {article_id}\ntitle: {title}\n---\n{body}\n")
    build_index(load_articles(root, (locale,), locale), tmp_path / "index", (locale,))
    return SearchIndex(tmp_path / "index", (locale,), locale)


SENTENCES = {
    "en": "How do I remove the paragraph marks from my document?",
    "fr": "Comment supprimer les marques de paragraphe du document ?",
    "de": "Wie kann ich die Absatzmarken aus dem Dokument entfernen?",
    "es": "¿Cómo quito las marcas de párrafo del documento?",
    "it": "Come rimuovo i segni di paragrafo dal documento?",
    "pt": "Como removo as marcas de parágrafo do documento?",
}


@pytest.mark.parametrize("locale", LOCALES)
def test_a_sentence_and_the_text_it_comes_from_share_their_bigrams(locale):
    sentence = SENTENCES[locale]
    words = split_query(sentence + " ", locale).all_words
    indexed = {t.text for t in bigram_analyzer(locale)(sentence)}
    assert query_bigrams(words, locale)
    assert set(query_bigrams(words, locale)) <= indexed


def test_a_question_word_frames_only_the_next_content_word():
    assert query_bigrams(("how", "do", "i", "export"), "en") == ("?how export",)
    assert query_bigrams(("do", "i", "export"), "en") == ()
    assert query_bigrams(("wie", "kann", "ich", "exportieren"), "de") == ("?wie exporti",)


def test_a_how_question_finds_the_how_to_article_before_one_asking_why(demo_search):
    # Both titles have "contact" and no other word of the question; the
    # blocked-contact article has it in more places. The question's frame
    # ("how" + contact) matches "How to contact Plumora support" only.
    for text in ("How do I contact", "How do I contact "):
        ids = [hit.id for hit in demo_search.search(text, "en", 5)]
        assert ids.index("contact-support") < ids.index("unblock-contact"), ids


def test_words_side_by_side_rank_above_the_same_words_apart(tmp_path):
    search = _search(
        tmp_path,
        "en",
        {
            # The same words, more often, but never next to each other.
            "apart": (
                "Document settings",
                "Marks: remove them when you are done. A paragraph can be long. Marks and paragraph styles stay.",
            ),
            "together": (
                "Formatting aids",
                "With this option you can remove paragraph marks from the screen while you check "
                "the layout of a long report before printing it for the whole team.",
            ),
        },
    )
    hits = search.search("How do I remove paragraph marks?", "en")
    assert [hit.id for hit in hits][:2] == ["together", "apart"]


def test_the_page_titled_with_the_query_ranks_above_a_hub_naming_it_everywhere(tmp_path):
    # The hub names "Sin" in a heading and "functions" in its title, tags and
    # text: summing every field put it first; a word's best field does not.
    search = _search(
        tmp_path,
        "en",
        {
            "trigonometric-functions": (
                "Trigonometric functions",
                "All trigonometric functions of the language.\n\n## Sin function\n\nThe sine of an angle.\n\n"
                "## Cos function\n\nThe cosine of an angle.\n\n## Tan function\n\nThe tangent of an angle. "
                "These functions take radians.",
            ),
            "sin-function": ("Sin function", "Returns the sine of an angle given in radians."),
        },
    )
    assert search.search("Sin function ", "en")[0].id == "sin-function"


def test_a_weakened_function_word_scores_its_share_of_the_same_clause(demo_search):
    # Weakening must scale the word's clause as it is, tiebreak included.
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    clause = word_clause(("password",))
    full = scorer.scores(clause)
    assert (full > 0).any()
    assert scorer.scores(_scaled(clause, 0.2)) == pytest.approx(0.2 * full)


def test_a_long_description_of_a_problem_is_searched_from_its_subject(tmp_path):
    # The subject comes first; the last dozen words are about something else,
    # which a query cut to its last words would have searched alone.
    search = _search(tmp_path, "en", {
        "firewall": ("Opening firewall ports", "A program behind the firewall needs its port opened."),
        "printing": ("Printing every page", "Each and every page printed, for every printer you use."),
    })
    text = "Firewall ports must be opened so that a program can reach the network, with the right number for each and every printer you use"
    assert len(split_query(text, "en").all_words) > 12
    assert [h.id for h in search.search(text, "en", 5)][0] == "firewall"


def test_a_word_said_twice_is_asked_once():
    twice = build_query(split_query("open apps, open tabs ", "en"), "en")
    once = build_query(split_query("open apps tabs ", "en"), "en")
    coordinated = [q for q in twice.subqueries if hasattr(q, "asked")]
    assert coordinated and coordinated[0].asked == 3
    assert coordinated[0].subqueries == [q for q in once.subqueries if hasattr(q, "asked")][0].subqueries
