// Loads Oxigraph's WebAssembly build (inlined as gzip+base64) and the graph's triples,
// a chunk at a time, once the first view has drawn. Runs in the same module as web.js, so
// initSync, Store and namedNode are in scope. The module is compiled by compileStreaming,
// off the main thread, while the first view draws. (Placing the engine and the triples
// earlier in the page, to start sooner, delayed the first view by about 100 ms on a
// two-core machine and made the engine ready no sooner: measured, then put back.)
const app = window.llm4recApp;
const block = (id) => document.getElementById(id).textContent;

function base64Bytes(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text.trim());
  return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));  // older browsers
}

function compileEngine() {
  const packed = new Blob([base64Bytes(block("oxigraph-wasm"))]);
  const wasm = packed.stream().pipeThrough(new DecompressionStream("gzip"));
  const response = new Response(wasm, { headers: { "Content-Type": "application/wasm" } });
  return WebAssembly.compileStreaming(response);
}

const compiled = compileEngine();

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

async function start() {
  const module = await compiled;
  await app.drawn;
  initSync({ module });
  const rdf = JSON.parse(block("rdf-data"));
  const store = new Store();
  for (const [i, chunk] of rdf.chunks.entries()) {
    app.status(`Loading triples: part ${i + 1} of ${rdf.chunks.length}`);
    await nextFrame();
    // The page's own export, checked when it was built: no transaction to roll back.
    store.load(chunk, { format: rdf.format, base_iri: app.view.base, no_transaction: true });
  }
  const root = document.documentElement;
  root.dataset.triples = String(store.size);
  root.dataset.readyMs = String(Math.round(performance.now()));
  app.setStore(store, namedNode);
  app.status(`SPARQL ready: ${store.size} triples`);
}

start().then(() => app.markReady()).catch((error) => app.markFailed(error));
