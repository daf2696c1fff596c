"""The page's views in real headless Chromium: the papers table and its facets, the focus
graph, the charts (each checked against pyoxigraph's answer to its query over the Turtle),
shareable state in the URL, SPARQL with undeclared prefixes, keyboard use and a narrow
layout. Each view is saved as a screenshot under test-artifacts/."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from browsing import ARTIFACTS, Opened, show_graph, wait_until
from llm4rec_kg import pipeline
from llm4rec_kg.sparql import queries
from test_browser import _store

TALLREC = "https://w3id.org/llm4rec/paper/arxiv-2305.00447"
LLAMA = "https://w3id.org/llm4rec/model/llama"
L4R = "PREFIX l4r: <https://w3id.org/llm4rec/ontology#> "


def _shot(page: Any, name: str, selector: str | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=str(target))
    else:
        page.screenshot(path=str(target))
    assert target.stat().st_size > 3_000, name


def _ready(page: Any) -> None:
    wait_until(page, "document.documentElement.dataset.state === 'ready'")


def _count(store: ox.Store, query: str) -> int:
    (row,) = store.query(L4R + query)
    return int(row["n"].value)


@pytest.fixture
def html(real_build: pipeline.BuildResult) -> Path:
    return real_build.files[0].parent / "llm4rec.html"


def test_papers_table_facets_search_sort_and_export(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    page = real_page.page
    store = _store(real_build)
    page.click("#tab-papers")
    total = _count(
        store,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { VALUES ?c { l4r:Paper l4r:Survey "
        "l4r:Tutorial } ?p a ?c }",
    )
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == total
    # Only the rows in view are in the document, however many papers there are.
    assert page.locator("#paper-rows tr.paper").count() < 80
    using = _count(
        store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p l4r:usesModel <{LLAMA}> }}"
    )
    facet = page.locator(f'#paper-facets input[data-facet="model"][value="{LLAMA}"]')
    if facet.count() == 0:
        page.click('#paper-facets fieldset[data-facet="model"] button.more')
    label = page.locator(f'#paper-facets label:has(input[value="{LLAMA}"])')
    assert label.locator(".count").inner_text() == str(using)
    page.check(f'#paper-facets input[data-facet="model"][value="{LLAMA}"]')
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == using
    with_code = _count(
        store,
        f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p l4r:usesModel <{LLAMA}> ; l4r:code ?c }}",
    )
    page.check('#paper-facets input[data-facet="code"][value="yes"]')
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == with_code
    _shot(page, "view-papers-table")
    with page.expect_download() as info:
        page.click("#paper-csv")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) == with_code and all(r["code"] == "yes" for r in rows)
    page.click("#paper-clear")
    page.fill("#paper-search", "tallrec")
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == 1
    page.click("#paper-rows tr.paper")
    assert page.inner_text("#details h2") == "TALLRec"
    assert page.evaluate("window.llm4rec.state().focus") == TALLREC
    page.fill("#paper-search", "")
    cells = "n => [...document.querySelectorAll('#paper-rows tr.paper')].map(r => r.cells[n].title)"
    years = [int(y) for y in page.evaluate(cells, 1) if y]  # the first sort: newest first
    assert len(years) > 20 and years == sorted(years, reverse=True)
    page.click("#paper-head button:has-text('Title')")
    assert page.get_attribute("#paper-head th:nth-child(1)", "aria-sort") == "ascending"
    in_order = """n => {
        const rows = [...document.querySelectorAll('#paper-rows tr.paper')];
        const text = rows.map(r => r.cells[n].title);
        const order = new Intl.Collator(undefined, { sensitivity: "base" });
        return text.length > 20
            && text.every((t, i) => i === 0 || order.compare(text[i - 1], t) <= 0);
    }"""
    assert page.evaluate(in_order, 0)
    first = page.evaluate(cells, 0)[0]
    page.click("#paper-head button:has-text('Title')")
    assert page.get_attribute("#paper-head th:nth-child(1)", "aria-sort") == "descending"
    assert page.evaluate(cells, 0)[0] != first


def test_focus_mode_shows_the_neighbours_with_labels_that_do_not_overlap(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    page = real_page.page
    show_graph(page)
    page.evaluate("id => window.llm4rec.focus(id)", TALLREC)
    store = _store(real_build)
    neighbours = {
        str(r["o"].value)
        for r in store.query(
            f"SELECT DISTINCT ?o WHERE {{ {{ <{TALLREC}> ?p ?o }} UNION {{ ?o ?p <{TALLREC}> }} }}"
        )
    }
    shown = page.evaluate("window.llm4rec.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    drawn = page.evaluate("window.llm4rec.nodeCount")
    assert TALLREC in shown and 2 < len(shown) < drawn
    assert set(shown) - {TALLREC} <= neighbours
    boxes = page.evaluate("ids => ids.map(id => window.llm4rec.network.getBoundingBox(id))", shown)
    clashes = [
        (shown[i], shown[j])
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes)
        if i < j
        and a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]
    assert clashes == []
    assert all(page.evaluate("id => window.llm4rec.nodes.get(id).label", n) for n in shown)
    _shot(page, "view-focus-graph")
    page.click("#focus-exit")
    assert page.evaluate("document.documentElement.dataset.focus") is None


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(("#integer", "#decimal")):
        return float(Decimal(term.value))
    return term.value


def test_each_chart_shows_what_pyoxigraph_answers_to_its_query(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    page = real_page.page
    page.click("#tab-charts")
    wait_until(page, "document.documentElement.dataset.charts === '7'")
    store = _store(real_build)
    for name in page.evaluate("window.llm4rec.charts.names"):
        shown = page.evaluate("name => window.llm4rec.charts.data(name)", name)
        named = queries.find(name)  # with its parameters' defaults, as the page runs it
        solutions = store.query(queries.with_values(named.text, named.bindings({})))
        names = [v.value for v in solutions.variables]
        expected = [{v: _value(s[v]) for v in names} for s in solutions]
        limit = 15 if name == "venues-ranked" else None
        expected = expected[:limit] if limit else expected
        got = [
            {k: (float(v) if isinstance(v, int | float) else v) for k, v in r.items()}
            for r in shown
        ]
        assert got == expected, name
        svg = page.evaluate("name => window.llm4rec.charts.svg(name)", name)
        assert (
            svg.startswith("<svg") and "<g" in svg and len(svg) > 2_000
        )  # the chart, not a swatch
        _shot(page, f"view-chart-{name}", f'[data-chart="{name}"]')
    with page.expect_download() as info:
        page.click('[data-chart="family-share"] button:has-text("CSV")')
    assert Path(info.value.path()).read_text().startswith("family,papers")


def test_a_deep_link_reproduces_the_view_and_back_goes_back(browser: Any, html: Path) -> None:
    state = (
        f"#view=papers&q=rec&f=model:{quote(LLAMA, safe='')}&f=code:yes&sort=title:asc"
        f"&focus={quote(TALLREC, safe='')}"
    )
    page = browser.new_page()
    try:
        page.goto(html.as_uri() + state)
        _ready(page)
        got = page.evaluate("window.llm4rec.state()")
        assert got["view"] == "papers" and got["q"] == "rec" and got["sort"] == "title:asc"
        assert got["facets"] == {"model": [LLAMA], "code": ["yes"]}
        assert got["focus"] == TALLREC and page.inner_text("#details h2") == "TALLRec"
        assert page.input_value("#paper-search") == "rec"
        assert page.is_checked(f'#paper-facets input[data-facet="model"][value="{LLAMA}"]')
        rows = page.evaluate("Number(document.documentElement.dataset.paperRows)")
        # What the view shows is what its link says, and the link is what it shows.
        same = page.evaluate(
            """() => {
            const norm = (text) => [...new URLSearchParams(text).entries()]
                .filter((e) => e.join("=") !== "view=papers")  // the view it opens on
                .map((e) => e.join("=")).sort().join("&");
            return norm(document.documentElement.dataset.restored) === norm(location.hash.slice(1));
        }"""
        )
        assert same
        page.click("#tab-charts")
        assert "view=charts" in page.evaluate("location.hash")
        page.go_back()
        wait_until(page, "window.llm4rec.state().view === 'papers'")
        assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == rows
    finally:
        page.close()


def test_a_linked_query_runs_with_undeclared_prefixes(browser: Any, html: Path) -> None:
    text = "SELECT ?p ?name WHERE { ?p a l4r:Paper ; l4r:shortName ?name } ORDER BY ?name LIMIT 5"
    page = browser.new_page()
    try:
        page.goto(html.as_uri() + "#sparql=" + quote(text, safe=""))
        _ready(page)
        wait_until(page, "document.documentElement.dataset.queryRows === '5'")
        assert page.evaluate("window.llm4rec.editor.get()") == text
        _shot(page, "view-query-result", "#sparql")
        page.evaluate("t => window.llm4rec.editor.set(t)", "SELECT * WHERE { ?s foo:bar ?o }")
        page.click("#run")
        status = page.inner_text("#query-status")
        assert "PREFIX foo:" in status and "\n" not in status and len(status) < 200
        page.evaluate("t => window.llm4rec.editor.set(t)", "SELECT * WHERE { ?s ?p }")
        page.click("#run")
        assert "\n" not in page.inner_text("#query-status")
    finally:
        page.close()


def test_views_work_from_the_keyboard(real_page: Opened) -> None:
    page = real_page.page
    page.focus("#tab-graph")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.llm4rec.state().view") == "papers"
    assert page.evaluate("document.activeElement.id") == "tab-papers"
    page.fill("#paper-search", "tallrec")
    page.focus("#paper-rows tr.paper")
    page.keyboard.press("Enter")
    assert page.inner_text("#details h2") == "TALLRec"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_a_narrow_screen_gets_one_column_without_sideways_scrolling(
    browser: Any, html: Path
) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": 600, "height": 900})
    try:
        page.goto(html.as_uri() + "#view=papers")
        _ready(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 600
        _shot(page, "view-papers-narrow")
    finally:
        page.close()


ROLE = "https://w3id.org/llm4rec/concept/llm-role/ranker"
FACETED = "dcterms:subject|l4r:derivedSubject"
DC = (
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
)


def test_papers_are_filtered_and_found_by_the_shared_facets(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    """A role facet selects the papers pyoxigraph finds with it, listed or derived, over
    the Turtle export; a search finds papers by a facet's label and by listed authors."""
    page = real_page.page
    store = _store(real_build)
    page.click("#tab-papers")
    wait_until(page, "document.documentElement.dataset.paperRows !== undefined")
    rankers = _count(
        store, DC + f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p {FACETED} <{ROLE}> }}"
    )
    label = page.locator(f'#paper-facets label:has(input[value="{ROLE}"])')
    assert label.locator(".count").inner_text() == str(rankers) and rankers > 50
    page.check(f'#paper-facets input[data-facet="llm-role"][value="{ROLE}"]')
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == rankers
    _shot(page, "view-papers-by-role")
    page.click("#paper-clear")
    fairness = _count(
        store,
        DC + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p " + FACETED + " ?c . "
        "?c skos:prefLabel 'Fairness and bias' }",
    )
    page.fill("#paper-search", "fairness and bias")
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") == fairness
    (author,) = [
        row["a"].value
        for row in store.query(
            L4R + "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?a WHERE { "
            "?p prov:wasDerivedFrom/l4r:listedAuthors ?a } ORDER BY ?a LIMIT 1"
        )
    ]
    page.fill("#paper-search", author.lower())
    assert page.evaluate("Number(document.documentElement.dataset.paperRows)") >= 1
    page.fill("#paper-search", "")


def test_every_title_is_shown_whole_and_lists_by_their_owners(browser: Any, html: Path) -> None:
    """At 1400x900 every title of the table fits its cell (checked row by row while
    scrolling through all of them), and the lists are told apart by their owners."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(html.as_uri() + "#view=papers")
        _ready(page)
        wait_until(page, "document.documentElement.dataset.paperRows !== undefined")
        seen = page.evaluate(
            """async () => {
              const scroller = document.getElementById('paper-scroll');
              const seen = new Map();
              for (let top = 0; top <= scroller.scrollHeight; top += scroller.clientHeight / 2) {
                scroller.scrollTop = top;
                await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                for (const span of document.querySelectorAll('#paper-rows td.wrap > span'))
                  seen.set(span.parentElement.title, span.scrollHeight <= span.clientHeight + 1
                           && span.textContent === span.parentElement.title);
              }
              return [...seen];
            }"""
        )
        total = int(page.evaluate("document.documentElement.dataset.paperRows"))
        assert len(seen) >= total - 5  # titles shared by two records count once
        assert [title for title, whole in seen if not whole] == []
        lists = page.evaluate(
            "[...document.querySelectorAll('#paper-facets fieldset[data-facet=list] label')]"
            ".map(l => l.querySelector('span').textContent)"
        )
        assert "WLiK" in lists and "CHIANGEL" in lists and len(set(lists)) == len(lists)
        _shot(page, "view-papers-1400x900")
    finally:
        page.close()


COVERAGE = {
    "papers-per-year-by-paradigm": (
        "?p a l4r:Paper ; dcterms:issued ?y",
        "?p a l4r:Paper ; dcterms:issued ?y ; l4r:paradigm ?x",
    ),
    "facets-by-year": (
        "?p l4r:listedIn ?l ; dcterms:issued ?y",
        "?p dcterms:issued ?y ; (dcterms:subject|l4r:derivedSubject)/skos:inScheme "
        "<https://w3id.org/llm4rec/concept/llm-role>",
    ),
    "top-models-per-year": (
        "?p l4r:listedIn ?l ; dcterms:issued ?y",
        "?p dcterms:issued ?y ; l4r:usesModel ?m",
    ),
    "family-share": ("?p l4r:listedIn ?l", "?p l4r:usesModel/l4r:family ?f"),
    "venues-ranked": ("?p l4r:listedIn ?l", "?p l4r:listedIn ?l ; l4r:publishedIn ?v"),
    "model-size-by-year": (
        "?p l4r:listedIn ?l ; dcterms:issued ?y",
        "?p dcterms:issued ?y ; l4r:modelUse/l4r:parameterCount ?n",
    ),
}


def test_each_chart_says_how_many_publications_it_can_count_and_no_text_is_clipped(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    page = real_page.page
    store = _store(real_build)
    page.click("#tab-charts")
    wait_until(page, "document.documentElement.dataset.charts === '7'")
    notes = page.evaluate(
        """[...document.querySelectorAll('.chart')].map(c => {
            const note = c.querySelector('.coverage');
            return [c.dataset.chart, note.dataset.counted, note.dataset.total, note.textContent];
        })"""
    )
    assert {name for name, *_ in notes} >= set(COVERAGE)
    for name, counted, total, text in notes:
        if name not in COVERAGE:
            continue
        of, has = COVERAGE[name]
        expected = [
            _count(store, DC + f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {q} }}")
            for q in (has, of)
        ]
        assert [int(counted), int(total)] == expected, name
        assert text.startswith(f"{counted} of {total} "), text
    clipped = page.evaluate(
        """[...document.querySelectorAll('.chart figure svg')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => {
              const r = t.getBoundingClientRect();
              return r.width > 0 && (r.left < box.left || r.right > box.right
                                     || r.top < box.top || r.bottom > box.bottom);
            }).map(t => svg.closest('.chart').dataset.chart + ': ' + t.textContent);
          })"""
    )
    assert clipped == []


def test_the_first_view_is_labelled_and_the_sparql_and_quality_panels_are_in_view(
    browser: Any, html: Path
) -> None:
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(html.as_uri())
        _ready(page)
        assert page.get_attribute("#tab-papers", "aria-selected") == "true"

        def box(selector: str) -> dict[str, float]:
            return page.evaluate(
                "s => { const r = document.querySelector(s).getBoundingClientRect();"
                " return { top: r.top, bottom: r.bottom, height: r.height }; }",
                selector,
            )

        # labelled content above the fold: a title in the first row, the facets' legends
        first = page.inner_text("#paper-rows tr.paper td.wrap")
        assert len(first) > 20 and box("#paper-rows tr.paper")["bottom"] < 900
        legends = page.evaluate(
            "[...document.querySelectorAll('#paper-facets legend')]"
            ".filter(l => l.getBoundingClientRect().bottom < 900).map(l => l.textContent)"
        )
        assert "LLM's role" in legends
        run = box("#run")
        assert run["top"] > 0 and run["bottom"] <= 900  # the SPARQL panel, without scrolling
        page.click("#quality-toggle")
        quality = box("#quality")
        assert quality["height"] > 100 and quality["top"] >= 0 and quality["bottom"] <= 900
        assert page.evaluate("document.activeElement.id") == "quality"
        page.keyboard.press("Escape")
        assert page.is_hidden("#quality")
        _shot(page, "view-first-1400x900")
    finally:
        page.close()


def test_details_show_each_listed_value_list_by_list_side_by_side(
    real_page: Opened, real_build: pipeline.BuildResult
) -> None:
    """LLMRec (arXiv 2311.00423) is given by rows of several lists and snapshots, which
    disagree on its year: the details show one column per row, and the year as differing."""
    paper = "https://w3id.org/llm4rec/paper/arxiv-2311.00423"
    rows = _count(
        _store(real_build),
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(DISTINCT ?r) AS ?n) "
        f"WHERE {{ <{paper}> prov:wasDerivedFrom ?r . ?r a l4r:SourceRow }}",
    )
    page = real_page.page
    page.evaluate("id => window.llm4rec.focus(id)", paper)
    table = page.evaluate(
        """() => [...document.querySelectorAll('#details table.listed tr')].map(tr =>
            [tr.className, ...[...tr.cells].map(c => c.textContent)])"""
    )
    head, *lines = table
    assert rows > 2 and len(head) == 2 + rows
    assert any(h.startswith("WLiK ") for h in head) and any(h.startswith("CHIANGEL ") for h in head)
    year = next(line for line in lines if line[1].startswith("year"))
    assert year[0] == "differs" and {"2023", "2024"} <= set(year[2:])
    for line in lines:
        given = {cell for cell in line[2:] if cell != "—"}
        assert (line[0] == "differs") == (len(given) > 1), line
