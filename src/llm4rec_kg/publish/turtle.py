"""A Turtle writer for graphs without blank nodes, byte-compatible with rdflib's
``longturtle`` (PREFIX lines, one subject a block, one object a line when there are several).

rdflib takes about 35 µs a triple to write longturtle, most of it in generic prefix lookups;
this writer decides each IRI's prefixed name once. The exports were written by rdflib
before, so the rules below are rdflib's, kept so that an unchanged catalog gives unchanged
bytes; ``tests/test_writers.py`` holds rdflib as the oracle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import split_uri
from rdflib.term import Node

from llm4rec_kg.graph.triples import Index, Props, Triple, Triples
from llm4rec_kg.graph.vocab import RDF, RDFS

RDF_TYPE = RDF.type
RDFS_LABEL = RDFS.label
RDFS_CLASS = RDFS.Class
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {f"{_XSD}{name}" for name in ("integer", "decimal", "double", "float", "int", "long")}
_PLAIN = {f"{_XSD}integer", f"{_XSD}decimal", f"{_XSD}double", f"{_XSD}boolean"}
# A local name may not carry an unescaped % unless two hex digits follow (Turtle's PLX).
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INDENT = "    "
# Membership tests in sets, where equal terms are found by hash and identity: comparing
# rdflib terms with == runs a Python-level __eq__ each time.
_TYPE = frozenset({RDF_TYPE})
_FIRST = frozenset({RDF_TYPE, RDFS_LABEL})


class _Names:
    """Prefixed names for IRIs, as rdflib's namespace manager would choose them."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.by_namespace = {iri: prefix for prefix, iri in prefixes.items()}
        self.used: set[str] = set()
        self.written: dict[Node, str] = {}
        # Each predicate's place in the order of their IRIs, as key=str sorts them, without
        # a string copy of every predicate of every subject (set by _declare_names).
        self.ranks: dict[Node, int] = {}
        self.pname = cache(self._pname)  # for datatypes, by their IRI
        self._longer = cache(self._bound_within)

    def _bound_within(self, namespace: str) -> list[str]:
        """The bound namespaces that extend a split point (few split points recur)."""
        return [ns for ns in self.by_namespace if ns.startswith(namespace)]

    def _pname(self, iri: str) -> str | None:
        try:
            namespace, local = split_iri(iri)
        except ValueError:
            if iri not in self.by_namespace:
                return None
            namespace, local = iri, ""  # a namespace itself: "prefix:"
        # A bound namespace longer than the split point still wins, as in rdflib.
        longer = [ns for ns in self._longer(namespace) if iri.startswith(ns)]
        if longer:
            namespace = max(longer, key=len)
            local = iri[len(namespace) :]
        prefix = self.by_namespace.get(namespace)
        if prefix is None:
            return None
        local = _BARE_PERCENT.sub("\\%", local.replace("(", "\\(").replace(")", "\\)"))
        if local.endswith("."):
            return None
        self.used.add(prefix)
        return f"{prefix}:{local}"

    def iri(self, iri: URIRef) -> str:
        """How an IRI is written, found once a term: looked up by the graph's own term, not
        by a string copy of it, which a large graph would make millions of times."""
        written = self.written.get(iri)
        if written is None:
            written = self.written[iri] = self._pname(str(iri)) or f"<{iri}>"
        return written


# rdflib's split of an IRI into namespace and local name, for ASCII IRIs: the local name is
# the trailing run of name characters, from its first letter, digit or underscore.
_NAME_RUN = re.compile(r"[A-Za-z0-9._%()-]*\Z")
_SPLIT_START = re.compile(r"[A-Za-z0-9_]")
_XMLNS = "http://www.w3.org/XML/1998/namespace"


def split_iri(iri: str) -> tuple[str, str]:
    """rdflib's ``split_uri``, whose character-by-character Unicode lookups were a third
    of this writer's time; IRIs that are not plain ASCII, and the odd cases, go to it."""
    if not iri.isascii() or iri.startswith(_XMLNS):
        return split_uri(iri)
    run = _NAME_RUN.search(iri)
    at = run.start() if run else len(iri)
    start = _SPLIT_START.search(iri, at) if at > 0 else None
    if start is None:  # all name characters, or none that may start a local name
        return split_uri(iri)
    return iri[: start.start()], iri[start.start() :]


def turtle(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> str:
    return "".join(text for text, _count in turtle_pieces(triples, prefixes))


def turtle_pieces(
    triples: Iterable[Triple], prefixes: Mapping[str, str]
) -> Iterator[tuple[str, int]]:
    """The PREFIX lines (no triples), then each subject's block with how many triples it
    holds: where a document may be cut into valid Turtle documents of whole subjects."""
    graph = _by_subject(triples)
    distinct = isinstance(triples, Triples)  # its objects are distinct already
    names = _Names(prefixes)
    # How often each IRI is an object: rdflib writes the least referenced subjects first.
    references = _declare_names(graph, names)
    yield "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in sorted(names.used)), 0
    for s in _subject_order(graph, references):
        props = graph[s]
        count = sum(map(len, props.values()) if distinct else (len(set(o)) for o in props.values()))
        yield f"\n{_block(s, props, names)}\n", count


def _declare_names(graph: Index, names: _Names) -> Counter[Node]:
    """Find every prefix the blocks will use (so the PREFIX lines can go first) and the
    order of the predicates, and count how often each IRI is an object."""
    references: Counter[Node] = Counter()
    iri, pname = names.iri, names.pname
    predicates: set[Node] = set()
    for s, props in graph.items():
        predicates.update(props)
        iri(_iri(s))
        for p, objects in props.items():
            if p not in _TYPE:  # written "a"
                iri(_iri(p))
            for o in objects:
                if isinstance(o, URIRef):
                    references[o] += 1
                    iri(o)
                elif isinstance(o, Literal) and o.datatype is not None:
                    pname(str(o.datatype))  # written bare or prefixed, declared all the same
    names.ranks = {p: n for n, p in enumerate(sorted(predicates, key=str))}
    return references


def _by_subject(triples: Iterable[Triple]) -> Index:
    if isinstance(triples, Triples):
        return triples.by_subject()
    graph: dict[Node, dict[Node, list[Node]]] = {}
    for s, p, o in triples:
        graph.setdefault(s, {}).setdefault(p, []).append(o)
    return graph


def _subject_order(graph: Index, references: Counter[Node]) -> list[Node]:
    """Classes first, then the least-referenced subjects, each group by IRI."""
    classes = sorted(
        (s for s, props in graph.items() if RDFS_CLASS in props.get(RDF_TYPE, ())), key=str
    )
    first = set(classes)
    rest = sorted((s for s in graph if s not in first), key=lambda s: (references[s], str(s)))
    return [*classes, *rest]


def _block(subject: Node, props: Props, names: _Names) -> str:
    order: list[Node] = [p for p in (RDF_TYPE, RDFS_LABEL) if p in props]
    order += sorted((p for p in props if p not in _FIRST), key=names.ranks.__getitem__)
    lines = []
    for p in order:
        verb = "a" if p in _TYPE else names.iri(_iri(p))
        values = props[p]
        objects = (
            [_object(values[0], names)]  # most predicates have one value: nothing to sort
            if len(values) == 1
            else [_object(o, names) for o in sorted(set(values), key=_object_key)]
        )
        if len(objects) == 1:
            lines.append(f"{_INDENT}{verb} {objects[0]}")
        else:
            listed = f" ,\n{_INDENT * 2}".join(objects)
            lines.append(f"{_INDENT}{verb}\n{_INDENT * 2}{listed}")
    return names.iri(_iri(subject)) + "\n" + " ;\n".join(lines) + " ;\n."


def _iri(node: Node) -> URIRef:
    if not isinstance(node, URIRef):
        raise TypeError(f"no blank nodes in this graph: {node!r}")
    return node


def _object(node: Node, names: _Names) -> str:
    if isinstance(node, URIRef):
        return names.iri(node)
    if isinstance(node, Literal):
        return _literal(node, names)
    raise TypeError(f"no blank nodes in this graph: {node!r}")


def _literal(literal: Literal, names: _Names) -> str:
    datatype = str(literal.datatype) if literal.datatype is not None else None
    if datatype in _PLAIN and literal.value is not None:
        names.pname(datatype)  # written bare, its prefix is declared all the same
        text = str(literal)
        if datatype == f"{_XSD}boolean":
            return text.lower()
        if datatype == f"{_XSD}decimal" and not any(c in text for c in ".eE"):
            return text + ".0"
        if datatype == f"{_XSD}double":
            return re.sub("\\.?0*e", "e", f"{float(literal):e}")
        return text
    encoded = _quote(str(literal))
    if literal.language:
        return f"{encoded}@{literal.language}"
    if literal.datatype is not None:
        return f"{encoded}^^{names.iri(literal.datatype)}"
    return encoded


def _quote(text: str) -> str:
    if "\n" in text:
        encoded = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        # rdflib skips this when a backslash precedes the quote, which is then an escaped
        # backslash, and writes an unterminated string: the one place this writer differs.
        if encoded.endswith('"') and not encoded.endswith('\\"\\"\\"'):
            encoded = encoded[:-1] + '\\"'
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
    return f'"{escaped}"'


def _object_key(node: Node) -> tuple[object, ...]:
    """rdflib's order of terms: IRIs before literals; numbers by value, the rest by
    datatype, then language, then text."""
    if isinstance(node, URIRef):
        return (0, str(node))
    assert isinstance(node, Literal)
    datatype = str(node.datatype) if node.datatype is not None else f"{_XSD}string"
    if datatype in _NUMERIC and isinstance(node.value, int | float | Decimal):
        return (1, "", "", Decimal(str(node.value)), "")
    return (2, datatype, node.language or "", 0, str(node))
