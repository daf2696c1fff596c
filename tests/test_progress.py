"""Progress on stderr: shown on a terminal, every stage with --verbose, nothing when quiet
or when stderr is a pipe."""

from __future__ import annotations

import io
import time

import pytest

from llm4rec_kg.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_stage_shows_while_it_runs_and_a_slow_one_its_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("llm4rec_kg.progress.SLOW", 0.01)
    screen = Terminal()
    progress = Progress("auto", screen)
    progress.run("quick", lambda: None)
    progress.run("slow", lambda: time.sleep(0.05))
    text = screen.getvalue()
    assert "\rquick ..." in text and "quick:" not in text
    assert "\rslow ..." in text and "slow: 0.0" in text


def test_auto_on_a_pipe_says_nothing_and_verbose_lists_every_stage() -> None:
    pipe = io.StringIO()
    Progress("auto", pipe).run("stage", lambda: None)
    assert pipe.getvalue() == ""
    verbose = io.StringIO()
    progress = Progress("verbose", verbose)
    assert progress.run("one", lambda: 1) == 1
    progress.run("two", lambda: None)
    assert [line.split(":")[0] for line in verbose.getvalue().splitlines()] == ["one", "two"]
    assert set(progress.times) == {"one", "two"}


def test_quiet_says_nothing_even_on_a_terminal() -> None:
    screen = Terminal()
    Progress("quiet", screen).run("stage", lambda: None)
    assert screen.getvalue() == ""


def test_batch_work_pauses_the_cyclic_gc_and_resumes_it_even_on_failure() -> None:
    import gc

    from llm4rec_kg.batch import without_cyclic_gc

    seen: list[bool] = []

    @without_cyclic_gc
    def work(fail: bool) -> str:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("broken")
        return "done"

    assert gc.isenabled()
    assert work(False) == "done"
    with pytest.raises(ValueError, match="broken"):
        work(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:  # a caller that paused it already keeps it paused
        work(False)
        assert not gc.isenabled()
    finally:
        gc.enable()
