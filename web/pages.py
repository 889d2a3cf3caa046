"""Help-center pages: home, categories, articles and search results."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from search.querying import IndexNotBuilt

from . import search_index
from .api import json_http_error

bp = Blueprint("pages", __name__)

RESULTS_PER_PAGE = 10
MAX_PAGES = 10

# Display names of the category slugs used in article front matter.
CATEGORY_NAMES = {
    "support": _l("Contacting support"),
    "account": _l("Account and security"),
    "contacts": _l("Contacts and lists"),
    "campaigns": _l("Campaigns and templates"),
    "deliverability": _l("Deliverability"),
    "billing": _l("Billing and plans"),
    "developers": _l("API and developers"),
}

LANGUAGE_NAMES = {
    "en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "it": "Italiano", "pt": "Português",
}


def category_name(slug: str | None) -> str:
    if not slug:
        return _("Other questions")
    return str(CATEGORY_NAMES.get(slug, slug.replace("-", " ").capitalize()))


@bp.url_value_preprocessor
def pull_locale(endpoint, values):
    if values and "locale" in values:
        locale = values.pop("locale")
        if locale not in current_app.config["LOCALES"]:
            abort(404)
        g.locale = locale


@bp.url_defaults
def add_locale(endpoint, values):
    if "locale" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "locale"):
        values["locale"] = g.locale


@bp.app_template_filter("datefmt")
def date_format(value: str | None) -> str:
    """An ISO date as the visitor's language writes it (Babel)."""
    if not value:
        return ""
    return format_date(dt.date.fromisoformat(value), "long")


@bp.app_context_processor
def template_globals():
    return {
        "category_name": category_name,
        "language_name": lambda code: LANGUAGE_NAMES.get(code, code),
        "locales": current_app.config["LOCALES"],
        "page_locale": getattr(g, "locale", current_app.config["DEFAULT_LOCALE"]),
    }


@bp.get("/")
def root():
    locales = current_app.config["LOCALES"]
    best = request.accept_languages.best_match(locales) or current_app.config["DEFAULT_LOCALE"]
    return redirect(url_for("pages.home", locale=best))


@bp.get("/<locale>/")
def home():
    documents = search_index().documents(g.locale)
    categories: dict[str, list[dict]] = {}
    for doc in documents:
        categories.setdefault(doc.get("category") or "", []).append(doc)
    ordered = sorted(categories.items(), key=lambda item: list(CATEGORY_NAMES).index(item[0]) if item[0] in CATEGORY_NAMES else len(CATEGORY_NAMES))
    return render_template("home.html", categories=ordered)


@bp.get("/<locale>/categories/<slug>")
def category(slug: str):
    documents = [d for d in search_index().documents(g.locale) if (d.get("category") or "") == slug]
    if not documents:
        abort(404)
    return render_template("category.html", slug=slug, documents=documents)


@bp.get("/<locale>/articles/<article_id>")
def article(article_id: str):
    index = search_index()
    doc = index.document(g.locale, article_id)
    shown_locale = g.locale
    if doc is None:
        # Not translated into this locale: show the best version there is.
        for candidate in (current_app.config["DEFAULT_LOCALE"], *current_app.config["LOCALES"]):
            doc = index.document(candidate, article_id)
            if doc is not None:
                shown_locale = candidate
                break
    if doc is None:
        abort(404)
    versions = [loc for loc in current_app.config["LOCALES"] if index.document(loc, article_id) is not None]
    return render_template("article.html", doc=doc, shown_locale=shown_locale, versions=versions)


@bp.get("/<locale>/search")
def search():
    q = request.args.get("q", "")
    try:
        page = max(1, min(int(request.args.get("page", "1")), MAX_PAGES))
    except ValueError:
        page = 1
    index = search_index()
    hits = index.search(q, g.locale, RESULTS_PER_PAGE * MAX_PAGES) if q.strip() else []
    suggestion = index.did_you_mean(q, g.locale) if q.strip() and not hits else None
    start = (page - 1) * RESULTS_PER_PAGE
    pages = max(1, -(-len(hits) // RESULTS_PER_PAGE))
    return render_template(
        "search.html",
        q=q,
        hits=hits[start : start + RESULTS_PER_PAGE],
        page=page,
        pages=pages,
        total=len(hits),
        suggestion=suggestion,
    )


def register_error_pages(app):
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return json_http_error(exc)
        _locale_from_path()
        return render_template("error.html", code=exc.code, name=exc.name), exc.code

    @app.errorhandler(IndexNotBuilt)
    def index_not_built(exc: IndexNotBuilt):
        app.logger.error("%s", exc)
        _locale_from_path()
        return render_template("error.html", code=503, name=_("The help center is being prepared")), 503


def _locale_from_path():
    """Error pages speak the language of the URL the visitor asked for."""
    first = request.path.strip("/").split("/", 1)[0]
    if first in current_app.config["LOCALES"]:
        g.locale = first
