"""Visitors' answers about articles: one per visitor, article and question, changeable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .db import Database
from .models import ArticleFeedback, utcnow


def record_answer(
    database: Database, *, visitor: str, article_id: str, locale: str, question: str, positive: bool, subject: str | None = None
) -> None:
    """Store the visitor's answer, replacing their earlier one to the same question about the same article.

    Counting every click let one visitor vote an article to the top of the
    popular list; now a visitor has one answer, which they may change.
    """
    values = {"locale": locale, "positive": positive, "subject": subject, "created_at": utcnow()}
    for _attempt in range(2):
        try:
            with database.writing() as db:
                earlier = db.scalar(
                    select(ArticleFeedback).where(
                        ArticleFeedback.article_id == article_id,
                        ArticleFeedback.question == question,
                        ArticleFeedback.visitor == visitor,
                    )
                )
                if earlier is None:
                    db.add(ArticleFeedback(article_id=article_id, question=question, visitor=visitor, **values))
                else:
                    for name, value in values.items():
                        setattr(earlier, name, value)
            return
        except IntegrityError:
            # The same visitor's other click was stored in between: update that one.
            continue
    raise RuntimeError(f"could not record the answer of visitor {visitor!r} about {article_id!r}")
