"""How kb eval and the corpus benchmarks judge a lead: more than noise, or not."""

from __future__ import annotations

from search.evaluation import Report, Scores


def scores(*reciprocal_ranks: float) -> Scores:
    result = Scores()
    for rr in reciprocal_ranks:
        result.add(rr, 0.001)
    return result


def test_a_lead_is_judged_against_the_best_peer_of_its_cell_with_an_interval():
    clear = [1.0] * 30 + [0.5] * 10  # kb
    behind = [0.5] * 40
    table = {
        # de/typo: kb first on every query, the peers at half: ahead.
        ("kb", "locale×kind", "de/typo"): scores(*clear),
        ("whoosh", "locale×kind", "de/typo"): scores(*behind),
        ("fts5", "locale×kind", "de/typo"): scores(*behind),
        # en/typo: kb one query better than the best peer of five: level (noise).
        ("kb", "locale×kind", "en/typo"): scores(1.0, 1.0, 0.5, 0.5, 1.0),
        ("whoosh", "locale×kind", "en/typo"): scores(0.0, 0.0, 0.0, 0.0, 0.0),
        ("fts5", "locale×kind", "en/typo"): scores(1.0, 0.5, 0.5, 0.5, 1.0),
        # fr/typo: the peer finds every query first, kb only a third: behind.
        ("kb", "locale×kind", "fr/typo"): scores(*([1.0, 0.0, 0.0] * 10)),
        ("whoosh", "locale×kind", "fr/typo"): scores(*([1.0] * 30)),
        ("fts5", "locale×kind", "fr/typo"): scores(*([0.0] * 30)),
    }
    for system in ("kb", "whoosh", "fts5"):
        # The kind over all locales: the cells' queries together.
        table[(system, "kind", "typo")] = scores(*[rr for key, s in list(table.items()) if key[0] == system for rr in s.reciprocal_ranks])
    report = Report(table, [], 75, systems=("kb", "whoosh", "fts5"))
    rows = {line.split(" | ")[0].strip("| "): line for line in report.margins("mrr").splitlines()}
    assert "ahead +0.375" in rows["de"]
    assert "level +0.100" in rows["en"] and "vs fts5" in rows["en"]
    assert "behind -0.667" in rows["fr"] and "vs whoosh" in rows["fr"]
    assert report.margins("mrr").endswith("locale × kind cells: 1 ahead, 1 level, 1 behind")
