"""The importer on the small hand-made list: normalisation, merging, conflicts, re-import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import SHARED_SOURCE
from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.catalog.importer import ImportReport, SourceInfo, import_markdown
from llm4rec_kg.errors import InvalidDataError

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
Importer = Callable[[Path, Path], ImportReport]


def _papers(catalog: Path) -> dict:
    return yaml.safe_load((catalog / "papers.yaml").read_text())


def test_rows_are_read_per_section(seed_catalog: Path, import_into: Importer) -> None:
    report = import_into(FIXTURES / "small_list.md", seed_catalog)
    assert report.rows == {
        "no-tuning": 4,
        "supervised-fine-tuning": 3,
        "related-survey": 1,
        "common-datasets": 1,
        "single-card-models": 1,
    }
    assert report.diffs["papers"].added and not report.diffs["papers"].removed


def test_two_rows_of_one_paper_merge_and_keep_both_claims(small_catalog: Path) -> None:
    alpha = _papers(small_catalog)["arxiv-2301.00001"]
    assert alpha["models"] == ["gpt-4", "vicuna", "chatgpt"]
    assert alpha["code"] == "https://github.com/org/alpha"
    assert [p["row"] for p in alpha["provenance"]] == [1, 2]
    assert [p["listed"]["year"] for p in alpha["provenance"]] == ["2023", "2024"]
    assert alpha["year"] == 2023
    conflicts = yaml.safe_load((small_catalog / "conflicts.yaml").read_text())
    assert conflicts["arxiv-2301.00001-year"]["status"] == "open"
    assert conflicts["arxiv-2301.00001-venue"]["kind"] == "value-disagreement"
    assert conflicts["arxiv-2301.00001-duplicate-rows"]["status"] == "resolved"


def test_one_link_for_two_titles_keeps_two_papers_without_the_id(small_catalog: Path) -> None:
    papers = _papers(small_catalog)
    assert "arxiv-2301.00002" not in papers
    assert papers["beta"]["title"] == "Beta: Same Link Other Paper"
    assert papers["gamma"]["title"] == "Gamma: Tuning LLaMA"
    assert "arxiv" not in papers["beta"] and "arxiv" not in papers["gamma"]
    conflicts = yaml.safe_load((small_catalog / "conflicts.yaml").read_text())
    assert conflicts["shared-link-arxiv-2301.00002"]["entities"] == ["beta", "gamma"]


def test_shared_short_name_is_recorded(small_catalog: Path) -> None:
    conflicts = yaml.safe_load((small_catalog / "conflicts.yaml").read_text())
    assert conflicts["short-name-beta"]["entities"] == ["arxiv-2302.00003", "beta"]


def test_cells_resolve_through_curated_aliases(small_catalog: Path) -> None:
    papers = _papers(small_catalog)
    assert papers["gamma"]["models"] == ["llama"]
    assert papers["arxiv-2302.00003"]["models"] == ["llama-2"]
    assert papers["arxiv-2302.00004"]["models"] == ["chatglm-6b"]
    assert papers["beta"]["venue"] == "recsys"
    assert papers["doi-10.1145-1234567.7654321"]["doi"] == "10.1145/1234567.7654321"
    assert (
        papers["doi-10.1145-1234567.7654321"]["link"] == "https://doi.org/10.1145/1234567.7654321"
    )


def test_unknown_model_names_become_new_entries_with_a_note(
    small_catalog: Path, import_into: Importer
) -> None:
    models = yaml.safe_load((small_catalog / "models.yaml").read_text())
    assert models["blip-2"] == {"label": "BLIP-2", "aliases": ["BLIP-2"]}


def test_single_gpu_table_fills_the_curated_model(small_catalog: Path) -> None:
    model = yaml.safe_load((small_catalog / "models.yaml").read_text())["chatglm-6b"]
    assert model["maker"] == {"name": "THUDM", "url": "https://github.com/THUDM"}
    assert model["single_gpu"] is True and model["year"] == 2023
    assert model["aliases"] == ["ChatGLM"]


def test_datasets_get_concepts_statistics_and_landing_page(small_catalog: Path) -> None:
    toy = yaml.safe_load((small_catalog / "datasets.yaml").read_text())["toydata"]
    assert toy["domains"] == ["movie", "book"] and toy["tasks"] == ["seq-rec", "cf-rec"]
    assert {s["measure"]: s["value"] for s in toy["statistics"]} == {
        "ratings": 1_500_000,
        "users": 2000,
        "items": 300,
    }
    assert toy["landing_page"] == "https://example.org/toy"


def test_reimport_is_idempotent_and_keeps_comments(
    small_catalog: Path, import_into: Importer
) -> None:
    before = {p.name: p.read_text() for p in small_catalog.glob("*.yaml")}
    report = import_into(FIXTURES / "small_list.md", small_catalog)
    after = {p.name: p.read_text() for p in small_catalog.glob("*.yaml")}
    assert after == before
    assert all(not d.added and not d.changed and not d.removed for d in report.diffs.values())
    assert "# spelled without the hyphen in some rows" in after["models.yaml"]


def test_reimport_of_a_changed_list_reports_a_diff_and_keeps_curation(
    small_catalog: Path, import_into: Importer, tmp_path: Path
) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text(
        papers.read_text().replace(
            "arxiv-2302.00004:\n", "arxiv-2302.00004:\n  # checked by hand\n"
        )
    )
    changed = (FIXTURES / "small_list.md").read_text()
    changed = changed.replace(
        "| Delta | [Delta: Small Models](https://arxiv.org/abs/2302.00004) | RecSys | 2023 |",
        "| Delta | [Delta: Small Models](https://arxiv.org/abs/2302.00004) | RecSys | 2022 |",
    )
    changed = changed.replace(
        "| [A Survey of Things](https://arxiv.org/abs/2303.00005) | arxiv | 2023 |\n", ""
    )
    newer = tmp_path / "newer.md"
    newer.write_text(changed)
    report = import_into(newer, small_catalog)
    assert report.diffs["papers"].removed == ["arxiv-2303.00005"]
    assert report.diffs["papers"].changed == {"arxiv-2302.00004": ["year", "provenance"]}
    text = papers.read_text()
    assert "# checked by hand" in text
    assert _papers(small_catalog)["arxiv-2302.00004"]["year"] == 2022


def test_bad_year_is_an_error_naming_file_row_and_field(
    seed_catalog: Path, import_into: Importer, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text((FIXTURES / "heading_levels.md").read_text().replace("| 2023 |", "| 20x3 |"))
    with pytest.raises(InvalidDataError) as err:
        import_into(bad, seed_catalog)
    assert [str(p) for p in err.value.problems] == [
        f"{bad}:7: no-tuning[1].year: year must be four digits, not '20x3'"
    ]
    assert not (seed_catalog / "papers.yaml").exists()


def test_imported_catalog_validates(small_catalog: Path) -> None:
    catalog = load_catalog(small_catalog)
    assert len(catalog.get("papers")) == 7


@pytest.mark.skipif(not SHARED_SOURCE.exists(), reason="needs ../shared (present in CI)")
def test_shared_source_reimport_leaves_the_catalog_unchanged(real_catalog: Path) -> None:
    """Re-importing the list the catalog came from changes nothing: every curated field and
    comment survives, and the importer reproduces the imported fields exactly."""
    before = {p.name: p.read_bytes() for p in real_catalog.glob("*.yaml")}
    ((key, entry),) = yaml.safe_load((real_catalog / "sources.yaml").read_text()).items()
    source = SourceInfo(id=key, **entry)
    report = import_markdown(SHARED_SOURCE, real_catalog, source)
    assert report.rows["no-tuning"] == 36 and report.rows["supervised-fine-tuning"] == 38
    assert all(not d.added and not d.removed and not d.changed for d in report.diffs.values())
    assert {p.name: p.read_bytes() for p in real_catalog.glob("*.yaml")} == before
