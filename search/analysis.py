"""Language-aware text analysis for the help-center indexes.

Every analyzer here is a Whoosh pipeline: a tokenizer followed by small filters
joined with ``|``. The same pipeline analyses articles at index time and the
customer's words at query time, so both sides always agree.

>>> [t.text for t in text_analyzer("fr")("Problèmes de connexions à l'adresse")]
['problem', 'connexion', 'adress']
>>> [t.text for t in text_analyzer("es")("Teléfono y contraseña")]
['telefon', 'contrasen']
>>> [t.text for t in text_analyzer("de")("Rechnungen")] == [t.text for t in text_analyzer("de")("Rechnung")]
True
>>> [t.text for t in prefix_analyzer("it")("dell'Acc")]
['acc']

Elisions, with either apostrophe; other apostrophes are dropped inside the word:

>>> [t.text for t in prefix_analyzer("fr")("L’adresse jusqu'au aujourd'hui qu'est-ce")]
['adresse', 'au', 'aujourdhui', 'est', 'ce']
>>> [t.text for t in prefix_analyzer("it")("all'indirizzo un'email nell’account")]
['indirizzo', 'email', 'account']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

import Stemmer
from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.lang.stopwords import stoplists

# Words are runs of letters and digits, optionally joined by an apostrophe
# ("l'adresse", "dell'account", "don't") or a dot ("v1.2"), so elision can be
# handled by a filter instead of being lost by the tokenizer.
WORD_PATTERN = r"\w+(?:['’.]\w+)*"

# Snowball algorithm names by ISO 639-1 code (PyStemmer names them in English).
SNOWBALL_NAMES = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish",
    "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian",
    "id": "indonesian", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish",
    "ta": "tamil", "tr": "turkish", "uk": "ukrainian", "yi": "yiddish",
}

# Articles and pronouns that French and Italian glue to the next word with an
# apostrophe. They carry no meaning for search: "l'adresse" is "adresse".
ELISIONS = {
    "fr": {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"},
    "it": {
        "l", "d", "c", "s", "m", "t", "v", "un", "nell", "dell", "dall", "all", "sull",
        "coll", "quell", "quest", "bell", "sant", "tutt", "dov", "com", "anch",
    },
    "ca": {"l", "d", "s", "m", "t", "n"},
}

# Characters that do not decompose into a base letter plus accents.
_FOLD_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "’": "'"})


def language_of(locale: str) -> str:
    """The two-letter language of a locale name.

    >>> language_of("pt_BR"), language_of("de-AT"), language_of("fr")
    ('pt', 'de', 'fr')
    """
    return re.split(r"[_\-]", locale, maxsplit=1)[0].lower()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ``text`` and remove accents, the way customers often type.

    Cached: the same words come back in articles, queries and snippets.

    >>> fold("Teléfono Größe Œuvre ÇA")
    'telefono grosse oeuvre ca'
    """
    if text.isascii():
        return text.lower()
    text = text.lower().translate(_FOLD_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Like fold(), one letter for one ("ß" -> "s"), for text whose offsets must stay.
_FOLD_ONE_FOR_ONE = {char: replacement[0] for char, replacement in _FOLD_SPECIAL.items()}
_FOLD_ONE_FOR_ONE_CHARS = re.compile("[%s]" % "".join(map(chr, _FOLD_SPECIAL)))
_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]")


def fold_keeping_offsets(text: str) -> str | None:
    """``text`` lower-cased and without accents, letter for letter, or None
    when that would change its length (so offsets into ``text`` still hold).

    Close to :func:`fold`, not equal: "ß" becomes "s", not "ss". Good for
    finding where to look, not for comparing words.

    >>> fold_keeping_offsets("Größe Œuvre, l’été")
    "grose ouvre, l'ete"
    >>> fold_keeping_offsets("서울") is None  # Hangul syllables decompose into several letters
    True
    """
    folded = text.lower()
    if not folded.isascii():
        if _FOLD_ONE_FOR_ONE_CHARS.search(folded):
            folded = folded.translate(_FOLD_ONE_FOR_ONE)
        folded = _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", folded))
    return folded if len(folded) == len(text) else None


class FoldFilter(Filter):
    """Removes accents from lower-cased tokens (see :func:`fold`)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


class ElisionFilter(Filter):
    """Drops an elided article before an apostrophe: ``l'adresse`` → ``adresse``.

    Runs on lower-cased text; apostrophes left inside a word afterwards
    ("aujourd'hui", "don't") are removed, so "dont" and "don't" agree.
    """

    def __init__(self, elisions=frozenset()):
        self.elisions = frozenset(elisions)

    def __call__(self, tokens):
        for t in tokens:
            text = t.text.replace("’", "'")
            if "'" in text:
                head, _, rest = text.partition("'")
                if head in self.elisions and rest:
                    text = rest
                text = text.replace("'", "")
            t.text = text
            yield t


class FrenchPluralFilter(Filter):
    """Reduces French plurals to the singular before Snowball stemming.

    Snowball's French stemmer treats "connexions" and "connexion" differently
    (``connex`` against ``connexion``); removing the plural mark first, as
    Lucene's French minimal stemmer does, makes both agree.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if len(text) > 4:
                if text.endswith("aux"):
                    text = text[:-3] + "al"
                elif text[-1] in "sx" and text[-2] not in "su":
                    text = text[:-1]
            t.text = text
            yield t


class _MadeAgainWhenLoaded:
    """A filter that Whoosh pickles (into the index's schema) as its constructor
    arguments, named in ``ARGUMENTS``, and that is made again from them on load
    (its state may hold what cannot be pickled); equal when they are."""

    ARGUMENTS: tuple[str, ...] = ()

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.ARGUMENTS}

    def __setstate__(self, state):
        self.__init__(**state)

    def __eq__(self, other):
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()


def has_stemmer(language: str) -> bool:
    return SNOWBALL_NAMES.get(language) in Stemmer.algorithms()


class SnowballFilter(_MadeAgainWhenLoaded, Filter):
    """Stems tokens with the Snowball algorithm of ``language`` (PyStemmer).

    Whoosh pickles analyzers into the index's schema; this filter pickles as
    its language name and makes its (unpicklable, C) stemmer again on load.
    """

    ARGUMENTS = ("language",)

    def __init__(self, language: str):
        self.language = language
        self._stem = Stemmer.Stemmer(SNOWBALL_NAMES[language]).stemWord

    def __call__(self, tokens):
        stem = self._stem
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


# Stop words that are also how a common content word reads once folded. The
# customer's text is folded before it is analysed (search/queries.py), so
# German "ändern" (change: 411 times in the German pages of our development
# corpora) arrived as the stop word "andern" (other) and was dropped from
# the query.
KEPT_STOP_WORDS = {"de": frozenset({"andern"})}


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """The language's stop words, accent-folded like the tokens they meet.

    >>> "andern" in stop_words("de"), "anderen" in stop_words("de")
    (False, True)
    """
    words = stoplists.get(language, ())
    listed = frozenset(w.lower() for w in words) | frozenset(fold(w) for w in words)
    return listed - KEPT_STOP_WORDS.get(language, frozenset())


class PerWord(_MadeAgainWhenLoaded, Filter):
    """Runs ``filters`` once per distinct word and reuses their result.

    Whoosh passes every token through every filter's generator, which made
    analysis the largest part of an index build; articles repeat a few
    thousand words, so each word's fate (lower-cased, elided, folded, dropped
    as a stop word, stemmed) is worked out once. Only filters that treat each
    token on its own belong here. Positions are renumbered over the words
    kept, as :class:`whoosh.analysis.StopFilter` does.

    >>> analyzer = RegexTokenizer() | PerWord([LowercaseFilter(), StopFilter()])
    >>> [(t.text, t.pos) for t in analyzer("The Cat and the CAT", positions=True)]
    [('cat', 0), ('cat', 1)]
    """

    MAX_WORDS = 100_000
    ARGUMENTS = ("filters",)

    def __init__(self, filters):
        self.filters = list(filters)
        self._known: dict[str, tuple[tuple[str, bool], ...]] = {}

    def _outcome(self, token) -> tuple[tuple[str, bool], ...]:
        stream = iter([token.copy()])
        for f in self.filters:
            stream = f(stream)
        return tuple((t.text, t.stopped) for t in stream)

    def __call__(self, tokens):
        known = self._known
        pos = 0
        for t in tokens:
            outcome = known.get(t.text)
            if outcome is None:
                outcome = self._outcome(t)
                if len(known) >= self.MAX_WORDS:
                    known.clear()
                known[t.text] = outcome
            for text, stopped in outcome:
                t.text, t.stopped = text, stopped
                if t.positions:
                    t.pos = pos
                    pos += 1
                yield t


def _word_filters(locale: str) -> list[Filter]:
    """Lower-case and drop elisions."""
    return [LowercaseFilter(), ElisionFilter(ELISIONS.get(language_of(locale), ()))]


def _analyzer(filters: list[Filter]):
    return RegexTokenizer(WORD_PATTERN) | PerWord(filters)


def _base_filters(locale: str) -> list[Filter]:
    return _word_filters(locale) + [FoldFilter()]


def _base(locale: str):
    """Tokenize, lower-case, drop elisions and fold accents."""
    return _analyzer(_base_filters(locale))


# Languages whose accented letters are letters of their own, not marks on a
# letter: folding can turn a word into a stop word there (German "ändern",
# change, into "andern", others), so stop words are dropped before folding.
# Elsewhere accents mark stress ("cómo" is "como") and are folded first.
DISTINCT_ACCENT_LANGUAGES = frozenset({"de", "sv", "fi", "hu", "tr"})


def _without_stop_words(locale: str, minsize: int):
    """Words with stop words dropped, folded.

    >>> [t.text for t in _without_stop_words("de", 1)("Adresse ändern für Kunden")]
    ['adresse', 'andern', 'kunden']
    >>> [t.text for t in _without_stop_words("es", 1)("cómo cambio la contraseña")]
    ['cambio', 'contrasena']
    """
    return _analyzer(_without_stop_word_filters(locale, minsize))


def _without_stop_word_filters(locale: str, minsize: int, marks: Sequence[Filter] = ()) -> list[Filter]:
    """``marks`` run on each word once it is lower-cased and elided, before stop words go."""
    language = language_of(locale)
    stop = StopFilter(stoplist=stop_words(language), minsize=minsize)
    if language in DISTINCT_ACCENT_LANGUAGES:
        return _word_filters(locale) + [*marks, stop, FoldFilter()]
    return _word_filters(locale) + [*marks, FoldFilter(), stop]


def ranking_filters(locale: str, marks: Sequence[Filter] = (), also_dropped: frozenset[str] | None = None) -> list[Filter]:
    """The per-word filters of :func:`text_analyzer`; another field's analysis
    may add ``marks`` (before stop words go) and folded words ``also_dropped``
    (after folding, before stemming)."""
    language = language_of(locale)
    filters = _without_stop_word_filters(locale, minsize=1, marks=marks)
    if also_dropped is not None:
        filters.append(StopFilter(stoplist=also_dropped, minsize=1))
    if language == "fr":
        filters.append(FrenchPluralFilter())
    if has_stemmer(language):
        filters.append(SnowballFilter(language))
    return filters


@functools.cache
def text_analyzer(locale: str):
    """Full analysis for ranking: stop words removed, words stemmed.

    Accents are folded before stemming so that "telefono" and "teléfono"
    reach the same stem.
    """
    return _analyzer(ranking_filters(locale))


@functools.cache
def word_analyzer(locale: str):
    """Folded words as customers see them, stop words dropped, never stemmed.

    This is the vocabulary that typo correction, "did you mean" and German
    compound splitting draw from: corrections must be real words.

    >>> [t.text for t in word_analyzer("de")("Die Rechnungsadresse finden")]
    ['rechnungsadresse', 'finden']
    """
    return _without_stop_words(locale, minsize=2)


@functools.cache
def prefix_analyzer(locale: str):
    """Analysis of a word being typed: folded, never stemmed or dropped."""
    return _base(locale)


EDGE_MIN, EDGE_MAX = 2, 15


@functools.lru_cache(maxsize=65536)
def ranked_terms(text: str, locale: str) -> tuple[str, ...]:
    """The terms :func:`text_analyzer` makes of ``text``, as the ranked fields hold them.

    Cached: queries, synonym rules and snippets ask for the same words again.

    >>> ranked_terms("Resetting the passwords", "en")
    ('reset', 'password')
    """
    return tuple(t.text for t in text_analyzer(locale)(text))


@functools.cache
def edge_ngram_analyzer(locale: str):
    """Index-time analysis of the search-as-you-type field.

    Every word is stored with its beginnings ("fa", "fac", ..., "facture"),
    so a partly typed word is one term lookup instead of a prefix expansion
    over the whole term dictionary.
    """
    return _base(locale) | NgramFilter(EDGE_MIN, EDGE_MAX, at="start")
