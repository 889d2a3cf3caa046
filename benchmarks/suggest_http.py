"""Suggest over HTTP through ``kb serve``: latency and requests/s at 1, 8 and 32 clients.

Starts ``kb serve`` (gunicorn, its default workers and threads) on a free
loopback port over the index that ``benchmarks/build.py`` made, then runs
``wrk`` (Debian package ``wrk``: ``apt-get install -y wrk``; this script
installs it with apt-get when it is missing and it runs as root) for each
client count. Each request is a typed query from ``common.typed_queries``,
in every locale, in a fixed order. Afterwards it reads the peak resident
memory (VmHWM) of each gunicorn worker from /proc.

With ``--record on`` each request carries a contact-flow id, as the contact
page's script sends it, so the server records the search for the deflection
analytics (one insert per pause, updates while a flow keeps typing: four
consecutive queries of a locale form one flow). ``--record both`` measures
each client count without and then with recording, on the same server;
``--record abba`` measures off, on, on, off, so that a load rising or falling
during the run (other work on a shared machine) weighs on both alike.

Traffic goes to 127.0.0.1 only; each run is bounded by --duration.

    python benchmarks/suggest_http.py --per-locale 10000 --clients 1,8,32 --duration 15
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import (
    ROOT,
    add_corpus_arguments,
    cpu_count_note,
    ensure_corpus,
    parse_locales,
    peak_rss_kb,
    typed_queries,
)

# wrk's Lua hooks: requests from a file of paths, and its own latency
# histogram read out at p50/p95/p99 (microseconds) in JSON.
WRK_SCRIPT = """
local paths = {}
local counter = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  counter = math.random(#paths)
end
function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
function done(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def locate_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("# wrk not found: installing the Debian package with apt-get", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.extend(int(p) for p in children)
    return pids


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_arguments(parser)
    parser.add_argument("--clients", default="1,8,32", help="Comma-separated concurrent client counts (default: %(default)s).")
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per client count (default: %(default)s).")
    parser.add_argument("--workers", type=int, default=2, help="kb serve --workers (default: %(default)s, kb serve's default).")
    parser.add_argument("--threads", type=int, default=4, help="kb serve --threads (default: %(default)s, kb serve's default).")
    parser.add_argument("--queries", type=int, default=200, help="Distinct typed queries per locale (default: %(default)s).")
    parser.add_argument("--record", choices=("off", "on", "both", "abba"), default="off",
                        help="Send contact-flow ids so that searches are recorded for analytics: off, on, both in turn, "
                             "or abba (off, on, on, off) (default: %(default)s).")
    args = parser.parse_args(argv)
    locales = parse_locales(args.locales)
    clients = [int(c) for c in args.clients.split(",")]
    print(f"# {cpu_count_note()}")
    wrk = locate_wrk()
    corpus = ensure_corpus(args.work, args.per_locale, locales, args.seed)
    index_dir = args.work / f"indexes-{corpus.name}" / "whoosh"
    if not (index_dir / "CURRENT").exists():
        raise SystemExit(f"no index in {index_dir}: run benchmarks/build.py with the same options first")

    paths, recorded_paths = [], []
    for number in range(args.queries):
        for locale in locales:
            text = typed_queries(locale, args.queries, args.seed)[number]
            paths.append("/api/suggest?" + urllib.parse.urlencode({"q": text, "lang": locale}))
            flow = hashlib.sha256(f"{args.seed}:{locale}:{number // 4}".encode()).hexdigest()[:32]
            recorded_paths.append("/api/suggest?" + urllib.parse.urlencode({"q": text, "lang": locale, "flow": flow}))
    work = Path(tempfile.mkdtemp(prefix="kb-http-bench-"))
    (work / "paths.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
    (work / "recorded.txt").write_text("\n".join(recorded_paths) + "\n", encoding="utf-8")
    modes = {
        "off": ["paths.txt"], "on": ["recorded.txt"], "both": ["paths.txt", "recorded.txt"],
        "abba": ["paths.txt", "recorded.txt", "recorded.txt", "paths.txt"],
    }[args.record]
    (work / "suggest.lua").write_text(WRK_SCRIPT, encoding="utf-8")

    port = free_port()
    env = {
        **os.environ,
        "KB_INSTANCE_DIR": str(work / "instance"),
        "KB_ARTICLES_DIR": str(corpus),
        "KB_INDEX_DIR": str(index_dir),
        "KB_LOCALES": ",".join(locales),
        # wrk sends everything from one address: the per-client limit stays
        # on (its cost is part of a request) but high enough not to refuse.
        "KB_SUGGEST_RATE_LIMIT": "1000000 per minute",
    }
    kb = Path(sys.executable).with_name("kb")
    log = open(work / "serve.log", "w")
    server = subprocess.Popen(
        [str(kb), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
         "--threads", str(args.threads), "--no-index"],
        env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT,
    )
    results = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + paths[0], timeout=5) as response:
                    json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"kb serve did not answer; see {work / 'serve.log'}")
                time.sleep(0.5)
        # Warm every worker's searchers before timing.
        subprocess.run([wrk, "-t1", "-c4", "-d8s", "-s", str(work / "suggest.lua"), base, "--", str(work / "paths.txt")],
                       check=True, capture_output=True)
        for count in clients:
            threads = min(count, 2)
            for mode in modes:
                run = subprocess.run(
                    [wrk, f"-t{threads}", f"-c{count}", f"-d{args.duration}s", "--timeout", "10s",
                     "-s", str(work / "suggest.lua"), base, "--", str(work / mode)],
                    check=True, capture_output=True, text=True,
                )
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                results.append((count, "on" if mode == "recorded.txt" else "off", figures))
        workers = worker_pids(server.pid)
        rss = [peak_rss_kb(pid) for pid in workers]
        with sqlite3.connect(work / "instance" / "kb.sqlite3") as db:
            recorded = db.execute("SELECT count(*) FROM analytics_events WHERE kind = 'search'").fetchone()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    print()
    print(f"suggest over HTTP: kb serve --workers {args.workers} --threads {args.threads}, "
          f"{args.per_locale} articles per locale, {len(paths)} distinct requests, wrk {args.duration} s per line")
    print(f"{'clients':>7} {'record':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for count, mode, f in results:
        print(f"{count:7d} {mode:>6} {f['requests'] / f['seconds']:8.0f} {f['p50'] / 1000:8.1f} {f['p95'] / 1000:8.1f} "
              f"{f['p99'] / 1000:8.1f} {f['errors'] + f['non2xx']:7d}")
    if args.record != "off":
        print(f"analytics: {recorded} search events recorded from {sum(f['requests'] for _c, m, f in results if m == 'on')} recorded requests")
    print(f"peak RSS per worker: {', '.join(f'{kb_ // 1024} MB' for kb_ in rss)}")
    shutil.rmtree(work, ignore_errors=True)
    if any(f["errors"] or f["non2xx"] for _c, _m, f in results):
        print("some requests failed or were refused: these figures do not measure suggestions")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
