"""Wall time of each build stage on the real catalog (median of several runs).

python benchmarks/bench_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llm4rec_kg import pipeline
from llm4rec_kg.catalog import corrections, load_catalog
from llm4rec_kg.graph import builder, shacl
from llm4rec_kg.graph.vocab import DEFAULT_BASE, Minter
from llm4rec_kg.publish import exports
from llm4rec_kg.quality import lint

CATALOG = Path(__file__).resolve().parent.parent / "catalog"


def _median(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    mint = Minter(DEFAULT_BASE)
    catalog = corrections.apply(load_catalog(CATALOG))
    graph = builder.build_graph(catalog, mint)
    where = builder.subjects(catalog, mint)
    stages: dict[str, Callable[[], Any]] = {
        "load + schema": lambda: load_catalog(CATALOG),
        "build graph": lambda: builder.build_graph(catalog, mint),
        "SHACL": lambda: shacl.validate_graph(graph, where, catalog),
        "Turtle": lambda: exports.turtle(graph, DEFAULT_BASE),
        "N-Triples": lambda: exports.ntriples(graph),
        "JSON-LD": lambda: exports.jsonld(graph),
        "lint": lambda: lint.lint_catalog(catalog),
    }
    print(f"catalog: {CATALOG} ({len(graph)} triples), median of {runs} runs")
    for name, work in stages.items():
        print(f"  {name:<14} {_median(runs, work) * 1000:8.1f} ms")
    with tempfile.TemporaryDirectory() as out:
        total = _median(runs, lambda: pipeline.build(CATALOG, Path(out), force=True))
    print(f"  {'whole build':<14} {total * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
