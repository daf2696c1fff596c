"""The ontology documents every term the graph uses, and the shapes cover every class."""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, Graph, URIRef

from llm4rec_kg import pipeline
from llm4rec_kg.graph.vocab import L4R, RDFS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = Graph().parse(ROOT / "ontology" / "llm4rec.ttl")
SHAPES = Graph().parse(ROOT / "ontology" / "shapes.ttl")
SH = "http://www.w3.org/ns/shacl#"


def test_ontology_metadata() -> None:
    onto = URIRef("https://w3id.org/llm4rec/ontology")
    for prop in (
        "http://purl.org/dc/terms/title",
        "http://purl.org/dc/terms/license",
        str(OWL.versionIRI),
        str(OWL.versionInfo),
        "http://purl.org/vocab/vann/preferredNamespacePrefix",
        "http://purl.org/vocab/vann/preferredNamespaceUri",
    ):
        assert ONTOLOGY.value(onto, URIRef(prop)) is not None, prop


def test_every_own_term_used_in_the_graph_is_documented(real_build: pipeline.BuildResult) -> None:
    graph = real_build.graph
    used = {
        t
        for t in set(graph.predicates())
        | set(graph.objects(None, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))
        if str(t).startswith(str(L4R))
    }
    assert len(used) > 40
    for term in used:
        for prop in (RDFS.label, RDFS.comment, RDFS.isDefinedBy):
            assert ONTOLOGY.value(term, prop) is not None, (term, prop)


def test_every_class_has_a_shape() -> None:
    classes = set(ONTOLOGY.subjects(URIRef(str(RDFS) + "isDefinedBy"), None)) & set(
        ONTOLOGY.subjects(None, OWL.Class)
    )
    targeted = set(SHAPES.objects(None, URIRef(SH + "targetClass")))
    assert classes - targeted <= {L4R.Publication}
