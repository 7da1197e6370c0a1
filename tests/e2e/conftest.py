"""Browser-test fixtures of the e2e folder: the app under gunicorn sending real email to an SMTP sink.

The shared `live_server` (tests/fixtures/browser.py) keeps email in the development mailbox. The nomination journey
needs the email a person really receives (the nominator's confirmation, the nominee's consent link), so
`mail_server` runs its own gunicorn with MAIL_BACKEND=smtp pointed at an aiosmtpd sink in this test process;
`mail_server.deliver()` runs `flask send-mail --once` with the same settings, as the production worker would.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fixtures.browser import (
    PROJECT_ROOT,
    SIGN_IN_LINE,
    LiveServer,
    _die_with_parent,
    _drop_postgres_database,
    _flask,
    _free_port,
    _open_page,
    _recreate_postgres_database,
    _server_environment,
    _wait_until_healthy,
    _with_database,
)
from tests.fixtures.mail import ReceivedEmail, SmtpSink, free_port

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
MAIL_DATABASE = f"awards_e2e_mail_{os.getpid()}"

# The app refuses nominations sent within 20 seconds of starting (a bot check). A keyboard journey driven by
# Playwright takes a few seconds, so this server waits only one: the check itself is tested in tests/web.
APP_FACTORY = "awards_app:create_app({'NOMINATION_MIN_SECONDS': 1})"


@dataclass
class MailServer(LiveServer):
    """A LiveServer whose email goes over SMTP to `sink`; deliver() sends what the outbox holds."""

    sink: SmtpSink | None = None
    env: dict[str, str] = field(default_factory=dict)

    def deliver(self) -> str:
        """Run `flask send-mail --once` for this server's app; returns its summary line."""
        return _flask(self.env, "send-mail", "--once").strip()

    def emails_to(self, address: str, timeout: float = 5.0) -> list[ReceivedEmail]:
        """The emails the sink received for an address, oldest first (waiting a little for them to arrive)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [item for item in self.sink.received if address in item.rcpt_tos]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@pytest.fixture(scope="session")
def smtp_sink_for_browser_tests():
    """An SMTP sink on a free port for the whole session (the app server sends to it)."""
    sink = SmtpSink(port=free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def mail_server(tmp_path_factory, smtp_sink_for_browser_tests):
    """gunicorn (2 workers) with the demo edition in its nominations phase, sending email to the sink."""
    work = tmp_path_factory.mktemp("mail_server")
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        _recreate_postgres_database(admin_url, MAIL_DATABASE)
        database_url = _with_database(admin_url, MAIL_DATABASE)
    else:
        database_url = f"sqlite:///{work / 'e2e-mail.db'}"

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _server_environment(work / "instance", database_url, base_url)
    env.update(
        {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_sink_for_browser_tests.port),
            "MAIL_USE_TLS": "",
        }
    )
    _flask(env, "db", "upgrade")
    printed = _flask(env, "demo", "--phase", "nominations")
    lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
    sign_ins = [line.group("role", "email", "password") for line in lines if line]

    log_path = work / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(gunicorn), APP_FACTORY, "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--graceful-timeout", "5", "--error-logfile", "-"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
        )
    try:
        _wait_until_healthy(base_url, process, log_path)
        yield MailServer(base_url=base_url, sign_ins=sign_ins, sink=smtp_sink_for_browser_tests, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if admin_url:
            _drop_postgres_database(admin_url, MAIL_DATABASE)


@pytest.fixture
def no_js_phone_page(browser):
    """A 320px-wide phone with JavaScript switched off (axe cannot run here; the JavaScript journey checks it)."""
    yield from _open_page(
        browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
