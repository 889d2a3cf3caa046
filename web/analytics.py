"""Recording what visitors do, without ever getting in their way.

A ``record_*`` call only queues its event (the values are taken from the
request at once); a thread of each worker process writes the queue about
once a second, in one transaction, each event in a savepoint of its own. So
a request never waits for a database write or lock, SQLite commits once a
second per worker instead of once per keystroke, and one bad event never
loses the others. A ticket's events are the exception: they ride in the
ticket's own transaction, inside a savepoint. Any failure is logged and
swallowed: a customer never sees an analytics error.

With ``ANALYTICS_FLUSH_SECONDS`` at 0 (the default under ``TESTING``) events
are written before the response, so tests read them straight away.
"""

from __future__ import annotations

import atexit
import collections
import datetime as dt
import logging
import os
import threading
from collections.abc import Callable

from flask import current_app, g, request, session

from kb.analytics import events as ev

from . import search_index
from .extensions import database

log = logging.getLogger(__name__)

FLOW_KEY = "contact_flow"


# Events waiting when the database is unreachable: beyond this the oldest go.
QUEUE_MAX = 50_000


class Recorder:
    """Queues events and writes them in batches (``app.extensions["kb.analytics"]``).

    ``now`` is the analytics clock; tests move it.
    """

    def __init__(self, database, flush_seconds: float = 1.0, now: Callable[[], dt.datetime] | None = None):
        self.database = database
        self.flush_seconds = flush_seconds
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self._queue: collections.deque = collections.deque(maxlen=QUEUE_MAX)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = None
        self._dropped_warned = False

    def submit(self, what: str, write: Callable, at: dt.datetime | None = None) -> None:
        """Queue ``write(session, at)``; written at the next flush (at once without a flush interval)."""
        item = (what, at or self.now(), write)
        if self.flush_seconds <= 0:
            self._write([item])
            return
        if len(self._queue) == QUEUE_MAX and not self._dropped_warned:
            self._dropped_warned = True
            log.error("analytics: %d events are waiting to be written; the oldest are being dropped", QUEUE_MAX)
        self._queue.append(item)
        self._ensure_thread()

    def flush(self) -> int:
        """Write every queued event now; how many were taken."""
        items = []
        while True:
            try:
                items.append(self._queue.popleft())
            except IndexError:
                break
        if items:
            self._write(items)
        return len(items)

    def close(self) -> None:
        """Write what is left (a worker stopping)."""
        self._wake.set()
        self.flush()

    def _write(self, items: list) -> None:
        try:
            with self.database.writing() as db:
                for what, now, write in items:
                    try:
                        with db.begin_nested():
                            write(db, now)
                    except Exception:
                        log.exception("analytics: could not record %s (the visitor was not affected)", what)
        except Exception:
            log.exception("analytics: could not write %d event(s) (the visitors were not affected)", len(items))
        else:
            self._dropped_warned = False

    def _ensure_thread(self) -> None:
        # Started in the process that records: a gunicorn worker forked after
        # the app was made gets a thread of its own.
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="kb-analytics-writer", daemon=True)
            self._thread.start()
            atexit.register(self.close)

    def _run(self) -> None:
        wake = self._wake
        while not wake.wait(self.flush_seconds):
            self.flush()


def recorder() -> Recorder:
    return current_app.extensions["kb.analytics"]


def _visitor(now: dt.datetime) -> str | None:
    return ev.visitor_hash(current_app.secret_key, request.remote_addr, now.date())


def request_time() -> dt.datetime:
    """When this request arrived, on the analytics clock: the time of its events.

    The suggest API asks before it searches, so a search that took long
    under load is still dated when the customer typed it.
    """
    if "analytics_at" not in g:
        g.analytics_at = recorder().now()
    return g.analytics_at


def _safely(what: str, write: Callable) -> None:
    try:
        recorder().submit(what, write, request_time())
    except Exception:
        log.exception("analytics: could not record %s (the visitor was not affected)", what)


def category_of(article_id: str | None, locale: str) -> str | None:
    if not article_id:
        return None
    index = search_index()
    doc = index.document(locale, article_id) or index.document(current_app.config["DEFAULT_LOCALE"], article_id)
    return (doc or {}).get("category") or None


def record(kind: str, *, locale: str | None = None, flow: str | None = None, **fields) -> None:
    """One event of this request: locale of the page and the visitor's hash filled in."""
    locale = locale or g.locale
    visitor = _visitor(request_time())

    def write(db, now):
        ev.add_event(db, kind, occurred_at=now, locale=locale, flow=flow, visitor=visitor, **fields)

    _safely(kind, write)


def record_search(query: str, hits: list, *, locale: str, flow: str | None = None, total: int | None = None) -> None:
    """A search with its results (``hits``: search hits, the first page)."""
    if not query.strip():
        return
    results = [hit.id for hit in hits]
    category = hits[0].category if hits else None
    visitor = _visitor(request_time())

    def write(db, now):
        ev.add_search(
            db, occurred_at=now, locale=locale, query=query, results=results, category=category,
            flow=flow, visitor=visitor, result_count=total,
        )

    _safely("search", write)


# The contact flow: its id lives in the visitor's session from the contact
# page to a ticket or a "yes, solved".

def current_flow() -> str | None:
    return session.get(FLOW_KEY)


def ensure_flow() -> str:
    """The visitor's contact flow, started (and recorded) when there is none."""
    flow = session.get(FLOW_KEY)
    if flow is None:
        flow = session[FLOW_KEY] = ev.new_flow_id()
        record(ev.FLOW, flow=flow)
    return flow


def end_flow() -> None:
    session.pop(FLOW_KEY, None)


def valid_flow(value: str | None) -> str | None:
    """A flow id sent by the page's script, when it looks like one."""
    return value if value and ev.FLOW_ID.fullmatch(value) else None


def ticket_events(db, ticket, suggested: list[dict], flow: str | None) -> None:
    """The channel chosen and the ticket, in the ticket's own transaction.

    A savepoint keeps a failure here from taking the ticket down with it.
    """
    try:
        now = recorder().now()
        with db.begin_nested():
            ids = [a["id"] for a in suggested]
            common = {"occurred_at": now, "locale": ticket.locale, "flow": flow, "visitor": _visitor(now)}
            category = category_of(ids[0], ticket.locale) if ids else None
            ev.add_event(db, ev.CHANNEL, channel=ticket.channel, category=category, **common)
            ev.add_event(
                db, ev.TICKET, ticket_id=ticket.id, ticket_kind=ticket.kind, channel=ticket.channel,
                results=ids, category=category, **common,
            )
    except Exception:
        log.exception("analytics: could not record ticket %s (the ticket was kept)", ticket.number)
