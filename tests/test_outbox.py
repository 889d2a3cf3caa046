"""Delivering the outbox: a real local SMTP server, outages, retries, dead letters, webhooks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from kb.mail import HeaderInjection, build_message
from kb.models import OutboxMessage, Ticket, utcnow
from kb.outbox import Sender
from web import create_app

from .helpers import PNG, open_ticket_form, submit


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]



@pytest.fixture
def database_url(any_database_url):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_database_url

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_app(app_config, smtp_port):
    app_config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    app_config["OUTBOX_MAX_ATTEMPTS"] = 3
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    yield app
    app.extensions["kb.db"].dispose()


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def sender_for(app) -> Sender:
    return Sender(app.extensions["kb.db"], app.config)


def outbox(app) -> list[OutboxMessage]:
    with app.extensions["kb.db"].reading() as db:
        return db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_smtp_down_at_submission_then_mail_delivered_later(smtp_app, smtp_port):
    client = smtp_app.test_client()
    sent = submit(client, open_ticket_form(client, locale="fr", subject="campagne bloquée"), locale="fr",
                  files=[("capture.png", PNG)])
    assert sent.status_code == 303  # nothing listens on the SMTP port: the ticket is stored anyway
    sender = sender_for(smtp_app)
    report = sender.deliver_due()
    assert (report.sent, report.retried, report.dead) == (0, 2, 0)
    assert all(m.status == "pending" and m.attempts == 1 and "Connection refused" in m.last_error for m in outbox(smtp_app))
    # Not due again before the back-off has passed.
    assert sender.deliver_due().sent == 0

    controller, inbox = start_smtp(smtp_port)
    try:
        report = sender.deliver_due(now=utcnow() + dt.timedelta(seconds=smtp_app.config["OUTBOX_RETRY_SECONDS"] + 1))
    finally:
        controller.stop()
    assert report.sent == 2
    assert [m.status for m in outbox(smtp_app)] == ["sent", "sent"]
    with smtp_app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
    confirmation, support = inbox.messages()
    assert inbox.envelopes[0].rcpt_tos == ["ana@example.com"]
    assert confirmation["Content-Language"] == "fr" and ticket.number in confirmation["Subject"]
    assert "/fr/contact/tickets/" in confirmation.get_content() and ticket.number in confirmation.get_content()
    assert inbox.envelopes[1].rcpt_tos == [smtp_app.config["SUPPORT_INBOX"]]
    assert support["Reply-To"] == "ana@example.com" and support["Subject"] == f"[{ticket.number}] campagne bloquée"
    body = support.get_body(("plain",)).get_content()
    assert "msg-2041" in body and "newsletter-fr" in body and ticket.suggested[0]["title"] in body
    files = [(part.get_filename(), part.get_content()) for part in support.iter_attachments()]
    assert files == [("capture.png", PNG)]


def test_failing_messages_back_off_then_go_dead(smtp_app):
    client = smtp_app.test_client()
    submit(client, open_ticket_form(client))
    sender = sender_for(smtp_app)
    now = utcnow()
    waits = []
    for _ in range(3):
        sender.deliver_due(now=now)
        item = outbox(smtp_app)[0]
        waits.append(item.next_attempt_at.replace(tzinfo=dt.UTC) - utcnow() if item.status == "pending" else None)
        now = utcnow() + dt.timedelta(hours=7)
    assert [m.status for m in outbox(smtp_app)] == ["dead", "dead"]
    assert all(m.attempts == 3 for m in outbox(smtp_app))
    base = smtp_app.config["OUTBOX_RETRY_SECONDS"]
    assert base - 5 < waits[0].total_seconds() <= base and 2 * base - 5 < waits[1].total_seconds() <= 2 * base
    assert sender.deliver_due(now=utcnow() + dt.timedelta(days=1)).sent == 0  # dead letters stay dead


def test_kb_outbox_send_command(smtp_app, smtp_port, runner):
    client = smtp_app.test_client()
    submit(client, open_ticket_form(client))
    controller, inbox = start_smtp(smtp_port)
    try:
        result = runner.invoke(
            __import__("kb.cli", fromlist=["main"]).main,
            ["outbox", "send"],
            env={"KB_DATABASE_URL": smtp_app.config["DATABASE_URL"], "KB_SMTP_URL": smtp_app.config["SMTP_URL"]},
        )
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 0 to retry, 0 dead"
    assert len(inbox.envelopes) == 2


@pytest.mark.parametrize("field", ["subject", "to", "sender", "reply_to"])
def test_line_breaks_in_header_values_are_refused(field):
    values = {"sender": "a@example.com", "to": "b@example.com", "subject": "Hello", "reply_to": "c@example.com"}
    values[field] = values[field] + "\r\nBcc: victim@example.com"
    with pytest.raises(HeaderInjection):
        build_message(body="text", **values)


class Helpdesk(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Helpdesk.received.append((dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_signed_webhook_goes_through_the_outbox(app_config, smtp_port):
    server = HTTPServer(("127.0.0.1", 0), Helpdesk)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Helpdesk.received = []
    app_config.update(
        WEBHOOK_URL=f"http://127.0.0.1:{server.server_port}/hooks/tickets",
        WEBHOOK_SECRET="test-secret",
        SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
    )
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    try:
        submit(client, open_ticket_form(client))
        controller, _inbox = start_smtp(smtp_port)
        try:
            report = sender_for(app).deliver_due()
        finally:
            controller.stop()
    finally:
        server.shutdown()
        server.server_close()
        app.extensions["kb.db"].dispose()
    assert report.sent == 3
    headers, body = Helpdesk.received[0]
    timestamp, digest = (part.split("=", 1)[1] for part in headers["X-Plumora-Signature"].split(","))
    expected = hmac.new(b"test-secret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(digest, expected)
    document = json.loads(body)
    assert document["event"] == "ticket.created" and document["ticket"]["number"].startswith("PLM-")
    assert document["ticket"]["email"] == "ana@example.com"


def test_unsigned_webhook_is_never_sent(app_config):
    app_config.update(WEBHOOK_URL="http://127.0.0.1:9/hook", WEBHOOK_SECRET=None, OUTBOX_MAX_ATTEMPTS=1)
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    submit(client, open_ticket_form(client))
    sender_for(app).deliver_due()
    webhook = [m for m in outbox(app) if m.kind == "webhook"][0]
    assert webhook.status == "dead" and "KB_WEBHOOK_SECRET" in webhook.last_error
    app.extensions["kb.db"].dispose()


def test_confirmation_email_and_pages_speak_the_customers_language(app_config, tmp_path):
    """With a French catalog installed, the French customer's email is in French."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="fr")
    catalog.add("We received your request %(number)s", "Nous avons bien reçu votre demande %(number)s")
    catalog.add("Hello %(name)s,", "Bonjour %(name)s,")
    catalog.add("Send a request to the support team", "Écrire à l'équipe d'assistance")
    folder = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as f:
        write_mo(f, catalog)
    app_config["BABEL_TRANSLATION_DIRECTORIES"] = str(tmp_path / "translations")
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    form_page = open_ticket_form(client, locale="fr", subject="campagne bloquée")
    assert "Écrire à l'équipe d'assistance" in form_page.get_data(as_text=True)
    submit(client, form_page, locale="fr", name="Élodie")
    english = app.test_client()
    submit(english, open_ticket_form(english, locale="en"), locale="en")
    french_mail, support_mail, english_mail, _support = (message_from_bytes(m.payload, policy=policy.default) for m in outbox(app))
    assert french_mail["Subject"].startswith("Nous avons bien reçu votre demande PLM-")
    assert french_mail.get_content().startswith("Bonjour Élodie,")
    assert english_mail["Subject"].startswith("We received your request PLM-")
    assert support_mail["Subject"].endswith("campagne bloquée")  # the team's copy is in the default locale
    app.extensions["kb.db"].dispose()


def test_two_senders_never_claim_the_same_message(smtp_app):
    from kb.outbox import enqueue_email

    database = smtp_app.extensions["kb.db"]
    with database.writing() as db:
        for number in range(20):
            enqueue_email(db, build_message(sender="a@example.com", to=f"c{number}@example.com", subject="s", body="b"))
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def claim(mine: list[int]):
        sender = sender_for(smtp_app)
        barrier.wait()
        while (item_id := sender._claim(utcnow(), after_id=mine[-1] if mine else 0)) is not None:
            mine.append(item_id)

    threads = [threading.Thread(target=claim, args=(mine,)) for mine in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 20
