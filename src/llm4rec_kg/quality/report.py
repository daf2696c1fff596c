"""The published quality report: lint findings on the catalog as JSON, and as a SHACL
validation report in Turtle that a SHACL-aware consumer can read as one.

The report follows the SHACL rules for reports (sh:conforms is false when there is any
result; every result has a focus node, a severity and a source constraint component), and
the shapes it names are defined in it: one per lint rule, each declaring the ontology's
lint-rule constraint component. What SHACL has no term for (the file and line, the fix, how
a finding was settled) uses ontology terms made for results, never the source-row ones.
"""

from __future__ import annotations

import json
import re

from rdflib import Literal, URIRef

from llm4rec_kg.graph.triples import Triple
from llm4rec_kg.graph.vocab import L4R, RDF, RDFS, SH, XSD, Minter
from llm4rec_kg.publish.exports import turtle
from llm4rec_kg.quality.lint import RULE_DESCRIPTIONS, Finding, Report

SEVERITY = {"error": SH.Violation, "warning": SH.Warning, "info": SH.Info}
KINDS = {"papers": "paper", "datasets": "dataset", "models": "model"}


def to_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def report_iri(base: str) -> str:
    return f"{base}quality"


def rule_iri(base: str, rule: str) -> URIRef:
    return URIRef(f"{base}quality/rule/{rule}")


def to_turtle(report: Report, entities: dict[str, str], base: str) -> str:
    """``entities`` maps catalog keys to their collection, to mint each focus node."""
    mint = Minter(base)
    graph: set[Triple] = set()
    root = URIRef(report_iri(mint.base))
    graph.update(
        {
            (root, RDF.type, SH.ValidationReport),
            (root, SH.conforms, Literal(not report.findings)),
            (root, RDFS.label, Literal("LLM4Rec catalog quality report", lang="en")),
        }
    )
    for rule in sorted({f.rule for f in report.findings}):
        graph.update(_rule_shape(mint.base, rule))
    for index, finding in enumerate(report.findings, start=1):
        node = URIRef(f"{mint.base}quality/finding/{index:04d}")
        graph.add((root, SH.result, node))
        graph.update(_result(node, finding, _focus(mint, finding, entities, graph), mint.base))
    return turtle(graph, mint.base)


def _rule_shape(base: str, rule: str) -> set[Triple]:
    shape = rule_iri(base, rule)
    triples: set[Triple] = {
        (shape, RDF.type, SH.NodeShape),
        (shape, RDFS.label, Literal(rule)),
        (shape, L4R.rule, Literal(rule)),
        (shape, RDFS.isDefinedBy, URIRef(report_iri(base))),
    }
    if rule in RULE_DESCRIPTIONS:
        triples.add((shape, RDFS.comment, Literal(RULE_DESCRIPTIONS[rule], lang="en")))
    return triples


def _focus(mint: Minter, finding: Finding, entities: dict[str, str], graph: set[Triple]) -> URIRef:
    """The entity a finding is about, or, for a finding on no entity, a node for the place
    it was found, described in the report so that its IRI resolves."""
    collection = entities.get(finding.entity or "")
    if collection and finding.entity:
        return mint(KINDS[collection], finding.entity)
    # A path segment that any static host serves: no %-escapes, no slashes.
    slug = re.sub(r"[^a-z0-9]+", "-", finding.where.lower()).strip("-")
    place = URIRef(f"{mint.base}quality/entry/{slug}")
    graph.add((place, RDFS.label, Literal(finding.where)))
    return place


def _result(node: URIRef, finding: Finding, focus: URIRef, base: str) -> set[Triple]:
    triples: set[Triple] = {
        (node, RDF.type, SH.ValidationResult),
        (node, SH.focusNode, focus),
        (node, SH.resultSeverity, SEVERITY[finding.severity]),
        (node, SH.resultMessage, Literal(finding.message, lang="en")),
        (node, SH.sourceShape, rule_iri(base, finding.rule)),
        (node, SH.sourceConstraintComponent, L4R.LintRuleConstraintComponent),
        (node, L4R.rule, Literal(finding.rule)),
        (node, L4R.fixHint, Literal(finding.hint, lang="en")),
        (node, L4R.status, Literal(finding.status)),
        (node, L4R.inFile, Literal(finding.file)),
    }
    if finding.line:
        triples.add((node, L4R.atLine, Literal(finding.line, datatype=XSD.integer)))
    if finding.resolution:
        triples.add((node, L4R.outcome, Literal(finding.resolution, lang="en")))
    return triples
