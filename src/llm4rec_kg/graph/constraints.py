"""SHACL Core, the part ontology/shapes.ttl uses, compiled into checks over ``Triples``.

pySHACL re-reads the data graph through rdflib for every constraint of every focus node,
which took 2 s on the 26k-triple graph and grows with it. Here each shape is compiled once
into plain Python predicates and run over the graph's subject index, in linear time.
pySHACL stays the reference: ``tests/test_constraints.py`` runs both over a corpus of
broken graphs and requires the same results. A shapes file that uses any SHACL feature not
implemented here is refused when it is compiled, rather than half-checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.graph.vocab import RDF, RDFS, SH, XSD, iri
from llm4rec_kg.namespaces import compact

_NODE_PARAMETERS = {RDF.type, RDFS.comment, SH.targetClass, SH.property, SH["class"], SH.message}
_VALUE_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.minLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.nodeKind,
    SH.pattern,
    SH["class"],
    SH["in"],
    SH["or"],
}
_PROPERTY_PARAMETERS = {SH.path, SH.message, RDFS.comment} | _VALUE_PARAMETERS


class ShapesError(ValueError):
    """The shapes use SHACL that this validator does not implement."""


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, as SHACL reports it (without the message, for comparison)."""

    focus: str
    path: str | None
    component: str  # the constraint component's local name, e.g. "MinCountConstraintComponent"
    value: str | None


@dataclass(frozen=True)
class Violation:
    result: Result
    message: str


ValueCheck = Callable[[Node, Triples], bool]


@dataclass(frozen=True)
class Check:
    """One constraint: a test of each value node, or of the number of values."""

    component: str
    message: str
    test: ValueCheck | None = None  # per value node
    count: Callable[[int], bool] | None = None  # on the number of value nodes


@dataclass(frozen=True)
class PropertyShape:
    path: URIRef | None  # None: the focus node itself is the value
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class NodeShape:
    iri: Node
    targets: tuple[URIRef, ...]
    properties: tuple[PropertyShape, ...]


def validate(graph: Triples, shapes: tuple[NodeShape, ...]) -> list[Violation]:
    index = graph.by_subject()
    found: list[Violation] = []
    for shape in shapes:
        focus_nodes = sorted({s for cls in shape.targets for s in _instances(graph, cls)}, key=str)
        for focus in focus_nodes:
            for prop in shape.properties:
                # The graph holds each triple once: a subject's values of a path are distinct.
                values = [focus] if prop.path is None else index.get(focus, {}).get(prop.path, ())
                found.extend(_run(prop, focus, values, graph))
    return found


def _run(
    prop: PropertyShape, focus: Node, values: Sequence[Node], graph: Triples
) -> Iterator[Violation]:
    for check in prop.checks:
        if check.count is not None and not check.count(len(values)):
            yield Violation(Result(str(focus), _path(prop), check.component, None), check.message)
        if check.test is not None:
            for value in values:
                if not check.test(value, graph):
                    result = Result(str(focus), _path(prop), check.component, str(value))
                    yield Violation(result, check.message)


def _path(prop: PropertyShape) -> str | None:
    # Named only in a violation: most focus nodes conform, and there are millions of them.
    return None if prop.path is None else str(prop.path)


def _instances(graph: Triples, cls: Node) -> set[Node]:
    """Subjects typed cls, or a class the data graph states to be a subclass of it."""
    classes, todo = {cls}, [cls]
    while todo:
        for sub in graph.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in classes:
                classes.add(sub)
                todo.append(sub)
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def _has_class(cls: Node) -> ValueCheck:
    def test(value: Node, graph: Triples) -> bool:
        types = set(graph.objects(value, RDF.type))
        if cls in types:
            return True
        supers: set[Node] = set()
        todo = list(types)
        while todo:
            t = todo.pop()
            for parent in graph.objects(t, RDFS.subClassOf):
                if parent == cls:
                    return True
                if parent not in supers:
                    supers.add(parent)
                    todo.append(parent)
        return False

    return test


def _has_datatype(datatype: Node) -> ValueCheck:
    def test(value: Node, _graph: Triples) -> bool:
        if not isinstance(value, Literal):
            return False
        given = value.datatype or (RDF.langString if value.language else XSD.string)
        return given == datatype and not value.ill_typed

    return test


def _compare(bound: Literal, accept: Callable[[int], bool]) -> ValueCheck:
    limit = _number(bound)

    def test(value: Node, _graph: Triples) -> bool:
        number = _number(value) if isinstance(value, Literal) else None
        if number is None or limit is None:
            return False
        return accept((number > limit) - (number < limit))

    return test


def _number(literal: Node) -> Decimal | None:
    if not isinstance(literal, Literal) or not isinstance(literal.value, int | float | Decimal):
        return None
    if isinstance(literal.value, bool):
        return None
    try:
        return Decimal(str(literal.value))
    except InvalidOperation:
        return None


def _pattern(regex: str) -> ValueCheck:
    compiled = re.compile(regex)
    return lambda value, _graph: not isinstance(value, BNode) and bool(compiled.search(str(value)))


def _min_length(length: int) -> ValueCheck:
    return lambda value, _graph: not isinstance(value, BNode) and len(str(value)) >= length


def _node_kind(kind: Node) -> ValueCheck:
    kinds: dict[Node, tuple[type, ...]] = {
        SH.IRI: (URIRef,),
        SH.Literal: (Literal,),
        SH.BlankNode: (BNode,),
        SH.BlankNodeOrIRI: (BNode, URIRef),
        SH.IRIOrLiteral: (URIRef, Literal),
        SH.BlankNodeOrLiteral: (BNode, Literal),
    }
    if kind not in kinds:
        raise ShapesError(f"sh:nodeKind {kind} is not a SHACL node kind")
    allowed = kinds[kind]
    return lambda value, _graph: isinstance(value, allowed)


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes

    def node_shapes(self) -> tuple[NodeShape, ...]:
        compiled = []
        for shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            self._refuse_unknown(shape, _NODE_PARAMETERS)
            targets = tuple(
                sorted((iri(str(t)) for t in self.shapes.objects(shape, SH.targetClass)), key=str)
            )
            message = self._message(shape)
            properties = [PropertyShape(None, self._checks(shape, message, node_level=True))]
            for prop in self.shapes.objects(shape, SH.property):
                self._refuse_unknown(prop, _PROPERTY_PARAMETERS)
                path = self.shapes.value(prop, SH.path)
                if not isinstance(path, URIRef):
                    raise ShapesError(f"{shape}: only predicate paths are implemented, not {path}")
                checks = self._checks(prop, self._message(prop))
                properties.append(PropertyShape(iri(str(path)), checks))
            compiled.append(NodeShape(shape, targets, tuple(p for p in properties if p.checks)))
        return tuple(compiled)

    def _refuse_unknown(self, shape: Node, allowed: set[URIRef]) -> None:
        for p in self.shapes.predicates(shape):
            if p not in allowed:
                raise ShapesError(f"{shape}: {p} is not implemented by the compiled validator")

    def _message(self, shape: Node) -> str | None:
        message = self.shapes.value(shape, SH.message)
        return None if message is None else str(message)

    def _checks(
        self, shape: Node, message: str | None, node_level: bool = False
    ) -> tuple[Check, ...]:
        checks = []
        for parameter in sorted(_VALUE_PARAMETERS, key=str):
            if node_level and parameter != SH["class"]:
                continue
            for value in sorted(self.shapes.objects(shape, parameter), key=str):
                checks.append(self._check(parameter, value, message))
        return tuple(checks)

    def _check(self, parameter: URIRef, value: Node, message: str | None) -> Check:
        name = str(parameter).rsplit("#", 1)[1]
        component = f"{name[0].upper()}{name[1:]}ConstraintComponent"
        text = message or _default_message(name, value)
        if parameter == SH.minCount:
            bound = int(value)  # type: ignore[call-overload]
            return Check(component, text, count=lambda n: n >= bound)
        if parameter == SH.maxCount:
            ceiling = int(value)  # type: ignore[call-overload]
            return Check(component, text, count=lambda n: n <= ceiling)
        return Check(component, text, test=self._value_test(parameter, value))

    def _value_test(self, parameter: URIRef, value: Node) -> ValueCheck:
        # The graph's IRIs are interned (vocab.iri): the same objects here make lookups cheap.
        if parameter == SH.datatype:
            return _has_datatype(iri(str(value)))
        if parameter == SH["class"]:
            return _has_class(iri(str(value)))
        if parameter == SH.nodeKind:
            return _node_kind(value)
        if parameter == SH.pattern:
            return _pattern(str(value))
        if parameter == SH.minLength:
            return _min_length(int(value))  # type: ignore[call-overload]
        if parameter in (SH.minInclusive, SH.maxInclusive):
            assert isinstance(value, Literal)
            at_least = parameter == SH.minInclusive
            return _compare(value, (lambda c: c >= 0) if at_least else (lambda c: c <= 0))
        if parameter == SH["in"]:
            allowed = set(Collection(self.shapes, value))
            return lambda v, _graph: v in allowed
        if parameter == SH["or"]:
            return self._any_of(list(Collection(self.shapes, value)))
        raise ShapesError(f"{parameter} is not implemented by the compiled validator")

    def _any_of(self, members: list[Node]) -> ValueCheck:
        alternatives = []
        for member in members:
            self._refuse_unknown(member, _VALUE_PARAMETERS - {SH.minCount, SH.maxCount})
            alternatives.append([c.test for c in self._checks(member, None) if c.test])

        def test(value: Node, graph: Triples) -> bool:
            return any(all(t(value, graph) for t in tests) for tests in alternatives)

        return test


def _default_message(name: str, value: Node) -> str:
    texts = {
        "minCount": "needs at least {} value(s)",
        "maxCount": "takes at most {} value(s)",
        "datatype": "value is not a literal of datatype {}",
        "class": "value is not an instance of {}",
        "nodeKind": "value is not of node kind {}",
        "pattern": "value does not match the pattern {}",
        "minLength": "value is shorter than {} character(s)",
        "minInclusive": "value is below {}",
        "maxInclusive": "value is above {}",
        "in": "value is not one of the allowed values",
        "or": "value conforms to none of the alternatives",
    }
    return texts[name].format(compact(str(value)))


@cache
def compiled(path: Path) -> tuple[NodeShape, ...]:
    return _Compiler(Graph().parse(path, format="turtle")).node_shapes()
