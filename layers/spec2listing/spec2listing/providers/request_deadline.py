"""A deadline on the whole of each HTTP request the SDKs send, through httpx event hooks.

httpx applies its timeout to each network operation (connect, write, each
read), so a server that sends a byte every few seconds keeps a request alive
for as long as it likes. With these hooks on the SDK's httpx client, the
whole response must have arrived within the request's read timeout, counted
from when the request was sent. Past that, reading the body raises
httpx2.ReadTimeout, which the SDKs and adapters treat like any timeout. Both
SDKs pass each attempt's timeout to httpx, so the deadline is the attempt's.

NOTE: until the response headers arrive, only the per-operation timeouts
apply, so a server that trickles its headers byte by byte is not cut off.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2

# The request extension that stores when (time.monotonic()) the whole response must have arrived.
DEADLINE_EXTENSION = "spec2listing.deadline"


def deadline_event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Return `event_hooks` for an httpx2.Client that enforce the whole-request deadline."""
    return {"request": [_start_deadline], "response": [_bound_body]}


def _start_deadline(request: httpx2.Request) -> None:
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if read_timeout is not None:
        request.extensions[DEADLINE_EXTENSION] = time.monotonic() + read_timeout


def _bound_body(response: httpx2.Response) -> None:
    deadline = response.request.extensions.get(DEADLINE_EXTENSION)
    if deadline is None:
        return
    if time.monotonic() >= deadline:
        raise _timed_out(response.request)
    response.stream = DeadlineStream(response, deadline)


def _timed_out(request: httpx2.Request) -> httpx2.ReadTimeout:
    limit = request.extensions.get("timeout", {}).get("read")
    return httpx2.ReadTimeout(f"the whole response did not arrive within {limit:g} s", request=request)


class DeadlineStream(httpx2.SyncByteStream):
    """A response body that must arrive whole by `deadline` (time.monotonic()).

    Chunks that keep coming are checked against the deadline as they arrive. A
    read that blocks across the deadline is ended by a timer that shuts the
    socket down, because httpcore sets the socket's timeout anew for each read.
    """

    def __init__(self, response: httpx2.Response, deadline: float) -> None:
        assert isinstance(response.stream, httpx2.SyncByteStream)
        self._stream = response.stream
        self._request = response.request
        self._deadline = deadline
        # An HTTP/2 connection carries other requests too, so its responses rely on the chunk checks alone.
        network_stream = response.extensions.get("network_stream")
        self._socket: socket.socket | None = None
        if network_stream is not None and response.http_version.startswith("HTTP/1"):
            self._socket = network_stream.get_extra_info("socket")
        self._lock = threading.Lock()
        self._finished = False

    @property
    def elapsed(self) -> Any:
        """The wrapped stream's elapsed time, which httpx2.Response.elapsed reads."""
        return getattr(self._stream, "elapsed", None)

    def __iter__(self) -> Iterator[bytes]:
        timer = threading.Timer(max(0.0, self._deadline - time.monotonic()), self._shut_down_socket)
        timer.daemon = True
        timer.start()
        try:
            for chunk in self._stream:
                if time.monotonic() >= self._deadline:
                    raise _timed_out(self._request)
                yield chunk
        except httpx2.TransportError as error:
            # A read the timer ended fails as a closed connection; report it as the timeout it is.
            if time.monotonic() >= self._deadline:
                raise _timed_out(self._request) from error
            raise
        finally:
            with self._lock:
                self._finished = True
            timer.cancel()

    def close(self) -> None:
        self._stream.close()

    def _shut_down_socket(self) -> None:
        with self._lock:
            if self._finished or self._socket is None:
                return
            with contextlib.suppress(OSError):  # the connection closed meanwhile
                self._socket.shutdown(socket.SHUT_RDWR)
