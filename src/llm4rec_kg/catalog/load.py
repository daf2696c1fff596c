"""Stage 2: load the catalog directory and check it against the schema.

Problems from every file are gathered before anything fails, so a maintainer sees all of
them at once. The result is a ``Catalog`` of plain records plus where each entry came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm4rec_kg.catalog import schema, yamlio
from llm4rec_kg.errors import InvalidDataError, Problem, UsageError


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None


@dataclass(frozen=True)
class Catalog:
    root: Path
    collections: dict[str, dict[str, Any]]
    locations: dict[tuple[str, str], Location]

    def get(self, name: str) -> dict[str, Any]:
        return self.collections.get(name, {})

    def entries(self, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        yield from sorted(self.get(name).items())


def file_name(collection: str) -> str:
    return f"{collection}.yaml"


def load_catalog(root: Path, shown_as: Path | None = None) -> Catalog:
    """Load and check every catalog file; raise InvalidDataError with all problems found.

    ``shown_as`` names the directory in messages when root is a staging copy of it.
    """
    if not root.is_dir():
        raise UsageError(f"{root}: no such catalog directory")
    shown = shown_as or root
    raw: dict[str, Any] = {}
    problems: list[Problem] = _stray_files(root, shown_as or root)
    for name in schema.COLLECTIONS:
        path = root / file_name(name)
        label = _label(shown, path)
        if not path.exists():
            if name in schema.REQUIRED_COLLECTIONS:
                problems.append(
                    Problem(label, None, None, None, "required catalog file is missing")
                )
            continue
        try:
            raw[name] = yamlio.load(path, label)
        except InvalidDataError as err:
            problems.extend(err.problems)
    if problems:
        raise InvalidDataError("yaml", problems)
    known = schema.known_ids(raw)
    for name, data in raw.items():
        problems.extend(schema.check(_label(shown, root / file_name(name)), name, data, known))
    if problems:
        raise InvalidDataError("schema", problems)
    locations = {
        (name, str(key)): Location(_label(shown, root / file_name(name)), yamlio.line_of(data, key))
        for name, data in raw.items()
        if isinstance(data, dict)
        for key in data
    }
    collections = {name: yamlio.plain(data) or {} for name, data in raw.items()}
    return Catalog(root, collections, locations)


def _label(root: Path, path: Path) -> str:
    """Paths in messages are shown as the user named the catalog, e.g. catalog/papers.yaml."""
    return str(root / path.name)


def _stray_files(root: Path, shown_as: Path) -> list[Problem]:
    known = [file_name(name) for name in schema.COLLECTIONS]
    problems = []
    for path in sorted(root.glob("*.y*ml")):
        if path.name not in known:
            close = difflib.get_close_matches(path.name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(str(shown_as / path.name), None, None, None, f"unknown catalog file{hint}")
            )
    return problems
