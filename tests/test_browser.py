"""The HTML page in real headless Chromium (Debian's, driven by Playwright; no browser is
downloaded): offline loading, the graph, details, search, filters, SPARQL, and safety."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from browsing import ARTIFACTS, Opened, open_page, show_graph, wait_until
from llm4rec_kg import pipeline
from llm4rec_kg.publish.visual import CLASSES
from llm4rec_kg.sparql import queries

EVIL = "<img src=x onerror=alert(1)></script><script>alert(2)</script>\"'&"


def _store(real_build: pipeline.BuildResult) -> ox.Store:
    store = ox.Store()
    store.load(path=str(real_build.files[0].parent / "llm4rec.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def test_loads_offline_without_errors(real_page: Opened) -> None:
    page = real_page.page
    assert page.evaluate("document.documentElement.dataset.state") == "ready"
    assert real_page.problems == []
    assert all(url.split(":", 1)[0] in ("file", "data", "blob") for url in real_page.requests)
    csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert csp.startswith("default-src 'none'")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "llm4rec-page.png"))
    assert (ARTIFACTS / "llm4rec-page.png").stat().st_size > 10_000


def test_node_count_matches_the_graph(real_page: Opened, real_build: pipeline.BuildResult) -> None:
    store = _store(real_build)
    classes = " ".join(f"<{iri}>" for iri, _, _ in CLASSES)
    (row,) = store.query(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} "
        "?s a ?c FILTER(isIRI(?s)) }"
    )
    expected = int(row["n"].value)
    assert real_page.page.evaluate("window.llm4rec.nodeCount") == expected
    assert real_page.page.evaluate("window.llm4rec.network.body.data.nodes.length") == expected
    assert real_page.page.evaluate("Number(document.documentElement.dataset.triples)") == len(store)


def _click_node(page: Any, iri: str) -> None:
    """A real click on the node: at a point inside its box where it is the top node (in a
    dense graph its centre may be under a neighbour)."""
    page.evaluate("id => window.llm4rec.network.focus(id, {scale: 8, animation: false})", iri)
    point = page.evaluate(
        """id => {
        const net = window.llm4rec.network;
        const box = net.getBoundingBox(id);
        const frame = document.getElementById('graph').getBoundingClientRect();
        for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
            const canvas = {x: box.left + (box.right - box.left) * i / 10,
                            y: box.top + (box.bottom - box.top) * j / 10};
            const dom = net.canvasToDOM(canvas);
            if (net.getNodeAt(dom) === id) return {x: frame.left + dom.x, y: frame.top + dom.y};
        }
        return null;
    }""",
        iri,
    )
    assert point is not None, f"{iri} is covered by other nodes everywhere"
    page.mouse.click(point["x"], point["y"])


def test_clicking_a_node_shows_its_details(real_page: Opened) -> None:
    page = real_page.page
    show_graph(page)
    _click_node(page, "https://w3id.org/llm4rec/paper/arxiv-2305.00447")
    wait_until(page, "document.documentElement.dataset.details !== undefined")
    assert page.inner_text("#details h2") == "TALLRec"
    details = page.inner_text("#details")
    assert "l4r:usesModel" in details and "LLaMA" in details
    link = page.get_attribute('#details a[href="https://arxiv.org/abs/2305.00447"]', "href")
    assert link == "https://arxiv.org/abs/2305.00447"


def test_search_finds_by_alias(real_page: Opened) -> None:
    page = real_page.page
    show_graph(page)
    page.fill("#search", "llama-7b")
    first = page.locator("#search-results button").first
    assert first.inner_text() == "LLaMA (Language model)"
    first.click()
    assert page.inner_text("#details h2") == "LLaMA"


def test_filters_hide_other_paradigms(real_page: Opened, real_build: pipeline.BuildResult) -> None:
    page = real_page.page
    show_graph(page)
    store = _store(real_build)

    def count(query: str) -> int:
        (row,) = store.query("PREFIX l4r: <https://w3id.org/llm4rec/ontology#> " + query)
        return int(row["n"].value)

    models = count("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a l4r:LanguageModel }")
    publications = count(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { VALUES ?c { l4r:Paper l4r:Survey "
        "l4r:Tutorial } ?p a ?c }"
    )
    # The first view: publications and the LLMs they use.
    first = publications + models
    assert page.evaluate("Number(document.documentElement.dataset.shown)") == first
    page.select_option("#filter-paradigm", "https://w3id.org/llm4rec/concept/paradigm/no-tuning")
    # Publications of another paradigm, or of none (surveys, and papers from lists that do
    # not sort by paradigm), are hidden by the filter.
    no_tuning = count(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p l4r:paradigm "
        "<https://w3id.org/llm4rec/concept/paradigm/no-tuning> }"
    )
    assert page.evaluate("Number(document.documentElement.dataset.shown)") == no_tuning + models
    page.click("#filter-reset")
    assert page.evaluate("Number(document.documentElement.dataset.shown)") == first


def test_named_query_matches_pyoxigraph_and_highlights(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    page = real_page.page
    show_graph(page)
    page.select_option("#named-query", "same-base-model")
    assert page.locator("#editor-host .CodeMirror").count() == 1  # the Yasqe editor
    assert page.evaluate("window.llm4rec.editor.get()").startswith(
        "# title: Papers that use the same base model"
    )
    page.click("#run")
    wait_until(page, "document.documentElement.dataset.queryRows !== undefined")
    named = queries.find("same-base-model")
    expected = list(
        _store(real_build).query(
            named.text, substitutions={ox.Variable("paper"): ox.Literal("TALLRec")}
        )
    )
    rows = page.eval_on_selector_all(
        "#results tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert rows[0] == ["paper", "other", "model", "o"]
    assert sorted(r[1] for r in rows[1:]) == sorted(s["other"].value for s in expected)
    assert page.evaluate("Number(document.documentElement.dataset.highlighted)") == len(
        {s["o"].value for s in expected}
    )
    selected = page.evaluate("window.llm4rec.network.getSelectedNodes()")
    assert sorted(selected) == sorted({s["o"].value for s in expected})


def test_csv_download(real_page: Opened) -> None:
    page = real_page.page
    page.evaluate(
        "text => window.llm4rec.editor.set(text)",
        "SELECT ?v ?label WHERE { ?v a <https://w3id.org/llm4rec/ontology#Venue> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label",
    )
    page.click("#run")
    with page.expect_download() as info:
        page.click("#download")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert rows[0] == ["v", "label"]
    assert ["https://w3id.org/llm4rec/venue/recsys", "RecSys"] in rows


def test_query_hook_and_syntax_errors(real_page: Opened) -> None:
    page = real_page.page
    data = page.evaluate(
        "window.llm4rec.query('ASK { ?s a <https://w3id.org/llm4rec/ontology#Paper> }')"
    )
    assert data["boolean"] is True
    page.evaluate("text => window.llm4rec.editor.set(text)", "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    assert page.evaluate("document.documentElement.dataset.queryRows") == "error"
    assert page.inner_text("#query-status") != ""
    # a prefix the page declares for the person does not move the error's line
    page.evaluate(
        "text => window.llm4rec.editor.set(text)",
        "SELECT ?v WHERE { ?p l4r:publishedIn ?v . FILTER( }",
    )
    page.click("#run")
    assert " at 1:52" in page.inner_text("#query-status")


def test_quality_findings_are_listed(real_page: Opened, real_build: pipeline.BuildResult) -> None:
    page = real_page.page
    assert page.inner_text("#quality-open") == "0"
    page.click("#quality-toggle")
    import json

    findings = json.loads((real_build.files[0].parent / "quality.json").read_text())["findings"]
    assert page.locator("#quality-rows tr").count() == len(findings)


def test_catalog_strings_cannot_inject_markup(
    browser: Any, small_catalog: Path, tmp_path: Path
) -> None:
    papers = small_catalog / "papers.yaml"
    papers.write_text("arxiv-2302.00004:\n  title: " + f"{EVIL!r}".replace("\\'", "''") + "\n")
    out = tmp_path / "out"
    pipeline.build(small_catalog, out)
    for opened in open_page(browser, out / "llm4rec.html"):
        page = opened.page
        show_graph(page)
        page.wait_for_timeout(300)
        assert opened.dialogs == []
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        opened.page.evaluate(
            "id => window.llm4rec.focus(id)", "https://w3id.org/llm4rec/paper/arxiv-2302.00004"
        )
        assert EVIL in page.inner_text("#details")
        page.fill("#search", "onerror")
        assert page.locator("#search-results button").count() == 1
        page.click("#tab-papers")
        page.fill("#paper-search", "onerror")
        assert EVIL in page.inner_text("#paper-rows")
        page.click("#tab-charts")
        wait_until(page, "document.documentElement.dataset.charts !== undefined")
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert opened.dialogs == [] and opened.problems == []


def test_shipped_assets_match_their_manifest() -> None:
    from llm4rec_kg.assets import refresh

    assert refresh.check() == []


def test_details_show_the_source_rows_as_listed(real_page: Opened) -> None:
    page = real_page.page
    page.evaluate(
        "id => window.llm4rec.focus(id)", "https://w3id.org/llm4rec/paper/arxiv-2311.00423"
    )
    details = page.inner_text("#details")
    assert "no-tuning row 1, line 44" in details and "no-tuning row 35, line 78" in details
    assert "year: 2023" in details and "year: 2024" in details  # both claims kept


def test_the_papers_search_finds_papers_by_model(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    """ "llama" finds every paper whose models are labelled with it, not only the papers
    whose titles say it (checked with pyoxigraph over the N-Triples export)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(real_build.files[0].parent / "llm4rec.nt"), format=ox.RdfFormat.N_TRIPLES)
    by_model = {
        str(row["p"].value)
        for row in store.query(
            "SELECT DISTINCT ?p WHERE { ?p <https://w3id.org/llm4rec/ontology#usesModel> ?m . "
            "?m <http://www.w3.org/2000/01/rdf-schema#label> ?l "
            "FILTER (CONTAINS(LCASE(STR(?l)), 'llama')) }"
        )
    }
    page = real_page.page
    page.click("#tab-papers")
    wait_until(page, "document.documentElement.dataset.paperRows !== undefined")
    every = page.evaluate("document.documentElement.dataset.paperRows")
    page.fill("#paper-search", "llama")
    wait_until(page, f"document.documentElement.dataset.paperRows !== '{every}'")
    shown = int(page.evaluate("document.documentElement.dataset.paperRows"))
    assert len(by_model) > 20 and shown >= len(by_model)
    page.fill("#paper-search", "")
