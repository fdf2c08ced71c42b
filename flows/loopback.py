"""A threaded HTTP server on 127.0.0.1 in the background: the demo site's and the alert inbox's."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    """Serves a handler class on a free port of 127.0.0.1 from a daemon thread.

    Subclasses define start() (which calls serve()); the handler reaches the subclass as
    `self.server.owner`. Used as a context manager, it is started and stopped around the block."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens on."""
        assert self._server, f"{type(self).__name__} not started"
        return self._server.server_address[1]

    def serve(
        self, handler: type[BaseHTTPRequestHandler], *, port: int = 0, backlog: int = 5
    ) -> None:
        """Start listening on `port` (0: a free one) with `handler` answering every request;
        `backlog` connections may wait to be accepted."""
        server = ThreadingHTTPServer(("127.0.0.1", port), handler, bind_and_activate=False)
        server.request_queue_size = backlog
        server.daemon_threads = True  # a hanging client must not hold the process at exit
        server.owner = self  # type: ignore[attr-defined]
        try:
            server.server_bind()
            server.server_activate()
        except OSError:
            server.server_close()
            raise
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def start(self) -> object:
        """Start serving (subclasses: build the handler and call serve())."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop listening and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
