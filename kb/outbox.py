"""The outbox: emails and webhooks written with the ticket, delivered later.

A message is written in the same transaction as the ticket it is about, so
a stored ticket always has its messages and a rolled-back one has none.
The sender claims due messages with a short lease (so several senders never
deliver one message twice at once), delivers them outside any transaction,
then records the outcome: sent, or a retry after an exponentially growing
wait, or ``dead`` once the attempts are used up.
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

LEASE = dt.timedelta(minutes=5)
MAX_RETRY_WAIT = dt.timedelta(hours=6)
WEBHOOK_TIMEOUT_SECONDS = 15
SIGNATURE_HEADER = "X-Plumora-Signature"


def enqueue_email(session, message: EmailMessage, *, ticket_id: int | None = None) -> OutboxMessage:
    item = OutboxMessage(kind="email", recipient=message["To"], payload=message.as_bytes(policy=policy.SMTP), ticket_id=ticket_id)
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

    def deliver_due(self, *, now: dt.datetime | None = None, batch: int = 50) -> DeliveryReport:
        """Deliver every message that is due; the counts of what happened."""
        report = DeliveryReport()
        for item_id in self._claim(now or utcnow(), batch):
            self._deliver(item_id, report)
        return report

    def _claim(self, now: dt.datetime, batch: int) -> list[int]:
        with self.database.writing() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(batch)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            items = session.scalars(query).all()
            for item in items:
                item.next_attempt_at = now + LEASE
            return [item.id for item in items]

    def _deliver(self, item_id: int, report: DeliveryReport) -> None:
        with self.database.reading() as session:
            item = session.get(OutboxMessage, item_id)
            kind, recipient, payload = item.kind, item.recipient, item.payload
        error = None
        try:
            if kind == "email":
                self._send_email(recipient, payload)
            else:
                self._post_webhook(recipient, payload)
        except (OSError, ValueError, urllib.error.URLError) as exc:  # smtplib errors are OSErrors
            error = f"{type(exc).__name__}: {exc}"
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

