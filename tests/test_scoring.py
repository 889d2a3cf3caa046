"""The array scorer against Whoosh's own matching, which stays the reference."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from whoosh import query

from search.indexing import update_index
from search.queries import build_query, split_query
from search.scoring import ArrayScorer, Coordinated, TermCache

from .conftest import DEMO_ARTICLES, LOCALES


def _whoosh_comparable(q: query.Query) -> query.Query:
    """``q`` without what Whoosh scores differently on purpose (see search/scoring.py).

    Whoosh drops the boost of a compound with one part and its DisjunctionMax
    scores a document with another document's part; coordination differs.
    """
    if isinstance(q, query.compound.CompoundQuery) and len(q.subqueries) == 1:
        return _whoosh_comparable(q.subqueries[0])
    if isinstance(q, (query.Or, query.DisjunctionMax)):
        # A sum of sums is one sum: flattened, because Whoosh's union matcher
        # loses documents of an Or nested in an Or beside empty parts (seen on
        # "I forgot my password or can't log in" with weak function words).
        parts = []
        for sub in map(_whoosh_comparable, q.subqueries):
            nested = isinstance(sub, query.Or) and sub.boost == 1.0 and q.boost == 1.0
            parts.extend(sub.subqueries if nested else [sub])
        return query.Or(parts, boost=q.boost)
    if isinstance(q, query.And):
        return query.And([_whoosh_comparable(s) for s in q.subqueries], boost=q.boost)
    return q


def _customer_queries(search, locale):
    """Queries as customers build them: every title cut at a few lengths, plus typos."""
    lexicon = search.current().lexicon(locale)
    texts = []
    for doc in search.documents(locale):
        title = doc["title"]
        texts += [title[:3], title[:9], title[:16] + " ", title + " ", title.lower().replace("e", "a", 1)]
    for text in texts:
        q = build_query(split_query(text, locale), locale, lexicon)
        if q is not None:
            yield text, q


def _assert_same_as_whoosh(searcher, scorer, text, q):
    q = _whoosh_comparable(q)
    expected = [(hit.docnum, hit.score) for hit in searcher.search(q, limit=10)]
    got = scorer.top(q, 10)
    assert [d for d, _ in got] == [d for d, _ in expected], text
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9), text


@pytest.mark.parametrize("locale", LOCALES)
def test_scores_equal_whoosh_on_customer_queries(demo_search, locale):
    searcher = demo_search.current().searchers[locale]
    scorer = ArrayScorer(searcher)
    count = 0
    for text, q in _customer_queries(demo_search, locale):
        _assert_same_as_whoosh(searcher, scorer, text, q)
        count += 1
    assert count > 100


def test_scores_equal_whoosh_across_segments_with_deletions(tmp_path):
    """An updated index has several segments and deleted documents."""
    from search.service import SearchIndex

    root = tmp_path / "articles"
    shutil.copytree(DEMO_ARTICLES, root)
    index_dir = tmp_path / "index"
    update_index(root, index_dir, LOCALES, "en")
    for name in ("reset-password.md", "invoices.md"):
        path = root / "en" / name
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line about passwords and invoices.\n", encoding="utf-8")
    assert update_index(root, index_dir, LOCALES, "en").incremental
    search = SearchIndex(index_dir, LOCALES, "en")
    searcher = search.current().searchers["en"]
    assert len(searcher.reader().leaf_readers()) > 1
    assert any(leaf.has_deletions() for leaf, _ in searcher.reader().leaf_readers())
    scorer = ArrayScorer(searcher)
    for text, q in _customer_queries(search, "en"):
        _assert_same_as_whoosh(searcher, scorer, text, q)


def test_disjunction_max_scores_only_the_parts_a_document_matches(demo_search):
    searcher = demo_search.current().searchers["en"]
    scorer = ArrayScorer(searcher)
    title = query.Term("title", "invoic")
    body = query.Term("body", "password")
    best = scorer.scores(query.DisjunctionMax([title, body]))
    expected = np.maximum(scorer.scores(title), scorer.scores(body))
    assert best == pytest.approx(expected)
    assert (best > 0).sum() == ((scorer.scores(title) > 0) | (scorer.scores(body) > 0)).sum()


def test_and_requires_every_part_and_adds_them(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    a, b = query.Term("body", "password"), query.Term("body", "reset")
    both = scorer.scores(query.And([a, b], boost=2.0))
    sa, sb = scorer.scores(a), scorer.scores(b)
    assert both == pytest.approx(np.where((sa > 0) & (sb > 0), 2.0 * (sa + sb), 0.0))


def test_coordination_favours_documents_matching_more_words(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    a, b, c = query.Term("body", "password"), query.Term("body", "invoic"), query.Term("body", "reset")
    plain = scorer.scores(query.Or([a, b, c]))
    coordinated = scorer.scores(query.Or([a, b, c], scale=0.9))
    matched = sum((scorer.scores(t) > 0).astype(int) for t in (a, b, c))
    assert coordinated == pytest.approx(plain * (0.1 + 0.9 * matched / 3))
    # Parts beyond ``asked`` stand in for the others: the count is capped.
    capped = Coordinated([a, b, c], asked=2, scale=0.9)
    assert scorer.scores(capped) == pytest.approx(plain * (0.1 + 0.9 * np.minimum(matched, 2) / 2))


def test_a_single_part_compound_keeps_its_boost(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    term = query.Term("body", "password")
    assert scorer.scores(query.Or([term], boost=0.5)) == pytest.approx(0.5 * scorer.scores(term))


def test_unknown_terms_and_fields_match_nothing(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    assert not scorer.scores(query.Term("body", "zzzzqx")).any()
    assert not scorer.scores(query.Term("no-such-field", "password")).any()
    assert scorer.top(query.Term("body", "zzzzqx"), 5) == []


def test_queries_it_cannot_score_are_refused(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    with pytest.raises(TypeError, match="Prefix"):
        scorer.scores(query.Prefix("body", "pass"))


def test_mask_leaves_documents_out(demo_search):
    searcher = demo_search.current().searchers["fr"]
    scorer = ArrayScorer(searcher)
    q = query.Term("body", "factur")
    mask = query.Term("locales", "en")
    expected = [hit.docnum for hit in searcher.search(q, limit=20, mask=mask)]
    assert [d for d, _ in scorer.top(q, 20, mask=mask)] == expected
    assert len(expected) < len(scorer.top(q, 20))


def test_term_cache_stays_within_its_budget_and_forgets_old_generations(demo_search):
    searcher = demo_search.current().searchers["en"]
    cache = TermCache(max_bytes=4000)
    scorer = ArrayScorer(searcher, cache, ("gen-1", "en"))
    for word in ("password", "invoic", "reset", "account", "contact", "campaign", "domain", "support"):
        scorer.term_scores("body", word)
        assert cache.bytes <= 4000
    assert cache.bytes > 0
    kept = ArrayScorer(searcher, cache, ("gen-2", "en"))
    kept.term_scores("body", "password")
    cache.keep_only(("gen-2",))
    assert cache.get(("gen-2", "en", "body", "password")) is not None
    assert all(key[0] == "gen-2" for key in cache._entries)


def test_the_fast_path_reads_the_postings(demo_search):
    """On the Whoosh version it knows, postings are read from their blocks, never one by one."""
    from search import whoosh_internals

    assert whoosh_internals.FAST
    whoosh_internals.reads.clear()
    searcher = demo_search.current().searchers["de"]
    scorer = ArrayScorer(searcher)
    for _text, q in _customer_queries(demo_search, "de"):
        scorer.scores(q)
    assert whoosh_internals.reads["blocks"] > 100
    assert whoosh_internals.reads["public"] == 0


def test_unexpected_postings_are_an_error_not_a_slow_path(demo_search, monkeypatch):
    from search import whoosh_internals

    monkeypatch.setattr(whoosh_internals, "W3LeafMatcher", type("Renamed", (), {}))
    with pytest.raises(whoosh_internals.UnexpectedPostings):
        ArrayScorer(demo_search.current().searchers["en"]).term_scores("body", "password")


def test_scores_equal_whoosh_across_many_posting_blocks(tmp_path, monkeypatch):
    """Blocks of 4 postings (Whoosh writes 128): common terms span many blocks."""
    import whoosh.codec
    from whoosh.codec.whoosh3 import W3Codec

    from kb.articles import load_articles
    from search.indexing import build_index
    from search.service import SearchIndex

    from .conftest import DEMO_ARTICLES

    monkeypatch.setattr(whoosh.codec, "default_codec", lambda: W3Codec(blocklimit=4))
    build_index(load_articles(DEMO_ARTICLES, LOCALES, "en"), tmp_path, LOCALES)
    search = SearchIndex(tmp_path, LOCALES, "en")
    for locale in ("en", "de"):
        searcher = search.current().searchers[locale]
        assert searcher.doc_frequency("body", "konto" if locale == "de" else "account") > 3 * 4
        scorer = ArrayScorer(searcher)
        for text, q in _customer_queries(search, locale):
            _assert_same_as_whoosh(searcher, scorer, text, q)


def test_whoosh_scorer_answers_through_whoosh_own_matchers(demo_index_dir):
    from search.service import SearchIndex

    whoosh_scored = SearchIndex(demo_index_dir, LOCALES, "en", scorer="whoosh")
    array_scored = SearchIndex(demo_index_dir, LOCALES, "en")
    for text, locale in [("reset password", "en"), ("facture", "fr"), ("Rechnungsadresse", "de")]:
        expected = array_scored.search(text, locale)[0].id
        assert expected in [hit.id for hit in whoosh_scored.search(text, locale)]
    assert type(whoosh_scored.current().scorers["en"]).__name__ == "WhooshScorer"


def test_disjunction_max_with_a_tiebreak_adds_that_share_of_the_other_parts(demo_search):
    scorer = ArrayScorer(demo_search.current().searchers["en"])
    title, body = query.Term("title", "password"), query.Term("body", "password")
    st, sb = scorer.scores(title), scorer.scores(body)
    best = scorer.scores(query.DisjunctionMax([title, body], tiebreak=0.2))
    assert (st > 0).any() and (sb > 0).any()
    assert best == pytest.approx(np.maximum(st, sb) + 0.2 * np.minimum(st, sb))
