"""Refresh the vendored front-end assets from the npm registry, and record their checksums.

    python -m llm4rec_kg.assets.refresh            # fetch the pinned versions again
    python -m llm4rec_kg.assets.refresh --check    # only verify files against MANIFEST.json

The HTML page inlines these files; nothing is loaded at run time. vis-network is not vendored
here: it comes from the pyvis package (pyvis/lib/vis-9.1.2), whose version pyproject pins.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "MANIFEST.json"

# npm package -> (version, {file in package: vendored name}, licence)
PINNED = {
    "oxigraph": (
        "0.5.11",
        {"package/web.js": "oxigraph-web.js", "package/web_bg.wasm": "oxigraph-web_bg.wasm.gz"},
        "MIT OR Apache-2.0",
    ),
    "@zazuko/yasqe": (
        "4.6.2",
        {
            "package/build/yasqe.min.js": "yasqe.min.js",
            "package/build/yasqe.min.css": "yasqe.min.css",
        },
        "MIT",
    ),
    # The page's charts: Observable Plot on d3, both without eval, so they run under the
    # page's Content-Security-Policy (Vega's expressions need 'unsafe-eval').
    "d3": ("7.9.2", {"package/dist/d3.min.js": "d3.min.js"}, "ISC"),
    "@observablehq/plot": (
        "0.6.17",
        {"package/dist/plot.umd.min.js": "plot.umd.min.js"},
        "ISC",
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for package, (version, files, licence) in PINNED.items():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["npm", "pack", f"{package}@{version}", "--silent"],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
            (tarball,) = Path(tmp).glob("*.tgz")  # scoped names pack as zazuko-yasqe-…
            with tarfile.open(tarball) as archive:
                for member, name in files.items():
                    extracted = archive.extractfile(member)
                    assert extracted is not None, member
                    data = extracted.read()
                    target = HERE / name
                    if name.endswith(".gz"):  # mtime 0 keeps the archive byte-stable
                        data = gzip.compress(data, compresslevel=9, mtime=0)
                    target.write_bytes(data)
                    entries[name] = {
                        "package": package,
                        "version": version,
                        "source": member,
                        "license": licence,
                        "sha256": sha256(target),
                    }
    return entries


def check() -> list[str]:
    manifest = json.loads(MANIFEST.read_text())
    return [
        name
        for name, entry in manifest["files"].items()
        if not (HERE / name).is_file() or sha256(HERE / name) != entry["sha256"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        bad = check()
        print("assets match MANIFEST.json" if not bad else f"changed or missing: {bad}")
        sys.exit(1 if bad else 0)
    files = fetch()
    MANIFEST.write_text(json.dumps({"files": files}, indent=2, sort_keys=True) + "\n")
    print(f"vendored {len(files)} files; checksums in {MANIFEST.name}")


if __name__ == "__main__":
    main()
