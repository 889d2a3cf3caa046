"""Finding 5: the outbox under a slow SMTP server, a killed sender, and one-shot sends.

Delivery is at least once: a sender killed after the server accepted a mail
but before it recorded that sends it again, with the same Message-ID, so the
resend is recognisable (and mail systems that deduplicate drop it).
"""

from __future__ import annotations

import asyncio
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from kb.cli import main
from kb.mail import build_message
from kb.models import OutboxMessage
from kb.outbox import Sender, enqueue_email

from ..helpers import free_port


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


class SlowInbox:
    """An SMTP server that takes ``delay`` seconds to accept each message."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.message_ids.append(message_from_bytes(envelope.content, policy=policy.default)["Message-ID"])
        return "250 OK"


@pytest.fixture
def smtp():
    """Start a local SMTP server: ``smtp(delay)`` gives (url, inbox)."""
    controllers = []

    def start(delay: float = 0.0):
        inbox = SlowInbox(delay)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return f"smtp://127.0.0.1:{port}", inbox

    yield start
    for controller in controllers:
        controller.stop()


def enqueue(database, count: int) -> None:
    with database.writing() as db:
        for number in range(count):
            enqueue_email(db, build_message(sender="support@plumora.example", to=f"c{number}@example.com", subject="s", body="b"))


def test_two_senders_on_a_slow_server_deliver_each_message_once(app, smtp):
    """Two senders, 0.4 s per message, a 1 s lease: a batch lease expired mid-batch and mail went twice."""
    url, inbox = smtp(delay=0.4)
    config = {**app.config, "SMTP_URL": url, "OUTBOX_LEASE_SECONDS": 1}
    database = app.extensions["kb.db"]
    enqueue(database, 8)
    senders = [Sender(database, config) for _ in range(2)]
    reports = []
    threads = [threading.Thread(target=lambda s=sender: reports.append(s.deliver_due())) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(inbox.message_ids) == 8 and len(set(inbox.message_ids)) == 8
    # Each sender holds one message at a time, so the second one is never left idle.
    assert sorted(r.sent for r in reports)[0] > 0 and sum(r.sent for r in reports) == 8
    with database.reading() as db:
        assert set(db.scalars(select(OutboxMessage.status))) == {"sent"}


def test_a_sender_arriving_after_a_lease_ran_out_sends_nothing_twice(app, smtp):
    """The finding's shape, scaled down: sends slower than the lease, a second sender's round meanwhile.

    A batch of 50 leased for 5 minutes at 7 s a message sent 57 mails for 50;
    here the old batch lease gave 14 mails for 8 (1 s lease, 0.4 s a message).
    """
    url, inbox = smtp(delay=0.4)
    config = {**app.config, "SMTP_URL": url, "OUTBOX_LEASE_SECONDS": 1}
    database = app.extensions["kb.db"]
    enqueue(database, 8)
    first = threading.Thread(target=Sender(database, config).deliver_due)
    first.start()
    time.sleep(1.2)
    Sender(database, config).deliver_due()
    first.join(timeout=60)
    assert sorted(inbox.message_ids) == sorted(set(inbox.message_ids)) and len(inbox.message_ids) == 8


def test_a_sender_killed_after_the_server_accepted_resends_with_the_same_message_id(app, smtp, monkeypatch):
    url, inbox = smtp()
    config = {**app.config, "SMTP_URL": url, "OUTBOX_LEASE_SECONDS": 1}
    database = app.extensions["kb.db"]
    enqueue(database, 1)
    with database.reading() as db:
        stored_id = db.scalar(select(OutboxMessage.message_id))
    assert stored_id and stored_id.startswith("<") and stored_id.endswith("@plumora.example>")

    killed = Sender(database, config)

    def die(*args, **kwargs):  # the process dies between the server's 250 and the database update
        raise SystemExit("kill -9")

    monkeypatch.setattr(killed, "_record", die)
    with pytest.raises(SystemExit):
        killed.deliver_due()
    assert inbox.message_ids == [stored_id]

    time.sleep(1.1)  # the lease runs out
    assert Sender(database, config).deliver_due().sent == 1
    assert inbox.message_ids == [stored_id, stored_id]


def test_one_shot_send_delivers_everything_that_is_due(app, smtp):
    """``kb outbox send`` stopped after 50 messages though the README says it delivers what is due."""
    url, inbox = smtp()
    enqueue(app.extensions["kb.db"], 60)
    result = CliRunner().invoke(main, ["outbox", "send"], env={"KB_DATABASE_URL": app.config["DATABASE_URL"], "KB_SMTP_URL": url})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "60 sent, 0 to retry, 0 dead"
    assert len(inbox.message_ids) == 60
