"""Reading forms out of pages, as a browser would before sending them."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def form_values(response, form_id: str) -> dict:
    """The values a browser would send from the form ``form_id`` (no button)."""
    form = soup(response).find("form", id=form_id)
    assert form is not None, f"no form #{form_id} in the page"
    values = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "file"):
            continue
        if element.get("type") in ("radio", "checkbox"):
            if element.has_attr("checked"):
                values[name] = element.get("value", "on")
        elif element.name == "textarea":
            # Browsers drop the one line break that follows <textarea>.
            values[name] = element.text.removeprefix("\r\n") if element.text.startswith("\r\n") else element.text.removeprefix("\n")
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            values[name] = chosen.get("value", "") if chosen else ""
        else:
            values[name] = element.get("value", "")
    return values


def form_action(response, form_id: str) -> str:
    return soup(response).find("form", id=form_id)["action"]


def ticket_values(**changes) -> dict:
    values = {
        "email": "ana@example.com",
        "name": "Ana Lima",
        "description": "My campaign stayed in the sending state for two hours.",
        "kind": "campaign",
        "message_id": "msg-2041",
        "list_id": "newsletter-fr",
    }
    values.update(changes)
    return values


def open_ticket_form(client, locale="en", subject="campaign not sent"):
    response = client.get(f"/{locale}/contact/ticket", query_string={"subject": subject})
    assert response.status_code == 200
    return response


def submit(client, form_page, locale="en", files=(), **changes):
    data = form_values(form_page, "ticket-form")
    data.update(ticket_values(**changes))
    data = {k: v for k, v in data.items() if v is not None}
    if files:
        data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/{locale}/contact/ticket", data=data, content_type="multipart/form-data")
