"""What the routes read: the store and its describer, the query pool, the templates, the
pages drawn once from the whole graph, and the answer cache. Shared by all requests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
from jinja2 import Environment

from llm4rec_kg.namespaces import display_prefixes
from llm4rec_kg.publish import MEDIA_TYPES, PAGE, describe, landing, ontology_doc
from llm4rec_kg.publish.site import templates as site_templates
from llm4rec_kg.serve.answers import Answers
from llm4rec_kg.serve.config import MIB, ServeConfig
from llm4rec_kg.sparql import queries
from llm4rec_kg.sparql.pool import QueryPool

DUMPS = {name: media for name, (media, _) in MEDIA_TYPES.items()}
EXPLORER = PAGE
NAV = [
    ("Home", "/"),
    ("Explore", "/" + EXPLORER),
    ("SPARQL", "/sparql"),
    ("Ontology", "/ontology"),
    ("Quality report", "/quality"),
]


def alternates(stem: str) -> list[tuple[str, str]]:
    return [(media, stem + suffix) for media, suffix in describe.MEDIA.items()]


@dataclass
class Site:
    config: ServeConfig
    store: ox.Store
    pool: QueryPool
    triples: int
    loaded: float = field(default_factory=time.time)  # Last-Modified of every page
    answers: Answers = field(init=False)
    templates: Environment = field(default_factory=site_templates)

    def __post_init__(self) -> None:
        self.answers = Answers(self.config.cache_mb * MIB)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return display_prefixes(self.config.base)

    @cached_property
    def describer(self) -> describe.Describer:
        return describe.Describer(self.store, self.config.base)

    # The graph cannot change while it is served: the pages drawn from all of it are made once.
    @cached_property
    def home_page(self) -> str:
        """The dataset's landing page; without a VoID to draw it from, a list of the dumps."""
        site = self.config.site
        if not (site and (site / "void.ttl").is_file()):
            dumps = [n for n in DUMPS if site and (site / n).is_file()]
            return self.templates.get_template("index.html").render(
                triples=self.triples, dumps=dumps
            )
        context = landing.context(
            self.store,
            self.config.base,
            lambda iri: self.href(iri) or iri,
            landing.read_changelog(site.absolute().parent),
        )
        return self.templates.get_template("dataset.html").render(
            **context,
            nav=NAV,
            alternates=alternates("/index"),
            explorer="/" + EXPLORER,
            ontology="/ontology",
            void="/void.ttl",
        )

    @cached_property
    def named_queries(self) -> list[tuple[str, str, str]]:
        return [(q.name, q.title, q.text) for q in queries.load_all().values()]

    @cached_property
    def ontology_version(self) -> str:
        return ontology_doc.version(self.store)

    @cached_property
    def ontology_page(self) -> str:
        context = ontology_doc.document(self.store, self.config.base, self.href)
        return self.templates.get_template("ontology.html").render(
            **context, nav=NAV, alternates=alternates("/ontology")
        )

    def href(self, iri: str) -> str | None:
        base = self.config.base
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        return None

    def known(self, iri: str) -> bool:
        try:
            return self.describer.known(iri)
        except ValueError:  # not an IRI at all
            return False

    def close(self) -> None:
        self.pool.close()
