"""The README documents what the product offers."""

from __future__ import annotations

import re

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
