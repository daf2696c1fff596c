"""YAML in and out with ruamel.yaml's round-trip mode.

Round-trip keeps a maintainer's comments and key order when the importer rewrites a file,
remembers the line of every key for error messages, and rejects duplicate keys.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
from pathlib import Path
from typing import Any

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


def load(path: Path, label: str | None = None) -> Any:
    """Parse one YAML file; syntax errors and duplicate keys become located problems."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{name}: cannot read: {err}") from err
    if line := _alias_line(text):
        message = "YAML anchors and aliases are not allowed (they can expand without bound)"
        raise InvalidDataError("yaml", [Problem(name, line, None, None, message)])
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
    except YAMLError as err:
        raise InvalidDataError("yaml", [Problem(name, None, None, None, str(err))]) from err


def _alias_line(text: str) -> int | None:
    """The line of the first alias (``*name``) or anchor, read by PyYAML's C scanner before
    the slower round-trip parser, which would expand them."""
    import yaml

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
    """1-based line of a mapping key (or of the node itself) as ruamel recorded it."""
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
