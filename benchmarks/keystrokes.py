"""Does a suggestion list ever empty while the customer types? Real sentences, keystroke by keystroke.

Types each sentence and question of a real corpus (``helpcorpus.py`` or
``gnomehelp.py``) one character at a time through ``SearchIndex.suggest``,
as the contact page's subject field does, and counts the keystrokes after
which the list is empty although the keystroke before had filled it and the
finished words before the one being typed find articles, and the "did you
mean" offers that change the word still being typed. Both should be zero
(issue 12). A beginning no article has, with no finished word before it that
finds anything, rightly gives an empty list: counted apart. Prints the
first few of each.

    python benchmarks/keystrokes.py --corpus benchmarks/results/gnomehelp --per-locale 60
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from common import ROOT  # noqa: F401  (sets sys.path)

import helpcorpus  # noqa: E402
from search.indexing import build_index  # noqa: E402
from search.queries import split_query  # noqa: E402
from search.service import SearchIndex  # noqa: E402

LOCALES = helpcorpus.LOCALES
KINDS = ("sentence", "question")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / "results" / "helpcorpus",
                        help="Folder written by helpcorpus.py or gnomehelp.py (default: %(default)s).")
    parser.add_argument("--per-locale", type=int, default=60, help="Sentences typed per locale (default: %(default)s).")
    parser.add_argument("--show", type=int, default=10, help="Examples printed of each fault (default: %(default)s).")
    args = parser.parse_args(argv)
    judgements = [j for j in helpcorpus.corpus_queries(args.corpus) if j.kind in KINDS]
    rng = random.Random("keystrokes")
    chosen = []
    for locale in LOCALES:
        mine = [j for j in judgements if j.locale == locale]
        chosen += rng.sample(mine, min(args.per_locale, len(mine)))
    articles = helpcorpus.corpus_articles(args.corpus)
    emptied, first_word, corrected_typing, keystrokes = [], [], [], 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-keys-") as folder:
        build_index(articles, Path(folder), LOCALES)
        search = SearchIndex(Path(folder), LOCALES, "en")
        for judgement in chosen:
            text, filled = judgement.query, False
            for end in range(1, len(text) + 1):
                typed = text[:end]
                keystrokes += 1
                found = search.suggest(typed, judgement.locale, 5, typing=True)
                if filled and not found.hits:
                    # A fault only if the finished words before the one being typed find something.
                    before = " ".join(split_query(typed, judgement.locale).words)
                    fault = before and search.search(before + " ", judgement.locale, 5)
                    (emptied if fault else first_word).append((judgement.locale, typed))
                filled = bool(found.hits)
                being_typed = split_query(typed, judgement.locale).partial is not None
                offer = found.did_you_mean
                if offer and being_typed and offer.split()[-1].casefold() != typed.split()[-1].casefold():
                    corrected_typing.append((judgement.locale, typed, offer))
        search.close()
    print(f"# {len(chosen)} sentences and questions typed, {keystrokes} keystrokes, {time.perf_counter() - started:.0f} s")
    print(f"lists emptied by a keystroke though the finished words before find articles: {len(emptied)}")
    for locale, typed in emptied[: args.show]:
        print(f"  {locale} {typed!r}")
    print(f"beginnings no article has, nothing finished before them finding any (an empty list, rightly): {len(first_word)}")
    for locale, typed in first_word[: args.show]:
        print(f"  {locale} {typed!r}")
    print(f"'did you mean' changing the word being typed: {len(corrected_typing)}")
    for locale, typed, offer in corrected_typing[: args.show]:
        print(f"  {locale} {typed!r} -> {offer!r}")


if __name__ == "__main__":
    main()
