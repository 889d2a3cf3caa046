"""Creating tickets: number, confirmation link, attachments and outbox messages."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from .attachments import StoredFile
from .db import Database
from .models import Attachment, Ticket

NUMBER_PREFIX = "PLM-"
# No 0/O, 1/I/L, 5/S or 8/B: a number read out on the phone is not misheard.
NUMBER_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
NUMBER_LENGTH = 6

KINDS = ("account", "billing", "campaign", "deliverability", "contacts", "api", "other")


def new_ticket_number() -> str:
    """A short number a customer can read out: ``PLM-`` and six unambiguous characters.

    >>> number = new_ticket_number()
    >>> number.startswith("PLM-") and len(number) == 10 and not set(number[4:]) & set("01OIL58SB")
    True
    """
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class TicketRequest:
    locale: str
    channel: str
    kind: str
    email: str
    name: str
    subject: str
    description: str
    message_id: str | None = None
    list_id: str | None = None
    suggested: list[dict] = field(default_factory=list)
    attachments: list[StoredFile] = field(default_factory=list)


@dataclass(frozen=True)
class CreatedTicket:
    id: int
    number: str
    link_token: str


def create_ticket(
    database: Database, request: TicketRequest, notify: Callable[[object, Ticket, str], None], *, link_token: str | None = None
) -> CreatedTicket:
    """Store the ticket and, in the same transaction, what ``notify`` enqueues.

    ``notify(session, ticket, link_token)`` writes the outbox messages
    (emails, webhook): they commit together with the ticket, or not at all.
    ``link_token`` (default: random) is the secret of the confirmation link;
    only its hash is stored, and it is unique: a second ticket with the same
    token raises ``IntegrityError`` and stores nothing.
    """
    token = link_token or secrets.token_urlsafe(32)
    with database.writing() as session:
        number = new_ticket_number()
        while session.scalar(select(Ticket.id).where(Ticket.number == number)) is not None:
            number = new_ticket_number()
        ticket = Ticket(
            number=number,
            link_digest=link_digest(token),
            locale=request.locale,
            channel=request.channel,
            kind=request.kind,
            email=request.email,
            name=request.name,
            subject=request.subject,
            description=request.description,
            message_id=request.message_id or None,
            list_id=request.list_id or None,
            suggested=list(request.suggested),
        )
        ticket.attachments = [
            Attachment(filename=f.filename, stored_name=f.stored_name, content_type=f.content_type, size=f.size)
            for f in request.attachments
        ]
        session.add(ticket)
        session.flush()
        notify(session, ticket, token)
        return CreatedTicket(ticket.id, ticket.number, token)


def ticket_by_link(database: Database, token: str) -> Ticket | None:
    with database.reading() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.link_digest == link_digest(token)))
        if ticket is not None:
            ticket.attachments  # loaded while the session is open
        return ticket


def claimed_attachment_names(database: Database) -> set[str]:
    with database.reading() as session:
        return set(session.scalars(select(Attachment.stored_name)))
