"""The readers: one fixture per list shape, malformed rows reported by line, and a file
with nothing to read is an error that says what was seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm4rec_kg.errors import InvalidDataError
from llm4rec_kg.readers import cells, read_snapshot
from llm4rec_kg.readers.shapes import column_meaning

LISTS = Path(__file__).parent / "fixtures" / "lists"
VENDORED = Path(__file__).resolve().parent.parent / "sources"


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_tables_in_html_sections_with_link_cells_and_publication() -> None:
    reading = read_snapshot(LISTS / "tables-html.md")
    by_name = {row.listed.get("name") or row.listed["title"]: row for row in reading.rows}
    know = by_name["KnowAug"]
    assert know.section == "1-1-1-feature-augmentation"
    assert know.headings[-2:] == ("1.1 LLM for Feature Engineering", "1.1.1 Feature Augmentation")
    assert know.listed["title"] == "Knowledge Augmentation for Ranking"
    assert know.listed["link"] == "https://arxiv.org/abs/2401.00011v2"
    assert know.listed["publication"] == "WWW 2024"
    assert know.listed["llm"] == "PaLM (540B)/ ChatGPT"
    assert know.listed["tuning"] == "Frozen"
    assert by_name["GenSam"].section == "1-1-2-sample-generation"
    survey = by_name["A Survey of Recommending with LLMs"]
    assert survey.kind == "survey" and survey.listed["publication"] == "Arxiv 2024"
    # The update log inside <details> is no table and no paper.
    assert len(reading.rows) == 5


def test_a_ragged_row_is_kept_and_reported_with_its_line() -> None:
    path = LISTS / "tables-html.md"
    reading = read_snapshot(path)
    (row,) = [r for r in reading.rows if r.listed["title"] == "A Survey With A Trailing Cell"]
    assert row.issues == ("ragged: 4 cells for 3 columns",)
    assert row.listed["link"] == "https://arxiv.org/abs/2401.00015"
    line = _line_of(path, "A Survey With A Trailing Cell")
    assert any(f.line == line and "ragged" in f.message for f in reading.findings)


def test_bullet_items_give_title_venue_year_and_links() -> None:
    reading = read_snapshot(LISTS / "bullets.md")
    by_title = {row.listed["title"]: row for row in reading.rows}
    know = by_title["Knowledge Augmentation for Ranking"]
    assert know.listed["publication"] == "WWW 2024"
    assert know.listed["link"] == "https://arxiv.org/pdf/2401.00011"
    assert know.listed["code"] == "https://github.com/org/knowaug"
    # Commas inside a title stay in it; the venue is the part that holds the year.
    tuned = by_title["Tuning, Pruning, and Serving: Small Models for Recs"]
    assert tuned.listed["publication"] == "RecSys 2023 Short Paper"
    assert "User Behavior Simulation with Agents" in by_title  # a full-width comma
    assert "publication" not in by_title["A Paper Without A Venue"].listed
    assert by_title["A Survey of Recommending with LLMs"].kind == "survey"
    assert by_title["An Agent Paper"].section == "agents"
    # The table of contents (links to #anchors) is navigation, not papers.
    assert len(reading.rows) == 6
    assert any("neither a table row nor a list item" in f.message for f in reading.findings)


def test_empty_and_nested_links_are_reported_and_only_the_unambiguous_paper_kept() -> None:
    path = LISTS / "broken.md"
    reading = read_snapshot(path)
    rows = {row.listed["name"]: row for row in reading.rows}
    assert set(rows) == {"Empty", "Nested", "Ragged", "Fine"}  # no row dropped
    assert "link" not in rows["Empty"].listed
    assert rows["Empty"].issues == ("empty link in the title cell",)
    # The nested link's target is never used; the one paper address the row writes out
    # (as a person reads it: "[inner](…)](https://arxiv.org/…)") is, with a finding.
    assert rows["Nested"].listed["link"] == "https://arxiv.org/abs/2401.00021"
    assert "nested or broken link" in rows["Nested"].issues[0]
    assert any("recovered https://arxiv.org/abs/2401.00021" in i for i in rows["Nested"].issues)
    assert not any("evil" in v for row in rows.values() for v in row.listed.values())
    assert rows["Ragged"].issues == ("ragged: 8 cells for 6 columns",)
    assert rows["Fine"].issues == ()
    lines = {f.line for f in reading.findings}
    assert {
        _line_of(path, "| Empty |"),
        _line_of(path, "| Nested |"),
        _line_of(path, "| Ragged |"),
    } <= lines


def test_a_file_with_nothing_to_read_is_an_error_naming_what_it_saw() -> None:
    with pytest.raises(InvalidDataError) as caught:
        read_snapshot(LISTS / "unknown-shape.md")
    text = "\n".join(map(str, caught.value.problems))
    assert "nothing could be read" in text
    assert "['Repo Name', 'Maintainer']" in text
    assert "skipped" in text


@pytest.mark.parametrize(
    ("header", "meaning"),
    [
        ("llm backbone largest", "llm"),
        ("llm tuning strategy", "tuning"),
        ("publication", "publication"),
        ("paper", "title"),
        ("link", "link"),
        ("rs scenario", "scene"),
        ("maintainer", None),
    ],
)
def test_columns_are_recognised_by_meaning(header: str, meaning: str | None) -> None:
    assert column_meaning(header) == meaning


@pytest.mark.parametrize(
    ("text", "venue", "year", "track"),
    [
        ("WWW 2024", "WWW", 2024, None),
        ("Arxiv 2023", "Arxiv", 2023, None),
        ("Avrxi 2025", "Avrxi", 2025, None),  # reported by sync, not guessed here
        ("RecSys 2023 Short Paper", "RecSys", 2023, "Short Paper"),
        ("SIGIR 2023 workshop", "SIGIR workshop", 2023, None),
        ("WSDM 2018/08", "WSDM", 2018, None),
        # year and month as one number, or with a separator (an unseen list's "arxiv 202311"
        # was once read as the venue "arxiv 2023" of 2011)
        ("arxiv 202311", "arxiv", 2023, None),
        ("Arxiv 2023.11", "Arxiv", 2023, None),
        ("KDD 2024-08-25", "KDD", 2024, None),
        ("arxiv, 2024", "arxiv", 2024, None),
        ("Preprint", "Preprint", None, None),
        ("N/A", None, None, None),
    ],
)
def test_venue_and_year_in_one_cell(
    text: str, venue: str | None, year: int | None, track: str | None
) -> None:
    assert cells.publication(text) == cells.Publication(venue, year, track)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("PaLM (540B)/ ChatGPT", [("PaLM", 540_000_000_000), ("ChatGPT", None)]),
        ("llama-7B & Qwen2-1.5", [("llama-7B", 7_000_000_000), ("Qwen2-1.5", None)]),
        ("BLOOMZ (7.1B)", [("BLOOMZ", 7_100_000_000)]),
        ("GPT4,LLaMA2 and ChatGLM", [("GPT4", None), ("LLaMA2", None), ("ChatGLM", None)]),
        ("CLIP-B/32 (400M)", [("CLIP-B/32", 400_000_000)]),
        ("Unknown", []),
    ],
)
def test_backbone_cells_split_with_sizes(cell: str, expected: list[tuple[str, int | None]]) -> None:
    assert [(m.name, m.parameters) for m in cells.split_models(cell)] == expected


def test_tuning_strategies_keep_their_labels() -> None:
    assert cells.tuning_strategies("Full Finetuning/ Prompt Tuning") == {
        "full-finetuning": "Full Finetuning",
        "prompt-tuning": "Prompt Tuning",
    }
    assert cells.tuning_strategies("N/A") == {}


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("llm4rec-awesome-papers-2023-12-08.md", 102),
        ("llm4rec-awesome-papers-2025-03-10.md", 125),
        ("awesome-llm-for-recsys-2026-01-17.md", 682),
        ("awesome-llm4rs-papers-2026-01-16.md", 185),
    ],
)
def test_every_vendored_list_is_read(name: str, rows: int) -> None:
    reading = read_snapshot(VENDORED / name)
    assert len(reading.rows) == rows
    kinds = {row.kind for row in reading.rows}
    assert "paper" in kinds and "survey" in kinds


def test_hidden_characters_in_a_cell_are_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "hidden.md"
    path.write_text(
        "### No Tuning\n\n| Name | Paper | Venue | Year | Code | LLM |\n|--|--|--|--|--|--|\n"
        "| TALL\u200bRec | [T](https://arxiv.org/abs/2401.00051) | arxiv | 2023 | N/A | GPT-4 |\n"
    )
    (row,) = read_snapshot(path).rows
    assert row.listed["name"] == "TALL\u200bRec"
    assert row.issues == ("the name cell holds an invisible or bidi-control character (U+200B)",)
