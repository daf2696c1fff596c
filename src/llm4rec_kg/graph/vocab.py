"""Namespaces and IRI minting.

schema.org is used with its https scheme only (rdflib's default); mixing http and https
breaks SHACL reports and joins. Entity IRIs are minted from stable catalog keys, never
from titles, under a configurable base.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import URIRef

from llm4rec_kg import DEFAULT_BASE
from llm4rec_kg.namespaces import ENTITY_KINDS, PREFIXES

_IRIS: dict[str, URIRef] = {}


def iri(text: str) -> URIRef:
    """The one URIRef for this IRI (see ``Vocabulary`` for why there is only one)."""
    term = _IRIS.get(text)
    if term is None:
        term = _IRIS[text] = URIRef(text)
    return term


class Vocabulary:
    """A namespace whose terms are made once each.

    rdflib's namespaces make a new URIRef on every attribute access, and a dictionary
    lookup with an equal but distinct term calls URIRef's Python-level ``__eq__``: at 300k
    triples that was 4 million calls and 2.5 s of a build. One object a term lets lookups
    stop at the identity check.
    """

    def __init__(self, iri: str) -> None:
        self._iri = iri

    def __str__(self) -> str:
        return self._iri

    def __repr__(self) -> str:
        return f"Vocabulary({self._iri!r})"

    def __getitem__(self, name: str) -> URIRef:
        return iri(self._iri + name)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)  # later lookups find it without calling __getattr__
        return term


L4R = Vocabulary("https://w3id.org/llm4rec/ontology#")
FABIO = Vocabulary("http://purl.org/spar/fabio/")
FAIR4ML = Vocabulary("https://w3id.org/fair4ml#")
VANN = Vocabulary("http://purl.org/vocab/vann/")
SH = Vocabulary("http://www.w3.org/ns/shacl#")
DCAT = Vocabulary("http://www.w3.org/ns/dcat#")
DCTERMS = Vocabulary("http://purl.org/dc/terms/")
OWL = Vocabulary("http://www.w3.org/2002/07/owl#")
PROV = Vocabulary("http://www.w3.org/ns/prov#")
RDF = Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Vocabulary("http://www.w3.org/2000/01/rdf-schema#")
SDO = Vocabulary("https://schema.org/")
SKOS = Vocabulary("http://www.w3.org/2004/02/skos/core#")
SPDX = Vocabulary("http://spdx.org/rdf/terms#")
VOID = Vocabulary("http://rdfs.org/ns/void#")
XSD = Vocabulary("http://www.w3.org/2001/XMLSchema#")


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
    "SPDX",
    "VOID",
    "XSD",
    "Minter",
]


# Keys of unreserved characters only, most of them, need no quoting (quote costs ~4 µs).
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*").fullmatch


class Minter:
    """Mints entity IRIs ``{base}{kind}/{key}`` from catalog keys, one object an IRI (see
    ``Vocabulary`` for why)."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self._minted: dict[tuple[str, ...], URIRef] = {}
        self._iris: dict[str, URIRef] = {}

    def iri(self, text: str) -> URIRef:
        """The one URIRef for this IRI in this build: the vocabulary's own term where it is
        one, else one made for the build and interned as long as the minter lives. (Interned
        for the process, a 100k-paper build's million IRIs would outlive it.)"""
        term = _IRIS.get(text) or self._iris.get(text)
        if term is None:
            term = self._iris[text] = URIRef(text)
        return term

    def __call__(self, kind: str, *keys: str) -> URIRef:
        known = self._minted.get((kind, *keys))
        if known is None:
            path = "/".join(key if _UNRESERVED(key) else quote(key, safe="-._~") for key in keys)
            minted = self._minted[(kind, *keys)] = self.iri(f"{self.base}{kind}/{path}")
            return minted
        return known
