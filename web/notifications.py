"""What a new ticket sends: the customer's confirmation, the support team's copy, the webhook.

Everything is rendered now, in the right language, and written to the outbox
in the ticket's own transaction; the outbox sender delivers it later.
"""

from __future__ import annotations

from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from kb.attachments import AttachmentStore
from kb.mail import build_message
from kb.models import Ticket
from kb.outbox import enqueue_email, enqueue_webhook

from .forms import KIND_LABELS
from .security import external_url


def enqueue_ticket_messages(session, ticket: Ticket, link_token: str) -> None:
    config = current_app.config
    enqueue_email(session, confirmation_email(ticket, link_token), ticket_id=ticket.id)
    enqueue_email(session, support_email(ticket, AttachmentStore(config["ATTACHMENTS_DIR"])), ticket_id=ticket.id)
    if config.get("WEBHOOK_URL"):
        enqueue_webhook(session, config["WEBHOOK_URL"], webhook_document(ticket), ticket_id=ticket.id)


def confirmation_email(ticket: Ticket, link_token: str) -> EmailMessage:
    """The customer's confirmation, in the language they wrote in."""
    link = external_url("contact.confirmation", locale=ticket.locale, token=link_token)
    with force_locale(ticket.locale):
        subject = _("We received your request %(number)s", number=ticket.number)
        body = render_template("emails/confirmation.txt", ticket=ticket, link=link)
    return build_message(
        sender=current_app.config["MAIL_FROM"],
        to=ticket.email,
        subject=subject,
        body=body,
        reply_to=current_app.config["SUPPORT_INBOX"],
        language=ticket.locale,
    )


def support_email(ticket: Ticket, store: AttachmentStore) -> EmailMessage:
    """The support team's copy: details, suggested articles and attachments."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        subject = f"[{ticket.number}] {ticket.subject}"
        body = render_template("emails/support.txt", ticket=ticket, kind_label=str(KIND_LABELS.get(ticket.kind, ticket.kind)))
    message = build_message(
        sender=current_app.config["MAIL_FROM"],
        to=current_app.config["SUPPORT_INBOX"],
        subject=subject,
        body=body,
        reply_to=ticket.email,
    )
    for attachment in ticket.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(store.read(attachment.stored_name), maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def webhook_document(ticket: Ticket) -> dict:
    return {
        "event": "ticket.created",
        "ticket": {
            "number": ticket.number,
            "created_at": ticket.created_at.isoformat(),
            "locale": ticket.locale,
            "channel": ticket.channel,
            "kind": ticket.kind,
            "email": ticket.email,
            "name": ticket.name,
            "subject": ticket.subject,
            "description": ticket.description,
            "message_id": ticket.message_id,
            "list_id": ticket.list_id,
            "suggested_articles": ticket.suggested,
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": a.size} for a in ticket.attachments
            ],
        },
    }
