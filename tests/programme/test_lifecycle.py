"""An edition's lifecycle: a draft until announced, announced once when nothing is missing, and which edition the
public sees while drafts exist."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.nominations.drafts import nominations_open
from awards_app.programme import editions
from awards_app.programme.models import Criterion, Edition, Question
from tests.factories.accounts import make_judge
from tests.factories.nominations import make_nomination
from tests.factories.programme import START, make_category, make_criteria, make_edition
from tests.programme.test_editions import phase_dates


def ready_draft(year: int = 2027, start=START + timedelta(days=365)) -> Edition:
    """A draft with a category, its question and the edition's criteria: nothing missing."""
    edition = make_edition(year=year, start=start, draft=True)
    make_category(edition)
    make_criteria(edition)
    return edition


def announcement_refusal(organiser, edition) -> editions.EditionNotReady:
    """The refusal to announce the edition (failing the test if it is announced)."""
    with pytest.raises(editions.EditionNotReady) as caught:
        editions.announce_edition(organiser, edition)
    assert edition.announced_at is None
    return caught.value


def test_an_edition_an_organiser_creates_is_a_draft(organiser):
    edition = editions.create_edition(organiser, year=2027, name="Awards 2027", dates=phase_dates())
    assert edition.is_draft and not edition.is_public and edition.announced_at is None


def test_announcing_makes_the_edition_public_and_is_audited(organiser, db_session, clock):
    moment = clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    assert edition.is_public and not edition.is_draft and edition.announced_at == moment
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.announced")).one()
    assert (event.actor_id, event.subject_id) == (organiser.id, edition.id)


def test_an_edition_is_announced_once_only(organiser, db_session, clock):
    clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    clock.set(START + timedelta(days=1))
    with pytest.raises(DomainError) as caught:
        editions.announce_edition(organiser, edition)
    assert "announced on Monday 12 January 2026 already" in caught.value.message
    assert edition.announced_at == START
    assert db_session.scalars(select(AuditEvent.action).where(AuditEvent.action == "edition.announced")).all() == [
        "edition.announced"
    ]


def test_only_organisers_announce(organiser, db_session):
    edition = ready_draft()
    with pytest.raises(NotAllowed):
        editions.announce_edition(make_judge(), edition)
    assert edition.is_draft


def test_an_edition_without_categories_is_not_announced(organiser):
    refusal = announcement_refusal(organiser, make_edition(year=2027, start=START + timedelta(days=365), draft=True))
    assert refusal.problems == ["The edition has no categories: add at least one."]


def test_each_category_without_questions_or_criteria_is_named(organiser, db_session):
    edition = make_edition(year=2027, start=START + timedelta(days=365), draft=True)
    asked = make_category(edition, name="Carer of the Year")
    silent = make_category(edition, name="Project of the Year")
    silent.questions.clear()
    db_session.flush()
    refusal = announcement_refusal(organiser, edition)
    assert refusal.problems == [
        "‘Carer of the Year’ has no judging criteria: add the edition's criteria or its own.",
        "‘Project of the Year’ has no questions for nominators to answer.",
        "‘Project of the Year’ has no judging criteria: add the edition's criteria or its own.",
    ]
    assert "Carer of the Year" in refusal.message and "Project of the Year" in refusal.message
    # A category's own criteria count for that category alone.
    db_session.add(Criterion(edition=edition, category=asked, name="Care", scale_min=0, scale_max=10, weight=1))
    silent.questions.append(Question(prompt="Why?", word_limit=100))
    db_session.flush()
    db_session.expire(asked)
    assert announcement_refusal(organiser, edition).problems == [
        "‘Project of the Year’ has no judging criteria: add the edition's criteria or its own."
    ]


def test_dates_out_of_order_are_named(organiser, db_session):
    edition = ready_draft()
    edition.vote_close_at = edition.vote_open_at - timedelta(days=1)  # saved directly, as an import might
    db_session.flush()
    assert announcement_refusal(organiser, edition).problems == [
        "Public vote closes must be on or after public vote opens."
    ]


def test_announcing_stops_the_expected_opening_line(organiser, db_session):
    edition = ready_draft()
    edition.expected_opening_shown = True
    editions.announce_edition(organiser, edition)
    assert edition.expected_opening_shown is False


# --- Back to draft -----------------------------------------------------------------------------------------------


def test_an_edition_announced_by_mistake_goes_back_to_draft_before_it_opens(organiser, db_session, clock):
    clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    editions.return_to_draft(organiser, edition)
    assert edition.is_draft
    assert db_session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == edition.id)).all()[-1] == (
        "edition.returned_to_draft"
    )


def test_an_edition_whose_nominations_opened_stays_public(organiser, clock):
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    clock.set(edition.nominations_open_at)
    with pytest.raises(DomainError, match="have opened: it stays public"):
        editions.return_to_draft(organiser, edition)
    assert edition.is_public


def test_an_edition_with_a_nomination_stays_public(organiser, db_session, clock):
    clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    make_nomination(edition.categories[0])  # dates moved back after people nominated, say
    with pytest.raises(DomainError, match="Nominations have been started"):
        editions.return_to_draft(organiser, edition)
    assert edition.is_public


def test_a_draft_is_not_returned_to_draft(organiser):
    with pytest.raises(DomainError, match="is a draft already"):
        editions.return_to_draft(organiser, ready_draft())


# --- What the public sees ------------------------------------------------------------------------------------------


def row(year: int, opens, announced: bool = True, weeks: int = 16) -> SimpleNamespace:
    """What pick_current reads of an edition: its dates and whether it was announced."""
    return SimpleNamespace(
        year=year, nominations_open_at=opens, nominations_close_at=opens + timedelta(weeks=6),
        shortlist_publish_at=opens + timedelta(weeks=11), vote_open_at=opens + timedelta(weeks=12),
        vote_close_at=opens + timedelta(weeks=14), ceremony_at=opens + timedelta(weeks=weeks),
        timezone="Europe/London", announced_at=START if announced else None,
    )


LAST = row(2026, START)
NEXT_OPENS = START + timedelta(days=365)


@pytest.mark.parametrize(
    ("now", "announced", "shown"),
    [
        # 2026 is still in its results phase: a 2027 draft or announcement changes nothing.
        (START + timedelta(weeks=15), False, 2026),
        (START + timedelta(weeks=15), True, 2026),
        # Between editions: the draft never replaces 2026; an announced 2027 does.
        (START + timedelta(weeks=30), False, 2026),
        (START + timedelta(weeks=30), True, 2027),
        # Once 2027 opens it is shown, but only if it was announced.
        (NEXT_OPENS + timedelta(days=1), False, 2026),
        (NEXT_OPENS + timedelta(days=1), True, 2027),
    ],
)
def test_pick_current_never_picks_a_draft(now, announced, shown):
    assert editions.pick_current([LAST, row(2027, NEXT_OPENS, announced)], now).year == shown


def test_pick_current_with_nothing_but_drafts_picks_nothing():
    assert editions.pick_current([row(2026, START, announced=False)], START + timedelta(days=1)) is None


def test_current_edition_skips_drafts_in_the_database(db_session, clock):
    make_edition(year=2026)
    make_edition(year=2027, start=NEXT_OPENS, draft=True)
    clock.set(START + timedelta(weeks=30))
    assert editions.current_edition().year == 2026
    clock.set(NEXT_OPENS + timedelta(days=1))
    assert editions.current_edition().year == 2026
    assert [edition.year for edition in db_session.scalars(editions.public_editions())] == [2026]


def test_a_draft_takes_no_nominations_even_in_its_window(db_session):
    edition = make_edition(draft=True)
    assert not nominations_open(edition, START + timedelta(days=1))
    edition.announced_at = START
    assert nominations_open(edition, START + timedelta(days=1))


def test_the_expected_opening_is_only_the_month_of_a_draft_that_chose_to_say_it(db_session, clock):
    clock.set(START + timedelta(weeks=30))
    make_edition(year=2026)
    draft = make_edition(year=2027, start=NEXT_OPENS, draft=True)
    assert editions.expected_opening_month() is None
    draft.expected_opening_shown = True
    assert editions.expected_opening_month() == "January 2027"
    clock.set(NEXT_OPENS + timedelta(minutes=1))  # its planned opening has passed: nothing expected any more
    assert editions.expected_opening_month() is None


def test_an_announced_edition_does_not_take_the_expected_opening_choice(organiser, db_session):
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    values = {"year": 2027, "name": edition.name, "dates": {f: getattr(edition, f) for f in phase_dates()}}
    with pytest.raises(DomainError) as caught:
        editions.update_edition(organiser, edition, expected_opening_shown=True, **values)
    assert caught.value.field == "expected_opening_shown"
    editions.update_edition(organiser, edition, **values)  # left as it is when not given
    assert edition.expected_opening_shown is False


def test_a_draft_whose_nominations_opened_already_is_not_announced(organiser, db_session, clock):
    """Announced, it would replace the last results at once and could never be a draft again."""
    make_edition(year=2026, start=START)
    draft = ready_draft(start=START + timedelta(days=300))  # 2027's opening typed in 2026 by mistake
    clock.set(START + timedelta(days=330))
    refusal = announcement_refusal(organiser, draft)
    assert refusal.problems == ["Nominations would open on Sunday 8 November 2026, which has passed: "
                                "move the dates on first."]
    assert editions.current_edition().year == 2026


def test_an_announced_edition_keeps_its_last_category_and_criterion(organiser, db_session, clock):
    from awards_app.programme import categories

    clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    category = edition.categories[0]
    with pytest.raises(DomainError, match="must keep at least one category"):
        categories.delete_category(organiser, category)
    for criterion in list(edition.criteria)[:-1]:
        categories.delete_criterion(organiser, criterion)  # others may go...
    with pytest.raises(DomainError, match="would have none"):
        categories.delete_criterion(organiser, edition.criteria[-1])  # ...but not the last one judged on
    assert not editions.announcement_problems(edition)


def test_a_categorys_own_last_criterion_may_go_when_the_editions_criteria_take_over(organiser, db_session, clock):
    from awards_app.programme import categories
    from awards_app.programme.criteria import criteria_for
    from awards_app.programme.models import Criterion

    clock.set(START)
    edition = ready_draft()
    editions.announce_edition(organiser, edition)
    category = edition.categories[0]
    own = Criterion(edition=edition, category=category, name="Courage", weight=1)
    db_session.add(own)
    db_session.flush()
    db_session.refresh(category)
    categories.delete_criterion(organiser, own)  # the edition's criteria judge the category again
    db_session.flush()
    db_session.refresh(category)
    assert criteria_for(category) and not category.own_criteria
