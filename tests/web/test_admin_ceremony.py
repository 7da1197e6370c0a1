"""The organisers' ceremony pages: standing, recording and confirming, running order, reveal, hide, exports."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Reveal
from awards_app.programme.models import Edition
from tests.factories.ceremony import ceremony_site
from tests.factories.programme import make_category, make_edition
from tests.factories.voting import make_votes
from tests.web.forms import csrf_token_from, post_form


@pytest.fixture
def site(db_session, clock, organiser):
    """A closed public vote (Morag 5, Hamish 3, Ailsa 1) and a second category; the shortlist is public."""
    built = ceremony_site(organiser)
    morag, hamish, ailsa = built.finalists
    make_votes(built.contest, morag, 5)
    make_votes(built.contest, hamish, 3)
    make_votes(built.contest, ailsa, 1)
    built.edition.shortlist_published_at = clock.now() - timedelta(days=10)
    built.other = make_category(built.edition, "Best Self Management Resource", display_order=1)
    db_session.commit()
    base = f"/admin/editions/{built.edition.id}/ceremony"
    return SimpleNamespace(
        **vars(built), base=base, entry=f"{base}/categories/{built.category.id}",
        other_entry=f"{base}/categories/{built.other.id}",
    )


def reveal_row(db_session, category) -> Reveal | None:
    """The category's ceremony row as stored."""
    db_session.expire_all()
    return db_session.scalar(select(Reveal).where(Reveal.category_id == category.id))


def record_and_confirm(client, site) -> None:
    """Record the vote's order as the result, then confirm it."""
    morag, hamish, _ = site.finalists
    assert post_form(client, site.entry + "/result", {"winner": morag.id, "highly_commended": hamish.id},
                     form_page=site.entry).status_code == 303
    assert post_form(client, site.entry + "/confirm", {}, form_page=site.entry).status_code == 303


def test_only_organisers_reach_the_ceremony(app, judge_client, site):
    visitor = app.test_client()
    for url in (site.base, site.entry, site.base + "/winners", site.base + "/results.csv", "/admin/ceremony"):
        anonymous = visitor.get(url)
        assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.location, url
        assert judge_client.get(url).status_code == 403, url
    token = csrf_token_from(judge_client, "/judging/")
    assert judge_client.post(site.entry + "/reveal", data={"csrf_token": token}).status_code == 403


def test_the_control_page_lists_the_running_order_and_the_next_step(organiser_client, site):
    assert organiser_client.get("/admin/ceremony").location.endswith(site.base)
    page = organiser_client.get(site.base)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert body.index(f"1. {site.category.name}") < body.index("2. Best Self Management Resource")
    assert "No result yet" in body and "See the standing" in body
    assert "Move down" not in body  # the running order's buttons are a part of their own
    assert f'href="{site.base}?show=order"' in body and f'href="{site.base}?show=ties"' in body
    order = organiser_client.get(site.base + "?show=order").get_data(as_text=True)
    assert order.index(f"1. {site.category.name}") < order.index("2. Best Self Management Resource")
    assert "Move down<span class=\"visually-hidden\">: " + site.category.name in order
    assert "Place 1 of 2 in the running order" in order
    assert "Ties are settled" not in order and 'name="tie_break"' in organiser_client.get(site.base + "?show=ties")\
        .get_data(as_text=True)
    assert organiser_client.get(site.base + "?show=nonsense").status_code == 200  # the first part


def test_the_standing_shows_the_vote_and_records_its_result(organiser_client, site, db_session):
    page = organiser_client.get(site.entry).get_data(as_text=True)
    assert "5 votes (56%)" in page and "3 votes (33%)" in page and "No finalists are tied." in page
    morag, hamish, _ = site.finalists
    response = post_form(organiser_client, site.entry + "/result", {"winner": morag.id, "highly_commended": hamish.id})
    assert response.status_code == 303
    assert {award.finalist_id for award in db_session.scalars(select(Award))} == {morag.id, hamish.id}
    page = organiser_client.get(site.entry).get_data(as_text=True)
    assert "Recorded, not confirmed" in page and "Confirm and seal the result of" in page


def test_a_departure_without_a_reason_comes_back_with_the_choice_kept(organiser_client, site, db_session):
    morag, hamish, ailsa = site.finalists
    response = post_form(organiser_client, site.entry + "/result",
                         {"winner": ailsa.id, "highly_commended": morag.id, "reason": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in body and "Give a reason: your choice differs from the order of the public vote" in body
    assert f'<input checked class="radios__input" id="winner-2" name="winner" required type="radio" value="{ailsa.id}">' in body
    assert f'value="{morag.id}" id="highly_commended" checked' in body
    assert db_session.scalars(select(Award)).all() == []


def test_a_tampered_winner_is_refused_plainly(organiser_client, site):
    response = post_form(organiser_client, site.entry + "/result", {"winner": "99999999999999999999"},
                         form_page=site.entry)
    assert response.status_code == 422
    assert "Select the winner from the finalists" in response.get_data(as_text=True)


def test_confirm_then_reveal_then_hide(organiser_client, site, db_session):
    # Nothing to reveal before confirmation: the button is refused with a message, nothing changes.
    response = post_form(organiser_client, site.entry + "/reveal", {}, form_page=site.base, follow_redirects=True)
    assert "Confirm the result of" in response.get_data(as_text=True)
    assert reveal_row(db_session, site.category) is None

    record_and_confirm(organiser_client, site)
    assert reveal_row(db_session, site.category).confirmed_at is not None
    page = organiser_client.get(site.base).get_data(as_text=True)
    assert "Confirmed and sealed" in page and f"Reveal {site.category.name}" in page

    version = db_session.scalar(select(Edition.results_version).where(Edition.id == site.edition.id))
    response = post_form(organiser_client, site.entry + "/reveal", {}, form_page=site.base)
    assert response.status_code == 303 and response.location.endswith(f"#category-{site.category.id}")
    assert reveal_row(db_session, site.category).revealed_at is not None
    assert db_session.scalar(select(Edition.results_version).where(Edition.id == site.edition.id)) == version + 1

    hide_page = organiser_client.get(site.entry + "/hide")
    assert hide_page.status_code == 200
    refused = post_form(organiser_client, site.entry + "/hide", {"reason": ""})
    assert refused.status_code == 422 and "Say why you are hiding this result" in refused.get_data(as_text=True)
    assert reveal_row(db_session, site.category).revealed_at is not None
    done = post_form(organiser_client, site.entry + "/hide", {"reason": "Too early: the presenter had not spoken."})
    assert done.status_code == 303
    assert reveal_row(db_session, site.category).revealed_at is None


def test_a_sealed_result_cannot_be_recorded_again(organiser_client, site):
    record_and_confirm(organiser_client, site)
    _, hamish, _ = site.finalists
    page = organiser_client.get(site.entry).get_data(as_text=True)
    assert "Record the result" not in page and "Change the result" not in page
    response = post_form(organiser_client, site.entry + "/result", {"winner": hamish.id, "reason": "Late change"},
                         form_page=site.base)
    assert response.status_code == 422
    assert "confirmed and sealed" in response.get_data(as_text=True)


def test_moving_in_the_running_order_works_without_javascript(organiser_client, site):
    response = post_form(organiser_client, site.other_entry + "/move", {"direction": "up"}, form_page=site.base)
    assert response.status_code == 303
    assert response.location.endswith(f"{site.base}?show=order#category-{site.other.id}")  # back to its card
    body = organiser_client.get(site.base + "?show=order").get_data(as_text=True)
    assert body.index("1. Best Self Management Resource") < body.index(f"2. {site.category.name}")
    refused = post_form(organiser_client, site.other_entry + "/move", {"direction": "up"}, form_page=site.base,
                        follow_redirects=True)
    assert "is already first" in refused.get_data(as_text=True)
    assert post_form(organiser_client, site.other_entry + "/move", {"direction": "left"},
                     form_page=site.base).status_code == 400


def test_vote_shares_and_the_tie_break_rule(organiser_client, site, db_session):
    post_form(organiser_client, site.entry + "/shares", {"direction": "up"}, form_page=site.base)
    assert reveal_row(db_session, site.category).show_vote_shares
    assert "shares are shown" in organiser_client.get(site.base).get_data(as_text=True)
    response = post_form(organiser_client, site.base + "/tie-break", {"tie_break": "organisers"}, form_page=site.base)
    assert response.status_code == 303
    assert response.location.endswith(f"{site.base}?show=ties#tie-break")
    db_session.expire_all()
    assert db_session.get(Edition, site.edition.id).tie_break == "organisers"
    bad = post_form(organiser_client, site.base + "/tie-break", {"tie_break": "coin"}, form_page=site.base,
                    follow_redirects=True)
    assert "Choose how ties are settled" in bad.get_data(as_text=True)


def test_urls_of_another_edition_and_huge_ids_are_404(organiser_client, site, db_session):
    other = make_edition(year=2031)
    db_session.commit()
    assert organiser_client.get(f"/admin/editions/{other.id}/ceremony/categories/{site.category.id}").status_code == 404
    assert organiser_client.get(f"/admin/editions/{site.edition.id}/ceremony/categories/99999999999").status_code == 404
    assert organiser_client.get("/admin/editions/99999999999/ceremony").status_code == 404


def test_posts_without_a_csrf_token_are_refused(organiser_client, site, db_session):
    record_and_confirm(organiser_client, site)
    response = organiser_client.post(site.entry + "/reveal", data={})
    assert response.status_code == 400
    assert reveal_row(db_session, site.category).revealed_at is None


def test_the_exports_list_every_recorded_result_safely(organiser_client, site, db_session):
    site.finalists[0].public_name = "=HYPERLINK(\"http://evil\")"
    db_session.commit()
    record_and_confirm(organiser_client, site)
    response = organiser_client.get(site.base + "/results.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="results-{site.edition.year}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Running order", "Category", "Decided by", "Place", "Finalist", "Result", "Confirmed",
                       "Revealed"]
    assert rows[1][3:6] == ["Winner", "'=HYPERLINK(\"http://evil\")", "5 votes (56%)"] and rows[1][6:] == ["yes", "no"]
    printable = organiser_client.get(site.base + "/winners").get_data(as_text=True)
    assert "Confirmed and sealed, not revealed yet" in printable and "Highly commended" in printable


def test_hiding_a_revealed_result_is_a_warning_apart_from_the_running_order(organiser_client, site):
    record_and_confirm(organiser_client, site)
    assert post_form(organiser_client, site.entry + "/reveal", {}, form_page=site.base).status_code == 303
    body = organiser_client.get(site.base).get_data(as_text=True)
    card = body[body.index(f'id="category-{site.category.id}"'):body.index(f'id="category-{site.other.id}"')]
    hide_at = card.index(f'href="{site.entry}/hide"')
    warning_at = card.index('class="running-order__warning')
    assert card.rindex("<a ", 0, hide_at) == card.index('<a class="button button--warning button--small"', warning_at)
    assert card.index("</form>", card.index("/shares")) < warning_at  # after the other buttons, not among them
    assert 'class="move-form"' not in card  # the running order's buttons are on a part of their own...
    order = organiser_client.get(site.base + "?show=order").get_data(as_text=True)
    order_card = order[order.index(f'id="category-{site.category.id}"'):order.index(f'id="category-{site.other.id}"')]
    assert 'class="move-form"' in order_card and "Place 1 of 2 in the running order" in order_card
    assert "/hide" not in order  # ...with no warning among them
    assert "running-order__warning" not in body[body.index(f'id="category-{site.other.id}"'):]  # nothing to hide there
