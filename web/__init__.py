"""The help center's web application.

``create_app`` follows Flask's application-factory pattern: settings come from
``KB_*`` environment variables (see :mod:`kb.settings`), then from
``test_config`` when given.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, g, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from kb import settings
from kb.categories import load_categories
from kb.db import Database
from kb.rules import load_rules, variant_tag
from kb.variants import hreflangs, load_variants
from search.service import SearchIndex
from translations import ready_catalog_dir

from . import security

# Room for the form fields besides the attachments themselves.
FORM_OVERHEAD_BYTES = 1024 * 1024


def create_app(test_config: Mapping | None = None) -> Flask:
    config = settings.load()
    if test_config:
        config.update(test_config)
    app = Flask(__name__, instance_path=str(config["INSTANCE_DIR"]), instance_relative_config=True)
    app.config.from_mapping(config)
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.config["INSTANCE_DIR"])
    app.json.sort_keys = False
    # A CSRF token lives as long as the visitor's session, so a long ticket
    # typed slowly is never refused for an expired token.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    security.configure(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = (
            app.config["ATTACHMENT_MAX_BYTES"] * max(app.config["ATTACHMENT_MAX_COUNT"], 1) + FORM_OVERHEAD_BYTES
        )

    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        # Behind a load balancer every request comes from its address: the
        # client's own (for rate limits), scheme and host are in the
        # X-Forwarded-* headers, trusted from that many proxies only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Read and checked now: a bad rules file stops the start (RulesError), never a page later.
    app.extensions["kb.rules"] = load_rules(app.config.get("RULES_FILE"))
    app.extensions["kb.db"] = Database(app.config["DATABASE_URL"])
    from .analytics import Recorder

    app.extensions["kb.analytics"] = Recorder(
        app.extensions["kb.db"], flush_seconds=app.config.get("ANALYTICS_FLUSH_SECONDS", 0 if app.testing else 1.0)
    )

    app.extensions["kb.categories"] = load_categories(
        app.config["ARTICLES_DIR"], app.config["LOCALES"], app.config["DEFAULT_LOCALE"]
    )
    app.extensions["kb.variants"] = load_variants(app.config["ARTICLES_DIR"])
    app.extensions["kb.search"] = SearchIndex(
        app.config["INDEX_DIR"], app.config["LOCALES"], app.config["DEFAULT_LOCALE"], scorer=app.config["SCORER"]
    )

    # A test may add folders (a pseudo-locale) through BABEL_TRANSLATION_DIRECTORIES.
    catalogs = str(ready_catalog_dir(app.config["INSTANCE_DIR"] / "translations"))
    Babel(app, locale_selector=_current_locale, default_translation_directories=catalogs)

    from . import admin, admin_reports, api, brand, channels, contact, pages, writers  # noqa: F401 (admin_reports adds views to admin.bp)
    from .extensions import init_limiter

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(contact.bp)
    app.register_blueprint(channels.bp)
    app.add_template_global(channels.kind_label)
    app.add_template_global(channels.priority_label)
    app.add_template_global(channels.answer_hours)
    app.register_blueprint(admin.bp)
    app.register_blueprint(brand.bp)
    app.register_blueprint(writers.bp)
    pages.register_error_pages(app)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    init_limiter(app)

    logging.getLogger(__name__).debug("help center ready with locales %s", app.config["LOCALES"])
    return app


LOCALE_COOKIE = "kb_locale"
VARIANT_COOKIE = "kb_variant"


def _current_locale() -> str:
    """The locale of this request, for Babel.

    In order: the locale in the page's URL, the API's ``lang``, the
    visitor's remembered choice, ``Accept-Language``, the default. Only
    configured locales are returned: anything else a visitor sends falls
    back instead of reaching Babel's parser.
    """
    from flask import current_app

    if getattr(g, "locale", None) in current_app.config["LOCALES"]:
        return g.locale
    if request.args.get("lang") in current_app.config["LOCALES"]:
        return request.args["lang"]
    return preferred_locale()


def preferred_locale() -> str:
    """The visitor's locale when the URL names none: remembered, then asked for, then the default."""
    from flask import current_app

    locales = current_app.config["LOCALES"]
    remembered = request.cookies.get(LOCALE_COOKIE)
    if remembered in locales:
        return remembered
    return request.accept_languages.best_match(locales) or current_app.config["DEFAULT_LOCALE"]


def reader_variant(locale: str) -> str:
    """The variant of ``locale``'s language this visitor reads (pt-PT or pt-BR for ``pt``).

    In order: the one a link chose (``?variant=pt-PT``, as the main product
    links for its European Portuguese users) or a visit remembered, then the
    first of the locale's variants the browser's ``Accept-Language`` names,
    then the variant the articles are written in (``articles/locales.yaml``).
    """
    from flask import current_app

    tags = hreflangs(locale, current_app.extensions["kb.variants"])
    for chosen in (request.args.get("variant"), request.cookies.get(VARIANT_COOKIE)):
        if isinstance(chosen, str) and variant_tag(chosen) in tags:
            return variant_tag(chosen)
    return request.accept_languages.best_match(tags) or tags[0]


def search_index() -> SearchIndex:
    from flask import current_app

    return current_app.extensions["kb.search"]


def hit_url(hit: Hit) -> str:
    """The page of an article found by the search (the search gives ids and locales only)."""
    from flask import url_for

    return url_for("pages.article", locale=hit.link_locale, article_id=hit.id)
