"""How a customer can reach the support team: the support rules, on the page.

The rules file is read once by :func:`web.create_app`; each page asks
:func:`kb.channels.decide` for the customer of this request (signed in
through the main product's link, or anonymous), the kind of request, the
page's language and the current moment, and shows every channel with its
state and reason. The customer's time zone comes from the browser (a cookie
and a form field written by ``contact.js``), else the language's default.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_translations
from flask_babel import gettext as _

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.channels import (
    OPEN,
    Customer,
    Decision,
    RecentTicket,
    answer_time,
    channel_label,
    customer_zone,
    decide,
    explain,
    words,
)
from kb.kinds import KIND_LABELS, PRIORITY_LABELS
from kb.models import Ticket
from kb.rules import Rules
from kb.sso import FIELDS, SignInRefused, read_token
from kb.tickets import latest_ticket_since

from . import analytics, pages, preferred_locale, reader_variant
from .extensions import database

bp = Blueprint("channels", __name__)
bp.url_value_preprocessor(pages.pull_locale)
bp.url_defaults(pages.add_locale)

TIME_ZONE_COOKIE = "kb_tz"
CUSTOMER_KEY = "customer"
RECENT_KEY = "recent_tickets"  # tickets sent from this browser: [{number, token, at}]


def rules() -> Rules:
    return current_app.extensions["kb.rules"]


def now() -> dt.datetime:
    """The current moment; tests set ``NOW`` in the config to stand at a chosen time."""
    fixed = current_app.config.get("NOW")
    return fixed if fixed is not None else dt.datetime.now(dt.UTC)


def current_customer() -> Customer:
    stored = session.get(CUSTOMER_KEY)
    if not isinstance(stored, dict):
        return Customer()
    return Customer(**{k: stored.get(k) for k in FIELDS})


def time_zone_name() -> str | None:
    return request.values.get("tz") or request.cookies.get(TIME_ZONE_COOKIE)


def reader_zone():
    """The time zone this visitor's hours are shown in: their browser's, else their language variant's."""
    return customer_zone(rules(), g.locale, time_zone_name(), reader_variant(g.locale))


def kind_label(code: str) -> str:
    """The translated label of a kind of request (its code when unknown)."""
    return _(KIND_LABELS[code]) if code in KIND_LABELS else code


def answer_hours() -> int:
    """The first-answer time the rules promise this visitor (their plan, or the anonymous visitors')."""
    customer = current_customer()
    return rules().plan(customer.plan if customer.signed_in else None).first_answer_hours


def kind_labels() -> dict[str, str]:
    """Every known kind of request with its label in the page's language (old tickets may use any)."""
    return {code: kind_label(code) for code in KIND_LABELS}


def priority_label(code: str) -> str:
    return _(PRIORITY_LABELS[code]) if code in PRIORITY_LABELS else code


def kind_choices() -> list[tuple[str, str]]:
    """The kinds the rules offer, in their order, labelled in the page's language."""
    return [(code, kind_label(code)) for code in rules().kinds]


def recent_ticket(customer: Customer, email: str | None = None) -> RecentTicket | None:
    """The customer's ticket younger than the rules' notice time, if any.

    Tickets sent from this browser come with their link. A signed-in
    customer's tickets are looked up by address and linked to their own
    page. An address typed by an anonymous visitor is looked up too, but its
    ticket's number is never shown to whoever typed it (see ``contact``).
    """
    moment = now()
    since = moment - dt.timedelta(hours=rules().recent_ticket_hours)
    for item in reversed(session.get(RECENT_KEY, [])):
        created = dt.datetime.fromisoformat(item["at"])
        if created > since:
            return RecentTicket(item["number"], created, url_for("contact.confirmation", token=item["token"]))
    address = customer.email if customer.signed_in else None
    if address:
        found = latest_ticket_since(database(), address, since)
        if found is not None:
            return RecentTicket(found.number, found.created_at, url_for("channels.my_request", number=found.number))
    return None


def remember_ticket(number: str, token: str) -> None:
    moment = now()
    keep = dt.timedelta(hours=rules().recent_ticket_hours)
    recent = [item for item in session.get(RECENT_KEY, []) if moment - dt.datetime.fromisoformat(item["at"]) < keep]
    session[RECENT_KEY] = [*recent, {"number": number, "token": token, "at": moment.isoformat()}][-5:]


def decision_for(kind: str | None) -> Decision:
    customer = current_customer()
    valid_kind = kind if kind in rules().kinds else None
    return decide(rules(), customer, valid_kind, g.locale, now(), recent_ticket(customer))


def launcher_link(url: str) -> str:
    """The chat tool's address with the page's language added."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode({"lang": g.locale})]))
    return urlunsplit(parts._replace(query=query))


def channel_view(decision: Decision) -> dict:
    """What the template shows for ``decision``: sentences made in the page's language."""
    translations = get_translations()
    zone = reader_zone()
    say = words(translations, g.locale, zone, decision, html=True)
    shown = []
    for choice in decision.channels:
        shown.append(
            {
                "choice": choice,
                "label": channel_label(choice.code, translations),
                "reason": explain(choice, decision, translations, g.locale, zone, html=True),
                "hours": say.hours(choice.channel, decision.moment),
                "languages": say.languages(choice.channel.languages),
                "answer_time": answer_time(choice.first_answer_hours, translations) if choice.first_answer_hours else None,
                "launcher": launcher_link(choice.launcher_url) if choice.launcher_url else None,
            }
        )
    return {"decision": decision, "channels": shown, "customer": current_customer()}


def no_store(response):
    """``response`` (a page or a redirect) never kept by a cache: it depends on the customer and the hour."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<locale>/contact/channels")
def fragment():
    """The channel choices alone, for ``contact.js`` when the kind of request changes."""
    return no_store(render_template("contact/_channels.html", **channel_view(decision_for(request.args.get("kind")))))


def chosen_kind() -> str | None:
    """The kind of request the channel link carries, when the rules know it."""
    kind = request.args.get("kind")
    return kind if kind in rules().kinds else None


def choose(code: str) -> Decision | None:
    """The customer chose chat or phone: the decision when the rules open it to them now, else None.

    The rules decide again here: the card may have been shown before
    closing time, or the link typed by hand. An open choice is recorded for
    the reports; a refused one leaves its reason for the contact page.
    """
    kind = chosen_kind()
    decision = decision_for(kind)
    choice = decision.channel(code)
    if choice.state != OPEN:
        translations = get_translations()
        reason = explain(choice, decision, translations, g.locale, reader_zone())
        flash(_("%(channel)s is not available. %(reason)s", channel=channel_label(code, translations), reason=reason))
        return None
    if request.method == "GET":  # a HEAD request chooses nothing
        opened = session.get("contact_opened") or []
        analytics.record_channel_choice(code, kind, analytics.category_of(opened[0], g.locale) if opened else None)
    return decision


@bp.get("/<locale>/contact/chat")
def chat():
    """"Start a chat": recorded, then on to the rules' chat tool (never to an address from the request)."""
    decision = choose("chat")
    if decision is None:
        return no_store(redirect(url_for("contact.start"), code=303))
    return no_store(redirect(launcher_link(decision.channel("chat").launcher_url), code=303))


@bp.get("/<locale>/contact/phone")
def phone():
    """"Show the number": recorded, then the number for the page's language and what to have ready."""
    decision = choose("phone")
    if decision is None:
        return no_store(redirect(url_for("contact.start"), code=303))
    view = channel_view(decision)
    item = next(shown for shown in view["channels"] if shown["choice"].code == "phone")
    return no_store(render_template("contact/phone.html", item=item, choice=item["choice"]))


@bp.get("/sso/<token>")
def sign_in(token: str):
    """The main product's sign-in link: remember who the customer is, then go on."""
    config = current_app.config
    try:
        customer = read_token(config.get("SSO_SECRET") or "", token, max_age=config["SSO_LINK_SECONDS"])
    except SignInRefused:
        abort(403)
    session.pop(RECENT_KEY, None)
    session[CUSTOMER_KEY] = {k: getattr(customer, k) for k in FIELDS}
    target = request.args.get("next", "")
    if not (target.startswith("/") and not target.startswith("//") and "\\" not in target):
        target = url_for("contact.start", locale=preferred_locale())
    return redirect(target, code=303)


@bp.post("/sso/sign-out")
def sign_out():
    session.pop(CUSTOMER_KEY, None)
    session.pop(RECENT_KEY, None)
    return redirect(url_for("contact.start", locale=preferred_locale()), code=303)


@bp.get("/<locale>/contact/requests/<number>")
def my_request(number: str):
    """A signed-in customer's own request, found by its number."""
    customer = current_customer()
    if not customer.signed_in:
        abort(404)
    with database().reading() as db:
        found = db.scalar(
            select(Ticket).options(selectinload(Ticket.attachments))
            .where(Ticket.number == number[:16], func.lower(Ticket.email) == customer.email.lower())
        )
    if found is None:
        abort(404)
    return no_store(render_template("contact/confirmation.html", ticket=found, **promise(found, html=True)))


def promise(ticket, *, html: bool = False) -> dict:
    """What the confirmation page and email promise, from the rules: answer time and languages."""
    translations = get_translations()
    channel = rules().channels["ticket"]
    plan = rules().plan(ticket.plan)
    languages = None
    if ticket.locale not in channel.languages:
        zone = rules().zone_for(ticket.locale)
        say = words(translations, ticket.locale, zone, decide(rules(), Customer(), None, ticket.locale, now()), html=html)
        languages = say.languages(channel.languages, "or")
    return {"answer_hours": plan.first_answer_hours, "answer_languages": languages}
