"""The staff area: accounts from the kb command, signed-in reading of tickets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kb.cli import main
from kb.models import StaffUser

from .helpers import PNG, STAFF_PASSWORD, add_staff, form_action, form_values, open_ticket_form, sign_in, soup, submit

PASSWORD = STAFF_PASSWORD


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


@pytest.fixture
def staff(app, runner):
    # Upper case on purpose: addresses are stored folded.
    return add_staff(app, runner, "Ana@Plumora.example")


def test_staff_accounts_are_stored_hashed_and_unique(app, runner, staff):
    with app.extensions["kb.db"].reading() as db:
        user = db.scalar(select(StaffUser))
    assert user.email == staff and PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")
    again = runner.invoke(main, ["staff", "add", staff, "--password", PASSWORD], env={"KB_DATABASE_URL": app.config["DATABASE_URL"]})
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(main, ["staff", "add", "bo@plumora.example", "--password", "short"], env={"KB_DATABASE_URL": app.config["DATABASE_URL"]})
    assert short.exit_code == 2 and "12 characters" in short.output


def test_the_first_staff_account_of_a_new_install_makes_the_tables(tmp_path, runner):
    # The writer's guide starts with `kb staff add`, before anything made the database.
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    result = runner.invoke(main, ["staff", "add", "ana@plumora.example", "--password", PASSWORD], env={"KB_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    listed = runner.invoke(main, ["staff", "list"], env={"KB_DATABASE_URL": url})
    assert listed.output.startswith("ana@plumora.example\tactive")


def test_tickets_need_a_signed_in_staff_member(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_staff_lists_and_reads_tickets_and_downloads_attachments(app, client, staff):
    customer = app.test_client()
    submit(customer, open_ticket_form(customer, subject="images missing"), files=[("shot.png", PNG)])
    signed_in = sign_in(client, staff, PASSWORD)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/admin/"
    listing = client.get("/admin/")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    link = soup(listing).select_one("table.tickets a")
    assert link.text.startswith("PLM-")
    detail = client.get(link["href"])
    text = detail.get_data(as_text=True)
    assert "images missing" in text and "ana@example.com" in text and "msg-2041" in text
    download = soup(detail).find("a", string="shot.png")["href"]
    with client.get(download) as response:
        assert response.data == PNG and response.mimetype == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment")
    signed_out = client.post("/admin/logout", data=form_values(listing, "logout-form"))
    assert signed_out.status_code == 303 and client.get("/admin/").status_code == 302


def test_wrong_password_and_missing_csrf_are_refused(client, staff):
    assert sign_in(client, staff, "wrong password!").status_code == 401
    assert sign_in(client, "nobody@plumora.example", PASSWORD).status_code == 401
    response = client.post("/admin/login", data={"email": staff, "password": PASSWORD})
    assert response.status_code == 400 and client.get("/admin/").status_code == 302
    assert form_values(response, "login-form")["email"] == staff  # kept, with a fresh token


def test_sign_in_is_rate_limited(app_config, runner):
    from web import create_app

    app_config["LOGIN_RATE_LIMIT"] = "3 per hour"
    app = create_app(app_config)
    app.extensions["kb.db"].upgrade()
    client = app.test_client()
    statuses = [sign_in(client, "x@plumora.example", "wrong password!").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    app.extensions["kb.db"].dispose()


def test_next_never_leaves_the_site(client, staff):
    page = client.get("/admin/login?next=//evil.example/")
    response = client.post("/admin/login?next=//evil.example/", data={**form_values(page, "login-form"), "email": staff, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"


def test_unclaimed_uploads_are_pruned_and_ticket_files_kept(app, runner):
    import os
    import time

    customer = app.test_client()
    form_page = open_ticket_form(customer)
    abandoned = submit(customer, form_page, description="", files=[("left.png", PNG)])  # refused, file kept aside
    assert abandoned.status_code == 422
    submit(customer, form_page, files=[("sent.png", PNG)])
    folder = app.config["ATTACHMENTS_DIR"]
    assert len(list(folder.iterdir())) == 2
    old = time.time() - 2 * 86400
    for path in folder.iterdir():
        os.utime(path, (old, old))
    env = {"KB_DATABASE_URL": app.config["DATABASE_URL"], "KB_ATTACHMENTS_DIR": str(folder)}
    result = runner.invoke(main, ["attachments", "prune"], env=env)
    assert result.exit_code == 0 and result.output.strip() == "1 unclaimed file(s) deleted"
    with app.extensions["kb.db"].reading() as db:
        from kb.models import Attachment

        kept = db.scalar(select(Attachment))
    assert [p.name for p in folder.iterdir()] == [kept.stored_name]


def test_staff_list_disable_enable_and_password(app, client, runner, staff):
    env = {"KB_DATABASE_URL": app.config["DATABASE_URL"]}
    listed = runner.invoke(main, ["staff", "list"], env=env)
    assert listed.exit_code == 0 and listed.output.startswith("ana@plumora.example\tactive\tcreated ")
    signed_in = sign_in(client, staff, PASSWORD)
    assert signed_in.status_code == 303 and client.get("/admin/").status_code == 200
    assert runner.invoke(main, ["staff", "disable", "ANA@plumora.example"], env=env).output == "staff account ana@plumora.example disabled\n"
    # The open session ends at its next request, and signing in again is refused.
    assert client.get("/admin/").status_code == 302
    assert sign_in(client, staff, PASSWORD).status_code == 401
    assert "\tdisabled\t" in runner.invoke(main, ["staff", "list"], env=env).output
    assert runner.invoke(main, ["staff", "enable", staff], env=env).exit_code == 0
    changed = runner.invoke(main, ["staff", "password", staff, "--password", "a brand new passphrase"], env=env)
    assert changed.exit_code == 0 and changed.output == "password of ana@plumora.example changed\n"
    assert sign_in(client, staff, PASSWORD).status_code == 401
    assert sign_in(client, staff, "a brand new passphrase").status_code == 303
    assert runner.invoke(main, ["staff", "password", staff, "--password", "short"], env=env).exit_code == 2
    missing = runner.invoke(main, ["staff", "disable", "nobody@plumora.example"], env=env)
    assert missing.exit_code == 1 and "no staff account for nobody@plumora.example" in missing.output


def test_every_admin_page_has_its_own_layout_and_sign_out(app, client, staff):
    customer = app.test_client()
    submit(customer, open_ticket_form(customer, subject="images missing"))
    sign_in(client, staff, PASSWORD)
    number = soup(client.get("/admin/")).select_one("table.tickets a").text
    for path in ("/admin/", f"/admin/tickets/{number}", "/admin/reports"):
        page = soup(client.get(path))
        assert page.select_one("header.admin-header form#logout-form button"), path
        assert page.select_one("nav.languages") is None and page.select_one(".site-header") is None, path
    german = soup(client.get("/admin/reports", headers={"Accept-Language": "de"}))
    assert german.html["lang"] == "de" and german.select_one("nav.admin-nav [aria-current]").text == "Berichte"
    assert german.select_one("#logout-form button").text == "Abmelden"


def test_ticket_status_filters_and_search(app, client, staff):
    customer = app.test_client()
    for subject, kind, locale in (("images missing", "campaign", "en"), ("facture en double", "billing", "fr"), ("login broken", "account", "en")):
        # One customer, three requests: past the recent-request notice each time.
        submit(customer, open_ticket_form(customer, locale=locale, subject=subject), locale=locale, kind=kind, send_anyway="y")
    sign_in(client, staff, PASSWORD)

    def numbers(query=""):
        return [a.text for a in soup(client.get("/admin/" + query)).select("table.tickets tbody a")]

    assert len(numbers()) == 3
    with app.extensions["kb.db"].reading() as db:
        from kb.models import Ticket

        by_subject = {t.subject: t.number for t in db.scalars(select(Ticket))}
    assert numbers("?locale=fr") == [by_subject["facture en double"]]
    assert numbers("?kind=account") == [by_subject["login broken"]]
    assert numbers("?q=IMAGES") == [by_subject["images missing"]]
    assert numbers("?q=" + by_subject["login broken"].lower()) == [by_subject["login broken"]]
    assert numbers("?q=100%25") == [] and numbers("?q=_") == []  # LIKE wildcards are plain text
    assert len(numbers("?channel=ticket&period=1d")) == 3 and numbers("?channel=phone") == []
    assert len(numbers("?status=nonsense")) == 3  # unknown filter values are ignored
    assert "No tickets match these filters." in client.get("/admin/?channel=phone").get_data(as_text=True)
    # Status: new until staff change it.
    assert len(numbers("?status=new")) == 3
    ticket_page = client.get(f"/admin/tickets/{by_subject['login broken']}")
    changed = client.post(form_action(ticket_page, "status-form"), data={**form_values(ticket_page, "status-form"), "status": "solved"})
    assert changed.status_code == 303
    assert "Status changed to Solved." in client.get(changed.headers["Location"]).get_data(as_text=True)
    assert numbers("?status=solved") == [by_subject["login broken"]] and len(numbers("?status=new")) == 2
    refused = client.post(form_action(ticket_page, "status-form"), data={**form_values(ticket_page, "status-form"), "status": "lost"})
    assert refused.status_code == 400
    no_token = client.post(form_action(ticket_page, "status-form"), data={"status": "new"})
    assert no_token.status_code == 400 and numbers("?status=solved") == [by_subject["login broken"]]
