"""Suggest latency in process: p50/p95/p99 of SearchIndex.search, with peers.

Uses the corpus and indexes that ``benchmarks/build.py`` made for the same
``--per-locale``/``--locales``/``--seed`` (and builds them when missing).
Queries are what customers type keystroke by keystroke, taken from each
locale's demo titles and tags (see ``common.typed_queries``). The engines
answer the same queries interleaved (query 1 on each engine, then query 2...)
so a burst of load from elsewhere on the machine hits them alike.

    python benchmarks/suggest.py --per-locale 10000 --queries 200
"""

from __future__ import annotations

import argparse
import sys
import time

from common import (
    Fts5Engine,
    TantivyEngine,
    WhooshEngine,
    add_corpus_arguments,
    cpu_count_note,
    ensure_corpus,
    parse_locales,
    percentiles,
    sentence_queries,
    typed_queries,
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--queries", type=int, default=200, help="Timed queries per locale (default: %(default)s).")
    parser.add_argument("--warmup", type=int, default=30, help="Untimed queries per locale first, to open searchers and fill caches (default: %(default)s).")
    parser.add_argument("--sentences", action="store_true",
                        help="Time whole sentences (a pasted description of a problem, up to 200 characters) instead of typed beginnings.")
    parser.add_argument("--skip-peers", action="store_true", help="Time only the help center's own search.")
    parser.add_argument("--profile", metavar="FILE", help="Also profile the kb queries with pyinstrument and write the text report to FILE.")
    args = parser.parse_args(argv)
    locales = parse_locales(args.locales)
    print(f"# {cpu_count_note()}")
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    base = args.work / f"indexes-{corpus.name}"
    if not (base / ".complete").exists():
        print("# no indexes for this corpus yet: running benchmarks/build.py first")
        import build

        build.main(["--per-locale", str(args.per_locale), "--locales", args.locales, "--seed", str(args.seed),
                    "--work", str(args.work), *(["--skip-peers"] if args.skip_peers else [])])
    # Without its result cache, so it does the same work as the peers; the
    # cached line shows what repeated beginnings of words cost in service.
    engines = [WhooshEngine(base / "whoosh", locales), WhooshEngine(base / "whoosh", locales, cache=True)]
    if not args.skip_peers:
        engines += [Fts5Engine(base / "fts5.sqlite3", locales), TantivyEngine(base / "tantivy", locales)]
    for engine in engines:
        engine.open()

    make_queries = sentence_queries if args.sentences else typed_queries
    workload = [(q, locale) for locale in locales for q in make_queries(locale, args.queries + args.warmup, args.seed)]
    warm = [item for i, item in enumerate(workload) if i % (args.queries + args.warmup) < args.warmup]
    timed = [item for i, item in enumerate(workload) if i % (args.queries + args.warmup) >= args.warmup]
    for engine in engines:
        for text, locale in warm:
            engine.search(text, locale)

    samples = {engine.name: [] for engine in engines}
    # CPU time of the searching thread: on a machine shared with other
    # work, what a query would take on a core of its own.
    cpu_samples = {engine.name: [] for engine in engines}
    per_locale = {locale: [] for locale in locales}
    empty = {engine.name: 0 for engine in engines}
    for number, (text, locale) in enumerate(timed):
        # Rotate which engine goes first, so none always meets a cold cache.
        for engine in engines[number % len(engines):] + engines[: number % len(engines)]:
            started, started_cpu = time.perf_counter(), time.thread_time()
            ids = engine.search(text, locale)
            elapsed = time.perf_counter() - started
            samples[engine.name].append(elapsed)
            cpu_samples[engine.name].append(time.thread_time() - started_cpu)
            empty[engine.name] += not ids
            if engine is engines[0]:
                per_locale[locale].append(elapsed)

    print()
    print(f"in-process suggest latency, {len(timed)} {'whole sentences' if args.sentences else 'typed queries'} ({args.queries} per locale, "
          f"{args.per_locale} articles per locale, limit 5, with snippets and default-locale fallback)")
    print(f"{'engine':<14} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'no hit':>7} {'p95 vs whoosh':>14} "
          f"{'CPU p50':>8} {'CPU p95':>8}")
    reference = percentiles(samples[engines[0].name])
    for engine in engines:
        figures = percentiles(samples[engine.name])
        cpu = percentiles(cpu_samples[engine.name])
        print(f"{engine.name:<14} {figures['p50']:8.2f} {figures['p95']:8.2f} {figures['p99']:8.2f} "
              f"{empty[engine.name]:7d} {figures['p95'] / reference['p95']:14.2f} {cpu['p50']:8.2f} {cpu['p95']:8.2f}")
    print()
    print("kb by locale:  " + "  ".join(
        f"{locale} p50 {percentiles(v)['p50']:.1f} / p95 {percentiles(v)['p95']:.1f}" for locale, v in per_locale.items()))

    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for text, locale in timed:
            engines[0].search(text, locale)
        profiler.stop()
        with open(args.profile, "w", encoding="utf-8") as f:
            f.write(profiler.output_text(unicode=True, show_all=False))
        print(f"profile of the kb queries written to {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
