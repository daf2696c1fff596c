"""The ``llm4rec-kg`` command line: parse options, call one library function, print.

Exit codes: 0 ok, 1 invalid data, 2 usage or I/O error. Domain errors become one line per
problem on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from llm4rec_kg import __version__
from llm4rec_kg.errors import InvalidDataError, KGError
from llm4rec_kg.vocab import DEFAULT_BASE

F = TypeVar("F", bound=Callable[..., Any])

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(path_type=Path),
    default=Path("catalog"),
    show_default=True,
    help="The catalog directory (YAML files).",
)
base_option = click.option(
    "--base",
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

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llm4rec-kg")
def main() -> None:
    """Build and query the LLM4Rec knowledge graph.

    Exit codes: 0 ok, 1 invalid data, 2 usage or I/O error.
    """


@main.command()
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
@handles_errors
def build(catalog_dir: Path, out_dir: Path, base: str) -> None:
    """Validate the catalog and write Turtle, N-Triples, JSON-LD and VoID exports."""
    from llm4rec_kg import pipeline

    result = pipeline.build(catalog_dir, out_dir, base)
    for path in result.files:
        click.echo(f"wrote {path}")
    click.echo(f"{result.validated.triples} triples in {result.seconds:.2f} s")


@main.command()
@catalog_option
@base_option
@handles_errors
def validate(catalog_dir: Path, base: str) -> None:
    """Check YAML syntax, the catalog schema and the SHACL shapes; write nothing."""
    from llm4rec_kg import pipeline

    done = pipeline.validate(catalog_dir, base)
    entries = sum(len(v) for v in done.catalog.collections.values())
    click.echo(
        f"{catalog_dir}: valid ({entries} entries, {done.triples} triples, 0 SHACL violations)"
    )


@main.command("import-markdown")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@catalog_option
@click.option("--source-id", help="Catalog id of the source document [default: from FILE].")
@click.option("--title", help="Title of the source document [default: FILE's name].")
@click.option("--repository", help="URL of the repository the list comes from.")
@click.option("--commit", help="Commit of that repository the file was taken at.")
@click.option("--date", "date_", help="Date of that version, YYYY-MM-DD [default: from FILE].")
@click.option("--url", help="URL of this version of the file.")
@handles_errors
def import_markdown(
    file: Path,
    catalog_dir: Path,
    source_id: str | None,
    title: str | None,
    repository: str | None,
    commit: str | None,
    date_: str | None,
    url: str | None,
) -> None:
    """Import an awesome-list markdown FILE into the catalog, keeping curated fields."""
    from llm4rec_kg.importer import SourceInfo, import_markdown
    from llm4rec_kg.markdown import slugify

    found = re.search(r"\d{4}-\d{2}-\d{2}", file.stem)
    source = SourceInfo(
        id=source_id or slugify(file.stem),
        title=title or file.name,
        repository=repository,
        commit=commit,
        date=date_ or (found.group(0) if found else None),
        url=url,
    )
    report = import_markdown(file, catalog_dir, source)
    for section, count in report.rows.items():
        click.echo(f"read {count:>3} rows from {section}")
    for name, diff in report.diffs.items():
        click.echo(
            f"{catalog_dir / (name + '.yaml')}: {diff.total} entries "
            f"(+{len(diff.added)} added, -{len(diff.removed)} removed, "
            f"~{len(diff.changed)} changed)"
        )
        for key in diff.removed:
            click.echo(f"  - {key}")
        for key, fields in diff.changed.items():
            click.echo(f"  ~ {key}: {', '.join(fields)}")
    for note in report.notes:
        click.echo(f"note: {note}")


@main.command()
@catalog_option
@base_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--top", default=10, show_default=True, help="How many LLMs to list.")
@handles_errors
def stats(catalog_dir: Path, base: str, as_json: bool, top: int) -> None:
    """Entities per class, source rows per section, top LLMs, papers per year and paradigm."""
    from llm4rec_kg import pipeline
    from llm4rec_kg import stats as stats_module

    figures = stats_module.compute(pipeline.validate(catalog_dir, base).graph, top)
    if as_json:
        click.echo(json.dumps(figures.as_json(), indent=2, sort_keys=True))
    else:
        click.echo(stats_module.render(figures))
