"""The routes, as a Starlette application; the same IRIs as the static site (``publish/site``).

- ``/sparql``: the SPARQL 1.1 Protocol (GET, form POST, direct POST); without a query, a
  service description, or a query form for a browser; SELECT answers as HTML too.
- ``/``: the dataset, as its landing page or its VoID by the Accept header;
  ``/.well-known/void``; the dumps and ``/llm4rec.html``, the offline explorer.
- ``/ontology`` (and ``/ontology/``): the ontology's documentation or the ontology;
  ``/ontology/VERSION`` and ``/shapes``: those files.
- ``/{path}``: any other IRI of the data, the VoID or the quality report, as HTML, Turtle,
  N-Triples or JSON-LD (by Accept header or suffix), with its links out and in; a replaced
  IRI redirects to its replacement.

Every answer carries the headers of ``config.default_headers`` (added by ``SecurityHeaders``
around everything, errors included); pages and dumps carry an ETag and Last-Modified and
answer a conditional request with 304; bodies are gzipped for clients that accept it.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llm4rec_kg.errors import UsageError
from llm4rec_kg.graph.vocab import RDF, RDFS
from llm4rec_kg.publish import describe, ontology_doc
from llm4rec_kg.resources import ontology_file
from llm4rec_kg.serve.answers import Answer
from llm4rec_kg.serve.config import APP_CSP, PAGE_CSP, default_headers
from llm4rec_kg.serve.negotiation import negotiate
from llm4rec_kg.serve.pages import DUMPS, EXPLORER, NAV, Site, alternates
from llm4rec_kg.sparql import guard, prefixes, queries, results
from llm4rec_kg.sparql.pool import QueryBusy, QueryTimeout
from llm4rec_kg.sparql.results import Result, Term, graph_result

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
ONTOLOGY_FILES = {"shapes": "shapes.ttl", "report-shapes.ttl": "report-shapes.ttl"}
MAX_URL = 16 * 1024  # a longer GET query is refused with 414: POST it
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


class BodyTooLarge(Exception):
    pass


# ---------------------------------------------------------------------- responses


def send(
    status: int,
    body: str | bytes,
    media: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    charset = "; charset=utf-8" if media.startswith(("text/", "application/")) else ""
    extra = {"Vary": "Accept", **(headers or {})}
    if media == "text/html":
        extra.setdefault("Content-Security-Policy", PAGE_CSP)
    response = Response(data, status_code=status, headers=extra)
    response.headers["Content-Type"] = media + charset
    return response


def error(status: HTTPStatus, message: str) -> Response:
    return send(status, message.rstrip("\n") + "\n", "text/plain")


def not_acceptable(offered: list[str]) -> Response:
    return error(HTTPStatus.NOT_ACCEPTABLE, "acceptable types: " + ", ".join(offered))


def refuse_update() -> Response:
    return error(HTTPStatus.FORBIDDEN, "This endpoint is read-only: SPARQL Update is not accepted.")


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)


def conditional(request: Request, response: Response, modified: float) -> Response:
    """A 200 with an ETag and Last-Modified, or a 304 when the client's copy is current."""
    etag = response.headers.get("ETag")
    if etag is None:
        # weak: the same page gzipped is another byte sequence of the same representation
        etag = 'W/"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
        response.headers["ETag"] = etag
    response.headers.setdefault("Last-Modified", http_date(modified))
    if _not_modified(request, etag, int(modified)):
        kept = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Response(status_code=304, headers=kept)
    return response


def _not_modified(request: Request, etag: str, modified: int) -> bool:
    if (tags := request.headers.get("If-None-Match")) is not None:
        wanted = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    if (since := request.headers.get("If-Modified-Since")) is not None:
        try:
            when = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= when
    return False


# ---------------------------------------------------------------------- the routes


class Routes:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def dispatch(self, request: Request) -> Response:
        if len(request.scope["raw_path"]) + len(request.scope["query_string"]) > MAX_URL:
            return error(
                HTTPStatus.REQUEST_URI_TOO_LONG,
                f"a URL may be at most {MAX_URL} bytes: POST a long query instead",
            )
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Access-Control-Max-Age": "86400"})
        if request.method == "POST":
            return await self.post(request)
        return await run_in_threadpool(self.get, request)

    def get(self, request: Request) -> Response:
        path = request.url.path
        if path == "/sparql":
            params = parse_qs(request.url.query, keep_blank_values=True)
            if "update" in params:
                return refuse_update()
            if "query" not in params:
                accept = request.headers.get("Accept", "")
                if negotiate(accept, ["text/html", *GRAPH_TYPES]) == "text/html":
                    return send(HTTPStatus.OK, self._form_page(None, None), "text/html")
                return self._service_description(request)
            return self.query(request, params["query"][0])
        if path in ("/", "/index.html", "/index.ttl", "/index.jsonld", "/index.nt"):
            return self._home(request, path)
        name = path.lstrip("/")
        if name in DUMPS or name == EXPLORER:
            return self._dump(request, name)
        if name == ".well-known/void":
            return self._dump(request, "void.ttl")
        if name in ("ontology", "ontology/") or name.startswith("ontology."):
            return self._ontology(request, name)
        if name.startswith("ontology/") or name in ONTOLOGY_FILES:
            return self._ontology_file(request, name)
        return self._entity(request, path)

    async def post(self, request: Request) -> Response:
        if request.url.path != "/sparql":
            return error(HTTPStatus.NOT_FOUND, "POST is only accepted at /sparql")
        limit = self.site.config.max_body
        declared = request.headers.get("Content-Length")
        if declared is not None and int(declared) > limit:  # h11 checked it is digits
            return error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a query may be at most {limit} bytes"
            )
        try:
            raw = await _read(request, limit)
        except BodyTooLarge:
            return error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a query may be at most {limit} bytes"
            )
        except ClientDisconnect:
            return error(HTTPStatus.BAD_REQUEST, "the client closed the connection")
        body = raw.decode("utf-8", errors="replace")
        media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return refuse_update()
        if media == "application/sparql-query":
            return await run_in_threadpool(self.query, request, body)
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return refuse_update()
            if "query" in form:
                return await run_in_threadpool(self.query, request, form["query"][0])
            return error(HTTPStatus.BAD_REQUEST, "the form has no 'query' field")
        return error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "POST a query as application/sparql-query or as a form",
        )

    # ------------------------------------------------------------------ SPARQL

    def query(self, request: Request, text: str) -> Response:
        site, config = self.site, self.site.config
        accept = request.headers.get("Accept", "")
        key = (text, accept)
        if (saved := site.answers.get(key)) is not None:
            return send(HTTPStatus.OK, saved.body, saved.media, dict(saved.headers))
        text = prefixes.declare(text, site.prefixes)
        try:
            # A second layer: the workers have no network whatever this check says.
            guard.check(text, config.allowed_services)
            result: Result = site.pool.run(text, config.timeout)
        except QueryBusy as err:
            return send(503, str(err) + "\n", "text/plain", {"Retry-After": "5"})
        except QueryTimeout as err:
            return error(HTTPStatus.SERVICE_UNAVAILABLE, str(err))
        except guard.ServiceRefused as err:
            return error(HTTPStatus.BAD_REQUEST, str(err))
        except UsageError as err:
            if guard.is_update(text):  # an update sent as a query: refused, not a syntax error
                return refuse_update()
            return error(HTTPStatus.BAD_REQUEST, prefixes.readable(str(err), text, site.prefixes))
        headers = {"X-Result-Truncated": str(config.max_rows)} if result.truncated else {}
        if result.kind == "graph":
            media = negotiate(accept, list(GRAPH_TYPES))
            if media is None:
                return not_acceptable(list(GRAPH_TYPES))
            body = results.to_rdf(result, GRAPH_TYPES[media], site.prefixes)
            return self._answer(key, body, media, headers)
        offered = [*SELECT_TYPES, "text/html"]  # last: */* gets JSON, a browser a table
        if result.kind == "ask":
            offered = [m for m in offered if m not in ("text/csv", "text/tab-separated-values")]
        media = negotiate(accept, offered)
        if media is None:
            return not_acceptable(offered)
        if media == "text/html":
            return send(HTTPStatus.OK, self._form_page(text, result), media)
        return self._answer(key, SELECT_TYPES[media](result), media, headers)

    def _answer(
        self, key: tuple[str, str], body: str | bytes, media: str, headers: dict[str, str]
    ) -> Response:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.site.answers.put(key, Answer(data, media, tuple(headers.items())))
        return send(HTTPStatus.OK, data, media, headers)

    def _service_description(self, request: Request) -> Response:
        host = request.headers.get("Host", "")
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
        media = negotiate(request.headers.get("Accept", ""), list(GRAPH_TYPES))
        if media is None:
            return not_acceptable(list(GRAPH_TYPES))
        names = {"sd": sd, "rdfs": str(RDFS)}
        return send(
            HTTPStatus.OK, results.to_rdf(graph_result(store), GRAPH_TYPES[media], names), media
        )

    # ------------------------------------------------------------------ pages

    def _form_page(self, text: str | None, result: Result | None) -> str:
        named = self.site.named_queries
        rows = []
        if result is not None and result.kind == "select":
            rows = [[_cell(row.get(v)) for v in result.variables] for row in result.rows]
        first = named[0][2] if named else ""
        return self.site.templates.get_template("sparql.html").render(
            nav=NAV, query=text or first, named=named, result=result, rows=rows
        )

    def _page(self, request: Request, body: str | bytes, media: str) -> Response:
        return conditional(request, send(HTTPStatus.OK, body, media), self.site.loaded)

    def _home(self, request: Request, path: str) -> Response:
        offered = ["text/html", *GRAPH_TYPES]
        media = SUFFIXES.get(path.removeprefix("/index")) or negotiate(
            request.headers.get("Accept", ""), offered
        )
        if media is None:
            return not_acceptable(offered)
        if media != "text/html":
            return self._page(request, self.site.describer.rdf(self.site.config.base, media), media)
        return self._page(request, self.site.home_page, "text/html")

    def _dump(self, request: Request, name: str) -> Response:
        site = self.site.config.site
        if not site or not (site / name).is_file():
            return error(HTTPStatus.NOT_FOUND, f"{name} has not been built")
        path = site / name
        media = "text/html" if name == EXPLORER else DUMPS[name]
        headers = {"Vary": "Accept"}
        if name == EXPLORER:
            headers["Content-Security-Policy"] = APP_CSP
        stat = path.stat()
        response = FileResponse(
            path, headers=headers, media_type=_with_charset(media), stat_result=stat
        )
        etag = response.headers["etag"] = "W/" + response.headers["etag"]
        if _not_modified(request, etag, int(stat.st_mtime)):
            kept = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return Response(status_code=304, headers=kept)
        return response

    def _ontology(self, request: Request, name: str) -> Response:
        suffix = name.removeprefix("ontology").rstrip("/")
        offered = ["text/html", *GRAPH_TYPES]
        media = describe.MEDIA_BY_SUFFIX.get(suffix) or negotiate(
            request.headers.get("Accept", ""), offered
        )
        if media is None:
            return not_acceptable(offered)
        if media == "text/html":
            return self._page(request, self.site.ontology_page, media)
        if media == "text/turtle":
            return self._page(request, ontology_file("llm4rec.ttl").read_bytes(), media)
        return self._page(request, ontology_doc.serialised(media), media)

    def _ontology_file(self, request: Request, name: str) -> Response:
        """A version of the ontology, or the shapes: one document each, in Turtle."""
        path: Path
        if name in ONTOLOGY_FILES:
            path = ontology_file(ONTOLOGY_FILES[name])
        else:
            version = name.removeprefix("ontology/").removesuffix(".ttl")
            if not re.fullmatch(r"[0-9][0-9.]*", version):
                return not_found(request, self.site, f"/{name}")
            path = (
                ontology_file("llm4rec.ttl")
                if version == self.site.ontology_version
                else ontology_file("versions") / f"{version}.ttl"
            )
        if not path.is_file():
            return not_found(request, self.site, f"/{name}")
        return self._page(request, path.read_bytes(), "text/turtle")

    def _entity(self, request: Request, path: str) -> Response:
        site = self.site
        root = site.config.base.rstrip("/")
        # The path names an IRI, or an IRI and a format suffix; an IRI may itself end like a
        # suffix (distribution/llm4rec.ttl), so the whole path is tried first.
        candidates = [(path, "")] + [
            (path[: -len(ending)], ending) for ending in SUFFIXES if path.endswith(ending)
        ]
        found = next(((stem, sfx) for stem, sfx in candidates if site.known(root + stem)), None)
        if found is None:
            return not_found(request, site, path)
        stem, suffix = found
        iri = root + stem
        if (moved := site.describer.replaced_by(iri)) is not None:
            return send(
                HTTPStatus.MOVED_PERMANENTLY,
                f"{iri} is now {moved}\n",
                "text/plain",
                {"Location": moved[len(root) :] + suffix},
            )
        offered = ["text/html", *GRAPH_TYPES]
        media = (
            SUFFIXES[suffix] if suffix else negotiate(request.headers.get("Accept", ""), offered)
        )
        if media is None:
            return not_acceptable(offered)
        if media == "text/html":
            context = site.describer.page(iri, site.href)
            page = site.templates.get_template("entity.html").render(
                **context, nav=NAV, alternates=alternates(stem)
            )
            return self._page(request, page, media)
        return self._page(request, site.describer.rdf(iri, media), media)


def not_found(request: Request, site: Site, path: str) -> Response:
    """A 404 a person can act on: for a browser, a page with a search for the path's words
    (the named query ``search``, its value bound, never pasted); plain text otherwise."""
    message = f"no entity at {path}"
    if negotiate(request.headers.get("Accept", ""), ["text/plain", "text/html"]) != "text/html":
        return error(HTTPStatus.NOT_FOUND, message)
    segment = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    # the longest word of the last segment: "llama-typo" searches for "llama"
    words = max(re.findall(r"[^\W\d_]{3,}", segment), key=len, default=segment)[:100]
    search = queries.load_all()["search"]
    text = queries.with_values(search.text, {"words": Term("literal", words or path)})
    page = site.templates.get_template("404.html").render(
        nav=NAV,
        path=path,
        words=words or path,
        search="/sparql?" + urlencode({"query": text}),
        explorer="/" + EXPLORER,
        home="/",
    )
    return send(HTTPStatus.NOT_FOUND, page, "text/html")


def _with_charset(media: str) -> str:
    return media + ("; charset=utf-8" if media.startswith(("text/", "application/")) else "")


def _cell(term: Any) -> str:
    return "" if term is None else str(term.value)


async def _read(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------- assembly


class SecurityHeaders:
    """Adds the headers every response must carry, where the response did not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in default_headers()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def application(site: Site) -> ASGIApp:
    routes = Routes(site)
    methods = ["GET", "HEAD", "POST", "OPTIONS"]
    app = Starlette(routes=[Route("/{path:path}", routes.dispatch, methods=methods)])
    return SecurityHeaders(GZipMiddleware(app, minimum_size=1024, compresslevel=6))
