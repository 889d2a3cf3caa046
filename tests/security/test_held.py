"""What held when the help center was probed, kept holding: XSS, CSRF, staff auth, traversal, uploads."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from kb.articles import load_articles
from kb.models import Attachment, OutboxMessage, Ticket
from search.indexing import build_index

from ..conftest import write_article
from ..helpers import EXE, PNG, STAFF_PASSWORD as PASSWORD, add_staff, form_values, open_ticket_form, sign_in, soup, submit

SCRIPT = "<script>alert(1)</script>"
HOSTILE_ARTICLE = f"""---
id: hostile
title: 'Invoice {SCRIPT}'
tags: [invoice]
---
Invoice help {SCRIPT} <img src=x onerror=alert(2)> [click](javascript:alert(3))
<iframe src="https://evil.example"></iframe> <a href="#" onclick="alert(4)">x</a>
<svg onload=alert(5)></svg> <style>body{{display:none}}</style>
"""


def assert_inert(html: str) -> None:
    """No element a browser would run: no inline script, event handler, javascript: link or frame."""
    page = BeautifulSoup(html, "html.parser")
    for element in page.find_all(True):
        assert element.name not in ("iframe", "svg", "object", "embed", "style"), element
        assert element.name != "script" or (element.get("src", "").startswith("/static/") and not element.string), element
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            assert "javascript:" not in str(value).lower(), element


@pytest.fixture
def hostile_app(make_app, tmp_path):
    articles = tmp_path / "articles"
    write_article(articles, "en/hostile.md", HOSTILE_ARTICLE)
    loaded = load_articles(articles, ("en",), "en")
    build_index(loaded, tmp_path / "hostile-index", ("en",))
    return make_app(ARTICLES_DIR=articles, INDEX_DIR=tmp_path / "hostile-index", LOCALES=("en",), DEFAULT_LOCALE="en")


def test_article_markdown_cannot_carry_script(hostile_app):
    client = hostile_app.test_client()
    page = client.get("/en/articles/hostile")
    assert page.status_code == 200
    assert_inert(page.get_data(as_text=True))
    assert "&lt;script&gt;" in page.get_data(as_text=True)  # the title is shown as text


@pytest.mark.parametrize("query", ["invoice", SCRIPT, '"><img src=x onerror=alert(1)>', "invoice <b>onerror=</b>"])
def test_snippets_and_search_pages_are_escaped(hostile_app, query):
    client = hostile_app.test_client()
    api = client.get("/api/suggest", query_string={"q": query, "lang": "en"})
    assert api.status_code == 200 and api.is_json
    for hit in api.get_json()["results"]:
        assert_inert(hit["snippet"].replace("<mark>", "").replace("</mark>", ""))
        assert "<" not in hit["snippet"].replace("<mark>", "").replace("</mark>", "")
    for path in ("/en/search", "/en/contact/suggestions"):
        page = client.get(path, query_string={"q": query, "subject": query})
        assert page.status_code in (200, 422)
        assert_inert(page.get_data(as_text=True))


@pytest.fixture
def staff(app, runner):
    return add_staff(app, runner)


def test_ticket_fields_are_text_in_staff_pages_and_emails(app, staff):
    customer = app.test_client()
    sent = submit(customer, open_ticket_form(customer, subject=f"Help {SCRIPT}"), name=f"Ana {SCRIPT}",
                  description=f"{SCRIPT} <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    assert sent.status_code == 303
    assert_inert(customer.get(sent.headers["Location"]).get_data(as_text=True))
    staff_client = app.test_client()
    sign_in(staff_client, staff)
    listing = staff_client.get("/admin/")
    assert_inert(listing.get_data(as_text=True))
    detail = staff_client.get(soup(listing).select_one("table.tickets a")["href"])
    assert_inert(detail.get_data(as_text=True)) and "&lt;script&gt;" in detail.get_data(as_text=True)
    with app.extensions["kb.db"].reading() as db:
        for payload in db.scalars(select(OutboxMessage.payload)):
            message = message_from_bytes(payload, policy=policy.default)
            assert not any(part.get_content_type() == "text/html" for part in message.walk())


def test_every_form_needs_its_csrf_token(app, staff):
    client = app.test_client()
    posts = {
        "/en/contact/ticket": {"email": "a@example.com", "name": "A", "subject": "abc", "kind": "other", "description": "0123456789", "channel": "ticket"},
        "/en/articles/invoices/feedback": {"answer": "yes"},
        "/en/contact/articles/invoices/solved": {"answer": "yes", "subject": "abc"},
        "/admin/login": {"email": staff, "password": PASSWORD},
    }
    for path, data in posts.items():
        response = client.post(path, data=data)
        assert response.status_code in (303, 400), (path, response.status_code)
    with app.extensions["kb.db"].reading() as db:
        from kb.models import ArticleFeedback

        assert db.scalar(select(func.count()).select_from(Ticket)) == 0
        assert db.scalar(select(func.count()).select_from(ArticleFeedback)) == 0
    assert client.get("/admin/").status_code == 302  # the sign-in without a token did not sign in
    sign_in(client, staff)
    assert client.post("/admin/logout").status_code == 400 and client.get("/admin/").status_code == 200


def test_every_staff_page_needs_a_signed_in_staff_member(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin/") or rule.endpoint == "admin.login":
            continue
        path = rule.rule.replace("<int:attachment_id>", "1").replace("<number>", "PLM-AAAAAA")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code in (302, 400), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize(
    "path",
    ["/en/articles/..%2F..%2Fetc%2Fpasswd", "/en/articles/../../kb/settings.py", "/static/..%2F..%2Fkb%2Fsettings.py",
     "/en/contact/tickets/..%2F..%2Fadmin", "/%2e%2e/%2e%2e/etc/passwd", "/en/categories/..%2F..%2F"],
)
def test_paths_cannot_leave_their_folders(client, path):
    response = client.get(path)
    assert response.status_code in (301, 308, 404), response.status_code
    assert b"SETTINGS" not in response.data and b"root:" not in response.data


def test_uploads_are_checked_by_content_and_stored_under_random_names(client, app):
    sent = submit(client, open_ticket_form(client), files=[("../../evil.png", PNG), ("invoice.pdf", EXE)])
    assert sent.status_code == 422 and "invoice.pdf is not a screenshot" in sent.get_data(as_text=True)
    forged = form_values(sent, "ticket-form")
    forged["kept_attachments"] = json.dumps([{"stored_name": "../../secret_key", "filename": "x", "content_type": "text/plain", "size": 1}])
    assert client.post("/en/contact/ticket", data=forged).status_code in (303, 422)
    submit(client, sent)
    with app.extensions["kb.db"].reading() as db:
        names = db.scalars(select(Attachment.stored_name)).all()
    assert all("/" not in name and ".." not in name and "evil" not in name for name in names)
    folder = app.config["ATTACHMENTS_DIR"]
    assert all(path.parent == folder for path in folder.rglob("*"))
