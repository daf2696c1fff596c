"""Stage 3: catalog records to RDF triples.

``triples`` is a generator over plain records; ``build_graph`` freezes it into a ``Triples``
set, from which the other engines are filled on demand. No blank nodes are minted: every node
has an IRI from a stable key, which keeps N-Triples output stable and diffable.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from llm4rec_kg.catalog import Catalog
from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.graph.vocab import (
    DCAT,
    DCTERMS,
    FABIO,
    FAIR4ML,
    L4R,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    Minter,
)
from llm4rec_kg.readers import normalize
from llm4rec_kg.readers.markdown import slugify

Triple = tuple[Node, Node, Node]

PAPER_CLASSES = {"paper": L4R.Paper, "survey": L4R.Survey, "tutorial": L4R.Tutorial}
VENUE_CLASSES = {
    "conference": L4R.Conference,
    "journal": L4R.Journal,
    "workshop": L4R.Workshop,
    "preprint-server": L4R.PreprintServer,
}
SPDX_LICENSES = "https://spdx.org/licenses/"
LISTED_PROPERTIES = {
    "name": L4R.listedName,
    "title": L4R.listedTitle,
    "link": L4R.listedLink,
    "venue": L4R.listedVenue,
    "year": L4R.listedYear,
    "code": L4R.listedCode,
    "code_label": L4R.listedCodeLabel,
    "llm": L4R.listedModels,
    "scene": L4R.listedScene,
    "tasks": L4R.listedTasks,
    "information": L4R.listedInformation,
    "url": L4R.listedLink,
    "project": L4R.listedName,
    "publication": L4R.listedPublication,
    "tuning": L4R.listedTuning,
    "authors": L4R.listedAuthors,
    "group": L4R.listedGroup,
    "date": L4R.listedDate,
    "search": L4R.listedSearch,
    "citation": L4R.listedCitation,
}
# Link labels in the list's Code column that name a programming language.
LANGUAGES = frozenset({"Python", "Java", "C++", "R", "Julia", "Scala", "Go", "Rust"})


def _repository_spellings(catalog: Catalog) -> dict[str, normalize.Repository]:
    """One spelling of each repository, which lists may write in another case
    (RUCAIBox/iEvaLM-CRS, rucaibox/ievalm-crs): the first in code-point order, which puts
    the owner's capitals first."""
    found: dict[str, normalize.Repository] = {}
    for _, paper in catalog.entries("papers"):
        for url in paper.get("code_all") or []:
            repo = normalize.repository(url)
            if repo is not None and (repo.key not in found or repo.url < found[repo.key].url):
                found[repo.key] = repo
    return found


def _lit(value: Any) -> Literal:
    # Years, counts, flags and names repeat: one Literal each (making one costs ~13 µs).
    return _literal(type(value).__name__, value)


def _en(text: str) -> Literal:
    # Prose is tagged English; names, titles and cells as listed stay plain strings, since
    # no source states their language (README: "Language tags").
    return Literal(text, lang="en")


@lru_cache(maxsize=1 << 16)
def _literal(kind: str, value: Any) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float | Decimal):
        return Literal(Decimal(str(value)), datatype=XSD.decimal)
    return Literal(str(value))


class _Builder:
    def __init__(self, catalog: Catalog, mint: Minter) -> None:
        self.catalog = catalog
        self.mint = mint
        self.rows_done: set[URIRef] = set()
        self.spelling = _repository_spellings(catalog)

    def iri(self, collection: str, key: str) -> URIRef:
        kind = {
            "papers": "paper",
            "models": "model",
            "families": "family",
            "venues": "venue",
            "datasets": "dataset",
            "sources": "source",
            "conflicts": "conflict",
            "corrections": "correction",
        }[collection]
        return self.mint(kind, key)

    def concept(self, scheme: str, key: str) -> URIRef:
        return self.mint("concept", scheme, key)

    def all(self) -> Iterator[Triple]:
        yield from self.sources()
        yield from self.concepts()
        yield from self.families()
        yield from self.venues()
        yield from self.models()
        yield from self.papers()
        yield from self.datasets()
        yield from self.conflicts()
        yield from self.corrections()
        yield from self.retired()

    def sources(self) -> Iterator[Triple]:
        for key, source in self.catalog.entries("lists"):
            s = self.iri("sources", key)
            yield from (
                (s, RDF.type, L4R.SourceList),
                (s, RDF.type, PROV.Entity),
                (s, RDFS.label, _lit(source["title"])),
                (s, DCTERMS.title, _lit(source["title"])),
                (s, DCTERMS.source, self.mint.iri(source["repository"])),
            )
            licence = str(source["licence"])
            if " " in licence:
                yield s, L4R.licenceNote, _lit(licence)
            else:
                yield s, DCTERMS.license, self.mint.iri(SPDX_LICENSES + licence)
        for key, src in self.catalog.entries("sources"):
            s = self.iri("sources", key)
            yield from (
                (s, RDF.type, L4R.SourceDocument),
                (s, RDF.type, PROV.Entity),
                (s, RDFS.label, _lit(src["title"])),
                (s, DCTERMS.title, _lit(src["title"])),
                (s, DCTERMS.isVersionOf, self.iri("sources", src["list"])),
                (s, DCTERMS.source, self.mint.iri(src["repository"])),
                (s, L4R.commit, _lit(src["commit"])),
                (s, DCTERMS.date, Literal(src["date"], datatype=XSD.date)),
            )
            if src.get("url"):
                yield s, SDO.url, self.mint.iri(src["url"])
            if src.get("previous"):
                yield s, PROV.wasRevisionOf, self.iri("sources", src["previous"])
            if src.get("current"):
                yield self.iri("sources", src["list"]), L4R.currentSnapshot, s

    def concepts(self) -> Iterator[Triple]:
        for scheme_key, scheme in self.catalog.entries("concepts"):
            s = self.mint("concept", scheme_key)
            yield from (
                (s, RDF.type, SKOS.ConceptScheme),
                (s, RDFS.label, _lit(scheme["label"])),
                (s, SKOS.prefLabel, _lit(scheme["label"])),
            )
            if scheme.get("facet"):
                yield s, RDF.type, L4R.FacetScheme
            if scheme.get("definition"):
                yield s, SKOS.definition, _en(scheme["definition"])
            for key, concept in sorted(scheme["concepts"].items()):
                yield from self.concept_triples(scheme_key, s, key, concept)
        yield from self.heading_mappings()
        yield from self.title_rules()

    def concept_triples(
        self, scheme_key: str, s: URIRef, key: str, concept: Mapping[str, Any]
    ) -> Iterator[Triple]:
        c = self.concept(scheme_key, key)
        yield from (
            (c, RDF.type, SKOS.Concept),
            (c, SKOS.inScheme, s),
            (c, RDFS.label, _lit(concept["label"])),
            (c, SKOS.prefLabel, _lit(concept["label"])),
        )
        if concept.get("broader"):
            broader = self.concept(scheme_key, concept["broader"])
            yield from ((c, SKOS.broader, broader), (broader, SKOS.narrower, c))
        else:
            yield from ((c, SKOS.topConceptOf, s), (s, SKOS.hasTopConcept, c))
        yield from ((c, SKOS.altLabel, _lit(a)) for a in concept.get("alt_labels") or [])
        if concept.get("definition"):
            yield c, SKOS.definition, _en(concept["definition"])
        if concept.get("scope_note"):
            yield c, SKOS.scopeNote, _en(concept["scope_note"])
        for field, prop in (
            ("exact_match", SKOS.exactMatch),
            ("broad_match", SKOS.broadMatch),
        ):
            if concept.get(field):
                yield c, prop, self.concept("paradigm", concept[field])

    def facet(self, path: str) -> URIRef:
        scheme, _, key = path.partition("/")
        return self.concept(scheme, key)

    def heading_mappings(self) -> Iterator[Triple]:
        """Each section heading's concept, mapped to the shared facets or said to fit none."""
        for _, heading in self.catalog.entries("headings"):
            c = self.concept(heading["scheme"], heading["concept"])
            yield c, L4R.sectionOf, self.iri("sources", heading["list"])
            for field, prop in (
                ("exact_match", SKOS.exactMatch),
                ("broad_match", SKOS.broadMatch),
                ("close_match", SKOS.closeMatch),
            ):
                yield from ((c, prop, self.facet(f)) for f in heading.get(field) or [])
            if heading.get("scope_note"):
                yield c, SKOS.scopeNote, _en(heading["scope_note"])
            if heading.get("out_of_scope"):
                yield c, L4R.outOfScope, _en(heading["out_of_scope"])

    def row_heading(self, row: URIRef, record: Mapping[str, Any]) -> Iterator[Triple]:
        """The heading concept a row stands under: how a paper's listed facets trace back
        to the rows that list it."""
        snapshot = self.catalog.get("sources").get(record["source"]) or {}
        heading = self.catalog.get("headings").get(f"{snapshot.get('list')}-{record['section']}")
        if heading is not None:
            yield row, L4R.heading, self.concept(heading["scheme"], heading["concept"])

    def title_rules(self) -> Iterator[Triple]:
        for key, rule in self.catalog.entries("title-rules"):
            r = self.mint("rule", key)
            yield from (
                (r, RDF.type, L4R.TitleRule),
                (r, RDF.type, PROV.Entity),
                (r, RDFS.label, _lit(key)),
                (r, L4R.pattern, _lit(rule["pattern"])),
                (r, L4R.assignsConcept, self.facet(rule["facet"])),
                (r, SKOS.scopeNote, _en(rule["scope_note"])),
            )
            if rule.get("unless"):
                yield r, L4R.unlessPattern, _lit(rule["unless"])

    def families(self) -> Iterator[Triple]:
        for key, family in self.catalog.entries("families"):
            s = self.iri("families", key)
            yield from ((s, RDF.type, L4R.ModelFamily), (s, RDFS.label, _lit(family["label"])))
            yield from ((s, SKOS.altLabel, _lit(a)) for a in family.get("aliases") or [])

    def venues(self) -> Iterator[Triple]:
        for key, venue in self.catalog.entries("venues"):
            s = self.iri("venues", key)
            kind = venue.get("kind")
            if kind == "publisher":  # listed as a venue, but an organisation
                yield from ((s, RDF.type, L4R.Publisher), (s, RDF.type, SDO.Organization))
            else:
                yield s, RDF.type, L4R.Venue
            yield s, RDFS.label, _lit(venue["label"])
            if kind in VENUE_CLASSES:
                yield s, RDF.type, VENUE_CLASSES[kind]
            if venue.get("kind_source"):
                yield s, DCTERMS.source, self.mint.iri(venue["kind_source"])
            yield from ((s, SKOS.altLabel, _lit(a)) for a in venue.get("aliases") or [])

    def models(self) -> Iterator[Triple]:
        for key, model in self.catalog.entries("models"):
            s = self.iri("models", key)
            yield from (
                (s, RDF.type, L4R.LanguageModel),
                (s, RDF.type, FAIR4ML.MLModel),
                (s, RDFS.label, _lit(model["label"])),
            )
            yield from ((s, SKOS.altLabel, _lit(a)) for a in model.get("aliases") or [])
            if model.get("family"):
                yield s, L4R.family, self.iri("families", model["family"])
            if maker := model.get("maker"):
                org = self.mint("organization", slugify(maker["name"]))
                yield from (
                    (s, SDO.creator, org),
                    (org, RDF.type, SDO.Organization),
                    (org, RDFS.label, _lit(maker["name"])),
                )
                if maker.get("url"):
                    yield org, SDO.url, self.mint.iri(maker["url"])
            for field, prop in (("url", SDO.url),):
                if model.get(field):
                    yield s, prop, self.mint.iri(model[field])
            for field, prop in (
                ("year", L4R.year),
                ("open_source", L4R.openSource),
                ("supports_chinese", L4R.supportsChinese),
                ("single_gpu", L4R.singleGpuDebuggable),
            ):
                if model.get(field) is not None:
                    yield s, prop, _lit(model[field])
            if availability := model.get("availability"):
                yield s, L4R.availability, self.concept("availability", availability["weights"])
                yield s, L4R.availabilitySource, self.mint.iri(availability["source"])
                if availability.get("note"):
                    yield s, L4R.availabilityNote, _en(availability["note"])
            yield from self.provenance(s, model.get("provenance") or [])

    def papers(self) -> Iterator[Triple]:
        for key, paper in self.catalog.entries("papers"):
            s = self.iri("papers", key)
            # A paper the lists give only by its short name has no title: none is made up.
            label = paper.get("short_name") or paper["title"]
            yield from (
                (s, RDF.type, PAPER_CLASSES[paper["type"]]),
                (s, RDF.type, SDO.ScholarlyArticle),
                (s, RDFS.label, _lit(label)),
            )
            if paper.get("title"):
                yield s, DCTERMS.title, _lit(paper["title"])
            if paper.get("year") is not None:
                yield s, DCTERMS.issued, _lit(paper["year"])
            if paper.get("link"):
                yield s, SDO.url, self.mint.iri(paper["link"])
            if paper.get("short_name"):
                yield s, L4R.shortName, _lit(paper["short_name"])
            if venue := paper.get("venue"):
                publisher = self.catalog.get("venues")[venue].get("kind") == "publisher"
                relation = DCTERMS.publisher if publisher else L4R.publishedIn
                yield s, relation, self.iri("venues", venue)
            if paper.get("paradigm"):
                yield s, L4R.paradigm, self.concept("paradigm", paper["paradigm"])
            yield from self.model_uses(s, key, paper)
            yield from ((s, DCTERMS.alternative, _lit(a)) for a in paper.get("alt_titles") or [])
            yield from ((s, SKOS.altLabel, _lit(a)) for a in paper.get("alt_names") or [])
            for tuning in paper.get("tuning") or []:
                yield s, L4R.tuningStrategy, self.concept("tuning", tuning)
            for topic in paper.get("topics") or []:
                yield s, DCTERMS.subject, self.concept("topic", topic)
            for facet in paper.get("facets") or {}:
                yield s, DCTERMS.subject, self.facet(facet)
            for facet, rules in (paper.get("derived_facets") or {}).items():
                yield s, L4R.derivedSubject, self.facet(facet)
                yield from ((s, L4R.derivedBy, self.mint("rule", r)) for r in rules)
            for list_id in paper.get("listed_in") or []:
                yield s, L4R.listedIn, self.iri("sources", list_id)
            for snapshot in paper.get("delisted_in") or []:
                yield s, L4R.delistedIn, self.iri("sources", snapshot)
            for old in paper.get("replaces") or []:
                yield from self.redirect(self.iri("papers", old), s, old)
                for model in paper.get("models") or []:  # the uses minted under the old key
                    yield from self.redirect(
                        self.mint("paper", old, "uses", model),
                        self.mint("paper", key, "uses", model),
                        f"{old}/uses/{model}",
                    )
            if paper.get("arxiv"):
                yield from self.arxiv_links(s, paper["arxiv"])
            if paper.get("doi"):
                yield s, SDO.sameAs, self.mint.iri(f"https://doi.org/{paper['doi']}")
            labels = paper.get("code_labels") or {}
            for url in paper.get("code_all") or []:
                yield from self.code(s, url, labels.get(url))
            yield from self.provenance(s, paper["provenance"])
            yield from self.curation(s, key, paper.get("curation") or [])

    def arxiv_links(self, s: URIRef, arxiv: str) -> Iterator[Triple]:
        """Links derived from the arXiv id alone, with no lookup: the abstract page and the
        DOI DataCite registered for every arXiv paper (the same work), and the pages that
        Semantic Scholar and Hugging Face keep for arXiv ids (pages about it)."""
        yield from (
            (s, FABIO.hasArXivId, _lit(arxiv)),
            (s, SDO.sameAs, self.mint.iri(f"https://arxiv.org/abs/{arxiv}")),
            (s, SDO.sameAs, self.mint.iri(f"https://doi.org/10.48550/arXiv.{arxiv}")),
            (s, RDFS.seeAlso, self.mint.iri(f"https://www.semanticscholar.org/arxiv/{arxiv}")),
            (s, RDFS.seeAlso, self.mint.iri(f"https://huggingface.co/papers/{arxiv}")),
        )

    def model_uses(self, s: URIRef, key: str, paper: dict[str, Any]) -> Iterator[Triple]:
        """Each model a paper uses: the plain link, and a use node with what the rows say
        of that use (its role, the size and the tuning strategy), which a paper-level
        paradigm cannot say when the paper names several models."""
        sizes = paper.get("model_sizes") or {}
        roles = paper.get("model_roles") or {}
        tuning = paper.get("model_tuning") or {}
        for model in paper.get("models") or []:
            m = self.iri("models", model)
            use = self.mint("paper", key, "uses", model)
            yield from (
                (s, L4R.usesModel, m),
                (s, L4R.modelUse, use),
                (use, RDF.type, L4R.ModelUse),
                (use, L4R.model, m),
            )
            for role in roles.get(model) or ["unspecified"]:
                yield use, L4R.role, self.concept("role", role)
            if model in sizes:
                yield use, L4R.parameterCount, _lit(sizes[model])
            for strategy in tuning.get(model) or []:
                yield use, L4R.tuningStrategy, self.concept("tuning", strategy)

    def curation(self, s: URIRef, key: str, records: list[dict[str, Any]]) -> Iterator[Triple]:
        """A paper a curator added: who, when, and the evidence, in place of a source row."""
        for n, record in enumerate(records, start=1):
            c = self.mint("paper", key, "curation", str(n))
            yield from (
                (s, PROV.wasDerivedFrom, c),
                (c, RDF.type, L4R.Curation),
                (c, RDF.type, PROV.Entity),
                (c, RDFS.label, _lit(f"added by {record['curator']}")),
                (c, DCTERMS.creator, _lit(record["curator"])),
                (c, DCTERMS.date, Literal(str(record["date"]), datatype=XSD.date)),
                (c, DCTERMS.source, self.mint.iri(record["evidence"])),
            )
            if record.get("note"):
                yield c, RDFS.comment, _en(record["note"])

    def redirect(self, old: URIRef, new: URIRef, key: str) -> Iterator[Triple]:
        """An IRI an entity was published under before its key changed."""
        yield from ((old, DCTERMS.isReplacedBy, new), (old, RDFS.label, _lit(key)))

    def code(self, paper: URIRef, url: str, label: str | None) -> Iterator[Triple]:
        repo = normalize.repository(url)
        if repo is None:
            yield paper, L4R.codeLink, self.mint.iri(url)
            return
        path = repo.path
        repo = self.spelling.get(repo.key, repo)  # one spelling per repository
        r = self.mint("repository", *repo.key.split("/"))
        yield from (
            (paper, L4R.code, r),
            (r, RDF.type, L4R.CodeRepository),
            (r, RDF.type, SDO.SoftwareSourceCode),
            (r, RDFS.label, _lit(f"{repo.owner}/{repo.name}")),
            (r, SDO.codeRepository, self.mint.iri(repo.url)),
            (r, L4R.host, _lit(repo.host)),
            (r, L4R.owner, _lit(repo.owner)),
            (r, L4R.repositoryName, _lit(repo.name)),
        )
        if path:
            yield paper, L4R.codePath, _lit(path)
        if label in LANGUAGES:
            yield r, SDO.programmingLanguage, _lit(label)

    def datasets(self) -> Iterator[Triple]:
        for key, dataset in self.catalog.entries("datasets"):
            s = self.iri("datasets", key)
            yield from (
                (s, RDF.type, L4R.Dataset),
                (s, RDF.type, DCAT.Dataset),
                (s, RDF.type, SDO.Dataset),
                (s, RDFS.label, _lit(dataset["label"])),
                (s, DCTERMS.title, _lit(dataset["label"])),
            )
            if dataset.get("description"):
                yield s, DCTERMS.description, _en(dataset["description"])
            if dataset.get("landing_page"):
                yield s, DCAT.landingPage, self.mint.iri(dataset["landing_page"])
            for domain in dataset.get("domains") or []:
                yield s, DCAT.theme, self.concept("domain", domain)
            for task in dataset.get("tasks") or []:
                yield s, L4R.task, self.concept("task", task)
            if dataset.get("paper"):
                yield s, DCTERMS.isReferencedBy, self.iri("papers", dataset["paper"])
            for stat in dataset.get("statistics") or []:
                st = self.mint("dataset", key, "statistic", stat["measure"])
                yield from (
                    (s, L4R.statistic, st),
                    (st, RDF.type, L4R.DatasetStatistic),
                    (st, RDFS.label, _lit(stat["label"])),
                    (st, L4R.measure, _lit(stat["measure"])),
                    (st, RDF.value, _lit(stat["value"])),
                    (st, L4R.approximate, _lit(bool(stat.get("approximate")))),
                )
            yield from self.provenance(s, dataset["provenance"])
            for old in dataset.get("replaces") or []:
                yield from self.redirect(self.iri("datasets", old), s, old)

    def conflicts(self) -> Iterator[Triple]:
        for key, conflict in self.catalog.entries("conflicts"):
            s = self.iri("conflicts", key)
            yield from (
                (s, RDF.type, L4R.DataConflict),
                (s, RDFS.label, _lit(key)),
                (s, L4R.conflictKind, _lit(conflict["kind"])),
                (s, RDFS.comment, _en(conflict["description"])),
                (s, L4R.resolution, _en(conflict["resolution"])),
                (s, L4R.status, _lit(conflict["status"])),
            )
            if conflict.get("field"):
                yield s, L4R.field, _lit(conflict["field"])
            if conflict.get("decided_by"):
                yield s, L4R.decidedBy, _lit(conflict["decided_by"])
            for entity in conflict["entities"]:
                yield s, L4R.involves, self.iri("papers", entity)
            yield from self.claims(s, conflict)

    def claims(self, s: URIRef, conflict: Mapping[str, Any]) -> Iterator[Triple]:
        """A value disagreement's claims, one node each (the row's cell as one value, or a
        model list as several), linked from the conflict; the ones its decision upholds
        are its winning claims. A claim is named under its row, so it lives as the row."""
        field: str = conflict.get("field") or ""
        for claim in conflict.get("claims") or []:
            where = (claim["source"], claim["section"], str(claim["row"]))
            node = self.mint("source", *where, field)
            yield from (
                (node, RDF.type, L4R.Claim),
                (node, RDF.type, PROV.Entity),
                (
                    node,
                    RDFS.label,
                    _lit(f"{field} claimed by {' '.join(where[:2])} row {where[2]}"),
                ),
                (node, L4R.field, _lit(field)),
                (node, PROV.wasDerivedFrom, self.mint("source", *where)),
                (s, L4R.comparesClaim, node),
            )
            yield from ((node, RDF.value, value) for value in self.claimed(field, claim["value"]))
            if claim["upheld"]:
                yield s, L4R.upheldClaim, node

    def claimed(self, field: str, value: Any) -> Iterator[Node]:
        """A claim's value as the graph states that field: a venue, model or paradigm as the
        entity, a year as an integer, anything else (a short name, a code link) as listed."""
        if field == "models":
            yield from (self.iri("models", key) for key in value)
        elif field == "venue" and value in self.catalog.get("venues"):
            yield self.iri("venues", value)
        elif field == "paradigm":
            yield self.concept("paradigm", value)
        elif field == "year":
            yield _lit(int(value))
        else:
            yield _lit(str(value))

    def corrections(self) -> Iterator[Triple]:
        for key, correction in self.catalog.entries("corrections"):
            s = self.mint("correction", key)
            yield from (
                (s, RDF.type, L4R.Correction),
                (s, RDF.type, PROV.Entity),
                (s, RDFS.label, _lit(key)),
                (
                    s,
                    L4R.corrects,
                    self.iri("papers", self.catalog.canonical("papers", correction["entity"])),
                ),
                (s, L4R.field, _lit(correction["field"])),
                (s, RDFS.comment, _en(correction["reason"])),
            )
            source = correction["source"]
            is_iri = source.startswith(("http://", "https://"))
            yield s, DCTERMS.source, self.mint.iri(source) if is_iri else _lit(source)
            if correction.get("listed") is not None:
                yield s, L4R.listedValue, _lit(str(correction["listed"]))
            corrected = correction.get("corrected")
            values = corrected if isinstance(corrected, list) else [corrected]
            for value in values:
                if value is not None:
                    yield s, L4R.correctedValue, _lit(str(value))
            for rule in correction.get("resolves") or []:
                yield s, L4R.resolvesRule, _lit(rule)

    def retired(self) -> Iterator[Triple]:
        """Published IRIs whose entity is gone, each pointing at what replaces it."""
        for path, entry in self.catalog.entries("retired"):
            old = self.mint.iri(self.mint.base + path)
            yield from (
                (old, DCTERMS.isReplacedBy, self.mint.iri(self.mint.base + entry["replaced_by"])),
                (old, RDFS.label, _lit(path)),
                (old, RDFS.comment, _en(entry["reason"])),
            )

    def provenance(self, entity: URIRef, records: Iterable[dict[str, Any]]) -> Iterator[Triple]:
        for record in records:
            row = self.mint("source", record["source"], record["section"], str(record["row"]))
            yield entity, PROV.wasDerivedFrom, row
            if row in self.rows_done:
                continue
            self.rows_done.add(row)
            label = f"{record['section']} row {record['row']}"
            yield from (
                (row, RDF.type, L4R.SourceRow),
                (row, RDF.type, PROV.Entity),
                (row, RDFS.label, _lit(label)),
                (row, DCTERMS.isPartOf, self.iri("sources", record["source"])),
                (row, L4R.section, _lit(record["section"])),
                (row, L4R.rowIndex, _lit(record["row"])),
            )
            if record.get("line") is not None:
                yield row, L4R.line, _lit(record["line"])
            yield from self.row_heading(row, record)
            for issue in record.get("issues") or []:
                yield row, L4R.readerIssue, _lit(issue)
            for column, value in sorted((record.get("listed") or {}).items()):
                if value is not None:
                    yield row, LISTED_PROPERTIES[column], _lit(value)
            # What the row claims, read the same way whichever cell held it (a Venue and a
            # Year column, or a Publication cell such as "SIGIR'24"): what conflicts compare.
            read = record.get("read") or {}
            venue = self.catalog.get("venues").get(read.get("venue") or "")
            if venue is not None and venue.get("kind") != "publisher":
                yield row, L4R.claimsVenue, self.iri("venues", read["venue"])
            if read.get("year") is not None:
                yield row, L4R.claimsYear, _lit(int(read["year"]))


def triples(catalog: Catalog, mint: Minter) -> Iterator[Triple]:
    """Every triple of the graph, generated from the catalog's records."""
    return _Builder(catalog, mint).all()


def subjects(catalog: Catalog, mint: Minter) -> dict[URIRef, tuple[str, str]]:
    """Which catalog entry each entity IRI comes from, for locating graph-level problems."""
    builder = _Builder(catalog, mint)
    return {
        builder.iri(name, key): (name, key)
        for name in (
            "papers",
            "models",
            "families",
            "venues",
            "datasets",
            "sources",
            "conflicts",
            "corrections",
        )
        for key in catalog.get(name)
    }


def build_graph(catalog: Catalog, mint: Minter) -> Triples:
    graph = Triples(triples(catalog, mint))
    settled = list(_settled(catalog, graph, mint))
    return Triples(itertools.chain(graph, settled)) if settled else graph


def _settled(catalog: Catalog, graph: Triples, mint: Minter) -> Iterator[Triple]:
    """Published IRIs of derived records that a newer list made moot: a conflict the rows
    no longer have, a model use a list no longer states, a claim no conflict compares.
    What they were about is still there (the paper, the row), so each redirects to it by
    itself; a gone entity still needs a curator (retired.yaml)."""
    from llm4rec_kg.graph import iris

    minted = iris.minted(graph, mint.base)
    for path in iris.published(catalog.root):
        if path in minted:
            continue
        found = _heir(path, catalog.get("papers"))
        if found is None or found[0] not in minted:
            continue
        heir, what = found
        old = mint.iri(mint.base + path)
        yield from (
            (old, DCTERMS.isReplacedBy, mint.iri(mint.base + heir)),
            (old, RDFS.label, _lit(path)),
            (old, RDFS.comment, _en(f"Published as {what}.")),
        )


def _heir(path: str, papers: Mapping[str, Any]) -> tuple[str, str] | None:
    """What a derived record's path redirects to, and what it was published as."""
    kind, _, rest = path.partition("/")
    if kind == "paper" and "/uses/" in rest:
        return (
            f"paper/{rest.split('/uses/', 1)[0]}",
            "a model use no current list states; the paper it was about",
        )
    if kind == "conflict":
        owner = max((k for k in _prefixes(rest) if k in papers), key=len, default=None)
        return (
            (f"paper/{owner}", "a conflict the rows no longer have; the paper it was about")
            if owner
            else None
        )
    if kind == "source" and rest.count("/") == 3:  # source/<snapshot>/<section>/<row>/<field>
        return path.rsplit("/", 1)[0], "a claim no conflict compares; the row that made it"
    return None


def _prefixes(key: str) -> Iterator[str]:
    """``arxiv-2202.07371-models`` -> ``arxiv-2202.07371``, ``arxiv``: where a derived key
    may end its paper's key."""
    parts = key.split("-")
    for n in range(len(parts) - 1, 0, -1):
        yield "-".join(parts[:n])
