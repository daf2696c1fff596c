// The papers table: every publication with facets (counts per value, computed over the
// other facets' selection), full-text search, sorting, CSV export of the selection, and
// rows drawn only where the table is scrolled to, so 10k papers scroll smoothly.
(() => {
const app = window.llm4recApp;
const { view, byId, el } = app;
const root = document.documentElement;
const ROW = 56;  // px; the CSS gives every body row this height: three lines of a title
const label = (facet) => new Map((view.facets[facet] || []).map((o) => [o.id, o.label]));
const labels = { venue: label("venue"), paradigm: label("paradigm"), model: label("model"),
                 family: label("family"), tuning: label("tuning"), list: label("list") };
// The shared taxonomy's facets, each a filter; a paper has a facet from a list's heading
// (listed) or from a title rule (derived), and both count here.
const TAXONOMY = [["llm-role", "LLM's role"], ["rec-task", "Task"], ["rec-domain", "Domain"],
                  ["adaptation", "Adaptation"], ["trust", "Trust"], ["paper-kind", "Kind of paper"]]
  .filter(([key]) => (view.facets[key] || []).length);
for (const [key] of TAXONOMY) labels[key] = label(key);
const topicLabel = (c) => { for (const [key] of TAXONOMY) if (labels[key].has(c)) return labels[key].get(c); return c; };

const papers = view.nodes.filter((n) => "year" in n).map((n) => ({
  id: n.id, kind: n.group, name: n.short || "", title: n.title || n.label, year: n.year,
  venue: n.venue, paradigm: n.paradigm, models: n.models, families: n.families,
  tuning: n.tuning, code: n.code, lists: n.lists, topics: [...new Set([...(n.facets || []), ...(n.derived || [])])],
  // searched as a reader would: by name, title, aliases, listed authors, and the models,
  // venue, lists and facets
  text: [n.label, n.title || "", ...n.aliases, ...(n.authors || []),
         ...(n.models || []).map((m) => labels.model.get(m) || m),
         n.venue ? labels.venue.get(n.venue) || n.venue : "",
         ...(n.lists || []).map((l) => labels.list.get(l) || l),
         ...[...(n.facets || []), ...(n.derived || [])].map(topicLabel)].join(" ").toLowerCase(),
}));

// Each facet: how to read a paper's values, and how to show one.
const FACETS = [
  { key: "year", title: "Year", values: (p) => (p.year ? [String(p.year)] : []), show: (v) => v, order: "value-desc" },
  ...TAXONOMY.map(([key, title]) => ({ key, title, values: (p) => p.topics.filter((c) => labels[key].has(c)), show: (v) => labels[key].get(v) || v })),
  { key: "venue", title: "Venue", values: (p) => (p.venue ? [p.venue] : []), show: (v) => labels.venue.get(v) || v },
  { key: "paradigm", title: "Paradigm", values: (p) => (p.paradigm ? [p.paradigm] : []), show: (v) => labels.paradigm.get(v) || v },
  { key: "tuning", title: "Tuning strategy", values: (p) => p.tuning, show: (v) => labels.tuning.get(v) || v },
  { key: "model", title: "Model", values: (p) => p.models, show: (v) => labels.model.get(v) || v },
  { key: "family", title: "Model family", values: (p) => p.families, show: (v) => labels.family.get(v) || v },
  { key: "code", title: "Code", values: (p) => [p.code ? "yes" : "no"], show: (v) => (v === "yes" ? "has code" : "no code") },
  { key: "list", title: "Source list", values: (p) => p.lists, show: (v) => labels.list.get(v) || v },
  { key: "kind", title: "Kind", values: (p) => [p.kind], show: (v) => v },
];
const COLUMNS = [
  // The title takes the width; the sparse name and code are filters, searched, and in the
  // CSV, but not columns of the table.
  { key: "name", title: "Name", hidden: true, text: (p) => p.name },
  { key: "title", title: "Title", width: "auto", text: (p) => p.title },
  { key: "year", title: "Year", width: "3.5rem", text: (p) => (p.year ? String(p.year) : "") },
  { key: "venue", title: "Venue", width: "6rem", text: (p) => (p.venue ? labels.venue.get(p.venue) || "" : "") },
  { key: "models", title: "Models", width: "7rem", text: (p) => p.models.map((m) => labels.model.get(m) || m).join(", ") },
  { key: "topics", title: "Facets", width: "8rem", text: (p) => p.topics.map(topicLabel).join(", ") },
  { key: "code", title: "Code", hidden: true, text: (p) => (p.code ? "yes" : "") },
  { key: "lists", title: "Lists", width: "6.5rem", text: (p) => p.lists.map((l) => labels.list.get(l) || l).join(", ") },
];
const SHOWN = COLUMNS.filter((c) => !c.hidden);
for (const p of papers) p.values = Object.fromEntries(FACETS.map((f) => [f.key, f.values(p)]));

let selected = [];  // the papers that pass search and facets, sorted
let expanded = new Set();  // facets showing all their values
let chosenRow = null;

let counts = new Map();  // facet -> value -> papers, under the other facets' selection
const collator = new Intl.Collator(undefined, { sensitivity: "base" });
const orders = new Map();  // "column:dir" -> every paper in that order, made when first asked

function sortKey() {
  const [key, dir] = (app.state.sort || "year:desc").split(":");
  const column = COLUMNS.find((c) => c.key === key) || COLUMNS.find((c) => c.key === "year");
  return { column, sign: dir === "asc" ? 1 : -1 };
}

function ordered() {
  const { column, sign } = sortKey();
  const name = `${column.key}:${sign}`;
  if (!orders.has(name)) {
    const numeric = column.key === "year";
    const keyed = papers.map((p) => [numeric ? p.year || 0 : column.text(p), p]);
    keyed.sort((a, b) => sign * (numeric ? a[0] - b[0] : collator.compare(a[0], b[0]))
      || collator.compare(a[1].title, b[1].title) || (a[1].id < b[1].id ? -1 : 1));
    orders.set(name, keyed.map(([, p]) => p));
  }
  return orders.get(name);
}

// One pass over the papers: a paper that passes every facet counts in all of them; one that
// fails a single facet counts only in that one (so each facet's counts ignore its own
// selection, as faceted search does); the selection keeps the chosen sort order.
function compute() {
  const started = performance.now();
  const q = (app.state.q || "").toLowerCase();
  const active = Object.entries(app.state.facets).filter(([, chosen]) => chosen.size);
  counts = new Map(FACETS.map((f) => [f.key, new Map()]));
  const add = (facet, p) => { const c = counts.get(facet); for (const v of p.values[facet]) c.set(v, (c.get(v) || 0) + 1); };
  const passing = new Set();
  for (const p of papers) {
    if (q && !p.text.includes(q)) continue;
    let failed = null;
    let fails = 0;
    for (const [facet, chosen] of active) {
      if (!p.values[facet].some((v) => chosen.has(v))) { fails += 1; failed = facet; if (fails > 1) break; }
    }
    if (fails === 0) { passing.add(p); for (const f of FACETS) add(f.key, p); } else if (fails === 1) add(failed, p);
  }
  selected = ordered().filter((p) => passing.has(p));
  root.dataset.paperRows = String(selected.length);
  root.dataset.paperFilterMs = (performance.now() - started).toFixed(1);
}

function renderFacets() {
  const host = byId("paper-facets");
  host.replaceChildren();
  for (const facet of FACETS) {
    const found = new Map(counts.get(facet.key));
    const chosen = app.state.facets[facet.key] || new Set();
    for (const v of chosen) if (!found.has(v)) found.set(v, 0);
    if (!found.size) continue;
    const entries = [...found.entries()].sort((a, b) => (facet.order === "value-desc" ? b[0].localeCompare(a[0]) : b[1] - a[1] || facet.show(a[0]).localeCompare(facet.show(b[0]))));
    const box = el("fieldset", null, { "data-facet": facet.key });
    box.append(el("legend", facet.title));
    const limit = expanded.has(facet.key) ? entries.length : 8;
    for (const [value, count] of entries.slice(0, limit)) {
      const line = el("label");
      const check = el("input", null, { type: "checkbox", value, "data-facet": facet.key });
      check.checked = chosen.has(value);
      check.addEventListener("change", () => toggle(facet.key, value, check.checked));
      line.append(check, el("span", facet.show(value)), el("span", String(count), { class: "count" }));
      box.append(line);
    }
    if (entries.length > limit || expanded.has(facet.key)) {
      const more = el("button", expanded.has(facet.key) ? "show fewer" : `show all ${entries.length}`, { type: "button", class: "more" });
      more.addEventListener("click", () => { if (expanded.has(facet.key)) expanded.delete(facet.key); else expanded.add(facet.key); renderFacets(); });
      box.append(more);
    }
    host.append(box);
  }
}

function toggle(facet, value, on) {
  const chosen = app.state.facets[facet] || new Set();
  if (on) chosen.add(value); else chosen.delete(value);
  if (chosen.size) app.state.facets[facet] = chosen; else delete app.state.facets[facet];
  refresh();
  app.commit();
}

function renderHead() {
  const head = byId("paper-head");
  head.replaceChildren();
  const { column, sign } = sortKey();
  for (const c of SHOWN) {
    const th = el("th", null, { scope: "col" });
    th.style.width = c.width;
    const on = c.key === column.key;
    th.setAttribute("aria-sort", on ? (sign > 0 ? "ascending" : "descending") : "none");
    const button = el("button", `${c.title}${on ? (sign > 0 ? " ▲" : " ▼") : ""}`, { type: "button" });
    button.addEventListener("click", () => {
      app.state.sort = `${c.key}:${on && sign < 0 ? "asc" : on ? "desc" : c.key === "year" ? "desc" : "asc"}`;
      refresh();
      app.commit();
    });
    th.append(button);
    head.append(th);
  }
}

function renderRows() {
  const scroller = byId("paper-scroll");
  const body = byId("paper-rows");
  const firstRow = Math.max(0, Math.floor(scroller.scrollTop / ROW) - 10);
  const count = Math.ceil((scroller.clientHeight || 600) / ROW) + 20;
  const last = Math.min(selected.length, firstRow + count);
  body.replaceChildren();
  const spacer = (height) => { const tr = el("tr", null, { "aria-hidden": "true" }); tr.style.height = `${height}px`; return tr; };
  body.append(spacer(firstRow * ROW));
  for (let i = firstRow; i < last; i += 1) {
    const p = selected[i];
    const tr = el("tr", null, { class: "paper", tabindex: "0", "data-id": p.id, "aria-rowindex": String(i + 2), "aria-selected": String(p.id === chosenRow) });
    for (const c of SHOWN) {
      const text = c.text(p);
      tr.append(c.key === "title" ? el("td", null, { class: "wrap", title: text }) : el("td", text, { title: text }));
      if (c.key === "title") tr.lastChild.append(el("span", text));
    }
    tr.addEventListener("click", () => choose(p.id));
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(p.id); }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = tr[event.key === "ArrowDown" ? "nextElementSibling" : "previousElementSibling"];
        if (next && next.classList.contains("paper")) next.focus();
      }
    });
    body.append(tr);
  }
  body.append(spacer((selected.length - last) * ROW));
  byId("paper-table").setAttribute("aria-rowcount", String(selected.length + 1));
}

function choose(id) {
  chosenRow = id;
  for (const tr of byId("paper-rows").querySelectorAll("tr.paper")) tr.setAttribute("aria-selected", String(tr.dataset.id === id));
  app.focusNode(id);
}

function refresh() {
  compute();
  byId("paper-count").textContent = `${selected.length} of ${papers.length} publications`;
  renderHead();
  renderFacets();
  renderRows();
}

let scheduled = false;
byId("paper-scroll").addEventListener("scroll", () => {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => { scheduled = false; renderRows(); });
});
let typing = null;
byId("paper-search").addEventListener("input", (event) => {
  app.state.q = event.target.value.trim();
  refresh();
  clearTimeout(typing);
  typing = setTimeout(() => app.commit(false), 300);  // typing replaces the entry, not pushes
});
byId("paper-clear").addEventListener("click", () => {
  app.state.q = "";
  app.state.facets = {};
  byId("paper-search").value = "";
  refresh();
  app.commit();
});

function selectionCsv() {
  const rows = selected.map((p) => [p.id, ...COLUMNS.map((c) => c.text(p))]);
  return app.csv(["iri", ...COLUMNS.map((c) => c.key)], rows);
}
byId("paper-csv").addEventListener("click", () => {
  app.download("papers.csv", new Blob([selectionCsv()], { type: "text/csv" }));
});

let drawnOnce = false;
app.views.papers = {
  show() {
    if (!drawnOnce) { drawnOnce = true; refresh(); } else renderRows();
    requestAnimationFrame(() => app.painted());
  },
  apply(state) {
    byId("paper-search").value = state.q || "";
    if (drawnOnce || state.view === "papers") { drawnOnce = true; refresh(); }
  },
};
window.llm4rec.papers = { selected: () => selected.map((p) => p.id), csv: selectionCsv, facets: FACETS.map((f) => f.key) };
})();
