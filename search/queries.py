"""Turning what the customer typed into a Whoosh query.

The customer's text is never handed to Whoosh's query parser, whose syntax
(``title:``, ``*``, quotes, ``AND``, brackets) would turn ordinary typing into
errors or surprises. Instead the text is cut into words with the locale's own
analysis and the query is built from Whoosh query objects directly; the
weights below are the search's tuning, measured with ``kb eval``.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import re
import unicodedata
from collections.abc import Sequence

from whoosh import query

from kb.text import CONTROL_CHARACTERS

from .bigrams import completed_bigrams, query_bigrams
from .analysis import EDGE_MAX, EDGE_MIN, language_of, prefix_analyzer, ranked_terms
from .function_words import is_function_word
from .scoring import Coordinated
from .synonyms import synonyms_for
from .vocabulary import Vocabulary

MAX_QUERY_CHARS = 200
# Words of a query searched, from its start: a subject says what it is about
# first. 12, keeping the last words, cut the subject off long descriptions
# of a problem (GNOME help's dev part, full sentences 0.792 -> 0.818 with 24;
# 40 scored the same; docs/search.md).
MAX_QUERY_WORDS = 24

# Query-time weight of each ranked field (see indexing.schema_for for what they hold).
FIELD_WEIGHTS = {"title": 4.0, "headings": 2.0, "tags": 2.0, "body": 1.0, "parts": 1.0}
# A word counts by its best field, plus this share of its other fields: a hub
# page naming the word in its title, a heading, its tags and its text no
# longer outranks the page whose title is the query (summing the fields,
# 1.0, did; 0.2 on the LibreOffice corpus's dev part: keywords 0.765 ->
# 0.788, typos 0.697 -> 0.727, all 0.760 -> 0.777; docs/search.md).
FIELD_TIEBREAK = 0.2
# A word still being typed matches the beginnings of words in these fields.
TYPING_WEIGHT = 3.0
# A beginning of 4 letters or more that is no word of the articles also
# matches its 10 most common completions in the body, the best at 0.5, on top
# of the words like the bigrams (not counted as a word matched: counted, they
# lowered Italian and German in the fifth part). Half-typed queries on the
# three dev parts: GNOME applications 0.572 -> 0.579, GNOME 0.658 -> 0.661,
# LibreOffice 0.672 -> 0.674, level or up in every locale; 30 completions
# scored the same and cost 0.8 ms more per typed query at 10 000 articles a
# locale, 10 cost nothing measurable (docs/search.md).
BODY_COMPLETIONS = 10
BODY_COMPLETION_MIN = 4
BODY_COMPLETION_WEIGHT = 0.5
# An article using the customer's very word form, not just its stem. 2.0
# rather than 1.0: opening sentences on the LibreOffice corpus's dev part
# 0.829 -> 0.853, up in every locale (docs/search.md).
EXACT_WEIGHT = 2.0
# Documents matching more of the customer's words rise (coordination bonus).
# 1.0: the score times the share of words matched (0.9 before the LibreOffice
# help corpus, where 1.0 was better in every locale: docs/search.md).
COORDINATION = 1.0
# Question and function words beside other words (search/function_words.py).
FUNCTION_WEIGHT = 0.2
# A word the index does not know also searches its corrections, lower than
# any exact match when some article word begins with it (it may be a form
# the articles lack; MISSPELT_WEIGHT below for one no word begins with):
# the weight is divided by the number of edits. Its pairs
# with its neighbours are asked corrected too, at the same share of the
# bigram weight (bigram_clauses; a word being typed only when no article
# word begins with it): typos on the three dev parts, LibreOffice 0.731 ->
# 0.747, GNOME 0.788 -> 0.795, GNOME applications 0.760 -> 0.772
# (docs/search.md).
CORRECTION_WEIGHT = 0.5
# A word that no article word even begins with is taken for a misspelt one:
# its corrections count in full (still divided by the edits), and a word
# being typed is corrected too. Typos on the three dev parts: LibreOffice
# 0.747 -> 0.771, GNOME 0.795 -> 0.804, GNOME applications 0.772 -> 0.787
# (docs/search.md).
MISSPELT_WEIGHT = 1.0
# Synonyms and compound parts stand in for the customer's own word.
SYNONYM_WEIGHT = 0.7
# Fields a synonym is matched in: an article's subject, not any passing word of
# its text. A synonym is matched by its stem, and in running text a stem is
# ambiguous: French "note" (bill) shares "not" with "noter" (to write down),
# and a body "noter" gave the support-PIN article the credit of a second word
# of "où trouver ma facture".
SYNONYM_FIELDS = ("title", "headings", "tags")
COMPOUND_WEIGHT = 0.8
# Neighbouring words of the customer's text found side by side in an article
# (search/bigrams.py), on top of the words themselves. 2.0: opening sentences
# on the LibreOffice corpus's dev part 0.853 -> 0.906, up in every locale
# (1.0: 0.890; 4.0: 0.914 but keywords and typos lower; docs/search.md).
BIGRAM_WEIGHT = 2.0
# A word being typed is also paired with the word before it in each of the
# 30 ways the articles' words complete it, the best pair counting as much
# as a finished one ("elenco di funz" finds "elenco funzion"). Half-typed
# queries on the three dev parts: LibreOffice 0.674 -> 0.696, GNOME 0.661 ->
# 0.672, GNOME applications 0.579 -> 0.590 (docs/search.md).
PARTIAL_BIGRAM_COMPLETIONS = 30


@dataclasses.dataclass(frozen=True)
class UserQuery:
    """The customer's text cut into words: finished words and the one being typed."""

    words: tuple[str, ...]
    partial: str | None

    @property
    def empty(self) -> bool:
        return not self.words and not self.partial

    @property
    def all_words(self) -> tuple[str, ...]:
        """The finished words, then the one being typed."""
        return self.words + ((self.partial,) if self.partial else ())


def clean_text(text: str) -> str:
    """Remove control characters, normalise Unicode and bound the length.

    >>> clean_text("  billing\\x00 address\\n")
    'billing address '
    """
    # Tabs and line breaks become spaces too, as all white space does below.
    text = unicodedata.normalize("NFC", CONTROL_CHARACTERS.sub(" ", text or ""))
    text = re.sub(r"\s+", " ", text).lstrip()
    return text[:MAX_QUERY_CHARS]


def split_query(text: str, locale: str) -> UserQuery:
    """Split typed text into finished words and the word still being typed.

    The last word counts as unfinished unless a space or punctuation follows it.

    >>> split_query("reset pass", "en")
    UserQuery(words=('reset',), partial='pass')
    >>> split_query("title:invoice* AND (refund) ", "en")
    UserQuery(words=('title', 'invoice', 'and', 'refund'), partial=None)
    >>> split_query(" ".join(f"w{i}" for i in range(30)), "en").words[-1]
    'w23'
    """
    text = clean_text(text)
    tokens = [(t.text, t.endchar) for t in prefix_analyzer(locale)(text, chars=True)]
    # Past the limit, the last word kept is finished: the customer typed on.
    tokens = [(w, end) for w, end in tokens if w][:MAX_QUERY_WORDS]
    if not tokens:
        return UserQuery((), None)
    last, end = tokens[-1]
    if end == len(text):
        return UserQuery(tuple(w for w, _ in tokens[:-1]), last)
    return UserQuery(tuple(w for w, _ in tokens), None)




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
        terms = ranked_terms(word, locale)
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
    words = user_query.all_words
    # Alternatives from synonym rules, for one word (by position) or for several.
    for_word: dict[int, list[query.Query]] = collections.defaultdict(list)
    for_words: list[query.Query] = []
    word_of_term = [i for i, word in enumerate(words) for _ in ranked_terms(word, locale)]
    for start, end, clause in _synonym_clauses(words, locale, lexicon):
        covered = set(word_of_term[start:end])
        if len(covered) == 1:
            for_word[covered.pop()].append(clause)
        else:
            for_words.append(clause)
    clauses, function_clauses = [], []
    # Question and function words ("how", "do", "comment", "wie") do not say
    # what the text is about: beside other words they only add a little and
    # are not counted as words the article should match.
    weaken = any(not is_function_word(word, locale) for word in words)
    # A word said twice ("open apps, open tabs") is asked once: the second is
    # no more evidence, and counted twice it outweighed the rarer words.
    asked_already = set()
    for i, word in enumerate(user_query.words):
        key = ranked_terms(word, locale) or (word,)
        if key in asked_already:
            continue
        asked_already.add(key)
        clause = _word_query(word, locale, lexicon)
        options = ([clause] if clause is not None else []) + for_word[i]
        if options:
            clause = query.DisjunctionMax(options) if len(options) > 1 else options[0]
            if weaken and is_function_word(word, locale):
                function_clauses.append(clause)
            else:
                clauses.append(clause)
    partial = user_query.partial
    on_top = []
    if partial:
        options = []
        # A beginning that some article word has is left to the completions.
        misspelt = lexicon is not None and is_misspelt(partial, lexicon)
        whole = _word_query(partial, locale, lexicon, correct=misspelt)
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
        completions = body_completions(partial, locale, lexicon)
        if completions is not None:
            on_top.append(completions)
    asked = len(clauses)
    clauses += for_words
    on_top += bigram_clauses(user_query, locale, lexicon)
    # Function words are summed at their weight, never counted for coordination.
    weak = [_scaled(clause, FUNCTION_WEIGHT) for clause in function_clauses]
    if not clauses:
        return query.Or(weak) if len(weak) > 1 else (weak[0] if weak else None)
    # A rule for several words stands in for them: it adds to the count of
    # words matched, not to the count of words asked for.
    coordinated = clauses[0] if len(clauses) == 1 else Coordinated(clauses, asked=max(asked, 1), scale=COORDINATION)
    return query.Or([coordinated, *on_top, *weak]) if weak or on_top else coordinated


def bigram_clauses(user_query: UserQuery, locale: str, lexicon: Lexicon | None = None) -> list[query.Query]:
    """The neighbouring words of the customer's text as ``bigrams`` terms
    (search/bigrams.py), to be added on top of the words.

    With a ``lexicon``, the word being typed is paired in each of the ways
    the articles' words complete it, and a word the index does not know in
    the place of each of its corrections; of the pairs one word gives that
    way, the best counts.
    """
    words = user_query.all_words
    bigrams = query_bigrams(words, locale)
    clauses: list[query.Query] = [query.Term("bigrams", b, boost=BIGRAM_WEIGHT) for b in bigrams]
    if lexicon is None:
        return clauses

    def best_of(weights: dict[str, float]) -> None:
        terms = [query.Term("bigrams", b, boost=w) for b, w in weights.items() if b not in bigrams]
        if terms:
            clauses.append(query.DisjunctionMax(terms) if len(terms) > 1 else terms[0])

    partial = user_query.partial
    endings = lexicon.words.completions(partial, PARTIAL_BIGRAM_COMPLETIONS) if partial else []
    best_of({b: BIGRAM_WEIGHT for b in completed_bigrams(user_query.words, endings, locale)})
    for i, word in enumerate(words):
        # A word being typed that some article word begins with is left to its completions.
        if lexicon.knows(word, locale) or (partial and i == len(words) - 1 and not is_misspelt(word, lexicon)):
            continue
        corrected: dict[str, float] = {}
        for correction in lexicon.words.corrections(word):
            weight = BIGRAM_WEIGHT * CORRECTION_WEIGHT / correction.edits
            for b in query_bigrams(words[:i] + (correction.word,) + words[i + 1 :], locale):
                corrected[b] = max(corrected.get(b, 0.0), weight)
        best_of(corrected)
    return clauses


def body_completions(partial: str, locale: str, lexicon: Lexicon | None) -> query.Query | None:
    """The articles' most common words that complete a beginning that is no
    word of theirs, matched in the body, the best one counting.

    Word beginnings are indexed for titles, headings and tags only (the
    ``typing`` field); this finds "descar" in a text that says "descargue".
    A beginning that is a word already ("print") is left alone: the customer
    may have finished it, and its own stems are matched as they are.
    """
    if lexicon is None or len(partial) < BODY_COMPLETION_MIN or partial in lexicon.words:
        return None
    own = set(ranked_terms(partial, locale))
    terms = {t for word in lexicon.words.completions(partial, BODY_COMPLETIONS) for t in ranked_terms(word, locale)} - own
    options = [query.Term("body", t, boost=BODY_COMPLETION_WEIGHT) for t in sorted(terms) if t in lexicon.field_terms["body"]]
    if not options:
        return None
    return query.DisjunctionMax(options) if len(options) > 1 else options[0]


def _scaled(q: query.Query, factor: float) -> query.Query:
    """``q`` with every term's boost multiplied by ``factor`` (its score scales alike).

    On the terms, not on the compound: Whoosh ignores the boost of a compound of one part.
    """
    if isinstance(q, query.Term):
        return query.Term(q.fieldname, q.text, boost=q.boost * factor)
    # A copy keeps what the compound's own type holds (a DisMax tiebreak, a coordination scale).
    scaled = copy.copy(q)
    scaled.subqueries = [_scaled(sub, factor) for sub in q.subqueries]
    return scaled


def _synonym_clauses(words: Sequence[str], locale: str, lexicon: Lexicon | None):
    """(start, end, query) of each synonym rule that applies, by term position."""
    terms = tuple(t for word in words for t in ranked_terms(word, locale))
    for start, end, alternatives in synonyms_for(locale).expansions(terms):
        options = [
            query.And([word_clause((t,), lexicon=lexicon, fields=SYNONYM_FIELDS) for t in alt])
            if len(alt) > 1
            else word_clause(alt, lexicon=lexicon, fields=SYNONYM_FIELDS)
            for alt in alternatives
        ]
        yield start, end, query.Or(options, boost=SYNONYM_WEIGHT)


def _word_query(word: str, locale: str, lexicon: Lexicon | None, correct: bool = True) -> query.Query | None:
    terms = ranked_terms(word, locale)
    if not terms:
        return None
    options = [word_clause(terms, lexicon=lexicon)]
    if lexicon is not None and word in lexicon.words:
        # The customer's exact word form counts beside its stem: "facture"
        # (invoice) before "facturation" (billing), though both stem alike.
        options = [query.Or([options[0], query.Term("words", word, boost=EXACT_WEIGHT)])]
    if lexicon is not None and not lexicon.knows(word, locale):
        parts = lexicon.words.compound_parts(word, language_of(locale))
        if parts:
            part_clauses = [word_clause(ranked_terms(part, locale), lexicon=lexicon) for part in parts]
            options.append(query.And(part_clauses, boost=COMPOUND_WEIGHT))
        if correct:
            weight = correction_weight(word, lexicon)
            for correction in lexicon.words.corrections(word):
                corrected = ranked_terms(correction.word, locale)
                if corrected and corrected != terms:
                    options.append(word_clause(corrected, boost=weight / correction.edits, lexicon=lexicon))
    return query.Or(options) if len(options) > 1 else options[0]


def is_misspelt(word: str, lexicon: Lexicon) -> bool:
    """True when no word of the articles is ``word`` or begins with it.

    Such a word is no form the articles lack and no word cut short: it is
    taken for a misspelling of the words its corrections are.
    """
    return word not in lexicon.words and not lexicon.words.has_completions(word)


def correction_weight(word: str, lexicon: Lexicon) -> float:
    """What one edit's correction of an unknown ``word`` counts for, beside the word itself (1.0)."""
    return MISSPELT_WEIGHT if is_misspelt(word, lexicon) else CORRECTION_WEIGHT


def word_clause(
    terms: Sequence[str], boost: float = 1.0, lexicon: Lexicon | None = None, fields: Sequence[str] = tuple(FIELD_WEIGHTS)
) -> query.Query:
    """One customer word, matched in each of ``fields`` (every ranked field) at that field's weight.

    Each term counts by its best field plus ``FIELD_TIEBREAK`` of the others. With a ``lexicon``, fields that lack a term are not asked for it (an
    absent term still costs a dictionary lookup per field).
    """
    per_term = []
    for term in terms:
        options = [
            query.Term(field, term, boost=weight * boost)
            for field, weight in FIELD_WEIGHTS.items()
            if field in fields and (lexicon is None or term in lexicon.field_terms[field])
        ]
        if len(options) > 1:
            per_term.append(query.DisjunctionMax(options, tiebreak=FIELD_TIEBREAK))
        elif options:
            per_term.append(options[0])
    return query.Or(per_term)
