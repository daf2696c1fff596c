"""The ``llm4rec-kg`` command line: parse options, call one library function, print.

Exit codes: 0 ok, 1 invalid data, 2 usage or I/O error. Domain errors become one line per
problem on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from llm4rec_kg import DEFAULT_BASE, __version__
from llm4rec_kg.errors import InvalidDataError, KGError, SourceError

F = TypeVar("F", bound=Callable[..., Any])


class WebAddress(click.ParamType[str]):
    """An absolute http(s) IRI: a base IRI, an endpoint, a graph name."""

    name = "IRI"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from llm4rec_kg.readers.normalize import valid_iri

        text = str(value)
        if not valid_iri(text):
            self.fail(f"{text!r} is not an absolute http(s) IRI", param, ctx)
        return text


IRI = WebAddress()


class AbsoluteIRI(click.ParamType[str]):
    """A graph name: any absolute IRI (https:, urn:, ...) an IRI reference may be."""

    name = "IRI"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", text):
            self.fail(f"{text!r} is not an absolute IRI", param, ctx)
        return text


GRAPH_IRI = AbsoluteIRI()

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(path_type=Path),
    default=Path("catalog"),
    show_default=True,
    help="The catalog directory (YAML files).",
)
allow_service_option = click.option(
    "--allow-service",
    "allowed_services",
    multiple=True,
    metavar="URL",
    help="A SERVICE endpoint queries may call (repeatable); every other SERVICE is refused.",
)
base_option = click.option(
    "--base",
    type=IRI,
    default=DEFAULT_BASE,
    show_default=True,
    help="Base IRI that entity IRIs are minted under.",
)


def _fail(err: KGError) -> NoReturn:
    if isinstance(err, InvalidDataError):
        for problem in err.problems:
            click.echo(str(problem), err=True)
        click.echo(f"error: {err}", err=True)
    else:
        click.echo(f"error: {err}", err=True)
    sys.exit(err.exit_code)


def handles_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KGError as err:
            _fail(err)
        except OSError as err:  # a full disk, a read-only folder: I/O, not a bug
            where = f"{err.filename}: " if err.filename else ""
            _fail(SourceError(f"{where}{err.strerror or err}; nothing more was written"))

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="llm4rec-kg")
def main() -> None:
    """Build and query the LLM4Rec knowledge graph.

    Exit codes: 0 ok, 1 invalid data, 2 usage or I/O error.
    """


def run() -> NoReturn:
    """The ``llm4rec-kg`` program: ``main``, then an exit that skips tearing down the heap,
    as mypy's command line does. A large build leaves millions of objects, which the
    interpreter would otherwise collect and free one by one on the way out, for nothing.
    ``serve`` keeps the usual collection, since it serves until stopped."""
    from llm4rec_kg import batch

    batch.process_ends_after = True
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):  # sys.exit("message")
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


@main.command(short_help="Validate the catalog and write every export as one set.")
@catalog_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Directory the exports are written to.",
)
@base_option
@click.option(
    "--sparql-endpoint",
    type=WebAddress(),
    default=None,
    help="A public SPARQL endpoint serving this graph, for the VoID (void:sparqlEndpoint).",
)
@click.option(
    "--changelog",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Add what the build changed in the graph to this file's Unreleased section "
    "(default: CHANGELOG.md beside the catalog, if it exists; --no-changelog for none).",
)
@click.option("--no-changelog", is_flag=True, help="Record nothing in a changelog.")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print every stage with its time.")
@handles_errors
def build(
    catalog_dir: Path,
    out_dir: Path,
    base: str,
    sparql_endpoint: str | None,
    changelog: Path | None,
    no_changelog: bool,
    force: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Validate the catalog and write Turtle, N-Triples, JSON-LD, VoID, the quality report and
    the HTML page, all replaced as one set.

    \b
    Examples:
      llm4rec-kg build
      llm4rec-kg build --out /tmp/exports --base https://example.org/llm4rec/
      llm4rec-kg build --sparql-endpoint https://example.org/llm4rec/sparql
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg.progress import Progress

    mode = "quiet" if quiet else "verbose" if verbose else "auto"
    if changelog is None and not no_changelog:
        default = catalog_dir.absolute().parent / "CHANGELOG.md"
        changelog = default if default.is_file() else None
    result = pipeline.build(
        catalog_dir,
        out_dir,
        base,
        record_iris=True,
        force=force,
        progress=Progress(mode),
        sparql_endpoint=sparql_endpoint,
        changelog=None if no_changelog else changelog,
    )
    if quiet:
        return
    if result.up_to_date:
        click.echo(f"{out_dir} is up to date with {catalog_dir}: nothing to do (--force rebuilds)")
        return
    for path in result.files:
        click.echo(f"wrote {path}")
    click.echo(f"{result.triples} triples in {result.seconds:.2f} s")


@main.command(short_help="Write a static Linked Data site: a page and RDF for every IRI.")
@catalog_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Directory the site is written to (replaced as a whole).",
)
@click.option(
    "--exports",
    "exports_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="The exports to publish (default: exports/ beside the catalog; built if stale).",
)
@click.option(
    "--host-url",
    type=WebAddress(),
    default=None,
    help="Where the site will be hosted, for the w3id redirects (default: the base).",
)
@base_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@handles_errors
def site(
    catalog_dir: Path,
    out_dir: Path,
    exports_dir: Path | None,
    host_url: str | None,
    base: str,
    quiet: bool,
) -> None:
    """Write a static Linked Data site that any static host serves: for every IRI the
    exports mint an HTML page (links out and in) with its Turtle, JSON-LD and N-Triples; a
    landing page with the dumps, checksums and changelog; the ontology's documentation; and
    .htaccess files for content negotiation on Apache and at w3id.org.

    \b
    Examples:
      llm4rec-kg site --out site
      llm4rec-kg site --out site --host-url https://example.github.io/llm4rec/
      python -m http.server -d site   # then open http://127.0.0.1:8000/index.html
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg.progress import Progress

    result = pipeline.site(
        catalog_dir,
        out_dir,
        base,
        exports_dir,
        host_url,
        record_iris=True,
        progress=Progress("quiet" if quiet else "auto"),
    )
    if not quiet:
        click.echo(
            f"wrote {result.out_dir}: {result.resources} resources, {result.redirects} "
            f"redirects, {result.files} files"
        )


@main.command(short_help="Bring every list to its newest commit; lint, build, write the site.")
@catalog_option
@click.option(
    "--remote",
    "remotes",
    multiple=True,
    metavar="LIST=REPO",
    help="Read LIST from REPO (a clone, a mirror's URL) instead of its registered repository.",
)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the static site here.",
)
@click.option("--host-url", type=WebAddress(), default=None, help="Where the site will be hosted.")
@click.option(
    "--summary",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the report as Markdown (a pull request's description) to this file.",
)
@handles_errors
def refresh(
    catalog_dir: Path,
    remotes: tuple[str, ...],
    site_dir: Path | None,
    host_url: str | None,
    summary: Path | None,
) -> None:
    """Keep the graph current: for each registered list, dry-run then sync the newest
    commit of its file (a reading the gate refuses is left out, with the reason); then
    build the exports with their changelog entry and, with --site, the static site. Prints
    what each list brought, what changed in the graph, and the new findings. This is the
    scheduled publish workflow's one step (.github/workflows/publish.yml).

    Exit codes: 0 done (whether or not anything changed), 1 the catalog does not build,
    2 usage or I/O error.

    \b
    Examples:
      llm4rec-kg refresh --site site --summary refresh.md
      llm4rec-kg refresh --remote wlik=../LLM4Rec-Awesome-Papers
    """
    from llm4rec_kg import refresh as refresh_module

    mirrors = {}
    for item in remotes:
        name, sep, repo = item.partition("=")
        if not sep or not name or not repo:
            raise click.BadParameter(f"{item!r} is not LIST=REPO", param_hint="--remote")
        mirrors[name] = repo
    report = refresh_module.refresh(catalog_dir, mirrors, site_dir, host_url)
    text = report.markdown()
    if summary is not None:
        summary.write_text(text, encoding="utf-8")
    click.echo(text, nl=False)


@main.command(short_help="Compare two exports: entities added, removed and changed.")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "summary", "json"]),
    default="text",
    show_default=True,
    help="text: every changed triple; summary: counts and names; json: everything.",
)
@click.option("--exit-code", is_flag=True, help="Exit 1 when the graphs differ.")
@base_option
@handles_errors
def diff(old: Path, new: Path, fmt: str, exit_code: bool, base: str) -> None:
    """Compare two exports of the graph (dumps in N-Triples, Turtle or JSON-LD, or folders
    of exports) and print the entities added, removed and changed, with their triples.

    \b
    Examples:
      llm4rec-kg diff old-exports/ exports/
      llm4rec-kg diff old.ttl exports/llm4rec.ttl -f summary
      llm4rec-kg diff a.nt b.nt -f json --exit-code
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg.publish import changes

    change = pipeline.diff(old, new)
    if fmt == "json":
        click.echo(json.dumps(change.as_json(), indent=2, ensure_ascii=False))
    elif fmt == "summary":
        click.echo("\n".join(changes.summary(change, base)))
    else:
        click.echo(changes.render(change, base), nl=False)
    if exit_code and not change.empty:
        sys.exit(1)


@main.command(short_help="Check the catalog (YAML, schema, SHACL, IRI ledger); write nothing.")
@catalog_option
@base_option
@handles_errors
def validate(catalog_dir: Path, base: str) -> None:
    """Check YAML syntax, the catalog schema, the SHACL shapes and the IRI ledger; write
    nothing.

    \b
    Examples:
      llm4rec-kg validate
      llm4rec-kg validate --catalog /path/to/catalog
    """
    from llm4rec_kg import pipeline

    done = pipeline.validate(catalog_dir, base)
    entries = sum(len(v) for v in done.catalog.collections.values())
    click.echo(
        f"{catalog_dir}: valid ({entries} entries, {done.triples} triples, 0 SHACL violations)"
    )


@main.command(short_help="Read the source lists' snapshots into catalog/rows/; print the diff.")
@click.argument("lists", nargs=-1, metavar="[LIST]...")
@catalog_option
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A new snapshot of LIST to register and read (vendored under sources/).",
)
@click.option("--commit", help="With --file: the commit the snapshot was taken at.")
@click.option("--date", "date_", help="With --file: the snapshot's date, YYYY-MM-DD.")
@click.option("--url", help="With --file: the URL of this version of the file.")
@click.option("--title", help="With --file, for a new list: its title.")
@click.option("--repository", help="With --file, for a new list: its repository URL.")
@click.option("--licence", help="With --file, for a new list: its licence (SPDX id).")
@click.option(
    "--git",
    "git_repo",
    metavar="REPO",
    help="Register, in order, each commit of REPO (a clone or URL) that changed --path.",
)
@click.option("--path", "git_path", default="README.md", show_default=True, help="With --git.")
@click.option(
    "--accept-reading",
    "accept",
    metavar="REASON",
    help="Register a snapshot the gate refuses, recording REASON with it.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@handles_errors
def sync(
    lists: tuple[str, ...],
    catalog_dir: Path,
    file: Path | None,
    commit: str | None,
    date_: str | None,
    url: str | None,
    title: str | None,
    repository: str | None,
    licence: str | None,
    git_repo: str | None,
    git_path: str,
    accept: str | None,
    dry_run: bool,
) -> None:
    """Read the registered snapshots of each LIST (every list when none) into catalog/rows/,
    or register a newer snapshot with --file, and print what changed.

    \b
    Examples:
      llm4rec-kg sync                      # re-read every list ("no change" when in sync)
      llm4rec-kg sync wlik --dry-run       # what a re-read of one list would change
      llm4rec-kg sync wlik --file README.md --commit 1a2b3c4 --date 2026-12-01
      llm4rec-kg sync wlik --git ../LLM4Rec-Awesome-Papers   # every commit not yet registered

    A new snapshot whose reading looks broken (most rows unreadable, titles with author or
    venue debris, new names that are sentence fragments) is refused with exit 1 and nothing
    written; --accept-reading REASON registers it all the same and records why.
    """
    from llm4rec_kg.catalog import sync as sync_module

    new = None
    if git_repo is not None:
        if len(lists) != 1 or file is not None or commit or date_:
            raise click.UsageError(
                "--git needs exactly one LIST, and no --file, --commit or --date"
            )
        from llm4rec_kg.catalog import history

        def shown(found: history.Commit, report: sync_module.SyncReport | None) -> None:
            click.echo(f"== {found.sha[:7]} ({found.date})")
            if report is None:
                click.echo("passed over: this version links nothing")
            else:
                click.echo(sync_module.render(report, catalog_dir))

        reports = history.sync_history(
            catalog_dir,
            lists[0],
            git_repo,
            git_path,
            title,
            repository,
            licence,
            accept,
            dry_run,
            shown,
        )
        if not reports:
            click.echo(f"no change: every commit of {git_path} is registered")
        return
    if file is not None:
        if len(lists) != 1 or not commit or not date_:
            raise click.UsageError("--file needs exactly one LIST, --commit and --date")
        new = sync_module.NewSnapshot(
            lists[0], file, commit, date_, url, title, repository, licence, accept
        )
    elif any((commit, date_, url, title, repository, licence)):
        raise click.UsageError(
            "--commit, --date, --url, --title, --repository and --licence go with --file"
        )
    report = sync_module.sync(catalog_dir, lists, new, dry_run)
    click.echo(sync_module.render(report, catalog_dir))


@main.command(short_help="Coverage per list, entities, rows, top LLMs, papers per year.")
@catalog_option
@base_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many LLMs to list.",
)
@handles_errors
def stats(catalog_dir: Path, base: str, as_json: bool, top: int) -> None:
    """Coverage per source list, entities per class, source rows per snapshot and section,
    top LLMs, papers per year and paradigm.

    \b
    Examples:
      llm4rec-kg stats
      llm4rec-kg stats --json --top 20
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg import stats as stats_module

    figures = stats_module.compute(pipeline.validate(catalog_dir, base).graph, top)
    if as_json:
        click.echo(json.dumps(figures.as_json(), indent=2, sort_keys=True))
    else:
        click.echo(stats_module.render(figures))


FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt", "json-ld")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        params[name] = value
    return params


@main.command(short_help="Run a named query, a SPARQL string or a file, embedded or remote.")
@click.argument("name", required=False)
@click.option("--sparql", help="A SPARQL query string to run.")
@click.option(
    "--file", "file", type=click.Path(path_type=Path, dir_okay=False), help="A .rq file to run."
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter value, bound as an RDF term (repeatable).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; turtle, nt, json-ld for graph results.",
)
@click.option(
    "--endpoint", type=IRI, help="Query this SPARQL 1.1 endpoint instead of the embedded store."
)
@click.option(
    "--graph",
    "graph_iri",
    type=GRAPH_IRI,
    help="With --endpoint: the graph to query (default-graph-uri).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Query an export (.ttl, .nt, .jsonld) instead of the catalog's graph.",
)
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option(
    "--wide", is_flag=True, help="Tables: show every cell whole, wider than the terminal."
)
@allow_service_option
@catalog_option
@base_option
@handles_errors
def query(
    name: str | None,
    sparql: str | None,
    file: Path | None,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    graph_iri: str | None,
    data: Path | None,
    list_: bool,
    wide: bool,
    allowed_services: tuple[str, ...],
    catalog_dir: Path,
    base: str,
) -> None:
    """Run a named query (see --list), a --sparql string or a --file.

    By default the query runs on an embedded store built from the catalog. The prefixes
    that results print (l4r:, paper:, model:, schema:, dcterms: ...) work undeclared.

    \b
    Examples:
      llm4rec-kg query --list
      llm4rec-kg query papers-using-llm -p llm=Llama-2 -f csv
      llm4rec-kg query --sparql 'SELECT ?p WHERE { ?p l4r:usesModel model:llama }'
      llm4rec-kg query same-base-model --endpoint http://127.0.0.1:7878/query \\
        --graph https://w3id.org/llm4rec/
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg.sparql import queries

    if list_:
        named = queries.load_all()
        width = max(len(n) for n in named)
        for key, item in named.items():
            params_text = " ".join(f"{p.name}={p.default}" for p in item.params)
            click.echo(
                f"{key:<{width}}  {item.title}" + (f"  [{params_text}]" if params_text else "")
            )
        return
    request = pipeline.QueryRequest(
        name,
        sparql,
        file,
        _parse_params(params),
        catalog_dir,
        data,
        endpoint,
        graph_iri,
        base,
        allowed_services=allowed_services,
    )
    result = pipeline.query(request)
    # Cut to the terminal when there is one; a pipe or file gets every character.
    columns = None if wide or not sys.stdout.isatty() else shutil.get_terminal_size().columns
    click.echo(_format(result, fmt, base, columns), nl=False)
    for hint in result.hints:
        click.echo(f"hint: {hint}", err=True)


def _format(result: Any, fmt: str, base: str, width: int | None = None) -> str:
    from llm4rec_kg.namespaces import display_prefixes
    from llm4rec_kg.sparql import results

    prefixes = display_prefixes(base)
    if result.kind == "graph":
        if fmt not in ("table", "turtle", "nt", "json-ld"):
            raise click.UsageError(f"a graph result cannot be written as {fmt}")
        return results.to_rdf(result, "turtle" if fmt == "table" else fmt, prefixes)
    writers = {
        "table": lambda r: results.to_table(r, prefixes, width),
        "csv": results.to_csv,
        "tsv": results.to_tsv,
        "json": results.to_json,
        "xml": results.to_xml,
    }
    if fmt not in writers:
        raise click.UsageError(f"a {result.kind.upper()} result cannot be written as {fmt}")
    return str(writers[fmt](result))


@main.command(short_help="Serve a read-only SPARQL endpoint and a page for every entity.")
@catalog_option
@base_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to bind (0: any free).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=3600),
    default=10.0,
    show_default=True,
    help="Seconds a query may run.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows a result may hold.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Query worker processes.",
)
@click.option(
    "--max-heavy",
    type=click.IntRange(0, 64),
    default=4,
    show_default=True,
    help="Queries past 0.25 s that may run at once, at low CPU priority; one more gets 503.",
)
@click.option(
    "--query-memory",
    type=click.IntRange(64, 1 << 20),
    default=1024,
    show_default=True,
    help="MiB a query may use; one that needs more is stopped (503).",
)
@click.option(
    "--exports",
    "site",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("exports"),
    show_default=True,
    help="Directory whose HTML page and dumps are served at / .",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Serve an export (.ttl, .nt, .jsonld) instead of the catalog's graph.",
)
@click.option(
    "--cache-mb",
    type=click.IntRange(0, 1 << 16),
    default=64,
    show_default=True,
    help="MiB of encoded answers kept for repeated queries.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 1 << 20),
    default=1000,
    show_default=True,
    help="Open connections; one more gets 503 and is closed.",
)
@click.option(
    "--request-deadline",
    type=click.FloatRange(min=0.1, max=600),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send a whole request.",
)
@click.option("--access-log", is_flag=True, help="Log each request to stderr.")
@allow_service_option
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Request PATH once on a private port, print the response and exit.",
)
@handles_errors
def serve(
    catalog_dir: Path,
    base: str,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    max_heavy: int,
    query_memory: int,
    site: Path,
    data: Path | None,
    cache_mb: int,
    max_connections: int,
    request_deadline: float,
    access_log: bool,
    allowed_services: tuple[str, ...],
    get_path: str | None,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint and Linked Data pages for every entity.

    \b
    Examples:
      llm4rec-kg serve
      llm4rec-kg serve --port 8080 --timeout 5 --max-rows 1000 --access-log
      llm4rec-kg serve --get /paper/arxiv-2305.00447.ttl
    """
    import signal

    from llm4rec_kg import batch, pipeline
    from llm4rec_kg.serve import ServeConfig

    batch.process_ends_after = False  # it serves on: its work's cycles are collected

    config = ServeConfig(
        host=host,
        port=0 if get_path else port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        base=base,
        site=site,
        access_log=access_log,
        allowed_services=allowed_services,
        max_heavy=max_heavy,
        query_memory_mb=query_memory,
        cache_mb=cache_mb,
        max_connections=max_connections,
        request_deadline=request_deadline,
    )
    endpoint = pipeline.endpoint(catalog_dir, config, data)
    if get_path is not None:
        _get_once(endpoint, get_path)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(
        f"SPARQL endpoint: {endpoint.url}/sparql (read-only; "
        f"{timeout:g} s and {max_rows} rows per query)"
    )
    click.echo(f"Entity pages under {endpoint.url}/ for {base}")
    sys.stdout.flush()
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


def _get_once(endpoint: Any, path: str) -> None:
    try:
        status, _, body = endpoint.get(path)
    finally:
        endpoint.close()
    click.echo(f"HTTP {status}")
    click.echo(body.decode("utf-8", errors="replace"), nl=False)
    if status >= 400:
        sys.exit(2)


@main.command(short_help="Upload the graph into a SPARQL 1.1 store and check the count.")
@click.option(
    "--endpoint",
    required=True,
    type=IRI,
    help="Graph Store Protocol URL of the store, e.g. http://127.0.0.1:7878/store.",
)
@click.option(
    "--graph", "graph_iri", type=GRAPH_IRI, help="Named graph to replace [default: the base IRI]."
)
@click.option(
    "--query-endpoint", type=IRI, help="SPARQL query URL [default: sibling 'query' of --endpoint]."
)
@click.option(
    "--update-endpoint",
    type=IRI,
    help="SPARQL update URL for chunked uploads [default: sibling 'update'].",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="Triples per request; larger graphs go through a staging graph [default: 100000].",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Push an export (.ttl, .nt, .jsonld) instead of the catalog's graph.",
)
@catalog_option
@base_option
@handles_errors
def push(
    endpoint: str,
    graph_iri: str | None,
    query_endpoint: str | None,
    update_endpoint: str | None,
    chunk_size: int | None,
    data: Path | None,
    catalog_dir: Path,
    base: str,
) -> None:
    """Upload the graph into a SPARQL 1.1 triple store and verify the triple count.

    Credentials come from LLM4REC_USER and LLM4REC_PASSWORD, or LLM4REC_TOKEN.

    \b
    Examples:
      llm4rec-kg push --endpoint http://127.0.0.1:7878/store
      LLM4REC_TOKEN=... llm4rec-kg push --endpoint https://store.example.org/store \\
        --graph https://w3id.org/llm4rec/ --chunk-size 50000
    """
    from llm4rec_kg import pipeline
    from llm4rec_kg.publish.push import Target

    target = Target.from_store(endpoint, graph_iri or base, query_endpoint, update_endpoint)
    result = pipeline.push(catalog_dir, target, base, data, chunk_size)
    noun = "request" if result.chunks == 1 else "chunks"
    click.echo(
        f"pushed {result.triples} triples to <{target.graph}> at {target.store} "
        f"({result.chunks} {noun}, {result.seconds:.2f} s)"
    )
    click.echo(f"verified: the store holds {result.stored} triples in <{target.graph}>")


@main.command(short_help="Report data-quality findings on the catalog or on list files.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per finding, or one JSON object.",
)
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "info"]),
    default="info",
    show_default=True,
    help="Show findings of this severity and worse.",
)
@click.option(
    "--open-only",
    is_flag=True,
    help="Hide findings already corrected, accepted or normalized (catalog only).",
)
@handles_errors
def lint(
    paths: tuple[Path, ...], catalog_dir: Path, fmt: str, severity: str, open_only: bool
) -> None:
    """Check the catalog (no PATH) or markdown source lists (PATH ...) for data mistakes.

    Each finding has a rule id, severity, location, message and fix hint. On the catalog a
    finding may be corrected (corrections.yaml), accepted (accepted.yaml) or normalized by
    the import. Exit codes: 0 no open error, 1 open errors, 2 usage or I/O error.

    \b
    Examples:
      llm4rec-kg lint --open-only
      llm4rec-kg lint sources/awesome-llm4rs-papers-2026-01-16.md --severity error
      llm4rec-kg lint --format json > findings.json
    """
    from llm4rec_kg.catalog import load_catalog
    from llm4rec_kg.quality import lint as lint_module

    if paths:
        catalog = load_catalog(catalog_dir) if catalog_dir.is_dir() else None
        if catalog is None:
            click.echo(
                f"note: no catalog at {catalog_dir}: model and venue names are not checked "
                "against aliases (give --catalog)",
                err=True,
            )
        report = lint_module.lint_markdown(list(paths), catalog)
    else:
        report = lint_module.lint_catalog(load_catalog(catalog_dir))
    levels = lint_module.SEVERITIES[: lint_module.SEVERITIES.index(severity) + 1]
    shown = [
        f
        for f in report.findings
        if f.severity in levels and not (open_only and f.status != "open")
    ]
    hidden = len(report.findings) - len(shown)
    if fmt == "json":
        from dataclasses import asdict

        data = report.as_json()
        data["findings"] = [asdict(f) for f in shown]
        click.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        for finding in shown:
            click.echo(finding.text())
        counts = report.counts()
        statuses = ", ".join(f"{n} {s}" for s, n in counts["by_status"].items())
        click.echo(
            f"{len(shown)} findings shown"
            + (f" ({hidden} more not shown by --severity/--open-only)" if hidden else "")
            + f"; {len(report.findings)} in all ({statuses or 'none'}); "
            f"{report.open_errors} open errors",
            err=True,
        )
    if report.open_errors:
        sys.exit(1)
