"""Findings 8 and 13 through the real server (``kb serve``, gunicorn).

A malformed or foreign Host is a 400 with the security headers. Long URLs
behave as the README and the API document say.

Gunicorn reads request lines up to ``limit_request_line`` bytes (8190, set
explicitly by ``kb serve``); a longer one is answered 414 by gunicorn itself.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

from web.server import MAX_REQUEST_LINE

from ..conftest import DEMO_ARTICLES, ROOT
from ..helpers import http_get, kb_serve


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("long-urls")
    env = {"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(DEMO_ARTICLES), "KB_LOCALES": "en"}
    with kb_serve(env, tmp_path / "serve.log", workers=1) as base:
        yield base


def request_line_length(path: str) -> int:
    return len(f"GET {path} HTTP/1.1")


def path_of_length(length: int) -> str:
    prefix = "/api/suggest?lang=en&q="
    path = prefix + "a" * (length - request_line_length(prefix))
    assert request_line_length(path) == length
    return path


def test_a_url_up_to_the_documented_limit_is_answered(served):
    status, body = http_get(served + path_of_length(MAX_REQUEST_LINE))
    assert status == 200 and json.loads(body)["results"] == []


def test_a_longer_url_is_a_414(served):
    status, _body = http_get(served + path_of_length(MAX_REQUEST_LINE + 1))
    assert status == 414


def test_the_limit_is_documented_in_the_api_and_the_readme():
    document = json.loads((ROOT / "web" / "openapi.json").read_text(encoding="utf-8"))
    responses = document["paths"]["/api/suggest"]["get"]["responses"]
    assert "414" in responses and str(MAX_REQUEST_LINE) in responses["414"]["description"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"up\nto {MAX_REQUEST_LINE} bytes" in readme and "414" in readme


@pytest.mark.parametrize("host", ["a" * 64 + ".example", "x..y", "evil.example"])
@pytest.mark.parametrize("path", ["/en/", "/en/contact/ticket?subject=campaign+not+sent", "/api/suggest?q=x&lang=en"])
def test_a_malformed_or_foreign_host_is_a_400_with_the_security_headers(served, host, path):
    address = urlsplit(served)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 400
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert host.encode() not in body
