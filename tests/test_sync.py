"""Sync: several snapshots of a list replayed in order (papers added, delisted, re-keyed)
with stable IRIs, nothing lost and no churn; identity across rows; nothing written when a
sync fails."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from conftest import LISTS, SMALL_LIST, Snapshot, register
from llm4rec_kg import pipeline
from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.catalog.sync import NewSnapshot, sync
from llm4rec_kg.errors import InvalidDataError, UsageError
from llm4rec_kg.quality import lint

BASE = "https://w3id.org/llm4rec/"
L4R = "https://w3id.org/llm4rec/ontology#"
MakeCatalog = Callable[[Mapping[str, Sequence[Snapshot]]], Path]


def _subjects(nt: Path) -> set[str]:
    found = (re.match(r"<([^>]+)>", line) for line in nt.read_text().splitlines())
    return {m.group(1) for m in found if m and m.group(1).startswith(BASE)}


def _files(catalog: Path) -> dict[str, bytes]:
    return {str(p.relative_to(catalog)): p.read_bytes() for p in sorted(catalog.rglob("*.yaml"))}


def _build(catalog: Path, out: Path) -> Graph:
    pipeline.build(catalog, out, record_iris=True)
    return Graph().parse(out / "llm4rec.nt", format="nt")


def test_snapshots_replayed_in_order_keep_iris_lose_nothing_and_do_not_churn(
    tmp_path: Path,
) -> None:
    catalog = register(
        tmp_path / "p", {"evo": [("aaaaaaa", "2024-01-01", LISTS / "evolving-v1.md")]}
    )
    first = sync(catalog)
    assert "arxiv-2301.00001" in first.added and "namedonly" in first.added
    v1 = _build(catalog, tmp_path / "e1")

    second = sync(
        catalog, new=NewSnapshot("evo", LISTS / "evolving-v2.md", "bbbbbbb", "2024-06-01")
    )
    assert set(second.added) == {"arxiv-2302.00006", "arxiv-2302.00007"}
    assert second.delisted == [("arxiv-2301.00003", "evo-bbbbbbb")]
    assert second.rekeyed == [("namedonly", "arxiv-2302.00002")]
    alpha = dict((f, (a, b)) for f, a, b in second.changed["arxiv-2301.00001"])
    assert alpha["venue"] == ("arxiv", "www") and alpha["year"] == (2023, 2024)
    v2 = _build(catalog, tmp_path / "e2")

    # Every IRI of the first export still resolves: as itself, or as a redirect.
    assert _subjects(tmp_path / "e1" / "llm4rec.nt") <= _subjects(tmp_path / "e2" / "llm4rec.nt")
    assert (
        URIRef(BASE + "paper/namedonly"),
        DCTERMS.isReplacedBy,
        URIRef(BASE + "paper/arxiv-2302.00002"),
    ) in v2
    gone = URIRef(BASE + "paper/arxiv-2301.00003")
    assert (gone, URIRef(L4R + "delistedIn"), URIRef(BASE + "source/evo-bbbbbbb")) in v2
    assert (gone, DCTERMS.title, None) in v2  # delisted, never deleted
    # Rows of the first snapshot stay, as its claims.
    assert (URIRef(BASE + "source/evo-aaaaaaa/no-tuning/3"), None, None) in v2
    # Two rows with one key never overwrite each other: both LLMRec rows are claims.
    llmrec = load_catalog(catalog).get("papers")["arxiv-2301.00005"]
    assert [(p["source"], p["listed"]["year"]) for p in llmrec["provenance"]] == [
        ("evo-aaaaaaa", "2023"),
        ("evo-aaaaaaa", "2024"),
        ("evo-bbbbbbb", "2024"),
    ]
    # Different papers that share a short name stay apart.
    papers = load_catalog(catalog).get("papers")
    assert papers["arxiv-2301.00004"]["title"] != papers["arxiv-2302.00007"]["title"]

    # The same snapshot again changes nothing.
    before = _files(catalog)
    again = sync(catalog)
    assert again.files == [] and _files(catalog) == before

    # A third snapshot that adds one paper touches only what it lists.
    third = sync(catalog, new=NewSnapshot("evo", LISTS / "evolving-v3.md", "ccccccc", "2024-12-01"))
    assert third.added == ["arxiv-2303.00008"] and not third.changed and not third.delisted
    assert _files(catalog)["rows/evo-aaaaaaa.yaml"] == before["rows/evo-aaaaaaa.yaml"]
    assert _files(catalog)["rows/evo-bbbbbbb.yaml"] == before["rows/evo-bbbbbbb.yaml"]
    v3 = _build(catalog, tmp_path / "e3")
    # What the new snapshot removes is only about what it lists: the list's current
    # snapshot, and the wording of conflicts on papers it gives (they cite every claim).
    listed = {
        f"{BASE}conflict/{row['entity']}-"
        for row in yaml.safe_load((catalog / "rows" / "evo-ccccccc.yaml").read_text())[
            "rows"
        ].values()
    }
    for s, p, _ in set(v2) - set(v3):
        assert (s == URIRef(BASE + "source/evo") and str(p) == L4R + "currentSnapshot") or any(
            str(s).startswith(prefix) for prefix in listed
        ), (s, p)
    untouched = URIRef(BASE + "paper/arxiv-2301.00003")  # not in the third snapshot
    assert set(v2.triples((untouched, None, None))) == set(v3.triples((untouched, None, None)))
    assert _subjects(tmp_path / "e2" / "llm4rec.nt") <= _subjects(tmp_path / "e3" / "llm4rec.nt")
    assert v1 is not None


def test_rows_that_link_one_record_are_one_publication_with_alternative_titles(
    small_catalog: Path,
) -> None:
    papers = load_catalog(small_catalog).get("papers")
    shared = papers["arxiv-2301.00002"]  # Beta's and Gamma's rows link one arXiv record
    assert {shared["title"], *shared["alt_titles"]} == {
        "Beta: Same Link Other Paper",
        "Gamma: Tuning LLaMA",
    }
    conflicts = load_catalog(small_catalog).get("conflicts")
    assert conflicts["shared-link-arxiv-2301.00002"]["entities"] == ["arxiv-2301.00002"]


def test_published_venue_beats_arxiv_and_disagreements_are_conflicts(small_catalog: Path) -> None:
    catalog = load_catalog(small_catalog)
    alpha = catalog.get("papers")["arxiv-2301.00001"]
    assert (alpha["venue"], alpha["year"]) == ("wsdm", 2024)
    assert alpha["models"] == ["gpt-4", "vicuna", "chatgpt"]
    year = catalog.get("conflicts")["arxiv-2301.00001-year"]
    assert (year["decided_by"], year["status"]) == ("published-venue", "resolved")
    assert catalog.get("conflicts")["arxiv-2301.00001-duplicate-rows"]["status"] == "resolved"


def test_a_cell_of_two_models_with_sizes_is_two_models(make_catalog: MakeCatalog) -> None:
    catalog = make_catalog({"html": [("ddddddd", "2024-02-01", LISTS / "tables-html.md")]})
    loaded = load_catalog(catalog)
    gensam = loaded.get("papers")["arxiv-2401.00013"]
    assert gensam["models"] == ["llama", "qwen2-1-5"]
    assert gensam["model_sizes"] == {"llama": 7_000_000_000}
    assert gensam["tuning"] == ["lora"]
    assert loaded.get("models")["qwen2-1-5"]["label"] == "Qwen2-1.5"
    # "Avrxi" is a new venue, reported by sync for the curator; not guessed to be arXiv.
    assert loaded.get("papers")["arxiv-2401.00012"]["venue"] == "avrxi"


def test_new_names_are_reported_with_the_closest_known_name(seed_catalog: Path) -> None:
    register(seed_catalog.parent, {"html": [("ddddddd", "2024-02-01", LISTS / "tables-html.md")]})
    report = sync(seed_catalog)
    assert ("venue", "Avrxi", "arXiv") in report.new_names  # close to, not taken for, arXiv
    assert ("model", "Qwen2-1.5", None) in report.new_names
    assert ("venue", "Recsys", None) not in report.new_names  # an alias already knows it


def test_sync_touches_only_the_list_it_reads(make_catalog: MakeCatalog) -> None:
    catalog = make_catalog(
        {
            "html": [("ddddddd", "2024-02-01", LISTS / "tables-html.md")],
            "bullets": [("eeeeeee", "2024-03-01", LISTS / "bullets.md")],
        }
    )
    (catalog.parent / "sources" / "html-2024-02-01.md").write_text(
        (LISTS / "tables-html.md")
        .read_text()
        .replace("Generating Samples", "Generating Many Samples")
    )
    before = _files(catalog)
    report = sync(catalog, ["html"])
    after = _files(catalog)
    assert report.files == ["rows/html-ddddddd.yaml"]
    assert after["rows/bullets-eeeeeee.yaml"] == before["rows/bullets-eeeeeee.yaml"]
    # The paper is found by its arXiv id, so its key is kept although its title changed.
    assert "arxiv-2401.00013" in load_catalog(catalog).get("papers")


def test_curated_fields_comments_and_corrections_survive_a_sync(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text("# curated\narxiv-2303.00005:\n  title: A Survey of Things, Curated  # why\n")
    (small_catalog / "corrections.yaml").write_text(
        "alpha-venue:\n  entity: arxiv-2301.00001\n  field: venue\n  listed: arxiv\n"
        "  corrected: wsdm\n  reason: r\n  source: https://example.org/s\n"
    )
    register(
        small_catalog.parent,
        {
            "test-list": [
                ("abc1234", "2024-01-01", SMALL_LIST),
                ("fff0000", "2024-05-01", LISTS / "evolving-v1.md"),
            ]
        },
    )
    sync(small_catalog)
    text = papers.read_text()
    assert "# curated" in text and "A Survey of Things, Curated  # why" in text
    loaded = load_catalog(small_catalog)
    assert loaded.get("papers")["arxiv-2303.00005"]["title"] == "A Survey of Things, Curated"
    assert "alpha-venue" in loaded.get("corrections")


def test_a_correction_the_list_has_since_fixed_is_obsolete_not_blocking(tmp_path: Path) -> None:
    catalog = register(
        tmp_path / "p", {"evo": [("aaaaaaa", "2024-01-01", LISTS / "evolving-v1.md")]}
    )
    sync(catalog)
    (catalog / "corrections.yaml").write_text(
        "alpha-venue:\n  entity: arxiv-2301.00001\n  field: venue\n  listed: arxiv\n"
        "  corrected: wsdm\n  reason: r\n  source: https://example.org/s\n"
    )
    sync(catalog, new=NewSnapshot("evo", LISTS / "evolving-v2.md", "bbbbbbb", "2024-06-01"))
    findings = lint.lint_catalog(load_catalog(catalog)).findings
    (obsolete,) = [f for f in findings if f.rule == "obsolete-correction"]
    assert obsolete.where == "alpha-venue" and "WWW" in obsolete.message
    assert obsolete.severity == "info" and obsolete.entity == "arxiv-2301.00001"


def test_a_failed_sync_writes_nothing(small_catalog: Path) -> None:
    before = _files(small_catalog)
    sources = sorted(p.name for p in (small_catalog.parent / "sources").iterdir())
    with pytest.raises(InvalidDataError):
        sync(
            small_catalog,
            new=NewSnapshot("test-list", LISTS / "unknown-shape.md", "9999999", "2025-01-01"),
        )
    assert _files(small_catalog) == before
    assert sorted(p.name for p in (small_catalog.parent / "sources").iterdir()) == sources


def test_a_sync_that_would_break_the_catalog_writes_nothing(small_catalog: Path) -> None:
    (small_catalog / "papers.yaml").write_text("arxiv-2499.00001:\n  title: No Row Gives It\n")
    (small_catalog.parent / "sources" / "test-list-2024-01-01.md").write_text(
        SMALL_LIST.read_text().replace("Delta: Small Models", "Delta: Smaller Models")
    )
    before = _files(small_catalog)
    with pytest.raises(InvalidDataError) as caught:
        sync(small_catalog)
    assert any("name the curator, date and evidence" in str(p) for p in caught.value.problems)
    assert _files(small_catalog) == before


def test_a_dry_run_writes_nothing(seed_catalog: Path) -> None:
    before = _files(seed_catalog)
    report = sync(seed_catalog, dry_run=True)
    assert report.added and report.files
    assert _files(seed_catalog) == before
    from llm4rec_kg.catalog.sync import render

    # The IRIs that would enter the ledger are shown before any does.
    shown = render(report, seed_catalog)
    assert f"paper/{report.added[0]}" in shown and "enter the ledger" in shown
    assert "published-iris.txt" not in {Path(f).name for f in report.files}


def test_an_unknown_list_is_a_usage_error_with_a_suggestion(small_catalog: Path) -> None:
    with pytest.raises(UsageError, match="did you mean 'test-list'"):
        sync(small_catalog, ["test-lst"])


def test_sync_keeps_file_modes(small_catalog: Path) -> None:
    rows = small_catalog / "rows" / "test-list-abc1234.yaml"
    rows.chmod(0o644)
    (small_catalog.parent / "sources" / "test-list-2024-01-01.md").write_text(
        SMALL_LIST.read_text().replace("Delta: Small Models", "Delta: Smaller Models")
    )
    sync(small_catalog)
    assert rows.stat().st_mode & 0o777 == 0o644


def test_a_curated_paper_without_rows_needs_provenance(small_catalog: Path) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text(
        "arxiv-2499.00001:\n  type: paper\n  title: T\n  year: 2025\n  link: https://arxiv.org/abs/2499.00001\n"
    )
    with pytest.raises(InvalidDataError) as caught:
        load_catalog(small_catalog)
    assert any("name the curator, date and evidence" in str(p) for p in caught.value.problems)
    papers.write_text(
        papers.read_text()
        + "  provenance:\n    - curator: A. Curator\n      date: 2026-12-01\n"
        + "      evidence: https://arxiv.org/abs/2499.00001\n"
    )
    added = load_catalog(small_catalog).get("papers")["arxiv-2499.00001"]
    assert added["title"] == "T" and added["provenance"] == []
    assert (
        yaml.safe_load(papers.read_text())["arxiv-2499.00001"]["provenance"][0]["curator"]
        == "A. Curator"
    )


def test_adding_one_paper_changes_only_that_papers_triples(
    small_catalog: Path, tmp_path: Path
) -> None:
    pipeline.build(small_catalog, tmp_path / "before")
    (small_catalog / "papers.yaml").write_text(
        "arxiv-2499.00001:\n  type: paper\n  title: One More Paper\n  year: 2025\n"
        "  link: https://arxiv.org/abs/2499.00001\n  models: [vicuna]\n  provenance:\n"
        "    - curator: A. Curator\n      date: 2026-12-01\n"
        "      evidence: https://arxiv.org/abs/2499.00001\n"
    )
    pipeline.build(small_catalog, tmp_path / "after")
    before = set((tmp_path / "before" / "llm4rec.nt").read_text().splitlines())
    after = set((tmp_path / "after" / "llm4rec.nt").read_text().splitlines())
    assert before <= after  # nothing else changed
    added = after - before
    # The paper and what is its own (its curation node, its model use).
    assert added and all(line.startswith(f"<{BASE}paper/arxiv-2499.00001") for line in added)
    assert any(line.endswith(f"<{L4R}Curation> .") for line in added)


def test_links_that_are_no_web_addresses_are_kept_as_listed_but_never_iris(
    make_catalog: MakeCatalog, tmp_path: Path
) -> None:
    catalog = make_catalog({"bad": [("1111111", "2024-01-01", LISTS / "bad-links.md")]})
    rows = yaml.safe_load((catalog / "rows" / "bad-1111111.yaml").read_text())["rows"]
    assert any("not a web address" in i for row in rows.values() for i in row.get("issues", []))
    graph = _build(catalog, tmp_path / "out")  # builds: no invalid IRI reaches rdflib
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not any(" " in iri or iri.startswith("javascript:") for iri in iris)
    listed = {str(o) for o in graph.objects(None, URIRef(L4R + "listedCode"))}
    # The claim stays, as a literal (markdown-it itself refuses a javascript: link).
    assert any("javascript:alert(1)" in value for value in listed)


def test_a_sync_killed_at_any_moment_leaves_the_old_catalog_or_the_new_one(
    small_catalog: Path, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    project = small_catalog.parent
    pristine = tmp_path / "pristine"
    shutil.copytree(project, pristine)
    command = [
        sys.executable,
        "-m",
        "llm4rec_kg",
        "sync",
        "test-list",
        "--catalog",
        str(small_catalog),
        "--file",
        str(LISTS / "evolving-v1.md"),
        "--commit",
        "fff0000",
        "--date",
        "2024-05-01",
    ]
    old = _files(small_catalog)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    new = _files(small_catalog)
    assert old != new and "rows/test-list-fff0000.yaml" in new
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.2):
        shutil.rmtree(project)
        shutil.copytree(pristine, project)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        load_catalog(small_catalog)  # recovers: finishes or drops the interrupted write
        assert _files(small_catalog) in (old, new), f"a mixed catalog after a kill at {delay} s"
        assert not list(small_catalog.glob(".sync-*"))


def test_recovery_finishes_a_committed_write_and_drops_an_uncommitted_one(
    tmp_path: Path,
) -> None:
    from llm4rec_kg.catalog import transaction

    catalog = tmp_path / "catalog"
    (catalog / "rows").mkdir(parents=True)
    (catalog / "a.yaml").write_text("old a\n")
    (catalog / "rows" / "b.yaml").write_text("old b\n")
    # Killed after the commit point, with one of two renames done.
    committed = catalog / ".sync-1"
    (committed / "rows").mkdir(parents=True)
    (committed / "rows" / "b.yaml").write_text("new b\n")
    (committed / "COMMIT").write_text("a.yaml\nrows/b.yaml\n")
    (catalog / "a.yaml").write_text("new a\n")  # its rename had happened
    # Killed before its commit point.
    (catalog / ".sync-2").mkdir()
    (catalog / ".sync-2" / "a.yaml").write_text("never\n")
    transaction.recover(catalog)
    assert (catalog / "a.yaml").read_text() == "new a\n"
    assert (catalog / "rows" / "b.yaml").read_text() == "new b\n"
    assert not list(catalog.glob(".sync-*"))


def test_a_cell_of_five_thousand_brackets_is_read_synced_and_built(tmp_path: Path) -> None:
    deep = tmp_path / "deep.md"
    deep.write_text(
        "### No Tuning\n\n| Name | Paper | Venue | Year | Code | LLM |\n|--|--|--|--|--|--|\n"
        f"| {'[' * 5000} | [Deep](https://arxiv.org/abs/2401.00041) | arxiv | 2023 | N/A"
        " | GPT-4 |\n"
    )
    catalog = register(tmp_path / "p", {"deep": [("2222222", "2024-01-01", deep)]})
    sync(catalog)
    graph = _build(catalog, tmp_path / "out")
    names = {str(o) for o in graph.objects(None, URIRef(L4R + "shortName"))}
    assert names == {"[" * 5000}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real tmpfs of 2 MiB, mounted for the test (root only; CI runs as root)."""
    import os
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        from conftest import require

        require("LLM4REC_REQUIRE_TMPFS", f"a tmpfs mount ({done.stderr.decode().strip()})")
    try:
        yield mount
    finally:
        os.sync()
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize(("padding", "spare"), [(1_500_000, 400_000), (300_000, 312_000)])
def test_a_sync_on_a_full_disk_writes_nothing_and_says_why(
    small_disk: Path, padding: int, spare: int
) -> None:
    """The snapshot itself does not fit (1.5 MB), or it fits and the catalog's files then
    do not: either way the disk is left as it was, with a message and no traceback."""
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    project = small_disk / "project"
    project.mkdir()
    register(project, {"small": [("a1b2c3d", "2026-01-01", SMALL_LIST)]})
    first = CliRunner().invoke(main, ["sync", "--catalog", str(project / "catalog")])
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    # fill the disk to within a little of full
    free = shutil.disk_usage(small_disk).free
    (small_disk / "ballast").write_bytes(b"\0" * max(free - spare, 0))
    snapshot = small_disk.parent / "new.md"
    snapshot.write_text(
        SMALL_LIST.read_text(encoding="utf-8") + "\n<!-- " + "x" * padding + " -->\n"
    )
    result = CliRunner().invoke(
        main,
        [
            "sync",
            "small",
            "--catalog",
            str(project / "catalog"),
            "--file",
            str(snapshot),
            "--commit",
            "f00d123",
            "--date",
            "2026-12-02",
        ],
    )
    assert result.exit_code != 0, result.output
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert after == before  # no vendored file, no catalog file changed, no temporary left
