"""Loading article files: what loads, and how bad files are reported."""

from __future__ import annotations

import datetime as dt

from kb.articles import load_articles
from kb.cli import main

from .conftest import LOCALES, write_article

GOOD = """---
id: {id}
title: {title}
category: billing
tags: [invoice, pdf]
updated: 2026-10-14
---
## Where to find invoices

Open **Billing** and download the PDF.
"""


def load(root):
    return load_articles(root, LOCALES, "en")


def test_good_article_loads_with_all_fields(tmp_path):
    write_article(tmp_path, "en/billing/invoices.md", GOOD.format(id="invoices", title="Find your invoices"))
    result = load(tmp_path)
    assert result.errors == []
    article = result.get("en", "invoices")
    assert article.title == "Find your invoices"
    assert article.locale == "en"
    assert article.category == "billing"
    assert article.tags == ("invoice", "pdf")
    assert article.updated == dt.date(2026, 10, 14)
    assert article.headings == ("Where to find invoices",)
    assert '<h2 id="where-to-find-invoices">' in article.html
    assert "Open Billing and download the PDF." in article.text


def test_locale_comes_from_the_folder(tmp_path):
    write_article(tmp_path, "fr/factures.md", GOOD.format(id="invoices", title="Vos factures"))
    write_article(tmp_path, "en/invoices.md", GOOD.format(id="invoices", title="Your invoices"))
    result = load(tmp_path)
    assert set(result.translations("invoices")) == {"en", "fr"}


def test_broken_yaml_is_reported_with_path_and_line_and_skipped(tmp_path):
    bad = write_article(tmp_path, "en/bad.md", "---\nid: bad\ntitle: Colons: break: yaml\ntags: [a\n---\nBody\n")
    write_article(tmp_path, "en/good.md", GOOD.format(id="good", title="Good"))
    result = load(tmp_path)
    assert [a.id for a in result.in_locale("en")] == ["good"]
    (error,) = result.errors
    assert error.path == bad
    assert error.line == 3
    assert "YAML" in error.message
    assert str(error).startswith(f"{bad}:3: ")


def test_missing_id_and_title_are_reported(tmp_path):
    write_article(tmp_path, "en/no-id.md", "---\ntitle: No id here\n---\nBody\n")
    write_article(tmp_path, "en/no-title.md", "---\nid: no-title\ntitle: ''\n---\nBody\n")
    messages = {e.path.name: (e.line, e.message) for e in load(tmp_path).errors}
    assert messages["no-id.md"] == (1, "missing required field 'id'")
    assert messages["no-title.md"] == (3, "missing required field 'title'")


def test_unknown_locale_folder_and_loose_files_are_reported(tmp_path):
    write_article(tmp_path, "xx/thing.md", GOOD.format(id="thing", title="Thing"))
    write_article(tmp_path, "loose.md", GOOD.format(id="loose", title="Loose"))
    errors = {e.path.name: e.message for e in load(tmp_path).errors}
    assert "unknown locale folder 'xx'" in errors["thing.md"]
    assert "locale folder" in errors["loose.md"]


def test_duplicate_id_in_one_locale_keeps_the_first(tmp_path):
    write_article(tmp_path, "de/a.md", GOOD.format(id="same", title="Erste"))
    second = write_article(tmp_path, "de/b.md", GOOD.format(id="same", title="Zweite"))
    result = load(tmp_path)
    assert result.get("de", "same").title == "Erste"
    (error,) = result.errors
    assert error.path == second and error.line == 2
    assert "duplicate id 'same'" in error.message


def test_other_bad_values_are_reported(tmp_path):
    write_article(tmp_path, "en/status.md", "---\nid: s\ntitle: S\nstatus: live\n---\nBody\n")
    write_article(tmp_path, "en/date.md", "---\nid: d\ntitle: D\nupdated: last tuesday\n---\nBody\n")
    write_article(tmp_path, "en/id.md", "---\nid: Not A Slug\ntitle: I\n---\nBody\n")
    write_article(tmp_path, "en/empty.md", "---\nid: e\ntitle: E\n---\n\n")
    write_article(tmp_path, "en/nofm.md", "Just text\n")
    write_article(tmp_path, "en/rev.md", "---\nid: r\ntitle: R\nrevision: two\n---\nBody\n")
    (tmp_path / "en" / "latin1.md").write_bytes("---\nid: l\ntitle: Caf\xe9\n---\nx\n".encode("latin-1"))
    errors = {e.path.name: (e.line, e.message) for e in load(tmp_path).errors}
    assert errors["status.md"][0] == 4 and "'status'" in errors["status.md"][1]
    assert errors["date.md"][0] == 4 and "'updated'" in errors["date.md"][1]
    assert errors["id.md"][0] == 2 and "'id'" in errors["id.md"][1]
    assert "no text" in errors["empty.md"][1]
    assert errors["nofm.md"][0] == 1 and "front matter" in errors["nofm.md"][1]
    assert "'revision'" in errors["rev.md"][1]
    assert "UTF-8" in errors["latin1.md"][1]
    assert len(errors) == 7


def test_markdown_is_sanitized(tmp_path):
    body = (
        "---\nid: x\ntitle: X\n---\n"
        "Hello <script>alert(1)</script> <a href=\"javascript:alert(1)\" onclick=\"x()\">link</a>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <b>\n```\n"
    )
    write_article(tmp_path, "en/x.md", body)
    html = load(tmp_path).get("en", "x").html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert "<table>" in html
    assert "<pre><code>code &lt;b&gt;" in html


def test_translation_status_comes_from_the_source_revision(tmp_path):
    write_article(tmp_path, "en/a.md", "---\nid: a\ntitle: A\nrevision: 3\n---\nBody\n")
    write_article(tmp_path, "fr/a.md", "---\nid: a\ntitle: A\nbased_on: 2\n---\nCorps\n")
    write_article(tmp_path, "de/a.md", "---\nid: a\ntitle: A\nbased_on: 3\n---\nText\n")
    result = load(tmp_path)
    assert result.is_outdated(result.get("fr", "a"))
    assert not result.is_outdated(result.get("de", "a"))
    assert not result.is_outdated(result.get("en", "a"))


def test_demo_articles_all_load():
    from .conftest import DEMO_ARTICLES

    result = load(DEMO_ARTICLES)
    assert result.errors == []
    for locale in LOCALES:
        assert len(result.in_locale(locale)) >= 25, locale
    # Some articles are left untranslated on purpose, for the fallback.
    assert result.get("it", "api-keys") is None and result.get("en", "api-keys") is not None


def test_kb_index_reports_bad_files_and_strict_fails(tmp_path, runner):
    articles = tmp_path / "articles"
    write_article(articles, "en/good.md", GOOD.format(id="good", title="Good"))
    bad = write_article(articles, "en/bad.md", "---\nid: bad\n---\nBody\n")
    env = {"KB_ARTICLES_DIR": str(articles), "KB_INSTANCE_DIR": str(tmp_path / "instance")}
    result = runner.invoke(main, ["index"], env=env)
    assert result.exit_code == 0, result.output
    assert f"skipped {bad}:1: missing required field 'title'" in result.stderr
    assert "indexed 1 articles" in result.stdout
    strict = runner.invoke(main, ["index", "--strict"], env=env)
    assert strict.exit_code == 1
    assert "1 file(s) skipped" in strict.stderr
