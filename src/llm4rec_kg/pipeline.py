"""The library's entry points: each CLI command calls exactly one of these.

Stages run in a fixed order (YAML syntax, catalog schema, graph build, SHACL) and nothing
is written until all of them pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from llm4rec_kg import builder, exports, shacl
from llm4rec_kg.catalog import Catalog, load_catalog
from llm4rec_kg.errors import InvalidDataError
from llm4rec_kg.vocab import DEFAULT_BASE, Minter


@dataclass(frozen=True)
class Validated:
    catalog: Catalog
    graph: Graph
    base: str

    @property
    def triples(self) -> int:
        return len(self.graph)


@dataclass(frozen=True)
class BuildResult:
    validated: Validated
    files: list[Path]
    seconds: float


def validate(catalog_dir: Path, base: str = DEFAULT_BASE) -> Validated:
    """Load, check, build and SHACL-validate the catalog; raise InvalidDataError if anything
    is wrong, with every problem of the first failing stage."""
    catalog = load_catalog(catalog_dir)
    mint = Minter(base)
    graph = builder.build_graph(catalog, mint)
    problems = shacl.validate_graph(graph, builder.subjects(catalog, mint), catalog)
    if problems:
        raise InvalidDataError("shacl", problems)
    return Validated(catalog, graph, mint.base)


def build(catalog_dir: Path, out_dir: Path, base: str = DEFAULT_BASE) -> BuildResult:
    """Validate the catalog, then write every export into out_dir atomically."""
    started = time.perf_counter()
    done = validate(catalog_dir, base)
    graph, base = done.graph, done.base
    files = exports.write_exports(
        out_dir,
        {
            "llm4rec.ttl": lambda: exports.turtle(graph, base),
            "llm4rec.nt": lambda: exports.ntriples(graph),
            "llm4rec.jsonld": lambda: exports.jsonld(graph),
            "void.ttl": lambda: exports.void(graph, base, list(exports.EXPORT_NAMES[:3])),
        },
    )
    return BuildResult(done, files, time.perf_counter() - started)
