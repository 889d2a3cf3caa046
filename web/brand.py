"""The brand's files: the colour as a stylesheet, the logo and the favicon.

The colour is a setting, yet the page may load no inline style (strict CSP):
``/brand.css`` declares it as custom properties that ``static/style.css`` uses.
"""

from __future__ import annotations

import functools

from flask import Blueprint, Response, current_app, send_file, url_for

from kb.brand import favicon_ico, favicon_png, lighten_for_dark
from kb.settings import LOGO_TYPES

bp = Blueprint("brand", __name__)

CACHE = "public, max-age=3600"


@functools.cache
def _brand_css(color: str) -> str:
    dark = lighten_for_dark(color)
    return (
        f":root {{ --brand: {color}; --brand-text: {color}; }}\n"
        f"@media (prefers-color-scheme: dark) {{ :root {{ --brand-text: {dark}; }} }}\n"
    )


@bp.get("/brand.css")
def stylesheet():
    response = Response(_brand_css(current_app.config["BRAND_COLOR"]), mimetype="text/css")
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/favicon.ico")
def favicon():
    response = Response(favicon_ico(current_app.config["BRAND_COLOR"]), mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/brand/icon.png")
def icon():
    response = Response(favicon_png(current_app.config["BRAND_COLOR"]), mimetype="image/png")
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/brand/logo")
def logo():
    path = current_app.config.get("LOGO_FILE")
    if path is None:
        return current_app.send_static_file("logo.svg")
    response = send_file(path, mimetype=LOGO_TYPES[path.suffix.lower()], max_age=3600)
    return response


@bp.app_context_processor
def brand_globals():
    return {"site_name": current_app.config.get("SITE_NAME", "Plumora"), "logo_url": url_for("brand.logo")}
