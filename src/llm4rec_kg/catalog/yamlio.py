"""YAML in and out.

Reading (``load``) uses PyYAML's C parser with a constructor that remembers the line of
every key and item, rejects duplicate keys and aliases, and resolves scalars by YAML 1.2's
core schema (``no`` and ``on`` stay strings, ``1:30`` is not a number), as ruamel.yaml
does. It is about 25 times faster than the round-trip loader.

Editing (``load_for_edit`` and ``dump``) uses ruamel.yaml's round-trip mode, which keeps a
maintainer's comments, quotes and key order when the importer rewrites a file.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from llm4rec_kg.errors import InvalidDataError, Problem, SourceError


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


class LineDict(dict[Any, Any]):
    """A mapping as read, with the 1-based line of itself and of each key."""

    line: int
    lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence as read, with the 1-based line of itself and of each item."""

    line: int
    lines: list[int]


_NO_ALIASES = "YAML anchors and aliases are not allowed (they can expand without bound)"


class _Refused(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.CSafeLoader):
    """PyYAML's C parser; the constructor and resolver below."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is a second visit to a node: refused, so a file cannot expand without
        # bound when walked (a "billion laughs" file).
        if node in self.constructed_objects:
            raise _Refused(None, None, _NO_ALIASES, node.start_mark)
        return super().construct_object(node, deep)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = LineDict()
        data.line, data.lines = node.start_mark.line + 1, {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in data:
                raise _Refused(None, None, f"duplicate key {key!r}", key_node.start_mark)
            data[key] = self.construct_object(value_node, deep=True)
            data.lines[key] = key_node.start_mark.line + 1

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:
        data = LineList()
        data.line, data.lines = node.start_mark.line + 1, []
        yield data
        for item in node.value:
            data.append(self.construct_object(item, deep=True))
            data.lines.append(item.start_mark.line + 1)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)


for _tag, _construct in (
    ("int", _Loader.construct_yaml_int),
    ("map", _Loader.construct_yaml_map),
    ("seq", _Loader.construct_yaml_seq),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)


# YAML 1.2's core schema, where PyYAML follows 1.1 (yes/no/on/off booleans, octal ``0777``,
# base-60 ``1:30``); timestamps stay dates, as ruamel.yaml reads them too.
_Loader.yaml_implicit_resolvers = {}
_TIMESTAMP = next(
    regex
    for tag, regex in yaml.resolver.Resolver.yaml_implicit_resolvers["2"]
    if tag.endswith(":timestamp")
)
for _tag, _regex, _first in (
    ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")),
    (
        "float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+0123456789."),
    ),
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("timestamp", _TIMESTAMP, list("0123456789")),
):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", _regex, _first)


def load(path: Path, label: str | None = None) -> Any:
    """Parse one YAML file for reading; syntax errors, duplicate keys and aliases become
    located problems."""
    name = label or str(path)
    text = _read(path, name)
    try:
        return _from_events(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        refused = isinstance(err, _Refused)
        message = (
            str(err.problem) if refused else f"YAML syntax error: {err.problem or err.context}"
        )
        raise InvalidDataError("yaml", [Problem(name, line, None, None, message)]) from err
    except (yaml.YAMLError, ValueError) as err:
        raise InvalidDataError("yaml", [Problem(name, None, None, None, str(err))]) from err


class _Tagged(Exception):
    """An explicit tag: left to the full constructor, which knows every tag."""


def _from_events(text: str) -> Any:
    """The document built straight from the C parser's events, as ``_Loader`` would build
    it from the node tree: the tree of a rows file costs more time and memory than the data
    it holds, and the catalog's files carry no tags, so this path serves nearly every read.
    """
    try:
        return _EventBuilder().build(yaml.parse(text, Loader=yaml.CSafeLoader))
    except _Tagged:
        return yaml.load(text, Loader=_Loader)


class _EventBuilder:
    def __init__(self) -> None:
        self.root: Any = None
        self.stack: list[LineDict | LineList] = []
        self.keys: list[tuple[Any, int] | None] = []  # per open mapping: the key awaiting a value
        self.documents = 0
        self.anchors: dict[str, Any] = {}  # anchor: the mark of the node it names

    def build(self, events: Iterator[Any]) -> Any:
        # Events are typed Any: the C parser's events and marks are not the stubs' classes.
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.tag is not None:
                    raise _Tagged
                try:
                    value = _scalar(event.value) if event.implicit[0] else event.value
                except ValueError as err:  # 2026-02-31: a date's form, not a date
                    message = f"{event.value!r} is not a valid date: {err}"
                    raise _Refused(None, None, message, event.start_mark) from err
                self._add(value, event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._open(event, kind is yaml.MappingStartEvent)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.stack.pop()
                self.keys.pop()
            elif kind is yaml.AliasEvent:  # located at the anchor it repeats, as before
                mark = self.anchors.get(event.anchor, event.start_mark)
                raise _Refused(None, None, _NO_ALIASES, mark)
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        None,
                        "but found another document",
                        event.start_mark,
                    )
        return self.root

    def _open(self, event: Any, mapping: bool) -> None:
        if not event.implicit:
            raise _Tagged
        container: LineDict | LineList
        if mapping:
            container = LineDict()
            container.lines = {}
        else:
            container = LineList()
            container.lines = []
        container.line = event.start_mark.line + 1
        self._add(container, event)
        self.stack.append(container)
        self.keys.append(None)

    def _add(self, value: Any, event: Any) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = event.start_mark
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        line = event.start_mark.line + 1
        if isinstance(top, LineList):
            top.append(value)
            top.lines.append(line)
            return
        pending = self.keys[-1]
        if pending is not None:
            key, key_line = pending
            top[key] = value
            top.lines[key] = key_line
            self.keys[-1] = None
            return
        if isinstance(value, LineDict | LineList):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", None, "found unhashable key", event.start_mark
            )
        if value in top:
            raise _Refused(None, None, f"duplicate key {value!r}", event.start_mark)
        self.keys[-1] = (value, line)


_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = _Loader.yaml_implicit_resolvers
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(value: str) -> Any:
    """A plain scalar's value by the core schema's resolvers above."""
    for tag, regex in _RESOLVERS.get(value[:1], ()):  # noqa: B007 (the tag found is used)
        if regex.match(value):
            break
    else:
        return value
    kind = tag.rsplit(":", 1)[1]
    if kind == "int":
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind == "float":
        return _float(value)
    node = yaml.ScalarNode(tag, value)
    return _CONSTRUCTOR.construct_yaml_timestamp(node)


def _float(value: str) -> float:
    lowered = value.lower()
    sign = -1.0 if lowered.startswith("-") else 1.0
    body = lowered.lstrip("+-")
    if body == ".inf":
        return sign * float("inf")
    if body == ".nan":
        return float("nan")
    return float(value)


def _read(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{name}: cannot read: {err}") from err


def load_for_edit(path: Path, label: str | None = None) -> Any:
    """Parse one YAML file with its comments and layout, to change it and write it back."""
    name = label or str(path)
    text = _read(path, name)
    if line := _alias_line(text):
        raise InvalidDataError("yaml", [Problem(name, line, None, None, _NO_ALIASES)])
    try:
        return _yaml().load(text)
    except DuplicateKeyError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        key = (err.problem or "").split('"')[1] if '"' in (err.problem or "") else None
        message = f"duplicate key {key!r}" if key else "duplicate key"
        raise InvalidDataError("yaml", [Problem(name, line, None, None, message)]) from err
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {err.problem or err.context}"
        raise InvalidDataError("yaml", [Problem(name, line, None, None, message)]) from err
    except (YAMLError, ValueError) as err:  # ValueError: a date's form, not a date
        raise InvalidDataError("yaml", [Problem(name, None, None, None, str(err))]) from err


def _alias_line(text: str) -> int | None:
    """The line of the first alias (``*name``) or anchor, read by PyYAML's C scanner before
    the slower round-trip parser, which would expand them."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                return int(event.start_mark.line) + 1 if event.start_mark else 1
    except yaml.YAMLError:
        return None  # the round-trip parser reports syntax errors with their line
    return None


def line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of a mapping key or sequence item (or of the node itself)."""
    if isinstance(node, LineDict | LineList):
        if key is None:
            return node.line
        if isinstance(node, LineDict):
            return node.lines.get(key)
        return node.lines[key] if isinstance(key, int) and 0 <= key < len(node.lines) else None
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is not None and isinstance(node, CommentedMap | CommentedSeq):
            return (
                int(lc.key(key)[0]) + 1
                if isinstance(node, CommentedMap)
                else int(lc.item(key)[0]) + 1
            )
        return int(lc.line) + 1
    except (KeyError, IndexError, TypeError):
        return None


def dump(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def atomic_write(path: Path, text: str) -> None:
    """Replace path with text in one rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp makes the file 0600; keep the mode the file had (or the umask's default).
        Path(tmp).chmod(mode_of(path))
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def plain(node: Any) -> Any:
    """Round-trip nodes as plain dicts, lists and scalars, for the stages after validation."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime.date):
        return node.isoformat()
    return node
