"""A development corpus of real help pages: Debian's LibreOffice help, six languages.

Fetches ``libreoffice-help-{en-us,de,fr,es,it,pt}`` with ``apt-get download``
into a cache outside git (``~/.cache/kb-bench`` by default), unpacks them with
``dpkg-deb -x``, converts a deterministic sample of pages to the help center's
article format (YAML front matter + Markdown; one ``id`` per page file path,
shared by its translations) and writes judged queries for ``kb eval``:

=============  ===============================================================
``keyword``    an entry of the help's own keyword index (``bookmarks.js``; the
               same entries are in each page's ``<meta itemprop="keywords">``)
               that points at this page only, "main -- sub" as "main sub"
``question``   a task heading of the page ("To remove a word from the list:",
               "So entfernen Sie...", "Pour supprimer...") asked as a customer
               asks it: "How do I remove a word from the list?"
``sentence``   the page's opening sentence (what the page is about), at most
               12 words
``partial``    a question or keyword cut inside a word, as while typing
``typo``       a keyword with one deterministic edit in its longest word
``crosslang``  translation withheld: the page is left out of one locale and
               that locale's keyword or question must find it in another
=============  ===============================================================

Every query and page has a split from a hash of the page id: about a third of
the pages are ``heldout`` (never looked at while tuning), the rest ``dev``.
The pages are the LibreOffice project's (MPL-2.0), written and translated by
its own writers; they are never committed here.

    python benchmarks/helpcorpus.py --out benchmarks/results/helpcorpus
    KB_ARTICLES_DIR=benchmarks/results/helpcorpus/articles \\
        kb eval benchmarks/results/helpcorpus/queries/*.tsv --split dev

``benchmarks/helpcorpus_eval.py`` runs the same with the peers beside kb.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from lxml import html as lxml_html

PACKAGES = {
    "en": "libreoffice-help-en-us",
    "de": "libreoffice-help-de",
    "fr": "libreoffice-help-fr",
    "es": "libreoffice-help-es",
    "it": "libreoffice-help-it",
    "pt": "libreoffice-help-pt",
}
HELP_FOLDERS = {"en": "en-US", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt"}
CACHE = Path.home() / ".cache" / "kb-bench"
OUT = Path(__file__).parent / "results" / "helpcorpus"
# The locales of both real corpora (gnomehelp.py has the same six).
LOCALES = tuple(HELP_FOLDERS)
MAX_QUERY_WORDS = 12

# How each language starts a task heading, and how a customer asks the same.
TASK_HEADINGS = {
    "en": (re.compile(r"^to\s+", re.I), "How do I "),
    "de": (re.compile(r"^so\s+", re.I), "Wie "),
    "fr": (re.compile(r"^pour\s+", re.I), "Comment "),
    "es": (re.compile(r"^para\s+", re.I), "Cómo "),
    "it": (re.compile(r"^per\s+", re.I), "Come "),
    "pt": (re.compile(r"^para\s+", re.I), "Como "),
}


def stable_hash(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def split_of(article_id: str) -> str:
    """``heldout`` for about a third of the pages, by a hash of the id."""
    return "heldout" if stable_hash("split", article_id) % 3 == 0 else "dev"


def fetch(cache: Path) -> Path:
    """The unpacked help folder, downloading and unpacking the packages once."""
    root = cache / "raw" / "usr" / "share" / "libreoffice" / "help"
    if all((root / folder / "text").is_dir() for folder in HELP_FOLDERS.values()):
        return root
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    missing = [p for p in PACKAGES.values() if not list(debs.glob(f"{p}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=debs, check=True)
    for deb in sorted(debs.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(cache / "raw")], check=True)
    return root


def _text(element) -> str:
    return " ".join(element.text_content().split())


def parse_page(path: Path) -> dict | None:
    """Title, headings, Markdown body, keywords and opening of one help page."""
    try:
        tree = lxml_html.parse(str(path))
    except (OSError, ValueError):
        return None
    area = tree.getroot().find(".//div[@id='DisplayArea']")
    if area is None:
        return None
    keywords = [m.get("content", "") for m in area.iter("meta") if m.get("itemprop") == "keywords"]
    # Platform variants ("Command" on a Mac) are hidden spans: keep the default one.
    for hidden in list(area.xpath(".//*[@hidden]")):
        hidden.drop_tree()
    for related in list(area.xpath(".//*[contains(@class,'relatedtopics') or contains(@class,'relatedbody')]")):
        related.drop_tree()
    title, headings, blocks = None, [], []
    for element in area.iter("h1", "h2", "h3", "p", "td"):
        text = _text(element)
        if not text:
            continue
        if element.tag == "h1":
            if title is None:
                title = text
            else:
                blocks.append(f"## {_escape(text)}")
                headings.append(text)
        elif element.tag in ("h2", "h3"):
            blocks.append(f"## {_escape(text)}")
            headings.append(text)
        elif element.tag == "td":
            if element.find(".//p") is None:
                blocks.append(_escape(text))
        else:
            prefix = "- " if "listitem" in (element.get("class") or "") else ""
            blocks.append(prefix + _escape(text))
    if not title:
        return None
    paragraphs = [b for b in blocks if not b.startswith(("## ", "- "))]
    return {
        "title": title,
        "headings": headings,
        "body": "\n\n".join(blocks),
        "keywords": [" ".join(k.replace(",", " ").split()) for k in keywords if k.strip()],
        "opening": _unescape(paragraphs[0]) if paragraphs else "",
    }


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def slug(text: str) -> str:
    """An article id made of ``text``: ``swriter/guide/auto_off`` -> ``swriter-guide-auto-off``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


def page_id(relative: Path) -> str:
    """``text/swriter/guide/auto_off.html`` -> ``swriter-guide-auto-off``."""
    return slug(str(relative.with_suffix("")).removeprefix("text/"))


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(text: str) -> list[str]:
    return text.split()[:MAX_QUERY_WORDS]


def question_of(page: dict, language: str) -> str | None:
    """A task heading asked as a question, in the page's own words."""
    pattern, asking = TASK_HEADINGS[language]
    for heading in page["headings"]:
        if pattern.match(heading) and len(heading.split()) >= 3:
            rest = pattern.sub("", heading).rstrip(" :.")
            return " ".join(_words(asking + rest)) + "?"
    return None


def opening_sentence(page: dict) -> str | None:
    sentence = re.split(r"(?<=[.!?])\s", page["opening"], maxsplit=1)[0]
    words = _words(sentence)
    return " ".join(words) if len(words) >= 4 else None


def cut_mid_word(text: str, seed: str) -> str | None:
    """``text`` cut inside one of its words after the first (at least two letters typed)."""
    words = text.rstrip("?").split()
    candidates = [i for i, w in enumerate(words) if i >= 1 and len(w) >= 4 and w.isalpha()]
    if not candidates:
        return None
    i = candidates[stable_hash("cut", seed) % len(candidates)]
    keep = 2 + stable_hash("keep", seed) % (len(words[i]) - 2)
    return " ".join(words[:i] + [words[i][:keep]])


def misspell(text: str, seed: str) -> str | None:
    """``text`` with one edit (swap, deletion, doubling or replacement) in its longest word."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i), default=None)
    if longest is None or len(words[longest]) < 5 or not words[longest].isalpha():
        return None
    word = words[longest]
    h = stable_hash("typo", seed)
    at = 1 + h % (len(word) - 2)
    kind = (h >> 8) % 4
    if kind == 0:
        typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif kind == 1:
        typo = word[:at] + word[at + 1 :]
    elif kind == 2:
        typo = word[:at] + word[at] + word[at:]
    else:
        keyboard = "qwertyuiopasdfghjklzxcvbnm"
        typo = word[:at] + keyboard[(keyboard.find(word[at].lower()) + 1) % len(keyboard)] + word[at + 1 :]
    if typo == word:
        return None
    return " ".join(words[:longest] + [typo] + words[longest + 1 :])


def withheld_locales(page_ids, share: float, locales: tuple[str, ...]) -> dict[str, str]:
    """The locale each withheld page is left out of: ``share`` of the pages, by hash."""
    return {
        aid: locales[stable_hash("locale", aid) % len(locales)]
        for aid in page_ids
        if stable_hash("withheld", aid) % 10_000 < share * 10_000
    }


def write_articles(out: Path, pages: dict[str, dict[str, dict]], withheld_share: float) -> tuple[dict[str, str], Path]:
    """``out/articles/<locale>/<category>/<id>.md`` for every page version but
    the withheld ones (``withheld_share`` of the pages, each left out of one
    locale; the category is the id's first part), and an empty
    ``out/queries``: the withheld locales by id, and that folder."""
    withheld = withheld_locales(pages, withheld_share, LOCALES)
    articles = out / "articles"
    shutil.rmtree(articles, ignore_errors=True)
    for aid, versions in pages.items():
        category = aid.split("-", 1)[0]
        for locale, page in versions.items():
            if withheld.get(aid) == locale:
                continue
            folder = articles / locale / category
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{aid}.md").write_text(
                f"---\nid: {aid}\ntitle: {yaml_string(page['title'])}\ncategory: {category}\n---\n{page['body']}\n",
                encoding="utf-8",
            )
    queries = out / "queries"
    shutil.rmtree(queries, ignore_errors=True)
    queries.mkdir(parents=True)
    return withheld, queries


def write_queries(path: Path, locale: str, rows, source: str) -> None:
    """A judged query file for ``kb eval``: rows of (kind, split, expected id, query)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# Generated by {source}; not for git.\n")
        f.write("locale\tkind\tsplit\texpected\tquery\n")
        for kind, split, aid, text in rows:
            f.write("\t".join((locale, kind, split, aid, " ".join(text.replace("\t", " ").split()))) + "\n")


def build(out: Path, per_locale: int, cache: Path, withheld_share: float, queries_per_kind: int) -> dict:
    root = fetch(cache)
    pages: dict[str, dict[str, dict]] = collections.defaultdict(dict)  # id -> locale -> page
    english = root / HELP_FOLDERS["en"]
    relatives = sorted(p.relative_to(english) for p in (english / "text").rglob("*.html"))
    # Sample ids by hash, keeping pages that exist with a title in every locale.
    ordered = sorted(relatives, key=lambda r: stable_hash("sample", str(r)))
    for relative in ordered:
        parsed = {}
        for locale, folder in HELP_FOLDERS.items():
            page = parse_page(root / folder / relative)
            if page is None or len(page["body"]) < 200:
                break
            parsed[locale] = page
        else:
            article_id = page_id(relative)
            if article_id not in pages:
                pages[article_id] = parsed
        if len(pages) >= per_locale:
            break
    withheld, queries_dir = write_articles(out, pages, withheld_share)
    counts = {}
    for locale in HELP_FOLDERS:
        language = locale
        # Keyword entries that point at one page only in this locale.
        owners = collections.defaultdict(set)
        for aid, versions in pages.items():
            for keyword in versions[locale]["keywords"]:
                owners[keyword.casefold()].add(aid)
        rows = []
        for aid in sorted(pages, key=lambda a: stable_hash("order", locale, a)):
            page = pages[aid][locale]
            unique = [k for k in page["keywords"] if len(owners[k.casefold()]) == 1 and len(k.split()) <= MAX_QUERY_WORDS]
            keyword = unique[stable_hash("kw", locale, aid) % len(unique)] if unique else None
            question = question_of(page, language)
            split = split_of(aid)
            if withheld.get(aid) == locale:
                text = question or keyword or page["title"]
                if text:
                    rows.append(("crosslang", split, aid, text))
                continue
            if aid in withheld:
                continue
            candidates = {
                "keyword": keyword,
                "question": question,
                "sentence": opening_sentence(page),
                "partial": cut_mid_word(question or keyword or "", f"{locale}:{aid}"),
                "typo": misspell(keyword, f"{locale}:{aid}") if keyword else None,
            }
            rows.extend((kind, split, aid, text) for kind, text in candidates.items() if text)
        kept, per_kind = [], collections.Counter()
        for row in rows:
            if row[0] == "crosslang" or per_kind[row[0]] < queries_per_kind:
                per_kind[row[0]] += 1
                kept.append(row)
        write_queries(queries_dir / f"{locale}.tsv", locale, kept, "benchmarks/helpcorpus.py from Debian's LibreOffice help")
        counts[locale] = dict(per_kind)
    return {"pages": len(pages), "withheld": len(withheld), "queries": counts}


def corpus_queries(corpus: Path) -> list:
    """Every judged query of a corpus folder (this script's or gnomehelp.py's);
    the LibreOffice corpus is written first where it is the one missing."""
    from search.evaluation import read_queries

    if not (corpus / "queries").is_dir():
        if corpus.resolve() != OUT.resolve():
            raise SystemExit(f"no queries in {corpus}: write them with benchmarks/gnomehelp.py or helpcorpus.py --out {corpus}")
        main(["--out", str(corpus)])
    return [j for path in sorted((corpus / "queries").glob("*.tsv")) for j in read_queries(path)]


def corpus_articles(corpus: Path):
    """The articles of a corpus folder, loaded as ``kb index`` loads them."""
    from kb.articles import load_articles

    return load_articles(corpus / "articles", LOCALES, "en", jobs=2)


def print_summary(summary: dict, out: Path) -> None:
    print(f"{summary['pages']} pages in English, {summary['withheld']} withheld from one locale, in {out}")
    for locale, counts in summary["queries"].items():
        print(f"  {locale}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT,
                        help="Folder for articles/ and queries/ (default: %(default)s).")
    parser.add_argument("--cache", type=Path, default=CACHE, help="Folder for the downloaded packages (default: %(default)s).")
    parser.add_argument("--per-locale", type=int, default=800, help="Pages sampled, in every locale (default: %(default)s).")
    parser.add_argument("--withheld", type=float, default=0.2,
                        help="Share of pages left out of one locale, for cross-language queries (default: %(default)s).")
    parser.add_argument("--queries-per-kind", type=int, default=150,
                        help="Queries of each kind per locale (default: %(default)s; crosslang: every withheld page).")
    args = parser.parse_args(argv)
    summary = build(args.out, args.per_locale, args.cache, args.withheld, args.queries_per_kind)
    print_summary(summary, args.out)


if __name__ == "__main__":
    main()
