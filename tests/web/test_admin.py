"""The organisers' area through the test client: access, forms, validation, confirmations, moves and 404s."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.nominations.models import Nomination
from awards_app.programme import categories, editions
from awards_app.programme.models import Category, Criterion, Edition, NomineeKind, Question
from awards_app.programme.phases import PHASE_DATES
from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
from tests.web.forms import csrf_token_from, post_form


def phase_dates(start: datetime) -> dict[str, datetime]:
    """Eight phase dates a week apart, in order."""
    return {field: start + timedelta(weeks=number) for number, (field, _label) in enumerate(PHASE_DATES)}


@pytest.fixture
def site(organiser, db_session):
    """Two editions, each with categories, questions and a criterion, saved as if by earlier requests."""
    edition = editions.create_edition(
        organiser, year=2026, name="Awards 2026", dates=phase_dates(datetime(2026, 4, 1, 9, tzinfo=timezone.utc))
    )
    category = categories.add_category(organiser, edition, name="Carer of the year", nominee_kind=NomineeKind.PERSON)
    second = categories.add_category(organiser, edition, name="Project of the year", nominee_kind=NomineeKind.PROJECT)
    question = categories.add_question(organiser, category, prompt="What did they do?", word_limit=300)
    second_question = categories.add_question(organiser, category, prompt="Who benefited?", word_limit=200)
    criterion = categories.add_criterion(organiser, edition, name="Impact", weight=1, scale_min=0, scale_max=10)

    other = editions.create_edition(
        organiser, year=2025, name="Awards 2025", dates=phase_dates(datetime(2025, 4, 1, 9, tzinfo=timezone.utc))
    )
    other_category = categories.add_category(organiser, other, name="Carer of the year", nominee_kind="person")
    other_question = categories.add_question(organiser, other_category, prompt="Why?", word_limit=100)
    other_criterion = categories.add_criterion(organiser, other, name="Impact", weight=1, scale_min=0, scale_max=10)
    db_session.commit()
    return SimpleNamespace(
        edition=edition.id, category=category.id, second=second.id, question=question.id,
        second_question=second_question.id, criterion=criterion.id, other=other.id,
        other_category=other_category.id, other_question=other_question.id, other_criterion=other_criterion.id,
    )


def url(template: str, site) -> str:
    """Fill a URL template with the ids of the site fixture."""
    return template.format(**vars(site))


E = "/admin/editions/{edition}"
C = E + "/categories/{category}"
Q = C + "/questions/{question}"
K = E + "/criteria/{criterion}"

PAGES = [
    "/admin/", "/admin/editions/new", E, E + "/edit", E + "/categories/new", C, C + "/edit", C + "/delete",
    C + "/questions/new", Q + "/edit", Q + "/delete", E + "/criteria/new", K + "/edit", K + "/delete",
]
POST_ONLY = [C + "/move", Q + "/move"]


def edition_form(**overrides) -> dict:
    """A complete, valid edition form; nominations open before and close after the clocks go forward."""
    data = {"year": "2027", "name": "Awards 2027", "theme": "Living well", "venue": "Glasgow"}
    data["timezone"] = "Europe/London"
    days = ["2027-03-01", "2027-04-12", "2027-04-13", "2027-05-10", "2027-05-17", "2027-05-24", "2027-06-07",
            "2027-06-24"]
    for (field, _label), day in zip(PHASE_DATES, days):
        data[f"{field}_date"] = day
        data[f"{field}_time"] = "09:00"
    data["nominations_close_at_time"] = "17:00"
    return {**data, **overrides}


def body(response) -> str:
    """The response's text."""
    return response.get_data(as_text=True)


def input_tag(text: str, element_id: str) -> str:
    """The <input> tag with this id in a page (failing the test when there is none)."""
    match = re.search(rf'<input[^>]* id="{re.escape(element_id)}"[^>]*>', text)
    assert match, f"no input #{element_id}"
    return match.group(0)


def assert_form_error(response, *messages: str) -> None:
    """A form shown again with 422, the error summary, 'Error: ' in the title and each message."""
    text = body(response)
    assert response.status_code == 422, text
    assert "There is a problem" in text
    assert "<title>Error: " in text
    for message in messages:
        assert message in text


# --- Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_sent_to_sign_in(client, site, page):
    response = client.get(url(page, site))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("page", PAGES)
def test_judges_get_403(judge_client, site, page):
    assert judge_client.get(url(page, site)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_organisers_see_every_page(organiser_client, site, page):
    response = organiser_client.get(url(page, site))
    assert response.status_code == 200
    if page != "/admin/":
        assert 'aria-label="Breadcrumb"' in body(response)


FORM_PAGES = [page for page in PAGES[1:] if not page.endswith(("{edition}", "{category}"))]


@pytest.mark.parametrize("page", FORM_PAGES + POST_ONLY)
def test_posts_from_visitors_and_judges_are_turned_away(client, site, page, db_session):
    token = csrf_token_from(client, "/sign-in")
    response = client.post(url(page, site), data={"csrf_token": token, "direction": "up"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")

    make_judge(password=JUDGE_PASSWORD)
    db_session.commit()
    post_form(client, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    token = csrf_token_from(client, "/")
    assert client.post(url(page, site), data={"csrf_token": token, "direction": "up"}).status_code == 403


@pytest.mark.parametrize("page", FORM_PAGES + POST_ONLY)
def test_posts_without_csrf_token_are_refused(organiser_client, site, page, db_session):
    response = organiser_client.post(url(page, site), data={"name": "Sneaky", "direction": "down"})
    assert response.status_code == 400
    assert "This form has expired" in body(response)
    assert db_session.scalar(select(Category).where(Category.name == "Sneaky")) is None
    assert db_session.get(Category, site.category) is not None


@pytest.mark.parametrize(
    "page",
    [
        "/admin/editions/999999", "/admin/editions/999999/edit", "/admin/editions/{other}/categories/{category}",
        "/admin/editions/{edition}/categories/{other_category}/edit",
        "/admin/editions/{edition}/categories/999999/questions/new",
        "/admin/editions/{edition}/categories/{second}/questions/{question}/edit",
        "/admin/editions/{edition}/categories/{category}/questions/{other_question}/delete",
        "/admin/editions/{other}/categories/{other_category}/questions/{question}/edit",
        "/admin/editions/{edition}/criteria/{other_criterion}/edit",
        "/admin/editions/{other}/criteria/{criterion}/delete", "/admin/editions/{edition}/criteria/999999/edit",
    ],
)
def test_ids_that_do_not_exist_or_belong_elsewhere_give_404(organiser_client, site, page):
    assert organiser_client.get(url(page, site)).status_code == 404


def test_moves_with_ids_from_elsewhere_give_404(organiser_client, site):
    token = csrf_token_from(organiser_client, url(E, site))
    for page in ("/admin/editions/{other}/categories/{category}/move",
                 "/admin/editions/{edition}/categories/{second}/questions/{question}/move"):
        assert organiser_client.post(url(page, site), data={"csrf_token": token, "direction": "up"}).status_code == 404


# --- Dashboard and editions --------------------------------------------------------------------------------------


def test_dashboard_lists_editions_with_their_phase(organiser_client, site, clock):
    clock.set(datetime(2026, 4, 2, tzinfo=timezone.utc))
    text = body(organiser_client.get("/admin/"))
    assert "Awards 2026" in text and "Awards 2025" in text
    assert "Nominations open" in text and "Winners announced" in text
    assert f'href="/admin/editions/{site.edition}"' in text
    assert "Create an edition" in text


def test_create_an_edition_in_local_time(organiser_client, db_session):
    response = post_form(organiser_client, "/admin/editions/new", edition_form())
    assert response.status_code == 303
    edition = db_session.scalars(select(Edition).where(Edition.year == 2027)).one()
    assert response.headers["Location"] == f"/admin/editions/{edition.id}"
    # 9am in winter is 9am UTC; 5pm in British Summer Time is 4pm UTC.
    assert edition.nominations_open_at == datetime(2027, 3, 1, 9, tzinfo=timezone.utc)
    assert edition.nominations_close_at == datetime(2027, 4, 12, 16, tzinfo=timezone.utc)
    assert (edition.theme, edition.venue, edition.timezone) == ("Living well", "Glasgow", "Europe/London")
    page = body(organiser_client.get(response.headers["Location"]))
    assert "‘Awards 2027’ has been created." in page
    assert "5pm on Monday 12 April 2027" in page


def test_edit_form_shows_dates_back_in_local_time(organiser_client, site):
    text = body(organiser_client.get(url(E + "/edit", site)))
    # Stored as 09:00 UTC on 1 April 2026, which is 10:00 British Summer Time.
    assert 'value="2026-04-01"' in input_tag(text, "nominations_open_at_date")
    assert 'value="10:00"' in input_tag(text, "nominations_open_at_time")
    assert 'value="Awards 2026"' in text


def test_edit_an_edition(organiser_client, site, db_session):
    form = edition_form(year="2026", name="The 2026 awards", timezone="UTC")
    response = post_form(organiser_client, url(E + "/edit", site), form)
    assert response.status_code == 303
    edition = db_session.get(Edition, site.edition)
    db_session.refresh(edition)
    assert (edition.name, edition.timezone) == ("The 2026 awards", "UTC")
    assert edition.nominations_close_at == datetime(2027, 4, 12, 17, tzinfo=timezone.utc)
    assert "‘The 2026 awards’ has been updated." in body(organiser_client.get(response.headers["Location"]))


def test_empty_edition_form_lists_every_problem(organiser_client):
    response = post_form(organiser_client, "/admin/editions/new", {})
    assert_form_error(
        response, "Enter the year of the awards", "Enter the name of the edition",
        "Enter the date and time for ‘Ceremony’", 'href="#nominations_open_at_date"',
    )
    assert "Not a valid" not in body(response)
    assert "Enter the time for" not in body(response)


def test_a_missing_time_alone_is_named(organiser_client):
    response = post_form(organiser_client, "/admin/editions/new", edition_form(judging_start_at_time=" "))
    assert_form_error(response, "Enter the time for ‘Judging starts’", 'href="#judging_start_at_time"')


def test_edition_form_keeps_input_and_explains_bad_values(organiser_client, db_session):
    form = edition_form(year="twenty", name="Keep <this> name", timezone="Mars/Olympus",
                        judging_start_at_date="2027-02-30", judging_end_at_time="25:00")
    response = post_form(organiser_client, "/admin/editions/new", form)
    assert_form_error(
        response, "Year must be a whole number, like 2026", "Enter a timezone from the IANA list",
        "The date for ‘Judging starts’ must be a real date", "The time for ‘Judging ends’ must be a real time",
    )
    text = body(response)
    assert 'value="twenty"' in text and 'value="Keep &lt;this&gt; name"' in text and 'value="Mars/Olympus"' in text
    assert 'value="2027-02-30"' in text
    assert db_session.scalars(select(Edition)).all() == []


def test_edition_dates_out_of_order_are_shown_on_each_date(organiser_client):
    form = edition_form(judging_start_at_date="2027-02-01", ceremony_at_date="2027-06-01")
    response = post_form(organiser_client, "/admin/editions/new", form)
    assert_form_error(
        response,
        "Judging starts must be on or after nominations close",
        "Ceremony must be on or after public vote closes",
    )


def test_duplicate_year_is_refused_on_the_year(organiser_client, site):
    response = post_form(organiser_client, "/admin/editions/new", edition_form(year="2025"))
    assert_form_error(response, "There is already an edition for 2025", 'href="#year"')


# --- Categories --------------------------------------------------------------------------------------------------


def test_add_a_category(organiser_client, site, db_session):
    data = {"name": "Idea of the year", "nominee_kind": "idea", "has_public_vote": "y", "description": "New ideas"}
    response = post_form(organiser_client, url(E + "/categories/new", site), data)
    assert response.status_code == 303
    category = db_session.scalars(select(Category).where(Category.name == "Idea of the year")).one()
    assert (category.edition_id, category.nominee_kind, category.has_public_vote) == (
        site.edition, NomineeKind.IDEA, True
    )
    assert response.headers["Location"] == f"/admin/editions/{site.edition}/categories/{category.id}"
    assert "has been added" in body(organiser_client.get(response.headers["Location"]))


def test_category_form_errors(organiser_client, site):
    response = post_form(organiser_client, url(E + "/categories/new", site), {"name": " ", "nominee_kind": "alien"})
    assert_form_error(response, "Enter the name of the category", "Select who or what the category is for",
                      'href="#nominee_kind-0"')
    response = post_form(organiser_client, url(E + "/categories/new", site),
                         {"name": "carer of the year", "nominee_kind": "person"})
    assert_form_error(response, "There is already a category called ‘carer of the year’ in this edition")
    assert 'value="carer of the year"' in body(response)


def test_edit_a_category_shows_and_keeps_its_values(organiser_client, site, db_session):
    page = body(organiser_client.get(url(C + "/edit", site)))
    assert 'value="Carer of the year"' in page
    assert "checked" in input_tag(page, "nominee_kind-0")
    assert "checked" not in input_tag(page, "nominee_kind-1")
    response = post_form(organiser_client, url(C + "/edit", site),
                         {"name": "Unpaid carer of the year", "nominee_kind": "person", "eligibility_notes": "Unpaid"})
    assert response.status_code == 303
    category = db_session.get(Category, site.category)
    db_session.refresh(category)
    assert (category.name, category.eligibility_notes, category.has_public_vote) == (
        "Unpaid carer of the year", "Unpaid", False
    )


def test_html_in_a_name_comes_back_escaped(organiser_client, site):
    name = '<script>alert("x")</script>'
    response = post_form(organiser_client, url(E + "/categories/new", site), {"name": name, "nominee_kind": "person"})
    for page in (response.headers["Location"], url(E, site) + "?part=categories"):
        text = body(organiser_client.get(page))
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


def test_move_categories_without_javascript(organiser_client, site, db_session):
    page = body(organiser_client.get(url(E, site) + "?part=categories"))
    assert 'name="direction" value="down"' in page
    token = csrf_token_from(organiser_client, url(E, site))
    response = organiser_client.post(url(C + "/move", site), data={"csrf_token": token, "direction": "down"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/editions/{site.edition}?part=categories#category-{site.category}"
    edition = db_session.get(Edition, site.edition)
    db_session.expire_all()
    assert [c.id for c in edition.categories] == [site.second, site.category]
    assert "has been moved down" in body(organiser_client.get(response.headers["Location"]))
    # Already last: refused with a message, nothing changes.
    response = organiser_client.post(url(C + "/move", site), data={"csrf_token": token, "direction": "down"})
    assert "This category is already last" in body(organiser_client.get(response.headers["Location"]))
    response = organiser_client.post(url(C + "/move", site), data={"csrf_token": token, "direction": "x"})
    assert response.status_code == 400


def test_delete_a_category_after_confirming(organiser_client, site, db_session):
    page = organiser_client.get(url(C + "/delete", site))
    assert "Are you sure" in body(page) and "Its 2 questions will be deleted too." in body(page)
    assert db_session.get(Category, site.category) is not None
    response = post_form(organiser_client, url(C + "/delete", site), {})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/editions/{site.edition}?part=categories"
    db_session.expire_all()
    assert db_session.get(Category, site.category) is None
    assert db_session.get(Question, site.question) is None
    assert "‘Carer of the year’ has been deleted." in body(organiser_client.get(response.headers["Location"]))


def test_category_with_nominations_is_kept(organiser_client, site, db_session):
    db_session.add(Nomination(edition_id=site.edition, category_id=site.category, reference="SMA-1", nominee_name="A",
                              local_authority="Fife", nominator_name="B", nominator_email="b@example.org"))
    db_session.commit()
    page = body(organiser_client.get(url(C + "/delete", site)))
    assert "cannot be deleted because it already has 1 nomination" in page
    assert "Yes, delete it" not in page
    token = csrf_token_from(organiser_client, url(E, site))
    response = organiser_client.post(url(C + "/delete", site), data={"csrf_token": token})
    assert response.status_code == 409
    assert "cannot be deleted" in body(response)
    assert db_session.get(Category, site.category) is not None


# --- Questions ---------------------------------------------------------------------------------------------------


def test_add_and_edit_a_question(organiser_client, site, db_session):
    response = post_form(organiser_client, url(C + "/questions/new", site),
                         {"prompt": "How did they help?", "hint": "Give examples", "word_limit": "150"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/editions/{site.edition}/categories/{site.category}"
    question = db_session.scalars(select(Question).where(Question.prompt == "How did they help?")).one()
    assert (question.hint, question.word_limit, question.required) == ("Give examples", 150, False)

    page = body(organiser_client.get(url(C + f"/questions/{question.id}/edit", site)))
    assert 'value="150"' in page and "Give examples" in page
    response = post_form(organiser_client, url(C + f"/questions/{question.id}/edit", site),
                         {"prompt": "How did they help most?", "hint": "", "word_limit": "2000", "required": "y"})
    assert response.status_code == 303
    db_session.refresh(question)
    assert (question.prompt, question.hint, question.word_limit, question.required) == (
        "How did they help most?", "", 2000, True
    )


def test_new_question_form_starts_required_with_300_words(organiser_client, site):
    page = body(organiser_client.get(url(C + "/questions/new", site)))
    assert "checked" in input_tag(page, "required")
    assert 'value="300"' in input_tag(page, "word_limit")


@pytest.mark.parametrize(
    ("word_limit", "message"),
    [("", "Enter the word limit"), ("lots", "Word limit must be a whole number, like 300"),
     ("0", "Word limit must be between 1 and 2000"), ("2001", "Word limit must be between 1 and 2000")],
)
def test_question_form_errors(organiser_client, site, word_limit, message):
    response = post_form(organiser_client, url(Q + "/edit", site), {"prompt": "Kept prompt", "word_limit": word_limit})
    assert_form_error(response, message, 'href="#word_limit"')
    assert "Kept prompt" in body(response)


def test_move_and_delete_a_question(organiser_client, site, db_session):
    token = csrf_token_from(organiser_client, url(C, site))
    response = organiser_client.post(url(Q + "/move", site), data={"csrf_token": token, "direction": "down"})
    assert response.headers["Location"] == url(C, site) + f"#question-{site.question}"
    category = db_session.get(Category, site.category)
    db_session.expire_all()
    assert [q.id for q in category.questions] == [site.second_question, site.question]

    assert "Are you sure" in body(organiser_client.get(url(Q + "/delete", site)))
    response = post_form(organiser_client, url(Q + "/delete", site), {})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Question, site.question) is None


def test_the_edition_page_is_in_parts_each_at_its_own_address(organiser_client, site):
    summary = body(organiser_client.get(url(E, site)))
    assert "Who can see it" in summary and "Details and dates" in summary
    assert "Add a category" not in summary and "Add a criterion" not in summary
    assert f'href="/admin/editions/{site.edition}" aria-current="page">Summary<' in summary
    categories = body(organiser_client.get(url(E, site) + "?part=categories"))
    assert "Add a category" in categories and "Who can see it" not in categories and "Add a criterion" not in categories
    assert f'href="/admin/editions/{site.edition}?part=categories" aria-current="page">Categories (2)<' in categories
    criteria = body(organiser_client.get(url(E, site) + "?part=criteria"))
    assert "Add a criterion" in criteria and "Add a category" not in criteria
    for unknown in ("?part=nothing", "?part=", "?part=CATEGORIES"):
        expected = 200 if unknown == "?part=" else 404
        assert organiser_client.get(url(E, site) + unknown).status_code == expected, unknown


# --- Criteria ----------------------------------------------------------------------------------------------------


def test_add_and_edit_a_criterion(organiser_client, site, db_session):
    data = {"name": "Reach", "description": "How many people", "weight": "2.5", "scale_min": "1", "scale_max": "5"}
    response = post_form(organiser_client, url(E + "/criteria/new", site), data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/editions/{site.edition}?part=criteria#criteria"
    criterion = db_session.scalars(select(Criterion).where(Criterion.name == "Reach")).one()
    assert (criterion.edition_id, criterion.weight) == (site.edition, 2.5)
    assert (criterion.scale_min, criterion.scale_max) == (1, 5)
    assert "2.5" in body(organiser_client.get(url(E, site) + "?part=criteria"))

    data = {"name": "Reach", "description": "", "weight": "100", "scale_min": "0", "scale_max": "100"}
    response = post_form(organiser_client, url(E + f"/criteria/{criterion.id}/edit", site), data)
    assert response.status_code == 303
    db_session.refresh(criterion)
    assert (criterion.weight, criterion.scale_max, criterion.description) == (100, 100, "")


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"weight": "0"}, "Weight must be more than 0 and no more than 100", "weight"),
        ({"weight": "100.5"}, "Weight must be more than 0 and no more than 100", "weight"),
        ({"weight": "heavy"}, "Weight must be a number, like 1 or 2.5", "weight"),
        ({"scale_min": "5", "scale_max": "5"}, "Highest score must be more than the lowest score", "scale_max"),
        ({"scale_max": "101"}, "Highest score must be between 0 and 100", "scale_max"),
        ({"name": "impact"}, "There is already a criterion called ‘impact’ in this edition", "name"),
        ({"name": ""}, "Enter the name of the criterion", "name"),
    ],
)
def test_criterion_form_errors(organiser_client, site, overrides, message, field):
    data = {"name": "Reach", "weight": "1", "scale_min": "0", "scale_max": "10", **overrides}
    response = post_form(organiser_client, url(E + "/criteria/new", site), data)
    assert_form_error(response, message, f'href="#{field}"')
    for value in data.values():
        assert f'value="{value}"' in body(response) or value == ""


def test_delete_a_criterion(organiser_client, site, db_session):
    assert "Are you sure" in body(organiser_client.get(url(K + "/delete", site)))
    response = post_form(organiser_client, url(K + "/delete", site), {})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Criterion, site.criterion) is None
    assert db_session.get(Criterion, site.other_criterion) is not None
