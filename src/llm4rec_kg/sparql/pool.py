"""Queries under a time and memory limit: worker processes that can be killed.

pyoxigraph cannot cancel a running query and a Python thread cannot be killed, so each
worker is a process holding its own in-memory store, loaded from one N-Triples file. A query
that overruns gets its worker terminated and replaced; the caller gets QueryTimeout, never a
partial or empty result. A worker may grow by ``memory`` bytes past its loaded store; a
query that needs more ends its worker, and the caller gets QueryTimeout saying so.

Admission is fair to light queries: when every worker is busy, a request starts an extra
worker (up to ``max_workers``) instead of waiting behind queries that may run for the whole
time limit; extra workers retire when they are idle again.
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


def _limit_memory(extra: int) -> None:
    """Cap the address space at what the process uses now plus extra bytes."""
    import os
    import resource

    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(conn: Connection, data: str, cap: int, memory: int) -> None:
    import pyoxigraph as ox

    from llm4rec_kg.sparql.results import from_oxigraph

    store = ox.Store()
    store.load(path=data, format=ox.RdfFormat.N_TRIPLES)
    if memory:
        _limit_memory(memory)
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
        except MemoryError:
            conn.send(("memory", None))
        except (RuntimeError, OSError) as err:
            conn.send(("error", f"query failed: {err}"))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


MIB = 1 << 20


class QueryPool:
    def __init__(
        self,
        data: Path,
        workers: int,
        cap: int,
        max_workers: int | None = None,
        memory: int = 1024 * MIB,
    ) -> None:
        self.data, self.cap, self.memory = str(data), cap, memory
        self.workers = workers
        self.max_workers = max(max_workers or workers + 2, workers)
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.all: list[_Worker] = []
        self.starting = 0
        for _ in range(workers):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child, self.data, self.cap, self.memory), daemon=True
        )
        process.start()
        child.close()
        if parent.recv()[0] != "ready":  # pragma: no cover - the worker only says ready
            raise RuntimeError("query worker failed to start")
        worker = _Worker(process, parent)
        with self.lock:
            self.all.append(worker)
        return worker

    def _acquire(self, timeout: float) -> _Worker:
        """An idle worker; when none is, an extra one (up to max_workers) rather than a
        wait behind queries that may take the whole time limit."""
        try:
            return self.idle.get(timeout=0.05)
        except queue.Empty:
            pass
        with self.lock:
            burst = len(self.all) + self.starting < self.max_workers
            if burst:
                self.starting += 1
        if burst:
            try:
                return self._start()
            finally:
                with self.lock:
                    self.starting -= 1
        try:
            return self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within {timeout:g} s") from None

    def _release(self, worker: _Worker) -> None:
        with self.lock:
            retire = len(self.all) > self.workers and self.idle.qsize() >= self.workers
            if retire:
                self.all.remove(worker)
        if retire:
            worker.process.kill()
            worker.process.join()
        else:
            self.idle.put(worker)

    def run(self, text: str, timeout: float) -> Any:
        worker = self._acquire(timeout)
        worker.conn.send(text)
        if not worker.conn.poll(timeout):
            self._replace(worker)
            raise QueryTimeout(f"query timed out after {timeout:g} s and was stopped")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: its address space ran out
            status, payload = "memory", None
        if status == "memory":
            self._replace(worker)
            raise QueryTimeout(
                f"query stopped: it needed more than {self.memory // MIB} MiB of memory"
            )
        self._release(worker)
        if status == "syntax" or status == "error":
            raise QueryFailed(payload)
        return payload

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        with self.lock:
            self.all.remove(worker)
            wanted = len(self.all) < self.workers
        if wanted:  # a burst worker that died is not replaced
            self.idle.put(self._start())

    def close(self) -> None:
        with self.lock:
            workers = list(self.all)
        for worker in workers:
            worker.process.kill()
            worker.process.join()
