"""The public pages in a real browser: the demo edition, small screens, no JavaScript, error pages, accessibility."""
import pytest

from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser

# The six 2016 categories the demo builds (other browser tests may add categories of their own).
DEMO_CATEGORIES = (
    "Self Management Supporting Health and Social Care Partnership of the Year",
    "Self Management Project of the Year",
    "Self Management Supporting Community of the Year",
    "Best Self Management Resource",
    "Individual Transformational Story of the Year",
    "Innovative Partnership Idea of the Year",
)


def category_cards(page):
    """The category cards listed under "The categories" on the home page."""
    return page.locator("h2:text-is('The categories') + .card-list > .card")


def listed_categories(page) -> list[str]:
    """The names of the categories on the home page."""
    return [name.strip() for name in category_cards(page).locator("h3").all_inner_texts()]


def test_home_shows_the_demo_edition_and_is_accessible(page, live_server):
    response = page.goto(live_server.url("/"))
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert set(DEMO_CATEGORIES) <= set(listed_categories(page))
    assert page.locator(".phase-banner").inner_text().strip()
    assert_accessible(page)


def test_home_fits_a_320px_screen(phone_page, live_server):
    phone_page.goto(live_server.url("/"))
    assert set(DEMO_CATEGORIES) <= set(listed_categories(phone_page))
    widths = phone_page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["viewport"] == 320
    assert widths["page"] <= widths["viewport"], f"the page scrolls sideways at 320px: {widths}"
    assert_accessible(phone_page)


def test_home_works_without_javascript(no_js_page, live_server):
    response = no_js_page.goto(live_server.url("/"))
    assert response.status == 200
    assert no_js_page.evaluate("() => typeof window.htmx") == "undefined", "the page's scripts ran"
    assert set(DEMO_CATEGORIES) <= set(listed_categories(no_js_page))
    no_js_page.get_by_role("link", name="Sign in").click()
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "Sign in"


def test_a_missing_page_is_a_friendly_accessible_404(page, live_server):
    response = page.goto(live_server.url("/no-such-page"))
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.title().startswith("Page not found")
    assert_accessible(page)


def test_development_mailbox_is_reachable(page, live_server):
    page.goto(live_server.url("/"))
    assert page.get_by_role("link", name="Development mailbox").get_attribute("href") == "/dev/mail/"
    response = page.goto(live_server.url("/dev/mail"))
    assert response.status == 200
    assert page.get_by_role("heading", level=1, name="Development mailbox").is_visible()
    assert_accessible(page)
