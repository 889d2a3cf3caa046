"""Finding 7: rate-limit storage down fails open, logged, never a 500 and never a lost form."""

from __future__ import annotations

import logging

from ..helpers import free_port, open_ticket_form, submit


def test_unreachable_redis_fails_open_with_a_logged_error(make_app, caplog):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = make_app(RATELIMIT_STORAGE_URL=closed, TICKET_RATE_LIMIT="2 per hour", SUGGEST_RATE_LIMIT="100 per minute")
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert client.get("/api/suggest?q=password&lang=en").status_code == 200
        sent = submit(client, open_ticket_form(client))
    assert sent.status_code == 303
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING and "rate limit" in r.getMessage().lower()]
    assert problems, [r.getMessage() for r in caplog.records]
    # Limits still hold, counted in this process's memory until Redis is back.
    assert submit(client, open_ticket_form(client)).status_code == 303
    assert submit(client, open_ticket_form(client)).status_code == 429
