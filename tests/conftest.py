"""Shared fixtures: paths, small projects whose lists are synced into a catalog, the real
build."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from llm4rec_kg import pipeline
from llm4rec_kg.catalog.sync import sync

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LISTS = FIXTURES / "lists"
REAL_CATALOG = ROOT / "catalog"
VENDORED = ROOT / "sources"
SMALL_LIST = FIXTURES / "markdown" / "small_list.md"

# A snapshot of a list: (commit, date, markdown file).
Snapshot = tuple[str, str, Path]


def require(env: str, what: str) -> None:
    """Skip locally when a tool is missing, but fail where CI demands the tool."""
    if os.environ.get(env):
        pytest.fail(f"{what} is required here ({env} is set) but is not available")
    pytest.skip(f"{what} is not available")


def register(project: Path, lists: Mapping[str, Sequence[Snapshot]]) -> Path:
    """Copy the snapshots' files under project/sources/ and write project/catalog's
    sources.yaml for them (the seed catalog's curated files stay as they are)."""
    catalog = project / "catalog"
    if not catalog.exists():
        shutil.copytree(FIXTURES / "seed_catalog", catalog)
    (project / "sources").mkdir(exist_ok=True)
    lines = []
    for list_id, snapshots in lists.items():
        lines += [
            f"{list_id}:",
            f"  title: {list_id} list",
            f"  repository: https://example.org/{list_id}",
            "  licence: MIT",
            "  reader: markdown",
            "  snapshots:",
        ]
        for commit, date, source in snapshots:
            name = f"{list_id}-{date}.md"
            shutil.copyfile(source, project / "sources" / name)
            lines += [
                f"    {list_id}-{commit}:",
                f"      commit: '{commit}'",
                f"      date: '{date}'",
                f"      file: sources/{name}",
            ]
    (catalog / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalog


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds in the tests (and the commands they start) cache into a temporary directory,
    not the user's ~/.cache."""
    os.environ["LLM4REC_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def collect_before_threads(request: pytest.FixtureRequest) -> None:
    """Before a test that runs a server and client threads, collect the garbage earlier
    tests left in reference cycles, here on the main thread: a collection that a client
    thread happens to trigger would free their pyoxigraph results on that thread, which
    pyoxigraph refuses (an unraisable error that fails the test)."""
    if request.node.get_closest_marker("server"):
        gc.collect()


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[[Mapping[str, Sequence[Snapshot]]], Path]:
    """Register lists in a fresh project under tmp_path and sync them."""

    def make(lists: Mapping[str, Sequence[Snapshot]]) -> Path:
        catalog = register(tmp_path / "project", lists)
        sync(catalog)
        return catalog

    return make


@pytest.fixture
def seed_catalog(tmp_path: Path) -> Path:
    """A project whose catalog holds the curated seed files and registers the small list,
    not yet synced."""
    return register(tmp_path / "project", {"test-list": [("abc1234", "2024-01-01", SMALL_LIST)]})


@pytest.fixture
def small_catalog(seed_catalog: Path) -> Path:
    sync(seed_catalog)
    return seed_catalog


@pytest.fixture
def real_catalog(tmp_path: Path) -> Path:
    """A copy of the project's catalog, with its vendored lists beside it, that a test may
    break."""
    target = tmp_path / "real"
    shutil.copytree(REAL_CATALOG, target / "catalog")
    shutil.copytree(VENDORED, target / "sources")
    return target / "catalog"


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    return pipeline.build(REAL_CATALOG, tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="session")
def real_validated() -> pipeline.Validated:
    """The real catalog as validated, with the catalog a build does not keep."""
    return pipeline.validate(REAL_CATALOG)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from browsing import CHROMIUM, FLAGS

    if not CHROMIUM.exists():
        require("LLM4REC_REQUIRE_BROWSER", "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=FLAGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
            accept_downloads=True,
        )
        yield context
        context.close()


@pytest.fixture
def real_page(browser: Any, real_build: pipeline.BuildResult) -> Iterator[Any]:
    from browsing import open_page

    yield from open_page(browser, real_build.files[0].parent / "llm4rec.html")
