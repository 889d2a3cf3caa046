"""Relevance evaluation: the tuned search against a plain Whoosh baseline.

Query files are tab-separated, one query a line, with a header line::

    locale  kind  split  expected  query

``#`` lines are comments. ``kind`` labels the sort of query (ticket subject,
partial typing, typo, question in another language...), ``split`` is ``dev``
for queries looked at while tuning and ``heldout`` for the others.

Every system indexes the same articles, in the same run, into a temporary
folder: kb, plain Whoosh (the language's analyzer with accent folding, title
×3, words joined by OR, page locale only) and any peers the caller adds
(``benchmarks/helpcorpus_eval.py`` adds SQLite FTS5 and tantivy).
"""

from __future__ import annotations

import csv
import dataclasses
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
from whoosh import fields, index, qparser
from whoosh.analysis import CharsetFilter, LanguageAnalyzer, StandardAnalyzer
from whoosh.support.charset import accent_map

from kb.articles import ArticleSet

from .analysis import language_of
from .indexing import build_index
from .service import SearchIndex

COLUMNS = ("locale", "kind", "split", "expected", "query")
CUTOFF = 5
# Resamples of the paired bootstrap that says whether a lead is more than noise.
BOOTSTRAP_RESAMPLES = 4000


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
    """Plain Whoosh, as a careful newcomer would set it up: the language's own
    ``LanguageAnalyzer`` (stop words, Snowball stemming) with accent folding,
    title weighted ×3, body, the query parser joining words with OR; the page
    locale only."""

    name = "whoosh"

    def __init__(self, index_dir: Path, locales: Iterable[str]):
        self.index_dir = Path(index_dir)
        self.locales = tuple(locales)
        self.searchers = {}
        self.parsers = {}

    @staticmethod
    def _analyzer(locale: str):
        language = language_of(locale)
        try:
            analyzer = LanguageAnalyzer(language)
        except NotImplementedError:
            analyzer = StandardAnalyzer()
        return analyzer | CharsetFilter(accent_map)

    def build(self, articles: ArticleSet) -> None:
        for locale in self.locales:
            analyzer = self._analyzer(locale)
            schema = fields.Schema(
                id=fields.ID(stored=True, unique=True),
                title=fields.TEXT(analyzer=analyzer, field_boost=3.0),
                body=fields.TEXT(analyzer=analyzer),
            )
            folder = self.index_dir / locale
            folder.mkdir(parents=True)
            ix = index.create_in(str(folder), schema)
            with ix.writer() as writer:
                for article in articles.in_locale(locale):
                    writer.add_document(id=article.id, title=article.title, body=article.text)

    def open(self) -> None:
        for locale in self.locales:
            ix = index.open_dir(str(self.index_dir / locale))
            self.searchers[locale] = ix.searcher()
            self.parsers[locale] = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.OrGroup)

    def search(self, text: str, locale: str, limit: int) -> list[str]:
        whoosh_query = self.parsers[locale].parse(text)
        return [hit["id"] for hit in self.searchers[locale].search(whoosh_query, limit=limit)]

    def close(self):
        for searcher in self.searchers.values():
            searcher.close()


class TunedSearch:
    """The help center's own search (search.indexing and search.service)."""

    name = "kb"

    def __init__(self, index_dir: Path, locales: Iterable[str], default_locale: str, scorer: str = "arrays"):
        self.index_dir = Path(index_dir)
        self.locales = tuple(locales)
        self.default_locale = default_locale
        self.scorer = scorer
        self.index = None

    def build(self, articles: ArticleSet) -> None:
        build_index(articles, self.index_dir, self.locales)

    def open(self) -> None:
        self.index = SearchIndex(self.index_dir, self.locales, self.default_locale, scorer=self.scorer)

    def search(self, text: str, locale: str, limit: int) -> list[str]:
        return [h.id for h in self.index.search(text, locale, limit, snippets=False)]

    def close(self):
        self.index.close()


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

    def per_query(self, metric: str) -> np.ndarray:
        """Each query's reciprocal rank (``mrr``) or whether it was found (``recall``)."""
        values = np.asarray(self.reciprocal_ranks, dtype=float)
        return values if metric == "mrr" else (values > 0).astype(float)


def paired_interval(
    ours: np.ndarray, theirs: np.ndarray, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> tuple[float, float, float]:
    """The mean of ``ours - theirs`` over the same queries, with its 95 % interval
    (paired bootstrap: the queries are resampled, both systems' answers kept together).

    >>> paired_interval(np.array([1.0, 1.0, 1.0, 0.5]), np.array([0.5, 0.5, 1.0, 0.5]))[0]
    0.25
    >>> low, high = paired_interval(np.array([1.0] * 40), np.array([0.0] * 40))[1:]
    >>> low == high == 1.0
    True
    """
    differences = ours - theirs
    samples = np.random.default_rng(seed).integers(0, len(differences), size=(resamples, len(differences)))
    means = differences[samples].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(differences.mean()), float(low), float(high)


GROUP_ORDER = ("all", "locale", "kind", "locale×kind")


@dataclasses.dataclass
class Report:
    # (system, dimension, group) -> Scores; dimensions are "all", "locale",
    # "kind" and "locale×kind" (group "de/question")
    scores: dict[tuple[str, str, str], Scores]
    misses: list[tuple[Judgement, list[str]]]
    count: int
    systems: tuple[str, ...] = ("kb", "whoosh")
    # queries some peer ranked better than kb: (judgement, kb's ids, {peer: (rr, ids)})
    losses: list[tuple[Judgement, list[str], dict[str, tuple[float, list[str]]]]] = dataclasses.field(default_factory=list)

    def _groups(self, dimensions):
        found = {(dim, name) for (_, dim, name) in self.scores if dim in dimensions}
        return sorted(found, key=lambda g: (GROUP_ORDER.index(g[0]), g[1]))

    def table(self, dimensions: Sequence[str] = ("all", "locale", "kind")) -> str:
        """MRR@5, recall@5 and median milliseconds per group, one column per system (kb first)."""
        width = max(6, *(len(s) for s in self.systems)) + 1
        names = "".join(f"{s:>{width}}" for s in self.systems)
        lines = [f"{'':<22}{'':>5}  MRR@5{' ' * (width * len(self.systems) - 5)}  R@5{' ' * (width * len(self.systems) - 3)}  ms",
                 f"{'group':<22}{'n':>5}  {names}  {names}  {names}"]
        for dim, name in self._groups(dimensions):
            row = [self.scores[(system, dim, name)] for system in self.systems]
            label = "all" if dim == "all" else f"{dim} {name}"
            lines.append(
                f"{label:<22}{len(row[0].reciprocal_ranks):>5}  "
                + "".join(f"{s.mrr:>{width}.3f}" for s in row) + "  "
                + "".join(f"{s.recall:>{width}.3f}" for s in row) + "  "
                + "".join(f"{statistics.median(s.seconds) * 1000:>{width}.2f}" for s in row)
            )
        return "\n".join(lines)

    def _axes(self) -> tuple[list[str], list[str]]:
        """The kinds and the locales of the locale × kind tables."""
        cells = [name.split("/") for (_, dim, name) in self.scores if dim == "locale×kind"]
        return sorted({kind for _, kind in cells}), sorted({locale for locale, _ in cells})

    @staticmethod
    def _cell(locale: str, kind: str) -> tuple[str, str]:
        """The group of one cell of a locale × kind table (locale "all": the kind in every locale)."""
        return ("kind", kind) if locale == "all" else ("locale×kind", f"{locale}/{kind}")

    def grid(self, metric: str = "mrr") -> str:
        """A Markdown table locale × kind, each cell "kb / peer / peer...", best peer marked."""
        kinds, locales = self._axes()
        lines = [f"| {metric} ({' / '.join(self.systems)}) | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
        for locale in locales + ["all"]:
            cells = []
            for kind in kinds:
                key = self._cell(locale, kind)
                row = [self.scores.get((system, *key)) for system in self.systems]
                if row[0] is None:
                    cells.append("")
                    continue
                values = [getattr(s, metric) for s in row]
                text = " / ".join(f"{v:.2f}" for v in values)
                cells.append(f"**{text}**" if values[0] > max(values[1:], default=-1) else text)
            lines.append(f"| {locale} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def margins(self, metric: str = "mrr") -> str:
        """A Markdown table locale × kind of kb's lead over the best peer of each cell.

        Each cell is the difference with its 95 % interval (paired bootstrap
        over the cell's queries) and a verdict: ahead or behind when the whole
        interval is on one side of zero, level when it spans it. Small cells
        (15 questions) need large leads to be more than noise.
        """
        kinds, locales = self._axes()
        ours_name, peers = self.systems[0], self.systems[1:]
        lines = [f"| {metric}: {ours_name} − best peer (95 % interval) | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
        verdicts = defaultdict(int)
        for locale in locales + ["all"]:
            cells = []
            for kind in kinds:
                key = self._cell(locale, kind)
                ours = self.scores.get((ours_name, *key))
                if ours is None or not peers:
                    cells.append("")
                    continue
                best = max(peers, key=lambda peer: getattr(self.scores[(peer, *key)], metric))
                mean, low, high = paired_interval(ours.per_query(metric), self.scores[(best, *key)].per_query(metric))
                verdict = "ahead" if low > 0 else "behind" if high < 0 else "level"
                if locale != "all":
                    verdicts[verdict] += 1
                cells.append(f"{verdict} {mean:+.3f} ({low:+.3f} … {high:+.3f}) vs {best}")
            lines.append(f"| {locale} | " + " | ".join(cells) + " |")
        summary = ", ".join(f"{verdicts[v]} {v}" for v in ("ahead", "level", "behind"))
        return "\n".join(lines) + f"\n\nlocale × kind cells: {summary}"


def pooled(reports: Sequence[Report]) -> Report:
    """The reports of several corpora as one: each group's queries of every
    corpus together, each system's in the same order, so the pairs of the
    bootstrap stay pairs. The systems are those every report has.

    >>> one = Report({("kb", "all", "all"): Scores([1.0], [0.1]), ("whoosh", "all", "all"): Scores([0.5], [0.1])}, [], 1)
    >>> pooled([one, one]).scores[("kb", "all", "all")].reciprocal_ranks
    [1.0, 1.0]
    """
    systems = tuple(s for s in reports[0].systems if all(s in r.systems for r in reports))
    scores: dict[tuple[str, str, str], Scores] = defaultdict(Scores)
    for report in reports:
        for (system, dimension, group), found in report.scores.items():
            if system in systems:
                scores[(system, dimension, group)].reciprocal_ranks.extend(found.reciprocal_ranks)
                scores[(system, dimension, group)].seconds.extend(found.seconds)
    return Report(
        dict(scores),
        [m for r in reports for m in r.misses],
        sum(r.count for r in reports),
        systems,
        [loss for r in reports for loss in r.losses],
    )


def evaluate(
    articles: ArticleSet,
    locales: Sequence[str],
    default_locale: str,
    judgements: Sequence[Judgement],
    *,
    progress: Callable[[str], None] | None = None,
    peers: Mapping[str, Callable[[Path], object]] | None = None,
    scorer: str = "arrays",
) -> Report:
    """Index ``articles`` with kb, plain Whoosh and any ``peers``, and score every judgement on each.

    A peer is made from a folder by its factory, and has ``build(articles)``,
    ``open()`` and ``search(text, locale, limit) -> [ids]`` (``close()`` if it
    needs one).
    """
    scores: dict[tuple[str, str, str], Scores] = defaultdict(Scores)
    misses = []
    losses = []
    factories = {
        "kb": lambda root: TunedSearch(root, locales, default_locale, scorer),
        "whoosh": lambda root: BaselineSearch(root, locales),
        **(peers or {}),
    }
    for judgement in judgements:
        if judgement.locale not in locales:
            raise QueryFileError(f"query {judgement.query!r}: locale {judgement.locale!r} is not configured")
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as temporary:
        systems = {}
        try:
            for name, factory in factories.items():
                started = time.perf_counter()
                system = factory(Path(temporary) / name)
                system.build(articles)
                system.open()
                systems[name] = system
                if progress:
                    progress(f"{name}: indexed {len(articles.articles)} articles in {time.perf_counter() - started:.1f} s")
            for judgement in judgements:
                found = {}
                for name, system in systems.items():
                    started = time.perf_counter()
                    ids = system.search(judgement.query, judgement.locale, CUTOFF)
                    elapsed = time.perf_counter() - started
                    rr = reciprocal_rank(ids, judgement.expected)
                    for group in (
                        ("all", "all"),
                        ("locale", judgement.locale),
                        ("kind", judgement.kind),
                        ("locale×kind", f"{judgement.locale}/{judgement.kind}"),
                    ):
                        scores[(name, *group)].add(rr, elapsed)
                    found[name] = (rr, ids)
                    if name == "kb" and rr < 1.0:
                        misses.append((judgement, ids))
                kb_rr, kb_ids = found["kb"]
                better = {name: result for name, result in found.items() if result[0] > kb_rr}
                if better:
                    losses.append((judgement, kb_ids, better))
        finally:
            for system in systems.values():
                close = getattr(system, "close", None)
                if close:
                    close()
    return Report(dict(scores), misses, len(judgements), tuple(factories), losses)
