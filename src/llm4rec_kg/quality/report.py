"""The published quality report: lint findings on the catalog as JSON and as a SHACL-style
validation report in Turtle (sh:ValidationResult per finding, with its resolution)."""

from __future__ import annotations

import json
from urllib.parse import quote

from rdflib import Literal, URIRef

from llm4rec_kg.graph.triples import Triple
from llm4rec_kg.graph.vocab import L4R, RDF, RDFS, SH, XSD, Minter
from llm4rec_kg.publish.exports import turtle
from llm4rec_kg.quality.lint import Report

SEVERITY = {"error": SH.Violation, "warning": SH.Warning, "info": SH.Info}
KINDS = {"papers": "paper", "datasets": "dataset", "models": "model"}


def to_json(report: Report) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def to_turtle(report: Report, entities: dict[str, str], base: str) -> str:
    """``entities`` maps catalog keys to their collection, to mint each focus node."""
    mint = Minter(base)
    graph: set[Triple] = set()
    root = URIRef(f"{mint.base}quality")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.open_errors == 0)))
    graph.add((root, RDFS.label, Literal("LLM4Rec catalog quality report")))
    for index, finding in enumerate(report.findings, start=1):
        node = URIRef(f"{mint.base}quality/finding/{index:04d}")
        collection = entities.get(finding.entity or "")
        focus = (
            mint(KINDS[collection], finding.entity)
            if collection and finding.entity
            else URIRef(f"{mint.base}quality/entry/{quote(finding.where, safe='')}")
        )
        for p, o in (
            (RDF.type, SH.ValidationResult),
            (SH.focusNode, focus),
            (SH.resultSeverity, SEVERITY[finding.severity]),
            (SH.resultMessage, Literal(finding.message)),
            (SH.sourceShape, URIRef(f"{mint.base}quality/rule/{finding.rule}")),
            (L4R.rule, Literal(finding.rule)),
            (L4R.fixHint, Literal(finding.hint)),
            (L4R.status, Literal(finding.status)),
            (L4R.line, Literal(finding.line or 0, datatype=XSD.integer)),
        ):
            graph.add((node, p, o))
        if finding.resolution:
            graph.add((node, L4R.resolution, Literal(finding.resolution)))
        graph.add((root, SH.result, node))
    return turtle(graph, mint.base)
