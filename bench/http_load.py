"""A small HTTP load generator: threads and http.client, bounded in requests and time, for 127.0.0.1 only.

    python bench/http_load.py http://127.0.0.1:8000/healthz --requests 1000 --concurrency 8 --seconds 10
"""
from __future__ import annotations

import argparse
import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class LoadResult:
    """What one run against one address measured."""

    path: str
    seconds: float
    errors: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only

    @property
    def requests(self) -> int:
        """Requests that got a 200 answer."""
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        """Successful requests per second of wall-clock time."""
        return self.requests / self.seconds if self.seconds else 0.0

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


def _check_local(url: str) -> tuple[str, int, str]:
    """Split the address, refusing anything but plain HTTP on this machine: this tool must never load someone else."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"only http://127.0.0.1 addresses may be loaded, not {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path


def run_load(url: str, *, requests: int = 1000, concurrency: int = 8, max_seconds: float = 15.0) -> LoadResult:
    """GET `url` from `concurrency` threads until `requests` were sent or `max_seconds` passed."""
    host, port, path = _check_local(url)
    if requests < 1 or concurrency < 1 or max_seconds <= 0:
        raise ValueError("requests, concurrency and max_seconds must be positive")
    lock = threading.Lock()
    budget = [requests]
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + max_seconds

    def take_one() -> bool:
        """Claim one request from the shared budget, unless it is spent or time is up."""
        with lock:
            if budget[0] <= 0 or time.monotonic() >= deadline:
                return False
            budget[0] -= 1
            return True

    def worker() -> None:
        """Send requests over one connection; http.client reconnects by itself when the server closes it."""
        connection = http.client.HTTPConnection(host, port, timeout=10)
        mine: list[float] = []
        failed = 0
        while take_one():
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"User-Agent": "awards-bench"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(path=path, seconds=time.perf_counter() - started, errors=errors[0], latencies=latencies)


def main() -> None:
    """Load one address and print what was measured."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0, help="stop after this long even if requests remain")
    args = parser.parse_args()
    result = run_load(args.url, requests=args.requests, concurrency=args.concurrency, max_seconds=args.seconds)
    print(
        f"{result.path}: {result.requests} ok, {result.errors} errors in {result.seconds:.1f}s: "
        f"{result.per_second:.0f} req/s, median {result.median_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
