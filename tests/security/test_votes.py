"""Finding 10: one helpfulness vote per visitor and article, which the visitor may change."""

from __future__ import annotations

from sqlalchemy import func, select

from kb.models import ArticleFeedback

from ..helpers import form_values, soup


def vote(client, article_id: str, answer: str, locale: str = "en"):
    page = client.get(f"/{locale}/articles/{article_id}")
    return client.post(f"/{locale}/articles/{article_id}/feedback", data={**form_values(page, "feedback-form"), "answer": answer})


def votes(app, article_id: str, positive: bool | None = None) -> int:
    where = [ArticleFeedback.article_id == article_id, ArticleFeedback.question == "helpful"]
    if positive is not None:
        where.append(ArticleFeedback.positive.is_(positive))
    with app.extensions["kb.db"].reading() as db:
        return db.scalar(select(func.count()).select_from(ArticleFeedback).where(*where))


def popular(client) -> list[str]:
    return [a["href"].rsplit("/", 1)[1] for a in soup(client.get("/en/")).select(".popular a")]


def test_many_votes_from_one_visitor_count_once(make_app):
    """150 "yes" from one session moved an article to the top of the popular list."""
    app = make_app(FEEDBACK_RATE_LIMIT="1000 per hour")
    # Two real visitors read (and liked) the first article.
    for address in ("10.0.0.1", "10.0.0.2"):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = address
        vote(other, "invoices", "yes")
    client = app.test_client()
    target = "webhooks"
    values = {**form_values(client.get(f"/en/articles/{target}"), "feedback-form"), "answer": "yes"}
    for _ in range(150):  # one page, its token sent again and again
        assert client.post(f"/en/articles/{target}/feedback", data=values).status_code == 303
    for _ in range(20):  # and the page read again and again
        client.get(f"/en/articles/{target}")
    assert votes(app, target) == 1
    assert popular(client) == ["invoices", target]


def test_a_visitor_may_change_their_vote(client, app):
    vote(client, "invoices", "yes")
    vote(client, "invoices", "no")
    assert votes(app, "invoices") == 1 and votes(app, "invoices", positive=False) == 1
    # The same article in another language is the same article.
    vote(client, "invoices", "yes", locale="fr")
    assert votes(app, "invoices") == 1 and votes(app, "invoices", positive=True) == 1


def test_votes_are_rate_limited_per_client(make_app):
    """Clearing cookies makes a new visitor; the per-client limit still holds."""
    app = make_app(FEEDBACK_RATE_LIMIT="3 per hour")
    statuses = [vote(app.test_client(), "invoices", "yes").status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    assert votes(app, "invoices") == 3
