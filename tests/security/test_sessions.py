"""Finding 4: signing out revokes the session on the server, not only in the browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kb.models import Attachment

from ..helpers import PNG, STAFF_PASSWORD, add_staff, form_values, open_ticket_form, sign_in, submit

PASSWORD = STAFF_PASSWORD


@pytest.fixture
def database_url(any_database_url):
    return any_database_url


@pytest.fixture
def staff(app, runner):
    return add_staff(app, runner)


def test_a_copied_session_cookie_is_useless_after_sign_out(app, staff):
    customer = app.test_client()
    submit(customer, open_ticket_form(customer), files=[("shot.png", PNG)])
    with app.extensions["kb.db"].reading() as db:
        attachment_id = db.scalar(select(Attachment.id))
    browser = app.test_client()
    sign_in(browser, staff)
    stolen = browser.get_cookie("session").value
    with browser.get(f"/admin/attachments/{attachment_id}") as download:
        assert download.status_code == 200
    listing = browser.get("/admin/")
    assert browser.post("/admin/logout", data=form_values(listing, "logout-form")).status_code == 303

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302
    assert thief.get(f"/admin/attachments/{attachment_id}").status_code == 302
    # Signing in again works, with a new session.
    sign_in(browser, staff)
    assert browser.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302


def test_disabling_an_account_ends_its_sessions(app, staff):
    from kb.models import StaffUser

    browser = app.test_client()
    sign_in(browser, staff)
    with app.extensions["kb.db"].writing() as db:
        db.scalar(select(StaffUser)).active = False
    assert browser.get("/admin/").status_code == 302


def test_revoking_ends_every_session_of_that_account(app, staff):
    from kb.models import StaffUser
    from web.admin import revoke_sessions

    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, staff)
    sign_in(phone, staff)
    with app.extensions["kb.db"].writing() as db:
        revoke_sessions(db.scalar(select(StaffUser)))
    assert laptop.get("/admin/").status_code == 302 and phone.get("/admin/").status_code == 302
