"""Sourced corrections: checked against the source rows, applied before the graph is built.

A correction names an entity, a field, the value as the list gives it, the corrected value
(null when the truth is unknown), a reason and a source. The build applies it to the entity;
the listed claim stays on the source row, and the correction itself becomes a node in the
graph, so SPARQL can ask which facts were disputed and why.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import replace
from typing import Any

from llm4rec_kg.catalog import Catalog, resolve
from llm4rec_kg.errors import Problem


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


def _listed(listed: dict[str, Any], field: str) -> str | None:
    return resolve.listed_cell(listed, field)


def listed_values(entry: dict[str, Any], field: str, current_only: bool = False) -> list[str]:
    return [
        value
        for p in entry.get("provenance") or []
        if not current_only or p.get("current")
        if (value := _listed(p.get("listed") or {}, field)) is not None
    ]


def _row_of(catalog: Catalog, row_id: str) -> Any:
    return next((r for r in catalog.rows if f"{r.snapshot.id}/{r.key}" == row_id), None)


def check(catalog: Catalog) -> list[Problem]:
    """Type problems, and corrections whose 'listed' value no longer matches the source."""
    problems = []
    for key, correction in catalog.entries("corrections"):
        where = catalog.locations.get(("corrections", key))
        file, line = (where.file, where.line) if where else ("corrections.yaml", None)
        field = correction["field"]
        set_aside = (
            field in resolve.CLAIM_CORRECTED
            and correction.get("corrected") is None
            and correction.get("listed") is not None
        )  # null sets the named claims aside; the other rows' claims still count
        if not set_aside and (
            message := _value_problem(field, correction.get("corrected"), catalog)
        ):
            problems.append(Problem(file, line, key, "corrected", message))
        entity = catalog.canonical("papers", correction["entity"])
        entry = catalog.get("papers").get(entity)
        if entry is None and not correction.get("row"):
            close = difflib.get_close_matches(
                correction["entity"], sorted(catalog.get("papers")), n=1
            )
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    file, line, key, "entity", f"no papers with id {correction['entity']!r}{hint}"
                )
            )
            continue
        listed = correction.get("listed")
        if correction.get("row"):
            row = _row_of(catalog, correction["row"])
            if row is None:
                problems.append(
                    Problem(file, line, key, "row", f"no source row {correction['row']!r}")
                )
                continue
            if row.entity != entity:
                problems.append(
                    Problem(
                        file,
                        line,
                        key,
                        "row",
                        f"the row still belongs to {row.entity!r}: run `llm4rec-kg sync` to "
                        "match it again with its corrected link",
                    )
                )
            seen = [v for v in [_listed(dict(row.listed), field)] if v is not None]
        elif entry is not None:
            seen = listed_values(entry, field)
        else:
            continue
        if listed is not None and str(listed) not in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    key,
                    "listed",
                    f"stale: the source rows of {entity!r} list {field} as "
                    f"{seen or 'nothing'}, not {listed!r}; check the correction against the list",
                )
            )
    return problems


def obsolete(catalog: Catalog) -> list[tuple[str, str]]:
    """Corrections whose listed value only earlier snapshots still give: the lists have
    since fixed it. (correction key, what the current rows list)."""
    out = []
    for key, correction in catalog.entries("corrections"):
        listed = correction.get("listed")
        entry = catalog.get("papers").get(catalog.canonical("papers", correction["entity"]))
        if listed is None or entry is None or correction.get("row"):
            continue
        current = listed_values(entry, correction["field"], current_only=True)
        if current and str(listed) not in current:
            out.append((key, ", ".join(sorted(set(current)))))
    return out


def apply(catalog: Catalog) -> Catalog:
    """The catalog with every entity correction applied to its entity (the input is not
    changed); corrections of one row's claim were applied when the rows were resolved."""
    corrections = catalog.get("corrections")
    if not corrections:
        return catalog
    # Only the corrected entries are copied: a copy of every paper doubled the catalog.
    papers = dict(catalog.get("papers"))
    copied: set[str] = set()
    for _key, correction in sorted(corrections.items()):
        if correction.get("row") or correction["field"] in resolve.CLAIM_CORRECTED:
            continue  # decided claim by claim when the rows were resolved
        key = catalog.canonical("papers", correction["entity"])
        if key not in copied:
            papers[key] = copy.deepcopy(papers[key])
            copied.add(key)
        entry = papers[key]
        field, value = correction["field"], correction.get("corrected")
        if field == "code":
            _correct_code(entry, correction.get("listed"), value)
        elif value is None:
            entry.pop(field, None)
        else:
            entry[field] = value
    return replace(catalog, collections={**catalog.collections, "papers": papers})


def _correct_code(entry: dict[str, Any], listed: Any, value: Any) -> None:
    """A paper may have several code links: the correction replaces (or, with null,
    removes) the one it names, and the first remaining one is the paper's code."""
    from llm4rec_kg.readers import normalize

    wrong = normalize.strip_tracking(str(listed)) if listed is not None else entry.get("code")
    links = [u for u in entry.get("code_all") or [] if u != wrong]
    if value is not None:
        links.insert(0, value)
    entry["code_all"] = links
    entry["code"] = links[0] if links else None
