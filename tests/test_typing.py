"""Suggestions while the customer types: a keystroke never empties the list, and
"did you mean" leaves the word being typed alone (issue 12's examples)."""

from __future__ import annotations

import pytest

from search.function_words import is_function_word
from search.typing import earlier_texts


def ids(hits):
    return [h.id for h in hits]


@pytest.mark.parametrize(
    ("earlier", "later", "locale"),
    [
        ("How", "How d", "en"),
        ("How", "How do I", "en"),
        ("How", "How do I ", "en"),
        ("Je", "Je ", "fr"),
        ("Wie", "Wie kann ich m", "de"),
        ("Cómo", "Cómo q", "es"),
    ],
)
def test_a_keystroke_never_empties_a_list_the_words_before_it_filled(demo_search, earlier, later, locale):
    before = demo_search.search(earlier, locale)
    assert before, f"{earlier!r} should find articles in the demo"
    after = demo_search.search(later, locale)
    assert after, f"{later!r} emptied the list {earlier!r} had filled"
    # What stays is from the page's own language, not another index that happens to know the word.
    assert {h.locale for h in after} == {locale}


def test_a_half_typed_word_that_matches_nothing_keeps_the_words_before_it(demo_search):
    finished = ids(demo_search.search("reset password ", "en"))
    assert ids(demo_search.search("reset password qzx", "en")) == finished


def test_the_list_continues_once_the_next_word_matches(demo_search):
    assert "contact-support" in ids(demo_search.search("How do I con", "en"))


def test_text_that_matches_nothing_at_all_still_finds_nothing(demo_search):
    assert demo_search.search("qzxw vbnq", "en") == []


def test_did_you_mean_never_corrects_the_word_being_typed(demo_search, client):
    assert demo_search.did_you_mean("How d", "en", typing=True) is None
    # A finished misspelt word is still corrected, while the next one is being typed or not.
    assert demo_search.did_you_mean("paswrd ", "en", typing=True) == "password"
    assert demo_search.did_you_mean("paswrd", "en", typing=True) is None
    assert demo_search.did_you_mean("paswrd", "en") == "password"
    body = client.get("/api/suggest", query_string={"q": "paswrd", "lang": "en"}).get_json()
    assert body["results"] == [] and "did_you_mean" not in body


def test_function_words_are_never_corrected(demo_search):
    # "how" is not a misspelt "show".
    assert demo_search.did_you_mean("how ", "en") is None


def test_earlier_texts_take_back_at_most_three_words():
    assert list(earlier_texts("a b c d e"))[-1] == "a b"
    assert list(earlier_texts("  ")) == []


@pytest.mark.parametrize(
    ("word", "locale"),
    [("how", "en"), ("Comment", "fr"), ("où", "fr"), ("können", "de"), ("Cómo", "es"), ("perché", "it"), ("não", "pt")],
)
def test_question_words_of_each_language(word, locale):
    assert is_function_word(word, locale)


@pytest.mark.parametrize(("word", "locale"), [("invoice", "en"), ("facture", "fr"), ("Rechnung", "de"), ("contraseña", "es")])
def test_subject_words_are_not_function_words(word, locale):
    assert not is_function_word(word, locale)
