"""kb beside plain Whoosh, SQLite FTS5 and tantivy on the LibreOffice help corpus.

Builds the corpus with ``helpcorpus.py`` when it is missing, indexes it with
the four systems in one run and prints MRR@5 and recall@5 per locale and kind
of query (Markdown tables: each cell is "kb / whoosh / sqlite-fts5 / tantivy",
bold where kb is ahead of every peer), then kb's lead over the best peer of
each cell with its 95 % interval. Several ``--corpus`` are scored each on its
own, then together, where each cell has more queries and less noise.

    python benchmarks/helpcorpus_eval.py --split dev
    python benchmarks/helpcorpus_eval.py --split heldout
    python benchmarks/helpcorpus_eval.py --split heldout --corpus benchmarks/results/helpcorpus \
        --corpus benchmarks/results/gnomehelp --corpus benchmarks/results/gnomeapps
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import ROOT, Fts5Engine, TantivyEngine, cpu_count_note  # noqa: F401  (sets sys.path)

import helpcorpus  # noqa: E402
from search.evaluation import Report, evaluate, pooled  # noqa: E402

LOCALES = helpcorpus.LOCALES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append",
                        help="Folder written by helpcorpus.py or gnomehelp.py; several --corpus are scored "
                             "each on its own, then together (default: benchmarks/results/helpcorpus).")
    parser.add_argument("--split", choices=["all", "dev", "heldout"], default="dev",
                        help="Which queries to score (default: %(default)s; tune on dev only).")
    parser.add_argument("--locales", default=",".join(LOCALES), help="Locales to score (default: %(default)s).")
    parser.add_argument("--kinds", default="", help="Comma-separated kinds of query to score (default: all).")
    parser.add_argument("--no-peers", action="store_true", help="Only kb and plain Whoosh (faster while tuning).")
    parser.add_argument("--misses", type=int, default=0, help="Print this many queries kb did not rank first.")
    parser.add_argument("--losses", type=int, default=0,
                        help="Print this many queries a peer ranked better than kb, with that peer's list.")
    args = parser.parse_args(argv)
    corpora = args.corpus or [ROOT / "benchmarks" / "results" / "helpcorpus"]
    started = time.perf_counter()
    reports = [score_corpus(corpus, args) for corpus in corpora]
    if len(reports) > 1:
        together = pooled(reports)
        print(f"\n## {len(reports)} corpora together: {together.count} {args.split} queries\n")
        print(together.table())
        print()
        print(together.margins("mrr"))
    print(f"# {time.perf_counter() - started:.0f} s")


def score_corpus(corpus: Path, args) -> Report:
    """Index one corpus with kb and the peers, print its tables, and return its report."""
    wanted = set(args.locales.split(","))
    kinds = set(filter(None, args.kinds.split(",")))
    judgements = [
        j
        for j in helpcorpus.corpus_queries(corpus)
        if (args.split == "all" or j.split == args.split) and j.locale in wanted and (not kinds or j.kind in kinds)
    ]
    articles = helpcorpus.corpus_articles(corpus)
    for error in articles.errors[:10]:
        print(f"skipped {error}", file=sys.stderr)
    peers = {} if args.no_peers else {
        "fts5": lambda root: Fts5Engine(root / "fts5.sqlite3", LOCALES),
        "tantivy": lambda root: TantivyEngine(root, LOCALES),
    }
    print(f"# {corpus.name}: {cpu_count_note()}; {len(articles.articles)} articles, {len(judgements)} {args.split} queries")
    report = evaluate(articles, LOCALES, "en", judgements, peers=peers, progress=lambda m: print("#", m, file=sys.stderr))
    print(report.table())
    print()
    print(report.grid("mrr"))
    print()
    print(report.grid("recall"))
    print()
    print(report.margins("mrr"))
    for judgement, ids in report.misses[: args.misses]:
        print(f"  {judgement.locale} {judgement.kind:<9} {judgement.query!r} -> {judgement.expected}: {', '.join(ids) or 'nothing'}")
    for judgement, ids, better in report.losses[: args.losses]:
        print(f"  {judgement.locale} {judgement.kind:<9} {judgement.query!r} -> {judgement.expected}")
        print(f"      kb: {', '.join(ids) or 'nothing'}")
        for name, (rr, peer_ids) in better.items():
            print(f"      {name} ({rr:.2f}): {', '.join(peer_ids)}")
    return report


if __name__ == "__main__":
    main()
