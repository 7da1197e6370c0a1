"""Browser-test fixtures of the e2e folder: the app under gunicorn sending real email to an SMTP sink.

The shared `live_server` (tests/fixtures/browser.py) keeps email in the development mailbox. The nomination journey
needs the email a person really receives (the nominator's confirmation, the nominee's consent link), so
`mail_server` runs its own gunicorn with MAIL_BACKEND=smtp pointed at an aiosmtpd sink in this test process;
`mail_server.deliver()` runs `flask send-mail --once` with the same settings, as the production worker would.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.fixtures.browser import LiveServer, open_page, start_app_server
from tests.fixtures.mail import ReceivedEmail, SmtpSink, free_port

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
MAIL_DATABASE = f"awards_e2e_mail_{os.getpid()}"

# The app refuses nominations sent within 20 seconds of starting (a bot check). A keyboard journey driven by
# Playwright takes a few seconds, so this server waits only one: the check itself is tested in tests/web.
# Rate limits are off too: this session-wide server takes 14 nominations from 127.0.0.1, more than the 10 an hour one
# address may send, and each gunicorn worker counts in its own memory, so whether a journey met the limit would depend
# on which worker took which request. The limits themselves are tested in tests/web (on Redis as well).
APP_FACTORY = "awards_app:create_app({'NOMINATION_MIN_SECONDS': 1, 'RATELIMIT_ENABLED': False})"


@dataclass
class MailServer(LiveServer):
    """A LiveServer whose email goes over SMTP to `sink`; deliver() sends what the outbox holds."""

    sink: SmtpSink | None = None

    def deliver(self) -> str:
        """Run `flask send-mail --once` for this server's app; returns its summary line."""
        return self.flask("send-mail", "--once").strip()

    def emails_to(self, address: str, timeout: float = 5.0) -> list[ReceivedEmail]:
        """The emails the sink received for an address, oldest first (waiting a little for them to arrive)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [item for item in self.sink.received if address in item.rcpt_tos]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def serving_with_mail(tmp_path_factory, label: str, database: str):
    """gunicorn with the demo edition on a database of its own, sending email over SMTP to a sink of its own (for a
    module's server whose emails no other module reads)."""
    sink = SmtpSink(port=free_port()).start()
    smtp = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "MAIL_USE_TLS": ""}
    try:
        with start_app_server(tmp_path_factory.mktemp(label), database, settings=smtp) as server:
            yield MailServer(base_url=server.base_url, sign_ins=server.sign_ins, env=server.env, sink=sink)
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def smtp_sink_for_browser_tests():
    """An SMTP sink on a free port for the whole session (the app server sends to it)."""
    sink = SmtpSink(port=free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def mail_server(tmp_path_factory, smtp_sink_for_browser_tests):
    """gunicorn (2 workers) with the demo edition in its nominations phase, sending email to the sink."""
    sink = smtp_sink_for_browser_tests
    smtp = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port), "MAIL_USE_TLS": ""}
    work = tmp_path_factory.mktemp("mail_server")
    with start_app_server(work, MAIL_DATABASE, app=APP_FACTORY, settings=smtp) as server:
        yield MailServer(base_url=server.base_url, sign_ins=server.sign_ins, env=server.env, sink=sink)


@pytest.fixture
def no_js_phone_page(browser):
    """A 320px-wide phone with JavaScript switched off (axe cannot run here; the JavaScript journey checks it)."""
    yield from open_page(
        browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
