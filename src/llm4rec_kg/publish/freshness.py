"""Whether a directory of exports is what a build of the catalog would write now.

A build records a digest of everything that decides its output: the catalog files, the
ontology and shapes, the named queries, the package's own code and assets, the versions of
the libraries that write bytes, and the base IRI. The digest sits in ``.build-inputs``
beside the exports (git ignores it). When it matches, a build has nothing to do, and
``query``, ``serve`` and ``push`` read the built N-Triples instead of validating the
catalog again.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from llm4rec_kg.resources import data_dir

STAMP = ".build-inputs"
# Libraries whose versions decide bytes in the exports (as .ci/constraints.txt pins them).
WRITERS = ("rdflib", "pyoxigraph", "pyshacl", "networkx", "numpy", "scipy", "pyvis", "Jinja2")
_PACKAGE = Path(__file__).resolve().parent.parent


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
    return sorted(p for p in found if "__pycache__" not in p.parts)


def digest(catalog_dir: Path, base: str, endpoint: str | None = None) -> str:
    """The digest of every input of a build of catalog_dir under base (and with the SPARQL
    endpoint the dataset description names, if any)."""
    h = hashlib.sha256()
    groups = [
        (catalog_dir, _files(catalog_dir, ("*.yaml", "*.txt", "rows/*.yaml"))),
        (data_dir("ontology"), _files(data_dir("ontology"), ("*",))),
        (data_dir("queries"), _files(data_dir("queries"), ("*.rq",))),
        (_PACKAGE, _files(_PACKAGE, ("**/*.py", "**/*.rq", "**/*.ru", "templates/*", "assets/*"))),
    ]
    for root, paths in groups:
        for path in paths:
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in WRITERS:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    h.update(base.encode())
    if endpoint:
        h.update(b"\0" + endpoint.encode())
    return h.hexdigest()


def is_fresh(
    out_dir: Path,
    catalog_dir: Path,
    base: str,
    names: tuple[str, ...],
    endpoint: str | None = None,
) -> bool:
    stamp = out_dir / STAMP
    if not stamp.is_file() or not all((out_dir / name).is_file() for name in names):
        return False
    return stamp.read_text(encoding="utf-8").strip() == digest(catalog_dir, base, endpoint)


def record(out_dir: Path, catalog_dir: Path, base: str) -> None:
    from llm4rec_kg.catalog import yamlio

    yamlio.atomic_write(out_dir / STAMP, digest(catalog_dir, base) + "\n")
