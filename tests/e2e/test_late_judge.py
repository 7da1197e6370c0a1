"""A judge added after the shortlist, in a real browser on a 320px phone: the organiser is warned and chooses "final
round only"; the judge accepts the invitation, declares no conflicts against the finalists, ranks them and submits;
the organiser's final round counts them. axe-core on each new page and state."""
import os
import re
import secrets

import pytest

from tests.e2e.helpers import EDITION_LINK, fits_the_width, sign_in_as_organiser
from tests.fixtures.browser import (
    SIGN_IN_LINE,
    LiveServer,
    assert_accessible,
    open_page,
    start_app_server,
)

pytestmark = pytest.mark.browser

LATE_JUDGE_DATABASE = f"awards_e2e_late_judge_{os.getpid()}"
# A category without a public vote: its panel ranks the finalists in the final round.
CATEGORY = "Self Management Supporting Health and Social Care Partnership of the Year"
INVITATION_LINK = re.compile(r"http://[^/\s]+/sign-in/invitation/\S+")


@pytest.fixture(scope="module")
def voting_server(tmp_path_factory):
    """gunicorn serving the demo in its public-vote phase: every shortlist chosen (email to the development mailbox)."""
    with start_app_server(tmp_path_factory.mktemp("late_judge_server"), LATE_JUDGE_DATABASE) as server:
        printed = server.flask("demo", "--phase", "voting")
        lines = (SIGN_IN_LINE.match(line) for line in printed.splitlines())
        sign_ins = [line.group("role", "email", "password") for line in lines if line]
        yield LiveServer(base_url=server.base_url, sign_ins=sign_ins, env=server.env)


@pytest.fixture
def second_phone_page(browser):
    """Another 320px phone, for the judge (the organiser keeps theirs)."""
    yield from open_page(browser, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)


def looks_right(page) -> None:
    """Fits 320px, and nothing for axe to find."""
    fits_the_width(page)
    assert_accessible(page)


def click(page, role: str, name: str) -> int:
    """Click a link or button and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.get_by_role(role, name=name, exact=True).click()
    return navigation.value.status


def final_round_count(page, server, edition_path: str, category_id: str) -> str:
    """The organisers' sentence counting the judges who submitted their final ranks."""
    page.goto(server.url(f"/admin/categories/{category_id}/judging/final-round"))
    return page.locator("#final-round").locator("xpath=..").locator("p").first.inner_text()


def test_a_judge_added_after_the_shortlist_ranks_the_finalists(phone_page, second_phone_page, voting_server):
    organiser, judge = phone_page, second_phone_page
    server = voting_server
    sign_in_as_organiser(organiser, server)
    with organiser.expect_navigation():
        organiser.get_by_role("link", name=EDITION_LINK).click()
    edition_path = re.search(r"/admin/editions/\d+", organiser.url).group(0)
    organiser.goto(server.url(edition_path + "/judges/new"))
    box_label = organiser.locator("label[for^=new-judge-category-]", has_text=CATEGORY)
    category_id = box_label.get_attribute("for").rsplit("-", 1)[1]
    before = final_round_count(organiser, server, edition_path, category_id)
    submitted, panel = map(int, re.match(r"(\d+) of (\d+) judges", before).groups())

    # The warning and the choice sit beside the category's box.
    # The question shows once the category's box is ticked (CSS alone: it works without JavaScript too).
    organiser.goto(server.url(edition_path + "/judges/new"))
    question = organiser.locator(f"#new-judge-category-{category_id}").locator("xpath=..").locator("fieldset")
    assert not question.is_visible()
    organiser.locator(f"#new-judge-category-{category_id}").check()
    assert question.is_visible()
    assert "a judge added now cannot score its entries" in question.inner_text()
    looks_right(organiser)

    name = f"Lena Late {secrets.token_hex(2)}"
    email = f"lena.late.{secrets.token_hex(4)}@example.org"
    organiser.get_by_label("Full name").fill(name)
    organiser.get_by_label("Email address").fill(email)
    organiser.locator(f"#new-judge-category-{category_id}").check()
    # Without a choice, the organiser is asked again, with what they typed kept.
    assert click(organiser, "button", "Add the judge") == 422
    assert organiser.title().startswith("Error: ")
    assert "choose whether they rank the finalists" in organiser.locator("[data-error-summary]").inner_text()
    assert organiser.get_by_label("Full name").input_value() == name
    looks_right(organiser)
    organiser.locator(f"#new-judge-role-{category_id}-final_only").check()
    assert click(organiser, "button", "Add the judge") == 200
    assert f"{name} has been added" in organiser.locator("#messages").inner_text()
    # Back on the list of judges, the new judge's card is open.
    card = organiser.locator(".disclosure-list__item").filter(has=organiser.get_by_role("heading", name=name))
    assert "Final round only" in card.locator(".panel-places").inner_text()
    looks_right(organiser)
    assert click(organiser, "button", f"Send the invitation to {name}") == 200

    # The invitation, as the development mailbox keeps it.
    organiser.goto(server.url("/dev/mail/"))
    with organiser.expect_navigation():
        organiser.locator("tbody tr").filter(has_text=email).first.get_by_role("link").first.click()
    link = INVITATION_LINK.search(organiser.locator("pre.email-body").inner_text()).group(0)
    link = server.url("/" + link.split("/", 3)[3])  # the path, on this server

    # The judge: a password, then their home, where the category asks for conflicts with the finalists only.
    judge.goto(link)
    judge.locator("input[name=password]").fill(f"lantern-{secrets.token_hex(3)}-machair-bothy")
    with judge.expect_navigation():
        judge.locator("input[name=password]").press("Enter")
    assert judge.url == server.url("/judging/")
    card = judge.locator(f"#panel-{category_id}")
    assert "You are on this panel for the final round only" in card.inner_text()
    looks_right(judge)

    assert click(judge, "link", f"Declare conflicts in {CATEGORY}") == 200
    finalists = judge.locator(".conflict-item").count()
    assert finalists >= 2
    looks_right(judge)
    assert click(judge, "button", "I have no conflicts") == 200
    assert judge.url == server.url(f"/judging/categories/{category_id}/final-round")
    assert judge.locator("h1").inner_text() == "Final round"
    looks_right(judge)
    # A finalist's nomination, read-only: no scoring form, and the way back to the final round.
    with judge.expect_navigation() as reading:
        judge.locator("a", has_text="Read the nomination").first.click()
    assert reading.value.status == 200
    assert judge.locator("input[name^=score-]").count() == 0
    looks_right(judge)
    assert click(judge, "link", "Back to the final round") == 200

    for rank in range(1, finalists + 1):
        judge.locator("select.select").nth(rank - 1).select_option(str(rank))
    assert click(judge, "button", "Submit my final ranking") == 200
    assert "Your final ranking" in judge.locator("main").inner_text()
    looks_right(judge)
    judge.goto(server.url("/judging/"))
    assert "Final round only" in judge.locator(f"#panel-{category_id}").inner_text()
    looks_right(judge)

    # The organiser's page counts them.
    after = final_round_count(organiser, server, edition_path, category_id)
    assert after.startswith(f"{submitted + 1} of {panel + 1} judges have submitted their final ranks"), after
    looks_right(organiser)
