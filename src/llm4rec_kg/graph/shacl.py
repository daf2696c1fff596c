"""Stage 4: validate the built graph against ontology/shapes.ttl.

The shapes run compiled (``constraints``); pySHACL, the reference implementation, gives the
same results and is what ``pyshacl_results`` runs for the oracle tests. Each violation is
traced back to the catalog entry its focus node was built from, so the maintainer is
pointed at a YAML line rather than an IRI.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, URIRef

from llm4rec_kg.catalog import Catalog, Location
from llm4rec_kg.errors import Problem
from llm4rec_kg.graph import constraints
from llm4rec_kg.graph.constraints import Result
from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.graph.vocab import SH
from llm4rec_kg.namespaces import compact
from llm4rec_kg.resources import ontology_file


def validate_graph(
    graph: Triples, where: Mapping[URIRef, tuple[str, str]], catalog: Catalog | None = None
) -> list[Problem]:
    """SHACL violations as problems located in the catalog where possible."""
    shapes = constraints.compiled(ontology_file("shapes.ttl"))
    problems = []
    for violation in constraints.validate(graph, shapes):
        result = violation.result
        entry = where.get(URIRef(result.focus))
        location = (catalog.locations.get(entry) if catalog and entry else None) or Location(
            "graph", None
        )
        value = "" if result.value is None else f" (value: {result.value})"
        problems.append(
            Problem(
                location.file,
                location.line,
                entry[1] if entry else compact(result.focus),
                compact(result.path) if result.path else None,
                f"SHACL: {violation.message}{value}",
            )
        )
    return sorted(set(problems))


def pyshacl_results(graph: Triples) -> set[Result]:
    """The violations pySHACL finds, in the compiled validator's terms: the oracle."""
    from pyshacl import validate  # heavy import, kept off the CLI's start-up path

    shapes = Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    _conforms, report, _text = validate(
        graph.rdflib(), shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    found = set()
    for node in report.subjects(SH.resultSeverity, SH.Violation):
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        component = str(report.value(node, SH.sourceConstraintComponent)).rsplit("#", 1)[1]
        found.add(
            Result(
                str(report.value(node, SH.focusNode)),
                None if path is None else str(path),
                component,
                None if value is None else str(value),
            )
        )
    return found
