"""Stage 1: read source lists into located rows of cells, as listed.

A reader turns one snapshot file into a ``Reading``: its rows (kind, section, line, the
cells by meaning), findings on malformed rows, and what it saw. ``READERS`` names the
readers that ``catalog/sources.yaml`` may choose; a file that yields no row is an error
that lists what was seen and skipped, never an empty success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from llm4rec_kg.errors import InvalidDataError, Problem
from llm4rec_kg.readers import markdown, shapes
from llm4rec_kg.readers.shapes import ReadFinding, Reading, SourceRow


@dataclass(frozen=True)
class Declared:
    """What a curator declares for a list the heuristics misread (``sources.yaml``):
    the meaning of columns by their header text (or ``ignore``), and sections (by heading)
    that hold no entries."""

    columns: dict[str, str] = field(default_factory=dict)
    skip_sections: tuple[str, ...] = ()


def read_markdown(path: Path, mapping: Declared | None = None) -> Reading:
    """Entries in tables, lists and paragraphs, read by content (``shapes``, ``entries``)."""
    mapping = mapping or Declared()
    return shapes.read(markdown.read_document(path), mapping.columns, mapping.skip_sections)


READERS: dict[str, Callable[[Path, Declared | None], Reading]] = {"markdown": read_markdown}


def read_snapshot(
    path: Path,
    reader: str = "markdown",
    shown_as: str | None = None,
    mapping: Declared | None = None,
) -> Reading:
    """Read one snapshot file; raise InvalidDataError when nothing in it can be read."""
    if reader not in READERS:
        raise InvalidDataError(
            "read", [Problem(shown_as or str(path), None, None, "reader", f"no reader {reader!r}")]
        )
    reading = READERS[reader](path, mapping)
    if not reading.rows:
        name = shown_as or str(path)
        seen = reading.seen or ["no table and no list item with links"]
        problems = [Problem(name, None, None, None, "nothing could be read: " + "; ".join(seen))]
        problems += [
            Problem(name, f.line, None, None, f"skipped: {f.message}") for f in reading.findings
        ]
        problems.append(Problem(name, None, None, None, _advice(reading)))
        raise InvalidDataError("read", problems)
    return reading


def _advice(reading: Reading) -> str:
    """What to do about a file nothing was read from: declare a table's columns, or, with no
    table, know that an entry needs a link that identifies its paper."""
    if reading.tables:
        return (
            "if the file does list papers, declare what its columns mean in "
            "catalog/sources.yaml (columns: {'Header': title}) and sync again"
        )
    return (
        "an entry is read from a link that identifies its paper (arXiv, DOI, ACL Anthology, "
        "OpenReview, ...): items that give only a title or a name identify none"
    )


__all__ = [
    "READERS",
    "Declared",
    "ReadFinding",
    "Reading",
    "SourceRow",
    "read_markdown",
    "read_snapshot",
]
