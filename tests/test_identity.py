"""Identity that holds across lists: a link that is another paper's record is kept apart,
title-only rows match near-identical titles and wait for a curator when unsure, a model's
name is no paper's name, corrections decide only the claims they name; and the gate that
refuses a broken reading, the snapshot files that never overwrite each other, and the
replay of a list's git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import register
from llm4rec_kg.catalog import identity, load_catalog
from llm4rec_kg.catalog.history import sync_history
from llm4rec_kg.catalog.sync import NewSnapshot, sync
from llm4rec_kg.errors import InvalidDataError, UsageError
from llm4rec_kg.quality import lint


def _list(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(catalog: Path, snapshot: str) -> dict[str, dict]:  # type: ignore[type-arg]
    data = yaml.safe_load((catalog / "rows" / f"{snapshot}.yaml").read_text())
    return data["rows"]


TWO_PAPERS = (
    "- [Ranking with Language Models Today](https://arxiv.org/abs/2401.00101)\n"
    "- [Other Paper About Things Here](https://arxiv.org/abs/2401.00102)\n- [q](#q)\n"
)


def _two_lists(tmp_path: Path, first: str, second: str) -> Path:
    """A synced catalog of two lists that give one paper, with these venues (the first
    list is the newer)."""
    head = "| Name | Paper | Venue | Year |\n| --- | --- | --- | --- |\n"
    a = _list(tmp_path, "a.md", head + _kp_row(first))
    b = _list(tmp_path, "b.md", head + _kp_row(second))
    lists = {"a": [("aaaaaaa", "2024-01-02", a)], "b": [("bbbbbbb", "2024-01-01", b)]}
    catalog = register(tmp_path / "p", lists)
    sync(catalog)
    return catalog


def _kp_row(venue: str) -> str:
    return (
        "| KP | [Knowledge Prompting for Sequences](https://arxiv.org/abs/2308.08459) "
        f"| {venue} | 2023 |\n"
    )


P5 = "Recommendation as Language Processing: A Unified Pretrain, Personalized Prompt Paradigm"
PEPLER = "Personalized Prompt Learning for Explainable Recommendation Systems"


def test_a_link_to_another_papers_record_is_kept_apart(tmp_path: Path) -> None:
    # Two lists link each paper to its own record; a third links P5 to PEPLER's record.
    a = _list(
        tmp_path,
        "a.md",
        f"- [{P5}](https://arxiv.org/abs/2203.13366), RecSys 2022\n"
        f"- [{PEPLER}](https://arxiv.org/abs/2202.07371), TOIS 2023\n- [x](#x)\n",
    )
    b = _list(
        tmp_path,
        "b.md",
        f"- [{P5}](https://arxiv.org/pdf/2203.13366)\n"
        f"- [{PEPLER}](https://arxiv.org/pdf/2202.07371)\n- [y](#y)\n",
    )
    c = _list(
        tmp_path,
        "c.md",
        "| Name | Paper | Code |\n| --- | --- | --- |\n"
        f"| P5 | [{P5}](https://arxiv.org/abs/2202.07371) | [code](https://github.com/o/p5) |\n"
        f"| PEPLER | [{PEPLER}](https://arxiv.org/abs/2202.07371) | N/A |\n",
    )
    catalog = register(
        tmp_path / "p",
        {
            "a": [("aaaaaaa", "2024-01-01", a)],
            "b": [("bbbbbbb", "2024-01-02", b)],
            "c": [("ccccccc", "2024-01-03", c)],
        },
    )
    sync(catalog)
    rows = _rows(catalog, "c-ccccccc")
    p5_row = next(r for r in rows.values() if r["listed"].get("name") == "P5")
    assert p5_row["entity"] == "arxiv-2203.13366"  # P5's own paper, found by its title
    assert p5_row["other_record"] == "arxiv-2202.07371"
    assert any("record of another paper" in i for i in p5_row["issues"])
    papers = load_catalog(catalog).get("papers")
    # PEPLER did not get P5's code link, and keeps its one title.
    assert "https://github.com/o/p5" not in (papers["arxiv-2202.07371"].get("code_all") or [])
    assert papers["arxiv-2202.07371"]["title"] == PEPLER
    assert papers["arxiv-2203.13366"]["code"] == "https://github.com/o/p5"
    assert not lint.lint_catalog(load_catalog(catalog)).open_errors


def test_an_arxiv_record_renamed_between_versions_is_one_paper() -> None:
    # A title with no other home is the record's earlier title, not another paper's.
    owners = identity.vote_rows(
        [
            (
                "a",
                "https://arxiv.org/abs/2305.06566",
                "ONCE: Boosting Content-based Recommendation",
            ),
            (
                "b",
                "https://arxiv.org/abs/2305.06566",
                "ONCE: Boosting Content-based Recommendation",
            ),
            (
                "c",
                "https://arxiv.org/abs/2305.06566",
                "A First Look at LLM-Powered News Recommendation",
            ),
        ]
    )
    assert (
        owners.names_another("arxiv-2305.06566", "A First Look at LLM-Powered News Recommendation")
        is None
    )


def test_near_identical_titles_match_and_close_ones_wait_for_a_curator(tmp_path: Path) -> None:
    known = "Actions Speak Louder than Words: Trillion-Parameter Sequential Transducers"
    a = _list(
        tmp_path,
        "a.md",
        f"- [{known}](https://arxiv.org/abs/2402.17152)\n"
        "- [Another Paper About Ranking Items](https://arxiv.org/abs/2402.00001)\n- [z](#z)\n",
    )
    b = _list(
        tmp_path,
        "b.md",
        # A typo (near-identical), a close variant (uncertain), and a new paper, among
        # linked entries (a paper list).
        "1. Actions Speak Louder thanWords: Trillion-Parameter Sequential Transducers\n"
        "2. Actions Speak Louder than Words: Billion-Parameter Sequential Transformers\n"
        "3. A Completely Different Study of Music Recommendation Methods\n"
        "4. [Linked One About Ranking Models](https://arxiv.org/abs/2402.00011)\n"
        "5. [Linked Two About Ranking Models](https://arxiv.org/abs/2402.00012)\n"
        "6. [Linked Three About Ranking Models](https://arxiv.org/abs/2402.00013)\n",
    )
    lists = {"a": [("aaaaaaa", "2024-01-01", a)], "b": [("bbbbbbb", "2024-01-02", b)]}
    catalog = register(tmp_path / "p", lists)
    sync(catalog)
    rows = list(_rows(catalog, "b-bbbbbbb").values())
    assert rows[0]["entity"] == "arxiv-2402.17152"
    assert any("near-identical title" in i for i in rows[0]["issues"])
    assert rows[1]["entity"] is None and rows[1]["candidates"] == ["arxiv-2402.17152"]
    assert rows[2]["entity"] not in (None, "arxiv-2402.17152")
    loaded = load_catalog(catalog)
    report = lint.lint_catalog(loaded)
    waiting = [f for f in report.findings if f.rule == "uncertain-match"]
    assert len(waiting) == 1 and waiting[0].status == "open" and report.open_errors == 1
    # The curator decides; the next sync follows the decision.
    (catalog / "matches.yaml").write_text(
        "billion-parameter:\n"
        "  title: 'Actions Speak Louder than Words: Billion-Parameter Sequential Transformers'\n"
        "  distinct_from: arxiv-2402.17152\n"
        "  reason: Another model size and architecture; a different paper.\n"
    )
    sync(catalog)
    decided = list(_rows(catalog, "b-bbbbbbb").values())[1]
    assert decided["entity"] not in (None, "arxiv-2402.17152")
    assert not lint.lint_catalog(load_catalog(catalog)).open_errors


def test_the_thresholds_are_the_documented_ones() -> None:
    assert identity.UNCERTAIN < identity.NEAR_SAME
    assert identity.similarity("A Study of X and Y", "a study of x, and y!") == 1.0
    near = identity.nearest(
        "Large Language Models for Sequential Recommendatio",
        {"large language models for sequential recommendation": "k"},
    )
    assert near is not None and near.score >= identity.NEAR_SAME


def test_a_models_name_is_not_a_papers_short_name(tmp_path: Path) -> None:
    text = (
        "| Name | Paper | LLM |\n| --- | --- | --- |\n"
        "| ChatGPT | [Is ChatGPT a Good Recommender for Everyone]"
        "(https://arxiv.org/abs/2304.10149) | ChatGPT |\n"
    )
    catalog = register(
        tmp_path / "p", {"l": [("aaaaaaa", "2024-01-01", _list(tmp_path, "l.md", text))]}
    )
    sync(catalog)
    paper = load_catalog(catalog).get("papers")["arxiv-2304.10149"]
    assert paper["short_name"] is None and paper["models"] == ["chatgpt"]


def test_a_correction_decides_only_the_claims_it_names(tmp_path: Path) -> None:
    catalog = _two_lists(tmp_path, "ACM", "WWW")
    (catalog / "corrections.yaml").write_text(
        "kp-venue:\n  entity: arxiv-2308.08459\n  field: venue\n  listed: ACM\n"
        "  corrected: null\n  reason: ACM is the publisher.\n  source: https://doi.org/10.1/x\n"
    )
    loaded = load_catalog(catalog)
    # The other list's claim still counts; the conflict says so and the graph agrees.
    assert loaded.get("papers")["arxiv-2308.08459"]["venue"] == "www"
    conflict = loaded.get("conflicts")["arxiv-2308.08459-venue"]
    assert conflict["decided"] == "www" and conflict["decided_by"] == "correction"
    assert not [f for f in lint.lint_catalog(loaded).findings if f.rule == "conflict-decision"]


def test_lint_finds_a_conflict_whose_decision_the_graph_does_not_hold(tmp_path: Path) -> None:
    catalog = _two_lists(tmp_path, "SIGIR", "WWW")
    loaded = load_catalog(catalog)
    loaded.get("papers")["arxiv-2308.08459"]["venue"] = "www"  # not what the conflict decided
    found = [f for f in lint.lint_catalog(loaded).findings if f.rule == "conflict-decision"]
    assert found and "'sigir'" in found[0].message and found[0].severity == "error"


# --- the gate, snapshot files, a failed sync


JUNK = "".join(
    f"- [Paper {i}](https://scholar.google.com/scholar?q=p{i}) Zhang et al. | Ant{i} | RecSys |\n"
    for i in range(6)
)


def test_the_gate_refuses_a_broken_reading_and_writes_nothing(
    small_catalog: Path, tmp_path: Path
) -> None:
    before = {p: p.read_bytes() for p in small_catalog.rglob("*") if p.is_file()}
    # Titles that carry their authors, venues that are pieces of sentences.
    junk = _list(
        tmp_path,
        "junk.md",
        "| Title | Venue | Link |\n| --- | --- | --- |\n"
        + "".join(
            f"| A Study Number {i} of Ranking, Zhang et al. | the best of the venues for {i} "
            f"| [pdf](https://arxiv.org/abs/2402.0010{i}) |\n"
            for i in range(6)
        ),
    )
    new = NewSnapshot(
        "junk", junk, "1234567", "2024-02-01", title="Junk", repository="https://example.org/j"
    )
    with pytest.raises(InvalidDataError) as caught:
        sync(small_catalog, new=new)
    assert any("refused" in p.message for p in caught.value.problems)
    assert {p: p.read_bytes() for p in small_catalog.rglob("*") if p.is_file()} == before
    assert not list((small_catalog.parent / "sources").glob("junk-*"))
    # Accepted with a reason, it is registered, and the reason recorded.
    accepted = NewSnapshot(
        "junk",
        junk,
        "1234567",
        "2024-02-01",
        title="Junk",
        repository="https://example.org/j",
        accept="checked by hand",
    )
    report = sync(small_catalog, new=accepted)
    assert report.accepted
    sources = yaml.safe_load((small_catalog / "sources.yaml").read_text())
    assert sources["junk"]["snapshots"]["junk-1234567"]["accepted"].startswith("checked by hand")


def test_two_commits_of_one_day_are_two_files(small_catalog: Path, tmp_path: Path) -> None:
    first = _list(
        tmp_path,
        "v1.md",
        TWO_PAPERS,
    )
    second = _list(
        tmp_path,
        "v2.md",
        first.read_text() + "- [A Third Paper On Recommenders](https://arxiv.org/abs/2401.00103)\n",
    )
    for commit, path in (("aaaaaaa1", first), ("bbbbbbb2", second)):
        sync(
            small_catalog,
            new=NewSnapshot(
                "day", path, commit, "2024-03-01", title="Day", repository="https://example.org/d"
            ),
        )
    files = sorted(p.name for p in (small_catalog.parent / "sources").glob("day-*"))
    assert files == ["day-2024-03-01-aaaaaaa.md", "day-2024-03-01-bbbbbbb.md"]
    assert len(_rows(small_catalog, "day-aaaaaaa")) == 2  # not rewritten by the second
    assert len(_rows(small_catalog, "day-bbbbbbb")) == 3


def test_a_failed_write_leaves_no_vendored_file(
    small_catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llm4rec_kg.catalog import transaction

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(transaction, "write", fail)
    path = _list(
        tmp_path,
        "v.md",
        TWO_PAPERS,
    )
    with pytest.raises(OSError):
        sync(
            small_catalog,
            new=NewSnapshot(
                "full",
                path,
                "ccccccc",
                "2024-03-01",
                title="Full",
                repository="https://example.org/f",
            ),
        )
    assert not list((small_catalog.parent / "sources").glob("full-*"))


# --- a list's git history


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "GIT_COMMITTER_DATE": "2024-04-01T12:00:00",
            "PATH": "/usr/bin:/bin",
        },
    )


def test_a_lists_history_replays_in_order_and_again_changes_nothing(
    small_catalog: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "upstream"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    entries = [
        "- [Ranking with Language Models Today](https://arxiv.org/abs/2401.00101)\n",
        "- [Other Paper About Things Here](https://arxiv.org/abs/2401.00102)\n",
        "- [A Third Paper On Recommenders](https://arxiv.org/abs/2401.00103)\n",
    ]
    for n in range(1, 4):  # three versions, two of them on one day
        (repo / "README.md").write_text("# L\n\n" + "".join(entries[:n]) + "- [t](#t)\n")
        (repo / "other.txt").write_text(str(n))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"v{n}")
    (repo / "other.txt").write_text("not the list")  # a commit that leaves the list alone
    _git(repo, "commit", "-qam", "unrelated")
    reports = sync_history(
        small_catalog,
        "hist",
        f"file://{repo}",
        "README.md",
        title="Hist",
        repository="https://example.org/h",
    )
    assert len(reports) == 3
    sources = yaml.safe_load((small_catalog / "sources.yaml").read_text())["hist"]["snapshots"]
    assert len(sources) == 3 and len({s["file"] for s in sources.values()}) == 3
    before = {p: p.read_bytes() for p in small_catalog.rglob("*") if p.is_file()}
    assert sync_history(small_catalog, "hist", str(repo), "README.md") == []
    assert {p: p.read_bytes() for p in small_catalog.rglob("*") if p.is_file()} == before
    papers = load_catalog(small_catalog).get("papers")
    assert {"arxiv-2401.00101", "arxiv-2401.00102", "arxiv-2401.00103"} <= set(papers)


def test_a_history_of_a_new_list_needs_its_title(small_catalog: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--title and --repository"):
        sync_history(small_catalog, "nope", str(tmp_path), "README.md")


def test_a_conflict_a_newer_list_settles_keeps_its_iri_as_a_redirect(tmp_path: Path) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS

    from llm4rec_kg import pipeline

    catalog = _two_lists(tmp_path, "SIGIR", "WWW")
    head = "| Name | Paper | Venue | Year |\n| --- | --- | --- | --- |\n"
    pipeline.build(catalog, tmp_path / "out", record_iris=True)
    ledger = (catalog / "published-iris.txt").read_text().splitlines()
    assert "conflict/arxiv-2308.08459-venue" in ledger
    claims = [path for path in ledger if path.startswith("source/") and path.endswith("/venue")]
    assert len(claims) == 2  # one claim node for each list's row
    # The list that said WWW now says SIGIR: the rows agree, the conflict is moot.
    (catalog.parent / "sources" / "b-2024-01-01.md").write_text(head + _kp_row("SIGIR"))
    sync(catalog)
    pipeline.build(catalog, tmp_path / "out", record_iris=True)  # no IRI is lost
    graph = Graph().parse(tmp_path / "out" / "llm4rec.nt", format="nt")
    base = "https://w3id.org/llm4rec/"
    moot = URIRef(base + "conflict/arxiv-2308.08459-venue")
    assert graph.value(moot, DCTERMS.isReplacedBy) == URIRef(base + "paper/arxiv-2308.08459")
    # and the claims it compared point at the rows that made them
    for path in claims:
        row = URIRef(base + path.removesuffix("/venue"))
        assert graph.value(URIRef(base + path), DCTERMS.isReplacedBy) == row
        assert (row, None, None) in graph


def test_sync_reads_a_list_by_the_mapping_declared_in_sources_yaml(tmp_path: Path) -> None:
    odd = Path(__file__).parent / "fixtures" / "declared" / "odd-columns.md"
    catalog = register(tmp_path / "p", {"odd": [("ddddddd", "2024-05-01", odd)]})
    with pytest.raises(InvalidDataError, match="read"):
        sync(catalog)
    sources = catalog / "sources.yaml"
    sources.write_text(
        sources.read_text().replace(
            "  reader: markdown\n",
            "  reader: markdown\n"
            "  columns: {Which: title, Where: link, When: year, Who presented: ignore}\n"
            "  skip_sections: [Snacks]\n",
        )
    )
    report = sync(catalog)
    assert report.snapshots == {"odd-ddddddd": 2}
    titles = {p["title"] for p in load_catalog(catalog).get("papers").values()}
    assert "Ranking Items with Language Models" in titles
    assert not any("Coffee" in t for t in titles)


def test_lint_finds_a_committed_name_that_is_a_sentence_fragment(small_catalog: Path) -> None:
    venues = small_catalog / "venues.yaml"
    venues.write_text(venues.read_text() + "antonela-recsys:\n  label: 'Antonela | RecSys |'\n")
    found = [f for f in lint.lint_catalog(load_catalog(small_catalog)).findings]
    (hit,) = [f for f in found if f.rule == "name-fragment"]
    assert hit.severity == "error" and "Antonela" in hit.message


def test_a_key_minted_from_any_identifier_is_never_re_keyed(tmp_path: Path) -> None:
    title = "Aligning Recommenders with Human Preferences via Feedback"
    a = _list(tmp_path, "a.md", f"- [{title}](https://aclanthology.org/2024.findings-acl.7.pdf)\n")
    b = _list(tmp_path, "b.md", f"- [{title}](https://arxiv.org/abs/2402.00077)\n")
    catalog = register(tmp_path / "p", {"a": [("aaaaaaa", "2024-01-01", a)]})
    sync(catalog)
    assert set(load_catalog(catalog).get("papers")) == {"acl-2024.findings-acl.7"}
    report = sync(
        catalog,
        new=NewSnapshot(
            "b", b, "bbbbbbb", "2024-02-01", title="B", repository="https://example.org/b"
        ),
    )
    assert report.rekeyed == []  # an ACL Anthology key is as stable as an arXiv one
    paper = load_catalog(catalog).get("papers")["acl-2024.findings-acl.7"]
    assert paper["arxiv"] == "2402.00077"
