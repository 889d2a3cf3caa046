"""How long one search snippet takes: the passage of prose around the customer's words.

Run on demand, never in the test suite:

    .venv/bin/python benchmarks/bench_snippets.py [--rounds 5]

Indexes the demo articles, then makes the snippet of every article for a set
of queries in each language (most articles do not contain the words: the
snippet then shows the article's opening), and prints the median and the
95th percentile in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.articles import load_articles  # noqa: E402
from search.indexing import build_index  # noqa: E402
from search.queries import split_query  # noqa: E402
from search.service import SearchIndex  # noqa: E402
from search.snippets import make_snippet  # noqa: E402

LOCALES = ("en", "fr", "de", "es", "it", "pt")
QUERIES = {
    "en": ["invoice", "reset password", "response time chat", "api key", "import contacts csv", "spam",
           "schedule campaign time zone", "refund"],
    "fr": ["facture", "mot de passe", "campagne", "désinscription"],
    "de": ["Rechnung", "Passwort", "Kampagne planen"],
    "es": ["factura", "contraseña"],
    "it": ["fattura", "password"],
    "pt": ["fatura", "senha"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="Times every snippet is made.")
    args = parser.parse_args()
    articles = load_articles(ROOT / "articles", LOCALES, "en")
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(articles, index_dir, LOCALES)
        index = SearchIndex(index_dir, LOCALES, "en")
        # Whoosh hands out a new string for each stored field read, as a search does.
        documents = {loc: [d["id"] for d in index.documents(loc)] for loc in LOCALES}
        times = []
        for _round in range(args.rounds):
            for locale, queries in QUERIES.items():
                for text in queries:
                    query = split_query(text + " ", locale)
                    for article_id in documents[locale]:
                        body = index.document(locale, article_id)["body"]
                        start = time.perf_counter()
                        make_snippet(body, query, locale)
                        times.append(time.perf_counter() - start)
        index.close()
    print(f"{len(times)} snippets: median {statistics.median(times) * 1e6:.0f} µs, "
          f"95th percentile {statistics.quantiles(times, n=20)[-1] * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
