"""Try ranking constants on the LibreOffice corpus's dev part, one kb index for all.

Builds kb's index of the corpus once (kept in ``benchmarks/results/tune-index``
until the articles or ``--rebuild`` say otherwise), then scores the dev
queries with each setting given (MRR@5, or recall@5 with ``--recall``), each
in a fresh ``SearchIndex`` so no cached postings or results carry over. A setting is ``module.NAME=value`` pairs
joined by commas, for constants the search reads when it runs:

    python benchmarks/helpcorpus_tune.py "" "queries.FIELD_TIEBREAK=0.3" \\
        "queries.BIGRAM_WEIGHT=1.5,queries.FIELD_TIEBREAK=0.3"

The first setting (often ``""``, today's constants) is the reference: every
other row prints MRR@5 per locale and kind and its change from the first.
Only the dev part is scored: tuning never looks at the held-out part. Changes
to analysis or to what is indexed need ``helpcorpus_eval.py`` instead.
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib
import shutil
import sys
from pathlib import Path

from common import ROOT  # noqa: F401  (sets sys.path)

import helpcorpus  # noqa: E402
from search.evaluation import CUTOFF, reciprocal_rank  # noqa: E402
from search.indexing import build_index  # noqa: E402
from search.service import SearchIndex  # noqa: E402

LOCALES = helpcorpus.LOCALES


def parse_setting(text: str) -> list[tuple[object, str, object]]:
    """``"queries.FIELD_TIEBREAK=0.3,scoring.WEIGHTING.K1=1.5"`` as (owner, name, value) triples."""
    changes = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        target, _, value = part.partition("=")
        module_name, *path = target.strip().split(".")
        owner = importlib.import_module(f"search.{module_name}")
        for name in path[:-1]:
            owner = getattr(owner, name)
        if not path or not hasattr(owner, path[-1]):
            raise SystemExit(f"no constant {target!r} in search.{module_name}")
        changes.append((owner, path[-1], ast.literal_eval(value.strip())))
    return changes


def score(index_dir: Path, judgements, setting: str, recall: bool = False) -> dict[tuple[str, str], list[float]]:
    changes = parse_setting(setting)
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in changes]
    for owner, name, value in changes:
        setattr(owner, name, value)
    try:
        search = SearchIndex(index_dir, LOCALES, "en")
        ranks = collections.defaultdict(list)
        for j in judgements:
            ids = [h.id for h in search.search(j.query, j.locale, CUTOFF, snippets=False)]
            rr = reciprocal_rank(ids, j.expected)
            if recall:
                rr = float(rr > 0)
            for key in ((j.locale, j.kind), ("all", j.kind), (j.locale, "all"), ("all", "all")):
                ranks[key].append(rr)
        search.close()
        return ranks
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("settings", nargs="+", help='Settings to compare, the first as reference ("" for today\'s).')
    parser.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / "results" / "helpcorpus",
                        help="Folder written by helpcorpus.py (default: %(default)s).")
    parser.add_argument("--index", type=Path, default=ROOT / "benchmarks" / "results" / "tune-index",
                        help="Where kb's index of the corpus is kept between runs (default: %(default)s).")
    parser.add_argument("--rebuild", action="store_true", help="Index the corpus again (after analysis changes).")
    parser.add_argument("--kinds", default="", help="Comma-separated kinds of query to score (default: all).")
    parser.add_argument("--recall", action="store_true", help="Print recall@5 instead of MRR@5.")
    args = parser.parse_args(argv)
    kinds = set(filter(None, args.kinds.split(",")))
    judgements = [j for j in helpcorpus.corpus_queries(args.corpus) if j.split == "dev" and (not kinds or j.kind in kinds)]
    if args.rebuild or not (args.index / "CURRENT").exists():
        shutil.rmtree(args.index, ignore_errors=True)
        build_index(helpcorpus.corpus_articles(args.corpus), args.index, LOCALES)
    columns = sorted({j.kind for j in judgements}) + ["all"]
    reference = None
    for setting in args.settings:
        ranks = score(args.index, judgements, setting, args.recall)
        mrr = {key: sum(v) / len(v) for key, v in ranks.items()}
        reference = reference or mrr
        print(f"== {setting or '(today)'}")
        print(f"{'':<4}" + "".join(f"{c:>16}" for c in columns))
        for locale in (*LOCALES, "all"):
            cells = []
            for column in columns:
                value = mrr.get((locale, column))
                if value is None:
                    cells.append(f"{'':>16}")
                    continue
                change = value - reference[(locale, column)]
                cells.append(f"{value:>9.3f}" + (f" {change:+.3f}" if mrr is not reference else " " * 7))
            print(f"{locale:<4}" + "".join(cells))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
