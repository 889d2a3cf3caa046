"""GET /api/suggest and its OpenAPI description."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from .conftest import LOCALES

QUERIES = {
    "en": ("reset my passw", "reset-password"),
    "fr": ("problème de connexions", "reset-password"),
    "de": ("Rechnungen", "invoices"),
    "es": ("olvidé mi contraseña", "reset-password"),
    "it": ("fattura", "invoices"),
    "pt": ("esqueci a senha", "reset-password"),
}


@pytest.mark.parametrize("lang", LOCALES)
def test_suggest_answers_in_every_language(client, lang):
    q, expected = QUERIES[lang]
    response = client.get("/api/suggest", query_string={"q": q, "lang": lang})
    assert response.status_code == 200
    body = response.get_json()
    assert body["query"] == q and body["lang"] == lang
    assert 1 <= len(body["results"]) <= 5
    first = body["results"][0]
    assert set(first) == {"id", "locale", "title", "url", "snippet", "score"}
    assert first["id"] == expected and first["locale"] == lang
    assert first["url"] == f"/{lang}/articles/{expected}"


def test_defaults_and_limits(client):
    body = client.get("/api/suggest?q=support").get_json()
    assert body["lang"] == "en" and len(body["results"]) == 5
    assert len(client.get("/api/suggest?q=support&limit=2").get_json()["results"]) == 2
    assert len(client.get("/api/suggest?q=support account contact email&limit=20").get_json()["results"]) <= 20


@pytest.mark.parametrize("q", ["", "   ", "\t"])
def test_empty_query_gives_no_results(client, q):
    response = client.get("/api/suggest", query_string={"q": q, "lang": "fr"})
    assert response.status_code == 200
    assert response.get_json()["results"] == []


def test_missing_query_gives_no_results(client):
    assert client.get("/api/suggest?lang=de").get_json()["results"] == []


@pytest.mark.parametrize("lang", ["xx", "", "EN", "en-US", "../../etc", "<b>"])
def test_unknown_lang_is_a_400_naming_the_problem(client, lang):
    response = client.get("/api/suggest", query_string={"q": "x", "lang": lang})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "lang"
    assert "unknown lang" in body["error"] and "en, fr, de, es, it, pt" in body["error"]


@pytest.mark.parametrize("limit", ["0", "21", "-1", "", "abc", "1.5", "1e3", " 5", "1_0", "٣", "9" * 400])
def test_bad_limit_is_a_400_naming_the_problem(client, limit):
    response = client.get("/api/suggest", query_string={"q": "x", "limit": limit})
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "limit"


def test_unknown_api_path_and_method_answer_json(client):
    assert client.get("/api/nothing").status_code == 404
    assert "error" in client.get("/api/nothing").get_json()
    response = client.post("/api/suggest")
    assert response.status_code == 405 and "error" in response.get_json()


def test_index_not_built_is_a_503_not_a_500(tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "INSTANCE_DIR": tmp_path, "INDEX_DIR": tmp_path / "none"})
    response = app.test_client().get("/api/suggest?q=x")
    assert response.status_code == 503
    assert response.get_json() == {"error": "the search index is not built yet"}


def test_openapi_document_lists_the_configured_locales(client):
    document = client.get("/api/openapi.json").get_json()
    parameters = {p["name"]: p for p in document["paths"]["/api/suggest"]["get"]["parameters"]}
    assert parameters["lang"]["schema"]["enum"] == list(LOCALES)


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case):
    # Every response must be documented, valid against its schema and not a 5xx.
    case.call_and_validate()


def test_errors_speak_the_requests_language(client):
    assert client.get("/api/suggest?q=x&lang=fr&limit=0").get_json()["error"] == "limit doit être un nombre entier de 1 à 20"
    assert client.get("/api/suggest?q=x&lang=xx", headers={"Accept-Language": "de"}).get_json()["error"].startswith(
        "unbekannte Sprache"
    )
    assert client.get("/api/nothing", headers={"Accept-Language": "it"}).get_json() == {
        "error": "questo endpoint dell'API non esiste"
    }


def test_urls_link_a_fallback_to_the_page_locale_and_another_language_to_its_own(client):
    """The search answers ids and locales; the web layer makes the URLs, the same for API and pages."""
    fallback = client.get("/api/suggest", query_string={"q": "api", "lang": "it"}).get_json()["results"]
    api_keys = next(r for r in fallback if r["id"] == "api-keys")
    assert api_keys["locale"] == "en" and api_keys["url"] == "/it/articles/api-keys"  # shown with a notice
    spanish = client.get("/api/suggest", query_string={"q": "no puedo entrar en mi cuenta", "lang": "en"}).get_json()
    assert spanish["results"][0]["locale"] == "es" and spanish["results"][0]["url"].startswith("/es/articles/")
    page = client.get("/it/search", query_string={"q": "api"}).get_data(as_text=True)
    assert 'href="/it/articles/api-keys"' in page
