"""A demo that shows every part working: a staff account and tickets with their mail.

``kb demo`` (or ``kb serve --demo``) fills an instance once; running it again
changes nothing. The staff password is random, printed, and kept in
``<instance>/demo-staff.txt`` (readable by its owner only) so that
``kb serve`` can say how to sign in.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from kb.models import StaffUser, Ticket
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


@dataclass(frozen=True)
class DemoReport:
    staff_email: str
    staff_password: str | None  # None when the account existed already
    tickets_added: int


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
    return DemoReport(DEMO_STAFF_EMAIL, password, added)


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
