"""`llm4rec-kg serve` as a real process on 127.0.0.1: protocol, formats, limits, pages."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from llm4rec_kg.sparql import engines, queries
from servers import llm4rec_server

EXPORTS = Path(__file__).resolve().parent.parent / "exports"

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TALLREC = "https://w3id.org/llm4rec/paper/arxiv-2305.00447"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with llm4rec_server("--timeout", "2", "--max-rows", "50") as base:
        yield base


def fetch(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, Message, bytes]:
    """Status, headers (names in any case, as HTTP has them) and body."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_get_json(url: str, real_build: object) -> None:
    status, headers, body = fetch(f"{url}/sparql?query={quote(COUNT)}")
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert headers["Access-Control-Allow-Origin"] == "*"
    value = json.loads(body)["results"]["bindings"][0]["n"]["value"]
    assert int(value) == real_build.triples  # type: ignore[attr-defined]


def test_form_post_xml(url: str) -> None:
    status, headers, body = fetch(
        f"{url}/sparql",
        urlencode({"query": COUNT}).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+xml",
        },
    )
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    assert (
        b'<binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">' in body
    )


def test_direct_post_csv_and_tsv(url: str) -> None:
    query = queries.find("papers-using-llm").text.replace("?llm)", '"Llama-2")')
    for accept, sep in (("text/csv", ","), ("text/tab-separated-values", "\t")):
        status, headers, body = fetch(
            f"{url}/sparql",
            query.encode(),
            {"Content-Type": "application/sparql-query", "Accept": accept},
        )
        assert status == 200 and headers["Content-Type"].startswith(accept)
        rows = list(csv.reader(io.StringIO(body.decode()), delimiter=sep))
        embedded = engines.store_from_file(str(EXPORTS / "llm4rec.nt")).query(query)
        assert len(rows) == 1 + len(list(embedded))
        assert {"LLaRA", "E4SRec", "LlamaRec"} <= {row[1] for row in rows[1:]}


def test_construct_in_three_formats(url: str) -> None:
    query = f"CONSTRUCT {{ <{TALLREC}> ?p ?o }} WHERE {{ <{TALLREC}> ?p ?o }}"
    sizes = set()
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ):
        status, headers, body = fetch(
            f"{url}/sparql?query={quote(query)}", headers={"Accept": accept}
        )
        assert status == 200 and headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=body.decode(), format=fmt)
        sizes.add(len(graph))
        assert (URIRef(TALLREC), None, None) in graph
    assert len(sizes) == 1


def test_sparqlwrapper_client(url: str) -> None:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setQuery(queries.find("venues-ranked").text)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert rows[0]["venue"]["value"] == "arXiv"


def test_service_description(url: str) -> None:
    status, headers, body = fetch(f"{url}/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode(), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph


def test_updates_are_refused(url: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    for body, media in (
        (update.encode(), "application/sparql-update"),
        (urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
        (urlencode({"query": update}).encode(), "application/x-www-form-urlencoded"),
    ):
        status, _, text = fetch(f"{url}/sparql", body, {"Content-Type": media})
        assert status == 403, media
        assert b"read-only" in text
    status, _, body = fetch(f"{url}/sparql?query={quote('ASK { <urn:a> ?p ?o }')}")
    assert json.loads(body)["boolean"] is False


def test_timeout_is_an_error_not_an_empty_result(url: str) -> None:
    status, _, body = fetch(f"{url}/sparql?query={quote(SLOW)}")
    assert status == 503
    assert body == b"query timed out after 2 s and was stopped\n"
    status, _, _ = fetch(f"{url}/sparql?query={quote(COUNT)}")
    assert status == 200  # the worker was replaced


def test_row_cap(url: str) -> None:
    status, headers, body = fetch(f"{url}/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}")
    assert status == 200 and headers["X-Result-Truncated"] == "50"
    assert len(json.loads(body)["results"]["bindings"]) == 50


def test_syntax_error_is_400_with_position(url: str) -> None:
    status, _, body = fetch(f"{url}/sparql?query={quote('SELECT * WHERE { ?s ?p }')}")
    assert status == 400 and body.startswith(b"SPARQL syntax error at 1:")


def test_injection_attempt_matches_nothing(url: str) -> None:
    named = queries.find("papers-using-llm")
    text = queries.with_values(named.text, named.bindings({"llm": 'x" } DROP ALL # {\n'}))
    status, _, body = fetch(f"{url}/sparql?query={quote(text)}")
    assert status == 200 and json.loads(body)["results"]["bindings"] == []


def test_entity_html_page(url: str) -> None:
    status, headers, body = fetch(
        f"{url}/paper/arxiv-2305.00447", headers={"Accept": "text/html,application/xhtml+xml"}
    )
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "<h1>TALLRec</h1>" in page
    assert '<a href="/model/llama" title="https://w3id.org/llm4rec/model/llama">LLaMA</a>' in page
    assert '<a href="https://arxiv.org/abs/2305.00447">' in page
    assert re.search(
        r'<th scope="row" title="https://w3id.org/llm4rec/ontology#usesModel">'
        r"uses model</th>",
        page,
    )


def test_entity_rdf_by_accept_and_suffix(url: str) -> None:
    status, _, body = fetch(f"{url}/paper/arxiv-2305.00447", headers={"Accept": "text/turtle"})
    by_accept = Graph().parse(data=body.decode(), format="turtle")
    status2, _, body2 = fetch(f"{url}/paper/arxiv-2305.00447.jsonld")
    by_suffix = Graph().parse(data=body2.decode(), format="json-ld")
    assert status == status2 == 200
    assert len(by_accept) == len(by_suffix) > 10
    assert (URIRef(TALLREC), None, None) in by_suffix


def test_unknown_entity_is_404(url: str) -> None:
    status, _, body = fetch(f"{url}/paper/nope")
    assert status == 404 and body == b"no entity at /paper/nope\n"


def test_cors_preflight(url: str) -> None:
    status, headers, _ = fetch(
        f"{url}/sparql",
        method="OPTIONS",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_dumps_are_served(url: str) -> None:
    status, headers, body = fetch(f"{url}/llm4rec.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert len(Graph().parse(data=body.decode(), format="turtle")) > 3000


def test_binds_loopback_and_says_where() -> None:
    with llm4rec_server() as base:
        assert base.startswith("http://127.0.0.1:")


def test_get_once_without_a_port() -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--get", "/venue/recsys.ttl"])
    assert result.exit_code == 0
    assert result.stdout.startswith("HTTP 200\n")
    assert 'rdfs:label "RecSys"' in result.stdout


def test_home_is_the_dataset_landing_page_and_links_the_explorer(url: str) -> None:
    status, headers, body = fetch(f"{url}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<title>LLM4Rec knowledge graph</title>" in body
    assert b'href="/llm4rec.html"' in body and b"SHA-256" in body
    status, headers, body = fetch(f"{url}/llm4rec.html")
    assert status == 200 and b'id="oxigraph-wasm"' in body
    assert "wasm-unsafe-eval" in headers["Content-Security-Policy"]


def test_access_log_is_off_by_default_and_on_when_asked() -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    quiet = CliRunner().invoke(main, ["serve", "--get", "/venue/acl"])
    logged = CliRunner().invoke(main, ["serve", "--access-log", "--get", "/venue/acl"])
    assert quiet.exit_code == logged.exit_code == 0
    assert quiet.stderr == ""
    assert '"GET /venue/acl HTTP/1.1" 200' in logged.stderr


def test_a_broken_query_that_mentions_insert_is_a_syntax_error(url: str) -> None:
    broken = 'SELECT * WHERE { ?s ?p "INSERT DATA" '
    status, _, body = fetch(f"{url}/sparql?query={quote(broken)}")
    assert status == 400 and body.startswith(b"SPARQL syntax error")


def test_serve_an_export_file(real_build: object) -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    export = real_build.files[0].parent / "llm4rec.nt"  # type: ignore[attr-defined]
    query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    result = CliRunner().invoke(
        main, ["serve", "--data", str(export), "--get", f"/sparql?query={query}"]
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout.split("\n", 1)[1])
    assert int(body["results"]["bindings"][0]["n"]["value"]) == (
        real_build.triples  # type: ignore[attr-defined]
    )


def test_an_iri_published_before_a_rekey_redirects_permanently(url: str) -> None:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    for path, target in (
        ("/paper/llara", "/paper/arxiv-2312.02445"),
        ("/paper/genre.ttl", "/paper/arxiv-2305.06566.ttl"),
        ("/correction/once-arxiv", "/correction/once-title"),
    ):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", path, headers={"Accept": "text/turtle"})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert (response.status, response.getheader("Location")) == (301, target), path
    status, _, body = fetch(f"{url}/paper/llara", headers={"Accept": "text/turtle"})
    assert status == 200 and b"LLaRA" in body


def test_serve_declares_the_known_prefixes_a_query_leaves_out(url: str) -> None:
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a l4r:Paper ; l4r:usesModel model:llama }"
    status, _, body = fetch(
        f"{url}/sparql?{urlencode({'query': query})}", headers={"Accept": "text/csv"}
    )
    assert status == 200 and int(body.decode().splitlines()[1]) > 10
    status, _, body = fetch(f"{url}/sparql?{urlencode({'query': 'SELECT * WHERE { ?s a foo:X }'})}")
    assert status == 400 and body.decode().count("\n") == 1 and b"add PREFIX foo:" in body


@pytest.mark.parametrize("path", ["@127.0.0.1:9911/x", "http://127.0.0.1:9911/x", "//evil/x"])
def test_get_once_takes_only_a_path_on_this_server(path: str) -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--get", path])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "--get takes a path on this server" in result.stderr
