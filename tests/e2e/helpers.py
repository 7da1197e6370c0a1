"""What several browser tests do: sign in as the demo organiser, and follow keyboard focus as a keyboard user would."""
from __future__ import annotations

import re

from tests.fixtures.browser import SIGN_IN_LINE, LiveServer, assert_accessible

# The demo edition's link on the organisers' dashboard.
EDITION_LINK = re.compile(r"^Self Management Awards \d{4}$")

# Describes the focused element in a few words, for assertions and failure messages.
FOCUSED = r"""() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), id: el.id, name: el.getAttribute('name'),
          text: (el.innerText || el.value || '').replace(/\s+/g, ' ').trim(), summary: el.hasAttribute('data-error-summary')};
}"""


def sign_in_as_organiser(page, live_server) -> None:
    """Sign in with the demo organiser's email and password through the sign-in form; land in the organisers' area."""
    email, password = live_server.sign_in_for("organiser")
    page.goto(live_server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == live_server.url("/admin/")


def demo_in_phase(server: LiveServer, phase: str) -> LiveServer:
    """Rebuild the server's demo edition in another phase; the same server with the new demo's sign-ins."""
    printed = server.flask("demo", "--phase", phase)  # each build makes new passwords
    lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
    sign_ins = [line.group("role", "email", "password") for line in lines if line]
    return LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def press(page, locator) -> int:
    """Activate a control from the keyboard: focus it, then Enter; wait for the page that follows, whose status this
    answers."""
    locator.focus()
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value.status


def fits_the_width(page) -> None:
    """Nothing scrolls sideways."""
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, view: window.innerWidth})")
    assert widths["page"] <= widths["view"], f"{page.url} scrolls sideways: {widths}"


def follow_link(page, name, **options) -> None:
    """Click a link and wait for the page it leads to (a click alone returns before the next page has loaded)."""
    with page.expect_navigation():
        page.get_by_role("link", name=name, **options).click()


def focused(page) -> dict:
    """What has keyboard focus now."""
    return page.evaluate(FOCUSED)


def tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element matches, as a keyboard user would; fail if it is never reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
        seen.append(element["text"][:30] or element["name"] or element["tag"])
    raise AssertionError(f"Tab never reached the element; it went through: {seen}")


def checked(page) -> None:
    """axe-core finds nothing, and nothing scrolls sideways."""
    assert_accessible(page)
    fits_the_width(page)


def press_button(page, name: str) -> int:
    """Press the button with this name and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value.status


# Each chart's text as the browser draws it (getBBox) lies inside its SVG's viewBox; the SVG fits the window.
CHART_TEXT_OUTSIDE = r"""() => {
  const outside = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.viewBox.baseVal;
    if (svg.getBoundingClientRect().right > window.innerWidth) outside.push([svg.id, 'the chart is wider than the window']);
    for (const text of svg.querySelectorAll('text')) {
      const drawn = text.getBBox();
      if (drawn.x < box.x - 0.5 || drawn.y < box.y - 0.5 || drawn.x + drawn.width > box.x + box.width + 0.5
          || drawn.y + drawn.height > box.y + box.height + 0.5) {
        outside.push([svg.id, text.textContent, Math.round(drawn.x), Math.round(drawn.x + drawn.width), box.width]);
      }
    }
  }
  return outside;
}"""


def charts_fit(page) -> int:
    """Every chart's text lies inside its image and every chart fits the window; how many charts the page has."""
    assert page.evaluate(CHART_TEXT_OUTSIDE) == [], f"{page.url} draws chart text outside its chart"
    return page.locator("svg.chart").count()
