"""The built graph as an immutable index of triples, by subject, with the few other
lookups the pipeline reads.

rdflib's Graph costs about 25 µs a triple to fill, which made filling it the largest part of
a build; a dictionary of each subject's predicates and objects costs a tenth of that, and
holds each triple once. Readers that need a full engine get one on demand: ``rdflib()`` for
pySHACL and the oracle tests, ``store()`` for SPARQL on pyoxigraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

Triple = tuple[Node, Node, Node]
Objects = tuple[Node, ...]  # a subject's distinct objects of one predicate
Props = Mapping[Node, Sequence[Node]]  # one subject's predicates and their objects
Index = Mapping[Node, Props]  # every subject's


class Triples:
    """A read-only graph: iteration, membership, and lookups by subject or by object.

    The triples are kept once, as each subject's predicates and their objects: a set of
    triple tuples beside that index would double the graph's memory, which at 100k papers
    is what decides whether a build fits in RAM."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        # Lists while filling, a tuple of distinct objects once done: without a list's spare
        # room and larger header, a 10k-paper build peaked at 274 MB rather than 289 MB.
        index: dict[Node, dict[Node, Any]] = {}
        for s, p, o in triples:
            props = index.get(s)
            if props is None:
                index[s] = {p: [o]}
            elif (values := props.get(p)) is None:
                props[p] = [o]
            else:
                values.append(o)
        size = 0
        for props in index.values():
            for p, values in props.items():
                props[p] = values = (
                    (values[0],) if len(values) == 1 else tuple(dict.fromkeys(values))
                )
                size += len(values)
        self._by_subject: dict[Node, dict[Node, Objects]] = index
        self._size = size
        self._by_object: dict[Node, dict[Node, list[Node]]] = {}

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        for s, props in self._by_subject.items():
            for p, objects in props.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        s, p, o = triple
        return o in self._by_subject.get(s, {}).get(p, ())

    @cached_property
    def _by_predicate(self) -> dict[Node, list[Node]]:
        """Each predicate's subjects (their objects are in the subject index)."""
        index: dict[Node, list[Node]] = {}
        for s, props in self._by_subject.items():
            for p in props:
                subjects = index.get(p)
                if subjects is None:
                    index[p] = [s]
                else:
                    subjects.append(s)
        return index

    def _subjects_by_object(self, predicate: Node) -> dict[Node, list[Node]]:
        """Subjects of each object of one predicate, indexed the first time it is asked."""
        index = self._by_object.get(predicate)
        if index is None:
            index = {}
            for s in self._by_predicate.get(predicate, ()):
                for o in self._by_subject[s][predicate]:
                    index.setdefault(o, []).append(s)
            self._by_object[predicate] = index
        return index

    def by_subject(self) -> dict[Node, dict[Node, Objects]]:
        """Every subject with its predicates and their objects, in the order they were built
        (writers sort them)."""
        return self._by_subject

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> list[Node]:
        if subject is not None:
            props = self._by_subject.get(subject, {})
            if predicate is not None:
                return list(props.get(predicate, ()))
            return [o for values in props.values() for o in values]
        if predicate is None:
            return [o for _s, _p, o in self]
        index = self._by_subject
        return [o for s in self._by_predicate.get(predicate, ()) for o in index[s][predicate]]

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> list[Node]:
        """Distinct subjects, of triples with this predicate and object when given."""
        if predicate is not None and obj is not None:
            return list(dict.fromkeys(self._subjects_by_object(predicate).get(obj, ())))
        if predicate is None and obj is None:
            return list(self._by_subject)
        if predicate is not None:
            return list(self._by_predicate.get(predicate, ()))
        return list(dict.fromkeys(s for s, _p, o in self if o == obj))

    def predicates(self) -> set[Node]:
        return set(self._by_predicate)

    def value(self, subject: Node, predicate: Node) -> Node | None:
        values = self._by_subject.get(subject, {}).get(predicate)
        return min(values, key=str) if values else None

    def rdflib(self) -> Graph:
        from rdflib import Graph

        graph = Graph()
        for triple in self:
            graph.add(triple)
        return graph

    def store(self) -> ox.Store:
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(ntriples(self).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store


def ntriples(triples: Iterable[Triple]) -> str:
    """N-Triples with sorted lines, escaped as rdflib's writer escapes them."""
    if isinstance(triples, Triples):
        return "".join(ntriples_blocks(triples))
    return "".join(sorted(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples))


def ntriples_blocks(graph: Triples) -> Iterator[str]:
    """The sorted N-Triples lines of ``ntriples``, one subject's lines at a time, so that a
    large graph is written without holding every line at once.

    Sorting subjects, then predicates, then objects gives the order of whole lines: a
    subject or predicate is an IRI, closed by a '>' that cannot occur inside it, so no term
    is a prefix of another; an object is followed by " .", and a space sorts before the
    '@' or '^' that could continue a literal."""
    iris: dict[Node, str] = {}  # IRIs recur (predicates, classes, shared objects); literals rarely
    known = iris.get

    def term(node: Node) -> str:
        text = _nt(node)
        if isinstance(node, URIRef):
            iris[node] = text
        return text

    index = graph.by_subject()
    for head, subject in sorted([(term(s) + " ", s) for s in index]):
        props = index[subject]
        lines = []
        for start, objects in sorted(
            [(head + (known(p) or term(p)) + " ", objects) for p, objects in props.items()]
        ):
            if len(objects) == 1:
                lines.append(start + (known(objects[0]) or term(objects[0])) + " .\n")
            else:
                lines.extend(
                    start + o + " .\n" for o in sorted([known(o) or term(o) for o in objects])
                )
        yield "".join(lines)


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_NT_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"no blank nodes in this graph: {term!r}")
