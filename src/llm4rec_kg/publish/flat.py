"""Flat exports for people who live in spreadsheets and reference managers, all read from
the graph, so they say what the graph says, corrections applied. What they hold is defined
by two SPARQL queries (``sparql/flat_papers.rq`` and ``flat_values.rq``, run by
``publications``); the build reads the same from the graph's index (``from_graph``), and
the tests hold the two to the same answer:

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from llm4rec_kg.graph.triples import Index, Props, Triples
from llm4rec_kg.graph.vocab import DCTERMS, FABIO, RDF, RDFS, SDO, SKOS
from llm4rec_kg.graph.vocab import L4R as L4R_NS
from llm4rec_kg.publish import jsontext
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


def publications(store: ox.Store) -> list[Publication]:
    """Every publication, as ``flat_papers.rq`` and ``flat_values.rq`` read it from a store:
    the definition of the flat exports' content."""
    values: dict[str, dict[str, set[str]]] = {}
    for row in _select(store, "flat_values"):
        fields = values.setdefault(_value(row, "paper"), {})
        fields.setdefault(_value(row, "field"), set()).add(_value(row, "value"))
    return [
        _publication(
            {name: _value(row, name) for name in _ROW}, values.get(_value(row, "paper"), {})
        )
        for row in _select(store, "flat_papers")
    ]


# flat_papers.rq's variables: the single-valued fields of a publication.
_ROW = (
    "paper",
    "type",
    "title",
    "short",
    "year",
    "venue_label",
    "publisher_label",
    "arxiv",
    "url",
    "paradigm",
)


def from_graph(graph: Triples) -> list[Publication]:
    """The publications ``publications`` reads by SPARQL, read from the built graph's own
    index: the build's path, which at 100k papers takes seconds where loading a store and
    running the queries takes half a minute. The queries stay the definition; the tests
    hold the two paths to the same answer."""
    walk = _Walk(graph.by_subject())
    typed = {s for kind in KINDS for s in graph.subjects(RDF.type, URIRef(kind))}
    rows = []
    for paper in sorted(typed, key=str):
        props = walk.props(paper)
        for kind in sorted(str(t) for t in props.get(RDF.type, ()) if str(t) in KINDS):
            for title in sorted(str(t) for t in props.get(DCTERMS.title, ())) or [""]:
                row = {"paper": str(paper), "type": kind, "title": title}
                for name, path in _SINGLE.items():
                    found = walk.objects(props, path)
                    row[name] = min(str(o) for o in found) if found else ""
                rows.append(_publication(row, _values(props, walk)))
    return rows


_EMPTY: Props = {}


class _Walk:
    """Paths through the graph's index from a publication's properties. What lies past a
    path's first step (a model's label, a venue's types) is shared by many publications,
    so it is looked up once (at 10k papers ``from_graph`` took 1.3 s, and takes 0.9 s)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.shared: dict[tuple[Node, tuple[Node, ...]], Sequence[Node]] = {}

    def props(self, node: Node) -> Props:
        return self.index.get(node, _EMPTY)

    def objects(self, props: Props, path: tuple[Node, ...]) -> Sequence[Node]:
        found = props.get(path[0], ())
        if len(path) == 1:
            return found
        rest = path[1:]
        return [o for node in found for o in self._beyond(node, rest)]

    def _beyond(self, node: Node, path: tuple[Node, ...]) -> Sequence[Node]:
        found = self.shared.get((node, path))
        if found is None:
            found = (node,)
            for predicate in path:
                found = [o for s in found for o in self.index.get(s, _EMPTY).get(predicate, ())]
            self.shared[node, path] = found
        return found


# flat_papers.rq's optional fields, as paths from the publication.
_SINGLE: dict[str, tuple[Node, ...]] = {
    "short": (L4R_NS.shortName,),
    "year": (DCTERMS.issued,),
    "url": (SDO.url,),
    "arxiv": (FABIO.hasArXivId,),
    "paradigm": (L4R_NS.paradigm, SKOS.prefLabel),
    "venue_label": (L4R_NS.publishedIn, RDFS.label),
    "publisher_label": (DCTERMS.publisher, RDFS.label),
}
# flat_values.rq's fields with one path each; "uses" and "code" combine two.
_MANY: dict[str, tuple[Node, ...]] = {
    "same_as": (SDO.sameAs,),
    "venue_types": (L4R_NS.publishedIn, RDF.type),
    "models": (L4R_NS.usesModel, RDFS.label),
    "families": (L4R_NS.usesModel, L4R_NS.family, RDFS.label),
    "tuning": (L4R_NS.tuningStrategy, SKOS.prefLabel),
    "lists": (L4R_NS.listedIn,),
}


def _values(props: Props, walk: _Walk) -> dict[str, set[str]]:
    many = {name: {str(o) for o in walk.objects(props, path)} for name, path in _MANY.items()}
    many["uses"] = set()
    for use in props.get(L4R_NS.modelUse, ()):
        used = walk.props(use)
        many["uses"] |= {
            f"{model} ({role})"
            for model in walk.objects(used, (L4R_NS.model, RDFS.label))
            for role in walk.objects(used, (L4R_NS.role, SKOS.prefLabel))
        }
    many["code"] = {f"{link}\x1e" for link in props.get(L4R_NS.codeLink, ())}
    for repo in props.get(L4R_NS.code, ()):
        repository = walk.props(repo)
        languages = [str(x) for x in repository.get(SDO.programmingLanguage, ())] or [""]
        many["code"] |= {
            f"{url}\x1e{language}"
            for url in repository.get(SDO.codeRepository, ())
            for language in languages
        }
    return many


def _select(store: ox.Store, name: str) -> ox.QuerySolutions:
    solutions = store.query(internal_query(name))
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _value(row: Any, name: str) -> str:
    term = row[name]
    return "" if term is None else str(term.value)


def _publication(row: dict[str, str], many: dict[str, set[str]]) -> Publication:
    def sorted_values(name: str) -> tuple[str, ...]:
        return tuple(sorted(many.get(name, set()) - {""}))

    same = sorted_values("same_as")
    dois = [s[len(DOI) :] for s in same if s.startswith(DOI) and not s.startswith(DATACITE_ARXIV)]
    year = row["year"]
    code = tuple(
        (url, language)
        for url, _, language in sorted(c.partition("\x1e") for c in sorted_values("code"))
    )
    return Publication(
        iri=row["paper"],
        kind=KINDS[row["type"]],
        title=row["title"],
        short_name=row["short"],
        year=int(year) if year else None,
        venue=row["venue_label"],
        venue_types=tuple(t.removeprefix(L4R) for t in sorted_values("venue_types")),
        publisher=row["publisher_label"],
        arxiv=row["arxiv"],
        doi=dois[0] if dois else "",
        url=row["url"],
        paradigm=row["paradigm"],
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


def csl_json(papers: list[Publication]) -> Iterator[str]:
    """CSL-JSON items, one a publication, written a piece at a time."""
    yield from jsontext.array(_csl_item(p) for p in papers)
    yield "\n"


def _csl_item(p: Publication) -> dict[str, Any]:
    item: dict[str, Any] = {"id": p.iri.rsplit("/", 1)[-1], "type": _csl_type(p)}
    if p.title:  # a paper the lists name only by its short name has none
        item["title"] = p.title
    item.update(URL=p.url or p.iri, source="LLM4Rec knowledge graph", note=f"IRI: {p.iri}")
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
    return item


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
                f"[{_cell(p.title or p.short_name)}]({link})",  # untitled: known by its name
                _cell(p.venue or p.publisher) or "N/A",
                str(p.year or "N/A"),
                code,
                _cell(", ".join(p.models)) or "N/A",
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
