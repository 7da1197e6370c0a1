"""The organisers' pages for a category's own criteria and its shortlist size: giving a category its own criteria,
adding, changing and removing them, going back to the edition's, refusals once judges have scored, and 404s."""
from __future__ import annotations

import html

import pytest
from awards_app.programme import categories
from awards_app.programme.criteria import criteria_for
from awards_app.programme.models import Category, Criterion
from tests.factories.judging import make_panel, make_scores
from tests.web.forms import post_form

GUIDANCE = "0 to 3: little evidence; 4 to 6: some difference made; 7 to 10: a lasting difference to many people."


@pytest.fixture
def panel(db_session, clock):
    """A category using the edition's two criteria, with three entries and a judge; committed."""
    panel = make_panel(entries=3)
    db_session.commit()
    return panel


def category_url(panel, rest: str = "") -> str:
    return f"/admin/editions/{panel.edition.id}/categories/{panel.category.id}{rest}"


def criterion_url(panel, criterion, rest: str) -> str:
    return f"/admin/editions/{panel.edition.id}/criteria/{criterion.id}{rest}"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def own_criteria(db_session, panel) -> list[tuple[str, float, str]]:
    db_session.expire_all()
    category = db_session.get(Category, panel.category.id)
    return [(c.name, c.weight, c.guidance) for c in category.own_criteria]


def test_the_category_page_says_it_uses_the_editions_criteria(organiser_client, panel):
    edition_criteria = f"/admin/editions/{panel.edition.id}?part=criteria"
    assert "except those with criteria of their own" not in page(organiser_client, edition_criteria)
    body = page(organiser_client, category_url(panel))
    assert "This category uses the edition's criteria." in body
    assert "Give this category its own criteria" in body
    assert "Finalists on the shortlist</dt><dd>3 suggested" in body


def test_giving_a_category_its_own_criteria_copies_the_editions(organiser_client, panel, db_session):
    answer = post_form(organiser_client, category_url(panel, "/criteria/own"), {}, form_page=category_url(panel))
    assert answer.status_code == 303 and answer.location.endswith(category_url(panel) + "#criteria")

    assert own_criteria(db_session, panel) == [("Impact", 1.0, ""), ("Innovation", 2.0, "")]
    body = page(organiser_client, category_url(panel))
    assert "now has criteria of its own, copied from the edition's" in body
    assert "This category has criteria of its own" in body and "Use the edition's criteria instead" in body
    edition = page(organiser_client, f"/admin/editions/{panel.edition.id}?part=criteria")
    assert "Every category uses these, except those with criteria of their own:" in edition
    assert f'{category_url(panel)}#criteria">Project of the Year 2026</a>.' in edition


def test_adding_a_criterion_of_the_categorys_own(organiser_client, panel, db_session):
    new = category_url(panel, "/criteria/new")
    assert "Each criterion of a category needs its own name." in page(organiser_client, new)
    data = {"name": "Courage", "description": "", "guidance": GUIDANCE, "weight": "2", "scale_min": "0",
            "scale_max": "10"}
    answer = post_form(organiser_client, new, data)
    assert answer.status_code == 303 and answer.location.endswith(category_url(panel) + "#criteria")
    assert own_criteria(db_session, panel) == [("Courage", 2.0, GUIDANCE)]
    body = page(organiser_client, category_url(panel))
    assert f"Guidance for judges: {GUIDANCE}" in body


def test_a_refused_criterion_keeps_what_was_typed(organiser_client, panel):
    new = category_url(panel, "/criteria/new")
    data = {"name": "Courage", "guidance": GUIDANCE, "weight": "1", "scale_min": "0", "scale_max": "10"}
    post_form(organiser_client, new, data)
    answer = post_form(organiser_client, new, {**data, "name": "courage", "guidance": "Typed again"})
    body = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 422
    assert "There is already a criterion called ‘courage’ in this category" in body and "Typed again" in body


@pytest.fixture
def courage(panel, organiser, db_session) -> Criterion:
    """A criterion of the category's own; committed."""
    criterion = categories.add_criterion(organiser, panel.edition, panel.category, name="Courage", weight=1,
                                         scale_min=0, scale_max=10)
    db_session.commit()
    return criterion


def test_changing_a_categorys_criterion_goes_back_to_the_category(organiser_client, panel, courage, db_session):
    edit = criterion_url(panel, courage, "/edit")
    body = page(organiser_client, edit)
    assert f'href="{category_url(panel)}#criteria">Cancel' in body
    data = {"name": "Courage", "guidance": GUIDANCE, "weight": "3", "scale_min": "0", "scale_max": "10"}
    answer = post_form(organiser_client, edit, data)
    assert answer.status_code == 303 and answer.location.endswith(category_url(panel) + "#criteria")
    assert own_criteria(db_session, panel) == [("Courage", 3.0, GUIDANCE)]


def test_deleting_a_categorys_criterion_goes_back_to_the_category(organiser_client, panel, courage, db_session):
    delete = criterion_url(panel, courage, "/delete")
    assert "Delete the criterion ‘Courage’" in page(organiser_client, delete)
    answer = post_form(organiser_client, delete, {})
    assert answer.status_code == 303 and answer.location.endswith(category_url(panel) + "#criteria")
    assert own_criteria(db_session, panel) == []


def test_going_back_to_the_editions_criteria_asks_first(organiser_client, panel, courage, db_session):
    shared = category_url(panel, "/criteria/shared")
    body = page(organiser_client, shared)
    assert "Use the edition's criteria for ‘Project of the Year 2026’" in body
    assert "Its own 1 criterion will be deleted." in body
    answer = post_form(organiser_client, shared, {})
    assert answer.status_code == 303
    assert own_criteria(db_session, panel) == []
    assert "now uses the edition's criteria" in page(organiser_client, category_url(panel))


def test_once_judges_have_scored_the_criteria_stay(organiser_client, panel, db_session):
    make_scores(panel.judge, panel.entries[0], panel.criteria, 5)
    db_session.commit()

    body = page(organiser_client, category_url(panel))
    assert "keeps the criteria it has because judges have already given 1 score with them" in body
    assert "Give this category its own criteria" not in body

    answer = post_form(organiser_client, category_url(panel, "/criteria/own"), {}, form_page=category_url(panel, "/edit"))
    assert answer.status_code == 303
    assert "keeps the criteria it has" in page(organiser_client, category_url(panel))
    assert own_criteria(db_session, panel) == []

    answer = post_form(organiser_client, category_url(panel, "/criteria/new"),
                       {"name": "Courage", "weight": "1", "scale_min": "0", "scale_max": "10"})
    assert answer.status_code == 422 and "keeps the criteria it has" in answer.get_data(as_text=True)


def test_going_back_is_refused_when_the_category_already_uses_the_editions(organiser_client, panel):
    shared = category_url(panel, "/criteria/shared")
    body = page(organiser_client, shared)
    assert "already uses the edition's criteria" in body
    answer = post_form(organiser_client, shared, {}, form_page=category_url(panel, "/edit"))
    assert answer.status_code == 409


def test_criteria_pages_of_another_editions_category_are_404(organiser_client, panel, db_session, clock):
    other = make_panel(entries=1, year=2027, email="judge.other@example.org")
    db_session.commit()
    wrong = f"/admin/editions/{panel.edition.id}/categories/{other.category.id}"
    for rest in ("/criteria/new", "/criteria/shared"):
        assert organiser_client.get(wrong + rest).status_code == 404
    answer = post_form(organiser_client, wrong + "/criteria/own", {}, form_page=category_url(panel))
    assert answer.status_code == 404
    assert criteria_for(db_session.get(Category, other.category.id)) == other.criteria


def test_the_shortlist_size_is_set_on_the_category_form(organiser_client, panel, db_session):
    edit = category_url(panel, "/edit")
    assert 'name="shortlist_size"' in page(organiser_client, edit)
    data = {"name": panel.category.name, "nominee_kind": "project", "shortlist_size": "5"}
    assert post_form(organiser_client, edit, data).status_code == 303
    db_session.expire_all()
    assert db_session.get(Category, panel.category.id).shortlist_size == 5
    assert "Finalists on the shortlist</dt><dd>5 suggested" in page(organiser_client, category_url(panel))


@pytest.mark.parametrize("typed, message", [
    ("11", "Number of finalists must be between 1 and 10"),
    ("0", "Number of finalists must be between 1 and 10"),
    ("three", "Number of finalists must be a whole number, like 3"),
])
def test_a_wrong_shortlist_size_is_refused_and_kept(organiser_client, panel, db_session, typed, message):
    edit = category_url(panel, "/edit")
    answer = post_form(organiser_client, edit, {"name": panel.category.name, "nominee_kind": "project",
                                                "shortlist_size": typed})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422 and message in body and f'value="{typed}"' in body
    db_session.expire_all()
    assert db_session.get(Category, panel.category.id).shortlist_size == 3


def test_a_blank_shortlist_size_means_three(organiser_client, panel, db_session):
    edit = category_url(panel, "/edit")
    data = {"name": panel.category.name, "nominee_kind": "project", "shortlist_size": ""}
    assert post_form(organiser_client, edit, data).status_code == 303
    db_session.expire_all()
    assert db_session.get(Category, panel.category.id).shortlist_size == 3


def test_the_organisers_shortlist_page_suggests_the_categorys_number(organiser_client, panel, db_session):
    db_session.get(Category, panel.category.id).shortlist_size = 2
    db_session.commit()
    body = page(organiser_client, f"/admin/categories/{panel.category.id}/judging/shortlist")
    assert "top two" in body and "top three" not in body
