"""Relevance evaluation: the tuned search against a plain Whoosh baseline.

Query files are tab-separated, one query a line, with a header line::

    locale  kind  split  expected  query

``#`` lines are comments. ``kind`` labels the sort of query (ticket subject,
partial typing, typo, question in another language...), ``split`` is ``dev``
for queries looked at while tuning and ``heldout`` for the others.

Both searches index the same articles, in the same run, into a temporary
folder; the baseline is Whoosh as it comes (StandardAnalyzer, title and body,
words joined by OR, page locale only).
"""

from __future__ import annotations

import csv
import dataclasses
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from whoosh import fields, index, qparser
from whoosh.analysis import StandardAnalyzer

from kb.articles import ArticleSet

from .indexing import build_index
from .service import SearchIndex

COLUMNS = ("locale", "kind", "split", "expected", "query")
CUTOFF = 5


class QueryFileError(ValueError):
    """A query file that cannot be read, with its path and line."""


@dataclasses.dataclass(frozen=True)
class Judgement:
    locale: str
    kind: str
    split: str
    expected: str
    query: str


def read_queries(path: Path | str) -> list[Judgement]:
    """The judged queries of one file; a clear error naming the line if one is bad."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}: cannot read: {exc}") from None
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise QueryFileError(f"{path}: no queries")
    (header_line, header), rows = numbered[0], numbered[1:]
    if tuple(header.split("\t")) != COLUMNS:
        raise QueryFileError(f"{path}:{header_line}: the header must be {' TAB '.join(COLUMNS)}")
    judgements = []
    for number, line in rows:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != len(COLUMNS) or not all(c.strip() for c in cells):
            raise QueryFileError(f"{path}:{number}: expected {len(COLUMNS)} non-empty tab-separated cells")
        judgements.append(Judgement(*(c.strip() for c in cells[:4]), cells[4]))
    return judgements


def reciprocal_rank(ranked_ids: Sequence[str], expected: str, cutoff: int = CUTOFF) -> float:
    """1/rank of ``expected`` among the first ``cutoff`` ids, else 0.

    >>> reciprocal_rank(["a", "b", "c"], "b"), reciprocal_rank(["a"], "z")
    (0.5, 0.0)
    """
    for rank, article_id in enumerate(ranked_ids[:cutoff], start=1):
        if article_id == expected:
            return 1.0 / rank
    return 0.0


class BaselineSearch:
    """Plain Whoosh: StandardAnalyzer on title and body, the query parser with OR."""

    def __init__(self, articles: ArticleSet, index_dir: Path, locales: Iterable[str]):
        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(analyzer=StandardAnalyzer()),
            body=fields.TEXT(analyzer=StandardAnalyzer()),
        )
        self.searchers = {}
        self.parsers = {}
        for locale in locales:
            folder = index_dir / locale
            folder.mkdir(parents=True)
            ix = index.create_in(str(folder), schema)
            with ix.writer() as writer:
                for article in articles.in_locale(locale):
                    writer.add_document(id=article.id, title=article.title, body=article.text)
            self.searchers[locale] = ix.searcher()
            self.parsers[locale] = qparser.MultifieldParser(["title", "body"], schema, group=qparser.OrGroup)

    def search(self, text: str, locale: str, limit: int) -> list[str]:
        whoosh_query = self.parsers[locale].parse(text)
        return [hit["id"] for hit in self.searchers[locale].search(whoosh_query, limit=limit)]

    def close(self):
        for searcher in self.searchers.values():
            searcher.close()


@dataclasses.dataclass
class Scores:
    reciprocal_ranks: list[float] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)

    def add(self, rr: float, seconds: float):
        self.reciprocal_ranks.append(rr)
        self.seconds.append(seconds)

    @property
    def mrr(self) -> float:
        return statistics.fmean(self.reciprocal_ranks) if self.reciprocal_ranks else 0.0

    @property
    def recall(self) -> float:
        return statistics.fmean(rr > 0 for rr in self.reciprocal_ranks) if self.reciprocal_ranks else 0.0


@dataclasses.dataclass
class Report:
    # (system, group) -> Scores; groups are ("all", "all"), ("locale", x), ("kind", x)
    scores: dict[tuple[str, str, str], Scores]
    misses: list[tuple[Judgement, list[str]]]
    count: int

    def table(self) -> str:
        """The figures as a fixed-width table, tuned beside baseline."""
        lines = [
            f"{'group':<18}{'n':>4}  {'MRR@5 tuned':>11} {'base':>6}  {'R@5 tuned':>9} {'base':>6}  {'ms tuned':>8} {'base':>6}"
        ]
        groups = sorted({(dim, name) for (_, dim, name) in self.scores}, key=lambda g: ("all", "locale", "kind").index(g[0]))
        for dim, name in groups:
            tuned, base = self.scores[("tuned", dim, name)], self.scores[("baseline", dim, name)]
            label = "all" if dim == "all" else f"{dim} {name}"
            lines.append(
                f"{label:<18}{len(tuned.reciprocal_ranks):>4}  {tuned.mrr:>11.3f} {base.mrr:>6.3f}  "
                f"{tuned.recall:>9.3f} {base.recall:>6.3f}  "
                f"{statistics.median(tuned.seconds) * 1000:>8.2f} {statistics.median(base.seconds) * 1000:>6.2f}"
            )
        return "\n".join(lines)


def evaluate(
    articles: ArticleSet,
    locales: Sequence[str],
    default_locale: str,
    judgements: Sequence[Judgement],
    *,
    progress: Callable[[str], None] | None = None,
    scorer: str = "arrays",
) -> Report:
    """Index ``articles`` twice (tuned and baseline) and score every judgement on both."""
    scores: dict[tuple[str, str, str], Scores] = defaultdict(Scores)
    misses = []
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as temporary:
        root = Path(temporary)
        build_index(articles, root / "tuned", locales)
        tuned = SearchIndex(root / "tuned", locales, default_locale, scorer=scorer)
        baseline = BaselineSearch(articles, root / "baseline", locales)
        systems = {
            "tuned": lambda j: [h.id for h in tuned.search(j.query, j.locale, CUTOFF)],
            "baseline": lambda j: baseline.search(j.query, j.locale, CUTOFF),
        }
        if progress:
            progress(f"indexed {len(articles.articles)} articles twice; running {len(judgements)} queries")
        try:
            for judgement in judgements:
                if judgement.locale not in locales:
                    raise QueryFileError(f"query {judgement.query!r}: locale {judgement.locale!r} is not configured")
                for system, run in systems.items():
                    started = time.perf_counter()
                    ids = run(judgement)
                    elapsed = time.perf_counter() - started
                    rr = reciprocal_rank(ids, judgement.expected)
                    for group in (("all", "all"), ("locale", judgement.locale), ("kind", judgement.kind)):
                        scores[(system, *group)].add(rr, elapsed)
                    if system == "tuned" and rr < 1.0:
                        misses.append((judgement, ids))
        finally:
            baseline.close()
            tuned.close()
    return Report(dict(scores), misses, len(judgements))
