"""What the benchmarks share: corpora, typed queries, timing figures, peer engines.

The peers (SQLite FTS5 from the standard library, tantivy from PyPI) index the
same parsed articles and answer the same split queries as the help center's
Whoosh search: finished words in title, headings, tags and body weighted
4/2/2/1, the word being typed as a prefix, the default locale searched too for
articles missing in the page's locale, five hits with a body snippet. They
are there so figures can be read as ratios on a noisy, shared machine.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import frontmatter  # noqa: E402

from corpus import DEFAULT_LOCALE, LOCALES, generate  # noqa: E402
import search.changes  # noqa: E402
from kb.articles import ArticleSet  # noqa: E402
from search.analysis import fold, language_of, SNOWBALL_NAMES  # noqa: E402
from search.queries import MAX_QUERY_CHARS, split_query  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
FIELDS = {"title": 4.0, "headings": 2.0, "tags": 2.0, "body": 1.0}


def add_corpus_arguments(parser) -> None:
    parser.add_argument("--per-locale", type=int, default=1000,
                        help="Articles per locale in the generated corpus (default: %(default)s).")
    parser.add_argument("--locales", default=",".join(LOCALES),
                        help="Comma-separated locales to generate and serve (default: %(default)s).")
    parser.add_argument("--seed", type=int, default=6, help="Seed of the corpus and the queries (default: %(default)s).")
    parser.add_argument("--work", type=Path, default=RESULTS,
                        help="Folder for corpora and indexes, reused between runs (default: %(default)s).")


def parse_locales(value: str) -> tuple[str, ...]:
    locales = tuple(loc.strip() for loc in value.split(",") if loc.strip())
    if DEFAULT_LOCALE not in locales:
        # The fallback search needs the default locale's index.
        locales = (DEFAULT_LOCALE, *locales)
    return locales


def ensure_corpus(work: Path, per_locale: int, locales: tuple[str, ...], seed: int) -> Path:
    """The corpus folder for these parameters, generated on first use."""
    folder = work / f"corpus-{per_locale}-{'-'.join(locales)}-s{seed}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        counts = generate(ROOT / "articles", folder, per_locale, locales, seed)
        done.write_text("ok\n")
        print(f"# generated {sum(counts.values())} articles in {folder} ({time.perf_counter() - started:.0f} s)")
    return folder


def demo_posts(locale: str) -> list:
    """The locale's demo articles (front matter and Markdown), in path order: what the timed queries come from."""
    return [frontmatter.load(path) for path in sorted((ROOT / "articles" / locale).rglob("*.md"))]


def typed_queries(locale: str, count: int, seed: int) -> list[str]:
    """What customers type, keystroke by keystroke: prefixes of demo titles and tags.

    Each query is a title or tag phrase of the locale's demo articles cut
    after a random character (at least two), so most end in a partly typed
    word, as suggest requests do.
    """
    phrases = []
    for post in demo_posts(locale):
        phrases.append(str(post["title"]))
        phrases.extend(str(t) for t in post.get("tags") or [])
    rng = random.Random(f"{seed}:queries:{locale}")
    queries = []
    while len(queries) < count:
        phrase = rng.choice(phrases)
        words = phrase.split()
        start = rng.randrange(len(words)) if len(words) > 3 else 0
        phrase = " ".join(words[start:start + 4])
        cut = rng.randint(min(2, len(phrase)), len(phrase))
        queries.append(phrase[:cut])
    return queries


def sentence_queries(locale: str, count: int, seed: int) -> list[str]:
    """Whole sentences, as a customer pastes a description of the problem:
    sentences of 12 words or more from the locale's demo article bodies,
    at most MAX_QUERY_CHARS long, without their final stop."""
    sentences = []
    for post in demo_posts(locale):
        for sentence in re.split(r"(?<=[.!?])\s+", post.content):
            words = sentence.replace("\n", " ").split()
            if len(words) >= 12 and not sentence.lstrip().startswith(("#", "-", "|", "`")):
                sentences.append(" ".join(words)[:MAX_QUERY_CHARS].rstrip(".!?"))
    rng = random.Random(f"{seed}:sentences:{locale}")
    return [rng.choice(sentences) for _ in range(count)]


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds (nearest-rank on the sorted samples)."""
    ordered = sorted(seconds)

    def rank(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "mean": statistics.fmean(ordered) * 1000}


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _present_ids(articles: ArticleSet, locale: str) -> set[str]:
    return {a.id for a in articles.in_locale(locale)}


class Fts5Engine:
    """SQLite FTS5: one table per locale, unicode61 folding, Porter stemming for English only."""

    name = "sqlite-fts5"

    def __init__(self, path: Path, locales: tuple[str, ...]):
        self.path = Path(path)
        self.locales = locales
        self.db = None

    def _tokenizer(self, locale):
        base = "unicode61 remove_diacritics 2 tokenchars ''''"
        return f"porter {base}" if language_of(locale) == "en" else base

    def build(self, articles: ArticleSet) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.path.unlink()
        db = sqlite3.connect(self.path)
        for locale in self.locales:
            db.execute(
                f"CREATE VIRTUAL TABLE docs_{locale} USING fts5(id UNINDEXED, locales UNINDEXED, title, headings, tags, body, "
                f"tokenize = \"{self._tokenizer(locale)}\")"
            )
            db.execute(f"CREATE TABLE present_{locale} (id TEXT PRIMARY KEY)")
            rows = []
            for article in articles.in_locale(locale):
                rows.append(self._row(article, articles))
            db.executemany(f"INSERT INTO docs_{locale} VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.executemany(f"INSERT INTO present_{locale} VALUES (?)", [(r[0],) for r in rows])
        db.commit()
        db.close()

    @staticmethod
    def _row(article, articles):
        locales = " ".join(sorted(loc for loc, a in articles.translations(article.id).items() if a.published))
        return (article.id, locales, article.title, " ".join(article.headings), " ".join(article.tags), article.text)

    def update_one(self, article, articles) -> None:
        db = sqlite3.connect(self.path)
        with db:
            db.execute(f"DELETE FROM docs_{article.locale} WHERE id = ?", (article.id,))
            db.execute(f"INSERT INTO docs_{article.locale} VALUES (?, ?, ?, ?, ?, ?)", self._row(article, articles))
        db.close()

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, check_same_thread=False)

    @staticmethod
    def _match(text, locale):
        user_query = split_query(text, locale)
        terms = ['"' + w.replace('"', '""') + '"' for w in user_query.words]
        if user_query.partial:
            terms.append('"' + user_query.partial.replace('"', '""') + '"*')
        return " OR ".join(terms)

    def _search_table(self, table_locale, match, limit, exclude):
        sql = (
            f"SELECT id, title, snippet(docs_{table_locale}, 5, '<mark>', '</mark>', ' … ', 24), "
            f"bm25(docs_{table_locale}, 0, 0, 4.0, 2.0, 2.0, 1.0) AS rank FROM docs_{table_locale} "
            f"WHERE docs_{table_locale} MATCH ?"
        )
        if exclude:
            sql += f" AND id NOT IN (SELECT id FROM present_{exclude})"
        return self.db.execute(sql + " ORDER BY rank LIMIT ?", (match, limit)).fetchall()

    def search(self, text, locale, limit=5):
        match = self._match(text, locale)
        if not match:
            return []
        hits = self._search_table(locale, match, limit, None)
        if locale != DEFAULT_LOCALE:
            others = self._search_table(DEFAULT_LOCALE, self._match(text, DEFAULT_LOCALE) or match, limit, locale)
            # bm25() is negative: lower is better; fallback ranks a little lower.
            hits = sorted(hits + [(i, t, s, r * 0.8) for i, t, s, r in others], key=lambda h: h[3])[:limit]
        return [h[0] for h in hits]


class TantivyEngine:
    """tantivy: one index per locale, with that language's Snowball stemmer where it has one."""

    name = "tantivy"

    def __init__(self, path: Path, locales: tuple[str, ...]):
        import tantivy

        self.tantivy = tantivy
        self.path = Path(path)
        self.locales = locales
        self.indexes = {}
        self.searchers = {}

    def _analyzer(self, locale):
        t = self.tantivy
        builder = t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.lowercase()).filter(t.Filter.ascii_fold())
        language = SNOWBALL_NAMES.get(language_of(locale))
        if language in {"english", "french", "german", "spanish", "italian", "portuguese"}:
            builder = builder.filter(t.Filter.stemmer(language))
        return builder.build()

    def _schema(self):
        t = self.tantivy
        builder = t.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("locales", tokenizer_name="whitespace")
        for field in FIELDS:
            builder.add_text_field(field, stored=field in ("title", "body"), tokenizer_name="lang")
        return builder.build()

    def _index(self, locale, create=False):
        folder = self.path / locale
        if create:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        index = self.tantivy.Index(self._schema(), path=str(folder))
        index.register_tokenizer("lang", self._analyzer(locale))
        return index

    @staticmethod
    def _doc(article, articles):
        return {
            "id": article.id,
            "locales": " ".join(sorted(loc for loc, a in articles.translations(article.id).items() if a.published)),
            "title": article.title,
            "headings": " ".join(article.headings),
            "tags": " ".join(article.tags),
            "body": article.text,
        }

    def build(self, articles: ArticleSet) -> None:
        for locale in self.locales:
            index = self._index(locale, create=True)
            writer = index.writer(heap_size=128_000_000, num_threads=1)
            for article in articles.in_locale(locale):
                writer.add_document(self.tantivy.Document(**self._doc(article, articles)))
            writer.commit()
            writer.wait_merging_threads()

    def update_one(self, article, articles) -> None:
        index = self._index(article.locale)
        writer = index.writer(heap_size=50_000_000, num_threads=1)
        writer.delete_documents_by_term("id", article.id)
        writer.add_document(self.tantivy.Document(**self._doc(article, articles)))
        writer.commit()
        writer.wait_merging_threads()

    def open(self) -> None:
        for locale in self.locales:
            index = self._index(locale)
            self.indexes[locale] = (index, self._analyzer(locale))
            self.searchers[locale] = index.searcher()

    def _query(self, text, locale, exclude):
        t = self.tantivy
        index, analyzer = self.indexes[locale]
        schema = index.schema
        user_query = split_query(text, locale)
        clauses = []
        for word in user_query.words:
            for term in analyzer.analyze(word):
                for field, weight in FIELDS.items():
                    clauses.append((t.Occur.Should, t.Query.boost_query(t.Query.term_query(schema, field, term), weight)))
        if user_query.partial:
            prefix = re.escape(fold(user_query.partial)) + ".*"
            for field in ("title", "headings", "tags"):
                clauses.append((t.Occur.Should, t.Query.boost_query(t.Query.regex_query(schema, field, prefix), 3.0)))
        if not clauses:
            return None
        query = t.Query.boolean_query(clauses)
        if exclude:
            query = t.Query.boolean_query([(t.Occur.Must, query), (t.Occur.MustNot, t.Query.term_query(schema, "locales", exclude))])
        return query

    def _search_index(self, locale, text, limit, exclude):
        query = self._query(text, locale, exclude)
        if query is None:
            return []
        searcher = self.searchers[locale]
        index = self.indexes[locale][0]
        snippets = self.tantivy.SnippetGenerator.create(searcher, query, index.schema, "body")
        hits = []
        for score, address in searcher.search(query, limit).hits:
            doc = searcher.doc(address)
            hits.append((doc["id"][0], score, snippets.snippet_from_doc(doc).to_html()))
        return hits

    def search(self, text, locale, limit=5):
        hits = self._search_index(locale, text, limit, None)
        if locale != DEFAULT_LOCALE:
            others = self._search_index(DEFAULT_LOCALE, text, limit, locale)
            hits = sorted(hits + [(i, s * 0.8, sn) for i, s, sn in others], key=lambda h: -h[1])[:limit]
        return [h[0] for h in hits]


class WhooshEngine:
    """The help center's own search: search.indexing and search.service."""

    def __init__(self, path: Path, locales: tuple[str, ...], *, cache: bool = False):
        self.path = Path(path)
        self.locales = locales
        self.cache = cache
        self.name = "kb + cache" if cache else "whoosh (kb)"
        self.index = None

    def build(self, articles: ArticleSet) -> None:
        from search.indexing import build_index

        build_index(articles, self.path, self.locales)

    def open(self) -> None:
        from search.service import SearchIndex

        from search.service import RESULT_CACHE_SIZE

        self.index = SearchIndex(self.path, self.locales, DEFAULT_LOCALE, cache_size=RESULT_CACHE_SIZE if self.cache else 0)

    def search(self, text, locale, limit=5):
        return [h.id for h in self.index.search(text, locale, limit)]


def peak_rss_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a live process, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu_count_note() -> str:
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, load average {load:.1f} at start"


# How update_index learns which files changed (see search/changes.py).
DETECTIONS = {
    "paths": "the caller names the file (kb index FILE, kb index --watch)",
    "git": "git diff + git status (the corpus committed in its own repository)",
    "scan": "stat every file (outside git)",
}


@contextlib.contextmanager
def detection(corpus, how):
    """Make update_index find the changed files ``how``."""
    if how == "git" and not (corpus / ".git").exists():
        started = time.perf_counter()
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
            subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-C", str(corpus), *args], check=True)
        print(f"committed the corpus to git in {time.perf_counter() - started:.1f} s")
    real = search.changes.git_snapshot
    if how == "scan":
        search.changes.git_snapshot = lambda root: None
    try:
        yield
    finally:
        search.changes.git_snapshot = real
