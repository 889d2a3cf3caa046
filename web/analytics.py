"""Recording what visitors do, without ever getting in their way.

Each ``record_*`` call writes its event in a short transaction of its own
(a ticket's events ride in the ticket's transaction, inside a savepoint). Any
failure is logged and swallowed: a customer never sees an analytics error,
and a page never waits for more than that one small write.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import current_app, g, request, session

from kb.analytics import events as ev

from . import search_index
from .extensions import database

log = logging.getLogger(__name__)

FLOW_KEY = "contact_flow"


class Recorder:
    """The app's analytics clock (``app.extensions["kb.analytics"]``): tests move it."""

    def __init__(self, now: Callable[[], dt.datetime] | None = None):
        self.now = now or (lambda: dt.datetime.now(dt.UTC))


def recorder() -> Recorder:
    return current_app.extensions["kb.analytics"]


def _visitor(now: dt.datetime) -> str | None:
    return ev.visitor_hash(current_app.secret_key, request.remote_addr, now.date())


def _safely(what: str, write: Callable) -> None:
    try:
        now = recorder().now()
        with database().writing() as db:
            write(db, now)
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

    def write(db, now):
        ev.add_event(db, kind, occurred_at=now, locale=locale, flow=flow, visitor=_visitor(now), **fields)

    _safely(kind, write)


def record_search(query: str, hits: list, *, locale: str, flow: str | None = None, total: int | None = None) -> None:
    """A search with its results (``hits``: search hits, the first page)."""
    if not query.strip():
        return
    results = [hit.id for hit in hits]
    category = hits[0].category if hits else None

    def write(db, now):
        ev.add_search(
            db, occurred_at=now, locale=locale, query=query, results=results, category=category,
            flow=flow, visitor=_visitor(now), result_count=total,
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
