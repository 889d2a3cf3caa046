"""The interface's gettext catalogs and the catalog cycle around them.

Layout: ``messages.pot`` (the template, extracted from the sources as
``babel.cfg`` says) and ``<locale>/LC_MESSAGES/messages.po`` per locale. The
compiled ``messages.mo`` files are not kept in git: the package build
(``setup.py``) compiles them, and the web app compiles them into the instance
folder when they are missing or older than their ``.po`` (an editable install
after a ``git pull``).

This module needs only Babel, so that ``setup.py`` can import it at build time.
"""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
# Beyond Babel's defaults: the lazy forms used for module-level strings.
KEYWORDS = "_l lazy_gettext lazy_ngettext:1,2"
# Line width of the catalog files.
WIDTH = 100
PROJECT = "kb-helpcenter"
HEADER = (
    "# {title} for the Plumora help center's interface.\n"
    "# Made with `kb catalogs extract|update`; see README.md, Translations.\n"
    "# This file is distributed under the same license as the kb-helpcenter project."
)
CATALOG_HEADERS = {
    "copyright_holder": "Plumora help center developers",
    "msgid_bugs_address": "dev@plumora.example",
    "last_translator": "Plumora help center developers",
}


class CatalogError(ValueError):
    """A catalog that cannot be compiled as it is (bad placeholders, syntax)."""


def po_path(directory: Path, locale: str) -> Path:
    return Path(directory) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(directory: Path, locale: str) -> Path:
    return Path(directory) / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def catalog_locales(directory: Path = CATALOG_DIR) -> list[str]:
    """Locales that have a ``.po`` file in ``directory``, sorted."""
    return sorted(p.parent.parent.name for p in Path(directory).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _run_pybabel(command_class, **options) -> None:
    """Run one of pybabel's own commands (:mod:`babel.messages.frontend`) with ``options``."""
    command = command_class()
    command.initialize_options()
    for name, value in options.items():
        setattr(command, name, value)
    command.finalize_options()
    command.run()


def extract_messages(source_root: Path, mapping_file: Path, template_path: Path | None = None):
    """The template catalog of every translatable string under ``source_root``
    (``pybabel extract``), written to ``template_path`` when given."""
    from importlib.metadata import PackageNotFoundError, version

    from babel.messages.frontend import ExtractMessages

    try:
        project_version = version(PROJECT)
    except PackageNotFoundError:
        project_version = None
    with tempfile.TemporaryDirectory() as temporary:
        output = Path(temporary) / f"{DOMAIN}.pot"
        _run_pybabel(
            ExtractMessages,
            input_paths=[str(source_root)],
            mapping_file=str(mapping_file),
            output_file=str(output),
            keywords=KEYWORDS,
            strip_comments=True,
            width=WIDTH,
            project=PROJECT,
            version=project_version,
            header_comment=HEADER.format(title="Translation template"),
            **CATALOG_HEADERS,
        )
        if template_path is not None:
            Path(template_path).parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(Path(template_path), output.read_bytes())
        return read_catalog(output)


def read_catalog(path: Path, locale: str | None = None):
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def update_catalogs(template_path: Path, directory: Path, locales: Iterable[str]) -> dict[str, str]:
    """Merge the template into each locale's catalog, creating missing ones (``pybabel update``).

    Returns what happened per locale: ``"created"`` or ``"updated"``. Entries
    whose source text changed come back fuzzy.
    """
    from babel.messages.frontend import UpdateCatalog

    done = {}
    for locale in locales:
        done[locale] = "updated" if po_path(directory, locale).exists() else "created"
        _run_pybabel(
            UpdateCatalog,
            input_file=str(template_path),
            output_dir=str(directory),
            domain=DOMAIN,
            locale=locale,
            init_missing=True,
            previous=True,
            width=WIDTH,
        )
    return done


def compiled_bytes(po_file: Path, locale: str) -> bytes:
    """The ``.mo`` form of one ``.po``, fuzzy entries left out (they fall back to the source text).

    Entries whose placeholders do not match the source raise
    :class:`CatalogError`, since they would fail at run time.
    """
    from babel.messages.mofile import write_mo

    catalog = read_catalog(po_file, locale)
    problems = [
        f"{po_file}:{message.lineno}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    if problems:
        raise CatalogError("\n".join(problems))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalog(po_file: Path, mo_file: Path, locale: str) -> int:
    """Compile one ``.po`` into ``mo_file``; the number of translated entries."""
    data = compiled_bytes(po_file, locale)
    mo_file = Path(mo_file)
    mo_file.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(mo_file, data)
    return sum(1 for m in read_catalog(po_file, locale) if m.id and m.string and not m.fuzzy)


def compile_catalogs(directory: Path = CATALOG_DIR, output_dir: Path | None = None) -> dict[str, int]:
    """Compile every catalog of ``directory`` (into ``output_dir``, default the same)."""
    output_dir = Path(output_dir or directory)
    return {
        locale: compile_catalog(po_path(directory, locale), mo_path(output_dir, locale), locale)
        for locale in catalog_locales(directory)
    }


def stale_locales(directory: Path, compiled_dir: Path) -> list[str]:
    """Locales whose ``.mo`` in ``compiled_dir`` is missing or does not match its ``.po``.

    A ``.mo`` at least as new as its ``.po`` is taken as current without
    reading it; an older one (an edit after the build, or merely the order in
    which an installer wrote the files) is compared with a fresh compilation.
    """
    stale = []
    for locale in catalog_locales(directory):
        po_file, mo_file = po_path(directory, locale), mo_path(compiled_dir, locale)
        try:
            if mo_file.stat().st_mtime_ns >= po_file.stat().st_mtime_ns:
                continue
            current = mo_file.read_bytes() == compiled_bytes(po_file, locale)
        except FileNotFoundError:
            current = False
        if not current:
            stale.append(locale)
    return stale


def ready_catalog_dir(fallback_dir: Path, directory: Path = CATALOG_DIR) -> Path:
    """A folder whose compiled catalogs are complete and current.

    The package's own folder when the build compiled it; otherwise the
    catalogs are compiled into ``fallback_dir`` (again only when stale there).
    """
    if not stale_locales(directory, directory):
        return Path(directory)
    fallback_dir = Path(fallback_dir)
    for locale in stale_locales(directory, fallback_dir):
        compile_catalog(po_path(directory, locale), mo_path(fallback_dir, locale), locale)
    return fallback_dir


def _write_atomically(path: Path, data: bytes) -> None:
    # Several server workers may compile at the same start: each writes its
    # own file and renames it into place, so no reader sees half a catalog.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    temporary.write_bytes(data)
    os.replace(temporary, path)
