"""The README documents what the product offers."""

from __future__ import annotations

import re

import click
import pytest

from kb import settings
from kb.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_setting():
    for setting in settings.SETTINGS:
        assert f"`{setting.name}`" in README, f"{setting.name} is missing from the README"


def test_readme_mentions_no_setting_that_does_not_exist():
    known = {s.name for s in settings.SETTINGS}
    mentioned = set(re.findall(r"`(KB_[A-Z_]+)`", README)) - {"KB_TEST_POSTGRES_URL", "KB_TEST_REDIS_URL"}
    assert mentioned <= known, mentioned - known


def test_readme_lists_every_kb_command():
    for name, command in main.commands.items():
        if command.hidden:
            continue  # an old name kept only to point at the new one
        assert f"kb {name}" in README


def test_readme_starts_with_the_two_commands_that_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S)
    setup_and_serve, run_tests = blocks[0].strip(), blocks[1].strip()
    assert "kb serve" in setup_and_serve
    assert run_tests in ci


def test_readme_shows_every_screenshot_the_browser_tests_take():
    from tests.browser.test_screenshots import SCREENSHOTS_DIR, screenshot_files

    shown = re.findall(r'src="docs/screenshots/([^"]+)"', README)
    assert sorted(shown) == sorted(screenshot_files())
    for name in shown:
        assert (SCREENSHOTS_DIR / name).read_bytes().startswith(b"\x89PNG"), name


def test_readme_layout_lists_each_folder_once():
    import subprocess

    layout = README.split("## Layout", 1)[1].split("```", 2)[1]
    listed = re.findall(r"^(\S+)/\s", layout, re.M)
    assert len(listed) == len(set(listed)), f"listed twice: {[d for d in listed if listed.count(d) > 1]}"
    try:
        tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked folders are unknown")
    folders = {path.split("/", 1)[0] for path in tracked if "/" in path and not path.startswith(".")}
    assert set(listed) == folders


def test_readme_says_truthfully_what_the_test_command_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = README.split("Run the tests", 1)[1].split("##", 1)[0]
    for variable in ("KB_TEST_POSTGRES_URL", "KB_TEST_REDIS_URL"):
        # Without the variable those tests skip, and the README says so; CI sets it.
        assert f"`{variable}`" in command and re.search(rf"^export {variable}=", ci, re.M), variable
    assert "skipped" in command and "apt-get install" in ci and "chromium" in command.lower()
    assert "what `.ci/run` runs" not in README


def test_readme_kb_command_table_names_real_options():
    table = README.split("## The `kb` command", 1)[1].split("\n\n", 2)[1]
    for row in table.splitlines()[2:]:
        usage = row.split("|")[1].strip().strip("`")
        words = usage.split()
        command = main
        for word in words[1:]:
            if isinstance(command, click.Group) and word in command.commands:
                command = command.commands[word]
        options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for flag in re.findall(r"--[a-z][a-z-]*", usage):
            assert flag in options, f"{usage}: {flag} is not an option of {command.name}"
