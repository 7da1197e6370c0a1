"""Load benchmark: the app under gunicorn, with the demo edition, measured page by page against its own /healthz.

Usage (from the project root, after `make install`; `make bench` does both):

    .venv/bin/python bench/run.py [--requests 2000] [--concurrency 8] [--seconds 20] [--workers 2] [--sqlite]

It builds a fresh database with `flask demo` (PostgreSQL database `awards_bench` and Redis when they answer on
127.0.0.1, else SQLite; --sqlite forces SQLite; the database is dropped again at the end), starts gunicorn with
2 workers on a free port on 127.0.0.1, warms up, then loads /healthz, / (home page) and /sign-in in turn. For each
it prints requests per second, median and p99 latency, and each figure as a ratio to /healthz measured on the same
server in the same run: absolute figures depend on the machine, the ratios say what a page costs over the bare
minimum. The figures are also written to bench/results/last-run.json. These are measurements, not tests: nothing
here passes or fails on timing.

The public vote's path (ballot, vote request, confirmation, against /floor) has its own benchmark, bench/vote.py,
which reuses the server steps below; `make bench` runs both.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from http_load import LoadResult, run_load

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["/healthz", "/", "/sign-in"]
BENCH_DATABASE = "awards_bench"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"  # a database number of its own, away from the tests' 0

# The few server steps below (a free port, the server's settings, waiting for /healthz, stopping gunicorn) are also in
# tests/fixtures/browser.py. The benchmark keeps its own small copies on purpose: it is a script run as
# `python bench/run.py` (bench/ on the path, not the project root), and importing from tests/ would tie it to a pytest
# plugin module and the browser tests' needs (their log files, clean-up of killed runs), while here a failure should
# end the run with a message (sys.exit) rather than an exception.


def answers(port: int) -> bool:
    """Something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def drop_postgres_database(database_url: str) -> None:
    """Remove the benchmark's PostgreSQL database once the server has stopped (SQLite goes with the temp folder)."""
    if not database_url.startswith("postgresql"):
        return
    import psycopg

    admin_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def prepare_database(force_sqlite: bool, workdir: Path) -> tuple[str, str, str]:
    """Pick and empty the database: (DATABASE_URL, REDIS_URL or "", description)."""
    admin_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
    if not force_sqlite and answers(urlsplit(admin_url).port or 5432):
        import psycopg

        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
        parts = urlsplit(admin_url)
        database_url = urlunsplit((parts.scheme, parts.netloc, "/" + BENCH_DATABASE, "", ""))
        redis_url = DEFAULT_REDIS if answers(6379) else ""
        return database_url, redis_url, "PostgreSQL" + (" + Redis" if redis_url else " (no Redis: memory rate limits)")
    return f"sqlite:///{workdir / 'bench.db'}", "", "SQLite (memory rate limits)"


def server_environment(workdir: Path, database_url: str, redis_url: str, base_url: str) -> dict[str, str]:
    """Development settings with the chosen database; nothing inherited from the shell's app settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWARDS_", "TEST_"))}
    for inherited in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MAIL_BACKEND", "FLASK_APP"):
        env.pop(inherited, None)
    env.update(
        {
            "AWARDS_ENV": "development",
            "AWARDS_INSTANCE_PATH": str(workdir / "instance"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "MAIL_BACKEND": "devmail",
            "PUBLIC_BASE_URL": base_url,
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def flask(env: dict[str, str], *args: str) -> None:
    """Run a flask command for the benchmark's app; stop with its output if it fails."""
    result = subprocess.run(
        [str(BIN / "python"), "-m", "flask", "--app", "awards_app", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"`flask {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")


def wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll /healthz until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    sys.exit(f"gunicorn did not answer /healthz within {timeout:g}s")


def ratio(value: float, baseline: float) -> str:
    """value / baseline, printed as 0.42x."""
    return f"{value / baseline:.2f}x" if baseline else "n/a"


def report(results: list[LoadResult]) -> list[dict]:
    """Print the table and return the same figures as records."""
    base = results[0]
    print(
        f"{'page':<10}{'ok':>7}{'errors':>8}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}"
        f"   {'req/s':>7}{'median':>8}{'p99':>8}"
    )
    print(f"{'':<62}(as ratios to /healthz)")
    records = []
    for result in results:
        print(
            f"{result.path:<10}{result.requests:>7}{result.errors:>8}{result.per_second:>9.0f}"
            f"{result.median_ms:>11.1f}{result.p99_ms:>9.1f}   {ratio(result.per_second, base.per_second):>7}"
            f"{ratio(result.median_ms, base.median_ms):>8}{ratio(result.p99_ms, base.p99_ms):>8}"
        )
        records.append(
            {
                "path": result.path,
                "ok": result.requests,
                "errors": result.errors,
                "requests_per_second": round(result.per_second, 1),
                "median_ms": round(result.median_ms, 2),
                "p99_ms": round(result.p99_ms, 2),
                "requests_per_second_ratio": round(result.per_second / base.per_second, 3) if base.per_second else None,
                "median_ratio": round(result.median_ms / base.median_ms, 3) if base.median_ms else None,
                "p99_ratio": round(result.p99_ms / base.p99_ms, 3) if base.p99_ms else None,
            }
        )
    return records


def main() -> None:
    """Build the database, start gunicorn, load each page in turn and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per page (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even when PostgreSQL answers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="awards-bench-") as tmp:
        workdir = Path(tmp)
        database_url, redis_url, described = prepare_database(args.sqlite, workdir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = server_environment(workdir, database_url, redis_url, base_url)
        print(f"Building the demo edition on {described} ...", flush=True)
        flask(env, "db", "upgrade")
        flask(env, "demo", "--phase", "nominations")

        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env,
        )
        try:
            wait_until_healthy(base_url, process)
            for path in PATHS:  # warm-up: imports, template compilation, connection pools
                run_load(base_url + path, requests=50, concurrency=args.concurrency, max_seconds=10)
            print(
                f"gunicorn, {args.workers} workers, {described}; client: {args.concurrency} threads, "
                f"up to {args.requests} requests or {args.seconds:g}s per page\n",
                flush=True,
            )
            limits = {"requests": args.requests, "concurrency": args.concurrency, "max_seconds": args.seconds}
            results = [run_load(base_url + path, **limits) for path in PATHS]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            drop_postgres_database(database_url)

    records = report(results)
    out = PROJECT_ROOT / "bench" / "results" / "last-run.json"
    out.parent.mkdir(exist_ok=True)
    setup = {"server": f"gunicorn {args.workers} workers", "database": described, "concurrency": args.concurrency}
    out.write_text(json.dumps({"setup": setup, "results": records}, indent=2) + "\n")
    print(f"\nFigures saved to {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
