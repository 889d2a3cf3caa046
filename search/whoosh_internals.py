"""The private parts of Whoosh that the array scorer reads, fenced in one place.

:mod:`search.scoring` needs each term's postings and each field's lengths as
arrays. Whoosh's public API hands them out one posting at a time, which is
what made scoring slow; Whoosh-Reloaded 2.7.5's posting blocks and length
columns hold them as arrays already. This module reads them, and nothing
else in the project touches a private Whoosh name.

- On another Whoosh version (``KNOWN_VERSION`` is the one read here), it
  warns once and reads everything through Whoosh's public API: slower, the
  same scores.
- On the known version, a posting list of an unexpected kind is an error,
  not a silent slow path.
- Deleted documents come from the public ``is_deleted``.
- ``reads`` counts how postings were read, so the tests can check that the
  fast path ran.

>>> KNOWN_VERSION == tuple(whoosh.__version__[:3])
True
"""

from __future__ import annotations

import collections
import logging

import numpy as np
import whoosh
from whoosh.matching import ListMatcher

KNOWN_VERSION = (2, 7, 5)
FAST = tuple(whoosh.__version__[:3]) == KNOWN_VERSION

if FAST:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
else:
    logging.getLogger(__name__).warning(
        "Whoosh %s is not the version whose postings search/whoosh_internals.py reads (%s): scoring reads "
        "them through Whoosh's public API, which is slower",
        whoosh.versionstring(),
        ".".join(map(str, KNOWN_VERSION)),
    )

# How posting lists were read: "blocks" (the fast path), "inlined" (rare
# terms kept in the term dictionary), "public" (another Whoosh version).
reads: collections.Counter = collections.Counter()


class UnexpectedPostings(TypeError):
    """A posting list of a kind this module does not know, on the Whoosh version it knows."""


def leaf_postings(leaf, fieldname: str, btext: bytes, format_) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, term frequencies) of one term in one segment, deleted documents included."""
    if not FAST:
        reads["public"] += 1
        return _one_by_one(leaf.postings(fieldname, btext))
    matcher = leaf._terms.matcher(fieldname, btext, format_, scorer=None)
    if type(matcher) is ListMatcher:
        reads["inlined"] += 1
        return _one_by_one(matcher)
    if type(matcher) is not W3LeafMatcher or matcher._byteids:
        raise UnexpectedPostings(f"cannot read postings from a {type(matcher).__name__} ({fieldname}:{btext!r})")
    reads["blocks"] += 1
    ids_parts, weight_parts = [], []
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        deltas, weights = matcher._data[0], matcher._data[1]
        count = matcher._blocklength
        # Block ids are delta-encoded (whoosh.util.numlists.delta_encode).
        ids_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        if weights is None:
            weight_parts.append(np.ones(count))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float64))
        matcher._next_block()
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def _one_by_one(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def length_bytes(leaf, fieldname: str) -> np.ndarray:
    """The encoded field length (one byte, ``whoosh.util.numeric.length_to_byte``)
    of every document of one segment."""
    doc_count = leaf.doc_count_all()
    encoded = np.zeros(doc_count, dtype=np.uint8)
    if not FAST:
        from whoosh.util.numeric import length_to_byte

        for docnum in range(doc_count):
            encoded[docnum] = length_to_byte(leaf.doc_field_length(docnum, fieldname, 0))
        return encoded
    column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return encoded
    if getattr(column, "_fixedlen", None) == 1 and hasattr(column, "_dbfile"):
        count = min(column._count, doc_count)
        raw = column._dbfile.get(column._basepos, count)
        encoded[:count] = np.frombuffer(raw, dtype=np.uint8)
    else:
        encoded[:] = np.fromiter(column, dtype=np.uint8, count=doc_count)
    return encoded


def deleted_documents(leaf) -> np.ndarray:
    """The numbers of one segment's deleted documents (public API only)."""
    if not leaf.has_deletions():
        return np.zeros(0, dtype=np.int64)
    return np.asarray([d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)], dtype=np.int64)
