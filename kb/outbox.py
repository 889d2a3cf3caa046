"""The outbox: emails and webhooks written with the ticket, delivered later.

A message is written in the same transaction as the ticket it is about, so
a stored ticket always has its messages and a rolled-back one has none.
A sender claims one due message at a time with a lease
(``KB_OUTBOX_LEASE_SECONDS``), delivers it outside any transaction, then
records the outcome: sent, or a retry after an exponentially growing wait,
or ``dead`` once the attempts are used up. Leasing one message, not a batch,
keeps the lease far longer than the work it covers: a slow mail server can
no longer outlast a batch's lease and let a second sender deliver the same
messages again, and a second sender is never idle while the first is busy.

Delivery is **at least once**: a sender that dies after the mail server
accepted a message but before it recorded that (``kill -9``, a power cut)
leaves the message pending, and it is sent again once its lease runs out.
Every email keeps the Message-ID it was written with (stored beside it), so
the resend is the same message to the receiving systems, which may drop it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from .db import Database
from .mail import envelope_address, mail_transport
from .models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

MAX_RETRY_WAIT = dt.timedelta(hours=6)
WEBHOOK_TIMEOUT_SECONDS = 15
SIGNATURE_HEADER = "X-Plumora-Signature"


def enqueue_email(session, message: EmailMessage, *, ticket_id: int | None = None) -> OutboxMessage:
    item = OutboxMessage(
        kind="email",
        recipient=message["To"],
        message_id=message["Message-ID"],
        payload=message.as_bytes(policy=policy.SMTP),
        ticket_id=ticket_id,
    )
    session.add(item)
    return item


def enqueue_webhook(session, url: str, document: dict, *, ticket_id: int | None = None) -> OutboxMessage:
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    item = OutboxMessage(kind="webhook", recipient=url, payload=payload, ticket_id=ticket_id)
    session.add(item)
    return item


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The webhook signature: HMAC-SHA256 of ``timestamp.body``.

    >>> sign("k", b'{"a":1}', 1700000000)
    't=1700000000,v1=1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3'
    """
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_wait(attempts: int, base_seconds: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: base, 2×base, 4×base... at most 6 h.

    >>> [retry_wait(n, 30).total_seconds() for n in (1, 2, 3)]
    [30.0, 60.0, 120.0]
    >>> retry_wait(40, 30) == MAX_RETRY_WAIT
    True
    """
    return min(dt.timedelta(seconds=base_seconds * 2 ** min(attempts - 1, 30)), MAX_RETRY_WAIT)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0


class Sender:
    def __init__(self, database: Database, config: dict):
        self.database = database
        self.config = config

    def deliver_due(self, *, now: dt.datetime | None = None) -> DeliveryReport:
        """Deliver every message due at ``now``, one at a time; the counts of what happened.

        Messages are taken in id order, each once per call: one that fails
        is rescheduled, not retried in the same round.
        """
        report = DeliveryReport()
        now = now or utcnow()
        last_id = 0
        while (item_id := self._claim(now, after_id=last_id)) is not None:
            last_id = item_id
            self._record(item_id, self._deliver(item_id), report)
        return report

    def _claim(self, now: dt.datetime, *, after_id: int = 0) -> int | None:
        """Lease the next due message after ``after_id``; its id, or None when none is left."""
        with self.database.writing() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now, OutboxMessage.id > after_id)
                .order_by(OutboxMessage.id)
                .limit(1)
            )
            if session.bind.dialect.name == "postgresql":
                # SQLite's BEGIN IMMEDIATE already lets one claimer in at a time.
                query = query.with_for_update(skip_locked=True)
            item = session.scalars(query).first()
            if item is None:
                return None
            item.next_attempt_at = utcnow() + dt.timedelta(seconds=self.config["OUTBOX_LEASE_SECONDS"])
            return item.id

    def _deliver(self, item_id: int) -> str | None:
        """Send one message; the error, or None when it was accepted."""
        with self.database.reading() as session:
            item = session.get(OutboxMessage, item_id)
            kind, recipient, payload = item.kind, item.recipient, item.payload
        try:
            if kind == "email":
                self._send_email(recipient, payload)
            else:
                self._post_webhook(recipient, payload)
        except (OSError, ValueError, urllib.error.URLError) as exc:  # smtplib errors are OSErrors
            return f"{type(exc).__name__}: {exc}"
        return None

    def _record(self, item_id: int, error: str | None, report: DeliveryReport) -> None:
        with self.database.writing() as session:
            item = session.get(OutboxMessage, item_id)
            item.attempts += 1
            if error is None:
                item.status, item.sent_at, item.last_error = "sent", utcnow(), None
                report.sent += 1
                return
            item.last_error = error[:2000]
            if item.attempts >= self.config["OUTBOX_MAX_ATTEMPTS"]:
                item.status = "dead"
                report.dead += 1
                log.error("outbox message %s is dead after %s attempts: %s", item.id, item.attempts, error)
            else:
                item.next_attempt_at = utcnow() + retry_wait(item.attempts, self.config["OUTBOX_RETRY_SECONDS"])
                report.retried += 1
                log.warning("outbox message %s failed (attempt %s), will retry: %s", item.id, item.attempts, error)

    def _send_email(self, recipient: str, payload: bytes) -> None:
        message = message_from_bytes(payload, policy=policy.SMTP)
        mail_transport(self.config).send(envelope_address(message["From"]), envelope_address(recipient), payload)

    def _post_webhook(self, url: str, payload: bytes) -> None:
        secret = self.config.get("WEBHOOK_SECRET")
        if not secret:
            raise ValueError("KB_WEBHOOK_SECRET is not set: webhooks are never sent unsigned")
        request = urllib.request.Request(
            url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, payload, int(time.time()))},
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            if not 200 <= response.status < 300:
                raise ValueError(f"webhook answered {response.status}")

    def run_forever(self, interval: float, stop=None, *, hourly=None) -> None:
        """Deliver due messages every ``interval`` seconds until ``stop`` is set.

        ``hourly``, when given, is called about once an hour (housekeeping).
        """
        last_hourly = 0.0
        while stop is None or not stop.is_set():
            if hourly is not None and time.monotonic() - last_hourly >= 3600:
                last_hourly = time.monotonic()
                try:
                    hourly()
                except Exception:
                    log.exception("outbox housekeeping failed")
            try:
                report = self.deliver_due()
                if report.sent or report.retried or report.dead:
                    log.info("outbox: %s sent, %s to retry, %s dead", report.sent, report.retried, report.dead)
            except Exception:  # a database hiccup must not end the worker
                log.exception("outbox delivery round failed")
            if stop is not None:
                stop.wait(interval)
            else:
                time.sleep(interval)

