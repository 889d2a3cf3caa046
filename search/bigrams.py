"""Word pairs: neighbouring words as one term, for phrases without positions.

The index stores no positions (they would slow every build), so a phrase
cannot be matched. Instead each article's title, headings and text are also
indexed as pairs of neighbouring words, once question words, function words
and stop words are gone and the rest is stemmed: "How to remove a word from
the list" holds the pairs "remov word" and "word list". A customer's sentence
is cut into pairs the same way; an article sharing a pair with it says the
same thing in the same words, which one shared word does not show.

>>> [t.text for t in bigram_analyzer("en")("How to remove a word from the list")]
['remov word', 'word list']
>>> query_bigrams(("how", "do", "i", "remove", "words", "from", "lists"), "en")
('remov word', 'word list')
>>> [t.text for t in bigram_analyzer("de")("Wie kann ich die Adresse ändern")]
['adress and']
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from whoosh.analysis import BiWordFilter, StopFilter

from .analysis import (
    FrenchPluralFilter,
    SnowballFilter,
    _analyzer,
    _without_stop_word_filters,
    has_stemmer,
    language_of,
    ranked_terms,
)
from .function_words import is_function_word, question_words

SEPARATOR = " "


@functools.cache
def bigram_analyzer(locale: str):
    """Index-time analysis of the ``bigrams`` field: the ranked terms of the text,
    question words left out too, joined two by two."""
    language = language_of(locale)
    filters = _without_stop_word_filters(locale, minsize=1)
    # After folding: the lists are folded. Stop words were dropped before
    # folding where accents make other words ("ändern" is not "andern").
    filters.append(StopFilter(stoplist=question_words(language), minsize=1))
    if language == "fr":
        filters.append(FrenchPluralFilter())
    if has_stemmer(language):
        filters.append(SnowballFilter(language))
    return _analyzer(filters) | BiWordFilter(sep=SEPARATOR)


def query_bigrams(words: Sequence[str], locale: str) -> tuple[str, ...]:
    """The pairs of neighbouring content words of a customer's words, as the
    ``bigrams`` field holds them."""
    terms = [t for word in words if not is_function_word(word, locale) for t in ranked_terms(word, locale)]
    pairs = dict.fromkeys(f"{a}{SEPARATOR}{b}" for a, b in zip(terms, terms[1:]))
    return tuple(pairs)
