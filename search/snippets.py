"""Snippets: one or two sentences of an article's prose with the customer's words marked.

Only words near a match are shown, so an article is not analysed word by
word: a regular expression over its folded text finds where a word could
match, and only the words found there are analysed (see
:func:`_matched_words`). Headings and table cells are never shown, and the
sentence holding most of the customer's words is picked
(:mod:`search.passages`).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Collection

from .analysis import EDGE_MIN, WORD_PATTERN, fold, fold_keeping_offsets, language_of, prefix_analyzer, ranked_terms, stop_words
from .passages import passage, prose_only
from .queries import FIELD_WEIGHTS, UserQuery

# Characters around a match that can be shown, and of text kept before it:
# how far :func:`_matched_words` looks around each match.
SNIPPET_CHARS = 180
SNIPPET_CONTEXT_CHARS = 60
# Stretches of an article looked at around its first matches.
SNIPPET_WINDOWS = 3
# How far past a place the word containing it is looked for.
LONGEST_WORD_CHARS = 100


_WORD = re.compile(WORD_PATTERN)


@functools.lru_cache(maxsize=65536)
def _typed_forms(raw: str, locale: str) -> tuple[str, ...]:
    """One raw word of an article as :func:`~search.analysis.prefix_analyzer` makes it
    (lower-cased, elided, accent-folded, never stemmed), ready to be stemmed."""
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
    for m in _WORD.finditer(text, start, min(len(text), place + LONGEST_WORD_CHARS)):
        if m.end() > place:
            return m if m.start() <= place else None
    return None


def _matched_words(text: str, prefixes: set[str], is_match, windows: int = SNIPPET_WINDOWS):
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
    folded = fold_keeping_offsets(text)
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
        # The stretch the fragmenter can show around this match.
        start, end = max(0, word.start() - SNIPPET_CONTEXT_CHARS), word.start() + SNIPPET_CHARS
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
    >>> make_snippet("Die Größe der Straße", UserQuery(("strasse",), None), "de")
    'Die Größe der <mark>Straße</mark>'
    >>> make_snippet("Plans\\nLive chat\\nWithin 4 hours\\nThe chat opens at nine. Phone lines too.", UserQuery(("chat",), None), "en")
    'The <mark>chat</mark> opens at nine. Phone lines too.'
    """
    own = {t for word in user_query.all_words for t in ranked_terms(word, locale)}
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
    finished = [set(ranked_terms(word, locale)) for word in user_query.words]
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
        for word in _typed_forms(raw, locale):
            if word[:2] in heads and any(stem in stems for stem in ranked_terms(word, locale)):
                return True
        # A beginning being typed marks no common word ("th" is not "the").
        return bool(beginnings) and fold(raw) not in stopped and any(part.startswith(b) for part in _raw_parts(raw) for b in beginnings)

    words, matched = _matched_words(masked, heads | beginnings, is_match)
    found = [(m.start(), _typed_forms(m.group(), locale)) for m, is_matched in zip(words, matched) if is_matched]
    if not found:
        return None, set()
    start, end = passage(text, masked, found)
    found_stems = {stem for _offset, key in found for word in key for stem in ranked_terms(word, locale)}
    return _render(text, start, end, lambda m: is_match(m.group())), found_stems


def _render(text: str, start: int, end: int, is_marked=lambda m: False) -> str:
    """``text[start:end]`` escaped, marked words in ``<mark>``, "…" where the text was cut."""
    out = ["… " if start > 0 and text[start - 1] != "\n" else ""]
    place = start
    for m in _WORD.finditer(text, start, end):
        if is_marked(m):
            out += [html.escape(text[place:m.start()], quote=False), "<mark>", html.escape(m.group(), quote=False), "</mark>"]
            place = m.end()
    out.append(html.escape(text[place:end], quote=False))
    if end < len(text) and text[end] != "\n" and text[end - 1] not in ".!?…":
        out.append(" …")
    return "".join(out).replace("\n", " ")


def _opening(text: str, masked: str | None = None) -> str:
    """The first sentences of an article's prose, for when only its title matched."""
    return _render(text, *passage(text, prose_only(text) if masked is None else masked, []))
