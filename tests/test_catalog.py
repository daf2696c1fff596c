"""The catalog stages: YAML syntax, then the schema, each with located messages."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.errors import InvalidDataError, UsageError

ROOT = Path(__file__).resolve().parent.parent


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


CURATED = """\
arxiv-2302.00004:
  short_name: Delta
  title: 'Delta: Small Models'
  year: 2023
  venue: recsys
arxiv-2302.00003:
  models: [llama-2]
"""


@pytest.fixture
def curated(small_catalog: Path) -> Path:
    papers = small_catalog / "papers.yaml"
    papers.write_text(CURATED)
    load_catalog(small_catalog)  # valid as written
    return papers


def test_unknown_key_suggests_the_nearest(curated: Path) -> None:
    _edit(curated, "  short_name: Delta\n", "  short_nam: Delta\n")
    line = _line(curated, "short_nam: Delta")
    assert _problems(curated.parent) == [
        f"{curated}:{line}: arxiv-2302.00004.short_nam: unknown key (did you mean 'short_name'?)"
    ]


def test_wrong_type(curated: Path) -> None:
    _edit(curated, "  year: 2023", "  year: soon")
    line = _line(curated, "year: soon")
    assert _problems(curated.parent) == [
        f"{curated}:{line}: arxiv-2302.00004.year: must be a year, not a string ('soon')"
    ]


def test_dangling_reference_with_hint(curated: Path) -> None:
    _edit(curated, "  venue: recsys\n", "  venue: recsy\n")
    line = _line(curated, "venue: recsy")
    (problem,) = _problems(curated.parent)
    assert problem.startswith(f"{curated}:{line}: ")
    assert problem.endswith(".venue: no venues with id 'recsy' (did you mean 'recsys'?)")


def test_dangling_model_in_a_list(curated: Path) -> None:
    _edit(curated, "models: [llama-2]", "models: [llama-3]")
    line = _line(curated, "models: [llama-3]")
    assert _problems(curated.parent) == [
        f"{curated}:{line}: arxiv-2302.00003.models[0]: no models with id 'llama-3' "
        "(did you mean 'llama-2'?)"
    ]


def test_a_bad_row_field_names_the_rows_file_line_and_row(small_catalog: Path) -> None:
    rows = small_catalog / "rows" / "test-list-abc1234.yaml"
    _edit(rows, "    kind: survey\n", "    kind: essay\n")
    line = _line(rows, "  related-survey/1:")
    (problem,) = _problems(small_catalog)
    assert problem.startswith(
        f"{small_catalog}/rows/test-list-abc1234.yaml:{line}: related-survey/1.kind: "
    )
    assert "'essay' is not one of: paper, survey, tutorial, dataset, model" in problem


def test_a_row_naming_an_unknown_model_is_located_with_a_hint(small_catalog: Path) -> None:
    models = small_catalog / "models.yaml"
    _edit(models, "  aliases: [LLaMA-7b]\n", "")
    rows = small_catalog / "rows" / "test-list-abc1234.yaml"
    line = _line(rows, "  supervised-fine-tuning/1:")
    assert _problems(small_catalog) == [
        f"{rows}:{line}: supervised-fine-tuning/1.listed.llm: model 'LLaMA-7b' is no label or "
        "alias in models.yaml (did you mean 'LLaMA'?); add it, or run `llm4rec-kg sync`"
    ]


def test_rows_files_and_the_registry_must_agree(small_catalog: Path) -> None:
    rows = small_catalog / "rows"
    (rows / "test-list-abc1234.yaml").rename(rows / "test-list-abc1235.yaml")
    problems = _problems(small_catalog)
    assert (
        f"{rows}/test-list-abc1235.yaml: no snapshot 'test-list-abc1235' in sources.yaml "
        "(did you mean 'test-list-abc1234'?)" in problems
    )
    assert any(
        p.endswith(
            "test-list-abc1234: no rows file rows/test-list-abc1234.yaml: run `llm4rec-kg sync`"
        )
        for p in problems
    )


def test_yaml_aliases_in_a_rows_file_are_refused(small_catalog: Path) -> None:
    rows = small_catalog / "rows" / "test-list-abc1234.yaml"
    rows.write_text(
        rows.read_text().replace(
            "snapshot: test-list-abc1234", "snapshot: &s test-list-abc1234\nx: *s", 1
        )
    )
    (problem,) = _problems(small_catalog)
    assert problem.endswith(
        "YAML anchors and aliases are not allowed (they can expand without bound)"
    )


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


def test_all_schema_problems_are_reported_together(curated: Path) -> None:
    _edit(curated, "  venue: recsys\n", "  venue: nowhere\n")
    _edit(curated, "  year: 2023\n", "  year: 2023\n  type: essay\n")
    problems = _problems(curated.parent)
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


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  link: https://arxiv.org/abs/2302 00004\n", "must be an http(s) web address"),
        ("  link: https://\n", "must be an http(s) web address"),
        ("  code: 'javascript:alert(1)'\n", "must be an http(s) web address"),
        ("  title: '   '\n", "is blank"),
        ('  short_name: "Del\u202eta"\n', "bidi-control character (U+202E)"),
        ('  short_name: "Del\u200bta"\n', "invisible or bidi-control character (U+200B)"),
    ],
)
def test_values_the_writers_would_choke_on_are_schema_problems(
    small_catalog: Path, entry: str, message: str
) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text("arxiv-2302.00004:\n" + entry)
    (problem,) = _problems(small_catalog)
    assert problem.startswith(f"{papers}:2: arxiv-2302.00004.") and message in problem


def test_an_id_with_a_hidden_character_is_refused(small_catalog: Path) -> None:
    venues = small_catalog / "venues.yaml"
    venues.write_text(venues.read_text() + "rec\u200bsys:\n  label: RecSys again\n")
    (problem,) = _problems(small_catalog)
    assert "'rec\\u200bsys'" in problem and "U+200B" in problem


def test_yaml_aliases_in_a_curated_file_are_refused_before_they_expand(
    small_catalog: Path,
) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    corrections = small_catalog / "corrections.yaml"
    corrections.write_text("\n".join(bomb) + "\n")
    (problem,) = _problems(small_catalog)
    assert problem == (  # the line of the anchor the first alias repeats
        f"{corrections}:1: YAML anchors and aliases are not allowed (they can expand without bound)"
    )


def test_type_errors_speak_of_values_not_of_the_yaml_librarys_types(curated: Path) -> None:
    _edit(curated, "  year: 2023", "  year: '2023'")
    (problem,) = _problems(curated.parent)
    assert problem.endswith("year: must be a year, not a string ('2023')")
    assert "ScalarString" not in problem


def test_yaml_is_read_by_the_1_2_core_schema_with_lines(tmp_path: Path) -> None:
    from llm4rec_kg.catalog import yamlio

    path = tmp_path / "venues.yaml"
    path.write_text(
        "no:\n  label: off\n  aliases: [yes, 0777, '1:30', 1:30, 0x1F, 2023-12-08]\n  year: 2023\n"
    )
    data = yamlio.load(path)
    assert data == {
        "no": {
            "label": "off",
            "aliases": ["yes", 777, "1:30", "1:30", 31, datetime.date(2023, 12, 8)],
            "year": 2023,
        }
    }
    assert yamlio.line_of(data, "no") == 1
    assert yamlio.line_of(data["no"], "year") == 4
    assert yamlio.line_of(data["no"]["aliases"], 2) == 3
    assert yamlio.plain(data) == yamlio.plain(yamlio.load_for_edit(path))


def test_a_duplicate_key_is_named_with_its_line(tmp_path: Path) -> None:
    from llm4rec_kg.catalog import yamlio

    path = tmp_path / "venues.yaml"
    path.write_text("recsys:\n  label: RecSys\nkdd:\n  label: KDD\nrecsys:\n  label: Again\n")
    with pytest.raises(InvalidDataError) as err:
        yamlio.load(path)
    (problem,) = err.value.problems
    assert (problem.line, problem.message) == (5, "duplicate key 'recsys'")


def _shape(data: Any) -> Any:
    """A read document with the lines it records, to compare two readers exactly."""
    from llm4rec_kg.catalog import yamlio

    if isinstance(data, yamlio.LineDict):
        return ("map", data.line, data.lines, {k: _shape(v) for k, v in data.items()})
    if isinstance(data, yamlio.LineList):
        return ("seq", data.line, data.lines, [_shape(v) for v in data])
    return (type(data).__name__, repr(data))


TRICKY_YAML = [
    "a: 1\nb: [1, 2.5, .inf, -.INF, .nan, 0x1F, 0o17, 2023-01-02, 2023-01-02T10:00:00Z]\n",
    "c: [~, null, '', true, no, on, 1:30, '1', \"2\", +3, -4.5e3]\n",
    "",
    "- a\n- {x: y, z: [1, {w: 2}]}\n",
    "&anchor x: 1\n",
    "tagged: !!str 1\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "1: x\n1.5: y\nfalse: z\nyes: w\n",
]


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_the_event_reader_builds_what_the_full_constructor_builds(text: str) -> None:
    import yaml

    from llm4rec_kg.catalog import yamlio

    expected = yaml.load(text, Loader=yamlio._Loader)  # the node-tree path: the oracle
    assert _shape(yamlio._from_events(text)) == _shape(expected)


def test_the_event_reader_agrees_on_every_catalog_file() -> None:
    import yaml

    from llm4rec_kg.catalog import yamlio

    files = sorted((ROOT / "catalog").rglob("*.yaml"))
    assert len(files) > 5
    for path in files:
        text = path.read_text("utf-8")
        expected = yaml.load(text, Loader=yamlio._Loader)
        assert _shape(yamlio._from_events(text)) == _shape(expected), path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: *x\n", 2, "YAML anchors and aliases are not allowed"),
        ("? [a]\n: 1\n", 1, "YAML syntax error: found unhashable key"),
        ("a: 1\n---\nb: 2\n", 2, "YAML syntax error: but found another document"),
        ("a: [1\n", 2, "YAML syntax error:"),
    ],
)
def test_the_event_reader_locates_what_it_refuses(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    from llm4rec_kg.catalog import yamlio

    path = tmp_path / "venues.yaml"
    path.write_text(text)
    with pytest.raises(InvalidDataError) as err:
        yamlio.load(path)
    (problem,) = err.value.problems
    assert problem.line == line
    assert problem.message.startswith(message)


# Values that become IRIs, exports or terminal output are checked where they are loaded.


def test_a_doi_that_cannot_be_an_iri_is_refused_where_it_stands(curated: Path) -> None:
    _edit(curated, "  year: 2023\n", "  year: 2023\n  doi: '10.1145/{x}'\n")
    (problem,) = _problems(curated.parent)
    assert f"{curated}:{_line(curated, 'doi:')}: arxiv-2302.00004.doi: must be a DOI" in problem


def test_control_characters_and_huge_texts_are_refused_in_curated_text(curated: Path) -> None:
    _edit(curated, "  title: 'Delta: Small Models'\n", '  title: "Delta\\e[31m"\n')
    assert any("control character (U+001B)" in p for p in _problems(curated.parent))
    _edit(curated, '  title: "Delta\\e[31m"\n', "  title: '" + "x" * 5000 + "'\n")
    assert any("is 5,000 characters; at most 2,000" in p for p in _problems(curated.parent))


def test_an_impossible_date_is_a_located_error_not_a_traceback(curated: Path) -> None:
    curated.write_text(
        curated.read_text() + "arxiv-2501.00001:\n  type: paper\n  title: T\n  year: 2025\n"
        "  link: https://arxiv.org/abs/2501.00001\n  provenance:\n"
        "    - curator: A\n      date: 2026-02-31\n      evidence: https://example.org/e\n"
    )
    (problem,) = _problems(curated.parent)
    assert problem == (
        f"{curated}:{_line(curated, '2026-02-31')}: '2026-02-31' is not a valid date: "
        "day is out of range for month"
    )


def test_keys_are_plain_path_segments(curated: Path, small_catalog: Path) -> None:
    curated.write_text(curated.read_text() + "../../tmp/x/evil:\n  title: Evil\n")
    assert any("an entry id becomes an IRI path segment" in p for p in _problems(small_catalog))
    curated.write_text(CURATED)
    rows = next((small_catalog / "rows").glob("*.yaml"))
    text = rows.read_text()
    entity = text.split("entity: ", 1)[1].split("\n", 1)[0]
    rows.write_text(text.replace(f"entity: {entity}\n", "entity: ../../../tmp/x/evil\n", 1))
    assert any("is not an entry id" in p for p in _problems(small_catalog))
