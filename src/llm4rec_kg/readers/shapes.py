"""Recognise what the blocks of a list mean: which tables list papers, surveys, tutorials,
datasets or models, which column holds what, and which list items are papers.

Columns are recognised by meaning, not by one list's spelling: "Venue", "Publication"
(venue and year in one cell), "LLM", "LLM Backbone (Largest)", "LLM Tuning Strategy", a
title cell without a link beside a ``[[Link]]`` cell. A list item is a paper when it has a
paper link and text before it (``Title, Venue Year, [[paper]](url), [[code]](url).``).

Every row keeps its cells *as listed*, by meaning; reading those cells into values (a venue
and year out of "Arxiv 2023", sizes out of "LLaMA (7B)") is left to ``cells``, so the
catalog stores exactly what the list said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from llm4rec_kg.readers import normalize
from llm4rec_kg.readers.markdown import Cell, Document, Item, Row, Table

# Header words, normalised (lower case, punctuation as spaces), to the meaning of a column.
_EXACT: Mapping[str, str] = {
    "name": "name",
    "short name": "name",
    "model": "name",
    "method": "name",
    "abbr": "name",
    "paper": "title",
    "title": "title",
    "paper title": "title",
    "paper name": "title",
    "venue": "venue",
    "conference": "venue",
    "journal": "venue",
    "publication": "publication",
    "published": "publication",
    "published in": "publication",
    "year": "year",
    "code": "code",
    "github": "code",
    "repo": "code",
    "repository": "code",
    "implementation": "code",
    "link": "link",
    "links": "link",
    "url": "link",
    "pdf": "link",
    "paper link": "link",
    "llm": "llm",
    "llms": "llm",
    "base model": "llm",
    "base llm": "llm",
    "foundation model": "llm",
    "scene": "scene",
    "scenario": "scene",
    "rs scenario": "scene",
    "domain": "scene",
    "tasks": "tasks",
    "task": "tasks",
    "information": "information",
    "description": "information",
    "dataset": "dataset",
    "datasets": "dataset",
    "benchmark": "dataset",
    "benchmarks": "dataset",
    "webcite link": "link",
    "homepage": "link",
    "project": "project",
}

# The listed columns a catalog row may hold, in the order they are written.
LISTED_COLUMNS = (
    "name",
    "title",
    "link",
    "venue",
    "year",
    "publication",
    "code",
    "code_label",
    "llm",
    "tuning",
    "scene",
    "tasks",
    "information",
    "url",
    "project",
)
KINDS = ("paper", "survey", "tutorial", "dataset", "model")


def column_meaning(header: str) -> str | None:
    if header in _EXACT:
        return _EXACT[header]
    words = header.split()
    if "backbone" in words or (words[:1] == ["llm"] and "tuning" not in words):
        return "llm"
    if "tuning" in words or "strategy" in words:
        return "tuning"
    if "code" in words:
        return "code"
    if "venue" in words:
        return "venue"
    return None


@dataclass(frozen=True)
class SourceRow:
    """One row of one snapshot: where it is, what kind of thing it lists, its cells."""

    section: str
    index: int
    line: int
    kind: str
    headings: tuple[str, ...]
    listed: Mapping[str, str]
    issues: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.section}/{self.index}"


@dataclass(frozen=True)
class ReadFinding:
    line: int
    message: str


@dataclass
class Reading:
    """What a reader made of one file: rows, findings on them, and what it saw."""

    rows: list[SourceRow] = field(default_factory=list)
    findings: list[ReadFinding] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.section] = counts.get(row.section, 0) + 1
        return counts


def table_kind(meanings: Iterable[str | None], headings: tuple[str, ...]) -> str | None:
    """What a table lists, judged by the meaning of its columns and, for papers, by its
    heading (a "survey" or "tutorial" section)."""
    found = {m for m in meanings if m}
    if "project" in found:
        return "model"
    if "dataset" in found or ({"name", "scene"} <= found and "title" not in found):
        return "dataset"
    has_title = "title" in found or "name" in found
    has_where = found & {"venue", "publication", "year", "link", "code", "llm"}
    if not (has_title and has_where):
        return None
    heading = " ".join(headings[-1:]).lower()
    if "tutorial" in heading:
        return "tutorial"
    if "survey" in heading:
        return "survey"
    return "paper"


def _href(cell: Cell) -> str | None:
    return cell.links[0].href if cell.links else None


def _text(cell: Cell) -> str | None:
    return cell.text or None


class _TableReader:
    def __init__(self, table: Table, reading: Reading) -> None:
        self.table = table
        self.reading = reading
        self.meanings = [column_meaning(h) for h in table.columns]
        self.kind = table_kind(self.meanings, table.headings)
        self.title_column = "title" if "title" in self.meanings else "name"

    def by_meaning(self, row: Row) -> dict[str, Cell]:
        cells: dict[str, Cell] = {}
        source = row.raw if row.width and row.width != len(self.table.columns) else None
        values = list(source) if source is not None else [row.get(c) for c in self.table.columns]
        for meaning, cell in zip(self.meanings, values, strict=False):
            if meaning and meaning not in cells:
                cells[meaning] = cell
        if self.kind == "dataset" and "name" in cells and "dataset" not in cells:
            cells["dataset"] = cells.pop("name")
        return cells

    def read(self) -> None:
        if self.kind is None:
            self.reading.findings.append(
                ReadFinding(
                    self.table.line,
                    f"table under {self.table.heading!r} has columns "
                    f"{list(self.table.headers)} that list no papers, datasets or models; "
                    f"skipped its {len(self.table.rows)} rows",
                )
            )
            return
        self.reading.seen.append(
            f"line {self.table.line}: {self.kind} table, {len(self.table.rows)} rows "
            f"({self.table.section})"
        )
        for row in self.table.rows:
            self.row(row)

    def row(self, row: Row) -> None:
        issues: list[str] = []
        width = len(self.table.columns)
        cells = self.by_meaning(row)
        if row.width and row.width != width:
            issues.append(f"ragged: {row.width} cells for {width} columns")
            if row.width > width:
                # Extra cells shift meaning: keep the title and the links, not venue or year.
                cells = {
                    k: v for k, v in cells.items() if k in (self.title_column, "name", "dataset")
                }
                links = [c for c in row.raw[1:] if c.links]
                if links:
                    cells["link"] = links[-1]
        for meaning, cell in cells.items():
            if any(not lk.href.strip() for lk in cell.links):
                issues.append(f"empty link in the {meaning} cell")
            elif cell.links and not cell.broken and not normalize.valid_iri(cell.links[0].href):
                issues.append(
                    f"the link in the {meaning} cell is not a web address; not used as one"
                )
            if cell.broken:
                issues.append(
                    f"nested or broken link in the {meaning} cell; its links are not used"
                )
        listed = self.listed(cells)
        if not listed:
            self.reading.findings.append(ReadFinding(row.line, "row has no cells; skipped"))
            return
        issues += _hidden_characters(listed)
        for issue in issues:
            self.reading.findings.append(ReadFinding(row.line, issue))
        self.reading.rows.append(
            SourceRow(
                row.section,
                row.index,
                row.line,
                str(self.kind),
                self.table.headings,
                listed,
                tuple(issues),
            )
        )

    def listed(self, cells: Mapping[str, Cell]) -> dict[str, str]:
        out: dict[str, str | None]
        if self.kind == "dataset":
            url = cells.get("link", Cell(""))
            out = {
                "name": _text(cells.get("dataset", Cell(""))),
                "scene": _text(cells.get("scene", Cell(""))),
                "tasks": _text(cells.get("tasks", Cell(""))),
                "information": _text(cells.get("information", Cell(""))),
                "url": _trusted(url),
                "link": _trusted(cells.get("title", Cell(""))),
            }
        elif self.kind == "model":
            cell = cells.get("project", Cell(""))
            out = {
                "project": _text(cell),
                "url": cell.links[-1].href if cell.links and not cell.broken else None,
                "year": _text(cells.get("year", Cell(""))),
            }
        else:
            out = self.paper(cells)
        return {k: v for k, v in out.items() if v is not None}

    def paper(self, cells: Mapping[str, Cell]) -> dict[str, str | None]:
        title = cells.get(self.title_column, Cell(""))
        link_cell = cells.get("link", Cell(""))
        code = cells.get("code", Cell(""))
        name = cells.get("name") if self.title_column == "title" else None
        return {
            "name": _text(name) if name is not None else None,
            "title": (title.links[0].text if title.links else None) or _text(title),
            "link": _trusted(title) or _trusted(link_cell),
            "venue": _text(cells.get("venue", Cell(""))),
            "year": _text(cells.get("year", Cell(""))),
            "publication": _text(cells.get("publication", Cell(""))),
            "code": _trusted(code) or _text(code),  # a broken cell keeps its text
            "code_label": code.links[0].text if code.links and not code.broken else None,
            "llm": _text(cells.get("llm", Cell(""))),
            "tuning": _text(cells.get("tuning", Cell(""))),
        }


def _hidden_characters(listed: Mapping[str, str]) -> list[str]:
    """Bidi controls and invisible characters make a name look like another; the cell is
    kept as listed, and the row says so."""
    return [
        f"the {column} cell holds an invisible or bidi-control character "
        f"(U+{ord(found.group()):04X})"
        for column, value in listed.items()
        if (found := normalize.DECEPTIVE.search(value))
    ]


def _trusted(cell: Cell) -> str | None:
    """A cell's first link as listed, unless the cell's links cannot be trusted (nested)
    or it is empty. Whether it is a web address is the resolver's check."""
    if cell.broken or not cell.links or not cell.links[0].href.strip():
        return None
    return cell.links[0].href


_LINK_ROLES = {
    "paper": "link",
    "pdf": "link",
    "arxiv": "link",
    "code": "code",
    "github": "code",
    "project": "url",
    "link": "url",
    "dataset": "url",
    "website": "url",
}


def _item_kind(headings: tuple[str, ...]) -> str:
    heading = " ".join(headings[-1:]).lower()
    if "survey" in heading:
        return "survey"
    if "tutorial" in heading:
        return "tutorial"
    return "paper"


def read_item(item: Item, index: int, reading: Reading) -> None:
    """``+ Title, Venue Year, [[paper]](url), [[code]](url).`` and its variants: a paper
    link labelled paper/pdf (or the only link), an optional code link, text before them."""
    cell = item.cell
    roles: dict[str, str] = {}
    issues: list[str] = []
    for link in cell.links:
        label = link.text.strip("[]() ").lower()
        if not link.href.strip():
            issues.append(f"empty link labelled {link.text!r}")
            continue
        role = _LINK_ROLES.get(label.split()[0] if label else "", "other")
        if role != "other" and not normalize.valid_iri(link.href):
            issues.append(f"the {label} link is not a web address; not used as one")
        if role != "other":
            roles.setdefault(role, link.href)
    if cell.broken:
        issues.append("nested or broken link; its links are not used")
        roles = {}
    if "link" not in roles and "url" in roles and len(cell.links) == 1:
        roles["link"] = roles.pop("url")
    lead = _lead(cell)
    if not lead:
        reading.findings.append(
            ReadFinding(item.line, "list item has no title before its links; skipped")
        )
        return
    if "link" not in roles:
        issues.append("no paper link (a link labelled paper or pdf)")
    title, publication = _split_lead(lead)
    listed = {
        "title": title,
        "link": roles.get("link"),
        "publication": publication,
        "code": roles.get("code"),
        "url": roles.get("url"),
    }
    listed_cells = {k: v for k, v in listed.items() if v}
    issues += _hidden_characters(listed_cells)
    for issue in issues:
        reading.findings.append(ReadFinding(item.line, issue))
    reading.rows.append(
        SourceRow(
            item.section,
            index,
            item.line,
            _item_kind(item.headings),
            item.headings,
            listed_cells,
            tuple(issues),
        )
    )


def _lead(cell: Cell) -> str:
    """The item's text before its first link label, without the labels themselves."""
    text = cell.text
    if cell.links:
        first = cell.links[0].text
        cut = text.find(first) if first else -1
        text = text[:cut] if cut > 0 else text
    return text.strip(" ,.;[]")


_YEAR = re.compile(r"(?:19|20)\d\d")


def _split_lead(lead: str) -> tuple[str, str | None]:
    """Title and the "Venue Year" text after it: the last comma-separated parts that hold
    a year, or a bare venue word after the title."""
    parts = [p.strip() for p in re.split(r"[,\uff0c]\s*", lead)]  # \uff0c: a full-width comma
    for cut in range(len(parts) - 1, 0, -1):
        tail = ", ".join(parts[cut:])
        if _YEAR.search(tail) and len(tail) < 60:
            return ", ".join(parts[:cut]).strip(), tail
    if len(parts) > 1 and len(parts[-1]) < 30 and len(parts[-1].split()) <= 3:
        return ", ".join(parts[:-1]).strip(), parts[-1]
    return lead, None


def read(doc: Document) -> Reading:
    """Every row the document's tables and list items give, with findings."""
    reading = Reading()
    for table in doc.tables:
        _TableReader(table, reading).read()
    counters: dict[str, int] = {}
    for item in doc.items:
        counters[item.section] = counters.get(item.section, 0) + 1
        read_item(item, counters[item.section], reading)
    if doc.items:
        reading.seen.append(f"{len(doc.items)} list items with links")
    for skipped in doc.skipped:
        reading.findings.append(
            ReadFinding(
                skipped.line,
                f"paragraph with links is neither a table row nor a list item; "
                f"skipped: {skipped.text!r}",
            )
        )
    return reading
