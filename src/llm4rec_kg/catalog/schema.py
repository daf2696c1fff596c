"""The catalog schema: what each YAML file holds, checked before any triple is built.

The schema is data (``Field`` trees), and one walker checks it, so that an error names the
file, line, entry and field, suggests the nearest known key, and never stops at the first
problem. Value ranges (years, patterns) are left to the SHACL shapes, which guard the graph
itself.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from llm4rec_kg.catalog.yamlio import line_of
from llm4rec_kg.errors import Problem
from llm4rec_kg.readers import normalize
from llm4rec_kg.readers.shapes import KINDS, LISTED_COLUMNS


@dataclass(frozen=True)
class Field:
    kind: str  # str | int | year | number | bool | url | date | regex | list | map | record
    required: bool = False
    ref: str | None = None  # the collection a string value must name
    choices: tuple[str, ...] = ()
    items: Field | None = None  # for lists, and for maps whose keys are free
    fields: Mapping[str, Field] = field(default_factory=dict)  # for records


def _str(**kw: Any) -> Field:
    return Field("str", **kw)


def _list(items: Field, **kw: Any) -> Field:
    return Field("list", items=items, **kw)


def _record(fields: Mapping[str, Field], **kw: Any) -> Field:
    return Field("record", fields=fields, **kw)


# A paper the lists do not give: who added it, when, and the evidence for it.
CURATOR_PROVENANCE = _list(
    _record(
        {
            "curator": _str(required=True),
            "date": Field("date", required=True),
            "evidence": Field("url", required=True),
            "note": _str(),
        }
    )
)

PAPER_TYPES = ("paper", "survey", "tutorial")
AVAILABILITY = ("open", "on-request", "api-only")  # the availability scheme's concepts
VENUE_KINDS = ("conference", "journal", "workshop", "preprint-server", "preprint", "publisher")
CONFLICT_KINDS = ("duplicate-rows", "shared-link", "shared-short-name", "value-disagreement")

ENTRY_FIELDS: dict[str, Mapping[str, Field]] = {
    "sources": {
        "title": _str(required=True),
        "repository": Field("url", required=True),
        "licence": _str(required=True),
        "reader": _str(required=True, choices=("markdown",)),
        # What the curator declares where the readers' heuristics misread the list.
        "columns": Field("map", items=_str(choices=(*LISTED_COLUMNS, "ignore"))),
        "skip_sections": _list(_str()),
        "snapshots": Field(
            "map",
            required=True,
            items=_record(
                {
                    "title": _str(),
                    "commit": _str(required=True),
                    "date": Field("date", required=True),
                    "file": _str(required=True),
                    "url": Field("url"),
                    "path": _str(),
                    "accepted": _str(),
                }
            ),
        ),
    },
    "concepts": {
        "label": _str(required=True),
        "definition": _str(),
        "facet": Field("bool"),  # one of the shared facets that headings and rules map to
        "concepts": Field(
            "map",
            required=True,
            items=_record(
                {
                    "label": _str(required=True),
                    "alt_labels": _list(_str()),
                    "definition": _str(),
                    "scope_note": _str(),
                    "exact_match": _str(ref="concepts:paradigm"),
                    "broad_match": _str(ref="concepts:paradigm"),
                    "broader": _str(),  # a concept of the same scheme (taxonomy.problems)
                }
            ),
        ),
    },
    "families": {"label": _str(required=True), "aliases": _list(_str())},
    "venues": {
        "label": _str(required=True),
        "aliases": _list(_str()),
        "kind": _str(choices=VENUE_KINDS),
        "kind_source": Field("url"),  # where a kind the name does not say was read
        "publisher": _str(),
    },
    "models": {
        "label": _str(required=True),
        "aliases": _list(_str()),
        "family": _str(ref="families"),
        # Curated with its source, never guessed: see models.yaml.
        "availability": _record(
            {
                "weights": _str(required=True, choices=AVAILABILITY),
                "source": Field("url", required=True),
                "note": _str(),
            }
        ),
    },
    "model-readings": {
        "models": _list(_str(ref="models"), required=True),
        "reason": _str(required=True),
    },
    # Curated facts about papers; everything else comes from the source rows.
    "papers": {
        "replaces": _list(Field("key")),
        "type": _str(choices=PAPER_TYPES),
        "short_name": _str(),
        "title": _str(),
        "year": Field("year"),
        "venue": _str(ref="venues"),
        "models": _list(_str(ref="models")),
        "link": Field("url"),
        "arxiv": Field("arxiv"),
        "doi": Field("doi"),
        "code": Field("url"),
        "provenance": CURATOR_PROVENANCE,
    },
    "datasets": {
        "replaces": _list(_str()),
        "label": _str(),
        "aliases": _list(_str()),
        "landing_page": Field("url"),
        "paper": _str(ref="papers"),
    },
    # Curator decisions on conflicts the resolver finds between rows.
    "conflicts": {
        "status": _str(required=True, choices=("open", "resolved")),
        "resolution": _str(required=True),
    },
}

CORRECTABLE = ("arxiv", "doi", "link", "venue", "year", "code", "title", "short_name", "models")
LINT_RULES = (
    "duplicate-identifier",
    "duplicate-title",
    "shared-short-name",
    "venue-variant",
    "publisher-as-venue",
    "venue-doi-mismatch",
    "code-not-repository",
    "tracking-parameter",
    "non-canonical-arxiv",
    "year-before-arxiv",
    "mojibake",
    "unresolved-model",
    "placeholder-name",
    "dataset-without-landing-page",
    "malformed-row",
    "stale-correction",
    "obsolete-correction",
    "title-debris",
    "conflict-decision",
    "uncertain-match",
    "name-fragment",
)
ENTRY_FIELDS["corrections"] = {
    "entity": _str(required=True),
    "row": _str(),  # snapshot/section/index: correct that row's claim, not the entity's value
    "field": _str(required=True, choices=CORRECTABLE),
    "listed": Field("any"),
    "corrected": Field("any"),
    "reason": _str(required=True),
    "source": _str(required=True),
    "resolves": _list(_str(choices=LINT_RULES)),
}
ENTRY_FIELDS["accepted"] = {
    "rule": _str(required=True, choices=LINT_RULES),
    "entity": _str(required=True),
    "reason": _str(required=True),
}

# Each list's section heading (key: list id and section slug), mapped to the shared facets,
# or recorded as fitting none. Exact and broad matches are inherited by the heading's papers.
FACET_REF = _str(ref="facets")
ENTRY_FIELDS["headings"] = {
    "exact_match": _list(FACET_REF),
    "broad_match": _list(FACET_REF),
    "close_match": _list(FACET_REF),
    "scope_note": _str(),
    "out_of_scope": _str(),
}
# Title rules: a pattern that, found in a paper's title, derives a facet (kept apart from
# the facets headings give).
ENTRY_FIELDS["title-rules"] = {
    "pattern": Field("regex", required=True),
    "unless": Field("regex"),
    "facet": _str(required=True, ref="facets"),
    "scope_note": _str(required=True),
}

# A curator's decision on a row whose title is close to a paper's but not close enough to be
# sure (identity.UNCERTAIN to NEAR_SAME): the same paper, or a different one.
ENTRY_FIELDS["matches"] = {
    "title": _str(required=True),
    "same_as": _str(),
    "distinct_from": _str(),
    "reason": _str(required=True),
}

# IRIs that were published and whose entity is gone: key is the IRI's path under the base
# (correction/once-arxiv), replaced_by the path of what replaces it.
ENTRY_FIELDS["retired"] = {
    "replaced_by": _str(required=True),
    "reason": _str(required=True),
}

# Files in load order; a file may only refer to collections loaded before it or to itself.
COLLECTIONS: tuple[str, ...] = tuple(ENTRY_FIELDS)
REQUIRED_COLLECTIONS = frozenset({"sources", "concepts", "venues", "models"})

# One file per snapshot under rows/: the rows a reader gave, each matched to an entity.
ROW_FIELDS: Mapping[str, Field] = {
    "line": Field("int", required=True),
    "kind": _str(required=True, choices=KINDS),
    "entity": Field("key"),  # null while a curator decides between candidates (matches.yaml)
    "listed": _record({column: _str() for column in LISTED_COLUMNS}, required=True),
    "issues": _list(_str()),
    "other_record": _str(),  # the paper whose record the row's link names: kept apart
    "candidates": _list(_str()),
}
SECTION_FIELDS: Mapping[str, Field] = {
    "line": Field("int", required=True),
    "headings": _list(_str(), required=True),
}
ROWS_FILE = _record(
    {
        "snapshot": _str(required=True),
        "sections": Field("map", required=True, items=_record(SECTION_FIELDS)),
        "rows": Field("map", required=True, items=_record(ROW_FIELDS)),
    }
)


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind in ("str", "url", "doi", "arxiv", "key", "regex"):
        return isinstance(value, str)
    if kind in ("int", "year"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, datetime.date) or (isinstance(value, str) and _is_iso_date(value))
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def _is_iso_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_KIND_NAMES = {
    "any": "a value",
    "str": "a string",
    "url": "a URL string",
    "doi": "a DOI (10.NNNN/…)",
    "arxiv": "an arXiv id",
    "key": "an entry id",
    "regex": "a regular expression",
    "int": "a whole number",
    "year": "a year",
    "number": "a number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "map": "a mapping",
    "record": "a mapping",
}


@dataclass
class Checker:
    """Walks one collection's entries against ENTRY_FIELDS, collecting problems."""

    file: str
    known: Mapping[str, set[str]]
    problems: list[Problem] = field(default_factory=list)
    # Curated text may not hide characters (bidi controls, zero-width): an id or name that
    # looks like another must not be one. Rows keep their cells as listed.
    strict_text: bool = True

    def collection(self, name: str, data: Any) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            self._add(line_of(data), None, None, "the file must be a mapping of entry ids")
            return
        record = _record(ENTRY_FIELDS[name])
        for key, entry in data.items():
            if not isinstance(key, str):
                self._add(line_of(data, key), str(key), None, "entry ids must be strings")
                continue
            if self.strict_text and (hidden := normalize.DECEPTIVE.search(key)):
                self._add(line_of(data, key), repr(key), None, _deceptive(hidden.group()))
                continue
            if name not in PATH_KEYED and not KEY.fullmatch(key):
                self._add(
                    line_of(data, key),
                    repr(key),
                    None,
                    "an entry id becomes an IRI path segment: letters, digits, '.', '_', '-' "
                    "(and not '.' or '..')",
                )
                continue
            self._value(record, entry, key, None, line_of(data, key))

    def _add(self, line: int | None, entry: str | None, path: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, entry, path, message))

    def _value(
        self, spec: Field, value: Any, entry: str, path: str | None, line: int | None
    ) -> None:
        if value is None:
            if spec.required:
                self._add(line, entry, path, "is required but empty")
            return
        if not _type_ok(spec.kind, value):
            self._add(line, entry, path, f"must be {_KIND_NAMES[spec.kind]}, not {_shown(value)}")
            return
        if spec.kind == "url" and not normalize.valid_iri(value):
            self._add(line, entry, path, f"must be an http(s) web address, not {value!r}")
        # The same IRI rule as the readers and writers (normalize.valid_iri), on doi.org.
        if spec.kind == "doi" and not (
            _DOI.fullmatch(value) and normalize.valid_iri(f"https://doi.org/{value}")
        ):
            self._add(line, entry, path, f"must be a DOI that can be an IRI, not {value!r}")
        if spec.kind == "key" and not KEY.fullmatch(value):
            self._add(line, entry, path, f"{value!r} is not an entry id (an IRI path segment)")
        if spec.kind == "arxiv" and not _ARXIV.fullmatch(value):
            self._add(line, entry, path, f"must be an arXiv id without version, not {value!r}")
        if spec.kind == "regex" and (error := _regex_error(value)):
            self._add(line, entry, path, f"is not a regular expression: {error}")
        textual = spec.kind in ("str", "url", "doi", "arxiv", "key", "regex")
        if textual and not value.strip():
            self._add(line, entry, path, "is blank")
        hidden = normalize.DECEPTIVE.search(value) if textual else None
        if hidden and self.strict_text:
            self._add(line, entry, path, _deceptive(hidden.group()))
        control = _CONTROL.search(value) if textual and self.strict_text else None
        if control:
            self._add(
                line,
                entry,
                path,
                f"holds a control character (U+{ord(control.group()):04X}), which no export "
                "or terminal should receive",
            )
        limit = MAX_TEXT if self.strict_text else MAX_LISTED
        if textual and len(value) > limit:
            self._add(line, entry, path, f"is {len(value):,} characters; at most {limit:,}")
        if spec.kind == "number" and not math.isfinite(value):
            self._add(line, entry, path, f"must be a finite number, not {value}")
        if spec.kind == "year" and not FIRST_YEAR <= value <= datetime.date.today().year + 1:
            self._add(
                line,
                entry,
                path,
                f"{value} is not a plausible year ({FIRST_YEAR} to next year)",
            )
        if spec.choices and value not in spec.choices:
            self._add(
                line,
                entry,
                path,
                f"{value!r} is not one of: {', '.join(spec.choices)}" + _hint(value, spec.choices),
            )
        if spec.ref is not None:
            self._ref(spec.ref, value, entry, path, line)
        if spec.kind == "list" and spec.items is not None:
            for i, item in enumerate(value):
                self._value(spec.items, item, entry, f"{path}[{i}]", line_of(value, i) or line)
        elif spec.kind == "map" and spec.items is not None:
            for key, item in value.items():
                self._value(
                    spec.items, item, entry, _join(path, str(key)), line_of(value, key) or line
                )
        elif spec.kind == "record":
            self._record(spec, value, entry, path, line)

    def _record(
        self, spec: Field, value: dict[str, Any], entry: str, path: str | None, line: int | None
    ) -> None:
        for key in value:
            if key not in spec.fields:
                self._add(
                    line_of(value, key) or line,
                    entry,
                    _join(path, str(key)),
                    f"unknown key{_hint(str(key), spec.fields)}",
                )
        for name, sub in spec.fields.items():
            if name in value:
                self._value(
                    sub, value[name], entry, _join(path, name), line_of(value, name) or line
                )
            elif sub.required:
                self._add(line_of(value) or line, entry, _join(path, name), "is required")

    def _ref(self, target: str, value: str, entry: str, path: str | None, line: int | None) -> None:
        ids = self.known.get(target, set())
        if value not in ids:
            what = (
                "facet concept (scheme/concept)"
                if target == "facets"
                else target.replace("concepts:", "concept in scheme ")
            )
            self._add(line, entry, path, f"no {what} with id {value!r}{_hint(value, ids)}")


def _regex_error(pattern: str) -> str | None:
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        return str(err)
    return None


def _shown(value: Any) -> str:
    """What a value is, in the words of the schema rather than of the YAML library's types
    (a quoted scalar is a string, not a SingleQuotedScalarString)."""
    for kind in ("bool", "int", "number", "str", "list", "map"):
        if kind != "map" and _type_ok(kind, value):
            return (
                f"{_KIND_NAMES[kind]} ({value!r})"
                if kind in ("str", "int", "number")
                else _KIND_NAMES[kind]
            )
    return _KIND_NAMES["map"] if isinstance(value, dict) else type(value).__name__


FIRST_YEAR = 1990  # as the SHACL shapes say
# Sizes and forms of curated values, checked where they are loaded, before any IRI or
# export is made from them.
MAX_TEXT = 2000  # characters in one curated text value (a title is at most a few hundred)
MAX_LISTED = 20_000  # in one cell as a list gives it (rows files keep cells as listed)
KEY = re.compile(r"(?!\.{1,2}$)[A-Za-z0-9][A-Za-z0-9._-]*")  # an IRI path segment
# Files whose keys are no IRI segment: IRI paths (which hold "/"), whole listed cells, titles.
PATH_KEYED = frozenset({"retired", "model-readings", "matches"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are text
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z.-]+/\d{7}")


def _deceptive(char: str) -> str:
    return (
        f"holds an invisible or bidi-control character (U+{ord(char):04X}); "
        "remove it, since it makes the text look like other text"
    )


def _join(path: str | None, name: str) -> str:
    return f"{path}.{name}" if path else name


def _hint(value: str, options: Any) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def known_ids(collections: Mapping[str, Any]) -> dict[str, set[str]]:
    """The ids each reference may name, including concepts per scheme."""
    known: dict[str, set[str]] = {}
    for name, data in collections.items():
        if not isinstance(data, dict):
            continue
        known[name] = {str(key) for key in data}
        if name == "concepts":
            for scheme, body in data.items():
                concepts = body.get("concepts") if isinstance(body, dict) else None
                if isinstance(concepts, dict):
                    known[f"concepts:{scheme}"] = {str(key) for key in concepts}
                    if body.get("facet") is True:
                        known.setdefault("facets", set()).update(
                            f"{scheme}/{key}" for key in concepts
                        )
    return known


def check(file: str, name: str, data: Any, known: Mapping[str, set[str]]) -> Iterator[Problem]:
    checker = Checker(file, known)
    checker.collection(name, data)
    yield from checker.problems
