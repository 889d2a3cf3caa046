"""The contact flow: subject, suggestions, article, ticket form, confirmation."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from kb.models import ArticleFeedback, Attachment, OutboxMessage, Ticket

from .conftest import LOCALES
from .helpers import EXE, PDF, PNG, form_action, form_values, open_ticket_form, soup, submit, ticket_values



@pytest.fixture
def database_url(any_database_url):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_database_url

def count(app, model, *where):
    with app.extensions["kb.db"].reading() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("locale", LOCALES)
def test_subject_step_is_an_accessible_combobox(client, locale):
    response = client.get(f"/{locale}/contact")
    assert response.status_code == 200
    page = soup(response)
    field = page.find("input", id="contact-subject")
    assert field["role"] == "combobox" and field["aria-controls"] == "contact-suggestions"
    assert field["aria-expanded"] == "false" and field["aria-autocomplete"] == "list"
    assert page.find("label", attrs={"for": "contact-subject"})
    assert page.find(id="contact-suggestions")["role"] == "listbox"
    status = page.find(id="contact-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    box = page.find(class_="combobox")
    assert box["data-lang"] == locale and box["data-suggest-url"] == "/api/suggest"
    assert box["data-article-url"] == f"/{locale}/contact/articles/__ID__"
    # JavaScript only from a static file: the CSP forbids inline script.
    scripts = page.find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/combobox.js", "/static/contact.js"]
    assert not any(s.string for s in scripts)
    for src in ("/static/combobox.js", "/static/contact.js"):
        with client.get(src) as script:
            assert script.status_code == 200


def test_no_javascript_flow_from_subject_to_confirmation(client, app):
    # Step 1: the subject form sends a GET to the suggestions page.
    start = client.get("/en/contact")
    assert form_action(start, "contact-subject-form") == "/en/contact/suggestions"
    suggestions = client.get("/en/contact/suggestions", query_string={"subject": "reset my password"})
    assert suggestions.status_code == 200
    links = [a["href"] for a in soup(suggestions).select("#contact-suggestion-list a")]
    assert links and all(href.startswith("/en/contact/articles/") and "subject=reset+my+password" in href for href in links)
    # Step 2: an article asks whether it solved the problem; "No" comes back with the subject.
    article = client.get(links[0])
    assert "Did this solve your problem?" in article.get_data(as_text=True)
    answer = form_values(article, "solved")
    assert answer["subject"] == "reset my password"
    back = client.post(form_action(article, "solved"), data={**answer, "answer": "no"})
    assert back.status_code == 302
    assert back.headers["Location"] == "/en/contact/suggestions?subject=reset+my+password"
    # Step 3: "I still need help" is what leads to the ticket form, subject kept.
    suggestions = client.get(back.headers["Location"])
    assert form_action(suggestions, "still-need-help") == "/en/contact/ticket"
    help_values = form_values(suggestions, "still-need-help")
    form_page = client.get("/en/contact/ticket", query_string=help_values)
    assert form_values(form_page, "ticket-form")["subject"] == "reset my password"
    # Step 4: sending it gives a confirmation page with the ticket number.
    sent = submit(client, form_page, kind="account", message_id="", list_id="")
    assert sent.status_code == 303
    confirmation = client.get(sent.headers["Location"])
    number = soup(confirmation).find(id="ticket-number").text
    assert number.startswith("PLM-") and len(number) == 10
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
        assert ticket.subject == "reset my password" and ticket.number == number and ticket.locale == "en"
        opened = [a for a in ticket.suggested if a["opened"]]
        assert opened and opened[0]["id"] in links[0]
    assert count(app, ArticleFeedback, ArticleFeedback.question == "solved", ArticleFeedback.positive.is_(False)) == 1


def test_yes_ends_the_flow_and_records_a_deflection(client, app):
    article = client.get("/fr/contact/articles/reset-password", query_string={"subject": "mot de passe"})
    assert article.status_code == 200 and '<html lang="fr">' in article.get_data(as_text=True)
    done = client.post(form_action(article, "solved"), data={**form_values(article, "solved"), "answer": "yes"})
    assert done.status_code == 200
    assert not soup(done).find("form", id="ticket-form") and not soup(done).find("form", id="still-need-help")
    with app.extensions["kb.db"].reading() as db:
        feedback = db.scalar(select(ArticleFeedback))
    assert (feedback.question, feedback.positive, feedback.locale, feedback.subject) == ("solved", True, "fr", "mot de passe")
    assert count(app, Ticket) == 0


def test_ticket_form_needs_the_suggestions_step_first(client):
    response = client.get("/en/contact/ticket")
    assert response.status_code == 302 and response.headers["Location"].startswith("/en/contact")
    assert client.get("/en/contact/ticket?subject=ab").status_code == 302


@pytest.mark.parametrize(
    ("subject", "message"),
    [("", "at least 3"), ("ab", "at least 3"), ("x" * 201, "under 200"), ("bad\x07bell", "one line")],
)
def test_bad_subject_is_refused_with_the_text_kept(client, subject, message):
    response = client.get("/en/contact/suggestions", query_string={"subject": subject})
    assert response.status_code == 422
    page = soup(response)
    assert message in page.find(id="contact-subject-error").text
    assert page.find(id="contact-subject")["value"] == subject.strip()
    assert page.find(id="contact-subject")["aria-invalid"] == "true"


def test_ticket_form_markup(client):
    page = soup(open_ticket_form(client))
    for field_id in ("email", "name", "subject", "kind", "message_id", "list_id", "description", "attachments"):
        assert page.find(id=field_id), field_id
        assert page.find("label", attrs={"for": field_id}), field_id
    # One channel is said, not offered as a choice of one.
    assert not page.select("#channel-choice input[type=radio]")
    assert [c["value"] for c in page.select("#channel-choice input[name=channel]")] == ["ticket"]
    assert page.find(id="website").find_parent(class_="honeypot")["aria-hidden"] == "true"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "enter your email"),
        ("email", "not-an-address", "one email address"),
        ("email", "a@example.com, b@example.com", "one email address"),
        ("email", "a@example.com\r\nBcc: x@example.com", "one email address"),
        ("email", "a" * 250 + "@example.com", "too long"),
        ("name", "", "enter your name"),
        ("name", "Ana\r\nBcc: x@example.com", "one line"),
        ("name", "n" * 101, "under 100"),
        ("subject", "", "few words"),
        ("subject", "ab", "between 3 and 200"),
        ("subject", "Hi\nBcc: x@example.com", "one line"),
        ("description", "", "describe what happened"),
        ("description", "short", "between 10 and 10,000"),
        ("description", "d" * 10_001, "between 10 and 10,000"),
        ("kind", "", "choose what"),
        ("kind", "lottery", "choose what"),
        ("message_id", "msg 1; drop", "message ID has only"),
        ("message_id", "m" * 101, "under 100"),
        ("list_id", "list/../../x", "list ID has only"),
        ("channel", "carrier-pigeon", "Not a valid choice"),
    ],
)
def test_bad_input_on_each_field_is_refused_and_everything_kept(client, app, field, value, message):
    form_page = open_ticket_form(client)
    response = submit(client, form_page, **{field: value})
    assert response.status_code == 422
    page = soup(response)
    error = page.find(id=f"{field}-error") if field != "channel" else page.select_one("#channel-choice .field-error")
    assert error is not None and message in error.text, page.find(id="error-summary")
    kept = form_values(response, "ticket-form")
    expected = ticket_values(**{field: value})
    for name in ("email", "name", "description", "message_id", "list_id"):
        if name != field:
            assert kept[name] == expected[name]
    assert kept["subject"] == ("campaign not sent" if field != "subject" else value.strip())
    assert count(app, Ticket) == 0


def test_attachments_are_checked_by_content_and_kept_across_a_failed_validation(client, app):
    form_page = open_ticket_form(client)
    refused = submit(client, form_page, description="", files=[("screen.png", PNG), ("report.pdf", PDF), ("cat.png", EXE)])
    assert refused.status_code == 422
    page = soup(refused)
    assert "cat.png is not a screenshot" in page.find(id="error-summary").text
    assert [s.text for s in page.select(".kept-file")] == ["screen.png", "report.pdf"]
    # Sent again with the description fixed and no new file: both are kept.
    sent = submit(client, refused)
    assert sent.status_code == 303
    with app.extensions["kb.db"].reading() as db:
        attachments = db.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type) for a in attachments] == [("screen.png", "image/png"), ("report.pdf", "application/pdf")]
    stored = app.config["ATTACHMENTS_DIR"] / attachments[0].stored_name
    assert stored.read_bytes() == PNG and "screen" not in attachments[0].stored_name


def test_kept_attachments_cannot_be_forged(client, app):
    form_page = open_ticket_form(client)
    values = form_values(form_page, "ticket-form")
    values.update(ticket_values(kept_attachments='[{"stored_name": "../../etc/passwd"}]'))
    assert client.post("/en/contact/ticket", data=values).status_code == 303
    assert count(app, Attachment) == 0


def test_attachment_count_and_size_limits(app_config):
    from web import create_app

    app_config.update(ATTACHMENT_MAX_COUNT=1, ATTACHMENT_MAX_BYTES=1000, MAX_CONTENT_LENGTH=5000)
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    form_page = open_ticket_form(client)
    too_many = submit(client, form_page, files=[("a.png", PNG), ("b.pdf", PDF)])
    assert too_many.status_code == 422 and "at most 1 file" in too_many.get_data(as_text=True)
    too_large = submit(client, form_page, files=[("big.txt", b"x" * 1001)])
    assert too_large.status_code == 422 and "big.txt is larger than" in too_large.get_data(as_text=True)
    # Past MAX_CONTENT_LENGTH the request is refused before it is read.
    huge = submit(client, form_page, files=[("huge.txt", b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))])
    assert huge.status_code == 413 and "too large" in huge.get_data(as_text=True)
    assert count(app, Ticket) == 0
    app.extensions["kb.db"].dispose()


def test_csrf_failure_shows_the_form_again_with_everything_kept(client, app):
    form_page = open_ticket_form(client)
    values = form_values(form_page, "ticket-form")
    values.update(ticket_values(csrf_token="expired-or-forged"))
    response = client.post("/en/contact/ticket", data=values)
    assert response.status_code == 400
    kept = form_values(response, "ticket-form")
    assert kept["description"] == ticket_values()["description"] and kept["email"] == "ana@example.com"
    assert soup(response).find(id="form-notice")
    # The page carries a fresh token: sending again works.
    assert client.post("/en/contact/ticket", data=kept).status_code == 303


def test_honeypot_and_minimum_fill_time(app_config):
    from web import create_app

    app_config["MIN_FILL_SECONDS"] = 30
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    form_page = open_ticket_form(client)
    too_fast = submit(client, form_page)
    assert too_fast.status_code == 422 and "take a moment" in too_fast.get_data(as_text=True)
    assert form_values(too_fast, "ticket-form")["description"] == ticket_values()["description"]
    robot = submit(client, form_page, website="http://spam.example")
    assert robot.status_code == 400
    assert count(app, Ticket) == 0
    app.extensions["kb.db"].dispose()


def test_confirmation_needs_the_unguessable_link(client, app):
    sent = submit(client, open_ticket_form(client))
    link = sent.headers["Location"]
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 40
    response = client.get(link)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
    assert token not in ticket.link_digest
    assert client.get(f"/en/contact/tickets/{ticket.number}").status_code == 404
    assert client.get(f"/en/contact/tickets/{token[:-1]}x").status_code == 404


def test_ticket_writes_its_emails_to_the_outbox_in_the_same_transaction(client, app):
    sent = submit(client, open_ticket_form(client, locale="de"), locale="de")
    assert sent.status_code == 303
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
        messages = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.recipient, m.status) for m in messages] == [
        ("email", "ana@example.com", "pending"),
        ("email", app.config["SUPPORT_INBOX"], "pending"),
    ]
    assert all(m.ticket_id == ticket.id for m in messages)
    confirmation = message_from_bytes(messages[0].payload, policy=policy.default)
    assert confirmation["Content-Language"] == "de" and ticket.number in confirmation["Subject"]
    assert "http://localhost/de/contact/tickets/" in confirmation.get_content()
    assert ticket.message_id == "msg-2041" and ticket.list_id == "newsletter-fr"


def test_campaign_fields_are_dropped_for_other_requests(client, app):
    submit(client, open_ticket_form(client), kind="billing")
    with app.extensions["kb.db"].reading() as db:
        ticket = db.scalar(select(Ticket))
    assert (ticket.kind, ticket.message_id, ticket.list_id) == ("billing", None, None)


def test_ticket_submissions_are_rate_limited_per_client_with_input_kept(app_config):
    from web import create_app

    app_config["TICKET_RATE_LIMIT"] = "2 per hour"
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    assert submit(client, open_ticket_form(client)).status_code == 303
    assert submit(client, open_ticket_form(client, subject="second problem")).status_code == 303
    limited = submit(client, open_ticket_form(client, subject="third problem"), description="A third request that must not be lost.")
    assert limited.status_code == 429
    assert form_values(limited, "ticket-form")["description"] == "A third request that must not be lost."
    other_client = app.test_client()
    other = client_from(other_client, "10.0.0.2")
    assert submit(other, open_ticket_form(other)).status_code == 303
    assert count(app, Ticket) == 3
    app.extensions["kb.db"].dispose()


def client_from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.mark.parametrize("locale", LOCALES)
def test_the_whole_flow_works_in_every_language(client, app, locale):
    suggestions = client.get(f"/{locale}/contact/suggestions", query_string={"subject": "password"})
    assert suggestions.status_code == 200 and f'<html lang="{locale}">' in suggestions.get_data(as_text=True)
    form_page = client.get(f"/{locale}/contact/ticket", query_string=form_values(suggestions, "still-need-help"))
    assert form_values(form_page, "ticket-form")["kind"] == ""  # the customer chooses
    sent = submit(client, form_page, locale=locale)
    assert sent.status_code == 303 and sent.headers["Location"].startswith(f"/{locale}/contact/tickets/")
    assert f'<html lang="{locale}">' in client.get(sent.headers["Location"]).get_data(as_text=True)
    with app.extensions["kb.db"].reading() as db:
        assert db.scalar(select(Ticket.locale)) == locale


def test_contact_errors_are_in_the_visitors_language(client):
    response = client.get("/it/contact/articles/no-such-article")
    assert response.status_code == 404 and '<html lang="it">' in response.get_data(as_text=True)
    assert client.get("/xx/contact").status_code == 404


def test_expired_token_on_did_this_solve_asks_again_with_the_subject_kept(client, app):
    response = client.post("/en/contact/articles/reset-password/solved", data={"subject": "my password", "answer": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/contact/articles/reset-password?subject=my+password"
    page = client.get(response.headers["Location"])
    assert soup(page).select_one(".flash[role=status]") and form_values(page, "solved")["subject"] == "my password"
    assert count(app, ArticleFeedback) == 0


@pytest.mark.parametrize("path", ["/fr/contact", "/fr/contact/suggestions", "/fr/contact/articles/invoices", "/fr/contact/ticket"])
def test_switching_language_keeps_the_subject(client, path):
    page = soup(client.get(path, query_string={"subject": "facture impayée"}))
    link = page.find("a", hreflang="de", attrs={"lang": "de"}) or page.find("a", hreflang="de")
    assert link["href"].startswith(path.replace("/fr/", "/de/"))
    assert "subject=facture+impay%C3%A9e" in link["href"] or "subject=facture%20impay%C3%A9e" in link["href"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_contact_page_holds_the_ticket_form_hidden_until_asked(client, locale):
    """With JavaScript the flow is one page: the form is there, hidden, subject kept;
    without it the steps stay pages (the section is hidden and the subject form leads on)."""
    page = soup(client.get(f"/{locale}/contact", query_string={"subject": "facture"}))
    section = page.find(id="ticket-section")
    assert section.has_attr("hidden") and section["aria-labelledby"] == "ticket-heading"
    assert section.find(id="ticket-heading")["tabindex"] == "-1" and section["data-announce"]
    form = section.find("form", id="ticket-form")
    assert form["action"] == f"/{locale}/contact/ticket" and form.find(id="subject")["value"] == "facture"
    offer = page.find(id="none-helps")
    assert offer.has_attr("hidden") and offer.button["aria-controls"] == "ticket-section"
    # "None of these answers" follows the suggestions directly.
    combobox = page.find(class_="combobox")
    following = [e for e in combobox.find_next_siblings() if e.name]
    assert following[0]["id"] == "contact-subject-hint" and following[1]["id"] == "none-helps"
    assert page.find(id="contact-subject-form")["action"] == f"/{locale}/contact/suggestions"


def test_a_ticket_sent_from_the_contact_page_is_accepted(client, app):
    from .helpers import form_values

    page = client.get("/en/contact", query_string={"subject": "invoice wrong company"})
    data = {**form_values(page, "ticket-form"), **ticket_values(kind="billing")}
    sent = client.post("/en/contact/ticket", data=data, content_type="multipart/form-data")
    assert sent.status_code == 303 and "/en/contact/tickets/" in sent.headers["Location"]


def test_an_opened_article_is_recorded_in_whichever_version_exists(app, tmp_path):
    """The ticket records opened articles through the same fallback order as the pages."""
    from flask import g, session

    from kb.articles import load_articles
    from search.indexing import build_index
    from search.service import SearchIndex
    from web.contact import suggested_articles

    from .conftest import write_article

    root = tmp_path / "articles"
    write_article(root, "en/a.md", "---\nid: everywhere\ntitle: Everywhere\n---\nText.\n")
    write_article(root, "fr/b.md", "---\nid: only-fr\ntitle: Seulement en français\n---\nTexte.\n")
    build_index(load_articles(root, ("en", "fr", "de"), "en"), tmp_path / "index", ("en", "fr", "de"))
    app.extensions["kb.search"] = SearchIndex(tmp_path / "index", ("en", "fr", "de"), "en")
    with app.test_request_context("/de/contact/ticket"):
        g.locale = "de"
        session["contact_opened"] = ["only-fr", "everywhere"]
        recorded = suggested_articles("zzzz")
    assert {"id": "only-fr", "locale": "fr", "title": "Seulement en français", "opened": True} in recorded
    assert {"id": "everywhere", "locale": "en", "title": "Everywhere", "opened": True} in recorded
