// Loads Oxigraph's WebAssembly build (inlined as gzip+base64) and the graph's triples,
// after the graph has been drawn, a chunk at a time. Runs in the same module as web.js,
// so initSync, Store and namedNode are in scope.
const app = window.llm4recApp;
const block = (id) => document.getElementById(id).textContent;

async function wasmBytes() {
  const packed = Uint8Array.from(atob(block("oxigraph-wasm").trim()), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

async function start() {
  await app.drawn;
  initSync({ module: await wasmBytes() });
  const rdf = JSON.parse(block("rdf-data"));
  const store = new Store();
  for (const [i, chunk] of rdf.chunks.entries()) {
    app.status(`Loading triples: part ${i + 1} of ${rdf.chunks.length}`);
    await nextFrame();
    store.load(chunk, { format: rdf.format, base_iri: app.view.base });
  }
  const root = document.documentElement;
  root.dataset.triples = String(store.size);
  root.dataset.readyMs = String(Math.round(performance.now()));
  app.setStore(store, namedNode);
  app.status(`SPARQL ready: ${store.size} triples`);
}

start().then(() => app.markReady()).catch((error) => app.markFailed(error));
