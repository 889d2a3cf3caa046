"""Finding 2: only GET and POST reach the forms; HEAD never runs a submission."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from kb.models import Ticket

from ..helpers import PNG, open_ticket_form, ticket_values


def test_head_never_submits_a_ticket_or_stores_uploads(make_app):
    """HEAD with files and no token, after the POST limit answered 429, wrote uploads to disk."""
    app = make_app(TICKET_RATE_LIMIT="1 per hour")
    client = app.test_client()
    open_ticket_form(client)
    folder = app.config["ATTACHMENTS_DIR"]
    for _ in range(3):
        data = {**ticket_values(subject="campaign not sent", channel="ticket"),
                "attachments": [(io.BytesIO(PNG * 1000), f"shot{n}.png") for n in range(3)]}
        response = client.open("/en/contact/ticket", method="HEAD", data=data, content_type="multipart/form-data")
        assert response.status_code in (200, 302, 405)
    assert not folder.exists() or not any(folder.iterdir())
    with app.extensions["kb.db"].reading() as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 0


def test_every_route_accepts_only_get_head_and_post(app):
    """No PUT, PATCH or DELETE anywhere, and HEAD only where GET is (Werkzeug adds it)."""
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods) - {"OPTIONS"}
        assert methods <= {"GET", "HEAD", "POST"}, (rule.rule, methods)
        assert ("HEAD" in methods) == ("GET" in methods), (rule.rule, methods)


def test_other_methods_on_the_ticket_form_are_405(client):
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.open("/en/contact/ticket", method=method, data=ticket_values()).status_code == 405
