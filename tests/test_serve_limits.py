"""The HTTP limits of `llm4rec-kg serve`, against the real server on 127.0.0.1: a deadline
for a whole request, a cap on connections, framing errors answered with the headers of every
response, gzip, and conditional requests. Every loop here is bounded in count and time."""

from __future__ import annotations

import gzip
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import llm4rec_process, llm4rec_server

pytestmark = pytest.mark.server

EXPORTS = Path(__file__).resolve().parent.parent / "exports"
EXPORT = EXPORTS / "llm4rec.nt"
HEADERS = (b"x-content-type-options: nosniff", b"access-control-allow-origin: *")


@pytest.fixture(scope="module")
def strict() -> Iterator[tuple[str, int]]:
    args = ("--data", str(EXPORT), "--request-deadline", "2", "--max-connections", "40")
    with llm4rec_process(*args) as (url, process):
        yield url, process.pid


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, TimeoutError):
        pass
    return b"".join(chunks)


def _exchange(url: str, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=10) as conn:
        conn.sendall(request)
        return _read_all(conn)


def _has_headers(answer: bytes) -> bool:
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    return all(h in head for h in HEADERS) and b"content-security-policy:" in head


def test_a_client_that_dribbles_its_request_is_cut_off_at_the_deadline(
    strict: tuple[str, int],
) -> None:
    url, _ = strict
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=10) as conn:
        try:
            for byte in b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 123456789":
                conn.sendall(bytes([byte]))
                time.sleep(0.25)  # within any per-byte timeout, past the whole deadline
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = _read_all(conn)
    took = time.monotonic() - began
    assert answer.startswith(b"HTTP/1.1 408") and _has_headers(answer), answer[:300]
    assert 1.5 < took < 5


def test_a_connection_that_sends_nothing_is_closed(strict: tuple[str, int]) -> None:
    url, _ = strict
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=10) as conn:
        assert _read_all(conn) == b""
    assert 1.5 < time.monotonic() - began < 5


def test_connections_past_the_cap_get_503_and_the_server_stays_small(
    strict: tuple[str, int],
) -> None:
    url, pid = strict
    idle = [socket.create_connection(("127.0.0.1", _port(url)), timeout=10) for _ in range(60)]
    try:
        time.sleep(0.3)
        refused = 0
        for conn in idle[40:]:
            conn.settimeout(2)
            answer = _read_all(conn)
            if answer.startswith(b"HTTP/1.1 503"):
                assert _has_headers(answer)
                refused += 1
        threads = int(
            next(
                line.split()[1]
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("Threads:")
            )
        )
    finally:
        for conn in idle:
            conn.close()
    assert refused >= 15  # the cap is 40 open connections; 60 were opened
    assert threads < 60  # idle connections cost no thread each
    time.sleep(2.5)  # the idle ones have passed their deadline and were closed
    with urllib.request.urlopen(f"{url}/sparql?query=ASK%7B%7D", timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize(
    "length",
    ["\u00b2", "9" * 5000, "-1", "1, 2", "0x10"],
)
def test_a_bad_content_length_is_a_400_with_every_header(
    strict: tuple[str, int], length: str
) -> None:
    url, _ = strict
    request = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {length}\r\n\r\nASK {{}}"
    ).encode()
    answer = _exchange(url, request)
    assert answer.startswith(b"HTTP/1.1 400") and _has_headers(answer), answer[:300]
    assert b"Traceback" not in answer


def test_an_oversized_head_or_body_is_refused_with_every_header(strict: tuple[str, int]) -> None:
    url, _ = strict
    long_path = b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = _exchange(url, long_path)
    assert answer.startswith(b"HTTP/1.1 414") and _has_headers(answer)
    big = b"ASK {}" + b" " * (300 * 1024)
    body = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: %d\r\n\r\n" % len(big)
    )
    answer = _exchange(url, body + big)
    assert answer.startswith(b"HTTP/1.1 413") and _has_headers(answer)


def test_an_unknown_method_gets_every_header(strict: tuple[str, int]) -> None:
    url, _ = strict
    answer = _exchange(url, b"BREW /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.split(b" ", 2)[1] == b"405" and _has_headers(answer)


@pytest.fixture(scope="module")
def site_server() -> Iterator[str]:
    with llm4rec_server("--exports", str(EXPORTS)) as url:
        yield url


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def test_dumps_and_pages_are_gzipped_for_clients_that_ask(site_server: str) -> None:
    for path in ("/llm4rec.ttl", "/paper/arxiv-2305.00447", "/"):
        status, headers, body = _get(site_server + path, {"Accept-Encoding": "gzip"})
        plain_status, _, plain = _get(site_server + path, {})
        assert status == plain_status == 200
        assert headers.get("content-encoding") == "gzip" and gzip.decompress(body) == plain
        assert "accept-encoding" in headers["vary"].lower()


@pytest.mark.parametrize("path", ["/paper/arxiv-2305.00447", "/llm4rec.nt", "/ontology", "/"])
def test_conditional_requests_get_304(site_server: str, path: str) -> None:
    status, headers, _ = _get(site_server + path, {})
    assert status == 200 and headers["etag"] and headers["last-modified"]
    again, same, body = _get(site_server + path, {"If-None-Match": headers["etag"]})
    assert (again, body) == (304, b"") and same["etag"] == headers["etag"]
    since, _, _ = _get(site_server + path, {"If-Modified-Since": headers["last-modified"]})
    assert since == 304
    changed, _, _ = _get(site_server + path, {"If-None-Match": 'W/"not-this-one"'})
    assert changed == 200


def test_a_404_carries_every_header(site_server: str) -> None:
    status, headers, _ = _get(site_server + "/paper/no-such-paper", {})
    assert status == 404
    assert headers["x-content-type-options"] == "nosniff" and "content-security-policy" in headers
