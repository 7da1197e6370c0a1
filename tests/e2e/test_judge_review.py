"""A judge reviews their scores on a 375px phone before submitting: the review with entries still unscored, "Change"
by keyboard to one entry and back with the new score, everything scored, submitted (read-only); axe-core on the
review in each state, and nothing scrolls sideways."""
import os

import pytest

from tests.e2e.helpers import demo_in_phase, fits_the_width, press, tab_to
from tests.fixtures.browser import assert_accessible, open_page, start_app_server

pytestmark = pytest.mark.browser

# Its own database, named so that browser.py's clean-up of databases left by killed runs also covers it.
REVIEW_DATABASE = f"awards_e2e_review_{os.getpid()}"


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn with the demo edition in its judging phase: judges part-way through their entries."""
    with start_app_server(tmp_path_factory.mktemp("review_server"), REVIEW_DATABASE) as server:
        yield demo_in_phase(server, "judging")


@pytest.fixture
def phone(browser):
    """A 375px phone (the commonest small phone), touch, mobile layout."""
    yield from open_page(browser, viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)


def sign_in(page, server, email: str, password: str) -> None:
    """Sign in with a demo judge's email and password; land on their judging home."""
    page.context.clear_cookies()
    page.goto(server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == server.url("/judging/")


def a_review_with_work_left(page, server) -> str:
    """Signed in as a demo judge with work left, the review page of one of their categories that is not submitted
    and still has entries to score (the demo has judges who have finished and judges part-way through)."""
    for role, email, password in server.sign_ins:
        if role != "judge":
            continue
        sign_in(page, server, email, password)
        ids = page.eval_on_selector_all("li.card[id^=panel-]", "cards => cards.map(card => card.id.slice(6))")
        for category_id in ids:
            url = server.url(f"/judging/categories/{category_id}/review")
            page.goto(url)
            main = page.locator("main").inner_text()
            if "still need" in main and "Submitted on" not in main:
                return url
    raise AssertionError("no demo judge has a category with entries still to score")


def looks_right(page) -> None:
    """No sideways scrolling on the phone, and nothing for axe to find."""
    fits_the_width(page)
    assert_accessible(page)


def score_cells(page, entry_name: str) -> list[str]:
    """The score cells of an entry's row on the review, as the phone shows them."""
    row = page.locator("tbody tr").filter(has=page.locator("th", has_text=entry_name))
    return [text.strip() for text in row.locator("td[data-label]").all_inner_texts()]


def is_change_link(element) -> bool:
    return element["tag"] == "a" and element["text"].startswith("Change ")


def test_a_judge_reviews_changes_and_submits_on_a_phone(phone, judging_server):
    page = phone
    review = a_review_with_work_left(page, judging_server)

    # With entries still unscored: they are named first, and there is no way on to submitting yet.
    assert page.locator("h1").inner_text() == "Review your scores"
    unfinished = page.locator("#unfinished-heading + p + ul a").all_inner_texts()
    assert unfinished and page.get_by_role("link", name="Continue to submit").count() == 0
    first_rows = page.locator("tbody th[scope=row]").all_inner_texts()[: len(unfinished)]
    assert all(row.startswith(name) for row, name in zip(first_rows, unfinished, strict=True)), (first_rows, unfinished)
    assert "Not scored" in page.locator("tbody").inner_text()
    assert page.locator("caption").inner_text().startswith("Your scores for")
    looks_right(page)

    # Keyboard only: Tab to the "Change" link of the last row (a scored entry) and open it.
    rows = page.locator("tbody tr").count()
    scored_name = page.locator("tbody th[scope=row]").nth(rows - 1).inner_text().strip()
    assert scored_name not in unfinished
    before = score_cells(page, scored_name)
    target = f"Change {scored_name}"
    tab_to(page, lambda element: is_change_link(element) and element["text"] == target, limit=200)
    assert press(page, page.locator(":focus")) == 200
    assert page.locator("h1").inner_text() == scored_name
    assert page.get_by_role("link", name="Back to your review").count() == 1

    # Change the first criterion's score with the arrow keys (autosaved), then save and go back to the review.
    name = page.eval_on_selector("fieldset.criterion", "set => set.getAttribute('hx-params')")
    old = int(page.locator(f"input[name={name}]:checked").get_attribute("value"))
    tab_to(page, lambda element: element["name"] == name)
    page.keyboard.press("ArrowLeft" if old > 0 else "ArrowRight")
    new = old - 1 if old > 0 else old + 1
    page.wait_for_function(
        "([id, text]) => document.getElementById(id).textContent.trim() === text",
        arg=[f"{name}-status", f"Saved: {new}"],
    )
    tab_to(page, lambda element: element["tag"] == "button" and element["text"] == "Save and go back to your review")
    assert press(page, page.locator(":focus")) == 200
    assert page.url == review
    after = score_cells(page, scored_name)
    assert after[0].startswith(f"{new} out of") and after[1:] == before[1:]
    # Focus moves through every Change link by keyboard, each naming its entry.
    seen = set()
    for _ in range(rows):
        seen.add(tab_to(page, is_change_link, limit=200)["text"])
    assert len(seen) == rows

    # Score every entry still waiting, each opened from the review's list and saved back to it.
    for entry_name in unfinished:
        with page.expect_navigation():
            page.locator("#unfinished-heading + p + ul").get_by_role("link", name=entry_name, exact=True).click()
        for fieldset in page.locator("fieldset.criterion").all():
            fieldset.locator("label.scale__label").nth(6).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Save and go back to your review").click()
        assert page.url == review
    assert "Not scored" not in page.locator("tbody").inner_text()
    assert page.locator("#unfinished-heading").count() == 0
    looks_right(page)

    # On to submitting, then the review is a read-only record.
    with page.expect_navigation():
        page.get_by_role("link", name="Continue to submit").click()
    assert page.locator("h1").inner_text() == "Submit your scores"
    with page.expect_navigation():
        page.get_by_role("button", name="Submit my scores").click()
    assert "are submitted" in page.locator("#messages").inner_text()
    page.goto(review)
    main = page.locator("main").inner_text()
    assert "Submitted on" in main and page.locator("main form").count() == 0
    links = page.locator("tbody a").all_inner_texts()
    assert len(links) == rows and all(text.split()[0] == "View" for text in links)
    looks_right(page)


def test_without_javascript_change_returns_to_the_review_on_a_320px_phone(no_js_phone_page, judging_server):
    page = no_js_phone_page
    review = a_review_with_work_left(page, judging_server)
    fits_the_width(page)
    entry_name = page.locator("#unfinished-heading + p + ul a").first.inner_text()
    with page.expect_navigation():
        page.locator("tbody tr").filter(has=page.locator("th", has_text=entry_name)).get_by_role("link").click()
    assert page.locator("h1").inner_text() == entry_name
    fits_the_width(page)
    for fieldset in page.locator("fieldset.criterion").all():
        fieldset.locator("label.scale__label").nth(3).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go back to your review").click()
    assert page.url == review
    assert all(cell.startswith("3 out of") for cell in score_cells(page, entry_name)[:-1])
    fits_the_width(page)
