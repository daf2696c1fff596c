"""The interactive HTML page: the graph drawn with vis-network (from pyvis) and SPARQL run in
the page by Oxigraph's WebAssembly build, all in one offline file.

The page is rendered from our own template (pyvis's template loads a CDN and has unsafe
paths); pyvis provides the Network model and the vis-network build it bundles. Data reaches
the page only in non-executing blocks (``application/json``, ``application/octet-stream``)
escaped by Jinja's ``tojson``, and the page's script sets text with ``textContent``, so no
catalog string can inject markup. A Content-Security-Policy forbids every network request.

Layout: drawing with physics is far too slow at thousands of nodes, so positions are
computed here. "Hub" entities (models, families, venues, datasets, concepts, makers) are
placed by a force layout over their co-occurrence graph (at most FORCE_HUBS of them, the
most linked); every other node goes to the centroid of its placed neighbours, spread on a
golden-angle spiral. It is linear in the graph's size and deterministic.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import itertools
import json
import math
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from rdflib import URIRef
from rdflib.term import Node

from llm4rec_kg.graph.triples import Triples
from llm4rec_kg.graph.vocab import DCTERMS, L4R, PROV, RDF, RDFS, SDO, SKOS
from llm4rec_kg.namespaces import display_prefixes
from llm4rec_kg.quality.lint import Report
from llm4rec_kg.resources import internal_query
from llm4rec_kg.sparql.results import shorten

# Classes drawn as nodes, in the order a node's class is chosen, with legend colours from
# Paul Tol's "muted" scheme, told apart under the common colour-vision deficiencies.
CLASSES: tuple[tuple[URIRef, str, str], ...] = (
    (L4R.Paper, "Paper", "#332288"),
    (L4R.Survey, "Survey", "#88CCEE"),
    (L4R.Tutorial, "Tutorial", "#44AA99"),
    (L4R.LanguageModel, "Language model", "#CC6677"),
    (L4R.ModelFamily, "Model family", "#DDCC77"),
    (L4R.Venue, "Venue", "#117733"),
    (L4R.Dataset, "Dataset", "#AA4499"),
    (L4R.CodeRepository, "Code repository", "#999999"),
    (SKOS.Concept, "Concept", "#999933"),
    (SDO.Organization, "Organization", "#882255"),
)
PUBLICATIONS = frozenset({"Paper", "Survey", "Tutorial"})
# The graph's first view: publications and the LLMs they use; the rest can be switched on.
SHOWN_FIRST = PUBLICATIONS | {"Language model"}
SPREAD_PEERS = frozenset({"Code repository"})
GOLDEN = math.pi * (3 - math.sqrt(5))
FORCE_HUBS = 400  # hubs of one component laid out by force; networkx goes sparse at 500
_VIS = ("pyvis", "lib/vis-9.1.2")


class Edge(NamedTuple):
    """A link between two nodes of the view (a tuple: the page of a large graph has many)."""

    source: str
    target: str
    title: str  # the predicate, shortened


@dataclass
class View:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    facets: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    classes: list[dict[str, Any]] = field(default_factory=list)
    predicates: list[str] = field(default_factory=list)

    def compact_edges(self) -> list[list[int]]:
        """Edges as [from, to, predicate] indices: a tenth of the size of IRIs in JSON."""
        index = {node["id"]: i for i, node in enumerate(self.nodes)}
        predicate = {p: i for i, p in enumerate(self.predicates)}
        return [[index[e.source], index[e.target], predicate[e.title]] for e in self.edges]


def _text(graph: Triples, node: Node, prop: URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def build_view(graph: Triples, base: str) -> View:
    prefixes = display_prefixes(base)
    kinds: dict[Node, str] = {}
    for cls, name, _ in CLASSES:
        for subject in sorted(graph.subjects(RDF.type, cls), key=str):
            kinds.setdefault(subject, name)
    view = View()
    degree: dict[str, int] = defaultdict(int)
    index = graph.by_subject()
    # One string a node and a predicate, shared by all their edges: a large graph's page has
    # hundreds of thousands of edges.
    ids = {node: str(node) for node in kinds}
    predicates = {p: str(p) for s in kinds for p in index.get(s, ())}
    typed = frozenset({RDF.type})  # membership, not rdflib's Python-level !=
    links = (
        (ids[s], predicates[p], ids[o])
        for s in kinds
        for p, objects in index.get(s, {}).items()
        if p not in typed
        for o in objects
        if isinstance(o, URIRef) and o in kinds and ids[o] != ids[s]  # literals are not nodes
    )
    titles = {text: shorten(text, prefixes) for text in predicates.values()}
    taxonomy = _facet_schemes(graph)
    for s, p, o in sorted(links):
        view.edges.append(Edge(s, o, titles[p]))
        degree[s] += 1
        degree[o] += 1
    for iri in sorted(kinds, key=ids.__getitem__):
        view.nodes.append(_node(graph, iri, kinds[iri], degree[ids[iri]], ids, taxonomy))
    view.predicates = sorted({e.title for e in view.edges})
    view.facets = _facets(graph, view.nodes, taxonomy)
    counts: dict[str, int] = defaultdict(int)
    for item in view.nodes:
        counts[item["group"]] += 1
    view.classes = [
        {"name": name, "color": color, "count": counts[name], "shown": name in SHOWN_FIRST}
        for _, name, color in CLASSES
        if counts[name]
    ]
    return view


def _facet_schemes(graph: Triples) -> dict[Node, str]:
    """Each concept of a shared facet scheme, with its scheme's key (llm-role, rec-task)."""
    return {
        concept: str(scheme).rsplit("/", 1)[-1]
        for scheme in graph.subjects(RDF.type, L4R.FacetScheme)
        for concept in graph.subjects(SKOS.inScheme, scheme)
    }


def _node(
    graph: Triples,
    node: Node,
    kind: str,
    degree: int,
    ids: Mapping[Node, str],
    taxonomy: Mapping[Node, str],
) -> dict[str, Any]:
    """One node's record; the page builds tooltips and search text from these fields. An
    IRI of a node is given as the node's own id string (``ids``), not a copy of its own:
    a paper's record names its venue, paradigm, models, families and lists."""

    def iri(value: Node) -> str:
        return ids.get(value) or str(value)

    def iri_of(prop: URIRef) -> str | None:
        value = graph.value(node, prop)
        return None if value is None else iri(value)

    label = _text(graph, node, RDFS.label) or ids[node]
    title = _text(graph, node, DCTERMS.title)
    year = graph.value(node, DCTERMS.issued)
    item: dict[str, Any] = {
        "id": ids[node],
        "label": label,
        "group": kind,
        "value": 1 + degree,
        "title": title if title and title != label else None,
        "aliases": sorted(str(a) for a in graph.objects(node, SKOS.altLabel)),
    }
    if kind in PUBLICATIONS:
        item["year"] = int(str(year)) if year is not None else None
        item["paradigm"] = iri_of(L4R.paradigm)
        item["venue"] = iri_of(L4R.publishedIn) or iri_of(DCTERMS.publisher)
        models = graph.objects(node, L4R.usesModel)
        item["models"] = sorted({iri(m) for m in models})
        item["families"] = sorted({iri(f) for m in models for f in graph.objects(m, L4R.family)})
        item["short"] = _text(graph, node, L4R.shortName)
        item["tuning"] = sorted(iri(t) for t in graph.objects(node, L4R.tuningStrategy))
        item["code"] = bool(graph.objects(node, L4R.code))
        item["lists"] = sorted(iri(source) for source in graph.objects(node, L4R.listedIn))
        # Facets the lists' headings give, and those title rules derive, kept apart.
        listed = graph.objects(node, DCTERMS.subject)
        item["facets"] = sorted(iri(c) for c in listed if c in taxonomy)
        item["derived"] = sorted(iri(c) for c in graph.objects(node, L4R.derivedSubject))
        item["authors"] = sorted(
            {
                str(a)
                for row in graph.objects(node, PROV.wasDerivedFrom)
                for a in graph.objects(row, L4R.listedAuthors)
            }
        )
    elif kind == "Language model":
        item["families"] = sorted(iri(f) for f in graph.objects(node, L4R.family))
    return item


def _facets(
    graph: Triples, nodes: Iterable[dict[str, Any]], taxonomy: Mapping[Node, str]
) -> dict[str, list[dict[str, str]]]:
    found: dict[str, set[str]] = defaultdict(set)
    scheme_of = {str(concept): scheme for concept, scheme in taxonomy.items()}
    for node in nodes:
        for key in ("paradigm", "venue"):
            if node.get(key):
                found[key].add(node[key])
        if "year" in node:  # a publication: the papers table's facets too
            for key, field_name in (("model", "models"), ("tuning", "tuning"), ("list", "lists")):
                found[key].update(node[field_name])
            for concept in (*node["facets"], *node["derived"]):
                found[scheme_of[concept]].add(concept)
        found["family"].update(node.get("families") or [])
    names = _list_names(graph, found["list"])

    def labelled(iris: set[str]) -> list[dict[str, str]]:
        items = [
            {"id": i, "label": names.get(i) or _text(graph, URIRef(i), RDFS.label) or i}
            for i in iris
        ]
        return sorted(items, key=lambda x: (x["label"].lower(), x["id"]))

    keys = (
        "paradigm",
        "venue",
        "family",
        "model",
        "tuning",
        "list",
        *sorted(set(scheme_of.values())),
    )
    return {key: labelled(found[key]) for key in keys}


def _list_names(graph: Triples, lists: Iterable[str]) -> dict[str, str]:
    """Each source list by the name people call it by, its repository's owner (WLiK,
    CHIANGEL), or owner/repository where one owner keeps two lists: the lists' titles are
    often alike ("Awesome-LLM-for-RecSys README", "Awesome-LLM4RS-Papers README")."""
    repos = {}
    for item in lists:
        source = str(graph.value(URIRef(item), DCTERMS.source) or "")
        parts = source.rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2] and parts[-1]:
            repos[item] = (parts[-2], parts[-1])
    owners = Counter(owner for owner, _ in repos.values())
    return {i: o if owners[o] == 1 else f"{o}/{r}" for i, (o, r) in repos.items()}


# ------------------------------------------------------------------ layout


def layout(view: View, seed: int = 7) -> None:
    """Give every node x and y (see the module docstring); deterministic for a given view."""
    kind = {n["id"]: n["group"] for n in view.nodes}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for edge in view.edges:
        neighbours[edge.source].append(edge.target)
        neighbours[edge.target].append(edge.source)
    degree = {node: len(neighbours[node]) or 1 for node in kind}
    hubs = sorted(i for i, k in kind.items() if k not in PUBLICATIONS and k not in SPREAD_PEERS)
    edges = _hub_edges(hubs, sorted(kind), neighbours, degree)
    scale = 60 * math.sqrt(len(view.nodes) + 1)
    key = _layout_key(hubs, edges, neighbours, seed)
    positions = _cached_layout(key)
    if positions is None:
        positions = _hub_positions(_hub_graph(hubs, edges), neighbours, seed)
        _cache_layout(key, positions)
    _place_rest(sorted(kind), neighbours, degree, positions, scale)
    for node in view.nodes:
        x, y = positions[node["id"]]
        node["x"], node["y"] = round(x, 1), round(y, 1)


# Keyed by the pair in sorted order: a tuple is a quarter of a frozenset's size, and a
# 10k-paper page already has 31,326 hub pairs.
HubEdges = dict[tuple[str, str], tuple[str, str, float]]


def _hub_edges(
    hubs: list[str], order: list[str], neighbours: dict[str, list[str]], degree: dict[str, int]
) -> HubEdges:
    """The weighted co-occurrence edges between hubs, each in the orientation and order it
    was first seen (networkx's adjacency order, and so the layout, follows it)."""
    is_hub = set(hubs)
    edges: HubEdges = {}

    def put(a: str, b: str, weight: float) -> None:
        pair = (a, b) if a < b else (b, a)
        first = edges.get(pair)
        edges[pair] = (first[0], first[1], weight) if first else (a, b, weight)

    for node in order:
        linked = sorted({m for m in neighbours[node] if m in is_hub})
        if node in is_hub:
            for m in linked:
                put(node, m, 1.0)
            continue
        for i, a in enumerate(linked):  # hubs used by one paper attract each other,
            for b in linked[i + 1 :]:  # super-hubs (arXiv, a paradigm) only weakly
                first = edges.get((a, b))  # a < b: linked is sorted
                weight = first[2] if first else 0.0
                put(a, b, weight + 1 / math.sqrt(degree[a] * degree[b]))
    return edges


def _hub_graph(hubs: list[str], edges: HubEdges) -> Any:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(hubs)
    graph.add_edges_from((a, b, {"weight": weight}) for a, b, weight in edges.values())
    return graph


# The force layout (networkx, numpy, scipy: half a second to import, a quarter to run) is
# a pure function of the hub graph, so its result is kept in a cache directory, keyed by
# that graph and the libraries' versions: an edit that changes no hub's links (a title, a
# year) reuses it. The cached positions are the computed ones, so the page is the same.
def _layout_key(
    hubs: list[str], edges: HubEdges, neighbours: dict[str, list[str]], seed: int
) -> str:
    from importlib import metadata

    versions = {name: metadata.version(name) for name in ("networkx", "numpy", "scipy")}
    head = {
        "hubs": hubs,
        "mass": [len(neighbours[h]) for h in hubs],
        "seed": seed,
        "force_hubs": FORCE_HUBS,
        "versions": versions,
    }
    digest = hashlib.sha256(json.dumps(head, sort_keys=True).encode("utf-8"))
    # The edges a batch at a time, a line each (IRIs hold no tab or newline): one string of
    # them all would be a second copy of the hub graph.
    values = iter(edges.values())
    while batch := list(itertools.islice(values, 10_000)):
        digest.update("".join(f"{a}\t{b}\t{weight!r}\n" for a, b, weight in batch).encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    """``$LLM4REC_CACHE_DIR``, else ``$XDG_CACHE_HOME/llm4rec-kg``, else ~/.cache/llm4rec-kg."""
    if configured := os.environ.get("LLM4REC_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llm4rec-kg"


def _cached_layout(key: str) -> dict[str, tuple[float, float]] | None:
    try:
        data = json.loads((cache_dir() / "layout" / f"{key}.json").read_text("utf-8"))
        return {hub: (float(x), float(y)) for hub, (x, y) in data.items()}
    except (OSError, ValueError, TypeError):  # no cache, or a damaged entry: compute
        return None


def _cache_layout(key: str, positions: dict[str, tuple[float, float]]) -> None:
    folder = cache_dir() / "layout"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{key}.", dir=folder)
    except OSError:
        return  # a cache that cannot be written only costs the next build the layout
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(positions, handle)
        tmp.replace(folder / f"{key}.json")  # whole or not at all, for a build beside it
    except OSError:
        tmp.unlink(missing_ok=True)


def _hub_positions(
    hub_graph: Any, neighbours: dict[str, list[str]], seed: int
) -> dict[str, tuple[float, float]]:
    """A force layout per connected component, each scaled to the number of nodes that hang
    on it and packed left to right, so a small island does not squeeze the main graph."""
    import networkx as nx

    components = sorted(
        (sorted(c) for c in nx.connected_components(hub_graph)), key=lambda c: (-len(c), c[0])
    )
    positions: dict[str, tuple[float, float]] = {}
    offset, height = 0.0, 0.0
    singles = [c[0] for c in components if len(c) == 1]
    for whole in (c for c in components if len(c) > 1):
        mass = len(whole) + sum(len(neighbours[h]) for h in whole)
        radius = 45 * math.sqrt(mass + 1)
        # The force layout is quadratic in its nodes: only the most linked hubs get it, and
        # the rest are placed by their neighbours like papers, which keeps the page linear.
        component = (
            whole
            if len(whole) <= FORCE_HUBS
            else sorted(sorted(whole, key=lambda h: (-len(neighbours[h]), h))[:FORCE_HUBS])
        )
        # A fresh graph in sorted order: networkx subgraph views iterate a hash-ordered set.
        sub = nx.Graph()
        sub.add_nodes_from(component)
        sub.add_edges_from(
            sorted(
                (a, b, d)
                for a, b, d in hub_graph.edges(component, data=True)
                if a in sub and b in sub
            )
        )
        layout = nx.spring_layout(sub, seed=seed, weight="weight", iterations=100)
        for hub in component:
            x, y = layout[hub]
            positions[hub] = (offset + radius + float(x) * radius, float(y) * radius)
        offset += 2 * radius + 120
        height = max(height, radius)
    columns = max(1, math.ceil(math.sqrt(len(singles))))
    for i, hub in enumerate(singles):  # lone hubs in a compact grid below the rest
        positions[hub] = (160.0 * (i % columns), height + 200 + 160.0 * (i // columns))
    return positions


def _place_rest(
    order: list[str],
    neighbours: dict[str, list[str]],
    degree: dict[str, int],
    positions: dict[str, tuple[float, float]],
    scale: float,
) -> None:
    """Each node near its placed neighbours, weighted towards the rarest of them (a paper
    sits by its models rather than by arXiv), spread on a spiral around that point."""
    crowd: dict[tuple[int, int], int] = defaultdict(int)
    pending = [n for n in order if n not in positions]
    while pending:
        placed_now = []
        for node in pending:
            anchors = sorted(m for m in neighbours[node] if m in positions)
            if not anchors:
                continue
            weights = [1 / degree[a] ** 2 for a in anchors]
            total = sum(weights)
            cx = sum(w * positions[a][0] for w, a in zip(weights, anchors, strict=True)) / total
            cy = sum(w * positions[a][1] for w, a in zip(weights, anchors, strict=True)) / total
            cell = (round(cx / 40), round(cy / 40))
            k = crowd[cell] = crowd[cell] + 1
            radius = 16 * math.sqrt(k) + 18
            placed_now.append(
                (node, (cx + radius * math.cos(k * GOLDEN), cy + radius * math.sin(k * GOLDEN)))
            )
        if not placed_now:  # islands with no placed neighbour: a ring outside the rest
            for i, node in enumerate(pending):
                angle = 2 * math.pi * i / len(pending)
                positions[node] = (1.2 * scale * math.cos(angle), 1.2 * scale * math.sin(angle))
            return
        positions.update(placed_now)
        pending = [n for n in pending if n not in positions]


# ------------------------------------------------------------------ rendering


def _asset(name: str) -> bytes:
    return (resources.files("llm4rec_kg") / "assets" / name).read_bytes()


def _template_text(name: str) -> str:
    return (resources.files("llm4rec_kg") / "templates" / name).read_text(encoding="utf-8")


def _vis(name: str) -> str:
    # Found without importing pyvis, whose package imports IPython.
    package, folder = _VIS
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {package} package is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    return (root / folder / name).read_text(encoding="utf-8")


def _script_safe(code: str, what: str) -> str:
    """Vendored code goes into the page verbatim, so it must not close its script element."""
    if "</script" in code.lower():
        raise ValueError(f"{what} contains '</script' and cannot be inlined")
    return code


CHUNK_TRIPLES = 20_000


class TurtleChunks:
    """The page's data: the Turtle export, in chunks of whole subjects of at least
    CHUNK_TRIPLES triples (the last may hold fewer), each with the export's PREFIX lines, so
    the page can load a large graph between frames and stay responsive. A graph of fewer
    triples goes as one chunk, which is the export itself.

    ``note`` passes the export's pieces through as they are written and marks where each
    chunk ends; ``read`` then cuts them from the written file, so the graph is not
    serialised a second time for the page."""

    def __init__(self) -> None:
        self.head = 0  # characters of PREFIX lines
        self.ends: list[int] = []  # characters in each chunk, in order
        self.noted = False

    def note(self, pieces: Iterable[tuple[str, int]]) -> Iterator[str]:
        self.head, self.ends, self.noted = 0, [], False
        chars = triples = 0
        for n, (text, count) in enumerate(pieces):
            if n == 0:
                self.head = len(text)
            else:
                chars, triples = chars + len(text), triples + count
                if triples >= CHUNK_TRIPLES:
                    self.ends.append(chars)
                    chars = triples = 0
            yield text
        if triples:
            self.ends.append(chars)
        self.noted = True

    def read(self, turtle: Path) -> Iterator[str]:
        if not self.noted:
            raise ValueError(f"{turtle}: its chunks were not noted as it was written")
        with turtle.open(encoding="utf-8", newline="") as text:
            head = text.read(self.head)
            for length in self.ends:
                yield head + text.read(length)


def rdf_chunks(graph: Triples, base: str) -> Iterator[str]:
    """``TurtleChunks`` of the graph, for a page made without the export beside it: the
    export is written to a temporary file and cut, as a build does."""
    from llm4rec_kg.publish import exports

    chunks = TurtleChunks()
    with tempfile.TemporaryDirectory() as tmp:
        turtle = Path(tmp) / "llm4rec.ttl"
        with turtle.open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(chunks.note(exports.turtle_pieces(graph, base)))
        yield from chunks.read(turtle)


def render(
    graph: Triples,
    base: str,
    queries: list[dict[str, str]],
    quality: dict[str, Any] | None,
    chunks: Iterable[str] | None = None,
) -> Iterator[str]:
    """The page, data, engine, graph library and app inlined, in pieces as the template
    renders them. ``chunks`` are the graph's data (``TurtleChunks``), read as the template
    reaches them; without them the graph is serialised here."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    view = build_view(graph, base)
    layout(view)
    env = Environment(
        loader=PackageLoader("llm4rec_kg"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
    data = {
        "nodes": view.nodes,
        "edges": view.compact_edges(),
        "predicates": view.predicates,
        "facets": view.facets,
        "classes": view.classes,
        "prefixes": display_prefixes(base),
        "base": base,
        "chart_coverage": internal_query("chart_coverage"),
    }
    return env.get_template("graph.html").generate(
        view_json=_script_json(data, "nodes"),
        rdf_format="text/turtle",
        rdf_chunks=rdf_chunks(graph, base) if chunks is None else chunks,
        queries=queries,
        quality=quality or {"open": 0, "total": 0, "findings": []},
        wasm=base64.b64encode(_asset("oxigraph-web_bg.wasm.gz")).decode("ascii"),
        oxigraph_js=_script_safe(_asset("oxigraph-web.js").decode("utf-8"), "oxigraph"),
        vis_js=_script_safe(_vis("vis-network.min.js"), "vis-network"),
        vis_css=_vis("vis-network.css"),
        yasqe_js=_script_safe(_asset("yasqe.min.js").decode("utf-8"), "yasqe"),
        yasqe_css=_asset("yasqe.min.css").decode("utf-8"),
        app_js=_script_safe(_template_text("graph.js"), "graph.js"),
        papers_js=_script_safe(_template_text("papers.js"), "papers.js"),
        charts_js=_script_safe(_template_text("charts.js"), "charts.js"),
        d3_js=_script_safe(_asset("d3.min.js").decode("utf-8"), "d3"),
        plot_js=_script_safe(_asset("plot.umd.min.js").decode("utf-8"), "plot"),
        engine_js=_script_safe(_template_text("engine.js"), "engine.js"),
        app_css=_template_text("graph.css"),
        node_count=len(view.nodes),
        edge_count=len(view.edges),
    )


def _script_json(data: dict[str, Any], listed: str) -> Iterator[Markup]:
    """What Jinja's ``tojson`` makes of data (sorted keys, then <, >, & and ' escaped for a
    script element), with the ``listed`` list an item at a time rather than the whole page's
    nodes in one string (hundreds of megabytes at 100k papers, copied by each escape)."""

    def safe(text: str) -> Markup:
        # Jinja's own escaping for tojson, given JSON already written.
        return Markup(htmlsafe_json_dumps(text, dumps=lambda written, **_options: written))

    for n, key in enumerate(sorted(data)):
        yield safe(("{" if n == 0 else ", ") + json.dumps(key) + ": ")
        if key != listed:
            yield safe(json.dumps(data[key], sort_keys=True))
            continue
        items = data[key]
        yield safe("[")
        for i, item in enumerate(items):
            yield safe(("" if i == 0 else ", ") + json.dumps(item, sort_keys=True))
        yield safe("]")
    yield safe("}")


def page_queries(base: str) -> list[dict[str, str]]:
    """Named queries for the page's drop-down, with default parameters bound as VALUES."""
    from llm4rec_kg.sparql import queries as named_queries

    out = []
    for name, named in named_queries.load_all().items():
        text = named_queries.with_values(named.text, named.bindings({}))
        out.append(
            {"name": name, "title": named.title, "description": named.description, "text": text}
        )
    return out


def quality_summary(report: Report) -> dict[str, Any]:
    findings = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "status": f.status,
            "where": f.where,
            "message": f.message,
            "hint": f.hint,
        }
        for f in report.findings
    ]
    return {
        "open": sum(f["status"] == "open" for f in findings),
        "total": len(findings),
        "findings": findings,
    }
