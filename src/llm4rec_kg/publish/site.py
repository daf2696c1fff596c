"""A static Linked Data site: every IRI the exports mint, as files any static host serves.

For an IRI ``{base}paper/x`` the site holds ``paper/x.html``, ``.ttl``, ``.jsonld`` and
``.nt``; the dataset IRI is ``index.*``; the ontology IRI is its documentation page and the
ontology file; a replaced IRI is a page that forwards to its replacement. Pages link to each
other by relative paths to the ``.html`` files, so the site works from any folder of any
host, and from disk.

Content negotiation comes with it for the common web servers (``webservers``): a
``.htaccess`` for Apache, ``nginx/`` and ``caddy/`` configurations, and ``w3id/.htaccess``
for the w3id.org repository, which redirects ``https://w3id.org/llm4rec/…`` to the host by
the Accept header. The site is written to a
staging folder and swapped in whole, as the exports are (``exports.swapped_in``).
"""

from __future__ import annotations

import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from llm4rec_kg.errors import SourceError
from llm4rec_kg.headers import PAGE_CSP_META
from llm4rec_kg.publish import BUILT, PAGE, landing, ontology_doc, webservers
from llm4rec_kg.publish.describe import MEDIA, Describer
from llm4rec_kg.publish.exports import swapped_in

DUMPS = BUILT  # every export and the page, copied as they are
ONTOLOGY_PATH = "ontology"
SHAPES_PATH = "shapes"
EXPLORER = PAGE


@dataclass(frozen=True)
class SiteResult:
    out_dir: Path
    resources: int  # IRIs with a page and their RDF
    redirects: int
    files: int


def templates() -> Environment:
    """The package's templates, for the site and for ``serve`` alike."""
    env = Environment(
        loader=PackageLoader("llm4rec_kg"), autoescape=select_autoescape(default=True)
    )
    env.globals["csp_meta"] = PAGE_CSP_META
    return env


def local_path(iri: str, base: str) -> str | None:
    """The IRI's path under the base ("" for the dataset IRI), None outside it."""
    if not iri.startswith(base) or "#" in iri:
        return None
    return iri[len(base) :]


def relative(from_path: str, to_path: str, suffix: str = ".html") -> str:
    """The link from the page of one path to the file of another."""
    target = (to_path or "index") + suffix
    start = posixpath.dirname(from_path or "index")
    return posixpath.relpath(target, start or ".")


@dataclass
class _Writer:
    root: Path
    describer: Describer
    base: str
    env: Environment
    files: int = 0

    def write(self, path: str, text: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8", newline="\n")
        self.files += 1

    def href(self, here: str) -> Any:
        """Links from the page at ``here``: relative, to the .html of a resource, to the
        file of a dump, to the entry of an ontology term."""

        def link(iri: str) -> str | None:
            if iri.startswith(self.base + ONTOLOGY_PATH + "#"):
                return relative(here, ONTOLOGY_PATH) + "#" + iri.split("#", 1)[1]
            path = local_path(iri, self.base)
            if path is None:
                return None
            if path in DUMPS:
                return relative(here, path, "")
            if path.startswith(ONTOLOGY_PATH + "/"):
                return relative(here, path, ".ttl")
            return relative(here, path)

        return link

    def nav(self, here: str) -> list[tuple[str, str]]:
        return [
            ("Home", relative(here, "")),
            ("Explore", relative(here, EXPLORER, "")),
            ("Ontology", relative(here, ONTOLOGY_PATH)),
            ("Quality report", relative(here, "quality")),
        ]

    def alternates(self, here: str) -> list[tuple[str, str]]:
        name = posixpath.basename(here) or "index"
        return [(media, name + suffix) for media, suffix in MEDIA.items()]

    def resource(self, iri: str, path: str) -> None:
        for media, suffix in MEDIA.items():
            self.write((path or "index") + suffix, self.describer.rdf(iri, media))
        context = self.describer.page(iri, self.href(path))
        page = self.env.get_template("entity.html").render(
            **context, nav=self.nav(path), alternates=self.alternates(path)
        )
        self.write(path + ".html", page)

    def redirect(self, iri: str, path: str, replacement: str) -> None:
        for media, suffix in MEDIA.items():
            self.write(path + suffix, self.describer.rdf(iri, media))
        target = local_path(replacement, self.base) or ""
        page = self.env.get_template("redirect.html").render(
            iri=iri, replacement=replacement, target=relative(path, target)
        )
        self.write(path + ".html", page)


def write_site(
    describer: Describer,
    exports_dir: Path,
    out_dir: Path,
    host_url: str | None = None,
    changelog: str | None = None,
) -> SiteResult:
    """Write the site for the resolvable graph into out_dir, replacing it as a whole."""
    base = describer.base
    out_dir = out_dir.absolute()
    paths = _paths(describer)
    with swapped_in(out_dir, "the site") as staging:
        writer = _Writer(staging, describer, base, templates())
        redirects = _write_resources(writer, paths)
        _write_dataset(writer, exports_dir, changelog)
        _write_ontology(writer)
        writer.write("404.html", _not_found_page(writer, host_url or base))
        _write_server_configs(writer, redirects, host_url or base)
    return SiteResult(out_dir, len(paths) - len(redirects), len(redirects), writer.files)


def _write_server_configs(writer: _Writer, redirects: dict[str, str], host_url: str) -> None:
    """Content negotiation for the hosts that run Apache, nginx or Caddy, and for w3id."""
    writer.write(".htaccess", webservers.htaccess(redirects, host_url))
    writer.write("w3id/.htaccess", webservers.w3id_htaccess(host_url))
    writer.write("nginx/maps.conf", webservers.nginx_maps(redirects))
    writer.write("nginx/site.conf", webservers.nginx_site())
    writer.write("caddy/llm4rec.caddy", webservers.caddy_site(redirects))


def _paths(describer: Describer) -> dict[str, str]:
    """Each described IRI under the base by its path, refusing paths a host cannot serve
    as files (escapes, dot segments, reserved names)."""
    paths: dict[str, str] = {}
    bad = []
    for iri in describer.subjects():
        path = local_path(iri, describer.base)
        if path is None or path in ("", ONTOLOGY_PATH):
            continue  # the dataset and the ontology have pages of their own
        segments = path.split("/")
        if unquote(path) != path or any(s in ("", ".", "..") for s in segments):
            bad.append(iri)
            continue
        paths[path] = iri
    if bad:
        raise SourceError(
            f"cannot write the site: {len(bad)} IRIs are not plain paths, e.g. {bad[0]}"
        )
    return paths


def _write_resources(writer: _Writer, paths: dict[str, str]) -> dict[str, str]:
    redirects = {}
    for path, iri in sorted(paths.items()):
        replacement = writer.describer.replaced_by(iri)
        if replacement is not None:
            writer.redirect(iri, path, replacement)
            redirects[path] = local_path(replacement, writer.base) or ""
        else:
            writer.resource(iri, path)
    return redirects


def _write_dataset(writer: _Writer, exports_dir: Path, changelog: str | None) -> None:
    base = writer.base
    for name in DUMPS:
        source = exports_dir / name
        if not source.is_file():
            raise SourceError(f"{source}: cannot write the site: the export is missing")
        shutil.copyfile(source, writer.root / name)
        writer.files += 1
    writer.write(".well-known/void", (exports_dir / "void.ttl").read_bytes())
    for media, suffix in MEDIA.items():
        writer.write("index" + suffix, writer.describer.rdf(base, media))
    context = landing.context(
        writer.describer.store, base, lambda iri: writer.href("")(iri) or iri, changelog
    )
    page = writer.env.get_template("dataset.html").render(
        **context,
        nav=writer.nav(""),
        alternates=writer.alternates(""),
        explorer=EXPLORER,
        ontology=relative("", ONTOLOGY_PATH),
        void="void.ttl",
    )
    writer.write("index.html", page)


def _write_ontology(writer: _Writer) -> None:
    from llm4rec_kg.resources import ontology_file

    text = ontology_file("llm4rec.ttl").read_text(encoding="utf-8")
    version = ontology_doc.version(writer.describer.store)
    writer.write(ONTOLOGY_PATH + ".ttl", text)
    writer.write(f"{ONTOLOGY_PATH}/{version}.ttl", text)
    for old in sorted(ontology_file("versions").glob("*.ttl")):
        writer.write(f"{ONTOLOGY_PATH}/{old.name}", old.read_bytes())
    for media, suffix in MEDIA.items():
        if suffix != ".ttl":
            writer.write(ONTOLOGY_PATH + suffix, ontology_doc.serialised(media))
    writer.write(SHAPES_PATH + ".ttl", ontology_file("shapes.ttl").read_bytes())
    writer.write("report-shapes.ttl", ontology_file("report-shapes.ttl").read_bytes())
    context = ontology_doc.document(writer.describer.store, writer.base, writer.href(""))
    page = writer.env.get_template("ontology.html").render(
        **context, nav=writer.nav(ONTOLOGY_PATH), alternates=writer.alternates(ONTOLOGY_PATH)
    )
    writer.write(ONTOLOGY_PATH + ".html", page)
    forward = writer.env.get_template("redirect.html").render(
        iri=writer.base + ONTOLOGY_PATH + "/",
        replacement=writer.base + ONTOLOGY_PATH,
        target="../ontology.html",
    )
    writer.write(ONTOLOGY_PATH + "/index.html", forward)


def _not_found_page(writer: _Writer, host_url: str) -> str:
    """The page a host shows for an IRI the site does not hold (``ErrorDocument 404``). It
    is served at any depth, so its links start from the host's root."""
    root = urlsplit(host_url).path or "/"
    nav = [(text, root + posixpath.normpath(link)) for text, link in writer.nav("index")]
    return writer.env.get_template("404.html").render(
        nav=[(text, link.removesuffix("/.")) for text, link in nav],
        path="this address",
        words="",
        search=None,
        explorer=root + PAGE,
        home=root + "index.html",
    )
