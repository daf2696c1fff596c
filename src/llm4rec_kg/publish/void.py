"""The dataset description (VoID and DCAT) that a harvester reads: what the dataset is, who
publishes it under which licence, when it changed, where to get it (each dump with its media
type, size and SPDX checksum), how it links out, and what it holds.

Every value comes from the graph, the dumps as written, or the release constants; nothing
depends on the clock, so a rebuild writes the same bytes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.term import Node

from llm4rec_kg import RELEASED, __version__
from llm4rec_kg.graph.triples import Triple, Triples
from llm4rec_kg.graph.vocab import (
    DCAT,
    DCTERMS,
    L4R,
    PREFIXES,
    RDF,
    RDFS,
    SDO,
    SPDX,
    VOID,
    XSD,
)
from llm4rec_kg.publish import MEDIA_TYPES, RDF_DUMPS

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
ONTOLOGY = URIRef("https://w3id.org/llm4rec/ontology")
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Dump:
    """One written file: what a harvester needs to fetch and check it."""

    name: str
    media_type: str
    conforms_to: str
    size: int
    sha256: str

    @classmethod
    def of_file(cls, path: Path) -> Dump:
        """The dump as written to path, read in blocks rather than held whole."""
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as data:
            while block := data.read(1 << 20):
                digest.update(block)
                size += len(block)
        media, spec = MEDIA_TYPES[path.name]
        return cls(path.name, media, spec, size, digest.hexdigest())


FEATURES = ("Turtle", "N-Triples", "JSON-LD")


@dataclass(frozen=True)
class Target:
    """A dataset the graph links into, told by the IRIs its links point at."""

    key: str
    title: str
    uri_space: str


# Most specific first: an IRI counts for the first target whose space it is in.
TARGETS = (
    Target("arxiv", "arXiv", "https://arxiv.org/abs/"),
    Target("datacite-arxiv", "DataCite DOIs of arXiv papers", "https://doi.org/10.48550/"),
    Target("doi", "DOI", "https://doi.org/"),
    Target("semantic-scholar", "Semantic Scholar", "https://www.semanticscholar.org/"),
    Target("hugging-face-papers", "Hugging Face papers", "https://huggingface.co/papers/"),
    Target("github", "GitHub", "https://github.com/"),
)
LINK_PREDICATES = (SDO.sameAs, RDFS.seeAlso, SDO.codeRepository)


@dataclass(frozen=True)
class Settings:
    base: str
    sparql_endpoint: str | None = None  # a public endpoint serving the graph, if there is one


def void(graph: Triples, settings: Settings, dumps: Iterable[Dump]) -> set[Triple]:
    base = settings.base
    dataset = URIRef(base)
    out: set[Triple] = set(_about(graph, dataset, base))
    if settings.sparql_endpoint:
        out.add((dataset, VOID.sparqlEndpoint, URIRef(settings.sparql_endpoint)))
    for dump in dumps:
        out.update(_distribution(dataset, base, dump))
    out.update(_statistics(graph, dataset, base))
    out.update(_linksets(graph, dataset, base))
    return out


def _about(graph: Triples, dataset: URIRef, base: str) -> Iterable[Triple]:
    title = Literal("LLM4Rec knowledge graph", lang="en")
    publisher = URIRef(f"{base}organization/llm4rec-kg-maintainers")
    yield from (
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, DCTERMS.title, title),
        (dataset, RDFS.label, title),
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Papers on large language models for recommendation, the base LLMs they use, "
                "venues, datasets and code, merged from community awesome lists with "
                "provenance to every row of every snapshot.",
                lang="en",
            ),
        ),
        (dataset, DCTERMS.license, LICENSE),
        (dataset, DCTERMS.publisher, publisher),
        (publisher, RDF.type, SDO.Organization),
        (publisher, RDFS.label, Literal("llm4rec-kg maintainers")),
        (dataset, DCAT.version, Literal(__version__)),
        (dataset, SDO.version, Literal(__version__)),
        (dataset, DCTERMS.issued, Literal(RELEASED, datatype=XSD.date)),
        (dataset, DCTERMS.modified, Literal(_modified(graph), datatype=XSD.date)),
        (dataset, DCTERMS.conformsTo, ONTOLOGY),
        (dataset, VOID.uriSpace, Literal(base)),
        (dataset, DCAT.landingPage, dataset),
    )
    for keyword in ("large language models", "recommender systems", "knowledge graph"):
        yield dataset, DCAT.keyword, Literal(keyword, lang="en")
    for source in sorted(_source_repositories(graph), key=str):
        yield dataset, DCTERMS.source, source
    for example in _examples(graph, base):
        yield dataset, VOID.exampleResource, example
    for feature in FEATURES:
        yield dataset, VOID.feature, URIRef(FORMATS + feature.replace("-", "_"))


def _modified(graph: Triples) -> str:
    """The newest of the release and the snapshots read: the data changes with either."""
    snapshots = graph.subjects(RDF.type, L4R.SourceDocument)
    dates = [str(d) for s in snapshots for d in graph.objects(s, DCTERMS.date)]
    return max([RELEASED, *dates])


def _source_repositories(graph: Triples) -> set[URIRef]:
    lists = graph.subjects(RDF.type, L4R.SourceList)
    return {o for s in lists for o in graph.objects(s, DCTERMS.source) if isinstance(o, URIRef)}


def _examples(graph: Triples, base: str) -> list[URIRef]:
    """What shows the dataset best: the paper the most lists name, the model the most
    papers use, the venue the most papers appeared at (ties go to the first IRI, so the
    choice is stable from build to build)."""
    found = []
    for cls, predicate, counted_by_subject in (
        (L4R.Paper, L4R.listedIn, True),
        (L4R.LanguageModel, L4R.usesModel, False),
        (L4R.Venue, L4R.publishedIn, False),
    ):
        members = {s for s in graph.subjects(RDF.type, cls) if str(s).startswith(base)}
        counts: dict[Node, int] = dict.fromkeys(members, 0)
        for s in graph.subjects(predicate):
            for o in graph.objects(s, predicate):
                node = s if counted_by_subject else o
                if node in counts:
                    counts[node] += 1
        if counts:
            found.append(URIRef(str(min(counts, key=lambda m: (-counts[m], str(m))))))
    return found


def _distribution(dataset: URIRef, base: str, dump: Dump) -> Iterable[Triple]:
    dist = URIRef(f"{base}distribution/{dump.name}")
    checksum = URIRef(f"{dist}/sha256")
    if dump.name in RDF_DUMPS:
        yield dataset, VOID.dataDump, URIRef(base + dump.name)
    yield from (
        (dataset, DCAT.distribution, dist),
        (dist, RDF.type, DCAT.Distribution),
        (dist, DCTERMS.title, Literal(dump.name)),
        (dist, DCAT.downloadURL, URIRef(base + dump.name)),
        (dist, DCAT.accessURL, URIRef(base + dump.name)),
        (dist, DCAT.mediaType, URIRef(IANA + dump.media_type)),
        (dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)),
        (dist, DCTERMS.conformsTo, URIRef(dump.conforms_to)),
        (dist, DCTERMS.license, LICENSE),
        (dist, SPDX.checksum, checksum),
        (checksum, RDF.type, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
    )


def _statistics(graph: Triples, dataset: URIRef, base: str) -> Iterable[Triple]:
    classes = Counter(o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    subjects = graph.subjects()
    used = graph.predicates()
    vocabularies = sorted(
        {ns for ns in PREFIXES.values() if any(str(p).startswith(ns) for p in used)}
    )
    yield from (
        (dataset, VOID.triples, Literal(len(graph), datatype=XSD.integer)),
        (
            dataset,
            VOID.entities,
            Literal(sum(isinstance(s, URIRef) for s in subjects), datatype=XSD.integer),
        ),
        (dataset, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)),
        (dataset, VOID.properties, Literal(len(used), datatype=XSD.integer)),
        (dataset, VOID.classes, Literal(len(classes), datatype=XSD.integer)),
    )
    for ns in vocabularies:
        yield dataset, VOID.vocabulary, URIRef(ns)
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{base}void/class/{_local(cls)}")
        yield from (
            (dataset, VOID.classPartition, part),
            (part, VOID["class"], cls),
            (part, VOID.entities, Literal(count, datatype=XSD.integer)),
        )


def _linksets(graph: Triples, dataset: URIRef, base: str) -> Iterable[Triple]:
    """One linkset per link predicate and target dataset, with the number of its links."""
    counts: Counter[tuple[URIRef, Target]] = Counter()
    for predicate in LINK_PREDICATES:
        for obj in graph.objects(None, predicate):
            target = next((t for t in TARGETS if str(obj).startswith(t.uri_space)), None)
            if target is not None:
                counts[(predicate, target)] += 1
    for (predicate, target), count in sorted(counts.items(), key=lambda c: (c[0][1].key, c[0][0])):
        other = URIRef(f"{base}void/target/{target.key}")
        linkset = URIRef(f"{base}void/linkset/{target.key}/{_local(predicate)}")
        yield from (
            (dataset, VOID.subset, linkset),
            (linkset, RDF.type, VOID.Linkset),
            (linkset, VOID.subjectsTarget, dataset),
            (linkset, VOID.objectsTarget, other),
            (linkset, VOID.linkPredicate, predicate),
            (linkset, VOID.triples, Literal(count, datatype=XSD.integer)),
            (other, RDF.type, VOID.Dataset),
            (other, DCTERMS.title, Literal(target.title)),
            (other, VOID.uriSpace, Literal(target.uri_space)),
        )


def _local(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}-{str(iri)[len(ns) :]}"
    return quote(str(iri), safe="")
