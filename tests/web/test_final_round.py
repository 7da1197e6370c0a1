"""The final-round page: who may use it, ranking, bad input, submitting, and the organisers' unlock."""
import pytest
from sqlalchemy import select

from awards_app.judging import final_round
from awards_app.judging.models import FinalRank, PanelMember
from tests.factories.accounts import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories.judging import make_conflict, make_finalists, make_panel
from tests.factories.nominations import NOMINATOR
from tests.web.forms import csrf_token_from, sign_in


@pytest.fixture
def panel(db_session, clock):
    """A category without a public vote: four entries, three finalists, one judge; committed for the requests."""
    panel = make_panel(entries=4, has_public_vote=False)
    panel.finalists = make_finalists(panel.category, panel.entries[:3])
    db_session.commit()
    return panel


@pytest.fixture
def judge(client, panel):
    """A client signed in as the panel's judge."""
    return sign_in(client, panel.judge.email)


def url_of(panel) -> str:
    return f"/judging/categories/{panel.category.id}/final-round"


def post_ranks(client, panel, ranks: dict, action="save", token=None):
    """Post the ranking form: {finalist: rank}."""
    token = token or csrf_token_from(client, url_of(panel))
    data = {"csrf_token": token, "action": action}
    data.update({f"rank-{getattr(finalist, 'id', finalist)}": rank for finalist, rank in ranks.items()})
    return client.post(url_of(panel), data=data)


def stored(db_session, panel) -> dict[int, int]:
    db_session.expire_all()
    rows = db_session.execute(select(FinalRank.finalist_id, FinalRank.rank).where(FinalRank.judge_id == panel.judge.id))
    return dict(rows.all())


def test_anonymous_visitors_are_sent_to_sign_in(client, panel, db_session):
    response = client.get(url_of(panel))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    token = csrf_token_from(client, "/sign-in")
    response = client.post(url_of(panel), data={"csrf_token": token, f"rank-{panel.finalists[0].id}": "1"})
    assert response.status_code == 302
    assert stored(db_session, panel) == {}


def test_organisers_get_403(app, panel, organiser):
    client = sign_in(app.test_client(), ORGANISER_EMAIL, ORGANISER_PASSWORD)
    assert client.get(url_of(panel)).status_code == 403


def test_a_judge_on_another_panel_gets_404(app, panel, db_session):
    elsewhere = make_panel(entries=1, year=2027, email="judge.elsewhere@example.org", has_public_vote=False)
    db_session.commit()
    outsider = sign_in(app.test_client(), elsewhere.judge.email)
    token = csrf_token_from(outsider, f"/judging/categories/{elsewhere.category.id}/final-round")
    assert outsider.get(url_of(panel)).status_code == 404
    assert post_ranks(outsider, panel, {panel.finalists[0]: "1"}, token=token).status_code == 404
    assert stored(db_session, panel) == {}


def test_there_is_no_final_round_page_for_a_category_with_a_public_vote(client, db_session, clock):
    panel = make_panel(entries=2, has_public_vote=True)
    make_finalists(panel.category, panel.entries)
    db_session.commit()
    sign_in(client, panel.judge.email)
    assert client.get(url_of(panel)).status_code == 404


def test_the_final_round_waits_for_declared_conflicts(client, db_session, clock):
    panel = make_panel(entries=2, has_public_vote=False, declared=False)
    make_finalists(panel.category, panel.entries)
    db_session.commit()
    sign_in(client, panel.judge.email)
    response = client.get(url_of(panel))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/judging/categories/{panel.category.id}/conflicts")


def test_before_the_shortlist_the_page_says_so(client, db_session, clock):
    panel = make_panel(entries=2, has_public_vote=False)
    db_session.commit()
    sign_in(client, panel.judge.email)
    response = client.get(url_of(panel))
    assert response.status_code == 200
    assert "has not been chosen yet" in response.get_data(as_text=True)
    entries = client.get(f"/judging/categories/{panel.category.id}/entries").get_data(as_text=True)
    assert "Rank the finalists" not in entries


def test_the_page_lists_the_finalists_with_a_rank_each_and_no_contact_details(judge, panel):
    page = judge.get(url_of(panel)).get_data(as_text=True)
    for finalist in panel.finalists:
        assert f'<select class="select input--medium" id="rank-{finalist.id}" name="rank-{finalist.id}">' in page
    assert page.count('<option value="3">3</option>') == 3
    assert "Kirsty Muir" not in page  # the fourth entry is not a finalist
    assert not any(secret in page for secret in NOMINATOR.values())
    entries = judge.get(f"/judging/categories/{panel.category.id}/entries").get_data(as_text=True)
    assert f'href="{url_of(panel)}">Rank the finalists</a>' in entries


def test_a_conflicted_finalist_is_left_out(judge, panel, db_session):
    make_conflict(panel.judge, panel.entries[1])
    db_session.commit()
    page = judge.get(url_of(panel)).get_data(as_text=True)
    assert f"rank-{panel.finalists[1].id}" not in page and "Iain Campbell" not in page
    assert "1 finalist is not shown because you have a conflict of interest" in page
    assert post_ranks(judge, panel, {panel.finalists[1]: "1"}).status_code == 404
    assert stored(db_session, panel) == {}


def test_saving_a_ranking(judge, panel, db_session):
    first, second, third = panel.finalists
    response = post_ranks(judge, panel, {first: "2", second: "1", third: ""})
    assert response.status_code == 303 and response.headers["Location"] == url_of(panel)
    assert stored(db_session, panel) == {first.id: 2, second.id: 1}
    page = judge.get(url_of(panel)).get_data(as_text=True)
    assert "Your ranking is saved" in page
    assert '<option value="2" selected>2</option>' in page


@pytest.mark.parametrize("ranks, message", [
    ({0: "1", 1: "1", 2: "2"}, "Rank 1 is given to more than one finalist: use each rank once"),
    ({0: "4"}, "Choose a rank from 1 to 3"),
    ({0: "first"}, "Choose a rank from 1 to 3"),
])
def test_bad_ranks_are_shown_again_and_nothing_is_saved(judge, panel, db_session, ranks, message):
    response = post_ranks(judge, panel, {panel.finalists[index]: rank for index, rank in ranks.items()})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Final round" in page and "There is a problem" in page
    assert f'<a href="#rank-{panel.finalists[0].id}">Morag Fraser: {message}</a>' in page
    assert stored(db_session, panel) == {}


@pytest.mark.parametrize("finalist_id", [999_999, 2147483648, 99999999999999])
def test_tampered_finalist_ids_are_404(judge, panel, db_session, finalist_id):
    assert post_ranks(judge, panel, {finalist_id: "1"}).status_code == 404
    assert stored(db_session, panel) == {}


def test_submitting_an_incomplete_ranking_is_refused(judge, panel, db_session):
    first, second, _ = panel.finalists
    response = post_ranks(judge, panel, {first: "1", second: "2"}, action="submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give every finalist a rank before you submit." in page
    assert f'<a href="#rank-{panel.finalists[2].id}">Ailsa Reid: Choose a rank for this finalist</a>' in page
    assert stored(db_session, panel) == {}  # a refused submission keeps nothing
    assert db_session.get(PanelMember, panel.place.id).final_submitted_at is None


def test_submitting_locks_the_ranking(judge, panel, db_session, clock):
    first, second, third = panel.finalists
    token = csrf_token_from(judge, url_of(panel))
    response = post_ranks(judge, panel, {first: "3", second: "1", third: "2"}, action="submit", token=token)
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).final_submitted_at == clock.now()
    page = judge.get(url_of(panel)).get_data(as_text=True)
    assert "It is locked" in page and "<select" not in page
    assert page.index("Iain Campbell") < page.index("Ailsa Reid") < page.index("Morag Fraser")  # best first
    again = post_ranks(judge, panel, {first: "1", second: "2", third: "3"}, token=token)
    assert again.status_code == 409 and "ask the awards team to unlock it" in again.get_data(as_text=True)
    assert stored(db_session, panel) == {first.id: 3, second.id: 1, third.id: 2}


def test_csrf_is_required(judge, panel, db_session):
    judge.get(url_of(panel))
    assert judge.post(url_of(panel), data={f"rank-{panel.finalists[0].id}": "1"}).status_code == 400
    assert stored(db_session, panel) == {}


def test_organisers_unlock_a_final_ranking_and_judges_cannot(app, judge, panel, db_session, organiser):
    final_round.submit_final_ranks(panel.judge, panel.place, {f.id: r for f, r in zip(panel.finalists, (1, 2, 3))})
    db_session.commit()
    url = f"/judging/panel-places/{panel.place.id}/unlock-final-round"
    judge_token = csrf_token_from(judge, url_of(panel))
    assert judge.post(url, data={"csrf_token": judge_token}).status_code == 403
    organiser_client = sign_in(app.test_client(), ORGANISER_EMAIL, ORGANISER_PASSWORD)
    token = csrf_token_from(organiser_client, "/admin/")
    response = organiser_client.post(url, data={"csrf_token": token, "next": "/admin/"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    db_session.expire_all()
    assert db_session.get(PanelMember, panel.place.id).final_submitted_at is None
    assert "is unlocked" in organiser_client.get("/admin/").get_data(as_text=True)


def test_the_judges_home_links_to_the_final_round_once_the_shortlist_is_chosen(client, db_session):
    """After the shortlist decision, a panel judge's home page offers the final round of a category without a vote."""
    from awards_app.core import clock
    from tests.factories.accounts import JUDGE_EMAIL, JUDGE_PASSWORD, make_judge
    from tests.factories.judging import seat
    from tests.factories.programme import make_category, make_edition
    from tests.web.forms import post_form

    category = make_category(make_edition(), has_public_vote=False)
    judge = make_judge(password=JUDGE_PASSWORD)
    seat(judge, category)
    db_session.commit()
    post_form(client, "/sign-in", {"email": JUDGE_EMAIL, "password": JUDGE_PASSWORD})
    link = f"/judging/categories/{category.id}/final-round"
    assert link not in client.get("/judging/").get_data(as_text=True)
    category.shortlisted_at = clock.now()
    db_session.commit()
    assert link in client.get("/judging/").get_data(as_text=True)
