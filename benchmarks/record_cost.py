"""CPU cost of analytics recording per suggest request, in process: no HTTP, no other client.

The suggest API through Flask's test client, over the index that
``benchmarks/build.py`` made, with the same typed queries as
``suggest_http.py``: blocks without a contact-flow id and blocks with one
(four consecutive queries of a locale form a flow) alternate, and each
"on" block ends with the recorder's flush, which a worker's writer thread
would otherwise do (so the CPU time counts the writing too). CPU time is
``time.process_time`` of this one thread; the figure is the median per
request over the blocks, which a busy machine changes much less than wall
time.

    python benchmarks/record_cost.py --per-locale 10000 --blocks 6 --queries 300
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from common import add_corpus_arguments, cpu_count_note, ensure_corpus, parse_locales, typed_queries

from kb.settings import load
from web import create_app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--queries", type=int, default=300, help="Typed queries per locale in each block (default: %(default)s).")
    parser.add_argument("--blocks", type=int, default=6, help="Blocks of each setting, alternated (default: %(default)s).")
    args = parser.parse_args(argv)
    locales = parse_locales(args.locales)
    print(f"# {cpu_count_note()}")
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    index_dir = args.work / f"indexes-{corpus.name}" / "whoosh"
    if not (index_dir / "CURRENT").exists():
        raise SystemExit(f"no index in {index_dir}: run benchmarks/build.py with the same options first")
    instance = Path(tempfile.mkdtemp(prefix="kb-record-cost-"))
    config = load({
        "KB_INSTANCE_DIR": str(instance), "KB_ARTICLES_DIR": str(corpus), "KB_INDEX_DIR": str(index_dir),
        "KB_LOCALES": ",".join(locales), "KB_SUGGEST_RATE_LIMIT": "1000000 per minute",
    })
    # The writer thread never runs: each "on" block flushes in this thread, inside its timing.
    app = create_app({**config, "ANALYTICS_FLUSH_SECONDS": 3600})
    app.extensions["kb.db"].upgrade()
    recorder = app.extensions["kb.analytics"]
    client = app.test_client()
    texts = {locale: typed_queries(locale, args.queries, args.seed) for locale in locales}

    def block(number: int, record: bool) -> float:
        started = time.process_time()
        for i in range(args.queries):
            for locale in locales:
                query = {"q": texts[locale][i], "lang": locale}
                if record:  # a new flow id per block and every four queries: nothing folds across blocks
                    query["flow"] = hashlib.sha256(f"{number}:{locale}:{i // 4}".encode()).hexdigest()[:32]
                assert client.get("/api/suggest", query_string=query).status_code == 200
        if record:
            recorder.flush()
        return (time.process_time() - started) / (args.queries * len(locales))

    for locale in locales:  # open every searcher and fill the caches once
        for text in texts[locale]:
            client.get("/api/suggest", query_string={"q": text, "lang": locale})
    off, on = [], []
    for number in range(args.blocks):
        # off, on, on, off, ...: a drift in the machine's speed weighs on both.
        order = (False, True) if number % 2 == 0 else (True, False)
        for record in order:
            (on if record else off).append(block(number, record))
    with app.extensions["kb.db"].reading() as db:
        from sqlalchemy import func, select

        from kb.models import AnalyticsEvent

        events = db.scalar(select(func.count()).select_from(AnalyticsEvent))
    app.extensions["kb.db"].dispose()
    requests = args.queries * len(locales)
    off_ms, on_ms = statistics.median(off) * 1000, statistics.median(on) * 1000
    print(f"\nsuggest in process, {args.per_locale} articles per locale, {requests} requests per block, {args.blocks} blocks each")
    print(f"CPU per request, median of blocks: off {off_ms:.2f} ms, on {on_ms:.2f} ms, on - off {on_ms - off_ms:+.3f} ms, on / off {on_ms / off_ms:.3f}")
    print(f"blocks off: {', '.join(f'{x * 1000:.2f}' for x in off)} ms")
    print(f"blocks on:  {', '.join(f'{x * 1000:.2f}' for x in on)} ms")
    print(f"analytics: {events} events written for {requests * args.blocks} recorded requests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
