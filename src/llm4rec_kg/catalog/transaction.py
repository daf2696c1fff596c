"""Writes to several catalog files as one transaction.

The new files go into a staging folder inside the catalog (``.sync-<id>/``); a ``COMMIT``
file written last, atomically, is the commit point; then each file is renamed into place
and the folder removed. A process killed at any moment leaves either a folder without
``COMMIT`` (the change never happened: it is removed) or one with it (the change happened:
the renames are finished). ``recover`` does either, and every load calls it first, so no
reader ever sees half a change.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from llm4rec_kg.catalog import yamlio
from llm4rec_kg.errors import SourceError

PREFIX = ".sync-"
COMMIT = "COMMIT"


def write(catalog_dir: Path, texts: Mapping[str, str]) -> None:
    """Replace the named files (paths relative to catalog_dir) all together."""
    if not texts:
        return
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=PREFIX, dir=catalog_dir))
        for name, text in texts.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            target.chmod(yamlio.mode_of(catalog_dir / name))
            _fsync(target)
        yamlio.atomic_write(staging / COMMIT, "".join(f"{name}\n" for name in sorted(texts)))
    except OSError as err:
        if staging is not None:  # never committed: the change did not happen
            shutil.rmtree(staging, ignore_errors=True)
        raise SourceError(f"{catalog_dir}: cannot write the catalog: {err}") from err
    _finish(catalog_dir, staging)


def recover(catalog_dir: Path) -> None:
    """Finish a committed transaction that was interrupted; drop an uncommitted one."""
    for staging in sorted(catalog_dir.glob(f"{PREFIX}*")):
        if not staging.is_dir():
            continue
        if (staging / COMMIT).is_file():
            _finish(catalog_dir, staging)
        else:
            shutil.rmtree(staging, ignore_errors=True)


def _finish(catalog_dir: Path, staging: Path) -> None:
    try:
        names = (staging / COMMIT).read_text(encoding="utf-8").split()
        for name in names:
            staged = staging / name
            if staged.exists():  # a rename done before an interruption is not redone
                (catalog_dir / name).parent.mkdir(parents=True, exist_ok=True)
                staged.replace(catalog_dir / name)
        shutil.rmtree(staging)
    except OSError as err:
        raise SourceError(f"{catalog_dir}: cannot finish writing the catalog: {err}") from err


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
