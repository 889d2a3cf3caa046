"""Recording what visitors do, without ever getting in their way.

A ``record_*`` call only builds its event row and queues it; a thread of each
worker process writes the queue about once a second: one transaction, one
``INSERT`` for the batch, bursts of typing folded first (``events.write_rows``).
So a request never waits for a database write or lock, and SQLite commits
once a second per worker instead of once per keystroke. A batch that fails is
written again event by event, so one bad event never loses the others. A
ticket's events are the exception: they ride in the ticket's own transaction,
inside a savepoint; so is a chat or phone choice, written in a short
transaction of its own (as rare as a ticket). Any failure is logged and
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

import limits
from flask import current_app, g, request, session
from flask_limiter.util import get_remote_address

from kb.analytics import events as ev

from . import search_index
from .extensions import database, limiter

log = logging.getLogger(__name__)

FLOW_KEY = "contact_flow"
CHOSEN_KEY = "contact_channels"  # {"flow": id, "codes": [...]}: chat and phone already counted in the flow


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

    def submit(self, row: dict) -> None:
        """Queue an event row (``events.event_row``); written at the next flush (at once without a flush interval)."""
        if self.flush_seconds <= 0:
            self._write([row])
            return
        if len(self._queue) == QUEUE_MAX and not self._dropped_warned:
            self._dropped_warned = True
            log.error("analytics: %d events are waiting to be written; the oldest are being dropped", QUEUE_MAX)
        self._queue.append(row)
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

    def _write(self, rows: list[dict]) -> None:
        try:
            with self.database.writing() as db:
                ev.write_rows(db, rows)
        except Exception:
            if len(rows) == 1:
                log.exception("analytics: could not record %s (the visitor was not affected)", rows[0]["kind"])
                return
            log.exception("analytics: could not write a batch of %d events; writing them one by one", len(rows))
            for row in rows:  # one bad event must not lose the others
                self._write([row])
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


def _submit(kind: str, fields: dict) -> None:
    """Queue one event of this request, dated when the request arrived; never raises."""
    try:
        at = request_time()
        recorder().submit(ev.event_row(kind, occurred_at=at, visitor=_visitor(at), **fields))
    except Exception:
        log.exception("analytics: could not record %s (the visitor was not affected)", kind)


def category_of(article_id: str | None, locale: str) -> str | None:
    if not article_id:
        return None
    index = search_index()
    doc = index.document(locale, article_id) or index.document(current_app.config["DEFAULT_LOCALE"], article_id)
    return (doc or {}).get("category") or None


def record(kind: str, *, locale: str | None = None, flow: str | None = None, **fields) -> None:
    """One event of this request (the page's locale unless given)."""
    _submit(kind, {"locale": locale or g.locale, "flow": flow, **fields})


def record_search(query: str, hits: list, *, locale: str, flow: str | None = None, total: int | None = None) -> None:
    """A search with its results (``hits``: search hits, the first page)."""
    if not query.strip():
        return
    _submit(ev.SEARCH, {
        "locale": locale, "flow": flow, "query": query, "results": [hit.id for hit in hits],
        "category": hits[0].category if hits else None, "result_count": total,
    })


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


def search_flow() -> str:
    """A flow id for a search field outside the contact flow (the home page's).

    Its searches count once per pause like the contact page's, but it starts
    no contact flow (no ``flow`` event), so deflection figures stay those of
    the contact page.
    """
    return ev.new_flow_id()


def end_flow() -> None:
    session.pop(FLOW_KEY, None)
    session.pop(CHOSEN_KEY, None)


def record_channel_choice(code: str, kind: str | None, category: str | None) -> bool:
    """Chat started or the phone number shown: a ``channel`` event, as a ticket's; whether it was recorded.

    Counted once per flow and channel (a customer clicking "Start a chat"
    again is the same choice), and at most ``CHANNEL_CHOICE_LIMIT`` per
    client, so one person cannot inflate the channel figures. Never raises:
    the customer reaches the chat or the number either way.
    """
    try:
        flow = current_flow()
        chosen = session.get(CHOSEN_KEY)
        codes = chosen["codes"] if isinstance(chosen, dict) and flow and chosen.get("flow") == flow else []
        if code in codes:
            return False
        limit = limits.parse(current_app.config["CHANNEL_CHOICE_LIMIT"])
        if not limiter.limiter.hit(limit, "channel-choice", get_remote_address()):
            return False
        now = request_time()
        common = {"occurred_at": now, "locale": g.locale, "flow": flow, "visitor": _visitor(now)}
        # Written at once, as a ticket's events are (a choice is as rare): the
        # cards are part of the ticket form, so choosing from them shows the
        # form was, when the one-page contact flow revealed it without a request.
        with database().writing() as db:
            rows = [] if flow is None or ev.flow_has(db, flow, ev.FORM) else [ev.event_row(ev.FORM, **common)]
            ev.write_rows(db, [*rows, ev.event_row(ev.CHANNEL, channel=code, ticket_kind=kind, category=category, **common)])
        if flow:
            session[CHOSEN_KEY] = {"flow": flow, "codes": [*codes, code]}
        return True
    except Exception:
        log.exception("analytics: could not record the choice of %s (the visitor was not affected)", code)
        return False


def valid_flow(value: str | None) -> str | None:
    """A flow id sent by the page's script, when it looks like one."""
    return value if value and ev.FLOW_ID.fullmatch(value) else None


def ticket_events(db, ticket, suggested: list[dict], flow: str | None) -> None:
    """The channel chosen and the ticket, in the ticket's own transaction.

    A savepoint keeps a failure here from taking the ticket down with it.
    """
    try:
        now = request_time()
        with db.begin_nested():
            ids = [a["id"] for a in suggested]
            common = {"occurred_at": now, "locale": ticket.locale, "flow": flow, "visitor": _visitor(now)}
            category = category_of(ids[0], ticket.locale) if ids else None
            rows = [] if ev.flow_has(db, flow, ev.FORM) else [
                # The one-page contact flow reveals the form without a request:
                # a ticket sent is the form shown.
                ev.event_row(ev.FORM, **common),
            ]
            ev.write_rows(db, [
                *rows,
                ev.event_row(ev.CHANNEL, channel=ticket.channel, ticket_kind=ticket.kind, category=category, **common),
                ev.event_row(ev.TICKET, ticket_id=ticket.id, ticket_kind=ticket.kind, channel=ticket.channel,
                             results=ids, category=category, **common),
            ])
    except Exception:
        log.exception("analytics: could not record ticket %s (the ticket was kept)", ticket.number)
