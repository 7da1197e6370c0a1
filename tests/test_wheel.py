"""The wheel, as production installs it: built from the checkout, installed into a fresh virtual environment outside
it, it carries its templates, static files and migrations, upgrades a SQLite database and serves pages under gunicorn.

The new environment takes its dependencies from the one running the tests (a .pth file naming its site-packages), so
nothing is downloaded but the build's own setuptools; commands run from a scratch folder with a minimal environment,
so that nothing can lead Python back to the checkout's awards_app.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.browser import wait_until_healthy
from tests.fixtures.mail import free_port

CHECKOUT = Path(__file__).resolve().parents[1]
# Left out of the copy the wheel is built from: what a build must not see (a stale build/ folder would even end up
# in the wheel) and what it does not need.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "__pycache__", "*.egg-info", "instance", ".hypothesis", ".ruff_cache",
    ".pytest_cache", "node_modules", "test-results",
)
# The folders pyproject.toml maps from the top of the repository into the package.
MAPPED_FOLDERS = ("templates", "static", "migrations")


@dataclass
class Installed:
    """A virtual environment holding the wheel, and a scratch working directory outside the checkout."""

    wheel: Path
    source: Path
    python: Path
    site_packages: Path
    work: Path

    def environment(self, **settings: str) -> dict[str, str]:
        """A minimal environment: no PYTHONPATH, no virtualenv, no test or app settings but the ones given."""
        return {"PATH": os.defpath, "HOME": str(self.work), "LANG": "C.UTF-8", **settings}

    def run(self, *args: str, **settings: str) -> str:
        """Run the environment's python from the working directory; return what it printed, failing if it fails."""
        result = subprocess.run(
            [str(self.python), *args], check=False, cwd=self.work, env=self.environment(**settings),
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, f"python {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout


def run_pip(*args: str) -> None:
    """Run the tests' own pip (whose settings reach the package index), with no PYTHONPATH pointing anywhere."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args],
        check=False, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"pip {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """Build the wheel from a copy of the checkout and install it, without dependencies, into a new environment."""
    root = tmp_path_factory.mktemp("wheel")
    source, dist, venv, work = root / "source", root / "dist", root / "venv", root / "work"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCE)
    run_pip("wheel", "--no-deps", "--wheel-dir", str(dist), str(source))
    [wheel] = dist.glob("awards_app-*.whl")

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    run_pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel))
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, env={"PATH": os.defpath},
    ).stdout.strip())
    # The dependencies, from the environment running the tests: a path in a .pth file only extends sys.path (the
    # editable install's own .pth files there are not run), after the wheel's package in the new site-packages.
    (site_packages / "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work.mkdir()
    return Installed(wheel=wheel, source=source, python=python, site_packages=site_packages, work=work)


def test_the_wheel_carries_every_module_template_static_file_migration_and_data_file(installed):
    package = installed.source / "awards_app"
    expected = {f"awards_app/{path.relative_to(package).as_posix()}" for path in package.rglob("*.py")}
    expected |= {f"awards_app/data/{path.name}" for path in (package / "data").glob("*.txt")}
    for folder in MAPPED_FOLDERS:
        expected |= {
            f"awards_app/{path.relative_to(installed.source).as_posix()}"
            for path in (installed.source / folder).rglob("*") if path.is_file()
        }

    carried = set(zipfile.ZipFile(installed.wheel).namelist())

    assert sorted(expected - carried) == [], "files of the checkout missing from the wheel (see pyproject.toml)"
    assert not [name for name in carried if "__pycache__" in name or name.startswith(MAPPED_FOLDERS)]


def test_the_installed_app_upgrades_a_database_and_serves_pages_under_gunicorn(installed):
    imported_from = installed.run("-c", "import awards_app; print(awards_app.__file__)").strip()
    assert Path(imported_from).is_relative_to(installed.site_packages), imported_from

    database = f"sqlite:///{installed.work / 'awards.db'}"
    installed.run("-m", "flask", "--app", "awards_app", "db", "upgrade", DATABASE_URL=database)
    # With AWARDS_INSTANCE_PATH unset, an installed app keeps its secret in the working directory's instance/.
    assert (installed.work / "instance" / "secret_key").is_file()
    assert not (installed.site_packages / "instance").exists()

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    # The command for an installed wheel (wsgi.py is the checkout's entry point, outside the package).
    command = ["-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "awards_app:create_app()"]
    with gunicorn(installed, command, DATABASE_URL=database) as (process, log):
        wait_until_healthy(base_url, process, log)
        home, healthz = fetch(base_url + "/"), fetch(base_url + "/healthz")
        stylesheet = re.search(r'href="(/static/[^"]+\.css)[^"]*"', home).group(1)
        served_css = fetch(base_url + stylesheet)

    assert "have not been announced yet" in home  # the real home page, from the tables the migrations built
    assert healthz == "ok\n"
    assert served_css == (installed.source / stylesheet.removeprefix("/")).read_text()


def fetch(url: str) -> str:
    """The body of a page that answers 200 (urllib raises on any error status)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return response.read().decode()


@contextmanager
def gunicorn(installed: Installed, command: list[str], **settings: str) -> Iterator[tuple[subprocess.Popen, Path]]:
    """Start gunicorn in a process group of its own, and stop the whole group afterwards, whatever happened."""
    log_path = installed.work / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(installed.python), *command], cwd=installed.work, env=installed.environment(**settings),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield process, log_path
    finally:
        with suppress(ProcessLookupError):  # it may have died already: the test then fails with its log
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
