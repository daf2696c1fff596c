"""The publish workflow's one step, `llm4rec-kg refresh`, end to end and offline: local git
repositories with several commits stand in for the lists (file:// remotes), and the run
syncs each list's newest commit, leaves a refused reading out with its reason, builds the
exports and the site, and reports what changed for the pull request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import LISTS, register
from llm4rec_kg.catalog.sync import sync
from llm4rec_kg.cli import main

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
# Titles that carry their authors, venues that are pieces of sentences: the gate refuses it.
JUNK = "| Title | Venue | Link |\n| --- | --- | --- |\n" + "".join(
    f"| A Study Number {i} of Ranking, Zhang et al. | the best of the venues for {i} "
    f"| [pdf](https://arxiv.org/abs/2402.0010{i}) |\n"
    for i in range(6)
)


def _repo(path: Path, versions: list[str]) -> list[str]:
    """A git repository whose README.md went through ``versions``, one commit each, on
    successive days; the commits' short hashes, oldest first."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    shas = []
    for day, text in enumerate(versions, start=1):
        (path / "README.md").write_text(text, encoding="utf-8")
        (path / "other.txt").write_text(f"unrelated change {day}\n", encoding="utf-8")
        when = f"2024-05-{day:02d}T12:00:00+00:00"
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "PATH": "/usr/bin:/bin"}
        subprocess.run([*GIT, "-C", str(path), "add", "-A"], check=True)
        subprocess.run(
            [*GIT, "-C", str(path), "commit", "-q", "-m", f"version {day}"], check=True, env=env
        )
        sha = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short=7", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        shas.append(sha)
    return shas


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, Path], dict[str, list[str]]]:
    """A project registering two lists at their first commit, synced and built; the lists'
    repositories have moved on since: 'evolving' by two good commits, 'broken' by one the
    gate refuses."""
    v = [(LISTS / f"evolving-v{n}.md").read_text(encoding="utf-8") for n in (1, 2, 3)]
    repos = {"evolving": tmp_path / "repos" / "evolving", "broken": tmp_path / "repos" / "broken"}
    shas = {"evolving": _repo(repos["evolving"], v), "broken": _repo(repos["broken"], [v[0], JUNK])}
    first = tmp_path / "first.md"
    first.write_text(v[0], encoding="utf-8")
    catalog = register(
        tmp_path / "project",
        {name: [(commits[0], "2024-05-01", first)] for name, commits in shas.items()},
    )
    sync(catalog)
    runner = CliRunner()
    built = runner.invoke(
        main, ["build", "--catalog", str(catalog), "--out", str(catalog.parent / "exports")]
    )
    assert built.exit_code == 0, built.output
    return catalog, repos, shas


def _refresh(catalog: Path, repos: dict[str, Path], *more: str) -> tuple[int, str]:
    remotes = [f"--remote={name}=file://{path}" for name, path in repos.items()]
    done = CliRunner().invoke(
        main, ["refresh", "--catalog", str(catalog), *remotes, *more], catch_exceptions=False
    )
    return done.exit_code, done.output


def test_refresh_syncs_each_list_s_newest_commit_builds_and_writes_the_site(
    project: tuple[Path, dict[str, Path], dict[str, list[str]]], tmp_path: Path
) -> None:
    catalog, repos, shas = project
    broken_before = (catalog / "rows").glob("broken-*")
    rows_before = sorted(p.name for p in broken_before)
    summary = tmp_path / "summary.md"
    code, output = _refresh(
        catalog, repos, "--site", str(tmp_path / "site"), "--summary", str(summary)
    )
    assert code == 0, output
    text = summary.read_text(encoding="utf-8")
    assert text == output
    registry = yaml.safe_load((catalog / "sources.yaml").read_text())
    evolving = {s["commit"] for s in registry["evolving"]["snapshots"].values()}
    # the newest commit only: version 2 is not replayed
    assert evolving == {shas["evolving"][0], shas["evolving"][2]}
    assert f"| evolving | updated | evolving-{shas['evolving'][2]} |" in text
    # the refused list keeps what it had, and says why
    assert {s["commit"] for s in registry["broken"]["snapshots"].values()} == {shas["broken"][0]}
    assert sorted(p.name for p in (catalog / "rows").glob("broken-*")) == rows_before
    assert "| broken | refused | gate:" in text
    # the graph changed as version 3 says (Epsilon added), the exports and site hold it
    assert "## The graph" in text and "entities added" in text
    nt = (catalog.parent / "exports" / "llm4rec.nt").read_text(encoding="utf-8")
    assert "arxiv-2303.00008" in nt
    assert (tmp_path / "site" / "paper" / "arxiv-2303.00008.ttl").is_file()
    changelog = (catalog.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "entities added" in changelog
    # run again: nothing new, and nothing is written
    before = {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()}
    code, output = _refresh(catalog, repos)
    assert code == 0, output
    assert "| evolving | unchanged |" in output and "- no change" in output
    assert {p: p.read_bytes() for p in catalog.rglob("*") if p.is_file()} == before


def test_an_unreachable_list_is_reported_and_the_others_go_on(
    project: tuple[Path, dict[str, Path], dict[str, list[str]]], tmp_path: Path
) -> None:
    catalog, repos, _ = project
    repos = {**repos, "broken": tmp_path / "no-such-repository"}
    code, output = _refresh(catalog, repos)
    assert code == 0, output
    assert "| broken | unreachable |" in output and "cannot clone" in output
    assert "| evolving | updated |" in output


def test_a_remote_for_a_list_that_is_not_registered_is_a_usage_error(
    project: tuple[Path, dict[str, Path], dict[str, list[str]]],
) -> None:
    catalog, repos, _ = project
    code, output = _refresh(catalog, {**repos, "nope": repos["evolving"]})
    assert code == 2 and "nope" in output and "Traceback" not in output


def test_the_workflow_s_steps_call_refresh_and_site_with_options_they_have() -> None:
    """Every `llm4rec-kg` command line in the publish workflow parses against the CLI (so a
    renamed option fails here, not on the weekly run), and the refresh job calls refresh."""
    import re
    import shlex

    from conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    calls = {}
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                if line.startswith("llm4rec-kg "):
                    # an expression stands for a value the runner gives: a URL will do
                    words = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "https://example.org", line))
                    words = words[1:]
                    command = main.commands[words[0]]
                    command.make_context(words[0], words[1:])  # raises on an unknown option
                    calls.setdefault(name, []).append(words[0])
    assert calls == {"refresh": ["refresh"], "publish": ["site"]}
