"""The compiled SHACL validator against pySHACL: a corpus of broken graphs, each made from
the real graph by one kind of damage, on which both must report exactly the same results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from llm4rec_kg import pipeline
from llm4rec_kg.graph import constraints, shacl
from llm4rec_kg.graph.triples import Triple, Triples
from llm4rec_kg.graph.vocab import DCTERMS, FABIO, L4R, PROV, RDF, RDFS, SDO
from llm4rec_kg.resources import ontology_file

PAPER = URIRef("https://w3id.org/llm4rec/paper/arxiv-2305.00447")  # TALLRec
OTHER = URIRef("https://w3id.org/llm4rec/paper/arxiv-2303.14524")
VENUE = URIRef("https://w3id.org/llm4rec/venue/arxiv")
STAT_VALUE = RDF.value

Damage = Callable[[set[Triple]], None]


def _replace(s: URIRef, p: URIRef, value: Literal | URIRef) -> Damage:
    def damage(graph: set[Triple]) -> None:
        for triple in [t for t in graph if t[:2] == (s, p)]:
            graph.discard(triple)
        graph.add((s, p, value))

    return damage


def _drop(s: URIRef, p: URIRef) -> Damage:
    def damage(graph: set[Triple]) -> None:
        for triple in [t for t in graph if t[:2] == (s, p)]:
            graph.discard(triple)

    return damage


def _add(s: URIRef, p: URIRef, value: Literal | URIRef) -> Damage:
    return lambda graph: graph.add((s, p, value))


def _first_statistic(graph: set[Triple]) -> URIRef:
    return min((s for s, p, o in graph if p == RDF.type and o == L4R.DatasetStatistic), key=str)  # type: ignore[return-value]


def _statistic_value(value: Literal) -> Damage:
    def damage(graph: set[Triple]) -> None:
        _replace(_first_statistic(graph), STAT_VALUE, value)(graph)

    return damage


def _first(graph: set[Triple], cls: URIRef) -> URIRef:
    return min((s for s, p, o in graph if p == RDF.type and o == cls), key=str)  # type: ignore[return-value]


def _conflict_kind(value: str) -> Damage:
    def damage(graph: set[Triple]) -> None:
        _replace(_first(graph, L4R.DataConflict), L4R.conflictKind, Literal(value))(graph)

    return damage


def _both(graph: set[Triple], first: Damage, second: Damage) -> None:
    first(graph)
    second(graph)


CORPUS: dict[str, Damage] = {
    # A paper the lists name only by its short name has no title; an empty one is wrong.
    "empty title (minLength)": _replace(PAPER, DCTERMS.title, Literal("")),
    "two titles (maxCount)": _add(PAPER, DCTERMS.title, Literal("A second title")),
    "title as a number (datatype)": _replace(PAPER, DCTERMS.title, Literal(7)),
    "title with a language tag (datatype)": _replace(PAPER, DCTERMS.title, Literal("T", lang="en")),
    "empty label (minLength)": _replace(PAPER, RDFS.label, Literal("")),
    "year 1800 (minInclusive)": _replace(PAPER, DCTERMS.issued, Literal(1800)),
    "year 2200 (maxInclusive)": _replace(PAPER, DCTERMS.issued, Literal(2200)),
    "year as text (datatype, range)": _replace(PAPER, DCTERMS.issued, Literal("2023")),
    "versioned arXiv id (pattern)": _replace(PAPER, FABIO.hasArXivId, Literal("2305.00447v2")),
    "url as a literal (nodeKind, pattern)": _replace(PAPER, SDO.url, Literal("https://x.org")),
    "url not http (pattern)": _replace(PAPER, SDO.url, URIRef("ftp://example.org/paper")),
    "model that is a venue (class)": _add(PAPER, L4R.usesModel, VENUE),
    "two venues (maxCount)": _add(PAPER, L4R.publishedIn, URIRef(str(VENUE) + "-2")),
    "source that is neither row nor curation (or)": _replace(PAPER, PROV.wasDerivedFrom, OTHER),
    "not a scholarly article (node class)": lambda g: g.discard(
        (PAPER, RDF.type, SDO.ScholarlyArticle)
    ),
    "statistic as text (or)": _statistic_value(Literal("many")),
    "negative statistic (minInclusive)": _statistic_value(Literal(-3)),
    "unknown conflict kind (in)": _conflict_kind("something-else"),
    "two papers broken at once": lambda g: _both(
        g, _drop(PAPER, DCTERMS.title), _drop(OTHER, PROV.wasDerivedFrom)
    ),
}


@pytest.fixture(scope="module")
def real_triples(real_build: pipeline.BuildResult) -> frozenset[Triple]:
    assert real_build.graph is not None
    return frozenset(real_build.graph)


def _compiled(graph: Triples) -> set[constraints.Result]:
    shapes = constraints.compiled(ontology_file("shapes.ttl"))
    return {v.result for v in constraints.validate(graph, shapes)}


def test_both_validators_pass_the_real_graph(real_triples: frozenset[Triple]) -> None:
    graph = Triples(real_triples)
    assert _compiled(graph) == shacl.pyshacl_results(graph) == set()


@pytest.mark.parametrize("damage", CORPUS.values(), ids=CORPUS.keys())
def test_both_validators_report_the_same_results(
    real_triples: frozenset[Triple], damage: Damage
) -> None:
    broken = set(real_triples)
    damage(broken)
    graph = Triples(broken)
    ours = _compiled(graph)
    assert ours, "the damage must break a shape"
    assert ours == shacl.pyshacl_results(graph)


def test_a_subclass_stated_in_the_data_satisfies_a_class_constraint(
    real_triples: frozenset[Triple],
) -> None:
    special = URIRef("https://example.org/SpecialModel")
    model = URIRef("https://example.org/model/m")
    broken = set(real_triples) | {
        (special, RDFS.subClassOf, L4R.LanguageModel),
        (model, RDF.type, special),
        (PAPER, L4R.usesModel, model),
    }
    graph = Triples(broken)
    ours = _compiled(graph)
    assert ours == shacl.pyshacl_results(graph)
    # The paper's model satisfies sh:class, and the model, now an instance of
    # l4r:LanguageModel, is a target of that class's shapes (it lacks a label).
    assert {r.focus for r in ours} == {str(model)}
    assert ("http://www.w3.org/2000/01/rdf-schema#label", "MinCountConstraintComponent") in {
        (r.path, r.component) for r in ours
    }


def test_shapes_using_unimplemented_shacl_are_refused(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;\n"
        "  sh:property [ sh:path <urn:p> ; sh:qualifiedMinCount 1 ] .\n"
    )
    with pytest.raises(constraints.ShapesError, match="qualifiedMinCount"):
        constraints.compiled(shapes)


def test_a_violation_names_the_catalog_entry_and_the_shape_message(
    real_triples: frozenset[Triple],
) -> None:
    broken = set(real_triples)
    _replace(PAPER, FABIO.hasArXivId, Literal("2305.00447v2"))(broken)
    where = {PAPER: ("papers", "arxiv-2305.00447")}
    (problem,) = shacl.validate_graph(Triples(broken), where)
    assert (problem.entry, problem.field) == ("arxiv-2305.00447", "fabio:hasArXivId")
    assert "without a version" in problem.message and "2305.00447v2" in problem.message
