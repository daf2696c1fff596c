"""The page's layout cache: the force layout's result is reused only for the same hub
graph, and the page is the same whether it was computed or read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm4rec_kg import pipeline
from llm4rec_kg.publish import visual


def _positions(view: visual.View) -> dict[str, tuple[float, float]]:
    return {n["id"]: (n["x"], n["y"]) for n in view.nodes}


def _view(real_build: pipeline.BuildResult) -> visual.View:
    assert real_build.validated is not None
    done = real_build.validated
    return visual.build_view(done.graph, done.base)


def test_a_cached_layout_is_the_computed_one(
    real_build: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM4REC_CACHE_DIR", str(tmp_path))
    computed = _view(real_build)
    visual.layout(computed)
    (entry,) = (tmp_path / "layout").iterdir()

    def no_force_layout(*args: object) -> None:
        raise AssertionError("the force layout ran although its result was cached")

    monkeypatch.setattr(visual, "_hub_positions", no_force_layout)
    cached = _view(real_build)
    visual.layout(cached)
    assert _positions(cached) == _positions(computed)
    assert len(json.loads(entry.read_text())) > 100  # the hubs' positions


def test_a_damaged_cache_entry_is_computed_again(
    real_build: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM4REC_CACHE_DIR", str(tmp_path))
    first = _view(real_build)
    visual.layout(first)
    (entry,) = (tmp_path / "layout").iterdir()
    entry.write_text('{"half a file": [1')
    again = _view(real_build)
    visual.layout(again)
    assert _positions(again) == _positions(first)
    assert json.loads(entry.read_text())  # rewritten whole


def test_another_hub_graph_gets_its_own_layout(
    real_build: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM4REC_CACHE_DIR", str(tmp_path))
    view = _view(real_build)
    visual.layout(view)
    smaller = _view(real_build)
    dropped = next(e for e in smaller.edges if "/model/" in e["to"])
    smaller.edges = [e for e in smaller.edges if e is not dropped]
    visual.layout(smaller)
    assert len(list((tmp_path / "layout").iterdir())) == 2
