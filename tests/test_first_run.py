"""The first run: demo mail caught in the instance, `kb demo`, what `kb serve` prints."""

from __future__ import annotations

from kb.cli import first_run_lines, main
from kb.mail import MailFolder, mail_folder_path
from kb.outbox import Sender
from kb.settings import load

from .helpers import form_values, open_ticket_form, soup, submit


def test_without_a_mail_server_email_is_caught_in_the_instance(app_config):
    app_config["SMTP_URL"] = None
    from web import create_app

    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    sent = submit(client, open_ticket_form(client, "fr"), "fr", email="claire@example.com")
    confirmation = client.get(sent.headers["Location"])
    # Nothing has gone yet: the page says the email is on its way, not that it was sent.
    assert "en route" in soup(confirmation).find(id="confirmation-email").text
    report = Sender(app.extensions["kb.db"], app.config).deliver_due()
    assert (report.sent, report.retried, report.dead) == (2, 0, 0)
    caught = MailFolder(mail_folder_path(app.config)).messages()
    assert {m.recipient for m in caught} == {"claire@example.com", "support@plumora.example"}
    number = soup(confirmation).find(id="ticket-number").text
    assert any(number in m.subject and number in m.body for m in caught)
    again = client.get(sent.headers["Location"])
    assert "Nous avons envoyé une confirmation" in soup(again).find(id="confirmation-email").text
    app.extensions["kb.db"].dispose()


def test_mail_folder_refuses_names_outside_it(tmp_path):
    folder = MailFolder(tmp_path / "mail")
    (tmp_path / "secret.eml").write_text("Subject: no\n\nno")
    assert folder.message("../secret.eml") is None and folder.message("secret") is None
    assert folder.messages() == []


def test_kb_demo_fills_staff_tickets_and_mail_once(runner, kb_env, tmp_path):
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo staff account demo@plumora.example created, password " in first.output
    assert "6 demo tickets added" in first.output
    password = first.output.split("password ", 1)[1].split()[0]
    second = runner.invoke(main, ["demo"])
    assert "demo analytics events added" in first.output
    assert "already exists" in second.output and "none added" in second.output
    assert "analytics" not in second.output  # the made-up visits are added once too
    sent = runner.invoke(main, ["outbox", "send"])
    assert sent.output.strip() == "12 sent, 0 to retry, 0 dead"

    config = load(kb_env)
    lines = first_run_lines(config, "0.0.0.0", 8000)
    assert lines[0] == "Help center: open http://127.0.0.1:8000/"
    assert f"sign in as demo@plumora.example, password {password}" in lines[1]
    assert "KB_SMTP_URL is not set" in lines[2] and "/admin/mail" in lines[2]

    from web import create_app

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, **{k: v for k, v in config.items() if k != "SECRET_KEY"}})
    client = app.test_client()
    login = client.get("/admin/login")
    client.post("/admin/login", data={**form_values(login, "login-form"), "email": "demo@plumora.example", "password": password})
    tickets = soup(client.get("/admin/"))
    assert len(tickets.select("table.tickets tbody tr")) == 6
    mail = soup(client.get("/admin/mail"))
    assert mail.select_one(".admin-nav [aria-current]").text == "Caught email"  # the staff area's own layout
    links = mail.select("table.tickets tbody a")
    assert len(links) == 12
    message = soup(client.get(links[0]["href"]))
    assert "@" in message.select_one(".ticket-summary").text and message.select_one("pre.mail-body").text.strip()
    # The confirmations link to where `kb serve` will answer.
    confirmations = [m for m in MailFolder(mail_folder_path(config)).messages() if m.recipient.endswith("@example.com")]
    assert len(confirmations) == 6 and all("http://127.0.0.1:8000/" in m.body for m in confirmations)
    # Three weeks of visits: the reports page has figures, and articles to write.
    reports = soup(client.get("/admin/reports"))
    figures = {dt.text.strip(): dd.text.strip() for dt, dd in zip(reports.select(".figures dt"), reports.select(".figures dd"))}
    assert figures and all(value not in ("0", "") for value in figures.values()), figures
    assert reports.select("svg.chart") and "whatsapp" in reports.text
    app.extensions["kb.db"].dispose()


def test_serve_says_how_to_create_a_staff_account_when_none_exists(kb_env):
    config = load({**kb_env, "KB_SMTP_URL": "smtp://mail.example:25"})
    from kb.db import upgrade

    upgrade(config["DATABASE_URL"])
    lines = first_run_lines(config, "127.0.0.1", 8123)
    assert lines == [
        "Help center: open http://127.0.0.1:8123/",
        "Admin area: http://127.0.0.1:8123/admin/ (no staff account yet: run `kb staff add EMAIL` or `kb demo`)",
    ]
