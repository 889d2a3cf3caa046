"""How long a typo correction takes, against the size of the vocabulary.

Compares the help center's bucketed RapidFuzz lookup (search/vocabulary.py)
with Whoosh's own ``terms_within`` (the expansion behind FuzzyTerm), with the
same rules: first letter kept, edits by word length. Vocabularies are the
demo articles' words plus made-up words of realistic lengths.

    .venv/bin/python benchmarks/typo_corrections.py

Prints medians in microseconds per misspelt word; bounded to a few seconds
of work per size.
"""

from __future__ import annotations

import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

from whoosh import fields, index

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.articles import load_articles  # noqa: E402
from search.vocabulary import Vocabulary, allowed_edits, vocabulary_of_texts  # noqa: E402

SIZES = (2_000, 20_000, 100_000)
QUERIES = 200


def misspell(word: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(word))
    return word[:position] + rng.choice(string.ascii_lowercase) + word[position + 1 :]


def main() -> None:
    rng = random.Random(5)
    articles = load_articles(ROOT / "articles", ("en",), "en")
    base = vocabulary_of_texts((a.title + "\n" + a.text for a in articles.in_locale("en")), "en").frequencies
    print(f"{'words':>8} {'rapidfuzz µs':>13} {'whoosh µs':>10} {'ratio':>6}")
    for size in SIZES:
        words = dict(base)
        while len(words) < size:
            length = max(3, int(rng.gauss(8, 3)))
            words["".join(rng.choice(string.ascii_lowercase) for _ in range(length))] = rng.randint(1, 50)
        vocabulary = Vocabulary(words)
        typed = [misspell(w, rng) for w in rng.sample([w for w in words if len(w) >= 5], QUERIES)]
        with tempfile.TemporaryDirectory() as folder:
            ix = index.create_in(folder, fields.Schema(words=fields.KEYWORD()))
            with ix.writer() as writer:
                writer.add_document(words=" ".join(words))
            with ix.reader() as reader:
                ours, theirs = [], []
                for word in typed:
                    started = time.perf_counter()
                    vocabulary.corrections(word)
                    ours.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    list(reader.terms_within("words", word, allowed_edits(word), prefix=1))
                    theirs.append(time.perf_counter() - started)
        ours_us, theirs_us = statistics.median(ours) * 1e6, statistics.median(theirs) * 1e6
        print(f"{size:>8} {ours_us:>13.0f} {theirs_us:>10.0f} {theirs_us / ours_us:>6.1f}")


if __name__ == "__main__":
    main()
