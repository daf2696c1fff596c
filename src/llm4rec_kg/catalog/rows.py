"""The rows files under ``catalog/rows/``: one per snapshot, written by ``sync``.

A rows file is the snapshot's claims: every row a reader gave, with its cells as listed,
the section headings above it, any reader findings, and the key of the entity it was
matched to. ``sync`` owns these files and writes them in a fixed layout (sorted, two-space
indents) with PyYAML's C emitter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from llm4rec_kg.catalog import yamlio
from llm4rec_kg.readers.shapes import LISTED_COLUMNS, SourceRow

ROWS_DIR = "rows"
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HEADER = """\
# Rows of snapshot {snapshot} ({file}), as `llm4rec-kg sync` read them.
# Written by sync: each row's cells as listed, and the entity it was matched to.
# Curate in the catalog's other files (papers.yaml, corrections.yaml, ...), not here.
"""


def path_for(catalog_dir: Path, snapshot: str) -> Path:
    return catalog_dir / ROWS_DIR / f"{snapshot}.yaml"


def load(path: Path, label: str) -> tuple[Any, dict[str, int]]:
    """The file's data and the line of each row key."""
    data = yamlio.load(path, label)
    table = data.get("rows") if isinstance(data, dict) else None
    lines = table.lines if isinstance(table, yamlio.LineDict) else {}
    return data, {str(key): line for key, line in lines.items()}


def document(
    snapshot: str,
    rows: Iterable[tuple[SourceRow, str | None]],
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The rows file for a snapshot: its sections (headings, line) and rows. ``extra``
    adds what matching found, by row key: ``other_record`` (the paper whose record the
    row's link names), ``candidates`` (a row waiting for a curator), more issues."""
    sections: dict[str, dict[str, Any]] = {}
    out: dict[str, dict[str, Any]] = {}
    for row, entity in rows:
        sections.setdefault(row.section, {"line": row.line, "headings": list(row.headings)})
        record: dict[str, Any] = {
            "line": row.line,
            "kind": row.kind,
            "entity": entity,
            "listed": {c: row.listed[c] for c in LISTED_COLUMNS if c in row.listed},
        }
        found = (extra or {}).get(row.key) or {}
        issues = [*row.issues, *found.get("issues", ())]
        if issues:
            record["issues"] = issues
        for name in ("other_record", "candidates"):
            if found.get(name):
                record[name] = found[name]
        out[row.key] = record
    return {"snapshot": snapshot, "sections": sections, "rows": out}


def dump(data: Mapping[str, Any], file_label: str) -> str:
    body = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
        default_flow_style=False,
    )
    return HEADER.format(snapshot=data["snapshot"], file=file_label) + body
