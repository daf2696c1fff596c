"""`diff` reports exactly what changed between two exports, the build records it in the
changelog, and the release metadata (CITATION.cff, LICENSE) agrees with the package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from llm4rec_kg import RELEASED, __version__, pipeline
from llm4rec_kg.cli import main

BASE = "https://w3id.org/llm4rec/"
NEW_PAPER = "arxiv-2401.00001"


def _add_paper(catalog: Path) -> None:
    papers = catalog / "papers.yaml"
    papers.write_text(
        papers.read_text(encoding="utf-8")
        + f"""{NEW_PAPER}:
  type: paper
  title: A Paper Added by Hand for a Test
  link: https://arxiv.org/abs/2401.00001
  year: 2024
  provenance:
    - curator: test
      date: 2026-12-01
      evidence: https://arxiv.org/abs/2401.00001
""",
        encoding="utf-8",
    )


def test_diff_against_a_build_with_one_paper_added_lists_that_paper(
    real_catalog: Path, tmp_path: Path
) -> None:
    _add_paper(real_catalog)
    pipeline.build(real_catalog, tmp_path / "new")
    change = pipeline.diff(ROOT / "exports", tmp_path / "new")
    paper = BASE + "paper/" + NEW_PAPER
    assert change.removed == [] and change.changed == []
    assert paper in {c.iri for c in change.added}
    for entity in change.added:
        assert entity.iri == paper or entity.iri.startswith(paper + "/"), entity.iri
        assert entity.removed == [] and entity.added
        assert all(line.startswith(f"<{entity.iri}> ") for line in entity.added)
    added, removed = change.triples()
    assert removed == 0 and added == sum(len(c.added) for c in change.added) > 5


def test_diff_reads_every_dump_format_alike() -> None:
    exports = ROOT / "exports"
    for name in ("llm4rec.ttl", "llm4rec.jsonld"):
        assert pipeline.diff(exports / "llm4rec.nt", exports / name).empty, name


def test_diff_command_exit_codes_and_formats(real_catalog: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    same = runner.invoke(
        main, ["diff", str(ROOT / "exports"), str(ROOT / "exports"), "--exit-code"]
    )
    assert same.exit_code == 0 and same.stdout.startswith("0 entities added")
    _add_paper(real_catalog)
    pipeline.build(real_catalog, tmp_path / "new")
    differ = runner.invoke(
        main, ["diff", str(ROOT / "exports"), str(tmp_path / "new"), "--exit-code"]
    )
    assert differ.exit_code == 1
    assert f"added paper:{NEW_PAPER}" in differ.stdout and "  + <" in differ.stdout
    summary = runner.invoke(
        main, ["diff", str(ROOT / "exports"), str(tmp_path / "new"), "-f", "summary"]
    )
    assert f"added: paper:{NEW_PAPER}" in summary.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    bad = runner.invoke(main, ["diff", str(broken), str(ROOT / "exports")])
    assert bad.exit_code == 2 and "broken.ttl: cannot load" in bad.stderr
    assert "Traceback" not in bad.output


def _built_project_with_a_new_paper(catalog: Path) -> tuple[Path, Path]:
    """Beside the catalog: the committed exports and a changelog; then one paper more."""
    out = catalog.parent / "exports"
    shutil.copytree(ROOT / "exports", out)
    changelog = catalog.parent / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## Unreleased\n\n## 0.2.0\n\n- earlier\n")
    _add_paper(catalog)
    return out, changelog


def test_build_adds_what_changed_to_the_changelog(real_catalog: Path, tmp_path: Path) -> None:
    out, changelog = _built_project_with_a_new_paper(real_catalog)
    runner = CliRunner()
    built = runner.invoke(main, ["build", "--catalog", str(real_catalog), "--out", str(out)])
    assert built.exit_code == 0, built.output
    text = changelog.read_text()
    assert text.count("- Data (built by") == 1 and f"paper:{NEW_PAPER}" in text
    assert text.index("- Data") < text.index("## 0.2.0") and "- earlier" in text
    again = runner.invoke(
        main, ["build", "--catalog", str(real_catalog), "--out", str(out), "--force"]
    )
    assert again.exit_code == 0 and changelog.read_text() == text  # nothing changed: no entry


def test_citation_and_licence_agree_with_the_package() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == __version__
    assert str(citation["date-released"]) == RELEASED
    assert citation["license"] == "MIT"
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "Permission is hereby granted" in licence
    assert f"## {__version__} ({RELEASED})" in (ROOT / "CHANGELOG.md").read_text()


def test_a_build_killed_after_the_swap_leaves_its_entry_for_the_next_build(
    real_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llm4rec_kg.publish import changes

    out, changelog = _built_project_with_a_new_paper(real_catalog)
    moved = changes.move_pending
    calls = []

    def killed_after_the_swap(out_dir: Path, log: Path) -> bool:
        calls.append(out_dir)
        if len(calls) == 2:  # the second call follows the swap: the process dies there
            raise KeyboardInterrupt
        return moved(out_dir, log)

    monkeypatch.setattr(changes, "move_pending", killed_after_the_swap)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(real_catalog, out, changelog=changelog)
    monkeypatch.setattr(changes, "move_pending", moved)
    assert "- Data" not in changelog.read_text()  # the new exports are in, the entry is not
    assert f"paper:{NEW_PAPER}" in (out / changes.PENDING).read_text()
    assert f"/paper/{NEW_PAPER}>" in (out / "llm4rec.nt").read_text()
    again = pipeline.build(real_catalog, out, changelog=changelog)
    assert again.up_to_date  # nothing to rebuild: the pending entry was moved all the same
    text = changelog.read_text()
    assert text.count("- Data (built by") == 1 and f"paper:{NEW_PAPER}" in text
    assert not (out / changes.PENDING).exists()
    # moved twice (the file could not be removed after the first move): one entry still
    (out / changes.PENDING).write_text(text.split("## Unreleased\n\n", 1)[1].split("\n")[0] + "\n")
    pipeline.build(real_catalog, out, changelog=changelog)
    assert changelog.read_text() == text
