"""Rebuilding the index while several processes search it, as gunicorn workers do.

Every build writes a batch number into every article's title. A reader
process checks that each result set, and the article page read after it,
carry one batch number only: results from one generation, never a mix.
Builds alternate between full builds and incremental updates, the two ways
``kb index`` makes a generation.
"""

from __future__ import annotations

import multiprocessing
import re
import time

from kb.articles import load_articles
from search.indexing import build_index, update_index
from search.service import SearchIndex

from .conftest import write_article

LOCALES = ("en", "fr")
ARTICLES = 12
BUILDS = 8
READERS = 3


def write_batch(root, batch: int) -> None:
    for number in range(ARTICLES):
        write_article(
            root, f"en/a{number}.md",
            f"---\nid: a{number}\ntitle: Pineapple {number} batch{batch}\nrevision: {batch + 1}\n---\n"
            f"Pineapple care, batch {batch}, article {number}.\n",
        )
        if number % 2:  # half are translated: the other half come from the fallback
            write_article(
                root, f"fr/a{number}.md",
                f"---\nid: a{number}\ntitle: Pineapple {number} lot batch{batch}\nbased_on: {batch + 1}\n---\n"
                f"Ananas, lot {batch}, article {number}.\n",
            )


def reader(index_dir: str, stop, report, progress) -> None:
    """Search until told to stop; report (queries, batches seen, problems)."""
    index = SearchIndex(index_dir, LOCALES, "en", cache_size=0)
    queries, seen, problems = 0, set(), []
    while not stop.is_set() and len(problems) < 5:
        for text, locale in (("pineapple", "en"), ("pineapple", "fr"), ("pinea", "fr")):
            try:
                hits = index.search(text, locale, limit=20)
                batches = {re.search(r"batch(\d+)", h.title).group(1) for h in hits}
                if len(hits) != ARTICLES or len(batches) != 1:
                    problems.append(f"{text!r} in {locale}: {len(hits)} hits from batches {sorted(batches)}")
                    continue
                document = index.document(hits[0].locale, hits[0].id)
                # The page may come from a newer generation than the search,
                # never from an older one.
                page_batch = re.search(r"batch(\d+)", document["title"]).group(1)
                if int(page_batch) < int(next(iter(batches))):
                    problems.append(f"page from batch {page_batch} after results from batch {batches}")
                seen |= batches
                queries += 1
                with progress.get_lock():
                    progress.value += 1
            except Exception as exc:  # any error at all is a failure of the test
                problems.append(f"{type(exc).__name__}: {exc}")
    report.put((queries, sorted(seen), problems))


def test_readers_see_whole_generations_while_builds_switch(tmp_path):
    root, index_dir = tmp_path / "articles", tmp_path / "index"
    write_batch(root, 0)
    build_index(load_articles(root, LOCALES, "en"), index_dir, LOCALES)

    context = multiprocessing.get_context("spawn")
    stop, report, progress = context.Event(), context.Queue(), context.Value("i", 0)
    readers = [context.Process(target=reader, args=(str(index_dir), stop, report, progress)) for _ in range(READERS)]

    def wait_for_queries(count: int) -> None:
        """Let the readers search the generation just switched to (bounded wait)."""
        target, deadline = progress.value + count, time.monotonic() + 20
        while progress.value < target and time.monotonic() < deadline:
            time.sleep(0.05)

    for process in readers:
        process.start()
    try:
        wait_for_queries(READERS * 3)
        for batch in range(1, BUILDS + 1):
            write_batch(root, batch)
            if batch % 2:
                report_ = update_index(root, index_dir, LOCALES, "en")
                assert report_.incremental and report_.counts == {"en": ARTICLES, "fr": ARTICLES // 2}
            else:
                build_index(load_articles(root, LOCALES, "en"), index_dir, LOCALES)
            wait_for_queries(READERS * 3)
    finally:
        stop.set()
        results = [report.get(timeout=60) for _ in readers]
        for process in readers:
            process.join(timeout=30)

    for queries, seen, problems in results:
        assert problems == []
        assert queries > 0
        # The readers did follow the builds (the test could have failed).
        assert len(seen) >= 2, seen
    final = SearchIndex(index_dir, LOCALES, "en").search("pineapple", "fr", limit=20)
    assert {re.search(r"batch(\d+)", h.title).group(1) for h in final} == {str(BUILDS)}
