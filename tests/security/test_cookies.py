"""Finding 3: every cookie is HttpOnly and SameSite=Lax, and Secure behind HTTPS."""

from __future__ import annotations

from ..helpers import form_values, open_ticket_form, submit


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def cookies_of_a_visit(client, **request) -> list[str]:
    """Every Set-Cookie of a visit that reads an article, opens the form and sends it."""
    seen = set_cookies(client.get("/fr/articles/invoices", **request))
    form_page = client.get("/en/contact/ticket", query_string={"subject": "campaign not sent"}, **request)
    seen += set_cookies(form_page)
    data = {**form_values(form_page, "ticket-form"), "email": "ana@example.com", "name": "Ana", "kind": "other",
            "description": "Nothing arrives in my inbox since Monday."}
    seen += set_cookies(client.post("/en/contact/ticket", data=data, **request))
    return seen


def test_every_cookie_is_httponly_and_samesite_lax(client):
    cookies = cookies_of_a_visit(client)
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"session", "kb_locale"} <= names, cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
        assert "Secure" not in cookie  # plain HTTP on this machine: a Secure cookie would never come back


def test_behind_https_every_cookie_is_secure(make_app):
    """``KB_PROXY_HOPS=1`` and ``X-Forwarded-Proto: https``: the session cookie had neither flag."""
    client = make_app(PROXY_HOPS=1).test_client()
    cookies = cookies_of_a_visit(client, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
    assert cookies
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_an_https_base_url_makes_every_cookie_secure(make_app):
    client = make_app(BASE_URL="https://help.plumora.example").test_client()
    response = submit(client, open_ticket_form(client))
    cookies = set_cookies(response) + set_cookies(client.get("/de/"))
    assert cookies and all("Secure" in c for c in cookies), cookies
