"""What an IRI of the dataset dereferences to, for the endpoint and the static site alike.

The resolvable graph is the data with the dataset's description (VoID), the quality report
and the ontology, so that every IRI any export mints has a description. A description holds
the IRI's outgoing triples and the triples that point at it (the incoming links an HTML page
lists are in its RDF too), written by the same writers as the dumps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.namespaces import compact, display_prefixes, turtle_prefixes

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# What names a node, in order: a label, a concept's preferred label, a name, a title.
NAMES = (
    RDFS_LABEL,
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "https://schema.org/name",
    "http://purl.org/dc/terms/title",
)
L4R = "https://w3id.org/llm4rec/ontology#"
REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# The media types a description is offered in, with the suffix that names each file.
MEDIA = {
    "text/turtle": ".ttl",
    "application/n-triples": ".nt",
    "application/ld+json": ".jsonld",
}
MEDIA_BY_SUFFIX = {suffix: media for media, suffix in MEDIA.items()}
DESCRIBED_FILES = ("void.ttl", "quality.ttl")  # beside the data in an exports directory

Href = Callable[[str], str | None]  # an IRI to the link a page shows for it


def text(node: Any) -> str:
    """A term's lexical value (an IRI, a literal's form, a blank node's id)."""
    return str(getattr(node, "value", node))


def add_descriptions(store: ox.Store, exports: Path | None) -> ox.Store:
    """Add to a store of the data what the resolvable graph holds besides: from an exports
    directory the dataset description and quality report, and the ontology."""
    from llm4rec_kg.resources import ontology_file

    for name in DESCRIBED_FILES:
        if exports is not None and (exports / name).is_file():
            store.bulk_load(path=str(exports / name), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(ontology_file("llm4rec.ttl")), format=ox.RdfFormat.TURTLE)
    return store


def resolvable_store(data_nt: bytes, exports: Path | None) -> ox.Store:
    """The data with its descriptions: every IRI the exports mint."""
    store = ox.Store()
    store.bulk_load(data_nt, format=ox.RdfFormat.N_TRIPLES)
    return add_descriptions(store, exports)


def objects(store: ox.Store, subject: str, predicate: str) -> list[Any]:
    """The objects of a subject's predicate, in a stable order (by lexical value)."""
    quads = store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
    return sorted((q.object for q in quads), key=text)


def first(store: ox.Store, subject: str, predicate: str) -> str:
    """The first of those objects' lexical value, "" when there is none."""
    found = objects(store, subject, predicate)
    return text(found[0]) if found else ""


@dataclass
class Describer:
    store: ox.Store
    base: str

    def quads(self, iri: str) -> list[ox.Quad]:
        node = ox.NamedNode(iri)
        out = list(self.store.quads_for_pattern(node, None, None))
        back = [q for q in self.store.quads_for_pattern(None, None, node) if q.subject != node]
        return out + back

    def known(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(True for _ in self.store.quads_for_pattern(node, None, None))

    def replaced_by(self, iri: str) -> str | None:
        """What replaces an IRI published before its entity was re-keyed or merged: one that
        is no entity of its own (no rdf:type) and names one replacement under the base."""
        outbound = list(self.store.quads_for_pattern(ox.NamedNode(iri), None, None))
        if any(q.predicate.value == RDF_TYPE for q in outbound):
            return None
        targets = [
            q.object.value
            for q in outbound
            if q.predicate.value == REPLACED_BY and isinstance(q.object, ox.NamedNode)
        ]
        return targets[0] if len(targets) == 1 and targets[0].startswith(self.base) else None

    def subjects(self) -> list[str]:
        """Every IRI under the base that the resolvable graph describes, sorted."""
        return sorted(
            {
                q.subject.value
                for q in self.store.quads_for_pattern(None, None, None)
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(self.base)
            }
        )

    def label(self, node: Any) -> str | None:
        """What a person reads for a node: its label (or name, or title); for a model use,
        "paper — role — model (size)"."""
        if not isinstance(node, ox.NamedNode):
            return None
        kind = first(self.store, node.value, RDF_TYPE)
        if not kind and (heir := self.replaced_by(node.value)) is not None:
            # a replaced IRI is labelled with its old path: name it by what replaced it
            return f"{self.label(ox.NamedNode(heir)) or heir} (former IRI)"
        for predicate in NAMES:
            found = objects(self.store, node.value, predicate)
            if found:
                return text(found[0])
        if kind == L4R + "ModelUse":
            return self._model_use(node)
        return None

    def _model_use(self, node: ox.NamedNode) -> str:
        papers = [
            q.subject
            for q in self.store.quads_for_pattern(None, ox.NamedNode(L4R + "modelUse"), node)
        ]
        model = objects(self.store, node.value, L4R + "model")
        role = objects(self.store, node.value, L4R + "role")
        size = first(self.store, node.value, L4R + "parameterCount")
        parts = [
            self._named(papers[0]) if papers else "",
            self._named(role[0]) if role else "",
            (self._named(model[0]) if model else "") + (f" ({_size(size)})" if size else ""),
        ]
        return " — ".join(part for part in parts if part)

    def _named(self, node: Any) -> str:
        if isinstance(node, ox.NamedNode):
            for predicate in NAMES:
                if found := first(self.store, node.value, predicate):
                    return found
            return node.value.rsplit("/", 1)[-1]
        return text(node)

    def property_label(self, iri: str) -> str | None:
        """A property's label from the ontology (or the vocabulary loaded beside it)."""
        found = objects(self.store, iri, RDFS_LABEL)
        english = [t for t in found if getattr(t, "language", None) in (None, "en")]
        return text(english[0]) if english else None

    def rdf(self, iri: str, media: str) -> str:
        return serialise(self.quads(iri), media, self.base)

    def page(self, iri: str, href: Href) -> dict[str, Any]:
        """What entity.html shows: label, types, and the links out and in."""
        node = ox.NamedNode(iri)
        quads = self.quads(iri)
        prefixes = display_prefixes(self.base)
        out = [q for q in quads if q.subject == node]
        inbound = _rows(((q.predicate, q.subject) for q in quads if q.subject != node), self, href)
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in inbound:
            grouped.setdefault((row["property"], row["property_iri"]), []).append(row)
        return {
            "label": self.label(node) or iri,
            "iri": iri,
            "types": sorted(
                (
                    self.property_label(text(q.object)) or _short(text(q.object), prefixes),
                    text(q.object),
                )
                for q in out
                if q.predicate.value == RDF_TYPE
            ),
            "outbound": _rows(
                ((q.predicate, q.object) for q in out if q.predicate.value != RDF_TYPE),
                self,
                href,
            ),
            "inbound": [
                {"property": name, "property_iri": prop, "rows": rows}
                for (name, prop), rows in grouped.items()
            ],
        }


def _size(count: str) -> str:
    """A parameter count as people write it: 7000000000 is 7B, 110000000 is 110M."""
    try:
        value = int(count)
    except ValueError:
        return count
    for unit, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if value >= scale:
            return f"{value / scale:g}{unit}"
    return str(value)


def _short(iri: str, prefixes: dict[str, str]) -> str:
    short = compact(iri, prefixes)
    return f"<{iri}>" if short == iri else short


def _rows(
    pairs: Iterable[tuple[Any, Any]], describer: Describer, href: Href
) -> list[dict[str, Any]]:
    prefixes = display_prefixes(describer.base)
    rows = []
    for predicate, node in pairs:
        prop = describer.property_label(predicate.value) or _short(predicate.value, prefixes)
        if isinstance(node, ox.NamedNode):
            # Only web and mail links are links: a javascript: or data: IRI is shown as text.
            link = href(node.value) if node.value.startswith(describer.base) else None
            if link is None and node.value.lower().startswith(SAFE_SCHEMES):
                link = node.value
            rows.append(
                {
                    "property": prop,
                    "property_iri": predicate.value,
                    "text": describer.label(node) or node.value,
                    "href": link,
                    "iri": node.value,
                }
            )
        else:
            rows.append(
                {
                    "property": prop,
                    "property_iri": predicate.value,
                    "text": text(node),
                    "href": None,
                    "iri": None,
                }
            )
    return sorted(rows, key=lambda r: (r["property"], r["text"]))


def serialise(quads: Iterable[ox.Quad], media: str, base: str) -> str:
    """Triples as Turtle, N-Triples or JSON-LD, by the dumps' own writers."""
    from llm4rec_kg.graph.triples import ntriples
    from llm4rec_kg.publish import exports, jsonld, turtle

    triples = {(_term(q.subject), _term(q.predicate), _term(q.object)) for q in quads}
    if media == "text/turtle":
        return turtle.turtle(triples, turtle_prefixes(base))
    if media == "application/n-triples":
        return ntriples(triples)
    return jsonld.jsonld(triples, exports.context()["@context"])


def _term(node: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(node.value)
    return Literal(node.value, datatype=URIRef(datatype))
