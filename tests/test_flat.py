"""The flat exports say what the graph says: checked against the Turtle export read by
rdflib (not by the SPARQL that wrote them), and the awesome-list table read back by the
project's own list reader."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from llm4rec_kg import pipeline
from llm4rec_kg.graph.vocab import DCTERMS, L4R, RDF, RDFS, SDO
from llm4rec_kg.readers import read_snapshot

PUBLICATIONS = (L4R.Paper, L4R.Survey, L4R.Tutorial)


@pytest.fixture(scope="module")
def turtle(real_build: pipeline.BuildResult) -> Graph:
    return Graph().parse(real_build.files[0].parent / "llm4rec.ttl")


def _publications(graph: Graph) -> set[URIRef]:
    return {s for cls in PUBLICATIONS for s in graph.subjects(RDF.type, cls)}


def _label(graph: Graph, node: object) -> str:
    return str(graph.value(node, RDFS.label)) if node is not None else ""


def test_papers_csv_has_one_row_per_publication_as_the_graph_says(
    real_build: pipeline.BuildResult, turtle: Graph
) -> None:
    path = real_build.files[0].parent / "papers.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {URIRef(r["iri"]) for r in rows} == _publications(turtle)
    assert len(rows) == len(_publications(turtle)) > 600
    for row in rows:
        paper = URIRef(row["iri"])
        title = turtle.value(paper, DCTERMS.title)  # none for a paper known by name only
        assert row["title"] == (str(title) if title is not None else "")
        year = turtle.value(paper, DCTERMS.issued)
        assert row["year"] == (str(year) if year is not None else "")
        assert row["venue"] == (
            _label(turtle, turtle.value(paper, L4R.publishedIn))
            if turtle.value(paper, L4R.publishedIn)
            else ""
        )
        models = {_label(turtle, m) for m in turtle.objects(paper, L4R.usesModel)}
        listed = {re.sub(r" \([^)]*\)$", "", m) for m in row["models"].split("; ") if m}
        assert listed == models, paper
        families = {
            _label(turtle, f)
            for m in turtle.objects(paper, L4R.usesModel)
            for f in turtle.objects(m, L4R.family)
        }
        assert set(filter(None, row["families"].split("; "))) == families, paper
        code = {str(turtle.value(r, SDO.codeRepository)) for r in turtle.objects(paper, L4R.code)}
        code |= {str(link) for link in turtle.objects(paper, L4R.codeLink)}
        assert set(filter(None, row["code"].split("; "))) == code


def test_csl_json_is_citable_and_invents_no_author(
    real_build: pipeline.BuildResult, turtle: Graph
) -> None:
    items = json.loads((real_build.files[0].parent / "papers.csl.json").read_text())
    assert len(items) == len(_publications(turtle))
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert item["type"] in {"article", "article-journal", "paper-conference"}
        # A paper the lists give only by its short name has no title, and none is made up.
        assert (item.get("title") or item["title-short"]) and "author" not in item
        if "issued" in item:
            assert isinstance(item["issued"]["date-parts"][0][0], int)
    titled = {str(p).rsplit("/", 1)[-1] for p in turtle.subjects(DCTERMS.title, None)}
    assert {i["id"] for i in items if "title" in i} == titled & {i["id"] for i in items}
    tallrec = next(i for i in items if i["id"] == "arxiv-2305.00447")
    assert tallrec["DOI"] == "10.48550/arXiv.2305.00447" and tallrec["type"] == "paper-conference"


def test_awesome_list_table_reads_back_with_the_list_reader(
    real_build: pipeline.BuildResult, turtle: Graph
) -> None:
    path: Path = real_build.files[0].parent / "papers.md"
    reading = read_snapshot(path)
    assert reading.findings == []
    papers = _publications(turtle)
    assert len(reading.rows) == len(papers)
    # The Paper column shows the title, or the short name of a paper known only by it.
    shown = {
        p: str(turtle.value(p, DCTERMS.title) or turtle.value(p, L4R.shortName)) for p in papers
    }
    assert {row.listed["title"] for row in reading.rows} == set(shown.values())
    by_title = {title: p for p, title in shown.items()}
    for row in reading.rows:
        paper = by_title[row.listed["title"]]
        paradigm = turtle.value(paper, L4R.paradigm)
        if row.section in ("no-tuning", "supervised-fine-tuning"):
            assert str(paradigm).endswith(row.section)
        elif row.kind == "paper":
            assert paradigm is None
        url = turtle.value(paper, SDO.url)
        assert row.listed["link"] == str(url if url is not None else paper)


def test_the_build_reads_the_publications_the_flat_queries_define(
    real_build: pipeline.BuildResult,
) -> None:
    """The build reads the flat exports' publications from the graph's index; the SPARQL
    queries define them, and over the whole exported graph they must agree."""
    import pyoxigraph as ox

    from llm4rec_kg.publish import flat

    assert real_build.graph is not None
    store = ox.Store()
    store.bulk_load(
        path=str(real_build.files[0].parent / "llm4rec.nt"), format=ox.RdfFormat.N_TRIPLES
    )
    by_sparql = flat.publications(store)
    assert len(by_sparql) > 600
    assert flat.from_graph(real_build.graph) == by_sparql
    # Fields the paths must reach: some publication has each of them.
    assert all(
        any(getattr(p, name) for p in by_sparql)
        for name in ("venue", "venue_types", "paradigm", "uses", "families", "tuning", "code")
    )
