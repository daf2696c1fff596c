"""Read the blocks of an awesome-list markdown file: tables and list items, each under the
section headings that enclose it.

markdown-it-py does the parsing, so tables under any heading level, with leading spaces,
without outer pipes, inside blockquotes or with CRLF line ends all arrive as the same
tokens. Sections may also be HTML: a ``<summary>`` of a ``<details>`` block, or a line that
is only ``<b>1.1.1 A sub-section</b>``. This module turns tokens into located blocks and
says what it saw; deciding what a block *means* is left to ``shapes``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from llm4rec_kg.errors import SourceError

PLACEHOLDERS = frozenset({"", "n/a", "na", "-", "--", "none", "null", "unknown"})
_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.IGNORECASE | re.DOTALL)
_BOLD_LINE = re.compile(r"^\s*<b>(.*?)</b>\s*$", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Cell:
    text: str
    links: tuple[Link, ...] = ()
    # Text left over around links, such as "](" of a link nested in another: a sign that
    # the cell's links cannot be trusted.
    broken: bool = False
    # What a reader sees set apart: bold, italic and code spans, images (badges), and the
    # text with ``<br>`` and line breaks kept as " | " (a separator, not part of a title).
    strong: tuple[str, ...] = ()
    em: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    images: tuple[Link, ...] = ()
    outside: str = ""  # the text outside links, code spans and images
    lines: tuple[str, ...] = ()  # the text split at line breaks and <br>

    @property
    def is_empty(self) -> bool:
        return self.text.strip().lower() in PLACEHOLDERS and not self.links

    @property
    def value(self) -> str | None:
        """The cell's text, or None for blank and placeholder cells such as N/A."""
        return None if self.is_empty else self.text.strip()


@dataclass(frozen=True)
class Row:
    section: str
    index: int
    line: int
    cells: dict[str, Cell]
    width: int = 0  # cells in the source line, to tell ragged rows
    raw: tuple[Cell, ...] = ()  # every cell of the source line, past the header's width too

    def get(self, column: str) -> Cell:
        return self.cells.get(column, Cell(""))


@dataclass
class Table:
    heading: str
    section: str
    line: int
    columns: tuple[str, ...]
    headers: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    """One list item: its paragraphs (the first is its lead) and the items nested in it."""

    heading: str
    section: str
    headings: tuple[str, ...]
    line: int
    cell: Cell
    paragraphs: tuple[Cell, ...] = ()  # after the lead: an author line, a note
    children: tuple[Item, ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class Skipped:
    """A paragraph with links that is neither a table row nor a list item."""

    line: int
    text: str
    cell: Cell = Cell("")
    heading: str = ""
    section: str = ""
    headings: tuple[str, ...] = ()
    lines: tuple[Cell, ...] = ()  # each source line read on its own


@dataclass
class Document:
    tables: list[Table] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    controls: list[int] = field(default_factory=list)  # lines whose control characters went


# Control characters carry nothing a list means (an ESC, a BEL, a NUL); written to an export
# they would reach a reader's terminal. Tabs and line ends stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def slugify(text: str) -> str:
    text = re.sub(r"\(.*?\)", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _column_name(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _cell(inline: Token) -> Cell:
    parts: list[str] = []
    outside: list[str] = []
    links: list[Link] = []
    images: list[Link] = []
    spans: dict[str, list[str]] = {"strong": [], "em": [], "code": []}
    open_spans: dict[str, list[str] | None] = {"strong": None, "em": None}
    href: str | None = None
    link_text: list[str] = []
    bare: list[str] = []
    for child in inline.children or []:
        kind = child.type
        if kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link_text = []
        elif kind == "link_close" and href is not None:
            links.append(Link(" ".join("".join(link_text).split()), href))
            href = None
        elif kind in ("strong_open", "em_open"):
            open_spans[kind[:-5]] = []
        elif kind in ("strong_close", "em_close"):
            span = open_spans[kind[:-6]]
            if span is not None and (text := " ".join("".join(span).split())):
                spans[kind[:-6]].append(text)
            open_spans[kind[:-6]] = None
        elif kind == "image":
            images.append(Link(child.content, str(child.attrs.get("src", ""))))
        elif kind in ("text", "code_inline"):
            parts.append(child.content)
            (link_text if href is not None else outside).append(child.content)
            if kind == "code_inline":
                spans["code"].append(child.content.strip())
            elif href is None:
                bare.append(child.content)
            for span in open_spans.values():
                if span is not None:
                    span.append(child.content)
        elif kind in ("softbreak", "hardbreak") or (
            kind == "html_inline" and _BREAK.match(child.content)
        ):
            parts.append(_LINE)
            bare.append(" ")
    broken = "](" in "".join(outside)
    joined = "".join(parts)
    return Cell(
        " ".join(joined.replace(_LINE, " ").split()),
        tuple(links),
        broken,
        tuple(spans["strong"]),
        tuple(spans["em"]),
        tuple(spans["code"]),
        tuple(images),
        " ".join("".join(bare).split()),
        tuple(line for raw in joined.split(_LINE) if (line := " ".join(raw.split()))),
    )


_LINE = "\x00"  # a line break inside a cell, until the cell's lines are split
_BREAK = re.compile(r"^<br\s*/?>$", re.IGNORECASE)


class _Sections:
    """The stack of headings that encloses the current block."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, bool]] = []  # level, title, from HTML
        self.seen: dict[str, int] = {}

    def push(self, level: int, title: str, from_html: bool = False) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title, from_html))

    def markdown_level(self) -> int:
        return max((lvl for lvl, _, from_html in self.stack if not from_html), default=0)

    def close_html(self) -> None:
        """``</details>``: leave every HTML section below the current markdown heading."""
        while self.stack and self.stack[-1][2]:
            self.stack.pop()

    @property
    def heading(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(title for _, title, _ in self.stack)

    def section(self, line: int) -> str:
        """A slug for the innermost heading, unique in the file (tables that share a
        heading get -2, -3, so their rows never share a key)."""
        base = slugify(self.heading) or f"table-at-line-{line}"
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}-{self.seen[base]}"

    def list_section(self) -> str:
        return slugify(self.heading) or "top"


def read_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{path}: cannot read: {err}") from err
    return parse_document(text)


def read_tables(path: Path) -> list[Table]:
    """Every table in the file, with its heading, notes and non-blank rows."""
    return read_document(path).tables


def parse_tables(text: str) -> list[Table]:
    return parse_document(text).tables


def parse_document(text: str) -> Document:
    text = text.replace("\r\n", "\n")
    doc = Document()
    if _CONTROL.search(text):
        lines = text.split("\n")
        doc.controls = [n for n, line in enumerate(lines, 1) if _CONTROL.search(line)]
        text = "\n".join(_CONTROL.sub("", line) for line in lines)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    _walk(tokens, text.split("\n"), doc, md)
    return doc


def _walk(tokens: list[Token], lines: list[str], doc: Document, md: MarkdownIt) -> None:
    sections = _Sections()
    notes: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            sections.push(int(token.tag[1]), _cell(tokens[i + 1]).text.replace("*", ""))
            notes = []
        elif token.type == "html_block":
            _html_sections(token.content, sections)
        elif token.type == "paragraph_open":
            inline = tokens[i + 1]
            if match := _BOLD_LINE.match(inline.content):
                sections.push(sections.markdown_level() + 2, _plain(match.group(1)), True)
                notes = []
            elif inline.content.lower().startswith("note:"):
                notes.append(inline.content.split(":", 1)[1].strip())
            else:
                _note_skipped(doc, inline, token, sections, _line_cells(token, lines, md))
        elif token.type == "table_open":
            table, i = _table(tokens, i, sections, notes, lines, md)
            doc.tables.append(table)
            continue
        elif token.type == "list_item_open":
            item, i = _item(tokens, i, sections)
            if item is not None:
                doc.items.append(item)
            continue
        i += 1


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).replace("*", "").split())


def _html_sections(content: str, sections: _Sections) -> None:
    """``<details><summary>Title</summary>`` opens a section one level below the current
    markdown heading; ``</details>`` closes it."""
    if "</details>" in content.lower():
        sections.close_html()
    for match in _SUMMARY.finditer(content):
        sections.push(sections.markdown_level() + 1, _plain(match.group(1)), True)
    if bold := _BOLD_LINE.match(content.strip()):
        sections.push(sections.markdown_level() + 2, _plain(bold.group(1)), True)


def _line_cells(token: Token, lines: list[str], md: MarkdownIt) -> tuple[Cell, ...]:
    start, end = token.map or (0, 0)
    cells = []
    for text in lines[start:end]:
        inline = md.parseInline(text.strip())
        cells.append(_cell(inline[0]) if inline else Cell(""))
    return tuple(cells)


def _note_skipped(
    doc: Document, inline: Token, token: Token, sections: _Sections, lines: tuple[Cell, ...]
) -> None:
    """A paragraph outside lists and tables that a person might read as an entry: one with
    links out, or a bold line."""
    cell = _cell(inline)
    external = [lk for lk in cell.links if not lk.href.startswith("#")]
    if external or cell.strong:
        line = (token.map or [0])[0] + 1
        doc.skipped.append(
            Skipped(
                line,
                cell.text[:80],
                cell,
                sections.heading,
                sections.list_section(),
                sections.headings,
                lines,
            )
        )


def _item(tokens: list[Token], start: int, sections: _Sections) -> tuple[Item | None, int]:
    """The list item opened at ``start`` with its paragraphs and nested items, and the
    index past its close. An item that is only navigation (links to #anchors) is None."""
    level = tokens[start].level
    ordered = start > 0 and tokens[start - 1].type == "ordered_list_open"
    paragraphs: list[Cell] = []
    children: list[Item] = []
    i = start + 1
    while i < len(tokens) and not (
        tokens[i].type == "list_item_close" and tokens[i].level == level
    ):
        token = tokens[i]
        if token.type == "list_item_open":
            child, i = _item(tokens, i, sections)
            if child is not None:
                children.append(child)
            continue
        if token.type == "paragraph_open" and i + 1 < len(tokens):
            paragraphs.append(_cell(tokens[i + 1]))
        i += 1
    line = (tokens[start].map or [0])[0] + 1
    lead = paragraphs[0] if paragraphs else Cell("")
    navigation = bool(lead.links) and all(lk.href.startswith("#") for lk in lead.links)
    if navigation or (not lead.text and not children):
        return None, i + 1
    item = Item(
        sections.heading,
        sections.list_section(),
        sections.headings,
        line,
        lead,
        tuple(paragraphs[1:]),
        tuple(children),
        ordered,
    )
    return item, i + 1


def _raw_cells(line: str, md: MarkdownIt) -> tuple[Cell, ...]:
    """The cells of a table row as its source line has them, however many there are."""
    body = line.strip().lstrip(">").strip()
    body = body.removeprefix("|")
    body = body.removesuffix("|") if not body.endswith("\\|") else body
    cells = []
    for text in _PIPE.split(body):
        inline = md.parseInline(text.strip())
        cells.append(_cell(inline[0]) if inline else Cell(""))
    return tuple(cells)


def _table(
    tokens: list[Token],
    start: int,
    sections: _Sections,
    notes: list[str],
    lines: list[str],
    md: MarkdownIt,
) -> tuple[Table, int]:
    line = (tokens[start].map or [0])[0] + 1
    section = sections.section(line)
    header: list[str] = []
    headers: list[str] = []
    rows: list[Row] = []
    current: list[Cell] = []
    row_line = line
    i = start + 1
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            current, row_line = [], (token.map or [0])[0] + 1
        elif token.type in ("th_open", "td_open"):
            current.append(_cell(tokens[i + 1]))
        elif token.type == "tr_close":
            if not header:
                headers = [cell.text for cell in current]
                header = [_column_name(cell.text) for cell in current]
            else:
                raw = _raw_cells(lines[row_line - 1], md) if row_line <= len(lines) else ()
                if any(cell.text.strip() or cell.links for cell in raw or current):
                    cells = dict(zip(header, current, strict=False))
                    rows.append(Row(section, len(rows) + 1, row_line, cells, len(raw), raw))
        i += 1
    table = Table(
        sections.heading,
        section,
        line,
        tuple(header),
        tuple(headers),
        sections.headings,
        list(notes),
        rows,
    )
    return table, i + 1
