"""Which support channels a customer can use now, and why: one decision from the rules.

:func:`decide` is pure: the rules, the customer, the kind of request, the
language and the moment go in; each channel comes out with a state
(``open``, ``closed`` or ``unavailable``) and a reason code. :func:`explain`
turns a reason into a sentence in the customer's language, with times in
the support team's zone and in the customer's own.

>>> import datetime as dt
>>> from kb.rules import load_rules
>>> rules = load_rules()
>>> monday_evening = dt.datetime.fromisoformat("2026-11-23T19:00+01:00")
>>> decision = decide(rules, Customer(email="ana@example.com", plan="premium"), "campaign", "fr", monday_evening)
>>> [(c.code, c.state, c.reason) for c in decision.channels]
[('ticket', 'open', 'open'), ('chat', 'closed', 'closed_hours'), ('phone', 'closed', 'closed_hours')]
>>> from babel.support import NullTranslations
>>> explain(decision.channels[2], decision, NullTranslations(), "en", zoneinfo.ZoneInfo("Europe/London"))
'Opens tomorrow at 09:00 CET (08:00 your time).'
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date, format_time, get_day_names, get_timezone_name
from babel.lists import format_list
from markupsafe import Markup, escape

from .rules import CHANNELS, Channel, Plan, Rules

OPEN, CLOSED, UNAVAILABLE = "open", "closed", "unavailable"
# How far ahead the next opening is looked for (long holidays included).
LOOKAHEAD_DAYS = 31


@dataclass(frozen=True)
class Customer:
    """Who is asking: signed in (a plan is known) or an anonymous visitor."""

    email: str | None = None
    name: str | None = None
    account: str | None = None
    plan: str | None = None
    pin: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.plan is not None


@dataclass(frozen=True)
class RecentTicket:
    number: str
    created_at: dt.datetime
    link: str | None = None  # where the customer can read it, when known


@dataclass(frozen=True)
class ChannelChoice:
    code: str
    state: str  # open, closed, unavailable
    # open, other_language, closed_hours, closed_holiday, plan, sign_in, kind, language
    reason: str
    channel: Channel
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    first_answer_hours: int | None = None
    pin: str | None = None
    number: str | None = None
    launcher_url: str | None = None
    plans_with_it: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "state": self.state,
            "reason_code": self.reason,
            "languages": list(self.channel.languages),
            "opens_at": self.opens_at.isoformat() if self.opens_at else None,
            "closes_at": self.closes_at.isoformat() if self.closes_at and not self.channel.always_open else None,
            "first_answer_hours": self.first_answer_hours,
            "asks_for_pin": self.channel.asks_for_pin,
            "number": self.number,
            "launcher_url": self.launcher_url,
        }


@dataclass(frozen=True)
class Decision:
    channels: tuple[ChannelChoice, ...]
    plan: Plan
    signed_in: bool
    moment: dt.datetime
    time_zone: zoneinfo.ZoneInfo
    recent_ticket: RecentTicket | None = None
    kind: str | None = None  # the kind of request decided for (None: not chosen yet)

    def channel(self, code: str) -> ChannelChoice:
        return next(c for c in self.channels if c.code == code)


def decide(
    rules: Rules,
    customer: Customer,
    kind: str | None,
    language: str,
    moment: dt.datetime,
    recent_ticket: RecentTicket | None = None,
) -> Decision:
    """Each channel's state for this customer, kind of request (None: not chosen yet), language and moment."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs a time zone")
    plan = rules.plan(customer.plan if customer.signed_in else None)
    allowed_for_kind = rules.kinds.get(kind, CHANNELS) if kind else CHANNELS
    choices = []
    for code in CHANNELS:
        channel = rules.channels[code]
        common = {
            "code": code,
            "channel": channel,
            "first_answer_hours": plan.first_answer_hours if code == "ticket" else None,
            "pin": customer.pin if channel.asks_for_pin and customer.signed_in else None,
            "number": channel.number_for(language) if channel.numbers else None,
            "launcher_url": channel.launcher_url,
            "plans_with_it": tuple(p.name for p in rules.plans.values() if code in p.channels),
        }
        opens_at, closes_at, holiday = _opening(rules, channel, moment)
        common.update(opens_at=opens_at, closes_at=closes_at)
        # The most final reason first: no plan or sign-in changes a request
        # that must be written, so that is what the customer is told.
        if code not in allowed_for_kind:
            choices.append(ChannelChoice(state=UNAVAILABLE, reason="kind", **common))
        elif code not in plan.channels:
            reason = "plan" if customer.signed_in else "sign_in"
            choices.append(ChannelChoice(state=UNAVAILABLE, reason=reason, **common))
        elif language not in channel.languages and channel.other_languages != "accepted":
            choices.append(ChannelChoice(state=UNAVAILABLE, reason="language", **common))
        elif closes_at is None:
            choices.append(ChannelChoice(state=CLOSED, reason="closed_holiday" if holiday else "closed_hours", **common))
        elif language not in channel.languages:
            choices.append(ChannelChoice(state=OPEN, reason="other_language", **common))
        else:
            choices.append(ChannelChoice(state=OPEN, reason="open", **common))
    recent = None
    if recent_ticket is not None and moment - recent_ticket.created_at < dt.timedelta(hours=rules.recent_ticket_hours):
        recent = recent_ticket
    return Decision(tuple(choices), plan, customer.signed_in, moment, rules.time_zone, recent, kind)


def _opening(rules: Rules, channel: Channel, moment: dt.datetime):
    """(next opening or None when open now, closing time when open now, closed today for a holiday)."""
    if channel.always_open:
        return None, dt.datetime.max.replace(tzinfo=dt.UTC), False
    zone = rules.time_zone
    today = moment.astimezone(zone).date()
    holiday = today in rules.holidays and today.weekday() in channel.hours
    for offset in range(LOOKAHEAD_DAYS):
        day = today + dt.timedelta(days=offset)
        span = channel.hours.get(day.weekday())
        if span is None or day in rules.holidays:
            continue
        start = dt.datetime.combine(day, span[0], tzinfo=zone)
        end = dt.datetime.combine(day, span[1], tzinfo=zone)
        if moment < start:
            return start, None, holiday
        if moment < end:
            return None, end, False
    return None, None, holiday


# Words -----------------------------------------------------------------------


def channel_label(code: str, translations) -> str:
    _ = translations.gettext
    return {"ticket": _("Ticket"), "chat": _("Chat"), "phone": _("Phone")}[code]


class _Words:
    """Formatting in one locale: plain text for the command line, escaped HTML for pages.

    In HTML, times are ``<time>`` elements and language names are marked as
    already in the reader's language (``translate="no"``).
    """

    def __init__(self, translations, locale: str, zone: zoneinfo.ZoneInfo, support_zone: zoneinfo.ZoneInfo, html: bool):
        self.translations, self.locale, self.zone, self.support_zone, self.html = translations, locale, zone, support_zone, html

    def say(self, message: str, **params) -> str:
        if self.html:
            return Markup(escape(message)) % params
        return message % params if params else message

    def _mark(self, tag: str, text: str, **attributes) -> str:
        if not self.html:
            return text
        extra = "".join(f' {name.rstrip("_")}="{escape(value)}"' for name, value in attributes.items())
        return Markup(f"<{tag}{extra}>{escape(text)}</{tag}>")

    def name(self, text: str) -> str:
        """A name Babel or the rules gave (a day, a zone, a plan), already in the reader's language."""
        return self._mark("span", text, translate="no")

    def zone_name(self, moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
        """Babel's short name where the locale has one (MEZ, CET), else the zone's abbreviation."""
        name = get_timezone_name(moment.astimezone(zone), "short", locale=self.locale)
        return name if any(c.isalpha() for c in name.replace("GMT", "").replace("UTC", "")) else moment.astimezone(zone).tzname()

    def clock(self, moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
        # A 24-hour clock everywhere: the support team's hours read the same in every language.
        return format_time(moment, "HH:mm", tzinfo=zone, locale=self.locale)

    def time(self, moment: dt.datetime) -> str:
        """``09:00 CET``, and ``(10:00 your time)`` when the customer's clock differs."""
        _ = self.translations.gettext
        support = self._mark("time", f"{self.clock(moment, self.support_zone)} {self.zone_name(moment, self.support_zone)}", datetime=moment.isoformat())
        if moment.astimezone(self.zone).utcoffset() == moment.astimezone(self.support_zone).utcoffset():
            return support
        own = moment.astimezone(self.zone)
        local = self.clock(moment, self.zone)
        if own.date() != moment.astimezone(self.support_zone).date():
            local = f"{format_date(own, 'EEEE', locale=self.locale)} {local}"  # inside <time>
        return self.say(_("%(time)s (%(local_time)s your time)"), time=support, local_time=self._mark("time", local, datetime=own.isoformat()))

    def opens(self, moment: dt.datetime, now: dt.datetime) -> str:
        _ = self.translations.gettext
        days = (moment.astimezone(self.support_zone).date() - now.astimezone(self.support_zone).date()).days
        if days == 0:
            return self.say(_("Opens today at %(time)s."), time=self.time(moment))
        if days == 1:
            return self.say(_("Opens tomorrow at %(time)s."), time=self.time(moment))
        pattern = "EEEE" if days < 7 else "EEEE d MMMM"
        day = format_date(moment.astimezone(self.support_zone), pattern, locale=self.locale)
        return self.say(_("Opens %(day)s at %(time)s."), day=self.name(day), time=self.time(moment))

    def languages(self, codes, style: str = "standard") -> str:
        names = [Locale.parse(code).get_display_name(self.locale) or code for code in codes]
        return self._mark("span", format_list(names, style=style, locale=self.locale), translate="no")

    def hours(self, channel: Channel, now: dt.datetime) -> str:
        """``Monday to Friday, 09:00–18:00 CET`` or ``Around the clock, every day``."""
        _ = self.translations.gettext
        if channel.always_open:
            return self.say(_("Around the clock, every day"))
        names = get_day_names("wide", locale=self.locale)
        groups: list[list] = []  # [first day, last day, span]
        for day in range(7):
            span = channel.hours.get(day)
            if span and groups and groups[-1][2] == span and groups[-1][1] == day - 1:
                groups[-1][1] = day
            elif span:
                groups.append([day, day, span])
        parts = []
        for first, last, (opens, closes) in groups:
            days = self.name(names[first]) if first == last else self.say(
                _("%(first)s to %(last)s"), first=self.name(names[first]), last=self.name(names[last])
            )
            reference = dt.datetime.combine(now.astimezone(self.support_zone).date(), opens, tzinfo=self.support_zone)
            start, end = opens.strftime("%H:%M"), closes.strftime("%H:%M")
            part = self.say("%(days)s, %(start)s–%(end)s %(zone)s", days=days, start=start, end=end, zone=self.name(self.zone_name(reference, self.support_zone)))
            if reference.astimezone(self.zone).utcoffset() != reference.utcoffset():
                # The same span on the reader's clock, on today's offsets (summer time included).
                until = dt.datetime.combine(reference.date(), closes, tzinfo=self.support_zone)
                local = f"{self.clock(reference, self.zone)}–{self.clock(until, self.zone)}"
                part = self.say(_("%(time)s (%(local_time)s your time)"), time=part, local_time=self.name(local))
            parts.append(part)
        joined = format_list([str(p) for p in parts], locale=self.locale)
        return Markup(joined) if self.html else joined


def words(translations, locale: str, zone: zoneinfo.ZoneInfo, decision: Decision, *, html: bool = False) -> _Words:
    return _Words(translations, locale, zone, decision.time_zone, html)


def explain(choice: ChannelChoice, decision: Decision, translations, locale: str, zone: zoneinfo.ZoneInfo, *, html: bool = False) -> str:
    """The reason for ``choice``'s state, in ``locale``, with times also in ``zone`` (the customer's)."""
    _ = translations.gettext
    w = _Words(translations, locale, zone, decision.time_zone, html)
    channel = choice.channel
    if choice.reason == "open":
        if channel.always_open:
            return w.say(_("Open around the clock."))
        return w.say(_("Open now, until %(time)s."), time=w.time(choice.closes_at))
    if choice.reason == "other_language":
        return w.say(_("Open around the clock. Answered in %(languages)s."), languages=w.languages(channel.languages, "or"))
    if choice.reason in ("closed_hours", "closed_holiday"):
        opens = w.opens(choice.opens_at, decision.moment) if choice.opens_at else w.say(_("No opening is planned in the next weeks."))
        if choice.reason == "closed_holiday":
            return w.say(_("Closed today for a public holiday. %(opens)s"), opens=opens)
        return opens
    if choice.reason == "plan":
        if choice.plans_with_it:
            return w.say(
                _("Not included in your plan (%(plan)s). Included in: %(plans)s."),
                plan=w.name(decision.plan.name), plans=w.name(", ".join(choice.plans_with_it)),
            )
        return w.say(_("Not included in your plan (%(plan)s)."), plan=w.name(decision.plan.name))
    if choice.reason == "sign_in":
        return w.say(_("Sign in to your account to see whether your plan includes it."))
    if choice.reason == "kind":
        return w.say(_("This kind of request is handled in writing only: please send a ticket."))
    if choice.reason == "language":
        return w.say(_("Available in %(languages)s only."), languages=w.languages(channel.languages))
    raise ValueError(f"unknown reason {choice.reason!r}")


def answer_time(hours: int, translations) -> str:
    ngettext = translations.ngettext
    return ngettext("First answer within %(num)d hour.", "First answer within %(num)d hours.", hours) % {"num": hours}


def customer_zone(rules: Rules, language: str, name: str | None, variant: str | None = None) -> zoneinfo.ZoneInfo:
    """The zone the browser gave when it is a real one, else the default of the reader's variant (pt-PT) or language."""
    from .rules import _time_zone_names

    if name and name in _time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return rules.zone_for(language, variant)
