"""The interface catalogs: complete, current, compilable, and the catalog cycle."""

from __future__ import annotations

import os
import shutil

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.support import Translations

from kb.cli import main
from translations import (
    CATALOG_DIR,
    CatalogError,
    catalog_locales,
    compile_catalog,
    extract_messages,
    mo_path,
    po_path,
    read_catalog,
    ready_catalog_dir,
)

from .conftest import LOCALES, ROOT


def message_ids(catalog) -> set:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted():
    return extract_messages(ROOT, ROOT / "babel.cfg")


def test_every_locale_has_a_catalog():
    assert set(catalog_locales()) == set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_fully_translated_and_nothing_is_fuzzy(locale):
    catalog = read_catalog(po_path(CATALOG_DIR, locale), locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.id, str) else list(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings) or (not isinstance(message.id, str) and len(strings) != catalog.num_plurals):
            problems.append(f"untranslated: {message.id!r}")
    for message, errors in catalog.check():
        problems += [f"{message.id!r}: {error}" for error in errors]
    assert not problems, f"{locale}: run 'kb catalogs update' and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_matches_the_strings_in_the_sources(locale, extracted):
    catalog = read_catalog(po_path(CATALOG_DIR, locale), locale)
    missing = message_ids(extracted) - message_ids(catalog)
    stale = message_ids(catalog) - message_ids(extracted)
    assert not missing and not stale, (
        f"{locale} is out of date with the sources (run 'kb catalogs extract' and "
        f"'kb catalogs update'): missing {sorted(missing, key=str)}, no longer used {sorted(stale, key=str)}"
    )


def test_template_matches_the_strings_in_the_sources(extracted):
    assert message_ids(read_catalog(CATALOG_DIR / "messages.pot")) == message_ids(extracted)


def test_extraction_finds_python_lazy_and_jinja_plural_strings(extracted):
    ids = message_ids(extracted)
    assert (None, "Billing and plans") in ids  # lazy_gettext in web/pages.py
    assert (None, ("%(num)s result", "%(num)s results")) in ids  # ngettext in a template
    assert (None, "unknown lang; expected one of: %(locales)s") in ids  # gettext in web/api.py


def _write_po(path, locale, entries):
    catalog = Catalog(locale=locale)
    for msgid, msgstr in entries:
        catalog.add(msgid, msgstr, flags=("python-format",) if "%(" in str(msgid) else ())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog)


def test_compile_refuses_a_translation_whose_placeholders_differ(tmp_path):
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    _write_po(po, "fr", [("Page %(page)s of %(pages)s", "Page %(page)s sur %(total)s")])
    with pytest.raises(CatalogError, match="messages.po"):
        compile_catalog(po, tmp_path / "out.mo", "fr")
    assert not (tmp_path / "out.mo").exists()


def test_compiled_catalog_leaves_fuzzy_entries_out(tmp_path):
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    catalog = Catalog(locale="de")
    catalog.add("Search", "Suchen")
    catalog.add("Next", "Nächste", flags=("fuzzy",))
    po.parent.mkdir(parents=True)
    with open(po, "wb") as f:
        write_po(f, catalog)
    assert compile_catalog(po, mo_path(tmp_path, "de"), "de") == 1
    translations = Translations.load(str(tmp_path), ["de"])
    assert translations.gettext("Search") == "Suchen" and translations.gettext("Next") == "Next"


def test_kb_translations_extract_update_compile(tmp_path, runner):
    pot = tmp_path / "messages.pot"
    catalogs = tmp_path / "catalogs"
    shutil.copytree(CATALOG_DIR / "fr", catalogs / "fr")

    result = runner.invoke(main, ["catalogs", "extract", "--sources", str(ROOT), "--mapping", str(ROOT / "babel.cfg"), "-o", str(pot)])
    assert result.exit_code == 0, result.output
    assert "extracted" in result.output and pot.exists()

    result = runner.invoke(main, ["catalogs", "update", "-t", str(pot), "-d", str(catalogs), "-l", "fr", "-l", "eo"])
    assert result.exit_code == 0, result.output
    assert "fr: updated, 0 entries to translate" in result.output  # existing translations kept
    assert "eo: created" in result.output and "eo: created, 0 " not in result.output

    result = runner.invoke(main, ["catalogs", "compile", "-d", str(catalogs)])
    assert result.exit_code == 0, result.output
    assert mo_path(catalogs, "fr").exists() and mo_path(catalogs, "eo").exists()


def test_kb_translations_update_marks_changed_strings_fuzzy(tmp_path, runner):
    pot = tmp_path / "messages.pot"
    _write_po(pot, None, [("Search the help centre", "")])
    _write_po(po_path(tmp_path, "fr"), "fr", [("Search the help center", "Rechercher dans le centre d'aide")])
    result = runner.invoke(main, ["catalogs", "update", "-t", str(pot), "-d", str(tmp_path), "-l", "fr"])
    assert "fr: updated, 1 entries to translate" in result.output
    (message,) = [m for m in read_catalog(po_path(tmp_path, "fr"), "fr") if m.id]
    assert message.fuzzy and message.string == "Rechercher dans le centre d'aide"


def test_kb_translations_compile_reports_a_bad_catalog(tmp_path, runner):
    _write_po(po_path(tmp_path, "it"), "it", [("Updated on %(date)s", "Aggiornato il %(giorno)s")])
    result = runner.invoke(main, ["catalogs", "compile", "-d", str(tmp_path)])
    assert result.exit_code == 1 and "messages.po" in result.output


@pytest.mark.parametrize("command", ["extract", "update", "compile"])
def test_every_translations_option_has_help(command):
    subcommand = main.commands["catalogs"].commands[command]
    assert subcommand.help
    for param in subcommand.params:
        if param.param_type_name == "option":
            assert param.help, f"kb catalogs {command} {param.opts} has no help"


def test_stale_or_missing_compiled_catalogs_are_compiled_into_the_instance_folder(tmp_path):
    source = tmp_path / "translations"
    for locale in ("de", "fr"):
        po = po_path(source, locale)
        po.parent.mkdir(parents=True)
        shutil.copy(po_path(CATALOG_DIR, locale), po)
    fallback = tmp_path / "instance" / "translations"

    assert ready_catalog_dir(fallback, source) == fallback
    assert mo_path(fallback, "de").exists() and mo_path(fallback, "fr").exists()

    compile_catalog(po_path(source, "de"), mo_path(source, "de"), "de")
    compile_catalog(po_path(source, "fr"), mo_path(source, "fr"), "fr")
    assert ready_catalog_dir(fallback, source) == source  # the build compiled them: used in place

    # Installers may write a .po after its .mo: same content, still used in place.
    later = mo_path(source, "fr").stat().st_mtime_ns + 10**9
    os.utime(po_path(source, "fr"), ns=(later, later))
    assert ready_catalog_dir(fallback, source) == source

    # A .po edited after the build (an editable install after a pull).
    catalog = read_catalog(po_path(source, "fr"), "fr")
    catalog["Search"].string = "Chercher"
    with open(po_path(source, "fr"), "wb") as f:
        write_po(f, catalog)
    assert ready_catalog_dir(fallback, source) == fallback
    translations = Translations.load(str(fallback), ["fr"])
    assert translations.gettext("Search") == "Chercher"
    assert translations.gettext("Next") == "Suivante"


def test_the_old_command_name_points_to_the_new_ones(runner):
    result = runner.invoke(main, ["translations", "update"])
    assert result.exit_code == 2
    assert "kb catalogs" in result.output and "kb translate" in result.output
    assert "translations" not in runner.invoke(main, ["--help"]).output.split("Settings")[0].replace("translate", "")
