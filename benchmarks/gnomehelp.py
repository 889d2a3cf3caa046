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
"""

from __future__ import annotations

import argparse
import collections
import subprocess
from pathlib import Path

from lxml import etree

from helpcorpus import (
    CACHE, _escape, cut_mid_word, misspell, print_summary, split_of, stable_hash, write_articles, write_queries,
)

PACKAGE = "gnome-user-docs"
HELP_FOLDERS = {"en": "C", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt_BR"}
MALLARD = "{http://projectmallard.org/1.0/}"
MIN_DESCRIPTION_WORDS = 4
# Elements whose text is not the page's: its metadata, editors' comments, media.
SKIPPED = {f"{MALLARD}{tag}" for tag in ("info", "comment", "media", "links")}


def fetch(cache: Path) -> Path:
    """The unpacked help folder, downloading and unpacking the package once."""
    root = cache / "gnome" / "raw" / "usr" / "share" / "help"
    if all((root / folder / "gnome-help").is_dir() for folder in HELP_FOLDERS.values()):
        return root
    debs = cache / "gnome" / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    if not list(debs.glob(f"{PACKAGE}_*.deb")):
        subprocess.run(["apt-get", "download", PACKAGE], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(cache / "gnome" / "raw")], check=True)
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


def build(out: Path, cache: Path, withheld_share: float) -> dict:
    root = fetch(cache)
    pages: dict[str, dict[str, dict]] = {}  # id -> locale -> page
    english = root / HELP_FOLDERS["en"] / "gnome-help"
    titles = {locale: {} for locale in HELP_FOLDERS}
    for locale, folder in HELP_FOLDERS.items():
        for path in (root / folder / "gnome-help").glob("*.page"):
            page = parse_page(path)
            if page:
                titles[locale][path.stem] = page["title"]
    for path in sorted(english.glob("*.page")):
        parsed = {}
        for locale, folder in HELP_FOLDERS.items():
            page = parse_page(root / folder / "gnome-help" / path.name, titles[locale])
            if page is None or len(page["body"]) < 200:
                break
            parsed[locale] = page
        else:
            pages[path.stem] = parsed
    withheld, queries_dir = write_articles(out, pages, withheld_share)
    counts = {}
    for locale in HELP_FOLDERS:
        rows = []
        for aid in sorted(pages, key=lambda a: stable_hash("order", locale, a)):
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
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "gnomehelp",
                        help="Folder for articles/ and queries/ (default: %(default)s).")
    parser.add_argument("--cache", type=Path, default=CACHE, help="Folder for the downloaded package (default: %(default)s).")
    parser.add_argument("--withheld", type=float, default=0.3,
                        help="Share of pages left out of one locale, for cross-language queries (default: %(default)s).")
    args = parser.parse_args(argv)
    summary = build(args.out, args.cache, args.withheld)
    print_summary(summary, args.out)


if __name__ == "__main__":
    main()
