"""The gate a new snapshot passes before its rows enter the catalog.

A list read wrongly does lasting damage: its junk titles, venues and models become
entities, and their IRIs enter the ledger for good. So a new snapshot whose reading looks
broken is refused, with the reasons and examples, unless the curator accepts it with a
reason (``sync --accept-reading``), which is recorded with the snapshot. ``lint`` applies
the same checks to the rows already committed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from llm4rec_kg.readers import entries
from llm4rec_kg.readers.shapes import SourceRow

# Shares over which a reading is refused; below them, the rows' findings say enough.
UNREADABLE_SHARE = 0.5  # rows with neither an identifier nor a plausible title
DEBRIS_SHARE = 0.05  # titles carrying separators, URLs or author and venue tails
PAPER_KINDS = ("paper", "survey", "tutorial")
_FRAGMENT_WORDS = re.compile(r"\b(?:et al|and|the|of|for|with|in|on|by|from)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    reason: str
    examples: tuple[str, ...]

    def __str__(self) -> str:
        shown = "; ".join(self.examples[:3])
        return f"{self.reason} (for example: {shown})" if shown else self.reason


def _sentence_break(name: str) -> bool:
    """A period and a space after a word that is no abbreviation: "Sci. Rep" and "ACM
    Trans. Inf. Syst." are journal names; "Recommendation. We" is a sentence's end."""
    return any(
        not re.fullmatch(r"[A-Z][a-z]{0,5}|[A-Z]+", word) for word in re.findall(r"(\S+)\.\s", name)
    )


def fragment(name: str) -> str | None:
    """Why a venue or model name looks like a piece of a sentence, or None."""
    if re.search(r"[|\uff5c\[\]()]|https?://|,\s", name) or _sentence_break(name):
        return "holds a separator, bracket or URL"  # \uff5c: a full-width bar
    words = name.split()
    if len(words) > 6:
        return "is more than six words"
    if len(words) >= 3 and len(_FRAGMENT_WORDS.findall(name)) >= 2:
        return "reads as a phrase"
    if name[:1].islower() and len(words) >= 4:
        return "reads as a phrase"
    if re.search(r"[:;,]$", name.strip()):
        return "ends with punctuation"
    return None


def _identified(row: SourceRow) -> bool:
    return bool(row.listed.get("link") or row.listed.get("search"))


def assess(rows: Sequence[SourceRow], new_names: Iterable[tuple[str, str]] = ()) -> list[Verdict]:
    """What looks broken in one reading: its paper rows and the new names it brings."""
    papers = [row for row in rows if row.kind in PAPER_KINDS]
    verdicts: list[Verdict] = []
    if papers:
        unread = [
            row
            for row in papers
            if not _identified(row) and not entries.reads_as_title(row.listed.get("title", ""))
        ]
        if len(unread) > UNREADABLE_SHARE * len(papers):
            verdicts.append(
                Verdict(
                    f"{len(unread)} of {len(papers)} rows have neither an identifier nor a "
                    "plausible title",
                    tuple(f"line {r.line}" for r in unread[:3]),
                )
            )
        debris = [
            (row, why)
            for row in papers
            if (why := entries.title_debris(row.listed.get("title", "")))
        ]
        if debris and len(debris) > DEBRIS_SHARE * len(papers):
            verdicts.append(
                Verdict(
                    f"{len(debris)} of {len(papers)} titles carry debris",
                    tuple(
                        f"line {r.line}: {r.listed['title'][:60]!r} {why}" for r, why in debris[:3]
                    ),
                )
            )
    fragments = [(kind, name, why) for kind, name in new_names if (why := fragment(name))]
    if fragments:
        verdicts.append(
            Verdict(
                f"{len(fragments)} new venue or model names look like sentence fragments",
                tuple(f"{kind} {name!r} {why}" for kind, name, why in fragments[:3]),
            )
        )
    return verdicts
