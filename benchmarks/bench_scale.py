"""How the build scales: synthetic catalogs of 1k, 10k and 100k papers, built cold.

    python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--runs 1] [--markdown]
                                     [--timeout 900] [--baseline-timeout SECONDS]
                                     [--stores] [--serve]

For each size it writes a synthetic catalog (benchmarks/synthetic.py), runs `llm4rec-kg
build --force --verbose` in a fresh process, --runs times, in rounds of one build of every
size, and prints the median wall time of each stage, the whole build, and the build's peak
RSS. It prints the time of a fixed pure-Python loop before each round and after the last,
so tables from machines of different speeds, or a machine whose speed drifts, can be read.
In the same run it times two baselines on the same triples (the build's N-Triples export),
each in a fresh process, and every named query on them (embedded pyoxigraph):

- pyoxigraph's bare load and dump: bulk-load the N-Triples, write Turtle;
- an rdflib-only load and dump: parse the N-Triples, write longturtle.

With the query times it prints the store's cost per joined row (``join_floor.rq``): a
query whose plan joins k patterns over n papers by index lookups takes about k * n times
it. It then prints the build's ratio to each baseline, and the growth factor of the build's
time per 10x of papers. Each process is bounded by --timeout; a baseline that runs out is
reported as such, not left running.

The targets (issue 23) are printed with each figure, met or not: the build at most 6x
pyoxigraph's bare load+dump at 10k papers and 5x at 100k, peak RSS under 1.5 GB at 100k,
growth at most 10.5x per 10x of papers, and every aggregating named query (one that groups
or counts) under 1 s embedded. With --stores, `push` into the Oxigraph server and into
Virtuoso 7 is timed against each store's own bulk load of the same file (target: at most
3x). With --serve, `llm4rec-kg serve` is asked for a 100k-row answer: the time to its first
byte (target: 0.5 s) and to its last.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
AGGREGATE_TARGET = 1.0  # seconds, embedded, for each aggregating named query (issue 23)
BUILD_TARGETS = {10_000: 6.0, 100_000: 5.0}  # the build / pyoxigraph's bare load+dump
RSS_TARGET_MB = 1536  # at 100k papers
GROWTH_TARGET = 10.5  # the build's time per 10x of papers
PUSH_TARGET = 3.0  # push / the store's own bulk load
FIRST_BYTE_TARGET = 0.5  # seconds, serve, a 100k-row answer
_AGGREGATE = re.compile(r"\bGROUP\s+BY\b|\bCOUNT\s*\(", re.IGNORECASE)
JOIN_FLOOR = HERE / "join_floor.rq"
_STAGE = re.compile(r"^(?P<name>[^:]+): (?P<seconds>[0-9.]+) s$")

_OXIGRAPH = """
import sys, pyoxigraph as ox
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
store.dump(sys.argv[2], format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
"""
_RDFLIB = """
import sys
from rdflib import Graph
graph = Graph().parse(sys.argv[1], format="nt")
graph.serialize(sys.argv[2], format="longturtle")
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    triples: int = 0
    timed_out: bool = False


def _timed(command: list[str], cwd: Path | None, timeout: float) -> tuple[Run, str]:
    """Run command in a fresh process: its wall time, peak RSS (wait4) and stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                _pid, status, usage = os.wait4(process.pid, 0)
                return Run(
                    time.perf_counter() - started, usage.ru_maxrss / 1024, timed_out=True
                ), ""
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{text}")
    return Run(seconds, usage.ru_maxrss / 1024), text


def build(project: Path, timeout: float) -> Run:
    command = [sys.executable, "-m", "llm4rec_kg", "build", "--force", "--verbose"]
    run, text = _timed(command, project, timeout)
    for line in text.splitlines():
        if match := _STAGE.match(line.strip()):
            run.stages[match["name"]] = float(match["seconds"])
    return run


def baseline(script: str, ntriples: Path, timeout: float) -> Run:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-c", script, str(ntriples), str(Path(out) / "out.ttl")]
        return _timed(command, None, timeout)[0]


def named_queries(ntriples: Path) -> tuple[dict[str, tuple[float, int, bool]], float]:
    """Seconds, rows and whether it aggregates, of each named query, embedded, on the
    build's graph (default values); and the store's cost per joined row, in microseconds
    (``join_floor.rq``)."""
    import pyoxigraph as ox

    from llm4rec_kg.sparql import engines, queries

    store = ox.Store()
    store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    engine = engines.EmbeddedEngine(store)
    times = {}
    for name, named in queries.load_all().items():
        started = time.perf_counter()
        result = engine.run(named.text, named.bindings({}))
        aggregates = bool(_AGGREGATE.search(named.text))
        times[name] = (time.perf_counter() - started, len(result.rows), aggregates)
    started = time.perf_counter()
    joined = engine.run(JOIN_FLOOR.read_text(encoding="utf-8")).rows[0]["joined"].value
    return times, (time.perf_counter() - started) / max(int(joined), 1) * 1e6


def _calibration() -> float:
    """Seconds for a fixed pure-Python loop, best of three: the machines this runs on differ
    by twice or more from one session to the next, so a table is read beside this figure."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        sum(range(10**8))
        best = min(best, time.perf_counter() - started)
    return best


def _median(runs: list[Run]) -> Run:
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    stages = {
        name: statistics.median(r.stages.get(name, 0.0) for r in runs) for name in middle.stages
    }
    return Run(middle.seconds, max(r.peak_mb for r in runs), stages, middle.triples)


def _ratio(build_run: Run, base: Run) -> str:
    if base.timed_out:
        return f"< {build_run.seconds / base.seconds:.1f}x (baseline > {base.seconds:.0f} s)"
    return f"{build_run.seconds / base.seconds:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=1, help="builds per size (median)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per process")
    parser.add_argument(
        "--baseline-timeout",
        type=float,
        default=None,
        help="seconds per baseline process (default: --timeout); rdflib's longturtle can take "
        "many minutes at 100k papers, and a baseline that runs out is reported as a bound",
    )
    parser.add_argument("--markdown", action="store_true", help="print the README table")
    parser.add_argument(
        "--stores", action="store_true", help="time push into Oxigraph and Virtuoso"
    )
    parser.add_argument("--serve", action="store_true", help="time serve's 100k-row answer")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        projects = {n: Path(stack.enter_context(tempfile.TemporaryDirectory())) for n in args.sizes}
        for papers, project in projects.items():
            _write_catalog(papers, project)
        builds, loops = _interleaved(projects, args.runs, args.timeout)
        print(
            f"machine: {os.cpu_count()} cores; sum(range(10**8)) in "
            f"{min(loops):.2f}-{max(loops):.2f} s over the run (best of 3, each round)"
        )
        rows = []
        for papers, project in projects.items():
            run = _median(builds[papers])
            ntriples = project / "exports" / "llm4rec.nt"
            with ntriples.open("rb") as lines:
                run.triples = sum(1 for _ in lines)
            limit = args.baseline_timeout or args.timeout
            oxigraph = baseline(_OXIGRAPH, ntriples, limit)
            rdflib = baseline(_RDFLIB, ntriples, limit)
            query_times, floor = named_queries(ntriples)
            rows.append((papers, run, oxigraph, rdflib))
            _print_size(papers, run, oxigraph, rdflib)
            _print_queries(query_times, floor)
            if args.stores:
                _print_pushes(ntriples, args.timeout)
            if args.serve:
                _print_serve(ntriples)
    _print_growth(rows)
    if args.markdown:
        _print_markdown(rows)


def _write_catalog(papers: int, project: Path) -> None:
    """The synthetic catalog, written by a child process: a child's peak RSS starts at its
    parent's RSS when it is forked, so a bench that had written 100k papers itself would
    report that as the peak of every smaller build."""
    script = str(HERE / "synthetic.py")
    command = [sys.executable, script, str(papers), "--out", str(project)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def _interleaved(
    projects: dict[int, Path], runs: int, timeout: float
) -> tuple[dict[int, list[Run]], list[float]]:
    """Each size's builds, made in rounds of one build of every size, and the machine's loop
    time before each round and after the last. This machine's speed drifts by half within
    minutes: built one size after the other, the sizes would be timed on different machines."""
    builds: dict[int, list[Run]] = {n: [] for n in projects}
    loops = []
    for _ in range(runs):
        loops.append(_calibration())
        for papers, project in projects.items():
            builds[papers].append(build(project, timeout))
    loops.append(_calibration())
    return builds, loops


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def _print_size(papers: int, run: Run, oxigraph: Run, rdflib: Run) -> None:
    print(f"\n{papers:,} papers, {run.triples:,} triples")
    for name, seconds in run.stages.items():
        print(f"  {name:<30} {seconds:8.2f} s")
    print(f"  {'whole build (wall)':<30} {run.seconds:8.2f} s   peak RSS {run.peak_mb:,.0f} MB")
    print(f"  pyoxigraph load+dump {oxigraph.seconds:.2f} s   build is {_ratio(run, oxigraph)}")
    print(f"  rdflib load+dump     {rdflib.seconds:.2f} s   build is {_ratio(run, rdflib)}")
    if papers in BUILD_TARGETS and not oxigraph.timed_out:
        target = BUILD_TARGETS[papers]
        within = run.seconds / oxigraph.seconds <= target
        print(f"  target: build <= {target:g}x pyoxigraph: {_met(within)}")
    if papers >= 100_000:
        print(f"  target: peak RSS < {RSS_TARGET_MB:,} MB: {_met(run.peak_mb < RSS_TARGET_MB)}")
    sys.stdout.flush()


def _print_queries(times: dict[str, tuple[float, int, bool]], floor: float) -> None:
    seconds = {name: t for name, (t, _rows, _agg) in times.items()}
    slowest = max(seconds, key=seconds.__getitem__)
    print(
        f"  named queries, embedded: slowest {slowest} {seconds[slowest]:.3f} s, "
        f"median {statistics.median(seconds.values()):.3f} s; "
        f"the store joins at {floor:.2f} us per row"
    )
    aggregating = {name: t for name, (t, _rows, agg) in times.items() if agg}
    worst = max(aggregating, key=aggregating.__getitem__)
    print(
        f"  aggregating named queries ({len(aggregating)}): slowest {worst} "
        f"{aggregating[worst]:.3f} s; target < {AGGREGATE_TARGET:g} s each: "
        f"{_met(aggregating[worst] < AGGREGATE_TARGET)}"
    )
    over = sorted((t, n) for n, t in aggregating.items() if t >= AGGREGATE_TARGET)
    if over:
        listed = ", ".join(f"{n} {t:.2f} s ({_rows(times[n][1])})" for t, n in reversed(over))
        print(f"  aggregating named queries over {AGGREGATE_TARGET:g} s: {listed}")
    sys.stdout.flush()


def _print_pushes(ntriples: Path, timeout: float) -> None:
    """`push` of the build's N-Triples into each store, against the store's own bulk load
    of the same file (the Oxigraph server's `oxigraph load`, Virtuoso's `ld_dir` and
    `rdf_loader_run`), each into an empty store started for it on 127.0.0.1."""
    import shutil

    sys.path.insert(0, str(HERE.parent / "tests"))
    from servers import oxigraph_server, virtuoso_server

    graph = "https://w3id.org/llm4rec/"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        oxigraph = shutil.which("oxigraph") or "oxigraph"
        load = [oxigraph, "load", "--location", str(folder / "bulk"), "--file", str(ntriples)]
        bulk = _timed([*load, "--graph", graph], None, timeout)[0]
        with oxigraph_server(folder / "served") as url:
            pushed = _timed(
                _push_command(ntriples, f"{url}/store", f"{url}/query", f"{url}/update"),
                None,
                timeout,
            )[0]
        _print_push("Oxigraph server", pushed, bulk)
        with virtuoso_server(folder / "virtuoso") as store:
            assert store.work is not None
            shutil.copyfile(ntriples, store.work / "bulk.nt")
            script = (
                f"ld_dir('{store.work}', 'bulk.nt', 'urn:bench:bulk'); "
                "rdf_loader_run(); checkpoint;"
            )
            isql = shutil.which("isql-vt") or "isql-vt"
            bulk = _timed([isql, store.isql, "dba", "dba", f"exec={script}"], None, timeout)[0]
            pushed = _timed(
                _push_command(ntriples, store.gsp, store.query, store.update), None, timeout
            )[0]
        _print_push("Virtuoso 7", pushed, bulk)


def _push_command(ntriples: Path, gsp: str, query: str, update: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "llm4rec_kg",
        "push",
        "--data",
        str(ntriples),
        "--endpoint",
        gsp,
        "--query-endpoint",
        query,
        "--update-endpoint",
        update,
    ]


def _print_push(store: str, pushed: Run, bulk: Run) -> None:
    ratio = pushed.seconds / bulk.seconds
    print(
        f"  push into {store}: {pushed.seconds:.2f} s; its own bulk load {bulk.seconds:.2f} s; "
        f"{ratio:.1f}x; target <= {PUSH_TARGET:g}x: {_met(ratio <= PUSH_TARGET)}"
    )
    sys.stdout.flush()


def _print_serve(ntriples: Path) -> None:
    """The first and last byte of a 100k-row answer from `llm4rec-kg serve` (CSV)."""
    import urllib.parse
    import urllib.request

    sys.path.insert(0, str(HERE.parent / "tests"))
    from servers import llm4rec_server

    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000"
    args = ("--data", str(ntriples), "--max-rows", "100000", "--timeout", "60")
    with llm4rec_server(*args) as url:
        request = urllib.request.Request(
            f"{url}/sparql?{urllib.parse.urlencode({'query': query})}",
            headers={"Accept": "text/csv"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read(1)
            first = time.perf_counter() - started
            rows = response.read().count(b"\n")
        last = time.perf_counter() - started
    print(
        f"  serve, a {rows:,}-row answer: first byte {first:.2f} s, last {last:.2f} s; "
        f"target first byte < {FIRST_BYTE_TARGET:g} s: {_met(first < FIRST_BYTE_TARGET)}"
    )
    sys.stdout.flush()


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _print_growth(rows: list[tuple[int, Run, Run, Run]]) -> None:
    for (small, a, _, _), (big, b, _, _) in itertools.pairwise(rows):
        if big <= small:
            continue
        per_ten = (b.seconds / a.seconds) ** (1 / math.log10(big / small))
        print(
            f"growth {small:,} -> {big:,} papers: {b.seconds / a.seconds:.1f}x time, "
            f"{per_ten:.1f}x per 10x of papers; target <= {GROWTH_TARGET:g}x: "
            f"{_met(per_ten <= GROWTH_TARGET)}"
        )


def _print_markdown(rows: list[tuple[int, Run, Run, Run]]) -> None:
    print(
        "\n| papers | triples | build (wall) | peak RSS "
        "| vs pyoxigraph load+dump | vs rdflib load+dump |"
    )
    print("|---|---|---|---|---|---|")
    for papers, run, oxigraph, rdflib in rows:
        print(
            f"| {papers:,} | {run.triples:,} | {run.seconds:.1f} s | {run.peak_mb:,.0f} MB "
            f"| {_ratio(run, oxigraph)} | {_ratio(run, rdflib)} |"
        )


if __name__ == "__main__":
    main()
