"""Scale the demo articles up to a benchmark corpus of real article files.

For each locale, the demo articles in ``articles/<locale>/`` are cut into
their parts (titles, section headings, paragraphs, list blocks, sentences,
tags, categories), and new articles are assembled from those parts: a title
made of a demo title or heading plus a qualifier taken from that locale's
tags, three to six sections of recombined sentences and lists. Every word of
the corpus is therefore a word of that language as the demo uses it, with
the demo's frequencies, which makes posting lists denser than in a real help
center (a pessimistic case for search speed).

Article ``n`` has the same id in every locale, as translations do; about 5 %
of them are left untranslated outside the default locale, so the fallback
search has work to do. The output is deterministic for a given seed.

    python benchmarks/corpus.py --per-locale 10000 --out /tmp/kb-corpus-10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("en", "fr", "de", "es", "it", "pt")
DEFAULT_LOCALE = "en"
UNTRANSLATED_SHARE = 0.05
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý¿¡0-9*])")


@dataclass
class LocaleParts:
    """The building blocks of one locale's demo articles."""

    titles: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def parts_of(articles_dir: Path, locale: str) -> LocaleParts:
    """Cut the demo articles of ``locale`` into reusable parts."""
    parts = LocaleParts()
    for path in sorted((articles_dir / locale).rglob("*.md")):
        post = frontmatter.load(path)
        parts.titles.append(str(post["title"]))
        parts.tags.extend(str(t) for t in post.get("tags") or [])
        if post.get("category"):
            parts.categories.append(str(post["category"]))
        for block in re.split(r"\n\s*\n", post.content):
            block = block.strip()
            if not block or block.startswith(("|", "```", "<")):
                continue  # tables, code and raw HTML do not recombine well
            if block.startswith("#"):
                parts.headings.append(block.lstrip("#").strip())
            elif re.match(r"^(\s*[-*]|\s*\d+\.)\s", block):
                parts.lists.append(block)
            else:
                parts.sentences.extend(s.strip() for s in _SENTENCE_END.split(block.replace("\n", " ")) if s.strip())
    if not (parts.titles and parts.sentences):
        raise SystemExit(f"no demo articles to learn from in {articles_dir / locale}")
    parts.headings = parts.headings or list(parts.titles)
    parts.tags = sorted(set(parts.tags)) or ["help"]
    parts.categories = sorted(set(parts.categories)) or ["support"]
    return parts


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_article(rng: random.Random, parts: LocaleParts, number: int, locale: str) -> str:
    """The text of article ``number`` in ``locale``: front matter and Markdown."""
    base = rng.choice(parts.titles if rng.random() < 0.5 else parts.headings)
    qualifier = rng.choice(parts.tags)
    title = f"{base} ({qualifier})" if rng.random() < 0.7 else base
    tags = rng.sample(parts.tags, k=min(len(parts.tags), rng.randint(2, 5)))
    updated = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700))
    revision = "revision: 1" if locale == DEFAULT_LOCALE else "based_on: 1"
    lines = [
        "---",
        f"id: article-{number:06d}",
        f"title: {_yaml_string(title)}",
        f"category: {rng.choice(parts.categories)}",
        "tags: [" + ", ".join(_yaml_string(t) for t in tags) + "]",
        f"updated: {updated.isoformat()}",
        revision,
        "---",
        " ".join(rng.sample(parts.sentences, k=min(len(parts.sentences), rng.randint(1, 3)))),
        "",
    ]
    for _ in range(rng.randint(3, 6)):
        lines += [f"## {rng.choice(parts.headings)}", ""]
        for _ in range(rng.randint(1, 3)):
            if parts.lists and rng.random() < 0.25:
                lines += [rng.choice(parts.lists), ""]
            else:
                lines += [" ".join(rng.choices(parts.sentences, k=rng.randint(2, 5))), ""]
    return "\n".join(lines)


def generate(articles_dir: Path, out: Path, per_locale: int, locales: tuple[str, ...], seed: int) -> dict[str, int]:
    """Write ``per_locale`` articles for each locale under ``out``; counts written."""
    counts = {}
    for locale in locales:
        parts = parts_of(articles_dir, locale)
        rng = random.Random(f"{seed}:{locale}")
        # Which articles are untranslated depends on the seed only, not the locale list.
        gaps = random.Random(f"{seed}:gaps:{locale}")
        folder = out / locale
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for number in range(per_locale):
            text = make_article(rng, parts, number, locale)
            if locale != DEFAULT_LOCALE and gaps.random() < UNTRANSLATED_SHARE:
                continue
            # Sub-folders of 1 000 keep directory listings short.
            path = folder / f"{number // 1000:03d}" / f"article-{number:06d}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
        counts[locale] = written
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="Folder to write <locale>/NNN/article-NNNNNN.md into (must be empty or absent).")
    parser.add_argument("--per-locale", type=int, default=1000, help="Articles per locale, e.g. 1000, 10000 or 50000 (default: %(default)s).")
    parser.add_argument("--locales", default=",".join(LOCALES), help="Comma-separated locales to generate (default: %(default)s).")
    parser.add_argument("--seed", type=int, default=6, help="Random seed; the same seed gives the same files (default: %(default)s).")
    parser.add_argument("--articles", type=Path, default=ROOT / "articles", help="Demo articles to learn from (default: the repository's articles/).")
    args = parser.parse_args(argv)
    locales = tuple(loc.strip() for loc in args.locales.split(",") if loc.strip())
    if args.per_locale < 1:
        parser.error("--per-locale must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; give a new folder so old articles do not mix in")
    started = time.perf_counter()
    counts = generate(args.articles, args.out, args.per_locale, locales, args.seed)
    total = sum(counts.values())
    print(f"wrote {total} articles ({', '.join(f'{k} {v}' for k, v in counts.items())}) to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
