"""Queries under a time limit: worker processes that can be killed when a query overruns.

pyoxigraph cannot cancel a running query and a Python thread cannot be killed, so each
worker is a process holding its own in-memory store, loaded from one N-Triples file. A query
that overruns gets its worker terminated and replaced; the caller gets QueryTimeout, never a
partial or empty result.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from llm4rec_kg.errors import KGError, UsageError


class QueryTimeout(KGError):
    """The query ran past the time limit and was stopped."""


class QueryFailed(UsageError):
    """The query does not parse or cannot be evaluated; the message says where."""


def _serve(conn: Connection, data: str, cap: int) -> None:
    import pyoxigraph as ox

    from llm4rec_kg.sparql.results import from_oxigraph

    store = ox.Store()
    store.load(path=data, format=ox.RdfFormat.N_TRIPLES)
    conn.send(("ready", None))
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", from_oxigraph(store.query(text), cap)))
        except SyntaxError as err:
            conn.send(("syntax", f"SPARQL syntax {err}"))
        except (RuntimeError, OSError) as err:
            conn.send(("error", f"query failed: {err}"))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class QueryPool:
    def __init__(self, data: Path, workers: int, cap: int) -> None:
        self.data, self.cap = str(data), cap
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.all: list[_Worker] = []
        for _ in range(workers):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child, self.data, self.cap), daemon=True
        )
        process.start()
        child.close()
        if parent.recv()[0] != "ready":  # pragma: no cover - the worker only says ready
            raise RuntimeError("query worker failed to start")
        worker = _Worker(process, parent)
        with self.lock:
            self.all.append(worker)
        return worker

    def run(self, text: str, timeout: float) -> Any:
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within {timeout:g} s") from None
        worker.conn.send(text)
        if not worker.conn.poll(timeout):
            self._replace(worker)
            raise QueryTimeout(f"query timed out after {timeout:g} s and was stopped")
        status, payload = worker.conn.recv()
        self.idle.put(worker)
        if status == "syntax" or status == "error":
            raise QueryFailed(payload)
        return payload

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        with self.lock:
            self.all.remove(worker)
        self.idle.put(self._start())

    def close(self) -> None:
        with self.lock:
            workers = list(self.all)
        for worker in workers:
            worker.process.kill()
            worker.process.join()
