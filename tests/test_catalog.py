"""The catalog stages: YAML syntax, then the schema, each with located messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.errors import InvalidDataError, UsageError


def _problems(catalog: Path) -> list[str]:
    with pytest.raises(InvalidDataError) as err:
        load_catalog(catalog)
    return [str(p) for p in err.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_unknown_key_suggests_the_nearest(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    _edit(papers, "  short_name: Delta\n", "  short_nam: Delta\n")
    line = _line(papers, "short_nam: Delta")
    assert _problems(small_catalog) == [
        f"{papers}:{line}: arxiv-2302.00004.short_nam: unknown key (did you mean 'short_name'?)"
    ]


def test_wrong_type(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    _edit(
        papers,
        "  title: 'Delta: Small Models'\n  year: 2023",
        "  title: 'Delta: Small Models'\n  year: soon",
    )
    line = _line(papers, "year: soon")
    assert _problems(small_catalog) == [
        f"{papers}:{line}: arxiv-2302.00004.year: must be a whole number, not str"
    ]


def test_dangling_reference_with_hint(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    _edit(papers, "  venue: recsys\n", "  venue: recsy\n")
    line = _line(papers, "venue: recsy")
    (problem,) = _problems(small_catalog)
    assert problem.startswith(f"{papers}:{line}: ")
    assert problem.endswith(".venue: no venues with id 'recsy' (did you mean 'recsys'?)")


def test_dangling_model_in_a_list(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    _edit(papers, "models: [llama-2]", "models: [llama-3]")
    line = _line(papers, "models: [llama-3]")
    assert _problems(small_catalog) == [
        f"{papers}:{line}: arxiv-2302.00003.models[0]: no models with id 'llama-3' "
        "(did you mean 'llama-2'?)"
    ]


def test_duplicate_keys(small_catalog: Path) -> None:
    venues = small_catalog / "venues.yaml"
    venues.write_text(venues.read_text() + "wsdm:\n  label: WSDM again\n")
    (problem,) = _problems(small_catalog)
    assert problem.startswith(f"{venues}:") and problem.endswith("duplicate key 'wsdm'")


def test_yaml_syntax_error_names_the_line(small_catalog: Path) -> None:
    venues = small_catalog / "venues.yaml"
    venues.write_text("arxiv:\n  label: arXiv\n  aliases: [arxiv\n")
    (problem,) = _problems(small_catalog)
    assert problem.startswith(f"{venues}:4: YAML syntax error")


def test_missing_required_field_and_file(small_catalog: Path) -> None:
    (small_catalog / "sources.yaml").unlink()
    assert _problems(small_catalog) == [
        f"{small_catalog}/sources.yaml: required catalog file is missing"
    ]


def test_all_schema_problems_are_reported_together(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    _edit(papers, "  venue: recsys\n", "  venue: nowhere\n")
    _edit(papers, "  type: survey\n", "  type: essay\n")
    problems = _problems(small_catalog)
    assert len(problems) == 2
    assert any("'essay' is not one of: paper, survey, tutorial" in p for p in problems)


def test_stray_file_is_named(small_catalog: Path) -> None:
    (small_catalog / "paper.yaml").write_text("{}\n")
    assert _problems(small_catalog) == [
        f"{small_catalog}/paper.yaml: unknown catalog file (did you mean 'papers.yaml'?)"
    ]


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such catalog directory"):
        load_catalog(tmp_path / "nope")
