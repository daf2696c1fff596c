"""Entities resolved from the small list's rows: aliases, new names, the model table,
datasets; and re-syncing the real catalog from its vendored lists changes nothing."""

from __future__ import annotations

from pathlib import Path

import yaml

from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.catalog.sync import sync


def test_cells_resolve_through_curated_aliases(small_catalog: Path) -> None:
    papers = load_catalog(small_catalog).get("papers")
    assert papers["arxiv-2301.00002"]["models"] == ["gpt-4", "llama"]
    assert papers["arxiv-2302.00003"]["models"] == ["llama-2"]
    assert papers["arxiv-2302.00004"]["models"] == ["chatglm-6b"]
    assert papers["arxiv-2302.00004"]["model_sizes"] == {"chatglm-6b": 6_000_000_000}
    assert papers["arxiv-2301.00002"]["venue"] == "recsys"  # listed as "Recsys"
    doi = papers["doi-10.1145-1234567.7654321"]
    assert doi["doi"] == "10.1145/1234567.7654321"
    assert doi["link"] == "https://doi.org/10.1145/1234567.7654321"


def test_unknown_model_names_become_new_entries(small_catalog: Path) -> None:
    models = yaml.safe_load((small_catalog / "models.yaml").read_text())
    assert models["blip-2"] == {"label": "BLIP-2"}


def test_the_model_table_fills_the_curated_model(small_catalog: Path) -> None:
    model = load_catalog(small_catalog).get("models")["chatglm-6b"]
    assert model["maker"] == {"name": "THUDM", "url": "https://github.com/THUDM"}
    assert model["single_gpu"] is True and model["year"] == 2023
    assert model["aliases"] == ["ChatGLM"]
    assert [p["section"] for p in model["provenance"]] == ["single-card-models"]


def test_datasets_get_concepts_statistics_and_landing_page(small_catalog: Path) -> None:
    toy = load_catalog(small_catalog).get("datasets")["toydata"]
    assert toy["domains"] == ["movie", "book"] and toy["tasks"] == ["seq-rec", "cf-rec"]
    assert {s["measure"]: s["value"] for s in toy["statistics"]} == {
        "ratings": 1_500_000,
        "users": 2000,
        "items": 300,
    }
    assert toy["landing_page"] == "https://example.org/toy"


def test_resync_is_idempotent_and_keeps_comments(small_catalog: Path) -> None:
    before = {p.name: p.read_text() for p in small_catalog.rglob("*.yaml")}
    report = sync(small_catalog)
    assert report.files == [] and not report.added and not report.changed
    after = {p.name: p.read_text() for p in small_catalog.rglob("*.yaml")}
    assert after == before
    assert "# spelled without the hyphen in some rows" in after["models.yaml"]


def test_a_changed_row_is_reported_field_by_field(small_catalog: Path) -> None:
    source = small_catalog.parent / "sources" / "test-list-2024-01-01.md"
    source.write_text(
        source.read_text().replace(
            "| Delta | [Delta: Small Models](https://arxiv.org/abs/2302.00004) | RecSys | 2023 |",
            "| Delta | [Delta: Small Models](https://arxiv.org/abs/2302.00004) | RecSys | 2022 |",
        )
    )
    report = sync(small_catalog)
    assert report.changed == {"arxiv-2302.00004": [("year", 2023, 2022)]}
    assert report.files == ["rows/test-list-abc1234.yaml"]


def test_the_small_catalog_resolves(small_catalog: Path) -> None:
    catalog = load_catalog(small_catalog)
    assert len(catalog.get("papers")) == 6
    assert len(catalog.rows) == 10


def test_resyncing_the_real_catalog_from_its_vendored_lists_changes_nothing(
    real_catalog: Path,
) -> None:
    """The committed catalog is exactly what its lists give plus its curation: a re-read
    of every vendored snapshot reproduces every file byte for byte."""
    before = {
        str(p.relative_to(real_catalog)): p.read_bytes() for p in real_catalog.rglob("*.yaml")
    }
    report = sync(real_catalog)
    in_files = {
        stem: len(yaml.safe_load(text)["rows"])
        for name, text in before.items()
        if name.startswith("rows/") and (stem := Path(name).stem)
    }
    assert report.snapshots == in_files and len(in_files) >= 11  # ten lists, WLiK twice
    assert report.files == [] and not report.added and not report.changed
    after = {str(p.relative_to(real_catalog)): p.read_bytes() for p in real_catalog.rglob("*.yaml")}
    assert after == before


def test_corrections_change_the_corrected_papers_and_leave_the_loaded_catalog_alone() -> None:
    import copy

    from conftest import REAL_CATALOG
    from llm4rec_kg.catalog import corrections, load_catalog

    loaded = load_catalog(REAL_CATALOG)
    before = copy.deepcopy(loaded.get("papers"))
    corrected = corrections.apply(loaded).get("papers")
    assert loaded.get("papers") == before
    changed = {key for key in before if corrected[key] != before[key]}
    targets = {
        loaded.canonical("papers", c["entity"])
        for c in loaded.get("corrections").values()
        if not c.get("row")
    }
    assert changed and changed <= targets
    unchanged = next(key for key in before if key not in targets)
    assert corrected[unchanged] is loaded.get("papers")[unchanged]  # shared, not copied


def test_the_defects_the_any_list_issue_found_are_gone_from_the_real_catalog() -> None:
    from conftest import REAL_CATALOG
    from llm4rec_kg.catalog import corrections

    catalog = corrections.apply(load_catalog(REAL_CATALOG))
    papers = catalog.get("papers")
    # XRec's row ("[[paper]](XRec: …)") is the arXiv paper; the key it had redirects.
    assert catalog.canonical("papers", "xrec-large-language-models-for-explainable") == (
        "arxiv-2406.02377"
    )
    assert papers["arxiv-2406.02377"]["code"] == "https://github.com/hkuds/xrec"
    # CHIANGEL's "[[Link(https://arxiv.org/abs/2504.16454)" gives its id.
    assert "chiangel" in papers["arxiv-2504.16454"]["listed_in"]
    # POD, VQ-Rec and KP4SR: a correction of one list's claim leaves the others' venues.
    for key in (
        "doi-10.1145-3583780.3615017",
        "doi-10.1145-3543507.3583434",
        "doi-10.1145-3581783.3612252",
    ):
        assert papers[key]["venue"] is not None, key
    # No paper is labelled with a model's name.
    models = {
        m.casefold()
        for e in catalog.get("models").values()
        for m in [e["label"], *(e.get("aliases") or [])]
    }
    assert not [k for k, p in papers.items() if (p.get("short_name") or "").casefold() in models]
    # The bold survey line that is no bullet (nancheng58 line 204) is read.
    rows = [r for r in catalog.rows if r.snapshot.id == "nancheng58-4c838dd" and r.line == 204]
    assert rows and rows[0].kind == "survey" and rows[0].entity == "arxiv-2302.03735"
