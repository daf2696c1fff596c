"""The dataset's landing page: its VoID/DCAT description as a person reads it, with the
dumps (size and checksum), the changelog and how to query the graph."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.namespaces import compact, display_prefixes
from llm4rec_kg.publish.describe import first, objects

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def context(
    store: ox.Store, base: str, href: Callable[[str], str], changelog: str | None
) -> dict[str, Any]:
    """The template context for dataset.html; ``href`` maps an IRI under the base to the
    link the page shows (relative in the static site, a route under ``serve``)."""
    one = functools.partial(first, store)
    many = functools.partial(objects, store)
    prefixes = display_prefixes(base)
    dumps = []
    for dist in many(base, DCAT + "distribution"):
        url = one(dist.value, DCAT + "downloadURL")
        checksum = one(dist.value, SPDX + "checksum")
        dumps.append(
            {
                "name": one(dist.value, DCTERMS + "title"),
                "href": href(url),
                "media": one(dist.value, DCAT + "mediaType").rsplit("media-types/", 1)[-1],
                "size": int(one(dist.value, DCAT + "byteSize") or 0),
                "sha256": one(checksum, SPDX + "checksumValue") if checksum else "",
            }
        )
    classes = [
        (compact(one(p.value, VOID + "class"), prefixes), int(one(p.value, VOID + "entities")))
        for p in many(base, VOID + "classPartition")
    ]
    linksets = [
        {
            "target": one(one(ls.value, VOID + "objectsTarget"), DCTERMS + "title"),
            "predicate": compact(one(ls.value, VOID + "linkPredicate"), prefixes),
            "triples": int(one(ls.value, VOID + "triples")),
        }
        for ls in many(base, VOID + "subset")
    ]
    return {
        "iri": base,
        "title": one(base, DCTERMS + "title") or "LLM4Rec knowledge graph",
        "description": one(base, DCTERMS + "description"),
        "facts": [
            (label, one(base, iri))
            for label, iri in (
                ("Version", DCAT + "version"),
                ("Issued", DCTERMS + "issued"),
                ("Modified", DCTERMS + "modified"),
                ("Licence", DCTERMS + "license"),
                ("Conforms to", DCTERMS + "conformsTo"),
                ("SPARQL endpoint", VOID + "sparqlEndpoint"),
                ("Triples", VOID + "triples"),
                ("Entities", VOID + "entities"),
            )
            if one(base, iri)
        ],
        "sources": [s.value for s in many(base, DCTERMS + "source")],
        "examples": [
            {"text": compact(e.value, prefixes), "href": href(e.value)}
            for e in many(base, VOID + "exampleResource")
        ],
        "dumps": dumps,
        "classes": sorted(classes, key=lambda c: (-c[1], c[0])),
        "linksets": linksets,
        "changelog": _markdown(changelog) if changelog else "",
    }


def _markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    # The changelog is the project's own file, but its HTML is not trusted: raw HTML is off.
    return str(MarkdownIt("commonmark", {"html": False}).render(text))


def read_changelog(project: Path) -> str | None:
    path = project / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None
