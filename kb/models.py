"""Database models: tickets, their attachments, the outbox, staff, feedback and analytics events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    # SHA-256 of the confirmation link's token: the link itself is never stored.
    link_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    locale: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(100))
    list_id: Mapped[str | None] = mapped_column(String(100))
    # Articles offered before the ticket: [{"id", "locale", "title"}...].
    suggested: Mapped[list] = mapped_column(JSON, default=list)
    # From the support rules: the signed-in customer's plan (None: anonymous)
    # and the priority it gives (urgent, high, normal, low).
    priority: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal", index=True)
    plan: Mapped[str | None] = mapped_column(String(32))
    # new, forwarded (to another team) or solved; set by staff in the admin area.
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new", index=True)

    # The 24-hour notice looks up a customer's latest ticket by address.
    __table_args__ = (Index("ix_tickets_email_created_at", "email", "created_at"),)

    attachments: Mapped[list[Attachment]] = relationship(back_populates="ticket", order_by="Attachment.id")


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class OutboxMessage(Base):
    """Something to deliver after the transaction that wrote it commits."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "email" or "webhook"
    recipient: Mapped[str] = mapped_column(String(500))
    # The email's Message-ID, the same on every attempt: delivery is at least
    # once, and a resend after a crash is recognisable as the same message.
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, sent, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Kept in every session of this account; raising it (signing out, a new
    # password, disabling) ends all of them on the server, not just in one browser.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ArticleFeedback(Base):
    """A visitor's answer about an article.

    ``question`` is "helpful" (article page), "solved" (contact flow: a
    "yes" there is a deflection, a ticket that was not filed) or
    "missing:<reason>" (what a visitor who answered "No" found missing; the
    optional comment is in ``subject``).
    """

    __tablename__ = "article_feedback"
    # One answer per visitor, article and question; a visitor who answers
    # again changes their answer.
    __table_args__ = (UniqueConstraint("article_id", "question", "visitor", name="uq_article_feedback_visitor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    locale: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(String(16))
    positive: Mapped[bool] = mapped_column(Boolean)
    subject: Mapped[str | None] = mapped_column(String(200))
    # Random id of the visitor's browser session (none on answers from before it was kept).
    visitor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnalyticsEvent(Base):
    """One step a visitor took: a search, a suggestion opened, a ticket sent...

    Never an email address or the text of a ticket: ``query`` is what was
    typed in a search field (addresses and long numbers masked), ``visitor``
    a salted hash of the client's address. ``flow`` joins the steps of one
    contact flow; ``category`` is that of the article concerned (for a
    search, of its first result). See :mod:`kb.analytics`.
    """

    __tablename__ = "analytics_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    flow: Mapped[str | None] = mapped_column(String(32), index=True)
    visitor: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(16))
    query: Mapped[str | None] = mapped_column(String(200))
    result_count: Mapped[int | None] = mapped_column(Integer)
    # Article ids: a search's results, or what a ticket was offered before it.
    results: Mapped[list | None] = mapped_column(JSON)
    article_id: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(40))
    positive: Mapped[bool | None] = mapped_column(Boolean)
    channel: Mapped[str | None] = mapped_column(String(16))
    ticket_kind: Mapped[str | None] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)

    __table_args__ = (Index("ix_analytics_events_kind_occurred_at", "kind", "occurred_at"),)
