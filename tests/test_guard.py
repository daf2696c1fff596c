"""No server-side request forgery: a SERVICE clause is refused, with no connection made,
by `query` (embedded and --data) and by `serve`, unless --allow-service names it. A local
listener on 127.0.0.1 counts the connections."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from llm4rec_kg.cli import main
from llm4rec_kg.sparql import guard
from servers import llm4rec_server

EXPORT = Path(__file__).resolve().parent.parent / "exports" / "llm4rec.nt"


class Listener:
    """Accepts and counts connections on 127.0.0.1 until closed."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        """Hang up: a connection is all this listener counts."""

    def close(self) -> None:
        self.closed.set()
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()


def _federated(port: int, silent: bool = False) -> str:
    keyword = "SERVICE SILENT" if silent else "SERVICE"
    return f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


def test_service_clauses_are_found_by_token_not_by_text() -> None:
    text = (
        'PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:SERVICE "SERVICE <http://x/>" .\n'
        "# SERVICE <http://y/>\n SERVICE SILENT <http://a/b> { ?s ?p ?o }\n"
        " service ?endpoint { ?s ?p ?o } }"
    )
    assert guard.services(text) == ["http://a/b", "?endpoint"]
    assert guard.services("SELECT * WHERE { ?s <http://x/SERVICE> ?o }") == []


@pytest.mark.parametrize("silent", [False, True])
@pytest.mark.parametrize("source", ["--data", "catalog"])
def test_query_refuses_service_and_connects_nowhere(
    listener: Listener, silent: bool, source: str
) -> None:
    args = ["query", "--sparql", _federated(listener.port, silent)]
    if source == "--data":
        args += ["--data", str(EXPORT)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"SERVICE <http://127.0.0.1:{listener.port}/sparql> is refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert listener.connections == 0


def test_allow_service_lets_the_named_endpoint_through(listener: Listener) -> None:
    endpoint = f"http://127.0.0.1:{listener.port}/sparql"
    args = ["query", "--data", str(EXPORT), "--sparql", _federated(listener.port)]
    result = CliRunner().invoke(main, [*args, "--allow-service", endpoint])
    # The listener hangs up, so the query fails; but the engine did connect.
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert listener.connections >= 1


@pytest.mark.server
def test_serve_refuses_service_with_400_and_connects_nowhere(listener: Listener) -> None:
    with llm4rec_server("--data", str(EXPORT)) as base:
        for silent in (False, True):
            url = f"{base}/sparql?" + urlencode({"query": _federated(listener.port, silent)})
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(url, timeout=30)
            assert caught.value.code == 400
            assert b"is refused" in caught.value.read()
    assert listener.connections == 0


HOSTILE = (
    "<https://w3id.org/llm4rec/paper/evil> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    " <https://w3id.org/llm4rec/ontology#Paper> .\n"
    "<https://w3id.org/llm4rec/paper/evil> <https://w3id.org/llm4rec/ontology#codeLink>"
    " <javascript:alert(1)> .\n"
    "<https://w3id.org/llm4rec/paper/evil> <https://schema.org/url> <https://example.org/ok> .\n"
)


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.server
def test_html_has_a_csp_and_links_only_safe_schemes(tmp_path: Path) -> None:
    data = tmp_path / "hostile.nt"
    data.write_text(HOSTILE)
    with llm4rec_server("--data", str(data)) as base:
        request = urllib.request.Request(f"{base}/paper/evil", headers={"Accept": "text/html"})
        with urllib.request.urlopen(request, timeout=30) as response:
            csp = response.headers["Content-Security-Policy"]
            page = response.read().decode()
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # text only
    assert 'href="https://example.org/ok"' in page


@pytest.mark.server
@pytest.mark.parametrize(
    ("length", "status"), [("abc", b"400"), ("-1", b"400"), (str(2 << 20), b"413")]
)
def test_a_bad_content_length_is_refused(length: str, status: bytes) -> None:
    with llm4rec_server("--data", str(EXPORT)) as base:
        port = int(base.rsplit(":", 1)[1])
        request = (
            "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/sparql-query\r\nContent-Length: {length}\r\n\r\n"
        ).encode()
        answer = _raw(port, request)
    assert answer.split(b" ", 2)[1] == status, answer[:200]


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://e/> BASE <http://b/> delete where { ?s ?p ?o }",
        "# a comment\nDROP ALL",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
    ],
)
def test_updates_are_told_by_their_first_operation(text: str) -> None:
    assert guard.is_update(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o } # INSERT",
        'SELECT * WHERE { ?s ?p "DROP ALL" }',
        "PREFIX insert: <http://e/> SELECT * WHERE { ?s insert:x ?o }",
        "SELECT * WHERE { INSERT",  # a broken query that mentions INSERT is no update
    ],
)
def test_queries_are_not_updates(text: str) -> None:
    assert not guard.is_update(text)


def test_a_large_query_is_told_from_an_update_by_tokens() -> None:
    text = "SELECT * WHERE { " + "?s ?p ?o . " * 200_000 + "}"  # about 2 MB
    assert not guard.is_update(text) and guard.is_update("DELETE" + text[6:])


@pytest.mark.server
def test_hostile_paths_and_host_headers_get_an_answer() -> None:
    with llm4rec_server("--data", str(EXPORT)) as base:
        port = int(base.rsplit(":", 1)[1])
        bad_path = _raw(port, b"GET /paper/<x> HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        bad_host = _raw(
            port, b"GET /sparql HTTP/1.1\r\nHost: a b<c>\r\nAccept: text/turtle\r\n\r\n"
        )
    assert bad_path.split(b" ", 2)[1] == b"404"
    status, body = bad_host.split(b" ", 2)[1], bad_host.split(b"\r\n\r\n", 1)[1]
    assert status == b"200" and b"a b<c>" not in body  # the service description, unharmed


CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _ask(base: str, query: str, answers: dict[str, tuple[int, float]], key: str) -> None:
    import time

    url = f"{base}/sparql?" + urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as err:
        status = err.code
    answers[key] = (status, time.monotonic())


@pytest.mark.server
def test_heavy_queries_do_not_lock_out_light_ones() -> None:
    import time

    args = ("--data", str(EXPORT), "--workers", "1", "--max-heavy", "6", "--timeout", "6")
    with llm4rec_server(*args) as base:
        answers: dict[str, tuple[int, float]] = {}
        heavy = [
            threading.Thread(target=_ask, args=(base, CARTESIAN, answers, f"heavy{i}"))
            for i in range(6)
        ]
        for thread in heavy:
            thread.start()
        time.sleep(1.5)  # six heavy queries hold six low-priority workers now
        started = []
        for i in range(5):
            started.append(time.monotonic())
            _ask(base, f"ASK {{ ?s ?p {i} }}", answers, f"light{i}")
        for thread in heavy:
            thread.join(timeout=30)
    lights = [answers[f"light{i}"] for i in range(5)]
    assert [status for status, _ in lights] == [200] * 5
    heavy_end = min(answers[f"heavy{i}"][1] for i in range(6))
    assert all(status == 503 for status, _ in (answers[f"heavy{i}"] for i in range(6)))
    assert max(done for _, done in lights) < heavy_end  # all answered while heavy ones ran
    assert max(done - start for (_, done), start in zip(lights, started, strict=True)) < 3


@pytest.mark.server
def test_one_heavy_query_too_many_is_refused_at_once_and_the_server_recovers() -> None:
    import time

    args = ("--data", str(EXPORT), "--workers", "1", "--max-heavy", "1", "--timeout", "3")
    with llm4rec_server(*args) as base:
        answers: dict[str, tuple[int, float]] = {}
        first = threading.Thread(target=_ask, args=(base, CARTESIAN, answers, "first"))
        first.start()
        time.sleep(1.0)
        began = time.monotonic()
        _ask(base, CARTESIAN, answers, "second")
        first.join(timeout=30)
        _ask(base, CARTESIAN.replace("COUNT(*)", "COUNT(?a)"), answers, "third")
        _ask(base, "ASK { ?s ?p ?o }", answers, "light")
    assert answers["second"][0] == 503 and answers["second"][1] - began < 2
    assert answers["first"][0] == answers["third"][0] == 503  # each ran to the time limit
    assert answers["light"][0] == 200


@pytest.mark.server
def test_a_query_that_needs_too_much_memory_is_stopped_and_the_server_goes_on() -> None:
    greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a ?d LIMIT 1"
    args = ("--data", str(EXPORT), "--query-memory", "64", "--timeout", "30")
    with llm4rec_server(*args) as base:
        url = f"{base}/sparql?" + urlencode({"query": greedy})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=60)
        assert caught.value.code == 503
        assert b"needed more than 64 MiB of memory" in caught.value.read()
        answers: dict[str, tuple[int, float]] = {}
        _ask(base, "ASK { ?s ?p ?o }", answers, "after")
        assert answers["after"][0] == 200


def test_the_answer_cache_is_bounded_in_bytes() -> None:
    from llm4rec_kg.serve.answers import Answer, Answers

    answers = Answers(budget=10_000)
    for n in range(100):
        answers.put((f"q{n}", ""), Answer(b"x" * 700, "text/csv"))
        assert answers.used <= answers.budget
    assert answers.get(("q99", "")) is not None and answers.get(("q0", "")) is None
    oldest = next(iter(answers.saved))
    answers.get(oldest)  # now the most recently used
    second = next(iter(answers.saved))
    answers.put(("new", ""), Answer(b"y" * 700, "text/csv"))
    assert answers.get(oldest) is not None and answers.get(second) is None
    answers.put(("big", ""), Answer(b"z" * 1_001, "text/csv"))  # over a tenth of the budget
    assert answers.get(("big", "")) is None
    assert answers.used == sum(len(a.body) + len(k[0]) + 200 for k, a in answers.saved.items())


# ---------------------------------------------------------------- the engine has no network


class Readback(Listener):
    """A listener that answers every request with a SPARQL result to be read back."""

    ANSWER = (
        b'{"head":{"vars":["x"]},'
        b'"results":{"bindings":[{"x":{"type":"literal","value":"LEAKED"}}]}}'
    )

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                % (len(self.ANSWER), self.ANSWER)
            )
        except OSError:
            pass


@pytest.fixture
def readback() -> Iterator[Readback]:
    opened = Readback()
    yield opened
    opened.close()


def _blind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The textual check sees nothing: what is left is the engine's own isolation."""
    monkeypatch.setattr(guard, "check", lambda text, allowed=(): None)


def test_the_listener_does_answer_a_query_that_may_use_the_network(readback: Readback) -> None:
    # The control: without isolation the engine reads the listener's data back.
    from llm4rec_kg.sparql import engines

    target = f"http://127.0.0.1:{readback.port}/x"
    engine = engines.EmbeddedEngine(engines.store_from_file(str(EXPORT)), (target,))
    found = engine.run(f"SELECT ?x WHERE {{ SERVICE <{target}> {{ ?x ?p ?o }} }}")
    assert readback.connections == 1 and "LEAKED" in str(found.rows)


def test_query_text_evaluates_where_no_network_exists(
    readback: Readback, monkeypatch: pytest.MonkeyPatch
) -> None:
    _blind(monkeypatch)
    for args in (["--data", str(EXPORT)], []):
        result = CliRunner().invoke(main, ["query", *args, "--sparql", _federated(readback.port)])
        assert result.exit_code != 0 and "LEAKED" not in result.output, result.output
        assert "Permission denied" in result.stderr and "Traceback" not in result.stderr
    assert readback.connections == 0


def test_query_workers_have_no_network(readback: Readback) -> None:
    from llm4rec_kg.sparql.pool import QueryFailed, QueryPool

    pool = QueryPool(EXPORT, workers=1, cap=10)
    try:
        with pytest.raises(QueryFailed, match="Permission denied"):
            pool.run(_federated(readback.port), timeout=10)
        closed = free_port_number()
        with pytest.raises(QueryFailed) as refused_closed:
            pool.run(_federated(closed), timeout=10)
    finally:
        pool.close()
    assert readback.connections == 0
    # an open port and a closed one look the same: the endpoint cannot scan ports
    assert "Permission denied" in str(refused_closed.value)


def free_port_number() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Escapes, comments, long strings and IRIs with '#' that a hand tokenizer may misread.
FUZZ = [
    "PREFIX e: <http://e/> SELECT ?x WHERE {{ OPTIONAL {{ ?a e:x\\#y ?b }} {svc} }}",
    "PREFIX e: <http://e/> SELECT ?x WHERE {{ OPTIONAL {{ ?a e:x\\'y ?b }} {svc} }}",
    'SELECT ?x WHERE {{ ?a <http://e/#"> ?b OPTIONAL {{ {svc} }} }}',
    "SELECT ?x WHERE {{ ?a ?b '''x\\''''' . {svc} }}",
    'SELECT ?x WHERE {{ ?a ?b """#""" . {svc} }}',
    'SELECT ?x WHERE {{ ?a ?b "' + '\\"' * 2000 + '" . {svc} }}',
    "SELECT ?x WHERE {{ # }}\n {svc} }}",
    "SELECT ?x WHERE {{ ?a <urn:x#y> ?b . sErViCe SiLeNt <http://127.0.0.1:{port}/r> "
    "{{ ?x ?p ?o }} }}",
    "PREFIX s: <http://127.0.0.1:{port}/> SELECT ?x WHERE {{ SERVICE s:r {{ ?x ?p ?o }} }}",
    "BASE <http://127.0.0.1:{port}/> SELECT ?x WHERE {{ SERVICE <r> {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ VALUES ?e {{ <http://127.0.0.1:{port}/r> }} SERVICE ?e {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ ?a ?b 'x\\\\' . {svc} }}",
]


@pytest.mark.server
def test_no_query_text_reaches_a_listener_through_serve(readback: Readback) -> None:
    svc = f"SERVICE <http://127.0.0.1:{readback.port}/r> {{ ?x ?p ?o }}"
    texts = [t.format(svc=svc, port=readback.port) for t in FUZZ]
    with llm4rec_server("--data", str(EXPORT)) as base:
        for text in texts:
            get = f"{base}/sparql?" + urlencode({"query": text})
            post = urllib.request.Request(
                f"{base}/sparql",
                data=text.encode(),
                headers={"Content-Type": "application/sparql-query"},
            )
            form = urllib.request.Request(
                f"{base}/sparql", data=urlencode({"query": text}).encode()
            )
            for request in (get, post, form):
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        body = response.read()
                except urllib.error.HTTPError as err:
                    body = err.read()
                assert b"LEAKED" not in body, text
    assert readback.connections == 0


def test_the_guard_reads_a_long_run_of_escapes_in_linear_time() -> None:
    import time

    body = "SELECT * { ?s ?p '" + "\\'" * 131_072 + " }"  # 256 KiB, the server's limit
    began = time.monotonic()
    guard.services(body)
    guard.services('"' + '\\"' * 131_072)
    # a quadratic scan of this takes minutes; a linear one well under a second
    assert time.monotonic() - began < 5
