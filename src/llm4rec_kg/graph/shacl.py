"""Stage 4: validate the built graph against ontology/shapes.ttl with pySHACL.

Each violation is traced back to the catalog entry its focus node was built from, so the
maintainer is pointed at a YAML line rather than an IRI.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from rdflib import Graph, URIRef
from rdflib.term import Node

from llm4rec_kg.catalog import Catalog, Location
from llm4rec_kg.errors import Problem
from llm4rec_kg.graph.vocab import PREFIXES, SH
from llm4rec_kg.resources import ontology_file

_LOCAL_NAMES = {v: k for k, v in PREFIXES.items()}


@cache
def shapes_graph() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def _short(node: Node | None) -> str:
    text = str(node)
    for iri, prefix in _LOCAL_NAMES.items():
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri) :]}"
    return text


def validate_graph(
    graph: Graph, where: Mapping[URIRef, tuple[str, str]], catalog: Catalog | None = None
) -> list[Problem]:
    """SHACL violations as problems located in the catalog where possible."""
    from pyshacl import validate  # heavy import, kept off the CLI's start-up path

    conforms, results, _text = validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    assert isinstance(results, Graph)
    problems = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        entry = where.get(focus) if isinstance(focus, URIRef) else None
        location = (catalog.locations.get(entry) if catalog and entry else None) or Location(
            "graph", None
        )
        text = f"{message}" + (f" (value: {value})" if value is not None else "")
        problems.append(
            Problem(
                location.file,
                location.line,
                entry[1] if entry else _short(focus),
                _short(path),
                f"SHACL: {text}",
            )
        )
    return sorted(set(problems))
