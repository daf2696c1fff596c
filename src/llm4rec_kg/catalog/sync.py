"""Sync: read registered snapshots into ``catalog/rows/``, keeping every key stable.

Each row is matched to the entity it lists, in this order:

1. the same row of the same snapshot as the last sync recorded it (same title and link);
2. the normalised arXiv id, then the DOI, of the row's link;
3. the normalised title;
4. otherwise a new key, minted from the link's identifier, the short name or the title,
   and never reused.

A paper keyed by a name that later gains an identifier is re-keyed to it; the old key stays
in ``papers.yaml`` under ``replaces``, so its IRI redirects. Nothing is deleted: rows of
earlier snapshots stay, and a paper no current snapshot lists is delisted, not removed.
All files are written into a checked copy of the catalog first; a failure writes nothing.
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from llm4rec_kg.batch import without_cyclic_gc
from llm4rec_kg.catalog import identity, resolve, rows, transaction, yamlio
from llm4rec_kg.catalog.load import Catalog, file_name, load_catalog
from llm4rec_kg.errors import InvalidDataError, Problem, UsageError
from llm4rec_kg.quality import gate
from llm4rec_kg.readers import Declared, normalize, read_snapshot
from llm4rec_kg.readers.markdown import slugify
from llm4rec_kg.readers.shapes import ReadFinding, SourceRow

# Keys minted from an identifier: never re-keyed to another identifier.
IDENTIFIER_KEY = re.compile(rf"^({'|'.join(normalize.SCHEMES)})-")
DIFF_FIELDS = ("type", "short_name", "title", "venue", "year", "models", "code", "link")


@dataclass(frozen=True)
class NewSnapshot:
    """A snapshot to register before syncing: a file and where it was taken from."""

    list_id: str
    file: Path
    commit: str
    date: str
    url: str | None = None
    title: str | None = None  # for a new list
    repository: str | None = None  # for a new list
    licence: str | None = None  # for a new list
    accept: str | None = None  # why a reading the gate refuses is accepted all the same
    path: str | None = None  # the list's file in its repository, for --git


@dataclass
class SyncReport:
    snapshots: dict[str, int] = field(default_factory=dict)  # rows read per snapshot
    findings: dict[str, list[ReadFinding]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    delisted: list[tuple[str, str]] = field(default_factory=list)  # paper, snapshot
    changed: dict[str, list[tuple[str, Any, Any]]] = field(default_factory=dict)
    rekeyed: list[tuple[str, str]] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)  # old key, the paper it joined
    new_names: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, name, close
    files: list[str] = field(default_factory=list)  # catalog files written, relative to it
    vendored: list[str] = field(default_factory=list)  # snapshot files copied under sources/
    accepted: list[str] = field(default_factory=list)  # what the gate said, overridden
    new_iris: list[str] = field(default_factory=list)  # IRIs the sync would mint
    dry_run: bool = False

    @property
    def changes(self) -> bool:
        return bool(self.files)


class _Index:
    """Which entity an identifier or title belongs to, from the rows already matched."""

    def __init__(self) -> None:
        self.by: dict[str, dict[str, str]] = {"arxiv": {}, "doi": {}, "title": {}}
        self.keys: set[str] = set()

    def add(self, entity: str, arxiv: str | None, doi: str | None, title: str | None) -> None:
        self.keys.add(entity)
        for kind, value in (("arxiv", arxiv), ("doi", doi), ("title", _title(title))):
            if value:
                self.by[kind].setdefault(value, entity)

    def find(self, arxiv: str | None, doi: str | None, title: str | None) -> str | None:
        for kind, value in (("arxiv", arxiv), ("doi", doi), ("title", _title(title))):
            if value and value in self.by[kind]:
                return self.by[kind][value]
        return None


def _title(title: str | None) -> str | None:
    key = normalize.title_key(title) if title else ""
    return key if len(key) > 12 else None


def _identity(
    row: SourceRow, link_fix: str | None = None
) -> tuple[str | None, str | None, str | None]:
    link = link_fix or resolve.web_link(row.listed.get("link"))  # as the resolver reads it
    return (
        normalize.arxiv_id(link) if link else None,
        normalize.doi(link) if link else None,
        row.listed.get("title") or (row.listed.get("name") if row.kind == "tutorial" else None),
    )


class _Matcher:
    def __init__(
        self,
        curated: Mapping[str, Any],
        existing: Mapping[str, Any],
        owners: identity.Owners | None = None,
    ) -> None:
        self.curated = curated
        self.existing = existing  # snapshot id -> rows file data
        self.owners = owners or identity.Owners()
        self.decisions = identity.decisions(curated.get("matches") or {})
        self.extra: dict[str, dict[str, dict[str, Any]]] = {}  # snapshot -> row key -> facts
        self.papers = _Index()
        self.datasets: dict[str, str] = {}
        self.taken: set[str] = set()
        self.names = resolve.Names(curated)
        self.new_venues: dict[str, dict[str, str]] = {}
        self.new_models: dict[str, dict[str, str]] = {}
        self.redirects = {
            old: key
            for key, e in (curated.get("papers") or {}).items()
            for old in e.get("replaces") or []
        }
        self.taken |= set(self.redirects) | set(curated.get("papers") or {})
        for d_key, d in (curated.get("datasets") or {}).items():
            self.taken |= set(d.get("replaces") or []) | {d_key}
            for name in [d.get("label"), *(d.get("aliases") or [])]:
                if name:
                    self.datasets[normalize.name_key(name)] = d_key
        self.link_fixes = resolve.link_fixes(curated.get("corrections") or {})
        self._index_corrections()
        for data in existing.values():
            for key, row in (data.get("rows") or {}).items():
                if not row.get("entity"):
                    continue  # waiting for a curator
                entity = self.redirects.get(row["entity"], row["entity"])
                self.taken.add(entity)
                fix = self.link_fixes.get(f"{data.get('snapshot')}/{key}")
                if fix is not None and entity != normalize.entity_key(fix):
                    continue  # matched before its link was corrected: matched afresh
                self._remember(_source_row(key, row, data), entity, data.get("snapshot", ""))

    def _index_corrections(self) -> None:
        """Identifiers a sourced correction assigns win over what rows list."""
        for correction in (self.curated.get("corrections") or {}).values():
            entity = self.redirects.get(correction["entity"], correction["entity"])
            value = correction.get("corrected")
            if correction["field"] == "arxiv" and isinstance(value, str):
                self.papers.by["arxiv"][value] = entity
            elif correction["field"] == "doi" and isinstance(value, str):
                self.papers.by["doi"][value.lower()] = entity

    def _corrected_away(self, entity: str, arxiv: str | None) -> bool:
        owner = self.papers.by["arxiv"].get(arxiv or "")
        return owner is not None and owner != entity

    def _remember(self, row: SourceRow, entity: str | None, snapshot: str) -> None:
        if entity is None:
            return  # waiting for a curator: it vouches for nothing yet
        if row.kind == "dataset":
            if row.listed.get("name"):
                self.datasets.setdefault(normalize.name_key(row.listed["name"]), entity)
            return
        if row.kind == "model":
            return
        fix = self.link_fixes.get(f"{snapshot}/{row.key}")
        arxiv, doi, title = _identity(row, fix)
        if self._corrected_away(entity, arxiv) or (fix is None and self._names_another(row)):
            arxiv = doi = None  # the link is another paper's record: it says nothing of this one
        self.papers.add(entity, arxiv, doi, title)

    def _names_another(self, row: SourceRow) -> str | None:
        link = resolve.web_link(row.listed.get("link"))
        key = normalize.entity_key(link) if link else None
        return self.owners.names_another(key, row.listed.get("title"))

    def match(self, snapshot: str, row: SourceRow) -> str | None:
        previous = ((self.existing.get(snapshot) or {}).get("rows") or {}).get(row.key)
        fix = self.link_fixes.get(f"{snapshot}/{row.key}")
        other = self._names_another(row) if fix is None and row.kind != "dataset" else None
        entity: str | None
        if previous and _same_row(previous, row) and fix is None and previous.get("entity"):
            if other is None or previous.get("other_record"):
                entity = str(self.redirects.get(previous["entity"], previous["entity"]))
            else:
                entity = self.paper(snapshot, row, fix, other)
        elif row.kind == "model":
            entity = self.model(resolve.model_name(row.listed) or row.key)
        elif row.kind == "dataset":
            entity = self.dataset(row)
        else:
            entity = self.paper(snapshot, row, fix, other)
        if other is not None:
            owner = self.papers.find(*_identity(row, fix)[:2], None)
            self.note(snapshot, row, other_record=owner or other)
            self.note(
                snapshot,
                row,
                issue=f"its link is the record of another paper ({owner or other!r}, titled "
                f"{other!r}); the row is kept apart from it",
            )
        self._remember(row, entity, snapshot)
        self.new_names_of(row)
        return entity

    def paper(
        self, snapshot: str, row: SourceRow, fix: str | None, other: str | None
    ) -> str | None:
        """A paper row's entity: by identifier, by title, by a near-identical title, or a new
        key; None while a curator decides an uncertain match."""
        arxiv, doi, title = _identity(row, fix)
        if other is not None:
            arxiv = doi = None  # its link belongs to another paper
        if found := self.papers.find(arxiv, doi, title):
            return found
        link = fix or resolve.web_link(row.listed.get("link"))
        title_only = link is None or other is not None
        if title and title_only and (near := self.near(snapshot, row, title)):
            return near if near != "pending" else None
        return self.mint(row, fix if other is None else None, keyed_by_link=other is None)

    def near(self, snapshot: str, row: SourceRow, title: str) -> str | None:
        """A title-only row's paper by a near-identical title, or by a curator's decision;
        "pending" when it is close but not sure."""
        decided = self.decisions.get(normalize.title_key(title))
        if decided is not None:
            if decided.get("same_as"):
                return str(self.redirects.get(decided["same_as"], decided["same_as"]))
            return None  # distinct: a paper of its own
        found = identity.nearest(title, self.papers.by["title"])
        if found is None:
            return None
        if found.score >= identity.NEAR_SAME:
            self.note(
                snapshot,
                row,
                issue=f"matched to {found.entity!r} by a near-identical title "
                f"({found.score:.3f}): {found.title!r}",
            )
            return found.entity
        self.note(snapshot, row, candidates=[found.entity])
        self.note(
            snapshot,
            row,
            issue=f"uncertain match: its title is {found.score:.3f} alike to {found.entity!r}'s "
            f"({found.title!r}); decide in matches.yaml",
        )
        return "pending"

    def note(self, snapshot: str, row: SourceRow, **facts: Any) -> None:
        record = self.extra.setdefault(snapshot, {}).setdefault(row.key, {})
        for name, value in facts.items():
            if name == "issue":
                record.setdefault("issues", []).append(value)
            else:
                record[name] = value

    def dataset(self, row: SourceRow) -> str:
        name = row.listed.get("name") or row.key
        found = self.datasets.get(normalize.name_key(name))
        return found or self._unique(slugify(name) or "dataset")

    def model(self, name: str) -> str:
        if key := self.names.models.get(normalize.name_key(name)):
            return key
        return self._new_name("model", name)

    def new_names_of(self, row: SourceRow) -> None:
        if row.kind in ("model", "dataset"):
            return
        for key, name, _ in self.names.model_mentions(row.listed.get("llm")):
            if key is None:
                self._new_name("model", name)
        venue = resolve.venue_name(row.listed)
        if venue and self.names.venue(venue) is None:
            self._new_name("venue", venue)

    def _new_name(self, kind: str, name: str) -> str:
        index = self.names.models if kind == "model" else self.names.venues
        existing = set(self.curated.get(f"{kind}s") or {}) | set(index.values())
        key = _unique_in(slugify(name) or kind, existing)
        index[normalize.name_key(name)] = key
        (self.new_models if kind == "model" else self.new_venues)[key] = {"label": name}
        return key

    def mint(self, row: SourceRow, link_fix: str | None = None, keyed_by_link: bool = True) -> str:
        link = link_fix or resolve.web_link(row.listed.get("link"))
        for candidate in (
            normalize.entity_key(link) if link and keyed_by_link else None,
            slugify(self.names.paper_name(row.listed.get("name")) or "")
            if row.kind == "paper"
            else None,
            "-".join(slugify(row.listed.get("title") or "").split("-")[:6]),
        ):
            if candidate and candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        return self._unique(slugify(row.listed.get("title") or row.key) or "paper")

    def _unique(self, base: str) -> str:
        key = _unique_in(base, self.taken)
        self.taken.add(key)
        return key


def _unique_in(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    return key


def _same_row(previous: Mapping[str, Any], row: SourceRow) -> bool:
    listed = previous.get("listed") or {}
    return all(listed.get(c) == row.listed.get(c) for c in ("title", "link", "name", "project"))


def _source_row(key: str, row: Mapping[str, Any], data: Mapping[str, Any]) -> SourceRow:
    section, _, index = str(key).rpartition("/")
    headings = tuple(((data.get("sections") or {}).get(section) or {}).get("headings") or ())
    return SourceRow(
        section,
        int(index or 0),
        row["line"],
        row["kind"],
        headings,
        dict(row["listed"]),
        tuple(row.get("issues") or ()),
    )


@without_cyclic_gc
def sync(
    catalog_dir: Path,
    lists: Iterable[str] = (),
    new: NewSnapshot | None = None,
    dry_run: bool = False,
) -> SyncReport:
    """Re-read the snapshots of the named lists (all when none), or register and read a new
    snapshot; write the rows, new names and re-keys as one checked change."""
    transaction.recover(catalog_dir)
    docs = _curated_docs(catalog_dir)
    curated = {name: yamlio.plain(doc) for name, doc in docs.items()}
    project = catalog_dir.resolve().parent
    if new is not None:
        _register(docs, curated, new, project)
        lists = [new.list_id]
    registry = curated.get("sources") or {}
    unknown = [name for name in lists if name not in registry]
    if unknown:
        raise UsageError(
            f"no source list {unknown[0]!r} in {catalog_dir / 'sources.yaml'}"
            + _close(unknown[0], registry)
        )
    chosen = list(lists) or sorted(registry)
    snapshots = {
        snap_id: (list_id, snap)
        for list_id in chosen
        for snap_id, snap in sorted(
            registry[list_id]["snapshots"].items(), key=lambda kv: str(kv[1]["date"])
        )
        # Registering a snapshot reads that snapshot alone: it never rewrites another's rows.
        if new is None or snap_id == f"{new.list_id}-{new.commit[:7]}"
    }
    existing = _existing_rows(catalog_dir)
    before = _safe_load(catalog_dir)
    report = SyncReport(dry_run=dry_run)
    texts: dict[str, str] = {}
    vendored: dict[str, bytes] = {}
    if new is not None:
        target = registry[new.list_id]["snapshots"][f"{new.list_id}-{new.commit[:7]}"]["file"]
        if (project / target).resolve() != new.file.resolve():
            vendored[target] = new.file.read_bytes()
    readings = {}
    for snap_id, (list_id, snap) in snapshots.items():
        path = project / snap["file"]
        if snap["file"] in vendored:
            path = new.file if new is not None else path
        entry = registry[list_id]
        declared = Declared(
            dict(entry.get("columns") or {}), tuple(entry.get("skip_sections") or ())
        )
        readings[snap_id] = read_snapshot(path, entry["reader"], snap["file"], declared)
    matcher = _Matcher(curated, existing, _owners(registry, existing, readings, snapshots))
    entities: dict[str, dict[str, str | None]] = {}  # snapshot -> row key -> entity
    for snap_id, (_, snap) in snapshots.items():
        reading = readings[snap_id]
        before_names = set(matcher.new_venues) | set(matcher.new_models)
        matched = [(row, matcher.match(snap_id, row)) for row in reading.rows]
        if new is not None and snap_id == f"{new.list_id}-{new.commit[:7]}":
            _gate(reading.rows, matcher, before_names, new, snap["file"], report, docs)
        entities[snap_id] = {row.key: entity for row, entity in matched}
        report.snapshots[snap_id] = len(matched)
        report.findings[snap_id] = reading.findings
        texts[f"{rows.ROWS_DIR}/{snap_id}.yaml"] = rows.dump(
            rows.document(snap_id, matched, matcher.extra.get(snap_id)), snap["file"]
        )
    _add_names(docs, matcher, report)
    _merge_orphans(docs, existing, entities, matcher, report)
    _rekey(docs, texts, existing, matcher, report, catalog_dir)
    for name in ("sources", "venues", "models", "papers"):
        if name in docs:
            texts[file_name(name)] = yamlio.dump(docs[name])
    changed = {n: t for n, t in texts.items() if _read(catalog_dir / n) != t}
    after = _checked(catalog_dir, changed)
    if not dry_run:
        _write(project, vendored, catalog_dir, changed)
    report.files = sorted(changed)
    report.vendored = sorted(vendored)
    _diff(before, after, report)
    return report


def _owners(
    registry: Mapping[str, Any],
    existing: Mapping[str, Any],
    readings: Mapping[str, Any],
    snapshots: Mapping[str, tuple[str, Any]],
) -> identity.Owners:
    """Every paper row's vote for the title its link's identifier belongs to: the rows
    being read now, and the rows of the snapshots not read again."""
    list_of = {snap: lid for lid, entry in registry.items() for snap in entry["snapshots"]}
    votes: list[tuple[str, str | None, str | None]] = []
    for snap_id, data in existing.items():
        if snap_id in readings:
            continue
        for row in (data.get("rows") or {}).values():
            if row["kind"] in resolve.PAPER_KINDS and not row.get("other_record"):
                listed = row.get("listed") or {}
                link = resolve.web_link(listed.get("link"))
                votes.append((list_of.get(snap_id, snap_id), link, listed.get("title")))
    for snap_id, reading in readings.items():
        for row in reading.rows:
            if row.kind in resolve.PAPER_KINDS:
                link = resolve.web_link(row.listed.get("link"))
                votes.append((snapshots[snap_id][0], link, row.listed.get("title")))
    return identity.vote_rows(votes)


def _write(
    project: Path, vendored: Mapping[str, bytes], catalog_dir: Path, changed: Mapping[str, str]
) -> None:
    """The vendored snapshot first (a catalog never names a file that is not there), then
    the catalog's files as one transaction; a failure removes the snapshot it wrote."""
    written: list[Path] = []
    try:
        for name, data in vendored.items():
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                written.append(target)
            target.write_bytes(data)
        transaction.write(catalog_dir, changed)
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise


def _gate(
    rows: list[SourceRow],
    matcher: _Matcher,
    before: set[str],
    new: NewSnapshot,
    file: str,
    report: SyncReport,
    docs: dict[str, Any],
) -> None:
    """Refuse a new snapshot whose reading looks broken, unless it is accepted with a
    reason; the reason and what the gate said are recorded with the snapshot."""
    names = [
        (kind, entry["label"])
        for kind, found in (("venue", matcher.new_venues), ("model", matcher.new_models))
        for key, entry in found.items()
        if key not in before
    ]
    verdicts = gate.assess(rows, names)
    if not verdicts:
        return
    if new.accept is None:
        problems = [Problem(file, None, None, None, f"refused: {v}") for v in verdicts]
        problems.append(
            Problem(
                file,
                None,
                None,
                None,
                "nothing was written; declare the list's columns in sources.yaml, or accept "
                "the reading with --accept-reading REASON",
            )
        )
        raise InvalidDataError("gate", problems)
    report.accepted = [str(v) for v in verdicts]
    snapshot = docs["sources"][new.list_id]["snapshots"][f"{new.list_id}-{new.commit[:7]}"]
    snapshot["accepted"] = f"{new.accept} (the gate said: {'; '.join(report.accepted)})"


def _curated_docs(catalog_dir: Path) -> dict[str, Any]:
    if not (catalog_dir / file_name("sources")).exists():
        raise UsageError(f"{catalog_dir}: no sources.yaml; is this a catalog directory?")
    docs = {}
    for name in (
        "sources",
        "venues",
        "models",
        "papers",
        "datasets",
        "corrections",
        "model-readings",
        "matches",
    ):  # what matching reads (names, corrections, keys) and what sync writes
        path = catalog_dir / file_name(name)
        if path.exists():
            docs[name] = yamlio.load_for_edit(path) or CommentedMap()
        elif name == "papers":
            docs[name] = CommentedMap()
    return docs


def _register(
    docs: dict[str, Any], curated: dict[str, Any], new: NewSnapshot, project: Path
) -> None:
    """Vendor the file under sources/ and add the snapshot (and, if new, the list)."""
    if not new.file.is_file():
        raise UsageError(f"{new.file}: no such file")
    registry = docs["sources"]
    if new.list_id not in registry:
        missing = [
            o for o, v in (("--title", new.title), ("--repository", new.repository)) if not v
        ]
        if missing:
            raise UsageError(f"{new.list_id!r} is a new list: give {' and '.join(missing)}")
        registry[new.list_id] = CommentedMap(
            title=new.title,
            repository=new.repository,
            licence=new.licence or "none stated",
            reader="markdown",
            snapshots=CommentedMap(),
        )
    snap_id = f"{new.list_id}-{new.commit[:7]}"
    if snap_id in registry[new.list_id]["snapshots"]:
        raise UsageError(
            f"{new.list_id!r} already has snapshot {snap_id!r}; "
            f"run `llm4rec-kg sync {new.list_id}` to re-read it"
        )
    # The commit is in the name: two versions of one day are two files.
    target = Path("sources") / f"{new.list_id}-{new.date}-{new.commit[:7]}.md"
    if (project / target).exists() and (project / target).read_bytes() != new.file.read_bytes():
        raise UsageError(f"{target} exists with other content; no snapshot overwrites another")
    entry = CommentedMap(commit=new.commit, date=new.date, file=str(target))
    if new.url:
        entry["url"] = new.url
    if new.path:
        entry["path"] = new.path
    registry[new.list_id]["snapshots"][snap_id] = entry
    curated["sources"] = yamlio.plain(registry)


def _close(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _existing_rows(catalog_dir: Path) -> dict[str, Any]:
    out = {}
    folder = catalog_dir / rows.ROWS_DIR
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        data, _ = rows.load(path, str(path))
        out[path.stem] = data or {}
    return out


def _safe_load(catalog_dir: Path) -> Catalog | None:
    """The catalog as it is, to diff against; None when it does not load yet."""
    try:
        return load_catalog(catalog_dir)
    except InvalidDataError:
        return None


def _add_names(docs: dict[str, Any], matcher: _Matcher, report: SyncReport) -> None:
    for kind, new in (("venue", matcher.new_venues), ("model", matcher.new_models)):
        doc = docs.setdefault(f"{kind}s", CommentedMap())
        # Close matches are judged case-blind over labels and aliases ("Avrxi" is near
        # "arxiv"), and shown as the label.
        names = {
            str(name).casefold(): str(e.get("label", k))
            for k, e in doc.items()
            for name in [e.get("label", k), *(e.get("aliases") or [])]
        }
        for key, entry in sorted(new.items()):
            if key in doc:
                continue
            doc[key] = CommentedMap(label=entry["label"])
            close = difflib.get_close_matches(
                entry["label"].casefold(), sorted(names), n=1, cutoff=0.6
            )
            report.new_names.append((kind, entry["label"], names[close[0]] if close else None))


def _rekey(
    docs: dict[str, Any],
    texts: dict[str, str],
    existing: Mapping[str, Any],
    matcher: _Matcher,
    report: SyncReport,
    catalog_dir: Path,
) -> None:
    """Entities keyed by a name whose rows now give an identifier take its key; the old key
    is kept under ``replaces``, and rows everywhere name the new key."""
    identity: dict[str, str] = {}
    for entity_id, key in sorted(_identifier_keys(matcher).items()):
        if not IDENTIFIER_KEY.match(entity_id) and key not in matcher.taken:
            identity[entity_id] = key
    if not identity:
        return
    papers = docs["papers"]
    for old, new in sorted(identity.items()):
        entry = papers.pop(old, None) or CommentedMap()
        replaces = list(entry.get("replaces") or [])
        entry["replaces"] = sorted({*replaces, old})
        papers[new] = entry
        matcher.taken.add(new)
        report.rekeyed.append((old, new))
    for snap_id in set(existing) | {Path(n).stem for n in texts if n.startswith(rows.ROWS_DIR)}:
        name = f"{rows.ROWS_DIR}/{snap_id}.yaml"
        text = texts.get(name) or _read(catalog_dir / name)
        if text is None:
            continue
        for old, new in identity.items():
            text = re.sub(rf"(\n    entity: ){re.escape(old)}\n", rf"\g<1>{new}\n", text)
        texts[name] = text
    docs["papers"] = CommentedMap(sorted(papers.items()))


def _merge_orphans(
    docs: dict[str, Any],
    existing: Mapping[str, Any],
    entities: Mapping[str, Mapping[str, str | None]],
    matcher: _Matcher,
    report: SyncReport,
) -> None:
    """A paper whose every row now reads as another paper (its title was read with debris
    before, or its link was malformed) joins that paper: its key goes under the paper's
    ``replaces``, so its IRI redirects and no row or curated fact is lost."""
    after: set[str] = set()
    for snap_id, data in existing.items():
        if snap_id not in entities:
            after |= {str(r["entity"]) for r in (data.get("rows") or {}).values() if r["entity"]}
    for rows_of in entities.values():
        after |= {e for e in rows_of.values() if e is not None}
    targets: dict[str, set[str]] = {}
    for snap_id, rows_of in entities.items():
        for key, row in ((existing.get(snap_id) or {}).get("rows") or {}).items():
            old = matcher.redirects.get(row["entity"], row["entity"])
            new = rows_of.get(key)
            if old and old not in after and new and row["kind"] in resolve.PAPER_KINDS:
                targets.setdefault(old, set()).add(matcher.redirects.get(new, new))
    papers = docs["papers"]
    for old, into in sorted(targets.items()):
        if len(into) != 1:
            continue  # its rows went different ways: the build names it for a curator
        (new,) = into
        entry = papers.get(new) or CommentedMap()
        gone = papers.pop(old, None)
        if gone is not None and new in papers and set(gone) - {"replaces"}:
            papers[old] = gone  # both curated: a curator merges them
            continue
        if gone is not None:
            entry = CommentedMap({**gone, **entry})
        entry["replaces"] = sorted(
            {*(entry.get("replaces") or []), *(gone or {}).get("replaces", []), old}
        )
        papers[new] = entry
        matcher.redirects[old] = new
        report.merged.append((old, new))
    if report.merged:
        docs["papers"] = CommentedMap(sorted(papers.items()))


def _identifier_keys(matcher: _Matcher) -> dict[str, str]:
    """For each paper entity, the key its arXiv id or DOI would give."""
    out: dict[str, str] = {}
    for kind in ("arxiv", "doi"):
        for value, entity in sorted(matcher.papers.by[kind].items()):
            out.setdefault(entity, normalize.Identifier(kind, value).key)
    return out


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _checked(catalog_dir: Path, texts: Mapping[str, str]) -> Catalog:
    """The catalog as it would be: the changed files written beside a copy of the rest,
    loaded and checked. Raises, having written nothing, when it is not valid."""
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / catalog_dir.name
        shutil.copytree(catalog_dir, staging)
        for name, text in texts.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return load_catalog(staging, shown_as=catalog_dir)


def _diff(before: Catalog | None, after: Catalog, report: SyncReport) -> None:
    old = before.get("papers") if before else {}
    new = after.get("papers")
    redirects = after.redirects.get("papers", {})
    report.added = sorted(
        k for k in new if k not in old and k not in {redirects.get(o) for o in old}
    )
    for key, paper in sorted(new.items()):
        was = old.get(key) or next(
            (old[o] for o, n in redirects.items() if n == key and o in old), None
        )
        if was is None:
            continue
        changes = [(f, was.get(f), paper.get(f)) for f in DIFF_FIELDS if was.get(f) != paper.get(f)]
        if changes:
            report.changed[key] = changes
        for snap in paper["delisted_in"]:
            if snap not in (was.get("delisted_in") or []):
                report.delisted.append((key, snap))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return "none" if value is None else str(value)


def render(report: SyncReport, catalog_dir: Path) -> str:
    """The diff a reviewer reads: rows read, papers added, delisted and changed (old ->
    new), re-keys, new names with their nearest known name, and the files written."""
    lines = []
    for snap, count in sorted(report.snapshots.items()):
        lines.append(f"read {count} rows from {snap}")
        lines += [f"  line {f.line}: {f.message}" for f in report.findings.get(snap, [])]
    lines.append(
        f"papers: +{len(report.added)} added, -{len(report.delisted)} delisted, "
        f"~{len(report.changed)} changed"
    )
    lines += [f"  + {key}" for key in report.added]
    lines += [f"  - {key} (delisted by {snap})" for key, snap in report.delisted]
    for key, changes in sorted(report.changed.items()):
        shown = "; ".join(f"{f}: {_shown(a)} -> {_shown(b)}" for f, a, b in changes)
        lines.append(f"  ~ {key}: {shown}")
    for old, new in report.rekeyed:
        lines.append(f"re-keyed {old} -> {new} (the old IRI redirects)")
    for verdict in report.accepted:
        lines.append(f"accepted although the gate said: {verdict}")
    for old, new in report.merged:
        lines.append(
            f"merged {old} into {new}: its rows now read as that paper (the old IRI redirects)"
        )
    for kind, name, close in report.new_names:
        hint = f", close to {close!r}: make it an alias if it is the same" if close else ""
        lines.append(f"new {kind} {name!r}{hint}")
    if not report.files:
        lines.append("no change")
    verb = "would write" if report.dry_run else "wrote"
    lines += [f"{verb} {catalog_dir / name}" for name in report.files]
    lines += [f"{verb} {catalog_dir.parent / name}" for name in report.vendored]
    if report.dry_run:
        if report.added:
            lines.append(
                f"{len(report.added)} new paper IRIs would enter the ledger at the next build: "
                + ", ".join(f"paper/{key}" for key in report.added[:20])
                + (" and more" if len(report.added) > 20 else "")
            )
        lines.append("dry run: nothing was written")
    return "\n".join(lines)
