"""Finding 9: one ticket form makes one ticket, however often it is sent.

The form carries an idempotency key, signed with the time it was shown
(itsdangerous): a second submission with the same key answers with the first
ticket instead of making another.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from kb.models import OutboxMessage, Ticket

from ..helpers import form_values, open_ticket_form, submit


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


def count(app, model) -> int:
    with app.extensions["kb.db"].reading() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_a_replayed_form_makes_one_ticket(make_app):
    """One form, one wait, then five POSTs: five tickets before."""
    app = make_app(TICKET_RATE_LIMIT="100 per hour")
    client = app.test_client()
    form_page = open_ticket_form(client)
    answers = [submit(client, form_page) for _ in range(5)]
    assert {a.status_code for a in answers} == {303}
    assert len({a.headers["Location"] for a in answers}) == 1  # each one is the first ticket's confirmation
    assert count(app, Ticket) == 1 and count(app, OutboxMessage) == 2
    assert client.get(answers[-1].headers["Location"]).status_code == 200


def test_a_double_submit_at_the_same_moment_makes_one_ticket(make_app):
    app = make_app(TICKET_RATE_LIMIT="100 per hour")
    client = app.test_client()
    form_page = open_ticket_form(client)
    values = form_values(form_page, "ticket-form")
    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(2)
    answers = []

    def send():
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        data = {**values, "email": "ana@example.com", "name": "Ana", "kind": "other", "description": "Nothing arrives since Monday."}
        barrier.wait()
        answers.append(browser.post("/en/contact/ticket", data=data))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(app, Ticket) == 1


def test_each_form_shown_makes_its_own_ticket(client, app):
    assert submit(client, open_ticket_form(client)).status_code == 303
    assert submit(client, open_ticket_form(client, subject="second problem")).status_code == 303
    assert count(app, Ticket) == 2


def test_a_refused_form_keeps_its_key_so_the_corrected_one_is_sent_once(client, app):
    refused = submit(client, open_ticket_form(client), description="")
    assert refused.status_code == 422
    first, again = submit(client, refused), submit(client, refused)
    assert first.status_code == again.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    assert count(app, Ticket) == 1


@pytest.mark.parametrize("token", ["", "forged", "1700000000.abc"])
def test_a_missing_or_forged_form_token_is_refused_with_everything_kept(client, app, token):
    form_page = open_ticket_form(client)
    response = submit(client, form_page, started=token)
    assert response.status_code == 422
    assert form_values(response, "ticket-form")["description"] == "My campaign stayed in the sending state for two hours."
    assert count(app, Ticket) == 0


def test_the_form_token_is_signed_by_itsdangerous_with_its_time(client, app):
    from itsdangerous import URLSafeTimedSerializer

    token = form_values(open_ticket_form(client), "ticket-form")["started"]
    with app.app_context():
        from web.contact import form_serializer

        assert isinstance(form_serializer(), URLSafeTimedSerializer)
        key, shown_at = form_serializer().loads(token, return_timestamp=True)
    assert len(key) >= 20 and shown_at.year >= 2025
