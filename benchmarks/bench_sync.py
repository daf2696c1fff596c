"""Wall time of `sync` on a copy of the committed catalog (median of several runs):
re-reading every registered snapshot of all four lists, and one list alone.

python benchmarks/bench_sync.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from llm4rec_kg.catalog.sync import sync

ROOT = Path(__file__).resolve().parent.parent


def _median(runs: int, catalog: Path, lists: list[str]) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        report = sync(catalog, lists)
        times.append(time.perf_counter() - started)
        rows = sum(report.snapshots.values())
        assert not report.files, f"sync changed {report.files}: the committed catalog is stale"
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "catalog", Path(tmp) / "catalog")
        shutil.copytree(ROOT / "sources", Path(tmp) / "sources")
        catalog = Path(tmp) / "catalog"
        print(f"sync on a copy of {ROOT / 'catalog'}, median of {runs} runs")
        for label, lists in (("all lists", []), ("wlik only", ["wlik"])):
            seconds, rows = _median(runs, catalog, lists)
            print(f"  {label:<10} {rows:>5} rows  {seconds:6.2f} s")


if __name__ == "__main__":
    main()
