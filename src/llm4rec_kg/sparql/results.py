"""One model of SPARQL results for every engine, and the formats they are written in.

Embedded (pyoxigraph) and remote (SPARQL JSON via SPARQLWrapper) results both become a
``Result``: a variable list and rows of ``Term``s, a boolean, or triples. Writers produce
the W3C formats (JSON, XML, CSV, TSV), an aligned terminal table with prefixed IRIs, and
Turtle, N-Triples or JSON-LD for graph results.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import pyoxigraph as ox

from llm4rec_kg.namespaces import compact

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


@dataclass(frozen=True)
class Term:
    kind: str  # uri | literal | bnode
    value: str
    datatype: str | None = None
    lang: str | None = None

    def n3(self) -> str:
        """The term in N-Triples syntax, escaped so no value can break out of it."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = json.dumps(self.value, ensure_ascii=False)  # escapes quotes, newlines, \\
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD + "string":
            return f"{text}^^<{self.datatype}>"
        return text

    def sparql_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD + "string":
            out["datatype"] = self.datatype
        return out

    def to_oxigraph(self) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(self.value)
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype or XSD + "string"))


@dataclass
class Result:
    kind: str  # select | ask | graph
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    truncated: bool = False
    hints: list[str] = field(default_factory=list)  # why an answer is empty, when known

    def column(self, name: str) -> list[str]:
        return [row[name].value if name in row else "" for row in self.rows]


def from_oxigraph_term(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    return Term(
        "literal", term.value, term.datatype.value if term.datatype else None, term.language
    )


def from_oxigraph(solutions: Any, cap: int | None = None) -> Result:
    """Read pyoxigraph results, keeping at most ``cap`` rows or triples."""
    if isinstance(solutions, ox.QueryBoolean):
        return Result("ask", boolean=bool(solutions))
    if isinstance(solutions, ox.QuerySolutions):
        names = [v.value for v in solutions.variables]
        result = Result("select", variables=names)
        # Values recur down a column (labels, years, classes): each is converted once.
        seen: dict[Any, Term] = {}
        for solution in solutions:
            if cap is not None and len(result.rows) >= cap:
                result.truncated = True
                break
            row = {}
            for name, term in zip(names, solution, strict=True):
                if term is not None:
                    value = seen.get(term)
                    if value is None:
                        value = seen[term] = from_oxigraph_term(term)
                    row[name] = value
            result.rows.append(row)
        return result
    result = Result("graph")
    for triple in solutions:
        if cap is not None and len(result.triples) >= cap:
            result.truncated = True
            break
        result.triples.append(
            (
                from_oxigraph_term(triple.subject),
                from_oxigraph_term(triple.predicate),
                from_oxigraph_term(triple.object),
            )
        )
    return result


def graph_result(quads: Iterable[Any]) -> Result:
    """Triples (pyoxigraph quads or triples) as a graph Result."""
    return Result(
        "graph",
        triples=[
            (
                from_oxigraph_term(q.subject),
                from_oxigraph_term(q.predicate),
                from_oxigraph_term(q.object),
            )
            for q in quads
        ],
    )


def from_sparql_json(data: Mapping[str, Any]) -> Result:
    if "boolean" in data:
        return Result("ask", boolean=bool(data["boolean"]))
    variables = list(data["head"].get("vars", []))
    rows = [
        {name: _json_term(value) for name, value in binding.items()}
        for binding in data["results"]["bindings"]
    ]
    return Result("select", variables=variables, rows=rows)


def _json_term(value: Mapping[str, str]) -> Term:
    kind = "literal" if value["type"] in ("literal", "typed-literal") else value["type"]
    return Term(kind, value["value"], value.get("datatype"), value.get("xml:lang"))


# ------------------------------------------------------------------ writers


def to_json(result: Result) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    body = {
        "head": {"vars": result.variables},
        "results": {
            "bindings": [{k: t.sparql_json() for k, t in row.items()} for row in result.rows]
        },
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def to_xml(result: Result) -> str:
    ns = "http://www.w3.org/2005/sparql-results#"
    root = ET.Element("sparql", xmlns=ns)
    head = ET.SubElement(root, "head")
    if result.kind == "ask":
        ET.SubElement(root, "boolean").text = "true" if result.boolean else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, "variable", name=name)
        results = ET.SubElement(root, "results")
        for row in result.rows:
            element = ET.SubElement(results, "result")
            for name, term in row.items():
                binding = ET.SubElement(element, "binding", name=name)
                tag = {"uri": "uri", "bnode": "bnode"}.get(term.kind, "literal")
                node = ET.SubElement(binding, tag)
                node.text = term.value
                if term.lang:
                    node.set("xml:lang", term.lang)
                elif term.datatype and term.kind == "literal":
                    node.set("datatype", term.datatype)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def to_csv(result: Result) -> str:
    """SPARQL 1.1 CSV: plain values, so IRIs and literals lose their markup."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables if result.kind != "ask" else ["boolean"])
    if result.kind == "ask":
        writer.writerow(["true" if result.boolean else "false"])
    for row in result.rows:
        writer.writerow([row[n].value if n in row else "" for n in result.variables])
    return out.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax, one row per line."""
    lines = ["\t".join(f"?{n}" for n in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row[n]) if n in row else "" for n in result.variables))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Term) -> str:
    if term.kind == "literal" and term.datatype in _NUMERIC:
        return term.value
    return term.n3().replace("\t", "\\t")


MIN_COLUMN = 8


def fit(widths: list[int], limit: int) -> list[int]:
    """Column widths whose row (with two spaces between columns) fits in limit: the widest
    column gives way first, none below MIN_COLUMN."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(result: Result, prefixes: Mapping[str, str], width: int | None = None) -> str:
    """An aligned table for a terminal, with IRIs shortened to prefixed names; with width,
    long cells are cut (ending in "…") so that each line fits."""
    if result.kind == "ask":
        return "yes\n" if result.boolean else "no\n"
    if result.kind == "graph":
        return to_rdf(result, "turtle", prefixes)
    header = result.variables
    body = [[_display(row[n], prefixes) if n in row else "" for n in header] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    if width is not None:
        widths = fit(widths, width)
        header = [_cut(h, w) for h, w in zip(header, widths, strict=True)]
        body = [[_cut(c, w) for c, w in zip(r, widths, strict=True)] for r in body]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    noun = "row" if len(body) == 1 else "rows"
    lines.append(f"({len(body)} {noun}{', truncated' if result.truncated else ''})")
    return "\n".join(lines) + "\n"


# Shown as escapes on a terminal: an ESC in data would otherwise drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _display(term: Term, prefixes: Mapping[str, str]) -> str:
    if term.kind == "uri":
        return shorten(term.value, prefixes)
    text = " ".join(term.value.split())
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shorten(iri: str, prefixes: Mapping[str, str]) -> str:
    """An IRI as SPARQL writes it: a prefixed name, else in angle brackets."""
    short = compact(iri, prefixes)
    return f"<{iri}>" if short == iri else short


def to_rdf(result: Result, fmt: str, prefixes: Mapping[str, str]) -> str:
    """Graph results as Turtle, N-Triples or JSON-LD (via rdflib, sorted for stable output)."""
    from rdflib import Graph

    data = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.triples)
    graph = Graph()
    graph.parse(data=data, format="nt")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    if fmt == "nt":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    return graph.serialize(format="longturtle" if fmt == "turtle" else "json-ld")
