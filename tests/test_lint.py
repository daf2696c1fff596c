"""Lint rules (one fixture that fires and one near miss each), resolutions, the CLI, and the
quality report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, URIRef

from conftest import VENDORED
from llm4rec_kg import pipeline
from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.catalog.sync import sync
from llm4rec_kg.cli import main
from llm4rec_kg.errors import InvalidDataError
from llm4rec_kg.graph.vocab import L4R, SH
from llm4rec_kg.quality import lint

SHARED_SOURCE = VENDORED / "llm4rec-awesome-papers-2023-12-08.md"

HEAD = "## No Tuning\n\n| Name | Paper | Venue | Year | Code | LLM |\n|--|--|--|--|--|--|\n"


def row(
    name: str = "Alpha",
    title: str = "Alpha: One",
    link: str = "https://arxiv.org/abs/2301.00001",
    venue: str = "arXiv",
    year: str = "2023",
    code: str = "N/A",
    llm: str = "GPT4",
) -> str:
    return f"| {name} | [{title}]({link}) | {venue} | {year} | {code} | {llm} |\n"


DATASETS = "## Common Datasets\n\n| Name | Scene | Tasks | Information | URL |\n|--|--|--|--|--|\n"

# rule id -> (markdown where it fires, a near miss where it does not)
CASES: dict[str, tuple[str, str]] = {
    "duplicate-identifier": (
        HEAD + row() + row(name="Beta", title="Beta: Other"),
        HEAD
        + row()
        + row(name="Beta", title="Beta: Other", link="https://arxiv.org/abs/2301.00002"),
    ),
    "duplicate-title": (
        HEAD + row() + row(name="A2", link="https://arxiv.org/abs/2301.00009"),
        HEAD + row() + row(name="A2", title="Alpha: Two", link="https://arxiv.org/abs/2301.00009"),
    ),
    "shared-short-name": (
        HEAD + row() + row(title="Alpha: Unrelated", link="https://arxiv.org/abs/2301.00002"),
        HEAD
        + row()
        + row(name="Alpha2", title="Alpha: Unrelated", link="https://arxiv.org/abs/2301.00002"),
    ),
    "venue-variant": (
        HEAD
        + row()
        + row(name="B", title="B", link="https://arxiv.org/abs/2301.00002", venue="arxiv"),
        HEAD + row() + row(name="B", title="B", link="https://arxiv.org/abs/2301.00002"),
    ),
    "publisher-as-venue": (HEAD + row(venue="ACM"), HEAD + row(venue="ACM MM")),
    "venue-doi-mismatch": (
        HEAD
        + row(link="https://dl.acm.org/doi/10.1145/1111111.1", venue="RecSys")
        + row(name="B", title="B", link="https://dl.acm.org/doi/10.1145/1111111.2", venue="RecSys")
        + row(name="C", title="C", link="https://dl.acm.org/doi/10.1145/2222222.3", venue="RecSys"),
        HEAD
        + row(link="https://dl.acm.org/doi/10.1145/1111111.1", venue="RecSys")
        + row(name="B", title="B", link="https://dl.acm.org/doi/10.1145/1111111.2", venue="RecSys")
        + row(name="C", title="C", link="https://dl.acm.org/doi/10.1145/2222222.3", venue="CIKM"),
    ),
    "code-not-repository": (
        HEAD + row(code="[Python](https://paperswithcode.com/paper/graph-convolutional-matrix)"),
        HEAD + row(code="[Python](https://github.com/org/alpha)"),
    ),
    "tracking-parameter": (
        HEAD + row(link="https://example.org/paper?id=3&utm_source=feed"),
        HEAD + row(link="https://example.org/paper?id=3"),
    ),
    "non-canonical-arxiv": (
        HEAD + row(link="https://arxiv.org/pdf/2301.00001v2.pdf"),
        HEAD + row(),
    ),
    "year-before-arxiv": (HEAD + row(year="2021"), HEAD + row(year="2023")),
    "title-debris": (
        HEAD + row(title="Alpha Ranking Models, Zhang et al."),
        HEAD + row(title="Alpha Ranking Models: Zhang's Method"),
    ),
    "mojibake": (
        HEAD + row(title="CafÃ© recommendations"),
        HEAD + row(title="Café recommendations"),
    ),
    "unresolved-model": (HEAD + row(llm="Gemini"), HEAD + row(llm="GPT4/Vicuna")),
    "placeholder-name": (HEAD + row(name="N/A"), HEAD + row(name="Alpha")),
    "dataset-without-landing-page": (
        DATASETS + "| Toy | Movie | General | Small. | N/A |\n",
        DATASETS + "| Toy | Movie | General | Small. | [link](https://example.org/toy) |\n",
    ),
}


def _findings(tmp_path: Path, text: str, catalog: Path) -> list[lint.Finding]:
    source = tmp_path / "list.md"
    source.write_text(text, encoding="utf-8")
    return lint.lint_markdown([source], load_catalog(catalog)).findings


@pytest.fixture
def aliases_catalog(small_catalog: Path) -> Path:
    return small_catalog


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires(rule: str, tmp_path: Path, aliases_catalog: Path) -> None:
    fires, _ = CASES[rule]
    found = [f for f in _findings(tmp_path, fires, aliases_catalog) if f.rule == rule]
    assert len(found) == 1, [f.text() for f in found]
    assert found[0].message and found[0].hint
    assert found[0].line is not None and found[0].file.endswith("list.md")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_near_miss_does_not_fire(rule: str, tmp_path: Path, aliases_catalog: Path) -> None:
    _, near_miss = CASES[rule]
    assert [
        f.text() for f in _findings(tmp_path, near_miss, aliases_catalog) if f.rule == rule
    ] == []


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(lint.RULES)


def test_the_catalog_schema_knows_every_rule() -> None:
    from llm4rec_kg.catalog.schema import LINT_RULES

    # corrections.yaml and accepted.yaml may name exactly the rules lint has
    assert set(LINT_RULES) == set(lint.RULES) | lint.OTHER_RULES


def test_severities(tmp_path: Path, aliases_catalog: Path) -> None:
    same_title = HEAD + row() + row(link="https://arxiv.org/pdf/2301.00001")
    (dup,) = [
        f
        for f in _findings(tmp_path, same_title, aliases_catalog)
        if f.rule == "duplicate-identifier"
    ]
    assert dup.severity == "warning"
    different = CASES["duplicate-identifier"][0]
    (dup,) = [
        f
        for f in _findings(tmp_path, different, aliases_catalog)
        if f.rule == "duplicate-identifier"
    ]
    assert dup.severity == "error"


def test_one_line_per_finding_with_a_fix_hint(tmp_path: Path, aliases_catalog: Path) -> None:
    (finding,) = [
        f
        for f in _findings(tmp_path, HEAD + row(venue="ACM"), aliases_catalog)
        if f.rule == "publisher-as-venue"
    ]
    assert finding.text() == (
        f"{tmp_path / 'list.md'}:5: error[publisher-as-venue] no-tuning[1]: venue 'ACM' is a "
        "publisher, not a venue (fix: name the conference or journal)"
    )


def test_mojibake_outside_tables(tmp_path: Path, aliases_catalog: Path) -> None:
    text = "# List\n\nðŸŽ‰ News\n\n" + HEAD + row()
    found = [f for f in _findings(tmp_path, text, aliases_catalog) if f.rule == "mojibake"]
    assert [(f.line, f.hint) for f in found] == [(3, "use '🎉'")]


# ------------------------------------------------------------------ catalog and resolutions


def _add(path: Path, text: str) -> None:
    path.write_text((path.read_text() if path.exists() else "") + text)


def test_catalog_findings_are_corrected_accepted_or_normalized(small_catalog: Path) -> None:
    _add(
        small_catalog / "corrections.yaml",
        (
            "acm-venue:\n  entity: doi-10.1145-1234567.7654321\n  field: venue\n  listed: ACM\n"
            "  corrected: null\n  reason: ACM is a publisher.\n"
            "  source: https://doi.org/10.1145/1234567.7654321\n  resolves: [publisher-as-venue]\n"
        ),
    )
    _add(
        small_catalog / "accepted.yaml",
        (
            "beta-name:\n  rule: shared-short-name\n  entity: arxiv-2302.00003\n"
            "  reason: Two papers really are both called Beta.\n"
        ),
    )
    report = lint.lint_catalog(load_catalog(small_catalog))
    status = {(f.rule, f.entity): f.status for f in report.findings}
    assert status[("publisher-as-venue", "doi-10.1145-1234567.7654321")] == "corrected"
    assert status[("shared-short-name", "arxiv-2302.00003")] == "accepted"
    assert status[("non-canonical-arxiv", "arxiv-2301.00001")] == "normalized"
    assert status[("duplicate-identifier", "arxiv-2301.00002")] == "open"
    assert report.open_errors == 1


def test_correction_is_applied_and_the_listed_claim_kept(small_catalog: Path) -> None:
    # Gamma's row links Beta's record; a correction of that row's link gives Gamma its own,
    # and sync matches the row again.
    _add(
        small_catalog / "corrections.yaml",
        (
            "gamma-link:\n  entity: arxiv-2301.00099\n"
            "  row: test-list-abc1234/supervised-fine-tuning/1\n  field: link\n"
            "  listed: https://arxiv.org/abs/2301.00002\n  corrected: https://arxiv.org/abs/2301.00099\n"
            "  reason: The row links Beta's record.\n"
            "  source: https://arxiv.org/abs/2301.00099\n  resolves: [duplicate-identifier]\n"
        ),
    )
    with pytest.raises(InvalidDataError, match="corrections") as err:
        pipeline.validate(small_catalog)
    assert "run `llm4rec-kg sync`" in str(err.value.problems[0])
    sync(small_catalog)
    graph = pipeline.validate(small_catalog).graph
    gamma = URIRef("https://w3id.org/llm4rec/paper/arxiv-2301.00099")
    assert str(graph.value(gamma, URIRef("http://purl.org/spar/fabio/hasArXivId"))) == "2301.00099"
    row_link = graph.value(
        graph.value(gamma, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")), L4R.listedLink
    )
    assert str(row_link) == "https://arxiv.org/abs/2301.00002"
    correction = URIRef("https://w3id.org/llm4rec/correction/gamma-link")
    assert graph.value(correction, L4R.corrects) == gamma
    assert str(graph.value(correction, L4R.listedValue)) == "https://arxiv.org/abs/2301.00002"
    findings = lint.lint_catalog(load_catalog(small_catalog)).findings
    (dup,) = [
        f for f in findings if (f.rule, f.entity) == ("duplicate-identifier", "arxiv-2301.00099")
    ]
    assert dup.status == "corrected" and dup.resolution is not None
    assert dup.resolution.startswith("gamma-link: link -> 'https://arxiv.org/abs/2301.00099'; ")


def test_stale_correction_is_reported_and_stops_the_build(small_catalog: Path) -> None:
    _add(
        small_catalog / "corrections.yaml",
        (
            "gamma-year:\n  entity: arxiv-2301.00002\n  field: year\n  listed: '1999'\n"
            "  corrected: 2024\n"
            "  reason: x\n  source: y\n"
        ),
    )
    report = lint.lint_catalog(load_catalog(small_catalog))
    (stale,) = [f for f in report.findings if f.rule == "stale-correction"]
    assert "list year as ['2023', '2023'], not '1999'" in stale.message
    with pytest.raises(InvalidDataError) as err:
        pipeline.validate(small_catalog)
    assert err.value.stage == "corrections"
    assert err.value.problems[0].field == "listed"


def test_correction_value_is_type_checked(small_catalog: Path) -> None:
    _add(
        small_catalog / "corrections.yaml",
        (
            "gamma-venue:\n  entity: arxiv-2301.00002\n  field: venue\n  corrected: nowhere\n"
            "  reason: x\n  source: y\n"
        ),
    )
    with pytest.raises(InvalidDataError) as err:
        pipeline.validate(small_catalog)
    assert str(err.value.problems[0]).endswith("gamma-venue.corrected: no venues with id 'nowhere'")


def _lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_exit_codes_and_json(small_catalog: Path, tmp_path: Path) -> None:
    code, out, err = _lint("--catalog", str(small_catalog), "--severity", "error")
    assert code == 1
    assert all("error[" in line for line in out.splitlines())
    assert len(out.splitlines()) == 2 and err.endswith("; 2 open errors\n")
    code, out, _ = _lint("--catalog", str(small_catalog), "--format", "json")
    data = json.loads(out)
    assert data["counts"]["open_errors"] == 2 and len(data["findings"]) > 5
    clean = tmp_path / "clean.md"
    clean.write_text(HEAD + row())
    assert _lint(str(clean), "--catalog", str(small_catalog))[0] == 0
    assert _lint(str(tmp_path / "missing.md"))[0] == 2


def test_real_catalog_lints_with_no_open_errors() -> None:
    code, out, err = _lint("--open-only")
    assert (code, out) == (0, "")
    assert err.endswith("; 0 open errors\n")


def test_shared_source_list_findings_by_rule() -> None:
    code, out, _ = _lint(str(SHARED_SOURCE))
    assert code == 1
    rules = [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines()]
    assert {r for r in rules} >= {
        "publisher-as-venue",
        "duplicate-identifier",
        "mojibake",
        "venue-doi-mismatch",
        "code-not-repository",
        "non-canonical-arxiv",
        "venue-variant",
        "tracking-parameter",
        "placeholder-name",
        "shared-short-name",
    }
    errors = [line for line in out.splitlines() if "error[" in line]
    assert len(errors) == 7


def test_quality_report_exports(real_build: pipeline.BuildResult) -> None:
    out = real_build.files[0].parent
    data = json.loads((out / "quality.json").read_text())
    findings = data["findings"]
    assert data["counts"]["open_errors"] == 0
    assert sum(data["counts"]["by_status"].values()) == len(findings)
    assert {f["status"] for f in findings} == {"corrected", "accepted", "normalized"}
    corrections = yaml.safe_load(
        (Path(__file__).parent.parent / "catalog" / "corrections.yaml").read_text()
    )
    assert data["corrections"] == corrections
    graph = Graph().parse(out / "quality.ttl")
    report = URIRef("https://w3id.org/llm4rec/quality")
    # SHACL's rule: a report with results does not conform, whatever their severity.
    assert graph.value(report, SH.conforms).toPython() is (not findings)
    assert len(list(graph.objects(report, SH.result))) == len(findings)


def test_published_report_agrees_with_the_lint_command(real_build: pipeline.BuildResult) -> None:
    code, out, _ = _lint("--format", "json")
    assert code == 0
    published = json.loads((real_build.files[0].parent / "quality.json").read_text())

    def judged(data: dict) -> list[tuple[str, str, str, str]]:
        return sorted((f["rule"], f["entity"], f["where"], f["status"]) for f in data["findings"])

    assert judged(published) == judged(json.loads(out))


def test_mojibake_in_a_blockquoted_table_is_reported_once(
    tmp_path: Path, aliases_catalog: Path
) -> None:
    quoted = "\n".join(f"> {line}" for line in (HEAD + row(title="CafÃ© recs")).splitlines())
    found = [f for f in _findings(tmp_path, quoted + "\n", aliases_catalog) if f.rule == "mojibake"]
    assert [(f.line, f.where) for f in found] == [(5, "no-tuning[1]")]


def test_lint_of_a_file_with_no_list_is_an_error_not_zero_findings() -> None:
    code, out, err = _lint(str(Path(__file__).resolve().parent.parent / "pyproject.toml"))
    assert code == 1 and out == ""
    assert "nothing could be read" in err


def test_lint_without_a_catalog_says_so_and_reports_no_false_model_errors(
    tmp_path: Path,
) -> None:
    code, out, err = _lint(str(SHARED_SOURCE), "--catalog", str(tmp_path / "none"))
    assert code == 1  # the list's own errors are still errors
    assert f"note: no catalog at {tmp_path / 'none'}" in err
    assert "unresolved-model" not in out
    assert len([line for line in out.splitlines() if "error[" in line]) == 7


def test_the_summary_says_how_many_findings_a_filter_hid() -> None:
    code, out, err = _lint(str(SHARED_SOURCE), "--severity", "error")
    shown = len(out.splitlines())
    assert code == 1 and shown == 7
    assert err.splitlines()[-1].startswith(f"{shown} findings shown (")
    assert "more not shown by --severity/--open-only" in err
