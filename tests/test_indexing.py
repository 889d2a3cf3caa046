"""Index generations: a reader never sees a half-built index."""

from __future__ import annotations

import os

import pytest

from kb.articles import load_articles
from search.indexing import (
    GENERATIONS,
    KEEP_GENERATIONS,
    build_index,
    current_generation,
    generation_path,
    update_index,
)
from search.service import IndexNotBuilt, SearchIndex

from .conftest import write_article

LOCALES = ("en", "fr")


def articles_with(tmp_path, title):
    root = tmp_path / "articles"
    write_article(root, "en/a.md", f"---\nid: a\ntitle: {title}\n---\nSome text about {title}.\n")
    write_article(root, "fr/a.md", f"---\nid: a\ntitle: {title} fr\n---\nDu texte sur {title}.\n")
    return load_articles(root, LOCALES, "en")


def test_search_before_any_build_says_so(tmp_path):
    with pytest.raises(IndexNotBuilt, match="kb index"):
        SearchIndex(tmp_path / "index", LOCALES, "en").search("x", "en")


def test_reader_switches_to_a_new_generation_without_restart(tmp_path):
    index_dir = tmp_path / "index"
    build_index(articles_with(tmp_path, "Pineapple"), index_dir, LOCALES)
    reader = SearchIndex(index_dir, LOCALES, "en")
    assert [h.title for h in reader.search("pineapple", "en")] == ["Pineapple"]
    first = reader.generation
    build_index(articles_with(tmp_path, "Mango"), index_dir, LOCALES)
    assert reader.generation != first
    assert reader.search("pineapple", "en") == []
    assert [h.title for h in reader.search("mango", "en")] == ["Mango"]


def test_failed_build_leaves_the_previous_generation_serving(tmp_path, monkeypatch):
    import search.indexing

    index_dir = tmp_path / "index"
    build_index(articles_with(tmp_path, "Pineapple"), index_dir, LOCALES)
    serving = current_generation(index_dir)
    reader = SearchIndex(index_dir, LOCALES, "en")
    build_locale = search.indexing._build_locale

    def fail_after_english(generation_dir, locale, *args):
        count = build_locale(generation_dir, locale, *args)
        if locale == "en":
            raise RuntimeError("build stopped on purpose after en")
        return count

    monkeypatch.setattr(search.indexing, "_build_locale", fail_after_english)
    with pytest.raises(RuntimeError, match="on purpose"):
        build_index(articles_with(tmp_path, "Mango"), index_dir, LOCALES)
    assert current_generation(index_dir) == serving
    assert [h.title for h in reader.search("pineapple", "en")] == ["Pineapple"]
    # The half-built generation is gone, not left to fill the disk.
    assert os.listdir(index_dir / GENERATIONS) == [serving]


def test_old_generations_are_pruned(tmp_path):
    index_dir = tmp_path / "index"
    articles = articles_with(tmp_path, "Kiwi")
    for _ in range(KEEP_GENERATIONS + 2):
        build_index(articles, index_dir, LOCALES)
    generations = sorted(os.listdir(index_dir / GENERATIONS))
    assert len(generations) == KEEP_GENERATIONS
    assert generations[-1] == current_generation(index_dir)


def test_drafts_are_not_indexed(tmp_path):
    root = tmp_path / "articles"
    write_article(root, "en/d.md", "---\nid: d\ntitle: Secret launch\nstatus: draft\n---\nSecret.\n")
    write_article(root, "en/p.md", "---\nid: p\ntitle: Public launch\n---\nPublic.\n")
    report = build_index(load_articles(root, LOCALES, "en"), tmp_path / "index", LOCALES)
    assert report.counts == {"en": 1, "fr": 0}
    assert [h.id for h in SearchIndex(tmp_path / "index", LOCALES, "en").search("launch", "en")] == ["p"]


def _ids(reader, text, locale):
    return sorted(h.id for h in reader.search(text, locale, limit=20))


def test_update_reindexes_only_changed_files_and_keeps_the_old_generation_intact(tmp_path):
    root = tmp_path / "articles"
    index_dir = tmp_path / "index"
    write_article(root, "en/a.md", "---\nid: a\ntitle: Pineapple\nrevision: 1\n---\nAbout pineapples.\n")
    write_article(root, "en/b.md", "---\nid: b\ntitle: Banana\n---\nAbout bananas.\n")
    write_article(root, "fr/a.md", "---\nid: a\ntitle: Ananas\nbased_on: 1\n---\nDes ananas.\n")
    first = update_index(root, index_dir, LOCALES, "en")  # no manifest yet: a full build
    assert not first.incremental and first.counts == {"en": 2, "fr": 1}
    reader = SearchIndex(index_dir, LOCALES, "en")
    assert reader.document("fr", "a")["outdated"] is False

    nothing = update_index(root, index_dir, LOCALES, "en")
    assert nothing.incremental and nothing.counts == {} and nothing.generation == first.generation

    old_reader = SearchIndex(index_dir, LOCALES, "en")
    assert _ids(old_reader, "banana", "en") == ["b"]
    # Revising the English source re-indexes its French translation too (now outdated).
    write_article(root, "en/a.md", "---\nid: a\ntitle: Mango\nrevision: 2\n---\nAbout mangoes.\n")
    (root / "en/b.md").unlink()
    write_article(root, "en/c.md", "---\nid: c\ntitle: Cherry\n---\nAbout cherries.\n")
    report = update_index(root, index_dir, LOCALES, "en")
    assert report.incremental and report.removed == 1
    assert report.counts == {"en": 2, "fr": 1}
    assert _ids(reader, "mango", "en") == ["a"]
    assert _ids(reader, "pineapple", "en") == []
    assert _ids(reader, "banana", "en") == []
    assert _ids(reader, "cherry", "en") == ["c"]
    assert reader.document("fr", "a")["outdated"] is True
    # The previous generation, still open elsewhere, answers as before.
    old_path = generation_path(index_dir, first.generation)
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(old_path / "en")).searcher() as searcher:
        assert sorted(d["id"] for d in searcher.documents()) == ["a", "b"]
        assert searcher.document(id="a")["title"] == "Pineapple"


def test_update_reports_a_broken_file_and_drops_its_article(tmp_path):
    root = tmp_path / "articles"
    index_dir = tmp_path / "index"
    write_article(root, "en/a.md", "---\nid: a\ntitle: Pineapple\n---\nAbout pineapples.\n")
    write_article(root, "en/b.md", "---\nid: b\ntitle: Banana\n---\nAbout bananas.\n")
    update_index(root, index_dir, LOCALES, "en")
    write_article(root, "en/b.md", "---\nid: b\ntitle: [unclosed\n---\nBroken.\n")
    write_article(root, "en/c.md", "---\nid: a\ntitle: Copy\n---\nSame id as a.md.\n")
    report = update_index(root, index_dir, LOCALES, "en")
    messages = sorted(str(e) for e in report.errors)
    assert len(messages) == 2 and "duplicate id 'a'" in messages[1]
    reader = SearchIndex(index_dir, LOCALES, "en")
    assert _ids(reader, "banana", "en") == []
    assert _ids(reader, "pineapple", "en") == ["a"]


def test_kb_index_changed(tmp_path):
    from click.testing import CliRunner

    from kb.cli import main

    root = tmp_path / "articles"
    write_article(root, "en/a.md", "---\nid: a\ntitle: Pineapple\n---\nAbout pineapples.\n")
    runner = CliRunner(env={"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(root), "KB_LOCALES": "en"})
    assert runner.invoke(main, ["index"]).exit_code == 0
    result = runner.invoke(main, ["index", "--changed"])
    assert result.exit_code == 0 and "no article changed" in result.output
    write_article(root, "en/b.md", "---\nid: b\ntitle: Banana\n---\nAbout bananas.\n")
    result = runner.invoke(main, ["index", "--changed"])
    assert result.exit_code == 0 and "re-indexed 1 articles (en 1)" in result.output


def test_parallel_load_and_build_give_the_same_index(tmp_path, monkeypatch):
    import kb.articles
    from tests.conftest import DEMO_ARTICLES

    from kb.articles import load_articles as load

    monkeypatch.setattr(kb.articles, "PARALLEL_MIN_FILES", 0)
    locales = ("en", "fr", "de")
    serial = load(DEMO_ARTICLES, locales, "en")
    parallel = load(DEMO_ARTICLES, locales, "en", jobs=2)
    assert parallel.articles == serial.articles and parallel.stats == serial.stats
    one = build_index(serial, tmp_path / "one", locales)
    two = build_index(parallel, tmp_path / "two", locales, jobs=2)
    assert one.counts == two.counts
    a, b = SearchIndex(tmp_path / "one", locales, "en"), SearchIndex(tmp_path / "two", locales, "en")
    for text, locale in [("factur", "fr"), ("passwort zur", "de"), ("api key", "en")]:
        assert a.search(text, locale) == b.search(text, locale)


def test_one_locale_written_by_two_processes_gives_the_same_search(tmp_path, monkeypatch):
    import search.indexing
    from tests.conftest import DEMO_ARTICLES

    monkeypatch.setattr(search.indexing, "WRITER_BATCH", 10)  # so that both processes get articles
    articles = load_articles(DEMO_ARTICLES, ("en",), "en")
    one = build_index(articles, tmp_path / "one", ("en",))
    two = build_index(articles, tmp_path / "two", ("en",), jobs=2)
    assert one.counts == two.counts
    a, b = SearchIndex(tmp_path / "one", ("en",), "en"), SearchIndex(tmp_path / "two", ("en",), "en")
    assert len(b.current().searchers["en"].reader().leaf_readers()) == 2
    for text in ("invoice", "reset pass", "api key", "dkim", "delete my account "):
        found_one = sorted((h.id, round(h.score, 9), h.snippet) for h in a.search(text, "en", 10))
        found_two = sorted((h.id, round(h.score, 9), h.snippet) for h in b.search(text, "en", 10))
        assert found_one == found_two, text


def index_contents(index_dir, locale) -> dict:
    """Every indexed field's terms, each with the (article id, frequency) of every
    live document holding it, and every article's stored fields."""
    from whoosh import index

    ix = index.open_dir(str(generation_path(index_dir, current_generation(index_dir)) / locale))
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        terms = {}
        for field in reader.indexed_field_names():
            for term in reader.field_terms(field):
                postings, found = reader.postings(field, term), []
                while postings.is_active():
                    if postings.id() in ids:
                        found.append((ids[postings.id()], postings.weight()))
                    postings.next()
                found.sort()
                if found:
                    terms[(field, term)] = found
        stored = {fields["id"]: fields for _, fields in reader.iter_docs()}
    return {"terms": terms, "stored": stored}


GERMAN = {
    "de/sender.md": "---\nid: sender\ntitle: Zaubertrankrezept prüfen\n---\nDas Zaubertrankrezept muss passen.\n",
    "de/bills.md": "---\nid: bills\ntitle: Rechnungsadresse\ntags: [rechnung]\n---\nDie Rechnungsadresse steht auf jeder Rechnung.\n",
    "de/old.md": "---\nid: old\ntitle: Kontakte\n---\nKontakte und Listen verwalten.\n",
    "en/sender.md": "---\nid: sender\ntitle: Check the sender domain\n---\nThe sender domain must match.\n",
}


def test_changed_build_gives_the_index_a_full_build_gives(tmp_path):
    """Every field's terms, German compound parts included, as a full build of the same files."""
    import shutil

    from .conftest import DEMO_ARTICLES

    locales = ("en", "de")
    root = tmp_path / "articles"
    for locale in locales:
        shutil.copytree(DEMO_ARTICLES / locale, root / locale)
    for relative, text in GERMAN.items():
        write_article(root, relative, text)
    changed_dir, full_dir = tmp_path / "changed", tmp_path / "full"
    update_index(root, changed_dir, locales, "en")
    assert "sender" not in split_articles(changed_dir)  # "Zaubertrankrezept" stays whole

    # A new article teaches the words "Zaubertrank" and "Rezept"; one goes, one changes.
    write_article(root, "de/potion.md", "---\nid: potion\ntitle: Zaubertrank\n---\nEin Rezept.\n")
    (root / "de" / "old.md").unlink()
    write_article(root, "de/bills.md", GERMAN["de/bills.md"].replace("steht auf jeder Rechnung", "gilt für alle Rechnungen"))
    os.utime(root / "de" / "bills.md", ns=(1, 1))
    report = update_index(root, changed_dir, locales, "en")
    assert report.incremental
    update_index(root, full_dir, locales, "en")  # no manifest there: a full build

    for locale in locales:
        changed, full = index_contents(changed_dir, locale), index_contents(full_dir, locale)
        assert changed["stored"] == full["stored"], locale
        assert changed["terms"].keys() == full["terms"].keys(), locale
        assert changed["terms"] == full["terms"], locale
    # The unchanged article was re-indexed: its compound now splits with the new words.
    assert "sender" in split_articles(changed_dir)


def split_articles(index_dir) -> set[str]:
    """The German articles with compound parts."""
    return {i for (field, _), found in index_contents(index_dir, "de")["terms"].items() if field == "parts" for i, _ in found}
