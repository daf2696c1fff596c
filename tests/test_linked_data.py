"""The graph says no more than its sources: an OWL-RL closure of the ontology and every
export infers nothing absurd, the quality report is a SHACL report by SHACL's own rules,
and the model roles the named queries rely on are the ones the rows state."""

from __future__ import annotations

import functools

import owlrl
import pyshacl
import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.collection import Collection

from conftest import ROOT
from llm4rec_kg import pipeline
from llm4rec_kg.graph.vocab import L4R, SH

EXPORTS = ("llm4rec.ttl", "void.ttl", "quality.ttl")
ONTOLOGY = ROOT / "ontology" / "llm4rec.ttl"
ROLE = "https://w3id.org/llm4rec/concept/role/"


def _exports(build: pipeline.BuildResult) -> Graph:
    out = build.files[0].parent
    graph = Graph()
    for name in EXPORTS:
        graph.parse(out / name)
    return graph


@pytest.fixture(scope="session")
def closure(real_build: pipeline.BuildResult) -> Graph:
    graph = _exports(real_build).parse(ONTOLOGY)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return graph


def _disjoint_groups() -> list[list[URIRef]]:
    onto = Graph().parse(ONTOLOGY)
    return [
        [URIRef(str(m)) for m in Collection(onto, onto.value(group, OWL.members))]
        for group in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]


def test_owl_rl_finds_no_inconsistency(closure: Graph) -> None:
    errors = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    assert [str(m) for m in closure.objects(None, errors)] == []


def test_no_individual_is_inferred_into_two_disjoint_classes(closure: Graph) -> None:
    groups = _disjoint_groups()
    assert len(groups) >= 3
    clashes = []
    for subject in set(closure.subjects(RDF.type, None)):
        types = set(closure.objects(subject, RDF.type))
        clashes += [(subject, sorted(types & set(g))) for g in groups if len(types & set(g)) > 1]
    assert clashes == []


def test_no_quality_finding_is_inferred_to_be_a_row_or_a_conflict(closure: Graph) -> None:
    findings = set(closure.subjects(RDF.type, SH.ValidationResult))
    assert len(findings) > 10
    for finding in findings:
        types = set(closure.objects(finding, RDF.type))
        assert not types & {L4R.SourceRow, L4R.DataConflict, L4R.Correction}, finding


def test_papers_are_not_inferred_to_be_venues_nor_publishers_venues(closure: Graph) -> None:
    publishers = set(closure.subjects(RDF.type, L4R.Publisher))
    assert publishers and not publishers & set(closure.subjects(RDF.type, L4R.Venue))
    papers = set(closure.subjects(RDF.type, L4R.Paper))
    assert not papers & set(closure.subjects(RDF.type, L4R.Venue))


@functools.cache
def _report_shapes() -> Graph:
    return Graph().parse(ROOT / "ontology" / "report-shapes.ttl")


def test_quality_report_passes_the_shacl_report_rules(real_build: pipeline.BuildResult) -> None:
    report = Graph().parse(real_build.files[0].parent / "quality.ttl").parse(ONTOLOGY)
    conforms, _, text = pyshacl.validate(
        report, shacl_graph=_report_shapes(), inference="rdfs", advanced=True
    )
    assert conforms, text
    root = URIRef("https://w3id.org/llm4rec/quality")
    results = set(report.objects(root, SH.result))
    assert results and report.value(root, SH.conforms).toPython() is False


def test_report_rules_catch_a_report_that_claims_to_conform() -> None:
    """The shapes can fail: a report with a result that says it conforms is refused."""
    broken = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:r> a sh:ValidationReport ; sh:conforms true ; sh:result <urn:x> .
        <urn:x> a sh:ValidationResult ; sh:focusNode <urn:f> ; sh:resultMessage "m" ;
            sh:resultSeverity sh:Warning .
        """,
        format="turtle",
    )
    conforms, graph, _ = pyshacl.validate(broken, shacl_graph=_report_shapes(), advanced=True)
    assert not conforms
    failed = {str(o) for o in graph.objects(None, SH.sourceConstraintComponent)}
    assert str(SH.MinCountConstraintComponent) in failed  # no source constraint component
    assert str(SH.SPARQLConstraintComponent) in failed  # conforms although it has a result


def test_every_shape_a_finding_names_is_defined(real_build: pipeline.BuildResult) -> None:
    report = Graph().parse(real_build.files[0].parent / "quality.ttl")
    onto = Graph().parse(ONTOLOGY)
    for shape in set(report.objects(None, SH.sourceShape)):
        assert (shape, RDF.type, SH.NodeShape) in report, shape
    for component in set(report.objects(None, SH.sourceConstraintComponent)):
        assert (component, RDF.type, SH.ConstraintComponent) in onto, component
    used = set(report.predicates()) & {L4R.line, L4R.resolution, L4R.rowIndex, L4R.section}
    assert used == set()  # no terms whose domain is a source row or a conflict


def _roles(graph: Graph, paper: str) -> dict[str, set[str]]:
    uses = graph.objects(URIRef(f"https://w3id.org/llm4rec/paper/{paper}"), L4R.modelUse)
    return {
        str(graph.value(u, L4R.model)).rsplit("/", 1)[-1]: {
            str(r).removeprefix(ROLE) for r in graph.objects(u, L4R.role)
        }
        for u in uses
    }


def test_roles_are_what_the_rows_say(
    real_build: pipeline.BuildResult, real_validated: pipeline.Validated
) -> None:
    graph = real_build.graph.rdflib()
    papers = real_validated.catalog.get("papers")
    for key, paper in papers.items():
        roles = _roles(graph, key)
        assert set(roles) == set(paper.get("models") or []), key
        sections = {p["section"] for p in paper["provenance"]}
        if sections == {"no-tuning"} and not paper.get("tuning"):
            assert all(r == {"frozen"} for r in roles.values()), key
        for model, found in roles.items():
            assert found == {"unspecified"} or "unspecified" not in found, (key, model)
    once = _roles(graph, "arxiv-2305.06566")  # ONCE: fine-tuning rows name two models
    assert once["chatgpt"] == {"frozen"} and "fine-tuned" not in once["llama"]


def test_fine_tuned_with_code_does_not_claim_chatgpt_was_fine_tuned(
    real_build: pipeline.BuildResult,
) -> None:
    out = real_build.files[0].parent
    asked = pipeline.query(
        pipeline.QueryRequest(
            name="fine-tuned-with-code", params={"llm": "ChatGPT"}, data=out / "llm4rec.nt"
        )
    )
    named = {row["paper"].value for row in asked.rows}
    assert "ONCE" not in named
    llama = pipeline.query(
        pipeline.QueryRequest(
            name="fine-tuned-with-code", params={"llm": "LLaMA"}, data=out / "llm4rec.nt"
        )
    )
    assert "TALLRec" in {row["paper"].value for row in llama.rows}


def test_pyshacl_passes_ontology_and_every_export_with_both_shape_files(
    real_build: pipeline.BuildResult,
) -> None:
    """The data shapes and the report shapes together, over the ontology and all three RDF
    exports, with pySHACL also checking the shapes themselves against SHACL's shapes for
    shapes (meta-SHACL), the rule shapes the report defines included."""
    data = _exports(real_build).parse(ONTOLOGY)
    shapes = (
        Graph()
        .parse(ROOT / "ontology" / "shapes.ttl")
        .parse(ROOT / "ontology" / "report-shapes.ttl")
    )
    conforms, _, text = pyshacl.validate(
        data, shacl_graph=shapes, meta_shacl=True, advanced=True, allow_warnings=False
    )
    assert conforms, text[:3000]
    rule_shapes = Graph().parse(real_build.files[0].parent / "quality.ttl")
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=rule_shapes, meta_shacl=True)
    assert conforms, text[:3000]
