"""A second corpus of real help pages: Debian's GNOME desktop help, six languages.

The LibreOffice corpus (``helpcorpus.py``) asks in the help's own index
keywords and task headings; this one asks the way a customer describes a
problem. Every GNOME help page (Mallard XML, ``gnome-user-docs``) carries a
one-sentence description written by its writer and translated by the
translation teams ("Check that your mouse is plugged in and detected"), which
GNOME shows in its menus but which is not part of the page's text. Here it
is left out of the article and becomes the page's queries:

=============  ===============================================================
``sentence``   the description, whole
``partial``    the description cut inside a word after the first, as while
               typing
``typo``       the description with one deterministic edit in its longest word
``crosslang``  translation withheld: the page is left out of one locale and
               that locale's description must find it in another
=============  ===============================================================

The four kinds issue 12 measures. Splits, typing cuts and typos are made as
in ``helpcorpus.py`` (about a third of the pages ``heldout``, by a hash of
the id). The package is fetched with ``apt-get download`` into a cache
outside git; the pages are the GNOME documentation project's (CC BY-SA 3.0)
and are never committed here. Portuguese is the Brazilian translation, as
our own articles are.

    python benchmarks/gnomehelp.py
    python benchmarks/helpcorpus_eval.py --corpus benchmarks/results/gnomehelp --split dev

``--apps`` writes a third corpus of the same kind from the help of GNOME's
applications (Evolution, Evince, gedit, the terminal, the calculator and
others, ``APPS``) into ``benchmarks/results/gnomeapps``: other writers,
other products. A page is kept where its English version is; a locale
without a translation of it simply lacks it, as a help center's would.

    python benchmarks/gnomehelp.py --apps
    python benchmarks/helpcorpus_eval.py --corpus benchmarks/results/gnomeapps --split all
"""

from __future__ import annotations

import argparse
import collections
import subprocess
from pathlib import Path

from lxml import etree

from helpcorpus import (
    CACHE, _escape, cut_mid_word, misspell, print_summary, slug, split_of, stable_hash, write_articles, write_queries,
)

PACKAGE = "gnome-user-docs"
# Debian packages holding a GNOME application's translated Mallard help -> its help folder.
APPS = {
    "accerciser": "accerciser", "baobab": "baobab", "brasero-common": "brasero", "cheese-common": "cheese",
    "eog": "eog", "epiphany-browser-data": "epiphany", "evince-common": "evince", "evolution-common": "evolution",
    "file-roller": "file-roller", "gedit-common": "gedit", "ghex": "ghex", "gnome-boxes": "gnome-boxes",
    "gnome-calculator": "gnome-calculator", "gnome-clocks": "gnome-clocks", "gnome-dictionary": "gnome-dictionary",
    "gnome-logs": "gnome-logs", "gnome-music": "gnome-music", "gnome-photos": "gnome-photos",
    "gnome-system-monitor": "gnome-system-monitor", "gnome-terminal-data": "gnome-terminal", "gnote": "gnote",
    "meld": "meld", "polari": "polari", "seahorse": "seahorse", "simple-scan": "simple-scan", "totem-common": "totem",
    "zenity-common": "zenity",
}
HELP_FOLDERS = {"en": "C", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt_BR"}
MALLARD = "{http://projectmallard.org/1.0/}"
MIN_DESCRIPTION_WORDS = 4
# Elements whose text is not the page's: its metadata, editors' comments, media.
SKIPPED = {f"{MALLARD}{tag}" for tag in ("info", "comment", "media", "links")}


def fetch(place: Path, packages: dict[str, str]) -> Path:
    """The unpacked help folder under ``place``, downloading and unpacking
    the packages once (``packages``: package -> help folder)."""
    root = place / "raw" / "usr" / "share" / "help"
    if all((root / "C" / folder).is_dir() for folder in packages.values()):
        return root
    debs = place / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [p for p in packages if not list(debs.glob(f"{p}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(place / "raw")], check=True)
    return root


def _text(element, link_titles: dict[str, str] | None = None) -> str:
    """The element's words, without the text of skipped children.

    A link without words of its own reads as its target's title, as GNOME shows it.
    """
    parts = [element.text or ""]
    for child in element:
        if child.tag not in SKIPPED and isinstance(child.tag, str):
            parts.append(_text(child, link_titles))
            if child.tag == f"{MALLARD}link" and not len(child) and not (child.text or "").strip() and link_titles:
                parts.append(link_titles.get((child.get("xref") or "").split("#")[0], ""))
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split())


def parse_page(path: Path, link_titles: dict[str, str] | None = None) -> dict | None:
    """Title, description and Markdown body of one Mallard page (``link_titles``: page id -> title)."""
    try:
        root = etree.parse(str(path)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    description = root.find(f"{MALLARD}info/{MALLARD}desc")
    title = root.find(f"{MALLARD}title")
    if title is None or description is None:
        return None
    blocks = []

    def walk(element, in_item=False):
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                continue
            tag = child.tag.removeprefix(MALLARD)
            if tag == "title" and child is not title:
                text = _text(child, link_titles)
                if text:
                    blocks.append(("- " if in_item else "## ") + _escape(text))
            elif tag in ("p", "code", "screen"):
                text = _text(child, link_titles)
                if text:
                    blocks.append(("- " if in_item else "") + _escape(text))
            elif tag == "item":
                walk(child, in_item=True)
            elif tag != "title":
                walk(child, in_item)

    walk(root)
    return {
        "title": _text(title),
        "description": _text(description),
        "body": "\n\n".join(blocks),
    }


def help_pages(root: Path, folder: str, every_locale: bool, prefix: str = "") -> dict[str, dict[str, dict]]:
    """id -> locale -> page of one help folder: pages with text in every locale,
    or with ``every_locale`` false, in English and wherever else they have it."""
    pages: dict[str, dict[str, dict]] = {}
    titles = {locale: {} for locale in HELP_FOLDERS}
    for locale, language_folder in HELP_FOLDERS.items():
        for path in (root / language_folder / folder).glob("*.page"):
            page = parse_page(path)
            if page:
                titles[locale][path.stem] = page["title"]
    for path in sorted((root / HELP_FOLDERS["en"] / folder).glob("*.page")):
        parsed = {}
        for locale, language_folder in HELP_FOLDERS.items():
            page = parse_page(root / language_folder / folder / path.name, titles[locale])
            if page is not None and len(page["body"]) >= 200:
                parsed[locale] = page
        if "en" in parsed and (len(parsed) == len(HELP_FOLDERS) or not every_locale):
            pages[slug(prefix + path.stem)] = parsed
    return pages


def build(out: Path, cache: Path, withheld_share: float, apps: bool = False) -> dict:
    if apps:
        root = fetch(cache / "gnome-apps", APPS)
        pages = {}
        for folder in APPS.values():
            # The id's first part, the category, names the application.
            pages.update(help_pages(root, folder, every_locale=False, prefix=folder.replace("-", "") + "-"))
    else:
        pages = help_pages(fetch(cache / "gnome", {PACKAGE: "gnome-help"}), "gnome-help", every_locale=True)
    withheld, queries_dir = write_articles(out, pages, withheld_share)
    counts = {}
    for locale in HELP_FOLDERS:
        rows = []
        for aid in sorted(pages, key=lambda a: stable_hash("order", locale, a)):
            if locale not in pages[aid]:
                continue
            description = pages[aid][locale]["description"].rstrip(".")
            if len(description.split()) < MIN_DESCRIPTION_WORDS:
                continue
            if locale != "en" and description == pages[aid]["en"]["description"].rstrip("."):
                continue  # left untranslated: not a query in this locale's language
            split = split_of(aid)
            if withheld.get(aid) == locale:
                rows.append(("crosslang", split, aid, description))
            elif aid not in withheld:
                seed = f"{locale}:{aid}"
                candidates = {
                    "sentence": description,
                    "partial": cut_mid_word(description, seed),
                    "typo": misspell(description, seed),
                }
                rows.extend((kind, split, aid, text) for kind, text in candidates.items() if text)
        write_queries(queries_dir / f"{locale}.tsv", locale, rows, "benchmarks/gnomehelp.py from Debian's GNOME help")
        counts[locale] = dict(collections.Counter(kind for kind, *_ in rows))
    return {"pages": len(pages), "withheld": len(withheld), "queries": counts}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="Folder for articles/ and queries/ (default: benchmarks/results/gnomehelp, or gnomeapps with --apps).")
    parser.add_argument("--apps", action="store_true", help="The GNOME applications' help (APPS) instead of the desktop's.")
    parser.add_argument("--cache", type=Path, default=CACHE, help="Folder for the downloaded packages (default: %(default)s).")
    parser.add_argument("--withheld", type=float, default=0.3,
                        help="Share of pages left out of one locale, for cross-language queries (default: %(default)s).")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "results" / ("gnomeapps" if args.apps else "gnomehelp")
    summary = build(out, args.cache, args.withheld, args.apps)
    print_summary(summary, out)


if __name__ == "__main__":
    main()
