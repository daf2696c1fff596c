"""Upload the graph into any SPARQL 1.1 Graph Store Protocol endpoint, then verify it.

A small graph goes up in one PUT, which replaces the named graph atomically. A large one
goes in chunks into a staging graph, which one SPARQL Update then swaps into place, so a
failure part-way leaves the target graph as it was. Credentials come from the environment
(``LLM4REC_USER``/``LLM4REC_PASSWORD`` or ``LLM4REC_TOKEN``), never from arguments.
"""

from __future__ import annotations

import contextlib
import http.client
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from llm4rec_kg.errors import SourceError
from llm4rec_kg.resources import internal_query
from llm4rec_kg.sparql.engines import RemoteEngine, auth_header
from llm4rec_kg.sparql.queries import with_terms, with_values
from llm4rec_kg.sparql.results import Term

DEFAULT_CHUNK = 100_000  # Oxigraph loads ten 100k chunks faster than one 1M upload


@dataclass(frozen=True)
class Target:
    store: str
    graph: str
    query: str
    update: str

    @classmethod
    def from_store(
        cls, store: str, graph: str, query: str | None = None, update: str | None = None
    ) -> Target:
        """Query and update URLs default to siblings of the store URL (/store -> /query)."""
        return cls(
            store, graph, query or _sibling(store, "query"), update or _sibling(store, "update")
        )


@dataclass(frozen=True)
class PushResult:
    target: Target
    triples: int
    stored: int
    chunks: int
    seconds: float


def _sibling(url: str, name: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/").rsplit("/", 1)[0] + "/" + name
    return urlunsplit(parts._replace(path=path, query=""))


def _request(method: str, url: str, body: bytes, media: str, timeout: float) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{url}: not an http(s) URL of a store")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    headers = {"Content-Type": media, "Content-Length": str(len(body))}
    if header := auth_header():
        headers["Authorization"] = header
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        # A store may answer before it has read the whole body (a 401, say): its answer,
        # not the broken pipe, says why.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request(method, path, body=body, headers=headers)
        try:
            response = connection.getresponse()
            detail = response.read().decode("utf-8", errors="replace").strip()[:300]
        except (http.client.HTTPException, OSError) as err:
            raise SourceError(f"{url}: cannot reach the store: {err}") from err
    except OSError as err:  # refused, reset, unreachable
        raise SourceError(f"{url}: cannot reach the store: {err}") from err
    finally:
        connection.close()
    if response.status in (401, 403):
        raise SourceError(
            f"{url}: authentication failed (HTTP {response.status}); set "
            "LLM4REC_USER and LLM4REC_PASSWORD, or LLM4REC_TOKEN"
        )
    if not 200 <= response.status < 300:
        raise SourceError(f"{url}: HTTP {response.status}: {detail or response.reason}")


def _graph_url(target: Target, graph: str) -> str:
    separator = "&" if urlsplit(target.store).query else "?"
    return f"{target.store}{separator}{urlencode({'graph': graph})}"


def _chunks(lines: Sequence[str], size: int) -> Iterator[bytes]:
    for start in range(0, len(lines), size):
        yield "".join(lines[start : start + size]).encode("utf-8")


def count(target: Target, graph: str) -> int:
    result = RemoteEngine(target.query).run(
        internal_query("count_graph"), {"graph": Term("uri", graph)}
    )
    if not result.rows:
        return 0
    found = result.rows[0].get("triples")
    if found is None:  # a store that renames the variable, or answers another query
        named = ", ".join("?" + v for v in result.variables) or "no variable"
        raise SourceError(f"{target.query}: the store answered the count with {named}")
    try:
        return int(found.value)
    except ValueError:
        raise SourceError(
            f"{target.query}: the store counted {found.value!r} triples, not a number"
        ) from None


def push(
    lines: Sequence[str], target: Target, chunk_size: int = DEFAULT_CHUNK, timeout: float = 300
) -> PushResult:
    """Replace target.graph with the N-Triples lines, then check the stored count."""
    started = time.perf_counter()
    media = "application/n-triples"
    chunks = list(_chunks(lines, chunk_size)) or [b""]
    if len(chunks) == 1:
        _request("PUT", _graph_url(target, target.graph), chunks[0], media, timeout)
    else:
        _push_staged(chunks, target, media, timeout)
    stored = count(target, target.graph)
    if stored != len(lines):
        raise SourceError(
            f"{target.store}: verification failed: graph <{target.graph}> "
            f"holds {stored} triples, {len(lines)} were sent"
        )
    return PushResult(target, len(lines), stored, len(chunks), time.perf_counter() - started)


def _staging_prefix(target: Target) -> str:
    return f"{target.graph.rstrip('/')}/staging-"


def remove_stale_staging(target: Target, timeout: float) -> list[str]:
    """Drop the staging graphs of pushes that were killed before they could clean up."""
    query = with_values(
        internal_query("staging_graphs"), {"prefix": Term("literal", _staging_prefix(target))}
    )
    stale = RemoteEngine(target.query).run(query).column("g")
    for graph in stale:
        _discard(_graph_url(target, graph), timeout)
    return stale


def _push_staged(chunks: list[bytes], target: Target, media: str, timeout: float) -> None:
    remove_stale_staging(target, timeout)
    staging = f"{_staging_prefix(target)}{uuid.uuid4().hex}"
    url = _graph_url(target, staging)
    done = 0
    try:
        for index, chunk in enumerate(chunks):
            _request("PUT" if index == 0 else "POST", url, chunk, media, timeout)
            done += 1
        update = with_terms(
            internal_query("replace_graph", ".ru"),
            {"target": Term("uri", target.graph), "staging": Term("uri", staging)},
        )
        _request(
            "POST", target.update, update.encode("utf-8"), "application/sparql-update", timeout
        )
    except SourceError as err:
        _discard(url, timeout)
        raise SourceError(
            f"{err} (after {done} of {len(chunks)} chunks; graph "
            f"<{target.graph}> was left as it was)"
        ) from err


def _discard(url: str, timeout: float) -> None:
    # The staging graph may not exist yet; the target is untouched either way.
    with contextlib.suppress(SourceError):
        _request("DELETE", url, b"", "application/n-triples", timeout)
