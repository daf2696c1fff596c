"""Why an answer is empty: a parameter that names nothing (with the nearest names), or a
remote endpoint whose default graph is empty while named graphs hold data."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from llm4rec_kg.sparql.engines import Engine
from llm4rec_kg.sparql.results import Term

NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX l4r: <https://w3id.org/llm4rec/ontology#>
PREFIX fabio: <http://purl.org/spar/fabio/>
SELECT DISTINCT ?name WHERE {
  ?s rdfs:label|skos:altLabel|l4r:shortName|fabio:hasArXivId ?name
}"""
DEFAULT_GRAPH = "ASK { ?s ?p ?o }"
NAMED_GRAPHS = "ASK { GRAPH ?g { ?s ?p ?o } }"


def unknown_values(engine: Engine, params: Mapping[str, Term]) -> list[str]:
    """For each literal parameter no label, alias, short name or arXiv id equals (any
    case): a hint with the closest names."""
    names = [row["name"].value for row in engine.run(NAMES).rows if "name" in row]
    folded = {name.casefold() for name in names}
    hints = []
    for key, term in sorted(params.items()):
        if term.kind != "literal" or term.value.casefold() in folded:
            continue
        close = difflib.get_close_matches(term.value, names, n=3, cutoff=0.6)
        suggestion = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        hints.append(f"no entity is named {term.value!r}, the value of {key}{suggestion}")
    return hints


def empty_default_graph(engine: Engine) -> list[str]:
    if engine.run(DEFAULT_GRAPH).boolean is False and engine.run(NAMED_GRAPHS).boolean:
        return [
            "the endpoint's default graph is empty, but its named graphs hold triples: "
            "give --graph IRI (llm4rec-kg push uses the base IRI, https://w3id.org/llm4rec/)"
        ]
    return []
