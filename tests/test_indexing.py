"""Index generations: a reader never sees a half-built index."""

from __future__ import annotations

import os

import pytest

from kb.articles import load_articles
from search.indexing import GENERATIONS, KEEP_GENERATIONS, build_index, current_generation
from search.querying import IndexNotBuilt, SearchIndex

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


def test_failed_build_leaves_the_previous_generation_serving(tmp_path):
    index_dir = tmp_path / "index"
    build_index(articles_with(tmp_path, "Pineapple"), index_dir, LOCALES)
    serving = current_generation(index_dir)
    reader = SearchIndex(index_dir, LOCALES, "en")
    with pytest.raises(RuntimeError, match="on purpose"):
        build_index(articles_with(tmp_path, "Mango"), index_dir, LOCALES, fail_after="en")
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
