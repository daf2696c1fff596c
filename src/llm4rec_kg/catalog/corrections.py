"""Sourced corrections: checked against the source rows, applied before the graph is built.

A correction names an entity, a field, the value as the list gives it, the corrected value
(null when the truth is unknown), a reason and a source. The build applies it to the entity;
the listed claim stays on the source row, and the correction itself becomes a node in the
graph, so SPARQL can ask which facts were disputed and why.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

from llm4rec_kg.catalog import Catalog
from llm4rec_kg.errors import Problem

# The provenance column each correctable field was read from.
LISTED_COLUMN = {
    "arxiv": "link",
    "doi": "link",
    "link": "link",
    "venue": "venue",
    "year": "year",
    "code": "code",
    "title": "title",
    "short_name": "name",
    "models": "llm",
}


def _value_problem(field: str, value: Any, catalog: Catalog) -> str | None:
    if value is None:
        return None if field not in ("title", "link", "year") else f"{field} cannot be unknown"
    if field == "year":
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be a year"
    if field == "venue":
        return None if value in catalog.get("venues") else f"no venues with id {value!r}"
    if field == "models":
        missing = (
            [m for m in value if m not in catalog.get("models")]
            if isinstance(value, list)
            else ["(not a list)"]
        )
        return f"unknown models {missing}" if missing else None
    if not isinstance(value, str):
        return "must be a string"
    if field == "arxiv" and not re.fullmatch(r"\d{4}\.\d{4,5}|[a-z][a-z.-]+/\d{7}", value):
        return f"{value!r} is not an arXiv id"
    if field in ("code", "link") and not value.startswith(("http://", "https://")):
        return "must be an http(s) URL"
    return None


def listed_values(entry: dict[str, Any], field: str) -> list[str]:
    column = LISTED_COLUMN[field]
    return [
        str(p["listed"][column])
        for p in entry.get("provenance") or []
        if (p.get("listed") or {}).get(column) is not None
    ]


def check(catalog: Catalog) -> list[Problem]:
    """Type problems, and corrections whose 'listed' value no longer matches the source."""
    problems = []
    for key, correction in catalog.entries("corrections"):
        where = catalog.locations.get(("corrections", key))
        file, line = (where.file, where.line) if where else ("corrections.yaml", None)
        field = correction["field"]
        if message := _value_problem(field, correction.get("corrected"), catalog):
            problems.append(Problem(file, line, key, "corrected", message))
        entry = catalog.get("papers")[correction["entity"]]
        listed = correction.get("listed")
        seen = listed_values(entry, field)
        if listed is not None and str(listed) not in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    key,
                    "listed",
                    f"stale: the source rows of {correction['entity']!r} list {field} as "
                    f"{seen or 'nothing'}, not {listed!r}; check the correction against the list",
                )
            )
    return problems


def apply(catalog: Catalog) -> Catalog:
    """The catalog with every correction applied to its entity (the input is not changed)."""
    corrections = catalog.get("corrections")
    if not corrections:
        return catalog
    papers = copy.deepcopy(catalog.get("papers"))
    for _key, correction in sorted(corrections.items()):
        entry = papers[correction["entity"]]
        field, value = correction["field"], correction.get("corrected")
        if value is None:
            entry.pop(field, None)
        else:
            entry[field] = value
    return replace(catalog, collections={**catalog.collections, "papers": papers})
