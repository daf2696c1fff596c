"""Data-quality rules for source lists and the catalog, with curated resolutions.

Rules run on *rows*: the cells of one source-list row as listed. A markdown file gives them
directly; the catalog gives them back from every entry's provenance, so the same rules judge
both. On the catalog each finding is then resolved, or not:

- ``corrected``: a sourced correction in ``corrections.yaml`` names the rule and entity;
- ``accepted``: ``accepted.yaml`` says why the finding stands as it is;
- ``normalized``: the import already repaired it (spellings merged, links canonicalised);
- ``open``: none of these; an open error fails ``lint`` (exit 1).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from llm4rec_kg.catalog import Catalog
from llm4rec_kg.readers import cells, entries, normalize, read_snapshot
from llm4rec_kg.readers.markdown import PLACEHOLDERS

SEVERITIES = ("error", "warning", "info")
PUBLISHERS = frozenset(
    {
        "acm",
        "ieee",
        "springer",
        "elsevier",
        "wiley",
        "mdpi",
        "acm press",
        "springer nature",
        "taylor & francis",
        "sage",
        "oxford university press",
    }
)
PUBLICATIONS = frozenset({"paper", "survey", "tutorial"})
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"a", "an", "the", "of", "for", "and", "in", "on", "with", "to", "via"})


@dataclass(frozen=True)
class LintRow:
    file: str
    line: int | None
    section: str
    index: int
    kind: str
    cells: Mapping[str, str | None]
    entity: str | None = None
    source_line: int | None = None
    snapshot: str = ""
    issues: tuple[str, ...] = ()

    def cell(self, name: str) -> str | None:
        """A cell's value, None for blank and placeholder cells (N/A)."""
        value = self.cells.get(name)
        return None if value is None or value.strip().lower() in PLACEHOLDERS else value

    @property
    def where(self) -> str:
        row = f"{self.section}[{self.index}]"
        return f"{self.entity} ({row})" if self.entity else row


@dataclass
class Finding:
    rule: str
    severity: str
    file: str
    line: int | None
    where: str
    message: str
    hint: str
    entity: str | None = None
    status: str = "open"
    resolution: str | None = None

    def text(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        out = (
            f"{place}: {self.severity}[{self.rule}] {self.where}: {self.message} (fix: {self.hint})"
        )
        if self.status != "open":
            out += f" [{self.status}: {self.resolution}]"
        return out


def _finding(rule: str, severity: str, row: LintRow, message: str, hint: str) -> Finding:
    return Finding(rule, severity, row.file, row.line, row.where, message, hint, row.entity)


@dataclass(frozen=True)
class Aliases:
    """Name lookups from the curated catalog; empty when linting without one."""

    models: Mapping[str, str] = field(default_factory=dict)
    readings: Mapping[str, list[str]] = field(default_factory=dict)
    venues: Mapping[str, str] = field(default_factory=dict)  # name key -> canonical label

    @classmethod
    def from_catalog(cls, catalog: Catalog | None) -> Aliases:
        if catalog is None:
            return cls()
        from llm4rec_kg.catalog.resolve import Names

        names = Names(catalog.collections)  # the index the resolver matches cells with
        labels = {k: v["label"] for k, v in catalog.get("venues").items()}
        venues = {name: labels[key] for name, key in names.venues.items()}
        return cls(names.models, names.readings, venues)


# ------------------------------------------------------------------ rows


def _cells(listed: Mapping[str, str | None]) -> dict[str, str | None]:
    """The listed cells, with venue and year read out of a "Publication" cell ("WWW 2024")
    so that every rule sees them whichever way the list wrote them."""
    out = dict(listed)
    if listed.get("publication") and not (listed.get("venue") or listed.get("year")):
        found = cells.publication(listed["publication"])
        out["venue"] = found.venue
        out["year"] = str(found.year) if found.year else None
    return out


def rows_from_markdown(path: Path) -> tuple[list[LintRow], list[Finding]]:
    """The rows a reader gives for a list file, and its findings on malformed rows; a file
    with no list in it is an error, not "0 findings"."""
    reading = read_snapshot(path)
    rows = [
        LintRow(
            str(path),
            row.line,
            row.section,
            row.index,
            row.kind,
            _cells(row.listed),
            source_line=row.line,
        )
        for row in reading.rows
    ]
    findings = [
        Finding(
            "malformed-row",
            "warning",
            str(path),
            f.line,
            "row",
            f.message,
            "fix the row in the list, or report it upstream",
        )
        for f in reading.findings
    ]
    return rows, findings


def _own_claims(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """A row's cells, less a link that is another paper's record (its issue says so): the
    identity rules judge what the row says of its own paper."""
    listed = record.get("listed") or {}
    if record.get("other_record"):
        return {k: v for k, v in listed.items() if k != "link"}
    return listed


def rows_from_catalog(catalog: Catalog) -> list[LintRow]:
    """Rows rebuilt from every entry's provenance, in source-list order, so that "first"
    means the same row as it does when linting the list itself."""
    rows = []
    for collection in ("papers", "datasets", "models"):
        for key, entry in catalog.entries(collection):
            kind = entry.get("type", collection.rstrip("s"))
            where = catalog.locations.get((collection, key))
            for record in entry.get("provenance") or []:
                rows.append(
                    LintRow(
                        record.get("file") or (where.file if where else collection),
                        record.get("yaml_line")
                        if record.get("file")
                        else (where.line if where else None),
                        record["section"],
                        record["row"],
                        kind,
                        _cells(_own_claims(record)),
                        key,
                        record.get("line"),
                        record["source"],
                        tuple(record.get("issues") or ()),
                    )
                )
    return sorted(rows, key=lambda r: (r.snapshot, r.source_line or 0, r.section, r.index))


# ------------------------------------------------------------------ rules

Rule = Callable[[list[LintRow], Aliases], Iterable[Finding]]


def _identifier(link: str) -> str:
    if found := normalize.arxiv_id(link):
        return f"arXiv {found}"
    if found := normalize.doi(link):
        return f"DOI {found}"
    return f"URL {normalize.canonical_link(link)}"


def _publications(rows: list[LintRow]) -> list[LintRow]:
    return [r for r in rows if r.kind in PUBLICATIONS and r.cell("link")]


def same_title(a: str, b: str) -> bool:
    """Two listings of one title: equal, one inside the other ("GenRec: X" and "X"), or
    as alike as the resolver's threshold for title variants."""
    from llm4rec_kg.catalog.resolve import SAME_TITLE

    ka, kb = normalize.title_key(a), normalize.title_key(b)
    if ka == kb or (min(len(ka), len(kb)) > 20 and (ka in kb or kb in ka)):
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= SAME_TITLE


def duplicate_identifier(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    groups: dict[str, list[LintRow]] = defaultdict(list)
    for row in _publications(rows):
        groups[_identifier(str(row.cell("link")))].append(row)
    for ident, group in sorted(groups.items()):
        first = group[0]
        for row in group[1:]:
            same = same_title(row.cell("title") or "", first.cell("title") or "")
            if same:
                yield _finding(
                    "duplicate-identifier",
                    "warning",
                    row,
                    f"the same paper ({ident}) is listed again, first at "
                    f"{first.section}[{first.index}]",
                    "remove the duplicate row, keeping the better claims",
                )
            else:
                yield _finding(
                    "duplicate-identifier",
                    "error",
                    row,
                    f"{ident} is also the link of {first.section}[{first.index}] "
                    f"{first.cell('title')!r}, a different title",
                    "give each row the link of its own paper",
                )


def duplicate_title(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    groups: dict[str, list[LintRow]] = defaultdict(list)
    for row in _publications(rows):
        if key := normalize.title_key(row.cell("title") or ""):  # rows listing names only
            groups[key].append(row)
    for group in groups.values():
        idents = {_identifier(str(r.cell("link"))) for r in group}
        if len(idents) > 1:
            for row in group[1:]:
                yield _finding(
                    "duplicate-title",
                    "warning",
                    row,
                    f"title {row.cell('title')!r} is listed again with another "
                    f"link, first at {group[0].section}[{group[0].index}]",
                    "keep one row per paper, with its canonical link",
                )


def title_debris(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    """The sync gate's check on committed rows: a title that carries a URL, a separator
    or an author, venue or year tail was misread."""
    for row in _publications(rows):
        title = row.cell("title") or ""
        if why := entries.title_debris(title):
            yield _finding(
                "title-debris",
                "error",
                row,
                f"title {title[:80]!r} {why}",
                "re-read the list (sync) or correct the title with its source",
            )


def shared_short_name(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    groups: dict[str, list[LintRow]] = defaultdict(list)
    for row in _publications(rows):
        name = row.cell("name")
        if name and name.strip().lower() not in PLACEHOLDERS:
            groups[name.strip().casefold()].append(row)
    for group in groups.values():
        titles = {normalize.title_key(r.cell("title") or "") for r in group}
        if len(titles) > 1:
            for row in group[1:]:
                yield _finding(
                    "shared-short-name",
                    "warning",
                    row,
                    f"short name {row.cell('name')!r} also names "
                    f"{group[0].section}[{group[0].index}] "
                    f"{group[0].cell('title')!r}",
                    "tell the papers apart in the Name column",
                )


def venue_variant(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, LintRow] = {}
    for row in rows:
        if venue := row.cell("venue"):
            spellings[normalize.name_key(venue)][venue] += 1
            first.setdefault(venue, row)
    for key, counts in sorted(spellings.items()):
        canonical = aliases.venues.get(key) or counts.most_common(1)[0][0]
        if len(counts) < 2 and canonical in counts:
            continue
        for spelling, n in sorted(counts.items()):
            if spelling != canonical:
                yield _finding(
                    "venue-variant",
                    "warning",
                    first[spelling],
                    f"venue spelled {spelling!r} in {n} row(s); also spelled {canonical!r}",
                    f"write {canonical!r} everywhere",
                )


def publisher_as_venue(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        venue = row.cell("venue")
        if venue and venue.strip().casefold() in PUBLISHERS:
            doi = normalize.doi(row.cell("link") or "")
            hint = "name the conference or journal" + (
                f"; the DOI {doi} identifies the proceedings" if doi else ""
            )
            yield _finding(
                "publisher-as-venue",
                "error",
                row,
                f"venue {venue!r} is a publisher, not a venue",
                hint,
            )


def _proceedings(doi: str) -> str | None:
    prefix, _, suffix = doi.partition("/")
    return f"{prefix}/{suffix.rsplit('.', 1)[0]}" if "." in suffix else None


def venue_doi_mismatch(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    by_venue: dict[str, list[tuple[LintRow, str]]] = defaultdict(list)
    for row in rows:
        doi = normalize.doi(row.cell("link") or "")
        venue = row.cell("venue")
        if venue and venue.strip().lower() in PUBLISHERS:
            continue  # a publisher is no venue: publisher-as-venue says so
        if doi and venue and (proceedings := _proceedings(doi)):
            # Proceedings change every year, so rows are compared within one year.
            by_venue[f"{normalize.name_key(venue)} {row.cell('year')}"].append((row, proceedings))
    for items in by_venue.values():
        counts = Counter(p for _, p in items)
        usual, n = counts.most_common(1)[0]
        if n < 2:
            continue
        for row, proceedings in items:
            if proceedings != usual and proceedings.split("/")[0] == usual.split("/")[0]:
                yield _finding(
                    "venue-doi-mismatch",
                    "error",
                    row,
                    f"venue {row.cell('venue')!r}, but DOI proceedings {proceedings} "
                    f"differ from {usual}, which the list's {n} other "
                    f"{row.cell('venue')} rows share",
                    "check the venue against the DOI",
                )


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def code_not_repository(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        code = row.cell("code")
        if not code or not code.startswith("http") or normalize.repository(code):
            continue
        host = urlsplit(code).hostname or code
        page = re.search(r"paperswithcode\.com/paper/([\w-]+)", code)
        title_words = _words(f"{row.cell('title') or ''} {row.cell('name') or ''}")
        if page and not _words(page.group(1).replace("-", " ")) & title_words:
            yield _finding(
                "code-not-repository",
                "error",
                row,
                f"code link is a Papers with Code page about another paper "
                f"({page.group(1).replace('-', ' ')!r})",
                "link the paper's own code repository, or none",
            )
        elif "colab.research.google.com" in code or code.endswith(".ipynb"):
            yield _finding(
                "code-not-repository",
                "warning",
                row,
                "code link is a notebook, not a repository",
                "link the repository that holds the notebook, if there is one",
            )
        else:
            yield _finding(
                "code-not-repository",
                "warning",
                row,
                f"code link is a web page on {host}, not a code repository",
                "link the code repository, or leave Code empty",
            )


def tracking_parameter(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        for column in ("link", "code", "url"):
            url = row.cell(column)
            if url and (params := normalize.tracking_params(url)):
                clean = (
                    normalize.canonical_link(url)
                    if column == "link"
                    else normalize.strip_tracking(url)
                )
                yield _finding(
                    "tracking-parameter",
                    "warning",
                    row,
                    f"{column} carries tracking or session parameters ({', '.join(params)})",
                    f"use {clean}",
                )


def non_canonical_arxiv(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        for column in ("link", "url"):
            url = row.cell(column)
            identifier = normalize.arxiv_id(url or "")
            canonical = f"https://arxiv.org/abs/{identifier}"
            if identifier and url != canonical:
                why = (
                    "a mirror"
                    if "export." in str(url)
                    else "a PDF"
                    if "/pdf/" in str(url)
                    else "a versioned link"
                    if normalize.arxiv_version(str(url))
                    else "not the abs page"
                )
                yield _finding(
                    "non-canonical-arxiv",
                    "warning",
                    row,
                    f"{column} {url} is {why}",
                    f"use {canonical}",
                )


def year_before_arxiv(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        identifier = normalize.arxiv_id(row.cell("link") or "")
        year = row.cell("year")
        first = normalize.arxiv_year(identifier) if identifier else None
        if first and year and year.isdigit() and int(year) < first:
            yield _finding(
                "year-before-arxiv",
                "error",
                row,
                f"year {year} is before arXiv {identifier} was posted ({first})",
                f"use {first} or later",
            )


def mojibake(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    import ftfy.badness

    for row in rows:
        for column, value in sorted(row.cells.items()):
            # Mojibake is made of non-ASCII characters: plain ASCII, most cells, is clean.
            if value and not value.isascii() and ftfy.badness.is_bad(value):
                yield _finding(
                    "mojibake",
                    "error",
                    row,
                    f"{column} has encoding damage: {value[:60]!r}",
                    f"use {ftfy.fix_encoding(value)[:60]!r}",
                )


def unresolved_model(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    if not aliases.models:  # no catalog to resolve names against: nothing to say
        return
    for row in rows:
        cell = row.cell("llm")
        if cell is None:
            continue
        if normalize.name_key(cell) in aliases.readings:
            continue
        for mention in cells.split_models(cell):
            name = mention.name
            if normalize.name_key(name) not in aliases.models:
                yield _finding(
                    "unresolved-model",
                    "error",
                    row,
                    f"LLM {name!r} has no canonical model",
                    "add it as an alias in models.yaml, or the whole cell to model-readings.yaml",
                )


def placeholder_name(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        if row.kind == "paper" or row.kind == "dataset":
            name = row.cells.get("name")
            if name is not None and name.strip().lower() in PLACEHOLDERS:
                yield _finding(
                    "placeholder-name",
                    "warning",
                    row,
                    f"no short name ({name or 'empty'})",
                    "give the short name the paper uses, or leave the cell empty",
                )


def dataset_without_landing_page(rows: list[LintRow], aliases: Aliases) -> Iterator[Finding]:
    for row in rows:
        if row.kind == "dataset" and not row.cell("url"):
            yield _finding(
                "dataset-without-landing-page",
                "warning",
                row,
                f"dataset {row.cell('name')!r} has no landing page",
                "add the dataset's home page in the URL column",
            )


RULES: dict[str, Rule] = {
    "duplicate-identifier": duplicate_identifier,
    "duplicate-title": duplicate_title,
    "shared-short-name": shared_short_name,
    "venue-variant": venue_variant,
    "publisher-as-venue": publisher_as_venue,
    "venue-doi-mismatch": venue_doi_mismatch,
    "code-not-repository": code_not_repository,
    "tracking-parameter": tracking_parameter,
    "non-canonical-arxiv": non_canonical_arxiv,
    "title-debris": title_debris,
    "year-before-arxiv": year_before_arxiv,
    "mojibake": mojibake,
    "unresolved-model": unresolved_model,
    "placeholder-name": placeholder_name,
    "dataset-without-landing-page": dataset_without_landing_page,
}


# What each rule finds, as the quality report's shapes describe it.
RULE_DESCRIPTIONS: dict[str, str] = {
    "duplicate-identifier": (
        "Two rows give one arXiv id, DOI or URL; an error when their titles differ."
    ),
    "duplicate-title": "Two rows give the same title under different identifiers.",
    "conflict-decision": "A conflict's decided value is not the value the graph holds.",
    "name-fragment": "A venue's or model's name reads as a piece of a sentence: a misreading.",
    "uncertain-match": (
        "A row's title is close to a paper's but not close enough to be sure: it waits for a "
        "curator's decision in matches.yaml."
    ),
    "title-debris": (
        "A title carries a URL, a separator or an author, venue or year tail: a misreading."
    ),
    "shared-short-name": "Two different papers share one short name.",
    "venue-variant": "A venue is spelled in a way other rows do not use.",
    "publisher-as-venue": "A row names a publisher (ACM, IEEE) where a venue belongs.",
    "venue-doi-mismatch": (
        "A row's DOI is outside the proceedings that the list's other rows of that venue share."
    ),
    "code-not-repository": (
        "A Code cell links a notebook, a project page or a page about another paper, not a "
        "repository."
    ),
    "tracking-parameter": "A link carries tracking parameters.",
    "non-canonical-arxiv": (
        "An arXiv link is versioned or points at the PDF rather than the abstract page."
    ),
    "year-before-arxiv": "A row's year is earlier than its arXiv id allows.",
    "mojibake": "Text shows encoding damage.",
    "unresolved-model": "An LLM name that no model alias knows.",
    "placeholder-name": "A Name cell holds a placeholder instead of a name.",
    "dataset-without-landing-page": "A dataset row gives no landing page.",
    "malformed-row": "A reader could not read the row cleanly (ragged, an empty or nested link).",
    "stale-correction": "A correction's listed value no longer matches the source rows.",
    "obsolete-correction": "The lists have since fixed what a correction corrects.",
}

# Findings that come from elsewhere than the row rules: readers (malformed rows) and the
# check of corrections against the rows.
OTHER_RULES = frozenset(
    {
        "malformed-row",
        "stale-correction",
        "obsolete-correction",
        "conflict-decision",
        "uncertain-match",
        "name-fragment",
    }
)


def run_rules(rows: list[LintRow], aliases: Aliases) -> list[Finding]:
    findings = [f for rule in RULES.values() for f in rule(rows, aliases)]
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.rule, f.where, f.message))


def file_findings(path: Path, row_cells: Mapping[int, str]) -> list[Finding]:
    """Encoding damage outside the rows' cells (a news line, a heading, the emoji before a
    paragraph entry); the cells themselves are judged one by one by the mojibake rule."""
    import ftfy.badness

    findings = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if ftfy.badness.is_bad(line):
            bad = next((w for w in line.split() if ftfy.badness.is_bad(w)), line.strip())
            if bad.strip("[]()*_|`'\"<>.,;:") in row_cells.get(number, ""):
                continue  # in a cell: the mojibake rule reports it, on its column
            findings.append(
                Finding(
                    "mojibake",
                    "error",
                    str(path),
                    number,
                    "text",
                    f"encoding damage: {bad[:40]!r}",
                    f"use {ftfy.fix_encoding(bad)[:40]!r}",
                )
            )
    return findings


# ------------------------------------------------------------------ resolutions


def _normalized(finding: Finding, entry: Mapping[str, Any] | None) -> str | None:
    """How the import already repaired a finding on this entry, if it did."""
    if entry is None:
        return None
    link, rule = str(entry.get("link", "")), finding.rule
    if rule == "venue-variant" and entry.get("venue"):
        return f"merged into venue {entry['venue']!r}"
    if rule == "non-canonical-arxiv" and link.startswith("https://arxiv.org/abs/"):
        return f"stored as {link}"
    if rule == "non-canonical-arxiv" and entry.get("arxiv"):
        return f"stored as arXiv id {entry['arxiv']} (the paper's link is {link})"
    if (
        rule == "tracking-parameter"
        and not normalize.tracking_params(link)
        and not (normalize.tracking_params(str(entry.get("code") or "")))
    ):
        return "stored without the parameters"
    if rule == "placeholder-name":
        if entry.get("short_name"):
            return f"the short name comes from another row: {entry['short_name']!r}"
        return "stored without a short name"
    if rule == "duplicate-title":
        titles = [
            normalize.title_key((p.get("listed") or {}).get("title") or "")
            for p in entry.get("provenance") or []
        ]
        if len(titles) > len(set(titles)):
            return "the rows were matched to one entry, which keeps both links as claims"
    if rule == "shared-short-name":
        return "kept as distinct papers; a shared-short-name conflict records the clash"
    if rule == "malformed-row":
        return "the row is kept with what could be read; its cells stay as listed"
    if (
        rule == "duplicate-identifier"
        and finding.severity == "warning"
        and len(entry.get("provenance") or []) > 1
    ):
        return "rows merged into one entry that keeps both claims"
    return None


def resolve(findings: list[Finding], catalog: Catalog) -> list[Finding]:
    corrections: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for key, correction in catalog.entries("corrections"):
        for rule in correction.get("resolves") or []:
            corrections[(rule, catalog.canonical("papers", correction["entity"]))] = (
                key,
                correction,
            )
    accepted = {
        (a["rule"], catalog.canonical("papers", a["entity"])): (key, a)
        for key, a in catalog.entries("accepted")
    }
    entries = {**catalog.get("datasets"), **catalog.get("models"), **catalog.get("papers")}
    for finding in findings:
        ident = (finding.rule, finding.entity or "")
        if ident in corrections:
            key, correction = corrections[ident]
            value = correction.get("corrected")
            shown = "unknown" if value is None else repr(value)
            finding.status = "corrected"
            finding.resolution = (
                f"{key}: {correction['field']} -> {shown}; "
                f"{correction['reason']} (source: {correction['source']})"
            )
        elif ident in accepted:
            key, acceptance = accepted[ident]
            finding.status, finding.resolution = "accepted", f"{key}: {acceptance['reason']}"
        elif note := _normalized(finding, entries.get(finding.entity or "")):
            finding.status, finding.resolution = "normalized", note
    return findings


# ------------------------------------------------------------------ entry points


@dataclass
class Report:
    findings: list[Finding]
    corrections: dict[str, Any] = field(default_factory=dict)
    accepted: dict[str, Any] = field(default_factory=dict)

    def relative_to(self, root: Path) -> Report:
        """The report with file names relative to root, so it reads the same wherever the
        catalog was built from."""
        findings = [
            replace(f, file=str(Path(f.file).relative_to(root)))
            if Path(f.file).is_relative_to(root)
            else f
            for f in self.findings
        ]
        return Report(findings, self.corrections, self.accepted)

    @property
    def open_errors(self) -> int:
        return sum(f.severity == "error" and f.status == "open" for f in self.findings)

    def counts(self) -> dict[str, Any]:
        by_rule: dict[str, Counter[str]] = defaultdict(Counter)
        by_status: Counter[str] = Counter()
        for f in self.findings:
            by_rule[f.rule][f.severity] += 1
            by_status[f.status] += 1
        return {
            "by_rule": {r: dict(sorted(c.items())) for r, c in sorted(by_rule.items())},
            "by_status": dict(sorted(by_status.items())),
            "open_errors": self.open_errors,
            "open": by_status.get("open", 0),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "findings": [asdict(f) for f in self.findings],
            "corrections": self.corrections,
            "accepted": self.accepted,
        }


def lint_markdown(paths: list[Path], catalog: Catalog | None) -> Report:
    """Findings on source lists as imported, with names resolved through the catalog's
    aliases when there is one; nothing is written."""
    aliases = Aliases.from_catalog(catalog)
    findings = []
    for path in paths:
        rows, read = rows_from_markdown(path)
        row_cells = {
            row.line: " ".join(v for v in row.cells.values() if v)
            for row in rows
            if row.line is not None
        }
        findings += run_rules(rows, aliases) + read + file_findings(path, row_cells)
    return Report(sorted(findings, key=lambda f: (f.file, f.line or 0, f.rule, f.message)))


def _name_fragments(catalog: Catalog) -> Iterator[Finding]:
    """The sync gate's check on committed names: a venue or model named by a piece of a
    sentence ('Antonela | RecSys |') was misread from a list."""
    from llm4rec_kg.quality import gate

    for collection in ("venues", "models"):
        for key, entry in catalog.entries(collection):
            label = str(entry.get("label") or key)
            if why := gate.fragment(label):
                where = catalog.locations.get((collection, key))
                yield Finding(
                    "name-fragment",
                    "error",
                    where.file if where else f"{collection}.yaml",
                    where.line if where else None,
                    key,
                    f"{collection[:-1]} {label!r} {why}",
                    "re-read the list, or rename it and record the reading",
                )


def _undecided_conflicts(catalog: Catalog) -> Iterator[Finding]:
    """A conflict says which value was used; the graph must hold that value. (A correction
    that wiped every list's claim, or a curated field the conflict does not know of, would
    make the two disagree.)"""
    papers = catalog.get("papers")
    for key, conflict in catalog.entries("conflicts"):
        field = conflict.get("field")
        if conflict.get("kind") != "value-disagreement" or conflict.get("decided_by") == "curator":
            continue
        if field in (None, "code", "models") or not conflict.get("entities"):
            continue
        entity = conflict["entities"][0]
        held = (papers.get(entity) or {}).get(field)
        if held != conflict.get("decided"):
            where = catalog.locations.get(("papers", entity))
            yield Finding(
                "conflict-decision",
                "error",
                where.file if where else "papers.yaml",
                where.line if where else None,
                key,
                f"the conflict decides {field} {conflict.get('decided')!r}, "
                f"but the graph holds {held!r}",
                "make the correction or curated value and the conflict agree",
                entity,
            )


def lint_catalog(catalog: Catalog) -> Report:
    """Findings on the catalog's source rows, each resolved by a correction, an acceptance
    or the import's own normalisation, or left open."""
    from llm4rec_kg.catalog import corrections as corrections_module

    rows = rows_from_catalog(catalog)
    aliases = Aliases.from_catalog(catalog)
    # The rules judge each list as it was published: one snapshot at a time. Disagreements
    # between lists and snapshots are conflicts, which the resolver records.
    by_snapshot: dict[str, list[LintRow]] = defaultdict(list)
    for row in rows:
        by_snapshot[row.snapshot].append(row)
    findings = [f for _, group in sorted(by_snapshot.items()) for f in run_rules(group, aliases)]
    findings += [
        _finding(
            "malformed-row", "warning", row, issue, "fix the row in the list, or report it upstream"
        )
        for row in rows
        for issue in row.issues
    ]
    for problem in corrections_module.check(catalog):
        findings.append(
            Finding(
                "stale-correction",
                "error",
                problem.file,
                problem.line,
                problem.entry or "",
                problem.message,
                "update or remove the correction",
            )
        )
    for key, now in corrections_module.obsolete(catalog):
        where = catalog.locations.get(("corrections", key))
        findings.append(
            Finding(
                "obsolete-correction",
                "info",
                where.file if where else "corrections.yaml",
                where.line if where else None,
                key,
                f"the current snapshots no longer list this value; they list {now!r}",
                "the lists fixed it: keep the correction for the earlier snapshots' rows, "
                "or remove it",
                catalog.canonical("papers", catalog.get("corrections")[key]["entity"]),
            )
        )
    findings += _undecided_conflicts(corrections_module.apply(catalog))
    findings += _name_fragments(catalog)
    findings += [
        Finding(
            "uncertain-match",
            "error",
            row.file,
            row.yaml_line,
            f"{row.snapshot.id} {row.key}",
            f"title {row.listed.get('title')!r} is close to {', '.join(row.candidates)} but "
            "not close enough to be sure; the row waits, in no paper",
            "say in matches.yaml whether it is the same paper (same_as) or another "
            "(distinct_from), then sync",
        )
        for row in catalog.pending
    ]
    known = set(catalog.get("papers")) | set(catalog.get("datasets")) | set(catalog.get("models"))
    for key, acceptance in catalog.entries("accepted"):
        if catalog.canonical("papers", acceptance["entity"]) not in known:
            where = catalog.locations.get(("accepted", key))
            findings.append(
                Finding(
                    "stale-correction",
                    "error",
                    where.file if where else "accepted.yaml",
                    where.line if where else None,
                    key,
                    f"accepts a finding on unknown entry {acceptance['entity']!r}",
                    "fix the entity id or remove the acceptance",
                )
            )
    return Report(resolve(findings, catalog), catalog.get("corrections"), catalog.get("accepted"))
