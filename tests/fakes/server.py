"""A scripted HTTP server on 127.0.0.1: replies queued by a test first, then a default responder."""

import json
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[tuple[str | None, bytes]]]:
        """A multipart/form-data body as field name -> [(file name, content)]."""
        header = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(header + self.body)
        fields: dict[str, list[tuple[str | None, bytes]]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            fields.setdefault(str(name), []).append((part.get_filename(), payload))
        return fields


@dataclass
class Reply:
    """A canned reply: status, JSON body, headers, and an optional delay before it is sent.

    `raw` is sent as it is in place of the JSON of `body`, with `content_type`.
    `cut_after_bytes` closes the connection after that much of the body, which
    the headers announced whole. `trickle_seconds` sends the body a byte at a
    time with that pause before each byte, as a server that stalls does.
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    raw: bytes | None = None
    content_type: str = "application/json"
    cut_after_bytes: int | None = None
    trickle_seconds: float = 0.0

    def payload(self) -> bytes:
        return self.raw if self.raw is not None else json.dumps(self.body).encode()


class FakeServer:
    """Threaded HTTP server; subclasses answer in `respond` when no scripted reply is queued."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.abandoned: list[Recorded] = []
        # Replies sent to a client that was still waiting. A reply counts as delivered before it is
        # written, so a test that reads this once the client has its answer sees it.
        self.delivered: list[tuple[Recorded, Reply]] = []
        self.script: deque[Reply] = deque()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                recorded = Recorded(
                    method="POST",
                    path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                reply = fake._next(recorded)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                    if _closed_by_client(self.connection):
                        fake._abandoned(recorded, reply)  # the client gave up first: the timeout cases
                        self.close_connection = True
                        return
                payload = reply.payload()
                fake._deliver(recorded, reply)
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.cut_after_bytes is not None:
                        self.wfile.write(payload[: reply.cut_after_bytes])
                        self.close_connection = True
                        fake._abandoned(recorded, reply)
                        return
                    if reply.trickle_seconds:
                        _trickle(self.wfile, payload, reply.trickle_seconds)
                        return
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    fake._abandoned(recorded, reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _deliver(self, request: Recorded, reply: Reply) -> None:
        with self._lock:
            self.delivered.append((request, reply))

    def _abandoned(self, request: Recorded, reply: Reply) -> None:
        """Called for a reply cut short, or one whose client closed the connection (timed out) before it was sent."""
        with self._lock:
            self.abandoned.append(request)
            self.delivered = [item for item in self.delivered if item[0] is not request]

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def _next(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            scripted = self.script.popleft() if self.script else None
        return scripted if scripted is not None else self.respond(request)

    def respond(self, request: Recorded) -> Reply:
        raise NotImplementedError


def _trickle(output: Any, payload: bytes, pause_seconds: float) -> None:
    """Write `payload` a byte at a time; raises BrokenPipeError or ConnectionResetError once the client is gone."""
    for index in range(len(payload)):
        time.sleep(pause_seconds)
        output.write(payload[index : index + 1])
        output.flush()


def _closed_by_client(connection: socket.socket) -> bool:
    """Whether the client has closed its end: the socket reads as ready, and reading it returns no data."""
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
