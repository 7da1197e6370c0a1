"""The walk of every organiser page (see test_organiser_pages.py) in the judging, voting and ceremony phases."""
from __future__ import annotations

import os

import pytest

from tests.e2e.organiser_walk import walk_phase
from tests.fixtures.browser import start_app_server

pytestmark = pytest.mark.browser

ORGANISER_PAGES_LATER_DATABASE = f"awards_e2e_organiser_pages_later_{os.getpid()}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with its own database; each test rebuilds the demo in its phase."""
    with start_app_server(tmp_path_factory.mktemp("organiser_pages_later"), ORGANISER_PAGES_LATER_DATABASE) as started:
        yield started


def test_organiser_pages_while_the_panel_judges(browser, server):
    walk_phase(browser, server, "judging")


def test_organiser_pages_during_the_public_vote(browser, server):
    walk_phase(browser, server, "voting")


def test_organiser_pages_on_the_night(browser, server):
    walk_phase(browser, server, "ceremony")
