"""Replay a list's whole git history into a copy of the committed catalog, and check the
promises at every version: it syncs (the gate passes) and validates (schema, SHACL, and
every IRI ever published still minted), registering it rewrites no other snapshot's rows,
and a second replay changes nothing. Prints the figures; exits 1 at the first failure.

CI runs it on the WLiK list's history, kept as tests/fixtures/history/wlik-readme.bundle
(its README's 68 versions, see the README there):

    python benchmarks/replay_history.py tests/fixtures/history/wlik-readme.bundle
    python benchmarks/replay_history.py /path/to/clone --list my-list --path README.md

The history is registered as a list of its own (``--list``, default ``wlik-history``)
beside the catalog's lists, so the committed snapshots stay as they are.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from llm4rec_kg import pipeline
from llm4rec_kg.catalog.history import Commit, sync_history
from llm4rec_kg.catalog.sync import SyncReport
from llm4rec_kg.errors import KGError
from llm4rec_kg.graph import iris

ROOT = Path(__file__).resolve().parent.parent


def _rows_files(catalog: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((catalog / "rows").glob("*.yaml"))}


class Replay:
    def __init__(self, catalog: Path) -> None:
        self.catalog = catalog
        self.rows = _rows_files(catalog)
        self.versions = self.passed = self.added = self.delisted = 0
        self.started = time.perf_counter()

    def __call__(self, commit: Commit, report: SyncReport | None) -> None:
        if report is None:
            self.passed += 1
            print(f"  {commit.sha[:7]} {commit.date}: links nothing, passed over")
            return
        self.versions += 1
        self.added += len(report.added)
        self.delisted += len(report.delisted)
        now = _rows_files(self.catalog)
        rewritten = [n for n in self.rows if self.rows[n] != now.get(n)]
        if rewritten:
            raise SystemExit(f"{commit.sha[:7]}: rewrote other snapshots' rows: {rewritten}")
        self.rows = now
        validated = pipeline.validate(self.catalog)  # the IRI ledger is checked here
        iris.record(self.catalog, validated.graph, validated.base)
        print(
            f"  {commit.sha[:7]} {commit.date}: {sum(report.snapshots.values())} rows, "
            f"+{len(report.added)} papers, -{len(report.delisted)} delisted, "
            f"{validated.triples} triples"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", help="a git repository or bundle holding the list's history")
    parser.add_argument("--list", default="wlik-history")
    parser.add_argument("--path", default="README.md")
    args = parser.parse_args()
    source = str(Path(args.source).resolve()) if Path(args.source).exists() else args.source
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("catalog", "sources"):
            shutil.copytree(ROOT / part, Path(tmp) / part)
        catalog = Path(tmp) / "catalog"
        replay = Replay(catalog)
        print(f"replaying {args.source} ({args.path}) as list {args.list!r}")
        try:
            sync_history(
                catalog,
                args.list,
                source,
                args.path,
                title=f"{args.list} (replayed history)",
                repository="https://example.org/replayed-history",
                progress=replay,
            )
            seconds = time.perf_counter() - replay.started
            before = {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()}
            again = sync_history(catalog, args.list, source, args.path)
            after = {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()}
        except KGError as err:
            print(f"FAILED: {err}", file=sys.stderr)
            for problem in getattr(err, "problems", [])[:20]:
                print(f"  {problem}", file=sys.stderr)
            return 1
        if again or after != before:
            print("FAILED: a second replay changed the catalog", file=sys.stderr)
            return 1
        print(
            f"{replay.versions} versions registered and validated, {replay.passed} passed "
            f"over; {replay.added} papers added, {replay.delisted} delistings; "
            f"0 IRIs lost; a second replay changed nothing ({seconds:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
