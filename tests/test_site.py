"""Every IRI any export mints resolves: in the static site under a real Apache, nginx and
Caddy, each with the configuration `site` writes for it, through the w3id redirects, and
under `llm4rec-kg serve`; and each answers in HTML, Turtle, JSON-LD and N-Triples by the
Accept header."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from llm4rec_kg import pipeline
from servers import apache_server, caddy_server, llm4rec_server, nginx_server

BASE = "https://w3id.org/llm4rec/"
FORMATS = {
    "text/html": None,
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
EXPORTS = ("llm4rec.nt", "void.ttl", "quality.ttl")
_IRI = re.compile(r"<(" + re.escape(BASE) + r"[^>]*)>")

pytestmark = pytest.mark.server


def minted(exports: Path) -> list[str]:
    """Every IRI under the base that an export names, subject or object, without fragment."""
    found: set[str] = set()
    for name in EXPORTS:
        graph = Graph().parse(exports / name)
        for triple in graph:
            found.update(str(t).split("#")[0] for t in triple if isinstance(t, URIRef))
    return sorted(iri for iri in found if iri.startswith(BASE))


@dataclass
class Answer:
    status: int
    media: str
    body: bytes
    url: str


def get(url: str, accept: str) -> Answer:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            media = response.headers.get("Content-Type", "").split(";")[0]
            return Answer(response.status, media, response.read(), response.url)
    except urllib.error.HTTPError as err:
        return Answer(err.code, err.headers.get("Content-Type", "").split(";")[0], err.read(), url)


# Documents of one format, whatever is asked: the dumps and the ontology's versions.
DOCUMENT = re.compile(r"(\.[a-z]+|^ontology/[0-9.]+)$")


def crawl(root: str, iris: list[str]) -> list[str]:
    """Each IRI once, the Accept header taking each format in turn; what did not resolve to
    its format, or whose RDF does not describe it."""
    failures = []
    accepts = list(FORMATS)
    for n, iri in enumerate(iris):
        accept = accepts[n % len(accepts)]
        path = iri[len(BASE) :]
        answer = get(root + path, accept)
        if DOCUMENT.search(path) and answer.status == 200:
            continue
        if answer.status != 200 or answer.media != accept:
            failures.append(f"{iri} as {accept}: {answer.status} {answer.media}")
            continue
        if n % 25 == 0 and FORMATS[accept]:  # parse a sample back
            graph = Graph().parse(data=answer.body, format=FORMATS[accept])
            if len(graph) == 0:
                failures.append(f"{iri} as {accept}: empty")
    return failures


@pytest.fixture(scope="module")
def iris(real_build: pipeline.BuildResult) -> list[str]:
    found = minted(real_build.files[0].parent)
    assert len(found) > 2500
    return found


@pytest.fixture(scope="module")
def apache(
    real_build: pipeline.BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    from conftest import REAL_CATALOG

    work = tmp_path_factory.mktemp("apache")
    root = work / "site"
    root.mkdir()
    with apache_server(root, work / "httpd") as url:
        exports = real_build.files[0].parent
        pipeline.site(REAL_CATALOG, root, exports_dir=exports, host_url=url + "/")
        yield url + "/", root


@pytest.fixture(scope="module")
def nginx(apache: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's nginx serving the same site with the site's own nginx configuration."""
    _, root = apache
    with nginx_server(root, tmp_path_factory.mktemp("nginx")) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def caddy(apache: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's Caddy serving the same site with the site's own Caddy configuration."""
    _, root = apache
    with caddy_server(root, tmp_path_factory.mktemp("caddy")) as url:
        yield url + "/"


@pytest.fixture(params=["apache", "nginx", "caddy"])
def host(request: pytest.FixtureRequest, apache: tuple[str, Path]) -> tuple[str, Path]:
    """The static site under each web server whose configuration `site` writes."""
    if request.param == "apache":
        return apache
    return request.getfixturevalue(request.param), apache[1]


def test_every_minted_iri_resolves_in_the_static_site(
    host: tuple[str, Path], iris: list[str]
) -> None:
    url, _ = host
    assert crawl(url, iris) == []


def test_the_static_site_negotiates_each_format_for_one_entity(host: tuple[str, Path]) -> None:
    url, _ = host
    tallrec = "paper/arxiv-2305.00447"
    for accept, fmt in FORMATS.items():
        answer = get(url + tallrec, accept)
        assert (answer.status, answer.media) == (200, accept)
        if fmt:
            graph = Graph().parse(data=answer.body, format=fmt)
            subject = URIRef(BASE + tallrec)
            assert (subject, None, None) in graph
            assert (None, None, subject) in graph  # incoming links too
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert b"TALLRec" in get(url + tallrec, browser).body


def test_static_site_answers_the_linked_data_routes(host: tuple[str, Path]) -> None:
    url, root = host
    void = get(url + ".well-known/void", "*/*")
    assert void.status == 200 and void.media == "text/turtle"
    assert (root / ".well-known" / "void").read_bytes() == void.body
    dataset = get(url, "text/turtle")
    assert dataset.media == "text/turtle" and b"void:Dataset" in dataset.body
    assert b"Downloads" in get(url, "text/html").body
    for path in ("ontology", "ontology/0.1.0", "ontology/0.2.0", "shapes"):
        answer = get(url + path, "text/turtle")
        assert (answer.status, answer.media) == (200, "text/turtle"), path
    docs = get(url + "ontology", "text/html")
    assert docs.status == 200 and b'id="ModelUse"' in docs.body
    moved = get(url + "paper/genre", "text/turtle")  # a replaced IRI: followed to its heir
    assert moved.status == 200 and moved.url.endswith("/paper/arxiv-2305.06566")
    assert moved.media == "text/turtle"
    page = get(url + "paper/genre.html", "text/html")  # with its suffix kept
    assert page.status == 200 and page.url.endswith("/paper/arxiv-2305.06566.html")
    dump = get(url + "papers.csl.json", "*/*")  # a dump as the VoID types it
    assert dump.media == "application/vnd.citationstyles.csl+json"
    for private in ("nginx/site.conf", "caddy/llm4rec.caddy"):  # the servers' files
        assert get(url + private, "*/*").status == 404, private


def test_w3id_rules_send_each_iri_to_the_host(
    apache: tuple[str, Path], tmp_path: Path, iris: list[str]
) -> None:
    """The w3id.org .htaccess, served as w3id serves it (a folder llm4rec/), forwards each
    IRI to the static host by the Accept header."""
    _, site = apache
    root = tmp_path / "w3id"
    (root / "llm4rec").mkdir(parents=True)
    (root / "llm4rec" / ".htaccess").write_bytes((site / "w3id" / ".htaccess").read_bytes())
    with apache_server(root, tmp_path / "httpd") as w3id:
        files = [iri for iri in iris if DOCUMENT.search(iri[len(BASE) :])]
        sample = sorted({*iris[:: max(1, len(iris) // 200)], *files, BASE})
        assert crawl(w3id + "/llm4rec/", sample) == []


def test_every_minted_iri_resolves_under_serve(iris: list[str]) -> None:
    with llm4rec_server() as url:
        assert crawl(url + "/", iris) == []
        assert get(url + "/.well-known/void", "*/*").media == "text/turtle"
        form = get(url + "/sparql", "text/html")
        assert form.status == 200 and b"<form" in form.body
        docs = get(url + "/ontology", "text/html")
        assert b'id="Paper"' in docs.body
        for path in ("/ontology/0.1.0", "/ontology/0.2.0", "/shapes"):
            assert get(url + path, "text/turtle").media == "text/turtle", path
        dataset = get(url + "/", "application/ld+json")
        assert dataset.media == "application/ld+json" and json.loads(dataset.body)


def test_the_static_site_sends_the_servers_security_headers(host: tuple[str, Path]) -> None:
    from llm4rec_kg.headers import APP_CSP, DATA_CSP, PAGE_CSP, PAGE_CSP_META

    url, _ = host
    cases = {
        "paper/arxiv-2305.00447": ("text/html", PAGE_CSP),
        "paper/arxiv-2305.00447.ttl": ("text/turtle", DATA_CSP),
        "llm4rec.html": ("text/html", APP_CSP),
        "llm4rec.nt": ("application/n-triples", DATA_CSP),
    }
    for path, (accept, csp) in cases.items():
        request = urllib.request.Request(url + path, headers={"Accept": accept})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Content-Type-Options"] == "nosniff", path
            assert response.headers["Content-Security-Policy"] == csp, path
            assert response.headers["Referrer-Policy"] == "no-referrer", path
            assert response.headers["Access-Control-Allow-Origin"] == "*", path
            assert "Accept" in response.headers["Vary"], path
            assert response.headers.get_content_charset() == "utf-8", path
            body = response.read()
        if csp == PAGE_CSP:  # and the page says it itself, for hosts that set no headers
            assert f'content="{PAGE_CSP_META}"'.replace("'", "&#39;").encode() in body


def test_the_static_site_is_byte_identical_across_runs_and_hash_seeds(
    real_build: pipeline.BuildResult, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    from conftest import REAL_CATALOG

    exports = real_build.files[0].parent
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"site{seed}"
        code = (
            "from pathlib import Path; from llm4rec_kg import pipeline; "
            f"pipeline.site(Path({str(REAL_CATALOG)!r}), Path({str(out)!r}), "
            f"exports_dir=Path({str(exports)!r}), host_url='https://example.org/kg/')"
        )
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys() and len(trees[0]) > 2500
    differ = [str(p) for p in trees[0] if trees[0][p] != trees[1][p]]
    assert differ == []
    assert b"_:" in trees[0][Path("ontology.nt")]  # it has blank nodes, and they held still


def _entity_pages(root: Path) -> list[Path]:
    """Every page that describes something: not the explorer, the 404 page, or the pages
    that only send a replaced IRI on to its heir."""
    return [
        p
        for p in root.rglob("*.html")
        if p.name not in ("llm4rec.html", "404.html")
        and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")[:600]
    ]


def test_entity_pages_show_labels_not_raw_iris(apache: tuple[str, Path]) -> None:
    """No page shows a model use's IRI as link text, nor a property's IRI or CURIE where
    the ontology labels that property."""
    from rdflib.namespace import RDFS

    from llm4rec_kg.resources import ontology_file

    _, root = apache
    ontology = Graph().parse(ontology_file("llm4rec.ttl"))
    labelled = {str(s) for s in ontology.subjects(RDFS.label, None)}
    link_text = re.compile(r"<a [^>]*>([^<]*)</a>")
    heading = re.compile(
        r'<th scope="row" title="([^"]+)">([^<]*)</th>|<h3 title="([^"]+)">([^<]*)'
    )
    pages = _entity_pages(root)
    assert len(pages) > 2500
    raw_uses, raw_properties = [], []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        raw_uses += [t for t in link_text.findall(html) if "/uses/" in t]
        for match in heading.finditer(html):
            iri = match.group(1) or match.group(3)
            shown = (match.group(2) or match.group(4) or "").strip()
            if iri in labelled and (shown == iri or ":" in shown.split(" ")[0]):
                raw_properties.append(f"{page.name}: {shown}")
    assert raw_uses == [] and raw_properties == []
    model = (root / "model" / "llama.html").read_text(encoding="utf-8")
    assert re.search(r">BIGRec — Fine-tuned — LLaMA \(7B\)</a>", model)
    # the subject's own description comes before what refers to it
    assert model.index('class="description"') < model.index("Referred to by")


def test_an_unknown_iri_gets_the_sites_404_page(host: tuple[str, Path]) -> None:
    url, root = host
    answer = get(url + "paper/no-such-paper-here", "text/html")
    assert answer.status == 404 and b"Nothing is at" in answer.body
    assert (root / "404.html").is_file() and b"Browse every paper" in answer.body


def test_serve_answers_an_unknown_iri_with_a_page_that_searches_for_it() -> None:
    from html import unescape

    with llm4rec_server(
        "--data", str(Path(__file__).parent.parent / "exports" / "llm4rec.nt")
    ) as url:
        page = get(url + "/model/llama-typo", "text/html")
        plain = get(url + "/model/llama-typo", "text/plain")
        assert page.status == plain.status == 404
        assert page.media == "text/html" and plain.media == "text/plain"
        link = re.search(rb'href="(/sparql\?query=[^"]+)"', page.body)
        assert link is not None
        found = get(url + unescape(link.group(1).decode()), "text/csv")
    assert found.status == 200
    assert "https://w3id.org/llm4rec/model/llama," in found.body.decode()  # searched "llama"
