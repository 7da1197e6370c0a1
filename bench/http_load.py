"""A small HTTP load generator for 127.0.0.1 only: threads, one keep-alive connection and one session each.

    python bench/http_load.py http://127.0.0.1:8000/floor --requests 1000 --concurrency 8 --seconds 10

`run_load` sends the same GET again and again (with any headers, e.g. a poll's HX-Request and If-None-Match);
`run_sessions` lets each thread open a session first (sign in, take a CSRF token: not measured) and then measures a
request of your own per item (a form POST, an autosave), each item sent once.
"""
from __future__ import annotations

import argparse
import http.client
import math
import queue
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable
from urllib.parse import urlencode, urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
USER_AGENT = "awards-bench"


@dataclass
class LoadResult:
    """What one run of one request kind measured."""

    label: str
    seconds: float
    errors: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only

    @property
    def requests(self) -> int:
        """Requests that got the expected answer."""
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        """Successful requests per second of wall-clock time."""
        return self.requests / self.seconds if self.seconds else 0.0

    def together_with(self, other: "LoadResult") -> "LoadResult":
        """This run and another of the same kind as one: their requests, their time and their errors added up."""
        return LoadResult(self.label, self.seconds + other.seconds, self.errors + other.errors,
                          self.latencies + other.latencies)

    @property
    def median_ms(self) -> float:
        """Median latency in milliseconds."""
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan

    @property
    def p99_ms(self) -> float:
        """99th-percentile latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] * 1000


@dataclass
class Answer:
    """One response: status, headers and body as text."""

    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        """The Location header ('' when there is none)."""
        return self.headers.get("Location", "")


def check_local(url: str) -> tuple[int, str]:
    """The port and path of an address, refusing anything but plain HTTP on this machine: never load someone else."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"only http://127.0.0.1 addresses may be loaded, not {url!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.port or 80, path


class Client:
    """One keep-alive connection to 127.0.0.1 that keeps the cookies it is given, as one browser would."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Answer:
        """Send one request (a form is sent url-encoded); redirects are not followed."""
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()  # http.client reconnects by itself on the next request
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return Answer(response.status, response.msg, text)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def run_sessions(
    port: int,
    label: str,
    items: Iterable,
    send: Callable[[Client, object, object], bool],
    *,
    open_session: Callable[[Client], object] = lambda client: None,
    concurrency: int = 8,
    max_seconds: float = 15.0,
) -> LoadResult:
    """Measure `send(client, state, item)` for each item from `concurrency` threads, each with its own session.

    `open_session(client)` runs first in each thread and is not measured; its answer is the thread's `state`.
    `send` answers whether the request did what it should. Items are shared: each is sent once, until they run out
    or `max_seconds` pass after every session is open.
    """
    if concurrency < 1 or max_seconds <= 0:
        raise ValueError("concurrency and max_seconds must be positive")
    work: queue.SimpleQueue = queue.SimpleQueue()
    for item in items:
        work.put(item)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker() -> None:
        """Open a session, wait for the others, then send items until none are left or time is up."""
        client = Client(port)
        opened = True
        try:
            state = open_session(client)
        except Exception as problem:  # a session that cannot open sends nothing; the run says so
            print(f"  {label}: a client could not open its session: {problem}", file=sys.stderr)
            opened, state = False, None
        ready.wait()
        mine, failed = [], 0
        while opened and time.monotonic() < deadline[0]:
            try:
                item = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                ok = send(client, state, item)
            except (OSError, http.client.HTTPException):
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + max_seconds + 600  # until every session is open
    ready.wait()  # every session is open: the clock starts now
    started = time.perf_counter()
    deadline[0] = time.monotonic() + max_seconds
    for thread in threads:
        thread.join()
    return LoadResult(label=label, seconds=time.perf_counter() - started, errors=errors[0], latencies=latencies)


def run_load(
    url: str,
    *,
    label: str = "",
    requests: int = 1000,
    concurrency: int = 8,
    max_seconds: float = 15.0,
    headers: dict | None = None,
    expect: int = 200,
) -> LoadResult:
    """GET `url` (with `headers`) from `concurrency` threads until `requests` were answered or `max_seconds` passed;
    an answer other than `expect` counts as an error."""
    port, path = check_local(url)
    if requests < 1:
        raise ValueError("requests must be positive")

    def send(client: Client, _state, _item) -> bool:
        return client.request("GET", path, headers=headers).status == expect

    return run_sessions(port, label or path, range(requests), send, concurrency=concurrency, max_seconds=max_seconds)


def main() -> None:
    """Load one address and print what was measured."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0, help="stop after this long even if requests remain")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--expect", type=int, default=200, help="the status that counts as success (default 200)")
    args = parser.parse_args()
    headers = dict(line.split(":", 1) for line in args.header)
    result = run_load(args.url, requests=args.requests, concurrency=args.concurrency, max_seconds=args.seconds,
                      headers={name.strip(): value.strip() for name, value in headers.items()}, expect=args.expect)
    print(
        f"{result.label}: {result.requests} ok, {result.errors} errors in {result.seconds:.1f}s: "
        f"{result.per_second:.0f} req/s, median {result.median_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
