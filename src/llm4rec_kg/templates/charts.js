// Charts, each the answer to a named SPARQL query run in this page's store, drawn with
// Observable Plot (vendored, no eval, so the page's Content-Security-Policy holds). Each
// can open its query in the SPARQL panel, and be saved as SVG, PNG or its data as CSV.
(() => {
const app = window.llm4recApp;
const { byId, el, namedQueries, view } = app;
const root = document.documentElement;
// Okabe and Ito's palette: told apart under the common colour-vision deficiencies.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
const year = { tickFormat: "d", label: "year" };

const CHARTS = [
  { query: "papers-per-year-by-paradigm", kind: "stacked bars",
    plot: (data) => ({ x: { type: "band", tickFormat: "d", label: null }, y: { label: "papers", grid: true }, color: { legend: true, range: PALETTE },
      marks: [Plot.barY(data, { x: "year", y: "papers", fill: "paradigm", tip: true }), Plot.ruleY([0])] }) },
  { query: "facets-by-year", kind: "stacked bars",
    plot: (data) => ({ x: { type: "band", tickFormat: "d", label: null }, y: { label: "papers (once per role)", grid: true }, color: { legend: true, range: PALETTE },
      marks: [Plot.barY(data, { x: "year", y: "papers", fill: "facet", tip: true }), Plot.ruleY([0])] }) },
  { query: "top-models-per-year", kind: "lines",
    plot: (data) => ({ x: year, y: { label: "publications", grid: true }, color: { legend: true, range: PALETTE },
      marks: [Plot.line(data, { x: "year", y: "papers", stroke: "model", marker: "circle", tip: true }), Plot.ruleY([0])] }) },
  { query: "family-share", kind: "bars",
    plot: (data) => ({ marginLeft: 70, x: { label: "publications", grid: true }, y: { label: null },
      marks: [Plot.barX(data, { x: "papers", y: "family", fill: PALETTE[0], sort: { y: "-x" }, tip: true }),
              Plot.text(data, { x: "papers", y: "family", text: (d) => String(d.papers), dx: 12 }), Plot.ruleX([0])] }) },
  { query: "venues-ranked", kind: "bars", limit: 15,
    plot: (data) => ({ marginLeft: 110, x: { label: "publications", grid: true }, y: { label: null },
      marks: [Plot.barX(data, { x: "publications", y: "venue", fill: PALETTE[2], sort: { y: "-x" }, tip: true }), Plot.ruleX([0])] }) },
  { query: "list-coverage", kind: "stacked bars",
    plot: (data) => ({ marginLeft: 110, x: { label: "publications", grid: true }, y: { label: null }, color: { legend: true, range: [PALETTE[5], PALETTE[4]] },
      marks: [Plot.barX(data, { x: "papers", y: "list", fill: "coverage", tip: true }), Plot.ruleX([0])] }) },
  { query: "model-size-by-year", kind: "dots",
    plot: (data) => ({ marginLeft: 50, x: year, y: { type: "log", label: "billions of parameters", grid: true }, r: { range: [3, 12] },
      marks: [Plot.dot(data, { x: "year", y: "billions", r: "papers", stroke: PALETTE[0], fill: PALETTE[0], fillOpacity: 0.25, channels: { model: "model" }, tip: true })] }) },
];

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger)$/;
function rows(result) {
  const vars = result.head.vars;
  return result.results.bindings.map((b) => Object.fromEntries(vars.map((v) => {
    const term = b[v];
    if (!term) return [v, null];
    return [v, term.datatype && NUMERIC.test(term.datatype) ? Number(term.value) : term.value];
  })));
}

const charts = new Map();  // query -> { data, svg, ms }

const { download } = app;
// Plot returns the chart's <svg>, or a <figure> of legend and <svg> when it has a legend.
const svgOf = (plotted) => (plotted.tagName.toLowerCase() === "svg" ? plotted : plotted.querySelector(":scope > svg"));
function svgText(figure) {
  const svg = svgOf(figure).cloneNode(true);
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return new XMLSerializer().serializeToString(svg);
}
function png(figure, name) {
  const svg = svgOf(figure);
  const { width, height } = svg.getBoundingClientRect();
  const image = new Image();
  image.onload = () => {
    const canvas = el("canvas", null, { width: String(Math.ceil(width * 2)), height: String(Math.ceil(height * 2)) });
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(2, 2);
    context.drawImage(image, 0, 0, width, height);
    canvas.toBlob((blob) => download(name, blob), "image/png");
  };
  image.src = URL.createObjectURL(new Blob([svgText(figure)], { type: "image/svg+xml" }));
}

// How many publications each chart can count, from one query run when the charts are drawn.
let coverage = null;
function coverageOf(name) {
  if (coverage === null) coverage = new Map(rows(app.query(view.chart_coverage).data).map((r) => [r.chart, r]));
  return coverage.get(name);
}

function card(chart) {
  const named = namedQueries.find((q) => q.name === chart.query);
  const box = el("article", null, { class: "chart", "data-chart": chart.query, "aria-label": named.title });
  box.append(el("h3", named.title), el("p", named.description), el("p", "", { class: "coverage" }));
  const figure = el("figure", null, { "aria-label": `${named.title}, ${chart.kind}` });
  box.append(figure);
  const actions = el("div", null, { class: "actions" });
  const button = (text, action) => { const b = el("button", text, { type: "button" }); b.addEventListener("click", action); actions.append(b); return b; };
  button("Open the query", () => {
    byId("named-query").value = chart.query;
    app.editor.set(named.text);
    app.runEditor();
    byId("sparql").scrollIntoView();
    byId("run").focus();
  });
  button("SVG", () => download(`${chart.query}.svg`, new Blob([svgText(figure.firstChild)], { type: "image/svg+xml" })));
  button("PNG", () => png(figure.firstChild, `${chart.query}.png`));
  button("CSV", () => {
    const data = charts.get(chart.query).data;
    const vars = Object.keys(data[0] || {});
    download(`${chart.query}.csv`, new Blob([app.csv(vars, data.map((d) => vars.map((v) => d[v])))], { type: "text/csv" }));
  });
  box.append(actions);
  return { box, figure, named };
}

function draw(chart, figure, named) {
  const started = performance.now();
  const covered = coverageOf(chart.query);
  if (covered) {
    const note = figure.parentElement.querySelector(".coverage");
    note.textContent = `${covered.counted} of ${covered.total} ${covered.what}.`;
    note.dataset.counted = String(covered.counted);
    note.dataset.total = String(covered.total);
  }
  let data = rows(app.query(named.text).data);
  if (chart.limit) data = data.slice(0, chart.limit);
  const width = Math.max(320, figure.clientWidth || 480);
  // Room for the axis labels below and the widest tick label: no text leaves the chart.
  const spec = chart.plot(data);
  spec.x = { labelOffset: 32, ...spec.x };  // Plot's default sets the label on the bottom edge
  const plotted = Plot.plot({ width, height: 290, marginBottom: 40, marginRight: 24, style: { fontSize: "12px" }, ...spec });
  figure.replaceChildren(plotted);
  const ms = performance.now() - started;
  charts.set(chart.query, { data, ms });
  return ms;
}

let drawn = false;
async function drawAll() {
  if (drawn) return;
  drawn = true;
  const grid = byId("chart-grid");
  const cards = CHARTS.map((chart) => ({ chart, ...card(chart) }));
  grid.replaceChildren(...cards.map((c) => c.box));
  requestAnimationFrame(() => app.painted());
  await app.ready;
  for (const { chart, figure, named } of cards) {
    try { draw(chart, figure, named); } catch (error) { figure.replaceChildren(el("p", `Could not draw: ${error.message || error}`, { class: "hint" })); }
  }
  root.dataset.charts = String(charts.size);
}

app.views.charts = { show() { drawAll(); }, apply() {} };
window.llm4rec.charts = {
  names: CHARTS.map((c) => c.query),
  data: (name) => (charts.get(name) ? charts.get(name).data : null),
  ms: (name) => (charts.get(name) ? charts.get(name).ms : null),
  svg: (name) => svgText(document.querySelector(`[data-chart="${name}"] figure`).firstChild),
};

app.start();  // the last of the page's classic scripts: every view has registered
})();
