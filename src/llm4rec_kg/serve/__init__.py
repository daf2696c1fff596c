"""The read-only SPARQL endpoint and Linked Data pages, served by uvicorn and Starlette.

- ``config``: what an operator sets (address, limits) and the headers every response carries;
- ``app``: the routes (SPARQL 1.1 Protocol, entity pages, dumps), a Starlette application;
- ``pages``: what the routes read: the store, the query pool, templates, the answer cache;
- ``protocol``: the HTTP connection limits uvicorn lacks (a deadline for a whole request,
  a cap on open connections, security headers on framing errors);
- ``endpoint``: a running server, and ``get`` for one request without a socket.
"""

from llm4rec_kg.serve.config import ServeConfig
from llm4rec_kg.serve.endpoint import Endpoint

__all__ = ["Endpoint", "ServeConfig"]
