"""Driving the HTML page in Debian's Chromium through Playwright (no browser is
downloaded): the page opened from disk, with its requests, console errors and dialogs
recorded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def wait_until(page: Any, expression: str, timeout: float = 60.0) -> None:
    """Poll an expression with page.evaluate: Playwright's wait_for_function evaluates
    strings in a way the page's Content-Security-Policy rightly forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout} s: {expression}")
        time.sleep(0.05)


@dataclass
class Opened:
    page: Any
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_page(browser: Any, html: Path) -> Iterator[Opened]:
    page = browser.new_page()
    opened = Opened(page)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: opened.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.problems.append(str(e)))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(html.as_uri())
    wait_until(page, "document.documentElement.dataset.state !== 'loading'")
    try:
        yield opened
    finally:
        page.close()


def show_graph(page: Any) -> None:
    """Open the graph view (the page opens on the papers table) and wait until it is drawn."""
    page.click("#tab-graph")
    wait_until(page, "document.documentElement.dataset.graphMs !== undefined")
