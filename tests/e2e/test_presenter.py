"""The presenter view on a projector at 1920x1080 and at 1280x720: the title slide, an award, a winner's reveal and a
slide of very long names each fit the screen with nothing outside it; the room sees no navigation or key help, yet
keyboard users reach them with Tab; the full-screen button works (and is absent without JavaScript) and the arrow keys
move between slides without leaving full screen; the logo shows; axe-core finds nothing. A screenshot of each slide
goes to test-results/screenshots/presenter/ (a test artefact, not committed)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import demo_in_phase, focused
from tests.fixtures.browser import (
    PROJECT_ROOT,
    assert_accessible,
    open_page,
    start_app_server,
)

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
PRESENTER_DATABASE = f"awards_e2e_presenter_{os.getpid()}"
SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots" / "presenter"
PROJECTORS = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}

LONG_CATEGORY = "The Award for Outstanding Partnership Working Across Health, Social Care, Housing and the Third Sector"
LONG_FINALIST = "The Greater Glenmorven and Loch Ashie Community Wellbeing, Peer Support and Self Management Network"
LOGO_ALT = "Self Management Awards"

# On the ceremony night's demo: the organisation's logo; the second award confirmed and revealed, its winner given a
# very long name; the third award given a very long name and one of its finalists a very long name, not revealed.
NIGHT = f"""
from sqlalchemy import select
from awards_app import create_app
from awards_app.accounts.models import Role, User
from awards_app.ceremony import reveals, winners
from awards_app.extensions import db
from awards_app.ceremony.models import Award, Place
from awards_app.judging.models import Finalist
from awards_app.programme.models import Edition
from awards_app.site_settings.changes import save_logo
from tests.factories.images import make_png
app = create_app()
with app.app_context():
    organiser = db.session.scalars(select(User).where(User.role == Role.ORGANISER)).first()
    edition = db.session.scalars(select(Edition).order_by(Edition.id.desc())).first()
    order = reveals.running_order(edition)
    save_logo(organiser, make_png(300, 100), {LOGO_ALT!r})
    second, third = order[1], order[2]
    winner = db.session.scalars(select(Award).where(Award.category_id == second.id,
                                                    Award.place == Place.WINNER)).first()
    db.session.get(Finalist, winner.finalist_id).public_name = {LONG_FINALIST!r}
    winners.confirm_result(organiser, second)
    reveals.reveal_category(organiser, second)
    third.name = {LONG_CATEGORY!r}
    db.session.scalars(select(Finalist).where(Finalist.category_id == third.id)).first().public_name = {LONG_FINALIST!r}
    db.session.commit()
    print(second.name)
"""

# Every element the room could see lies inside the viewport (the skip link waits off-screen until focused).
OUTSIDE_THE_VIEWPORT = r"""() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
      out.push(`${el.tagName.toLowerCase()}.${el.className}: ${JSON.stringify(box)}`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > innerWidth || root.scrollHeight > innerHeight) {
    out.push(`the page scrolls: ${root.scrollWidth}x${root.scrollHeight}`);
  }
  return out;
}"""

# How much of an element the room sees: its box, cut by any ancestor that clips it.
SEEN_BOX = r"""(el) => {
  let box = el.getBoundingClientRect();
  let width = box.width, height = box.height;
  for (let up = el; up; up = up.parentElement) {
    const style = getComputedStyle(up);
    if (style.overflow === 'hidden' || style.clipPath !== 'none' || style.clip !== 'auto') {
      const edge = up.getBoundingClientRect();
      width = Math.min(width, edge.width);
      height = Math.min(height, edge.height);
    }
  }
  return {width, height};
}"""


# Asks for the slide shown, as its poll does, and swaps it in the way the poll would.
REDRAW = """() => htmx.ajax("GET", location.pathname, {source: "#slide", target: "#slide", swap: "outerHTML settle:0ms"})"""


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """gunicorn with the demo edition on its ceremony night, a logo, one award revealed and very long names."""
    with start_app_server(tmp_path_factory.mktemp("presenter_server"), PRESENTER_DATABASE) as server:
        server = demo_in_phase(server, "ceremony")
        done = subprocess.run([sys.executable, "-c", NIGHT], cwd=PROJECT_ROOT, env=server.env, check=True,
                              capture_output=True, text=True, timeout=120)
        server.revealed = done.stdout.strip().splitlines()[-1]
        yield server


@pytest.fixture(params=list(PROJECTORS), ids=list(PROJECTORS))
def projector(browser, request):
    """The presenter view on a projector of this size."""
    for page in open_page(browser, viewport=PROJECTORS[request.param]):
        page.size_name = request.param  # names its screenshots and failures
        yield page


def settled(page) -> None:
    """Wait for the reveal's animation to end (the checks and the screenshot see the slide as the room does)."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def nothing_outside_the_viewport(page) -> None:
    outside = page.evaluate(OUTSIDE_THE_VIEWPORT)
    assert not outside, f"{page.url} at {page.size_name}: outside the viewport:\n  " + "\n  ".join(outside)


def unseen_by_the_room(page) -> None:
    """Previous, Next and the key help are there for screen readers and the keyboard, but show nothing on screen."""
    for selector in ("#slide a[rel]", ".stage__keys"):
        for element in page.locator(selector).element_handles():
            seen = page.evaluate(SEEN_BOX, element)
            assert seen["width"] <= 1 and seen["height"] <= 1, (selector, seen)
    assert page.locator(".stage__keys").count() == 1


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.size_name}.png"))


@pytest.mark.parametrize(("name", "position", "heading"), [
    ("title", 0, "Self Management Awards"),
    ("award", 1, None),
    ("reveal", 2, None),
    ("long-names", 3, LONG_CATEGORY),
])
def test_each_kind_of_slide_fits_the_projector_and_shows_only_the_awards(projector, night, name, position, heading):
    projector.goto(night.url(f"/results/present/{position}"))
    settled(projector)
    expect(projector.locator("h1")).to_be_visible()
    if heading:
        expect(projector.locator("h1")).to_contain_text(heading)
    if name == "reveal":
        expect(projector.locator("h1")).to_have_text(night.revealed)
        expect(projector.locator(".stage__winner")).to_have_text(LONG_FINALIST)
    if name == "long-names":
        expect(projector.locator(".stage__names")).to_contain_text(LONG_FINALIST)
    expect(projector.locator(".site-header")).to_be_hidden()
    expect(projector.locator(".site-footer")).to_be_hidden()
    logo = projector.get_by_role("img", name=LOGO_ALT)
    expect(logo).to_be_visible()
    assert projector.evaluate("(img) => img.complete && img.naturalWidth", logo.element_handle()) > 0
    nothing_outside_the_viewport(projector)
    unseen_by_the_room(projector)
    screenshot(projector, name)
    assert_accessible(projector)
    if name == "reveal":
        # The same reveal drawn again (as a poll does when anything changes) does not play its animation again.
        projector.evaluate(REDRAW)
        expect(projector.locator("#slide.stage--shown")).to_have_count(1)
        assert projector.evaluate("() => document.getAnimations().length") == 0


def test_keyboard_users_reach_previous_and_next_and_see_them_while_focused(projector, night):
    projector.goto(night.url("/results/present/1"))
    for _ in range(6):  # past the skip link and the full-screen button
        projector.keyboard.press("Tab")
        if focused(projector)["tag"] == "a" and projector.evaluate("() => document.activeElement.rel") == "prev":
            break
    else:
        raise AssertionError(f"Tab never reached Previous; it stopped at {focused(projector)}")
    expect(projector.get_by_role("link", name="Previous: Self Management Awards")).to_be_focused()
    expect(projector.locator(".stage__keys")).to_be_visible()
    controls = projector.locator(".stage__controls").bounding_box()
    assert controls["width"] > 100 and controls["height"] > 10
    nothing_outside_the_viewport(projector)
    screenshot(projector, "controls-focused")
    assert_accessible(projector)

    # Following Next keeps the keyboard on it in the next slide, which came without loading a page.
    projector.keyboard.press("Tab")
    projector.keyboard.press("Enter")
    expect(projector).to_have_url(night.url("/results/present/2"))
    expect(projector.locator("h1")).to_have_text(night.revealed)
    expect(projector.locator("#slide a[rel=next]")).to_be_focused()
    expect(projector).to_have_title(f"{night.revealed} – Presenter view – Self Management Awards")


def test_full_screen_and_the_arrow_keys_keep_it(projector, night):
    projector.goto(night.url("/results/present/0"))
    button = projector.get_by_role("button", name="Full screen")
    expect(button).to_be_visible()
    button.click()
    projector.wait_for_function("() => document.fullscreenElement === document.documentElement")
    expect(button).to_be_hidden()
    for key, position in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1)):
        projector.keyboard.press(key)
        expect(projector).to_have_url(night.url(f"/results/present/{position}"))
    assert projector.evaluate("() => document.fullscreenElement === document.documentElement"), "left full screen"
    expect(projector.locator("h1")).not_to_have_text(night.revealed)
    projector.evaluate("() => document.exitFullscreen()")
    expect(button).to_be_visible()


def test_without_javascript_there_is_no_dead_button_and_the_links_still_work(browser, night):
    for page in open_page(browser, viewport=PROJECTORS["1280x720"], java_script_enabled=False):
        page.goto(night.url("/results/present/0"))
        expect(page.get_by_role("button", name="Full screen")).to_have_count(0)
        expect(page.locator("[data-fullscreen]")).to_be_hidden()
        page.get_by_role("link", name="Next:", exact=False).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == night.url("/results/present/1")


def test_with_reduced_motion_the_reveal_comes_without_animation(browser, night):
    for page in open_page(browser, viewport=PROJECTORS["1280x720"], reduced_motion="reduce"):
        page.goto(night.url("/results/present/2"))
        expect(page.locator(".stage__winner")).to_have_text(LONG_FINALIST)
        assert page.evaluate("() => document.getAnimations().length") == 0
    for page in open_page(browser, viewport=PROJECTORS["1280x720"], reduced_motion="no-preference"):
        page.goto(night.url("/results/present/2"))
        assert page.evaluate("() => document.getAnimations().length") > 0  # the check above can tell
