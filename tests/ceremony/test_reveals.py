"""The ceremony: running order, reveals and hides with the results version, and what the public results may show."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.ceremony import reveals
from awards_app.ceremony.models import Reveal
from awards_app.ceremony.winners import confirm_result, record_vote_result
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.demo.builder import build_demo
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Edition
from tests.factories.accounts import make_judge
from tests.factories.ceremony import ceremony_site
from tests.factories.programme import make_category
from tests.factories.voting import make_votes


@pytest.fixture
def site(db_session, clock, organiser):
    """A closed public vote (Morag 5, Hamish 3, Ailsa 1) with its result recorded and confirmed, the shortlist public,
    and two more categories without results after it."""
    site = ceremony_site(organiser)
    morag, hamish, ailsa = site.finalists
    make_votes(site.contest, morag, 5)
    make_votes(site.contest, hamish, 3)
    make_votes(site.contest, ailsa, 1)
    site.edition.shortlist_published_at = clock.now() - timedelta(days=10)
    site.other = make_category(site.edition, "Best Self Management Resource", display_order=1)
    site.third = make_category(site.edition, "Innovative Partnership Idea of the Year", display_order=2)
    record_vote_result(organiser, site.category, morag.id, [hamish.id])
    confirm_result(organiser, site.category)
    db_session.refresh(site.edition)
    return site


def version(db_session, edition) -> int:
    """The edition's results version as stored."""
    return db_session.scalar(select(Edition.results_version).where(Edition.id == edition.id))


def test_the_running_order_starts_as_the_category_order_and_moves(site, organiser, db_session):
    assert reveals.running_order(site.edition) == [site.category, site.other, site.third]
    before = version(db_session, site.edition)
    reveals.move_category(organiser, site.third, "up")
    assert reveals.running_order(site.edition) == [site.category, site.third, site.other]
    reveals.move_category(organiser, site.category, "down")
    assert reveals.running_order(site.edition) == [site.third, site.category, site.other]
    assert version(db_session, site.edition) == before + 2
    assert [item.position for item in reveals.ceremony_items(site.edition)] == [1, 2, 3]
    with pytest.raises(DomainError, match="is already first"):
        reveals.move_category(organiser, site.third, "up")
    with pytest.raises(DomainError, match="is already last"):
        reveals.move_category(organiser, site.other, "down")
    with pytest.raises(DomainError, match="Choose up or down"):
        reveals.move_category(organiser, site.other, "sideways")
    assert len(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ceremony.moved")).all()) == 2


def test_only_a_confirmed_result_can_be_revealed(site, organiser):
    with pytest.raises(DomainError, match="Confirm the result of Best Self Management Resource before revealing it"):
        reveals.reveal_category(organiser, site.other)


def test_a_reveal_shows_the_result_and_moves_the_version_and_focus(site, organiser, db_session, clock):
    morag, hamish, ailsa = site.finalists
    stamp = reveals.results_stamp()
    assert stamp.edition_id == site.edition.id and stamp.shortlist_public and stamp.focus_id is None

    result = reveals.public_results(site.edition)[0]
    assert result.category == site.category and not result.revealed
    assert [f.name for f in result.finalists] == ["Ailsa Grant", "Hamish MacLeod", "Morag Fraser"]  # alphabetical
    assert result.winners == [] and result.highly_commended == [] and result.shares == []

    reveal = reveals.reveal_category(organiser, site.category)
    assert reveal.revealed_at == clock.now()
    after = reveals.results_stamp()
    assert after.version == stamp.version + 1 and after.focus_id == site.category.id
    assert after.etag("page") != stamp.etag("page")
    result = reveals.public_results(site.edition)[0]
    assert result.revealed
    assert [f.name for f in result.winners] == ["Morag Fraser"]
    assert [f.name for f in result.highly_commended] == ["Hamish MacLeod"]
    assert reveals.latest_reveal(reveals.public_results(site.edition)).category == site.category
    with pytest.raises(DomainError, match="has been revealed already"):
        reveals.reveal_category(organiser, site.category)
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ceremony.revealed")).one()


def test_hiding_a_reveal_needs_a_reason_and_takes_the_result_back(site, organiser, db_session):
    with pytest.raises(DomainError, match="has not been revealed"):
        reveals.hide_category(organiser, site.category, "Oops")
    reveals.reveal_category(organiser, site.category)
    with pytest.raises(DomainError, match="Give a reason: say why the reveal is taken back"):
        reveals.hide_category(organiser, site.category, "  ")
    before = version(db_session, site.edition)
    reveals.hide_category(organiser, site.category, "Revealed before the presenter said it.")
    assert version(db_session, site.edition) == before + 1
    result = reveals.public_results(site.edition)[0]
    assert not result.revealed and result.winners == []
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ceremony.hidden")).one()
    assert event.details["reason"] == "Revealed before the presenter said it."
    # Revealed again later, it is the focus again.
    reveals.reveal_category(organiser, site.category)
    assert reveals.results_stamp().focus_id == site.category.id


def test_vote_shares_show_only_where_chosen_and_after_the_reveal(site, organiser, db_session):
    reveals.set_vote_shares(organiser, site.category, True)
    assert reveals.public_results(site.edition)[0].shares == []  # not revealed yet
    reveals.reveal_category(organiser, site.category)
    shares = reveals.public_results(site.edition)[0].shares
    assert [(f.name, round(f.votes_share, 3)) for f in shares] == [
        ("Morag Fraser", 0.556), ("Hamish MacLeod", 0.333), ("Ailsa Grant", 0.111)
    ]
    before = version(db_session, site.edition)
    reveals.set_vote_shares(organiser, site.category, False)
    assert reveals.public_results(site.edition)[0].shares == []
    assert version(db_session, site.edition) == before + 1
    with pytest.raises(DomainError, match="has no public vote"):
        reveals.set_vote_shares(organiser, site.other, True)


def test_nothing_is_public_before_the_shortlist_and_no_finalist_without_consent(site, organiser, clock):
    site.finalists[2].nomination.consent = ConsentState.DECLINED
    names = [f.name for f in reveals.public_results(site.edition)[0].finalists]
    assert names == ["Hamish MacLeod", "Morag Fraser"]
    site.edition.shortlist_published_at = clock.now() + timedelta(hours=1)
    assert reveals.public_results(site.edition) is None
    assert not reveals.results_stamp().shortlist_public


def test_only_organisers_run_the_ceremony(site):
    judge = make_judge()
    for call in (
        lambda: reveals.reveal_category(judge, site.category),
        lambda: reveals.hide_category(judge, site.category, "No"),
        lambda: reveals.move_category(judge, site.category, "down"),
        lambda: reveals.set_vote_shares(judge, site.category, True),
        lambda: reveals.reveal_category(None, site.category),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_the_stamp_of_a_year_and_of_no_edition(site, db_session):
    assert reveals.results_stamp(site.edition.year).edition_id == site.edition.id
    assert reveals.results_stamp(1999) is None


@pytest.mark.parametrize("phase", ["ceremony", "results"])
def test_the_demo_waits_for_confirmation_at_the_ceremony_and_is_revealed_after(phase, clock, db_session):
    build_demo(phase)
    reveal_rows = db_session.scalars(select(Reveal).order_by(Reveal.running_order)).all()
    edition = db_session.scalars(select(Edition)).one()
    results = reveals.public_results(edition)
    assert len(reveal_rows) == len(edition.categories) == len(results)
    if phase == "ceremony":
        assert all(reveal.confirmed_at is None and reveal.revealed_at is None for reveal in reveal_rows)
        assert all(not result.revealed and result.winners == [] for result in results)
    else:
        assert all(reveal.confirmed_at is not None and reveal.revealed_at is not None for reveal in reveal_rows)
        assert all(len(result.winners) == 1 and len(result.highly_commended) == 1 for result in results)
        voting = next(result for result in results if result.category.has_public_vote)
        assert voting.shares and abs(sum(f.votes_share for f in voting.shares) - 1) < 1e-9
