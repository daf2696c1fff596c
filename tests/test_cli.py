"""The CLI: exact output and exit codes on success and on every kind of failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from llm4rec_kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


COMMANDS = ("build", "validate", "sync", "stats", "query", "serve", "push", "lint", "site", "diff")


def test_every_command_has_help() -> None:
    for command in COMMANDS:
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
        "quality.json",
        "quality.ttl",
        "papers.csv",
        "papers.csl.json",
        "papers.md",
        "void.ttl",
        "llm4rec.html",
    )
    assert lines[: len(names)] == [f"wrote {tmp_path / 'o' / n}" for n in names]
    assert lines[len(names)].endswith(" s") and " triples in " in lines[len(names)]


def test_validate_ok(small_catalog: Path) -> None:
    code, out, _ = _run("validate", "--catalog", str(small_catalog))
    assert code == 0
    assert out.startswith(f"{small_catalog}: valid (")


def test_invalid_catalog_exits_1_with_one_line_per_problem(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text("arxiv-2302.00004:\n  venue: recsy\n")
    code, out, err = _run("build", "--catalog", str(small_catalog), "--out", "unused")
    assert code == 1 and out == ""
    assert err == (
        f"{papers}:2: arxiv-2302.00004.venue: no venues with id 'recsy' "
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


def test_sync_reports_rows_papers_and_new_names(seed_catalog: Path) -> None:
    code, out, err = _run("sync", "--catalog", str(seed_catalog))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "read 10 rows from test-list-abc1234"
    assert "papers: +6 added, -0 delisted, ~0 changed" in lines
    assert "  + arxiv-2301.00001" in lines
    assert "new model 'BLIP-2'" in lines
    assert f"wrote {seed_catalog / 'rows' / 'test-list-abc1234.yaml'}" in lines
    code, out, _ = _run("sync", "--catalog", str(seed_catalog))
    assert code == 0 and "no change" in out.splitlines()


def test_sync_dry_run_writes_nothing(seed_catalog: Path) -> None:
    code, out, _ = _run("sync", "--catalog", str(seed_catalog), "--dry-run")
    assert code == 0 and out.endswith("dry run: nothing was written\n")
    assert f"would write {seed_catalog / 'rows' / 'test-list-abc1234.yaml'}" in out
    assert not (seed_catalog / "rows").exists()


def test_sync_of_an_unknown_list_exits_2_with_a_suggestion(small_catalog: Path) -> None:
    code, _, err = _run("sync", "test-lst", "--catalog", str(small_catalog))
    assert code == 2
    assert (
        err == f"error: no source list 'test-lst' in {small_catalog / 'sources.yaml'} "
        "(did you mean 'test-list'?)\n"
    )


def test_sync_of_a_file_with_nothing_to_read_exits_1_and_writes_nothing(
    small_catalog: Path,
) -> None:
    unknown = Path(__file__).parent / "fixtures" / "lists" / "unknown-shape.md"
    before = (small_catalog / "sources.yaml").read_text()
    code, out, err = _run(
        "sync",
        "test-list",
        "--file",
        str(unknown),
        "--commit",
        "fedcba9",
        "--date",
        "2025-01-01",
        "--catalog",
        str(small_catalog),
    )
    assert code == 1 and out == ""
    assert "nothing could be read" in err and "Traceback" not in err
    assert "declare what its columns mean in catalog/sources.yaml" in err  # what to do
    assert err.endswith("error: read: 4 problems\n")
    assert (small_catalog / "sources.yaml").read_text() == before


def test_a_list_of_bare_titles_is_refused_with_advice_that_fits_it(
    small_catalog: Path, tmp_path: Path
) -> None:
    """No table, only names: the advice is about links that identify papers, not columns."""
    bare = tmp_path / "bare.md"
    bare.write_text("# Papers\n\n+ Overview\n  + Meta's HSTU\n  + TIGER applied to ranking\n")
    before = (small_catalog / "sources.yaml").read_text()
    code, out, err = _run(
        "sync", "test-list", "--file", str(bare), "--commit", "fedcba8",
        "--date", "2025-01-02", "--catalog", str(small_catalog),
    )  # fmt: skip
    assert code == 1 and out == "" and "nothing could be read" in err
    assert "a link that identifies its paper" in err and "columns" not in err
    assert (small_catalog / "sources.yaml").read_text() == before


def test_sync_file_needs_commit_and_date(small_catalog: Path) -> None:
    code, _, err = _run("sync", "test-list", "--file", __file__, "--catalog", str(small_catalog))
    assert code == 2 and "--file needs exactly one LIST, --commit and --date" in err


def test_stats_json_keys(small_catalog: Path) -> None:
    code, out, _ = _run("stats", "--catalog", str(small_catalog), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["entities"]["l4r:Paper"] == 5 and data["entities"]["l4r:Survey"] == 1
    assert data["source_rows"]["test-list-abc1234 no-tuning"] == 4
    assert data["coverage"] == [
        {"list": "test-list", "title": "test-list list", "papers": 6, "only_here": 6}
    ]
    assert data["top_models"][0] == {"model": "GPT-4", "papers": 3}


def test_stats_table(small_catalog: Path) -> None:
    code, out, _ = _run("stats", "--catalog", str(small_catalog))
    assert code == 0
    assert "Entities per class" in out and "Papers per year and paradigm" in out
    assert "  2023  No Tuning" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "70000"], "Invalid value for '--port': 70000 is not in the range"),
        (["serve", "--timeout", "-1"], "Invalid value for '--timeout': -1.0 is not in the range"),
        (["serve", "--workers", "0"], "Invalid value for '--workers': 0 is not in the range"),
        (["serve", "--max-rows", "-1"], "Invalid value for '--max-rows': -1 is not in the range"),
        (["build", "--base", "not an iri"], "'not an iri' is not an absolute http(s) IRI"),
        (["push", "--endpoint", "not-a-url"], "'not-a-url' is not an absolute http(s) IRI"),
        (["query", "--endpoint", "ftp://x", "papers-per-llm"], "'ftp://x' is not an absolute"),
    ],
)
def test_bad_option_values_are_one_clear_line_and_exit_2(args: list[str], message: str) -> None:
    code, out, err = _run(*args)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_top_level_help_is_not_cut_and_every_command_shows_examples() -> None:
    code, out, _ = _run("--help")
    assert code == 0 and "..." not in out.split("Commands:", 1)[1]
    for command in COMMANDS:
        code, out, _ = _run(command, "--help")
        assert code == 0 and "Examples:" in out and f"llm4rec-kg {command}" in out, command


def test_build_quiet_prints_nothing_and_verbose_times_every_stage(
    small_catalog: Path, tmp_path: Path
) -> None:
    args = ["build", "--catalog", str(small_catalog), "--out", str(tmp_path / "o"), "--force"]
    code, out, err = _run(*args, "--quiet")
    assert (code, out, err) == (0, "", "")
    code, out, err = _run(*args, "--verbose")
    stages = [line.split(":")[0] for line in err.splitlines()]
    assert code == 0 and stages[:3] == ["load and resolve the catalog", "build the graph", "SHACL"]
    assert "write llm4rec.html" in stages and out.endswith(" s\n")


def test_the_program_exits_with_each_commands_code_and_all_its_output(
    small_catalog: Path, tmp_path: Path
) -> None:
    """`llm4rec-kg` (cli.run) leaves without tearing down its heap: the exit code and every
    line written must still come out, on a pipe as on a terminal."""
    import subprocess
    import sys

    def program(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "llm4rec_kg", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    built = program("build", "--catalog", str(small_catalog), "--out", str(tmp_path / "o"))
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[-1].endswith(" s") and "triples in" in built.stdout
    assert (tmp_path / "o" / "llm4rec.nt").stat().st_size > 0
    unknown = program("query", "no-such-query", "--catalog", str(small_catalog))
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "error: no named query 'no-such-query'; 'query --list' shows them all\n",
    )
    (small_catalog / "venues.yaml").write_text("recsys: [\n")
    invalid = program("validate", "--catalog", str(small_catalog))
    assert invalid.returncode == 1 and "YAML syntax error" in invalid.stderr
    assert program("--version").stdout.startswith("llm4rec-kg, version ")
