"""Searching the help center: the one API the web layer and the CLI share.

The customer's text is never handed to Whoosh's query parser, whose syntax
(``title:``, ``*``, quotes, ``AND``, brackets) would turn ordinary typing into
errors or surprises. Instead the text is cut into words with the locale's own
analysis and the query is built from Whoosh query objects directly.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import html
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from whoosh import highlight, index, query, scoring
from whoosh.analysis import Token
from whoosh.idsets import BitSet

from .analysis import EDGE_MAX, EDGE_MIN, WORD_PATTERN, fold, prefix_analyzer, text_analyzer
from .indexing import current_generation, generation_path

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_LIMIT = 20

# Query-time weight of each field (see also indexing.py for what they hold).
FIELD_WEIGHTS = {"title": 4.0, "headings": 2.0, "tags": 2.0, "body": 1.0}
# A word still being typed matches the beginnings of words in these fields.
TYPING_WEIGHT = 3.0
# Documents matching more of the customer's words rise (coordination bonus).
COORDINATION = 0.9

# Articles found in another locale rank a little below the page's own.
FALLBACK_WEIGHT = 0.8

SNIPPET_CHARS = 180

# Answers kept per process for the generation being served: customers type
# the same beginnings ("pa", "pas", "pass") all day. A new generation starts
# an empty cache, so a cached answer is never from another index.
RESULT_CACHE_SIZE = 2048
_word_pattern = re.compile(WORD_PATTERN, re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IndexNotBuilt(RuntimeError):
    """No index generation exists yet: run ``kb index``."""


@dataclasses.dataclass(frozen=True)
class Hit:
    id: str
    locale: str
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    score: float
    category: str | None = None
    outdated: bool = False

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "locale": self.locale,
            "title": self.title,
            "url": self.url,
            "snippet": self.snippet,
            "score": round(self.score, 4),
        }


@dataclasses.dataclass(frozen=True)
class UserQuery:
    """The customer's text cut into words: finished words and the one being typed."""

    words: tuple[str, ...]
    partial: str | None

    @property
    def empty(self) -> bool:
        return not self.words and not self.partial


def clean_text(text: str) -> str:
    """Remove control characters, normalise Unicode and bound the length.

    >>> clean_text("  billing\\x00 address\\n")
    'billing address '
    """
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text or ""))
    text = re.sub(r"\s+", " ", text).lstrip()
    return text[:MAX_QUERY_CHARS]


def split_query(text: str, locale: str) -> UserQuery:
    """Split typed text into finished words and the word still being typed.

    The last word counts as unfinished unless a space or punctuation follows it.

    >>> split_query("reset pass", "en")
    UserQuery(words=('reset',), partial='pass')
    >>> split_query("title:invoice* AND (refund) ", "en")
    UserQuery(words=('title', 'invoice', 'and', 'refund'), partial=None)
    """
    text = clean_text(text)
    tokens = [(t.text, t.endchar) for t in prefix_analyzer(locale)(text, chars=True)]
    tokens = [(w, end) for w, end in tokens if w][-MAX_QUERY_WORDS:]
    if not tokens:
        return UserQuery((), None)
    last, end = tokens[-1]
    if end == len(text):
        return UserQuery(tuple(w for w, _ in tokens[:-1]), last)
    return UserQuery(tuple(w for w, _ in tokens), None)


def _analyzed(word: str, locale: str) -> list[str]:
    return [t.text for t in text_analyzer(locale)(word)]


def build_query(user_query: UserQuery, locale: str) -> query.Query | None:
    """The Whoosh query for a split customer query, or None when nothing is left."""
    clauses = []
    for word in user_query.words:
        terms = _analyzed(word, locale)
        if terms:
            clauses.append(_word_clause(terms))
    partial = user_query.partial
    if partial:
        options = []
        terms = _analyzed(partial, locale)
        if terms:
            options.append(_word_clause(terms))
        if len(partial) >= EDGE_MIN:
            options.append(query.Term("typing", partial[:EDGE_MAX], boost=TYPING_WEIGHT))
        if options:
            clauses.append(query.Or(options) if len(options) > 1 else options[0])
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return query.Or(clauses, scale=COORDINATION)


def _word_clause(terms: Sequence[str]) -> query.Query:
    """One customer word, matched in every field at that field's weight."""
    return query.Or(
        [query.Term(field, term, boost=weight) for term in terms for field, weight in FIELD_WEIGHTS.items()]
    )


class _MarkFormatter(highlight.HtmlFormatter):
    """Wraps matched words in a bare ``<mark>``; all other text is escaped."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between=" … ")


def make_snippet(text: str, user_query: UserQuery, locale: str) -> str:
    """An HTML-escaped extract of ``text`` with matched words in ``<mark>``.

    Words match when their stem equals a finished query word's stem or when
    they start with the word still being typed.

    >>> make_snippet("To reset a <b>forgotten</b> password, log in.", UserQuery(("resetting",), "forg"), "en")
    'To <mark>reset</mark> a &lt;b&gt;<mark>forgotten</mark>&lt;/b&gt; password, log in'
    """
    stems = {t for word in user_query.words for t in _analyzed(word, locale)}
    if user_query.partial:
        stems.update(_analyzed(user_query.partial, locale))
    partial = user_query.partial if user_query.partial and len(user_query.partial) >= EDGE_MIN else None

    @functools.cache  # per snippet: a body repeats its words
    def matched_term(word: str) -> str | None:
        term = _analyzed_word(word, locale)
        if term in stems:
            return term
        if partial:
            raw = fold(word).replace("’", "'")
            if any(part.startswith(partial) for part in raw.split("'")):
                return term
        return None

    tokens = _snippet_tokens(text, matched_term)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    fragments = highlight.top_fragments(
        fragmenter.fragment_tokens(text, tokens), 2, highlight.BasicFragmentScorer(), highlight.FIRST
    )
    if fragments:
        return _MarkFormatter().format(fragments)
    # Nothing matched in the text itself (the title did): show its opening.
    opening = text[:SNIPPET_CHARS]
    if len(text) > SNIPPET_CHARS:
        opening = opening.rsplit(" ", 1)[0] + " …"
    return html.escape(opening, quote=False)


@functools.lru_cache(maxsize=200_000)
def _analyzed_word(word: str, locale: str) -> str:
    """The token text the locale's analysis gives one word (stop words kept)."""
    tokens = list(text_analyzer(locale)(word, mode="query", removestops=False))
    return tokens[0].text if len(tokens) == 1 else ""


def _snippet_tokens(text: str, matched_term):
    """The words of ``text`` as highlighter tokens, matched where ``matched_term(word)`` is not None.

    Equivalent to running ``text_analyzer(locale)`` over the whole text with
    character offsets, but each filter of that analysis works on one token
    at a time, so a word's result does not depend on its neighbours and is
    computed once per word (:func:`_analyzed_word`). Snippets go through the
    whole body of each hit, and this was most of a suggest request's time
    (see benchmarks/README.md).
    """
    token = Token(positions=False, chars=True, removestops=False, mode="query")
    for match in _word_pattern.finditer(text):
        token.startchar, token.endchar = match.span()
        term = matched_term(match.group())
        token.matched = term is not None
        if token.matched:
            token.text = term  # fragments are scored by their distinct terms
        yield token


class SearchIndex:
    """Per-process access to the current index generation.

    Searchers stay open between queries and are reopened when ``kb index``
    switches to a new generation. One set of searchers serves every thread
    of the process, one search at a time: Whoosh searchers must not be used
    by two threads at once, and a search is Python work that holds the GIL
    anyway, so a lock costs no throughput. A set per thread cost, per
    thread, the time to open every locale's index and its memory (about
    1.4 s and 450 MB at 10 000 articles per locale; see benchmarks/README.md).
    """

    def __init__(
        self, index_dir: Path | str, locales: Sequence[str], default_locale: str, *, cache_size: int = RESULT_CACHE_SIZE
    ):
        self.index_dir = Path(index_dir)
        self.locales = tuple(locales)
        self.default_locale = default_locale
        self.cache_size = cache_size
        self._lock = threading.RLock()
        self._current = None
        self._weighting = scoring.BM25F()

    def _pointer_state(self):
        try:
            stat = os.stat(self.index_dir / "CURRENT")
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def _state(self):
        """The open searchers, reopened if the generation changed. Hold ``_lock``."""
        state = self._current
        pointer = self._pointer_state()
        if state is not None and state["pointer"] == pointer:
            return state
        generation = current_generation(self.index_dir)
        if generation is None:
            raise IndexNotBuilt(f"no search index in {self.index_dir}: run 'kb index'")
        path = generation_path(self.index_dir, generation)
        searchers = {}
        for locale in self.locales:
            locale_dir = path / locale
            if index.exists_in(str(locale_dir)):
                searchers[locale] = index.open_dir(str(locale_dir)).searcher(weighting=self._weighting)
        if state is not None:
            for old in state["searchers"].values():
                old.close()
        state = {"pointer": pointer, "generation": generation, "searchers": searchers}
        self._current = state
        return state

    @property
    def generation(self) -> str:
        with self._lock:
            return self._state()["generation"]

    def search(self, text: str, locale: str, limit: int = 5) -> list[Hit]:
        """Articles for ``text`` in ``locale``, best first.

        Articles that exist only in the default locale are searched too and
        ranked among the locale's own (a little lower at equal score), so an
        untranslated answer is still found; their hits carry their own locale.
        """
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            return self._cached_search(text, locale, limit)

    def _cached_search(self, text: str, locale: str, limit: int) -> list[Hit]:
        state = self._state()
        cache = state.setdefault("results", collections.OrderedDict())
        key = (clean_text(text), locale, limit)
        if key in cache:
            cache.move_to_end(key)
            return list(cache[key])
        hits = self._search(state, text, locale, limit)
        if self.cache_size:
            cache[key] = tuple(hits)
            if len(cache) > self.cache_size:
                cache.popitem(last=False)
        return hits

    def _search(self, state, text: str, locale: str, limit: int) -> list[Hit]:
        hits = self._search_locale(state, text, locale, locale, limit, exclude=None)
        fallback = self.default_locale
        if fallback != locale and fallback in state["searchers"]:
            others = self._search_locale(state, text, fallback, locale, limit, exclude=locale)
            others = [(dataclasses.replace(h, score=h.score * FALLBACK_WEIGHT), body, q) for h, body, q in others]
            hits = sorted(hits + others, key=lambda h: h[0].score, reverse=True)[:limit]
        # Snippets cost more than the search itself: make them only for the
        # hits that are returned.
        return [dataclasses.replace(h, snippet=make_snippet(body, q, h.locale)) for h, body, q in hits]

    def document(self, locale: str, article_id: str) -> dict | None:
        """The stored fields of one article in one locale, or None."""
        with self._lock:
            searcher = self._state()["searchers"].get(locale)
            if searcher is None:
                return None
            return searcher.document(id=article_id)

    def documents(self, locale: str) -> list[dict]:
        """Every article of a locale (stored fields without the body), by title."""
        with self._lock:
            return self._documents(locale)

    def _documents(self, locale: str) -> list[dict]:
        state = self._state()
        cache = state.setdefault("listing", {})
        if locale not in cache:
            searcher = state["searchers"].get(locale)
            docs = []
            if searcher is not None:
                for doc in searcher.documents():
                    docs.append({k: v for k, v in doc.items() if k not in ("body", "html")})
            cache[locale] = sorted(docs, key=lambda d: d["title"].casefold())
        return cache[locale]

    @staticmethod
    def _mask(state, index_locale: str, exclude: str) -> BitSet:
        """The documents of ``index_locale`` also published in ``exclude``, as a bit set.

        Whoosh would otherwise turn the mask query into a set of every
        matching document on each search: most of the index, for the
        default locale. The set is made once per searcher.
        """
        masks = state.setdefault("masks", {})
        key = (index_locale, exclude)
        if key not in masks:
            searcher = state["searchers"][index_locale]
            masks[key] = BitSet(searcher.docs_for_query(query.Term("locales", exclude)), size=searcher.doc_count_all())
        return masks[key]

    def _search_locale(self, state, text, index_locale, page_locale, limit, exclude) -> list[tuple[Hit, str, UserQuery]]:
        """Hits without snippets, each with its body and the split query, for :meth:`search`."""
        searcher = state["searchers"].get(index_locale)
        if searcher is None:
            return []
        user_query = split_query(text, index_locale)
        whoosh_query = build_query(user_query, index_locale)
        if whoosh_query is None:
            return []
        # Skip the articles that the page's own locale already has.
        mask = self._mask(state, index_locale, exclude) if exclude else None
        results = searcher.search(whoosh_query, limit=limit, mask=mask)
        return [
            (
                Hit(
                    id=hit["id"],
                    locale=index_locale,
                    title=hit["title"],
                    url=f"/{page_locale}/articles/{hit['id']}",
                    snippet="",
                    score=hit.score,
                    category=hit.get("category") or None,
                    outdated=bool(hit.get("outdated")),
                ),
                hit["body"],
                user_query,
            )
            for hit in results
        ]
