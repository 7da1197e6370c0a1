"""The vote figures kept as votes arrive (voting/counters.py): every path that changes a vote keeps them equal to a
recount, the views read them instead of the votes, and the migration fills them from the votes already cast."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm.attributes import set_committed_value

from awards_app.core.errors import DomainError
from awards_app.demo.builder import build_demo
from awards_app.privacy.personal_data import erase_personal_data
from awards_app.voting import counters, oversight, tally
from awards_app.voting.models import Contest, Vote
from awards_app.voting.voter_keys import voter_key
from awards_app.voting.votes import confirm_vote, insert_vote_once, purge_vote_requests, replace_vote_link, request_vote
from tests.core.test_migrations import SEED, VOTE_SEED, empty_database, migration_app  # noqa: F401 (fixtures)
from tests.factories.programme import make_edition
from tests.factories.voting import make_vote, make_votes, public_vote
from tests.fixtures.database import counted_queries

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
THE_VOTES_TABLE = re.compile(r"\bvote\b")  # not vote_request, nor the vote_count_by_... tables


@pytest.fixture
def site(db_session, clock):
    """A contest open since two days ago, with three finalists and no votes yet."""
    return public_vote(make_edition())


def kept(contest: Contest) -> tuple:
    """What the views read: the totals, the counted votes per finalist, and the hours."""
    return counters.totals(contest), counters.counted_per_finalist(contest), counters.per_hour(contest)


# --- Each path that changes a vote --------------------------------------------------------------------------------


def test_an_online_vote_is_counted_once_however_often_it_is_confirmed(site):
    harbour = site.finalists[0]
    link = replace_vote_link(request_vote(site.contest, harbour.id, "morag@example.net", "198.51.100.7"))
    confirm_vote(link)
    confirm_vote(link)  # the second press counts nothing

    assert counters.totals(site.contest) == counters.Totals(counted=1, voided=0, assisted=0)
    assert counters.counted_per_finalist(site.contest) == ({harbour.id: 1}, 0)
    assert counters.busiest(site.contest, counters.DOMAINS, 10) == [("example.net", 1, 0)]
    assert counters.busiest(site.contest, counters.NETWORKS, 10) == [("198.51.100.0/24", 1, 0)]
    assert counters.recount_mismatches(site.contest) == []


def test_assisted_votes_count_as_assisted_until_voided(site, organiser):
    vote = oversight.record_assisted_vote(organiser, site.contest, site.finalists[1], "0141 555 0123", "Phoned in")
    assert counters.totals(site.contest) == counters.Totals(counted=1, voided=0, assisted=1)

    oversight.void_vote(organiser, vote, "Entered twice")

    assert counters.totals(site.contest) == counters.Totals(counted=0, voided=1, assisted=0)
    assert counters.recount_mismatches(site.contest) == []


def test_voids_one_by_one_and_by_block_move_votes_from_counted_to_voided(site, organiser):
    harbour, breathe, _walk = site.finalists
    one = make_vote(site.contest, harbour, cast_at=NOON - timedelta(minutes=20))
    make_votes(site.contest, breathe, 3, network="203.0.113.0/24", cast_at=NOON - timedelta(hours=5))
    make_votes(site.contest, breathe, 2, domain="quickinbox.example", cast_at=NOON - timedelta(hours=3))
    make_votes(site.contest, harbour, 4, cast_at=NOON - timedelta(hours=9, minutes=30))

    oversight.void_vote(organiser, one, "Asked to cancel")
    assert oversight.void_votes(organiser, site.contest, "network", "203.0.113.0/24", "Burst") == 3
    assert oversight.void_votes(organiser, site.contest, "domain", "quickinbox.example", "Made-up") == 2
    assert oversight.void_votes(organiser, site.contest, "hour", "2026-03-01 02:00", "Scripted") == 4

    assert counters.totals(site.contest) == counters.Totals(counted=0, voided=10, assisted=0)
    assert counters.recount_mismatches(site.contest) == []


def test_a_vote_voided_meanwhile_is_not_moved_twice(site, organiser, db_session):
    vote = make_vote(site.contest, site.finalists[0])
    oversight.void_votes(organiser, site.contest, "domain", "example.org", "Burst")
    set_committed_value(vote, "voided_at", None)  # as another session would still see it, loaded before the void
    with pytest.raises(DomainError, match="already voided"):
        oversight.void_vote(organiser, vote, "Again")
    assert counters.totals(site.contest) == counters.Totals(counted=0, voided=1, assisted=0)
    assert counters.recount_mismatches(site.contest) == []


def test_an_erased_voter_stays_counted_under_no_domain_and_no_network(site, organiser):
    key = voter_key("jo.bloggs@example.net")
    make_vote(site.contest, site.finalists[0], voter_key=key, domain="example.net", network="192.0.2.0/24")
    make_vote(site.contest, site.finalists[1], domain="example.net", network="192.0.2.0/24", voided=True)

    erase_personal_data(organiser, "jo.bloggs@example.net", "Asked on 1 March")

    assert counters.totals(site.contest).counted == 1
    assert counters.busiest(site.contest, counters.DOMAINS, 10) == [("example.net", 0, 1)]
    assert counters.busiest(site.contest, counters.NETWORKS, 10) == [("192.0.2.0/24", 0, 1)]
    assert counters.recount_mismatches(site.contest) == []


def test_the_purge_of_networks_moves_their_votes_under_no_network(site, clock):
    make_votes(site.contest, site.finalists[0], 2, network="192.0.2.0/24")
    make_vote(site.contest, site.finalists[1], network="2001:db8::/64", voided=True)
    make_vote(site.contest, site.finalists[1], network="")

    purge_vote_requests(now=site.closes_at + timedelta(days=31), retention_days=30)
    purge_vote_requests(now=site.closes_at + timedelta(days=32), retention_days=30)  # nothing left to move

    assert counters.busiest(site.contest, counters.NETWORKS, 10) == []
    assert counters.recount_mismatches(site.contest) == []
    assert counters.totals(site.contest) == counters.Totals(counted=3, voided=1, assisted=0)


def test_the_demo_counts_its_votes(db_session, clock):
    build_demo("voting")
    contest = db_session.scalar(select(Contest))
    assert counters.totals(contest).counted > 0
    assert counters.recount_mismatches(contest) == []


# --- The check itself ---------------------------------------------------------------------------------------------


def test_a_vote_that_was_not_counted_is_reported(site, db_session):
    make_vote(site.contest, site.finalists[0], cast_at=NOON - timedelta(minutes=5))
    assert counters.recount_mismatches(site.contest) == []
    db_session.add(Vote(contest=site.contest, finalist=site.finalists[0], voter_key="uncounted",
                        receipt_code="UNCO-UNTE-D000", cast_at=NOON - timedelta(minutes=10), client_network="",
                        email_domain="stray.example"))
    db_session.flush()

    mismatches = counters.recount_mismatches(site.contest)

    assert len(mismatches) == 4  # its finalist, its hour, its domain and its (blank) network
    assert any("vote_count_by_domain stray.example: kept counted/voided (0, 0), the votes say (1, 0)" in line
               for line in mismatches)
    assert any("vote_count_by_hour 2026-03-01 11:00:00+00:00" in line for line in mismatches)


# --- What the views read ------------------------------------------------------------------------------------------


def test_the_vote_view_and_the_tally_read_no_votes(site, organiser):
    make_votes(site.contest, site.finalists[0], 3)
    make_vote(site.contest, site.finalists[1], voided=True)
    with counted_queries() as statements:
        summary = oversight.vote_summary(organiser, site.contest)
        result = tally.count_votes(site.contest)
    assert (summary.counted, summary.voided, result.counted, result.voided) == (3, 1, 3, 1)
    assert statements and not [statement for statement in statements if THE_VOTES_TABLE.search(statement)]


def test_the_busiest_are_ten_in_order_of_counted_then_voided_then_label(site, organiser):
    harbour = site.finalists[0]
    for number in range(12):
        make_votes(site.contest, harbour, 1 + number % 3, domain=f"d{number:02d}.example")
    make_vote(site.contest, harbour, domain="d00.example", voided=True)
    make_vote(site.contest, harbour, domain="Z.example")  # capitals sort before small letters, as in Python

    domains = oversight.vote_summary(organiser, site.contest).domains

    assert [(row.label, row.counted, row.voided) for row in domains] == [
        ("d02.example", 3, 0), ("d05.example", 3, 0), ("d08.example", 3, 0), ("d11.example", 3, 0),
        ("d01.example", 2, 0), ("d04.example", 2, 0), ("d07.example", 2, 0), ("d10.example", 2, 0),
        ("d00.example", 1, 1), ("Z.example", 1, 0),
    ]


def test_today_and_an_hours_block_in_a_timezone_half_an_hour_off(db_session, clock, organiser):
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))  # 17:30 in Kolkata
    site = public_vote(make_edition(timezone="Asia/Kolkata"))
    harbour = site.finalists[0]
    make_vote(site.contest, harbour, cast_at=datetime(2026, 2, 28, 18, 20, tzinfo=timezone.utc))  # 23:50 yesterday
    make_vote(site.contest, harbour, cast_at=datetime(2026, 2, 28, 18, 40, tzinfo=timezone.utc))  # 00:10 today
    make_vote(site.contest, harbour, cast_at=datetime(2026, 3, 1, 9, 45, tzinfo=timezone.utc))  # 15:15 today
    make_vote(site.contest, harbour, cast_at=datetime(2026, 3, 1, 10, 15, tzinfo=timezone.utc))  # 15:45 today

    [watched] = oversight.watch_contests(organiser, site.edition)

    assert watched.counted_today == 3
    assert oversight.count_block(organiser, site.contest, "hour", "2026-03-01 15:00") == 2
    assert oversight.count_block(organiser, site.contest, "hour", "2026-03-01 00:00") == 1


# --- Random sequences -----------------------------------------------------------------------------------------------

DOMAINS = ("gmail.com", "quickinbox.example", "nhs.scot")
NETWORKS = ("198.51.100.0/24", "203.0.113.0/24", "")

steps = st.lists(
    st.one_of(
        st.tuples(st.just("vote"), st.integers(0, 2), st.integers(0, 30), st.integers(0, 2), st.integers(0, 2),
                  st.integers(0, 7)),
        st.tuples(st.just("assisted"), st.integers(0, 2), st.integers(0, 7)),
        st.tuples(st.just("void"), st.integers(0, 40)),
        st.tuples(st.just("void block"), st.sampled_from(["network", "domain", "hour"]), st.integers(0, 30)),
        st.tuples(st.just("erase"), st.integers(0, 7)),
        st.tuples(st.just("purge"),),
    ),
    min_size=1,
    max_size=14,
)


def _address(person: int) -> str:
    """The address of one of the made-up voters (few, so that some try twice and some are erased)."""
    return f"voter{person}@{DOMAINS[person % len(DOMAINS)]}"


def _run(step, site, organiser) -> None:
    """Take one step of a random sequence; refusals (already voted, nothing to void) are part of the game."""
    kind, *args = step
    contest = site.contest
    if kind == "vote":
        finalist, hours_ago, domain, network, person = args
        insert_vote_once(contest_id=contest.id, finalist_id=site.finalists[finalist].id,
                         voter_key=voter_key(_address(person)), cast_at=NOON - timedelta(hours=hours_ago, minutes=7),
                         client_network=NETWORKS[network], email_domain=DOMAINS[domain])
    elif kind == "assisted":
        finalist, person = args
        try:
            oversight.record_assisted_vote(organiser, contest, site.finalists[finalist], _address(person), "Paper")
        except DomainError:
            pass
    elif kind == "void":
        votes = list(oversight.db.session.scalars(select(Vote).where(Vote.contest_id == contest.id).order_by(Vote.id)))
        if votes and votes[args[0] % len(votes)].voided_at is None:
            oversight.void_vote(organiser, votes[args[0] % len(votes)], "Random")
    elif kind == "void block":
        block, number = args
        value = {"network": NETWORKS[number % 2], "domain": DOMAINS[number % 3],
                 "hour": oversight.hour_value(NOON - timedelta(hours=number, minutes=7), oversight.zone_of(contest))}
        try:
            oversight.void_votes(organiser, contest, block, value[block], "Random block")
        except DomainError:
            pass
    elif kind == "erase":
        erase_personal_data(organiser, _address(args[0]), "Asked")
    else:
        purge_vote_requests(now=contest.closes_at + timedelta(days=40), retention_days=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(sequence=steps)
def test_random_votes_voids_erasures_and_purges_always_equal_a_recount(site, organiser, db_session, sequence):
    with db_session.begin_nested() as example:  # each example starts from the same empty contest
        for step in sequence:
            _run(step, site, organiser)
            assert counters.recount_mismatches(site.contest) == [], step
        cast = db_session.scalar(select(func.count()).select_from(Vote).where(Vote.contest_id == site.contest.id))
        assert counters.totals(site.contest).counted + counters.totals(site.contest).voided == cast
        example.rollback()


# --- The migration -------------------------------------------------------------------------------------------------

VOTES_BEFORE = [  # (cast at, domain, network, voided, entered by staff), for the one finalist of VOTE_SEED
    ("2026-01-01 09:10:00+00:00", "gmail.com", "192.0.2.0/24", False, False),
    ("2026-01-01 09:50:00+00:00", "gmail.com", "", False, True),
    ("2026-01-01 09:59:59.500000+00:00", "nhs.scot", "192.0.2.0/24", True, False),
    ("2026-01-02 23:00:00+00:00", "", "", False, False),
]


def test_the_migration_counts_the_votes_already_cast(migration_app):
    from flask_migrate import upgrade

    from awards_app.extensions import db

    times = {"t": "2026-01-01 00:00:00+00:00", "later": "2026-02-01 00:00:00+00:00"}
    with migration_app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for statement in [*SEED, *VOTE_SEED]:
                connection.execute(text(statement), times)
            connection.execute(text(
                "INSERT INTO user_account (id, email, name, role, password_hash, affiliations, active, created_at)"
                " VALUES (1, 'o@example.org', 'O', 'organiser', 'x', '', true, :t)"), times)
            for number, (cast_at, domain, network, voided, assisted) in enumerate(VOTES_BEFORE):
                connection.execute(text(
                    "INSERT INTO vote (contest_id, finalist_id, voter_key, receipt_code, cast_at, client_network,"
                    " email_domain, entered_by_id, voided_at, void_reason)"
                    " VALUES (1, 1, :key, :receipt, :cast_at, :network, :domain, :staff, :voided, '')"),
                    {"key": f"key-{number}", "receipt": f"R-{number}", "cast_at": cast_at,
                     "network": network, "domain": domain, "staff": 1 if assisted else None,
                     "voided": cast_at if voided else None})
        upgrade()

        contest = db.session.get(Contest, 1)
        assert counters.recount_mismatches(contest) == []
        assert counters.totals(contest) == counters.Totals(counted=3, voided=1, assisted=1)
        assert counters.per_hour(contest) == [(datetime(2026, 1, 1, 9, tzinfo=timezone.utc), 2, 1),
                                              (datetime(2026, 1, 2, 23, tzinfo=timezone.utc), 1, 0)]
        # A vote counted by the app afterwards joins the migration's row of its hour, not a second one.
        insert_vote_once(contest_id=1, finalist_id=1, voter_key="key-new", cast_at=datetime(2026, 1, 1, 9, 30,
                         tzinfo=timezone.utc), client_network="192.0.2.0/24", email_domain="gmail.com")
        assert counters.per_hour(contest)[0] == (datetime(2026, 1, 1, 9, tzinfo=timezone.utc), 3, 1)
        assert counters.recount_mismatches(contest) == []
        db.session.rollback()
