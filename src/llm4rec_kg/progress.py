"""Progress of long stages on stderr: the stage being run, and how long each took.

``Progress(mode)`` with mode ``auto`` shows a stage's name while it runs and its time when
it took over a second, on a terminal only; ``verbose`` always lists every stage with its
time; ``quiet`` says nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")
SLOW = 1.0  # seconds after which a stage's time is worth showing


class Progress:
    def __init__(self, mode: str = "quiet", stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.mode = mode if mode != "auto" or self.stream.isatty() else "quiet"
        self.times: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.mode == "auto":
            self.stream.write(f"\r{name} ...\x1b[K")
            self.stream.flush()
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = self.times[name] = time.perf_counter() - started
            if self.mode == "auto":
                self.stream.write("\r\x1b[K")
            if self.mode == "verbose" or (self.mode == "auto" and seconds > SLOW):
                self.stream.write(f"{name}: {seconds:.2f} s\n")
            self.stream.flush()

    def run(self, name: str, work: Callable[[], T]) -> T:
        with self.stage(name):
            return work()


QUIET = Progress("quiet")
