"""The search service: the one API the web layer and the ``kb`` command share.

:class:`SearchIndex` serves the current index generation to every thread of
a process. What it answers are ids and locales (:class:`Hit`); the web
layer makes the URLs.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from whoosh import index, query

from .analysis import language_of, text_analyzer
from .crosslang import WordTranslations, learn_pairs, read_translations, translated_query
from .fallback import (
    FALLBACK_WEIGHT,
    OTHER_LANGUAGE_WEIGHT,
    FallbackStep,
    corrected_text,
    fallback_plan,
    locales_knowing,
    other_language,
)
from .indexing import current_generation, generation_path
from .queries import Lexicon, UserQuery, build_query, clean_text, split_query
from .scoring import SCORERS, ArrayScorer, TermCache, WhooshScorer
from .snippets import make_snippet
from .typing import earlier_texts

MAX_LIMIT = 20
# Answers kept per process for the generation being served; a new
# generation starts an empty cache, so an answer is never from another index.
RESULT_CACHE_SIZE = 2048
# Outdated translations rank below up-to-date ones of similar relevance.
OUTDATED_WEIGHT = 0.85
# Articles found through translated words, relative to the fallback's own
# finds (0.8: crosslang 0.348 on the corpus's dev part, 1.0: 0.416; 1.25 since
# the exact word form weighs 2.0, which raised the page's own articles:
# 0.441; 2.0 since word bigrams raised them again: 0.615, where 3.0 gave
# 0.743 but lowered keywords, questions and typos; 2.5 since a word counts
# by its best field: 0.560 at 2.0, 0.644 at 2.5; docs/search.md).
TRANSLATED_WEIGHT = 2.5
# A stand-in in another language for an article the page lacks takes first
# place only when no article in the page's language scores this share of it.
NATIVE_FIRST_SHARE = 0.5
# Candidates fetched beyond the limit, so that re-weighting can reorder them.
OVERFETCH = 5
# Stored fields a listing of articles leaves out (the big ones).
UNLISTED_FIELDS = frozenset({"body", "html"})


def page_language_first(ranked: list[Candidate], locale: str) -> list[Candidate]:
    """``ranked`` (best first), with the best article in the page's language
    first if the first is a stand-in in another language for an article the
    page lacks and that article scores ``NATIVE_FIRST_SHARE`` of it. The
    stand-in stays second: the customer reads their own language first, and
    a missing translation is still found."""
    def stand_in(candidate):
        return candidate.link_locale != candidate.locale and language_of(candidate.locale) != language_of(locale)

    if not ranked or not stand_in(ranked[0]):
        return ranked
    for i, candidate in enumerate(ranked):
        if not stand_in(candidate):
            if candidate.score >= NATIVE_FIRST_SHARE * ranked[0].score:
                return [candidate, *ranked[:i], *ranked[i + 1:]]
            break
    return ranked


class IndexNotBuilt(RuntimeError):
    """No index generation exists yet: run ``kb index``."""


@dataclasses.dataclass(frozen=True)
class Hit:
    """One article found.

    ``locale`` is the version found; ``link_locale`` the locale whose page
    shows it: the page's own for an article found through the fallback (the
    page then shows that version with a notice), the article's for one found
    because the text was in its language.
    """

    id: str
    locale: str
    link_locale: str
    title: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    score: float
    category: str | None = None
    outdated: bool = False


@dataclasses.dataclass(frozen=True)
class Suggestions:
    """What the customer's text finds while they type, and, when it finds
    nothing, a corrected text that does."""

    hits: list[Hit]
    did_you_mean: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """An article scored in one locale's index, before snippets are made."""

    id: str
    locale: str
    link_locale: str
    title: str
    body: str
    score: float  # already weighted (fallback, other language, outdated)
    category: str | None
    outdated: bool
    user_query: UserQuery
    matched_terms: frozenset[tuple[str, str]]

    def hit(self, snippet: bool = True) -> Hit:
        return Hit(
            id=self.id,
            locale=self.locale,
            link_locale=self.link_locale,
            title=self.title,
            snippet=make_snippet(self.body, self.user_query, self.locale, self.matched_terms) if snippet else "",
            score=self.score,
            category=self.category,
            outdated=self.outdated,
        )


@dataclasses.dataclass(frozen=True, eq=False)
class OpenGeneration:
    """One index generation as this process serves it.

    The fields never change; the tables below them are filled as they are
    first needed and live as long as the generation, so nothing read from
    one generation is used with another. Only :class:`SearchIndex` fills
    them, under its lock.
    """

    name: str
    pointer: tuple[int, int] | None  # (inode, mtime) of CURRENT when opened
    searchers: Mapping[str, object]
    scorers: Mapping[str, ArrayScorer | WhooshScorer]
    lexicons: dict[str, Lexicon] = dataclasses.field(default_factory=dict)
    fallback_plans: dict[str, tuple[FallbackStep, ...]] = dataclasses.field(default_factory=dict)
    listings: dict[str, list[dict]] = dataclasses.field(default_factory=dict)
    translations: dict[tuple[str, str], WordTranslations] = dataclasses.field(default_factory=dict)
    results: collections.OrderedDict = dataclasses.field(default_factory=collections.OrderedDict)

    def lexicon(self, locale: str) -> Lexicon | None:
        """The locale's lexicon, read on first use; None when the locale has no index."""
        lexicon = self.lexicons.get(locale)
        if lexicon is None:
            searcher = self.searchers.get(locale)
            if searcher is None:
                return None
            lexicon = self.lexicons[locale] = Lexicon.read(searcher.reader())
        return lexicon

    def translations_between(self, source: str, target: str) -> WordTranslations:
        """Word translations from ``source`` to ``target`` (search/crosslang.py):
        those ``kb index`` stored with the generation, else learnt here on
        first use from the titles and headings of the articles both have."""
        learnt = self.translations.get((source, target))
        if learnt is None:
            readers = {locale: self.searchers[locale].reader() for locale in (source, target)}
            learnt = self.translations[(source, target)] = learn_pairs(readers, [(source, target)])[(source, target)]
        return learnt

    def close(self) -> None:
        for searcher in self.searchers.values():
            searcher.close()


class SearchIndex:
    """Per-process access to the current index generation.

    Searchers stay open between queries and are reopened when ``kb index``
    switches to a new generation. One set of searchers serves every thread
    of the process, one search at a time, under one lock: Whoosh searchers
    must not be used by two threads at once, and a search is Python work
    that holds the GIL anyway, so the lock costs no throughput. A set per
    thread cost, on every gunicorn thread, the time to open every locale's
    index and its memory (about 1.4 s and 450 MB at 10 000 articles per
    locale; see benchmarks/README.md). The latest answers are kept for the
    generation being served (``cache_size``): customers type the same
    beginnings. ``scorer`` names how queries are scored (see
    :mod:`search.scoring`): ``"arrays"``, or ``"whoosh"`` for Whoosh's own matchers.
    """

    def __init__(
        self,
        index_dir: Path | str,
        locales: Sequence[str],
        default_locale: str,
        *,
        cache_size: int = RESULT_CACHE_SIZE,
        scorer: str = "arrays",
    ):
        self.index_dir = Path(index_dir)
        self._scorer = SCORERS[scorer]
        self.locales = tuple(locales)
        self.default_locale = default_locale
        self.cache_size = cache_size
        self._lock = threading.RLock()
        self._open: OpenGeneration | None = None
        self._term_cache = TermCache()

    # The generation being served

    def current(self) -> OpenGeneration:
        """The generation being served, opened (or reopened) as needed."""
        with self._lock:
            return self._current()

    def _current(self) -> OpenGeneration:
        """Hold ``_lock``."""
        opened = self._open
        pointer = self._pointer()
        if opened is not None and opened.pointer == pointer:
            return opened
        name = current_generation(self.index_dir)
        if name is None:
            raise IndexNotBuilt(f"no search index in {self.index_dir}: run 'kb index'")
        path = generation_path(self.index_dir, name)
        searchers = {}
        for locale in self.locales:
            locale_dir = path / locale
            if index.exists_in(str(locale_dir)):
                searchers[locale] = index.open_dir(str(locale_dir)).searcher()
        if opened is not None:
            opened.close()
        self._term_cache.keep_only((name,))
        scorers = {locale: self._scorer(searcher, self._term_cache, (name, locale)) for locale, searcher in searchers.items()}
        self._open = OpenGeneration(name, pointer, searchers, scorers, translations=read_translations(path) or {})
        return self._open

    def _pointer(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.index_dir / "CURRENT")
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def close(self) -> None:
        """Close the searchers; the next search opens them again."""
        with self._lock:
            if self._open is not None:
                self._open.close()
                self._open = None

    def warm_up(self) -> None:
        """Open the searchers, read every locale's lexicon and the word
        translations the fallback needs now, not on a customer's first query
        (a generation ``kb index`` wrote without translations learns them here)."""
        with self._lock:
            opened = self._current()
            for locale in self.locales:
                opened.lexicon(locale)
                for step in self._fallback_plan(opened, locale):
                    if language_of(step.locale) != language_of(locale):
                        opened.translations_between(locale, step.locale)

    @property
    def generation(self) -> str:
        return self.current().name

    # Searching

    def search(self, text: str, locale: str, limit: int = 5, *, snippets: bool = True) -> list[Hit]:
        """Articles for ``text`` in ``locale``, best first.

        Besides the locale's own articles, this finds articles that have no
        version in ``locale`` through their other versions (hits carry their
        own locale; see :func:`~search.fallback.fallback_locales` for the
        order), and, when the text is clearly in another language, that
        language's articles too. Outdated translations rank a little below
        up-to-date ones. Without ``snippets``, hits have an empty snippet
        (cheaper, for bookkeeping).
        """
        self._check_locale(locale)
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            opened = self._current()
            cache = opened.results
            key = (clean_text(text), locale, limit, snippets)
            if key in cache:
                cache.move_to_end(key)
                return list(cache[key])
            hits = [c.hit(snippets) for c in self._ranked(opened, text, locale, limit)]
            if self.cache_size:
                cache[key] = tuple(hits)
                if len(cache) > self.cache_size:
                    cache.popitem(last=False)
            return hits

    def suggest(self, text: str, locale: str, limit: int = 5, *, typing: bool = True) -> Suggestions:
        """The suggestions for ``text`` (none for blank text), with a "did you mean" when nothing matched.

        With ``typing`` (the customer is still typing), the last word is not
        corrected unless a space follows it (see :meth:`did_you_mean`).
        """
        self._check_locale(locale)
        if not text.strip():
            return Suggestions([])
        hits = self.search(text, locale, limit)
        return Suggestions(hits, None if hits else self.did_you_mean(text, locale, typing=typing))

    def search_page(self, text: str, locale: str, page: int, per_page: int = 10, max_results: int = 100) -> tuple[list[Hit], int]:
        """One page of the best ``max_results`` articles, and how many there are.

        Snippets are made for the page shown only.
        """
        self._check_locale(locale)
        with self._lock:
            ranked = self._ranked(self._current(), text, locale, max_results)
        start = (max(1, page) - 1) * per_page
        return [c.hit() for c in ranked[start : start + per_page]], len(ranked)

    def did_you_mean(self, text: str, locale: str, *, typing: bool = False) -> str | None:
        """A corrected version of ``text`` that finds articles, or None.

        Meant for when a search found nothing (see
        :func:`~search.fallback.corrected_text`); the correction is offered
        only if it finds something. With ``typing``, the last word is left
        as typed unless a space follows it: it is not finished yet.
        """
        self._check_locale(locale)
        with self._lock:
            opened = self._current()
            lexicon = opened.lexicon(locale)
            suggestion = corrected_text(text, locale, lexicon, typing=typing) if lexicon is not None else None
            if not suggestion:
                return None
            unfinished = typing and split_query(text, locale).partial is not None
            return suggestion if self._found(opened, suggestion if unfinished else suggestion + " ", locale, 1) else None

    def _check_locale(self, locale: str) -> None:
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}")

    def _ranked(self, opened: OpenGeneration, text: str, locale: str, limit: int) -> list[Candidate]:
        """The best ``limit`` candidates (stored fields and scores, no snippets)."""
        fetch = limit + OVERFETCH
        found = self._found(opened, text, locale, fetch)
        # A keystroke never empties the list: fall back on what was typed a moment ago.
        for earlier in earlier_texts(clean_text(text)) if not found else ():
            found = self._found(opened, earlier, locale, fetch)
            if found:
                break
        if not found:
            # Nothing at all: a word or two of another language is too short
            # to identify, but the other indexes' words can tell.
            for other in locales_knowing(text, self.locales, locale, opened.lexicon)[:1]:
                found += self._candidates(opened, text, other, fetch, weight=OTHER_LANGUAGE_WEIGHT)
        best: dict[str, Candidate] = {}
        for candidate in found:
            kept = best.get(candidate.id)
            if kept is None or candidate.score > kept.score:
                best[candidate.id] = candidate
        return page_language_first(sorted(best.values(), key=lambda c: c.score, reverse=True), locale)[:limit]

    def _found(self, opened: OpenGeneration, text: str, locale: str, fetch: int) -> list[Candidate]:
        """Candidates of the page locale, of its missing articles' other versions
        (searched with the text and with its words translated) and, for text
        clearly in another language, of that language."""
        found = self._candidates(opened, text, locale, fetch, weight=1.0)
        for step in self._fallback_plan(opened, locale):
            found += self._candidates(opened, text, step.locale, fetch, weight=FALLBACK_WEIGHT, mask=step.mask, page=locale)
            if language_of(step.locale) != language_of(locale):
                translated = translated_query(
                    split_query(text, locale),
                    locale,
                    step.locale,
                    opened.translations_between(locale, step.locale),
                    opened.lexicon(step.locale),
                )
                found += self._candidates(
                    opened, text, step.locale, fetch, weight=FALLBACK_WEIGHT * TRANSLATED_WEIGHT,
                    mask=step.mask, page=locale, whoosh_query=translated,
                )
        other = other_language(text, locale, self.locales, opened.searchers, opened.lexicon)
        if other is not None:
            found += self._candidates(opened, text, other, fetch, weight=OTHER_LANGUAGE_WEIGHT)
        return found

    def _fallback_plan(self, opened: OpenGeneration, locale: str) -> tuple[FallbackStep, ...]:
        plan = opened.fallback_plans.get(locale)
        if plan is None:
            ids = {loc: set(s.reader().field_terms("id")) for loc, s in opened.searchers.items()}
            plan = opened.fallback_plans[locale] = fallback_plan(locale, ids, self.locales, self.default_locale)
        return plan

    def _candidates(
        self,
        opened: OpenGeneration,
        text: str,
        index_locale: str,
        limit: int,
        *,
        weight: float,
        mask: query.Query | None = None,
        page: str | None = None,
        whoosh_query: query.Query | None | bool = False,
    ) -> list[Candidate]:
        """Candidates from one locale's index, with weighted scores; ``page`` is
        the page's locale when they stand in for articles it lacks. A
        ``whoosh_query`` given is searched instead of ``text``'s own."""
        searcher = opened.searchers.get(index_locale)
        if searcher is None:
            return []
        user_query = split_query(text, index_locale)
        if whoosh_query is False:
            whoosh_query = build_query(user_query, index_locale, opened.lexicon(index_locale))
        if whoosh_query is None:
            return []
        matched_terms = frozenset(whoosh_query.iter_all_terms())
        found = []
        for docnum, score in opened.scorers[index_locale].top(whoosh_query, limit, mask=mask):
            stored = searcher.stored_fields(docnum)
            outdated = bool(stored.get("outdated"))
            score *= weight
            if outdated:
                score *= OUTDATED_WEIGHT
            found.append(
                Candidate(
                    id=stored["id"],
                    locale=index_locale,
                    link_locale=page or index_locale,
                    title=stored["title"],
                    body=stored["body"],
                    score=score,
                    category=stored.get("category") or None,
                    outdated=outdated,
                    user_query=user_query,
                    matched_terms=matched_terms,
                )
            )
        return found

    # Articles

    def document(self, locale: str, article_id: str) -> dict | None:
        """The stored fields of one article in one locale, or None."""
        with self._lock:
            searcher = self._current().searchers.get(locale)
            if searcher is None:
                return None
            return searcher.document(id=article_id)

    def documents(self, locale: str) -> list[dict]:
        """Every article of a locale (stored fields without the body), by title."""
        with self._lock:
            opened = self._current()
            listing = opened.listings.get(locale)
            if listing is None:
                searcher = opened.searchers.get(locale)
                docs = []
                if searcher is not None:
                    docs = [{k: v for k, v in doc.items() if k not in UNLISTED_FIELDS} for doc in searcher.documents()]
                listing = opened.listings[locale] = sorted(docs, key=lambda d: d["title"].casefold())
            return listing
