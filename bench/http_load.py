"""Loading 127.0.0.1 only: a small HTTP load generator of our own (threads, one keep-alive connection and one session
each), and wrk for plain GETs when it is installed.

    python bench/http_load.py http://127.0.0.1:8000/floor --requests 1000 --concurrency 8 --seconds 10

`run_load` sends the same GET again and again (with any headers, e.g. a poll's HX-Request and If-None-Match);
`run_sessions` lets each thread open a session first (sign in, take a CSRF token: not measured) and then measures a
request of your own per item (a form POST, an autosave), each item sent once. `run_wrk` loads a GET with wrk (a C
client that needs a fraction of the CPU our Python threads do, which share the machine's cores with the server) and
`parse_wrk` reads its report.
"""
from __future__ import annotations

import argparse
import http.client
import math
import queue
import re
import shutil
import statistics
import subprocess
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
    tool = "python"  # which client measured it

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


# --- wrk ---------------------------------------------------------------------------------------------------------

WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS = 2, 16, 4  # as the figures were measured
_TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}  # wrk's units, in milliseconds
_TIME = r"([\d.]+)(us|ms|s|m|h)"


@dataclass
class WrkResult:
    """What one wrk run measured: its report holds counts and percentiles, not each request's latency."""

    label: str
    seconds: float
    ok: int  # answers with a 2xx or 3xx status
    errors: int  # other statuses, and failed connections, reads, writes and timeouts
    median_ms: float
    p99_ms: float
    tool = "wrk"

    @property
    def requests(self) -> int:
        """Requests answered with a 2xx or 3xx status."""
        return self.ok

    @property
    def per_second(self) -> float:
        """Successful requests per second of the run."""
        return self.ok / self.seconds if self.seconds else 0.0

    def together_with(self, other: WrkResult) -> WrkResult:
        """This run and another of the same kind as one: counts and time added up; as wrk reports percentiles only,
        the median and p99 are the two runs' figures averaged, weighted by their successful requests."""
        weights = self.ok + other.ok

        def blended(mine: float, theirs: float) -> float:
            if not weights:
                return math.nan
            return (mine * self.ok + theirs * other.ok) / weights

        return WrkResult(self.label, self.seconds + other.seconds, self.ok + other.ok, self.errors + other.errors,
                         blended(self.median_ms, other.median_ms), blended(self.p99_ms, other.p99_ms))


def _milliseconds(number: str, unit: str) -> float:
    """A wrk time (e.g. 2.96ms, 812.00us, 1.02s) in milliseconds."""
    return float(number) * _TIME_UNITS[unit]


def parse_wrk(report: str, label: str) -> WrkResult:
    """Read what wrk --latency printed: requests and time, median and 99th percentile, the non-2xx/3xx answers and the
    socket errors (a ValueError names what is missing)."""
    done = re.search(rf"^\s*(\d+) requests in {_TIME},", report, re.MULTILINE)
    median = re.search(rf"^\s*50(?:\.0+)?%\s+{_TIME}\s*$", report, re.MULTILINE)
    p99 = re.search(rf"^\s*99(?:\.0+)?%\s+{_TIME}\s*$", report, re.MULTILINE)
    missing = [name for name, found in (("requests", done), ("50%", median), ("99%", p99)) if not found]
    if missing:
        raise ValueError(f"wrk's report has no {', '.join(missing)} line (was it run with --latency?):\n{report}")
    answered = int(done.group(1))
    bad = re.search(r"^\s*Non-2xx or 3xx responses: (\d+)", report, re.MULTILINE)
    failed_statuses = int(bad.group(1)) if bad else 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    socket_errors = sum(int(count) for count in sockets.groups()) if sockets else 0
    return WrkResult(
        label=label,
        seconds=_milliseconds(done.group(2), done.group(3)) / 1000,
        ok=answered - failed_statuses,
        errors=failed_statuses + socket_errors,
        median_ms=_milliseconds(*median.groups()),
        p99_ms=_milliseconds(*p99.groups()),
    )


def wrk_path() -> str | None:
    """Where wrk is installed, or None."""
    return shutil.which("wrk")


def wrk_command(url: str, headers: dict | None = None) -> list[str]:
    """The wrk command line the benchmark loads a GET with (the issue's: 2 threads, 16 connections, 4 s)."""
    check_local(url)
    command = [wrk_path() or "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency"]
    for name, value in {"User-Agent": USER_AGENT, **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    return command + [url]


def run_wrk(url: str, *, label: str = "", headers: dict | None = None) -> WrkResult:
    """GET `url` (with `headers`) with wrk for WRK_SECONDS; any 2xx or 3xx answer counts as success."""
    command = wrk_command(url, headers)
    finished = subprocess.run(command, capture_output=True, text=True, timeout=WRK_SECONDS + 60, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    return parse_wrk(finished.stdout, label or check_local(url)[1])


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
