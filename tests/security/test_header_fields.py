"""Finding 6: every line separator the email library knows is refused in header-bound fields.

U+2028, U+2029 or U+0085 in a subject gave a 500 and lost the ticket: Python's
email package refuses any header value that ``str.splitlines`` would split.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kb.mail import HeaderInjection, build_message, header_value
from kb.models import Ticket

from ..helpers import form_values, open_ticket_form, soup, submit

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r", "\n"]


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
@pytest.mark.parametrize("field", ["subject", "name"])
def test_a_line_separator_in_a_header_field_is_a_form_error_with_everything_kept(client, app, field, separator):
    value = f"Invoice{separator}Bcc: victim@example.com"
    response = submit(client, open_ticket_form(client), **{field: value})
    assert response.status_code == 422
    error = soup(response).find(id=f"{field}-error")
    assert error is not None and "one line" in error.text
    kept = form_values(response, "ticket-form")
    assert kept["description"] == "My campaign stayed in the sending state for two hours." and kept["email"] == "ana@example.com"
    if separator not in "\r\n":  # an HTML attribute cannot carry a bare line break back
        assert kept[field] == value
    with app.extensions["kb.db"].reading() as db:
        assert db.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_the_subject_step_refuses_line_separators_too(client, separator):
    response = client.get("/en/contact/suggestions", query_string={"subject": f"reset{separator}password"})
    assert response.status_code == 422 and "one line" in soup(response).find(id="contact-subject-error").text


@pytest.mark.parametrize("separator", SEPARATORS, ids=[f"U+{ord(s):04X}" for s in SEPARATORS])
def test_mail_refuses_what_the_email_library_refuses(separator):
    with pytest.raises(HeaderInjection):
        header_value(f"a{separator}b")
    with pytest.raises(HeaderInjection):
        build_message(sender="a@example.com", to="b@example.com", subject=f"Hi{separator}there", body="text")


def test_ordinary_text_in_any_language_still_passes(client, app):
    for subject in ("Rechnungsadresse ändern", "Facture impayée – urgent", "请帮助我", "Problema con l'account 🙂"):
        header_value(subject)
    assert submit(client, open_ticket_form(client, subject="Facture impayée – urgent"), name="Zoë O'Brien-Łukasz").status_code == 303
