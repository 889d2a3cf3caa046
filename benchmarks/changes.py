"""Finding the changed files at scale: the part of ``kb index --changed`` that grows with the corpus.

An update of one article costs two things: finding which files changed and
rewriting the manifest (which grow with the number of files), and
re-indexing the article in each locale (which does not). This script times
the first at any size without building the Whoosh indexes (a six-locale
build of 50 000 articles each takes half an hour): it makes the manifest a
full build would make from a stat of every file, commits the corpus to git
(in its own repository, once), then, for each of ``--repeat`` edited
articles, times ``search.changes.find_changes`` for each way of finding the
changes (``--detect``) and writing the next generation's manifest.
``build.py --updates`` times whole updates, Whoosh included.

    python benchmarks/changes.py --per-locale 50000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import DEFAULT_LOCALE, DETECTIONS, add_corpus_arguments, cpu_count_note, detection, ensure_corpus, parse_locales

import search.changes
from search.changes import find_changes, markdown_files
from search.manifest import MANIFEST, MANIFEST_VERSION, Manifest


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (git)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="Edited articles to time; medians are reported (default: %(default)s).")
    parser.add_argument("--detect", default=",".join(DETECTIONS), help="Ways to time, comma-separated (default: %(default)s).")
    args = parser.parse_args(argv)
    locales = parse_locales(args.locales)
    detections = tuple(d.strip() for d in args.detect.split(",") if d.strip())
    print(f"# {cpu_count_note()}")
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    if "git" in detections:
        with detection(corpus, "git"):
            pass
    snapshot = search.changes.git_snapshot(corpus)

    started = time.perf_counter()
    on_disk = markdown_files(corpus)
    files = {path: (Path(path).relative_to(corpus).parts[0], Path(path).stem, *stat) for path, stat in on_disk.items()}
    print(f"{len(files)} files stat-ed in {time.perf_counter() - started:.2f} s")
    meta = {"version": MANIFEST_VERSION, "locales": list(locales), "default_locale": DEFAULT_LOCALE,
            "git_commit": snapshot.commit if snapshot else None}
    victims = sorted(corpus.joinpath(DEFAULT_LOCALE).rglob("*.md"))[: args.repeat]
    timings = {how: [] for how in detections}
    cpu = {how: [] for how in detections}
    writes = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        started = time.perf_counter()
        Manifest.create(work / MANIFEST, meta, files, {}, snapshot.dirty if snapshot else ())
        print(f"manifest of {len(files)} files written in {time.perf_counter() - started:.2f} s "
              f"({(work / MANIFEST).stat().st_size / 1e6:.1f} MB)")
        for number, path in enumerate(victims):
            text, before = path.read_text(encoding="utf-8"), path.stat()
            path.write_text(text + f"\nEdited for the benchmark, pass {number}.\n", encoding="utf-8")
            try:
                for how in detections:
                    with detection(corpus, how), Manifest(work / MANIFEST) as manifest:
                        started, started_cpu = time.perf_counter(), cpu_seconds()
                        changes = find_changes(corpus, manifest, [path] if how == "paths" else None)
                        timings[how].append(time.perf_counter() - started)
                        cpu[how].append(cpu_seconds() - started_cpu)
                    assert changes.changed == [str(path)], (how, changes.changed[:3])
                stat = path.stat()
                started = time.perf_counter()
                Manifest.copy_and_update(
                    work / MANIFEST, work / f"next-{number}", remove=[str(path)],
                    files={str(path): (DEFAULT_LOCALE, path.stem, stat.st_mtime_ns, stat.st_size)},
                    vocabularies={}, meta=meta, watched=[],
                )
                writes.append(time.perf_counter() - started)
                (work / f"next-{number}").unlink()
            finally:  # as it was, time included, so that the next pass's scan sees one change
                path.write_text(text, encoding="utf-8")
                os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    print()
    print(f"one edited article among {len(files)} files, median of {len(victims)}:")
    for how in detections:
        print(f"  find the changed files, {how:<5} {statistics.median(timings[how]) * 1000:8.0f} ms, "
              f"CPU {statistics.median(cpu[how]) * 1000:6.0f} ms  ({DETECTIONS[how]})")
    print(f"  copy and update the manifest    {statistics.median(writes) * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
