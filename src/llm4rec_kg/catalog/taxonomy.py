"""The shared taxonomy: each list's section headings mapped onto shared facets, and facets
derived from titles by curated rules.

Two kinds of facet are kept apart. A *listed* facet comes from a heading a list sorted the
paper under (headings.yaml's exact or broad match): the list said it. A *derived* facet comes
from a title rule (title-rules.yaml): the project inferred it, and names the rule. Code never
guesses a heading's mapping; a heading no curated entry covers is reported, not mapped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from llm4rec_kg.catalog import resolve
from llm4rec_kg.errors import Problem

INHERITED = ("exact_match", "broad_match")  # a heading's papers are in these concepts
MATCHES = (*INHERITED, "close_match")
# The facets that say what a paper does (its coverage is what `stats` reports), as opposed
# to how it is adapted, which trust dimension it studies, or what kind of paper it is.
TOPICAL = ("llm-role", "rec-task", "rec-domain")


@dataclass(frozen=True)
class Rule:
    key: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    facet: str

    def matches(self, title: str) -> bool:
        return bool(self.pattern.search(title)) and not (
            self.unless is not None and self.unless.search(title)
        )


def rules(curated: Mapping[str, Any]) -> tuple[Rule, ...]:
    """The title rules, compiled (the schema has checked that each pattern compiles)."""
    return tuple(
        Rule(
            key,
            re.compile(rule["pattern"], re.IGNORECASE),
            re.compile(rule["unless"], re.IGNORECASE) if rule.get("unless") else None,
            rule["facet"],
        )
        for key, rule in sorted(curated.items())
    )


def derive(title: str | None, compiled: Iterable[Rule]) -> dict[str, list[str]]:
    """Each facet the rules derive from a title, with the rules that derived it."""
    found: dict[str, list[str]] = {}
    for rule in compiled:
        if title and rule.matches(title):
            found.setdefault(rule.facet, []).append(rule.key)
    return dict(sorted(found.items()))


def heading_concepts(rows: Iterable[resolve.Row], paradigms: set[str]) -> dict[str, dict[str, Any]]:
    """Every section of every snapshot, keyed as its concept is: the paradigm concept for
    the sections that are a tuning paradigm, else the list's topic concept."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        key = resolve.topic_key(row)
        if key not in found:
            paradigm = row.section in paradigms
            found[key] = {
                "scheme": "paradigm" if paradigm else "topic",
                "concept": row.section if paradigm else key,
                "label": row.headings[-1] if row.headings else row.section,
                "list": row.snapshot.list,
            }
    return dict(sorted(found.items()))


def assign(
    papers: Mapping[str, dict[str, Any]],
    headings: Mapping[str, Mapping[str, Any]],
    compiled: tuple[Rule, ...],
) -> None:
    """Set each paper's listed facets (from its rows' headings) and derived ones (from its
    title), in place."""
    for paper in papers.values():
        listed: dict[str, list[str]] = {}
        for heading in paper.get("headings") or []:
            mapping = headings.get(heading) or {}
            for field in INHERITED:
                for facet in mapping.get(field) or []:
                    listed.setdefault(facet, []).append(heading)
        paper["facets"] = {f: sorted(set(h)) for f, h in sorted(listed.items())}
        paper["derived_facets"] = derive(paper.get("title"), compiled)


def problems(
    file: str,
    curated: Mapping[str, Any],
    known: Mapping[str, dict[str, Any]],
    lines: Mapping[str, int | None],
) -> list[Problem]:
    """A mapping must name a section some snapshot has, and either map it or say why not."""
    found = []
    for key, entry in curated.items():
        line = lines.get(key)
        mapped = any(entry.get(field) for field in MATCHES)
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            found.append(Problem(file, line, key, None, f"no list has this section{hint}"))
        if mapped and entry.get("out_of_scope"):
            found.append(
                Problem(file, line, key, "out_of_scope", "a mapped heading is not out of scope")
            )
        if not mapped and not entry.get("out_of_scope"):
            found.append(
                Problem(
                    file,
                    line,
                    key,
                    None,
                    "map the heading (exact_match, broad_match, close_match) "
                    "or say why it fits no facet (out_of_scope)",
                )
            )
    return found


def broader_problems(
    file: str, concepts: Mapping[str, Any], line_of: Callable[..., int | None]
) -> list[Problem]:
    """A concept's broader concept is one of its own scheme."""
    found = []
    for scheme, body in concepts.items():
        members = body.get("concepts") or {}
        for key, concept in members.items():
            broader = concept.get("broader")
            if broader is not None and (broader not in members or broader == key):
                found.append(
                    Problem(
                        file,
                        line_of(members, key),
                        scheme,
                        f"concepts.{key}.broader",
                        f"no other concept {broader!r} in scheme {scheme!r}",
                    )
                )
    return found
