"""Bigrams: neighbouring words as one term, for phrases without positions.

The index stores no positions (they would slow every build), so a phrase
cannot be matched. Instead each article's title, headings and text are also
indexed as pairs of neighbouring words, once question words, function words
and stop words are gone and the rest is stemmed: "How to remove a word from
the list" holds the pairs "remov word" and "word list". A customer's sentence
is cut into pairs the same way; an article sharing a pair with it says the
same thing in the same words, which one shared word does not show.

>>> [t.text for t in bigram_analyzer("en")("How to remove a word from the list")]
['?how remov', 'remov word', 'word list']
>>> query_bigrams(("how", "do", "i", "remove", "words", "from", "lists"), "en")
('?how remov', 'remov word', 'word list')
>>> [t.text for t in bigram_analyzer("de")("Wie kann ich die Adresse ändern")]
['?wie adress', 'adress and']
>>> [t.text for t in bigram_analyzer("en")("Click Remove. Paragraph marks stay.")]
['click remov', 'paragraph mark', 'mark stay']

A word still being typed is paired in each of the ways it may end:

>>> completed_bigrams(("how", "do", "i", "remove", "paragraph"), ("marks", "margins", "the"), "en")
('paragraph mark', 'paragraph margin')
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from whoosh.analysis import Filter, RegexTokenizer

from .analysis import WORD_PATTERN, PerWord, fold, language_of, ranked_terms, ranking_filters
from .function_words import is_function_word, question_words

SEPARATOR = " "
# Words of two sentences are not neighbours: these end one (a line is a
# block of the article: a heading, a paragraph, a list item).
SENTENCE_END = "[.!?;:\n]"


# Question words that frame what follows: "How to contact support" answers
# "How do I contact", "Why is a contact blocked" does not. Each is kept as a
# frame ("?how") and paired with the next content word of its sentence only.
INTERROGATIVES = {
    "en": "how why what where when which who",
    "fr": "comment pourquoi quand quel quelle quels quelles combien",
    "de": "wie warum wieso weshalb wo wann was welche welcher welches wer",
    "es": "como donde cuando cual cuales quien",
    "it": "come perche dove quando cosa quale quali chi",
    "pt": "como onde quando qual quais quem",
}
FRAME = "?"


class FrameFilter(Filter):
    """Marks the language's question words as frames (``?how``) before stop words go.

    >>> [t.text for t in (RegexTokenizer() | FrameFilter("en"))("How to")]
    ['?how', 'to']
    """

    def __init__(self, language: str):
        self.interrogatives = frozenset(INTERROGATIVES.get(language, "").split())

    def __call__(self, tokens):
        for t in tokens:
            if fold(t.text) in self.interrogatives:
                t.text = FRAME + fold(t.text)
            yield t


class NeighbourFilter(Filter):
    """Joins each word to the next, within a sentence: the sentence ends that
    the tokenizer also yields (:data:`SENTENCE_END`) only break the chain.
    A frame (:class:`FrameFilter`) is joined to the next word only.

    >>> analyzer = RegexTokenizer(rf"\\??\\w+|{SENTENCE_END}") | NeighbourFilter()
    >>> [t.text for t in analyzer("one two. three ?how four five")]
    ['one two', '?how four', 'three four', 'four five']
    """

    def __call__(self, tokens):
        previous = frame = None
        for t in tokens:
            text = t.text
            if len(text) == 1 and not text.isalnum():
                previous = frame = None
                continue
            if text.startswith(FRAME):
                frame = text
                continue
            if frame is not None:
                t.text = f"{frame}{SEPARATOR}{text}"
                yield t
                frame = None
            if previous is not None:
                t.text = f"{previous}{SEPARATOR}{text}"
                yield t
            previous = text


@functools.cache
def paired_words_analyzer(locale: str):
    """The words of the ``bigrams`` field before they are paired: the ranked
    terms of the text, frames, and sentence ends."""
    language = language_of(locale)
    # Question words become frames before stop words go; the rest of them
    # are dropped once folded (the lists are folded).
    filters = ranking_filters(locale, marks=[FrameFilter(language)], also_dropped=question_words(language))
    return RegexTokenizer(f"{WORD_PATTERN}|{SENTENCE_END}") | PerWord(filters)


@functools.cache
def bigram_analyzer(locale: str):
    """Index-time analysis of the ``bigrams`` field: the ranked terms of the text,
    question words left out too, joined two by two."""
    return paired_words_analyzer(locale) | NeighbourFilter()


def query_bigrams(words: Sequence[str], locale: str) -> tuple[str, ...]:
    """The bigrams of a customer's words, as the ``bigrams`` field holds them."""
    return tuple(dict.fromkeys(t.text for t in bigram_analyzer(locale)(" ".join(words))))


def completed_bigrams(words: Sequence[str], completions: Sequence[str], locale: str) -> tuple[str, ...]:
    """The bigrams a word still being typed adds after the finished ``words``,
    for each of its ``completions``: the pairs :class:`NeighbourFilter` would
    make of the last word (or frame) before it and each completion's term.

    The finished words are analysed once and each completion is looked up
    by its stems, so that trying thirty endings costs little more than one.
    """
    analyze = paired_words_analyzer(locale)
    previous = frame = None
    for t in analyze(" ".join(words)):
        if len(t.text) == 1 and not t.text.isalnum():
            previous = frame = None
        elif t.text.startswith(FRAME):
            frame = t.text
        else:
            previous, frame = t.text, None
    if previous is None and frame is None:
        return ()
    pairs = {}
    for word in completions:
        # Question words are no term of the field, the rest are their stems (cached).
        for term in () if is_function_word(word, locale) else ranked_terms(word, locale):
            for first in (frame, previous):
                if first is not None:
                    pairs[f"{first}{SEPARATOR}{term}"] = None
    return tuple(pairs)
