"""Which text each revision of a source article had: ``<articles dir>/revisions.yaml``.

Translations follow a revision of their source (``based_on``), and are
outdated once the source's ``revision`` is higher. So that nobody has to
remember to bump it, this small committed file records a digest of each
source article's text (title and body) for its current revision::

    reset-password:
      1: 6f1d0c2b9a7e4c11
      2: 0b8e57c4d2aa9f30

``kb revise ID`` records a change: the revision goes up (translations become
outdated) and the new digest is written; ``kb revise ID --minor`` records a
typo fix under the same revision (translations stay up to date). ``kb check``
fails when a published source's text no longer matches the digest of its
revision, so an unrecorded change cannot pass CI.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from .articles import Article, text_digest

FILENAME = "revisions.yaml"
HEADER = (
    "# Digest of each source article's text per revision, written by `kb revise`.\n"
    "# `kb check` fails when an article's text no longer matches its revision.\n"
)


class RevisionsError(Exception):
    pass


def revisions_path(articles_dir: Path | str) -> Path:
    return Path(articles_dir) / FILENAME


def read_revisions(articles_dir: Path | str) -> dict[str, dict[int, str]]:
    path = revisions_path(articles_dir)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise RevisionsError(f"{path}: broken YAML: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise RevisionsError(f"{path}: expected 'article-id: {{revision: digest}}' entries")
    return {str(k): {int(r): str(d) for r, d in v.items()} for k, v in data.items()}


def write_revisions(articles_dir: Path | str, revisions: dict[str, dict[int, str]]) -> None:
    ordered = {k: dict(sorted(revisions[k].items())) for k in sorted(revisions)}
    path = revisions_path(articles_dir)
    temporary = path.with_name(f".{FILENAME}.tmp")
    temporary.write_text(HEADER + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True), encoding="utf-8")
    temporary.replace(path)


def digest_of(article: Article) -> str:
    return text_digest(article.title, article.body)


def revision_problem(article: Article, recorded: dict[int, str] | None) -> str | None:
    """What is wrong with a source article's recorded text, or None."""
    revision = article.revision or 1
    if not recorded:
        return f"the text of {article.id!r} is not recorded yet: run `kb revise {article.id}`"
    if revision not in recorded:
        latest = max(recorded)
        if revision < latest:
            return f"revision {revision} is below the recorded revision {latest}: revisions only go up"
        return f"revision {revision} was set by hand: run `kb revise {article.id}` instead of editing 'revision'"
    if recorded[revision] != digest_of(article):
        return (
            f"the text changed since revision {revision} was recorded: run `kb revise {article.id}` "
            f"(translations become outdated) or `kb revise {article.id} --minor` (a fix that needs no re-translation)"
        )
    return None


def set_front_matter(path: Path, **values) -> None:
    """Set (or add) front-matter keys in an article file, keeping everything else as written."""
    raw = path.read_text(encoding="utf-8")
    head, separator, rest = raw.partition("\n---")
    lines = head.split("\n")
    for key, value in values.items():
        text = f"{key}: {value.isoformat() if isinstance(value, dt.date) else value}"
        for number, line in enumerate(lines):
            if re.match(rf"^{re.escape(key)}\s*:", line):
                lines[number] = text
                break
        else:
            lines.append(text)
    path.write_text("\n".join(lines) + separator + rest, encoding="utf-8")


def revise(articles_dir: Path | str, article: Article, *, minor: bool, today: dt.date | None = None) -> tuple[int, str]:
    """Record a source article's current text; returns (revision, what happened).

    A first record keeps the article's revision; a change bumps it unless
    ``minor``; an unchanged text is left alone.
    """
    revisions = read_revisions(articles_dir)
    recorded = revisions.setdefault(article.id, {})
    revision = article.revision or 1
    digest = digest_of(article)
    if not recorded:
        recorded[revision] = digest
        what = f"recorded revision {revision}"
    elif recorded.get(revision) == digest:
        return revision, f"unchanged since revision {revision}"
    elif minor:
        revision = max(revision, max(recorded))
        recorded[revision] = digest
        what = f"minor change recorded in revision {revision}; translations stay up to date"
    else:
        revision = max(revision, max(recorded)) + 1
        recorded[revision] = digest
        set_front_matter(article.path, revision=revision, updated=today or dt.date.today())
        what = f"revision {revision}; its translations are now outdated"
    if revision != (article.revision or 1) and minor:
        set_front_matter(article.path, revision=revision)
    write_revisions(articles_dir, revisions)
    return revision, what
