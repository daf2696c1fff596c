"""The page's layout cache: the force layout's result is reused only for the same hub
graph, and the page is the same whether it was computed or read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from llm4rec_kg import pipeline
from llm4rec_kg.publish import visual


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLM4REC_CACHE_DIR", str(tmp_path))
    return tmp_path / "layout"


def _laid_out(
    real_build: pipeline.BuildResult, change: Callable[[visual.View], None] | None = None
) -> dict[str, tuple[float, float]]:
    """Every node's position in the real graph's view (changed first, when asked)."""
    assert real_build.graph is not None
    view = visual.build_view(real_build.graph, real_build.base)
    if change:
        change(view)
    visual.layout(view)
    return {n["id"]: (n["x"], n["y"]) for n in view.nodes}


def test_a_cached_layout_is_the_computed_one(
    real_build: pipeline.BuildResult, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = _laid_out(real_build)
    (entry,) = cache.iterdir()

    def no_force_layout(*args: object) -> None:
        raise AssertionError("the force layout ran although its result was cached")

    monkeypatch.setattr(visual, "_hub_positions", no_force_layout)
    assert _laid_out(real_build) == computed
    assert len(json.loads(entry.read_text())) > 100  # the hubs' positions


def test_a_damaged_cache_entry_is_computed_again(
    real_build: pipeline.BuildResult, cache: Path
) -> None:
    first = _laid_out(real_build)
    (entry,) = cache.iterdir()
    entry.write_text('{"half a file": [1')
    assert _laid_out(real_build) == first
    assert json.loads(entry.read_text())  # rewritten whole


def test_another_hub_graph_gets_its_own_layout(
    real_build: pipeline.BuildResult, cache: Path
) -> None:
    def drop_a_model_link(view: visual.View) -> None:
        dropped = next(e for e in view.edges if "/model/" in e.target)
        view.edges = [e for e in view.edges if e is not dropped]

    _laid_out(real_build)
    _laid_out(real_build, drop_a_model_link)
    assert len(list(cache.iterdir())) == 2
