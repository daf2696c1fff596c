"""Which paper a row is about, when its link or its title alone cannot say for sure.

Two rules, each documented with its threshold and tested:

* **A link that names another paper's record.** Every row that links an identifier (an
  arXiv id, a DOI, …) votes, by list, for the title that identifier belongs to. Titles of
  one identifier are grouped by similarity (``SAME_TITLE``); the group named by the most
  lists owns it. A row is kept apart when its title is not like the owner's *and* is the
  title another identifier owns: its link is the record of another paper (P5 linking
  PEPLER's record, LLaRA linking E4SRec's). A different title with no other home is most
  often the record's earlier title (arXiv records are renamed between versions: GENRE and
  ONCE), so that row stays with the record. When two groups tie, nobody owns the
  identifier and nothing is kept apart.
* **A title-only row** matches a paper with the same normalised title; failing that, a
  title at least ``NEAR_SAME`` alike (typos, spacing: "thanWords"). A title between
  ``UNCERTAIN`` and ``NEAR_SAME`` alike is neither merged nor made a new paper: the row waits
  for a curator's decision in ``matches.yaml``, and lint reports it as an open error.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from llm4rec_kg.readers import normalize

SAME_TITLE = 0.8  # less alike than this: two different papers (resolve uses it for variants)
NEAR_SAME = 0.95  # a title-only row this alike to a known title is that paper
UNCERTAIN = 0.85  # from here to NEAR_SAME: a curator decides


def similarity(a: str, b: str) -> float:
    """How alike two titles are, case and punctuation folded (difflib's ratio, 0 to 1)."""
    return difflib.SequenceMatcher(None, normalize.title_key(a), normalize.title_key(b)).ratio()


class Owners:
    """Which title each identifier belongs to, by the lists that link it."""

    def __init__(self) -> None:
        self.votes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._owners: dict[str, str | None] = {}
        self._homes: dict[str, str] | None = None  # title key -> the identifier owning it

    def add(self, identifier: str | None, title: str | None, list_id: str) -> None:
        if identifier and title and normalize.title_key(title):
            self.votes[identifier][title].add(list_id)
            self._owners.pop(identifier, None)
            self._homes = None

    def owner(self, identifier: str) -> str | None:
        """The title of the group of titles most lists give this identifier; None when
        two groups tie."""
        if identifier not in self._owners:
            self._owners[identifier] = self._owner(identifier)
        return self._owners[identifier]

    def home(self, title: str) -> str | None:
        """The identifier whose owning title this is, if any."""
        if self._homes is None:
            self._homes = {}
            for identifier in sorted(self.votes):
                if owner := self.owner(identifier):
                    self._homes.setdefault(normalize.title_key(owner), identifier)
        return self._homes.get(normalize.title_key(title))

    def _owner(self, identifier: str) -> str | None:
        groups: list[tuple[str, set[str]]] = []  # a title for the group, its lists
        ranked = sorted(self.votes.get(identifier, {}).items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for title, lists in ranked:
            for index, (head, members) in enumerate(groups):
                if similarity(title, head) >= SAME_TITLE:
                    groups[index] = (head, members | lists)
                    break
            else:
                groups.append((title, set(lists)))
        groups.sort(key=lambda g: -len(g[1]))
        if not groups or (len(groups) > 1 and len(groups[0][1]) == len(groups[1][1])):
            return None
        return groups[0][0]

    def names_another(self, identifier: str | None, title: str | None) -> str | None:
        """The owner's title, when this row's title is not like it: the row's link is the
        record of another paper."""
        if not identifier or not title:
            return None
        owner = self.owner(identifier)
        if owner is None or similarity(title, owner) >= SAME_TITLE:
            return None
        home = self.home(title)
        return owner if home is not None and home != identifier else None


@dataclass(frozen=True)
class Near:
    entity: str
    title: str
    score: float


def nearest(title: str, titles: Mapping[str, str]) -> Near | None:
    """The known title most like ``title`` (title key -> entity), from UNCERTAIN up."""
    key = normalize.title_key(title)
    best: Near | None = None
    for known, entity in titles.items():
        if abs(len(known) - len(key)) > (1 - UNCERTAIN) * max(len(known), len(key)):
            continue  # lengths this far apart cannot reach UNCERTAIN
        matcher = difflib.SequenceMatcher(None, key, known)
        if matcher.real_quick_ratio() < UNCERTAIN or matcher.quick_ratio() < UNCERTAIN:
            continue
        score = matcher.ratio()
        if score >= UNCERTAIN and (best is None or score > best.score):
            best = Near(entity, known, score)
    return best


def decisions(matches: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """A curator's decisions on uncertain matches, by the row title's key."""
    return {normalize.title_key(str(m["title"])): m for m in matches.values()}


def vote_rows(rows: Iterable[tuple[str, str | None, str | None]]) -> Owners:
    """Owners from (list, link, title) triples."""
    owners = Owners()
    for list_id, link, title in rows:
        owners.add(normalize.entity_key(link) if link else None, title, list_id)
    return owners
