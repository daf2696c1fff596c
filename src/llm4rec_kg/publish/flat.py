"""Flat exports for people who live in spreadsheets and reference managers, all read from
the graph by SPARQL (``sparql/flat_papers.rq`` and ``flat_values.rq``), so they say what
the graph says, corrections applied:

- ``papers.csv``: one row per publication, with its identifiers, venue, year, models (with
  their roles), code and the lists that give it;
- ``papers.csl.json``: CSL-JSON for Zotero, pandoc and citeproc (no authors: the lists do
  not give them, and none are invented);
- ``papers.md``: the merged catalog as an awesome-list table in the WLiK list's columns, so
  fixes can be proposed upstream.

Single-valued fields come from ``flat_papers.rq``, the others from ``flat_values.rq`` as
(paper, field, value) rows, so no field multiplies another's rows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.resources import internal_query

L4R = "https://w3id.org/llm4rec/ontology#"
DATACITE_ARXIV = "https://doi.org/10.48550/"
DOI = "https://doi.org/"
KINDS = {L4R + "Paper": "paper", L4R + "Survey": "survey", L4R + "Tutorial": "tutorial"}
CSV_COLUMNS = (
    "iri",
    "type",
    "short_name",
    "title",
    "year",
    "venue",
    "publisher",
    "arxiv",
    "doi",
    "url",
    "paradigm",
    "models",
    "families",
    "tuning",
    "code",
    "lists",
)


@dataclass(frozen=True)
class Publication:
    iri: str
    kind: str
    title: str
    short_name: str
    year: int | None
    venue: str
    venue_types: tuple[str, ...]
    publisher: str
    arxiv: str
    doi: str
    url: str
    paradigm: str
    models: tuple[str, ...]
    uses: tuple[str, ...]
    families: tuple[str, ...]
    tuning: tuple[str, ...]
    code: tuple[tuple[str, str], ...]  # (url, language or "")
    lists: tuple[str, ...]


def store(ntriples: Path) -> ox.Store:
    """A store of the N-Triples export's triples that the flat queries can match: those
    whose predicate one of them names. Rows, provenance and the rest, most of a large
    graph, are left out, which makes the store a fraction of the whole graph's."""
    wanted = _predicates("flat_papers", "flat_values")
    found = ox.Store()
    with ntriples.open("rb") as lines:
        kept = b"".join(line for line in lines if line.split(b" ", 2)[1] in wanted)
    found.bulk_load(kept, format=ox.RdfFormat.N_TRIPLES)
    return found


def _predicates(*names: str) -> frozenset[bytes]:
    """Every predicate the queries' patterns and property paths name, as N-Triples terms.
    Read from the parsed algebra (rdflib's parser), so a query's prefixes, ``a`` and paths
    count as the engine reads them; a pattern with a variable predicate could match any
    triple, and is refused rather than answered from part of the graph."""
    from rdflib.plugins.sparql import prepareQuery

    found: set[bytes] = set()
    for name in names:
        _walk(prepareQuery(internal_query(name)).algebra, found)
    return frozenset(found)


def _walk(node: Any, found: set[bytes]) -> None:
    from rdflib import Variable

    if isinstance(node, dict):  # the algebra's nodes (CompValue) are dicts
        for key, value in node.items():
            if key == "triples":
                for _s, predicate, _o in value:
                    if isinstance(predicate, Variable):
                        raise ValueError("a flat query has a variable predicate")
                    _path_iris(predicate, found)
            else:
                _walk(value, found)
    elif isinstance(node, list | tuple):
        for item in node:
            _walk(item, found)


def _path_iris(path: Any, found: set[bytes]) -> None:
    from rdflib import URIRef

    if isinstance(path, URIRef):
        found.add(f"<{path}>".encode())
        return
    # Sequence and alternative paths hold args; one-or-more and the like a path; inverse an arg.
    parts = (*getattr(path, "args", ()), getattr(path, "path", None), getattr(path, "arg", None))
    for part in parts:
        if part is not None:
            _path_iris(part, found)


def publications(store: ox.Store) -> list[Publication]:
    values: dict[str, dict[str, set[str]]] = {}
    for row in _select(store, "flat_values"):
        fields = values.setdefault(_value(row, "paper"), {})
        fields.setdefault(_value(row, "field"), set()).add(_value(row, "value"))
    return [
        _publication(row, values.get(_value(row, "paper"), {}))
        for row in _select(store, "flat_papers")
    ]


def _select(store: ox.Store, name: str) -> ox.QuerySolutions:
    solutions = store.query(internal_query(name))
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _value(row: Any, name: str) -> str:
    term = row[name]
    return "" if term is None else str(term.value)


def _publication(row: Any, many: dict[str, set[str]]) -> Publication:
    def sorted_values(name: str) -> tuple[str, ...]:
        return tuple(sorted(many.get(name, set()) - {""}))

    same = sorted_values("same_as")
    dois = [s[len(DOI) :] for s in same if s.startswith(DOI) and not s.startswith(DATACITE_ARXIV)]
    year = _value(row, "year")
    code = tuple(
        (url, language)
        for url, _, language in sorted(c.partition("\x1e") for c in sorted_values("code"))
    )
    return Publication(
        iri=_value(row, "paper"),
        kind=KINDS[_value(row, "type")],
        title=_value(row, "title"),
        short_name=_value(row, "short"),
        year=int(year) if year else None,
        venue=_value(row, "venue_label"),
        venue_types=tuple(t.removeprefix(L4R) for t in sorted_values("venue_types")),
        publisher=_value(row, "publisher_label"),
        arxiv=_value(row, "arxiv"),
        doi=dois[0] if dois else "",
        url=_value(row, "url"),
        paradigm=_value(row, "paradigm"),
        models=sorted_values("models"),
        uses=sorted_values("uses"),
        families=sorted_values("families"),
        tuning=sorted_values("tuning"),
        code=code,
        lists=tuple(sorted(i.rsplit("/", 1)[-1] for i in sorted_values("lists"))),
    )


def papers_csv(papers: list[Publication]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in papers:
        writer.writerow(
            (
                p.iri,
                p.kind,
                p.short_name,
                p.title,
                p.year or "",
                p.venue,
                p.publisher,
                p.arxiv,
                p.doi,
                p.url,
                p.paradigm,
                "; ".join(p.uses),
                "; ".join(p.families),
                "; ".join(p.tuning),
                "; ".join(url for url, _ in p.code),
                "; ".join(p.lists),
            )
        )
    return out.getvalue()


def _csl_type(p: Publication) -> str:
    if "Journal" in p.venue_types:
        return "article-journal"
    if {"Conference", "Workshop"} & set(p.venue_types):
        return "paper-conference"
    return "article"  # CSL's type for preprints and works whose venue kind is unknown


def csl_json(papers: list[Publication]) -> str:
    items = []
    for p in papers:
        item: dict[str, Any] = {
            "id": p.iri.rsplit("/", 1)[-1],
            "type": _csl_type(p),
            "title": p.title,
            "URL": p.url or p.iri,
            "source": "LLM4Rec knowledge graph",
            "note": f"IRI: {p.iri}",
        }
        if p.year:
            item["issued"] = {"date-parts": [[p.year]]}
        if p.venue:
            item["container-title"] = p.venue
        if p.publisher:
            item["publisher"] = p.publisher
        if p.doi:
            item["DOI"] = p.doi
        elif p.arxiv:
            item["DOI"] = f"10.48550/arXiv.{p.arxiv}"
        if p.arxiv:
            item["number"] = f"arXiv:{p.arxiv}"
        if p.short_name:
            item["title-short"] = p.short_name
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# Each section: its heading, the kind of publication, and the paradigm ("" for none stated).
SECTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("No Tuning", "paper", "No Tuning"),
    ("Supervised Fine-Tuning", "paper", "Supervised Fine-Tuning"),
    ("Other papers (no list states the paradigm)", "paper", ""),
    ("Related Survey", "survey", None),
    ("Related Tutorial", "tutorial", None),
)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def awesome_markdown(papers: list[Publication]) -> str:
    """The catalog in the WLiK list's columns (Name, Paper, Venue, Year, Code, LLM), newest
    first, with a section for the papers whose paradigm no list states."""
    lines = [
        "# LLM for Recommendation Systems: the merged catalog",
        "",
        "Generated by `llm4rec-kg build` from the LLM4Rec knowledge graph (corrections",
        "applied), in the columns of WLiK/LLM4Rec-Awesome-Papers. Each paper's IRI has its",
        "sources.",
    ]
    for title, kind, paradigm in SECTIONS:
        rows = sorted(
            (p for p in papers if p.kind == kind and paradigm in (None, p.paradigm)),
            key=lambda p: (-(p.year or 0), p.title, p.iri),
        )
        if not rows:
            continue
        lines += ["", f"### {title}", "", "| Name | Paper | Venue | Year | Code | LLM |"]
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for p in rows:
            link = p.url or p.iri
            code = f"[{p.code[0][1] or 'Code'}]({p.code[0][0]})" if p.code else "N/A"
            cells = (
                _cell(p.short_name) or "N/A",
                f"[{_cell(p.title)}]({link})",
                _cell(p.venue or p.publisher) or "N/A",
                str(p.year or "N/A"),
                code,
                _cell(", ".join(p.models)) or "N/A",
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
