"""Reading forms out of pages, as a browser would before sending them."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from kb.cli import main

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str):
    """(status, body) of a GET, for any status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def kb_serve(env: dict, log_path: Path, *, workers: int = 2, ready_seconds: float = 90):
    """Run ``kb serve`` (real gunicorn) on a free port; yield its base URL.

    Its output goes to ``log_path``, shown when it fails to start; the whole
    process group is stopped afterwards.
    """
    port = free_port()
    kb = Path(sys.executable).with_name("kb")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(kb), "serve", "--port", str(port), "--workers", str(workers)],
            env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + ready_seconds
            while True:
                try:
                    http_get(base + "/api/openapi.json")
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(log_path.read_text(errors="replace")) from None
                    time.sleep(0.2)
            yield base
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


STAFF_PASSWORD = "correct horse battery"


def add_staff(app, runner, email: str = "ana@plumora.example", password: str = STAFF_PASSWORD) -> str:
    """A staff account made with the kb command, as an operator would; its address as stored."""
    result = runner.invoke(main, ["staff", "add", email, "--password", password], env={"KB_DATABASE_URL": app.config["DATABASE_URL"]})
    assert result.exit_code == 0, result.output
    return email.lower()


def sign_in(client, email: str, password: str = STAFF_PASSWORD):
    """The staff sign-in form, filled and sent; the response (303 when accepted)."""
    page = client.get("/admin/login")
    return client.post("/admin/login", data={**form_values(page, "login-form"), "email": email, "password": password})
