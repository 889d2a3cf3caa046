"""The JSON API: search suggestions while the customer types.

Error messages speak the request's language (``lang`` when valid, else the
visitor's remembered or ``Accept-Language`` choice); the keys stay English.
"""

from __future__ import annotations

import json
from importlib import resources

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest as BadRequestError
from werkzeug.exceptions import HTTPException

from search.service import MAX_LIMIT, IndexNotBuilt, SearchIndex

from . import analytics, hit_url, search_index
from .extensions import configured_limit, limiter
from .security import host_refused

bp = Blueprint("api", __name__, url_prefix="/api")

DEFAULT_LIMIT = 5


class BadRequest(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def error(status: int, message: str, parameter: str | None = None):
    body = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return jsonify(body), status


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    return error(400, exc.message, exc.parameter)


@bp.errorhandler(IndexNotBuilt)
def index_not_built(exc: IndexNotBuilt):
    current_app.logger.error("%s", exc)
    return error(503, _("the search index is not built yet"))


HTTP_ERROR_TEXTS = {
    404: _l("there is no such API endpoint"),
    405: _l("this endpoint does not accept that HTTP method"),
    429: _l("too many requests; wait a moment and try again"),
}


def json_http_error(exc: HTTPException):
    """An HTTP error as JSON, keeping its headers (``Allow`` on a 405)."""
    response = exc.get_response()
    # Werkzeug's own descriptions are English: the usual ones are translated here.
    message = HTTP_ERROR_TEXTS.get(exc.code) or exc.description or exc.name
    if host_refused(exc):
        message = BadRequestError.description  # never echo the host the client sent
    response.set_data(json.dumps({"error": str(message)}, ensure_ascii=False))
    response.content_type = "application/json"
    return response


bp.register_error_handler(HTTPException, json_http_error)


def _limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    # Plain ASCII digits only: int() would also take " 5", "1_0" and "٣".
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3 or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest("limit", _("limit must be a whole number from 1 to %(most)s", most=MAX_LIMIT))
    return int(raw)


def _lang() -> str:
    locales = current_app.config["LOCALES"]
    lang = request.args.get("lang", current_app.config["DEFAULT_LOCALE"])
    if lang not in locales:
        raise BadRequest("lang", _("unknown lang; expected one of: %(locales)s", locales=", ".join(locales)))
    return lang


@bp.get("/suggest")
@limiter.limit(configured_limit("SUGGEST_RATE_LIMIT"))
def suggest():
    """Articles matching what the customer has typed so far."""
    lang = _lang()
    limit = _limit()
    q = request.args.get("q", "")
    analytics.request_time()  # a slow search is still dated when the customer typed
    body = suggest_body(search_index(), q, lang, limit, flow=analytics.valid_flow(request.args.get("flow")))
    return jsonify(body)


def suggest_body(
    index: SearchIndex, text: str, lang: str, limit: int, *, typing: bool = True, flow: str | None = None
) -> dict:
    """The answer of ``/api/suggest``, which ``kb search --json`` prints too.

    Needs an application context (for the articles' URLs). With ``typing``
    (the API), "did you mean" leaves the word still being typed alone. With
    the ``flow`` of a contact page, the search is recorded for analytics
    (once per pause).
    """
    suggestions = index.suggest(text, lang, limit, typing=typing)
    if flow:
        analytics.record_search(text, suggestions.hits, locale=lang, flow=flow)
    body = {
        "query": text,
        "lang": lang,
        "results": [
            {
                "id": hit.id,
                "locale": hit.locale,
                "title": hit.title,
                "url": hit_url(hit),
                "snippet": hit.snippet,
                "score": round(hit.score, 4),
            }
            for hit in suggestions.hits
        ],
    }
    if suggestions.did_you_mean:
        body["did_you_mean"] = suggestions.did_you_mean
    return body


@bp.get("/openapi.json")
def openapi():
    document = json.loads(resources.files("web").joinpath("openapi.json").read_text(encoding="utf-8"))
    parameters = document["paths"]["/api/suggest"]["get"]["parameters"]
    for parameter in parameters:
        if parameter["name"] == "lang":
            parameter["schema"]["enum"] = list(current_app.config["LOCALES"])
            parameter["schema"]["default"] = current_app.config["DEFAULT_LOCALE"]
    return jsonify(document)
