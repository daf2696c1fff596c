// The page's application: graph, search, filters, details and the SPARQL panel. It is a
// classic script placed before the large RDF and WebAssembly blocks, so the graph draws
// while the parser is still reading them; engine.js (a module after Oxigraph's web.js)
// then loads the store and hands it over through window.llm4recApp.
// Every string from the data is set with textContent, never parsed as HTML.
(() => {

const byId = (id) => document.getElementById(id);
const readJson = (id) => JSON.parse(byId(id).textContent);
const root = document.documentElement;
const view = readJson("graph-data");
const namedQueries = readJson("query-data");
const quality = readJson("quality-data");
const nodeIndex = new Map(view.nodes.map((n) => [n.id, n]));
const started = performance.now();

let resolveDrawn;
const drawn = new Promise((resolve) => { resolveDrawn = resolve; });
let resolveReady;
let rejectReady;
const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
let store = null;
let namedNode = null;
let lastResult = null;

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function shorten(iri) {
  let best = "";
  let prefix = "";
  for (const [p, ns] of Object.entries(view.prefixes)) {
    if (iri.startsWith(ns) && ns.length > best.length) { best = ns; prefix = p; }
  }
  return best ? `${prefix}:${iri.slice(best.length)}` : iri;
}

// ------------------------------------------------------------------ graph

for (const n of view.nodes) {
  n.search = [n.label, n.title || "", ...n.aliases].join(" ").toLowerCase();
}

function tooltip(n) {
  const lines = [`${n.group}: ${n.label}`];
  if (n.title) lines.push(n.title);
  if (n.year) lines.push(String(n.year));
  if (n.aliases.length) lines.push(`also: ${n.aliases.join(", ")}`);
  return lines.join("\n");
}

// Past a few thousand nodes vis-network's per-node work dominates the first draw, and most
// labels could not be read anyway: only well-connected nodes get one; the rest show their
// name on hover and in the details panel.
const large = view.nodes.length > 2000;
const shortLabel = (n) => (n.label.length > 32 ? `${n.label.slice(0, 30).trimEnd()}…` : n.label);
const nodes = new vis.DataSet(view.nodes.map((n) => ({
  id: n.id, label: large && n.value < 8 ? undefined : shortLabel(n),
  // Sizes are set here rather than by vis's value scaling, which costs a pass over all nodes.
  title: tooltip(n), x: n.x, y: n.y, size: 5 + 3 * Math.sqrt(n.value), group: n.group,
})));
const edges = new vis.DataSet(view.edges.map(([from, to, p], i) => ({
  id: i, from: view.nodes[from].id, to: view.nodes[to].id, title: view.predicates[p],
})));
const network = new vis.Network(byId("graph"), { nodes, edges }, {
  physics: false,
  groups: Object.fromEntries(view.classes.map((c) => [c.name, { color: { background: c.color, border: c.color } }])),
  layout: { improvedLayout: false },
  nodes: { shape: "dot",
           font: { size: 12, face: "system-ui" }, borderWidth: large ? 0 : 1, borderWidthSelected: 3 },
  edges: { chosen: false, smooth: false, width: 0.6, color: { color: "#c3c9d4", highlight: "#1f2a44" },
           arrows: { to: { enabled: false } } },
  interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: view.nodes.length > 2000,
                 hideEdgesOnZoom: view.nodes.length > 2000 },
});
network.once("afterDrawing", () => {
  // Milliseconds since navigation started, so HTML parsing is counted too.
  root.dataset.drawnMs = String(Math.round(performance.now()));
  root.dataset.scriptMs = String(Math.round(performance.now() - started));
  resolveDrawn();
});
new ResizeObserver(() => network.redraw()).observe(byId("graph"));

function focusNode(id) {
  if (!nodeIndex.has(id)) return;
  nodes.update({ id, hidden: false });
  network.selectNodes([id]);
  network.focus(id, { scale: 1.1, animation: false });
  showDetails(id);
}

function highlight(ids) {
  const present = ids.filter((id) => nodeIndex.has(id));
  network.selectNodes(present, false);
  root.dataset.highlighted = String(present.length);
  if (present.length) network.fit({ nodes: present, animation: false, maxZoomLevel: 1.2 });
  return present;
}

network.on("click", (params) => { if (params.nodes.length) showDetails(params.nodes[0]); });

// ------------------------------------------------------------------ details

function termNode(term) {
  if (term.termType === "NamedNode") {
    if (nodeIndex.has(term.value)) {
      const button = el("button", nodeIndex.get(term.value).label, { type: "button", class: "entity-link" });
      button.addEventListener("click", () => focusNode(term.value));
      return button;
    }
    return el("a", shorten(term.value), { href: term.value, target: "_blank", rel: "noopener noreferrer" });
  }
  return el("span", term.value);
}

const PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom";
const L4R = "https://w3id.org/llm4rec/ontology#";

// A source row as the list gives it: section, row and line, then its cells as listed.
function sourceRow(row) {
  const box = el("div");
  const value = (p) => { const q = store.match(row, namedNode(L4R + p), null, null)[0]; return q ? q.object.value : ""; };
  box.append(el("div", `${value("section")} row ${value("rowIndex")}, line ${value("line")}`));
  for (const quad of store.match(row, null, null, null)) {
    const name = quad.predicate.value.startsWith(L4R + "listed") ? quad.predicate.value.slice(L4R.length + 6) : null;
    if (name) box.append(el("div", `${name[0].toLowerCase()}${name.slice(1)}: ${quad.object.value}`, { class: "kind" }));
  }
  return box;
}

function showDetails(id) {
  const panel = byId("details");
  panel.replaceChildren();
  const info = nodeIndex.get(id);
  panel.append(el("p", info ? info.group : "", { class: "kind" }));
  panel.append(el("h2", info ? info.label : id));
  panel.append(el("p", id, { class: "kind" }));
  if (!store) { panel.append(el("p", "Properties appear once the SPARQL engine is ready.", { class: "hint" })); return; }
  const list = el("dl");
  const quads = store.match(namedNode(id), null, null, null);
  quads.sort((a, b) => (shorten(a.predicate.value) + a.object.value).localeCompare(shorten(b.predicate.value) + b.object.value));
  for (const quad of quads) {
    list.append(el("dt", shorten(quad.predicate.value)));
    const dd = el("dd");
    dd.append(quad.predicate.value === PROV_DERIVED ? sourceRow(quad.object) : termNode(quad.object));
    list.append(dd);
  }
  panel.append(list);
  root.dataset.details = id;
}

// ------------------------------------------------------------------ search and filters

byId("search").addEventListener("input", (event) => {
  const query = event.target.value.trim().toLowerCase();
  const results = byId("search-results");
  results.replaceChildren();
  if (query.length < 2) return;
  const hits = view.nodes.filter((n) => n.search.includes(query));
  hits.sort((a, b) => (a.label.toLowerCase() === query ? -1 : 0) - (b.label.toLowerCase() === query ? -1 : 0) || a.label.localeCompare(b.label));
  for (const hit of hits.slice(0, 25)) {
    const item = el("li");
    const button = el("button", `${hit.label} (${hit.group})`, { type: "button", "data-id": hit.id });
    button.addEventListener("click", () => focusNode(hit.id));
    item.append(button);
    results.append(item);
  }
});

for (const cls of view.classes) {
  const label = el("label");
  const box = el("input", null, { type: "checkbox", value: cls.name });
  box.checked = true;
  box.addEventListener("change", applyFilters);
  const swatch = el("span", null, { class: "swatch" });
  swatch.style.background = cls.color;
  label.append(box, swatch, document.createTextNode(`${cls.name} (${cls.count})`));
  byId("class-filter").append(label);
}
for (const [facet, select] of [["paradigm", "filter-paradigm"], ["venue", "filter-venue"], ["family", "filter-family"]]) {
  for (const option of view.facets[facet]) byId(select).append(el("option", option.label, { value: option.id }));
  byId(select).addEventListener("change", applyFilters);
}
for (const id of ["filter-year-min", "filter-year-max"]) byId(id).addEventListener("input", applyFilters);
byId("filter-reset").addEventListener("click", () => {
  for (const box of byId("class-filter").querySelectorAll("input")) box.checked = true;
  for (const id of ["filter-paradigm", "filter-venue", "filter-family", "filter-year-min", "filter-year-max"]) byId(id).value = "";
  applyFilters();
});

function applyFilters() {
  const classes = new Set([...byId("class-filter").querySelectorAll("input:checked")].map((b) => b.value));
  const paradigm = byId("filter-paradigm").value;
  const venue = byId("filter-venue").value;
  const family = byId("filter-family").value;
  const min = Number(byId("filter-year-min").value) || -Infinity;
  const max = Number(byId("filter-year-max").value) || Infinity;
  let shown = 0;
  const updates = view.nodes.map((n) => {
    let visible = classes.has(n.group);
    if (visible && "year" in n) {
      visible = (!paradigm || n.paradigm === paradigm) && (!venue || n.venue === venue)
        && (!family || n.families.includes(family)) && (n.year === null || (n.year >= min && n.year <= max));
    } else if (visible && family && n.group === "Language model") {
      visible = n.families.includes(family);
    }
    shown += visible ? 1 : 0;
    return { id: n.id, hidden: !visible };
  });
  nodes.update(updates);
  byId("shown").textContent = `Showing ${shown} of ${view.nodes.length} entities`;
  root.dataset.shown = String(shown);
}

// ------------------------------------------------------------------ quality

byId("quality-toggle").addEventListener("click", () => {
  const section = byId("quality");
  section.hidden = !section.hidden;
  byId("quality-toggle").setAttribute("aria-expanded", String(!section.hidden));
});
byId("quality-summary").textContent =
  `${quality.open} open of ${quality.total} findings; the rest are corrected, accepted or normalized.`;
for (const f of quality.findings) {
  const row = el("tr");
  for (const value of [f.rule, f.severity, f.status, f.where, f.message, f.hint]) row.append(el("td", value));
  byId("quality-rows").append(row);
}

// ------------------------------------------------------------------ SPARQL

// Yasqe (the YASGUI editor) with everything that would reach the network turned off:
// no remote autocompleters, no query button, no persistence, no share links. Its script
// comes after this one, so that the graph draws first; the editor is made once it is parsed.
let yasqe = null;
let pendingText = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)";
const editor = {
  get: () => (yasqe ? yasqe.getValue() : pendingText),
  set: (text) => { if (yasqe) yasqe.setValue(text); else pendingText = text; },
};
document.addEventListener("DOMContentLoaded", () => {
  yasqe = new Yasqe(byId("editor-host"), {
    value: pendingText,
    persistenceId: null,
    showQueryButton: false,
    createShareableLink: null,
    autocompleters: ["variables"],
    resizeable: true,
    editorHeight: "10rem",
  });
  yasqe.on("keydown", (_instance, event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); runEditor(); }
  });
});

for (const q of namedQueries) {
  byId("named-query").append(el("option", q.title, { value: q.name, title: q.description }));
}
byId("named-query").addEventListener("change", (event) => {
  const chosen = namedQueries.find((q) => q.name === event.target.value);
  if (chosen) editor.set(chosen.text);
});

function execute(text) {
  try {
    return { kind: "bindings", data: JSON.parse(store.query(text, { results_format: "application/sparql-results+json" })) };
  } catch (error) {
    const result = store.query(text);  // graph results have no SPARQL JSON form
    if (Array.isArray(result)) return { kind: "graph", data: result };
    throw error;
  }
}

function renderResult(result) {
  const table = byId("results");
  table.replaceChildren();
  const ids = [];
  if (result.kind === "graph") {
    const head = el("tr");
    for (const name of ["subject", "predicate", "object"]) head.append(el("th", name));
    table.append(head);
    for (const quad of result.data) {
      const row = el("tr");
      for (const term of [quad.subject, quad.predicate, quad.object]) row.append(cell({ type: term.termType === "NamedNode" ? "uri" : "literal", value: term.value }, ids));
      table.append(row);
    }
    return { rows: result.data.length, ids };
  }
  if ("boolean" in result.data) {
    table.append(el("tr")).append(el("td", String(result.data.boolean)));
    return { rows: 1, ids };
  }
  const vars = result.data.head.vars;
  const head = el("tr");
  for (const name of vars) head.append(el("th", name));
  table.append(head);
  for (const binding of result.data.results.bindings) {
    const row = el("tr");
    for (const name of vars) row.append(cell(binding[name], ids));
    table.append(row);
  }
  return { rows: result.data.results.bindings.length, ids };
}

function cell(term, ids) {
  if (!term) return el("td", "");
  if (term.type === "uri") {
    const td = el("td", shorten(term.value), { class: "iri", title: term.value });
    if (nodeIndex.has(term.value)) { ids.push(term.value); td.addEventListener("click", () => focusNode(term.value)); }
    return td;
  }
  return el("td", term.value);
}

function runEditor() {
  const text = editor.get();
  const t0 = performance.now();
  try {
    lastResult = execute(text);
    const shown = renderResult(lastResult);
    const lit = highlight([...new Set(shown.ids)]);
    byId("query-status").textContent = `${shown.rows} rows in ${(performance.now() - t0).toFixed(1)} ms; ${lit.length} highlighted`;
    byId("download").disabled = lastResult.kind !== "bindings" || "boolean" in lastResult.data;
    root.dataset.queryRows = String(shown.rows);
  } catch (error) {
    lastResult = null;
    byId("results").replaceChildren();
    byId("query-status").textContent = String(error && error.message ? error.message : error);
    root.dataset.queryRows = "error";
  }
}
byId("run").addEventListener("click", runEditor);

function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
byId("download").addEventListener("click", () => {
  if (!lastResult || lastResult.kind !== "bindings") return;
  const vars = lastResult.data.head.vars;
  const lines = [vars.map(csvField).join(",")];
  for (const b of lastResult.data.results.bindings) lines.push(vars.map((v) => csvField(b[v] ? b[v].value : "")).join(","));
  const url = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
  const link = el("a", null, { href: url, download: "results.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

window.llm4recApp = {
  view,
  drawn,
  started,
  setStore(engineStore, makeNamedNode) {
    store = engineStore;
    namedNode = makeNamedNode;
    byId("run").disabled = false;
    if (root.dataset.details) showDetails(root.dataset.details);
  },
  status(text) { byId("status").textContent = text; },
  markReady() { root.dataset.state = "ready"; resolveReady(); },
  markFailed(error) {
    root.dataset.state = "error";
    byId("status").textContent = `SPARQL engine failed: ${error}`;
    rejectReady(error);
  },
};

window.llm4rec = {
  ready,
  nodeCount: view.nodes.length,
  network,
  focus: focusNode,
  highlight,
  editor,
  run: runEditor,
  async query(text) {
    await ready;
    const result = execute(text);
    if (result.kind !== "bindings") throw new Error("query() returns SPARQL JSON results; use a SELECT or ASK query");
    return result.data;
  },
};

byId("shown").textContent = `Showing ${view.nodes.length} of ${view.nodes.length} entities`;
root.dataset.shown = String(view.nodes.length);
})();
