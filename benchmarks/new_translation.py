"""An update that publishes, then removes, a translation: ``kb index FILE`` when an article appears.

``build.py --updates`` times body edits, which keep the generation's learnt
word translations; a new translation changes which articles a locale has, so
the pairs of languages it belongs to are learnt again from every stored title
and heading of both locales. This script times that on the indexes an earlier
``build.py`` run left (same ``--per-locale/--locales/--seed``): a French copy
of an English article that has no French version is written, the update run
with the file named, then the file removed and the update run again.

    python benchmarks/new_translation.py --per-locale 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from common import DEFAULT_LOCALE, add_corpus_arguments, cpu_count_note, ensure_corpus, parse_locales

from search.indexing import update_index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--repeat", type=int, default=3, help="Times to publish and remove the translation (default: %(default)s).")
    parser.add_argument("--to", default="fr", help="Locale of the translation (default: %(default)s).")
    args = parser.parse_args(argv)
    locales = parse_locales(args.locales)
    if args.to not in locales or args.to == DEFAULT_LOCALE:
        parser.error(f"--to: one of {', '.join(loc for loc in locales if loc != DEFAULT_LOCALE)}")
    print(f"# {cpu_count_note()}")
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    base = args.work / f"indexes-{corpus.name}"
    if not (base / ".complete").exists():
        parser.error(f"no complete indexes in {base}: run build.py with the same corpus options first")
    translated = {p.stem for p in corpus.joinpath(args.to).rglob("*.md")}
    source = next(p for p in sorted(corpus.joinpath(DEFAULT_LOCALE).rglob("*.md")) if p.stem not in translated)
    target = corpus / args.to / source.relative_to(corpus / DEFAULT_LOCALE)
    text = source.read_text(encoding="utf-8").replace("revision: 1", "based_on: 1")
    timings = {"publish": [], "remove": []}
    try:
        for _ in range(args.repeat):
            for step in ("publish", "remove"):
                if step == "publish":
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
                else:
                    target.unlink()
                started, started_cpu = time.perf_counter(), time.process_time()
                report = update_index(corpus, base / "whoosh", locales, DEFAULT_LOCALE, [target])
                timings[step].append((time.perf_counter() - started, time.process_time() - started_cpu))
                assert report.incremental, report
    finally:  # the corpus as generated
        if target.exists():
            target.unlink()
            update_index(corpus, base / "whoosh", locales, DEFAULT_LOCALE, [target])
    print(f"# load average after: {os.getloadavg()[0]:.1f}")
    print(f"update naming one {args.to} translation of {source.stem}, median of {args.repeat}:")
    for step, values in timings.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"  {step:<8} {wall * 1000:8.0f} ms wall, CPU {cpu * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
