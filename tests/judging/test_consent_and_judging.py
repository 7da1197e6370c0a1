"""Consent and judging: a nominee who declined is out of judging altogether (no judge sees the entry, no figure
counts it, even scores given before they declined); one whose consent is awaited is judged, marked for the organisers,
and keeps the shortlist from being published."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards_app.core.errors import DomainError, NotFound
from awards_app.demo.builder import build_demo
from awards_app.judging import judge_access
from awards_app.judging.conflicts import nominee_list
from awards_app.judging.models import Score
from awards_app.judging.progress import progress_matrix
from awards_app.judging.scoring import progress as judge_progress
from awards_app.judging.shortlist import category_rankings, choose_shortlist
from awards_app.nominations.models import ConsentState, Nomination
from awards_app.publication.public_shortlist import publish_shortlist, shortlist_problems
from tests.factories.judging import judging_site, make_finalists, place_of
from tests.factories.accounts import ORGANISER_PASSWORD
from tests.web.forms import sign_in


@pytest.fixture
def site(db_session, clock):
    """Five entries scored by three judges; the nominee of Callum Baird's entry declined (all judges gave him 10s)."""
    return judging_site()


def test_an_entry_whose_nominee_declined_is_not_judgeable(site):
    names = [entry.nominee_name for entry in judge_access.judgeable_entries(site.category)]
    assert "Callum Baird" not in names
    assert names == ["Morag Fraser", "Hamish MacLeod", "Ailsa Grant", "Eilidh Ross"]


def test_a_judge_never_reaches_a_declined_entry(site):
    judge = site.judges[0]
    place = place_of(judge, site.category)
    assert site.callum not in judge_access.entries_for_judge(judge, place)
    with pytest.raises(NotFound):
        judge_access.entry_for_judge(judge, site.callum.id)
    assert site.callum.id not in {row.nomination_id for row in nominee_list(judge, place)}
    assert judge_progress(judge, place).total == 4


def test_no_figure_counts_a_declined_entry_or_its_scores(site, db_session):
    view = category_rankings(site.category)
    assert site.callum.id not in view.entries
    assert site.callum.id not in {line.entry_id for line in view.rankings.entries}
    matrix = progress_matrix(site.category)
    assert site.callum not in matrix.entries
    assert matrix.cells_to_score == 11  # 4 entries by 3 judges, less judge C's conflict on Ailsa
    # The normalised figures are those of a category where Callum was never scored: his 10s shape nobody's scale.
    before = {line.entry_id: line.normalised_mean for line in view.rankings.entries}
    db_session.execute(Score.__table__.delete().where(Score.nomination_id == site.callum.id))
    db_session.flush()
    after = {line.entry_id: line.normalised_mean for line in category_rankings(site.category).rankings.entries}
    assert before == after


def test_scores_given_before_the_nominee_declined_stay_stored_but_count_nowhere(site, db_session):
    site.callum.consent = ConsentState.GIVEN
    db_session.flush()
    assert site.callum.id in category_rankings(site.category).entries
    site.callum.consent = ConsentState.DECLINED
    db_session.flush()
    stored = db_session.scalar(select(func.count(Score.id)).where(Score.nomination_id == site.callum.id))
    assert stored == 6  # three judges, two criteria: kept
    assert site.callum.id not in category_rankings(site.category).entries
    assert site.callum not in progress_matrix(site.category).entries


def test_a_declined_entry_cannot_be_chosen_as_a_finalist(site, organiser):
    with pytest.raises(DomainError):
        choose_shortlist(organiser, site.category, "weighted", [site.callum.id], {site.callum.id: "Top marks"})


def test_an_entry_whose_consent_is_awaited_is_judged(site, db_session):
    site.hamish.consent = ConsentState.REQUESTED
    site.eilidh.consent = ConsentState.NOT_REQUESTED
    db_session.flush()
    entries = judge_access.judgeable_entries(site.category)
    assert site.hamish in entries and site.eilidh in entries
    assert site.hamish.id in category_rankings(site.category).entries


def test_publishing_is_refused_while_a_finalists_consent_is_awaited_saying_what_is_missing(site, db_session, organiser):
    site.hamish.consent = ConsentState.REQUESTED
    make_finalists(site.category, [site.morag, site.hamish], organiser)
    db_session.flush()
    problems = shortlist_problems(site.edition)
    assert problems == ["In Carer of the Year, consent is missing for Hamish MacLeod (asked, no answer yet)."]
    with pytest.raises(DomainError) as refused:
        publish_shortlist(organiser, site.edition)
    assert "Hamish MacLeod (asked, no answer yet)" in refused.value.message
    site.hamish.consent = ConsentState.GIVEN
    db_session.flush()
    assert shortlist_problems(site.edition) == []


def test_the_organisers_page_shows_each_entrys_consent_beside_its_figures(site, db_session, client, organiser):
    site.hamish.consent = ConsentState.REQUESTED
    site.eilidh.consent = ConsentState.NOT_REQUESTED
    make_finalists(site.category, [site.morag, site.hamish], organiser)
    db_session.commit()
    sign_in(client, organiser.email, ORGANISER_PASSWORD)
    judging = f"/admin/categories/{site.category.id}/judging"
    tabs = {tab: client.get(judging + tab).get_data(as_text=True) for tab in ("", "/rankings", "/shortlist")}
    rankings = tabs["/rankings"][tabs["/rankings"].index('id="rankings"'):]
    assert rankings.count("Consent given") == 2  # Morag and Ailsa
    assert rankings.count("Consent awaited") == 2
    assert "asked, no answer yet" in rankings and "not asked yet" in rankings
    for page in tabs.values():
        assert "Callum Baird" not in page  # declined: out of judging, on no part of the pages
    shortlist = tabs["/shortlist"][tabs["/shortlist"].index('id="shortlist"'):]
    assert "Consent awaited" in shortlist and "cannot be published until the nominee agrees" in shortlist


def test_the_demo_judges_never_score_a_declined_entry(db_session, clock):
    build_demo("judging")
    declined = db_session.scalars(select(Nomination).where(Nomination.consent == ConsentState.DECLINED)).all()
    assert any(nomination.nominee_name == "Tynevale Parkinson's Café" for nomination in declined)
    assert not db_session.scalar(
        select(func.count(Score.id)).where(Score.nomination_id.in_([nomination.id for nomination in declined]))
    )
    for nomination in declined:
        assert nomination not in judge_access.judgeable_entries(nomination.category)
