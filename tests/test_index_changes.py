"""kb index --changed: the changed files named by the caller, by git, or by a stat scan,
always giving the index a full build gives."""

from __future__ import annotations

import os
import subprocess

import pytest

import search.changes
from search.changes import find_changes, git_snapshot
from search.indexing import current_generation, generation_path, update_index
from search.manifest import open_manifest
from search.service import SearchIndex

from .conftest import write_article
from .test_indexing import index_contents

LOCALES = ("en", "de")
ARTICLES = {
    "en/a.md": "---\nid: a\ntitle: Pineapple\nrevision: 1\n---\nAbout pineapples.\n",
    "en/b.md": "---\nid: b\ntitle: Banana\n---\nAbout bananas.\n",
    "en/c.md": "---\nid: c\ntitle: Cherry\n---\nAbout cherries.\n",
    "de/a.md": "---\nid: a\ntitle: Ananas\nbased_on: 1\n---\nDie Ananasfrucht.\n",
    "de/b.md": "---\nid: b\ntitle: Banane\n---\nDie Bananenschale.\n",
}


def git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=Writer", "-c", "user.email=writer@example.com", "-C", str(root), *args],
        check=True, capture_output=True,
    )


@pytest.fixture
def repo(tmp_path):
    """A git work tree whose articles/ folder is committed and indexed."""
    root = tmp_path / "project" / "articles"
    for relative, text in ARTICLES.items():
        write_article(root, relative, text)
    git(root.parent, "init", "-q")
    git(root.parent, "add", "-A")
    git(root.parent, "commit", "-qm", "articles")
    update_index(root, tmp_path / "index", LOCALES, "en")
    return root


def no_scan(monkeypatch):
    """Make stat-ing every file an error: the changes must come from elsewhere."""

    def scan(root):
        raise AssertionError("every file was stat-ed")

    monkeypatch.setattr(search.changes, "markdown_files", scan)


def same_as_full_build(root, index_dir, full_dir):
    update_index(root, full_dir, LOCALES, "en")
    for locale in LOCALES:
        assert index_contents(index_dir, locale) == index_contents(full_dir, locale), locale


def ids(index_dir, text, locale="en"):
    return [hit.id for hit in SearchIndex(index_dir, LOCALES, "en").search(text, locale)]


def test_git_names_edited_added_removed_and_renamed_files(repo, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    no_scan(monkeypatch)
    assert update_index(repo, index_dir, LOCALES, "en").counts == {}

    # Dirty work tree: an edit, a new untracked file, a deletion, a rename.
    write_article(repo, "en/a.md", ARTICLES["en/a.md"].replace("Pineapple", "Mango").replace("revision: 1", "revision: 2"))
    write_article(repo, "en/d.md", "---\nid: d\ntitle: Date palm\n---\nAbout dates.\n")
    (repo / "en/c.md").unlink()
    git(repo.parent, "mv", "articles/en/b.md", "articles/en/banana.md")
    report = update_index(repo, index_dir, LOCALES, "en")
    assert report.incremental and report.removed == 2  # c.md, and b.md under its old name
    assert report.counts == {"en": 3, "de": 2}  # a, b, d; their German versions a and b
    assert ids(index_dir, "mango") == ["a"] and ids(index_dir, "date palm") == ["d"]
    assert ids(index_dir, "cherr") == [] and ids(index_dir, "banana") == ["b"]
    assert SearchIndex(index_dir, LOCALES, "en").document("de", "a")["outdated"] is True
    same_as_full_build(repo, index_dir, tmp_path / "full1")

    # Committing what was indexed changes nothing.
    git(repo.parent, "add", "-A")
    git(repo.parent, "commit", "-qm", "edits")
    assert update_index(repo, index_dir, LOCALES, "en").counts == {}

    # Commits made since the last update (no longer dirty) are found by git diff.
    write_article(repo, "de/b.md", ARTICLES["de/b.md"].replace("Banane", "Bananenbrot"))
    git(repo.parent, "commit", "-qam", "German title")
    assert update_index(repo, index_dir, LOCALES, "en").counts == {"en": 1, "de": 1}
    assert ids(index_dir, "bananenbrot", "de") == ["b"]
    same_as_full_build(repo, index_dir, tmp_path / "full2")


def test_a_dirty_file_reverted_in_git_is_indexed_again(repo, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    no_scan(monkeypatch)
    write_article(repo, "en/c.md", ARTICLES["en/c.md"].replace("Cherry", "Kiwi"))
    update_index(repo, index_dir, LOCALES, "en")
    assert ids(index_dir, "kiwi") == ["c"]
    # After the checkout git status lists nothing, and the commit did not move.
    git(repo.parent, "checkout", "--", "articles/en/c.md")
    assert update_index(repo, index_dir, LOCALES, "en").counts == {"en": 1, "de": 0}
    assert ids(index_dir, "kiwi") == [] and ids(index_dir, "cherry") == ["c"]


def test_a_broken_file_is_reported_until_fixed_even_when_committed(repo, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    no_scan(monkeypatch)
    write_article(repo, "en/b.md", "---\nid: b\ntitle: [unclosed\n---\nBroken.\n")
    git(repo.parent, "commit", "-qam", "oops")
    first = update_index(repo, index_dir, LOCALES, "en")
    assert [str(e.path) for e in first.errors] == [str(repo / "en/b.md")]
    write_article(repo, "en/b.md", ARTICLES["en/b.md"].replace("Banana", "Plantain"))
    git(repo.parent, "commit", "-qam", "fixed")
    os.utime(repo / "en/b.md", ns=(1, 1))
    assert update_index(repo, index_dir, LOCALES, "en").counts == {"en": 1, "de": 1}
    assert ids(index_dir, "plantain") == ["b"]


def test_history_rewritten_past_the_indexed_commit_falls_back_to_the_scan(repo, tmp_path):
    index_dir = tmp_path / "index"
    with open_manifest(generation_path(index_dir, current_generation(index_dir))) as manifest:
        assert manifest.meta["git_commit"]
        write_article(repo, "en/c.md", ARTICLES["en/c.md"].replace("Cherry", "Kiwi"))
        manifest.meta["git_commit"] = "0" * 40  # a commit this repository does not have
        changes = find_changes(repo, manifest)
    assert changes.how == "scan" and changes.changed == [str(repo / "en/c.md")]


def test_an_ignored_articles_folder_is_scanned(tmp_path):
    root = tmp_path / "project" / "corpus"
    write_article(root, "en/a.md", ARTICLES["en/a.md"])
    git(root.parent, "init", "-q")
    (root.parent / ".gitignore").write_text("corpus/\n")
    assert git_snapshot(root) is None  # no commit yet
    git(root.parent, "add", "-A")
    git(root.parent, "commit", "-qm", "ignore")
    assert git_snapshot(root) is None
    index_dir = tmp_path / "index"
    update_index(root, index_dir, ("en",), "en")
    write_article(root, "en/b.md", ARTICLES["en/b.md"])
    assert update_index(root, index_dir, ("en",), "en").counts == {"en": 1}


def test_outside_git_the_scan_finds_renames(tmp_path):
    root = tmp_path / "articles"
    for relative, text in ARTICLES.items():
        write_article(root, relative, text)
    index_dir = tmp_path / "index"
    update_index(root, index_dir, LOCALES, "en")
    (root / "en/c.md").rename(root / "en/cherry.md")
    (root / "de/b.md").unlink()
    report = update_index(root, index_dir, LOCALES, "en")
    assert report.removed == 2 and report.counts == {"en": 2, "de": 0}  # c, and b without its German version
    assert ids(index_dir, "cherr") == ["c"] and SearchIndex(index_dir, LOCALES, "en").document("de", "b") is None
    same_as_full_build(root, index_dir, tmp_path / "full")
    # A broken file is watched until it is fixed, then forgotten.
    write_article(root, "en/a.md", "---\nid: a\ntitle: [unclosed\n---\nBroken.\n")
    assert len(update_index(root, index_dir, LOCALES, "en").errors) == 1
    assert watched(index_dir) == {str(root / "en/a.md")}
    write_article(root, "en/a.md", ARTICLES["en/a.md"] + "Fixed.\n")
    assert not update_index(root, index_dir, LOCALES, "en").errors
    assert watched(index_dir) == set()


def watched(index_dir):
    with open_manifest(generation_path(index_dir, current_generation(index_dir))) as manifest:
        return manifest.watched()


def test_named_files_are_the_only_ones_looked_at(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kb.cli import main

    root = tmp_path / "articles"
    for relative, text in ARTICLES.items():
        write_article(root, relative, text)
    env = {"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(root), "KB_LOCALES": "en,de"}
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["index", "-q"]).exit_code == 0
    index_dir = tmp_path / "instance" / "index"
    write_article(root, "en/a.md", ARTICLES["en/a.md"].replace("Pineapple", "Mango"))
    write_article(root, "en/c.md", ARTICLES["en/c.md"].replace("Cherry", "Kiwi"))
    (root / "en/b.md").rename(root / "en/banana.md")
    no_scan(monkeypatch)
    result = runner.invoke(main, ["index", str(root / "en/b.md"), str(root / "en/banana.md"), str(root / "en/a.md")])
    assert result.exit_code == 0, result.output
    assert "re-indexed 4 articles (en 2, de 2), removed 1 file(s)" in result.output
    assert ids(index_dir, "mango") == ["a"] and ids(index_dir, "kiwi") == []  # c.md was not named
    monkeypatch.undo()
    assert runner.invoke(main, ["index", "--changed"]).exit_code == 0  # the scan finds c.md
    assert ids(index_dir, "kiwi") == ["c"]
    same_as_full_build(root, index_dir, tmp_path / "full")

    outside = runner.invoke(main, ["index", str(tmp_path / "elsewhere.md")])
    assert outside.exit_code == 2 and "not in the articles folder" in outside.output
