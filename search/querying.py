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
from collections.abc import Collection, Sequence
from pathlib import Path

from whoosh import index, query

from .analysis import (
    EDGE_MAX, EDGE_MIN, WORD_PATTERN, fold, fold_in_place, language_of, prefix_analyzer, stop_words, text_analyzer, word_analyzer,
)
from .indexing import current_generation, generation_path
from .language import guess_language
from .passages import passage, prose_only
from .scoring import ArrayScorer, Coordinated, TermCache
from .synonyms import synonyms_for
from .vocabulary import Vocabulary, allowed_edits

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_LIMIT = 20
# Answers kept per process for the generation being served; a new
# generation starts an empty cache, so an answer is never from another index.
RESULT_CACHE_SIZE = 2048

# Query-time weight of each field (see also indexing.py for what they hold).
FIELD_WEIGHTS = {"title": 4.0, "headings": 2.0, "tags": 2.0, "body": 1.0, "parts": 1.0}
# A word still being typed matches the beginnings of words in these fields.
TYPING_WEIGHT = 3.0
# An article using the customer's very word form, not just its stem.
EXACT_WEIGHT = 1.0
# Documents matching more of the customer's words rise (coordination bonus).
COORDINATION = 0.9

# Articles found in another locale rank a little below the page's own.
FALLBACK_WEIGHT = 0.8
# A word the index does not know also searches its corrections, lower than
# any exact match: the weight is divided by the number of edits.
CORRECTION_WEIGHT = 0.5
# Synonyms and compound parts stand in for the customer's own word.
SYNONYM_WEIGHT = 0.7
COMPOUND_WEIGHT = 0.8
# Outdated translations rank below up-to-date ones of similar relevance.
OUTDATED_WEIGHT = 0.85
# Text clearly in another language also searches that language's index:
# always above CLEAR_LANGUAGE, and above LIKELY_LANGUAGE when that index
# knows more of the words than the page's own.
CLEAR_LANGUAGE = 0.9
LIKELY_LANGUAGE = 0.5
OTHER_LANGUAGE_WEIGHT = 0.9
# Candidates fetched beyond the limit, so that re-weighting can reorder them.
OVERFETCH = 5

SNIPPET_CHARS = 180
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


@functools.lru_cache(maxsize=65536)
def _analyzed(word: str, locale: str) -> tuple[str, ...]:
    """The ranked terms of one word (cached: snippets analyse every word of an article)."""
    return tuple(t.text for t in text_analyzer(locale)(word))


@dataclasses.dataclass(frozen=True)
class Lexicon:
    """What one locale's index knows, read once per index generation.

    ``words``: the articles' words unstemmed, for corrections and compound
    splitting; ``beginnings``: the edge n-grams of the typing field, for a
    misspelt word still being typed; ``terms``: every stem of the ranked fields;
    ``field_terms``: the stems of each ranked field, so that a query asks each
    field only for the terms it has.
    """

    words: Vocabulary
    beginnings: Vocabulary
    terms: frozenset[str]
    field_terms: dict[str, frozenset[str]]

    @classmethod
    def read(cls, reader) -> Lexicon:
        indexed = set(reader.indexed_field_names())

        def frequencies(field):
            # One pass over the field's dictionary, reading each entry's frequency on the way.
            if field not in indexed:
                return {}
            decode = reader.schema[field].from_bytes
            return {decode(term): info.doc_frequency() for term, info in reader.iter_field(field)}

        field_terms = {field: frozenset(reader.field_terms(field)) if field in indexed else frozenset() for field in FIELD_WEIGHTS}
        terms = frozenset().union(*field_terms.values())
        return cls(Vocabulary(frequencies("words")), Vocabulary(frequencies("typing")), terms, field_terms)

    def knows(self, word: str, locale: str) -> bool:
        """True when a customer word matches the index as it is."""
        terms = _analyzed(word, locale)
        return word in self.words or (bool(terms) and all(t in self.terms for t in terms))


def build_query(user_query: UserQuery, locale: str, lexicon: Lexicon | None = None) -> query.Query | None:
    """The Whoosh query for a split customer query, or None when nothing is left.

    Each finished word matches its stem in every field, and its exact form;
    with a ``lexicon``, a word the index does not know also matches its
    corrections and, in German, its compound parts. The word being typed
    also matches word beginnings. A synonym rule for one word is an
    alternative for that word (the better of the two counts, not both); a
    rule for several words stands in for them. Articles matching more of the
    words rank higher (coordination, see search/scoring.py).
    """
    words = list(user_query.words) + ([user_query.partial] if user_query.partial else [])
    # Alternatives from synonym rules, for one word (by position) or for several.
    for_word: dict[int, list[query.Query]] = collections.defaultdict(list)
    for_words: list[query.Query] = []
    word_of_term = [i for i, word in enumerate(words) for _ in _analyzed(word, locale)]
    for start, end, clause in _synonym_clauses(words, locale, lexicon):
        covered = set(word_of_term[start:end])
        if len(covered) == 1:
            for_word[covered.pop()].append(clause)
        else:
            for_words.append(clause)
    clauses = []
    for i, word in enumerate(user_query.words):
        clause = _word_query(word, locale, lexicon)
        options = ([clause] if clause is not None else []) + for_word[i]
        if options:
            clauses.append(query.DisjunctionMax(options) if len(options) > 1 else options[0])
    partial = user_query.partial
    if partial:
        options = []
        whole = _word_query(partial, locale, lexicon, correct=False)
        if whole is not None:
            options.append(whole)
        if len(partial) >= EDGE_MIN:
            beginning = partial[:EDGE_MAX]
            options.append(query.Term("typing", beginning, boost=TYPING_WEIGHT))
            if lexicon is not None and beginning not in lexicon.beginnings:
                for correction in lexicon.beginnings.corrections(beginning):
                    boost = TYPING_WEIGHT * CORRECTION_WEIGHT / correction.edits
                    options.append(query.Term("typing", correction.word, boost=boost))
        options += for_word[len(words) - 1]
        if options:
            clauses.append(query.DisjunctionMax(options) if len(options) > 1 else options[0])
    asked = len(clauses)
    clauses += for_words
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    # A rule for several words stands in for them: it adds to the count of
    # words matched, not to the count of words asked for.
    return Coordinated(clauses, asked=max(asked, 1), scale=COORDINATION)


def _synonym_clauses(words: Sequence[str], locale: str, lexicon: Lexicon | None):
    """(start, end, query) of each synonym rule that applies, by term position."""
    terms = tuple(t for word in words for t in _analyzed(word, locale))
    for start, end, alternatives in synonyms_for(locale).expansions(terms):
        options = [
            query.And([_word_clause((t,), lexicon=lexicon) for t in alt]) if len(alt) > 1 else _word_clause(alt, lexicon=lexicon)
            for alt in alternatives
        ]
        yield start, end, query.Or(options, boost=SYNONYM_WEIGHT)


def _word_query(word: str, locale: str, lexicon: Lexicon | None, correct: bool = True) -> query.Query | None:
    terms = _analyzed(word, locale)
    if not terms:
        return None
    options = [_word_clause(terms, lexicon=lexicon)]
    if lexicon is not None and word in lexicon.words:
        # The customer's exact word form counts beside its stem: "facture"
        # (invoice) before "facturation" (billing), though both stem alike.
        options = [query.Or([options[0], query.Term("words", word, boost=EXACT_WEIGHT)])]
    if lexicon is not None and not lexicon.knows(word, locale):
        parts = lexicon.words.compound_parts(word, language_of(locale))
        if parts:
            part_clauses = [_word_clause(_analyzed(part, locale), lexicon=lexicon) for part in parts]
            options.append(query.And(part_clauses, boost=COMPOUND_WEIGHT))
        if correct:
            for correction in lexicon.words.corrections(word):
                corrected = _analyzed(correction.word, locale)
                if corrected and corrected != terms:
                    options.append(_word_clause(corrected, boost=CORRECTION_WEIGHT / correction.edits, lexicon=lexicon))
    return query.Or(options) if len(options) > 1 else options[0]


def _word_clause(terms: Sequence[str], boost: float = 1.0, lexicon: Lexicon | None = None) -> query.Query:
    """One customer word, matched in every field at that field's weight.

    With a ``lexicon``, fields that lack a term are not asked for it (an
    absent term still costs a dictionary lookup per field).
    """
    return query.Or(
        [
            query.Term(field, term, boost=weight * boost)
            for term in terms
            for field, weight in FIELD_WEIGHTS.items()
            if lexicon is None or term in lexicon.field_terms[field]
        ]
    )


_WORD = re.compile(WORD_PATTERN)
@functools.lru_cache(maxsize=65536)
def _folded(raw: str, locale: str) -> tuple[str, ...]:
    """What the word-being-typed analysis makes of one raw word of an article."""
    return tuple(t.text for t in prefix_analyzer(locale)(raw))


@functools.lru_cache(maxsize=65536)
def _raw_parts(raw: str) -> tuple[str, ...]:
    """A raw word folded and cut at its apostrophes: "l'Adresse" -> ("l", "adresse")."""
    return tuple(fold(raw).split("'"))


@functools.lru_cache(maxsize=256)
def _starts_pattern(prefixes: frozenset[str]) -> re.Pattern:
    """Where a word, or the part after an apostrophe, begins with one of ``prefixes``."""
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?:(?<!\w)|(?<=['’]))(?:{alternatives})")


def _word_at(text: str, place: int) -> re.Match | None:
    """The word (as the analysis cuts words) that contains ``place``."""
    start = place
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_'’."):
        start -= 1
    for m in _WORD.finditer(text, start, min(len(text), place + 100)):
        if m.end() > place:
            return m if m.start() <= place else None
    return None


def _matched_words(text: str, prefixes: set[str], is_match, windows: int = 3):
    """(words, matched): the words around the first matches in ``text``, as ``re``
    matches, and whether each one matches.

    Only words near a match can be shown, so the body is not analysed word by
    word: one regular expression over its folded text finds where a word (or
    the part after an apostrophe) begins with one of ``prefixes``, and only
    the words found there are checked with ``is_match``. The words of the
    first ``windows`` stretches around real matches are returned. When
    folding would change the text's length (offsets would not line up),
    every word is checked instead.
    """
    folded = fold_in_place(text)
    if folded is None:
        words = list(_WORD.finditer(text))
        return words, [is_match(m.group()) for m in words]
    hits: set[int] = set()
    checked: set[int] = set()
    spans: list[list[int]] = []
    for candidate in _starts_pattern(frozenset(prefixes)).finditer(folded):
        word = _word_at(text, candidate.start())
        if word is None or word.start() in checked:
            continue
        checked.add(word.start())
        if not is_match(word.group()):
            continue
        # The fragmenter keeps 60 characters before a match and SNIPPET_CHARS in all.
        start, end = max(0, word.start() - 60), word.start() + SNIPPET_CHARS
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        elif len(spans) == windows:
            break
        else:
            spans.append([start, end])
        hits.add(word.start())
    words = []
    for start, end in spans:
        # Begin and end on a space, so no word is cut in two.
        start = text.rfind(" ", 0, start) + 1
        after = text.find(" ", end)
        words.extend(_WORD.finditer(text, start, len(text) if after < 0 else after))
    return words, [m.start() in hits for m in words]


def make_snippet(
    text: str, user_query: UserQuery, locale: str, matched_terms: Collection[tuple[str, str]] = ()
) -> str:
    """An HTML-escaped extract of ``text`` with matched words in ``<mark>``.

    Words match when their stem equals a finished query word's stem or when
    they start with the word still being typed. ``matched_terms`` are the
    ``(field, term)`` pairs of the query that found the article, so that
    corrections, synonyms and compound parts are shown too.

    >>> make_snippet("To reset a <b>forgotten</b> password, log in.", UserQuery(("resetting",), "forg"), "en")
    'To <mark>reset</mark> a &lt;b&gt;<mark>forgotten</mark>&lt;/b&gt; password, log in.'
    >>> make_snippet("Ask for a refund.", UserQuery(("chargeback",), None), "en", [("body", "refund")])
    'Ask for a <mark>refund</mark>.'
    >>> make_snippet("Plans\\nLive chat\\nWithin 4 hours\\nThe chat opens at nine. Phone lines too.", UserQuery(("chat",), None), "en")
    'The <mark>chat</mark> opens at nine. Phone lines too.'
    >>> make_snippet("Die Größe der Straße", UserQuery(("strasse",), None), "de")
    'Die Größe der <mark>Straße</mark>'
    """
    own = {t for word in user_query.words for t in _analyzed(word, locale)}
    if user_query.partial:
        own.update(_analyzed(user_query.partial, locale))
    own_beginnings = {user_query.partial} if user_query.partial and len(user_query.partial) >= EDGE_MIN else set()
    stems, beginnings = set(own), set(own_beginnings)
    for field, term in matched_terms:
        if field == "typing":
            beginnings.add(term)
        elif field in FIELD_WEIGHTS:
            stems.add(term)
    # Only the customer's own words are marked, no common word; corrections
    # and synonyms that matched join them when a word of theirs is not in the prose.
    masked = prose_only(text)
    finished = [set(_analyzed(word, locale)) for word in user_query.words]
    if own or own_beginnings:
        snippet, found = _snippet_for(text, masked, own, own_beginnings, locale)
        if snippet is not None and all(word & found or not word for word in finished):
            return snippet
        if (stems, beginnings) == (own, own_beginnings):
            return snippet or _opening(text, masked)
    return _snippet_for(text, masked, stems, beginnings, locale)[0] or _opening(text, masked)


def _snippet_for(text: str, masked: str, stems: set[str], beginnings: set[str], locale: str) -> tuple[str | None, set[str]]:
    """The passage around the words of ``stems``/``beginnings``, marked (None when none is in
    the prose), and the stems found."""
    # Snowball stems begin like their word: only words that share the first
    # two letters of a stem can match, which keeps long articles cheap.
    heads = {stem[:2] for stem in stems}
    if not heads and not beginnings:
        return None, set()
    stopped = stop_words(language_of(locale))

    def is_match(raw: str) -> bool:
        for word in _folded(raw, locale):
            if word[:2] in heads and any(stem in stems for stem in _analyzed(word, locale)):
                return True
        # A beginning being typed marks no common word ("th" is not "the").
        return bool(beginnings) and fold(raw) not in stopped and any(part.startswith(b) for part in _raw_parts(raw) for b in beginnings)

    words, matched = _matched_words(masked, heads | beginnings, is_match)
    found = [(m.start(), _folded(m.group(), locale)) for m, is_matched in zip(words, matched) if is_matched]
    if not found:
        return None, set()
    start, end = passage(text, masked, found)
    found_stems = {stem for _offset, key in found for word in key for stem in _analyzed(word, locale)}
    return _render(text, start, end, lambda m: is_match(m.group())), found_stems


def _render(text: str, start: int, end: int, is_marked=lambda m: False) -> str:
    """``text[start:end]`` escaped, marked words in ``<mark>``, "…" where the text was cut."""
    out = ["… " if start > 0 and text[start - 1] not in "\n" else ""]
    place = start
    for m in _WORD.finditer(text, start, end):
        if is_marked(m):
            out += [html.escape(text[place:m.start()], quote=False), "<mark>", html.escape(m.group(), quote=False), "</mark>"]
            place = m.end()
    out.append(html.escape(text[place:end], quote=False))
    if end < len(text) and text[end] not in "\n" and text[end - 1] not in ".!?…":
        out.append(" …")
    return "".join(out).replace("\n", " ")


def _opening(text: str, masked: str | None = None) -> str:
    """The first sentences of an article's prose, for when only its title matched."""
    return _render(text, *passage(text, prose_only(text) if masked is None else masked, []))


class SearchIndex:
    """Per-process access to the current index generation.

    Searchers stay open between queries and are reopened when ``kb index``
    switches to a new generation. One set of searchers serves every thread
    of the process, one search at a time: Whoosh searchers must not be used
    by two threads at once, and a search is Python work that holds the GIL
    anyway, so the lock costs no throughput. A set per thread cost, on every
    gunicorn thread, the time to open every locale's index and its memory
    (about 1.4 s and 450 MB at 10 000 articles per locale; see
    benchmarks/README.md). The latest answers are kept for the generation
    being served (``cache_size``): customers type the same beginnings.
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
        self._lexicons: dict[tuple[str, str], Lexicon] = {}
        self._lexicons_lock = threading.Lock()
        self._term_cache = TermCache()

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
                searchers[locale] = index.open_dir(str(locale_dir)).searcher()
        if state is not None:
            for old in state["searchers"].values():
                old.close()
        self._term_cache.keep_only((generation,))
        scorers = {
            locale: ArrayScorer(searcher, self._term_cache, (generation, locale)) for locale, searcher in searchers.items()
        }
        state = {"pointer": pointer, "generation": generation, "searchers": searchers, "scorers": scorers}
        self._current = state
        return state

    def close(self) -> None:
        """Close the searchers; the next search opens them again."""
        with self._lock:
            state = self._current
            if state is not None:
                for searcher in state["searchers"].values():
                    searcher.close()
                self._current = None

    def warm_up(self) -> None:
        """Open the searchers and read every locale's lexicon now, not on a customer's first query."""
        with self._lock:
            state = self._state()
            for locale in self.locales:
                self._lexicon(state, locale)
                self._fallback_plan(state, locale)

    @property
    def generation(self) -> str:
        with self._lock:
            return self._state()["generation"]

    def search(self, text: str, locale: str, limit: int = 5, *, snippets: bool = True) -> list[Hit]:
        """Articles for ``text`` in ``locale``, best first.

        Besides the locale's own articles, this finds articles that have no
        version in ``locale`` through their other versions (hits carry their
        own locale; the default locale is searched first), and, when the text
        is clearly in another language, that language's articles too. Outdated
        translations rank a little below up-to-date ones. Without
        ``snippets``, hits have an empty snippet (cheaper, for bookkeeping).
        """
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}")
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            state = self._state()
            cache = state.setdefault("results", collections.OrderedDict())
            key = (clean_text(text), locale, limit, snippets)
            if key in cache:
                cache.move_to_end(key)
                return list(cache[key])
            hits = [self._hit(c, snippets) for c in self._ranked(state, text, locale, limit)]
            if self.cache_size:
                cache[key] = tuple(hits)
                if len(cache) > self.cache_size:
                    cache.popitem(last=False)
            return hits

    def search_page(self, text: str, locale: str, page: int, per_page: int = 10, max_results: int = 100) -> tuple[list[Hit], int]:
        """One page of the best ``max_results`` articles, and how many there are.

        Snippets are made for the page shown only.
        """
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}")
        with self._lock:
            ranked = self._ranked(self._state(), text, locale, max_results)
        start = (max(1, page) - 1) * per_page
        return [self._hit(c) for c in ranked[start : start + per_page]], len(ranked)

    def _ranked(self, state, text: str, locale: str, limit: int) -> list[dict]:
        """The best ``limit`` candidates (stored fields and scores, no snippets)."""
        fetch = limit + OVERFETCH
        found = self._search_locale(state, text, locale, fetch, weight=1.0)
        for other, mask in self._fallback_plan(state, locale):
            found += self._search_locale(state, text, other, fetch, weight=FALLBACK_WEIGHT, mask=mask, page=locale)
        other_language = self._other_language(state, text, locale)
        if other_language is not None:
            found += self._search_locale(state, text, other_language, fetch, weight=OTHER_LANGUAGE_WEIGHT)
        if not found:
            # Nothing at all: a word or two of another language is too short
            # to identify, but the other indexes' words can tell.
            for other in self._locales_knowing(state, text, exclude=locale)[:1]:
                found += self._search_locale(state, text, other, fetch, weight=OTHER_LANGUAGE_WEIGHT)
        best: dict[str, dict] = {}
        for candidate in found:
            if candidate["outdated"]:
                candidate["score"] *= OUTDATED_WEIGHT
            kept = best.get(candidate["id"])
            if kept is None or candidate["score"] > kept["score"]:
                best[candidate["id"]] = candidate
        return sorted(best.values(), key=lambda c: c["score"], reverse=True)[:limit]

    def did_you_mean(self, text: str, locale: str) -> str | None:
        """A corrected version of ``text`` that finds articles, or None.

        Meant for when a search found nothing: every word the index does not
        know is replaced by the closest, most common word of the locale's
        articles, allowing one edit more than the silent correction of
        :meth:`search` and any first letter; the correction is offered only
        if it finds something.
        """
        if locale not in self.locales:
            raise ValueError(f"unknown locale {locale!r}")
        with self._lock:
            return self._did_you_mean(text, locale)

    def _did_you_mean(self, text: str, locale: str) -> str | None:
        state = self._state()
        lexicon = self._lexicon(state, locale)
        if lexicon is None:
            return None
        user_query = split_query(text, locale)
        words = list(user_query.words) + ([user_query.partial] if user_query.partial else [])
        corrected, changed = [], False
        for word in words:
            replacement = word
            if len(word) >= 3 and not lexicon.knows(word, locale):
                options = lexicon.words.corrections(word, max_edits=allowed_edits(word) + 1, limit=1, same_first_letter=False)
                if options:
                    replacement, changed = options[0].word, True
            corrected.append(replacement)
        if not changed:
            return None
        suggestion = " ".join(corrected)
        return suggestion if self.search(suggestion + " ", locale, 1) else None

    def _lexicon(self, state, locale: str) -> Lexicon | None:
        """The locale's lexicon for this generation, shared by the threads."""
        searcher = state["searchers"].get(locale)
        if searcher is None:
            return None
        key = (state["generation"], locale)
        lexicon = self._lexicons.get(key)
        if lexicon is None:
            lexicon = Lexicon.read(searcher.reader())
            with self._lexicons_lock:
                for old in [k for k in self._lexicons if k[0] != state["generation"]]:
                    del self._lexicons[old]
                self._lexicons[key] = lexicon
        return lexicon

    def _locales_knowing(self, state, text: str, exclude: str) -> list[str]:
        """Other locales whose articles use some of the words of ``text``, most words first."""
        counts = []
        for other in self.locales:
            lexicon = self._lexicon(state, other) if other != exclude else None
            if lexicon is not None:
                known = sum(lexicon.knows(t.text, other) for t in word_analyzer(other)(clean_text(text)))
                if known:
                    counts.append((-known, self.locales.index(other), other))
        return [other for _, _, other in sorted(counts)]

    def _fallback_plan(self, state, locale: str) -> list[tuple[str, query.Query]]:
        """Other locales to search for articles missing in ``locale``, with the mask of those to skip.

        The default locale comes first; another locale is searched only if it
        has articles that neither ``locale`` nor the locales before it have.
        """
        plans = state.setdefault("fallback_plans", {})
        if locale not in plans:
            ids = {loc: set(s.reader().field_terms("id")) for loc, s in state["searchers"].items()}
            order = [self.default_locale] + [loc for loc in self.locales if loc != self.default_locale]
            covered, plan = [locale], []
            for other in order:
                if other == locale or other not in ids:
                    continue
                if ids[other] - set().union(*(ids.get(c, set()) for c in covered)):
                    plan.append((other, query.Or([query.Term("locales", c) for c in covered])))
                covered.append(other)
            plans[locale] = plan
        return plans[locale]

    def _other_language(self, state, text: str, locale: str) -> str | None:
        """The locale to search too when ``text`` is clearly in another language."""
        language, probability = guess_language(clean_text(text), self.locales)
        if language is None or language == language_of(locale) or probability < LIKELY_LANGUAGE:
            return None
        other = next((loc for loc in self.locales if language_of(loc) == language), None)
        if other is None or other not in state["searchers"]:
            return None
        if probability >= CLEAR_LANGUAGE:
            return other
        # A weaker guess needs the words to back it: the other index must know
        # more of them than the page's own.
        words = [t.text for t in word_analyzer(other)(clean_text(text))]
        page_lexicon, other_lexicon = self._lexicon(state, locale), self._lexicon(state, other)
        known_here = sum(page_lexicon.knows(w, locale) for w in words) if page_lexicon else 0
        known_there = sum(other_lexicon.knows(w, other) for w in words)
        return other if known_there > known_here else None

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

    def _search_locale(self, state, text, index_locale, limit, *, weight, mask=None, page=None) -> list[dict]:
        """Candidates from one locale's index: stored fields, weighted score and URL."""
        searcher = state["searchers"].get(index_locale)
        if searcher is None:
            return []
        user_query = split_query(text, index_locale)
        whoosh_query = build_query(user_query, index_locale, self._lexicon(state, index_locale))
        if whoosh_query is None:
            return []
        matched_terms = frozenset(whoosh_query.iter_all_terms())
        found = []
        for docnum, score in state["scorers"][index_locale].top(whoosh_query, limit, mask=mask):
            hit = searcher.stored_fields(docnum)
            found.append(
                {
                    "id": hit["id"],
                    "locale": index_locale,
                    "title": hit["title"],
                    "body": hit["body"],
                    "url": f"/{page or index_locale}/articles/{hit['id']}",
                    "score": score * weight,
                    "category": hit.get("category") or None,
                    "outdated": bool(hit.get("outdated")),
                    "matched_terms": matched_terms,
                    "user_query": user_query,
                }
            )
        return found

    @staticmethod
    def _hit(candidate: dict, snippet: bool = True) -> Hit:
        locale = candidate["locale"]
        return Hit(
            id=candidate["id"],
            locale=locale,
            title=candidate["title"],
            url=candidate["url"],
            snippet=make_snippet(candidate["body"], candidate["user_query"], locale, candidate["matched_terms"]) if snippet else "",
            score=candidate["score"],
            category=candidate["category"],
            outdated=candidate["outdated"],
        )
