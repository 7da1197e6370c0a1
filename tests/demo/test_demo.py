"""The demo edition: right phase, the 2016 categories, fictional nominations across Scotland, each phase's data."""
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from awards_app.accounts.models import Role, User
from awards_app.accounts.users import authenticate
from awards_app.ceremony.models import Award, Place, Reveal
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem, check_link, issue_link
from awards_app.core.models import AuditEvent
from awards_app.demo.builder import PHASES, build_demo, demo_edition_ids
from awards_app.judging.models import Conflict, Finalist, FinalRank, PanelMember, Score
from awards_app.nominations.models import ConsentState, Nomination, NominationDraft, NominationNote, NominationStatus
from awards_app.programme.models import Category, Criterion, Edition, NomineeKind
from awards_app.programme.phases import Phase, phase_of
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from awards_app.voting.models import Contest, Vote
from awards_app.voting.oversight import vote_summary

EXPECTED_PHASE = {
    "nominations": Phase.NOMINATIONS,
    "judging": Phase.JUDGING,
    "voting": Phase.VOTING,
    "ceremony": Phase.CEREMONY,
    "results": Phase.ARCHIVE,
}
CATEGORIES_2016 = [
    ("Self Management Supporting Health and Social Care Partnership of the Year", NomineeKind.ORGANISATION),
    ("Self Management Project of the Year", NomineeKind.PROJECT),
    ("Self Management Supporting Community of the Year", NomineeKind.ORGANISATION),
    ("Best Self Management Resource", NomineeKind.PROJECT),
    ("Individual Transformational Story of the Year", NomineeKind.PERSON),
    ("Innovative Partnership Idea of the Year", NomineeKind.IDEA),
]
LONDON = ZoneInfo("Europe/London")


def count(db_session, model, *conditions) -> int:
    """How many rows of a model match."""
    return db_session.scalar(select(func.count()).select_from(model).where(*conditions))


def the_organiser(db_session) -> User:
    """The demo's organiser."""
    return db_session.scalars(select(User).where(User.role == Role.ORGANISER)).first()


def the_edition(db_session) -> Edition:
    """The one edition in the database (the demo's)."""
    editions = db_session.scalars(select(Edition)).all()
    assert len(editions) == 1
    return editions[0]


@pytest.mark.parametrize("phase", PHASES)
def test_the_edition_is_in_the_asked_phase_with_the_2016_programme(phase, clock, db_session):
    build_demo(phase)
    edition = the_edition(db_session)
    assert phase_of(edition) is EXPECTED_PHASE[phase]
    assert edition.name == "Self Management Awards 2026" and edition.year == 2026
    assert edition.timezone == "Europe/London" and edition.venue == "The Scottish Parliament, Edinburgh"
    assert edition.theme
    assert [(category.name, category.nominee_kind) for category in edition.categories] == CATEGORIES_2016
    assert [category.has_public_vote for category in edition.categories] == [False, True, False, False, False, False]
    for category in edition.categories:
        assert category.description and category.eligibility_notes
        assert 2 <= len(category.questions) <= 3
        assert all(question.word_limit > 0 for question in category.questions)
    assert [(criterion.name, criterion.weight) for criterion in edition.criteria] == [
        ("Impact", 3), ("Person-centred approach", 2), ("Innovation", 2), ("Sustainability", 1)
    ]
    assert all((criterion.scale_min, criterion.scale_max) == (0, 10) for criterion in edition.criteria)


@pytest.mark.parametrize("phase", PHASES)
def test_nominations_come_from_across_scotland_and_answer_every_question_within_its_limit(phase, clock, db_session):
    build_demo(phase)
    nominations = db_session.scalars(select(Nomination)).all()
    assert 35 <= len(nominations) <= 45
    areas = {nomination.local_authority for nomination in nominations}
    assert areas <= set(LOCAL_AUTHORITIES) and len(areas) >= 15
    for nomination in nominations:
        asked = {question.id: question for question in nomination.category.questions}
        assert {answer.question_id for answer in nomination.answers} == set(asked)
        for answer in nomination.answers:
            assert 0 < len(answer.text.split()) <= asked[answer.question_id].word_limit
        assert nomination.nominator_email.endswith("@example.com")
        assert nomination.nominee_email is None or nomination.nominee_email.endswith(
            ("@example.org", "@example.com", "@example.net", ".example.org")
        )
        assert nomination.nominator_relationship
        assert nomination.submitted_at <= clock.now()
    per_category = db_session.execute(select(Nomination.category_id, func.count()).group_by(Nomination.category_id))
    assert all(5 <= n <= 8 for _, n in per_category)
    consents = {nomination.consent for nomination in nominations}
    assert ConsentState.GIVEN in consents


def test_while_nominations_are_open_nothing_is_judged_and_some_are_not_yet_reviewed(clock, db_session):
    build_demo("nominations")
    statuses = db_session.scalars(select(Nomination.status)).all()
    assert NominationStatus.RECEIVED in statuses and NominationStatus.ELIGIBLE in statuses
    for model in (PanelMember, Score, Conflict, Finalist, Contest, Vote, Award, Reveal):
        assert count(db_session, model) == 0, model


def test_judging_puts_judges_on_panels_with_conflicts_and_scores_on_every_criterion(clock, db_session):
    build_demo("judging")
    statuses = db_session.scalars(select(Nomination.status)).all()
    assert statuses.count(NominationStatus.ELIGIBLE) >= len(statuses) * 3 // 4
    assert {NominationStatus.INELIGIBLE, NominationStatus.WITHDRAWN} <= set(statuses)
    assert NominationStatus.RECEIVED not in statuses

    judges = db_session.scalars(select(User).where(User.role == Role.JUDGE, User.email.like("%@demo.awards.scot")))
    for judge in judges:
        assert 2 <= count(db_session, PanelMember, PanelMember.judge_id == judge.id) <= 3
    members = db_session.scalars(select(PanelMember)).all()
    assert any(member.submitted_at for member in members) and not all(member.submitted_at for member in members)
    assert count(db_session, Conflict) >= 1

    criteria = count(db_session, Criterion)
    per_pair = db_session.execute(
        select(Score.judge_id, Score.nomination_id, func.count()).group_by(Score.judge_id, Score.nomination_id)
    ).all()
    assert per_pair and all(n == criteria for _, _, n in per_pair)
    values = db_session.scalars(select(Score.value)).all()
    assert min(values) >= 0 and max(values) <= 10 and len(set(values)) >= 4
    # Only eligible nominations are scored, and never by a judge who declared a conflict with them.
    scored = db_session.scalars(select(Nomination).join(Score, Score.nomination_id == Nomination.id)).all()
    assert all(nomination.status is NominationStatus.ELIGIBLE for nomination in scored)
    for conflict in db_session.scalars(select(Conflict)):
        assert count(db_session, Score, Score.judge_id == conflict.judge_id,
                     Score.nomination_id == conflict.nomination_id) == 0
    for model in (Finalist, Contest, Vote, Award, Reveal):
        assert count(db_session, model) == 0, model


def test_voting_has_finalists_an_open_contest_and_votes(clock, db_session):
    build_demo("voting")
    edition = the_edition(db_session)
    for category in edition.categories:
        finalists = db_session.scalars(
            select(Finalist).where(Finalist.category_id == category.id).order_by(Finalist.position)
        ).all()
        assert [finalist.position for finalist in finalists] == [1, 2, 3]
        for finalist in finalists:
            assert finalist.public_name and finalist.nomination.public_summary
            assert finalist.nomination.status is NominationStatus.ELIGIBLE
            assert finalist.nomination.consent is ConsentState.GIVEN
    contest = db_session.scalars(select(Contest)).one()
    assert contest.category.has_public_vote
    assert contest.opens_at <= clock.now() < contest.closes_at

    votes = db_session.scalars(select(Vote)).all()
    assert 150 <= len(votes) <= 300
    assert len({vote.voter_key for vote in votes}) == len(votes)
    assert len({vote.receipt_code for vote in votes}) == len(votes)
    assert all(len(vote.voter_key) == 64 and int(vote.voter_key, 16) >= 0 for vote in votes)
    assert all(vote.email_domain and vote.cast_at <= clock.now() for vote in votes)
    assert all(vote.finalist.category_id == contest.category_id for vote in votes)
    voided = [vote for vote in votes if vote.voided_at is not None]
    assert 1 <= len(voided) <= 10 and all(vote.void_reason and vote.voided_by_id for vote in voided)
    # Spread over many networks as a real public vote is; only the deliberate burst comes from 203.0.113.0/24.
    burst = [vote for vote in votes if vote.client_network == "203.0.113.0/24"]
    networks = Counter(vote.client_network for vote in votes if vote not in burst and vote.client_network)
    assert len(networks) >= 50 and max(networks.values()) < 0.05 * sum(networks.values())
    assert {":" in network for network in networks} == {True, False}  # IPv6 /64s as well as IPv4 /24s
    # The burst waits, flagged, for an organiser to void it while the vote is open.
    assert len(burst) >= 20 and all(vote.email_domain == "quickinbox.example.net" for vote in burst)
    assert not any(vote.voided_at for vote in burst)
    flagged = {(spike.kind, spike.value) for spike in vote_summary(the_organiser(db_session), contest).spikes}
    assert ("network", "203.0.113.0/24") in flagged and ("domain", "quickinbox.example.net") in flagged
    assert count(db_session, FinalRank) > 0
    for conflict in db_session.scalars(select(Conflict)):
        assert count(db_session, FinalRank, FinalRank.judge_id == conflict.judge_id,
                     FinalRank.finalist_id.in_(select(Finalist.id).where(
                         Finalist.nomination_id == conflict.nomination_id))) == 0
    assert count(db_session, Award) == 0 and count(db_session, Reveal) == 0


@pytest.mark.parametrize("phase", ["ceremony", "results"])
def test_the_ceremony_has_confirmed_awards_and_a_running_order(phase, clock, db_session):
    build_demo(phase)
    edition = the_edition(db_session)
    contest = db_session.scalars(select(Contest)).one()
    assert contest.closes_at <= clock.now()
    for category in edition.categories:
        awards = db_session.scalars(select(Award).where(Award.category_id == category.id)).all()
        assert sorted(award.place.value for award in awards) == ["highly_commended", "winner"]
        assert all(award.finalist.category_id == category.id and award.confirmed_by_id for award in awards)
    reveals = db_session.scalars(select(Reveal).order_by(Reveal.running_order)).all()
    assert [reveal.category for reveal in reveals] == edition.categories
    if phase == "ceremony":
        assert all(reveal.revealed_at is None for reveal in reveals)
    else:
        assert all(reveal.revealed_at is not None for reveal in reveals)


def test_the_public_vote_winner_has_the_most_valid_votes(clock, db_session):
    build_demo("results")
    contest = db_session.scalars(select(Contest)).one()
    tally = dict(db_session.execute(
        select(Vote.finalist_id, func.count()).where(Vote.voided_at.is_(None)).group_by(Vote.finalist_id)
    ).all())
    winner = db_session.scalars(
        select(Award).where(Award.category_id == contest.category_id, Award.place == Place.WINNER)
    ).one()
    assert tally[winner.finalist_id] == max(tally.values())


@pytest.mark.parametrize(
    "local_time",
    [
        datetime(2026, 1, 2, 8, 0),  # early January, winter time
        datetime(2026, 7, 15, 18, 59),  # just before a summer evening ceremony would start
        datetime(2026, 7, 15, 21, 30),  # the ceremony has begun
        datetime(2026, 10, 25, 23, 58),  # the day the clocks go back, two minutes before midnight
    ],
)
@pytest.mark.parametrize("phase", PHASES)
def test_the_phase_holds_at_any_time_of_day_and_year(phase, local_time, clock, db_session):
    clock.set(local_time.replace(tzinfo=LONDON).astimezone(timezone.utc))
    build_demo(phase)
    edition = the_edition(db_session)
    assert phase_of(edition) is EXPECTED_PHASE[phase]
    assert edition.year == local_time.year
    if phase == "ceremony":
        assert edition.ceremony_at.astimezone(LONDON).date() == local_time.date()


def test_running_it_again_replaces_the_demo_and_the_new_sign_ins_work(clock, db_session):
    first = build_demo("voting")
    db_session.commit()
    second = build_demo("results")
    db_session.commit()
    edition = the_edition(db_session)
    assert phase_of(edition) is Phase.ARCHIVE
    assert count(db_session, Category) == 6
    assert count(db_session, Nomination) == count(db_session, Nomination, Nomination.edition_id == edition.id)
    assert count(db_session, Contest) == 1
    assert demo_edition_ids() == [edition.id]

    assert [(role, email) for role, email, _ in second] == [(role, email) for role, email, _ in first]
    assert count(db_session, User, User.email.like("%@demo.awards.scot")) == 5
    for (role, email, old_password), (_, _, password) in zip(first, second):
        user = authenticate(email, password)
        assert user is not None and user.role.value == role
        if old_password != password:
            assert authenticate(email, old_password) is None


def test_what_people_did_in_the_old_demo_goes_with_it(clock, db_session):
    build_demo("nominations")
    edition = the_edition(db_session)
    nomination = db_session.scalars(select(Nomination)).first()
    db_session.add(NominationDraft(edition_id=edition.id, public_id="a-draft-someone-started", data={}))
    token = issue_link("consent", nomination, expires_at=datetime(2026, 4, 1, tzinfo=timezone.utc))
    db_session.commit()
    build_demo("nominations")
    db_session.commit()
    assert count(db_session, NominationDraft) == 0
    # SQLite may give the new demo's nominations the old ids: the old link must not open them.
    with pytest.raises(LinkProblem, match="superseded"):
        check_link("consent", token)


def test_organisers_have_left_notes_on_some_nominations(clock, db_session):
    build_demo("judging")
    notes = db_session.scalars(select(NominationNote)).all()
    assert notes and all(note.author_id and note.created_at <= clock.now() for note in notes)
    assert any(note.nomination.status is NominationStatus.INELIGIBLE for note in notes)


def test_the_sign_ins_are_one_organiser_and_four_judges_with_long_passwords(clock, db_session):
    sign_ins = build_demo("judging")
    assert [(role, email) for role, email, _ in sign_ins] == [
        ("organiser", "organiser@demo.awards.scot"),
        ("judge", "judge1@demo.awards.scot"),
        ("judge", "judge2@demo.awards.scot"),
        ("judge", "judge3@demo.awards.scot"),
        ("judge", "judge4@demo.awards.scot"),
    ]
    for role, email, password in sign_ins:
        assert len(password) >= 12 and password.isascii() and " " not in password
        user = authenticate(email, password)
        assert user is not None and user.role is Role(role) and user.active and user.name


def test_an_existing_demo_account_is_reset_not_refused(clock, db_session):
    judge = User(email="judge2@demo.awards.scot", role=Role.ORGANISER, password_hash=None, active=False)
    db_session.add(judge)
    db_session.commit()
    sign_ins = dict((email, password) for _, email, password in build_demo("nominations"))
    user = authenticate("judge2@demo.awards.scot", sign_ins["judge2@demo.awards.scot"])
    assert user is not None and user.id == judge.id and user.role is Role.JUDGE and user.active


def test_a_demo_from_an_earlier_year_is_replaced_too(clock, db_session):
    clock.set(datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc))
    build_demo("results")
    db_session.commit()
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
    build_demo("nominations")
    assert the_edition(db_session).year == 2026


def real_edition(year: int) -> Edition:
    """An edition an organiser set up, not the demo."""
    moment = datetime(year, 1, 10, 9, 0, tzinfo=timezone.utc)
    return Edition(
        year=year, name=f"Self Management Awards {year}", nominations_open_at=moment, nominations_close_at=moment,
        judging_start_at=moment, judging_end_at=moment, shortlist_publish_at=moment, vote_open_at=moment,
        vote_close_at=moment, ceremony_at=moment, categories=[Category(name="Real", nominee_kind=NomineeKind.IDEA)],
    )


def test_real_editions_of_other_years_are_left_alone(clock, db_session):
    db_session.add(real_edition(2025))
    db_session.commit()
    build_demo("judging")
    build_demo("voting")
    assert sorted(db_session.scalars(select(Edition.year))) == [2025, 2026]
    assert count(db_session, Category, Category.name == "Real") == 1


def test_a_real_edition_of_this_year_is_never_replaced(clock, db_session):
    db_session.add(real_edition(2026))
    db_session.commit()
    with pytest.raises(DomainError, match="already a real 2026 edition"):
        build_demo("nominations")
    assert count(db_session, Category, Category.name == "Real") == 1


def test_an_unknown_phase_is_refused(clock, db_session):
    with pytest.raises(DomainError, match="Choose a phase"):
        build_demo("shortlist")


def test_the_demo_is_the_same_every_time(clock, db_session):
    def snapshot():
        scores = db_session.execute(
            select(Nomination.reference, User.email, Criterion.name, Score.value)
            .join(Nomination, Score.nomination_id == Nomination.id)
            .join(User, Score.judge_id == User.id)
            .join(Criterion, Score.criterion_id == Criterion.id)
            .order_by(Nomination.reference, User.email, Criterion.name)
        ).all()
        votes = db_session.execute(select(Vote.voter_key, Vote.receipt_code).order_by(Vote.receipt_code)).all()
        return scores, votes

    build_demo("ceremony")
    db_session.commit()
    first = snapshot()
    build_demo("ceremony")
    db_session.commit()
    assert snapshot() == first and first[0] and first[1]


def test_building_is_audited(clock, db_session):
    build_demo("nominations")
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "demo.built")).one()
    assert event.actor_id is None and event.actor_label == "system"
    assert event.subject_id == the_edition(db_session).id and event.details["phase"] == "nominations"


def test_the_demo_command_prints_sign_ins_that_work(runner, clock, db_session):
    result = runner.invoke(args=["demo", "--phase", "judging"])
    assert result.exit_code == 0, result.output
    assert "Demo edition built in the judging phase (any earlier demo edition was replaced)." in result.output
    lines = [line.split() for line in result.output.splitlines() if "password:" in line]
    assert [(words[0], words[1]) for words in lines] == [
        ("organiser", "organiser@demo.awards.scot"),
        ("judge", "judge1@demo.awards.scot"),
        ("judge", "judge2@demo.awards.scot"),
        ("judge", "judge3@demo.awards.scot"),
        ("judge", "judge4@demo.awards.scot"),
    ]
    for words in lines:
        assert authenticate(words[1], words[3]) is not None
    assert phase_of(the_edition(db_session)) is Phase.JUDGING


def test_the_final_round_is_decided_in_the_demo(clock, db_session):
    """From voting on, the shortlist decision and the judges' submitted final ranks are in place."""
    from awards_app.judging.models import PanelMember
    from awards_app.programme.models import Category

    build_demo("ceremony")
    db_session.flush()
    categories = db_session.query(Category).all()
    assert categories and all(category.shortlisted_at and category.shortlist_method for category in categories)
    assert db_session.query(PanelMember).filter(PanelMember.final_submitted_at.isnot(None)).count() > 0
