"""Keep the graph current: the one job a scheduled workflow runs (``llm4rec-kg refresh``).

For each registered list, the newest commit of its file in the list's repository (a clone
of it, or a mirror named by ``remotes``) is tried with a dry run, then synced; a reading
the gate refuses is left out with its reason, and the other lists go on. Then the catalog
is linted, the exports are built (with the changelog entry) and the static site is
written. The report says, for people reviewing the pull request, what each list brought,
what changed in the graph, and which findings are new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from llm4rec_kg import DEFAULT_BASE, pipeline
from llm4rec_kg.catalog import history, load_catalog, yamlio
from llm4rec_kg.errors import InvalidDataError, SourceError, UsageError
from llm4rec_kg.publish import changes
from llm4rec_kg.publish.site import SiteResult


@dataclass(frozen=True)
class ListUpdate:
    list: str
    state: str  # "updated", "unchanged", "refused", "unreachable"
    detail: str  # the snapshots registered, or why not


@dataclass
class RefreshReport:
    lists: list[ListUpdate] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)  # changes.summary of the graph
    new_findings: list[str] = field(default_factory=list)
    site: SiteResult | None = None

    @property
    def changed(self) -> bool:
        return any(u.state == "updated" for u in self.lists)

    def markdown(self) -> str:
        lines = ["## Lists", "", "| list | state | detail |", "|---|---|---|"]
        lines += [f"| {u.list} | {u.state} | {_cell(u.detail)} |" for u in self.lists]
        lines += ["", "## The graph", ""]
        lines += [f"- {line}" for line in self.diff] or ["- no change"]
        lines += ["", "## New data-quality findings", ""]
        lines += [f"- {_cell(f)}" for f in self.new_findings] or ["- none"]
        if self.site is not None:
            lines += [
                "",
                f"Site: {self.site.resources} resources, {self.site.redirects} redirects, "
                f"{self.site.files} files.",
            ]
        return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _list_path(entry: Mapping[str, object]) -> str:
    """The file of the list in its repository, as its newest snapshot names it."""
    snapshots = entry.get("snapshots") or {}
    assert isinstance(snapshots, dict)
    newest = max(snapshots.values(), key=lambda s: (str(s.get("date")), str(s.get("commit"))))
    return str(newest.get("path") or "README.md")


def _open_findings(catalog_dir: Path) -> set[str]:
    from llm4rec_kg.quality import lint

    report = lint.lint_catalog(load_catalog(catalog_dir)).relative_to(catalog_dir)
    return {f.text() for f in report.findings if f.status == "open"}


def update_list(
    catalog_dir: Path, list_id: str, entry: Mapping[str, object], source: str
) -> ListUpdate:
    """The newest commit of one list: a dry run first, then the sync, each refusal kept."""
    path = _list_path(entry)
    try:
        with history.cloned(source) as repo:  # cloned once for the dry run and the sync
            local = str(repo)
            tried = history.sync_history(
                catalog_dir, list_id, local, path, dry_run=True, newest_only=True
            )
            if not tried:
                unchanged = f"the newest commit of {path} is registered"
                return ListUpdate(list_id, "unchanged", unchanged)
            done = history.sync_history(catalog_dir, list_id, local, path, newest_only=True)
    except InvalidDataError as err:
        reasons = "; ".join(str(p) for p in err.problems[:3])
        return ListUpdate(list_id, "refused", f"{err.stage}: {reasons}")
    except SourceError as err:
        return ListUpdate(list_id, "unreachable", str(err))
    return ListUpdate(list_id, "updated", ", ".join(s for r in done for s in r.snapshots))


def refresh(
    catalog_dir: Path,
    remotes: Mapping[str, str] | None = None,
    site_dir: Path | None = None,
    host_url: str | None = None,
) -> RefreshReport:
    """Bring every registered list to its newest commit, then lint, build and write the
    site. ``remotes`` maps a list to the repository to read instead of its registered one
    (a mirror, or a local clone in tests)."""
    remotes = remotes or {}
    project = catalog_dir.absolute().parent
    exports_dir = project / "exports"
    registry = yamlio.plain(yamlio.load_for_edit(catalog_dir / "sources.yaml")) or {}
    unknown = sorted(set(remotes) - set(registry))
    if unknown:
        raise UsageError(
            f"no registered list {', '.join(map(repr, unknown))} to read from a remote"
        )
    before = pipeline.graph_lines(exports_dir)
    findings = _open_findings(catalog_dir)
    report = RefreshReport()
    for list_id, entry in sorted(registry.items()):
        source = remotes.get(list_id) or str(entry.get("repository") or "")
        report.lists.append(update_list(catalog_dir, list_id, entry, source))
    pipeline.build(catalog_dir, exports_dir, record_iris=True, changelog=project / "CHANGELOG.md")
    if before is not None:
        change = changes.diff(before, changes.read_lines(exports_dir))
        if change.triples() != (0, 0):
            report.diff = changes.summary(change, DEFAULT_BASE)
    report.new_findings = sorted(_open_findings(catalog_dir) - findings)
    if site_dir is not None:
        report.site = pipeline.site(
            catalog_dir, site_dir, exports_dir=exports_dir, host_url=host_url
        )
    return report
