"""A tiny HTTP receiver for alerts posted by apprise's json:// (the demo's and the tests' inbox)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from flows.loopback import LoopbackServer


class AlertReceiver(LoopbackServer):
    """Collects JSON POST bodies on 127.0.0.1; `status` and `delay` simulate a failing or slow
    channel."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict] = []
        self.posts = 0  # every POST, accepted or not
        self.status = 200
        self.delay = 0.0  # seconds before answering: a slow or hanging channel
        self.headers: dict[str, str] = {}  # sent with every answer (e.g. Retry-After)
        self.posted_at: list[float] = []  # time.monotonic() of every POST
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The apprise URL that posts to this receiver."""
        return f"json://127.0.0.1:{self.port}/alerts"

    def start(self) -> AlertReceiver:
        """Listen on a free loopback port in a background thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.posts += 1
                    receiver.posted_at.append(time.monotonic())
                if receiver.delay:
                    time.sleep(receiver.delay)
                if receiver.status == 200:
                    with receiver._lock:
                        receiver.received.append(json.loads(body or b"{}"))
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", "2")
                    for name, value in receiver.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(b"ok")  # what a Slack webhook answers; json:// ignores it
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a hanging channel, simulated)

            def log_message(self, *args: object) -> None:
                pass

        self.serve(Handler)
        return self
