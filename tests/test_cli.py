"""The kb command."""

from __future__ import annotations

import json

from kb import settings
from kb.cli import main


def test_help_lists_commands_and_every_setting(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("index", "search", "serve"):
        assert command in result.output
    for setting in settings.SETTINGS:
        assert setting.name in result.output


def test_every_option_has_help(runner):
    for command in main.commands.values():
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"kb {command.name} {param.opts} has no help"


def test_index_then_search(runner):
    built = runner.invoke(main, ["index"])
    assert built.exit_code == 0, built.output
    assert "indexed" in built.output and "en 29" in built.output
    found = runner.invoke(main, ["search", "Rechnungen", "--lang", "de", "--limit", "2"])
    assert found.exit_code == 0, found.output
    assert found.output.startswith("1. ") and "/de/articles/invoices" in found.output


def test_search_json_has_the_api_shape(runner):
    runner.invoke(main, ["index", "--quiet"])
    result = runner.invoke(main, ["search", "senha", "--lang", "pt", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["lang"] == "pt" and body["query"] == "senha"
    assert body["results"][0]["id"] == "reset-password"
    assert set(body["results"][0]) == {"id", "locale", "title", "url", "snippet", "score"}


def test_search_errors_are_clear(runner):
    missing = runner.invoke(main, ["search", "x"])
    assert missing.exit_code == 1 and "run 'kb index'" in missing.output
    bad_lang = runner.invoke(main, ["search", "x", "--lang", "xx"])
    assert bad_lang.exit_code == 2 and "--lang" in bad_lang.output
    bad_limit = runner.invoke(main, ["search", "x", "--limit", "99"])
    assert bad_limit.exit_code == 2


def test_bad_setting_is_a_usage_error(runner):
    result = runner.invoke(main, ["index"], env={"KB_DEFAULT_LOCALE": "nl"})
    assert result.exit_code == 2
    assert "KB_DEFAULT_LOCALE 'nl' is not one of KB_LOCALES" in result.output


def test_locales_are_configuration(runner, tmp_path):
    result = runner.invoke(main, ["index"], env={"KB_LOCALES": "de,fr", "KB_DEFAULT_LOCALE": "de"})
    assert result.exit_code == 0
    assert "(de 28, fr 28)" in result.output
    # Articles in locales that are not configured are reported and skipped.
    assert "unknown locale folder 'en'" in result.stderr


def test_eval_prints_tuned_and_baseline_figures(runner, tmp_path):
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "# two judged queries\nlocale\tkind\tsplit\texpected\tquery\n"
        "en\ttypo\tdev\treset-password\tpasword\n"
        "fr\tpartial\theldout\tinvoices\tfactu\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["eval", str(queries)])
    assert result.exit_code == 0, result.output
    lines = {line.split("  ")[0].strip(): line.split() for line in result.stdout.splitlines()}
    assert "MRR@5" in result.stdout and "R@5" in result.stdout
    assert {"all", "locale en", "locale fr", "kind typo", "kind partial"} <= set(lines)
    # The tuned search finds the typo first; plain Whoosh does not find it at all.
    assert lines["kind typo"][-6:-4] == ["1.000", "0.000"]
    heldout = runner.invoke(main, ["eval", str(queries), "--split", "heldout"])
    assert "locale en" not in heldout.stdout and "locale fr" in heldout.stdout
    grid = runner.invoke(main, ["eval", str(queries), "--grid"]).stdout
    # Locale × kind, each cell "kb / whoosh", bold where kb is ahead.
    assert "| mrr (kb / whoosh) | partial | typo |" in grid
    assert "| en |  | **1.00 / 0.00** |" in grid
    # And kb's lead over the best peer in each cell, with its interval.
    assert "| mrr: kb − best peer (95 % interval) | partial | typo |" in grid
    assert "locale × kind cells:" in grid


def test_eval_names_the_bad_line_of_a_query_file(runner, tmp_path):
    queries = tmp_path / "queries.tsv"
    queries.write_text("locale\tkind\tsplit\texpected\tquery\nen\ttypo\tonly three\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(queries)])
    assert result.exit_code == 1
    assert f"{queries}:2:" in result.output


def test_search_offers_a_correction_when_nothing_matches(runner):
    assert runner.invoke(main, ["index", "--quiet"]).exit_code == 0
    result = runner.invoke(main, ["search", "paswrd"])
    assert result.exit_code == 0 and "no results; did you mean: password" in result.output
    body = json.loads(runner.invoke(main, ["search", "paswrd", "--json"]).output)
    assert body["results"] == [] and body["did_you_mean"] == "password"
