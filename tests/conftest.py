"""Shared fixtures: paths, a catalog imported from the small test list, the real build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from llm4rec_kg import pipeline
from llm4rec_kg.catalog.importer import ImportReport, SourceInfo, import_markdown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL_CATALOG = ROOT / "catalog"
SHARED_SOURCE = ROOT.parent / "shared" / "sources" / "llm4rec-awesome-papers-2023-12-08.md"
TEST_SOURCE = SourceInfo(
    id="test-list",
    title="Test list",
    repository="https://example.org/r",
    commit="abc1234",
    date="2024-01-01",
)


def require(env: str, what: str) -> None:
    """Skip locally when a tool is missing, but fail where CI demands the tool."""
    if os.environ.get(env):
        pytest.fail(f"{what} is required here ({env} is set) but is not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def seed_catalog(tmp_path: Path) -> Path:
    """A catalog directory holding only the curated files (aliases, venues, concepts)."""
    target = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "seed_catalog", target)
    return target


@pytest.fixture
def import_into() -> Callable[[Path, Path], ImportReport]:
    def run(markdown: Path, catalog: Path) -> ImportReport:
        return import_markdown(markdown, catalog, TEST_SOURCE)

    return run


@pytest.fixture
def small_catalog(seed_catalog: Path) -> Path:
    import_markdown(FIXTURES / "markdown" / "small_list.md", seed_catalog, TEST_SOURCE)
    return seed_catalog


@pytest.fixture
def real_catalog(tmp_path: Path) -> Path:
    """A copy of the project's catalog that a test may break."""
    target = tmp_path / "real"
    shutil.copytree(REAL_CATALOG, target)
    return target


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    return pipeline.build(REAL_CATALOG, tmp_path_factory.mktemp("exports"))
