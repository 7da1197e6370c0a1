"""Contests: times within the edition's vote, finalists required, and everything locked once the vote opens."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging import shortlist
from awards_app.judging.models import Finalist
from awards_app.publication import public_shortlist as publication
from awards_app.voting import contests
from awards_app.voting.models import Contest
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site
from tests.factories.publication import shortlist_site
from tests.factories.voting import make_contest


@pytest.fixture
def site(db_session, clock):
    """The edition of tests/factories/publication.py: Project of the Year has a public vote and two finalists."""
    return shortlist_site()


def window(site, open_days: int = 1, close_days: int = 10):
    """Opening and closing moments some days into the edition's voting window."""
    start = site.edition.vote_open_at
    return start + timedelta(days=open_days), start + timedelta(days=close_days)


def test_create_a_contest_within_the_edition_vote(site, organiser, db_session):
    opens_at, closes_at = window(site)
    contest = contests.save_contest(organiser, site.project, opens_at, closes_at)
    assert (contest.opens_at, contest.closes_at) == (opens_at, closes_at)
    assert contests.contest_of(site.project) is contest
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.created"))
    assert event.details["category"] == "Project of the Year"


def test_the_whole_edition_window_is_allowed(site, organiser):
    edition = site.edition
    contest = contests.save_contest(organiser, site.project, edition.vote_open_at, edition.vote_close_at)
    assert contest.closes_at == edition.vote_close_at


def test_change_a_contest_before_it_opens(site, organiser, db_session):
    contests.save_contest(organiser, site.project, *window(site))
    contest = contests.save_contest(organiser, site.project, *window(site, 2, 12))
    assert contest.opens_at == window(site, 2, 12)[0]
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "contest.changed")) is not None
    assert len(db_session.scalars(select(Contest)).all()) == 1


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        (lambda s, now: (s.edition.vote_open_at + timedelta(days=3), s.edition.vote_open_at + timedelta(days=3)),
         "closes_at", "The vote must close after it opens"),
        (lambda s, now: (s.edition.vote_open_at + timedelta(days=3), s.edition.vote_open_at + timedelta(days=2)),
         "closes_at", "The vote must close after it opens"),
        (lambda s, now: (s.edition.vote_open_at - timedelta(minutes=1), s.edition.vote_close_at),
         "opens_at", "cannot open before the edition's public vote opens"),
        (lambda s, now: (s.edition.vote_open_at, s.edition.vote_close_at + timedelta(minutes=1)),
         "closes_at", "must close by the time the edition's public vote closes"),
        (lambda s, now: (now - timedelta(minutes=1), s.edition.vote_close_at),
         "opens_at", "The vote must open in the future"),
    ],
    ids=["same-moment", "closes-first", "before-window", "after-window", "in-the-past"],
)
def test_times_out_of_order_or_outside_the_edition_vote_are_refused(site, organiser, clock, times, field, message):
    with pytest.raises(DomainError, match=message) as refusal:
        contests.save_contest(organiser, site.project, *times(site, clock.now()))
    assert refusal.value.field == field
    assert contests.contest_of(site.project) is None


def test_the_vote_cannot_open_before_the_shortlist_is_announced(site, organiser, clock):
    announced = site.edition.vote_open_at + timedelta(days=2)
    site.edition.shortlist_published_at = announced
    with pytest.raises(DomainError, match="before the shortlist is announced"):
        contests.save_contest(organiser, site.project, announced - timedelta(hours=1), site.edition.vote_close_at)
    assert contests.save_contest(organiser, site.project, announced, site.edition.vote_close_at).opens_at == announced


def test_a_category_without_a_public_vote_has_no_contest(site, organiser):
    with pytest.raises(DomainError, match="Carer of the Year is decided by the judges"):
        contests.save_contest(organiser, site.carer, *window(site))


def test_a_vote_needs_at_least_two_finalists(site, organiser, db_session):
    db_session.execute(delete(Finalist).where(Finalist.id == site.lunch_club.id))
    db_session.expire_all()
    with pytest.raises(DomainError, match="at least 2 finalists"):
        contests.save_contest(organiser, site.project, *window(site))


def test_only_organisers_set_up_a_vote(site, db_session):
    for actor in (make_judge(), None):
        with pytest.raises(NotAllowed):
            contests.save_contest(actor, site.project, *window(site))


# --- The lock ------------------------------------------------------------------------------------------------------


def test_the_lock_starts_at_the_opening_moment(site, clock):
    contest = make_contest(site.project)
    clock.set(contest.opens_at - timedelta(seconds=1))
    assert not contests.is_locked(site.project)
    contests.ensure_not_locked(site.project)
    clock.set(contest.opens_at)
    assert contests.is_locked(site.project)
    with pytest.raises(DomainError, match="opened at 10am on Tuesday 31 March 2026"):
        contests.ensure_not_locked(site.project)
    assert not contests.is_locked(site.carer)  # no contest, no lock


def test_an_open_contest_keeps_its_times(site, organiser, clock):
    contest = make_contest(site.project)
    clock.set(contest.opens_at + timedelta(hours=1))
    with pytest.raises(DomainError, match="so the times of its vote can no longer change"):
        contests.save_contest(organiser, site.project, contest.opens_at, contest.closes_at - timedelta(days=1))
    assert contest.closes_at == site.edition.vote_close_at


def test_an_open_contest_keeps_its_finalists_presented_the_same_way(site, organiser, clock):
    contest = make_contest(site.project)
    clock.set(contest.opens_at)
    with pytest.raises(DomainError, match="can no longer change"):
        publication.set_finalist_summary(organiser, site.lunch_club, "Leith Lunch Club", "A new summary.")


def test_the_shortlist_decision_is_locked_once_the_vote_opens(db_session, clock, organiser):
    judged = judging_site(has_public_vote=True)
    entries = [judged.morag.id, judged.hamish.id, judged.ailsa.id]
    shortlist.choose_shortlist(organiser, judged.category, "weighted", entries)
    edition = judged.category.edition
    contest = Contest(category_id=judged.category.id, opens_at=edition.vote_open_at, closes_at=edition.vote_close_at)
    db_session.add(contest)
    db_session.flush()
    # Before the vote opens the shortlist may still change...
    shortlist.choose_shortlist(organiser, judged.category, "weighted", entries[:2], {judged.ailsa.id: "Withdrew."})
    clock.set(contest.opens_at)
    # ...but not once it has opened.
    with pytest.raises(DomainError, match="The public vote in Carer of the Year opened at .* its finalists can no"):
        shortlist.choose_shortlist(organiser, judged.category, "weighted", entries)
    assert [f.nomination_id for f in shortlist.finalists_of(judged.category)] == entries[:2]


def test_the_public_vote_cannot_be_switched_off_once_voting_has_opened(db_session, clock, organiser):
    """Whether a category has a public vote is one of the rules locked when its vote opens."""
    from datetime import timedelta

    from awards_app.core.errors import DomainError
    from awards_app.programme.categories import update_category
    from awards_app.voting.models import Contest
    from tests.factories.programme import make_category, make_edition

    category = make_category(make_edition(), has_public_vote=True)
    db_session.add(Contest(category=category, opens_at=clock.now() - timedelta(hours=1), closes_at=clock.now() + timedelta(days=3)))
    db_session.flush()
    with pytest.raises(DomainError, match="whether it has a public vote"):
        update_category(organiser, category, name=category.name, nominee_kind=category.nominee_kind, has_public_vote=False)
    update_category(organiser, category, name="Renamed", nominee_kind=category.nominee_kind, has_public_vote=True)
