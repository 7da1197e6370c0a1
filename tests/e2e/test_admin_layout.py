"""The organisers' layout in a real browser, on two table-heavy pages of the demo at 320 and 1280 pixels wide: nothing
wider than the window, no number or reference broken across lines, the edition's navigation in place, axe clean and
no console error (the page fixtures fail on one); an htmx swap without a CSP violation; time boxes that show AM/PM."""
from __future__ import annotations

import os

import pytest

from tests.e2e.helpers import (
    EDITION_LINK,
    checked,
    demo_in_phase,
    follow_link,
    sign_in_as_organiser,
)
from tests.fixtures.browser import open_page, start_app_server

pytestmark = pytest.mark.browser

LAYOUT_DATABASE = f"awards_e2e_admin_layout_{os.getpid()}"

# Elements reaching past the window's right edge, except inside something that scrolls or clips them (a wide table
# in its scrolling region) and what is hidden off-screen on purpose (the skip link, visually hidden text).
TOO_WIDE = r"""() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  return Array.from(document.body.querySelectorAll('*')).filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.left < 0) return false;
    return box.right > width + 0.5 && !clipped(el);
  }).map((el) => el.tagName.toLowerCase() + '.' + el.className + ': ' + (el.innerText || '').slice(0, 40));
}"""

# Cells holding a number or a reference whose text runs over more than one line (a DOM Range's boxes on several lines).
BROKEN_CELLS = r"""() => Array.from(document.querySelectorAll(
    '.table .table__numeric, .table .table__reference, .table .table__nowrap')).filter((cell) => {
  if (cell.tagName === 'TH' && cell.getAttribute('scope') === 'col') return false;
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set(Array.from(range.getClientRects())
    .filter((box) => box.width > 1 && box.height > 1).map((box) => Math.round(box.top)));
  return tops.size > 1;
}).map((cell) => cell.innerText)"""

# Whether the first time box is wide enough for "05:00 PM" and the browser's clock button beside it.
TIME_FITS = r"""() => {
  const input = document.querySelector('input.input--time');
  const style = getComputedStyle(input);
  const probe = document.createElement('span');
  probe.textContent = '05:00 PM';
  probe.style.font = style.font;  // set through the CSSOM, which the CSP allows
  probe.style.position = 'absolute';
  document.body.append(probe);
  const text = probe.getBoundingClientRect().width;
  probe.remove();
  const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {inner, needed: text + 1.5 * parseFloat(style.fontSize)};
}"""


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn with the demo in its judging phase (nominations in, judges scoring), on a database of its own so
    that the session's live server keeps its demo and sign-ins."""
    with start_app_server(tmp_path_factory.mktemp("admin_layout"), LAYOUT_DATABASE) as started:
        yield demo_in_phase(started, "judging")


@pytest.fixture(params=[320, 1280], ids=["320px", "1280px"])
def sized_page(request, browser):
    """A page 320 (a phone) or 1280 pixels wide; fails on any console error."""
    width = request.param
    options = {"is_mobile": True, "has_touch": True} if width == 320 else {}
    yield from open_page(browser, viewport={"width": width, "height": 800}, **options)


def laid_out_well(page, section: str) -> None:
    """The page's checks: its section current in the navigation, nothing too wide, no broken number, axe clean."""
    current = page.locator(".edition-nav [aria-current=page]")
    assert current.inner_text() == section
    assert page.evaluate(TOO_WIDE) == []
    assert page.evaluate(BROKEN_CELLS) == []
    checked(page)


def test_the_nominations_list(sized_page, judging_server):
    sign_in_as_organiser(sized_page, judging_server)
    follow_link(sized_page, EDITION_LINK)
    follow_link(sized_page, "Nominations", exact=True)
    assert sized_page.locator(".table .table__nowrap").count() >= 10  # the references of a page of ten, each whole
    laid_out_well(sized_page, "Nominations")


def test_a_category_judging_page(sized_page, judging_server):
    sign_in_as_organiser(sized_page, judging_server)
    follow_link(sized_page, EDITION_LINK)
    follow_link(sized_page, "Judging", exact=True)
    sized_page.locator("table a").first.click()
    sized_page.wait_for_load_state()
    assert sized_page.locator(".table td.table__numeric").count() > 5
    laid_out_well(sized_page, "Judging")


def test_an_htmx_swap_reports_no_content_security_policy_violation(page, judging_server):
    page.add_init_script("window.violations = []; document.addEventListener('securitypolicyviolation',"
                         " (event) => window.violations.push(event.violatedDirective + ' ' + event.sample));")
    sign_in_as_organiser(page, judging_server)
    follow_link(page, EDITION_LINK)
    follow_link(page, "Nominations", exact=True)
    page.locator(".table a").first.click()
    page.wait_for_load_state()
    page.evaluate("() => { window.settled = new Promise((done) => document.addEventListener('htmx:afterSettle', done)); }")
    page.locator("#status-submit").click()  # the status panel comes back through htmx, CSRF field and all
    assert page.evaluate("window.settled.then(() => document.querySelectorAll('#status-panel #csrf_token').length)") == 1
    assert page.evaluate("window.violations") == []


def test_time_boxes_show_the_hour_with_am_or_pm(browser, judging_server):
    for page in open_page(browser, viewport={"width": 1280, "height": 800}, locale="en-US"):
        sign_in_as_organiser(page, judging_server)
        follow_link(page, EDITION_LINK)
        follow_link(page, "Setup", exact=True)
        page.get_by_role("link", name="Change the details and dates").click()
        page.wait_for_load_state()
        fit = page.evaluate(TIME_FITS)
        assert fit["inner"] >= fit["needed"], fit
