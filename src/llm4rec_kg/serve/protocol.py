"""uvicorn's HTTP/1.1 protocol with the limits a public endpoint needs and uvicorn lacks:

- a deadline for a whole request (head and body), not per byte: a client that dribbles
  bytes is cut off when it runs out, as is one that connects and sends nothing;
- a cap on open connections: one past it gets a 503 and is closed at once;
- framing errors (bad Content-Length, oversized head) answered with the same security and
  CORS headers as every other response.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from llm4rec_kg.serve.config import default_headers


class LimitedH11Protocol(H11Protocol):
    request_deadline = 10.0  # set on a subclass per server (``limited``)
    max_connections = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self._refuse(503, b"Too many open connections; try again shortly.\n")
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.conn.their_state is h11.IDLE:
            self._arm()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
            self._disarm()  # the whole request is in: the answer may take its own time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_deadline, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]:
            self.transport.close()  # connected and sent nothing: nobody to answer
            return
        self._refuse(408, b"The request was not received in time.\n")

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, msg.encode("ascii", "replace") + b"\n")

    def _refuse(self, status: int, body: bytes) -> None:
        """An error answer written straight to the socket, then the connection closed."""
        reason = {400: b"Bad Request", 408: b"Request Timeout", 503: b"Service Unavailable"}
        head = [
            b"HTTP/1.1 %d %s" % (status, reason[status]),
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Length: %d" % len(body),
            b"Connection: close",
            *(f"{name}: {value}".encode() for name, value in default_headers()),
        ]
        if status == 503:
            head.append(b"Retry-After: 1")
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()


def limited(request_deadline: float, max_connections: int) -> type[LimitedH11Protocol]:
    """The protocol class for one server's limits."""
    return type(
        "ServerH11Protocol",
        (LimitedH11Protocol,),
        {"request_deadline": request_deadline, "max_connections": max_connections},
    )
