"""Scoring Whoosh queries with arrays: BM25F over Whoosh's own postings.

Whoosh matches a query one document at a time in Python: for every posting
of every term, a few method calls through a tree of matchers. Customer
queries are short but wide (each word is asked in five fields, plus word
beginnings, corrections and synonyms), and the words customers type are the
common ones, so at 10 000 articles per locale that loop was 93 % of a
suggestion's time (see benchmarks/README.md for the profile). Here each
term's postings are read from the same index files, block by block, into
NumPy arrays, scored with the same BM25F formula and statistics as
:class:`whoosh.scoring.BM25F`, and combined term by term over one array of
document scores. A term's postings, once read, are kept for the next queries
of the same index generation (see :class:`TermCache`).

What is scored is still a Whoosh query (:class:`whoosh.query.Term`,
:class:`~whoosh.query.Or`, :class:`~whoosh.query.And`,
:class:`~whoosh.query.DisjunctionMax`), with these meanings:

- ``Term``: BM25F of the term in its field, times its boost;
- ``Or``: the sum of the parts that match; with ``scale`` (the coordination
  bonus), that sum times ``(1 - scale) + scale * matched / parts``, so a
  document matching more of the customer's words ranks higher (with
  :class:`Coordinated`, only the first ``asked`` parts count as asked for,
  the rest, such as synonyms, only stand in for them: ``matched`` is capped
  at ``asked``);
- ``And``: the sum of the parts, only where every part matches;
- ``DisjunctionMax``: the best part, plus ``tiebreak`` times the others;
- a compound's boost multiplies its score, even with a single part.

Without ``scale`` these are Whoosh's own scores, which the tests check
against :meth:`whoosh.searching.Searcher.search`. Whoosh's coordination
(``CoordMatcher``) counts matching terms rather than parts and adds at most
a few hundredths to a score, too little to change an order; ours is the
classic one.

Postings and field lengths are read through :mod:`search.whoosh_internals`,
the one module that touches Whoosh's private names. :class:`WhooshScorer`
scores the same queries with Whoosh's own matchers instead (``KB_SCORER=whoosh``):
slower, with Whoosh's coordination and ``DisjunctionMax``.
"""

from __future__ import annotations

import collections
import threading

import numpy as np
from whoosh import query, scoring
from whoosh.util.numeric import byte_to_length

from .whoosh_internals import deleted_documents, leaf_postings, length_bytes

# The weighting whose formula and statistics the arrays reproduce.
WEIGHTING = scoring.BM25F()
# Bytes of postings kept per process (all locales together).
TERM_CACHE_BYTES = 96 * 1024 * 1024

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_BYTE_TO_LENGTH[0] = 0.0


class TermCache:
    """Postings of recently used terms, bounded in bytes, shared by threads."""

    def __init__(self, max_bytes: int = TERM_CACHE_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry) -> None:
        size = entry[0].nbytes + entry[1].nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (ids, scores) = self._entries.popitem(last=False)
                self.bytes -= ids.nbytes + scores.nbytes

    def keep_only(self, prefix: tuple) -> None:
        """Forget every entry whose key does not start with ``prefix`` (an older generation's)."""
        with self._lock:
            for key in [k for k in self._entries if k[: len(prefix)] != prefix]:
                ids, scores = self._entries.pop(key)
                self.bytes -= ids.nbytes + scores.nbytes


class ArrayScorer:
    """Scores Whoosh queries against one open searcher, with arrays.

    ``cache_key`` names the searcher's index (generation and locale) in the
    shared ``cache``.
    """

    def __init__(self, searcher, cache: TermCache | None = None, cache_key: tuple = ()):
        self.searcher = searcher
        self.cache = cache if cache is not None else TermCache()
        self.cache_key = tuple(cache_key)
        reader = searcher.reader()
        self.doc_count = reader.doc_count_all()
        self._leaves = list(reader.leaf_readers())
        alive = np.ones(self.doc_count, dtype=bool)
        for leaf, base in self._leaves:
            alive[base + deleted_documents(leaf)] = False
        self.alive = alive
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # Postings

    def term_scores(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending) and BM25F scores of one term, without boost."""
        key = self.cache_key + (fieldname, text)
        entry = self.cache.get(key)
        if entry is None:
            entry = self._score_term(fieldname, text)
            self.cache.put(key, entry)
        return entry

    def _score_term(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        searcher = self.searcher
        schema = searcher.schema
        if fieldname not in schema:
            return _EMPTY
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return _EMPTY
        ids_parts, weight_parts = [], []
        for leaf, base in self._leaves:
            if (fieldname, btext) not in leaf:
                continue
            ids, weights = leaf_postings(leaf, fieldname, btext, field.format)
            ids_parts.append(ids + base)
            weight_parts.append(weights)
        if not ids_parts:
            return _EMPTY
        ids = np.concatenate(ids_parts)
        tf = np.concatenate(weight_parts)
        keep = self.alive[ids]
        if not keep.all():
            ids, tf = ids[keep], tf[keep]
        if not field.scorable:
            return ids.astype(np.int32), np.ones(len(ids))
        # Whoosh's own functions, applied to whole arrays (BM25FScorer does
        # the same one posting at a time).
        idf = WEIGHTING.idf(searcher, fieldname, btext)
        avgfl = searcher.avg_field_length(fieldname) or 1
        fl = self._field_lengths(fieldname)[ids]
        return ids.astype(np.int32), scoring.bm25(idf, tf, fl, avgfl, WEIGHTING.B, WEIGHTING.K1)

    def _field_lengths(self, fieldname: str) -> np.ndarray:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            with self._lock:
                lengths = self._lengths.get(fieldname)
                if lengths is None:
                    encoded = np.zeros(self.doc_count, dtype=np.uint8)
                    for leaf, base in self._leaves:
                        column = length_bytes(leaf, fieldname)
                        encoded[base : base + len(column)] = column
                    lengths = self._lengths[fieldname] = _BYTE_TO_LENGTH[encoded]
        return lengths

    # Queries

    def scores(self, q: query.Query) -> np.ndarray:
        """Every document's score for ``q``; 0 where it does not match."""
        return self._evaluate(q)

    def top(self, q: query.Query, limit: int, mask: query.Query | None = None) -> list[tuple[int, float]]:
        """The best ``limit`` (document number, score) pairs, best first.

        Ties go to the lower document number, as in Whoosh. Documents that
        match ``mask`` are left out.
        """
        scores = self._evaluate(q)
        scores[~self.alive] = 0.0
        if mask is not None:
            scores[self._evaluate(mask) > 0] = 0.0
        found = np.flatnonzero(scores > 0)
        if len(found) > limit:
            # Keep every document tied with the last one kept, then order exactly.
            threshold = np.partition(scores[found], len(found) - limit)[len(found) - limit]
            found = found[scores[found] >= threshold]
        order = np.lexsort((found, -scores[found]))[:limit]
        return [(int(found[i]), float(scores[found[i]])) for i in order]

    def _evaluate(self, q: query.Query) -> np.ndarray:
        total = np.zeros(self.doc_count)
        if isinstance(q, query.Term):
            ids, scores = self.term_scores(q.fieldname, q.text)
            total[ids] = scores * q.boost
        elif isinstance(q, query.Or):
            matched = self._add_parts(q.subqueries, total, count_matches=bool(q.scale))
            if matched is not None and q.subqueries:
                parts = q.asked if isinstance(q, Coordinated) else len(q.subqueries)
                total *= (1 - q.scale) + q.scale * np.minimum(matched, parts) / parts
            total *= q.boost
        elif isinstance(q, query.And):
            everywhere = np.ones(self.doc_count, dtype=bool)
            for sub in q.subqueries:
                part = self._evaluate(sub)
                everywhere &= part > 0
                total += part
            total[~everywhere] = 0.0
            total *= q.boost
        elif isinstance(q, query.DisjunctionMax):
            if q.tiebreak:
                summed = np.zeros(self.doc_count)
                for sub in q.subqueries:
                    part = self._evaluate(sub)
                    np.maximum(total, part, out=total)
                    summed += part
                total += q.tiebreak * (summed - total)
            else:
                for sub in q.subqueries:
                    np.maximum(total, self._evaluate(sub), out=total)
            total *= q.boost
        elif isinstance(q, query.NullQuery.__class__):
            pass
        else:
            raise TypeError(f"cannot score {type(q).__name__} queries")
        return total

    def _add_parts(self, subqueries, total: np.ndarray, count_matches: bool) -> np.ndarray | None:
        """Add the parts' scores into ``total``; with ``count_matches``, return how many matched."""
        matched = np.zeros(self.doc_count, dtype=np.int32) if count_matches else None
        for sub in subqueries:
            if isinstance(sub, query.Term):
                # A term is added straight in, without an array of its own.
                ids, scores = self.term_scores(sub.fieldname, sub.text)
                total[ids] += scores * sub.boost
                if matched is not None:
                    matched[ids] += 1
            else:
                part = self._evaluate(sub)
                total += part
                if matched is not None:
                    matched += part > 0
        return matched


class Coordinated(query.Or):
    """The customer's words, ``asked`` of them first, then parts that stand in
    for some of them (synonym rules for several words): coordination counts
    at most ``asked`` matches out of ``asked``."""

    def __init__(self, subqueries, asked: float, scale: float, boost: float = 1.0):
        super().__init__(subqueries, boost=boost, scale=scale)
        self.asked = asked


_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0))


class WhooshScorer:
    """Scores with Whoosh's own matchers (``KB_SCORER=whoosh``), as :class:`ArrayScorer` does with arrays.

    The way back should the array scorer ever be in doubt; scores differ
    where search/scoring.py says (coordination, ``DisjunctionMax``).
    """

    def __init__(self, searcher, cache: TermCache | None = None, cache_key: tuple = ()):
        self.searcher = searcher

    def top(self, q: query.Query, limit: int, mask: query.Query | None = None) -> list[tuple[int, float]]:
        return [(hit.docnum, hit.score) for hit in self.searcher.search(q, limit=limit, mask=mask)]


SCORERS = {"arrays": ArrayScorer, "whoosh": WhooshScorer}
