"""A synthetic catalog of N papers, shaped like the real one, for scale tests.

    python benchmarks/synthetic.py 6800 --out /tmp/big-catalog   # YAML files, ~10k nodes

``synthetic_catalog(n)`` returns the same records in memory, for timing the stages after
YAML loading. Values are random but seeded, so every run makes the same catalog.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

from llm4rec_kg.catalog import Catalog

SOURCE = "synthetic"


def _row(section: str, index: int) -> list[dict[str, Any]]:
    return [
        {
            "source": SOURCE,
            "section": section,
            "row": index,
            "line": index + 10,
            "listed": {"name": f"P{index}"},
        }
    ]


def collections(papers: int, seed: int = 0) -> dict[str, dict[str, Any]]:
    rng = random.Random(seed)
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
        "domain": {"label": "Domain", "concepts": {"movie": {"label": "Movie"}}},
        "task": {"label": "Task", "concepts": {"general": {"label": "General"}}},
    }
    model_keys, venue_keys = sorted(models), sorted(venues)
    entries: dict[str, Any] = {}
    for i in range(papers):
        paradigm = rng.choice(["no-tuning", "supervised-fine-tuning"])
        entry: dict[str, Any] = {
            "type": "paper",
            "short_name": f"P{i}",
            "title": f"Synthetic paper number {i}",
            "year": rng.randint(2019, 2025),
            "venue": rng.choice(venue_keys),
            "paradigm": paradigm,
            "models": sorted(set(rng.sample(model_keys, rng.randint(1, 3)))),
            "link": f"https://arxiv.org/abs/2{i // 10000:03d}.{i % 10000:05d}",
            "arxiv": f"2{i // 10000:03d}.{i % 10000:05d}",
            "provenance": _row(paradigm, i + 1),
        }
        if rng.random() < 0.4:
            entry["code"] = f"https://github.com/owner{i % 997}/repo{i}"
            entry["code_label"] = "Python"
        entries[f"arxiv-2{i // 10000:03d}.{i % 10000:05d}"] = entry
    return {
        "sources": {SOURCE: {"title": "Synthetic list"}},
        "concepts": concepts,
        "families": families,
        "venues": venues,
        "models": models,
        "papers": entries,
    }


def synthetic_catalog(papers: int, seed: int = 0) -> Catalog:
    return Catalog(Path(SOURCE), collections(papers, seed), {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("papers", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in collections(args.papers, args.seed).items():
        (args.out / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=True))
    print(f"wrote a catalog of {args.papers} papers to {args.out}")


if __name__ == "__main__":
    main()
