"""The ledger of published IRIs: ``catalog/published-iris.txt``.

Every IRI the graph has minted under the base is listed there, by its path. A build whose
graph no longer mints a listed IRI (as a subject: an entity, or a redirect from
``replaces`` or ``retired.yaml``) fails, so an IRI once published never breaks. A build
that succeeds adds the IRIs it minted for the first time, like a lock file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from llm4rec_kg.catalog import yamlio
from llm4rec_kg.errors import Problem
from llm4rec_kg.graph.triples import Triples

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
