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
>>> [t.text for t in bigram_analyzer("en")("Click Remove. Paragraph marks stay.")]
['click remov', 'paragraph mark', 'mark stay']
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from whoosh.analysis import Filter, RegexTokenizer, StopFilter

from .analysis import (
    WORD_PATTERN,
    FrenchPluralFilter,
    PerWord,
    SnowballFilter,
    _without_stop_word_filters,
    has_stemmer,
    language_of,
    ranked_terms,
)
from .function_words import is_function_word, question_words

SEPARATOR = " "
# Words of two sentences are not neighbours: these end one (a line is a
# block of the article: a heading, a paragraph, a list item).
SENTENCE_END = "[.!?;:\n]"


class NeighbourFilter(Filter):
    """Joins each word to the next, within a sentence: the sentence ends that
    the tokenizer also yields (:data:`SENTENCE_END`) only break the chain.

    >>> analyzer = RegexTokenizer(rf"\\w+|{SENTENCE_END}") | NeighbourFilter()
    >>> [t.text for t in analyzer("one two. three four five")]
    ['one two', 'three four', 'four five']
    """

    def __call__(self, tokens):
        previous = None
        for t in tokens:
            text = t.text
            if len(text) == 1 and not text.isalnum():
                previous = None
                continue
            if previous is not None:
                t.text = f"{previous}{SEPARATOR}{text}"
                yield t
            previous = text


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
    return RegexTokenizer(f"{WORD_PATTERN}|{SENTENCE_END}") | PerWord(filters) | NeighbourFilter()


def query_bigrams(words: Sequence[str], locale: str) -> tuple[str, ...]:
    """The pairs of neighbouring content words of a customer's words, as the
    ``bigrams`` field holds them."""
    terms = [t for word in words if not is_function_word(word, locale) for t in ranked_terms(word, locale)]
    pairs = dict.fromkeys(f"{a}{SEPARATOR}{b}" for a, b in zip(terms, terms[1:]))
    return tuple(pairs)
