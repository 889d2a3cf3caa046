"""The figures of a period: deflection, the funnel, searches, articles, tickets.

One :func:`build_report` serves the admin pages, their CSV export and
``kb report``. Everything is counted by the database (``GROUP BY`` over
``analytics_events``), so a month of a busy help center never travels to
Python; only ticket events, a few per thousand searches, are read one by one.

Definitions (also in the admin page's notes):

- a *search* is one ``search`` event: a pause in a search field, the
  suggestions page of the contact flow, or the first page of a search;
- a *flow* is a contact flow that started in the period; it *saw
  suggestions* when one of its searches found at least one article, and is
  *deflected* when it saw suggestions and the customer then contacted no one:
  no ticket, no chat started, no phone number shown;
- the *deflection rate* is deflected flows over flows that saw suggestions;
- *requests* per kind and channel are the tickets sent, the chats started
  and the phone numbers shown (``channel`` events of chat and phone, with
  the kind chosen on the form at that moment, when there was one);
- with a category, searches count when their first result is in it, and
  flows when an article of it was suggested or opened in them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter

from sqlalchemy import Date, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from kb.models import AnalyticsEvent as E
from kb.models import ArticleFeedback

from . import events as ev

TOP = 20
# Steps of the funnel, each counted once per flow.
FUNNEL = (
    ("started", ev.FLOW, None),
    ("searched", ev.SEARCH, None),
    ("saw_suggestions", ev.SEARCH, E.result_count > 0),
    ("opened_article", ev.OPEN, None),
    ("not_solved", ev.ANSWER, E.positive.is_(False)),
    ("solved", ev.ANSWER, E.positive.is_(True)),
    ("form_shown", ev.FORM, None),
    ("channel_chosen", ev.CHANNEL, None),
    ("ticket", ev.TICKET, None),
)

_DURATION = re.compile(r"(\d{1,5})([hdw])")


def parse_since(text: str) -> dt.timedelta:
    """A period such as ``30d``, ``12h`` or ``2w``.

    >>> parse_since("30d")
    datetime.timedelta(days=30)
    >>> parse_since("soon")
    Traceback (most recent call last):
    ...
    ValueError: expected a number of hours, days or weeks such as 30d, 12h or 2w, not 'soon'
    """
    match = _DURATION.fullmatch(text.strip())
    if not match or int(match[1]) == 0:
        raise ValueError(f"expected a number of hours, days or weeks such as 30d, 12h or 2w, not {text!r}")
    number, unit = int(match[1]), match[2]
    return {"h": dt.timedelta(hours=number), "d": dt.timedelta(days=number), "w": dt.timedelta(weeks=number)}[unit]


@dataclasses.dataclass(frozen=True)
class Filters:
    start: dt.datetime
    end: dt.datetime
    locale: str | None = None
    category: str | None = None

    @classmethod
    def since(cls, period: dt.timedelta, *, now: dt.datetime | None = None, locale=None, category=None) -> Filters:
        now = now or dt.datetime.now(dt.UTC)
        return cls(now - period, now, locale or None, category or None)


@dataclasses.dataclass
class Report:
    filters: Filters
    searches: int
    zero_result_searches: int
    flows: int
    flows_with_suggestions: int
    deflected: int
    tickets: int
    chats: int
    calls: int
    funnel: list[tuple[str, int]]
    daily: list[dict]
    top_queries: list[dict]
    zero_result_queries: list[dict]
    deflecting_articles: list[dict]
    suggested_before_tickets: list[dict]
    helpfulness: list[dict]
    requests_by_kind_channel: list[dict]

    @property
    def deflection_rate(self) -> float | None:
        """Deflected flows over flows that saw suggestions (None when none did)."""
        return self.deflected / self.flows_with_suggestions if self.flows_with_suggestions else None

    def as_json(self) -> dict:
        rate = self.deflection_rate
        return {
            "period": {"start": self.filters.start.isoformat(), "end": self.filters.end.isoformat()},
            "locale": self.filters.locale,
            "category": self.filters.category,
            "searches": self.searches,
            "zero_result_searches": self.zero_result_searches,
            "flows": self.flows,
            "flows_with_suggestions": self.flows_with_suggestions,
            "deflected": self.deflected,
            "tickets": self.tickets,
            "chats": self.chats,
            "calls": self.calls,
            "deflection_rate": None if rate is None else round(rate, 4),
            "funnel": [{"step": step, "flows": count} for step, count in self.funnel],
            "daily": self.daily,
            "top_queries": self.top_queries,
            "zero_result_queries": self.zero_result_queries,
            "deflecting_articles": self.deflecting_articles,
            "suggested_before_tickets": self.suggested_before_tickets,
            "helpfulness": self.helpfulness,
            "requests_by_kind_channel": self.requests_by_kind_channel,
        }

    def tables(self) -> dict[str, list[dict]]:
        """Each table of the report as rows of plain values: what the CSV export writes."""
        figures = self.as_json()
        summary = [{"figure": name, "value": "" if figures[name] is None else figures[name]} for name in SUMMARY]
        return {"summary": summary, **{name: figures[name] for name in TABLES if name != "summary"}}


# The single figures of the report, in the order of its summary table.
SUMMARY = (
    "searches", "zero_result_searches", "flows", "flows_with_suggestions", "deflected", "tickets", "chats", "calls",
    "deflection_rate",
)

# Each table of the report and its columns, as the CSV export writes them.
TABLES = {
    "summary": ("figure", "value"),
    "funnel": ("step", "flows"),
    "daily": ("day", "searches", "flows", "tickets"),
    "top_queries": ("query", "locale", "count"),
    "zero_result_queries": ("query", "locale", "count"),
    "deflecting_articles": ("article_id", "deflected_flows", "solved_answers"),
    "suggested_before_tickets": ("article_id", "tickets"),
    "helpfulness": ("article_id", "helpful", "not_helpful", "helpful_share", "solved", "not_solved"),
    "requests_by_kind_channel": ("kind", "channel", "requests"),
}


def build_report(session: Session, filters: Filters, *, top: int = TOP) -> Report:
    period = [E.occurred_at >= filters.start, E.occurred_at < filters.end]
    if filters.locale:
        period.append(E.locale == filters.locale)
    scoped = [*period, E.category == filters.category] if filters.category else period

    searches, zero = session.execute(
        select(func.count(), func.coalesce(func.sum(case((E.result_count == 0, 1), else_=0)), 0))
        .where(E.kind == ev.SEARCH, *scoped)
    ).one()

    flows = _flows(filters, period)
    # One pass over the flows: each step of the funnel, and the deflected ones.
    *funnel_row, deflected = session.execute(select(
        *(func.coalesce(func.sum(getattr(flows.c, step)), 0) for step, _k, _c in FUNNEL),
        func.coalesce(func.sum(case((_deflected(flows), 1), else_=0)), 0),
    )).one()
    funnel = list(zip((step for step, _k, _c in FUNNEL), (int(n) for n in funnel_row)))
    counts = dict(funnel)

    ticket_events = session.execute(
        select(E.ticket_kind, E.channel, E.results).where(E.kind == ev.TICKET, *scoped)
    ).all()
    suggested = Counter(article for _k, _c, results in ticket_events for article in dict.fromkeys(results or []))
    # Chat and phone leave no ticket: their choice is the request. (A ticket's
    # own ``channel`` event is left out: the ticket counts it.)
    live_choices = session.execute(
        select(E.ticket_kind, E.channel).where(E.kind == ev.CHANNEL, E.channel != "ticket", *scoped)
    ).all()
    by_kind_channel = Counter((kind or "", channel or "") for kind, channel, _r in ticket_events)
    by_kind_channel.update((kind or "", channel or "") for kind, channel in live_choices)
    live = Counter(channel for _kind, channel in live_choices)

    return Report(
        filters=filters,
        searches=int(searches),
        zero_result_searches=int(zero),
        flows=counts["started"],
        flows_with_suggestions=counts["saw_suggestions"],
        deflected=int(deflected),
        tickets=len(ticket_events),
        chats=live["chat"],
        calls=live["phone"],
        funnel=funnel,
        daily=_daily(session, scoped),
        top_queries=_queries(session, [E.kind == ev.SEARCH, *scoped], top),
        zero_result_queries=_queries(session, [E.kind == ev.SEARCH, E.result_count == 0, *period], top),
        deflecting_articles=_deflecting_articles(session, flows, period, filters, top),
        suggested_before_tickets=[{"article_id": a, "tickets": n} for a, n in _ranked(suggested)[:top]],
        helpfulness=_helpfulness(session, filters, top),
        requests_by_kind_channel=[
            {"kind": kind, "channel": channel, "requests": n} for (kind, channel), n in _ranked(by_kind_channel)
        ],
    )


def _deflected(flows):
    """A flow that saw suggestions and then contacted no one (no ticket, chat or call)."""
    return and_(flows.c.saw_suggestions == 1, flows.c.channel_chosen == 0, flows.c.ticket == 0)


def _flows(filters: Filters, period: list):
    """One row per flow started in the period: 1 or 0 for each step of the funnel."""
    flags = [
        func.max(case((and_(E.kind == kind, condition) if condition is not None else E.kind == kind, 1), else_=0)).label(step)
        for step, kind, condition in FUNNEL
    ]
    query = select(E.flow, *flags).where(E.flow.is_not(None), *period).group_by(E.flow)
    query = query.having(func.max(case((E.kind == ev.FLOW, 1), else_=0)) == 1)
    if filters.category:
        query = query.having(func.max(case((E.category == filters.category, 1), else_=0)) == 1)
    return query.subquery("flows")


def _day(session: Session):
    """The UTC day of an event, the way each database says it."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", E.occurred_at), Date)
    return func.date(E.occurred_at)


def _daily(session: Session, scoped: list) -> list[dict]:
    day = _day(session).label("day")
    rows = session.execute(
        select(day, E.kind, func.count())
        .where(E.kind.in_((ev.SEARCH, ev.FLOW, ev.TICKET)), *scoped)
        .group_by(day, E.kind)
        .order_by(day)
    ).all()
    days: dict[str, dict] = {}
    names = {ev.SEARCH: "searches", ev.FLOW: "flows", ev.TICKET: "tickets"}
    for day_value, kind, count in rows:
        key = str(day_value)
        days.setdefault(key, {"day": key, "searches": 0, "flows": 0, "tickets": 0})[names[kind]] = count
    return list(days.values())


def _queries(session: Session, conditions: list, top: int) -> list[dict]:
    count = func.count().label("count")
    rows = session.execute(
        select(E.query, E.locale, count).where(*conditions).group_by(E.query, E.locale)
        .order_by(count.desc(), E.query, E.locale).limit(top)
    ).all()
    return [{"query": q, "locale": locale, "count": n} for q, locale, n in rows]


def _deflecting_articles(session: Session, flows, period: list, filters: Filters, top: int) -> list[dict]:
    """Articles opened in deflected flows, and their "solved" answers."""
    opened = func.count(func.distinct(E.flow)).label("flows")
    conditions = [E.kind == ev.OPEN, _deflected(flows), *period]
    if filters.category:
        conditions.append(E.category == filters.category)
    rows = session.execute(
        select(E.article_id, opened).join(flows, flows.c.flow == E.flow).where(*conditions)
        .group_by(E.article_id).order_by(opened.desc(), E.article_id).limit(top)
    ).all()
    solved_conditions = [E.kind == ev.ANSWER, E.positive.is_(True), *period]
    if filters.category:
        solved_conditions.append(E.category == filters.category)
    solved = dict(session.execute(select(E.article_id, func.count()).where(*solved_conditions).group_by(E.article_id)).all())
    return [{"article_id": a, "deflected_flows": n, "solved_answers": solved.get(a, 0)} for a, n in rows]


def _helpfulness(session: Session, filters: Filters, top: int) -> list[dict]:
    """"Helpful?" and "Did this solve your problem?" answers per article, one per visitor.

    Read from ``article_feedback``, where each visitor has one answer per
    article and question (the latest): one person cannot push an article up.
    """
    F = ArticleFeedback
    conditions = [F.created_at >= filters.start, F.created_at < filters.end]
    if filters.locale:
        conditions.append(F.locale == filters.locale)
    if filters.category:
        in_category = select(E.article_id).where(E.category == filters.category, E.article_id.is_not(None)).distinct()
        conditions.append(F.article_id.in_(in_category))

    def tally(question, positive):
        return func.coalesce(func.sum(case((and_(F.question == question, F.positive.is_(positive)), 1), else_=0)), literal(0))

    answers = func.count().label("answers")
    rows = session.execute(
        select(F.article_id, tally("helpful", True), tally("helpful", False), tally("solved", True), tally("solved", False), answers)
        .where(*conditions).group_by(F.article_id).order_by(answers.desc(), F.article_id).limit(top)
    ).all()
    result = []
    for article_id, helpful, unhelpful, solved, unsolved, _total in rows:
        votes = helpful + unhelpful
        result.append({
            "article_id": article_id, "helpful": int(helpful), "not_helpful": int(unhelpful),
            "helpful_share": round(helpful / votes, 4) if votes else None,
            "solved": int(solved), "not_solved": int(unsolved),
        })
    return result


def _ranked(counter: Counter) -> list[tuple]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def popular_articles(session: Session, since: dt.datetime, limit: int) -> list[tuple[str, int]]:
    """The most read articles since a moment: (article id, readers), most read first.

    A reader is a visitor on one day (the visitor hash changes daily), so one
    person reloading a page again and again cannot push it up.
    """
    views = func.count(func.distinct(E.visitor)).label("views")
    return [
        (article_id, n)
        for article_id, n in session.execute(
            select(E.article_id, views).where(E.kind.in_((ev.VIEW, ev.OPEN)), E.occurred_at >= since)
            .group_by(E.article_id).order_by(views.desc(), E.article_id).limit(limit)
        ).all()
    ]
