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

``update_index`` makes the next generation from the current one instead of
from nothing: the new generation folder starts as hard links to the previous
generation's files, and a Whoosh writer deletes and re-adds only the articles
whose files changed. This is safe because Whoosh never writes into an
existing file: a commit writes segments under new random names and a new
table of contents (``_MAIN_<n>.toc``, renamed into place), and records
deletions in that table of contents, so the previous generation's files (the
same inodes) stay exactly as its readers expect. ``update_index`` checks it
after each commit all the same. Each generation keeps a manifest
(``search/manifest.py``) of the article files it was built from (path,
locale, id, mtime, size), the git commit they were compared with and, for
locales whose compounds are split, how many articles use each word, so that
an update splits compounds with the words of every article, as a full build
does (a test compares the two, field by field). Which files changed is
asked of the caller, of git, or of the files' mtimes (``search/changes.py``),
so an update's work grows with what changed, not with the corpus.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import fields, index

from kb.articles import Article, ArticleSet, LoadError, load_article_files

from .changes import GitSnapshot, find_changes, git_snapshot, markdown_files  # noqa: F401 (kb.cli)
from .manifest import MANIFEST, MANIFEST_VERSION, Entry, Manifest, open_manifest
from .analysis import edge_ngram_analyzer, language_of, text_analyzer, word_analyzer
from .bigrams import bigram_analyzer
from .crosslang import TRANSLATIONS_FILE, block_stems, learn_pairs, read_translations, stems_of, translated_pairs, write_translations
from .compounds import COMPOUNDING_LANGUAGES, MIN_COMPOUND, split_compound
from .vocabulary import Vocabulary, article_text, articles_vocabulary, compound_parts_text, text_words

CURRENT = "CURRENT"
GENERATIONS = "generations"
# Older generations are kept a while for workers still reading them.
KEEP_GENERATIONS = 3
# Articles handed at a time to each process of a multi-process writer.
WRITER_BATCH = 100
# Memory of a Whoosh writer's indexing buffer, per process.
WRITER_LIMIT_MB = 128


def splits_compounds(locale: str) -> bool:
    return language_of(locale) in COMPOUNDING_LANGUAGES


def schema_for(locale: str) -> fields.Schema:
    analyzer = text_analyzer(locale)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        locale=fields.ID(stored=True),
        # No positions: the search never asks for phrases, and snippets
        # find their words by analysing the stored text again.
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=False),
        headings=fields.TEXT(analyzer=analyzer, phrase=False),
        tags=fields.TEXT(analyzer=analyzer, stored=True, phrase=False),
        body=fields.TEXT(analyzer=analyzer, stored=True, phrase=False),
        # Beginnings of every word of title, headings and tags, for the word
        # still being typed. Body words are left out: they would multiply the
        # field's size for matches that rarely make the top five.
        typing=fields.TEXT(analyzer=edge_ngram_analyzer(locale), phrase=False),
        # Search-quality fields (see search/vocabulary.py): the unstemmed
        # words, for typo correction, and the parts of compound words
        # ("Rechnungsadresse" -> "rechnung adresse"), matched like the body.
        words=fields.TEXT(analyzer=word_analyzer(locale), phrase=False),
        parts=fields.TEXT(analyzer=analyzer, phrase=False),
        # Neighbouring words as one term (search/bigrams.py): phrases without positions.
        bigrams=fields.TEXT(analyzer=bigram_analyzer(locale), phrase=False),
        # The stems of the text's short blocks, which word translations are
        # learnt from (search/crosslang.py), analysed once here.
        aligned_blocks=fields.STORED(),
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


def document_for(article: Article, articles: ArticleSet, vocabulary: Vocabulary | None) -> dict:
    """The fields of one article; ``vocabulary`` (the words of every published
    article of its locale) splits compounds, where the locale has them."""
    headings = " \n".join(article.headings)
    tags = " ".join(article.tags)
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
        # The text has the headings, one block (heading, paragraph, item) a line.
        "bigrams": f"{article.title}\n{article.text}",
        "aligned_blocks": block_stems(article.text, stems_of(article.locale)),
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
    """What a build did. ``counts`` are articles indexed per locale: all of
    them for a full build, the re-indexed ones for an update."""

    generation: str
    path: Path
    counts: dict[str, int]
    seconds: float
    incremental: bool = False
    removed: int = 0
    errors: tuple[LoadError, ...] = ()


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


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time; readers never take this lock."""
    (index_dir / GENERATIONS).mkdir(parents=True, exist_ok=True)
    with open(index_dir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def _next_generation(index_dir: Path) -> Iterator[tuple[str, Path]]:
    """A new generation's name and folder, served when the block ends.

    If the block fails, the folder is removed and ``CURRENT`` stays as it
    was; otherwise ``CURRENT`` switches to it and old generations are pruned.
    Hold the build lock.
    """
    generation = _new_generation_name()
    path = generation_path(index_dir, generation)
    path.mkdir()
    try:
        yield generation, path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    _switch(index_dir, generation)
    _prune(index_dir, keep=generation)


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


def _build_locale(generation_dir: Path, locale: str, articles: ArticleSet, procs: int = 1, progress=None) -> int:
    locale_dir = generation_dir / locale
    locale_dir.mkdir(parents=True)
    ix = index.create_in(str(locale_dir), schema_for(locale))
    if procs > 1:
        # Whoosh's own multi-process writer: each process writes a segment,
        # kept as it is (merging them would cost what was saved).
        writer = ix.writer(limitmb=WRITER_LIMIT_MB, procs=procs, multisegment=True, batchsize=WRITER_BATCH)
    else:
        writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    vocabulary = articles_vocabulary(articles, locale) if splits_compounds(locale) else None
    count = 0
    published = articles.in_locale(locale)
    for article in published:
        writer.add_document(**document_for(article, articles, vocabulary))
        count += 1
        if progress is not None and count % 500 == 0:
            progress(f"indexing {locale}", count, len(published))
    writer.commit()
    if progress is not None:
        progress(f"indexing {locale}", count, len(published))
    return count


# The articles being built, for forked build processes to inherit.
_building: ArticleSet | None = None


def _build_locale_forked(generation_dir: Path, locale: str) -> int:
    return _build_locale(generation_dir, locale, _building)


def build_index(
    articles: ArticleSet, index_dir: Path | str, locales: Iterable[str], *, jobs: int = 1, progress=None,
    git: GitSnapshot | None = None,
) -> BuildReport:
    """Index every published article into a new generation and serve it.

    ``jobs`` > 1 builds that many locales at once, each in its own process;
    with more jobs than locales, each locale is written by several processes.
    ``progress``, when given, is called as ``progress(stage, done, total)``.
    ``git``, the articles folder's :func:`~search.changes.git_snapshot` taken
    before the articles were read, lets the next update ask git what changed.
    """
    global _building
    index_dir = Path(index_dir)
    started = time.perf_counter()
    locales = tuple(locales)
    with _build_lock(index_dir), _next_generation(index_dir) as (generation, path):
        if jobs > 1 and len(locales) > 1:
            import concurrent.futures
            import multiprocessing

            _building = articles
            context = multiprocessing.get_context("fork")
            try:
                with concurrent.futures.ProcessPoolExecutor(min(jobs, len(locales)), mp_context=context) as pool:
                    futures = {locale: pool.submit(_build_locale_forked, path, locale) for locale in locales}
                    counts = {}
                    for locale, future in futures.items():
                        counts[locale] = future.result()
                        if progress is not None:
                            progress(f"indexing {locale}", counts[locale], counts[locale])
            finally:
                _building = None
        else:
            procs = max(1, jobs // max(1, len(locales)))
            counts = {locale: _build_locale(path, locale, articles, procs, progress) for locale in locales}
        _store_translations(path, locales, articles.default_locale)
        vocabularies = {
            locale: dict(articles_vocabulary(articles, locale).frequencies) for locale in locales if splits_compounds(locale)
        }
        # Files dirty in git, and broken ones, are looked at again by the next update.
        watched = (git.dirty if git is not None else set()) | _error_paths(articles.errors)
        Manifest.create(path / MANIFEST, _manifest_meta(locales, articles.default_locale, git),
                        _manifest_files(articles), vocabularies, watched)
    return BuildReport(generation, path, counts, time.perf_counter() - started)


def _store_translations(
    generation_dir: Path, locales: tuple[str, ...], default_locale: str,
    previous: dict | None = None, changed: Iterable[str] = (),
) -> None:
    """Learn the word translations the new generation's searches need
    (search/crosslang.py) from its own stored titles, headings and block
    stems, and store them with it, so that a web worker only reads them.

    A pair of locales whose titles and headings did not change (neither is
    in ``changed``) keeps its table from ``previous``: it depends on those two
    locales only, and learning reads every article of both."""
    searchers = {
        locale: index.open_dir(str(generation_dir / locale)).searcher()
        for locale in locales
        if index.exists_in(str(generation_dir / locale))
    }
    try:
        readers = {locale: searcher.reader() for locale, searcher in searchers.items()}
        ids = {locale: set(reader.field_terms("id")) for locale, reader in readers.items()}
        pairs = translated_pairs(ids, locales, default_locale)
        previous, changed = previous or {}, set(changed)
        learnt = learn_pairs(readers, [pair for pair in pairs if pair not in previous or changed & set(pair)])
        write_translations(generation_dir, {pair: learnt[pair] if pair in learnt else previous[pair] for pair in pairs})
    finally:
        for searcher in searchers.values():
            searcher.close()


def _aligned_texts(ix, article_ids: Iterable[str]) -> dict[str, tuple]:
    """The stored title and headings of those of ``article_ids`` in ``ix``: what
    the word translations are learnt from (:func:`search.crosslang.aligned_texts_by_id`),
    but for the text's blocks: an edit of the text alone keeps the table (see update_index)."""
    found = {}
    with ix.searcher() as searcher:
        for article_id in article_ids:
            stored = searcher.document(id=article_id)
            if stored is not None:
                found[article_id] = (stored.get("title"), tuple(stored.get("headings_list") or ()))
    return found


def _manifest_files(articles: ArticleSet) -> dict[str, Entry]:
    files = {}
    for (locale, article_id), article in articles.articles.items():
        stat = articles.stats.get(article.path)
        if stat is not None:
            files[str(article.path)] = (locale, article_id, stat[0], stat[1])
    return files


def _manifest_meta(locales: tuple[str, ...], default_locale: str, git: GitSnapshot | None) -> dict:
    return {
        "version": MANIFEST_VERSION,
        "locales": list(locales),
        "default_locale": default_locale,
        "git_commit": git.commit if git is not None else None,
    }


def _error_paths(errors: Iterable[LoadError]) -> set[str]:
    return {str(e.path) for e in errors if str(e.path).endswith(".md")}


def _link_generation(previous: Path, path: Path, locale: str) -> dict[str, tuple[int, int, int]]:
    """Hard-link one locale's index files into the new generation.

    Returns each linked file's (inode, size, mtime_ns), to check afterwards
    that the writer left them alone.
    """
    source, target = previous / locale, path / locale
    target.mkdir(parents=True)
    linked = {}
    for entry in os.scandir(source):
        if not entry.is_file() or entry.name.endswith("LOCK"):
            continue
        os.link(entry.path, target / entry.name)
        stat = entry.stat()
        linked[entry.name] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return linked


def _check_untouched(locale_dir: Path, linked: dict[str, tuple[int, int, int]]) -> None:
    for name, before in linked.items():
        try:
            stat = os.stat(locale_dir / name)
        except FileNotFoundError:
            continue  # merged away: unlinked here only, the old generation keeps its link
        if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != before:
            raise RuntimeError(f"index file {name} was rewritten in place; the previous generation is damaged")


def _usable_manifest(index_dir: Path, generation: str | None, locales: tuple[str, ...], default_locale: str) -> Manifest | None:
    """The generation's manifest, open, if an update can start from it."""
    manifest = open_manifest(generation_path(index_dir, generation)) if generation else None
    if manifest is not None and (
        manifest.meta.get("locales") != list(locales) or manifest.meta.get("default_locale") != default_locale
    ):
        manifest.db.close()
        return None
    return manifest


def update_index(
    articles_dir: Path | str, index_dir: Path | str, locales: Iterable[str], default_locale: str,
    paths: Iterable[str | os.PathLike] | None = None,
) -> BuildReport:
    """Re-index only the article files changed since the current generation.

    Which files changed is asked of the caller (``paths``: files edited,
    added or deleted; anything else is taken as unchanged), else of git
    when the articles folder is tracked in a work tree, else found by
    stat-ing every file (see :mod:`search.changes`); either way a named file
    counts as changed only if its mtime or size differs from the manifest's.
    Every locale's version of an affected article is re-indexed, since its
    translations' ``locales`` and ``outdated`` fields depend on it. Where
    compounds are split, the words of the whole locale decide the parts, so
    articles whose compounds split differently with the new words are
    re-indexed too: the result is the index a full build makes. Without a
    usable manifest (first build, other locales, an older format), this is
    a full build. When nothing changed, the current generation stays and the
    report's ``generation`` is its name.
    """
    from kb.articles import load_articles

    # The manifest holds the paths a full build saw, which the kb command
    # makes absolute; resolving here makes both agree.
    root = Path(articles_dir).resolve()
    index_dir = Path(index_dir)
    locales = tuple(locales)
    started = time.perf_counter()
    paths = None if paths is None else list(paths)
    previous = current_generation(index_dir)
    manifest = _usable_manifest(index_dir, previous, locales, default_locale)
    if manifest is None or not root.is_dir():
        if manifest is not None:
            manifest.db.close()
        git = git_snapshot(root) if root.is_dir() else None  # before reading: later edits show next time
        articles = load_articles(root, locales, default_locale)
        report = build_index(articles, index_dir, locales, git=git)
        return dataclasses.replace(report, errors=tuple(articles.errors))

    with contextlib.ExitStack() as stack:
        stack.enter_context(_build_lock(index_dir))
        # Another update may have switched generations while we waited.
        if current_generation(index_dir) != previous:
            manifest.db.close()
            previous = current_generation(index_dir)
            manifest = _usable_manifest(index_dir, previous, locales, default_locale)
            if manifest is None:
                raise RuntimeError("the current generation has no usable manifest: run a full 'kb index'")
        stack.enter_context(manifest)
        changes = find_changes(root, manifest, paths)
        if not changes.changed and not changes.removed:
            return BuildReport(previous, generation_path(index_dir, previous), {}, time.perf_counter() - started, True)

        # Articles touched: the old ids of changed and removed files, the new
        # ids of changed files, in every locale.
        replaced = set(changes.changed) | set(changes.removed)
        fresh = load_article_files(root, [Path(p) for p in changes.changed], locales, default_locale)
        kept = {(e[0], e[1]): p for p, e in manifest.with_ids({aid for _, aid in fresh.articles}).items() if p not in replaced}
        for key, article in list(fresh.articles.items()):
            if key in kept:  # the id is already used by a file that did not change
                del fresh.articles[key]
                fresh.errors.append(
                    LoadError(article.path, f"duplicate id {key[1]!r} in {key[0]}: already used by {kept[key]}")
                )
        affected = {entry[1] for entry in changes.entries.values()} | {aid for _, aid in fresh.articles}
        articles = ArticleSet(default_locale=default_locale)
        errors = list(fresh.errors)

        def load_unchanged(ids: set[str]) -> None:
            paths = sorted(Path(p) for p in manifest.with_ids(ids) if p not in replaced)
            unchanged = load_article_files(root, paths, locales, default_locale)
            articles.articles.update(unchanged.articles)
            articles.stats.update(unchanged.stats)
            errors.extend(unchanged.errors)

        load_unchanged(affected)
        articles.articles.update(fresh.articles)
        articles.stats.update(fresh.stats)

        old_path = generation_path(index_dir, previous)
        vocabularies = {}
        for locale in locales:
            if splits_compounds(locale):
                old_counts = manifest.vocabulary(locale)
                counts, resplit = _updated_vocabulary(old_path / locale, old_counts, affected, articles, locale)
                vocabularies[locale] = (old_counts, counts)
                load_unchanged(resplit - affected)
                affected |= resplit

        with _next_generation(index_dir) as (generation, path):
            counts = {}
            aligned_changed = set()  # locales whose titles, headings or articles changed: what translations are learnt from
            for locale in locales:
                linked = _link_generation(old_path, path, locale)
                vocabulary = Vocabulary(vocabularies[locale][1]) if locale in vocabularies else None
                ix = index.open_dir(str(path / locale))
                before = _aligned_texts(ix, affected)
                writer = ix.writer(limitmb=WRITER_LIMIT_MB)
                for article_id in sorted(affected):
                    writer.delete_by_term("id", article_id)
                count, after = 0, {}
                for article_id in sorted(affected):
                    article = articles.get(locale, article_id)
                    if article is not None and article.published:
                        document = document_for(article, articles, vocabulary)
                        writer.add_document(**document)
                        after[article_id] = (document["title"], tuple(document["headings_list"]))
                        count += 1
                writer.commit()
                _check_untouched(path / locale, linked)
                counts[locale] = count
                if before != after:
                    aligned_changed.add(locale)
            # None: a table stored by an older version of the learning, or none.
            previous_translations = read_translations(old_path)
            if not aligned_changed and previous_translations is not None:
                # Same ids, titles and headings in every locale: learning again
                # would cost reading every article (27–30 s of CPU at 287 353
                # articles) for a table that differs, if at all, by the short
                # blocks of the edited texts among those of every article. An
                # edit of a text alone keeps the table; the next full build
                # (nightly, docs/deploying.md) learns them.
                os.link(old_path / TRANSLATIONS_FILE, path / TRANSLATIONS_FILE)
            else:
                _store_translations(path, locales, default_locale, previous_translations, aligned_changed)
            if changes.git is not None:  # every change was looked for: git's state is the new baseline
                meta, watched = _manifest_meta(locales, default_locale, changes.git), set(changes.git.dirty)
            elif changes.how == "scan":  # outside git: every file was compared, nothing to watch
                meta, watched = manifest.meta, set()
            else:  # the named files only: the baseline stays, and what it watched
                meta, watched = manifest.meta, manifest.watched()
            Manifest.copy_and_update(
                old_path / MANIFEST, path / MANIFEST, remove=replaced, files=_manifest_files(articles),
                vocabularies=vocabularies, meta=meta, watched=watched | _error_paths(errors),
            )
    return BuildReport(
        generation, path, counts, time.perf_counter() - started, True, len(changes.removed),
        tuple(sorted(errors, key=lambda e: str(e.path))),
    )


def _updated_vocabulary(
    old_dir: Path, old_counts: dict[str, int], affected: set[str], articles: ArticleSet, locale: str
) -> tuple[dict[str, int], set[str]]:
    """A compounding locale's word counts once ``affected`` articles are replaced by
    their versions in ``articles``, and the ids of the other articles whose
    compounds split differently with these words (they must be re-indexed).

    The old versions' words are read back from the old index's stored fields.
    """
    counts = dict(old_counts)
    ix = index.open_dir(str(old_dir))
    with ix.searcher() as searcher:
        for article_id in affected:
            stored = searcher.document(id=article_id)
            if stored is not None:
                text = article_text(stored["title"], stored["headings_list"], stored["tags"], stored["body"])
                for word in text_words(text, locale):
                    counts[word] -= 1
                    if not counts[word]:
                        del counts[word]
        for article_id in affected:
            article = articles.get(locale, article_id)
            if article is not None and article.published:
                for word in text_words(article_text(article.title, article.headings, " ".join(article.tags), article.text), locale):
                    counts[word] = counts.get(word, 0) + 1
        gained_or_lost = old_counts.keys() ^ counts.keys()
        if not gained_or_lost:
            return counts, set()
        # A word splits differently only if a word gained or lost can be one of its parts.
        could_be_part = re.compile("|".join(re.escape(w) for w in sorted(gained_or_lost, key=len, reverse=True)))
        resplit = set()
        for word in old_counts.keys() | counts.keys():
            if (
                len(word) >= MIN_COMPOUND
                and could_be_part.search(word)
                and split_compound(word, old_counts) != split_compound(word, counts)
            ):
                resplit.update(searcher.stored_fields(docnum)["id"] for docnum in searcher.document_numbers(words=word))
    return counts, resplit
