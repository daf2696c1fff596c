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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from llm4rec_kg.readers import cells as cells_module
from llm4rec_kg.readers import entries, normalize
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
    "arxiv": "link",
    "arxiv id": "link",
    "source": "venue",
    "time": "date",
    "date": "date",
    "month": "date",
    "published date": "date",
    "group": "group",
    "lab": "group",
    "affiliation": "group",
    "affiliations": "group",
    "institution": "group",
    "author": "authors",
    "authors": "authors",
    "citation": "citation",
    "citations": "citation",
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
    "authors",
    "group",
    "date",
    "search",
    "citation",
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
    tables: int = 0  # in the document, read or not: what to advise when nothing was read

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
    has_where = found & {"venue", "publication", "year", "date", "link", "code", "llm"}
    if not (has_title and has_where):
        return None
    heading = " ".join(headings[-1:]).lower()
    if "tutorial" in heading:
        return "tutorial"
    if "survey" in heading:
        return "survey"
    return "paper"


def _plain_header(text: str) -> str:
    return " ".join(text.replace("*", "").split()).casefold()


def _without_sections(doc: Document, skip: Sequence[str], reading: Reading) -> Document:
    """The document less the blocks under a heading the curator said holds no entries."""
    if not skip:
        return doc
    names = {_plain_header(s) for s in skip}

    def kept(headings: Sequence[str], line: int) -> bool:
        hit = next((h for h in headings if _plain_header(h) in names), None)
        if hit is not None:
            reading.seen.append(f"line {line}: under {hit!r}, skipped as declared")
        return hit is None

    return Document(
        [t for t in doc.tables if kept(t.headings, t.line)],
        [i for i in doc.items if kept(i.headings, i.line)],
        [p for p in doc.skipped if kept(p.headings, p.line)],
    )


def _column_cells(table: Table, index: int) -> list[Cell]:
    cells = []
    for row in table.rows:
        values = list(row.raw) if row.raw else [row.get(c) for c in table.columns]
        if index < len(values) and (values[index].text.strip() or values[index].links):
            cells.append(values[index])
    return cells


_DATE_CELL = re.compile(r"^(?:19|20)\d\d(?:[./-]?\d{1,2}){0,2}(?:\s*/\s*(?:19|20)\d\d)?$")


def _by_content(table: Table, meanings: list[str | None]) -> list[str | None]:
    """Meanings for the columns whose header words say nothing, read from what their cells
    hold: paper links (with title texts: the title column), dates, short names. A column
    whose header says where it was published ("Publication") but whose cells read as titles
    is the title column: what the cells say wins over the header word."""
    out = list(meanings)
    for index, meaning in enumerate(meanings):
        if meaning in ("publication", "venue") and "title" not in out and _titles(table, index):
            out[index] = "title"
            continue
        if meaning is not None:
            continue
        cells = _column_cells(table, index)
        if not cells:
            continue
        half = len(cells) / 2
        papers = [c for c in cells if any(entries.link_role(lk) == "paper" for lk in c.links)]
        if len(papers) >= half and "link" not in out:
            titled = sum(1 for c in papers if entries.reads_as_title(c.links[0].text))
            out[index] = "title" if titled >= half and "title" not in out else "link"
        elif sum(1 for c in cells if _DATE_CELL.match(c.text.strip())) >= half:
            out[index] = "date" if "date" not in out and "year" not in out else None
        elif (
            sum(1 for c in cells if c.links and entries.link_role(c.links[0]) == "citation") >= half
        ):
            out[index] = "citation"
        elif (
            "name" not in out
            and "title" not in out
            and index == 0
            and all(len(c.text.split()) <= 4 and len(c.text) <= 40 for c in cells)
        ):
            out[index] = "name"
    return out


def _titles(table: Table, index: int) -> bool:
    """Whether most cells of a column read as titles (their link's text, or their text)."""
    cells = _column_cells(table, index)
    titled = sum(
        1 for c in cells if entries.reads_as_bare_title(c.links[0].text if c.links else c.text)
    )
    return bool(cells) and titled * 2 > len(cells)


def _short_names(table: Table, meanings: list[str | None]) -> bool:
    """Whether a table's name column holds short names (``QARM``, ``OneRec-V2``) rather
    than titles: most of its cells do not read as titles."""
    if "name" not in meanings:
        return False
    cells = _column_cells(table, meanings.index("name"))
    titled = sum(1 for c in cells if entries.reads_as_title(c.links[0].text if c.links else c.text))
    return titled * 2 < len(cells)


def _href(cell: Cell) -> str | None:
    return cell.links[0].href if cell.links else None


def _text(cell: Cell) -> str | None:
    return cell.text or None


class _TableReader:
    def __init__(
        self, table: Table, reading: Reading, declared: Mapping[str, str] | None = None
    ) -> None:
        self.table = table
        self.reading = reading
        self.issues: list[str] = []
        said = {k.strip().casefold(): v for k, v in (declared or {}).items()}
        headers = table.headers or table.columns
        meanings = [
            said.get(_plain_header(raw)) or column_meaning(norm)
            for raw, norm in zip(headers, table.columns, strict=False)
        ]
        self.meanings = _by_content(table, meanings)
        self.kind = table_kind(self.meanings, table.headings)
        self.title_column = "title" if "title" in self.meanings else "name"
        self.names_only = self.title_column == "name" and _short_names(table, self.meanings)

    def by_meaning(self, row: Row) -> dict[str, Cell]:
        cells: dict[str, Cell] = {}
        # The source line's cells, by position: two columns may share a header text.
        values = list(row.raw) if row.raw else [row.get(c) for c in self.table.columns]
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
            elif (
                cell.links
                and not cell.broken
                and not normalize.valid_iri(cell.links[0].href)
                and entries.link_role(cell.links[0]) != "local"  # a note in the list's repo
            ):
                issues.append(
                    f"the link in the {meaning} cell is not a web address; not used as one"
                )
            if cell.broken:
                issues.append(
                    f"nested or broken link in the {meaning} cell; its links are not used"
                )
        self.issues = []  # what reading the cells finds, for this row
        listed = self.listed(cells)
        issues += self.issues
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
        # A table with short names and no title column lists names, not titles.
        names_only = self.title_column == "name" and self.names_only
        title = cells.get(self.title_column, Cell("")) if not names_only else Cell("")
        link_cell = cells.get("link", Cell(""))
        code = cells.get("code", Cell(""))
        name = cells.get("name") if self.title_column == "title" or names_only else None
        venue = _text(cells.get("venue", Cell("")))
        publication = _text(cells.get("publication", Cell("")))
        if venue and publication is None and cells_module.publication(venue).year is not None:
            venue, publication = None, venue  # "CIKM 2024" in a Venue column
        link = _paper_href(title) or _trusted(link_cell) or _trusted(title)
        return {
            "name": _text(name) if name is not None else None,
            "title": _title_text(title, self.issues),
            "link": link or _recovered(cells, self.issues),
            "venue": venue,
            "year": _text(cells.get("year", Cell(""))),
            "publication": publication,
            "code": _trusted(code) or _text(code),  # a broken cell keeps its text
            "code_label": code.links[0].text if code.links and not code.broken else None,
            "llm": _text(cells.get("llm", Cell(""))),
            "tuning": _text(cells.get("tuning", Cell(""))),
            "date": _text(cells.get("date", Cell(""))),
            "group": _text(cells.get("group", Cell(""))),
            "authors": _text(cells.get("authors", Cell(""))) or _authors_below(title),
            "citation": _citation(cells.get("citation", Cell(""))),
        }


def _title_text(cell: Cell, issues: list[str]) -> str | None:
    """A title cell's title: its link's text when that reads as a title (the title inside
    a citation used as link text), else its first line (a ``<br>`` may put authors below
    it), as listed. A cell with a nested link gives a title only when it reads as one."""
    if cell.broken:
        if found := entries.citation_title(cell.text):
            issues.append("the title cell's text is a citation; its title is read")
            return found
        return cell.text if entries.reads_as_title(cell.text) else None
    if cell.links and cell.links[0].text and not entries.is_label(cell.links[0].text):
        if found := entries.citation_title(cell.links[0].text):
            issues.append("the title cell's link text is a citation; its title is read")
            return found
        return cell.links[0].text
    if len(cell.lines) > 1 and entries.reads_as_title(cell.lines[0]):
        return cell.lines[0]
    return _text(cell)


def _authors_below(cell: Cell) -> str | None:
    """Authors on the lines below a title (``Title<br>Chen et al.``)."""
    for line in cell.lines[1:]:
        if entries.authors_like(line):
            return line.strip(" .")
    return None


def _recovered(cells: Mapping[str, Cell], issues: list[str]) -> str | None:
    """A paper's address written in a row's text outside any link (``[[Link(url)``), when
    the row writes out exactly one; two different papers are ambiguous, and neither is used."""
    found = {
        normalize.entity_key(url): url
        for cell in cells.values()
        for url in [*entries.recovered_links(cell), *(lk.href for lk in cell.links)]
        if cell.broken or url not in {lk.href for lk in cell.links}
        if normalize.identify(url) is not None
    }
    found = entries.named_in_text(found, " ".join(c.text for c in cells.values()))
    if len(found) != 1:
        return None
    (url,) = found.values()
    issues.append(f"malformed link: recovered {url} from the text")
    return url


def _paper_href(cell: Cell) -> str | None:
    """The first link in a title cell that identifies a paper."""
    if cell.broken:
        return None
    found = next((lk for lk in cell.links if entries.link_role(lk) == "paper"), None)
    return found.href if found else None


def _citation(cell: Cell) -> str | None:
    found = next((lk for lk in cell.links if entries.link_role(lk) == "citation"), None)
    return found.href if found else None


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


_SURVEY_TITLE = re.compile(
    r"(?::\s*a\s+(?:comprehensive\s+|systematic\s+)?survey\b|^a\s+survey\b)", re.I
)


def _item_kind(headings: tuple[str, ...], hint: str | None = None, title: str = "") -> str:
    """Survey or tutorial by the section's heading, or a survey by its own word
    ("Survey paper: …") or title ("…: A Survey")."""
    heading = " ".join(headings[-1:]).lower()
    if "survey" in heading or hint == "survey" or _SURVEY_TITLE.search(title):
        return "survey"
    if "tutorial" in heading:
        return "tutorial"
    return "paper"


def _below(item: Item) -> list[Cell]:
    """Every cell under an item: its paragraphs and its sub-items', all the way down."""
    cells = list(item.paragraphs)
    for child in item.children:
        cells += [child.cell, *_below(child)]
    return cells


def _mostly_entries(items: Sequence[Item], at_least: int) -> bool:
    identified = sum(1 for item in items if _identified(item))
    return len(items) >= at_least and identified * 2 >= len(items)


def _identified(item: Item) -> bool:
    """Whether an item, or a sub-item that describes it, carries a paper's identity."""
    return entries.names_a_paper(item.cell) or any(
        entries.has_identity(c.cell) and entries.is_description(c.cell) for c in item.children
    )


class _ItemReader:
    """List items as entries: an item with the sub-items that describe it is one entry;
    sub-items that are entries of their own are read in turn, under the item's text as a
    heading. An item with no link is read as a title-only entry only among siblings that
    are mostly entries."""

    def __init__(self, reading: Reading, items: Sequence[Item] = ()) -> None:
        self.reading = reading
        self.counters: dict[str, int] = {}
        # A file whose list items are mostly entries is a paper list throughout: an item
        # without a link there is a title-only entry, wherever it sits.
        self.paper_list = _mostly_entries(items, 5)

    def read(self, items: Sequence[Item], group: tuple[str, ...] = ()) -> None:
        among_entries = self.paper_list or _mostly_entries(items, 3)
        for item in items:
            self.item(item, group, among_entries)

    def item(self, item: Item, group: tuple[str, ...], among_entries: bool) -> None:
        describing = [c for c in item.children if entries.is_description(c.cell)]
        own = [c for c in item.children if c not in describing]
        entry = None
        title_only = among_entries and not own and entries.may_be_title_only(item.cell)
        if _identified(item) or title_only:
            entry = entries.read_entry(
                item.cell,
                item.line,
                item.paragraphs,
                [(c.cell, _below(c)) for c in describing],
            )
        linked = entry is not None and ("link" in entry.listed or "search" in entry.listed)
        if (
            entry is not None
            and not linked
            and not (title_only and entries.reads_as_bare_title(entry.listed.get("title", "")))
        ):
            entry = None
        if entry is not None:
            self.add(item, group, entry)
        elif not own and entries.reads_as_title(item.cell.text) and entry is None:
            self.reading.findings.append(
                ReadFinding(item.line, f"list item not read as an entry: {item.cell.text[:80]!r}")
            )
        elif item.cell.links and not own and _identified(item):
            self.reading.findings.append(
                ReadFinding(
                    item.line, f"list item with a paper link has no title: {item.cell.text[:80]!r}"
                )
            )
        if own:
            heading = entries.clean_title(item.cell.text)
            self.read(own, (*group, heading) if heading and entry is None else group)

    def add(self, item: Item, group: tuple[str, ...], entry: entries.Entry) -> None:
        self.counters[item.section] = self.counters.get(item.section, 0) + 1
        headings = (*item.headings, *group)
        issues = [*entry.issues, *_hidden_characters(entry.listed)]
        if "link" not in entry.listed and "search" not in entry.listed:
            issues.append("no paper link: a title-only entry")
        for issue in dict.fromkeys(issues):
            self.reading.findings.append(ReadFinding(entry.line, issue))
        self.reading.rows.append(
            SourceRow(
                item.section,
                self.counters[item.section],
                entry.line,
                _item_kind(headings, entry.kind, entry.listed.get("title", "")),
                headings,
                {c: entry.listed[c] for c in LISTED_COLUMNS if c in entry.listed},
                tuple(dict.fromkeys(issues)),
            )
        )


def _paragraphs(doc: Document, reading: Reading, items: _ItemReader) -> None:
    """Paragraphs outside lists and tables: one that carries a paper's identity is an entry
    (a bold survey line); one line of it each when several lines do."""
    for para in doc.skipped:
        lines = para.lines or (para.cell,)
        per_line = [cell for cell in lines if entries.has_identity(cell)]
        cells = per_line if len(per_line) > 1 else [para.cell]
        read = 0
        for cell in cells:
            if not entries.has_identity(cell):
                continue
            offset = lines.index(cell) if len(cells) > 1 else 0
            entry = entries.read_entry(cell, para.line + offset)
            if entry is None or "title" not in entry.listed:
                continue
            read += 1
            item = Item(para.heading, para.section, para.headings, entry.line, cell)
            items.add(item, (), entry)
        if not read and any(not lk.href.startswith("#") for lk in para.cell.links):
            reading.findings.append(
                ReadFinding(
                    para.line,
                    f"paragraph with links is neither a table row nor a list item; "
                    f"skipped: {para.text!r}",
                )
            )


def read(
    doc: Document, columns: Mapping[str, str] | None = None, skip_sections: Sequence[str] = ()
) -> Reading:
    """Every row the document's tables, list items and paragraphs give, with findings.
    ``columns`` and ``skip_sections`` are what a curator declared for the list: the meaning
    of columns by header text (``ignore`` for none), and headings whose blocks hold no
    entries."""
    reading = Reading()
    reading.findings += [
        ReadFinding(line, "control characters removed from this line") for line in doc.controls
    ]
    doc = _without_sections(doc, skip_sections, reading)
    reading.tables = len(doc.tables)
    for table in doc.tables:
        _TableReader(table, reading, columns).read()
    items = _ItemReader(reading, doc.items)
    before = len(reading.rows)
    for _, group in groupby(doc.items, key=lambda item: item.section):
        items.read(list(group))
    _paragraphs(doc, reading, items)
    if len(reading.rows) > before:
        reading.seen.append(f"{len(reading.rows) - before} entries in lists and paragraphs")
    return reading
