"""Word translations learnt from the help center's own translated articles.

An article whose translation is missing is searched in its other versions,
but a German question shares few words with an English article. The
translated articles are a parallel text: an article's title in German and in
English say the same thing, and so do its headings, one for one. Counting
which stems occur together in these aligned segments, across every article
translated into both languages, gives each word's likely translations
(Dice's coefficient: ``2·both / (source + target)``), with no service and no
dictionary to ship, in the help center's own vocabulary ("Rechnung" ->
"invoic").

>>> pairs = [(["rechnung", "adress"], ["invoic", "address"]), (["rechnung", "download"], ["invoic", "download"]),
...          (["passwort", "andern"], ["password", "chang"]), (["passwort", "vergess"], ["password", "forgot"])]
>>> table = WordTranslations.learn(pairs)
>>> table.translations("rechnung")
(('invoic', 1.0),)
>>> table.translations("unbekannt")
()

Learnt once per index generation and pair of languages, from the stored
titles and headings (:class:`search.service.SearchIndex`), and only when a
search needs it: when the page locale lacks articles another locale has.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable, Sequence

from whoosh import query

from .analysis import ranked_terms
from .function_words import is_function_word
from .queries import COORDINATION, Lexicon, UserQuery, word_clause
from .scoring import Coordinated

# A pair must occur together this often to count (once is chance).
MIN_TOGETHER = 2
# Translations kept per word, and the weakest association kept.
MAX_TRANSLATIONS = 3
MIN_DICE = 0.2


@dataclasses.dataclass(frozen=True)
class WordTranslations:
    """Source stem -> ((target stem, weight), ...), best first; the best weighs 1."""

    table: dict[str, tuple[tuple[str, float], ...]]

    @classmethod
    def learn(cls, segments: Iterable[tuple[Sequence[str], Sequence[str]]]) -> WordTranslations:
        """Learn from aligned (source stems, target stems) segments."""
        source_counts: collections.Counter = collections.Counter()
        target_counts: collections.Counter = collections.Counter()
        together: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for source, target in segments:
            source, target = set(source), set(target)
            source_counts.update(source)
            target_counts.update(target)
            for s in source:
                together[s].update(target)
        table = {}
        for s, counts in together.items():
            scored = sorted(
                (
                    (2 * both / (source_counts[s] + target_counts[t]), t)
                    for t, both in counts.items()
                    if both >= MIN_TOGETHER
                ),
                reverse=True,
            )
            scored = [(dice, t) for dice, t in scored[:MAX_TRANSLATIONS] if dice >= MIN_DICE]
            if scored:
                best = scored[0][0]
                table[s] = tuple((t, round(dice / best, 4)) for dice, t in scored)
        return cls(table)

    def translations(self, stem: str) -> tuple[tuple[str, float], ...]:
        return self.table.get(stem, ())


def aligned_segments(source_doc: dict, target_doc: dict) -> list[tuple[str, str]]:
    """(source text, target text) pairs of one article in two languages:
    the titles, and the headings one for one when both have as many."""
    pairs = [(source_doc.get("title") or "", target_doc.get("title") or "")]
    source_headings = list(source_doc.get("headings_list") or ())
    target_headings = list(target_doc.get("headings_list") or ())
    if len(source_headings) == len(target_headings):
        pairs.extend(zip(source_headings, target_headings))
    return pairs


def headings_by_id(reader) -> dict[str, dict]:
    """Every article's stored title and headings, by id: what the learning aligns."""
    return {
        doc["id"]: {"title": doc.get("title"), "headings_list": doc.get("headings_list")}
        for _, doc in reader.iter_docs()
    }


def learn_from_documents(source_docs: dict, target_docs: dict, analyze_source, analyze_target) -> WordTranslations:
    """Learn from the titles and headings of the articles both locales have
    (``headings_by_id`` of each); ``analyze_*`` turn a text into its stems."""
    segments = []
    for article_id, source_doc in source_docs.items():
        target_doc = target_docs.get(article_id)
        if target_doc is not None:
            for source_text, target_text in aligned_segments(source_doc, target_doc):
                segments.append((analyze_source(source_text), analyze_target(target_text)))
    return WordTranslations.learn(segments)


def translated_query(
    user_query: UserQuery, source: str, target: str, translations: WordTranslations, lexicon: Lexicon | None
) -> query.Query | None:
    """The customer's words translated into ``target``'s stems, as a query on its index.

    Each content word matches the best of its learnt translations (weighted
    by how strongly they were associated) or, if it has none, itself where
    the target index knows it (product names, numbers, shared words).
    Coordination counts every content word, translated or not.
    """
    stems = list(
        dict.fromkeys(
            t for word in user_query.all_words if not is_function_word(word, source) for t in ranked_terms(word, source)
        )
    )
    clauses = []
    for stem in stems:
        options = [word_clause((t,), boost=w, lexicon=lexicon) for t, w in translations.translations(stem)]
        if not options and lexicon is not None and stem in lexicon.terms:
            options = [word_clause((stem,), lexicon=lexicon)]
        if options:
            clauses.append(query.DisjunctionMax(options) if len(options) > 1 else options[0])
    if not clauses:
        return None
    return Coordinated(clauses, asked=len(stems), scale=COORDINATION)
