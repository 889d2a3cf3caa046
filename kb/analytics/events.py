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

from sqlalchemy import delete, select
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


def add_event(session: Session, kind: str, *, occurred_at: dt.datetime, locale: str, **fields) -> AnalyticsEvent:
    if kind not in KINDS:
        raise ValueError(f"unknown analytics event kind {kind!r}")
    if fields.get("query") is not None:
        fields["query"] = clean_query(fields["query"])
    event = AnalyticsEvent(kind=kind, occurred_at=occurred_at, locale=locale, **fields)
    session.add(event)
    return event


def add_search(
    session: Session, *, occurred_at: dt.datetime, locale: str, query: str, results: list[str], category: str | None,
    flow: str | None = None, visitor: str | None = None, result_count: int | None = None,
) -> AnalyticsEvent:
    """A search; with a ``flow``, one that follows the flow's previous search within the pause replaces it."""
    fields = {
        "query": clean_query(query), "results": list(results), "category": category, "visitor": visitor,
        "result_count": len(results) if result_count is None else result_count,
    }
    if flow is not None:
        latest = session.scalar(
            select(AnalyticsEvent)
            .where(AnalyticsEvent.flow == flow, AnalyticsEvent.kind == SEARCH)
            .order_by(AnalyticsEvent.id.desc())
            .limit(1)
        )
        if latest is not None and latest.locale == locale and abs(_aware(latest.occurred_at) - occurred_at) < SEARCH_PAUSE:
            # The same burst of typing. Workers write their queues
            # independently, so an earlier keystroke can arrive last: it never
            # replaces the text the customer went on to type.
            if occurred_at >= _aware(latest.occurred_at):
                for name, value in fields.items():
                    setattr(latest, name, value)
                latest.occurred_at = occurred_at
            return latest
    return add_event(session, SEARCH, occurred_at=occurred_at, locale=locale, flow=flow, **fields)


def prune(session: Session, before: dt.datetime) -> int:
    """Delete the events older than ``before``; how many went."""
    result = session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.occurred_at < before))
    return result.rowcount or 0


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes: every stored moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
