"""The manifest of an index generation: which article files it was built from.

One SQLite file per generation, ``manifest.sqlite3``:

- ``files``: every indexed article file (absolute path, locale, id, mtime
  and size as seen just before it was read);
- ``words``: for locales whose compounds are split, how many articles use
  each word (see ``search.indexing.update_index``);
- ``watched``: files an update must look at again even if git does not name
  them: those dirty in git when the generation was made (a later revert
  shows in no ``git status``) and those skipped as broken;
- ``meta``: format version, locales, default locale, the git commit the
  files were compared with (JSON values).

SQLite rather than one pickle so that an update of one article reads and
writes the rows of that article only: at 287 353 files the pickle cost
0.7 s to load and save and 0.6 s to compare. An update copies the previous
generation's file into the new generation and edits the copy, so each
generation keeps the manifest of exactly the files it holds.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

MANIFEST = "manifest.sqlite3"
# Version 3: SQLite, with the git commit and the watched files. Version 4:
# documents store the stems of their short text blocks (search/crosslang.py),
# so a generation without them is built again in full. Version 5: German
# "andern" is no longer a stop word (search/analysis.py).
MANIFEST_VERSION = 5
# Rows per query when looking rows up by a list of keys (SQLite's limit on
# parameters is 32 766; this stays far below).
CHUNK = 900

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (
    path TEXT PRIMARY KEY, locale TEXT NOT NULL, id TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX files_by_id ON files (id);
CREATE TABLE words (
    locale TEXT NOT NULL, word TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (locale, word)
) WITHOUT ROWID;
CREATE TABLE watched (path TEXT PRIMARY KEY) WITHOUT ROWID;
"""

# (locale, id, mtime_ns, size) of one file.
Entry = tuple[str, str, int, int]


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Manifest:
    """An open manifest; use as a context manager (closes the connection)."""

    def __init__(self, path: Path, *, writable: bool = False):
        if writable:
            self.db = sqlite3.connect(path, isolation_level=None)
            # The file belongs to a generation nobody serves yet; a failed
            # build deletes the whole folder, so no journal is needed.
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
        else:
            self.db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
        self.meta = {key: json.loads(value) for key, value in self.db.execute("SELECT key, value FROM meta")}

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    # Reading ------------------------------------------------------------

    def entries(self, paths: Iterable[str] | None = None) -> dict[str, Entry]:
        """The rows of ``paths`` that exist, or of every file when None."""
        if paths is None:
            rows = self.db.execute("SELECT path, locale, id, mtime_ns, size FROM files")
            return {path: (locale, i, mtime, size) for path, locale, i, mtime, size in rows}
        return self._files_where("path", paths)

    def with_ids(self, ids: Iterable[str]) -> dict[str, Entry]:
        """The rows of every file holding one of ``ids``, in any locale."""
        return self._files_where("id", ids)

    def _files_where(self, column: str, values: Iterable[str]) -> dict[str, Entry]:
        """The rows whose ``column`` (a fixed name, never user input) is one of ``values``."""
        found = {}
        for chunk in _chunks(sorted(set(values))):
            marks = ",".join("?" * len(chunk))
            for path, locale, i, mtime, size in self.db.execute(
                f"SELECT path, locale, id, mtime_ns, size FROM files WHERE {column} IN ({marks})", chunk
            ):
                found[path] = (locale, i, mtime, size)
        return found

    def vocabulary(self, locale: str) -> dict[str, int]:
        return dict(self.db.execute("SELECT word, count FROM words WHERE locale = ?", (locale,)))

    def watched(self) -> set[str]:
        return {path for (path,) in self.db.execute("SELECT path FROM watched")}

    # Writing ------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, meta: dict, files: dict[str, Entry], vocabularies: dict[str, dict[str, int]],
               watched: Iterable[str]) -> None:
        """Write a new manifest at ``path`` (for a full build)."""
        with cls(_empty(path), writable=True) as manifest:
            manifest.db.execute("BEGIN")
            manifest.db.executemany(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?)", ((p, *entry) for p, entry in files.items())
            )
            manifest.db.executemany(
                "INSERT INTO words VALUES (?, ?, ?)",
                ((locale, word, count) for locale, counts in vocabularies.items() for word, count in counts.items()),
            )
            manifest._set(meta, watched)
            manifest.db.execute("COMMIT")

    @classmethod
    def copy_and_update(cls, previous: Path, path: Path, *, remove: Iterable[str], files: dict[str, Entry],
                        vocabularies: dict[str, tuple[dict[str, int], dict[str, int]]], meta: dict,
                        watched: Iterable[str]) -> None:
        """Write at ``path`` the ``previous`` manifest with ``remove``'s rows
        gone, ``files``' rows added or replaced, each locale's word counts
        changed from ``(old, new)``, and ``meta`` and ``watched`` replaced."""
        shutil.copyfile(previous, path)
        with cls(path, writable=True) as manifest:
            manifest.db.execute("BEGIN")
            manifest.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in remove))
            manifest.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", ((p, *entry) for p, entry in files.items())
            )
            for locale, (old, new) in vocabularies.items():
                manifest.db.executemany(
                    "DELETE FROM words WHERE locale = ? AND word = ?", ((locale, w) for w in old.keys() - new.keys())
                )
                manifest.db.executemany(
                    "INSERT OR REPLACE INTO words VALUES (?, ?, ?)",
                    ((locale, w, n) for w, n in new.items() if old.get(w) != n),
                )
            manifest._set(meta, watched)
            manifest.db.execute("COMMIT")

    def _set(self, meta: dict, watched: Iterable[str]) -> None:
        self.db.execute("DELETE FROM meta")
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", ((k, json.dumps(v)) for k, v in meta.items()))
        self.db.execute("DELETE FROM watched")
        self.db.executemany("INSERT INTO watched VALUES (?)", ((p,) for p in sorted(set(watched))))


def _empty(path: Path) -> Path:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
    db.close()
    return path


def open_manifest(generation_dir: Path) -> Manifest | None:
    """The generation's manifest, read-only, or None when it has none (or an
    older format's)."""
    path = Path(generation_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = Manifest(path)
    except sqlite3.DatabaseError:
        return None
    if manifest.meta.get("version") != MANIFEST_VERSION:
        manifest.db.close()
        return None
    return manifest
