"""Refuse federated queries in the text, as a second layer: a SERVICE clause makes the
engine connect to any URL the query names (server-side request forgery). The first layer is
``sandbox``: untrusted queries are evaluated where no network exists, so a query this check
misreads still connects nowhere. With ``--allow-service``, this check is what keeps other
endpoints out.

The check reads tokens, not text: ``SERVICE`` inside a string, an IRI or a comment is not a
clause, and ``ex:SERVICE`` is a prefixed name. Prefixed names take SPARQL's escapes (``\\#``,
``\\'``), and an unterminated string runs to the end of its line (or of the text), so every
character is read once: the scan is linear in the query's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from llm4rec_kg.errors import UsageError

_LOCAL = r"(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?#@%])*"
_TOKENS = re.compile(
    rf'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)|\'\'\'(?:[^'\\]|\\.|'(?!''))*(?:\'\'\'|\Z)
                  |"(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z)|'(?:[^'\\\n]|\\.)*(?:'|(?=\n)|\Z))
      |(?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
      |(?P<comment>\#[^\n]*)
      |(?P<var>[?$]\w+)
      |(?P<word>[A-Za-z_][\w.-]*:{_LOCAL}|:{_LOCAL}|[A-Za-z_]\w*)
      |(?P<other>\S)''',
    re.VERBOSE | re.DOTALL,
)


class ServiceRefused(UsageError):
    """A query names a SERVICE endpoint that is not allowed."""


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each token but comments: string, iri, var, word or other."""
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield kind, match.group()


def services(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses name: an IRI (without <>), or the variable
    or prefixed name as written."""
    found_tokens = list(tokens(text))
    found = []
    for i, (kind, value) in enumerate(found_tokens):
        if kind == "word" and value.upper() == "SERVICE":
            rest = found_tokens[i + 1 : i + 3]
            if rest and rest[0][0] == "word" and rest[0][1].upper() == "SILENT":
                rest = rest[1:]
            target = rest[0] if rest else ("other", "")
            found.append(target[1][1:-1] if target[0] == "iri" else target[1])
    return found


def check(text: str, allowed: Iterable[str] = ()) -> None:
    """Raise ServiceRefused for a SERVICE clause whose endpoint is not in allowed."""
    permitted = set(allowed)
    for endpoint in services(text):
        if endpoint not in permitted:
            raise ServiceRefused(
                f"SERVICE <{endpoint}> is refused: federated queries connect to other servers; "
                "allow an endpoint with --allow-service URL"
                if endpoint.startswith(("http://", "https://"))
                else f"SERVICE {endpoint} is refused: only a SERVICE with an allowed endpoint "
                "IRI (--allow-service URL) may run"
            )


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


def is_update(text: str) -> bool:
    """Whether text is a SPARQL Update request: after its prologue (BASE and PREFIX
    declarations) it starts with an update operation. Reads tokens, in linear time."""
    stream = tokens(text)
    for kind, value in stream:
        word = value.upper() if kind == "word" else ""
        if word == "BASE":
            next(stream, None)
        elif word == "PREFIX":
            next(stream, None)
            next(stream, None)
        else:
            return word in UPDATE_KEYWORDS
    return False
