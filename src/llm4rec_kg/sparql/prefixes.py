"""SPARQL a person can write: the prefixes the tool prints work undeclared, and a parse
error is one readable line.

``declare`` adds a ``PREFIX`` line for every known prefix a query uses without declaring
(``l4r:``, ``paper:``, ``schema:``, ...); a declaration in the query always wins.
``readable`` shortens the engine's parse errors, which list every character class the
grammar would have accepted, to their position and gist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from llm4rec_kg.sparql.guard import tokens

_EXPECTED = re.compile(r"expected one of (.*)", re.DOTALL)
# Ends each PREFIX line ``declare`` adds, so that an error's line number can be given in the
# lines the person wrote (``readable``).
MARK = "  # declared by llm4rec-kg"
_POSITION = re.compile(r"\bat (\d+):(\d+)")


def used_and_declared(text: str) -> tuple[list[str], set[str]]:
    """The prefixes a query's prefixed names use, in order, and those it declares."""
    used: list[str] = []
    declared: set[str] = set()
    stream = tokens(text)
    for kind, value in stream:
        if kind == "word" and value.upper() == "PREFIX":
            name = next(stream, ("", ""))[1]
            declared.add(name.rstrip(":"))
        elif kind == "word" and ":" in value:
            prefix = value.split(":", 1)[0]
            if prefix not in used:
                used.append(prefix)
    return used, declared


def declare(text: str, known: Mapping[str, str]) -> str:
    """The query with PREFIX lines for the known prefixes it uses but does not declare."""
    used, declared = used_and_declared(text)
    missing = [p for p in used if p not in declared and p in known]
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{known[p]}>{MARK}\n" for p in missing) + text


def _as_written(line: str, text: str) -> str:
    """The error's position in the query as written: without the lines ``declare`` added."""
    added = 0
    for row in text.split("\n"):
        if not row.endswith(MARK):
            break
        added += 1
    if not added:
        return line
    return _POSITION.sub(
        lambda m: (
            f"at {int(m.group(1)) - added}:{m.group(2)}" if int(m.group(1)) > added else m.group(0)
        ),
        line,
        count=1,
    )


def readable(message: str, text: str, known: Mapping[str, str]) -> str:
    """One line: where the parse failed and what the engine expected, in short; for a
    prefix no declaration names, the PREFIX line to add."""
    line = _as_written(" ".join(message.split()), text)
    used, declared = used_and_declared(text)
    unknown = [p for p in used if p not in declared and p not in known]
    if "Prefix not found" in line and unknown:
        head = line.split(": expected", 1)[0]
        return f"{head}: prefix {unknown[0]!r} is not declared: add PREFIX {unknown[0]}: <...>"
    if match := _EXPECTED.search(line):
        choices = [c.strip() for c in match.group(1).split(",")]
        words = [c for c in choices if not c.startswith("[") and "'" not in c]
        head = line[: match.start()].rstrip(": ")
        if words:
            return f"{head}: expected {', '.join(words[:6])}" + (" ..." if len(words) > 6 else "")
        return f"{head}: unexpected text there"
    return line
