"""Cold starts, named-query latency on the embedded store, and served throughput under
concurrent clients.

    python benchmarks/bench_queries.py [--runs 20] [--clients 10] [--seconds 10]
                                       [--cold-runs 7]
    python benchmarks/bench_queries.py --load-only --clients 200 --seconds 20   # the load test

Cold starts: the real catalog's `build --force`, a no-op `build`, `query NAME` and `serve`
to its first answer, each in --cold-runs fresh processes (median and range). Latency: every
named query run --runs times on an embedded pyoxigraph store built from the catalog (median
and p95 per query). Load: --clients threads send the named queries to a `llm4rec-kg serve`
process on 127.0.0.1 for --seconds, answered from the cache, then each new to it; then
--heavy clients send a query that runs to the time limit while 10 clients send light ones.
Every loop is bounded and stops itself; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from llm4rec_kg import pipeline
from llm4rec_kg.sparql import engines, queries

ROOT = Path(__file__).resolve().parent.parent


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _p95(values: list[float]) -> float:
    return _percentile(values, 0.95)


def latency(runs: int) -> None:
    graph = pipeline.validate(ROOT / "catalog").graph
    engine = engines.EmbeddedEngine(engines.store_from_graph(graph))
    print(f"Embedded named-query latency, {runs} runs each ({len(graph)} triples)")
    medians = []
    for name, named in queries.load_all().items():
        bindings = named.bindings({})
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            engine.run(named.text, bindings)
            times.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(times))
        print(f"  {name:<28} median {statistics.median(times):7.2f} ms   p95 {_p95(times):7.2f} ms")
    print(f"  {'all queries':<28} median of medians {statistics.median(medians):.2f} ms")


def cold_start(runs: int) -> None:
    """A fresh process each time: `build --force` of the real catalog, a no-op `build`,
    `query NAME` to its answer, and `serve` to its first. The builds write into a copy of
    exports/, never into it."""
    command = [sys.executable, "-m", "llm4rec_kg"]
    pipeline.build(ROOT / "catalog", ROOT / "exports")  # query and serve read fresh exports
    times: dict[str, list[float]] = {}

    def timed(name: str, args: list[str]) -> None:
        started = time.perf_counter()
        subprocess.run([*command, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.setdefault(name, []).append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "exports"
        shutil.copytree(ROOT / "exports", out)
        build = ["build", "--out", str(out), "--quiet"]
        for _ in range(runs):
            timed("build --force", [*build, "--force", "--no-changelog"])
            timed("build (no-op)", build)
            timed("query papers-per-llm", ["query", "papers-per-llm"])
            started = time.perf_counter()
            process = subprocess.Popen(
                [*command, "serve", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
            )
            try:
                assert process.stdout is not None
                base = process.stdout.readline().split()[2]
                ask = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
                urllib.request.urlopen(f"{base}?query={ask}", timeout=30).read()
                times.setdefault("serve to first answer", []).append(time.perf_counter() - started)
            finally:
                process.terminate()
                process.wait(timeout=10)
    print(f"Cold start, {runs} fresh processes each (median, range):")
    for name, seconds in times.items():
        print(
            f"  {name:22} {statistics.median(seconds):.2f} s   "
            f"{min(seconds):.2f}-{max(seconds):.2f} s"
        )


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "llm4rec_kg", "serve", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().split()[2]


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the query workers), in MiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.is_file():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class _Load:
    """Threads sending requests until a deadline; latencies and errors by kind."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}

    def client(self, kind: str, urls: list[str], offset: int, unique: bool) -> None:
        turn = offset
        while time.monotonic() < self.deadline:
            url = urls[turn % len(urls)]
            if unique:  # a comment makes each text new to the answer cache
                url += quote(f"\n# {offset}-{turn}")
            turn += 1
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as err:
                status = err.code
            except OSError:
                status = 0
            took = (time.perf_counter() - started) * 1000
            with self.lock:
                self.statuses.setdefault(kind, {}).setdefault(status, 0)
                self.statuses[kind][status] += 1
                if status == 200:
                    self.latencies.setdefault(kind, []).append(took)

    def run(self, plan: list[tuple[str, list[str], bool]]) -> float:
        threads = [
            threading.Thread(target=self.client, args=(kind, urls, n, unique))
            for n, (kind, urls, unique) in enumerate(plan)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def report(self, kind: str, elapsed: float) -> None:
        times = self.latencies.get(kind, [0.0])
        statuses = self.statuses.get(kind, {})
        errors = sum(n for status, n in statuses.items() if status != 200)
        print(
            f"  {kind:<10} {len(self.latencies.get(kind, [])) / elapsed:8.1f} req/s  "
            f"{errors} errors {dict(sorted(statuses.items()))}  "
            f"median {statistics.median(times):.1f} ms  p99 {_percentile(times, 0.99):.1f} ms"
        )


def throughput(clients: int, seconds: float) -> None:
    """--clients threads on the named queries, answered from the cache and then each one
    new (every request a text the cache has not seen, so a worker runs it)."""
    process, base = _serve()
    try:
        urls = [
            f"{base}?query={quote(queries.with_values(q.text, q.bindings({})))}"
            for q in queries.load_all().values()
        ]
        for url in urls:
            urllib.request.urlopen(url, timeout=30).read()
        print(f"Served load: {clients} clients, {seconds:g} s each, {len(urls)} named queries")
        for kind, unique in (("cached", False), ("uncached", True)):
            load = _Load(seconds)
            elapsed = load.run([(kind, urls, unique)] * clients)
            load.report(kind, elapsed)
        print(f"  server memory after the runs: {_rss_mib(process.pid):.0f} MiB (with workers)")
    finally:
        process.terminate()
        process.wait(timeout=10)


def heavy_and_light(heavy: int, light: int, seconds: float) -> None:
    """Heavy queries (each stopped at the 5 s limit) sent without pause while light ones,
    new to the cache, are asked: the light ones' latency is what fairness is."""
    process, base = _serve("--timeout", "5", "--max-heavy", str(heavy))
    try:
        heavy_url = [f"{base}?query={quote(HEAVY)}"]
        light_urls = [
            f"{base}?query={quote(q)}"
            for q in ("ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s a ?c } LIMIT 5")
        ]
        load = _Load(seconds)
        plan = [("heavy", heavy_url, True)] * heavy + [("light", light_urls, True)] * light
        elapsed = load.run(plan)
        print(f"Fairness: {heavy} heavy clients and {light} light ones for {elapsed:.1f} s")
        load.report("light", elapsed)
        load.report("heavy", elapsed)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cold-runs", type=int, default=7, help="fresh processes per command")
    parser.add_argument("--heavy", type=int, default=6, help="heavy clients in the fairness run")
    parser.add_argument("--load-only", action="store_true", help="only the served load runs")
    args = parser.parse_args()
    if not args.load_only:
        cold_start(args.cold_runs)
        latency(args.runs)
    throughput(args.clients, args.seconds)
    heavy_and_light(args.heavy, 10, args.seconds)


if __name__ == "__main__":
    main()
