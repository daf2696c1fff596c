"""Stage 5: serialise the graph. Every writer is deterministic and nothing touches the
output directory until all files exist in a staging directory beside it.

- Turtle: rdflib's ``longturtle``, which sorts subjects and predicates.
- N-Triples: lines sorted, since rdflib's order follows hash seeds.
- JSON-LD: compacted with ontology/context.jsonld, then nodes and values sorted.
- VoID: a description of the dataset (counts, partitions, vocabularies, dumps, licence).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from llm4rec_kg import __version__
from llm4rec_kg.errors import SourceError
from llm4rec_kg.graph.vocab import (
    DCAT,
    DCTERMS,
    PREFIXES,
    RDF,
    RDFS,
    SDO,
    VOID,
    XSD,
    namespace_manager,
)
from llm4rec_kg.resources import ontology_file

EXPORT_NAMES = (
    "llm4rec.ttl",
    "llm4rec.nt",
    "llm4rec.jsonld",
    "void.ttl",
    "quality.json",
    "quality.ttl",
)
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def turtle(graph: Graph, base: str) -> str:
    graph.namespace_manager = namespace_manager(base)
    return graph.serialize(format="longturtle")


def ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt").splitlines()
    return "".join(sorted(f"{line}\n" for line in lines if line.strip()))


def context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ontology_file("context.jsonld").read_text("utf-8"))
    return data


def jsonld(graph: Graph) -> str:
    ctx = context()["@context"]
    data = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    nodes = data.get("@graph", [data])
    body = {
        "@context": ctx,
        "@graph": sorted((_sorted(n) for n in nodes), key=lambda n: str(n.get("@id", ""))),
    }
    return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted(value: Any) -> Any:
    """Lists sorted by their canonical JSON: the graph has no RDF lists whose order matters."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def void(graph: Graph, base: str, dumps: list[str]) -> str:
    dataset = URIRef(base)
    v = Graph()
    classes = Counter(o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    vocabularies = sorted(
        {
            iri
            for iri in PREFIXES.values()
            if any(str(p).startswith(iri) for p in graph.predicates())
        }
    )
    add = v.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("LLM4Rec knowledge graph", lang="en")))
    add((dataset, RDFS.label, Literal("LLM4Rec knowledge graph", lang="en")))
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Papers on large language models for recommendation, the base LLMs they use, "
                "venues, datasets and code, built from the LLM4Rec awesome list with "
                "provenance to every row.",
                lang="en",
            ),
        )
    )
    add((dataset, DCTERMS.license, LICENSE))
    add((dataset, SDO.version, Literal(__version__)))
    add((dataset, VOID.uriSpace, Literal(base)))
    add((dataset, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    add((dataset, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))
    add((dataset, VOID.distinctSubjects, Literal(len(set(graph.subjects())), datatype=XSD.integer)))
    add((dataset, VOID.properties, Literal(len(set(graph.predicates())), datatype=XSD.integer)))
    for source in sorted(set(graph.objects(None, DCTERMS.source)), key=str):
        add((dataset, DCTERMS.source, source))
    for iri in vocabularies:
        add((dataset, VOID.vocabulary, URIRef(iri)))
    for name in dumps:
        add((dataset, VOID.dataDump, URIRef(base + name)))
        dist = URIRef(f"{base}distribution/{name}")
        add((dataset, DCAT.distribution, dist))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCAT.downloadURL, URIRef(base + name)))
        add((dist, DCAT.mediaType, Literal(_media_type(name))))
        add((dist, DCTERMS.license, LICENSE))
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{base}void/class/{_local(cls)}")
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], cls))
        add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    return turtle(v, base)


def _local(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}-{str(iri)[len(ns) :]}"
    return quote(str(iri), safe="")


def _media_type(name: str) -> str:
    return {
        ".ttl": "text/turtle",
        ".nt": "application/n-triples",
        ".jsonld": "application/ld+json",
    }[Path(name).suffix]


def write_exports(out_dir: Path, writers: dict[str, Callable[[], str]]) -> list[Path]:
    """Render every file into a staging directory, then move each into out_dir.

    A writer that fails leaves out_dir exactly as it was.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    except OSError as err:
        raise SourceError(f"{out_dir}: cannot write exports: {err}") from err
    try:
        for name, render in writers.items():
            (staging / name).write_text(render(), encoding="utf-8", newline="\n")
        written = []
        for name in writers:
            target = out_dir / name
            (staging / name).replace(target)
            written.append(target)
        return written
    except OSError as err:
        raise SourceError(f"{out_dir}: cannot write exports: {err}") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
