"""Replay a list's git history: every commit that changed the list's file, oldest first,
registered as a snapshot and synced, each as its own checked write.

Running it again changes nothing: a commit whose snapshot is registered is skipped. The
repository is a local clone, or a URL (cloned into a temporary folder, when online).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from llm4rec_kg.catalog import sync as sync_module
from llm4rec_kg.catalog import yamlio
from llm4rec_kg.errors import InvalidDataError, SourceError, UsageError


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # the committer's date, YYYY-MM-DD


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=True, timeout=300
        )
    except FileNotFoundError as err:
        raise SourceError("git is not installed") from err
    except subprocess.CalledProcessError as err:
        message = err.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{repo}: git {args[0]}: {message[-1] if message else err}") from err
    except subprocess.TimeoutExpired as err:
        raise SourceError(f"{repo}: git {args[0]} took over 300 s") from err
    return done.stdout


def commits(repo: Path, path: str) -> list[Commit]:
    """The commits that changed ``path``, oldest first (first parents only, so a merge
    counts once, as the list's readers saw it)."""
    out = _git(repo, "log", "--first-parent", "--reverse", "--format=%H %cs", "--", path)
    found = []
    for line in out.decode().splitlines():
        sha, _, date = line.partition(" ")
        found.append(Commit(sha, date))
    return found


def _lists_anything(file: Path) -> bool:
    """Whether a version of a list links anything at all."""
    return "http" in file.read_text(encoding="utf-8", errors="replace")


@contextmanager
def cloned(source: str) -> Iterator[Path]:
    """A local clone of ``source``: itself when it is one, else a temporary clone."""
    local = Path(source)
    if local.is_dir():
        yield local
        return  # a clone; a bundle file or a URL is cloned first
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                ["git", "clone", "--quiet", source, tmp],
                capture_output=True,
                check=True,
                timeout=600,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            raise SourceError(f"{source}: cannot clone: {err}") from err
        yield Path(tmp)


def sync_history(
    catalog_dir: Path,
    list_id: str,
    source: str,
    path: str = "README.md",
    title: str | None = None,
    repository: str | None = None,
    licence: str | None = None,
    accept: str | None = None,
    dry_run: bool = False,
    progress: Callable[[Commit, sync_module.SyncReport | None], None] | None = None,
    newest_only: bool = False,
) -> list[sync_module.SyncReport]:
    """Register and sync, in order, each commit of ``source`` that changed ``path`` and is
    not registered yet. Stops at the first commit that fails, with what came before it
    written (each commit is its own transaction). A version that links nothing at all (a
    list's first commit, a heading only) is passed over, and ``progress`` hears of it with
    no report. With ``newest_only``, only the newest commit is considered: how a list is
    kept current without replaying the history before it."""
    registry = yamlio.plain(yamlio.load_for_edit(catalog_dir / "sources.yaml")) or {}
    known = {
        str(s.get("commit")) for s in (registry.get(list_id) or {}).get("snapshots", {}).values()
    }
    if list_id not in registry and not (title and repository):
        raise UsageError(f"{list_id!r} is a new list: give --title and --repository")
    reports = []
    with cloned(source) as repo, tempfile.TemporaryDirectory() as tmp:
        found = commits(repo, path)
        for commit in found[-1:] if newest_only else found:
            if any(commit.sha.startswith(k) or k.startswith(commit.sha[:7]) for k in known):
                continue
            file = Path(tmp) / f"{commit.sha}.md"
            file.write_bytes(_git(repo, "show", f"{commit.sha}:{path}"))
            web = repository or str((registry.get(list_id) or {}).get("repository") or "")
            new = sync_module.NewSnapshot(
                list_id,
                file,
                commit.sha[:7],
                commit.date,
                f"{web.rstrip('/')}/blob/{commit.sha[:7]}/{path}"
                if web.startswith("http")
                else None,
                title,
                repository,
                licence,
                accept,
                path,
            )
            try:
                report = sync_module.sync(catalog_dir, (), new, dry_run)
            except InvalidDataError as err:
                if err.stage != "read" or _lists_anything(file):
                    raise
                # The list's first commits may hold only a heading: nothing to register.
                if progress is not None:
                    progress(commit, None)
                continue
            reports.append(report)
            known.add(commit.sha[:7])
            if progress is not None:
                progress(commit, report)
            if dry_run:
                break  # later commits build on this one, which a dry run does not write
    return reports
