"""The benchmark's servers: a PostgreSQL database of its own, the app's settings, flask commands, gunicorn with rate
limits off, the bare Flask app under the same gunicorn settings, the memory of the workers, and an SMTP sink.

The few server steps here (a free port, the settings, waiting for /healthz, stopping gunicorn) are also in
tests/fixtures/browser.py. The benchmark keeps its own small copies on purpose: it is run as a script (bench/ on the
path, not the project root), importing from tests/ would tie it to a pytest plugin, and here a failure should end the
run with a message (sys.exit) rather than an exception.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH_DATABASE = "awards_bench"
ADMIN_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database number of its own, away from the tests' 0
# gunicorn calls the app factory with these settings (it accepts literal arguments after the factory's name): every
# request comes from 127.0.0.1, which the rate limits exist to stop.
APP_WITHOUT_LIMITS = "awards_app:create_app({'RATELIMIT_ENABLED': False})"
# The second floor: a bare Flask app of five lines (bench/floor_app.py), answering at "/".
BARE_APP = "floor_app:app"
BENCH_DIR = PROJECT_ROOT / "bench"
# What the app and the bare app are both served with, besides the number of workers: the same for both, so that the
# bare app is the floor of this very set-up.
GUNICORN_SETTINGS = ["--timeout", "300", "--log-level", "warning"]


def answers(host: str, port: int) -> bool:
    """Something accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_services() -> None:
    """Stop with a message unless PostgreSQL and Redis answer: the figures are for the production set-up."""
    parts = urlsplit(ADMIN_DATABASE_URL)
    missing = [name for name, host, port in (("PostgreSQL", parts.hostname, parts.port or 5432),
                                             ("Redis", "127.0.0.1", 6379)) if not answers(host, port)]
    if missing:
        sys.exit(f"The benchmarks run against PostgreSQL and Redis; not answering: {', '.join(missing)}.")


def admin_connection():
    """An autocommit connection to the administrative database (to create and drop the benchmark's own)."""
    import psycopg

    return psycopg.connect(ADMIN_DATABASE_URL, autocommit=True, connect_timeout=3)


def fresh_database() -> str:
    """Create the benchmark's database anew; answer its URL."""
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    parts = urlsplit(ADMIN_DATABASE_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + BENCH_DATABASE, "", ""))


def drop_database() -> None:
    """Remove the benchmark's database once its server has stopped."""
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def server_environment(workdir: Path, database_url: str, port: int, smtp_port: int) -> dict[str, str]:
    """Development settings on PostgreSQL and Redis, email through SMTP to the sink; nothing inherited from the shell's
    app settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWARDS_", "TEST_"))}
    for inherited in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MAIL_BACKEND", "FLASK_APP"):
        env.pop(inherited, None)
    env.update({
        "AWARDS_ENV": "development",
        "AWARDS_INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
    })
    return env


def flask(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run a flask command for the benchmark's app and answer its output; stop with the output if it fails."""
    result = subprocess.run(
        [str(BIN / "python"), "-m", "flask", "--app", "awards_app", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        sys.exit(f"`flask {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll `url` until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    sys.exit(f"gunicorn did not answer {url} within {timeout:g}s")


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, app: str = APP_WITHOUT_LIMITS,
             ready_path: str = "/healthz"):
    """Serve `app` (by default the awards app, rate limits off) with `workers` sync workers and GUNICORN_SETTINGS on
    127.0.0.1:port; answer the master process once `ready_path` answers 200."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *GUNICORN_SETTINGS],
        cwd=BENCH_DIR if app == BARE_APP else PROJECT_ROOT, env=env,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}{ready_path}", process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def bare_app(port: int, workers: int):
    """Serve the bare Flask app (bench/floor_app.py) as the app is served; answer its address."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWARDS_", "TEST_", "FLASK_"))}
    with gunicorn(env, port, workers, app=BARE_APP, ready_path="/"):
        yield f"http://127.0.0.1:{port}"


# --- The workers' memory ---------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), found in /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue  # it ended meanwhile
        if f"\nPPid:\t{pid}\n" in status:
            found.append(int(entry.name))
    return found


def resident_kb(pid: int) -> int:
    """The process's resident memory now (VmRSS, in kB); 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class MemoryWatch:
    """Samples the resident memory of each gunicorn worker while a measurement runs; keeps the largest seen."""

    master_pid: int
    interval: float = 0.05
    peak_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def _sample(self) -> None:
        """Read each worker's VmRSS until told to stop (workers are looked up again now and then)."""
        workers, looked_up = [], 0.0
        while not self._stop.is_set():
            if time.monotonic() - looked_up > 1:
                workers, looked_up = children_of(self.master_pid), time.monotonic()
            self.peak_kb = max([self.peak_kb, *(resident_kb(pid) for pid in workers)])
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        """The largest resident memory of any one worker, in MB."""
        return self.peak_kb / 1024


# --- The SMTP sink ---------------------------------------------------------------------------------------------


@dataclass
class Sink:
    """An SMTP server on 127.0.0.1 that counts what it receives."""

    port: int
    received: int = 0
    controller: object = field(default=None, repr=False)

    async def handle_DATA(self, server, session, envelope):
        """Count the message and accept it."""
        self.received += 1
        return "250 Message accepted for delivery"

    def __enter__(self) -> Sink:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, server_hostname="sink.bench")
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()
