"""Index build: articles per second (full and incremental) and size on disk.

Generates (or reuses) a corpus, loads it once (timed apart: Markdown
rendering and sanitizing belong to the help center, not to the engines),
then builds the Whoosh indexes the help center serves and the two peers,
SQLite FTS5 and tantivy, from the same parsed articles. Then one article is
edited and each engine updates it: for the help center that is
``search.indexing.update_index`` (what ``kb index --changed`` runs: find the
changed files, link a new generation, re-index, switch), timed end to end for
each way of finding the changed files (``--detect``).

    python benchmarks/build.py --per-locale 10000
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time

from common import (
    DETECTIONS,
    detection,
    DEFAULT_LOCALE,
    Fts5Engine,
    TantivyEngine,
    add_corpus_arguments,
    cpu_count_note,
    ensure_corpus,
    folder_size,
    mb,
    parse_locales,
)

from kb.articles import load_article_files, load_articles
from search.indexing import update_index


def index_paths(work, corpus):
    base = work / f"indexes-{corpus.name}"
    return {"whoosh": base / "whoosh", "fts5": base / "fts5.sqlite3", "tantivy": base / "tantivy"}, base


def time_updates(corpus, paths, locales, count, articles, engines, detections=("paths", "git", "scan")) -> None:
    """Edit one English article at a time (the default locale, so its
    translations are re-indexed too: the worst case) and time each update,
    for each way of finding the changed files. Each series starts with one
    untimed update (git's baseline recorded, caches warm)."""
    victims = sorted(corpus.joinpath(DEFAULT_LOCALE).rglob("*.md"))[: count + 1]
    timings, cpu = {}, {}
    for engine in engines:
        timings[engine.name] = []
    for how in detections:
        timings[f"kb, {how}"], cpu[how] = [], []
        with detection(corpus, how):
            for number, path in enumerate(victims):
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("\n---\n", f"\n---\nEdited for the update benchmark, pass {number}.\n\n", 1), encoding="utf-8")
                # Every file saved since the last update: this one, and the
                # previous one put back as it was (which git and the scan see too).
                named = victims[max(0, number - 1) : number + 1]
                try:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    report = update_index(corpus, paths["whoosh"], locales, DEFAULT_LOCALE, named if how == "paths" else None)
                    if number:
                        timings[f"kb, {how}"].append(time.perf_counter() - started)
                        cpu[how].append(time.process_time() - started_cpu)
                    assert report.incremental and sum(report.counts.values()) >= 1, report
                    if engines and number and how == detections[0]:
                        one = load_article_files(corpus, [path], locales, DEFAULT_LOCALE)
                        article = next(iter(one.articles.values()))
                        articles.articles[(article.locale, article.id)] = article
                        for engine in engines:
                            started = time.perf_counter()
                            engine.update_one(article, articles)
                            timings[engine.name].append(time.perf_counter() - started)
                finally:
                    path.write_text(text, encoding="utf-8")
            update_index(corpus, paths["whoosh"], locales, DEFAULT_LOCALE, victims if how == "paths" else None)  # back to the corpus as generated
    print()
    print(f"incremental update of one article, median of {count} "
          "(kb: find the changed files + link generation + re-index its translations + switch)")
    for how in detections:
        print(f"  kb, {how}: {DETECTIONS[how]}")
    reference = statistics.median(timings[f"kb, {detections[0]}"])
    for name, values in timings.items():
        median = statistics.median(values)
        extra = f", CPU {statistics.median(cpu[name[4:]]) * 1000:.0f} ms" if name.startswith("kb, ") else ""
        print(f"{name:<14} {median * 1000:9.0f} ms  (vs kb, {detections[0]} {median / reference:.2f}){extra}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--updates", type=int, default=5,
                        help="How many single-article incremental updates to time; the median is reported (default: %(default)s).")
    parser.add_argument("--jobs", type=int, default=2,
                        help="Processes for loading and for the kb build, as 'kb index --jobs' (default: %(default)s).")
    parser.add_argument("--skip-peers", action="store_true", help="Build only the help center's Whoosh indexes.")
    parser.add_argument("--updates-only", action="store_true",
                        help="Reuse the indexes of an earlier run and time only the kb incremental updates.")
    parser.add_argument("--detect", default=",".join(DETECTIONS),
                        help="Ways of finding the changed files to time the updates with, comma-separated: "
                             f"{', '.join(f'{k} ({v})' for k, v in DETECTIONS.items())} (default: %(default)s).")
    args = parser.parse_args(argv)
    detections = tuple(d.strip() for d in args.detect.split(",") if d.strip())
    if not detections or set(detections) - DETECTIONS.keys():
        parser.error(f"--detect: choose among {', '.join(DETECTIONS)}")
    locales = parse_locales(args.locales)
    print(f"# {cpu_count_note()}")
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    paths, base = index_paths(args.work, corpus)
    if args.updates_only:
        if not (base / ".complete").exists():
            parser.error(f"no complete indexes in {base}: run without --updates-only first")
        time_updates(corpus, paths, locales, args.updates, None, [], detections)
        return 0
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)

    started = time.perf_counter()
    articles = load_articles(corpus, locales, DEFAULT_LOCALE, jobs=args.jobs)
    load_seconds = time.perf_counter() - started
    total = len(articles.articles)
    assert not articles.errors, [str(e) for e in articles.errors[:3]]
    print(f"loaded {total} articles (parse, render, sanitize; {args.jobs} processes) in {load_seconds:.1f} s: {total / load_seconds:.0f} articles/s")

    from search.indexing import build_index

    rows = []
    started = time.perf_counter()
    build_index(articles, paths["whoosh"], locales, jobs=args.jobs)
    seconds = time.perf_counter() - started
    rows.append(("whoosh (kb)", seconds, folder_size(paths["whoosh"])))
    engines = [] if args.skip_peers else [Fts5Engine(paths["fts5"], locales), TantivyEngine(paths["tantivy"], locales)]
    for engine in engines:
        started = time.perf_counter()
        engine.build(articles)
        rows.append((engine.name, time.perf_counter() - started, folder_size(paths[engine.name.split("-")[-1]])
                     if engine.name != "sqlite-fts5" else paths["fts5"].stat().st_size))
    print()
    print(f"full build of {total} articles ({len(locales)} locales, {args.per_locale} per locale), loading excluded; "
          f"kb with {args.jobs} processes, peers with one thread")
    print(f"{'engine':<14} {'seconds':>8} {'articles/s':>11} {'size':>10} {'time vs whoosh':>15}")
    for name, secs, size in rows:
        print(f"{name:<14} {secs:8.1f} {total / secs:11.0f} {mb(size):>10} {secs / rows[0][1]:15.2f}")
    whole = load_seconds + rows[0][1]
    print(f"kb index equivalent (load + whoosh build): {whole:.1f} s, {total / whole:.0f} articles/s")

    time_updates(corpus, paths, locales, args.updates, articles, engines, detections)
    (base / ".complete").write_text("ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
