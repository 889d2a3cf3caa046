"""Which article files changed since a generation was built, without looking at every file.

Three ways, cheapest first:

- the caller names the files (an editor, ``kb index --watch``):
  ``kb index --changed FILE...``;
- git names them, when the articles folder is tracked in a git work tree:
  the files that differ between the commit the generation was compared with
  and ``HEAD``, plus those ``git status`` lists (modified, staged, deleted,
  untracked), plus those that were dirty or broken last time (a revert
  leaves no trace in git);
- otherwise every ``*.md`` file is stat-ed (:func:`markdown_files`).

Each named file is then compared with the manifest by mtime and size, as
the full scan does, so a file git lists but that was indexed as it is now
costs one ``stat`` and nothing more.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from stat import S_ISREG
from collections.abc import Iterable
from pathlib import Path

from .manifest import Entry, Manifest

# git's untracked cache remembers which folders had no new files, so git
# status need not read every folder again; it is stored in git's index.
GIT = ("git", "-c", "core.untrackedCache=true", "-c", "core.quotePath=false")


@dataclasses.dataclass(frozen=True)
class GitSnapshot:
    """The state of the articles folder in git, taken before any file is read."""

    top: str  # the work tree's top folder
    commit: str
    # Absolute paths of the article files git status lists (dirty or untracked).
    dirty: frozenset[str]


@dataclasses.dataclass(frozen=True)
class Changes:
    """Files to re-read and files gone, with the manifest rows of those that
    were indexed; ``git`` is what the next generation's manifest records."""

    changed: list[str]
    removed: list[str]
    entries: dict[str, Entry]
    how: str  # "paths", "git" or "scan"
    git: GitSnapshot | None


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run((*GIT, "-C", str(root), *args), capture_output=True, check=False)
    except OSError:  # no git on this machine
        return None
    return os.fsdecode(done.stdout) if done.returncode == 0 else None


def git_snapshot(root: Path) -> GitSnapshot | None:
    """The commit and dirty article files of ``root``'s git work tree, or None
    when ``root`` is not tracked in one (no git, no commit yet, or ignored)."""
    root = Path(root).resolve()
    head = _git(root, "rev-parse", "--show-toplevel", "HEAD")
    if head is None:
        return None
    top, commit = head.split("\n")[:2]
    # An ignored articles folder (a corpus inside another project) is
    # invisible to git status: only the scan can see its changes.
    if _git(root, "check-ignore", "-q", ".") is not None:
        return None
    status = _git(Path(top), "status", "--porcelain", "-z", "--no-renames", "--untracked-files=all", "--", _pathspec(root, top))
    if status is None:
        return None
    dirty = frozenset(_article_paths(top, (entry[3:] for entry in status.split("\0") if entry), root))
    return GitSnapshot(top, commit, dirty)


def _pathspec(root: Path, top: str) -> str:
    relative = os.path.relpath(root, top)
    return ":(top,literal)" + ("" if relative == "." else relative)


def _article_paths(top: str, relatives: Iterable[str], root: Path) -> Iterable[str]:
    """Absolute paths of the ``*.md`` files below ``root`` among git's paths."""
    prefix = str(root) + os.sep
    for relative in relatives:
        path = os.path.join(top, relative)
        if path.endswith(".md") and path.startswith(prefix):
            yield path


def _committed_since(root: Path, commit: str, snapshot: GitSnapshot) -> list[str] | None:
    """Article files that differ between ``commit`` and the snapshot's, or
    None when git cannot tell (the old commit was rewritten away)."""
    if commit == snapshot.commit:
        return []
    top = snapshot.top
    names = _git(Path(top), "diff", "--name-only", "-z", "--no-renames", commit, snapshot.commit, "--", _pathspec(root, top))
    if names is None:
        return None
    return list(_article_paths(top, (n for n in names.split("\0") if n), root))


def markdown_files(root: Path) -> dict[str, tuple[int, int]]:
    """``(mtime_ns, size)`` of every ``*.md`` file below ``root``, by path.

    The same files as ``root.rglob("*.md")`` (symlinked folders are not
    entered), without making a Path object for each, which was a third of
    an incremental update's time at 60 000 files.
    """
    found = {}
    folders = [str(root)]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".md"):
                    try:
                        stat = entry.stat()
                    except FileNotFoundError:
                        continue
                    found[entry.path] = (stat.st_mtime_ns, stat.st_size)
    return found


def _stats(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``(mtime_ns, size)`` of those of ``paths`` that are files."""
    found = {}
    for path in paths:
        try:
            stat = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        if S_ISREG(stat.st_mode):
            found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def named_paths(root: Path, paths: Iterable[str | os.PathLike]) -> list[str]:
    """The absolute paths of the ``*.md`` files among ``paths``; a path outside
    the articles folder is an error (it names no article)."""
    root = Path(root).resolve()
    found = []
    for given in paths:
        path = Path(os.path.abspath(given))
        # Resolve the folder, not the file: a deleted file resolves as itself.
        path = path.parent.resolve() / path.name
        if root != path and root not in path.parents:
            raise ValueError(f"{given}: not in the articles folder {root}")
        if path.suffix == ".md":
            found.append(str(path))
    return found


def find_changes(root: Path, manifest: Manifest, paths: Iterable[str | os.PathLike] | None = None) -> Changes:
    """The files changed since ``manifest``'s generation (see the module's docstring)."""
    root = Path(root).resolve()
    if paths is not None:
        candidates = set(named_paths(root, paths)) | manifest.watched()
        return _compare(candidates, manifest.entries(candidates), _stats(candidates), "paths", None)
    snapshot = git_snapshot(root)
    previous = manifest.meta.get("git_commit")
    if snapshot is not None and previous:
        committed = _committed_since(root, previous, snapshot)
        if committed is not None:
            candidates = set(committed) | snapshot.dirty | manifest.watched()
            return _compare(candidates, manifest.entries(candidates), _stats(candidates), "git", snapshot)
    on_disk = markdown_files(root)
    entries = manifest.entries()
    return _compare(on_disk.keys() | entries.keys(), entries, on_disk, "scan", snapshot)


def _compare(candidates: set[str], entries: dict[str, Entry], on_disk: dict[str, tuple[int, int]], how: str,
             git: GitSnapshot | None) -> Changes:
    changed = sorted(p for p in candidates if p in on_disk and (p not in entries or tuple(entries[p][2:]) != on_disk[p]))
    removed = sorted(p for p in candidates if p in entries and p not in on_disk)
    touched = {p: entries[p] for p in (*changed, *removed) if p in entries}
    return Changes(changed, removed, touched, how, git)
