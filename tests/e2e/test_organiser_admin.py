"""An organiser edits the edition and its categories in a real browser, with axe-core checking every page."""
import re
import secrets

import pytest

from tests.e2e.helpers import EDITION_LINK, follow_link, sign_in_as_organiser
from tests.fixtures.browser import assert_accessible

pytestmark = pytest.mark.browser


def submit(page, name):
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    return navigation.value


def test_organiser_edits_the_edition_and_its_categories(page, live_server):
    sign_in_as_organiser(page, live_server)
    assert_accessible(page)

    # The edition: change its theme.
    page.get_by_role("link", name=EDITION_LINK).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Self Management Awards")
    assert_accessible(page)
    follow_link(page, "Change the details and dates")
    assert_accessible(page)
    theme = f"Living well, our way ({secrets.token_hex(2)})"
    page.get_by_label("Theme").fill(theme)
    submit(page, "Save changes")
    assert theme in page.content()

    # A new category: first the error state, then a good one (on the edition's Categories part).
    follow_link(page, re.compile(r"^Categories \("))
    page.get_by_role("link", name="Add a category").click()
    response = submit(page, "Add category")
    assert response.status == 422
    assert page.title().startswith("Error: ")
    summary = page.locator("[data-error-summary]")
    assert "Enter the name of the category" in summary.inner_text()
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert_accessible(page)
    name = f"Carer of the Year {secrets.token_hex(2)}"
    page.get_by_label("Name").fill(name)
    page.get_by_label("Person").check()
    page.get_by_label("Description", exact=False).first.fill("For a carer who supports self management.")
    submit(page, "Add category")
    assert name in page.content()

    # Adding it leads to its own page: change it, then give it a question.
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert_accessible(page)
    page.get_by_role("link", name="Change", exact=False).first.click()
    page.get_by_label("Name").fill(name + " (unpaid)")
    submit(page, "Save changes")
    assert name + " (unpaid)" in page.content()
    follow_link(page, "Add a question")
    assert_accessible(page)
    page.get_by_role("textbox", name="Question").fill("How has this person helped someone live well?")
    page.get_by_label("Word limit").fill("250")
    submit(page, "Add question")
    assert "How has this person helped someone live well?" in page.content()
    assert_accessible(page)

    # Delete the question, then the category, each after a confirmation page (the shared demo is left as it was).
    follow_link(page, "Delete question 1")
    assert_accessible(page)
    submit(page, "Yes, delete it")
    assert "How has this person helped someone live well?" not in page.content()
    page.get_by_role("link", name="Delete the category").click()
    submit(page, "Yes, delete it")
    assert "has been deleted" in page.locator("#messages").inner_text()
    assert page.get_by_role("link", name=name + " (unpaid)").count() == 0


def test_admin_pages_fit_a_phone(phone_page, live_server):
    sign_in_as_organiser(phone_page, live_server)
    follow_link(phone_page, EDITION_LINK)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone_page)
