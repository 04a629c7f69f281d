"""Polite parallel HTTP for feeds: urllib3 in a thread pool fed by one work queue.

- at most :data:`PER_HOST` requests in flight per host (many feeds on one host never hammer it:
  newsboat users got banned for less); a worker takes the first queued request whose host has a
  free slot, so a slow host never blocks the others;
- conditional GET (``If-None-Match``/``If-Modified-Since``): an unchanged feed costs a 304;
- gzip/deflate; connect and read timeouts plus a deadline for the whole body, so a hanging or
  trickling feed costs one timeout; a body-size cap applied while streaming (a 50 MB or a
  gzip-bombed body is cut off, never held whole);
- at most :data:`MAX_REDIRECTS` redirects, followed by hand: the URL a chain of *permanent*
  redirects (301/308) leads to is reported so the subscription can follow it; http(s) only.

Results come back as they complete, to one consumer (the caller parses and writes serially: no
memory blow-up from parsing many bodies at once).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.log import DEBUG, ERROR, log_exception

PER_HOST = 2
WORKERS = 64  # threads; politeness is PER_HOST: with many hosts every feed starts in the first second
MAX_REDIRECTS = 10
MAX_BYTES = 15 * 1024 * 1024
CONNECT_TIMEOUT = 3.0
# between two reads of a response (not for the whole body: a slow server that keeps sending is never
# cut). 15 s, not newsboat's 30: a hanging feed costs one read timeout, and a fetch run lasts at least
# as long as its slowest feed (500 feeds with 1 % hanging: the first pass ends at ~16 s, not ~31 s)
READ_TIMEOUT = 15.0
USER_AGENT = f"reader/{__version__} (terminal news reader; feed fetcher)"
ACCEPT = ("application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass
class Request:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    accept: str = ACCEPT
    tag: object = None  # the caller's, given back in the result


@dataclass
class Result:
    request: Request
    url: str                       # the final URL (after redirects)
    status: int | None = None      # last HTTP status; None when no response came
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes | None = None
    permanent_url: str | None = None  # where permanent redirects from the start lead
    error: str | None = None       # a readable reason when the fetch failed
    seconds: float = 0.0           # how long the fetch took (the next run starts the slowest first)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and self.body is not None

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


@dataclass
class Settings:
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    per_host: int = PER_HOST
    workers: int = WORKERS

    @property
    def deadline(self) -> float:
        """The most one response may take, body included (a server trickling bytes)."""
        return self.connect_timeout + 2 * self.read_timeout


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


class HostSlots:
    """Per-host counters for the work queue (at most ``limit`` in flight per host)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.busy: dict[str, int] = {}
        self.lock = threading.Lock()

    def try_take(self, host: str) -> bool:
        with self.lock:
            if self.busy.get(host, 0) >= self.limit:
                return False
            self.busy[host] = self.busy.get(host, 0) + 1
            return True

    def release(self, host: str) -> None:
        with self.lock:
            self.busy[host] -= 1


class Fetcher:
    def __init__(self, settings: Settings | None = None):
        import urllib3

        self.settings = s = settings or Settings()
        self.pool = urllib3.PoolManager(
            num_pools=64, maxsize=max(1, s.per_host), block=False, retries=False,
            timeout=urllib3.Timeout(connect=s.connect_timeout, read=s.read_timeout))
        self.slots = HostSlots(s.per_host)

    # one request, redirects followed by hand (each hop is a request to its own host)
    def get(self, req: Request) -> Result:
        import urllib3

        s = self.settings
        url = req.url
        permanent: str | None = None
        all_permanent = True
        for hop in range(s.max_redirects + 1):
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                return Result(req, url, error=f"redirected to a non-http(s) URL ({_short(url)}); not followed")
            # per request: urllib3 replaces the pool's headers with a request's, it does not merge them
            headers = {"Accept": req.accept, "User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
            if hop == 0 or url == req.url:
                if req.etag:
                    headers["If-None-Match"] = req.etag
                if req.last_modified:
                    headers["If-Modified-Since"] = req.last_modified
            host = host_of(url)
            while not self.slots.try_take(host):  # a redirect to a busy host waits its turn
                time.sleep(0.01)
            try:
                try:
                    resp = self.pool.request("GET", url, headers=headers, redirect=False, preload_content=False,
                                             decode_content=True)
                except urllib3.exceptions.ConnectTimeoutError:
                    return Result(req, url, error=f"no connection within {s.connect_timeout:g} s (timeout)")
                except urllib3.exceptions.ReadTimeoutError:
                    return Result(req, url, error=f"no response within {s.read_timeout:g} s (timeout)")
                except urllib3.exceptions.NewConnectionError as exc:
                    return Result(req, url, error=f"cannot connect: {_reason(exc)}")
                except urllib3.exceptions.SSLError as exc:
                    return Result(req, url, error=f"TLS error: {_reason(exc)}")
                except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                    return Result(req, url, error=f"request failed: {_reason(exc)}")
                try:
                    status = resp.status
                    hdrs = {k.lower(): v for k, v in resp.headers.items()}
                    if status in (301, 302, 303, 307, 308) and hdrs.get("location"):
                        _discard(resp, hdrs)
                        try:
                            target = urljoin(url, hdrs["location"].strip())
                        except ValueError:
                            return Result(req, url, status, hdrs, error="a redirect to an invalid URL")
                        if status in (301, 308) and all_permanent:
                            permanent = target.split("#", 1)[0]
                        else:
                            all_permanent = False
                        url = target
                        continue
                    if status != 200:
                        _discard(resp, hdrs)
                        return Result(req, url, status, hdrs, permanent_url=permanent)
                    body, error = self._read_body(resp, hdrs)
                    if error:
                        resp.close()  # unread bytes on it: never reuse the connection
                    return Result(req, url, status, hdrs, body, permanent, error)
                finally:
                    resp.release_conn()
            finally:
                self.slots.release(host)
        return Result(req, url, error=f"more than {s.max_redirects} redirects")

    def _read_body(self, resp, hdrs: dict[str, str]) -> tuple[bytes | None, str | None]:
        import urllib3

        s = self.settings
        limit = s.max_bytes
        length = hdrs.get("content-length", "")
        if length.isdigit() and int(length) > limit and "content-encoding" not in hdrs:
            return None, f"the response is too large ({int(length) / 1e6:.1f} MB; the limit is {_mb(limit)})"
        chunks: list[bytes] = []
        size = 0
        end = time.monotonic() + s.deadline
        try:
            for chunk in resp.stream(64 * 1024, decode_content=True):
                size += len(chunk)
                if size > limit:
                    return None, f"the response is too large (over {_mb(limit)}; cut off)"
                chunks.append(chunk)
                if time.monotonic() > end:
                    return None, f"the response took more than {s.deadline:g} s (timeout)"
        except urllib3.exceptions.ReadTimeoutError:
            return None, f"the response stalled for {s.read_timeout:g} s (timeout)"
        except urllib3.exceptions.DecodeError:
            return None, "the response's compression is broken"
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return None, f"the response was cut off: {_reason(exc)}"
        return b"".join(chunks), None

    def run(self, requests: Iterable[Request]) -> Iterator[Result]:
        """Fetch every request; yields results as they complete (in the caller's thread)."""
        pending = list(requests)
        if not pending:
            return
        lock = threading.Condition()
        in_flight: dict[str, int] = {}
        # bounded: workers wait while the consumer parses, so bodies never pile up in memory (at most
        # 4 a worker: downloads go on while the consumer is busy, e.g. loading the language model)
        results: queue.Queue[Result] = queue.Queue(maxsize=max(2, 4 * self.settings.workers))
        total = len(pending)

        def take() -> Request | None:
            with lock:
                while True:
                    if not pending:
                        return None
                    for i, req in enumerate(pending):
                        h = host_of(req.url)
                        if in_flight.get(h, 0) < self.settings.per_host:
                            in_flight[h] = in_flight.get(h, 0) + 1
                            return pending.pop(i)
                    lock.wait(0.5)

        def done(req: Request) -> None:
            with lock:
                in_flight[host_of(req.url)] -= 1
                lock.notify_all()

        def worker() -> None:
            while True:
                req = take()
                if req is None:
                    return
                t0 = time.monotonic()
                try:
                    result = self.get(req)
                except Exception as exc:  # a bug must not lose the other feeds
                    log_exception(__name__, "internal error fetching %s", req.url, level=ERROR)
                    result = Result(req, req.url, error=f"internal error: {type(exc).__name__}: {_short(str(exc))}")
                result.seconds = time.monotonic() - t0
                done(req)
                results.put(result)

        threads = [threading.Thread(target=worker, daemon=True, name=f"feeds-fetch-{i}")
                   for i in range(min(self.settings.workers, total))]
        for t in threads:
            t.start()
        for _ in range(total):
            yield results.get()
        for t in threads:
            t.join(timeout=1)

    def close(self) -> None:
        self.pool.clear()


def _discard(resp, hdrs: dict[str, str]) -> None:
    """Done with a response whose body we do not want: read a small one so the connection can be
    reused, close the connection under a large or unknown one (a 404 page of 50 MB is not read)."""
    length = hdrs.get("content-length", "")
    if length.isdigit() and int(length) <= 64 * 1024 and "content-encoding" not in hdrs:
        try:
            resp.drain_conn()
            return
        except Exception:
            log_exception(__name__, "draining a connection failed", level=DEBUG)
    resp.close()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _short(text: str, limit: int = 100) -> str:
    from reader.passages import make_safe

    text = " ".join(make_safe(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    # urllib3 messages carry object reprs: keep the human part
    if "Failed to establish a new connection:" in text:
        text = text.split("Failed to establish a new connection:", 1)[1]
    return _short(text.strip(" :") or type(exc).__name__)
