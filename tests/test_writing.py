"""The writers' commands: kb check, new, translate, revise, status."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from kb.checks import check_articles
from kb.consistency import fix_typography, load_glossary
from kb.cli import main

from .conftest import DEMO_ARTICLES, LOCALES, ROOT, write_article

SOURCE = """---
id: export-data
title: Export your data
category: contacts
revision: 1
---
Open **Contacts** and choose **Export**. See [Reset your password](reset-password).
"""


@pytest.fixture
def articles(tmp_path):
    """A copy of the demo articles to change."""
    root = tmp_path / "articles"
    shutil.copytree(DEMO_ARTICLES, root)
    return root


@pytest.fixture
def writer(tmp_path, articles, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return CliRunner(env={"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(articles)})


def error_codes(writer, article_id: str) -> set[str]:
    """The codes of the errors kb check reports about one article's files."""
    result = writer.invoke(main, ["check", "--format", "json", "--no-warnings"])
    problems = json.loads(result.output)["problems"]
    return {p["code"] for p in problems if f"/{article_id}.md" in p["path"]}


def codes(report) -> list[tuple[str, str]]:
    return [(p.path.split("articles/", 1)[-1], p.code) for p in report.errors]


# Their channel facts (hours, response times, channels per plan) belong to
# issue 11, which rewrites these five articles in every language.
CHANNEL_ARTICLES = ("contact-support", "choosing-support-channel", "support-hours-languages", "support-pin", "support-plans-priority")


def test_the_demo_checks_clean(writer):
    result = writer.invoke(main, ["check", "--format", "json", "--no-warnings"])
    problems = json.loads(result.output)["problems"]
    left = [
        p for p in problems
        if not (any(f"/{a}.md" in p["path"] for a in CHANNEL_ARTICLES) and p["message"].startswith("numbers or durations"))
    ]
    assert left == [], "\n".join(f"{p['path']}:{p['line']}: {p['message']}" for p in left)


def test_one_run_reports_every_mistake_of_a_broken_file(writer, articles):
    write_article(articles, "fr/ma-page.md", """---
id: ma-page
title: Ma page
category: marketing
status: brouillon
auteur: Ana
based_on: 5
---
Voir [la page](page-qui-nexiste-pas) et ![capture](images/absente.png).
""")
    write_article(articles, "en/ma-page.md", SOURCE.replace("export-data", "ma-page").replace("contacts", "billing").replace("revision: 1", "revision: 2"))
    result = writer.invoke(main, ["check", "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    found = {(p["path"].split("articles/")[-1], p["line"], p["code"]) for p in problems}
    assert ("fr/ma-page.md", 5, "front-matter") in found  # status: brouillon
    # The status is the file's first fatal problem; fix it and the rest shows in the same run.
    (articles / "fr/ma-page.md").write_text((articles / "fr/ma-page.md").read_text().replace("brouillon", "draft"))
    result = writer.invoke(main, ["check"])
    lines = result.output.splitlines()
    assert any(line.startswith(f"{articles.name}/fr/ma-page.md:4: error: unknown category 'marketing'") for line in lines), lines
    expected = {
        "unknown-category": "fr/ma-page.md:4",
        "unknown-key": "fr/ma-page.md:6",
        "based-on-ahead": "fr/ma-page.md:7",
        "category-differs": "fr/ma-page.md:4",
        "broken-link": "fr/ma-page.md:9",
        "missing-image": "fr/ma-page.md:9",
        "unrecorded-change": "en/ma-page.md:5",
    }
    for code, where in expected.items():
        assert any(where in line and f"[{code}]" in line for line in lines), (code, result.output)


def test_every_front_matter_problem_of_a_file_at_once(articles):
    write_article(articles, "en/bad.md", "---\nid: Bad Id\ntitle: ''\nstatus: maybe\nrevision: zero\n---\n\n")
    report = check_articles(articles, LOCALES, "en")
    lines = sorted(p.line for p in report.errors if p.path.endswith("en/bad.md"))
    assert lines == [2, 3, 4, 5, 7], [str(p) for p in report.errors]


def test_translation_without_source_and_duplicate_ids(articles):
    write_article(articles, "it/orfano.md", "---\nid: orfano\ntitle: Orfano\ncategory: billing\nbased_on: 1\n---\nTesto.\n")
    write_article(articles, "de/sub/refunds-copy.md", (articles / "de/refunds.md").read_text())
    found = codes(check_articles(articles, LOCALES, "en"))
    assert ("it/orfano.md", "no-source") in found
    assert ("de/sub/refunds-copy.md", "duplicate-id") in found


def test_index_refuses_a_folder_without_locale_folders(tmp_path, monkeypatch):
    folder = tmp_path / "articles" / "en"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["index"], env={"KB_ARTICLES_DIR": "."})
    assert result.exit_code == 1
    assert "not an articles folder" in result.output and "en/" in result.output
    assert list(folder.iterdir()) == []  # no stray instance/ folder


def test_a_changed_source_must_be_revised_and_outdates_translations(writer, articles):
    path = articles / "en/refunds.md"
    path.write_text(path.read_text().replace("Refunds", "Refunds and credits", 1))
    result = writer.invoke(main, ["check", "--no-warnings"])
    assert result.exit_code == 1 and "en/refunds.md:8: error: the text changed since revision 1" in result.output
    assert "kb revise refunds" in result.output

    result = writer.invoke(main, ["revise", "refunds"])
    assert result.exit_code == 0, result.output
    assert "revision 2" in result.output
    assert "revision: 2" in path.read_text()
    status = json.loads(writer.invoke(main, ["status", "--format", "json"]).output)
    refunds = next(a for a in status["articles"] if a["id"] == "refunds")
    assert refunds["locales"]["fr"]["state"] == "outdated"
    assert refunds["locales"]["en"]["state"] == "ok"
    assert "unrecorded-change" not in error_codes(writer, "refunds")


def test_a_minor_change_keeps_translations_up_to_date(writer, articles):
    path = articles / "en/refunds.md"
    path.write_text(path.read_text() + "\nTypo fixed.\n")
    assert "unrecorded-change" in error_codes(writer, "refunds")
    result = writer.invoke(main, ["revise", "refunds", "--minor"])
    assert "minor change" in result.output
    status = json.loads(writer.invoke(main, ["status", "--format", "json"]).output)
    refunds = next(a for a in status["articles"] if a["id"] == "refunds")
    assert {s["state"] for s in refunds["locales"].values()} == {"ok"}
    assert "unrecorded-change" not in error_codes(writer, "refunds")


def test_revision_edited_by_hand_is_refused(articles):
    path = articles / "en/refunds.md"
    path.write_text(path.read_text().replace("revision: 1", "revision: 3"))
    assert ("en/refunds.md", "unrecorded-change") in codes(check_articles(articles, LOCALES, "en"))


def test_new_article_to_published_translations(writer, articles):
    result = writer.invoke(main, ["new", "export-data", "--title", "Export your data", "--category", "marketing"])
    assert result.exit_code == 2 and "contacts" in result.output
    result = writer.invoke(main, ["new", "export-data", "--title", "Export your data", "--category", "contacts"])
    assert result.exit_code == 0, result.output
    source = articles / "en/export-data.md"
    text = source.read_text()
    assert "status: draft" in text and "category: contacts" in text and "updated: 20" in text
    assert error_codes(writer, "export-data") == set()  # a draft may change freely
    status = json.loads(writer.invoke(main, ["status", "--format", "json"]).output)
    row = next(a for a in status["articles"] if a["id"] == "export-data")
    assert row["locales"]["en"]["state"] == "draft" and row["locales"]["fr"]["state"] == "missing"

    source.write_text(text.replace("status: draft", "status: published"))
    assert error_codes(writer, "export-data") == {"unrecorded-change"}  # published: its text must be recorded
    assert writer.invoke(main, ["revise", "export-data"]).exit_code == 0
    glossary = load_glossary(articles)[0]
    for locale in ("fr", "de", "es", "it", "pt"):
        result = writer.invoke(main, ["translate", "export-data", "--to", locale])
        assert result.exit_code == 0, result.output
        translation = articles / locale / "export-data.md"
        text = translation.read_text()
        assert "based_on: 1" in text and "Open **Settings**." in text  # the source text, to translate
        # The translator's work, with the product's label as the glossary says.
        settings_label = glossary.label_in("Settings", "en", locale)
        body = source.read_text().split("\n---\n")[1].replace("**Settings**", f"**{settings_label}**")
        head = text.split("\n---\n")[0].replace("status: draft", "status: published")
        translation.write_text(head + "\n---\n" + fix_typography(body, locale))
    assert writer.invoke(main, ["translate", "export-data", "--to", "fr"]).exit_code == 1  # exists already
    status = json.loads(writer.invoke(main, ["status", "--format", "json"]).output)
    row = next(a for a in status["articles"] if a["id"] == "export-data")
    assert {s["state"] for s in row["locales"].values()} == {"ok"}
    assert error_codes(writer, "export-data") == set()
    table = writer.invoke(main, ["status"]).output
    assert "coverage" in table and "export-data" in table


def test_status_table_lists_missing_and_outdated(writer):
    output = writer.invoke(main, ["status", "--todo", "--locale", "en", "--locale", "pt"]).output
    assert "support-plans-priority" in output and "missing" in output
    assert "refunds" not in output


def test_unknown_categories_and_categories_file_problems(articles):
    (articles / "categories.yaml").write_text("- id: billing\n  names: {fr: Facturation}\n- id: billing\n  icon: x\n  names: {en: B}\n  descriptions: {en: B}\n")
    messages = [p.message for p in check_articles(articles, LOCALES, "en", consistency=False).errors]
    assert any("declared twice" in m for m in messages)
    assert any("has no 'icon'" in m for m in messages)
    assert any("'names' has no 'en' text" in m for m in messages)
    assert any("unknown category 'account'" in m for m in messages)


def test_writing_guide_is_in_the_readme_index():
    readme = (ROOT / "README.md").read_text()
    assert "docs/writing.md" in readme
    guide = (ROOT / "docs/writing.md").read_text()
    for command in ("kb new", "kb translate", "kb check", "kb revise", "kb status", "kb serve --reload-articles", "kb index"):
        assert command in guide


def test_watch_reindexes_a_saved_article(tmp_path, articles):
    import threading
    import time

    from kb import settings
    from kb.cli import watch_articles
    from search.service import SearchIndex

    config = settings.load({"KB_INSTANCE_DIR": str(tmp_path / "instance"), "KB_ARTICLES_DIR": str(articles)})
    stop = threading.Event()
    watcher = threading.Thread(target=watch_articles, args=(config, 0.1, stop))
    watcher.start()
    try:
        search = SearchIndex(config["INDEX_DIR"], config["LOCALES"], "en")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if search.document("en", "refunds"):
                    break
            except Exception:
                pass
            time.sleep(0.1)
        path = articles / "en/refunds.md"
        path.write_text(path.read_text().replace("title:", "title: Quuxification and", 1))
        while time.monotonic() < deadline and "Quuxification" not in (search.document("en", "refunds") or {}).get("title", ""):
            time.sleep(0.1)
        assert "Quuxification" in search.document("en", "refunds")["title"]
    finally:
        stop.set()
        watcher.join(30)


def test_index_progress_is_a_bar_on_a_terminal_and_lines_in_logs():
    import io

    from kb.progress import Progress

    log = io.StringIO()
    progress = Progress(log, tty=False)
    for done in range(0, 1001, 50):
        progress("reading", done, 1000)
    progress("indexing fr", 10, 10)
    lines = log.getvalue().splitlines()
    assert lines[0].startswith("reading: 0/1000") and lines[-1].startswith("indexing fr: 10/10 (100%")
    assert len(lines) == 12  # every tenth of reading, then the one of indexing

    terminal = io.StringIO()
    progress = Progress(terminal, tty=True)
    progress("reading", 5, 10)
    progress("reading", 10, 10)
    progress.close()
    assert "\r" in terminal.getvalue() and "[###############---------------] 5/10" in terminal.getvalue()
    assert terminal.getvalue().endswith("10/10\n")


def test_kb_index_prints_progress(runner):
    result = runner.invoke(main, ["index"])
    assert result.exit_code == 0, result.output
    assert "reading: 166/166" in result.output or "reading:" in result.output
    assert "indexing fr:" in result.output
