"""The words of one locale's articles: typo correction and compound parts.

Typo correction never scans the term dictionary per query: the words of the
index are read once per index generation into buckets by first letter, and a
misspelt word is compared, with RapidFuzz's C++ edit distance and a distance
cut-off, only against the words of its bucket whose length is within reach.
At most ``MAX_CORRECTIONS`` candidates come back, the closest and most common
first.

How many edits a word may have depends on its length (see
:func:`allowed_edits`): short words are exact, since one edit turns "plan"
into "plat" or "span".
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .analysis import language_of, word_analyzer
from .compounds import COMPOUNDING_LANGUAGES, split_compound

MAX_CORRECTIONS = 3


def allowed_edits(word: str) -> int:
    """Edits tolerated in a word of this length: 0 up to 4 letters, 1 up to 8, then 2.

    >>> [allowed_edits(w) for w in ("plan", "pasword", "authentification")]
    [0, 1, 2]
    """
    if len(word) <= 4:
        return 0
    if len(word) <= 8:
        return 1
    return 2


@dataclasses.dataclass(frozen=True)
class Correction:
    word: str
    edits: int


class Vocabulary:
    """Words with their document frequencies, bucketed for bounded fuzzy lookup.

    >>> v = Vocabulary({"password": 9, "passport": 1, "invoice": 5, "plan": 4})
    >>> v.corrections("pasword")
    [Correction(word='password', edits=1)]
    >>> v.corrections("plam"), "plan" in v
    ([], True)
    >>> v.corrections("pasport", max_edits=2)[0]
    Correction(word='passport', edits=1)
    """

    def __init__(self, frequencies: dict[str, int]):
        self.frequencies = dict(frequencies)
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self.frequencies:
            buckets[(word[0], len(word))].append(word)
        self._buckets = dict(buckets)
        # In order, for the completions of a beginning (made here, when a
        # generation is opened, not on a customer's first keystroke).
        self._sorted = sorted(self.frequencies)
        self._sorted_counts = np.array([self.frequencies[w] for w in self._sorted], dtype=np.int64)

    def __contains__(self, word: str) -> bool:
        return word in self.frequencies

    def __len__(self) -> int:
        return len(self.frequencies)

    def _candidates(self, word: str, edits: int, same_first_letter: bool) -> Iterable[str]:
        firsts = [word[0]] if same_first_letter else {first for first, _ in self._buckets}
        for first in firsts:
            for length in range(len(word) - edits, len(word) + edits + 1):
                yield from self._buckets.get((first, length), ())

    def has_completions(self, beginning: str) -> bool:
        """True when some word starts with ``beginning`` and is longer.

        >>> v = Vocabulary({"print": 5, "printer": 9})
        >>> v.has_completions("prin"), v.has_completions("printer"), v.has_completions("prn")
        (True, False, False)
        """
        start = bisect.bisect_right(self._sorted, beginning)
        return start < len(self._sorted) and self._sorted[start].startswith(beginning)

    def completions(self, beginning: str, limit: int) -> list[str]:
        """The ``limit`` most common words that start with ``beginning`` and are longer.

        >>> Vocabulary({"print": 5, "printer": 9, "privacy": 3, "printing": 2}).completions("print", 2)
        ['printer', 'printing']
        """
        if limit <= 0:
            return []
        words = self._sorted
        start = bisect.bisect_right(words, beginning)
        end = bisect.bisect_left(words, beginning + "\uffff", start)
        candidates = words[start:end]
        if len(candidates) > limit:
            # A short beginning has thousands of completions: only those as
            # common as the limit-th are ordered.
            counts = self._sorted_counts[start:end]
            least = np.partition(counts, len(counts) - limit)[len(counts) - limit]
            candidates = [candidates[i] for i in np.flatnonzero(counts >= least)]
        return heapq.nlargest(limit, candidates, key=lambda w: (self.frequencies[w], w))

    def corrections(
        self, word: str, *, max_edits: int | None = None, limit: int = MAX_CORRECTIONS, same_first_letter: bool = True
    ) -> list[Correction]:
        """Known words within the allowed edits of ``word``, closest and most common first.

        Customers rarely get the first letter wrong, so by default only words
        that start like ``word`` are compared; "did you mean" lifts that.
        """
        edits = allowed_edits(word) if max_edits is None else max_edits
        if not word or edits <= 0 or word in self.frequencies:
            return []
        candidates = list(self._candidates(word, edits, same_first_letter))
        if not candidates:
            return []
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
        found.sort(key=lambda match: (match[1], -self.frequencies[match[0]], match[0]))
        return [Correction(candidate, distance) for candidate, distance, _ in found[:limit]]

    def compound_parts(self, word: str, language: str) -> list[str]:
        """The known words a compound is made of, in a compounding language."""
        if language not in COMPOUNDING_LANGUAGES:
            return []
        return split_compound(word, self.frequencies)


def vocabulary_of_texts(texts: Iterable[str], locale: str) -> Vocabulary:
    """The vocabulary of some texts, each text counted once per word."""
    frequencies: dict[str, int] = defaultdict(int)
    for text in texts:
        for word in text_words(text, locale):
            frequencies[word] += 1
    return Vocabulary(frequencies)


def text_words(text: str, locale: str) -> set[str]:
    """The distinct words of ``text``, as :func:`~search.analysis.word_analyzer` cuts them."""
    return {t.text for t in word_analyzer(locale)(text)}


def article_text(title: str, headings: Iterable[str], tags: str, body: str) -> str:
    """The text of an article whose words make its locale's vocabulary (``tags`` space-separated)."""
    return "\n".join((title, " ".join(headings), tags, body))


_article_vocabularies: dict[tuple[int, str], tuple[weakref.ref, Vocabulary]] = {}
_article_vocabularies_lock = threading.Lock()


def articles_vocabulary(articles, locale: str) -> Vocabulary:
    """The vocabulary of one locale's published articles, made once per article set.

    Indexing asks for it once per article; it is kept while the article set lives.
    """
    key = (id(articles), locale)
    with _article_vocabularies_lock:
        cached = _article_vocabularies.get(key)
        if cached is not None and cached[0]() is articles:
            return cached[1]
        texts = (article_text(a.title, a.headings, " ".join(a.tags), a.text) for a in articles.in_locale(locale))
        vocabulary = vocabulary_of_texts(texts, locale)
        _article_vocabularies[key] = (weakref.ref(articles, lambda _: _article_vocabularies.pop(key, None)), vocabulary)
        return vocabulary


def compound_parts_text(text: str, vocabulary: Vocabulary, locale: str) -> str:
    """The parts of every compound in ``text``, as text to index beside it.

    >>> v = Vocabulary({"rechnung": 3, "adresse": 2, "rechnungsadresse": 1})
    >>> compound_parts_text("Die Rechnungsadresse ändern", v, "de")
    'rechnung adresse'
    """
    language = language_of(locale)
    if language not in COMPOUNDING_LANGUAGES:
        return ""
    parts = []
    for token in word_analyzer(locale)(text):
        parts.extend(vocabulary.compound_parts(token.text, language))
    return " ".join(parts)
