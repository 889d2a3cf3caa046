#!/usr/bin/env python3
"""Measure the Whoosh distribution installed in the *current* interpreter.

Whoosh is published on PyPI under several distribution names that all install
the same import package, ``whoosh`` (for example ``Whoosh==2.7.4``,
``Whoosh-Reloaded==2.7.5`` and ``whoosh3``).  This script does not install
anything: create one virtual environment per candidate, install the candidate
there, and run this file with that environment's ``python``::

    python benchmarks/whoosh_distributions.py            # everything
    python benchmarks/whoosh_distributions.py --only warnings concurrency
    python benchmarks/whoosh_distributions.py --docs 2000 --runs 1 --json out.json

It measures four things and prints one figure per line:

1. warnings     -- how many DeprecationWarning/SyntaxWarning the package's
                   modules emit when compiled from source (what a fresh
                   checkout, ``PYTHONDONTWRITEBYTECODE=1`` or a cleared
                   ``__pycache__`` will show), and whether
                   ``python -W error -c "import whoosh, ..."`` succeeds when the
                   modules are compiled fresh.  The installed files and their
                   ``__pycache__`` are never modified: compilation happens in
                   memory and the import check uses a throw-away
                   ``-X pycache_prefix`` directory.
2. concurrency  -- one writer process committing N times (adds + updates)
                   while several reader processes repeatedly open the index,
                   search, and call ``searcher.refresh()``; exceptions are
                   counted by type.  Then checks what a second writer gets
                   while the lock is held (``LockError``) and whether an
                   ``AsyncWriter`` queues its changes and commits later.
3. speed        -- indexing throughput (docs/s) of a synthetic corpus with
                   ``StemmingAnalyzer``, and the median latency of an OR query
                   of two terms, a three-letter prefix query and a
                   ``FuzzyTerm`` with ``maxdist=1``; each figure is the median
                   of several runs.
4. metadata     -- distribution name/version providing ``whoosh``, its
                   ``Requires-Python`` and Python classifiers.

Only the standard library and the installed ``whoosh`` are used.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

IMPORT_CHECK_MODULES = (
    "whoosh",
    "whoosh.index",
    "whoosh.fields",
    "whoosh.qparser",
    "whoosh.analysis",
    "whoosh.highlight",
    "whoosh.query",
    "whoosh.searching",
    "whoosh.writing",
    "whoosh.lang.snowball",
    "whoosh.support.levenshtein",
)

SECTIONS = ("metadata", "warnings", "concurrency", "speed")


# --------------------------------------------------------------------------
# metadata
# --------------------------------------------------------------------------


def whoosh_distribution() -> dict:
    """Return name, version, Requires-Python and Python classifiers of the
    distribution that provides the ``whoosh`` import package."""
    from importlib import metadata

    import whoosh

    info = {
        "whoosh_version": whoosh.versionstring(),
        "whoosh_path": str(Path(whoosh.__file__).parent),
        "python": sys.version.split()[0],
        "distribution": None,
        "distribution_version": None,
        "requires_python": None,
        "python_classifiers": [],
        "requires_dist": [],
        "maintainer": None,
        "author": None,
    }
    try:
        names = metadata.packages_distributions().get("whoosh", [])
    except Exception:  # pragma: no cover - very old importlib.metadata
        names = []
    if names:
        dist = metadata.distribution(names[0])
        md = dist.metadata
        info["distribution"] = md["Name"]
        info["distribution_version"] = dist.version
        info["requires_python"] = md.get("Requires-Python")
        info["python_classifiers"] = [
            c[len("Programming Language :: Python ::"):].strip()
            for c in (md.get_all("Classifier") or [])
            if c.startswith("Programming Language :: Python ::")
        ]
        info["requires_dist"] = [
            r for r in (md.get_all("Requires-Dist") or []) if "extra ==" not in r
        ]
        info["maintainer"] = md.get("Maintainer")
        info["author"] = md.get("Author") or md.get("Author-email")
    return info


# --------------------------------------------------------------------------
# 1. warnings
# --------------------------------------------------------------------------


def compile_warnings(package_dir: Path) -> list[dict]:
    """Compile every .py file of the package in memory with all warnings
    recorded; return one entry per warning."""
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        source = path.read_bytes()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                compile(source, str(path), "exec", dont_inherit=True)
            except SyntaxError as exc:  # would only happen if a warning is an error
                found.append(
                    {
                        "module": str(path.relative_to(package_dir.parent)),
                        "line": exc.lineno,
                        "category": "SyntaxError",
                        "message": str(exc.msg),
                    }
                )
                continue
        for w in caught:
            found.append(
                {
                    "module": str(path.relative_to(package_dir.parent)),
                    "line": w.lineno,
                    "category": w.category.__name__,
                    "message": str(w.message),
                }
            )
    return found


def import_check(modules: tuple[str, ...]) -> dict:
    """Run ``python -W error -c "import ..."`` in a subprocess with a fresh,
    empty bytecode cache so that compile-time warnings are raised."""
    stmt = "import " + ", ".join(modules)
    with tempfile.TemporaryDirectory(prefix="whoosh-pycache-") as cache:
        env = dict(os.environ)
        env.pop("PYTHONWARNINGS", None)
        cmd = [sys.executable, "-X", f"pycache_prefix={cache}", "-W", "error", "-c", stmt]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    return {
        "ok": proc.returncode == 0,
        "error": lines[-1] if lines else "",
    }


def run_warnings(args) -> dict:
    import whoosh

    package_dir = Path(whoosh.__file__).parent
    found = compile_warnings(package_dir)
    imp = import_check(IMPORT_CHECK_MODULES)
    return {
        "compile_warnings": len(found),
        "compile_warning_modules": sorted({w["module"] for w in found}),
        "details": found,
        "import_W_error_ok": imp["ok"],
        "import_W_error_message": imp["error"],
    }


# --------------------------------------------------------------------------
# helpers for synthetic data
# --------------------------------------------------------------------------


def make_vocabulary(size: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    words = set()
    while len(words) < size:
        n = rnd.randint(3, 10)
        words.add("".join(rnd.choice(string.ascii_lowercase) for _ in range(n)))
    return sorted(words)


def make_doc(rnd: random.Random, vocab: list[str], title_words: int, body_words: int):
    title = " ".join(rnd.choices(vocab, k=title_words))
    body = " ".join(rnd.choices(vocab, k=body_words))
    return title, body


def simple_schema():
    from whoosh.fields import ID, TEXT, Schema

    return Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT)


# --------------------------------------------------------------------------
# 2. one writer, many readers
# --------------------------------------------------------------------------


def _writer_proc(ixdir, commits, docs_per_commit, duration, vocab_size, seed, out):
    errors: dict[str, int] = {}
    done = 0
    try:
        from whoosh.index import open_dir

        vocab = make_vocabulary(vocab_size, seed)
        rnd = random.Random(seed + 1)
        ix = open_dir(ixdir)
        pause = duration / max(commits, 1)
        next_id = 10_000_000
        for _ in range(commits):
            start = time.monotonic()
            try:
                w = ix.writer(timeout=10.0)
                for _ in range(docs_per_commit):
                    title, body = make_doc(rnd, vocab, 6, 40)
                    if rnd.random() < 0.5:
                        # update one of the initial documents
                        w.update_document(id=str(rnd.randrange(200)), title=title, body=body)
                    else:
                        next_id += 1
                        w.add_document(id=str(next_id), title=title, body=body)
                w.commit()
                done += 1
            except Exception as exc:  # count and continue
                key = f"{type(exc).__name__}: {str(exc)[:80]}"
                errors[key] = errors.get(key, 0) + 1
            rest = pause - (time.monotonic() - start)
            if rest > 0:
                time.sleep(rest)
    except Exception as exc:
        key = f"{type(exc).__name__}: {str(exc)[:80]}"
        errors[key] = errors.get(key, 0) + 1
    out.put(("writer", {"commits": done, "errors": errors}))


def _reader_proc(ixdir, stop_at, vocab_size, seed, out):
    """Open the index again and again and search it; also keep one long-lived
    searcher that is only ever ``refresh()``-ed, and compare it with a freshly
    opened searcher whenever both see the same index generation."""
    errors: dict[str, int] = {}
    searches = opens = refreshes = compared = stale = 0
    worst = (0, 0)  # (refreshed doc_count, fresh doc_count) with the largest gap
    try:
        from whoosh.index import open_dir
        from whoosh.query import Or, Term

        vocab = make_vocabulary(vocab_size, seed)
        rnd = random.Random(os.getpid())

        def query():
            return Or([Term("body", rnd.choice(vocab)), Term("title", rnd.choice(vocab))])

        live = None
        while time.monotonic() < stop_at:
            stage = "open"
            try:
                ix = open_dir(ixdir)
                fresh = ix.searcher()
                opens += 1
                try:
                    stage = "search"
                    [hit["id"] for hit in fresh.search(query(), limit=10)]
                    searches += 1
                    stage = "refresh"
                    if live is None:
                        live = ix.searcher()
                    else:
                        live = live.refresh()
                        refreshes += 1
                    [hit["id"] for hit in live.search(query(), limit=10)]
                    searches += 1
                    if live.reader().generation() == fresh.reader().generation():
                        compared += 1
                        a, b = live.doc_count(), fresh.doc_count()
                        if a != b:
                            stale += 1
                            if abs(a - b) > abs(worst[0] - worst[1]):
                                worst = (a, b)
                finally:
                    fresh.close()
            except Exception as exc:
                key = f"{stage}: {type(exc).__name__}: {str(exc)[:80]}"
                errors[key] = errors.get(key, 0) + 1
                if stage == "refresh":
                    live = None
                time.sleep(0.01)
        if live is not None:
            live.close()
    except Exception as exc:
        key = f"setup: {type(exc).__name__}: {str(exc)[:80]}"
        errors[key] = errors.get(key, 0) + 1
    out.put(("reader", {"opens": opens, "searches": searches, "refreshes": refreshes,
                        "compared": compared, "stale": stale, "worst": worst,
                        "errors": errors}))


def _second_writer_proc(ixdir, out):
    """Runs while another process holds the write lock."""
    result = {}
    try:
        from whoosh.index import open_dir
        from whoosh.writing import AsyncWriter

        ix = open_dir(ixdir)
        try:
            w = ix.writer()  # default timeout=0.0
            result["plain_writer"] = "acquired (no lock contention?)"
            w.cancel()
        except Exception as exc:
            result["plain_writer"] = type(exc).__name__
        try:
            t0 = time.monotonic()
            aw = AsyncWriter(ix)
            aw.add_document(id="async-doc", title="queued by asyncwriter", body="async")
            aw.commit()
            result["async_commit_returned_s"] = round(time.monotonic() - t0, 3)
            if aw.is_alive():
                result["async_mode"] = "queued in background thread"
                aw.join(timeout=30)
            else:
                result["async_mode"] = "committed immediately"
            result["async_done"] = not aw.is_alive()
        except Exception as exc:
            result["async_error"] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    out.put(("second", result))


def run_concurrency(args) -> dict:
    from whoosh.index import create_in, open_dir

    ctx = mp.get_context(args.start_method) if args.start_method else mp.get_context()
    base = Path(tempfile.mkdtemp(prefix="whoosh-conc-", dir=args.workdir))
    try:
        ixdir = str(base / "ix")
        os.makedirs(ixdir)
        ix = create_in(ixdir, simple_schema())
        vocab = make_vocabulary(args.vocab, args.seed)
        rnd = random.Random(args.seed)
        w = ix.writer()
        for i in range(200):
            title, body = make_doc(rnd, vocab, 6, 40)
            w.add_document(id=str(i), title=title, body=body)
        w.commit()
        ix.close()

        out = ctx.Queue()
        stop_at = time.monotonic() + args.duration
        procs = [
            ctx.Process(
                target=_writer_proc,
                args=(ixdir, args.commits, args.docs_per_commit, args.duration,
                      args.vocab, args.seed, out),
            )
        ]
        for _ in range(args.readers):
            procs.append(
                ctx.Process(
                    target=_reader_proc,
                    args=(ixdir, stop_at + 1.0, args.vocab, args.seed, out),
                )
            )
        for p in procs:
            p.start()
        results = [out.get(timeout=args.duration + 120) for _ in procs]
        for p in procs:
            p.join(timeout=30)

        writer = next(r for kind, r in results if kind == "writer")
        readers = [r for kind, r in results if kind == "reader"]
        reader_errors: dict[str, int] = {}
        for r in readers:
            for k, v in r["errors"].items():
                reader_errors[k] = reader_errors.get(k, 0) + v

        ix = open_dir(ixdir)
        with ix.searcher() as s:
            final_docs = s.doc_count()
            ids = [f["id"] for f in s.all_stored_fields()]
        duplicates = len(ids) - len(set(ids))
        segments = len(ix._segments()) if hasattr(ix, "_segments") else None

        # second writer while the lock is held by this process
        holder = ix.writer()
        holder.add_document(id="holder-doc", title="held", body="held")
        q2 = ctx.Queue()
        p2 = ctx.Process(target=_second_writer_proc, args=(ixdir, q2))
        p2.start()
        time.sleep(args.hold)
        holder.commit()
        second = q2.get(timeout=120)[1]
        p2.join(timeout=30)
        with open_dir(ixdir).searcher() as s:
            second["async_doc_visible"] = s.document(id="async-doc") is not None

        return {
            "writer_commits": writer["commits"],
            "writer_errors": sum(writer["errors"].values()),
            "writer_error_types": writer["errors"],
            "reader_opens": sum(r["opens"] for r in readers),
            "reader_searches": sum(r["searches"] for r in readers),
            "reader_refreshes": sum(r["refreshes"] for r in readers),
            "refresh_compared": sum(r["compared"] for r in readers),
            "refresh_stale": sum(r["stale"] for r in readers),
            "refresh_worst": max((r["worst"] for r in readers), key=lambda w: abs(w[0] - w[1])),
            "reader_errors": sum(reader_errors.values()),
            "reader_error_types": reader_errors,
            "final_doc_count": final_docs,
            "duplicate_ids": duplicates,
            "final_segments": segments,
            "second_writer": second,
        }
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------
# 3. speed
# --------------------------------------------------------------------------


class _QueryTimeout(Exception):
    pass


class _time_limit:
    """Abort the enclosed block after ``seconds`` using SIGALRM (POSIX main
    thread only; elsewhere the block simply runs without a limit).  Whoosh
    2.7.4 can loop forever in ``AndMaybeMatcher.skip_to_quality`` on some
    plain OR queries, so the speed test needs a guard."""

    def __init__(self, seconds: float):
        import threading

        self.seconds = seconds
        self.active = (
            seconds > 0
            and hasattr(signal, "SIGALRM")
            and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.active:
            self._old = signal.signal(signal.SIGALRM, self._raise)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise _QueryTimeout()

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)
        return False


def _one_speed_run(args, run: int) -> dict:
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.index import create_in
    from whoosh.query import FuzzyTerm, Or, Prefix, Term

    ana = StemmingAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=ana),
        body=TEXT(analyzer=ana),
    )
    vocab = make_vocabulary(args.vocab, args.seed)
    rnd = random.Random(args.seed + run)
    docs = [make_doc(rnd, vocab, args.title_words, args.body_words) for _ in range(args.docs)]

    base = Path(tempfile.mkdtemp(prefix="whoosh-speed-", dir=args.workdir))
    try:
        ix = create_in(str(base), schema)
        t0 = time.perf_counter()
        w = ix.writer(limitmb=args.limitmb)
        for i, (title, body) in enumerate(docs):
            w.add_document(id=str(i), title=title, body=body)
        w.commit()
        index_s = time.perf_counter() - t0

        def stem(word):
            return next(iter(ana(word))).text

        qrnd = random.Random(args.seed + 1000 + run)
        queries = {
            "or2": [
                Or([Term("body", stem(qrnd.choice(vocab))), Term("body", stem(qrnd.choice(vocab)))])
                for _ in range(args.queries)
            ],
            "prefix3": [Prefix("body", qrnd.choice(vocab)[:3]) for _ in range(args.queries)],
        }
        fuzzy = []
        for _ in range(args.queries):
            word = stem(qrnd.choice(vocab))
            pos = qrnd.randrange(len(word))
            typo = word[:pos] + qrnd.choice(string.ascii_lowercase) + word[pos + 1:]
            fuzzy.append(FuzzyTerm("body", typo, maxdist=1, prefixlength=0))
        queries["fuzzy1"] = fuzzy

        medians = {}
        timeouts = {}
        with ix.searcher() as s:
            for name, qs in queries.items():
                times = []
                timeouts[name] = 0
                for q in qs:
                    t = time.perf_counter()
                    try:
                        with _time_limit(args.query_timeout):
                            r = s.search(q, limit=args.limit)
                            r.scored_length()
                    except _QueryTimeout:
                        timeouts[name] += 1
                        continue
                    times.append(time.perf_counter() - t)
                medians[name] = statistics.median(times) * 1000.0 if times else float("nan")
        ix.close()
        return {
            "docs_per_s": args.docs / index_s,
            **{f"{k}_ms": v for k, v in medians.items()},
            **{f"{k}_timeouts": v for k, v in timeouts.items()},
        }
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_speed(args) -> dict:
    runs = [_one_speed_run(args, i) for i in range(args.runs)]
    keys = [k for k in runs[0] if not k.endswith("_timeouts")]
    return {
        "runs": runs,
        **{k: statistics.median(r[k] for r in runs) for k in keys},
        **{k: sum(r[k] for r in runs) for k in runs[0] if k.endswith("_timeouts")},
    }


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=(
            "Measure the Whoosh distribution installed in this interpreter: "
            "compile/import warnings, one-writer/many-readers robustness, "
            "indexing and query speed. Installs nothing; run it once per "
            "virtual environment."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS),
                   help="run only these sections")
    p.add_argument("--seed", type=int, default=42,
                   help="random seed for the synthetic vocabulary, documents and queries")
    p.add_argument("--vocab", type=int, default=5000,
                   help="number of distinct synthetic words in the vocabulary")
    p.add_argument("--workdir", default=None,
                   help="directory for temporary indexes (None = the system temp dir)")
    p.add_argument("--keep", action="store_true",
                   help="keep the concurrency test's index directory for inspection")
    g = p.add_argument_group("concurrency (one writer, many readers)")
    g.add_argument("--readers", type=int, default=4,
                   help="number of reader processes")
    g.add_argument("--commits", type=int, default=50,
                   help="number of commits the writer process makes")
    g.add_argument("--docs-per-commit", type=int, default=20,
                   help="documents added or updated per commit (about half are updates)")
    g.add_argument("--duration", type=float, default=20.0,
                   help="seconds the readers run; the writer spreads its commits over this time")
    g.add_argument("--hold", type=float, default=1.5,
                   help="seconds the main process holds the write lock during the second-writer test")
    g.add_argument("--start-method", choices=("fork", "spawn", "forkserver"), default=None,
                   help="multiprocessing start method (None = the platform default)")
    g = p.add_argument_group("speed")
    g.add_argument("--docs", type=int, default=10_000,
                   help="number of synthetic documents to index")
    g.add_argument("--body-words", type=int, default=150,
                   help="words per document body")
    g.add_argument("--title-words", type=int, default=6,
                   help="words per document title")
    g.add_argument("--queries", type=int, default=200,
                   help="queries per query type (median latency is reported)")
    g.add_argument("--runs", type=int, default=3,
                   help="independent index builds; each figure is the median over runs")
    g.add_argument("--limit", type=int, default=10,
                   help="number of top hits each search collects")
    g.add_argument("--query-timeout", type=float, default=5.0,
                   help="seconds after which one search is abandoned and counted as a timeout "
                        "(0 = no limit; needs SIGALRM, i.e. not on Windows)")
    g.add_argument("--limitmb", type=int, default=128,
                   help="writer memory limit in MB (IndexWriter limitmb)")
    p.add_argument("--json", metavar="FILE", default=None,
                   help="also write all results (including per-warning details) to this JSON file")
    p.add_argument("--verbose", action="store_true",
                   help="print every compile warning and every error type")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        import whoosh  # noqa: F401
    except ImportError as exc:
        print(f"whoosh is not importable in {sys.executable}: {exc}", file=sys.stderr)
        return 2

    results: dict = {"metadata": whoosh_distribution()}
    md = results["metadata"]
    print(f"distribution      : {md['distribution']} {md['distribution_version']} "
          f"(whoosh {md['whoosh_version']}) on Python {md['python']}")
    print(f"requires_python   : {md['requires_python']}")
    print(f"py classifiers    : {', '.join(md['python_classifiers']) or '-'}")
    print(f"runtime deps      : {', '.join(md['requires_dist']) or '-'}")
    print(f"maintainer/author : {md['maintainer'] or '-'} / {md['author'] or '-'}")

    if "warnings" in args.only:
        r = results["warnings"] = run_warnings(args)
        print(f"compile warnings  : {r['compile_warnings']} in "
              f"{len(r['compile_warning_modules'])} modules "
              f"{r['compile_warning_modules'] if r['compile_warning_modules'] else ''}")
        print(f"import -W error   : {'ok' if r['import_W_error_ok'] else 'FAILS: ' + r['import_W_error_message']}")
        if args.verbose:
            for w in r["details"]:
                print(f"    {w['module']}:{w['line']}: {w['category']}: {w['message']}")

    if "concurrency" in args.only:
        try:
            r = results["concurrency"] = run_concurrency(args)
            print(f"writer            : {r['writer_commits']}/{args.commits} commits, "
                  f"{r['writer_errors']} errors")
            print(f"readers           : {r['reader_opens']} opens, {r['reader_searches']} searches, "
                  f"{r['reader_errors']} errors")
            print(f"refresh()         : {r['reader_refreshes']} refreshes; {r['refresh_stale']} of "
                  f"{r['refresh_compared']} same-generation checks disagreed with a freshly "
                  f"opened searcher (doc_count); worst: refreshed {r['refresh_worst'][0]} vs "
                  f"fresh {r['refresh_worst'][1]} docs")
            for k, v in sorted(r["reader_error_types"].items(), key=lambda kv: -kv[1]):
                if args.verbose or v:
                    print(f"    {v:6d} x {k}")
            print(f"final index       : {r['final_doc_count']} docs, {r['final_segments']} segments, "
                  f"{r['duplicate_ids']} duplicate ids (an id updated twice in one commit "
                  f"stays duplicated)")
            sw = r["second_writer"]
            print(f"second writer     : ix.writer() -> {sw.get('plain_writer')}; AsyncWriter -> "
                  f"{sw.get('async_mode', sw.get('async_error'))}, doc visible after commit: "
                  f"{sw.get('async_doc_visible')}")
        except Exception:
            traceback.print_exc()
            results["concurrency"] = {"error": traceback.format_exc()}

    if "speed" in args.only:
        r = results["speed"] = run_speed(args)
        print(f"indexing          : {r['docs_per_s']:.0f} docs/s "
              f"(median of {args.runs}, {args.docs} docs x {args.body_words} words)")
        for name, label in (("or2", "query or2 (median)"), ("prefix3", "query prefix3     "),
                            ("fuzzy1", "query fuzzy1      ")):
            extra = ""
            if r[f"{name}_timeouts"]:
                extra = (f"  ({r[f'{name}_timeouts']} of {args.queries * args.runs} queries "
                         f"exceeded {args.query_timeout:g} s and were abandoned)")
            print(f"{label}: {r[f'{name}_ms']:.2f} ms{extra}")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
