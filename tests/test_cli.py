"""The CLI: exact output and exit codes on success and on every kind of failure."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from llm4rec_kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help() -> None:
    for command in ("build", "validate", "import-markdown", "stats"):
        code, out, _ = _run(command, "--help")
        assert code == 0 and out.startswith(f"Usage: main {command}")


def test_build_writes_every_export(small_catalog: Path, tmp_path: Path) -> None:
    code, out, err = _run("build", "--catalog", str(small_catalog), "--out", str(tmp_path / "o"))
    assert code == 0, err
    lines = out.splitlines()
    names = (
        "llm4rec.ttl",
        "llm4rec.nt",
        "llm4rec.jsonld",
        "void.ttl",
        "quality.json",
        "quality.ttl",
        "llm4rec.html",
    )
    assert lines[:7] == [f"wrote {tmp_path / 'o' / n}" for n in names]
    assert lines[7].endswith(" s") and " triples in " in lines[7]


def test_validate_ok(small_catalog: Path) -> None:
    code, out, _ = _run("validate", "--catalog", str(small_catalog))
    assert code == 0
    assert out.startswith(f"{small_catalog}: valid (")


def test_invalid_catalog_exits_1_with_one_line_per_problem(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text(papers.read_text().replace("  venue: recsys\n", "  venue: recsy\n", 1))
    line = next(i for i, t in enumerate(papers.read_text().splitlines(), 1) if "recsy" in t)
    code, out, err = _run("build", "--catalog", str(small_catalog), "--out", "unused")
    assert code == 1 and out == ""
    assert err == (
        f"{papers}:{line}: arxiv-2302.00004.venue: no venues with id 'recsy' "
        "(did you mean 'recsys'?)\nerror: schema: 1 problem\n"
    )
    assert not Path("unused").exists()


def test_yaml_error_exits_1(small_catalog: Path) -> None:
    (small_catalog / "venues.yaml").write_text("a: [\n")
    code, _, err = _run("validate", "--catalog", str(small_catalog))
    assert code == 1
    assert err.startswith(f"{small_catalog / 'venues.yaml'}:2: YAML syntax error")
    assert "Traceback" not in err


def test_missing_catalog_exits_2(tmp_path: Path) -> None:
    code, _, err = _run("validate", "--catalog", str(tmp_path / "none"))
    assert (code, err) == (2, f"error: {tmp_path / 'none'}: no such catalog directory\n")


def test_unknown_option_exits_2() -> None:
    code, _, err = _run("build", "--nope")
    assert code == 2 and "No such option '--nope'" in err


def test_unwritable_output_exits_2(small_catalog: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = _run("build", "--catalog", str(small_catalog), "--out", str(blocker / "x"))
    assert code == 2 and err.startswith(f"error: {blocker / 'x'}: cannot write exports:")


def test_import_markdown_reports_rows_and_diff(seed_catalog: Path) -> None:
    code, out, err = _run(
        "import-markdown",
        str(FIXTURES / "small_list.md"),
        "--catalog",
        str(seed_catalog),
        "--repository",
        "https://example.org/list",
        "--commit",
        "abc1234",
    )
    assert code == 0, err
    assert "read   4 rows from no-tuning" in out.splitlines()
    assert f"{seed_catalog / 'papers.yaml'}: 7 entries (+7 added, -0 removed, ~0 changed)" in out
    assert "note: new model 'blip-2' from 'BLIP-2': add it as an alias if it is one" in out
    sources = (seed_catalog / "sources.yaml").read_text()
    assert "small-list:\n  title: small_list.md\n" in sources and "commit: abc1234" in sources


def test_import_of_missing_file_exits_2(seed_catalog: Path, tmp_path: Path) -> None:
    code, _, err = _run("import-markdown", str(tmp_path / "x.md"), "--catalog", str(seed_catalog))
    assert code == 2 and err.startswith(f"error: {tmp_path / 'x.md'}: cannot read:")


def test_stats_json_keys(small_catalog: Path) -> None:
    code, out, _ = _run("stats", "--catalog", str(small_catalog), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["entities"]["l4r:Paper"] == 6 and data["entities"]["l4r:Survey"] == 1
    assert data["source_rows"]["no-tuning"] == 4
    assert data["top_models"][0] == {"model": "GPT-4", "papers": 3}


def test_stats_table(small_catalog: Path) -> None:
    code, out, _ = _run("stats", "--catalog", str(small_catalog))
    assert code == 0
    assert "Entities per class" in out and "Papers per year and paradigm" in out
    assert "  2023  No Tuning" in out
