"""Batch work without the cyclic garbage collector.

A build allocates millions of small objects (terms, triples, index entries) that stay alive
until it ends, and CPython's collector walks all of them again and again as they accumulate:
at 10k papers it was 40% of the build. The pipeline makes no reference cycles worth
collecting (reference counting frees nearly all its objects), so the collector is paused
for the duration of the work, and resumed after with one collection.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Set by the command line when the process ends after this work (``cli.run``): its heap
# goes with it, so collecting it first is time spent for nothing (seconds at 100k papers).
process_ends_after = False


def without_cyclic_gc(work: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
                # The few cycles the work made are collected here, on this thread: left for
                # a later collection, they could be freed on another thread, which objects
                # such as pyoxigraph's query results refuse.
                if not process_ends_after:
                    gc.collect()

    return paused
