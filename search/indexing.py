"""Building the per-locale Whoosh indexes, and switching to them atomically.

Layout of the index folder::

    <index dir>/
        CURRENT                  # name of the generation being served
        generations/<name>/<locale>/   # one Whoosh index per locale
        build.lock

``build_index`` writes a complete new generation beside the one being served,
then replaces ``CURRENT`` with ``os.replace`` (atomic on POSIX). A reader
therefore sees either the old generation or the new one, never half of one,
and a build that fails leaves ``CURRENT`` untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import fields, index

from kb.articles import Article, ArticleSet

from .analysis import edge_ngram_analyzer, text_analyzer, word_analyzer
from .vocabulary import articles_vocabulary, compound_parts_text

CURRENT = "CURRENT"
GENERATIONS = "generations"
# Older generations are kept a while for workers still reading them.
KEEP_GENERATIONS = 3


def schema_for(locale: str) -> fields.Schema:
    analyzer = text_analyzer(locale)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        locale=fields.ID(stored=True),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        headings=fields.TEXT(analyzer=analyzer),
        tags=fields.TEXT(analyzer=analyzer, stored=True),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        # Beginnings of every word of title, headings and tags, for the word
        # still being typed. Body words are left out: they would multiply the
        # field's size for matches that rarely make the top five.
        typing=fields.TEXT(analyzer=edge_ngram_analyzer(locale), phrase=False),
        # Search-quality fields (see search/vocabulary.py): the unstemmed
        # words, for typo correction, and the parts of compound words
        # ("Rechnungsadresse" -> "rechnung adresse"), matched like the body.
        words=fields.TEXT(analyzer=word_analyzer(locale), phrase=False),
        parts=fields.TEXT(analyzer=analyzer, phrase=False),
        # Locales this article is published in, so a search in another
        # locale can skip, with one term, the articles it already has.
        locales=fields.KEYWORD(),
        category=fields.ID(stored=True),
        # The web pages read articles from here, not from the files, so a
        # page and a search always come from the same generation.
        html=fields.STORED(),
        headings_list=fields.STORED(),
        updated=fields.STORED(),
        based_on=fields.STORED(),
        revision=fields.STORED(),
        outdated=fields.BOOLEAN(stored=True),
    )


def document_for(article: Article, articles: ArticleSet) -> dict:
    headings = " \n".join(article.headings)
    tags = " ".join(article.tags)
    vocabulary = articles_vocabulary(articles, article.locale)
    parts = compound_parts_text(f"{article.title}\n{headings}\n{tags}", vocabulary, article.locale)
    body_parts = compound_parts_text(article.text, vocabulary, article.locale)
    return {
        "id": article.id,
        "locale": article.locale,
        "title": article.title,
        "headings": headings,
        "tags": tags,
        "body": article.text,
        "typing": f"{article.title}\n{headings}\n{tags}\n{parts}",
        "words": f"{article.title}\n{headings}\n{tags}\n{article.text}",
        "parts": f"{parts}\n{body_parts}",
        "locales": " ".join(sorted(loc for loc, a in articles.translations(article.id).items() if a.published)),
        "category": article.category or "",
        "html": article.html,
        "headings_list": list(article.headings),
        "updated": article.updated.isoformat() if article.updated else None,
        "based_on": article.based_on,
        "revision": article.revision,
        "outdated": articles.is_outdated(article),
    }


@dataclasses.dataclass(frozen=True)
class BuildReport:
    generation: str
    path: Path
    counts: dict[str, int]
    seconds: float


def current_generation(index_dir: Path) -> str | None:
    """Name of the generation being served, or None before the first build."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    return name or None


def generation_path(index_dir: Path, generation: str) -> Path:
    return Path(index_dir) / GENERATIONS / generation


def _new_generation_name() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{secrets.token_hex(3)}"


def _switch(index_dir: Path, generation: str) -> None:
    pointer = Path(index_dir) / CURRENT
    temporary = pointer.with_name(f".{CURRENT}.{os.getpid()}")
    with open(temporary, "w", encoding="ascii") as f:
        f.write(generation + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, pointer)


def _prune(index_dir: Path, keep: str) -> None:
    root = Path(index_dir) / GENERATIONS
    generations = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    survivors = {p.name for p in generations[-KEEP_GENERATIONS:]} | {keep}
    for path in generations:
        if path.name not in survivors:
            shutil.rmtree(path, ignore_errors=True)


def build_index(
    articles: ArticleSet, index_dir: Path | str, locales: Iterable[str], *, fail_after: str | None = None
) -> BuildReport:
    """Index every published article into a new generation and serve it.

    ``fail_after`` names a locale after which the build raises, to test that
    a failed build leaves the previous generation serving.
    """
    index_dir = Path(index_dir)
    started = time.perf_counter()
    (index_dir / GENERATIONS).mkdir(parents=True, exist_ok=True)
    with open(index_dir / "build.lock", "w") as lock:
        # One build at a time; readers never take this lock.
        fcntl.flock(lock, fcntl.LOCK_EX)
        generation = _new_generation_name()
        path = generation_path(index_dir, generation)
        counts = {}
        try:
            for locale in locales:
                locale_dir = path / locale
                locale_dir.mkdir(parents=True)
                ix = index.create_in(str(locale_dir), schema_for(locale))
                writer = ix.writer(limitmb=128)
                count = 0
                for article in articles.in_locale(locale):
                    writer.add_document(**document_for(article, articles))
                    count += 1
                writer.commit()
                counts[locale] = count
                if fail_after == locale:
                    raise RuntimeError(f"build stopped on purpose after {locale}")
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        _switch(index_dir, generation)
        _prune(index_dir, keep=generation)
    return BuildReport(generation, path, counts, time.perf_counter() - started)
