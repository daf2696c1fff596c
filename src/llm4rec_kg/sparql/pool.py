"""Queries under a time and memory limit, fair to light queries, with no network.

pyoxigraph cannot cancel a running query and a Python thread cannot be killed, so each
worker is a process holding its own in-memory store, loaded from one N-Triples file. A query
that overruns gets its worker terminated and replaced; the caller gets QueryTimeout, never a
partial or empty result. A worker may grow by ``memory`` bytes past its loaded store; a
query that needs more ends its worker, and the caller gets QueryTimeout saying so.

Fairness: a query is light until it has run for ``promote_after`` seconds. Then its worker
leaves the light set for the heavy one: it is reniced to the lowest CPU priority and a fresh
light worker takes its place, so light queries never wait behind heavy ones, however many
there are. At most ``max_heavy`` heavy queries run at once; one more is stopped with
QueryBusy. A heavy worker retires when its query ends.

Every worker gives up the network before it loads anything (``sandbox``): a SERVICE clause
cannot reach another server, whatever the query text, unless the pool is made with
``network=True`` (``--allow-service``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from llm4rec_kg.errors import KGError, UsageError


class QueryTimeout(KGError):
    """The query ran past the time limit (or its memory) and was stopped."""


class QueryBusy(QueryTimeout):
    """Too many long-running queries at once: this one was stopped; try again later."""


class QueryFailed(UsageError):
    """The query does not parse or cannot be evaluated; the message says where."""


def _limit_memory(extra: int) -> None:
    """Cap the address space at what the process uses now plus extra bytes."""
    import resource

    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _serve(conn: Connection, data: str, cap: int, memory: int, network: bool) -> None:
    if not network:
        from llm4rec_kg.sparql import sandbox

        try:
            sandbox.forbid_network()
        except sandbox.IsolationUnavailable as err:
            conn.send(("failed", str(err)))
            return

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


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


MIB = 1 << 20


@dataclass
class PoolStats:
    light: int
    heavy: int
    busy_refusals: int


class QueryPool:
    def __init__(
        self,
        data: Path,
        workers: int,
        cap: int,
        max_heavy: int | None = None,
        memory: int = 1024 * MIB,
        promote_after: float = 0.25,
        network: bool = False,
    ) -> None:
        self.data, self.cap, self.memory, self.network = str(data), cap, memory, network
        self.workers = max(workers, 1)
        self.max_heavy = max(max_heavy if max_heavy is not None else 4, 0)
        self.promote_after = promote_after
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.light: set[_Worker] = set()
        self.heavy: set[_Worker] = set()
        self.refused = 0
        self.closed = False
        for _ in range(self.workers):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve,
            args=(child, self.data, self.cap, self.memory, self.network),
            daemon=True,
        )
        process.start()
        child.close()
        status, message = parent.recv()
        if status != "ready":
            process.join()
            raise KGError(message or "query worker failed to start")
        worker = _Worker(process, parent)
        with self.lock:
            self.light.add(worker)
        return worker

    def _refill(self) -> None:
        """A light worker in place of one that left, started off the caller's clock."""

        def start() -> None:
            with self.lock:
                if self.closed:
                    return
            with contextlib.suppress(KGError, OSError):  # the next refill tries again
                self.idle.put(self._start())

        threading.Thread(target=start, daemon=True).start()

    def run(self, text: str, timeout: float) -> Any:
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within {timeout:g} s") from None
        worker.conn.send(text)
        first = min(self.promote_after, timeout)
        if not worker.conn.poll(first):
            if not self._promote(worker):
                raise QueryBusy(
                    f"{self.max_heavy} long-running queries are running already; "
                    "this one was stopped: try again later"
                )
            if not worker.conn.poll(timeout - first):
                self._end(worker)
                raise QueryTimeout(f"query timed out after {timeout:g} s and was stopped")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: its address space ran out
            status, payload = "memory", None
        if status == "memory":
            self._end(worker)
            raise QueryTimeout(
                f"query stopped: it needed more than {self.memory // MIB} MiB of memory"
            )
        self._done(worker)
        if status == "syntax" or status == "error":
            raise QueryFailed(payload)
        return payload

    def _promote(self, worker: _Worker) -> bool:
        """Move a long-running query's worker to the heavy set, at the lowest CPU priority,
        and start a light worker in its place; False (and the worker ended) when the heavy
        set is full."""
        with self.lock:
            self.light.discard(worker)
            admitted = len(self.heavy) < self.max_heavy
            if admitted:
                self.heavy.add(worker)
            else:
                self.refused += 1
        if admitted:
            with contextlib.suppress(OSError):  # the worker has just ended
                os.setpriority(os.PRIO_PROCESS, worker.process.pid or 0, 19)
        else:
            self._kill(worker)
        self._refill()
        return admitted

    def _done(self, worker: _Worker) -> None:
        with self.lock:
            heavy = worker in self.heavy
        if heavy:  # it runs at low priority now: a fresh light worker has taken its place
            self._end(worker)
        else:
            self.idle.put(worker)

    def _end(self, worker: _Worker) -> None:
        with self.lock:
            was_light = worker in self.light
            self.light.discard(worker)
            self.heavy.discard(worker)
        self._kill(worker)
        if was_light:
            self._refill()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()

    def stats(self) -> PoolStats:
        with self.lock:
            return PoolStats(len(self.light), len(self.heavy), self.refused)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.light | self.heavy)
            self.light.clear()
            self.heavy.clear()
        for worker in workers:
            self._kill(worker)
