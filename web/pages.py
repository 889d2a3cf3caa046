"""Help-center pages: home, categories, articles and search results."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time

from babel import Locale, UnknownLocaleError
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from flask_babel import format_date, format_datetime, get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from kb.feedback import record_answer
from kb.models import ArticleFeedback
from kb.rules import variant_tag
from kb.variants import hreflangs
from search.fallback import fallback_locales
from search.service import IndexNotBuilt

from kb.analytics import events as ev
from kb.analytics import reports

from . import LOCALE_COOKIE, VARIANT_COOKIE, analytics, hit_url, preferred_locale, reader_variant, search_index
from .api import json_http_error
from .extensions import RERENDER, configured_limit, database, limiter
from .forms import FeedbackForm, MissingForm
from .security import cookie_flags, external_url, host_refused

bp = Blueprint("pages", __name__)

RESULTS_PER_PAGE = 10
MAX_PAGES = 10
POPULAR = 5
POPULAR_DAYS = 30
POPULAR_CACHE_SECONDS = 300

# What an error page says: its heading, its advice, and whether a search form
# follows (not while the index is missing: searching cannot work either).
# Error pages that say something more useful than "something went wrong".
CSRF_EXPIRED = "csrf"
ERROR_TEXTS = {
    404: (_l("We could not find that page"), _l("The page may have moved. Try a search instead:"), True),
    413: (
        _l("The files are too large"),
        _l("Your attachments together are larger than we accept. Go back to your form, remove or shrink a file, and send it again."),
        False,
    ),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again."), False),
    CSRF_EXPIRED: (_l("This form has expired"), _l("Go back, reload the page and send the form again."), False),
    503: (_l("The help center is being prepared"), _l("Please come back in a few minutes."), False),
}
GENERIC_ERROR = (_l("Something went wrong"), _l("Please try again in a moment, or search the help center:"), True)

LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600


def categories():
    """The categories of ``categories.yaml`` (see kb/categories.py)."""
    return current_app.extensions["kb.categories"]


def category_name(slug: str | None) -> Markup:
    """A category's name in the page's language; marked with its own ``lang`` when it had to fall back."""
    if not slug:
        return Markup.escape(_("Other questions"))
    page_locale = getattr(g, "locale", None) or str(get_locale())
    category = categories().get(slug)
    if category is None:
        return Markup.escape(slug.replace("-", " ").capitalize())
    if page_locale in category.names:
        return Markup.escape(category.names[page_locale])
    default = current_app.config["DEFAULT_LOCALE"]
    return Markup('<span lang="{}">{}</span>').format(default, category.name(default, default))


def category_description(slug: str | None) -> str:
    category = categories().get(slug) if slug else None
    page_locale = getattr(g, "locale", None) or str(get_locale())
    return category.descriptions.get(page_locale, "") if category else ""


def category_icon(slug: str | None) -> str:
    """The name of a category's icon (``icon`` in categories.yaml); "" for none."""
    category = categories().get(slug) if slug else None
    return category.icon if category else ""


def language_name(code: str) -> str:
    """A language's name in that language, capitalised as a link or menu item starts (Babel).

    >>> language_name("pt"), language_name("de"), language_name("zz")
    ('Português', 'Deutsch', 'zz')
    """
    try:
        name = Locale.parse(code).display_name or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_in_page_language(code: str) -> str:
    """A language's name as the visitor's language writes it in a sentence (Babel)."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


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


@bp.after_app_request
def remember_locale(response):
    """A visitor who reads a page in a language keeps it on their next visit to ``/``,
    and the variant a link chose (``?variant=pt-PT``) for the times shown on later pages."""
    locale = getattr(g, "locale", None)
    if locale and response.status_code < 400 and request.cookies.get(LOCALE_COOKIE) != locale:
        response.set_cookie(LOCALE_COOKIE, locale, max_age=LOCALE_COOKIE_MAX_AGE, **cookie_flags())
    if locale and response.status_code < 400 and "variant" in request.args:
        variant = reader_variant(locale)
        if variant == variant_tag(request.args["variant"]) and request.cookies.get(VARIANT_COOKIE) != variant:
            response.set_cookie(VARIANT_COOKIE, variant, max_age=LOCALE_COOKIE_MAX_AGE, **cookie_flags())
    return response


@bp.app_template_filter("datefmt")
def date_format(value: str | None) -> str:
    """An ISO date as the visitor's language writes it (Babel)."""
    if not value:
        return ""
    return format_date(dt.date.fromisoformat(value), "long")


@bp.app_template_filter("datetimefmt")
def datetime_format(value: dt.datetime) -> str:
    """A moment as the visitor's language writes it (Babel), with its time zone (UTC) said."""
    return format_datetime(value, "long")


# Query parameters that are part of a page's content, kept when switching language.
KEPT_QUERY_ARGS = {
    "pages.search": ("q", "page"),
    # The contact flow keeps the customer's subject in the other language.
    "contact.start": ("subject",),
    "contact.suggestions": ("subject",),
    "contact.article": ("subject",),
    "contact.ticket": ("subject",),
}


def url_in_locale(locale: str, *, external: bool = False) -> str:
    """This page in another locale: same article, category or search (query kept).

    Works for any endpoint with a ``<locale>`` in its URL; error pages and
    pages without one lead to the other locale's home instead.
    """
    endpoint = request.endpoint
    build = external_url if external else url_for
    if getattr(g, "error_page", False) or not endpoint or not current_app.url_map.is_endpoint_expecting(endpoint, "locale"):
        return build("pages.home", locale=locale)
    values = {k: v for k, v in (request.view_args or {}).items() if k != "locale"}
    values.update({k: request.args[k] for k in KEPT_QUERY_ARGS.get(endpoint, ()) if request.args.get(k)})
    return build(endpoint, **values, locale=locale)


def page_links() -> dict:
    """Canonical and ``hreflang`` alternate links of the page being rendered.

    A view narrows ``g.alternate_locales`` (an article lists only the locales
    it is written in) and may point ``g.canonical_locale`` at the version it
    shows. Error pages have none.
    """
    if getattr(g, "error_page", False) or getattr(g, "locale", None) is None:
        return {"canonical": None, "alternates": []}
    locales = getattr(g, "alternate_locales", None) or current_app.config["LOCALES"]
    default = current_app.config["DEFAULT_LOCALE"]
    variants = current_app.extensions["kb.variants"]
    alternates = [(tag, url_in_locale(code, external=True)) for code in locales for tag in hreflangs(code, variants)]
    if request.endpoint == "pages.home":
        # The root picks a language for each visitor: the home's x-default.
        alternates.append(("x-default", external_url("pages.root")))
    else:
        alternates.append(("x-default", url_in_locale(default if default in locales else locales[0], external=True)))
    canonical = url_in_locale(getattr(g, "canonical_locale", g.locale), external=True)
    return {"canonical": canonical, "alternates": alternates}


@bp.app_context_processor
def template_globals():
    return {
        "category_name": category_name,
        "category_description": category_description,
        "category_icon": category_icon,
        "hreflang": lambda code: hreflangs(code, current_app.extensions["kb.variants"])[0],
        "language_name": language_name,
        # For static/combobox.js: the badge of a suggestion in another language.
        "language_names": {code: language_name(code) for code in current_app.config["LOCALES"]},
        "language_in_page_language": language_in_page_language,
        "locales": current_app.config["LOCALES"],
        "default_locale": current_app.config["DEFAULT_LOCALE"],
        "page_locale": getattr(g, "locale", None) or str(get_locale()),
        "url_in_locale": url_in_locale,
        "hit_url": hit_url,
        "page_links": page_links,
    }


def page_fallback_locales(locale: str) -> tuple[str, ...]:
    """The versions of an article a page in ``locale`` shows, best first (see search.fallback)."""
    return fallback_locales(locale, current_app.config["LOCALES"], current_app.config["DEFAULT_LOCALE"])


def listed_documents(locale: str) -> list[dict]:
    """The articles a list in ``locale`` shows, each with the ``locale`` it is written in.

    Articles not translated into ``locale`` are listed too, in the default
    locale's version (or the first locale that has one), so lists reach
    every answer as search does.
    """
    index = search_index()
    seen: dict[str, dict] = {}
    for candidate in page_fallback_locales(locale):
        for doc in index.documents(candidate):
            seen.setdefault(doc["id"], doc)
    return sorted(seen.values(), key=lambda d: d["title"].casefold())


@bp.get("/")
def root():
    response = redirect(url_for("pages.home", locale=preferred_locale()))
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@bp.get("/<locale>/")
def home():
    documents = listed_documents(g.locale)
    by_category: dict[str, list[dict]] = {}
    for doc in documents:
        by_category.setdefault(doc.get("category") or "", []).append(doc)
    ordered = sorted(by_category.items(), key=lambda item: categories().position(item[0] or None))
    return render_template(
        "home.html", categories=ordered, popular=popular_articles(documents), search_flow=analytics.search_flow()
    )


def popular_articles(documents: list[dict]) -> list[dict]:
    """The articles read most in the last ``POPULAR_DAYS`` days (page views and articles opened from the contact flow).

    Counted by the database at most every ``POPULAR_CACHE_SECONDS`` per
    worker: the home page is the busiest page, the ranking changes slowly.
    Articles nobody read are not listed: popularity is never made up.
    """
    now = time.monotonic()
    cached = current_app.extensions.get("kb.popular")
    if cached is None or cached[0] < now:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=POPULAR_DAYS)
        try:
            with database().reading() as db:
                ranking = [article_id for article_id, _views in reports.popular_articles(db, since, POPULAR * 4)]
        except Exception:
            current_app.logger.exception("popular articles could not be counted")
            ranking = []
        cached = current_app.extensions["kb.popular"] = (now + POPULAR_CACHE_SECONDS, ranking)
    by_id = {doc["id"]: doc for doc in documents}
    return [by_id[article_id] for article_id in cached[1] if article_id in by_id][:POPULAR]


@bp.get("/<locale>/categories/<slug>")
def category(slug: str):
    documents = [d for d in listed_documents(g.locale) if (d.get("category") or "") == slug]
    if not documents:
        abort(404)
    return render_template("category.html", slug=slug, documents=documents)


# Flashed messages about the feedback box are shown inside it, where the visitor is looking.
FEEDBACK_FLASH = "feedback"
TOC_MIN_HEADINGS = 3
RELATED = 4
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


def table_of_contents(html: str) -> list[tuple[str, str]]:
    """The second-level headings of an article (anchor, text), when there are enough to need a table.

    >>> table_of_contents('<h2 id="a">A</h2><p>x</p><h2 id="b">B <em>b</em></h2><h2 id="c">C</h2>')
    [('a', 'A'), ('b', 'B b'), ('c', 'C')]
    >>> table_of_contents('<h2 id="a">A</h2>')
    []
    """
    headings = [(anchor, Markup(text).striptags()) for anchor, text in _HEADING.findall(html)]
    return headings if len(headings) >= TOC_MIN_HEADINGS else []


def related_articles(doc: dict, locale: str) -> list[dict]:
    """Other articles of the same category, those sharing most tags first."""
    if not doc.get("category"):
        return []
    tags = set((doc.get("tags") or "").split())
    others = [d for d in listed_documents(locale) if d["id"] != doc["id"] and d.get("category") == doc["category"]]
    others.sort(key=lambda d: -len(tags & set((d.get("tags") or "").split())))
    return others[:RELATED]


@bp.get("/<locale>/articles/<article_id>")
def article(article_id: str):
    doc, shown_locale, versions = find_article(article_id)
    analytics.record(ev.VIEW, article_id=doc["id"], category=doc.get("category") or None)
    return render_template(
        "article.html", doc=doc, shown_locale=shown_locale, versions=versions,
        form=FeedbackForm(formdata=None), missing_form=missing_form(),
        toc=table_of_contents(doc["html"]), related=related_articles(doc, g.locale),
    )


def missing_form() -> MissingForm | None:
    """The "what was missing?" question, right after a visitor answered No."""
    return MissingForm(formdata=None) if request.args.get("answered") == "no" else None


def visitor_id() -> str:
    """A random id of this visitor's browser session: one feedback answer per visitor and article."""
    if "visitor" not in session:
        session["visitor"] = secrets.token_urlsafe(16)
    return session["visitor"]


@bp.post("/<locale>/articles/<article_id>/feedback")
# A visitor who clears their cookies is a new visitor: the per-client limit still holds.
@limiter.limit(configured_limit("FEEDBACK_RATE_LIMIT"))
def feedback(article_id: str):
    doc, _shown, _versions = find_article(article_id)
    form = FeedbackForm()
    answered = None
    if form.validate():
        answered = form.answer.data
        record_answer(database(), visitor=visitor_id(), article_id=doc["id"], locale=g.locale, question="helpful", positive=answered == "yes")
        analytics.record(ev.VOTE, article_id=doc["id"], category=doc.get("category") or None, positive=answered == "yes")
        flash(_("Thank you for your feedback.") if answered == "yes" else _("Thank you. What was missing?"), FEEDBACK_FLASH)
    else:
        flash(_("Please choose Yes or No."), FEEDBACK_FLASH)
    return redirect(url_for(".article", article_id=article_id, answered=answered, _anchor="feedback"), code=303)


@bp.post("/<locale>/articles/<article_id>/missing")
@limiter.limit(configured_limit("FEEDBACK_RATE_LIMIT"))
def missing(article_id: str):
    doc, _shown, _versions = find_article(article_id)
    form = MissingForm()
    if not form.validate():
        flash(_("Please choose what was missing."), FEEDBACK_FLASH)
        return redirect(url_for(".article", article_id=article_id, answered="no", _anchor="feedback"), code=303)
    record_answer(
        database(), visitor=visitor_id(), article_id=doc["id"], locale=g.locale, question=f"missing:{form.reason.data}",
        positive=False, subject=form.comment.data or None,
    )
    flash(_("Thank you: the writers will use this to improve the article."), FEEDBACK_FLASH)
    return redirect(url_for(".article", article_id=article_id, _anchor="feedback"), code=303)


def find_article(article_id: str) -> tuple[dict, str, list[str]]:
    """The article in the page's language, else the best version there is; 404 when none."""
    index = search_index()
    locales = current_app.config["LOCALES"]
    versions = [loc for loc in locales if index.document(loc, article_id) is not None]
    if g.locale not in versions and session.get("staff_id") is not None and request.method == "GET":
        from .writers import find_article_file

        # Staff reach drafts and articles not indexed yet through the preview:
        # a writer opening their French draft sees it, not the English fallback.
        if not versions or find_article_file(g.locale, article_id) is not None:
            abort(redirect(url_for("writers.preview", locale=g.locale, article_id=article_id)))
    if not versions:
        abort(404)
    # Not translated into this locale: show the best version there is.
    shown_locale = next(loc for loc in page_fallback_locales(g.locale) if loc in versions)
    doc = index.document(shown_locale, article_id)
    g.alternate_locales = versions
    g.canonical_locale = shown_locale
    return doc, shown_locale, versions


@bp.get("/<locale>/search")
def search():
    q = request.args.get("q", "")
    try:
        page = max(1, min(int(request.args.get("page", "1")), MAX_PAGES))
    except ValueError:
        page = 1
    index = search_index()
    hits, total = index.search_page(q, g.locale, page, RESULTS_PER_PAGE, RESULTS_PER_PAGE * MAX_PAGES) if q.strip() else ([], 0)
    if page == 1:
        analytics.record_search(q, hits, locale=g.locale, total=total)
    suggestion = index.did_you_mean(q, g.locale) if q.strip() and not total else None
    pages = max(1, -(-total // RESULTS_PER_PAGE))
    updated = {(h.locale, h.id): (index.document(h.locale, h.id) or {}).get("updated") for h in hits}
    closest = closest_categories(q) if q.strip() and not total else []
    return render_template(
        "search.html", q=q, hits=hits, page=page, pages=pages, total=total, suggestion=suggestion,
        updated=updated, closest=closest,
    )


CLOSEST = 3


def closest_categories(text: str) -> list[tuple[str, int]]:
    """The categories whose articles' titles and tags come nearest to ``text`` (fuzzy), with their sizes.

    For a search that found nothing: somewhere to continue from.
    """
    from rapidfuzz import fuzz, process, utils

    documents = listed_documents(g.locale)
    sizes: dict[str, int] = {}
    for doc in documents:
        sizes[doc.get("category") or ""] = sizes.get(doc.get("category") or "", 0) + 1
    choices = [f"{d['title']} {d.get('tags') or ''}" for d in documents]
    ranked = process.extract(text[:200], choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=len(choices))
    closest: list[str] = []
    for _choice, _score, position in ranked:
        slug = documents[position].get("category") or ""
        if slug not in closest:
            closest.append(slug)
        if len(closest) == CLOSEST:
            break
    return [(slug, sizes[slug]) for slug in closest]


def register_error_pages(app):
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return json_http_error(exc)
        if host_refused(exc):
            # No page (its links would need the host): a short answer, with the security headers.
            return current_app.response_class("Bad request: this server does not answer for that host name.\n", 400, mimetype="text/plain")
        _locale_from_path()
        rerender = RERENDER.get(request.endpoint)
        if rerender is not None and (isinstance(exc, CSRFError) or exc.code == 429):
            return rerender("csrf" if isinstance(exc, CSRFError) else "rate")
        if isinstance(exc, CSRFError) and request.endpoint in ("pages.feedback", "pages.missing"):
            flash(_("Your answer could not be checked. Please answer again."), FEEDBACK_FLASH)
            return redirect(request.path.rsplit("/", 1)[0] + "#feedback", code=303)
        g.error_page = True
        return _error_page(CSRF_EXPIRED if isinstance(exc, CSRFError) else exc.code or 500)

    @app.errorhandler(IndexNotBuilt)
    def index_not_built(exc: IndexNotBuilt):
        app.logger.error("%s", exc)
        _locale_from_path()
        g.error_page = True
        return _error_page(503)


def _error_page(code: int | str):
    heading, advice, offer_search = ERROR_TEXTS.get(code, GENERIC_ERROR)
    status = 400 if code == CSRF_EXPIRED else code
    return render_template("error.html", heading=heading, advice=advice, offer_search=offer_search), status


def _locale_from_path():
    """Error pages speak the language of the URL the visitor asked for."""
    first = request.path.strip("/").split("/", 1)[0]
    if first in current_app.config["LOCALES"]:
        g.locale = first
    # Flask-Babel may have settled the locale before the error: ask again.
    refresh()
