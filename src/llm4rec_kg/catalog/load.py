"""Stage 2: load the catalog directory, check it against the schema, resolve entities.

Problems from every file are gathered before anything fails, so a maintainer sees all of
them at once. The result is a ``Catalog`` of plain records: the curated files as written,
and papers, datasets and models resolved from the rows of every snapshot (``resolve``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from llm4rec_kg.catalog import resolve, rows, schema, taxonomy, transaction, yamlio
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
    rows: tuple[resolve.Row, ...] = ()
    redirects: dict[str, dict[str, str]] = field(default_factory=dict)  # collection: old -> new
    pending: tuple[resolve.Row, ...] = ()  # rows waiting for a curator's match decision

    def get(self, name: str) -> dict[str, Any]:
        return self.collections.get(name, {})

    def entries(self, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        yield from sorted(self.get(name).items())

    def canonical(self, collection: str, key: str) -> str:
        """The key an entry has now, for a key it was once known by (``replaces``)."""
        return self.redirects.get(collection, {}).get(key, key)


def file_name(collection: str) -> str:
    return f"{collection}.yaml"


def load_catalog(root: Path, shown_as: Path | None = None) -> Catalog:
    """Load, check and resolve every catalog file; raise InvalidDataError with all
    problems found. ``shown_as`` names the directory in messages when root is a staging
    copy of it."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such catalog directory")
    transaction.recover(root)  # a sync killed half-way is finished or undone first
    shown = shown_as or root
    raw, problems = _load_files(root, shown)
    if problems:
        raise InvalidDataError("yaml", problems)
    known = schema.known_ids(raw)
    for name, data in raw.items():
        problems.extend(schema.check(_label(shown, root / file_name(name)), name, data, known))
    if not problems:
        problems = taxonomy.broader_problems(
            _label(shown, root / "concepts.yaml"), raw.get("concepts") or {}, yamlio.line_of
        )
    if problems:
        raise InvalidDataError("schema", problems)
    curated = {name: yamlio.plain(data) or {} for name, data in raw.items()}
    snapshots = _snapshots(curated.get("sources") or {})
    source_rows, problems = _load_rows(root, shown, snapshots)
    pending = tuple(row for row in source_rows if not row.entity)
    source_rows = [row for row in source_rows if row.entity]
    if problems:
        raise InvalidDataError("schema", problems)
    locations = {
        (name, str(key)): Location(_label(shown, root / file_name(name)), yamlio.line_of(data, key))
        for name, data in raw.items()
        if isinstance(data, dict)
        for key in data
    }
    return replace(
        _resolved(root, curated, snapshots, source_rows, locations, shown), pending=pending
    )


def _load_files(root: Path, shown: Path) -> tuple[dict[str, Any], list[Problem]]:
    raw: dict[str, Any] = {}
    problems: list[Problem] = _stray_files(root, shown)
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
    return raw, problems


def _role_scheme(concepts: Mapping[str, Any], label: str) -> list[Problem]:
    """The model-role concepts the graph states of every model use must be defined."""
    defined = (concepts.get("role") or {}).get("concepts") or {}
    missing = [role for role in resolve.ROLES if role not in defined]
    if not missing:
        return []
    line = yamlio.line_of(concepts, "role") if "role" in concepts else None
    return [
        Problem(
            label,
            line,
            "role",
            "concepts",
            f"the model-role scheme must define {', '.join(missing)}: "
            "every model use states one of them",
        )
    ]


def _snapshots(registry: Mapping[str, Any]) -> dict[str, resolve.Snapshot]:
    """Every snapshot of every list; a list's newest snapshot (by date) is its current one."""
    out = {}
    for list_id, source in sorted(registry.items()):
        ordered = sorted(source["snapshots"].items(), key=lambda kv: (str(kv[1]["date"]), kv[0]))
        previous = None
        for n, (snap_id, snap) in enumerate(ordered):
            out[snap_id] = resolve.Snapshot(
                snap_id,
                list_id,
                snap.get("title") or source["title"],
                str(snap["commit"]),
                str(snap["date"]),
                snap["file"],
                snap.get("url"),
                source["reader"],
                n == len(ordered) - 1,
                previous,
            )
            previous = snap_id
    return out


def _load_rows(
    root: Path, shown: Path, snapshots: Mapping[str, resolve.Snapshot]
) -> tuple[list[resolve.Row], list[Problem]]:
    problems: list[Problem] = []
    out: list[resolve.Row] = []
    folder = root / rows.ROWS_DIR
    found = {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}
    for stem, path in found.items():
        label = str(shown / rows.ROWS_DIR / path.name)
        if stem not in snapshots:
            hint = _hint(stem, snapshots)
            problems.append(
                Problem(label, None, None, None, f"no snapshot {stem!r} in sources.yaml{hint}")
            )
            continue
        try:
            data, lines = rows.load(path, label)
        except InvalidDataError as err:
            problems.extend(err.problems)
            continue
        checker = schema.Checker(label, {}, strict_text=False)
        checker._value(schema.ROWS_FILE, data, stem, None, None)
        if checker.problems:
            problems.extend(_located(checker.problems, lines))
            continue
        out.extend(_rows_of(snapshots[stem], data, lines, label))
    for snap_id in sorted(set(snapshots) - set(found)):
        problems.append(
            Problem(
                str(shown / file_name("sources")),
                None,
                snap_id,
                None,
                f"no rows file {rows.ROWS_DIR}/{snap_id}.yaml: run `llm4rec-kg sync`",
            )
        )
    return out, problems


def _located(problems: list[Problem], lines: Mapping[str, int]) -> list[Problem]:
    """Problems inside a row, placed on that row's line and named by its key."""
    out = []
    for p in problems:
        path = p.field or ""
        row_key = path.split(".", 2)[1] if path.startswith("rows.") else None
        if row_key and row_key in lines:
            rest = path.split(".", 2)[2] if path.count(".") >= 2 else None
            out.append(Problem(p.file, lines[row_key], row_key, rest, p.message))
        else:
            out.append(p)
    return out


def _rows_of(
    snapshot: resolve.Snapshot, data: Mapping[str, Any], lines: Mapping[str, int], label: str
) -> Iterator[resolve.Row]:
    sections = data.get("sections") or {}
    for key, row in data["rows"].items():
        section, _, index = str(key).rpartition("/")
        headings = tuple((sections.get(section) or {}).get("headings") or ())
        yield resolve.Row(
            snapshot,
            section,
            int(index) if index.isdigit() else 0,
            row["line"],
            row["kind"],
            row.get("entity") or "",  # "" while a curator decides (matches.yaml)
            dict(row["listed"]),
            headings,
            tuple(row.get("issues") or ()),
            label,
            lines.get(str(key)),
            row.get("other_record"),
            tuple(row.get("candidates") or ()),
        )


def _resolved(
    root: Path,
    curated: dict[str, Any],
    snapshots: Mapping[str, resolve.Snapshot],
    source_rows: list[resolve.Row],
    locations: dict[tuple[str, str], Location],
    shown: Path,
) -> Catalog:
    redirects = {
        name: {
            old: key
            for key, e in (curated.get(name) or {}).items()
            for old in e.get("replaces") or []
        }
        for name in ("papers", "datasets")
    }
    source_rows = [
        _redirected(row, redirects["datasets" if row.kind == "dataset" else "papers"])
        for row in source_rows
    ]
    problems = _identity_problems(curated, redirects, source_rows, locations)
    problems += _role_scheme(curated.get("concepts") or {}, _label(shown, root / "concepts.yaml"))
    names = resolve.Names(curated)
    concepts = curated.get("concepts") or {}
    paradigms = set((concepts.get("paradigm") or {}).get("concepts") or {})
    tunes = resolve.tuning_paradigms(concepts)
    fixes = resolve.link_fixes(curated.get("corrections") or {})
    order: dict[str, list[str]] = {}
    for snapshot in sorted(snapshots.values(), key=lambda s: (s.date, s.id)):
        order.setdefault(snapshot.list, []).append(snapshot.id)
    value_fixes = resolve.value_fixes(curated.get("corrections") or {}, redirects["papers"])
    out = resolve.resolve_papers(
        source_rows, curated.get("papers") or {}, names, paradigms, fixes, order, tunes, value_fixes
    )
    problems += _unknown_names(out, curated)
    problems += _curated_papers(curated.get("papers") or {}, out.papers, locations)
    sections = taxonomy.heading_concepts(source_rows, paradigms)
    problems += taxonomy.problems(
        _label(shown, root / "headings.yaml"),
        curated.get("headings") or {},
        sections,
        {key: where.line for (name, key), where in locations.items() if name == "headings"},
    )
    if problems:
        raise InvalidDataError("schema", problems)
    headings = _headings(sections, curated.get("headings") or {})
    taxonomy.assign(out.papers, headings, taxonomy.rules(curated.get("title-rules") or {}))
    for key, section in sections.items():
        if section["scheme"] == "topic":
            out.topics.setdefault(key, {"label": section["label"], "list": section["list"]})
    out.datasets = resolve.resolve_datasets(
        source_rows, curated.get("datasets") or {}, out.papers, out
    )
    collections = dict(curated)
    collections["papers"] = out.papers
    collections["datasets"] = out.datasets
    collections["models"] = resolve.resolve_models(source_rows, curated.get("models") or {})
    collections["sources"] = {
        s.id: _snapshot_record(s, curated["sources"]) for s in snapshots.values()
    }
    collections["lists"] = curated.get("sources") or {}
    collections["conflicts"] = _conflicts(out.conflicts, curated.get("conflicts") or {})
    collections["concepts"] = _concepts(curated.get("concepts") or {}, out)
    collections["headings"] = headings
    for key, paper in out.papers.items():
        if ("papers", key) not in locations and paper["provenance"]:
            first = paper["provenance"][0]
            locations[("papers", key)] = Location(first["file"], first["yaml_line"])
    for key, dataset in out.datasets.items():
        if ("datasets", key) not in locations and dataset["provenance"]:
            first = dataset["provenance"][0]
            locations[("datasets", key)] = Location(first["file"], first["yaml_line"])
    return Catalog(root, collections, locations, tuple(source_rows), redirects)


def _headings(
    sections: Mapping[str, dict[str, Any]], curated: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Every section heading with its curated mapping and whether it is mapped, recorded
    as fitting no facet, or not yet curated."""
    out = {}
    for key, section in sections.items():
        mapping = curated.get(key) or {}
        if any(mapping.get(field) for field in taxonomy.MATCHES):
            state = "mapped"
        elif mapping.get("out_of_scope"):
            state = "out_of_scope"
        else:
            state = "unmapped"
        out[key] = {**section, **mapping, "state": state}
    return out


def _redirected(row: resolve.Row, redirects: Mapping[str, str]) -> resolve.Row:
    return replace(row, entity=redirects[row.entity]) if row.entity in redirects else row


def _identity_problems(
    curated: Mapping[str, Any],
    redirects: Mapping[str, Mapping[str, str]],
    source_rows: list[resolve.Row],
    locations: Mapping[tuple[str, str], Location],
) -> list[Problem]:
    problems = []
    for name, table in redirects.items():
        live = set(curated.get(name) or {}) | {
            r.entity for r in source_rows if (r.kind == "dataset") == (name == "datasets")
        }
        for old, new in sorted(table.items()):
            if old in live:
                where = locations.get((name, new)) or Location(file_name(name), None)
                problems.append(
                    Problem(
                        where.file,
                        where.line,
                        new,
                        "replaces",
                        f"{old!r} is still an entry of its own; "
                        "an id that redirects cannot be reused",
                    )
                )
    return problems


def _unknown_names(out: resolve.Resolved, curated: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for row, what, name in out.unknown_names:
        labels = [e.get("label", k) for k, e in (curated.get(f"{what}s") or {}).items()]
        close = difflib.get_close_matches(name, labels, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        column = "llm" if what == "model" else ("venue" if "venue" in row.listed else "publication")
        problems.append(
            Problem(
                row.file,
                row.yaml_line,
                row.key,
                f"listed.{column}",
                f"{what} {name!r} is no label or alias in {what}s.yaml{hint}; "
                f"add it, or run `llm4rec-kg sync`",
            )
        )
    return problems


def _curated_papers(
    curated: Mapping[str, Any],
    papers: Mapping[str, Any],
    locations: Mapping[tuple[str, str], Location],
) -> list[Problem]:
    """A paper no row gives must say who added it and carry what a paper needs."""
    problems = []
    for key, entry in curated.items():
        if papers[key]["provenance"]:
            continue
        where = locations.get(("papers", key)) or Location(file_name("papers"), None)
        if not entry.get("provenance"):
            problems.append(
                Problem(
                    where.file,
                    where.line,
                    key,
                    "provenance",
                    "no source row gives this paper: name the curator, date and evidence",
                )
            )
        for needed in ("type", "title", "year", "link"):
            if entry.get(needed) is None:
                problems.append(
                    Problem(
                        where.file,
                        where.line,
                        key,
                        needed,
                        "is required for a paper no source row gives",
                    )
                )
    return problems


def _snapshot_record(snapshot: resolve.Snapshot, registry: Mapping[str, Any]) -> dict[str, Any]:
    source = registry[snapshot.list]
    return {
        "title": snapshot.title,
        "list": snapshot.list,
        "repository": source["repository"],
        "commit": snapshot.commit,
        "date": snapshot.date,
        "url": snapshot.url,
        "file": snapshot.file,
        "current": snapshot.current,
        "previous": snapshot.previous,
    }


def _conflicts(found: Mapping[str, resolve.Conflict], curated: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, conflict in sorted(found.items()):
        record = conflict.as_record()
        if key in curated:
            record.update(status=curated[key]["status"], resolution=curated[key]["resolution"])
            record["decided_by"] = "curator"
        out[key] = record
    return out


def _concepts(curated: Mapping[str, Any], out: resolve.Resolved) -> dict[str, Any]:
    """The curated schemes, plus the concepts the rows name: topics (list sections),
    tuning strategies, and the datasets' domains and tasks."""
    schemes = {k: {**v, "concepts": dict(v["concepts"])} for k, v in curated.items()}

    def add(scheme: str, label: str, key: str, concept: Mapping[str, Any]) -> None:
        body = schemes.setdefault(scheme, {"label": label, "concepts": {}})
        body["concepts"].setdefault(key, dict(concept))

    for key, topic in sorted(out.topics.items()):
        add("topic", "Topic", key, {"label": topic["label"]})
    for paper in out.papers.values():
        for key in paper["tuning"]:
            add("tuning", "Tuning strategy", key, {"label": out.tuning_labels.get(key, key)})
    for dataset in out.datasets.values():
        for key in dataset["domains"]:
            add("domain", "Recommendation domain", key, {"label": dataset["domain_labels"][key]})
        for key in dataset["tasks"]:
            add("task", "Recommendation task", key, {"label": dataset["task_labels"][key]})
    return schemes


def _label(root: Path, path: Path) -> str:
    """Paths in messages are shown as the user named the catalog, e.g. catalog/papers.yaml."""
    return str(root / path.name)


def _hint(value: str, options: Any) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _stray_files(root: Path, shown_as: Path) -> list[Problem]:
    known = [file_name(name) for name in schema.COLLECTIONS]
    problems = []
    for path in sorted(root.glob("*.y*ml")):
        if path.name not in known:
            problems.append(
                Problem(
                    str(shown_as / path.name),
                    None,
                    None,
                    None,
                    f"unknown catalog file{_hint(path.name, known)}",
                )
            )
    return problems
