"""Analytics at volume: recording cost and report time over N synthetic events.

Fills ``analytics_events`` of a throwaway database (SQLite file, or a
throwaway schema of the PostgreSQL server given by --postgres) with N events
spread over --days days, shaped like a contact flow's traffic (searches with
a query vocabulary following Zipf's law, a fifth without results, flows,
opened articles, answers, tickets, views), then times

- recording: the median time of one search recorded as the web app does it
  (one write transaction: look up the flow's latest search, update or insert);
- the 30-day report (``build_report``, all its queries) and the 1-day one.

    python benchmarks/analytics_report.py --events 1000000 --postgres postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from kb.analytics import events as ev  # noqa: E402
from kb.analytics.reports import Filters, build_report  # noqa: E402
from kb.db import Database, make_engine  # noqa: E402
from kb.models import AnalyticsEvent  # noqa: E402

BATCH = 20_000
LOCALES = ("en", "fr", "de", "es", "it", "pt")
CATEGORIES = ("support", "account", "contacts", "campaigns", "deliverability", "billing", "developers")


def synthetic_rows(count: int, days: int, seed: int):
    """Events of whole flows, oldest first, ``days`` days up to now."""
    rng = random.Random(seed)
    vocabulary = [f"query {n}" for n in range(50_000)]
    cumulative = list(itertools.accumulate(1 / (n + 1) for n in range(len(vocabulary))))
    articles = [f"article-{n:05d}" for n in range(3000)]
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=days)
    made = 0
    while made < count:
        flow = secrets.token_hex(16)
        moment = start + dt.timedelta(seconds=rng.random() * days * 86400)
        locale = rng.choice(LOCALES)
        category = rng.choice(CATEGORIES)
        base = {"flow": flow, "locale": locale, "visitor": None}
        steps = [dict(base, kind=ev.FLOW)]
        for query in rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(1, 3)):
            found = rng.random() > 0.2
            results = rng.sample(articles, 5) if found else []
            steps.append(dict(base, kind=ev.SEARCH, query=query, result_count=len(results), results=results,
                              category=category if found else None))
        article = rng.choice(articles)
        if rng.random() < 0.5:
            steps.append(dict(base, kind=ev.OPEN, article_id=article, category=category))
            steps.append(dict(base, kind=ev.ANSWER, article_id=article, category=category, positive=rng.random() < 0.6))
        if rng.random() < 0.25:
            steps += [dict(base, kind=ev.FORM), dict(base, kind=ev.CHANNEL, channel="ticket", category=category),
                      dict(base, kind=ev.TICKET, channel="ticket", ticket_kind=rng.choice(("account", "billing", "other")),
                           results=rng.sample(articles, 3), category=category)]
        steps.append({"flow": None, "locale": locale, "visitor": None, "kind": ev.VIEW, "article_id": article, "category": category})
        for number, step in enumerate(steps):
            step.setdefault("query", None)
            for name in ("result_count", "results", "article_id", "category", "positive", "channel", "ticket_kind"):
                step.setdefault(name, None)
            step["ticket_id"] = None
            step["occurred_at"] = moment + dt.timedelta(seconds=5 * number)
            yield step
        made += len(steps)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="Events to generate (default: %(default)s).")
    parser.add_argument("--days", type=int, default=30, help="Days they are spread over (default: %(default)s).")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL; a throwaway schema is made there (default: a SQLite file).")
    parser.add_argument("--seed", type=int, default=14, help="Seed of the synthetic traffic (default: %(default)s).")
    parser.add_argument("--repeat", type=int, default=3, help="Report runs to time; the median is printed (default: %(default)s).")
    args = parser.parse_args(argv)

    schema = None
    if args.postgres:
        schema = f"kb_bench_{secrets.token_hex(4)}"
        admin = make_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}options=-csearch_path%3D{schema}"
    else:
        folder = Path(tempfile.mkdtemp(prefix="kb-analytics-bench-"))
        url = f"sqlite:///{folder / 'kb.sqlite3'}"
    database = Database(url)
    try:
        database.upgrade()
        print(f"# {database.engine.dialect.name}, {args.events:,} events over {args.days} days")
        started = time.perf_counter()
        batch = []
        for row in synthetic_rows(args.events, args.days, args.seed):
            batch.append(row)
            if len(batch) == BATCH:
                with database.writing() as session:
                    session.execute(insert(AnalyticsEvent), batch)
                batch = []
        if batch:
            with database.writing() as session:
                session.execute(insert(AnalyticsEvent), batch)
        with database.writing() as session:
            if database.engine.dialect.name == "postgresql":
                session.execute(text("ANALYZE analytics_events"))
            total = session.execute(text("SELECT count(*) FROM analytics_events")).scalar()
        print(f"loaded {total:,} events in {time.perf_counter() - started:.1f} s")

        # Recording one search as the web app does: one write transaction.
        timings = []
        flows = [secrets.token_hex(16) for _ in range(50)]
        for number in range(300):
            moment = dt.datetime.now(dt.UTC)
            began = time.perf_counter()
            with database.writing() as session:
                ev.add_search(session, occurred_at=moment, locale="en", query=f"typed {number}", results=["a", "b"],
                              category="billing", flow=flows[number % len(flows)])
            timings.append(time.perf_counter() - began)
        timings.sort()
        print(f"record one search: median {statistics.median(timings) * 1000:.2f} ms, "
              f"p95 {timings[int(len(timings) * 0.95)] * 1000:.2f} ms")

        for days in (args.days, 1):
            runs = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                with database.reading() as session:
                    result = build_report(session, Filters.since(dt.timedelta(days=days)))
                runs.append(time.perf_counter() - began)
            print(f"report over {days} day(s): median {statistics.median(runs):.2f} s "
                  f"({result.searches:,} searches, {result.flows:,} flows, rate {result.deflection_rate:.3f})")
    finally:
        database.dispose()
        if schema:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
