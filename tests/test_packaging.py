"""`pip install .` must give a working help center, templates and all."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile

from babel.messages.mofile import read_mo

from .conftest import LOCALES, ROOT


def test_wheel_carries_templates_static_files_and_api_document(tmp_path):
    # Built from a copy without compiled catalogs, as in a fresh clone: the
    # build itself must compile them.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT, source,
        ignore=shutil.ignore_patterns(".git", ".venv", "instance", "build", "dist", "*.egg-info", "__pycache__", "*.mo"),
    )
    assert not list(source.glob("translations/*/LC_MESSAGES/*.mo"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(source)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("kb_helpcenter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates", "static"):
        for path in (ROOT / "web" / folder).rglob("*"):
            if path.is_file():
                assert f"web/{path.relative_to(ROOT / 'web').as_posix()}" in names
    assert "web/openapi.json" in names
    assert {"kb/cli.py", "search/service.py", "web/__init__.py"} <= names
    # The build compiles the catalogs, which git does not keep.
    for locale in LOCALES:
        assert f"translations/{locale}/LC_MESSAGES/messages.po" in names
        assert f"translations/{locale}/LC_MESSAGES/messages.mo" in names
    catalog = read_mo(io.BytesIO(zipfile.ZipFile(wheel).read("translations/de/LC_MESSAGES/messages.mo")))
    assert catalog.get("How can we help?").string == "Wie können wir helfen?"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kb = kb.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
