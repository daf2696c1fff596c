"""Size, build time, draw time and SPARQL times of the HTML page, for the real catalog and
for a synthetic catalog of 10,000 papers, in Debian's headless Chromium: first draw, SPARQL
ready, a query cold and warm, a facet of the papers table (click to redrawn rows), and the
slowest and median chart (query and drawing).

    python benchmarks/bench_html.py [--papers 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browsing import FLAGS, wait_until  # the browser tests' Chromium flags and polling
from llm4rec_kg import pipeline
from llm4rec_kg.graph import builder
from llm4rec_kg.graph.vocab import DEFAULT_BASE, Minter
from llm4rec_kg.publish import visual
from synthetic import synthetic_catalog

ROOT = Path(__file__).resolve().parent.parent
GROUP_BY = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"


def measure(html: Path, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {
        "draw_ms": [],
        "ready_ms": [],
        "cold_query_ms": [],
        "warm_query_ms": [],
        "filter_ms": [],
        "chart_max_ms": [],
        "chart_median_ms": [],
        "graph_open_ms": [],
    }
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            args=FLAGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
        )
        for _ in range(runs):
            page = context.new_page()
            page.goto(html.as_uri())
            wait_until(page, "document.documentElement.dataset.state === 'ready'", 120)
            wait_until(page, "document.documentElement.dataset.drawnMs !== undefined")
            data = page.evaluate("Object.assign({}, document.documentElement.dataset)")
            timing: Any = page.evaluate(
                """async q => {
                const t0 = performance.now(); await window.llm4rec.query(q);
                const t1 = performance.now(); await window.llm4rec.query(q);
                return [t1 - t0, performance.now() - t1]; }""",
                GROUP_BY,
            )
            figures["draw_ms"].append(float(data["drawnMs"]))
            figures["ready_ms"].append(float(data["readyMs"]))
            figures["cold_query_ms"].append(timing[0])
            figures["warm_query_ms"].append(timing[1])
            figures["filter_ms"].append(_filter_ms(page))
            charts = _chart_ms(page)
            figures["chart_max_ms"].append(max(charts))
            figures["chart_median_ms"].append(statistics.median(charts))
            figures["graph_open_ms"].append(_graph_open_ms(page))
            page.close()
        context.close()
    return {k: statistics.median(v) for k, v in figures.items()}


def _filter_ms(page: Any) -> float:
    """From checking the first value of the papers' year facet to the next frame, rows
    drawn (the median of toggling it on and off three times)."""
    page.click("#tab-papers")
    times = page.evaluate(
        """async () => {
        const out = [];
        for (let i = 0; i < 6; i++) {
            const box = document.querySelector('#paper-facets input[data-facet="year"]');
            const t0 = performance.now();
            box.click();
            await new Promise((resolve) => requestAnimationFrame(() => resolve()));
            out.push(performance.now() - t0);
        }
        return out; }"""
    )
    return float(statistics.median(times))


def _chart_ms(page: Any) -> list[float]:
    """Each chart's query and drawing, as the page times them."""
    page.click("#tab-charts")
    wait_until(page, "document.documentElement.dataset.charts !== undefined", 120)
    return [
        float(page.evaluate("n => window.llm4rec.charts.ms(n)", name))
        for name in page.evaluate("window.llm4rec.charts.names")
    ]


def _graph_open_ms(page: Any) -> float:
    """From the Graph tab's click to the graph drawn (made then, if the page opened on
    another view)."""
    page.click("#tab-charts")
    started = page.evaluate("performance.now()")
    page.click("#tab-graph")
    wait_until(page, "document.documentElement.dataset.graphMs !== undefined", 120)
    drawn = float(page.evaluate("Number(document.documentElement.dataset.graphMs)"))
    return max(0.0, drawn - started)


def report(name: str, html: Path, nodes: int, seconds: float, what: str, runs: int) -> None:
    figures = measure(html, runs)
    print(f"{name}: {nodes} nodes, {html.stat().st_size / 1e6:.2f} MB; {what} took {seconds:.2f} s")
    print(
        f"  first draw {figures['draw_ms']:.0f} ms and SPARQL ready {figures['ready_ms']:.0f} ms "
        f"after navigation start; GROUP BY {figures['cold_query_ms']:.1f} ms cold, "
        f"{figures['warm_query_ms']:.1f} ms warm (median of {runs} loads)"
    )
    print(
        f"  papers table: a facet filter {figures['filter_ms']:.1f} ms to redrawn rows; charts: "
        f"slowest {figures['chart_max_ms']:.0f} ms, median {figures['chart_median_ms']:.0f} ms; "
        f"the graph drawn {figures['graph_open_ms']:.0f} ms after its tab is opened "
        "(0 when the page opened on it)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000, help="0: the real catalog only")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        result = pipeline.build(ROOT / "catalog", out / "real")
        real = out / "real" / "llm4rec.html"
        report(
            "real catalog",
            real,
            real.read_text().count('"group": '),
            result.seconds,
            "the whole build (all exports)",
            args.runs,
        )
        if not args.papers:
            return
        catalog = synthetic_catalog(args.papers)
        started = time.perf_counter()
        graph = builder.build_graph(catalog, Minter(DEFAULT_BASE))
        graph_seconds = time.perf_counter() - started
        started = time.perf_counter()
        html = "".join(visual.render(graph, DEFAULT_BASE, visual.page_queries(DEFAULT_BASE), None))
        html_seconds = time.perf_counter() - started
        big = out / "synthetic.html"
        big.write_text(html, encoding="utf-8")
        print(f"synthetic graph: {len(graph)} triples built in {graph_seconds:.2f} s")
        report(
            f"synthetic ({args.papers} papers)",
            big,
            html.count('"group": '),
            html_seconds,
            "rendering the HTML",
            args.runs,
        )


if __name__ == "__main__":
    main()
