"""A running endpoint: uvicorn serving the application, with the limits of ``config``."""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
import uvicorn

from llm4rec_kg.errors import KGError, UsageError
from llm4rec_kg.publish import describe
from llm4rec_kg.serve.app import application
from llm4rec_kg.serve.config import MIB, ServeConfig
from llm4rec_kg.serve.pages import Site
from llm4rec_kg.serve.protocol import limited
from llm4rec_kg.sparql.pool import QueryPool

T = TypeVar("T")


class Endpoint:
    """The graph served; use as a context manager (a background thread) or call
    ``serve_forever``. The socket is bound when the endpoint is made, so ``url`` is known
    and a port in use is an error before any worker starts."""

    def __init__(self, graph_nt: bytes, config: ServeConfig) -> None:
        self.config = config
        self._tmp = tempfile.TemporaryDirectory(prefix="llm4rec-serve-")
        nt_file = Path(self._tmp.name) / "graph.nt"
        nt_file.write_bytes(graph_nt)
        try:
            self.socket = _bind(config.host, config.port)
        except KGError:
            self._tmp.cleanup()
            raise
        try:
            store, pool, triples = _load(graph_nt, nt_file, config)
        except BaseException:  # no worker could start (no isolation here): leave nothing open
            self.socket.close()
            self._tmp.cleanup()
            raise
        self.site = Site(config, store, pool, triples)
        self.app = application(self.site)
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                http=limited(config.request_deadline, config.max_connections),
                lifespan="off",
                access_log=config.access_log,
                log_level="info" if config.access_log else "warning",
                timeout_keep_alive=max(int(config.keep_alive), 1),
                timeout_graceful_shutdown=2,
                server_header=False,
                date_header=True,
                h11_max_incomplete_event_size=16 * 1024,  # request line and headers
                backlog=1024,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.close()

    def close(self) -> None:
        self.site.close()
        self.socket.close()
        self._tmp.cleanup()

    def __enter__(self) -> Endpoint:
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
        self.close()

    def get(self, path: str, accept: str = "") -> tuple[int, dict[str, str], bytes]:
        """One GET request handled in this process, with no socket: ``serve --get``."""
        if not path.startswith("/") or path.startswith("//"):
            raise UsageError(f"--get takes a path on this server, starting with one /: {path!r}")
        status, headers, body = _run_alone(_call(self.app, path, accept))
        if self.config.access_log:  # as uvicorn logs a request that came by socket
            sys.stderr.write(f'127.0.0.1 - "GET {path} HTTP/1.1" {status}\n')
        return status, headers, body


def _run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result, on an event loop of its own thread: the caller's thread may
    be running a loop already (a notebook, a test harness)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(coroutine))
        except BaseException as err:  # raised again in the caller's thread
            failure.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


async def _call(app: object, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    raw, _, query = path.partition("?")
    from urllib.parse import unquote

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw),
        "raw_path": raw.encode("latin-1", "replace"),
        "query_string": query.encode("latin-1", "replace"),
        "root_path": "",
        "headers": [(b"host", b"localhost"), (b"accept", accept.encode("latin-1", "replace"))],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    status, headers, body = 500, {}, bytearray()
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the request has no more to give
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]
            for name, value in message.get("headers", []):  # type: ignore[attr-defined]
                headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))  # type: ignore[arg-type]

    await app(scope, receive, send)  # type: ignore[operator]
    return status, headers, bytes(body)


def _load(graph_nt: bytes, nt_file: Path, config: ServeConfig) -> tuple[ox.Store, QueryPool, int]:
    """The store the pages read, the workers that answer queries, and the data's size."""
    store = ox.Store()
    store.bulk_load(graph_nt, format=ox.RdfFormat.N_TRIPLES)
    triples = len(store)  # the data's; the pages describe its VoID and report too
    describe.add_descriptions(store, config.site)
    pool = QueryPool(
        nt_file,
        config.workers,
        config.max_rows,
        max_heavy=config.max_heavy,
        memory=config.query_memory_mb * MIB,
        network=bool(config.allowed_services),
    )
    return store, pool, triples


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as err:
        sock.close()
        raise KGError(f"cannot listen on {host}:{port}: {err}") from err
    sock.set_inheritable(True)
    return sock


__all__ = ["Endpoint"]
