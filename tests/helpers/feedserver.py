"""A loopback HTTP server for feed tests (127.0.0.1, port 0, stdlib ``http.server`` in a thread).

    with FeedServer() as srv:
        srv.add("/feed.xml", RSS, content_type="application/rss+xml", etag='"v1"')
        srv.add("/old", status=301, headers={"Location": "/feed.xml"})
        srv.add("/slow", hang=True)           # answers nothing until the server stops
        srv.add("/big", stream=50 * 2**20)     # streams that many bytes, no Content-Length
        url = srv.url("/feed.xml")

Every request is logged (``srv.requests``: path and headers); ``srv.max_in_flight`` is the most
requests the server handled at once.
"""

from __future__ import annotations

import gzip as _gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    hang: bool = False
    delay: float = 0.0
    stream: int = 0          # stream this many bytes (no Content-Length) instead of body
    gzip: bool = False
    sent: int = 0            # bytes of a streamed body written so far


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def handle(self):
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):  # the client gave up (a cap, a timeout)
                    pass

            def do_GET(self):
                with server.lock:
                    server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    server._serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # routes
    def add(self, path: str, body: bytes | str = b"", **kw) -> Route:
        route = Route(body.encode("utf-8") if isinstance(body, str) else body, **kw)
        self.routes[path] = route
        return route

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(h.path.split("?", 1)[0])
        if route is None:
            self._send(h, 404, {"Content-Type": "text/plain"}, b"not found")
            return
        if route.hang:  # answers nothing; no longer in flight once the client gives up (closes)
            import select

            deadline = time.monotonic() + 30
            while not self.stopping.is_set() and time.monotonic() < deadline:
                if select.select([h.connection], [], [], 0.05)[0]:
                    break
            h.close_connection = True
            return
        if route.delay:
            time.sleep(route.delay)
        headers = {"Content-Type": route.content_type, **route.headers}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200 and ((route.etag and h.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and h.headers.get("If-Modified-Since") == route.last_modified)):
            self._send(h, 304, {k: v for k, v in headers.items() if k != "Content-Type"}, b"")
            return
        if route.stream:
            h.send_response(route.status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Connection", "close")
            h.end_headers()
            chunk = b"<rss><channel><title>" + b"x" * (64 * 1024)
            sent = 0
            while sent < route.stream and not self.stopping.is_set():
                h.wfile.write(chunk)
                sent += len(chunk)
                route.sent = sent
            h.close_connection = True
            return
        body = route.body
        if route.gzip:
            body = _gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self._send(h, route.status, headers, body)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        if status != 304:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and status != 304:
            h.wfile.write(body)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
