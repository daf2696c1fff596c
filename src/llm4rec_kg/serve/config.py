"""What an operator sets, with safe defaults (as in datasette and rdflib-endpoint): bind
127.0.0.1, updates refused, every query under a time, row and memory limit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llm4rec_kg.graph.vocab import DEFAULT_BASE
from llm4rec_kg.headers import APP_CSP, DATA_CSP, PAGE_CSP, default_headers

MIB = 1 << 20


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 10_000
    workers: int = 2  # light query workers, always ready
    base: str = DEFAULT_BASE
    site: Path | None = None  # the exports directory: HTML page and dumps
    access_log: bool = False
    allowed_services: tuple[str, ...] = ()  # SERVICE endpoints a query may call
    max_heavy: int = 4  # queries past 0.25 s, run at low priority; one more is refused
    query_memory_mb: int = 1024  # what a worker may grow by, past its loaded store
    cache_mb: int = 64  # bytes of encoded answers kept for repeated queries
    max_connections: int = 1000  # open connections; one more gets 503 and is closed
    request_deadline: float = 10.0  # seconds a client has to send a whole request
    keep_alive: float = 5.0  # seconds an idle kept-alive connection stays open
    max_body: int = 256 * 1024  # bytes of a query or form


__all__ = ["APP_CSP", "DATA_CSP", "MIB", "PAGE_CSP", "ServeConfig", "default_headers"]
