"""How long storing a ticket (with its outbox messages) and delivering its mail take.

Run on demand, never in the test suite:

    .venv/bin/python benchmarks/bench_tickets.py [--tickets 200] [--database-url URL]

Prints medians: milliseconds to submit one ticket through the web form (SQLite
with synchronous=FULL, or the given database), and milliseconds per message
delivered by the outbox sender to a local aiosmtpd server.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from kb.articles import load_articles  # noqa: E402
from kb.outbox import Sender  # noqa: E402
from search.indexing import build_index  # noqa: E402
from tests.helpers import open_ticket_form, submit  # noqa: E402
from web import create_app  # noqa: E402

LOCALES = ("en", "fr", "de", "es", "it", "pt")


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        build_index(load_articles(ROOT / "articles", LOCALES, "en"), folder / "index", LOCALES)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = create_app({
            "INSTANCE_DIR": folder / "instance", "INDEX_DIR": folder / "index",
            "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'kb.sqlite3'}",
            "SMTP_URL": f"smtp://127.0.0.1:{port}", "MIN_FILL_SECONDS": 0, "TICKET_RATE_LIMIT": "100000 per minute",
        })
        app.extensions["kb.db"].upgrade()
        client = app.test_client()
        submit_ms = []
        for _ in range(args.tickets):
            # A form makes one ticket (its key is single-use): a fresh one each time, shown before the clock starts.
            form_page = open_ticket_form(client)
            start = time.perf_counter()
            response = submit(client, form_page)
            submit_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 303, response.status_code
        controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        try:
            sender = Sender(app.extensions["kb.db"], app.config)
            start = time.perf_counter()
            delivered = 0
            while True:
                report = sender.deliver_due()
                if not report.sent:
                    break
                delivered += report.sent
            deliver_seconds = time.perf_counter() - start
        finally:
            controller.stop()
        app.extensions["kb.db"].dispose()
    print(f"tickets submitted: {args.tickets}")
    print(f"submit median {statistics.median(submit_ms):.1f} ms, p90 {statistics.quantiles(submit_ms, n=10)[-1]:.1f} ms")
    print(f"outbox: {delivered} messages in {deliver_seconds:.2f} s, {deliver_seconds / max(delivered, 1) * 1000:.1f} ms per message")


if __name__ == "__main__":
    main()
