"""Queries run where no network exists: a SERVICE clause makes the engine connect to any
URL a query names (server-side request forgery), and no reading of the query text can be
trusted to agree with the engine's grammar. So a process that evaluates untrusted queries
first gives up the network: a seccomp filter makes every socket but a Unix one fail with
EACCES, for this process and everything it starts, and it cannot be lifted again.

Unix sockets stay open: the query workers talk to the server through one.
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from llm4rec_kg.errors import KGError

T = TypeVar("T")


class IsolationUnavailable(KGError):
    """The operating system offers no way to take the network away from this process."""


_done = threading.Lock()
_isolated = False


def forbid_network() -> None:
    """From now on, no thread of this process (or a child) can open an Internet socket.
    Idempotent; raises IsolationUnavailable where seccomp cannot be loaded."""
    global _isolated
    with _done:
        if _isolated:
            return
        try:
            import pyseccomp as seccomp

            rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
            # All threads at once: pyoxigraph's own threads must not keep the network.
            rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
            refuse = seccomp.ERRNO(errno.EACCES)
            rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
            # io_uring can open sockets without the socket system call.
            rules.add_rule(refuse, "io_uring_setup")
            rules.load()
        except (ImportError, OSError, RuntimeError, ValueError) as err:
            raise IsolationUnavailable(
                f"cannot take the network away from query evaluation ({err}); "
                "untrusted queries could make this process connect to any address"
            ) from err
        _isolated = True


def isolated() -> bool:
    return _isolated


def run_isolated(function: Callable[..., T], *args: Any) -> T:
    """function(*args) in a forked child that has given up the network; its result, or
    the exception it raised, comes back. The caller's process keeps its network (a test
    run, or a command that goes on to push)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_isolated_call, args=(child, function, args), daemon=True)
    process.start()
    child.close()
    try:
        status, payload = parent.recv()
    except EOFError:
        process.join()
        raise KGError(
            f"the query process ended without an answer (exit {process.exitcode})"
        ) from None
    finally:
        parent.close()
    process.join()
    if status == "raised":
        raise payload
    return payload  # type: ignore[no-any-return]


def _isolated_call(conn: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        forbid_network()
        conn.send(("ok", function(*args)))
    except BaseException as err:  # every failure goes back to the caller to be raised there
        conn.send(("raised", err))
    finally:
        conn.close()
