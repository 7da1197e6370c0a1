"""The shortlist in a real browser: nothing shown before publication, an organiser adds an image and publishes, and the
public /shortlist then fits a 320px screen with axe-core finding nothing.

The shared live_server runs the demo in its nominations phase, so this module starts its own server with the demo in
its voting phase (finalists with summaries and an open public vote), with its shortlist taken back to unpublished.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.e2e.helpers import EDITION_LINK, sign_in_as_organiser
from tests.factories.images import make_png
from tests.fixtures.browser import (
    PROJECT_ROOT,
    SIGN_IN_LINE,
    LiveServer,
    assert_accessible,
    start_app_server,
)

pytestmark = pytest.mark.browser

# Named like browser.py's databases, so that its clean-up of databases left by killed runs covers this one too.
SHORTLIST_DATABASE = f"awards_e2e_shortlist_{os.getpid()}"
JUDGED_CATEGORY = "Best Self Management Resource"  # no public vote, so its finalists are not locked


UNPUBLISH = """
from awards_app import create_app
from awards_app.extensions import db
from awards_app.programme.models import Edition
app = create_app()
with app.app_context():
    for edition in db.session.query(Edition):
        edition.shortlist_published_at = None
    db.session.commit()
"""


@pytest.fixture(scope="module")
def voting_server(tmp_path_factory):
    """gunicorn with the demo edition in its voting phase, and the demo's sign-ins for that phase."""
    with start_app_server(tmp_path_factory.mktemp("shortlist_server"), SHORTLIST_DATABASE) as server:
        printed = server.flask("demo", "--phase", "voting")
        # The demo publishes its shortlist; take that back so the organiser can publish it here.
        subprocess.run([sys.executable, "-c", UNPUBLISH], cwd=PROJECT_ROOT, env=server.env, check=True,
                       capture_output=True, timeout=60)
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def page_width(page) -> dict:
    """How wide the page is laid out, against the viewport."""
    return page.evaluate("() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")


def test_before_publication_the_shortlist_page_says_only_that_it_is_coming(phone_page, voting_server):
    response = phone_page.goto(voting_server.url("/shortlist"))
    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert phone_page.get_by_role("heading", level=1).inner_text() == "The shortlist"
    assert "has not been announced yet" in phone_page.locator("main").inner_text()
    assert phone_page.locator(".finalist").count() == 0 and phone_page.locator("main img").count() == 0
    widths = page_width(phone_page)
    assert widths["page"] <= widths["viewport"] == 320
    assert_accessible(phone_page)


def test_an_organiser_publishes_and_the_shortlist_fits_a_phone(page, phone_page, voting_server):
    sign_in_as_organiser(page, voting_server)
    page.get_by_role("link", name=EDITION_LINK).first.click()
    page.get_by_role("link", name=re.compile("^Publish the shortlist")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Shortlist and public vote"
    assert_accessible(page)

    # An image for the first finalist of a category the judges decide, on that category's part of the page.
    page.get_by_role("navigation", name="Parts of the shortlist").get_by_role("link", name=JUDGED_CATEGORY).click()
    assert page.title().startswith(f"{JUDGED_CATEGORY}: Shortlist and public vote")
    assert_accessible(page)
    section = page.locator("section", has=page.get_by_role("heading", level=2, name=JUDGED_CATEGORY))
    section.get_by_role("link", name=re.compile("^Change the public name, summary or image")).first.click()
    finalist_name = page.get_by_label("Name shown to the public").input_value()
    page.get_by_label("Upload an image").set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": make_png(120, 90, rgb=(0, 112, 60))}
    )
    page.get_by_role("button", name="Upload the image").click()
    assert "is saved (PNG)" in page.locator("#messages").inner_text()
    assert page.locator("main img").evaluate("image => image.complete && image.naturalWidth") == 120
    assert_accessible(page)

    page.get_by_role("link", name="Back to the shortlist").click()
    page.get_by_role("navigation", name="Parts of the shortlist").get_by_role("link", name="Publication").click()
    page.get_by_role("button", name="Publish the shortlist now").click()
    assert "The shortlist is published" in page.locator("#messages").inner_text()

    response = phone_page.goto(voting_server.url("/shortlist"))
    assert response.status == 200
    assert response.headers["cache-control"] == "private, max-age=60"
    categories = phone_page.locator("main h2").all_inner_texts()
    assert JUDGED_CATEGORY in categories and "Self Management Project of the Year" in categories
    assert phone_page.locator(".finalist").count() >= len(categories) * 2
    image = phone_page.get_by_role("img", name=finalist_name)
    image.scroll_into_view_if_needed()
    phone_page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())
    widths = page_width(phone_page)
    assert widths["page"] <= widths["viewport"] == 320, f"the page scrolls sideways at 320px: {widths}"
    assert_accessible(phone_page)
