"""Copying a past edition into a new one: exactly its definitions, no trace of what happened in it; dates moved on to
the new year at the same local time; the year must be free and later; audited; organisers only."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from awards_app.ceremony.models import Award, CeremonyInvitation, Place, Reveal
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent, OutboxEmail
from awards_app.extensions import db
from awards_app.judging.models import (
    AssignmentPlan,
    Conflict,
    FeedbackSetting,
    Finalist,
    FinalRank,
    PanelMember,
    Score,
    ScoreComment,
)
from awards_app.messaging.models import Message
from awards_app.nominations.models import Nomination, NominationDraft
from awards_app.programme.copying import copy_edition, moved_on, suggested_name
from awards_app.programme.models import Category, Criterion, Edition, JudgingReminderRound, NomineeKind, Question
from awards_app.programme.phases import PHASE_DATES
from awards_app.voting.models import Contest, Vote
from tests.factories.ceremony import ceremony_site, reveal_result
from tests.factories.judging import make_ranks
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category
from tests.factories.voting import make_votes

LONDON = ZoneInfo("Europe/London")


def local(year, month, day, hour=9, minute=0) -> datetime:
    """A London wall-clock time, as the UTC moment the database holds."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(timezone.utc)


@pytest.fixture
def past_year(db_session, clock, organiser):
    """A whole 2026 that happened: two categories (one with criteria and a question of its own), nominations, scores,
    comments, conflicts, finalists, final ranks, a public vote with votes, results revealed, messages, ceremony
    invitations, feedback switched on, an assignment plan, a reminder round and a draft."""
    site = ceremony_site(organiser)
    edition, voted = site.edition, site.category
    edition.tie_break, edition.hide_nominee_names, edition.venue = "judges", True, "Glasgow City Chambers"
    edition.shortlist_published_at = clock.now()
    edition.results_version, edition.ceremony_focus_id = 7, voted.id
    voted.description, voted.eligibility_notes, voted.names_can_be_hidden = "Carers.", "Unpaid carers only.", True
    voted.shortlist_size, voted.shortlisted_at, voted.display_order = 4, clock.now(), 1
    voted.questions[0].hint, voted.questions[0].required = "Say what changed.", False
    judged = make_category(edition, "Project of the Year", display_order=0, eligibility_notes="Scottish projects.")
    judged.questions.append(Question(prompt="Who runs it?", hint="Names welcome.", word_limit=150, display_order=1))
    db.session.add(Criterion(edition_id=edition.id, category_id=judged.id, name="Reach", description="Who it reaches.",
                             guidance="0-3 few; 8-10 many.", weight=2.5, scale_min=1, scale_max=5, display_order=0))
    db.session.flush()
    edition.criteria[0].guidance = "0-3 little evidence."
    make_nomination(judged, "Garden Share")
    make_ranks(site.judges[0], *site.finalists)
    make_votes(site.contest, site.finalists[0], 3)
    db.session.add(ScoreComment(judge_id=site.judges[0].id, nomination_id=site.morag.id, text="Strong."))
    db.session.add(Award(category_id=voted.id, finalist_id=site.finalists[0].id, place=Place.WINNER))
    reveal_result(voted)
    db.session.add_all([
        Message(edition=edition, segment="judges", subject="Thank you", body="Dear {name}"),
        CeremonyInvitation(edition=edition, email="guest@example.org", name="Guest"),
        FeedbackSetting(edition_id=edition.id, enabled=True),
        AssignmentPlan(category_id=judged.id, judges_per_entry=2, most_entries_per_judge=5),
        JudgingReminderRound(edition_id=edition.id, judging_end_at=edition.judging_end_at, days_before=3,
                             sent_at=clock.now(), judges=3),
        NominationDraft(edition=edition, public_id="draft-of-2026", data={}),
    ])
    db.session.flush()
    db.session.expire_all()
    return site


def definition(edition: Edition) -> dict:
    """What defines an edition, without ids: the things a copy must hold exactly."""
    def criteria(rows):
        return [(c.name, c.description, c.guidance, c.weight, c.scale_min, c.scale_max, c.display_order) for c in rows]

    return {
        "edition": (edition.theme, edition.venue, edition.timezone, edition.tie_break, edition.hide_nominee_names),
        "criteria": criteria(edition.criteria),
        "categories": [
            (
                c.name, c.description, c.eligibility_notes, c.nominee_kind, c.has_public_vote, c.display_order,
                c.names_can_be_hidden, c.shortlist_size, criteria(c.own_criteria),
                [(q.prompt, q.hint, q.word_limit, q.required, q.display_order) for q in c.questions],
            )
            for c in edition.categories
        ],
    }


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_copy_holds_exactly_the_definitions(past_year, organiser):
    source = past_year.edition
    copy = copy_edition(organiser, source, 2027, "Self Management Awards 2027")
    db.session.expire_all()
    assert copy.year == 2027 and copy.name == "Self Management Awards 2027" and copy.copied_from_id == source.id
    assert definition(copy) == definition(source)
    assert definition(copy)["categories"][0][0] == "Project of the Year"  # the order is kept
    assert {c.copied_from_id for c in copy.categories} == {c.id for c in source.categories}
    own = next(c for c in copy.categories if c.own_criteria).own_criteria[0]
    assert own.edition_id == copy.id and own.category.edition_id == copy.id  # mapped onto the copy, not the past


def test_nothing_that_happened_is_copied(past_year, organiser):
    copy = copy_edition(organiser, past_year.edition, 2027, "Self Management Awards 2027")
    ids = [c.id for c in copy.categories]
    assert (copy.shortlist_published_at, copy.results_version, copy.ceremony_focus_id) == (None, 0, None)
    assert all(c.shortlisted_at is None and c.shortlist_method is None for c in copy.categories)
    assert count(Nomination, Nomination.edition_id == copy.id) == 0
    assert count(NominationDraft, NominationDraft.edition_id == copy.id) == 0
    assert count(PanelMember, PanelMember.category_id.in_(ids)) == 0  # nobody is put on a panel, nor invited
    for model in (Finalist, Contest, Reveal, Award, AssignmentPlan):
        assert count(model, model.category_id.in_(ids)) == 0, model.__name__
    for model in (Message, CeremonyInvitation, FeedbackSetting, JudgingReminderRound):
        assert count(model, model.edition_id == copy.id) == 0, model.__name__
    criterion_ids = select(Criterion.id).where(Criterion.edition_id == copy.id)
    assert count(Score, Score.criterion_id.in_(criterion_ids)) == 0
    # And the past year is left as it was.
    assert count(Vote) == 3 and count(FinalRank) == 3 and count(Conflict) == 1 and count(ScoreComment) >= 1
    assert count(OutboxEmail) == 0


def test_every_date_moves_on_a_year_at_the_same_local_time(past_year, organiser):
    source = past_year.edition
    copy = copy_edition(organiser, source, 2027, "Self Management Awards 2027")
    for field, _label in PHASE_DATES:
        before, after = getattr(source, field).astimezone(LONDON), getattr(copy, field).astimezone(LONDON)
        assert (after.year, after.month, after.day, after.time()) == (
            before.year + 1, before.month, before.day, before.time()
        ), field


def test_copying_into_a_later_year_moves_the_dates_on_that_many_years(past_year, organiser):
    copy = copy_edition(organiser, past_year.edition, 2029, "Self Management Awards 2029")
    assert copy.ceremony_at.astimezone(LONDON).year == past_year.edition.ceremony_at.astimezone(LONDON).year + 3


def test_29_february_becomes_28_february_and_stays_in_a_leap_year():
    assert moved_on(local(2028, 2, 29), "Europe/London", 1) == local(2029, 2, 28)
    assert moved_on(local(2028, 2, 29), "Europe/London", 4) == local(2032, 2, 29)


def test_the_local_time_stays_across_a_change_of_the_clocks():
    # 27 March 2027 is GMT; 27 March 2028 is after the clocks went forward (BST): 09:00 stays 09:00.
    assert moved_on(local(2027, 3, 27), "Europe/London", 1) == local(2028, 3, 27)
    assert moved_on(local(2027, 3, 27), "Europe/London", 1) == datetime(2028, 3, 27, 8, 0, tzinfo=timezone.utc)
    # And in another zone: 18:30 in New York on 10 March 2026 (EDT) is 18:30 on 10 March 2027 (EST).
    new_york = datetime(2026, 3, 10, 18, 30, tzinfo=ZoneInfo("America/New_York"))
    assert moved_on(new_york, "America/New_York", 1) == datetime(2027, 3, 10, 23, 30, tzinfo=timezone.utc)


def test_a_year_that_has_an_edition_is_refused_on_the_year_field(past_year, organiser):
    copy_edition(organiser, past_year.edition, 2027, "Self Management Awards 2027")
    with pytest.raises(DomainError) as refused:
        copy_edition(organiser, past_year.edition, 2027, "Another 2027")
    assert refused.value.field == "year" and "already an edition for 2027" in refused.value.message


@pytest.mark.parametrize("year", [2026, 2020, 1999, 2101, "2027", None])
def test_a_year_not_after_the_past_one_or_not_a_year_is_refused(past_year, organiser, year):
    with pytest.raises(DomainError) as refused:
        copy_edition(organiser, past_year.edition, year, "Self Management Awards")
    assert refused.value.field == "year"
    assert count(Edition) == 1


def test_an_empty_name_is_refused_on_the_name_field(past_year, organiser):
    with pytest.raises(DomainError) as refused:
        copy_edition(organiser, past_year.edition, 2027, "   ")
    assert refused.value.field == "name"


def test_only_organisers_copy(past_year):
    with pytest.raises(NotAllowed):
        copy_edition(past_year.judges[0], past_year.edition, 2027, "Self Management Awards 2027")
    assert count(Edition) == 1


def test_the_copy_is_audited_with_where_it_came_from(past_year, organiser):
    copy = copy_edition(organiser, past_year.edition, 2027, "Self Management Awards 2027")
    actions = {event.action: event for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "edition", AuditEvent.subject_id == copy.id)
    )}
    assert set(actions) == {"edition.created", "edition.copied"}
    details = actions["edition.copied"].details
    assert details["from_edition_id"] == past_year.edition.id and details["from_year"] == 2026
    assert actions["edition.copied"].actor_id == organiser.id


def test_the_suggested_name_replaces_the_year(past_year):
    assert suggested_name(past_year.edition, 2027) == "Self Management Awards 2027"
    past_year.edition.name = "The Awards"
    assert suggested_name(past_year.edition, 2027) == "The Awards 2027"


def test_an_edition_of_one_kind_of_nominee_keeps_it(db_session, clock, organiser):
    site = ceremony_site(organiser)
    site.category.nominee_kind = NomineeKind.IDEA
    copy = copy_edition(organiser, site.edition, 2027, "Next")
    assert [c.nominee_kind for c in copy.categories] == [NomineeKind.IDEA]
    assert count(Category, Category.edition_id == copy.id) == 1
