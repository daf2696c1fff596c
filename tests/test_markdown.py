"""The markdown reader, one hand-made fixture per format quirk."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm4rec_kg.readers import markdown
from llm4rec_kg.readers.markdown import parse_tables, read_tables

QUIRKS = Path(__file__).parent / "fixtures" / "markdown"


@pytest.mark.parametrize(
    "name",
    [
        "heading_levels",
        "leading_spaces",
        "no_outer_pipes",
        "blockquote",
        "crlf",
        "blank_rows",
        "links_in_cells",
    ],
)
def test_each_quirk_yields_the_one_paper_row(name: str) -> None:
    (table,) = read_tables(QUIRKS / f"{name}.md")
    assert table.section == "no-tuning"
    assert table.columns == ("name", "paper", "venue", "year", "code", "llm")
    (row,) = table.rows
    assert row.get("name").value == "Alpha"
    assert row.get("paper").links[0].href.startswith("https://arxiv.org/")
    assert row.get("year").value == "2023"
    assert row.get("llm").value == "GPT-4"


def test_row_line_numbers_point_at_the_source_line() -> None:
    (table,) = read_tables(QUIRKS / "blank_rows.md")
    text = (QUIRKS / "blank_rows.md").read_text().splitlines()
    assert "Alpha" in text[table.rows[0].line - 1]


def test_crlf_and_lf_give_the_same_rows() -> None:
    crlf = read_tables(QUIRKS / "crlf.md")[0].rows[0]
    lf = read_tables(QUIRKS / "heading_levels.md")[0].rows[0]
    assert crlf.cells == lf.cells


def test_na_cells_are_empty_but_kept_as_listed() -> None:
    (table,) = read_tables(QUIRKS / "na_cells.md")
    (row,) = table.rows
    assert row.get("name").value is None and row.get("name").text == "N/A"
    assert row.get("code").value is None
    assert row.get("llm").value is None


def test_link_text_keeps_nested_emphasis_as_plain_text() -> None:
    (table,) = read_tables(QUIRKS / "links_in_cells.md")
    paper = table.rows[0].get("paper")
    assert paper.links[0].text == "Alpha: A Paper"
    assert paper.links[0].href == "https://arxiv.org/pdf/2301.00001v2.pdf"
    assert table.rows[0].get("code").links[0].text == "Python"


def test_notes_under_a_heading_are_kept() -> None:
    (table,) = parse_tables(
        "## No Tuning\n\nNote: only whether tuned.\n\n| a | b |\n|--|--|\n| 1 | 2 |\n"
    )
    assert table.notes == ["only whether tuned."]


def test_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    from llm4rec_kg.errors import SourceError

    with pytest.raises(SourceError, match="cannot read"):
        read_tables(tmp_path / "missing.md")


def test_control_characters_are_removed_with_a_finding() -> None:
    from llm4rec_kg.readers import shapes

    text = (
        "## Papers\n\n- [A Paper \x1bAbout\x07 Ranking\x00](https://arxiv.org/abs/2401.99991)\n"
        "- [Clean Title Here](https://arxiv.org/abs/2401.99992)\n"
    )
    reading = shapes.read(markdown.parse_document(text))
    titles = [row.listed["title"] for row in reading.rows]
    assert titles == ["A Paper About Ranking", "Clean Title Here"]
    assert [(f.line, f.message) for f in reading.findings] == [
        (3, "control characters removed from this line")
    ]
