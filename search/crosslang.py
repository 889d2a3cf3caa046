"""Word translations learnt from the help center's own translated articles.

An article whose translation is missing is searched in its other versions,
but a German question shares few words with an English article. The
translated articles are a parallel text: an article's title in German and in
English say the same thing, and so do its headings, one for one, and its
short blocks (list items, short paragraphs) when both versions have as many
blocks. Counting which stems occur together in these aligned segments, across every article
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

Learnt by ``kb index`` (full builds and ``--changed`` updates) for every pair
of languages the generation's fallback searches, from the stored titles,
headings and texts, and stored with the generation (``translations.pickle``): a web
worker only reads them (:class:`search.service.SearchIndex`), and learns a
pair itself only for a generation written without them.
"""

from __future__ import annotations

import collections
import dataclasses
import pickle
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from whoosh import query

from .analysis import language_of, ranked_terms, text_analyzer
from .fallback import fallback_plan
from .function_words import is_function_word
from .queries import COORDINATION, Lexicon, UserQuery, word_clause
from .scoring import Coordinated

# A pair must occur together this often to count (once is chance).
MIN_TOGETHER = 2
# Translations kept per word, and the weakest association kept.
MAX_TRANSLATIONS = 3
MIN_DICE = 0.2
# Where ``kb index`` stores them in a generation's folder (search/indexing.py).
TRANSLATIONS_FILE = "translations.pickle"
TRANSLATIONS_VERSION = 2
# A content word with no learnt translation, absent from the target index,
# counts as half a word the translated article fails to match: it may be one
# the translations never met, not one the article lacks. 0.5 against 1.0 on the
# dev parts: withheld translations, GNOME help 0.227 -> 0.307, LibreOffice
# 0.648 -> 0.671, up or level in every locale, other kinds level (0 counted
# them not at all: withheld 0.398 but typos 0.790 -> 0.781; docs/search.md).
UNTRANSLATED_SHARE = 0.5
# Blocks of the text (one a line in the stored body) of at most this many
# stems are aligned too, one for one, where both versions have as many
# blocks: translations are made block by block, and a short block says one
# thing. Titles and headings alone were too few on GNOME help's 259 pages:
# withheld translations on the dev parts, GNOME 0.322 -> 0.610, LibreOffice
# 0.687 -> 0.725 (40 stems: 0.639 and 0.704; docs/search.md).
BLOCK_STEMS = 15


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


def aligned_segments(source_doc: dict, target_doc: dict) -> list[tuple]:
    """(source, target) pairs of one article in two languages: the titles,
    the headings one for one when both have as many, and the blocks of the
    text one for one when both have as many, those of at most BLOCK_STEMS
    stems on both sides. A doc is analysed (``analysed_texts``): a title, a
    list of headings and a list of blocks, each a list of stems (a block is
    None when too long to align, see ``block_stems``)."""
    pairs = [(source_doc.get("title") or [], target_doc.get("title") or [])]
    source_headings = list(source_doc.get("headings_list") or ())
    target_headings = list(target_doc.get("headings_list") or ())
    if len(source_headings) == len(target_headings):
        pairs.extend(zip(source_headings, target_headings))
    source_blocks = list(source_doc.get("blocks") or ())
    target_blocks = list(target_doc.get("blocks") or ())
    if len(source_blocks) == len(target_blocks):
        pairs.extend((source, target) for source, target in zip(source_blocks, target_blocks) if source and target)
    return pairs


def block_stems(text: str, analyze) -> list[list[str] | None]:
    """The stems of each block of an article's text (one a line), or None
    for a block too long to align: what ``kb index`` stores with each
    article (``aligned_blocks``), so that learning reads them, not the text.

    >>> block_stems("Redeem a coupon.\\nA long line " + "of many words " * 10, stems_of("en"))
    [['redeem', 'coupon'], None]
    """
    blocks = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        # More words than 2 × BLOCK_STEMS never leave few enough stems: not analysed.
        stems = analyze(line) if len(line.split()) <= 2 * BLOCK_STEMS else None
        blocks.append(stems if stems and len(stems) <= BLOCK_STEMS else None)
    return blocks


def aligned_texts_by_id(reader) -> dict[str, dict]:
    """Every article's stored title, headings and block stems, by id: what
    the learning aligns."""
    return {
        doc["id"]: {
            "title": doc.get("title"),
            "headings_list": doc.get("headings_list"),
            "blocks": doc.get("aligned_blocks") or [],
        }
        for _, doc in reader.iter_docs()
    }


def analysed_texts(docs: dict[str, dict], analyze) -> dict[str, dict]:
    """``aligned_texts_by_id`` with each title and heading turned into its
    stems by ``analyze``: done once per locale, whichever languages it is
    paired with."""
    return {
        article_id: {
            "title": analyze(doc.get("title") or ""),
            "headings_list": [analyze(h) for h in doc.get("headings_list") or ()],
            # Analysed when the article was indexed (block_stems).
            "blocks": list(doc.get("blocks") or ()),
        }
        for article_id, doc in docs.items()
    }


def learn_from_documents(source_docs: dict, target_docs: dict, analyze_source=None, analyze_target=None) -> WordTranslations:
    """Learn from the titles, headings and short blocks of the articles both
    locales have (``aligned_texts_by_id`` of each); ``analyze_*`` turn a
    text into its stems (None: the docs are ``analysed_texts`` already)."""
    if analyze_source is not None:
        source_docs = analysed_texts(source_docs, analyze_source)
    if analyze_target is not None:
        target_docs = analysed_texts(target_docs, analyze_target)
    segments = []
    for article_id, source_doc in source_docs.items():
        target_doc = target_docs.get(article_id)
        if target_doc is not None:
            segments.extend(aligned_segments(source_doc, target_doc))
    return WordTranslations.learn(segments)


def stems_of(locale: str):
    """The ranking stems of a text in ``locale``, as the learning counts them."""
    analyzer = text_analyzer(locale)
    return lambda text: [t.text for t in analyzer(text)]


def translated_pairs(
    ids: Mapping[str, Collection[str]], locales: Sequence[str], default_locale: str
) -> list[tuple[str, str]]:
    """The (page locale, other locale) pairs whose word translations a search
    uses: each step of a page's fallback plan into another language.

    >>> translated_pairs({"en": {"a", "b"}, "de": {"a"}, "en_GB": {"a"}}, ("en", "de", "en_GB"), "en")
    [('de', 'en')]
    """
    return [
        (locale, step.locale)
        for locale in locales
        if locale in ids
        for step in fallback_plan(locale, ids, locales, default_locale)
        if language_of(step.locale) != language_of(locale)
    ]


def learn_pairs(readers: Mapping[str, object], pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], WordTranslations]:
    """Word translations for each (source, target) pair of locales, from
    the stored titles, headings and texts of ``readers`` (one Whoosh reader
    per locale); each locale's texts are analysed once."""
    analysed: dict[str, dict] = {}
    learnt = {}
    for source, target in pairs:
        for locale in (source, target):
            if locale not in analysed:
                analysed[locale] = analysed_texts(aligned_texts_by_id(readers[locale]), stems_of(locale))
        learnt[(source, target)] = learn_from_documents(analysed[source], analysed[target])
    return learnt


def write_translations(path: Path, learnt: Mapping[tuple[str, str], WordTranslations]) -> None:
    """Store learnt translations in an index generation's folder (``kb index``)."""
    with open(path / TRANSLATIONS_FILE, "wb") as f:
        pickle.dump({"version": TRANSLATIONS_VERSION, "pairs": {k: v.table for k, v in learnt.items()}}, f, protocol=pickle.HIGHEST_PROTOCOL)


def read_translations(path: Path) -> dict[tuple[str, str], WordTranslations] | None:
    """The translations stored in a generation's folder, or None (a
    generation written before they were stored, or of another version)."""
    try:
        with open(path / TRANSLATIONS_FILE, "rb") as f:
            stored = pickle.load(f)
    except FileNotFoundError:
        return None
    if not isinstance(stored, dict) or stored.get("version") != TRANSLATIONS_VERSION:
        return None
    return {pair: WordTranslations(table) for pair, table in stored["pairs"].items()}


def translated_query(
    user_query: UserQuery, source: str, target: str, translations: WordTranslations, lexicon: Lexicon | None
) -> query.Query | None:
    """The customer's words translated into ``target``'s stems, as a query on its index.

    Each content word matches the best of its learnt translations (weighted
    by how strongly they were associated) or, if it has none, itself where
    the target index knows it (product names, numbers, shared words).
    Coordination counts every content word, one it could not translate as
    ``UNTRANSLATED_SHARE`` of a word.
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
    return Coordinated(clauses, asked=len(clauses) + UNTRANSLATED_SHARE * (len(stems) - len(clauses)), scale=COORDINATION)
