"""What changed between two exports of the graph: entities added, removed and changed, with
their triples, as ``llm4rec-kg diff`` prints it and as the build records it in the changelog.

Triples are compared in canonical N-Triples (pyoxigraph reads any of the dumps' formats),
grouped by subject; the exports mint no blank nodes, so a triple is its line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from llm4rec_kg.namespaces import compact, display_prefixes

GRAPH_FILE = "llm4rec.nt"  # what a directory of exports is compared by
UNRELEASED = "## Unreleased"


@dataclass
class EntityChange:
    iri: str
    added: list[str] = field(default_factory=list)  # N-Triples lines
    removed: list[str] = field(default_factory=list)


@dataclass
class GraphDiff:
    added: list[EntityChange] = field(default_factory=list)  # subjects new in NEW
    removed: list[EntityChange] = field(default_factory=list)  # subjects gone from NEW
    changed: list[EntityChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def triples(self) -> tuple[int, int]:
        every = [*self.added, *self.removed, *self.changed]
        return sum(len(c.added) for c in every), sum(len(c.removed) for c in every)

    def as_json(self) -> dict[str, Any]:
        def entry(c: EntityChange) -> dict[str, Any]:
            return {"iri": c.iri, "added": c.added, "removed": c.removed}

        return {
            "added": [entry(c) for c in self.added],
            "removed": [entry(c) for c in self.removed],
            "changed": [entry(c) for c in self.changed],
            "triples_added": self.triples()[0],
            "triples_removed": self.triples()[1],
        }


def read_lines(path: Path) -> set[str]:
    """The graph in a dump (or in a directory's llm4rec.nt) as canonical N-Triples lines."""
    from llm4rec_kg.sparql.engines import store_from_file

    target = path / GRAPH_FILE if path.is_dir() else path
    return lines_of(store_from_file(str(target)))


def lines_of(store: ox.Store) -> set[str]:
    dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    return set(dump.decode("utf-8").splitlines())


def diff(old: set[str], new: set[str]) -> GraphDiff:
    before, after = _by_subject(old - new), _by_subject(new - old)
    old_subjects, new_subjects = _subjects(old), _subjects(new)
    result = GraphDiff()
    for subject in sorted(set(before) | set(after)):
        change = EntityChange(
            subject, sorted(after.get(subject, [])), sorted(before.get(subject, []))
        )
        if subject not in old_subjects:
            result.added.append(change)
        elif subject not in new_subjects:
            result.removed.append(change)
        else:
            result.changed.append(change)
    return result


_SUBJECT = re.compile(r"^(<[^>]*>|_:\S+) ")


def _subject(line: str) -> str:
    match = _SUBJECT.match(line)
    return match.group(1).strip("<>") if match else line


def _by_subject(lines: set[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        grouped[_subject(line)].append(line)
    return grouped


def _subjects(lines: set[str]) -> set[str]:
    return {_subject(line) for line in lines}


def summary(change: GraphDiff, base: str, limit: int = 10) -> list[str]:
    """The diff in a few lines for people: counts, and the first entities of each kind."""
    prefixes = display_prefixes(base)
    added, removed = change.triples()
    lines = [
        f"{len(change.added)} entities added, {len(change.removed)} removed, "
        f"{len(change.changed)} changed ({added} triples added, {removed} removed)"
    ]
    for title, group in (
        ("added", change.added),
        ("removed", change.removed),
        ("changed", change.changed),
    ):
        if group:
            names = [compact(c.iri, prefixes) for c in group[:limit]]
            more = f" and {len(group) - limit} more" if len(group) > limit else ""
            lines.append(f"{title}: {', '.join(names)}{more}")
    return lines


# The changelog entry of a build travels with its export set: written into the staging
# directory, swapped in with the exports, then moved into the changelog. A build killed
# between the swap and the move leaves it here, and the next build moves it.
PENDING = ".changelog-entry"


def entry(change: GraphDiff, base: str, version: str) -> str:
    """The changelog bullet of a diff; empty when the graph did not change."""
    if change.empty:
        return ""
    return f"- Data (built by {version}): " + "; ".join(summary(change, base)) + "\n"


def record(changelog: Path, change: GraphDiff, base: str, version: str) -> bool:
    """Add the diff to the changelog's Unreleased section (made if missing); nothing when
    the graph did not change. True when the file was written."""
    return add_entry(changelog, entry(change, base, version))


def add_entry(changelog: Path, bullet: str) -> bool:
    """Put bullet first under Unreleased; nothing when it is empty or already there (a
    pending entry moved once before its file could be removed)."""
    if not bullet.strip():
        return False
    from llm4rec_kg.catalog import yamlio

    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n"
    if UNRELEASED in text:
        head, _, rest = text.partition(UNRELEASED + "\n")
        if rest.lstrip("\n").startswith(bullet):
            return False
        text = head + UNRELEASED + "\n\n" + bullet + rest.lstrip("\n")
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{UNRELEASED}\n\n{bullet}\n" + rest.lstrip("\n")
    yamlio.atomic_write(changelog, text)
    return True


def move_pending(out_dir: Path, changelog: Path) -> bool:
    """Move the entry a build left with its exports into the changelog; True when one was
    there."""
    pending = out_dir / PENDING
    if not pending.is_file():
        return False
    add_entry(changelog, pending.read_text(encoding="utf-8"))
    pending.unlink()
    return True


def render(change: GraphDiff, base: str) -> str:
    """The full diff as text: each entity with its triples, + added and - removed."""
    prefixes = display_prefixes(base)
    out = summary(change, base, limit=0)[:1]
    for title, group in (
        ("added", change.added),
        ("removed", change.removed),
        ("changed", change.changed),
    ):
        for c in group:
            out.append(f"\n{title} {compact(c.iri, prefixes)}")
            out += [f"  - {line}" for line in c.removed]
            out += [f"  + {line}" for line in c.added]
    return "\n".join(out) + "\n"
