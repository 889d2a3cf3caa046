"""`kb serve` for real: gunicorn workers answering over HTTP."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from .conftest import DEMO_ARTICLES, LOCALES
from .helpers import http_get, kb_serve

QUERIES = {"en": "invoice", "fr": "facture", "de": "Rechnung", "es": "factura", "it": "fattura", "pt": "fatura"}


@pytest.fixture
def served(tmp_path):
    env = {"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(DEMO_ARTICLES)}
    with kb_serve(env, tmp_path / "serve.log") as base:
        yield base


def test_kb_serve_builds_the_index_and_answers_in_every_language(served):
    base = served
    for locale in LOCALES:
        status, body = http_get(f"{base}/api/suggest?q={urllib.parse.quote(QUERIES[locale])}&lang={locale}")
        assert status == 200, body
        results = json.loads(body)["results"]
        assert results and results[0]["id"] == "invoices" and results[0]["locale"] == locale
    status, body = http_get(base + "/")
    assert status == 200 and b'<html lang="en">' in body
    assert http_get(base + "/api/suggest?q=x&lang=xx")[0] == 400
