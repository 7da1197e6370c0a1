"""A judge declares a conflict by mistake, on a phone: they score an entry, declare a conflict with it, read on the
confirmation what happens to their scores, confirm, and the entry leaves their list; the organiser restores it with a
reason (after tripping over the reason being required); the judge sees the entry again with their scores kept.
axe-core on every new page and state (the confirmation, the organisers' list, the restore form and its error state,
the recusal's confirmation).
"""
import os
import re

import pytest

from tests.e2e.helpers import (
    EDITION_LINK,
    fits_the_width,
    follow_link,
    sign_in_as_organiser,
)
from tests.fixtures.browser import (
    SIGN_IN_LINE,
    LiveServer,
    assert_accessible,
    open_page,
    start_app_server,
)

pytestmark = pytest.mark.browser

# Named like the other browser-test databases, so that a killed run's database is dropped by the next run.
CONFLICT_DATABASE = f"awards_e2e_conflict_{os.getpid()}"
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
WHAT_HAPPENS = (
    "You gave this entry 2 scores and a comment. They will be kept but no longer counted, and you will not see this "
    "entry again. If this is a mistake, ask the awards team: they can restore it."
)


@pytest.fixture(scope="module")
def judging_server(tmp_path_factory):
    """gunicorn serving the demo rebuilt in its judging phase (Tariq, the second judge, has scoring left to do)."""
    with start_app_server(tmp_path_factory.mktemp("conflict_server"), CONFLICT_DATABASE) as server:
        printed = server.flask("demo", "--phase", "judging")  # new passwords: read them again
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


def press(page, name: str) -> int:
    """Press the button with this name and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name, exact=True).click()
    return navigation.value.status


def sign_in_as_second_judge(page, server) -> None:
    """Sign in as the demo's second judge, who has categories still to score."""
    email, password = [(email, password) for role, email, password in server.sign_ins if role == "judge"][1]
    page.goto(server.url("/sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url == server.url("/judging/")


def check(page) -> None:
    """The page as it is now passes axe-core and fits the phone's width."""
    assert_accessible(page)
    fits_the_width(page)


def test_a_conflict_declared_by_mistake_is_restored_by_the_organiser(browser, judging_server):
    server = judging_server
    for judge_page in open_page(browser, **PHONE):
        sign_in_as_second_judge(judge_page, server)
        with judge_page.expect_navigation():
            judge_page.get_by_role("link", name=re.compile(r"^Score the entries")).first.click()
        entries_url = judge_page.url
        category_id = re.search(r"/categories/(\d+)/entries", entries_url).group(1)
        entry_link = judge_page.locator("a.entry-list__name").first
        name = entry_link.inner_text()
        with judge_page.expect_navigation():
            entry_link.click()
        entry_url = judge_page.url

        # The judge scores the entry and comments on it (the whole form, as without JavaScript).
        for criterion in judge_page.locator("fieldset.criterion").all()[:2]:
            criterion.locator(".scale__label").nth(2).click()  # the label is what a finger presses
        judge_page.get_by_label("Comment (optional)").fill("A strong, well-evidenced entry.")
        assert press(judge_page, "Save") == 200
        chosen = {box.get_attribute("id") for box in judge_page.locator(".scale__input:checked").all()}
        assert len(chosen) >= 2

        # Then declares a conflict with it by mistake, and is told what happens before anything is recorded.
        judge_page.goto(server.url(f"/judging/categories/{category_id}/conflicts"))
        judge_page.locator(".conflict-item").filter(has_text=name).locator("input[type=checkbox]").check()
        judge_page.locator(".conflict-item").filter(has_text=name).locator("textarea").fill("I know the nominee.")
        assert press(judge_page, "Declare this conflict") == 200
        assert judge_page.locator("h1").inner_text() == f"Declare a conflict with {name}?"
        assert WHAT_HAPPENS.replace("2 scores", f"{len(chosen)} scores") in judge_page.locator("main").inner_text()
        check(judge_page)
        assert press(judge_page, "Yes, declare the conflict") == 200
        assert "kept but no longer counted" in judge_page.locator("#messages").inner_text()
        judge_page.goto(entries_url)
        assert name not in judge_page.locator("main").inner_text()
        assert judge_page.goto(entry_url).status == 404

        for organiser_page in open_page(browser, **PHONE):
            sign_in_as_organiser(organiser_page, server)
            with organiser_page.expect_navigation():
                organiser_page.get_by_role("link", name=EDITION_LINK).click()
            follow_link(organiser_page, "Progress, rankings, shortlist and final round")
            follow_link(organiser_page, "Conflicts of interest")
            card = organiser_page.locator(".disclosure-list__item").filter(has_text="I know the nominee.")
            assert card.count() == 1
            card.locator("summary").click()  # each conflict is a <details>
            assert f"{len(chosen)} scores and a comment" in card.inner_text()
            check(organiser_page)
            with organiser_page.expect_navigation():
                card.get_by_role("link", name=re.compile("^Restore")).click()
            check(organiser_page)
            assert press(organiser_page, "Restore the conflict") == 422  # the reason is required
            assert "Say why the conflict is being restored" in organiser_page.locator(".error-summary").inner_text()
            check(organiser_page)
            organiser_page.get_by_label("Why are you restoring it?").fill("The judge ticked the wrong entry.")
            assert press(organiser_page, "Restore the conflict") == 200
            assert "count again" in organiser_page.locator("#messages").inner_text()
            assert organiser_page.locator(".disclosure-list__item").filter(has_text="I know the nominee.").count() == 0

            # Recusing a judge asks first too (going back records nothing).
            nomination_id = entry_url.rsplit("/", 1)[1]
            organiser_page.goto(server.url(f"/admin/nominations/{nomination_id}/recuse"))
            organiser_page.locator("input[name=judge]").first.check()
            organiser_page.get_by_label("Why are they recused?").fill("Works with the nominee.")
            assert press(organiser_page, "Recuse the judge") == 200
            restorable = "If this is a mistake, you can restore it from the conflicts of interest page."
            assert restorable in organiser_page.locator("main").inner_text()
            check(organiser_page)
            assert press(organiser_page, "No, go back") == 200
            assert organiser_page.get_by_label("Why are they recused?").input_value() == "Works with the nominee."

        # The judge sees the entry again, with the scores and comment they gave it.
        judge_page.goto(entries_url)
        assert name in judge_page.locator("main").inner_text()
        assert judge_page.goto(entry_url).status == 200
        assert {box.get_attribute("id") for box in judge_page.locator(".scale__input:checked").all()} == chosen
        assert judge_page.get_by_label("Comment (optional)").input_value() == "A strong, well-evidenced entry."
