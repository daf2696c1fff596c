"""Stage 1: read source lists into located rows of cells, as listed.

A reader turns one snapshot file into a ``Reading``: its rows (kind, section, line, the
cells by meaning), findings on malformed rows, and what it saw. ``READERS`` names the
readers that ``catalog/sources.yaml`` may choose; a file that yields no row is an error
that lists what was seen and skipped, never an empty success.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from llm4rec_kg.errors import InvalidDataError, Problem
from llm4rec_kg.readers import markdown, shapes
from llm4rec_kg.readers.shapes import ReadFinding, Reading, SourceRow


def read_markdown(path: Path) -> Reading:
    """GFM tables (markdown or HTML sections) and one-paper-per-item lists."""
    return shapes.read(markdown.read_document(path))


READERS: dict[str, Callable[[Path], Reading]] = {"markdown": read_markdown}


def read_snapshot(path: Path, reader: str = "markdown", shown_as: str | None = None) -> Reading:
    """Read one snapshot file; raise InvalidDataError when nothing in it can be read."""
    if reader not in READERS:
        raise InvalidDataError(
            "read", [Problem(shown_as or str(path), None, None, "reader", f"no reader {reader!r}")]
        )
    reading = READERS[reader](path)
    if not reading.rows:
        name = shown_as or str(path)
        seen = reading.seen or ["no table and no list item with links"]
        problems = [Problem(name, None, None, None, "nothing could be read: " + "; ".join(seen))]
        problems += [
            Problem(name, f.line, None, None, f"skipped: {f.message}") for f in reading.findings
        ]
        raise InvalidDataError("read", problems)
    return reading


__all__ = ["READERS", "ReadFinding", "Reading", "SourceRow", "read_markdown", "read_snapshot"]
