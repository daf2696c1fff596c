"""Summary figures of a built graph, each computed by a SPARQL query in ``sparql/``."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.namespaces import compact
from llm4rec_kg.resources import internal_query


@dataclass(frozen=True)
class Stats:
    triples: int
    entities: dict[str, int]
    source_rows: dict[str, int]
    top_models: list[dict[str, Any]]
    papers_per_year_paradigm: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    lists_per_paper: dict[int, int]
    headings: dict[str, int]
    unmapped_headings: list[str]
    facet_coverage: dict[str, dict[str, int]]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _rows(store: ox.Store, name: str) -> list[list[str]]:
    solutions = store.query(internal_query(name))
    assert isinstance(solutions, ox.QuerySolutions)
    return [["" if term is None else term.value for term in row] for row in solutions]


def compute(triples: Triples, top: int = 10) -> Stats:
    graph = triples.store()
    return Stats(
        triples=len(triples),
        entities={compact(r[0]): int(r[1]) for r in _rows(graph, "entities_per_class")},
        source_rows={
            f"{str(r[0]).rsplit('/', 1)[-1]} {r[1]}": int(r[2])
            for r in _rows(graph, "rows_per_section")
        },
        top_models=[
            {"model": str(r[1]), "papers": int(r[2])} for r in _rows(graph, "top_models")[:top]
        ],
        papers_per_year_paradigm=[
            {"year": int(r[0]), "paradigm": str(r[1]), "papers": int(r[2])}
            for r in _rows(graph, "papers_per_year_paradigm")
        ],
        coverage=[
            {
                "list": str(r[0]).rsplit("/", 1)[-1],
                "title": str(r[1]),
                "papers": int(r[2]),
                "only_here": int(r[3]),
            }
            for r in _rows(graph, "coverage")
        ],
        lists_per_paper={int(r[0]): int(r[1]) for r in _rows(graph, "lists_per_paper")},
        **_taxonomy(graph),
    )


def _taxonomy(graph: ox.Store) -> dict[str, Any]:
    headings = _rows(graph, "headings_mapped")
    return {
        "headings": dict(Counter(state for *_, state in headings)),
        "unmapped_headings": [
            f"{h.rsplit('/', 1)[-1]} ({label})"
            for _, h, label, state in headings
            if state == "unmapped"
        ],
        "facet_coverage": {
            kind: {"papers": int(n), "listed": int(listed), "listed_or_derived": int(either)}
            for kind, n, listed, either in _rows(graph, "facet_coverage")
        },
    }


def render(stats: Stats) -> str:
    lines = [f"Triples: {stats.triples}", "", "Coverage per source list (current snapshot)"]
    lines += _table(
        [(f"{c['list']}  papers", c["papers"]) for c in stats.coverage]
        + [(f"{c['list']}  only in this list", c["only_here"]) for c in stats.coverage]
    )
    total = len(stats.coverage)
    lines += _table(
        [
            (f"papers in {n} of {total} lists" + (" (all)" if n == total else ""), count)
            for n, count in sorted(stats.lists_per_paper.items())
        ]
    )
    lines += ["", "Entities per class"]
    lines += _table(list(stats.entities.items()))
    lines += ["", "Source rows per section"]
    lines += _table(list(stats.source_rows.items()))
    lines += ["", "Section headings mapped to the shared facets"]
    lines += _table(sorted(stats.headings.items()))
    lines += [f"  unmapped: {h}" for h in stats.unmapped_headings]
    lines += ["", "Papers with a role, task or domain facet"]
    for kind, c in sorted(stats.facet_coverage.items()):
        what = "all publications" if kind == "all" else "research papers"
        lines += _table(
            [
                (f"{what}", c["papers"]),
                (f"{what}: listed by a heading", c["listed"]),
                (f"{what}: listed or derived from the title", c["listed_or_derived"]),
            ]
        )
    lines += ["", "Top LLMs (papers using them)"]
    lines += _table([(m["model"], m["papers"]) for m in stats.top_models])
    lines += ["", "Papers per year and paradigm"]
    lines += _table(
        [(f"{p['year']}  {p['paradigm']}", p["papers"]) for p in stats.papers_per_year_paradigm]
    )
    return "\n".join(lines)


def _table(rows: list[tuple[str, int]]) -> list[str]:
    width = max((len(name) for name, _ in rows), default=0)
    return [f"  {name:<{width}}  {count:>5}" for name, count in rows]
