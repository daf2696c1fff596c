"""Prefixes and IRI kinds as plain strings, for the parts that print or declare IRIs
(queries, tables, the endpoint) without loading rdflib."""

from __future__ import annotations

from collections.abc import Mapping

from llm4rec_kg import DEFAULT_BASE

PREFIXES: dict[str, str] = {
    "l4r": "https://w3id.org/llm4rec/ontology#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "fair4ml": "https://w3id.org/fair4ml#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "spdx": "http://spdx.org/rdf/terms#",
}

# Kinds of entity IRI under the base; each gets a prefix in the Turtle export.
ENTITY_KINDS = (
    "paper",
    "model",
    "family",
    "venue",
    "dataset",
    "concept",
    "conflict",
    "correction",
    "organization",
    "rule",
)


def turtle_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The Turtle exports' prefixes: the vocabularies, and one for each kind of entity IRI."""
    return {**PREFIXES, **{kind: f"{base}{kind}/" for kind in ENTITY_KINDS}}


def display_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for shortening IRIs in tables: those of the exports but the ontology-only
    vocabularies (SHACL, VANN, OWL)."""
    hidden = ("sh", "vann", "owl")
    return {k: v for k, v in turtle_prefixes(base).items() if k not in hidden}


def compact(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``prefix:local`` by the longest namespace the IRI is in, else the IRI as it is."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"
