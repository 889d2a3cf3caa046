"""Layers point one way: web → search → kb, with the ``kb`` command on top.

The rule is written once, in ``MAY_IMPORT``, and docs/architecture.md
explains it. Every import of every module counts, including those inside
functions (deferred imports are still dependencies).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kb", "search", "web", "translations")
# The command line sits on top of everything.
TOP = {"kb/cli.py"}
# Which of our packages each package's modules may import (besides itself).
MAY_IMPORT = {
    "translations": set(),
    "kb": set(),
    "search": {"kb"},
    "web": {"search", "kb", "translations"},
}


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def imported_packages(path: Path) -> set[str]:
    """The top-level packages of ours that the module at ``path`` imports."""
    package = path.relative_to(ROOT).parts[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                names = [package]
            elif node.level > 1:
                names = ["<outside its package>"]  # refused below: say which package instead
            else:
                names = [node.module or ""]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES or name.startswith("<"))
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_the_layers_below_it(path):
    relative = path.relative_to(ROOT).as_posix()
    if relative in TOP:
        return
    package = path.relative_to(ROOT).parts[0]
    allowed = MAY_IMPORT[package] | {package}
    wrong = imported_packages(path) - allowed
    assert not wrong, f"{relative} imports {sorted(wrong)}; {package}/ may import only {sorted(allowed)}"


def test_the_rule_catches_an_import_against_the_layers(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    bad = tmp_path / "kb" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("def f():\n    from web import create_app\n    import search.service\n    from . import db\n", encoding="utf-8")
    assert imported_packages(bad) == {"web", "search", "kb"}
    with pytest.raises(AssertionError, match=r"kb/bad.py imports \['search', 'web'\]"):
        test_each_module_imports_only_the_layers_below_it(bad)


def test_every_package_has_a_rule():
    assert set(MAY_IMPORT) == set(PACKAGES)
    assert {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"} <= set(PACKAGES)
