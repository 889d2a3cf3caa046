"""`kb serve` for real: gunicorn workers answering over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import DEMO_ARTICLES, LOCALES

QUERIES = {"en": "invoice", "fr": "facture", "de": "Rechnung", "es": "factura", "it": "fattura", "pt": "fatura"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "KB_INSTANCE_DIR": str(tmp_path / "instance"),
        "KB_ARTICLES_DIR": str(DEMO_ARTICLES),
    }
    kb = Path(sys.executable).with_name("kb")
    process = subprocess.Popen(
        [str(kb), "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/api/openapi.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stdout.read().decode(errors="replace")) from None
                time.sleep(0.2)
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def test_kb_serve_builds_the_index_and_answers_in_every_language(served):
    base, process = served
    for locale in LOCALES:
        status, body = get(f"{base}/api/suggest?q={urllib.parse.quote(QUERIES[locale])}&lang={locale}")
        assert status == 200, body
        results = json.loads(body)["results"]
        assert results and results[0]["id"] == "invoices" and results[0]["locale"] == locale
    status, body = get(base + "/")
    assert status == 200 and b'<html lang="en">' in body
    assert get(base + "/api/suggest?q=x&lang=xx")[0] == 400
