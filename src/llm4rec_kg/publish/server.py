"""A small read-only SPARQL 1.1 endpoint with Linked Data pages, on the standard library.

Safe defaults, as in datasette and rdflib-endpoint: binds 127.0.0.1, updates refused, each
query under a time limit (in a killable worker process) and a row cap.

Routes, the same as the static site's (``publish/site.py``):

- ``/sparql``: the SPARQL 1.1 Protocol (GET, form POST, direct POST); without a query, a
  service description, or a query form for a browser; SELECT answers as HTML too.
- ``/``: the dataset, as its landing page or its VoID by the Accept header;
  ``/.well-known/void``; the dumps and ``/llm4rec.html``, the offline explorer.
- ``/ontology`` (and ``/ontology/``): the ontology's documentation or the ontology;
  ``/ontology/VERSION`` and ``/shapes``: those files.
- ``/{path}``: any other IRI of the data, the VoID or the quality report, as HTML, Turtle,
  N-Triples or JSON-LD (by Accept header or suffix), with its links out and in; a replaced
  IRI redirects to its replacement.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import threading
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape

from llm4rec_kg.errors import KGError, UsageError
from llm4rec_kg.graph.vocab import DEFAULT_BASE, RDF, RDFS
from llm4rec_kg.namespaces import display_prefixes
from llm4rec_kg.publish import MEDIA_TYPES, PAGE, describe, landing, ontology_doc
from llm4rec_kg.resources import ontology_file
from llm4rec_kg.sparql import guard, prefixes, queries, results
from llm4rec_kg.sparql.pool import QueryPool, QueryTimeout
from llm4rec_kg.sparql.results import Result, graph_result

SELECT_TYPES = {
    "application/sparql-results+json": results.to_json,
    "application/json": results.to_json,
    "application/sparql-results+xml": results.to_xml,
    "application/xml": results.to_xml,
    "text/csv": results.to_csv,
    "text/tab-separated-values": results.to_tsv,
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
SUFFIXES = describe.MEDIA_BY_SUFFIX
DUMPS = {name: media for name, (media, _) in MEDIA_TYPES.items()}
EXPLORER = PAGE
ONTOLOGY_FILES = {"shapes": "shapes.ttl", "report-shapes.ttl": "report-shapes.ttl"}
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
}


# Every HTML response says what it may load. Entity and index pages run no script; the
# offline page runs only its own inline script and WebAssembly, and fetches nothing.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
APP_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; frame-ancestors 'none'"
)
MAX_BODY = 1 << 20  # a query or form larger than 1 MiB is refused before it is read


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    base: str = DEFAULT_BASE
    site: Path | None = None  # the exports directory: HTML page and dumps
    access_log: bool = False
    allowed_services: tuple[str, ...] = ()  # SERVICE endpoints a query may call
    max_workers: int | None = None  # with bursts: default workers + 2
    query_memory_mb: int = 1024  # what a worker may grow by, past its loaded store


class Answers:
    """The encoded answers to recent queries. The graph cannot change while it is served,
    so a repeated query (a named one, a page's chart) is answered without a worker; the
    cache holds at most ``entries`` answers of at most ``largest`` bytes each."""

    def __init__(self, entries: int = 512, largest: int = 1 << 20) -> None:
        self.entries, self.largest = entries, largest
        self.lock = threading.Lock()
        self.saved: OrderedDict[tuple[str, str], tuple[bytes, str, dict[str, str]]] = OrderedDict()

    def get(self, key: tuple[str, str]) -> tuple[bytes, str, dict[str, str]] | None:
        with self.lock:
            found = self.saved.get(key)
            if found is not None:
                self.saved.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], answer: tuple[bytes, str, dict[str, str]]) -> None:
        if len(answer[0]) > self.largest:
            return
        with self.lock:
            self.saved[key] = answer
            while len(self.saved) > self.entries:
                self.saved.popitem(last=False)


@dataclass
class Site:
    """Everything a request handler reads; shared by all handler threads."""

    config: ServeConfig
    store: ox.Store
    pool: QueryPool
    triples: int
    answers: Answers = field(default_factory=Answers)
    templates: Environment = field(
        default_factory=lambda: Environment(
            loader=PackageLoader("llm4rec_kg"), autoescape=select_autoescape(default=True)
        )
    )

    @cached_property
    def prefixes(self) -> dict[str, str]:
        return display_prefixes(self.config.base)

    @cached_property
    def describer(self) -> describe.Describer:
        return describe.Describer(self.store, self.config.base)

    # The graph cannot change while it is served: the pages drawn from all of it are made once.
    @cached_property
    def home_page(self) -> str:
        """The dataset's landing page; without a VoID to draw it from, a list of the dumps."""
        site = self.config.site
        if not (site and (site / "void.ttl").is_file()):
            dumps = [n for n in DUMPS if site and (site / n).is_file()]
            return self.templates.get_template("index.html").render(
                triples=self.triples, dumps=dumps
            )
        context = landing.context(
            self.store,
            self.config.base,
            lambda iri: self.href(iri) or iri,
            landing.read_changelog(site.absolute().parent),
        )
        return self.templates.get_template("dataset.html").render(
            **context,
            nav=NAV,
            alternates=_alternates("/index"),
            explorer="/" + EXPLORER,
            ontology="/ontology",
            void="/void.ttl",
        )

    @cached_property
    def named_queries(self) -> list[tuple[str, str, str]]:
        return [(q.name, q.title, q.text) for q in queries.load_all().values()]

    @cached_property
    def ontology_version(self) -> str:
        return ontology_doc.version(self.store)

    @cached_property
    def ontology_page(self) -> str:
        context = ontology_doc.document(self.store, self.config.base, self.href)
        return self.templates.get_template("ontology.html").render(
            **context, nav=NAV, alternates=_alternates("/ontology")
        )

    def href(self, iri: str) -> str | None:
        base = self.config.base
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        return None

    def close(self) -> None:
        self.pool.close()


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured), or None."""
    if not accept.strip():
        return offered[0]
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for piece in pieces[1:]:
            if piece.startswith("q="):
                try:
                    quality = float(piece[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((quality, -index, pieces[0].lower()))
    for quality, _, media in sorted(ranked, reverse=True):
        if quality <= 0:
            continue
        if media in offered:
            return media
        if media in ("*/*", "text/*", "application/*"):
            prefix = media.split("/")[0]
            return next((o for o in offered if prefix == "*" or o.startswith(prefix)), None)
    return None


_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


class Handler(BaseHTTPRequestHandler):
    server_version = "llm4rec-kg"
    site: Site  # set on the subclass made by make_server
    timeout = 30  # seconds a client may take to send its request (slow clients hang up)

    def handle_one_request(self) -> None:
        """One request; a bug becomes a 500 with its traceback on stderr, never a silently
        dropped connection."""
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")

    # ------------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args: Any) -> None:
        if self.site.config.access_log:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(
        self, status: int, body: str | bytes, media: str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        charset = "; charset=utf-8" if media.startswith(("text/", "application/")) else ""
        self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        security = {"X-Content-Type-Options": "nosniff"}
        if media == "text/html":
            security["Content-Security-Policy"] = PAGE_CSP
        for name, value in {**CORS, **security, **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, message.rstrip("\n") + "\n", "text/plain")

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        for name, value in CORS.items():
            self.send_header(name, value)
        self.send_header("Access-Control-Max-Age", "86400")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                if negotiate(self.headers.get("Accept", ""), ["text/html", *GRAPH_TYPES]) == (
                    "text/html"
                ):
                    return self._query_form()
                return self._service_description()
            return self._query(params["query"][0])
        if url.path in ("/", "/index.html", "/index.ttl", "/index.jsonld", "/index.nt"):
            return self._home(url.path)
        name = url.path.lstrip("/")
        if name in DUMPS or name == EXPLORER:
            return self._dump(name)
        if name == ".well-known/void":
            return self._dump("void.ttl")
        if name in ("ontology", "ontology/") or name.startswith("ontology."):
            return self._ontology(name)
        if name.startswith("ontology/") or name in ONTOLOGY_FILES:
            return self._ontology_file(name)
        return self._entity(url.path)

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, "POST is only accepted at /sparql")
        media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        declared = (self.headers.get("Content-Length") or "0").strip()
        if not declared.isdigit():
            return self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be a whole number")
        if int(declared) > MAX_BODY:
            self.close_connection = True
            return self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a query may be at most {MAX_BODY} bytes"
            )
        body = self.rfile.read(int(declared)).decode("utf-8", errors="replace")
        if media == "application/sparql-update":
            return self._refuse_update()
        if media == "application/sparql-query":
            return self._query(body)
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return self._refuse_update()
            if "query" in form:
                return self._query(form["query"][0])
            return self._error(HTTPStatus.BAD_REQUEST, "the form has no 'query' field")
        return self._error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "POST a query as application/sparql-query or as a form",
        )

    # ------------------------------------------------------------------ SPARQL

    def _refuse_update(self) -> None:
        self._error(
            HTTPStatus.FORBIDDEN, "This endpoint is read-only: SPARQL Update is not accepted."
        )

    def _query(self, text: str) -> None:
        key = (text, self.headers.get("Accept", ""))
        if (saved := self.site.answers.get(key)) is not None:
            return self._send(HTTPStatus.OK, saved[0], saved[1], saved[2])
        config = self.site.config
        text = prefixes.declare(text, self.site.prefixes)
        try:
            # Refused before a worker sees it: a SERVICE clause would connect elsewhere.
            guard.check(text, config.allowed_services)
            result: Result = self.site.pool.run(text, config.timeout)
        except QueryTimeout as err:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(err))
        except guard.ServiceRefused as err:
            return self._error(HTTPStatus.BAD_REQUEST, str(err))
        except UsageError as err:
            if guard.is_update(text):  # an update sent as a query: refused, not a syntax error
                return self._refuse_update()
            return self._error(
                HTTPStatus.BAD_REQUEST, prefixes.readable(str(err), text, self.site.prefixes)
            )
        headers = {"X-Result-Truncated": str(config.max_rows)} if result.truncated else {}
        accept = self.headers.get("Accept", "")
        if result.kind == "graph":
            media = negotiate(accept, list(GRAPH_TYPES))
            if media is None:
                return self._not_acceptable(list(GRAPH_TYPES))
            body = results.to_rdf(result, GRAPH_TYPES[media], self.site.prefixes)
            return self._answer(key, body, media, headers)
        offered = [*SELECT_TYPES, "text/html"]  # last: */* gets JSON, a browser a table
        if result.kind == "ask":
            offered = [m for m in offered if m not in ("text/csv", "text/tab-separated-values")]
        media = negotiate(accept, offered)
        if media is None:
            return self._not_acceptable(offered)
        if media == "text/html":
            return self._send(HTTPStatus.OK, self._form_page(text, result), media)
        self._answer(key, SELECT_TYPES[media](result), media, headers)

    def _answer(
        self, key: tuple[str, str], body: str | bytes, media: str, headers: dict[str, str]
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.site.answers.put(key, (data, media, headers))
        self._send(HTTPStatus.OK, data, media, headers)

    def _not_acceptable(self, offered: list[str]) -> None:
        self._error(HTTPStatus.NOT_ACCEPTABLE, "acceptable types: " + ", ".join(offered))

    def _service_description(self) -> None:
        host = self.headers.get("Host", "")
        if not _HOST.match(host):  # a Host header is the client's text, not an IRI part
            host = f"{self.site.config.host}:{self.site.config.port}"
        endpoint = ox.NamedNode(f"http://{host}/sparql")
        sd = "http://www.w3.org/ns/sparql-service-description#"
        store = ox.Store()
        triples: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (str(RDF.type), ox.NamedNode(sd + "Service")),
            (sd + "endpoint", endpoint),
            (sd + "supportedLanguage", ox.NamedNode(sd + "SPARQL11Query")),
            (str(RDFS.label), ox.Literal("LLM4Rec knowledge graph (read-only)")),
        ]
        formats = [
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
        ]
        triples += [
            (sd + "resultFormat", ox.NamedNode(f"http://www.w3.org/ns/formats/{f}"))
            for f in formats
        ]
        for predicate, obj in triples:
            store.add(ox.Quad(endpoint, ox.NamedNode(predicate), obj))
        media = negotiate(self.headers.get("Accept", ""), list(GRAPH_TYPES))
        if media is None:
            return self._not_acceptable(list(GRAPH_TYPES))
        result = graph_result(store)
        prefixes = {"sd": sd, "rdfs": str(RDFS)}
        self._send(HTTPStatus.OK, results.to_rdf(result, GRAPH_TYPES[media], prefixes), media)

    # ------------------------------------------------------------------ pages

    def _query_form(self) -> None:
        self._send(HTTPStatus.OK, self._form_page(None, None), "text/html")

    def _form_page(self, text: str | None, result: Result | None) -> str:
        named = self.site.named_queries
        rows = []
        if result is not None and result.kind == "select":
            rows = [[_cell(row.get(v)) for v in result.variables] for row in result.rows]
        first = named[0][2] if named else ""
        return self.site.templates.get_template("sparql.html").render(
            nav=NAV, query=text or first, named=named, result=result, rows=rows
        )

    def _home(self, path: str) -> None:
        media = SUFFIXES.get(path.removeprefix("/index")) or negotiate(
            self.headers.get("Accept", ""), ["text/html", *GRAPH_TYPES]
        )
        if media is None:
            return self._not_acceptable(["text/html", *GRAPH_TYPES])
        if media != "text/html":
            rdf = self.site.describer.rdf(self.site.config.base, media)
            return self._send(HTTPStatus.OK, rdf, media)
        self._send(HTTPStatus.OK, self.site.home_page, "text/html")

    def _dump(self, name: str) -> None:
        site = self.site.config.site
        if not site or not (site / name).is_file():
            return self._error(HTTPStatus.NOT_FOUND, f"{name} has not been built")
        if name == EXPLORER:
            return self._send(
                HTTPStatus.OK,
                (site / name).read_bytes(),
                "text/html",
                {"Content-Security-Policy": APP_CSP},
            )
        self._send(HTTPStatus.OK, (site / name).read_bytes(), DUMPS[name])

    def _known(self, iri: str) -> bool:
        try:
            return self.site.describer.known(iri)
        except ValueError:  # not an IRI at all
            return False

    def _ontology(self, name: str) -> None:
        suffix = name.removeprefix("ontology").rstrip("/")
        media = describe.MEDIA_BY_SUFFIX.get(suffix) or negotiate(
            self.headers.get("Accept", ""), ["text/html", *GRAPH_TYPES]
        )
        if media is None:
            return self._not_acceptable(["text/html", *GRAPH_TYPES])
        if media == "text/html":
            return self._send(HTTPStatus.OK, self.site.ontology_page, media)
        if media == "text/turtle":
            return self._send(HTTPStatus.OK, ontology_file("llm4rec.ttl").read_bytes(), media)
        self._send(HTTPStatus.OK, ontology_doc.serialised(media), media)

    def _ontology_file(self, name: str) -> None:
        """A version of the ontology, or the shapes: one document each, in Turtle."""
        if name in ONTOLOGY_FILES:
            path = ontology_file(ONTOLOGY_FILES[name])
        else:
            version = name.removeprefix("ontology/").removesuffix(".ttl")
            current = self.site.ontology_version
            path = (
                ontology_file("llm4rec.ttl")
                if version == current
                else ontology_file("versions") / f"{version}.ttl"
            )
            if not re.fullmatch(r"[0-9][0-9.]*", version):
                return self._error(HTTPStatus.NOT_FOUND, f"no ontology version {version}")
        if not path.is_file():
            return self._error(HTTPStatus.NOT_FOUND, f"no such document: /{name}")
        self._send(HTTPStatus.OK, path.read_bytes(), "text/turtle")

    def _entity(self, path: str) -> None:
        describer = self.site.describer
        root = self.site.config.base.rstrip("/")
        # The path names an IRI, or an IRI and a format suffix; an IRI may itself end like a
        # suffix (distribution/llm4rec.ttl), so the whole path is tried first.
        candidates = [(path, "")] + [
            (path[: -len(ending)], ending) for ending in SUFFIXES if path.endswith(ending)
        ]
        found = next(
            ((stem, suffix) for stem, suffix in candidates if self._known(root + stem)), None
        )
        if found is None:
            return self._error(HTTPStatus.NOT_FOUND, f"no entity at {path}")
        stem, suffix = found
        iri = root + stem
        if (moved := describer.replaced_by(iri)) is not None:
            return self._send(
                HTTPStatus.MOVED_PERMANENTLY,
                f"{iri} is now {moved}\n",
                "text/plain",
                {"Location": moved[len(self.site.config.base.rstrip("/")) :] + suffix},
            )
        if suffix:
            media: str | None = SUFFIXES[suffix]
        else:
            media = negotiate(self.headers.get("Accept", ""), ["text/html", *GRAPH_TYPES])
        if media is None:
            return self._not_acceptable(["text/html", *GRAPH_TYPES])
        if media == "text/html":
            context = describer.page(iri, self.site.href)
            page = self.site.templates.get_template("entity.html").render(
                **context, nav=NAV, alternates=_alternates(stem)
            )
            return self._send(HTTPStatus.OK, page, media)
        self._send(HTTPStatus.OK, describer.rdf(iri, media), media)


NAV = [
    ("Home", "/"),
    ("Explore", "/" + EXPLORER),
    ("SPARQL", "/sparql"),
    ("Ontology", "/ontology"),
    ("Quality report", "/quality"),
]


def _alternates(stem: str) -> list[tuple[str, str]]:
    return [(media, stem + suffix) for media, suffix in describe.MEDIA.items()]


def _cell(term: Any) -> str:
    return "" if term is None else str(term.value)


class _Server(ThreadingHTTPServer):
    # The standard library listens with a backlog of 5; bursts of clients were reset.
    request_queue_size = 128


def make_server(
    config: ServeConfig, nt_file: Path, store: ox.Store, triples: int
) -> tuple[ThreadingHTTPServer, Site]:
    pool = QueryPool(
        nt_file, config.workers, config.max_rows, config.max_workers, config.query_memory_mb << 20
    )
    site = Site(config, store, pool, triples)
    handler = type("BoundHandler", (Handler,), {"site": site})
    try:
        server = _Server((config.host, config.port), handler)
    except OSError as err:
        site.close()
        raise KGError(f"cannot listen on {config.host}:{config.port}: {err}") from err
    server.daemon_threads = True
    return server, site


class Endpoint:
    """A running server; use as a context manager or call ``serve_forever``."""

    def __init__(self, graph_nt: bytes, config: ServeConfig) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="llm4rec-serve-")
        nt_file = Path(self._tmp.name) / "graph.nt"
        nt_file.write_bytes(graph_nt)
        store = ox.Store()
        store.bulk_load(graph_nt, format=ox.RdfFormat.N_TRIPLES)
        triples = len(store)  # the data's; the pages describe its VoID and report too
        describe.add_descriptions(store, config.site)
        self.server, self.site = make_server(config, nt_file, store, triples)
        self.config = config

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        try:
            self.server.serve_forever()
        finally:
            self.close()

    def close(self) -> None:
        self.server.server_close()
        self.site.close()
        self._tmp.cleanup()

    def __enter__(self) -> Endpoint:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.close()
