"""New article files: ``kb new`` (a source article) and ``kb translate`` (a translation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .articles import Article


def _front_matter(fields: dict) -> str:
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000) + "---\n"


def _write_new(path: Path, text: str, *, replace: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w" if replace else "x", encoding="utf-8") as f:
        f.write(text)
    return path


def new_article(
    root: Path, locale: str, article_id: str, title: str, category: str, tags: list[str], today: dt.date | None = None
) -> Path:
    """Write ``<root>/<locale>/<id>.md`` as a draft; refuses to replace a file."""
    fields = {
        "id": article_id, "title": title, "category": category, "tags": tags,
        "status": "draft", "updated": today or dt.date.today(), "revision": 1,
    }
    body = (
        "One or two sentences that answer the question at once.\n\n"
        "## Steps\n\n"
        "1. Open **Settings**.\n"
        "2. ...\n\n"
        "## If it does not work\n\n"
        "Link to related articles by id: [Reset your password](reset-password).\n"
    )
    return _write_new(root / locale / f"{article_id}.md", _front_matter(fields) + body)


def new_translation(root: Path, source: Article, locale: str, existing: Path | None = None, today: dt.date | None = None) -> Path:
    """Write the ``locale`` translation of ``source``: its text to translate, ``based_on`` its revision."""
    fields = {
        "id": source.id, "title": source.title, "category": source.category, "tags": list(source.tags),
        "status": "draft", "updated": today or dt.date.today(), "based_on": source.revision or 1,
    }
    if source.category is None:
        del fields["category"]
    path = existing or root / locale / source.path.relative_to(root / source.locale)
    return _write_new(path, _front_matter(fields) + source.body.lstrip("\n"), replace=existing is not None)
