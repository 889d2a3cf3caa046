"""Findings 1 and 8: the Host header never reaches a link, and a malformed one is a 400."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from kb.models import OutboxMessage, Ticket

from ..helpers import form_values, open_ticket_form, soup, submit

BASE = "https://help.plumora.example"


def confirmation_link(app) -> str:
    with app.extensions["kb.db"].reading() as db:
        payload = db.scalars(select(OutboxMessage.payload).order_by(OutboxMessage.id)).first()
    body = message_from_bytes(payload, policy=policy.default).get_content()
    return next(word for word in body.split() if "/contact/tickets/" in word)


def ticket_count(app) -> int:
    with app.extensions["kb.db"].reading() as db:
        return db.scalar(select(func.count()).select_from(Ticket))


def test_a_forged_host_never_reaches_the_customers_email(make_app):
    """Finding 1: a ticket filed with ``Host: evil.example`` mailed a link to evil.example."""
    app = make_app(BASE_URL=BASE)
    attacker = app.test_client()
    evil = {"Host": "evil.example"}
    form_page = attacker.get("/en/contact/ticket", query_string={"subject": "campaign not sent"}, headers=evil)
    assert form_page.status_code == 400
    honest_page = open_ticket_form(attacker)
    data = {**form_values(honest_page, "ticket-form"), "email": "ana@example.com", "name": "Ana", "kind": "other",
            "description": "Nothing arrives in my inbox since Monday."}
    assert attacker.post("/en/contact/ticket", data=data, headers=evil).status_code == 400
    assert ticket_count(app) == 0
    # Whatever host the customer's request named (here this machine's), the link is the public one.
    customer = app.test_client()
    sent = submit(customer, open_ticket_form(customer))
    assert sent.status_code == 303
    assert confirmation_link(app).startswith(f"{BASE}/en/contact/tickets/")


def test_canonical_and_hreflang_links_use_the_base_url(make_app):
    app = make_app(BASE_URL=BASE + "/")
    client = app.test_client()
    # A host the server answers for (a health check on the loopback address) changes no link.
    page = soup(client.get("/fr/articles/invoices", headers={"Host": "127.0.0.1:8000"}))
    links = [page.find("link", rel="canonical")["href"]] + [a["href"] for a in page.find_all("link", rel="alternate")]
    assert links and all(link.startswith(f"{BASE}/") for link in links), links
    assert page.find("link", rel="canonical")["href"] == f"{BASE}/fr/articles/invoices"


def test_without_a_base_url_only_local_hosts_are_answered(make_app):
    """Development default: links follow the request's host, which must be this machine."""
    app = make_app()
    client = app.test_client()
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/api/suggest?q=x", headers={"Host": "evil.example:8000"}).status_code == 400
    for host in ("localhost", "127.0.0.1:8000"):
        assert client.get("/en/", headers={"Host": host}).status_code == 200, host
    sent = submit(client, open_ticket_form(client))
    assert sent.status_code == 303 and confirmation_link(app).startswith("http://localhost/en/contact/tickets/")


def test_base_url_must_be_an_absolute_http_address(app_config):
    from web import create_app

    for bad in ("help.plumora.example", "ftp://help.plumora.example", "https://", "https://help.plumora.example/?a=1"):
        with pytest.raises(ValueError, match="KB_BASE_URL"):
            create_app({**app_config, "BASE_URL": bad})


@pytest.mark.parametrize("host", ["a" * 64 + ".example", "x..y", "bad host", "évil.example:99999"])
@pytest.mark.parametrize("path", ["/en/", "/en/articles/invoices", "/en/contact", "/admin/", "/api/suggest?q=x"])
def test_a_malformed_host_is_a_400_with_the_security_headers(make_app, host, path):
    """Finding 8: a malformed Host gave a 500 on every HTML page, without security headers."""
    client = make_app(BASE_URL=BASE).test_client()
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert host not in response.get_data(as_text=True)


def test_the_refused_form_keeps_its_fields_under_the_base_url(make_app):
    """The base URL changes links only: forms still post to relative paths."""
    client = make_app(BASE_URL=BASE).test_client()
    form_page = open_ticket_form(client)
    assert soup(form_page).find("form", id="ticket-form")["action"] == "/en/contact/ticket"
    refused = submit(client, form_page, description="")
    assert refused.status_code == 422 and form_values(refused, "ticket-form")["name"] == "Ana Lima"
