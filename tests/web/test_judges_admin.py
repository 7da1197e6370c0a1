"""The organisers' judges pages through the test client: who may use them, adding judges, panels, invitations,
details, blind judging and recusal; tampered and huge ids, CSRF and escaping."""
import re

import pytest
from sqlalchemy import select

from awards_app.accounts.models import Role, User
from awards_app.core.links import LinkProblem, check_link
from awards_app.judging.models import Conflict, PanelMember, Score
from awards_app.judging.panels import INVITATION_PURPOSE
from tests.factories.judging import make_scores, panels_site
from tests.factories.nominations import make_entry
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form, sign_in


@pytest.fixture
def site(db_session, clock):
    made = panels_site()
    db_session.commit()
    return made


def judges_url(site) -> str:
    return f"/admin/editions/{site.edition.id}/judges"


def judge_url(site, judge, action: str) -> str:
    return f"{judges_url(site)}/{judge.id}/{action}"


def recuse_url(nomination) -> str:
    return f"/admin/nominations/{nomination.id}/recuse"


def places(db_session, judge) -> set[int]:
    return set(db_session.scalars(select(PanelMember.category_id).where(PanelMember.judge_id == judge.id)))


def post_checkboxes(client, url, form_page, **fields):
    """Post a form whose checkboxes are given as lists."""
    return client.post(url, data={"csrf_token": csrf_token_from(client, form_page), **fields})


# --- Who may use the pages ----------------------------------------------------------------------------------------


def admin_urls(site):
    """Every route of the judges pages, with its method."""
    return [
        ("GET", judges_url(site)),
        ("POST", f"{judges_url(site)}/new"),
        ("POST", judge_url(site, site.judge, "panels")),
        ("POST", judge_url(site, site.judge, "invite")),
        ("GET", judge_url(site, site.judge, "edit")),
        ("POST", judge_url(site, site.judge, "edit")),
        ("POST", f"/admin/editions/{site.edition.id}/blind-judging"),
        ("GET", recuse_url(site.garden)),
        ("POST", recuse_url(site.garden)),
    ]


def test_visitors_are_sent_to_sign_in(client, site, outbox):
    token = csrf_token_from(client, "/sign-in")
    for method, url in admin_urls(site):
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
    assert outbox() == []


def test_judges_may_not_use_the_organisers_pages(client, site, outbox, db_session):
    sign_in(client, "jo@example.org")
    token = csrf_token_from(client, f"/judging/categories/{site.projects.id}/conflicts")
    for method, url in admin_urls(site):
        data = {"csrf_token": token, "name": "X", "email": "x@example.org", "category": str(site.carers.id),
                "judge": str(site.judge.id), "reason": "X"} if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 403, url
    assert outbox() == []
    assert places(db_session, site.judge) == {site.projects.id}
    assert db_session.scalar(select(Conflict)) is None


def test_posts_need_the_csrf_token(organiser_client, site, outbox, db_session):
    for method, url in admin_urls(site):
        if method == "POST":
            assert organiser_client.post(url, data={"category": str(site.carers.id)}).status_code == 400, url
    assert outbox() == []
    assert places(db_session, site.judge) == {site.projects.id}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/editions/999999/judges",
        "/admin/editions/2147483648/judges",
        "/admin/editions/{edition}/judges/999999/edit",
        "/admin/editions/{edition}/judges/{organiser}/edit",
        "/admin/editions/{edition}/judges/99999999999999999999/edit",
        "/admin/nominations/999999/recuse",
        "/admin/nominations/2147483648/recuse",
    ],
)
def test_unknown_and_huge_ids_are_404s(organiser_client, site, organiser, url):
    assert organiser_client.get(url.format(edition=site.edition.id, organiser=organiser.id)).status_code == 404


# --- The judges page ----------------------------------------------------------------------------------------------


def test_the_page_lists_the_judges_of_the_panels(organiser_client, site):
    page = organiser_client.get(judges_url(site))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Jo Judge" in text and "Sam Judge" in text
    assert "Not invited yet" in text
    assert "Send the invitation" in text
    assert "Member of the Strathdee Long Covid Peer Group" in text
    assert f'id="judge-{site.judge.id}-category-{site.projects.id}" checked' in text
    assert f'id="judge-{site.judge.id}-category-{site.carers.id}">' in text


def test_adding_a_judge_with_panels(organiser_client, site, db_session):
    response = post_checkboxes(
        organiser_client, f"{judges_url(site)}/new", judges_url(site),
        name="Ailsa Reid", email="Ailsa@Example.org", affiliations="NHS Fife",
        category=[str(site.projects.id), str(site.carers.id)],
    )
    assert response.status_code == 303
    ailsa = db_session.scalar(select(User).where(User.email == "ailsa@example.org"))
    assert (ailsa.role, ailsa.name, ailsa.password_hash) == (Role.JUDGE, "Ailsa Reid", None)
    assert response.headers["Location"] == f"{judges_url(site)}?judge={ailsa.id}#judge-{ailsa.id}"
    assert places(db_session, ailsa) == {site.projects.id, site.carers.id}
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ailsa Reid has been added" in page
    # The card of the judge just added comes back open; the others stay closed.
    assert re.search(rf'id="judge-{ailsa.id}">\s*<details open>', page)
    assert re.search(rf'id="judge-{site.judge.id}">\s*<details>', page)


def test_adding_an_existing_judge_reuses_the_account(organiser_client, site, db_session):
    response = post_checkboxes(
        organiser_client, f"{judges_url(site)}/new", judges_url(site),
        name="Samuel", email="sam@example.org", category=[str(site.projects.id)],
    )
    assert response.status_code == 303
    assert places(db_session, site.other_judge) == {site.projects.id, site.carers.id}
    assert "already has a judge account" in organiser_client.get(judges_url(site)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "email": "new@example.org"}, "Enter the judge&#39;s name"),
        ({"name": "New", "email": ""}, "Enter the judge&#39;s email address"),
        ({"name": "New", "email": "not an address"}, "Enter a valid email address"),
        ({"name": "New", "email": "organiser@example.org"}, "belongs to an organiser"),
    ],
)
def test_adding_a_judge_shows_what_is_wrong(organiser_client, site, db_session, fields, message):
    response = post_checkboxes(
        organiser_client, f"{judges_url(site)}/new", judges_url(site), category=[str(site.carers.id)], **fields
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text and "There is a problem" in text and message in text
    assert f'id="new-judge-category-{site.carers.id}" checked' in text  # input kept
    assert db_session.scalar(select(User).where(User.email == "new@example.org")) is None


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", "999999"])
def test_tampered_category_ids_are_404s(organiser_client, site, db_session, value):
    for url in (f"{judges_url(site)}/new", judge_url(site, site.judge, "panels")):
        response = post_checkboxes(organiser_client, url, judges_url(site), name="New", email="new@example.org", category=[value])
        assert response.status_code == 404
    assert places(db_session, site.judge) == {site.projects.id}


def test_a_category_of_another_edition_is_a_404(organiser_client, site, db_session):
    elsewhere = make_category(make_edition(year=2025), "Elsewhere")
    db_session.commit()
    response = post_checkboxes(organiser_client, judge_url(site, site.judge, "panels"), judges_url(site), category=[str(elsewhere.id)])
    assert response.status_code == 404
    assert places(db_session, site.judge) == {site.projects.id}


def test_changing_panels(organiser_client, site, db_session):
    response = post_checkboxes(organiser_client, judge_url(site, site.judge, "panels"), judges_url(site), category=[str(site.carers.id)])
    assert response.status_code == 303
    assert places(db_session, site.judge) == {site.carers.id}
    assert "Jo Judge&#39;s panels have been saved" in organiser_client.get(judges_url(site)).get_data(as_text=True)


def test_a_judge_who_has_scored_stays_on_the_panel(organiser_client, site, db_session):
    make_scores(site.judge, site.garden, site.criteria)
    db_session.commit()
    response = post_checkboxes(organiser_client, judge_url(site, site.judge, "panels"), judges_url(site), category=[])
    assert response.status_code == 303
    assert places(db_session, site.judge) == {site.projects.id}
    text = organiser_client.get(judges_url(site)).get_data(as_text=True)
    assert "Jo Judge has already scored entries in ‘Project of the Year’, so they stay on its panel" in text


def test_inviting_and_resending(organiser_client, site, outbox, db_session):
    response = post_form(organiser_client, judge_url(site, site.judge, "invite"), {}, form_page=judges_url(site))
    assert response.status_code == 303
    [email] = outbox()
    assert email.to_address == "jo@example.org" and "Project of the Year" in email.text_body
    text = organiser_client.get(judges_url(site)).get_data(as_text=True)
    assert "An invitation has been emailed to jo@example.org" in text
    assert "Invited</strong>" in text and "Send a new invitation" in text
    first = email.text_body.split("/sign-in/invitation/")[1].split()[0]
    post_form(organiser_client, judge_url(site, site.judge, "invite"), {}, form_page=judges_url(site))
    assert len(outbox()) == 2
    with pytest.raises(LinkProblem, match="superseded"):
        check_link(INVITATION_PURPOSE, first)


def test_a_judge_without_panels_is_not_invited(organiser_client, site, outbox, db_session):
    post_checkboxes(organiser_client, judge_url(site, site.judge, "panels"), judges_url(site), category=[])
    response = post_form(organiser_client, judge_url(site, site.judge, "invite"), {}, form_page=judges_url(site))
    assert response.status_code == 303
    assert outbox() == []
    text = organiser_client.get(judges_url(site)).get_data(as_text=True)
    assert "Put Jo Judge on at least one panel before inviting them" in text
    assert "Other judge accounts" in text


def test_changing_a_judges_details(organiser_client, site, db_session):
    url = judge_url(site, site.judge, "edit")
    page = organiser_client.get(url)
    assert page.status_code == 200 and 'value="Jo Judge"' in page.get_data(as_text=True)
    response = post_form(organiser_client, url, {"name": "Jo Judge-Smith", "affiliations": "Leith Community Trust"})
    assert response.status_code == 303
    db_session.refresh(site.judge)
    assert (site.judge.name, site.judge.affiliations) == ("Jo Judge-Smith", "Leith Community Trust")
    response = post_form(organiser_client, url, {"name": " ", "affiliations": "x"})
    assert response.status_code == 422
    assert "Enter the judge&#39;s name" in response.get_data(as_text=True)


def test_blind_judging_settings(organiser_client, site, db_session):
    url = f"/admin/editions/{site.edition.id}/blind-judging"
    response = post_checkboxes(organiser_client, url, url, hide_nominee_names="y", hideable=[str(site.projects.id)])
    assert response.status_code == 303 and response.headers["Location"] == url
    db_session.refresh(site.edition)
    assert site.edition.hide_nominee_names
    assert (site.projects.names_can_be_hidden, site.carers.names_can_be_hidden) == (True, False)
    text = organiser_client.get(url).get_data(as_text=True)
    assert 'id="hide_nominee_names" checked' in text and f'id="hideable-{site.projects.id}" checked' in text
    assert post_checkboxes(organiser_client, url, judges_url(site), hideable=["999999"]).status_code == 404
    post_checkboxes(organiser_client, url, judges_url(site))
    db_session.refresh(site.edition)
    assert not site.edition.hide_nominee_names and not site.projects.names_can_be_hidden


def test_html_is_escaped(organiser_client, site, db_session):
    site.judge.name = "<script>alert(1)</script>"
    site.judge.affiliations = "<b>Trust</b>"
    db_session.commit()
    text = organiser_client.get(judges_url(site)).get_data(as_text=True)
    assert "<script>alert" not in text and "<b>Trust</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- Recusal ------------------------------------------------------------------------------------------------------


def test_the_nomination_page_links_to_recusal(organiser_client, site):
    text = organiser_client.get(f"/admin/nominations/{site.garden.id}").get_data(as_text=True)
    assert f'href="{recuse_url(site.garden)}"' in text


def test_recusing_a_judge(organiser_client, site, db_session):
    make_scores(site.judge, site.garden, site.criteria)
    db_session.commit()
    page = organiser_client.get(recuse_url(site.garden))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Jo Judge (jo@example.org)" in text and "Sam Judge" not in text  # only the entry's panel
    choice = {"judge": str(site.judge.id), "reason": "Her sister runs it."}
    asked = post_form(organiser_client, recuse_url(site.garden), choice)
    assert asked.status_code == 200  # first, what happens to the judge's scores
    assert "Jo Judge gave this entry 2 scores. They will be kept but no longer counted" in asked.get_data(as_text=True)
    assert db_session.scalar(select(Conflict)) is None
    back = post_form(organiser_client, recuse_url(site.garden), {**choice, "step": "change"})
    assert back.status_code == 200 and "Her sister runs it.</textarea>" in back.get_data(as_text=True)
    response = post_form(organiser_client, recuse_url(site.garden), {**choice, "step": "confirm"})
    assert response.status_code == 303
    [conflict] = db_session.scalars(select(Conflict))
    assert (conflict.judge_id, conflict.kind, conflict.reason) == (site.judge.id, "recused", "Her sister runs it.")
    assert db_session.scalar(select(Score).where(Score.nomination_id == site.garden.id)) is not None  # kept
    text = organiser_client.get(recuse_url(site.garden)).get_data(as_text=True)
    assert "Jo Judge has been recused from" in text and "Recused by the organisers" in text
    assert "already has a conflict recorded" in text
    judges_page = organiser_client.get(judges_url(site)).get_data(as_text=True)
    assert "recused by the organisers: Her sister runs it." in judges_page


def test_recusal_needs_a_judge_and_a_reason(organiser_client, site, db_session):
    response = post_form(organiser_client, recuse_url(site.garden), {"reason": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Select the judge to recuse" in text and "Say why the judge is recused from this entry" in text
    assert db_session.scalar(select(Conflict)) is None


@pytest.mark.parametrize("value", ["abc", "99999999999", "{sam}", "{organiser}"])
def test_recusal_of_a_judge_not_on_the_panel_is_a_404(organiser_client, site, organiser, db_session, value):
    value = value.format(sam=site.other_judge.id, organiser=organiser.id)
    response = post_form(organiser_client, recuse_url(site.garden), {"judge": value, "reason": "Reason"})
    assert response.status_code == 404
    assert db_session.scalar(select(Conflict)) is None


def test_recusal_page_without_panel_judges(organiser_client, site, db_session):
    lonely = make_category(site.edition, "Lonely Category")
    nomination = make_entry(lonely, "Nobody Judges Me")
    db_session.commit()
    text = organiser_client.get(recuse_url(nomination)).get_data(as_text=True)
    assert "No judges are on the panel of ‘Lonely Category’ yet." in text
