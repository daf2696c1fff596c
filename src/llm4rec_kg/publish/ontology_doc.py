"""The ontology's documentation page, generated from the ontology itself, in the manner of
pyLODE and Widoco: metadata, then every class and property with its definition, its place
in the hierarchy, and an example from the data. Each term's anchor is its local name, so
the term IRI ``…/ontology#Paper`` lands on its entry."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.namespaces import compact, display_prefixes
from llm4rec_kg.publish.describe import first, objects, text

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
VANN = "http://purl.org/vocab/vann/"
ONTOLOGY = "https://w3id.org/llm4rec/ontology"
NS = ONTOLOGY + "#"
KINDS = (
    ("Classes", OWL + "Class"),
    ("Object properties", OWL + "ObjectProperty"),
    ("Datatype properties", OWL + "DatatypeProperty"),
)


@dataclass
class Term:
    name: str
    iri: str
    label: str
    comment: str
    facts: list[tuple[str, list[dict[str, str | None]]]] = field(default_factory=list)
    example: list[dict[str, str | None]] = field(default_factory=list)


def document(store: ox.Store, base: str, href: Callable[[str], str | None]) -> dict[str, Any]:
    """The template context for ontology.html, from a store holding ontology and data;
    ``href`` gives the link to a data IRI (a site path, an endpoint route)."""
    doc = _Doc(store, base, href)
    return {
        "title": doc.one(ONTOLOGY, DCTERMS + "title") or "LLM4Rec ontology",
        "iri": ONTOLOGY,
        "description": doc.one(ONTOLOGY, DCTERMS + "description") or "",
        "metadata": [
            (label, doc.one(ONTOLOGY, iri) or "")
            for label, iri in (
                ("Version", OWL + "versionInfo"),
                ("Version IRI", OWL + "versionIRI"),
                ("Prior version", OWL + "priorVersion"),
                ("Modified", DCTERMS + "modified"),
                ("Licence", DCTERMS + "license"),
                ("Creator", DCTERMS + "creator"),
                ("Preferred prefix", VANN + "preferredNamespacePrefix"),
                ("Namespace", VANN + "preferredNamespaceUri"),
            )
            if doc.one(ONTOLOGY, iri)
        ],
        "note": doc.one(ONTOLOGY, RDFS + "comment") or "",
        "sections": [(title, doc.terms(kind)) for title, kind in KINDS],
        "namespaces": sorted(display_prefixes(base).items()),
    }


class _Doc:
    def __init__(self, store: ox.Store, base: str, href: Callable[[str], str | None]) -> None:
        self.store = store
        self.base = base
        self.href = href
        self.prefixes = display_prefixes(base)

    def values(self, subject: str, predicate: str) -> list[Any]:
        return objects(self.store, subject, predicate)

    def one(self, subject: str, predicate: str) -> str | None:
        return first(self.store, subject, predicate) or None

    def subjects(self, predicate: str, obj: str) -> list[str]:
        quads = self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj))
        return sorted({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)})

    def link(self, iri: str) -> dict[str, str | None]:
        if iri.startswith(NS):
            return {"text": "l4r:" + iri[len(NS) :], "href": "#" + iri[len(NS) :]}
        if iri.startswith(self.base):  # an example from the data: named as its page names it
            from llm4rec_kg.publish.describe import Describer

            named = Describer(self.store, self.base).label(ox.NamedNode(iri))
            return {"text": named or compact(iri, self.prefixes), "href": self.href(iri)}
        return {"text": compact(iri, self.prefixes), "href": iri}

    def terms(self, kind: str) -> list[Term]:
        return [self.term(iri) for iri in self.subjects(RDF + "type", kind) if iri.startswith(NS)]

    def term(self, iri: str) -> Term:
        term = Term(
            iri[len(NS) :],
            iri,
            self.one(iri, RDFS + "label") or iri[len(NS) :],
            self.one(iri, RDFS + "comment") or "",
        )
        for label, predicate, inverse in (
            ("Subclass of", RDFS + "subClassOf", False),
            ("Superclass of", RDFS + "subClassOf", True),
            ("Domain", RDFS + "domain", False),
            ("Range", RDFS + "range", False),
            ("Used as domain of", RDFS + "domain", True),
            ("Used as range of", RDFS + "range", True),
        ):
            found = (
                self.subjects(predicate, iri)
                if inverse
                else [v.value for v in self.values(iri, predicate) if isinstance(v, ox.NamedNode)]
            )
            if found:
                term.facts.append((label, [self.link(f) for f in found]))
        term.example = self.example(iri)
        return term

    def example(self, iri: str) -> list[dict[str, str | None]]:
        """One use in the data: an instance of a class, or a triple with a property."""
        node = ox.NamedNode(iri)
        instances = sorted(
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), node)
            if isinstance(q.subject, ox.NamedNode) and not q.subject.value.startswith(NS)
        )
        if instances:
            return [self.link(instances[0])]
        uses = sorted(
            (q.subject.value, text(q.object), q.object)
            for q in self.store.quads_for_pattern(None, node, None)
            if isinstance(q.subject, ox.NamedNode) and not q.subject.value.startswith(NS)
        )
        if not uses:
            return []
        subject, value, obj = uses[0]
        shown = self.link(value) if isinstance(obj, ox.NamedNode) else {"text": value, "href": None}
        return [self.link(subject), shown]


def version(store: ox.Store) -> str:
    quads = store.quads_for_pattern(ox.NamedNode(ONTOLOGY), ox.NamedNode(OWL + "versionInfo"), None)
    return next(text(q.object) for q in quads)


@functools.cache  # the packaged ontology does not change while the process runs
def serialised(media: str) -> str:
    """The ontology file in another syntax (N-Triples lines sorted; JSON-LD by the dumps'
    writer and context). Its blank nodes (lists, disjointness axioms) get canonical labels,
    so the same ontology gives the same bytes on every run."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    from llm4rec_kg.publish import exports
    from llm4rec_kg.resources import ontology_file

    graph = to_canonical_graph(Graph().parse(ontology_file("llm4rec.ttl")))
    if media == "application/n-triples":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    context = exports.context()["@context"]
    document = json.loads(graph.serialize(format="json-ld", context=context))
    # rdflib's JSON-LD order follows hashing; sets of values have no order, so sort them
    return json.dumps(_sorted(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted(value: Any, key: str = "") -> Any:
    """JSON-LD with every unordered array sorted (an @list keeps its order)."""
    if isinstance(value, dict):
        return {k: _sorted(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value
