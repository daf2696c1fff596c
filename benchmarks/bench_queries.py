"""Cold starts, named-query latency on the embedded store, and served throughput under
concurrent clients.

    python benchmarks/bench_queries.py [--runs 20] [--clients 10] [--seconds 10]
                                       [--cold-runs 7]
    python benchmarks/bench_queries.py --runs 3 --clients 50 --seconds 20   # the load test

Cold starts: the real catalog's `build --force`, a no-op `build`, `query NAME` and `serve`
to its first answer, each in --cold-runs fresh processes (median and range). Latency: every
named query run --runs times on an embedded pyoxigraph store built from the catalog (median
and p95 per query). Throughput: --clients threads send a named query to a
`llm4rec-kg serve` process on 127.0.0.1 for --seconds; the loop is bounded and stops itself.
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


def throughput(clients: int, seconds: float) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "llm4rec_kg", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().split()[2]
        # Every named query, with its default parameters bound, in turn.
        urls = [
            f"{base}?query={quote(queries.with_values(q.text, q.bindings({})))}"
            for q in queries.load_all().values()
        ]
        for url in urls:
            urllib.request.urlopen(url, timeout=30).read()
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def client(offset: int) -> None:
            turn = offset
            while time.monotonic() < deadline:
                url = urls[turn % len(urls)]
                turn += 1
                started = time.perf_counter()
                try:
                    urllib.request.urlopen(url, timeout=30).read()
                except OSError:
                    with lock:
                        errors[0] += 1
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        print(
            f"Served throughput: {clients} concurrent clients for {elapsed:.1f} s "
            f"({len(urls)} named queries in turn, JSON results, default 2 workers, "
            "answers cached after their first run)"
        )
        print(
            f"  {len(latencies) / elapsed:8.1f} requests/s, {errors[0]} errors, "
            f"median {statistics.median(latencies):.1f} ms, p95 {_p95(latencies):.1f} ms, "
            f"p99 {_percentile(latencies, 0.99):.1f} ms"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cold-runs", type=int, default=7, help="fresh processes per command")
    args = parser.parse_args()
    cold_start(args.cold_runs)
    latency(args.runs)
    throughput(args.clients, args.seconds)


if __name__ == "__main__":
    main()
