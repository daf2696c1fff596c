"""From claims to entities: every source row's cells, read into values and merged per
entity by one documented precedence, with every disagreement recorded as a conflict.

Precedence, highest first (the rule that decided is kept with each conflict):

1. ``correction``: a sourced correction in ``corrections.yaml`` (applied after this module);
2. ``curator``: a field set in ``papers.yaml``;
3. ``published-venue``: for venue and year, a row naming a published venue beats one
   naming arXiv or "Preprint";
4. ``newest-snapshot``: rows of a list's current snapshot beat its earlier snapshots, and
   among current snapshots the newest list wins;
5. ``first-row``: within one snapshot, the row nearest the top of the file.

A conflict decided by rules 1-4 against an earlier snapshot is ``resolved``; one decided
only by list date or row order between current rows is ``open`` until a curator decides.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from llm4rec_kg.readers import cells, normalize
from llm4rec_kg.readers.markdown import slugify

PAPER_KINDS = frozenset({"paper", "survey", "tutorial"})
UNPUBLISHED_VENUE_KINDS = frozenset({"preprint-server", "preprint"})
SCALAR_FIELDS = ("type", "short_name", "title", "link", "venue", "year", "paradigm", "code")
COMPARED_FIELDS = ("short_name", "venue", "year", "paradigm", "code")
# Titles less alike than this (on their title keys) are different titles, not variants.
SAME_TITLE = 0.8


@dataclass(frozen=True)
class Snapshot:
    id: str
    list: str
    title: str
    commit: str
    date: str
    file: str
    url: str | None
    reader: str
    current: bool
    previous: str | None  # the snapshot of the same list before this one


@dataclass(frozen=True)
class Row:
    """One row of one snapshot, as a rows file records it."""

    snapshot: Snapshot
    section: str
    index: int
    line: int
    kind: str
    entity: str
    listed: Mapping[str, str]
    headings: tuple[str, ...]
    issues: tuple[str, ...]
    file: str  # the rows file, for messages
    yaml_line: int | None
    other_record: str | None = None  # the paper whose record the row's link names
    candidates: tuple[str, ...] = ()  # for a row waiting for a curator

    @property
    def key(self) -> str:
        return f"{self.section}/{self.index}"

    @property
    def order(self) -> tuple[int, int, str, int]:
        """Precedence of the row's claims: current snapshots first, newest first."""
        newest_first = -datetime.date.fromisoformat(self.snapshot.date).toordinal()
        return (0 if self.snapshot.current else 1, newest_first, self.snapshot.list, self.line)

    def provenance(self) -> dict[str, Any]:
        return {
            "source": self.snapshot.id,
            "section": self.section,
            "row": self.index,
            "line": self.line,
            "listed": dict(self.listed),
            "issues": list(self.issues),
            "current": self.snapshot.current,
            "file": self.file,
            "yaml_line": self.yaml_line,
            "other_record": self.other_record,
        }


class Names:
    """Name -> key lookups from the curated labels and aliases (case, spacing and
    hyphenation folded), for venues, models and whole-cell model readings."""

    def __init__(self, collections: Mapping[str, Mapping[str, Any]]) -> None:
        self.venues = _index(collections.get("venues") or {})
        self.models = _index(collections.get("models") or {})
        self.readings = {
            normalize.name_key(k): list(v["models"])
            for k, v in (collections.get("model-readings") or {}).items()
        }
        self.venue_kinds = {k: v.get("kind") for k, v in (collections.get("venues") or {}).items()}

    def venue(self, name: str | None) -> str | None:
        return self.venues.get(normalize.name_key(name)) if name else None

    def model_mentions(self, cell: str | None) -> list[tuple[str | None, str, int | None]]:
        """(model key or None when unknown, name as listed, parameter count)."""
        text = cells.value(cell)
        if text is None:
            return []
        if (reading := self.readings.get(normalize.name_key(text))) is not None:
            return [(key, text, None) for key in reading]
        return [
            (self.models.get(normalize.name_key(m.name)), m.name, m.parameters)
            for m in cells.split_models(text)
        ]

    def paper_name(self, cell: str | None) -> str | None:
        """A listed short name, unless it is a known model's name: a Name column that says
        "ChatGPT" names the backbone, not the paper."""
        name = cells.value(cell)
        if name is None or normalize.name_key(name) in self.models:
            return None
        return name

    def published(self, venue: str | None) -> bool:
        return venue is not None and self.venue_kinds.get(venue) not in UNPUBLISHED_VENUE_KINDS


def _index(entries: Mapping[str, Any]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, entry in entries.items():
        for name in [key, entry.get("label", ""), *(entry.get("aliases") or [])]:
            index.setdefault(normalize.name_key(str(name)), str(key))
    return index


def venue_name(listed: Mapping[str, str]) -> str | None:
    return cells.value(listed.get("venue")) or cells.publication(listed.get("publication")).venue


def listed_year(listed: Mapping[str, str]) -> int | None:
    return (
        cells.year(listed.get("year"))
        or cells.publication(listed.get("publication")).year
        or cells.year(listed.get("date"))
    )


# The listed column each correctable field was read from.
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
# Fields a correction decides claim by claim, here: the claims it names are set aside and
# the other rows' claims still count (a correction never wipes another list's claim).
CLAIM_CORRECTED = frozenset({"venue", "year", "short_name", "title"})


def listed_cell(listed: Mapping[str, Any], field: str) -> str | None:
    """The cell a field was read from, as listed; venue and year may sit in "Publication"
    (or a date)."""
    column = LISTED_COLUMN[field]
    if listed.get(column) is not None:
        return str(listed[column])
    if field == "venue" and listed.get("publication"):
        return cells.publication(listed["publication"]).venue
    if field == "year":
        found = listed_year(listed)
        return None if found is None else str(found)
    return None


def value_fixes(
    corrections: Mapping[str, Any], redirects: Mapping[str, str]
) -> dict[str, list[Mapping[str, Any]]]:
    """Entity -> its corrections of fields decided claim by claim."""
    out: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for _, c in sorted(corrections.items()):
        if c["field"] in CLAIM_CORRECTED and not c.get("row"):
            out[redirects.get(c["entity"], c["entity"])].append(c)
    return dict(out)


def web_link(text: str | None) -> str | None:
    """A listed link, when it is a web address the graph can hold as an IRI (a row may
    list "(http://...)" or a title in place of a link; the row keeps it as listed)."""
    value = cells.value(text)
    return value if value is not None and normalize.valid_iri(value) else None


def code_url(listed: Mapping[str, str]) -> str | None:
    code = web_link(listed.get("code"))
    return normalize.strip_tracking(code) if code else None


def paper_claims(
    row: Row, names: Names, paradigms: Iterable[str], link_fix: str | None = None
) -> dict[str, Any]:
    """What one row says about its paper, read into values (with its link corrected, when
    a correction names this row)."""
    listed = row.listed
    # A link that is another paper's record says nothing of this one (kept as listed).
    link = link_fix or (None if row.other_record else web_link(listed.get("link")))
    models = names.model_mentions(listed.get("llm"))
    title = listed.get("title") or (listed.get("name") if row.kind == "tutorial" else None)
    return {
        "type": row.kind,
        "short_name": names.paper_name(listed.get("name")) if row.kind == "paper" else None,
        "title": title,
        "link": normalize.canonical_link(link) if link else None,
        "arxiv": normalize.arxiv_id(link) if link else None,
        "doi": normalize.doi(link) if link else None,
        "venue": names.venue(venue_name(listed)),
        "year": listed_year(listed),
        "paradigm": row.section if row.section in paradigms and row.kind == "paper" else None,
        "code": code_url(listed),
        "code_label": cells.value(listed.get("code_label")),
        "models": [key for key, _, _ in models if key],
        "model_sizes": {key: size for key, _, size in models if key and size},
        "tuning": list(cells.tuning_strategies(listed.get("tuning"))),
    }


ROLES = ("fine-tuned", "frozen", "unspecified")  # the model-role scheme's concepts


def tuning_paradigms(concepts: Mapping[str, Any]) -> dict[str, str]:
    """Each tuning strategy mapped to the paradigm it falls under (concepts.yaml's
    exact_match or broad_match); strategies left unmapped are absent."""
    scheme = (concepts.get("tuning") or {}).get("concepts") or {}
    return {
        key: concept.get("exact_match") or concept["broad_match"]
        for key, concept in scheme.items()
        if concept.get("exact_match") or concept.get("broad_match")
    }


def row_roles(claims: Mapping[str, Any], tunes: Mapping[str, str]) -> dict[str, str]:
    """What one row says each model it names was used as. A paper sorted under No Tuning
    (or tuned Frozen) tunes none of its models; a fine-tuning row says only that some model
    was tuned, so it names the role only when it names one model. Anything else says
    nothing about the role."""
    paradigms = {claims["paradigm"], *(tunes.get(t) for t in claims["tuning"])} - {None}
    models: list[str] = claims["models"]
    if paradigms == {"no-tuning"}:
        return dict.fromkeys(models, "frozen")
    if paradigms == {"supervised-fine-tuning"} and len(models) == 1:
        return {models[0]: "fine-tuned"}
    return {}


def topic_key(row: Row) -> str:
    return f"{row.snapshot.list}-{row.section}"


@dataclass
class Conflict:
    kind: str
    entities: list[str]
    field: str | None
    description: str
    resolution: str
    status: str
    decided_by: str
    decided: Any = None  # the value used, for a value disagreement: what the graph must hold
    # For a value disagreement, each row's claim: where it is, its value, and whether the
    # graph's value upholds it.
    claims: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # `field` is taken

    def as_record(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "decided": self.decided,
            "kind": self.kind,
            "entities": self.entities,
            "field": self.field,
            "description": self.description,
            "resolution": self.resolution,
            "status": self.status,
            "decided_by": self.decided_by,
        }


@dataclass
class Resolved:
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    tuning_labels: dict[str, str] = field(default_factory=dict)
    unknown_names: list[tuple[Row, str, str]] = field(default_factory=list)  # row, what, name


def _distinct(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v not in (None, [], {})))


def _claim(row: Row, value: Any, upheld: bool) -> dict[str, Any]:
    """One row's claim in a value disagreement: its row, its value, whether it holds."""
    return {
        "source": row.snapshot.id,
        "section": row.section,
        "row": row.index,
        "value": value,
        "upheld": upheld,
    }


def _comparable(name: str, value: Any) -> Any:
    if name == "short_name" and isinstance(value, str):
        return value.casefold()
    if name == "code" and isinstance(value, str):
        return value.lower().rstrip("/").removesuffix(".git")
    return value


class _PaperResolver:
    def __init__(
        self,
        names: Names,
        paradigms: set[str],
        out: Resolved,
        link_fixes: Mapping[str, str],
        tunes: Mapping[str, str],
        fixes: Mapping[str, list[Mapping[str, Any]]] | None = None,
    ) -> None:
        self.fixes = fixes or {}
        self.names = names
        self.paradigms = paradigms
        self.tunes = tunes
        self.out = out
        self.link_fixes = link_fixes
        self.snapshots: Mapping[str, list[str]] = {}  # list -> its snapshots, oldest first

    def resolve(self, key: str, rows: list[Row], curated: Mapping[str, Any]) -> dict[str, Any]:
        rows = sorted(rows, key=lambda r: r.order)
        claims = [
            (row, paper_claims(row, self.names, self.paradigms, self.link_fixes.get(row_id(row))))
            for row in rows
        ]
        self.note_unknown_names(rows)
        record: dict[str, Any] = {}
        for name in SCALAR_FIELDS:
            record[name] = self.scalar(key, name, claims, curated)
        record["arxiv"] = curated.get("arxiv") or _first(c["arxiv"] for _, c in claims)
        record["doi"] = curated.get("doi") or _first(c["doi"] for _, c in claims)
        record["code_all"], record["code_labels"] = self.code(claims, curated)
        record["code"] = record["code_all"][0] if record["code_all"] else None
        record["code_label"] = record["code_labels"].get(record["code"] or "")
        best = [c for r, c in claims if r.order[:2] == claims[0][0].order[:2]] if claims else []
        record["models"] = list(curated.get("models") or self.union(key, claims, "models"))
        sizes: dict[str, int] = {}
        for _, c in claims:
            for model, size in c["model_sizes"].items():
                sizes[model] = max(size, sizes.get(model, 0))
        record["model_sizes"] = {m: s for m, s in sorted(sizes.items()) if m in record["models"]}
        record["model_roles"], record["model_tuning"] = self.uses(claims, record["models"])
        record["tuning"] = _distinct(t for c in best for t in c["tuning"]) or _distinct(
            t for _, c in claims for t in c["tuning"]
        )
        record["topics"] = self.topics(rows)
        record["headings"] = sorted({topic_key(row) for row in rows})
        for row in rows:
            for tkey, label in cells.tuning_strategies(row.listed.get("tuning")).items():
                self.out.tuning_labels.setdefault(tkey, label)
        self.alternatives(key, record, claims)
        self.duplicates(key, rows)
        read = {id(row): {"venue": c["venue"], "year": c["year"]} for row, c in claims}
        record["provenance"] = [
            {**row.provenance(), "read": read[id(row)]} for row in sorted(rows, key=_file_order)
        ]
        record["listed_in"] = sorted({r.snapshot.list for r in rows if r.snapshot.current})
        record["delisted_in"] = self.delisted(rows)
        record["replaces"] = list(curated.get("replaces") or [])
        record["curation"] = list(curated.get("provenance") or [])
        return record

    def uses(
        self, claims: list[tuple[Row, dict[str, Any]]], models: list[str]
    ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Per model: the roles its rows state, and the tuning strategies of the rows that
        name it alone."""
        roles: dict[str, set[str]] = defaultdict(set)
        tuning: dict[str, set[str]] = defaultdict(set)
        for _, claim in claims:
            for model, role in row_roles(claim, self.tunes).items():
                roles[model].add(role)
            if len(claim["models"]) == 1:
                tuning[claim["models"][0]].update(claim["tuning"])
        return (
            {m: sorted(roles[m]) for m in models if roles.get(m)},
            {m: sorted(tuning[m]) for m in models if tuning.get(m)},
        )

    def scalar(
        self,
        key: str,
        name: str,
        claims: list[tuple[Row, dict[str, Any]]],
        curated: Mapping[str, Any],
    ) -> Any:
        ordered = claims
        rule = "newest-snapshot"
        if name in ("venue", "year"):
            published = [(r, c) for r, c in claims if self.names.published(c["venue"])]
            ordered = published + [rc for rc in claims if rc not in published]
        values = [(r, c[name]) for r, c in ordered if c[name] is not None]
        fixes = [f for f in self.fixes.get(key, ()) if f["field"] == name]
        named = {str(f["listed"]) for f in fixes if f.get("listed") is not None}
        kept = [(r, v) for r, v in values if not named or listed_cell(r.listed, name) not in named]
        decided = [f for f in fixes if f.get("corrected") is not None or f.get("listed") is None]
        if decided:
            winner: Any = decided[0].get("corrected")
            rule = "correction"
        elif name in curated:
            winner = curated[name]
            rule = "curator"
        elif fixes and len(kept) < len(values):
            winner = kept[0][1] if kept else None  # the claims the correction names are set aside
            rule = "correction"
        elif not values:
            return None
        else:
            winner = values[0][1]
        distinct = _distinct(_comparable(name, v) for _, v in values)
        if name in COMPARED_FIELDS and len(distinct) > 1:
            self.disagreement(key, name, values, winner, rule)
        return winner

    def disagreement(
        self, key: str, name: str, values: list[tuple[Row, Any]], winner: Any, rule: str
    ) -> None:
        top = values[0][0]
        losers = [(r, v) for r, v in values if _comparable(name, v) != _comparable(name, winner)]
        if rule not in ("curator", "correction"):
            if (
                name in ("venue", "year")
                and self.names.published(self.venue_of(top))
                and not any(self.names.published(self.venue_of(r)) for r, _ in losers)
            ):
                rule = "published-venue"
            elif all(r.snapshot.current and r.snapshot.id == top.snapshot.id for r, _ in losers):
                rule = "first-row"
        status = "resolved"
        if rule == "first-row" or (
            rule == "newest-snapshot" and any(r.snapshot.current for r, _ in losers)
        ):
            status = "open"
        claims = "; ".join(f"{v!r} ({r.snapshot.id} {r.key})" for r, v in values)
        # Every code link is kept, so every code claim holds; otherwise the decided value's.
        upheld = [
            name == "code"
            or (winner is not None and _comparable(name, v) == _comparable(name, winner))
            for _, v in values
        ]
        self.out.conflicts[f"{key}-{name}"] = Conflict(
            "value-disagreement",
            [key],
            name,
            f"Rows about one paper disagree on {name}: {claims}.",
            (
                "Every code link is kept as the paper's code; "
                if name == "code"
                else f"{winner!r} is used ({rule}); "
            )
            + "every claim stays on its source row."
            if winner is not None or name == "code"
            else f"the value is left unknown ({rule}); every claim stays on its source row.",
            status,
            rule,
            None if name == "code" else winner,
            [_claim(r, v, held) for (r, v), held in zip(values, upheld, strict=True)],
        )

    @staticmethod
    def code(
        claims: list[tuple[Row, dict[str, Any]]], curated: Mapping[str, Any]
    ) -> tuple[list[str], dict[str, str]]:
        """Every code link any row gives (a paper may have several repositories), best
        first; the curator's first when set."""
        urls: dict[str, str] = {}
        labels: dict[str, str] = {}
        for url in [curated.get("code"), *(c["code"] for _, c in claims)]:
            if url:
                urls.setdefault(_comparable("code", url), url)
        for _, c in claims:
            if c["code"] and c["code_label"]:
                labels.setdefault(c["code"], c["code_label"])
        return list(urls.values()), labels

    def venue_of(self, row: Row) -> str | None:
        return self.names.venue(venue_name(row.listed))

    def union(self, key: str, claims: list[tuple[Row, dict[str, Any]]], name: str) -> list[str]:
        with_values = [(r, c[name]) for r, c in claims if c[name]]
        if not with_values:
            return []
        tier = with_values[0][0].order[:1]
        chosen = _distinct(m for r, ms in with_values if r.order[:1] == tier for m in ms)
        sets = {tuple(sorted(ms)) for r, ms in with_values if r.snapshot.current}
        if len(sets) > 1:
            shown = "; ".join(f"{ms} ({r.snapshot.id} {r.key})" for r, ms in with_values)
            self.out.conflicts[f"{key}-{name}"] = Conflict(
                "value-disagreement",
                [key],
                name,
                f"Rows about one paper name different {name}: {shown}.",
                f"The union of the current rows' {name} is used: {chosen}.",
                "resolved",
                "union",
                chosen,
                # the union upholds each claim whose every value it holds
                [_claim(r, ms, set(ms) <= set(chosen)) for r, ms in with_values],
            )
        return chosen

    def topics(self, rows: list[Row]) -> list[str]:
        keys = []
        for row in rows:
            if row.section in self.paradigms:
                continue
            topic = topic_key(row)
            keys.append(topic)
            self.out.topics.setdefault(
                topic,
                {
                    "label": row.headings[-1] if row.headings else row.section,
                    "list": row.snapshot.list,
                },
            )
        return sorted(set(keys))

    def alternatives(
        self, key: str, record: dict[str, Any], claims: list[tuple[Row, dict[str, Any]]]
    ) -> None:
        title = record["title"] or ""
        seen = {normalize.title_key(title)}
        alts = []
        for _, c in claims:
            if c["title"] and normalize.title_key(c["title"]) not in seen:
                seen.add(normalize.title_key(c["title"]))
                alts.append(c["title"])
        record["alt_titles"] = alts
        names = {(record["short_name"] or "").casefold()}
        alt_names = []
        for _, c in claims:
            if c["short_name"] and c["short_name"].casefold() not in names:
                names.add(c["short_name"].casefold())
                alt_names.append(c["short_name"])
        record["alt_names"] = alt_names

    def duplicates(self, key: str, rows: list[Row]) -> None:
        by_snapshot: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_snapshot[row.snapshot.id].append(row)
        repeated = {s: rs for s, rs in by_snapshot.items() if len(rs) > 1}
        if not repeated:
            return
        where = "; ".join(
            f"{s}: " + ", ".join(f"{r.section}[{r.index}]" for r in sorted(rs, key=_file_order))
            for s, rs in sorted(repeated.items())
        )
        self.out.conflicts[f"{key}-duplicate-rows"] = Conflict(
            "duplicate-rows",
            [key],
            None,
            f"A list gives this paper in more than one row ({where}).",
            "Merged into one entity that keeps every row's claims and provenance.",
            "resolved",
            "identity",
        )

    def delisted(self, rows: list[Row]) -> list[str]:
        """For each list that once gave the paper but whose current snapshot does not: the
        first snapshot without it."""
        out = []
        by_list: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_list[row.snapshot.list].append(row)
        for list_id, list_rows in sorted(by_list.items()):
            if any(r.snapshot.current for r in list_rows):
                continue
            latest = max(list_rows, key=lambda r: r.snapshot.date).snapshot
            order = self.snapshots.get(list_id, [])
            if latest.id in order and order.index(latest.id) + 1 < len(order):
                out.append(order[order.index(latest.id) + 1])
        return out

    def note_unknown_names(self, rows: list[Row]) -> None:
        for row in rows:
            for key, name, _ in self.names.model_mentions(row.listed.get("llm")):
                if key is None:
                    self.out.unknown_names.append((row, "model", name))
            venue = venue_name(row.listed)
            if venue and self.names.venue(venue) is None:
                self.out.unknown_names.append((row, "venue", venue))


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v is not None), None)


def _file_order(row: Row) -> tuple[str, int, str, int]:
    return (row.snapshot.date, row.line, row.section, row.index)


def shared_links(rows: Iterable[Row], out: Resolved) -> None:
    """Rows whose links name one identifier but whose titles are different papers' titles."""
    by_id: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        link = cells.value(row.listed.get("link"))
        if row.kind in PAPER_KINDS and link and (ident := normalize.entity_key(link)):
            by_id[ident].append(row)
    for ident, group in sorted(by_id.items()):
        titles = _distinct(normalize.title_key(r.listed.get("title", "")) for r in group)
        if not any(
            difflib.SequenceMatcher(None, a, b).ratio() < SAME_TITLE
            for i, a in enumerate(titles)
            for b in titles[i + 1 :]
        ):
            continue
        entities = sorted({r.entity for r in group})
        link = normalize.canonical_link(group[0].listed["link"])
        merged = len(entities) == 1
        out.conflicts[f"shared-link-{ident}"] = Conflict(
            "shared-link",
            entities,
            "link",
            f"Rows with different titles give the same link ({link}).",
            "One publication: rows that link one record are one paper, and its other titles "
            "are kept as alternative titles."
            if merged
            else "Kept as distinct papers: sourced corrections give each its own record.",
            "resolved",
            "identity" if merged else "correction",
        )


def shared_short_names(papers: Mapping[str, dict[str, Any]], out: Resolved) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for key, paper in papers.items():
        if paper.get("short_name"):
            by_name[paper["short_name"].casefold()].append(key)
    for name, keys in sorted(by_name.items()):
        if len(keys) > 1:
            out.conflicts[f"short-name-{slugify(name)}"] = Conflict(
                "shared-short-name",
                sorted(keys),
                "short_name",
                f"Different papers share the short name {name!r}.",
                "Kept distinct: they have different identifiers and titles.",
                "resolved",
                "identity",
            )


def row_id(row: Row) -> str:
    return f"{row.snapshot.id}/{row.key}"


def link_fixes(corrections: Mapping[str, Any]) -> dict[str, str]:
    """Row id -> corrected link, from corrections that name one row's link."""
    return {
        c["row"]: c["corrected"]
        for c in corrections.values()
        if c.get("row") and c["field"] == "link" and isinstance(c.get("corrected"), str)
    }


def resolve_papers(
    rows: list[Row],
    curated: Mapping[str, Any],
    names: Names,
    paradigms: set[str],
    fixes: Mapping[str, str] | None = None,
    snapshots: Mapping[str, list[str]] | None = None,
    tunes: Mapping[str, str] | None = None,
    value_fixes: Mapping[str, list[Mapping[str, Any]]] | None = None,
) -> Resolved:
    out = Resolved()
    by_entity: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind in PAPER_KINDS:
            by_entity[row.entity].append(row)
    resolver = _PaperResolver(names, paradigms, out, fixes or {}, tunes or {}, value_fixes)
    resolver.snapshots = snapshots or {}
    for key in sorted(set(by_entity) | set(curated)):
        out.papers[key] = resolver.resolve(key, by_entity.get(key, []), curated.get(key) or {})
    shared_links(rows, out)
    shared_short_names(out.papers, out)
    return out


def resolve_datasets(
    rows: list[Row], curated: Mapping[str, Any], papers: Mapping[str, Any], out: Resolved
) -> dict[str, dict[str, Any]]:
    """Datasets from dataset-table rows: the newest row's cells, curated fields on top."""
    paper_ids = _paper_index(papers)
    by_entity: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == "dataset":
            by_entity[row.entity].append(row)
    datasets = {}
    for key in sorted(set(by_entity) | set(curated)):
        group = sorted(by_entity.get(key, []), key=lambda r: r.order)
        mine = curated.get(key) or {}
        listed = [r.listed for r in group]
        info = _first(cells.value(x.get("information")) for x in listed)
        url = _first(web_link(x.get("url")) for x in listed)
        paper_link = _first(web_link(x.get("link")) for x in listed) or url
        paper = paper_ids.get(normalize.entity_key(paper_link) or "") if paper_link else None
        datasets[key] = {
            "label": mine.get("label") or _first(x.get("name") for x in listed) or key,
            "aliases": list(mine.get("aliases") or []),
            "domains": _distinct(slugify(d) for x in listed for d in _split(x.get("scene"), ",&")),
            "domain_labels": {
                slugify(d): d for x in reversed(listed) for d in _split(x.get("scene"), ",&")
            },
            "tasks": _distinct(slugify(t) for x in listed for t in _split(x.get("tasks"), "/")),
            "task_labels": {
                slugify(t): t for x in reversed(listed) for t in _split(x.get("tasks"), "/")
            },
            "description": info,
            "landing_page": mine.get("landing_page") or url,
            "paper": mine.get("paper") or paper,
            "statistics": [
                {
                    "measure": s.measure,
                    "label": s.label,
                    "value": s.value,
                    "approximate": s.approximate,
                }
                for s in normalize.statistics(info or "")
            ],
            "provenance": [r.provenance() for r in sorted(group, key=_file_order)],
            "replaces": list(mine.get("replaces") or []),
        }
    return datasets


def _split(text: str | None, separators: str) -> list[str]:
    value = cells.value(text)
    if value is None:
        return []
    for sep in separators[1:]:
        value = value.replace(sep, separators[0])
    return [part.strip() for part in value.split(separators[0]) if part.strip()]


def _paper_index(papers: Mapping[str, Any]) -> dict[str, str]:
    """Identifier key (arxiv-..., doi-...) -> paper key."""
    index = {}
    for key, paper in papers.items():
        if paper.get("arxiv"):
            index[f"arxiv-{paper['arxiv'].replace('/', '-')}"] = key
        if paper.get("link") and (ident := normalize.entity_key(paper["link"])):
            index.setdefault(ident, key)
    return index


def resolve_models(rows: list[Row], curated: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Curated models, with what the model tables' rows say of them: link, year, maker.

    A model table lists "single card debuggable" models "that support Chinese corpus", so
    its rows also state those two facts and that the model is open source: its weights are
    open, at the link the row gives, unless models.yaml says otherwise."""
    by_entity: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.kind == "model":
            by_entity[row.entity].append(row)
    models = {}
    for key, entry in sorted(curated.items()):
        model = dict(entry)
        group = sorted(by_entity.get(key, []), key=lambda r: r.order)
        if group:
            newest = group[0].listed
            url = web_link(newest.get("url"))
            model.update(
                {
                    "url": url,
                    "year": cells.year(newest.get("year")),
                    "open_source": True,
                    "supports_chinese": True,
                    "single_gpu": True,
                    "maker": _maker(url),
                }
            )
            if url and "availability" not in model:
                # the table presents it as open source and links where its weights are
                note = "Listed as an open-source project in a list's single-GPU table."
                model["availability"] = {"weights": "open", "source": url, "note": note}
        model["provenance"] = [r.provenance() for r in sorted(group, key=_file_order)]
        models[key] = model
    return models


def _maker(url: str | None) -> dict[str, str] | None:
    """The account that publishes a model, read from its repository or hub link."""
    if not url:
        return None
    if repo := normalize.repository(url):
        return {"name": repo.owner, "url": f"https://{repo.host}/{repo.owner}"}
    parts = url.split("/")
    if url.startswith("https://huggingface.co/") and len(parts) > 4:
        return {"name": parts[3], "url": f"https://huggingface.co/{parts[3]}"}
    return None


def model_name(listed: Mapping[str, str]) -> str | None:
    """The model a model-table row names: the project after its owner ("THUDM/ChatGLM-6B")."""
    project = cells.value(listed.get("project"))
    return project.rsplit("/", 1)[-1].strip() if project else None
