"""JSON laid out as ``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``
lays it out, written faster and in pieces: the standard library's indenting encoder is
pure Python and returns one string, which for a large export is most of the time it takes
and a copy of the file in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

_string = json.encoder.encode_basestring  # the C encoder, which ensure_ascii=False uses


def encode(value: Any, indent: str = "") -> str:
    """``value`` as json.dumps lays it out at the depth whose indent is ``indent``."""
    if isinstance(value, str):
        return _string(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = sorted(value.items())
        body = f",\n{inner}".join(f"{_string(k)}: {encode(v, inner)}" for k, v in items)
        return f"{{\n{inner}{body}\n{indent}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        body = f",\n{inner}".join(encode(v, inner) for v in value)
        return f"[\n{inner}{body}\n{indent}]"
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value)  # a float or another number: as the encoder writes it


def array(items: Iterable[Any], indent: str = "") -> Iterator[str]:
    """A JSON array of ``items`` at this depth, an item at a time."""
    inner = indent + "  "
    empty = True
    for item in items:
        yield ("[\n" if empty else ",\n") + inner + encode(item, inner)
        empty = False
    yield "[]" if empty else f"\n{indent}]"
