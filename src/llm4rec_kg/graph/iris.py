"""The ledger of published IRIs: ``catalog/published-iris.txt``.

Every IRI the graph has minted under the base is listed there, by its path. A build whose
graph no longer mints a listed IRI (as a subject: an entity, or a redirect from
``replaces`` or ``retired.yaml``) fails, so an IRI once published never breaks. A build
that succeeds adds the IRIs it minted for the first time, like a lock file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from llm4rec_kg.catalog import yamlio
from llm4rec_kg.errors import Problem
from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.namespaces import compact
from llm4rec_kg.readers import normalize

if TYPE_CHECKING:
    from llm4rec_kg.catalog import Catalog

LEDGER = "published-iris.txt"
HEADER = (
    "# Every IRI this graph has published, as a path under the base IRI. Written by\n"
    "# `llm4rec-kg build`; a build that no longer mints one of these fails. To retire one,\n"
    "# say what replaces it in retired.yaml (or, for an entity's old key, in `replaces`).\n"
)


def minted(graph: Triples, base: str) -> set[str]:
    return {
        str(s)[len(base) :]
        for s in graph.subjects()
        if isinstance(s, URIRef) and str(s).startswith(base)
    }


def published(catalog_dir: Path) -> list[str]:
    path = catalog_dir / LEDGER
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def check(catalog_dir: Path, graph: Triples, base: str) -> list[Problem]:
    """Published IRIs the graph no longer mints, each located on its ledger line."""
    have = minted(graph, base)
    label = str(catalog_dir / LEDGER)
    problems = []
    lines = (
        (catalog_dir / LEDGER).read_text(encoding="utf-8").splitlines()
        if (catalog_dir / LEDGER).exists()
        else []
    )
    for number, line in enumerate(lines, 1):
        path = line.strip()
        if path and not path.startswith("#") and path not in have:
            problems.append(
                Problem(
                    label,
                    number,
                    path,
                    None,
                    "was published and is no longer minted: keep its entity, or say what "
                    "replaces it in retired.yaml",
                )
            )
    return problems


def record(catalog_dir: Path, graph: Triples, base: str) -> bool:
    """Add the graph's new IRIs to the ledger; True when it changed."""
    old = published(catalog_dir)
    paths = sorted(set(old) | minted(graph, base))
    if paths == old:
        return False
    yamlio.atomic_write(catalog_dir / LEDGER, HEADER + "".join(f"{p}\n" for p in paths))
    return True


# The readers and the schema refuse these first; this is the last gate before a writer.
_FORBIDDEN = normalize.IRI_FORBIDDEN
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def malformed(
    graph: Triples, where: Mapping[URIRef, tuple[str, str]], catalog: Catalog | None = None
) -> list[Problem]:
    """Every IRI of the graph that is no IRI, located on the entry whose triple holds it;
    and every IRI minted under the base whose path is not plain segments."""
    problems: set[Problem] = set()
    for s, p, o in graph:
        for term in (s, p, o):
            if isinstance(term, URIRef) and (reason := _fault(str(term))):
                entry = where.get(s) if isinstance(s, URIRef) else None
                location = catalog.locations.get(entry) if catalog and entry else None
                problems.add(
                    Problem(
                        location.file if location else "graph",
                        location.line if location else None,
                        entry[1] if entry else str(s),
                        compact(str(p)),
                        f"{reason}: {str(term)!r}",
                    )
                )
    return sorted(problems)


def _fault(iri: str) -> str | None:
    if not _SCHEME.match(iri):
        return "is not an absolute IRI"
    if found := _FORBIDDEN.search(iri):
        return f"holds {found.group()!r}, which no IRI may hold"
    return None
