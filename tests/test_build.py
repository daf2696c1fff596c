"""The graph and its exports: round trips, SHACL, atomic writes, determinism, real counts."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import REAL_CATALOG
from llm4rec_kg import pipeline
from llm4rec_kg.errors import InvalidDataError, SourceError
from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.graph.vocab import DCTERMS, L4R, RDF, SDO

ROOT = Path(__file__).resolve().parent.parent


def test_turtle_and_ntriples_and_jsonld_parse_back_isomorphic(
    real_build: pipeline.BuildResult,
) -> None:
    graph = real_build.graph
    out = real_build.files[0].parent
    for name, fmt in (
        ("llm4rec.ttl", "turtle"),
        ("llm4rec.nt", "nt"),
        ("llm4rec.jsonld", "json-ld"),
    ):
        parsed = Graph().parse(out / name, format=fmt)
        assert len(parsed) == len(graph), name
        assert isomorphic(parsed, graph), name


def test_turtle_parses_in_pyoxigraph(real_build: pipeline.BuildResult) -> None:
    out = real_build.files[0].parent
    store = pyoxigraph.Store()
    store.load(path=str(out / "llm4rec.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == real_build.triples


def test_ntriples_lines_are_sorted_and_unique(real_build: pipeline.BuildResult) -> None:
    lines = (real_build.files[0].parent / "llm4rec.nt").read_text().splitlines()
    assert lines == sorted(set(lines))


def test_jsonld_uses_the_context(real_build: pipeline.BuildResult) -> None:
    import json

    data = json.loads((real_build.files[0].parent / "llm4rec.jsonld").read_text())
    assert data["@context"]["l4r"] == str(L4R)
    tallrec = next(
        n for n in data["@graph"] if n["@id"] == "https://w3id.org/llm4rec/paper/arxiv-2305.00447"
    )
    assert tallrec["year"] == 2023
    assert tallrec["usesModel"] == "https://w3id.org/llm4rec/model/llama"


def test_void_counts_match_the_graph(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    from rdflib import VOID

    void = Graph().parse(real_build.files[0].parent / "void.ttl")
    dataset = URIRef("https://w3id.org/llm4rec/")
    assert int(void.value(dataset, VOID.triples)) == real_build.triples
    partitions = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(dataset, VOID.classPartition)
    }
    papers = real_validated.catalog.get("papers").values()
    assert partitions[L4R.Paper] == sum(p["type"] == "paper" for p in papers) > 600
    assert partitions[L4R.LanguageModel] == len(real_validated.catalog.get("models"))
    assert len(list(void.objects(dataset, VOID.dataDump))) == 3


def test_real_catalog_has_every_source_row(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    from llm4rec_kg import stats

    figures = stats.compute(real_build.graph)
    # The 2023-12-08 snapshot, as the single-list catalog had it.
    assert {k: v for k, v in figures.source_rows.items() if k.startswith("wlik-c7c95ab ")} == {
        "wlik-c7c95ab no-tuning": 36,
        "wlik-c7c95ab supervised-fine-tuning": 38,
        "wlik-c7c95ab related-survey": 9,
        "wlik-c7c95ab related-tutorial": 2,
        "wlik-c7c95ab common-datasets": 9,
        # The survey its introduction links, read as the paragraph entry it is.
        "wlik-c7c95ab llm-for-recommendation-systems": 1,
        "wlik-c7c95ab single-card-debuggable-generative-language-models-that-support-chinese"
        "-corpus": 7,
    }
    per_snapshot: dict[str, int] = {}
    for key, count in figures.source_rows.items():
        snapshot = key.split(" ", 1)[0]
        per_snapshot[snapshot] = per_snapshot.get(snapshot, 0) + count
    # Every row of every rows file is in the graph (but rows waiting for a curator).
    in_files = {
        path.stem: sum(
            1 for row in yaml.safe_load(path.read_text())["rows"].values() if row.get("entity")
        )
        for path in (REAL_CATALOG / "rows").glob("*.yaml")
    }
    assert per_snapshot == in_files
    assert len(in_files) >= 10 and sum(in_files.values()) > 1500
    papers = real_validated.catalog.get("papers").values()
    assert figures.entities["l4r:Survey"] == sum(p["type"] == "survey" for p in papers)
    assert figures.entities["l4r:Tutorial"] == 2
    assert figures.entities["l4r:Dataset"] == len(real_validated.catalog.get("datasets"))
    assert sum(figures.lists_per_paper.values()) == sum(bool(p["listed_in"]) for p in papers) > 650


def test_every_entity_traces_to_a_source_row(real_build: pipeline.BuildResult) -> None:
    graph = real_build.graph
    rows = """
        PREFIX l4r: <https://w3id.org/llm4rec/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?e WHERE {
          VALUES ?class { l4r:Paper l4r:Survey l4r:Tutorial l4r:Dataset }
          ?e a ?class . FILTER NOT EXISTS { ?e prov:wasDerivedFrom/l4r:rowIndex ?i } }"""
    assert list(graph.rdflib().query(rows)) == []


def test_same_base_model_as_tallrec_with_aliases_merged(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    query = """
        PREFIX l4r: <https://w3id.org/llm4rec/ontology#>
        SELECT DISTINCT ?name WHERE {
          ?tallrec l4r:shortName "TALLRec" ; l4r:usesModel ?model .
          ?other l4r:usesModel ?model ; l4r:shortName ?name .
          FILTER (?other != ?tallrec) }
        ORDER BY ?name"""
    names = [str(r[0]) for r in real_build.graph.rdflib().query(query)]
    papers = real_validated.catalog.get("papers").values()
    (tallrec,) = [p for p in papers if p.get("short_name") == "TALLRec"]
    expected = {
        p["short_name"]
        for p in papers
        if p is not tallrec and p.get("short_name") and set(p["models"]) & set(tallrec["models"])
    }
    assert names == sorted(expected)
    # "LLaMA-7b", "LLaMa", "LLaMA (7B)" and "Llama" rows are all the one LLaMA model.
    assert {"BIGRec", "LLMCRS", "PALR", "RecInterpreter"} <= set(names)


def test_papers_per_venue_merges_spellings(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    query = """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX l4r: <https://w3id.org/llm4rec/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX schema: <https://schema.org/>
        SELECT ?venue (COUNT(?p) AS ?n) WHERE {
          ?p a schema:ScholarlyArticle ; l4r:publishedIn|dcterms:publisher ?v .
          ?v rdfs:label ?venue }
        GROUP BY ?venue"""
    counts = {str(r[0]): int(r[1]) for r in real_build.graph.rdflib().query(query)}
    assert "arxiv" not in counts and "Recsys" not in counts
    papers = real_validated.catalog.get("papers")
    venues = real_validated.catalog.get("venues")
    expected = Counter(venues[p["venue"]]["label"] for p in papers.values() if p.get("venue"))
    assert counts == expected
    listed = [r["listed"].get("venue") for p in papers.values() for r in p["provenance"]]
    assert listed.count("Recsys") == 4 and counts["RecSys"] > listed.count("RecSys")


def test_year_filters_work_in_rdflib_and_oxigraph(real_build: pipeline.BuildResult) -> None:
    query = (
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p dcterms:issued ?y FILTER(?y >= 2023) }"
    )
    in_rdflib = int(next(iter(real_build.graph.rdflib().query(query)))[0])
    store = pyoxigraph.Store()
    store.load(
        path=str(real_build.files[0].parent / "llm4rec.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    in_oxigraph = int(next(iter(store.query(query)))[0].value)
    assert in_rdflib == in_oxigraph > 70


def test_a_broken_entry_is_caught_where_it_is_written(real_catalog: Path) -> None:
    # The schema knows an arXiv id's form, and says where the bad one stands.
    papers = real_catalog / "papers.yaml"
    papers.write_text(papers.read_text() + "arxiv-2305.00447:\n  arxiv: 2305.00447v2\n")
    key_line = papers.read_text().splitlines().index("arxiv-2305.00447:") + 1
    with pytest.raises(InvalidDataError) as err:
        pipeline.validate(real_catalog)
    assert err.value.stage == "schema"
    (problem,) = err.value.problems
    assert (problem.file, problem.entry, problem.field, problem.line) == (
        str(papers),
        "arxiv-2305.00447",
        "arxiv",
        key_line + 1,
    )


def test_shacl_catches_a_broken_entry_and_locates_it(real_catalog: Path) -> None:
    # What the shapes find in the graph is placed on the catalog entry it came from.
    from llm4rec_kg.graph import builder, shacl
    from llm4rec_kg.graph.vocab import FABIO, Minter

    papers = real_catalog / "papers.yaml"
    papers.write_text(papers.read_text() + "arxiv-2305.00447:\n  short_name: TALLRec\n")
    key_line = papers.read_text().splitlines().index("arxiv-2305.00447:") + 1
    validated = pipeline.validate(real_catalog)
    tallrec = URIRef("https://w3id.org/llm4rec/paper/arxiv-2305.00447")
    broken = {t for t in validated.graph if t[:2] != (tallrec, FABIO.hasArXivId)}
    broken.add((tallrec, FABIO.hasArXivId, Literal("2305.00447v2")))
    where = builder.subjects(validated.catalog, Minter(validated.base))
    (problem,) = shacl.validate_graph(Triples(broken), where, validated.catalog)
    assert (problem.file, problem.entry, problem.field, problem.line) == (
        str(papers),
        "arxiv-2305.00447",
        "fabio:hasArXivId",
        key_line,
    )


def test_shacl_checks_the_graph_itself(real_build: pipeline.BuildResult) -> None:
    from llm4rec_kg.graph import shacl

    tallrec = URIRef("https://w3id.org/llm4rec/paper/arxiv-2305.00447")
    broken = {t for t in real_build.graph if t[:2] != (tallrec, DCTERMS.title)}
    broken.add((tallrec, DCTERMS.title, Literal("")))  # a title, if any, is not empty
    broken.add((tallrec, L4R.usesModel, URIRef("https://w3id.org/llm4rec/venue/arxiv")))
    messages = sorted(p.field or "" for p in shacl.validate_graph(Triples(broken), {}))
    assert messages == ["dcterms:title", "l4r:usesModel"]


def test_failed_build_leaves_previous_exports(real_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(real_catalog, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    venues = real_catalog / "venues.yaml"
    venues.write_text(venues.read_text().replace("label: RecSys", "label: ''"))
    with pytest.raises(InvalidDataError):
        pipeline.build(real_catalog, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_failing_writer_leaves_previous_exports(tmp_path: Path) -> None:
    from llm4rec_kg.publish import exports

    exports.write_exports(tmp_path, {"a.txt": lambda _staging: "old"})

    def broken(_staging: Path) -> str:
        raise OSError("disk full")

    def broken_half_way(_staging: Path) -> Iterator[str]:
        yield "the first half of a large file\n"
        raise OSError("disk full")

    for failing in (broken, broken_half_way):
        with pytest.raises(Exception, match="disk full"):
            exports.write_exports(tmp_path, {"a.txt": lambda _staging: "new", "b.txt": failing})
        assert (tmp_path / "a.txt").read_text() == "old"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
        assert not list(tmp_path.parent.glob(f".{tmp_path.name}.staging-*"))


def test_a_writer_reads_what_an_earlier_one_staged(tmp_path: Path) -> None:
    from llm4rec_kg.publish import exports

    def pieces(staging: Path) -> Iterator[str]:
        yield from ("x", "y", "z")

    def after(staging: Path) -> str:
        return (staging / "a.txt").read_text()[::-1]

    exports.write_exports(tmp_path, {"a.txt": pieces, "b.txt": after})
    assert (tmp_path / "a.txt").read_text() == "xyz"
    assert (tmp_path / "b.txt").read_text() == "zyx"


def test_base_iri_is_configurable(real_catalog: Path) -> None:
    done = pipeline.validate(real_catalog, base="https://example.org/kg")
    tallrec = URIRef("https://example.org/kg/paper/arxiv-2305.00447")
    assert (tallrec, RDF.type, SDO.ScholarlyArticle) in done.graph
    assert (tallrec, DCTERMS.issued, Literal(2023)) in done.graph


def _build_in_process(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "llm4rec_kg", "build", "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    _build_in_process(tmp_path / "a", "1")
    _build_in_process(tmp_path / "b", "4242")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [
        ".build-inputs",  # the digest of the build's inputs: the same inputs, the same digest
        "llm4rec.html",
        "llm4rec.jsonld",
        "llm4rec.nt",
        "llm4rec.ttl",
        "papers.csl.json",
        "papers.csv",
        "papers.md",
        "quality.json",
        "quality.ttl",
        "void.ttl",
    ]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_committed_exports_are_fresh(real_build: pipeline.BuildResult) -> None:
    for path in real_build.files:
        assert path.read_bytes() == (ROOT / "exports" / path.name).read_bytes(), path.name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_build_killed_at_any_moment_leaves_the_old_set_or_the_new_one(
    small_catalog: Path, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    pipeline.build(small_catalog, out)
    old = _snapshot(out)
    (small_catalog / "papers.yaml").write_text("arxiv-2302.00004:\n  title: Delta, Retitled\n")
    command = [sys.executable, "-m", "llm4rec_kg", "build", "--catalog", str(small_catalog)]
    # As the command builds it (it records the IRI ledger, an input of the stamp, first).
    subprocess.run([*command, "--out", str(tmp_path / "expected")], check=True)
    new = _snapshot(tmp_path / "expected")
    assert old != new
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.2, 2.6):
        process = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = _snapshot(out)
        assert now in (old, new), f"a mixed set after a kill at {delay} s"
        if now == new:  # put the old set back, to try a later moment
            for name, data in old.items():
                (out / name).write_bytes(data)
    subprocess.run([*command, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    assert _snapshot(out) == new
    assert not list(tmp_path.glob(".out.staging-*"))  # a later build removes what kills left


def test_a_build_with_nothing_changed_is_a_no_op_that_says_so(
    small_catalog: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    out = tmp_path / "out"
    args = ["build", "--catalog", str(small_catalog), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and "triples in" in first.stdout
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = CliRunner().invoke(main, args)
    assert (
        again.stdout
        == f"{out} is up to date with {small_catalog}: nothing to do (--force rebuilds)\n"
    )
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert "triples in" in forced.stdout
    (small_catalog / "papers.yaml").write_text("arxiv-2302.00004:\n  title: Delta, Retitled\n")
    changed = CliRunner().invoke(main, args)
    assert "triples in" in changed.stdout
    assert "Delta, Retitled" in (out / "llm4rec.nt").read_text()


def test_query_reads_fresh_exports_instead_of_validating_again(
    small_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline.build(small_catalog, small_catalog.parent / "exports")
    request = pipeline.QueryRequest(
        sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", catalog_dir=small_catalog
    )
    expected = pipeline.query(request).rows[0]["n"].value

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("validated although the exports were fresh")

    monkeypatch.setattr(pipeline, "validate", refuse)
    assert pipeline.query(request).rows[0]["n"].value == expected
    (small_catalog / "papers.yaml").write_text("arxiv-2302.00004:\n  title: Changed\n")
    with pytest.raises(AssertionError, match="validated although"):
        pipeline.query(request)  # the catalog changed: the exports are no longer trusted


def test_exports_never_replace_a_directory_that_holds_folders(
    small_catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "project-root"
    (out / "keepme").mkdir(parents=True)
    (out / "keepme" / "file.txt").write_text("precious")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SourceError, match=r"it holds keepme/, which the swap"):
        pipeline.build(small_catalog, out)
    assert (out / "keepme" / "file.txt").read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["keepme", "notes.txt"]
    (out / "keepme" / "file.txt").unlink()
    (out / "keepme").rmdir()
    pipeline.build(small_catalog, out)  # plain files are kept beside the exports
    assert (out / "notes.txt").read_text() == "mine" and (out / "llm4rec.nt").exists()


def test_void_lets_a_harvester_fetch_and_check_every_dump(
    real_build: pipeline.BuildResult,
) -> None:
    import hashlib

    from rdflib import DCAT, VOID

    out = real_build.files[0].parent
    void = Graph().parse(out / "void.ttl")
    dataset = URIRef("https://w3id.org/llm4rec/")
    spdx = "http://spdx.org/rdf/terms#"
    names = set()
    for dist in void.objects(dataset, DCAT.distribution):
        name = str(void.value(dist, DCAT.downloadURL)).removeprefix(str(dataset))
        names.add(name)
        data = (out / name).read_bytes()
        assert int(void.value(dist, DCAT.byteSize)) == len(data), name
        checksum = void.value(dist, URIRef(spdx + "checksum"))
        assert str(void.value(checksum, URIRef(spdx + "checksumValue"))) == (
            hashlib.sha256(data).hexdigest()
        )
        media = void.value(dist, DCAT.mediaType)
        assert isinstance(media, URIRef) and str(media).startswith("https://www.iana.org/")
    assert names == {
        "llm4rec.ttl",
        "llm4rec.nt",
        "llm4rec.jsonld",
        "quality.ttl",
        "quality.json",
        "papers.csv",
        "papers.csl.json",
        "papers.md",
    }
    graph = real_build.graph
    for example in void.objects(dataset, VOID.exampleResource):
        assert graph.objects(example, None), example
    for prop in ("issued", "modified", "publisher", "license", "conformsTo"):
        assert void.value(dataset, URIRef("http://purl.org/dc/terms/" + prop)) is not None, prop
    assert void.value(dataset, VOID.sparqlEndpoint) is None  # none is public: none is named


def test_void_linksets_count_the_links_out(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    from rdflib import VOID

    void = Graph().parse(real_build.files[0].parent / "void.ttl")
    graph = real_build.graph.rdflib()
    linksets = list(void.subjects(URIRef(str(RDF) + "type"), VOID.Linkset))
    assert len(linksets) >= 5
    for linkset in linksets:
        predicate = void.value(linkset, VOID.linkPredicate)
        space = str(void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace))
        found = [o for o in graph.objects(None, predicate) if str(o).startswith(space)]
        assert int(void.value(linkset, VOID.triples)) <= len(found)  # specific targets first
        assert found, linkset
    papers = real_validated.catalog.get("papers").values()
    arxiv = sum(1 for p in papers if p.get("arxiv"))
    datacite = list(graph.objects(None, URIRef("https://schema.org/sameAs")))
    assert sum(str(o).startswith("https://doi.org/10.48550/arXiv.") for o in datacite) == arxiv


def test_build_names_a_configured_sparql_endpoint(real_catalog: Path, tmp_path: Path) -> None:
    from rdflib import VOID

    endpoint = "https://example.org/llm4rec/sparql"
    pipeline.build(real_catalog, tmp_path / "out", sparql_endpoint=endpoint)
    void = Graph().parse(tmp_path / "out" / "void.ttl")
    assert void.value(URIRef("https://w3id.org/llm4rec/"), VOID.sparqlEndpoint) == URIRef(endpoint)
    # The endpoint is an input: the same build without it is not a no-op.
    again = pipeline.build(real_catalog, tmp_path / "out")
    assert not again.up_to_date


@pytest.mark.parametrize("size", [1, 7, 5000, 10**9])
def test_the_pages_data_is_the_turtle_export_cut_at_whole_subjects(
    real_build: pipeline.BuildResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, size: int
) -> None:
    """The page's chunks, cut from the Turtle export as it is written, are valid Turtle of
    whole subjects: at least ``size`` triples each (the last may hold fewer), no subject in
    two, and together the graph; one chunk is the export itself."""
    from llm4rec_kg.publish import exports, visual

    assert real_build.graph is not None
    graph = real_build.graph
    monkeypatch.setattr(visual, "CHUNK_TRIPLES", size)
    chunks = visual.TurtleChunks()
    turtle = tmp_path / "llm4rec.ttl"
    turtle.write_text("".join(chunks.note(exports.turtle_pieces(graph, real_build.base))))
    cut = list(chunks.read(turtle))
    assert cut == list(visual.rdf_chunks(graph, real_build.base))
    parsed = [set(pyoxigraph.parse(c.encode(), format=pyoxigraph.RdfFormat.TURTLE)) for c in cut]
    assert sum(map(len, parsed)) == len(graph)
    assert set().union(*parsed) == set(
        pyoxigraph.parse(path=str(turtle), format=pyoxigraph.RdfFormat.TURTLE)
    )
    subjects = [{t.subject for t in triples} for triples in parsed]
    assert all(not (a & b) for a, b in itertools.pairwise(subjects))
    assert all(len(triples) >= size for triples in parsed[:-1])
    if size >= len(graph):
        assert cut == [turtle.read_text()]


def test_the_pages_graph_data_is_what_tojson_writes() -> None:
    """The page's graph data is written a node at a time, as Jinja's tojson writes it whole."""
    from jinja2 import Environment

    from llm4rec_kg.publish import visual

    nodes = [{"id": "x</script>", "label": "Tom & Jerry's <b>", "n": i} for i in range(3)]
    for data in ({"nodes": nodes, "base": "é", "edges": [[0, 1, 0]]}, {"nodes": [], "a": None}):
        expected = Environment(autoescape=True).from_string("{{ data|tojson }}").render(data=data)
        assert "".join(visual._script_json(data, "nodes")) == expected
        assert "</script" not in expected


def test_an_iri_no_store_can_parse_is_refused_before_any_writer(small_catalog: Path) -> None:
    from llm4rec_kg.graph import iris

    paper = URIRef("https://w3id.org/llm4rec/paper/x")
    graph = Triples(
        [
            (paper, SDO.url, URIRef("https://doi.org/10.1145/{x}")),
            (paper, SDO.codeRepository, URIRef('https://github.com/a/b"c')),
            (paper, SDO.sameAs, URIRef("relative/path")),
            (paper, SDO.name, Literal("fine")),
        ]
    )
    where = {paper: ("papers", "x")}
    problems = iris.malformed(graph, where)
    assert [(p.entry, p.field) for p in problems] == [
        ("x", "schema:codeRepository"),
        ("x", "schema:sameAs"),
        ("x", "schema:url"),
    ]
    assert "'{'" in str(problems[2]) and "not an absolute IRI" in str(problems[1])
    # and each IRI the real build writes is one pyoxigraph accepts
    assert iris.malformed(pipeline.validate(small_catalog).graph, {}) == []
