"""The library's entry points: each CLI command calls exactly one of these.

Stages run in a fixed order (YAML syntax, catalog schema, graph build, SHACL) and nothing
is written until all of them pass.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from llm4rec_kg import DEFAULT_BASE
from llm4rec_kg.batch import without_cyclic_gc
from llm4rec_kg.errors import InvalidDataError, SourceError, UsageError
from llm4rec_kg.progress import QUIET, Progress
from llm4rec_kg.publish import BUILT, DESCRIBED, freshness
from llm4rec_kg.sparql.results import Result, Term

# The stages behind validate and build load rdflib and the catalog; query, serve and push
# on fresh exports need neither, so those imports wait until a function needs them.
if TYPE_CHECKING:
    from llm4rec_kg.catalog import Catalog
    from llm4rec_kg.graph.triples import Triples
    from llm4rec_kg.publish import exports
    from llm4rec_kg.publish.changes import GraphDiff
    from llm4rec_kg.publish.push import PushResult
    from llm4rec_kg.publish.push import Target as PushTarget
    from llm4rec_kg.publish.site import SiteResult
    from llm4rec_kg.quality.lint import Report
    from llm4rec_kg.serve import Endpoint, ServeConfig
    from llm4rec_kg.sparql.engines import Engine


@dataclass(frozen=True)
class Validated:
    catalog: Catalog  # with corrections applied: what the graph was built from
    graph: Triples
    base: str
    loaded: Catalog  # as the files say, before corrections: what lint judges

    @property
    def triples(self) -> int:
        return len(self.graph)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote. The catalog it was built from is not kept: released before the
    exports are written, it leaves a 100k-paper build room for them."""

    graph: Triples | None  # None when the exports were already up to date
    base: str
    files: list[Path]
    seconds: float

    @property
    def up_to_date(self) -> bool:
        return self.graph is None

    @property
    def triples(self) -> int:
        return 0 if self.graph is None else len(self.graph)


@without_cyclic_gc
def validate(catalog_dir: Path, base: str = DEFAULT_BASE, progress: Progress = QUIET) -> Validated:
    """Load, check, build and SHACL-validate the catalog; raise InvalidDataError if anything
    is wrong, with every problem of the first failing stage."""
    from llm4rec_kg.catalog import corrections, load_catalog
    from llm4rec_kg.graph import builder, iris, shacl
    from llm4rec_kg.graph.vocab import Minter

    loaded = progress.run("load and resolve the catalog", lambda: load_catalog(catalog_dir))
    if problems := corrections.check(loaded):
        raise InvalidDataError("corrections", problems)
    catalog = corrections.apply(loaded)
    mint = Minter(base)
    graph = progress.run("build the graph", lambda: builder.build_graph(catalog, mint))
    where = builder.subjects(catalog, mint)
    if problems := iris.malformed(graph, where, catalog):
        raise InvalidDataError("iris", problems)
    problems = progress.run("SHACL", lambda: shacl.validate_graph(graph, where, catalog))
    if problems:
        raise InvalidDataError("shacl", problems)
    if problems := iris.check(catalog_dir, graph, mint.base):
        raise InvalidDataError("iris", problems)
    return Validated(catalog, graph, mint.base, loaded)


@without_cyclic_gc
def build(
    catalog_dir: Path,
    out_dir: Path,
    base: str = DEFAULT_BASE,
    record_iris: bool = False,
    force: bool = False,
    progress: Progress = QUIET,
    sparql_endpoint: str | None = None,
    changelog: Path | None = None,
) -> BuildResult:
    """Validate the catalog, then write every export into out_dir as one set; with
    record_iris, first add the IRIs minted for the first time to the catalog's ledger.
    Unless force, a build whose inputs have not changed since out_dir was built does
    nothing (``BuildResult.up_to_date``). ``sparql_endpoint`` is the public endpoint the
    dataset description names, if there is one. With ``changelog``, what the build changed
    in the graph (against the exports it replaces) is added to that file."""
    started = time.perf_counter()
    if changelog is not None:  # an entry a killed build left with its exports comes first
        from llm4rec_kg.publish import changes

        changes.move_pending(out_dir, changelog)
    if not force and freshness.is_fresh(out_dir, catalog_dir, base, BUILT, sparql_endpoint):
        return BuildResult(None, base, [], time.perf_counter() - started)
    from llm4rec_kg.graph import iris
    from llm4rec_kg.publish import exports

    done = validate(catalog_dir, base, progress)
    graph, base = done.graph, done.base
    if record_iris and base == DEFAULT_BASE:
        iris.record(catalog_dir, graph, base)  # first: the ledger is an input of the stamp
    stamp = freshness.digest(catalog_dir, base, sparql_endpoint) + "\n"
    # The same judgement as `llm4rec-kg lint`, which reads the files before corrections.
    report = progress.run("lint", functools.partial(_lint, done.loaded, catalog_dir))
    entities = {
        key: name for name in ("datasets", "models", "papers") for key in done.catalog.get(name)
    }
    del done  # the catalog: nothing after this reads it, and its memory goes to the writers
    writers = _writers(graph, base, entities, report, stamp, sparql_endpoint)
    staged: dict[str, exports.Writer] = {
        name: render
        if name.startswith(".")
        else functools.partial(_staged, progress, f"write {name}", render)
        for name, render in writers.items()
    }
    if changelog is not None and (before := graph_lines(out_dir)) is not None:
        staged = _with_changelog_entry(staged, before, base)
    files = exports.write_exports(out_dir, staged)
    if changelog is not None:
        from llm4rec_kg.publish import changes

        changes.move_pending(out_dir, changelog)
    shown = [path for path in files if not path.name.startswith(".")]
    return BuildResult(graph, base, shown, time.perf_counter() - started)


def _with_changelog_entry(
    staged: dict[str, exports.Writer], before: set[str], base: str
) -> dict[str, exports.Writer]:
    """The writers, with the changelog entry written after the N-Triples it compares, so
    the entry is part of the export set that is swapped in."""
    from llm4rec_kg import __version__
    from llm4rec_kg.publish import changes

    def entry(staging: Path) -> str:
        change = changes.diff(before, changes.read_lines(staging))
        return changes.entry(change, base, __version__)

    out: dict[str, exports.Writer] = {}
    for name, writer in staged.items():
        out[name] = writer
        if name == "llm4rec.nt":
            out[changes.PENDING] = entry
    return out


def _lint(loaded: Catalog, catalog_dir: Path) -> Report:
    from llm4rec_kg.quality import lint

    return lint.lint_catalog(loaded).relative_to(catalog_dir)


def _writers(
    graph: Triples,
    base: str,
    entities: dict[str, str],
    report: Report,
    stamp: str,
    sparql_endpoint: str | None,
) -> dict[str, exports.Writer]:
    """Every export's writer, in the order they run: each reads the staging directory for
    what it needs of an earlier one (the page's data, the flat exports' store, the sizes
    and checksums), so the graph is serialised once a format and no file is held whole."""
    from llm4rec_kg.publish import exports, flat, visual
    from llm4rec_kg.publish import void as void_module
    from llm4rec_kg.quality import report as quality

    settings = void_module.Settings(base, sparql_endpoint)
    # The publications the flat exports list, read once for the three of them.
    papers = functools.cache(lambda: flat.from_graph(graph))

    chunks = visual.TurtleChunks()  # noted as the Turtle export is written, for the page

    def page(staging: Path) -> exports.Rendered:
        return visual.render(
            graph,
            base,
            visual.page_queries(base),
            visual.quality_summary(report),
            chunks.read(staging / "llm4rec.ttl"),
        )

    return {
        "llm4rec.ttl": lambda _staging: chunks.note(exports.turtle_pieces(graph, base)),
        "llm4rec.nt": lambda _staging: exports.ntriples_blocks(graph),
        "llm4rec.jsonld": lambda _staging: exports.jsonld_blocks(graph),
        "quality.json": lambda _staging: quality.to_json(report),
        "quality.ttl": lambda _staging: quality.to_turtle(report, entities, base),
        "papers.csv": lambda _staging: flat.papers_csv(papers()),
        "papers.csl.json": lambda _staging: flat.csl_json(papers()),
        "papers.md": lambda _staging: flat.awesome_markdown(papers()),
        # After the dumps: it gives their sizes and checksums.
        "void.ttl": lambda staging: exports.turtle(
            void_module.void(
                graph, settings, [void_module.Dump.of_file(staging / n) for n in DESCRIBED]
            ),
            base,
        ),
        "llm4rec.html": page,
        freshness.STAMP: lambda _staging: stamp,
    }


def _staged(progress: Progress, name: str, render: exports.Writer, staging: Path) -> Iterator[str]:
    """A writer run as a progress stage, which lasts until its last piece is written: the
    time shown is the time the file took."""
    with progress.stage(name):
        rendered = render(staging)
        if isinstance(rendered, str):
            yield rendered
        else:
            yield from rendered


def graph_lines(out_dir: Path) -> set[str] | None:
    """The graph of the exports in out_dir as canonical N-Triples lines, if there are any."""
    from llm4rec_kg.publish import changes

    graph = out_dir / changes.GRAPH_FILE
    return changes.read_lines(graph) if graph.is_file() else None


def diff(old: Path, new: Path) -> GraphDiff:
    """What changed from one export (a dump, or a directory of exports) to another."""
    from llm4rec_kg.publish import changes

    return changes.diff(changes.read_lines(old), changes.read_lines(new))


def site(
    catalog_dir: Path,
    out_dir: Path,
    base: str = DEFAULT_BASE,
    exports_dir: Path | None = None,
    host_url: str | None = None,
    record_iris: bool = False,
    progress: Progress = QUIET,
) -> SiteResult:
    """Write the static Linked Data site for the catalog into out_dir, building the exports
    first (a no-op when they are fresh). ``host_url`` is where the site will be hosted, for
    the w3id redirects; without it they point at the base."""
    from llm4rec_kg.publish import describe, landing
    from llm4rec_kg.publish import site as site_module

    exports_dir = (exports_dir or catalog_dir.absolute().parent / "exports").absolute()
    if out_dir.absolute() == exports_dir or exports_dir in out_dir.absolute().parents:
        raise UsageError(f"{out_dir}: the site needs a directory of its own, not {exports_dir}")
    build(catalog_dir, exports_dir, base, record_iris=record_iris, progress=progress)
    store = progress.run(
        "load the graph and its descriptions",
        lambda: describe.resolvable_store((exports_dir / "llm4rec.nt").read_bytes(), exports_dir),
    )
    project = catalog_dir.absolute().parent
    return progress.run(
        "write the site",
        lambda: site_module.write_site(
            describe.Describer(store, base),
            exports_dir,
            out_dir,
            host_url,
            landing.read_changelog(project),
        ),
    )


def built_exports(catalog_dir: Path, base: str) -> Path | None:
    """The project's exports/ when a build of this catalog would write it as it is."""
    out_dir = catalog_dir.absolute().parent / "exports"
    return out_dir if freshness.is_fresh(out_dir, catalog_dir, base, BUILT) else None


@dataclass(frozen=True)
class QueryRequest:
    """What to run (one of name, sparql, file), with which values, against which data."""

    name: str | None = None
    sparql: str | None = None
    file: Path | None = None
    params: dict[str, str] | None = None
    catalog_dir: Path = Path("catalog")
    data: Path | None = None
    endpoint: str | None = None
    graph: str | None = None
    base: str = DEFAULT_BASE
    cap: int | None = None
    allowed_services: tuple[str, ...] = ()  # SERVICE endpoints an embedded query may call


def query(request: QueryRequest) -> Result:
    """Run a named query, a query string or a query file, embedded or against an endpoint."""
    from llm4rec_kg.namespaces import display_prefixes
    from llm4rec_kg.sparql import engines, prefixes

    known = display_prefixes(request.base)
    text, bindings = _query_text(request)
    if request.name is None:  # a named query declares its prefixes; a typed one may not
        text = prefixes.declare(text, known)
    engine: engines.Engine
    untrusted = request.name is None  # typed text: run where it cannot reach the network
    if request.endpoint:
        engine = engines.RemoteEngine(request.endpoint, graph=request.graph)
    elif request.data:
        store = engines.store_from_file(str(request.data))
        engine = engines.EmbeddedEngine(store, request.allowed_services, known, untrusted)
    elif built := built_exports(request.catalog_dir, request.base):
        store = engines.store_from_file(str(built / "llm4rec.nt"))
        engine = engines.EmbeddedEngine(store, request.allowed_services, known, untrusted)
    else:
        graph = validate(request.catalog_dir, request.base).graph
        store = engines.store_from_graph(graph)
        engine = engines.EmbeddedEngine(store, request.allowed_services, known, untrusted)
    if request.name is not None and "paper" in bindings:
        _one_paper(engine, bindings["paper"], request.base)
    result = engine.run(text, bindings, request.cap)
    if result.kind == "select" and not result.rows:
        result.hints = _why_empty(request, engine, bindings)
    return result


class AmbiguousValue(UsageError):
    """A -p value names several entities; the message lists them."""


def _one_paper(engine: Engine, value: Term, base: str) -> None:
    """Refuse a paper value that names several papers: their rows would merge into one
    answer that reads as one paper's."""
    from llm4rec_kg.namespaces import compact, display_prefixes
    from llm4rec_kg.resources import internal_query

    found = engine.run(internal_query("papers_named"), {"paper": value})
    papers = list(dict.fromkeys(found.column("p")))
    if len(papers) < 2:
        return
    titles = {row["p"].value: row["title"].value for row in found.rows if "title" in row}
    prefixes = display_prefixes(base)
    listed = "; ".join(
        f"{compact(p, prefixes)} ({titles[p]})" if p in titles else compact(p, prefixes)
        for p in papers
    )
    raise AmbiguousValue(
        f"-p paper={value.value} names {len(papers)} papers: {listed}. "
        "Give one of them by its arXiv id or full title."
    )


def _why_empty(request: QueryRequest, engine: Engine, bindings: dict[str, Term]) -> list[str]:
    from llm4rec_kg.errors import KGError
    from llm4rec_kg.sparql import hints

    try:
        if request.endpoint and not request.graph:
            found = hints.empty_default_graph(engine)
            if found:
                return found
        return hints.unknown_values(engine, bindings) if request.name and bindings else []
    except KGError:  # a hint is a courtesy: the answer stands without one
        return []


def _query_text(request: QueryRequest) -> tuple[str, dict[str, Term]]:
    """The query's text and its parameters as RDF terms."""
    from llm4rec_kg.sparql import queries

    given = [x for x in (request.name, request.sparql, request.file) if x is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of a query NAME, --sparql or --file")
    params = request.params or {}
    if request.name is not None:
        named = queries.find(request.name)
        return named.text, named.bindings(params)
    if request.file is not None:
        try:
            text = request.file.read_text(encoding="utf-8")
        except OSError as err:
            raise SourceError(f"{request.file}: cannot read: {err}") from err
    else:
        text = str(request.sparql)
    return text, {k: Term("literal", v) for k, v in params.items()}


def ntriples(catalog_dir: Path, base: str = DEFAULT_BASE, data: Path | None = None) -> str:
    """Sorted N-Triples of the catalog's graph (read from exports/ when they are fresh), or
    of an export file."""
    if data is None and (built := built_exports(catalog_dir, base)):
        return (built / "llm4rec.nt").read_text(encoding="utf-8")  # written sorted
    if data is None:
        from llm4rec_kg.publish import exports

        return exports.ntriples(validate(catalog_dir, base).graph)
    from llm4rec_kg.sparql import engines

    dump = engines.store_from_file(str(data)).dump(
        format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
    )
    return "".join(sorted(bytes(dump or b"").decode("utf-8").splitlines(keepends=True)))


def endpoint(catalog_dir: Path, config: ServeConfig, data: Path | None = None) -> Endpoint:
    """A SPARQL endpoint over the catalog's graph (or an export), bound but not yet serving."""
    from llm4rec_kg.serve import Endpoint

    return Endpoint(ntriples(catalog_dir, config.base, data).encode("utf-8"), config)


def push(
    catalog_dir: Path,
    target: PushTarget,
    base: str = DEFAULT_BASE,
    data: Path | None = None,
    chunk_size: int | None = None,
) -> PushResult:
    """Replace the target's named graph with the catalog's graph (or an export)."""
    from llm4rec_kg.publish import push as push_module

    lines = ntriples(catalog_dir, base, data).splitlines(keepends=True)
    return push_module.push(lines, target, chunk_size or push_module.DEFAULT_CHUNK)
