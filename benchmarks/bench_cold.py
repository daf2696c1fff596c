"""What a curator waits for: each command of the real catalog in a fresh process.

    python benchmarks/bench_cold.py [--runs 7]

Prints the median and range of the wall time, over --runs fresh processes, of:

- ``build --force``: the whole build, cold;
- ``build``: a no-op build of an unchanged catalog (its exports are fresh);
- ``query papers-per-llm``: a named query, cold, on the fresh exports;
- ``serve``: from starting the process to its first answer on 127.0.0.1.

Run it from a checkout whose exports/ are fresh (``llm4rec-kg build`` first); the builds
write into a temporary directory, never into exports/.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = [sys.executable, "-m", "llm4rec_kg"]


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _serve_ready() -> float:
    """Seconds from starting ``serve`` to its first answer (a port of the system's choice)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*PROGRAM, "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # "SPARQL endpoint: URL", once it listens
        if not (match := re.search(r"http://127\.0\.0\.1:\d+", first)):
            raise SystemExit(f"serve said {first!r}")
        with urllib.request.urlopen(match[0] + "/.well-known/void", timeout=30) as answer:
            answer.read()
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "exports"
        shutil.copytree(ROOT / "exports", out)
        catalog = str(ROOT / "catalog")
        cases: dict[str, Callable[[], float]] = {
            "build --force": lambda: _timed(
                [
                    *PROGRAM,
                    "build",
                    "--catalog",
                    catalog,
                    "--out",
                    str(out),
                    "--force",
                    "--no-changelog",
                    "--quiet",
                ]
            ),
            "build (no-op)": lambda: _timed(
                [*PROGRAM, "build", "--catalog", catalog, "--out", str(out), "--quiet"]
            ),
            "query papers-per-llm": lambda: _timed([*PROGRAM, "query", "papers-per-llm"]),
            "serve, to its first answer": _serve_ready,
        }
        for name, case in cases.items():
            times = [case() for _ in range(args.runs)]
            print(
                f"{name:28} median {statistics.median(times):6.2f} s   "
                f"range {min(times):.2f}-{max(times):.2f} s   ({args.runs} processes)"
            )


if __name__ == "__main__":
    main()
