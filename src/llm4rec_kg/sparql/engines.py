"""Where queries run: an embedded pyoxigraph store, or any SPARQL 1.1 endpoint."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from llm4rec_kg.errors import SourceError, UsageError
from llm4rec_kg.sparql import guard, prefixes, sandbox
from llm4rec_kg.sparql.queries import with_values
from llm4rec_kg.sparql.results import Result, Term, from_oxigraph, from_sparql_json, graph_result

if TYPE_CHECKING:
    from llm4rec_kg.graph.triples import Triples

USER_ENV, PASSWORD_ENV, TOKEN_ENV = "LLM4REC_USER", "LLM4REC_PASSWORD", "LLM4REC_TOKEN"


class Engine(Protocol):
    def run(
        self, query: str, bindings: Mapping[str, Term] | None = None, cap: int | None = None
    ) -> Result: ...


def store_from_graph(graph: Triples) -> ox.Store:
    return graph.store()


def store_from_ntriples(text: str) -> ox.Store:
    """A store of N-Triples text, bulk-loaded (ten times faster than adding terms)."""
    store = ox.Store()
    store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def store_from_file(path: str) -> ox.Store:
    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".jsonld": ox.RdfFormat.JSON_LD,
    }
    suffix = Path(path).suffix
    if suffix not in formats:
        raise UsageError(f"{path}: data must be .ttl, .nt or .jsonld")
    store = ox.Store()
    try:
        store.bulk_load(path=path, format=formats[suffix])
    except (OSError, SyntaxError, ValueError) as err:
        raise SourceError(f"{path}: cannot load: {err}") from err
    return store


class QuerySyntaxError(UsageError):
    """The query does not parse; the message carries line and column."""


class EmbeddedEngine:
    """A pyoxigraph store. A query with a SERVICE clause runs only when its endpoint is in
    allowed_services (``guard``); an untrusted query (``isolate``) is evaluated in a child
    process with no network (``sandbox``), so no reading of its text can let it connect."""

    def __init__(
        self,
        store: ox.Store,
        allowed_services: tuple[str, ...] = (),
        known_prefixes: Mapping[str, str] | None = None,
        isolate: bool = False,
    ) -> None:
        self.store = store
        self.allowed_services = allowed_services
        self.known_prefixes = known_prefixes or {}
        self.isolate = isolate and not allowed_services

    def run(
        self, query: str, bindings: Mapping[str, Term] | None = None, cap: int | None = None
    ) -> Result:
        guard.check(query, self.allowed_services)
        if self.isolate:
            return sandbox.run_isolated(self._evaluate, query, bindings, cap)
        return self._evaluate(query, bindings, cap)

    def _evaluate(self, query: str, bindings: Mapping[str, Term] | None, cap: int | None) -> Result:
        substitutions: dict[ox.Variable, Any] = {
            ox.Variable(k): v.to_oxigraph() for k, v in (bindings or {}).items()
        }
        try:
            # Solutions are computed as they are read, so reading them is inside the try.
            return from_oxigraph(self.store.query(query, substitutions=substitutions), cap)
        except SyntaxError as err:
            message = prefixes.readable(f"SPARQL syntax {err}", query, self.known_prefixes)
            raise QuerySyntaxError(message) from err
        except RuntimeError as err:  # pyoxigraph's evaluation errors
            raise UsageError(f"query failed: {err}") from err
        except OSError as err:
            raise SourceError(f"query failed: {err}") from err


def auth_header() -> str | None:
    """Credentials from the environment, never from arguments (they would show in ps)."""
    if token := os.environ.get(TOKEN_ENV):
        return f"Bearer {token}"
    user = os.environ.get(USER_ENV)
    if user is not None:
        raw = f"{user}:{os.environ.get(PASSWORD_ENV, '')}".encode()
        return "Basic " + base64.b64encode(raw).decode()
    return None


class RemoteEngine:
    """Any SPARQL 1.1 Protocol endpoint, through SPARQLWrapper."""

    def __init__(self, endpoint: str, timeout: float = 30, graph: str | None = None) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.graph = graph  # sent as default-graph-uri, for stores that keep named graphs

    def run(
        self, query: str, bindings: Mapping[str, Term] | None = None, cap: int | None = None
    ) -> Result:
        from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        text = with_values(query, bindings or {})
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(text)
        client.setMethod(POST)
        client.setOnlyConneg(True)  # no format= parameter: Virtuoso answers it with 406
        client.setTimeout(int(self.timeout))
        if self.graph:
            client.addDefaultGraph(self.graph)
        if header := auth_header():
            client.addCustomHttpHeader("Authorization", header)
        graph_query = client.queryType in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(N3 if graph_query else JSON)
        if graph_query:  # Virtuoso answers N-Triples only as Turtle, which parses both
            client.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
        try:
            response = client.query()
            data = response.convert()
        except SPARQLWrapperException as err:
            raise SourceError(f"{self.endpoint}: {str(err).splitlines()[0]}") from err
        except OSError as err:
            raise SourceError(f"{self.endpoint}: cannot reach the endpoint: {err}") from err
        if graph_query:
            store = ox.Store()
            raw = data if isinstance(data, bytes) else str(data).encode()
            store.load(raw, format=ox.RdfFormat.TURTLE)
            result = graph_result(store)
        else:
            assert isinstance(data, dict), "SPARQLWrapper returns JSON results as a dict"
            result = from_sparql_json(data)
        if cap is not None and len(result.rows) > cap:
            result.rows, result.truncated = result.rows[:cap], True
        return result
