"""Stage 5: serialise the graph. Every writer is deterministic and nothing touches the
output directory until all files exist in a staging directory beside it.

- Turtle: ``turtle.py``, in rdflib's ``longturtle`` layout (subjects and predicates sorted).
- N-Triples: lines sorted.
- JSON-LD: ``jsonld.py``, compacted with ontology/context.jsonld, nodes and values sorted.
- VoID and DCAT: ``void.py``, the dataset's description (dumps with sizes and checksums,
  linksets, partitions, licence, dates).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from llm4rec_kg.errors import SourceError
from llm4rec_kg.graph import triples
from llm4rec_kg.graph.triples import Triple
from llm4rec_kg.namespaces import turtle_prefixes
from llm4rec_kg.publish import jsonld as jsonld_writer
from llm4rec_kg.publish import turtle as turtle_writer
from llm4rec_kg.resources import ontology_file

# What a writer gives: a whole text, or a large one in pieces, written as they come.
Rendered = str | Iterable[str]
# A writer is given the staging directory, which holds the files written before it.
Writer = Callable[[Path], Rendered]


def turtle(graph: Iterable[Triple], base: str) -> str:
    return turtle_writer.turtle(graph, turtle_prefixes(base))


def turtle_pieces(graph: Iterable[Triple], base: str) -> Iterator[tuple[str, int]]:
    return turtle_writer.turtle_pieces(graph, turtle_prefixes(base))


def ntriples(graph: Iterable[Triple]) -> str:
    return triples.ntriples(graph)


def ntriples_blocks(graph: triples.Triples) -> Iterator[str]:
    return triples.ntriples_blocks(graph)


def context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ontology_file("context.jsonld").read_text("utf-8"))
    return data


def jsonld(graph: Iterable[Triple]) -> str:
    return jsonld_writer.jsonld(graph, context()["@context"])


def jsonld_blocks(graph: Iterable[Triple]) -> Iterator[str]:
    return jsonld_writer.jsonld_blocks(graph, context()["@context"])


def write_exports(out_dir: Path, writers: Mapping[str, Writer]) -> list[Path]:
    """Render every file into a staging directory beside out_dir, then swap the two in one
    step, so that at any instant out_dir holds the old set or the new one, never a mix.
    Writers run in order, each given the staging directory, so a later one may read what
    an earlier one wrote (a large graph is then held in memory once, not once a format).

    Plain files of out_dir that no writer renders are kept (hard-linked into the new set); a
    directory holding folders or links is refused before anything is written, since the
    swap could not keep them. A writer that fails leaves out_dir exactly as it was; staging
    left by a killed build is removed by the next one.
    """
    out_dir = out_dir.absolute()
    if out_dir.is_dir() and (others := _not_plain_files(out_dir)):
        raise SourceError(
            f"{out_dir}: cannot write exports: it holds {', '.join(others[:3])}, which the "
            "swap of the whole set would drop; give the exports a directory of their own"
        )
    with swapped_in(out_dir, "exports") as staging:
        for name, render in writers.items():
            _write(staging / name, render(staging))
        if out_dir.is_dir():
            for kept in out_dir.iterdir():
                if kept.is_file() and kept.name not in writers:
                    os.link(kept, staging / kept.name)
    return [out_dir / name for name in writers]


def _write(path: Path, rendered: Rendered) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        if isinstance(rendered, str):
            out.write(rendered)
        else:
            for piece in rendered:
                out.write(piece)
    path.chmod(0o644)


@contextmanager
def swapped_in(out_dir: Path, what: str) -> Iterator[Path]:
    """A staging directory beside out_dir, filled by the block and then swapped with
    out_dir in one step, so that out_dir holds the old content or the new, never a mix. If
    the block fails, out_dir is as it was; staging that a killed run left is removed first.
    An OSError becomes a SourceError naming out_dir and ``what`` was being written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise SourceError(f"{out_dir}: cannot write {what}: not a directory")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as err:
        raise SourceError(f"{out_dir}: cannot write {what}: {err}") from err
    try:
        yield staging
        if out_dir.is_dir():
            staging.chmod(out_dir.stat().st_mode & 0o7777)
            exchange(staging, out_dir)
        else:
            staging.chmod(0o755)
            staging.rename(out_dir)
    except OSError as err:
        raise SourceError(f"{out_dir}: cannot write {what}: {err}") from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after the swap: the old content


def _not_plain_files(out_dir: Path) -> list[str]:
    """Entries of out_dir that are not plain files (folders, links): a swap cannot keep them."""
    return sorted(
        f"{entry.name}/" if entry.is_dir() else entry.name
        for entry in out_dir.iterdir()
        if (entry.is_symlink() or not entry.is_file()) and not entry.name.startswith(".staging-")
    )


def _remove_stale_staging(out_dir: Path) -> None:
    for stale in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if out_dir.is_dir():  # staging of builds before the directory swap
        for stale in out_dir.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (renameat2 with RENAME_EXCHANGE on Linux); where
    the system has no such call, two renames with the old set kept until the second."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc else None
    if renameat2 is not None:
        result = renameat2(_AT_FDCWD, bytes(a), _AT_FDCWD, bytes(b), _RENAME_EXCHANGE)
        if result == 0:
            return
        errno = ctypes.get_errno()
        if errno not in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: no exchange here
            raise OSError(errno, os.strerror(errno), str(b))
    parked = b.with_name(b.name + ".old-" + a.name.rsplit("-", 1)[-1])
    b.rename(parked)
    a.rename(b)
    parked.rename(a)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
