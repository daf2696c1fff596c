"""Stage 0: turn an awesome-list markdown file into catalog YAML.

Tables are recognised by their columns, not their headings. Model and venue cells are
resolved through the aliases the curated catalog already holds (``models.yaml``,
``venues.yaml``, ``model-readings.yaml``); a name no alias knows becomes a new entry for the
curator to merge. Rows that share an identifier and a title become one entity with both
provenances; rows that share an identifier but not a title stay apart, and the conflict is
written to ``conflicts.yaml``. Re-importing into an existing catalog keeps comments and
curated fields and reports a per-entry diff.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from llm4rec_kg.catalog import file_name, load_catalog, yamlio
from llm4rec_kg.errors import InvalidDataError, Problem
from llm4rec_kg.readers import normalize
from llm4rec_kg.readers.markdown import Row, Table, read_tables, slugify

PAPER_COLUMNS = frozenset({"name", "paper", "venue", "year", "code", "llm"})
SURVEY_COLUMNS = frozenset({"paper", "venue", "year"})
TUTORIAL_COLUMNS = frozenset({"name", "venue", "year"})
DATASET_COLUMNS = frozenset({"name", "scene", "tasks", "information", "url"})
MODEL_COLUMNS = frozenset({"project", "year"})

# Fields the importer owns in each collection; every other field is the curator's.
OWNED: dict[str, tuple[str, ...]] = {
    "papers": (
        "type",
        "short_name",
        "title",
        "year",
        "venue",
        "paradigm",
        "models",
        "link",
        "arxiv",
        "doi",
        "code",
        "code_label",
        "provenance",
    ),
    "datasets": (
        "label",
        "domains",
        "tasks",
        "description",
        "landing_page",
        "paper",
        "statistics",
        "provenance",
    ),
    "conflicts": ("kind", "entities", "field", "description"),
    "models": (
        "url",
        "year",
        "open_source",
        "supports_chinese",
        "single_gpu",
        "maker",
        "provenance",
    ),
    "venues": (),
    "concepts": ("concepts",),
    "sources": ("title", "repository", "commit", "date", "url", "file"),
}
# Collections the import replaces whole: entries gone from the list are removed.
REPLACED = frozenset({"papers", "datasets", "conflicts"})


@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    repository: str | None = None
    commit: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass
class CollectionDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    total: int = 0


@dataclass
class ImportReport:
    source: str
    rows: dict[str, int]
    diffs: dict[str, CollectionDiff]
    notes: list[str]


class _Aliases:
    """Name -> id lookups built from the curated entries' labels and aliases."""

    def __init__(self, entries: Mapping[str, Any]) -> None:
        self.index: dict[str, str] = {}
        for key, entry in entries.items():
            for name in [key, entry.get("label", ""), *(entry.get("aliases") or [])]:
                self.index.setdefault(normalize.name_key(str(name)), str(key))

    def find(self, name: str) -> str | None:
        return self.index.get(normalize.name_key(name))


@dataclass
class _State:
    path: Path
    source: SourceInfo
    existing: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    out: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))

    def __post_init__(self) -> None:
        self.models = _Aliases(self.existing.get("models") or {})
        self.venues = _Aliases(self.existing.get("venues") or {})
        readings = self.existing.get("model-readings") or {}
        self.readings = {normalize.name_key(k): list(v["models"]) for k, v in readings.items()}

    def problem(self, row: Row, column: str, message: str) -> None:
        self.problems.append(
            Problem(str(self.path), row.line, f"{row.section}[{row.index}]", column, message)
        )

    def provenance(self, row: Row, listed: dict[str, str | None]) -> dict[str, Any]:
        return {
            "source": self.source.id,
            "section": row.section,
            "row": row.index,
            "line": row.line,
            "listed": {k: v for k, v in listed.items() if v is not None},
        }

    def venue(self, name: str | None) -> str | None:
        if not name:
            return None
        if key := self.venues.find(name):
            return key
        key = slugify(name)
        self.out["venues"].setdefault(key, {"label": name, "aliases": [name]})
        self.venues.index[normalize.name_key(name)] = key
        self.notes.append(f"new venue {key!r} from {name!r}: merge it if it is an alias")
        return key

    def model_ids(self, cell: str | None) -> list[str]:
        if not cell:
            return []
        if (reading := self.readings.get(normalize.name_key(cell))) is not None:
            return reading
        ids: list[str] = []
        for name, _qualifier in normalize.split_models(cell):
            key = self.models.find(name) or self.new_model(name)
            if key not in ids:
                ids.append(key)
        return ids

    def new_model(self, name: str) -> str:
        key = slugify(name)
        self.out["models"].setdefault(key, {"label": name, "aliases": [name]})
        self.models.index[normalize.name_key(name)] = key
        self.notes.append(f"new model {key!r} from {name!r}: add it as an alias if it is one")
        return key


def table_kind(columns: Iterable[str]) -> str | None:
    """What a table lists, judged by its columns: paper, survey, tutorial, dataset, model."""
    found = frozenset(columns)
    for kind, needed in (
        ("paper", PAPER_COLUMNS),
        ("survey", SURVEY_COLUMNS),
        ("tutorial", TUTORIAL_COLUMNS),
        ("dataset", DATASET_COLUMNS),
        ("model", MODEL_COLUMNS),
    ):
        if found >= needed:
            return kind
    return None


def listed_cells(kind: str, row: Row) -> dict[str, str | None]:
    """A row's cells as the list gives them (placeholders such as N/A included): the claims
    that provenance keeps."""

    def raw(column: str) -> str | None:
        return row.get(column).text or None

    def href(column: str) -> str | None:
        cell = row.get(column)
        return cell.links[0].href if cell.links else raw(column)

    if kind == "dataset":
        return {
            "name": raw("name"),
            "scene": raw("scene"),
            "tasks": raw("tasks"),
            "information": raw("information"),
            "url": href("url"),
        }
    if kind == "model":
        cell = row.get("project")
        return {
            "project": raw("project"),
            "url": cell.links[-1].href if cell.links else None,
            "year": raw("year"),
        }
    title_cell = row.get("name" if kind == "tutorial" else "paper")
    code = row.get("code")
    return {
        "name": raw("name") if kind == "paper" else None,
        "title": (title_cell.links[0].text if title_cell.links else None)
        or raw("name" if kind == "tutorial" else "paper"),
        "link": title_cell.links[0].href if title_cell.links else None,
        "venue": raw("venue"),
        "year": raw("year"),
        "code": href("code"),
        "code_label": code.links[0].text if code.links else None,
        "llm": raw("llm") if kind == "paper" else None,
    }


def _year(state: _State, row: Row, column: str = "year") -> int | None:
    text = row.get(column).value
    if text is None or not re.fullmatch(r"\d{4}", text):
        state.problem(row, column, f"year must be four digits, not {text!r}")
        return None
    return int(text)


def _paper_rows(state: _State, table: Table, kind: str) -> list[dict[str, Any]]:
    records = []
    title_column = "name" if kind == "tutorial" else "paper"
    for row in table.rows:
        cell = row.get(title_column)
        if not cell.links:
            state.problem(row, title_column, "has no link to the paper")
            continue
        link = cell.links[0]
        code = row.get("code")
        short_name = row.get("name").value if kind == "paper" else None
        record: dict[str, Any] = {
            "type": kind,
            "short_name": short_name,
            "title": link.text or cell.text,
            "year": _year(state, row),
            "venue": state.venue(row.get("venue").value),
            "paradigm": table.section if kind == "paper" else None,
            "models": state.model_ids(row.get("llm").value) if kind == "paper" else None,
            "link": normalize.canonical_link(link.href),
            "arxiv": normalize.arxiv_id(link.href),
            "doi": normalize.doi(link.href),
            "code": normalize.strip_tracking(code.links[0].href) if code.links else None,
            "code_label": code.links[0].text if code.links else None,
        }
        record["provenance"] = [state.provenance(row, listed_cells(kind, row))]
        record["_key"] = normalize.entity_key(link.href)
        record["_where"] = (row.line, f"{row.section}[{row.index}]")
        records.append(record)
    return records


def _merge_papers(state: _State, records: list[dict[str, Any]]) -> None:
    """Group rows into entities, recording every merge and every clash as a conflict."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_key[record["_key"] or slugify(record["short_name"] or record["title"])].append(record)
    papers = state.out["papers"]
    for key, group in by_key.items():
        clusters: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in group:
            clusters[normalize.title_key(record["title"])].append(record)
        if len(clusters) == 1:
            papers[key] = _merged(state, key, group)
            continue
        ids = []
        for n, cluster in enumerate(clusters.values(), start=1):
            first = cluster[0]
            own = slugify(first["short_name"] or "") or f"{key}-{n}"
            paper = _merged(state, own, cluster)
            paper["arxiv"] = paper["doi"] = None  # the shared identifier belongs to one at most
            papers[own] = paper
            ids.append(own)
        _conflict(
            state,
            f"shared-link-{key}",
            "shared-link",
            ids,
            "link",
            f"Rows with different titles give the same link ({group[0]['link']}).",
            "Kept as distinct papers with keys from their short names; the shared "
            "identifier is asserted for neither until a sourced correction says whose "
            "it is.",
            "open",
        )
    _shared_short_names(state)


def _merged(state: _State, key: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    merged = {k: v for k, v in rows[0].items() if not k.startswith("_")}
    for other in rows[1:]:
        for name in (
            "type",
            "title",
            "year",
            "venue",
            "paradigm",
            "code",
            "code_label",
            "short_name",
        ):
            mine, theirs = merged.get(name), other.get(name)
            if mine is None:
                merged[name] = theirs
            elif theirs is not None and theirs != mine and name != "title":
                _conflict(
                    state,
                    f"{key}-{name}",
                    "value-disagreement",
                    [key],
                    name,
                    f"Rows about one paper disagree on {name}: {mine!r} and {theirs!r}.",
                    f"The first row's value {mine!r} is kept; both claims stay on the source rows.",
                    "open",
                )
        merged["models"] = (
            list(dict.fromkeys((merged.get("models") or []) + (other.get("models") or []))) or None
        )
        merged["provenance"] = merged["provenance"] + other["provenance"]
    if len(rows) > 1:
        where = ", ".join(w for _, w in (r["_where"] for r in rows))
        _conflict(
            state,
            f"{key}-duplicate-rows",
            "duplicate-rows",
            [key],
            None,
            f"The list gives this paper in {len(rows)} rows ({where}).",
            "Merged into one entity that keeps every row's claims and provenance.",
            "resolved",
        )
    return merged


def _shared_short_names(state: _State) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, paper in state.out["papers"].items():
        if paper.get("short_name"):
            by_name[paper["short_name"].casefold()].append(key)
    for name, keys in sorted(by_name.items()):
        if len(keys) > 1:
            _conflict(
                state,
                f"short-name-{slugify(name)}",
                "shared-short-name",
                sorted(keys),
                "short_name",
                f"Different papers share the short name {name!r}.",
                "Kept distinct: they have different identifiers and titles.",
                "resolved",
            )


def _conflict(
    state: _State,
    key: str,
    kind: str,
    entities: list[str],
    field_name: str | None,
    description: str,
    resolution: str,
    status: str,
) -> None:
    state.out["conflicts"][key] = {
        "kind": kind,
        "entities": entities,
        "field": field_name,
        "description": description,
        "resolution": resolution,
        "status": status,
    }


def _datasets(state: _State, table: Table) -> None:
    concepts = state.out["concepts"]
    for row in table.rows:
        name = row.get("name").value
        if not name:
            state.problem(row, "name", "dataset has no name")
            continue
        domains = _concepts(concepts, "domain", row.get("scene").value, r"\s*,\s*")
        tasks = _concepts(concepts, "task", row.get("tasks").value, r"\s*/\s*")
        url = row.get("url")
        landing = url.links[0].href if url.links else None
        info = row.get("information").value
        paper_key = normalize.entity_key(landing) if landing else None
        state.out["datasets"][slugify(name)] = {
            "label": name,
            "domains": domains,
            "tasks": tasks,
            "description": info,
            "landing_page": landing,
            "paper": paper_key if paper_key in state.out["papers"] else None,
            "statistics": [
                {
                    "measure": s.measure,
                    "label": s.label,
                    "value": s.value,
                    "approximate": s.approximate,
                }
                for s in normalize.statistics(info or "")
            ]
            or None,
            "provenance": [state.provenance(row, listed_cells("dataset", row))],
        }


def _concepts(out: dict[str, Any], scheme: str, cell: str | None, sep: str) -> list[str] | None:
    if not cell:
        return None
    keys = []
    for label in re.split(sep, cell):
        key = slugify(label)
        out.setdefault(scheme, {"label": scheme.title(), "concepts": {}})
        out[scheme]["concepts"].setdefault(key, {"label": label.strip()})
        keys.append(key)
    return keys


def _models_table(state: _State, table: Table) -> None:
    for row in table.rows:
        cell = row.get("project")
        if not cell.links:
            state.problem(row, "project", "has no link to the model")
            continue
        link = cell.links[-1]
        trailing = cell.text.rsplit("/", 1)[-1].replace(link.text, "").strip()
        name = trailing or link.text
        repo = normalize.repository(link.href)
        owner_link = next(
            (lk for lk in cell.links if normalize.repository(lk.href) is None and lk is not link),
            None,
        )
        maker = (
            {"name": owner_link.text, "url": owner_link.href}
            if owner_link
            else _owner(link.href, repo)
        )
        key = state.models.find(name) or state.new_model(name)
        state.out["models"][key] = {
            **state.out["models"].get(key, {}),
            "url": link.href,
            "year": _year(state, row),
            "open_source": True,
            "supports_chinese": True,
            "single_gpu": True,
            "maker": maker,
            "provenance": [state.provenance(row, listed_cells("model", row))],
        }


def _owner(url: str, repo: normalize.Repository | None) -> dict[str, str] | None:
    """The account that publishes a model, read from its repository or hub link."""
    if repo is not None:
        return {"name": repo.owner, "url": f"https://{repo.host}/{repo.owner}"}
    match = re.match(r"https://huggingface\.co/([\w.-]+)/[\w.-]+", url)
    return (
        {"name": match.group(1), "url": f"https://huggingface.co/{match.group(1)}"}
        if match
        else None
    )


def _paradigm(state: _State, table: Table) -> None:
    scheme = state.out["concepts"].setdefault(
        "paradigm", {"label": "Tuning paradigm", "concepts": {}}
    )
    concept: dict[str, Any] = {"label": table.heading}
    if table.notes:
        concept["scope_note"] = " ".join(table.notes)
    scheme["concepts"][table.section] = concept


def _classify(state: _State, tables: Iterable[Table]) -> dict[str, int]:
    rows: dict[str, int] = {}
    papers: list[dict[str, Any]] = []
    later: list[tuple[str, Table]] = []
    for table in tables:
        kind = table_kind(table.columns)
        if kind is None:
            state.notes.append(
                f"{state.path}:{table.line}: table under {table.heading!r} "
                f"has unrecognised columns {list(table.columns)}; skipped"
            )
            continue
        rows[table.section] = len(table.rows)
        if kind == "paper":
            _paradigm(state, table)
        if kind in ("paper", "survey", "tutorial"):
            papers += _paper_rows(state, table, kind)
        else:
            later.append((kind, table))
    _merge_papers(state, papers)
    for kind, table in later:
        if kind == "dataset":
            _datasets(state, table)
        else:
            _models_table(state, table)
    return rows


def import_markdown(path: Path, catalog_dir: Path, source: SourceInfo) -> ImportReport:
    """Import one markdown list into catalog_dir; nothing is written unless all of it checks."""
    existing = _existing(catalog_dir)
    state = _State(path, source, {k: yamlio.plain(v) for k, v in existing.items()})
    rows = _classify(state, read_tables(path))
    if state.problems:
        raise InvalidDataError("import", state.problems)
    state.out["sources"][source.id] = {
        k: v for k, v in vars(source).items() if k != "id" and v is not None
    }
    docs, diffs = _merge_into(existing, state.out)
    _write_checked(catalog_dir, docs)
    return ImportReport(source.id, rows, diffs, state.notes)


def _existing(catalog_dir: Path) -> dict[str, Any]:
    docs = {}
    for name in OWNED.keys() | {"model-readings", "families"}:
        path = catalog_dir / file_name(name)
        if path.exists():
            docs[name] = yamlio.load(path) or CommentedMap()
    return docs


def _merge_into(
    existing: dict[str, Any], out: Mapping[str, dict[str, dict[str, Any]]]
) -> tuple[dict[str, Any], dict[str, CollectionDiff]]:
    docs: dict[str, Any] = {}
    diffs: dict[str, CollectionDiff] = {}
    for name, entries in out.items():
        doc = existing.get(name, CommentedMap())
        diff = CollectionDiff()
        for key in sorted(entries):
            new = {k: v for k, v in entries[key].items() if v is not None}
            if key not in doc:
                doc[key] = _node(new)
                diff.added.append(key)
            elif changed := _update(doc[key], new, OWNED[name]):
                diff.changed[key] = changed
        if name in REPLACED:
            for key in [k for k in doc if k not in entries]:
                del doc[key]
                diff.removed.append(key)
        diff.total = len(doc)
        docs[name], diffs[name] = doc, diff
    return docs, diffs


def _update(entry: CommentedMap, new: dict[str, Any], owned: tuple[str, ...]) -> list[str]:
    changed = []
    for name in owned:
        if name not in new and name in entry and name != "concepts":
            del entry[name]
            changed.append(name)
        elif name in new and yamlio.plain(entry.get(name)) != new[name]:
            if name == "concepts" and name in entry:
                for key, concept in new[name].items():
                    if key not in entry[name]:
                        entry[name][key] = _node(concept)
                        changed.append(f"concepts.{key}")
                continue
            entry[name] = _node(new[name])
            changed.append(name)
    return changed


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            if v is not None:
                node[k] = _node(v)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if all(isinstance(v, str) for v in value) and sum(len(v) for v in value) < 60:
            seq.fa.set_flow_style()
        return seq
    return value


def _write_checked(catalog_dir: Path, docs: Mapping[str, Any]) -> None:
    """Write the new files beside a copy of the rest, check the whole, then replace."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        if catalog_dir.is_dir():
            for path in catalog_dir.glob("*.yaml"):
                shutil.copy2(path, staging / path.name)
        texts = {name: yamlio.dump(doc) for name, doc in docs.items()}
        for name, text in texts.items():
            (staging / file_name(name)).write_text(text, encoding="utf-8")
        load_catalog(staging, shown_as=catalog_dir)
    for name, text in texts.items():
        yamlio.atomic_write(catalog_dir / file_name(name), text)
