"""JSON-LD compacted with ontology/context.jsonld: one node object a subject, sorted.

The context is small and flat (prefixes, and terms that are a property with at most a type
coercion), so compaction is a lookup per property rather than the general algorithm. The
choices follow rdflib's compacting serializer, which wrote the exports before, so that an
unchanged catalog gives unchanged bytes; ``tests/test_writers.py`` keeps rdflib as the
oracle, and any JSON-LD processor expands the output back to the same graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from llm4rec_kg.graph.triples import Index, Props, Triple, Triples
from llm4rec_kg.publish import jsontext

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NATIVE = {f"{_XSD}boolean", f"{_XSD}integer", f"{_XSD}double", f"{_XSD}string"}
_DELIMS = ("#", "/", ":")
_PREFIX_ENDS = (":", "/", "?", "#", "[", "]", "@")


@dataclass(frozen=True)
class _Term:
    name: str
    coercion: str | None  # "@id" or a datatype IRI


class Context:
    """The parts of a JSON-LD context this writer uses: prefixes and property terms."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.prefixes: dict[str, str] = {}
        self._shrunk: dict[str, str] = {}
        self._terms: dict[Node, str] = {}
        raw: dict[str, tuple[str, str | None]] = {}
        for name, value in context.items():
            if name.startswith("@"):
                continue
            iri, coercion = (
                (value, None) if isinstance(value, str) else (value["@id"], value.get("@type"))
            )
            if isinstance(value, str) and value.endswith(_PREFIX_ENDS):
                self.prefixes[value] = name
            raw[name] = (iri, coercion)
        self.terms: dict[tuple[str, str | None], _Term] = {}
        for name, (iri, coercion) in raw.items():
            expanded = self.expand(iri)
            typed = self.expand(coercion) if coercion and coercion != "@id" else coercion
            self.terms[expanded, typed] = _Term(name, typed)

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        for iri, name in self.prefixes.items():
            if name == prefix and not local.startswith("//"):
                return iri + local
        return curie

    def shrink(self, iri: str) -> str:
        shrunk = self._shrunk.get(iri)
        if shrunk is None:
            shrunk = self._shrunk[iri] = self._shrink(iri)
        return shrunk

    def shrink_term(self, node: Node) -> str:
        """``shrink`` of a graph's term, looked up by the term itself: a string copy of each
        IRI to look it up by would be made millions of times in a large graph."""
        shrunk = self._terms.get(node)
        if shrunk is None:
            shrunk = self._terms[node] = self._shrink(str(node))
        return shrunk

    def _shrink(self, iri: str) -> str:
        namespace, local = _split(iri)
        prefix = self.prefixes.get(namespace)
        # A suffix starting with // would read as an absolute IRI (JSON-LD 1.1, 4.1.5).
        if prefix and local is not None and not local.startswith("//"):
            return f"{prefix}:{local}"
        return iri

    def symbol(self, iri: str) -> str:
        """A property or class as a key or type: its term, else a prefixed name."""
        term = self.terms.get((iri, None))
        return term.name if term else self.shrink(iri)


def _split(iri: str) -> tuple[str, str | None]:
    for delim in _DELIMS:
        at = iri.rfind(delim)
        if at > -1:
            return iri[: at + 1], iri[at + 1 :]
    return iri, None


def jsonld(triples: Iterable[Triple], context: Mapping[str, Any]) -> str:
    return "".join(jsonld_blocks(triples, context))


def jsonld_blocks(triples: Iterable[Triple], context: Mapping[str, Any]) -> Iterator[str]:
    """The document ``json.dumps(indent=2, sort_keys=True)`` would write, a node at a time:
    the context, then each subject's node object in order of its id."""
    ctx = Context(context)
    graph = _by_subject(triples)
    head = jsontext.encode({"@context": dict(context)})
    nodes = (
        _node(ctx, node_id, graph[subject])
        for node_id, subject in sorted((ctx.shrink_term(s), s) for s in graph)
    )
    yield head[: -len("\n}")] + ',\n  "@graph": '
    yield from jsontext.array(nodes, "  ")
    yield "\n}\n"


def _node(ctx: Context, node_id: str, props: Props) -> dict[str, Any]:
    """A subject's node object: each property's values by their compacted key."""
    values: dict[str, list[Any]] = {}
    for p, objects in props.items():
        predicate = str(p)
        for o in objects:
            key, value = _entry(ctx, predicate, o)
            values.setdefault(key, []).append(value)
    return {"@id": node_id, **{k: v[0] if len(v) == 1 else _sorted(v) for k, v in values.items()}}


def _by_subject(triples: Iterable[Triple]) -> Index:
    if isinstance(triples, Triples):
        return triples.by_subject()
    graph: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        graph.setdefault(s, {}).setdefault(p, []).append(o)
    return graph


def _entry(ctx: Context, predicate: str, obj: Node) -> tuple[str, Any]:
    if isinstance(obj, URIRef):
        if (term := ctx.terms.get((predicate, "@id"))) is not None:
            return term.name, ctx.shrink_term(obj)
        if (term := ctx.terms.get((predicate, None))) is not None:
            return term.name, {"@id": ctx.shrink_term(obj)}
        if predicate == RDF_TYPE:
            return "@type", ctx.symbol(str(obj))
        return ctx.shrink(predicate), {"@id": ctx.shrink_term(obj)}
    if not isinstance(obj, Literal):
        raise TypeError(f"no blank nodes in this graph: {obj!r}")
    datatype = str(obj.datatype) if obj.datatype is not None else None
    if datatype and (term := ctx.terms.get((predicate, datatype))) is not None:
        return term.name, str(obj)
    term = ctx.terms.get((predicate, None))
    return (term.name if term else ctx.shrink(predicate)), _literal(ctx, obj, datatype)


def _literal(ctx: Context, literal: Literal, datatype: str | None) -> Any:
    if datatype is None:
        if literal.language:
            return {"@language": literal.language, "@value": str(literal)}
        return str(literal)
    if datatype in _NATIVE and literal.value is not None:
        return literal.toPython()
    return {"@type": ctx.symbol(datatype), "@value": str(literal)}


def _sorted(values: list[Any]) -> list[Any]:
    """Values by their canonical JSON: the graph has no RDF lists whose order matters."""
    return sorted(values, key=_canonical)


def _canonical(value: Any) -> str:
    # json.dumps(value, sort_keys=True); a string, most values, by the C function it uses.
    if isinstance(value, str):
        return _ascii_string(value)
    return json.dumps(value, sort_keys=True)


_ascii_string = json.encoder.encode_basestring_ascii
