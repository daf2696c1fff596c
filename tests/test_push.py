"""Push into real triple stores (the Oxigraph server and Debian's Virtuoso 7), query them
remotely, and compare with the embedded store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from llm4rec_kg.cli import main
from llm4rec_kg.errors import SourceError
from llm4rec_kg.pipeline import BuildResult
from llm4rec_kg.publish import push
from llm4rec_kg.sparql import engines, queries
from llm4rec_kg.sparql.results import Result, Term
from servers import Store, free_port, oxigraph_server, virtuoso_server

GRAPH = "https://w3id.org/llm4rec/"


NUMBERS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "int", "long")}
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def canonical(term: Term) -> tuple[str, ...]:
    """A term as stores agree on it: Virtuoso 7 answers xsd:boolean as 0 or 1 and keeps
    integers over 2^31 as xsd:decimal, so numbers and booleans compare by value."""
    if term.datatype in NUMBERS:
        return ("number", str(Decimal(term.value).normalize()))
    if term.datatype == BOOLEAN:
        return ("number", "1" if term.value in ("true", "1") else "0")
    if term.lang:  # rdf:langString, whether or not the results name it
        return (term.kind, term.value, "", term.lang.lower())
    plain = term.datatype in (None, "http://www.w3.org/2001/XMLSchema#string")  # RDF 1.1
    return (term.kind, term.value, "" if plain else str(term.datatype), "")


def rows_as_values(result: Result, names: list[str]) -> list[tuple[object, ...]]:
    """Rows as tuples of canonical terms, for comparing results across engines."""
    return [tuple(canonical(row[n]) if n in row else () for n in names) for row in result.rows]


def triples_as_values(result: Result) -> list[tuple[object, ...]]:
    return sorted(tuple(canonical(t) for t in triple) for triple in result.triples)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield url


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as endpoints:
        yield endpoints


@pytest.fixture(params=["oxigraph", "virtuoso"])
def triple_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store a push is verified against, with its own endpoints' layout."""
    if request.param == "virtuoso":
        yield request.getfixturevalue("virtuoso")
        return
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield Store("oxigraph", f"{url}/store", f"{url}/query", f"{url}/update")


def _push(store: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["push", "--endpoint", f"{store}/store", *args])
    return result.exit_code, result.stdout, result.stderr


def _push_to(store: Store, *args: str) -> tuple[int, str, str]:
    endpoints = ["--endpoint", store.gsp, "--query-endpoint", store.query]
    result = CliRunner().invoke(
        main, ["push", *endpoints, "--update-endpoint", store.update, *args]
    )
    return result.exit_code, result.stdout, result.stderr


def _target(store: Store, graph: str = GRAPH) -> push.Target:
    return push.Target.from_store(store.gsp, graph, store.query, store.update)


def test_push_then_every_named_query_matches_embedded(
    triple_store: Store, real_build: BuildResult
) -> None:
    code, out, err = _push_to(triple_store)
    assert code == 0, err
    triples = real_build.triples
    assert out.splitlines()[1] == f"verified: the store holds {triples} triples in <{GRAPH}>"
    remote = engines.RemoteEngine(triple_store.query, graph=GRAPH)
    local = engines.EmbeddedEngine(engines.store_from_graph(real_build.graph))
    for name, named in queries.load_all().items():
        bindings = named.bindings({})
        mine, theirs = local.run(named.text, bindings), remote.run(named.text, bindings)
        if mine.kind == "graph":
            assert triples_as_values(mine) == triples_as_values(theirs), name
        else:
            assert theirs.variables == mine.variables, name
            assert rows_as_values(theirs, mine.variables) == rows_as_values(mine, mine.variables), (
                name
            )


def test_chunked_push_replaces_the_graph(triple_store: Store, real_build: BuildResult) -> None:
    target = _target(triple_store)
    push.push(["<urn:old> <urn:p> <urn:o> .\n"], target)
    code, out, err = _push_to(triple_store, "--chunk-size", "10000")
    assert code == 0, err
    assert f"({-(-real_build.triples // 10000)} chunks, " in out
    assert push.count(target, GRAPH) == real_build.triples
    old = engines.RemoteEngine(triple_store.query).run("ASK { GRAPH ?g { <urn:old> ?p ?o } }")
    assert old.boolean is False  # replaced, not added to
    staging = push.remove_stale_staging(target, timeout=30)
    assert staging == []  # the staging graph went with the update that swapped it in


def test_failed_chunked_upload_keeps_the_old_graph(
    triple_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _target(triple_store)
    old = [f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(5)]
    push.push(old, target)
    real_request = push._request
    calls = []

    def flaky(method: str, url: str, body: bytes, media: str, timeout: float) -> None:
        calls.append(method)
        if method == "POST" and len(calls) == 3:
            raise SourceError(f"{url}: HTTP 500: disk full")
        real_request(method, url, body, media, timeout)

    monkeypatch.setattr(push, "_request", flaky)
    new = [f"<urn:n{i}> <urn:p> <urn:o> .\n" for i in range(10)]
    with pytest.raises(SourceError, match=r"after 2 of 4 chunks; graph <.*> was left as it was"):
        push.push(new, target, chunk_size=3)
    assert push.count(target, GRAPH) == 5
    assert calls[-1] == "DELETE"  # the staging graph was discarded


def test_refused_connection_is_a_clear_error() -> None:
    port = free_port()
    code, out, err = _push(f"http://127.0.0.1:{port}")
    assert code == 2 and out == ""
    assert err.startswith(f"error: http://127.0.0.1:{port}/store?graph=")
    assert "cannot reach the store" in err and "Traceback" not in err


class _Deny(BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []

    def do_PUT(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_auth_failure_and_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Deny)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("LLM4REC_USER", "alice")
        monkeypatch.setenv("LLM4REC_PASSWORD", "wrong")
        code, _, err = _push(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 2
    assert "authentication failed (HTTP 401); set LLM4REC_USER and LLM4REC_PASSWORD" in err
    assert _Deny.seen == ["Basic YWxpY2U6d3Jvbmc="]  # alice:wrong, from the environment


def test_push_an_export_file(store: str, real_build: BuildResult) -> None:
    export = real_build.files[0].parent / "llm4rec.ttl"
    code, out, err = _push(store, "--data", str(export), "--graph", "urn:test:from-file")
    assert code == 0, err
    assert out.splitlines()[1] == (
        f"verified: the store holds {real_build.triples} triples in <urn:test:from-file>"
    )


def test_querying_a_store_without_its_graph_says_where_the_triples_are(
    store: str, real_build: BuildResult
) -> None:
    code, _, err = _push(store)
    assert code == 0, err
    result = CliRunner().invoke(main, ["query", "papers-per-llm", "--endpoint", f"{store}/query"])
    assert result.exit_code == 0 and result.stdout.endswith("(0 rows)\n")
    assert "hint: the endpoint's default graph is empty, but its named graphs hold triples" in (
        result.stderr
    )
    with_graph = ["--graph", GRAPH]
    result = CliRunner().invoke(
        main, ["query", "papers-per-llm", "--endpoint", f"{store}/query", *with_graph]
    )
    assert result.exit_code == 0 and "hint:" not in result.stderr


def test_a_staged_push_removes_staging_graphs_that_killed_pushes_left(
    store: str, real_build: BuildResult
) -> None:
    target = push.Target.from_store(f"{store}/store", GRAPH)
    left = f"{GRAPH.rstrip('/')}/staging-0123456789abcdef"  # as a killed push leaves one
    push.push(["<urn:a> <urn:b> <urn:c> .\n"], push.Target.from_store(f"{store}/store", left))
    other = "urn:test:unrelated"  # a graph that is not ours stays
    push.push(["<urn:a> <urn:b> <urn:d> .\n"], push.Target.from_store(f"{store}/store", other))
    assert push.count(target, left) == 1
    code, _, err = _push(store, "--chunk-size", "5000")
    assert code == 0, err
    assert push.count(target, left) == 0 and push.count(target, other) == 1
    assert push.count(target, GRAPH) == real_build.triples


class _OddCount(BaseHTTPRequestHandler):
    """A store that takes every upload and update, and answers any query with ?n."""

    def _ok(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if "query" in self.path or "sparql-query" in self.headers.get("Content-Type", ""):
            body = (
                b'{"head":{"vars":["n"]},'
                b'"results":{"bindings":[{"n":{"type":"literal","value":"7"}}]}}'
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(204)
        self.end_headers()

    do_PUT = do_POST = do_GET = do_DELETE = _ok

    def log_message(self, *args: object) -> None:
        pass


def test_a_store_that_names_the_count_otherwise_is_a_clear_error() -> None:
    server = HTTPServer(("127.0.0.1", 0), _OddCount)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code, _, err = _push(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 2 and "Traceback" not in err, err
    assert "the store answered the count with ?n" in err
