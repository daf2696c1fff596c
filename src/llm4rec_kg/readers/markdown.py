"""Stage 1: read GFM tables out of an awesome-list markdown file.

markdown-it-py does the parsing, so tables under any heading level, with leading spaces,
without outer pipes, inside blockquotes or with CRLF line ends all arrive as the same
tokens. This module only turns those tokens into located rows of cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from llm4rec_kg.errors import SourceError

PLACEHOLDERS = frozenset({"", "n/a", "na", "-", "--", "none", "null"})


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Cell:
    text: str
    links: tuple[Link, ...] = ()

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

    def get(self, column: str) -> Cell:
        return self.cells.get(column, Cell(""))


@dataclass
class Table:
    heading: str
    section: str
    line: int
    columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def slugify(text: str) -> str:
    text = re.sub(r"\(.*?\)", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _column_name(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


def _cell(inline: Token) -> Cell:
    parts: list[str] = []
    links: list[Link] = []
    href: str | None = None
    link_text: list[str] = []
    for child in inline.children or []:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            link_text = []
        elif child.type == "link_close" and href is not None:
            links.append(Link(" ".join("".join(link_text).split()), href))
            href = None
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            if href is not None:
                link_text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return Cell(" ".join("".join(parts).split()), tuple(links))


def read_tables(path: Path) -> list[Table]:
    """Every table in the file, with its heading, notes and non-blank rows."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{path}: cannot read: {err}") from err
    return parse_tables(text)


def parse_tables(text: str) -> list[Table]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text.replace("\r\n", "\n"))
    return list(_tables(tokens))


def _tables(tokens: list[Token]) -> Iterator[Table]:
    heading, notes = "", list[str]()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            heading, notes = tokens[i + 1].content.strip(), []
        elif token.type == "paragraph_open" and tokens[i + 1].content.lower().startswith("note:"):
            notes.append(tokens[i + 1].content.split(":", 1)[1].strip())
        elif token.type == "table_open":
            table, i = _table(tokens, i, heading, notes)
            yield table
            continue
        i += 1


def _table(tokens: list[Token], start: int, heading: str, notes: list[str]) -> tuple[Table, int]:
    line = (tokens[start].map or [0])[0] + 1
    section = slugify(heading) or f"table-at-line-{line}"
    header: list[str] = []
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
                header = [_column_name(cell.text) for cell in current]
            elif any(cell.text.strip() or cell.links for cell in current):
                cells = dict(zip(header, current, strict=False))
                rows.append(Row(section, len(rows) + 1, row_line, cells))
        i += 1
    table = Table(heading, section, line, tuple(header), list(notes), rows)
    return table, i + 1
