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

// The page's state, mirrored in the URL fragment so that a link reproduces the view and the
// back button steps through it: the view, the selected entity (and how many hops), the
// papers' search, facets and sort, and the query last run.
const app = {
  state: { view: null, focus: null, hops: 1, q: "", facets: {}, sort: "", sparql: null },
  views: {},  // name -> { show(), apply(state) }, registered by papers.js and charts.js
  restoring: false,
  encode() {
    const s = this.state;
    const params = new URLSearchParams();
    if (s.view !== FIRST_VIEW) params.set("view", s.view);
    if (s.focus) params.set("focus", s.focus);
    if (s.hops > 1) params.set("hops", String(s.hops));
    if (s.q) params.set("q", s.q);
    for (const [facet, chosen] of Object.entries(s.facets).sort()) for (const v of [...chosen].sort()) params.append("f", `${facet}:${v}`);
    if (s.sort) params.set("sort", s.sort);
    if (s.sparql) params.set("sparql", s.sparql);
    return params.toString();
  },
  commit(push = true) {
    if (this.restoring) return;
    const hash = `#${this.encode()}`;
    if (hash === location.hash || (hash === "#" && !location.hash)) return;
    const url = `${location.pathname}${location.search}${hash === "#" ? "" : hash}`;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  },
};

function decodeState(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const facets = {};
  for (const item of params.getAll("f")) {
    const at = item.indexOf(":");
    if (at > 0) (facets[item.slice(0, at)] ||= new Set()).add(item.slice(at + 1));
  }
  const shown = ["graph", "papers", "charts"].includes(params.get("view")) ? params.get("view") : FIRST_VIEW;
  return { view: shown, focus: params.get("focus"), hops: params.get("hops") === "2" ? 2 : 1, q: params.get("q") || "",
           facets, sort: params.get("sort") || "", sparql: params.get("sparql") };
}

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
const shownClass = new Map(view.classes.map((c) => [c.name, c.shown]));
const predicateOf = (i) => view.predicates[view.edges[i][2]];
const adjacency = view.nodes.map(() => []);
view.edges.forEach(([from, to], i) => { adjacency[from].push([to, i]); adjacency[to].push([from, i]); });
const position = new Map(view.nodes.map((n, i) => [n.id, i]));

function tooltip(n) {
  const lines = [`${n.group}: ${n.label}`];
  if (n.title) lines.push(n.title);
  if (n.year) lines.push(String(n.year));
  if (n.aliases.length) lines.push(`also: ${n.aliases.join(", ")}`);
  return lines.join("\n");
}

// Past a few thousand nodes vis-network's per-node work dominates the first draw, and most
// labels could not be read anyway: only well-connected nodes get one; the rest show their
// name on hover and in the details panel. The first view shows publications and the LLMs
// they use, models sized by use; the other classes are a checkbox away.
const large = view.nodes.length > 2000;
const shortLabel = (n) => (n.label.length > 32 ? `${n.label.slice(0, 30).trimEnd()}…` : n.label);
const wholeLabel = (n) => (large && n.value < 8 && !["Language model", "Model family"].includes(n.group) ? undefined : shortLabel(n));
const nodes = new vis.DataSet(view.nodes.map((n) => ({
  id: n.id, label: wholeLabel(n), hidden: !shownClass.get(n.group),
  // Sizes are set here rather than by vis's value scaling, which costs a pass over all nodes.
  title: tooltip(n), x: n.x, y: n.y, size: 5 + 3 * Math.sqrt(n.value), group: n.group,
})));
const EDGE = "#c3c9d4";
const edges = new vis.DataSet(view.edges.map(([from, to, p], i) => ({
  id: i, from: view.nodes[from].id, to: view.nodes[to].id, title: view.predicates[p],
})));
const NETWORK_OPTIONS = {
  physics: false,
  groups: Object.fromEntries(view.classes.map((c) => [c.name, { color: { background: c.color, border: c.color } }])),
  layout: { improvedLayout: false },
  nodes: { shape: "dot",
           font: { size: 12, face: "system-ui", strokeWidth: 3, strokeColor: "#ffffff" }, borderWidth: large ? 0 : 1, borderWidthSelected: 3 },
  edges: { chosen: false, smooth: false, width: 0.6, color: { color: EDGE, highlight: "#1f2a44" },
           font: { size: 11, face: "system-ui", strokeWidth: 3, align: "middle" },
           arrows: { to: { enabled: false } } },
  interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: view.nodes.length > 2000,
                 hideEdgesOnZoom: view.nodes.length > 2000, keyboard: { enabled: true, bindToWindow: false } },
};

// The first paint of whichever view opens first; the SPARQL engine loads after it.
function painted() {
  if (root.dataset.drawnMs) return;
  // Milliseconds since navigation started, so HTML parsing is counted too.
  root.dataset.drawnMs = String(Math.round(performance.now()));
  root.dataset.scriptMs = String(Math.round(performance.now() - started));
  resolveDrawn();
}

// vis-network is made when the graph is first shown: at ten thousand nodes making it takes
// over a second, which a page that opens on the papers table need not wait for.
let network = null;
function ensureNetwork() {
  if (network) return network;
  network = new vis.Network(byId("graph"), { nodes, edges }, NETWORK_OPTIONS);
  network.once("afterDrawing", () => {
    root.dataset.graphMs = String(Math.round(performance.now()));
    painted();
  });
  new ResizeObserver(() => network.redraw()).observe(byId("graph"));
  network.on("hoverEdge", (params) => edges.update({ id: params.edge, label: edges.get(params.edge).title }));
  network.on("blurEdge", (params) => edges.update({ id: params.edge, label: "" }));
  network.on("click", (params) => { if (params.nodes.length) focusNode(params.nodes[0]); });
  return network;
}
// The page opens on the papers table, labelled and filterable by the shared facets: an
// overview of thousands of dots says little before a reader has chosen something.
const FIRST_VIEW = "papers";

// Focus mode: the entity and its neighbours (one or two hops), alone, on rings wide
// enough that no two labels overlap, with the entity's own links drawn dark.
const FONT_WIDTH = 7.2;  // px per character of the 12 px label font, a little generous
const labelWidth = (n) => FONT_WIDTH * Math.min(n.label.length, 32) + 24;
let focus = null;  // { id, hops, shown: Set, edges: [] }

function ringPositions(ids, radiusAtLeast) {
  const total = ids.reduce((sum, id) => sum + labelWidth(view.nodes[position.get(id)]), 0);
  const radius = Math.max(radiusAtLeast, (1.15 * total) / (2 * Math.PI));
  let angle = -Math.PI / 2;
  return { radius, places: ids.map((id) => {
    const share = (labelWidth(view.nodes[position.get(id)]) * 2 * Math.PI) / total;
    const spot = angle + share / 2;
    angle += share;
    return [id, radius * Math.cos(spot), radius * Math.sin(spot)];
  }) };
}

function neighbourIds(index) {
  return [...new Set(adjacency[index].map(([other]) => view.nodes[other].id))].sort();
}

function enterFocus(id, hops = focus ? focus.hops : 1) {
  if (!nodeIndex.has(id)) return;
  leaveFocus(false);
  const centre = position.get(id);
  const first = neighbourIds(centre).filter((n) => n !== id);
  let second = [];
  if (hops > 1) {
    const seen = new Set([id, ...first]);
    for (const n of first) for (const m of neighbourIds(position.get(n))) if (!seen.has(m)) { seen.add(m); second.push(m); }
    second = second.sort().slice(0, 240);
  }
  const inner = ringPositions(first, 220);
  const outer = ringPositions(second, inner.radius + 160);
  const shown = new Set([id, ...first, ...second]);
  const updates = view.nodes.map((n) => ({ id: n.id, hidden: !shown.has(n.id) }));
  nodes.update(updates);
  nodes.update([{ id, x: 0, y: 0, label: shortLabel(nodeIndex.get(id)), font: { size: 14, face: "system-ui", strokeWidth: 3, strokeColor: "#ffffff" } },
    ...[...inner.places, ...outer.places].map(([n, x, y]) => ({ id: n, x, y, label: shortLabel(nodeIndex.get(n)) }))]);
  const own = adjacency[centre].map(([, e]) => e);
  edges.update(own.map((e) => ({ id: e, color: { color: "#1f2a44" }, width: 2 })));
  focus = { id, hops, shown, edges: own };
  byId("focus-bar").hidden = false;
  byId("focus-label").textContent = nodeIndex.get(id).label;
  byId("focus-hops").checked = hops > 1;
  root.dataset.focus = id;
  root.dataset.focusShown = String(shown.size);
  ensureNetwork().selectNodes([id]);
  network.fit({ nodes: [...shown], animation: false });
}

function leaveFocus(restore = true) {
  if (!focus) return;
  edges.update(focus.edges.map((e) => ({ id: e, color: { color: EDGE }, width: 0.6 })));
  nodes.update([...focus.shown].map((n) => {
    const info = nodeIndex.get(n);
    return { id: n, x: info.x, y: info.y, label: wholeLabel(info), font: { size: 12, face: "system-ui", strokeWidth: 3, strokeColor: "#ffffff" } };
  }));
  focus = null;
  byId("focus-bar").hidden = true;
  delete root.dataset.focus;
  if (restore) { applyFilters(); if (network) network.fit({ animation: false }); }
}
byId("focus-exit").addEventListener("click", () => { leaveFocus(); app.state.focus = null; app.commit(); });
byId("focus-hops").addEventListener("change", (event) => {
  if (!focus) return;
  app.state.hops = event.target.checked ? 2 : 1;
  enterFocus(focus.id, app.state.hops);
  app.commit();
});

// Selecting an entity (a node, a search hit, a table row, a link in the details) shows its
// details and, in the graph, focuses it; the URL remembers it.
function focusNode(id, { push = true } = {}) {
  if (!nodeIndex.has(id)) return;
  app.state.focus = id;
  showDetails(id);
  if (app.state.view === "graph") enterFocus(id, app.state.hops || 1);
  if (push) app.commit();
}

function highlight(ids) {
  const present = ids.filter((id) => nodeIndex.has(id));
  if (present.length) leaveFocus(false);
  nodes.update(present.map((id) => ({ id, hidden: false })));
  root.dataset.highlighted = String(present.length);
  if (network) network.selectNodes(present, false);
  if (network && present.length) network.fit({ nodes: present, animation: false, maxZoomLevel: 1.2 });
  return present;
}

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
const RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
const RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment";
const DCTERMS = "http://purl.org/dc/terms/";

function values(subject, predicate) {
  return store.match(subject, namedNode(predicate), null, null).map((q) => q.object);
}
const first = (subject, predicate) => { const found = values(subject, predicate); return found.length ? found[0].value : ""; };

// A source row as the list gives it: which list and snapshot, section, row and line, then
// its cells as listed; a cell that a correction replaced says so.
function sourceRow(row, corrected) {
  const box = el("div");
  const snapshot = values(row, DCTERMS + "isPartOf")[0];
  if (snapshot) {
    const list = values(snapshot, DCTERMS + "isVersionOf")[0];
    const listName = list ? first(list, RDFS_LABEL) : "";
    box.append(el("div", `${listName || first(snapshot, RDFS_LABEL)}, snapshot ${first(snapshot, L4R + "commit")} (${first(snapshot, DCTERMS + "date")})`, { class: "kind" }));
  }
  box.append(el("div", `${first(row, L4R + "section")} row ${first(row, L4R + "rowIndex")}, line ${first(row, L4R + "line")}`));
  for (const quad of store.match(row, null, null, null)) {
    const name = quad.predicate.value.startsWith(L4R + "listed") ? quad.predicate.value.slice(L4R.length + 6) : null;
    if (!name) continue;
    const note = corrected.has(quad.object.value) ? " (corrected: see above)" : "";
    box.append(el("div", `${name[0].toLowerCase()}${name.slice(1)}: ${quad.object.value}${note}`, { class: "kind" }));
  }
  return box;
}

// The curators' corrections of an entity: the claim as listed, the value now in the graph,
// the reason and the source.
function corrections(subject) {
  const found = store.match(null, namedNode(L4R + "corrects"), subject, null).map((q) => q.subject);
  const listed = new Set();
  const boxes = found.map((c) => {
    const box = el("div", null, { class: "correction" });
    const was = first(c, L4R + "listedValue");
    const now = values(c, L4R + "correctedValue").map((v) => v.value);
    if (was) listed.add(was);
    box.append(el("strong", `Corrected ${first(c, L4R + "field")}`));
    box.append(el("div", `listed: ${was || "—"}`));
    box.append(el("div", `now: ${now.length ? now.join(", ") : "unknown (removed)"}`));
    box.append(el("div", `why: ${first(c, RDFS_COMMENT)}`));
    const source = values(c, DCTERMS + "source")[0];
    if (source) {
      const line = el("div", "source: ");
      line.append(source.termType === "NamedNode" ? el("a", source.value, { href: source.value, target: "_blank", rel: "noopener noreferrer" }) : el("span", source.value));
      box.append(line);
    }
    return box;
  });
  return { boxes, listed };
}

// Each listed value, list by list, side by side: one column per source row, one line per
// cell, a line whose rows disagree marked. Only for an entity more than one row gives.
const LIST_NAMES = new Map((view.facets.list || []).map((o) => [o.id, o.label]));
function listedSideBySide(subject) {
  const rows = values(subject, PROV_DERIVED).filter((row) => first(row, L4R + "section"));
  if (rows.length < 2) return null;
  rows.sort((a, b) => (a.value < b.value ? -1 : 1));  // by snapshot, section and row
  const cells = rows.map((row) => {
    const found = new Map();
    for (const quad of store.match(row, null, null, null)) {
      if (!quad.predicate.value.startsWith(L4R + "listed")) continue;
      const name = quad.predicate.value.slice(L4R.length + 6);
      found.set(name, [...(found.get(name) || []), quad.object.value]);
    }
    return found;
  });
  const fields = [...new Set(cells.flatMap((c) => [...c.keys()]))].sort();
  const table = el("table", null, { class: "listed" });
  const head = el("tr");
  head.append(el("th", "as listed", { scope: "col" }));
  for (const row of rows) {
    const snapshot = values(row, DCTERMS + "isPartOf")[0];
    const list = snapshot ? values(snapshot, DCTERMS + "isVersionOf")[0] : null;
    const name = list ? LIST_NAMES.get(list.value) || first(list, RDFS_LABEL) : "";
    head.append(el("th", `${name} ${first(row, L4R + "section")} ${first(row, L4R + "rowIndex")}`, { scope: "col" }));
  }
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  for (const field of fields) {
    const shown = cells.map((c) => (c.get(field) || []).join("; "));
    const given = shown.filter(Boolean);
    const differs = new Set(given).size > 1;
    const line = el("tr", null, differs ? { class: "differs" } : {});
    line.append(el("th", `${field[0].toLowerCase()}${field.slice(1)}${differs ? " ≠" : ""}`, { scope: "row" }));
    for (const text of shown) line.append(el("td", text || "—"));
    table.tBodies[0].append(line);
  }
  const box = el("div", null, { class: "listed-wrap" });
  box.append(table);
  return box;
}

function showDetails(id) {
  const panel = byId("details");
  panel.replaceChildren();
  const info = nodeIndex.get(id);
  panel.append(el("p", info ? info.group : "", { class: "kind" }));
  panel.append(el("h2", info ? info.label : id));
  panel.append(el("p", id, { class: "kind" }));
  root.dataset.details = id;
  if (!store) { panel.append(el("p", "Properties appear once the SPARQL engine is ready.", { class: "hint" })); return; }
  const subject = namedNode(id);
  const fixed = corrections(subject);
  panel.append(...fixed.boxes);
  const side = listedSideBySide(subject);
  if (side) panel.append(side);
  const list = el("dl");
  const quads = store.match(subject, null, null, null);
  quads.sort((a, b) => (shorten(a.predicate.value) + a.object.value).localeCompare(shorten(b.predicate.value) + b.object.value));
  for (const quad of quads) {
    list.append(el("dt", shorten(quad.predicate.value)));
    const dd = el("dd");
    dd.append(quad.predicate.value === PROV_DERIVED ? sourceRow(quad.object, fixed.listed) : termNode(quad.object));
    list.append(dd);
  }
  panel.append(list);
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
  box.checked = cls.shown;
  box.addEventListener("change", () => { leaveFocus(false); applyFilters(); });
  const swatch = el("span", null, { class: "swatch" });
  swatch.style.background = cls.color;
  label.append(box, swatch, document.createTextNode(`${cls.name} (${cls.count})`));
  byId("class-filter").append(label);
}
for (const [facet, select] of [["paradigm", "filter-paradigm"], ["venue", "filter-venue"], ["family", "filter-family"]]) {
  for (const option of view.facets[facet]) byId(select).append(el("option", option.label, { value: option.id }));
  byId(select).addEventListener("change", () => { leaveFocus(false); applyFilters(); });
}
for (const id of ["filter-year-min", "filter-year-max"]) byId(id).addEventListener("input", () => { leaveFocus(false); applyFilters(); });
byId("filter-reset").addEventListener("click", () => {
  leaveFocus(false);
  for (const box of byId("class-filter").querySelectorAll("input")) box.checked = shownClass.get(box.value);
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

function showQuality(open) {
  byId("quality").hidden = !open;
  byId("quality-toggle").setAttribute("aria-expanded", String(open));
  if (open) byId("quality").focus();
}
byId("quality-toggle").addEventListener("click", () => showQuality(byId("quality").hidden));
byId("quality").addEventListener("keydown", (event) => {
  if (event.key === "Escape") { showQuality(false); byId("quality-toggle").focus(); }
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
    // Tab moves focus on, as everywhere else in the page, rather than indenting.
    if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey) { event.preventDefault(); byId("run").focus(); }
  });
});

for (const q of namedQueries) {
  byId("named-query").append(el("option", q.title, { value: q.name, title: q.description }));
}
byId("named-query").addEventListener("change", (event) => {
  const chosen = namedQueries.find((q) => q.name === event.target.value);
  if (chosen) editor.set(chosen.text);
});

// The prefixes the page prints work undeclared: as in `llm4rec-kg query`, a PREFIX line is
// added for each known prefix a query uses and does not declare. Tokens are those of the
// SPARQL grammar that matter here (strings, IRIs and comments are skipped).
const TOKENS = /("""(?:[^"\\]|\\.|"(?!""))*"""|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|(#[^\n]*)|([?$]\w+)|([A-Za-z_][\w.-]*:[\w.-]*|:[\w.-]*|[A-Za-z_]\w*)|(\S)/g;

function prefixUse(text) {
  const used = [];
  const declared = new Set();
  let expectName = false;
  for (const match of text.matchAll(TOKENS)) {
    const word = match[5];
    if (word === undefined) { if (!match[3]) expectName = false; continue; }
    if (expectName) { declared.add(word.replace(/:.*$/, "")); expectName = false; continue; }
    if (word.toUpperCase() === "PREFIX") { expectName = true; continue; }
    if (word.includes(":")) {
      const prefix = word.split(":", 1)[0];
      if (!used.includes(prefix)) used.push(prefix);
    }
  }
  return { used, declared };
}

// Ends each added PREFIX line, so an error's line is given in the lines the person wrote.
const MARK = "  # declared by the page";

function declarePrefixes(text) {
  const { used, declared } = prefixUse(text);
  const missing = used.filter((p) => !declared.has(p) && p in view.prefixes);
  return missing.map((p) => `PREFIX ${p}: <${view.prefixes[p]}>${MARK}\n`).join("") + text;
}

function asWritten(line, declared) {
  let added = 0;
  for (const row of declared.split("\n")) { if (!row.endsWith(MARK)) break; added += 1; }
  if (!added) return line;
  return line.replace(/\bat (\d+):(\d+)/, (all, row, column) => (Number(row) > added ? `at ${Number(row) - added}:${column}` : all));
}

// One line a person can read: where the parse failed and the gist of what was expected,
// or the PREFIX line to add for an unknown prefix.
function readableError(error, text) {
  const line = asWritten(String(error && error.message ? error.message : error).replace(/\s+/g, " ").trim(), declarePrefixes(text));
  const { used, declared } = prefixUse(text);
  const unknown = used.filter((p) => !declared.has(p) && !(p in view.prefixes));
  const where = line.split(/: expected/)[0];
  if (/prefix/i.test(line) && unknown.length) return `${where}: prefix '${unknown[0]}' is not declared: add PREFIX ${unknown[0]}: <...>`;
  const expected = line.match(/expected one of (.*)/);
  if (expected) {
    const words = expected[1].split(",").map((c) => c.trim()).filter((c) => c && !c.startsWith("[") && !c.includes("'"));
    return words.length ? `${where}: expected ${words.slice(0, 6).join(", ")}${words.length > 6 ? " ..." : ""}` : `${where}: unexpected text there`;
  }
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function execute(text) {
  const declared = declarePrefixes(text);
  try {
    return { kind: "bindings", data: JSON.parse(store.query(declared, { results_format: "application/sparql-results+json" })) };
  } catch (error) {
    let result;
    try { result = store.query(declared); } catch (again) { throw new Error(readableError(again, text)); }
    if (Array.isArray(result)) return { kind: "graph", data: result };  // graph results have no SPARQL JSON form
    throw new Error(readableError(error, text));
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

function runEditor({ push = true } = {}) {
  const text = editor.get();
  app.state.sparql = text;
  if (push) app.commit();
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
    byId("query-status").textContent = String(error && error.message ? error.message : error).split("\n")[0];
    root.dataset.queryRows = "error";
  }
}
byId("run").addEventListener("click", () => runEditor());

// CSV (RFC 4180, CRLF) and downloads, for the results, the papers table and the charts.
function csvField(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
function csv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = el("a", null, { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
byId("download").addEventListener("click", () => {
  if (!lastResult || lastResult.kind !== "bindings") return;
  const vars = lastResult.data.head.vars;
  const rows = lastResult.data.results.bindings.map((b) => vars.map((v) => (b[v] ? b[v].value : "")));
  download("results.csv", new Blob([csv(vars, rows)], { type: "text/csv" }));
});

// ------------------------------------------------------------------ views and state

const TABS = [...byId("views").querySelectorAll("[role=tab]")];
function setView(name, { push = true } = {}) {
  app.state.view = name;
  byId("main").dataset.view = name;
  for (const tab of TABS) {
    const on = tab.dataset.view === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    byId(tab.getAttribute("aria-controls")).hidden = !on;
  }
  root.dataset.view = name;
  if (name === "graph") {
    ensureNetwork().redraw();
    if (app.state.focus && (!focus || focus.id !== app.state.focus)) enterFocus(app.state.focus, app.state.hops);
  }
  if (app.views[name]) app.views[name].show();
  if (push) app.commit();
}
for (const tab of TABS) {
  tab.addEventListener("click", () => setView(tab.dataset.view));
  tab.addEventListener("keydown", (event) => {  // the ARIA tabs pattern: arrows move along
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length];
    next.focus();
    setView(next.dataset.view);
  });
}

function restore(hash) {
  const wanted = decodeState(hash);
  app.restoring = true;
  try {
    const sparqlChanged = wanted.sparql && wanted.sparql !== app.state.sparql;
    Object.assign(app.state, wanted);
    for (const registered of Object.values(app.views)) registered.apply(app.state);
    setView(wanted.view, { push: false });
    if (wanted.focus && nodeIndex.has(wanted.focus)) {
      showDetails(wanted.focus);
      if (wanted.view === "graph") enterFocus(wanted.focus, wanted.hops);
    } else if (focus) {
      leaveFocus();
    }
    if (sparqlChanged) {
      editor.set(wanted.sparql);
      ready.then(() => runEditor({ push: false }));
    }
  } finally {
    app.restoring = false;
  }
  root.dataset.restored = app.encode();
}
window.addEventListener("popstate", () => restore(location.hash));

Object.assign(app, {
  view, namedQueries, byId, el, shorten, drawn, started, ready, focusNode, showDetails, setView, painted,
  editor, runEditor, execute, highlight, csv, download,
  query(text) { return execute(text); },
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
  start() { restore(location.hash); },  // once papers.js and charts.js have registered
});
window.llm4recApp = app;

window.llm4rec = {
  ready,
  nodeCount: view.nodes.length,
  get network() { return ensureNetwork(); },
  nodes,
  focus: focusNode,
  leaveFocus,
  highlight,
  editor,
  run: runEditor,
  setView,
  state: () => JSON.parse(JSON.stringify({ ...app.state, facets: Object.fromEntries(Object.entries(app.state.facets).map(([k, v]) => [k, [...v].sort()])) })),
  async query(text) {
    await ready;
    const result = execute(text);
    if (result.kind !== "bindings") throw new Error("query() returns SPARQL JSON results; use a SELECT or ASK query");
    return result.data;
  },
};

const firstShown = view.nodes.filter((n) => shownClass.get(n.group)).length;
byId("shown").textContent = `Showing ${firstShown} of ${view.nodes.length} entities`;
root.dataset.shown = String(firstShown);
})();
