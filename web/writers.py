"""The writers' pages of the staff area: the translation matrix and article previews.

Self-contained (its own blueprint and templates under ``templates/writers/``) so
that the admin layout can change around it.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from kb.articles import ArticleFileError, load_articles, parse_article
from kb.status import translation_status

from .admin import staff_required
from .forms import FeedbackForm

bp = Blueprint("writers", __name__, url_prefix="/admin")


def _articles():
    config = current_app.config
    return load_articles(config["ARTICLES_DIR"], config["LOCALES"], config["DEFAULT_LOCALE"])


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/translations")
@staff_required
def translations():
    config = current_app.config
    articles = _articles()
    matrix = translation_status(articles, config["LOCALES"], config["DEFAULT_LOCALE"])
    return render_template("writers/translations.html", matrix=matrix, problems=articles.errors)


def find_article_file(locale: str, article_id: str):
    """The article ``article_id`` of ``locale`` as its file says now (drafts too), or None."""
    folder = current_app.config["ARTICLES_DIR"] / locale
    # The file named after the id first: the usual case costs one parse.
    candidates = [folder / f"{article_id}.md"] + sorted(p for p in folder.rglob("*.md") if p.name != f"{article_id}.md")
    for path in candidates:
        if not path.is_file():
            continue
        try:
            article = parse_article(path, locale)
        except ArticleFileError:
            continue
        if article.id == article_id:
            return article
    return None


@bp.get("/preview/<locale>/<article_id>")
@staff_required
def preview(locale: str, article_id: str):
    """An article as its file reads now, draft or not, indexed or not, with a banner saying so."""
    config = current_app.config
    if locale not in config["LOCALES"]:
        abort(404)
    article = find_article_file(locale, article_id)
    if article is None and locale != config["DEFAULT_LOCALE"]:
        locale = config["DEFAULT_LOCALE"]  # not written in this language (yet): the source
        article = find_article_file(locale, article_id)
    if article is None:
        abort(404)
    g.locale = locale
    doc = {
        "id": article.id, "title": article.title, "category": article.category, "html": article.html,
        "updated": article.updated.isoformat() if article.updated else None, "outdated": False,
    }
    return render_template(
        "article.html", doc=doc, shown_locale=locale, versions=[locale], form=FeedbackForm(formdata=None),
        preview="draft" if not article.published else "published",
    )
