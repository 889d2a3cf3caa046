"""Recording analytics events, and pruning them after the retention period.

Every function takes an open session and adds to its transaction; the web
layer (``web/analytics.py``) decides when, and makes sure a failure here is
logged and never reaches a customer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from kb.models import AnalyticsEvent

# The kinds of step, in the order a contact flow takes them.
FLOW = "flow"  # the contact page opened: a flow starts
SEARCH = "search"  # a search: typed in a field, the suggestions page or the search page
OPEN = "open"  # an article opened from the contact flow's suggestions
ANSWER = "answer"  # "Did this solve your problem?" (positive: yes)
FORM = "form"  # "I still need help": the ticket form shown
CHANNEL = "channel"  # a support channel chosen
TICKET = "ticket"  # a ticket sent (results: the articles offered before it)
VIEW = "view"  # an article page read outside the contact flow
VOTE = "vote"  # "Was this article helpful?" (positive: yes)
KINDS = (FLOW, SEARCH, OPEN, ANSWER, FORM, CHANNEL, TICKET, VIEW, VOTE)

# Searches of one flow closer together than this are one search: the customer
# was still typing. The last text of the burst is the one kept.
SEARCH_PAUSE = dt.timedelta(seconds=2)
QUERY_MAX = 200
FLOW_ID = re.compile(r"[0-9a-f]{32}")

_EMAIL = re.compile(r"\S+@\S+")
_LONG_NUMBER = re.compile(r"\d[\d .\-/]{4,}\d")
_SPACES = re.compile(r"\s+")


def new_flow_id() -> str:
    return secrets.token_hex(16)


def clean_query(text: str) -> str:
    """A search as analytics keeps it: one line, lower case, no addresses or long numbers.

    Customers type their own email address, phone or PIN into a subject now
    and then; those never reach the analytics tables.

    >>> clean_query("  Bounce from  Ana@Example.com ")
    'bounce from [email]'
    >>> clean_query("PIN 123 456 789 refused")
    'pin [number] refused'
    """
    text = _SPACES.sub(" ", text).strip()
    text = _EMAIL.sub("[email]", text)
    text = _LONG_NUMBER.sub("[number]", text)
    return text.casefold()[:QUERY_MAX]


def visitor_hash(secret: str, address: str | None, day: dt.date) -> str | None:
    """The client's address as a salted hash, the salt changing every day.

    Nobody can read the address back, and one visitor's days cannot be
    joined together.

    >>> a = visitor_hash("key", "203.0.113.9", dt.date(2026, 11, 29))
    >>> len(a), a == visitor_hash("key", "203.0.113.9", dt.date(2026, 11, 30))
    (32, False)
    """
    if not address:
        return None
    salt = f"kb.analytics.visitor:{day.isoformat()}:".encode()
    return hmac.new(secret.encode("utf-8"), salt + address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


COLUMNS = (
    "kind", "occurred_at", "locale", "flow", "visitor", "query", "result_count", "results",
    "article_id", "category", "positive", "channel", "ticket_kind", "ticket_id",
)
# What a later keystroke of the same burst changes in the stored search.
_SEARCH_FIELDS = ("occurred_at", "query", "result_count", "results", "category", "visitor")


def event_row(kind: str, *, occurred_at: dt.datetime, locale: str, **fields) -> dict:
    """One event as a row of ``analytics_events`` (the query cleaned), ready to write."""
    if kind not in KINDS:
        raise ValueError(f"unknown analytics event kind {kind!r}")
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise TypeError(f"not analytics event fields: {', '.join(sorted(unknown))}")
    row = dict.fromkeys(COLUMNS)
    row.update(fields, kind=kind, occurred_at=occurred_at, locale=locale)
    if row["query"] is not None:
        row["query"] = clean_query(row["query"])
    if kind == SEARCH and row["result_count"] is None:
        row["result_count"] = len(row["results"] or [])
    return row


def flow_has(session: Session, flow: str | None, kind: str) -> bool:
    """Whether the stored events of ``flow`` include a ``kind`` step (False without a flow)."""
    if flow is None:
        return False
    table = AnalyticsEvent.__table__
    found = session.execute(select(table.c.id).where(table.c.flow == flow, table.c.kind == kind).limit(1)).first()
    return found is not None


def write_rows(session: Session, rows: list[dict]) -> None:
    """Write a batch of event rows: one ``INSERT`` for all, bursts of typing folded first.

    Searches of one flow less than ``SEARCH_PAUSE`` apart are one search:
    within the batch only the last of a burst is kept, and a burst that goes
    on from the flow's stored search updates it instead of adding a row. A
    keystroke older than the stored search (another worker wrote the later
    one first) changes nothing.
    """
    table = AnalyticsEvent.__table__
    bursts: dict[str, list[dict]] = {}
    inserts = []
    for row in sorted(rows, key=lambda r: r["occurred_at"]):
        if row["kind"] != SEARCH or row["flow"] is None:
            inserts.append(row)
            continue
        flow_bursts = bursts.setdefault(row["flow"], [])
        last = flow_bursts[-1] if flow_bursts else None
        if last is not None and last["locale"] == row["locale"] and row["occurred_at"] - last["occurred_at"] < SEARCH_PAUSE:
            flow_bursts[-1] = row
        else:
            flow_bursts.append(row)
    if bursts:
        stored = {}
        found = session.execute(
            select(table.c.id, table.c.flow, table.c.occurred_at, table.c.locale)
            .where(table.c.kind == SEARCH, table.c.flow.in_(list(bursts)))
            .order_by(table.c.id)
        )
        for event_id, flow, occurred_at, locale in found:
            stored[flow] = (event_id, _aware(occurred_at), locale)
        updates = []
        for flow, flow_bursts in bursts.items():
            first = flow_bursts[0]
            latest = stored.get(flow)
            if latest and latest[2] == first["locale"] and abs(latest[1] - first["occurred_at"]) < SEARCH_PAUSE:
                flow_bursts.pop(0)
                if first["occurred_at"] >= latest[1]:
                    updates.append({"event_id": latest[0], **{f"new_{name}": first[name] for name in _SEARCH_FIELDS}})
            inserts.extend(flow_bursts)
        if updates:
            session.execute(
                update(table).where(table.c.id == bindparam("event_id"))
                .values({name: bindparam(f"new_{name}") for name in _SEARCH_FIELDS}),
                updates,
            )
    if inserts:
        session.execute(insert(table), inserts)


def add_event(session: Session, kind: str, *, occurred_at: dt.datetime, locale: str, **fields) -> None:
    write_rows(session, [event_row(kind, occurred_at=occurred_at, locale=locale, **fields)])


def add_search(
    session: Session, *, occurred_at: dt.datetime, locale: str, query: str, results: list[str], category: str | None,
    flow: str | None = None, visitor: str | None = None, result_count: int | None = None,
) -> None:
    """A search; with a ``flow``, one that follows the flow's previous search within the pause replaces it."""
    add_event(
        session, SEARCH, occurred_at=occurred_at, locale=locale, query=query, results=list(results), category=category,
        flow=flow, visitor=visitor, result_count=result_count,
    )


def prune(session: Session, before: dt.datetime) -> int:
    """Delete the events older than ``before``; how many went."""
    result = session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.occurred_at < before))
    return result.rowcount or 0


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes: every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
