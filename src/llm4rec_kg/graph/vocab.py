"""Namespaces and IRI minting.

schema.org is used with its https scheme only (rdflib's default); mixing http and https
breaks SHACL reports and joins. Entity IRIs are minted from stable catalog keys, never
from titles, under a configurable base.
"""

from __future__ import annotations

from urllib.parse import quote

from rdflib import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD, Namespace, URIRef
from rdflib.namespace import NamespaceManager

from llm4rec_kg import DEFAULT_BASE

L4R = Namespace("https://w3id.org/llm4rec/ontology#")
FABIO = Namespace("http://purl.org/spar/fabio/")
FAIR4ML = Namespace("https://w3id.org/fair4ml#")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "l4r": str(L4R),
    "schema": str(SDO),
    "dcterms": str(DCTERMS),
    "fabio": str(FABIO),
    "dcat": str(DCAT),
    "skos": str(SKOS),
    "prov": str(PROV),
    "void": str(VOID),
    "fair4ml": str(FAIR4ML),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "vann": str(VANN),
    "sh": str(SH),
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
)

__all__ = [
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE",
    "ENTITY_KINDS",
    "FABIO",
    "FAIR4ML",
    "L4R",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "VOID",
    "XSD",
    "Minter",
    "namespace_manager",
]


def namespace_manager(base: str) -> NamespaceManager:
    from rdflib import Graph

    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        manager.bind(prefix, iri, override=True, replace=True)
    for kind in ENTITY_KINDS:
        manager.bind(kind, f"{base}{kind}/", override=True, replace=True)
    return manager


class Minter:
    """Mints entity IRIs ``{base}{kind}/{key}`` from catalog keys."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def __call__(self, kind: str, *keys: str) -> URIRef:
        path = "/".join(quote(key, safe="-._~") for key in keys)
        return URIRef(f"{self.base}{kind}/{path}")


def display_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for shortening IRIs in tables: the vocabularies and the entity kinds."""
    prefixes = {k: v for k, v in PREFIXES.items() if k not in ("sh", "vann", "owl")}
    prefixes.update({kind: f"{base}{kind}/" for kind in ENTITY_KINDS})
    return prefixes
