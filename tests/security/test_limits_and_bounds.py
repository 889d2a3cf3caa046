"""Findings 11 and 12: huge page numbers, and only accepted tickets counted by the ticket limit."""

from __future__ import annotations

import pytest

from ..helpers import form_values, open_ticket_form, submit
from .test_sessions import PASSWORD, sign_in


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


@pytest.mark.parametrize("page", ["999999999999999999", "99999999999999999999999", "-5", "0", "x", "1e9", "٣"])
def test_admin_page_numbers_are_bounded(app, runner, page):
    """``/admin/?page=999999999999999999`` was a 500 (integer overflow on SQLite and PostgreSQL)."""
    from kb.cli import main

    runner.invoke(main, ["staff", "add", "ana@plumora.example", "--password", PASSWORD], env={"KB_DATABASE_URL": app.config["DATABASE_URL"]})
    client = app.test_client()
    customer = app.test_client()
    submit(customer, open_ticket_form(customer))
    sign_in(client, "ana@plumora.example")
    response = client.get("/admin/", query_string={"page": page})
    assert response.status_code == 200
    assert "PLM-" in response.get_data(as_text=True)  # the one page there is


@pytest.mark.parametrize("page", ["999999999999999999", "9" * 5000, "-1"])
def test_search_page_numbers_are_bounded(client, page):
    assert client.get("/en/search", query_string={"q": "invoice", "page": page}).status_code == 200


def test_refused_forms_do_not_count_against_the_ticket_limit(make_app):
    """Five refused submissions locked a customer out of the ticket form for 10 minutes."""
    app = make_app(TICKET_RATE_LIMIT="2 per hour")
    client = app.test_client()
    form_page = open_ticket_form(client)
    for _ in range(5):
        refused = submit(client, form_page, description="short")
        assert refused.status_code == 422
    assert submit(client, refused).status_code == 303
    assert submit(client, open_ticket_form(client, subject="another problem")).status_code == 303
    limited = submit(client, open_ticket_form(client, subject="a third problem"), description="Please keep this text.")
    assert limited.status_code == 429
    assert form_values(limited, "ticket-form")["description"] == "Please keep this text."
