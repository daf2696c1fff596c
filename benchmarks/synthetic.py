"""A synthetic catalog of N papers, shaped like the real one, for scale tests.

    python benchmarks/synthetic.py 6800 --out /tmp/big-project   # catalog/ and sources/

It is a catalog directory as `llm4rec-kg sync` leaves one: a registry of one synthetic
list, a rows file of that list's rows (cells as listed, each matched to its paper), and the
curated models, venues, families and concepts the cells name. ``synthetic_catalog(n)``
writes one to a temporary directory and loads it, for timing the stages after loading.
Values are random but seeded, so every run makes the same catalog.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path
from typing import Any

import yaml

from llm4rec_kg.catalog import Catalog, load_catalog, rows
from llm4rec_kg.readers.shapes import SourceRow

REAL_CATALOG = Path(__file__).resolve().parent.parent / "catalog"

LIST = "synthetic"
SNAPSHOT = "synthetic-0000000"


def _curated(papers: int, rng: random.Random) -> dict[str, dict[str, Any]]:
    families = {f"family-{i}": {"label": f"Family {i}"} for i in range(max(4, papers // 350))}
    models = {
        f"model-{i}": {
            "label": f"Model {i}",
            "aliases": [f"M{i}", f"model_{i}"],
            "family": rng.choice(sorted(families)),
        }
        for i in range(max(10, papers // 17))
    }
    venues = {
        f"venue-{i}": {"label": f"Venue {i}", "aliases": [f"venue {i}"]}
        for i in range(max(5, papers // 110))
    }
    concepts = {
        "paradigm": {
            "label": "Tuning paradigm",
            "concepts": {
                "no-tuning": {"label": "No Tuning"},
                "supervised-fine-tuning": {"label": "Supervised Fine-Tuning"},
            },
        },
        # The model-role scheme is the project's own vocabulary: the real one, as it is.
        "role": yaml.safe_load((REAL_CATALOG / "concepts.yaml").read_text("utf-8"))["role"],
    }
    sources = {
        LIST: {
            "title": "Synthetic list",
            "repository": "https://example.org/synthetic",
            "licence": "MIT",
            "reader": "markdown",
            "snapshots": {
                SNAPSHOT: {
                    "commit": "0000000",
                    "date": "2026-01-01",
                    "file": "sources/synthetic.md",
                }
            },
        }
    }
    return {
        "sources": sources,
        "concepts": concepts,
        "families": families,
        "venues": venues,
        "models": models,
    }


def _rows(papers: int, curated: dict[str, Any], rng: random.Random) -> list[tuple[SourceRow, str]]:
    models = [m["label"] for _, m in sorted(curated["models"].items())]
    venues = [v["label"] for _, v in sorted(curated["venues"].items())]
    out = []
    counters = {"no-tuning": 0, "supervised-fine-tuning": 0}
    for i in range(papers):
        section = rng.choice(sorted(counters))
        counters[section] += 1
        arxiv = f"2{i // 10000:03d}.{i % 10000:05d}"
        listed = {
            "name": f"P{i}",
            "title": f"Synthetic paper number {i}",
            "link": f"https://arxiv.org/abs/{arxiv}",
            "venue": rng.choice(venues),
            "year": str(rng.randint(2019, 2025)),
            "llm": ", ".join(sorted(set(rng.sample(models, rng.randint(1, 3))))),
        }
        if rng.random() < 0.4:
            listed["code"] = f"https://github.com/owner{i % 997}/repo{i}"
            listed["code_label"] = "Python"
        heading = {"no-tuning": "No Tuning", "supervised-fine-tuning": "Supervised Fine-Tuning"}
        row = SourceRow(section, counters[section], i + 10, "paper", (heading[section],), listed)
        out.append((row, f"arxiv-{arxiv}"))
    return out


def write(papers: int, project: Path, seed: int = 0) -> Path:
    """A project directory holding catalog/ (and an empty sources/); returns the catalog."""
    rng = random.Random(seed)
    catalog = project / "catalog"
    (catalog / rows.ROWS_DIR).mkdir(parents=True, exist_ok=True)
    (project / "sources").mkdir(exist_ok=True)
    curated = _curated(papers, rng)
    for name, data in curated.items():
        (catalog / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=True))
    document = rows.document(SNAPSHOT, _rows(papers, curated, rng))
    (catalog / rows.ROWS_DIR / f"{SNAPSHOT}.yaml").write_text(
        rows.dump(document, "sources/synthetic.md")
    )
    return catalog


def synthetic_catalog(papers: int, seed: int = 0) -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        return load_catalog(write(papers, Path(tmp), seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("papers", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    catalog = write(args.papers, args.out, args.seed)
    print(f"wrote a catalog of {args.papers} papers to {catalog}")


if __name__ == "__main__":
    main()
