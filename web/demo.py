"""A demo that shows every part working: a staff account and tickets with their mail.

``kb demo`` (or ``kb serve --demo``) fills an instance once; running it again
changes nothing. The staff password is random, printed, and kept in
``<instance>/demo-staff.txt`` (readable by its owner only) so that
``kb serve`` can say how to sign in.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from kb.analytics import events as ev
from kb.models import AnalyticsEvent, StaffUser, Ticket
from kb.staff import create_staff
from kb.tickets import TicketRequest, create_ticket

from .notifications import enqueue_ticket_messages

DEMO_STAFF_EMAIL = "demo@plumora.example"
CREDENTIALS_FILE = "demo-staff.txt"

# One request per language, as customers write them (kind, name, subject, description).
DEMO_TICKETS = {
    "en": ("billing", "Ana Lima", "Invoice shows the wrong company name",
           "The invoice for March shows our old company name. Could you issue a corrected one?"),
    "fr": ("campaign", "Claire Martin", "Ma campagne reste en cours d'envoi",
           "Ma campagne d'hier soir est toujours affichée comme en cours d'envoi depuis deux heures."),
    "de": ("account", "Jonas Weber", "Zwei-Faktor-Code kommt nicht an",
           "Seit dem Wechsel meines Telefons kann ich mich nicht mehr anmelden, der Code kommt nicht an."),
    "es": ("contacts", "Lucía García", "La importación de contactos se detiene",
           "Al importar un archivo CSV de 20 000 contactos, la importación se detiene al 40 %."),
    "it": ("deliverability", "Marco Rossi", "Le email finiscono nello spam",
           "Da lunedì molte delle nostre email arrivano nella cartella spam dei destinatari Gmail."),
    "pt": ("api", "João Silva", "A API responde 401 com uma chave nova",
           "Criei uma chave de API hoje e todas as chamadas respondem 401 Unauthorized."),
}


# What visitors type, per language: so the reports page has something to show.
# The last of each is something no article answers (the articles to write).
DEMO_SEARCHES = {
    "en": ("invoice", "campaign not sent", "import contacts", "emails in spam", "api key", "whatsapp"),
    "fr": ("facture", "campagne non envoyée", "importer des contacts", "e-mails dans les spams", "clé api", "whatsapp"),
    "de": ("rechnung", "kampagne nicht versendet", "kontakte importieren", "e-mails im spam", "api-schlüssel", "whatsapp"),
    "es": ("factura", "campaña no enviada", "importar contactos", "correos en spam", "clave api", "whatsapp"),
    "it": ("fattura", "campagna non inviata", "importare contatti", "email nello spam", "chiave api", "whatsapp"),
    "pt": ("fatura", "campanha não enviada", "importar contatos", "emails no spam", "chave api", "whatsapp"),
}
DEMO_DAYS = 21
DEMO_FLOWS_PER_DAY = 3  # per language
DEMO_KINDS = ("billing", "campaign", "account", "contacts", "deliverability", "api")


@dataclass(frozen=True)
class DemoReport:
    staff_email: str
    staff_password: str | None  # None when the account existed already
    tickets_added: int
    events_added: int = 0


def fill_demo(app: Flask, base_url: str = "http://127.0.0.1:8000") -> DemoReport:
    """Add the demo staff account and tickets unless they are there already.

    ``base_url`` is where the help center will be served: the links in the
    tickets' emails lead there (``KB_BASE_URL``, when set, wins).
    """
    database = app.extensions["kb.db"]
    password = None
    with database.writing() as db:
        if db.scalar(select(StaffUser.id).where(StaffUser.email == DEMO_STAFF_EMAIL)) is None:
            password = secrets.token_urlsafe(12)
            create_staff(db, DEMO_STAFF_EMAIL, password)
        has_tickets = db.scalar(select(func.count()).select_from(Ticket)) > 0
    if password is not None:
        write_credentials(Path(app.config["INSTANCE_DIR"]), password)
    added = 0
    if not has_tickets:
        for locale, (kind, name, subject, description) in DEMO_TICKETS.items():
            if locale not in app.config["LOCALES"]:
                continue
            request = TicketRequest(
                locale=locale, channel="ticket", kind=kind, name=name, subject=subject, description=description,
                email=f"{ascii_word(name.split()[0])}@example.com",
                # Anonymous customers, as the rules rank them.
                priority=app.extensions["kb.rules"].priority_of(None),
            )
            # The emails carry a link to the confirmation page: build it as a request would.
            with app.test_request_context(f"/{locale}/contact/ticket", base_url=base_url):
                create_ticket(database, request, enqueue_ticket_messages)
            added += 1
    return DemoReport(DEMO_STAFF_EMAIL, password, added, fill_demo_analytics(app))


def fill_demo_analytics(app: Flask, now: dt.datetime | None = None) -> int:
    """Three weeks of made-up visits (searches, contact flows, views, votes), unless analytics has events.

    Drawn with a fixed seed from ``DEMO_SEARCHES`` and the real index: the
    suggestions are the ones the search gives today. Some flows end with the
    customer's problem solved by an article, some with a ticket (the ticket
    events carry no ticket: only the demo tickets above exist), some with a
    chat or a call where the rules offer them. How many events were added.
    """
    database = app.extensions["kb.db"]
    with database.reading() as db:
        if db.scalar(select(func.count()).select_from(AnalyticsEvent)) > 0:
            return 0
    index = app.extensions["kb.search"]
    rng = random.Random(14)
    now = now or dt.datetime.now(dt.UTC)
    rows: list[dict] = []
    for locale in app.config["LOCALES"]:
        queries = DEMO_SEARCHES.get(locale)
        if not queries:
            continue
        answers = {q: index.suggest(q, locale, 5, typing=False).hits for q in queries}
        for days_ago in range(DEMO_DAYS, 0, -1):
            day = now - dt.timedelta(days=days_ago)
            for _visit in range(DEMO_FLOWS_PER_DAY + rng.randrange(3)):
                at = day.replace(hour=8 + rng.randrange(10), minute=rng.randrange(60), second=0, microsecond=0)
                visitor = ev.visitor_hash(app.secret_key, f"198.51.100.{rng.randrange(1, 250)}", at.date())
                rows.extend(_demo_flow(rng, locale, at, visitor, answers, app.extensions["kb.rules"]))
    with database.writing() as db:
        ev.write_rows(db, rows)
    return len(rows)


def _demo_flow(rng: random.Random, locale: str, at: dt.datetime, visitor: str | None, answers: dict, rules) -> list[dict]:
    """One visit: a contact flow (most of the time) or a read article with its vote."""
    step = dt.timedelta(seconds=20)
    common = {"locale": locale, "visitor": visitor}
    query = rng.choice(list(answers))
    hits = answers[query]
    category = hits[0].category if hits else None
    if hits and rng.random() < 0.3:  # came from the home page's search: read an article, maybe voted
        article = rng.choice(hits)
        rows = [
            ev.event_row(ev.SEARCH, occurred_at=at, query=query, results=[h.id for h in hits], category=category,
                         flow=ev.new_flow_id(), **common),
            ev.event_row(ev.VIEW, occurred_at=at + step, article_id=article.id, category=article.category, **common),
        ]
        if rng.random() < 0.5:
            rows.append(ev.event_row(ev.VOTE, occurred_at=at + 4 * step, article_id=article.id, category=article.category,
                                     positive=rng.random() < 0.75, **common))
        return rows
    flow = ev.new_flow_id()
    rows = [
        ev.event_row(ev.FLOW, occurred_at=at, flow=flow, **common),
        ev.event_row(ev.SEARCH, occurred_at=at + step, flow=flow, query=query, results=[h.id for h in hits],
                     category=category, **common),
    ]
    if hits and rng.random() < 0.7:
        article = hits[0] if rng.random() < 0.7 else rng.choice(hits)
        rows.append(ev.event_row(ev.OPEN, occurred_at=at + 2 * step, flow=flow, article_id=article.id,
                                 category=article.category, **common))
        if rng.random() < 0.65:
            rows.append(ev.event_row(ev.ANSWER, occurred_at=at + 5 * step, flow=flow, article_id=article.id,
                                     category=article.category, positive=True, **common))
            return rows
        rows.append(ev.event_row(ev.ANSWER, occurred_at=at + 5 * step, flow=flow, article_id=article.id,
                                 category=article.category, positive=False, **common))
    kind = rng.choice(DEMO_KINDS)
    rows.append(ev.event_row(ev.FORM, occurred_at=at + 6 * step, flow=flow, **common))
    draw = rng.random()
    channel = "chat" if draw < 0.25 else "phone" if draw < 0.35 else "ticket"
    if channel != "ticket" and channel in rules.kinds.get(kind, ()) and locale in rules.channels[channel].languages:
        # Where the rules offer chat or phone (their languages, kinds), some customers choose it.
        rows.append(ev.event_row(ev.CHANNEL, occurred_at=at + 8 * step, flow=flow, category=category, channel=channel,
                                 ticket_kind=kind, **common))
        return rows
    ticket = {"occurred_at": at + 9 * step, "flow": flow, "category": category, "channel": "ticket", "ticket_kind": kind, **common}
    rows += [
        ev.event_row(ev.CHANNEL, **ticket),
        ev.event_row(ev.TICKET, results=[h.id for h in hits], **ticket),
    ]
    return rows


def ascii_word(word: str) -> str:
    """
    >>> ascii_word("Lucía"), ascii_word("João")
    ('lucia', 'joao')
    """
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def write_credentials(instance: Path, password: str) -> None:
    path = instance / CREDENTIALS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{DEMO_STAFF_EMAIL}\n{password}\n")


def demo_credentials(instance: Path) -> tuple[str, str] | None:
    """The demo account's email and password, when ``kb demo`` made one here."""
    try:
        email, password = (instance / CREDENTIALS_FILE).read_text(encoding="utf-8").split()[:2]
    except (OSError, ValueError):
        return None
    return email, password
