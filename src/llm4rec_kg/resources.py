"""Where the package finds its ontology, shapes, context and named queries.

A wheel carries them under ``llm4rec_kg/data`` (see pyproject's force-include); a source
checkout or editable install reads the top-level ``ontology/`` and ``queries/`` directly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent.parent / name


def ontology_file(name: str) -> Path:
    return data_dir("ontology") / name


def queries_dir() -> Path:
    return data_dir("queries")


def internal_query(name: str, suffix: str = ".rq") -> str:
    """A query (``.rq``) or update (``.ru``) the package itself runs, from ``sparql/``."""
    return (_PACKAGE / "sparql" / f"{name}{suffix}").read_text(encoding="utf-8")
