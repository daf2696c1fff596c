"""Named queries from ``queries/*.rq`` and the binding of their parameters.

A query file opens with a comment header::

    # title: Papers using a given LLM
    # description: Papers whose base LLM has the given label or alias.
    # param: model (string) = LLaMA -- a model label or alias, any case

Parameters become RDF terms (a string literal, an IRI or an integer) and reach the engine
as bindings: pyoxigraph substitutions for the embedded store, and for a remote endpoint a
VALUES block of escaped terms at the head of the WHERE clause. A value is never spliced into
the query as text, so quotes, braces, ``#`` or newlines in it cannot change the query.

pyoxigraph substitutes only projected variables, so a SELECT names its parameters in its
projection; the output then shows which value each row answers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from llm4rec_kg.errors import UsageError
from llm4rec_kg.resources import queries_dir
from llm4rec_kg.sparql.results import XSD, Term

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*\((string|iri|integer)\)\s*=\s*(.*?)\s+--\s+(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str
    description: str

    def term(self, value: str) -> Term:
        if self.kind == "iri":
            if not re.fullmatch(r"[a-zA-Z][\w+.-]*:[^\s<>\"{}|^`\\]*", value):
                raise UsageError(f"parameter {self.name!r} needs an IRI, not {value!r}")
            return Term("uri", value)
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise UsageError(f"parameter {self.name!r} needs a whole number, not {value!r}")
            return Term("literal", str(int(value)), XSD + "integer")
        return Term("literal", value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def bindings(self, values: Mapping[str, str]) -> dict[str, Term]:
        known = {p.name: p for p in self.params}
        for name in values:
            if name not in known:
                hint = _hint(name, known)
                raise UsageError(f"query {self.name!r} has no parameter {name!r}{hint}")
        return {p.name: p.term(values.get(p.name, p.default)) for p in self.params}


def parse(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not line.startswith("#"):
            break
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            found = _PARAM.match(value)
            if not found:
                raise UsageError(f"{name}.rq: cannot read parameter line {value!r}")
            params.append(Param(*found.groups()))
        else:
            fields[key] = value.strip()
    if "title" not in fields:
        raise UsageError(f"{name}.rq: the header has no '# title:' line")
    return NamedQuery(name, fields["title"], fields.get("description", ""), text, tuple(params))


def load_all(directory: Path | None = None) -> dict[str, NamedQuery]:
    folder = directory or queries_dir()
    return {
        path.stem: parse(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
    }


def find(name: str, directory: Path | None = None) -> NamedQuery:
    named = load_all(directory)
    if name not in named:
        close = difflib.get_close_matches(name, named, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"no named query {name!r}{hint}; 'query --list' shows them all")
    return named[name]


def _hint(name: str, options: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ------------------------------------------------------------ remote binding

_TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)|(?P<string>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')|(?P<iri><[^<>\"{}|^`\\\s]*>)|(?P<var>[?$][A-Za-z_]\w*)"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<open>\{)|(?P<close>\})|(?P<other>[\s\S])"
)


def with_terms(update: str, bindings: Mapping[str, Term]) -> str:
    """The update with each bound variable replaced by its escaped term (``Term.n3``), for
    stores that take no VALUES block in an update (Virtuoso 7 fails on one). Only variable
    tokens are replaced, never text inside strings, IRIs or comments."""

    def term(match: re.Match[str]) -> str:
        name = match.group()[1:]
        if match.lastgroup == "var" and name in bindings:
            return bindings[name].n3()
        return match.group()

    return _TOKEN.sub(term, update)


def with_values(query: str, bindings: Mapping[str, Term]) -> str:
    """The query with a VALUES block of escaped terms opening each of its WHERE groups.

    For endpoints that take no separate bindings. Every WHERE group gets the block, sub-
    SELECTs included, so a parameter is bound wherever it is used, as pyoxigraph's
    substitution does. Terms are written with ``Term.n3``, which escapes every character
    that could end the term, so the block cannot alter the query.
    """
    if not bindings:
        return query
    names = sorted(bindings)
    block = (
        f" VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(bindings[n].n3() for n in names)}) }} "
    )
    for position in reversed(_where_braces(query)):
        query = query[:position] + block + query[position:]
    return query


def _where_braces(query: str) -> list[int]:
    """Offsets just inside each group that follows WHERE (or the first group, if none)."""
    positions: list[int] = []
    after_where = False
    first_open: int | None = None
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "comment" or match.group().isspace():
            continue
        if kind == "open":
            if after_where:
                positions.append(match.end())
            elif first_open is None:
                first_open = match.end()
        after_where = kind == "word" and match.group().upper() == "WHERE"
    if positions:
        return positions
    if first_open is None:
        raise UsageError("cannot bind parameters: the query has no WHERE group")
    return [first_open]
