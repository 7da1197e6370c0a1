"""The migrations: they build from empty, go down and up again, and keep data when they rebuild SQLite tables."""
import os
import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from awards_app.extensions import db
from tests.fixtures.apps import side_app


@pytest.fixture
def empty_database(tmp_path):
    """A database of its own (a SQLite file, or a fresh PostgreSQL schema when TEST_DATABASE_URL is set)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    schema = f"test_migrations_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{url.replace('postgresql://', 'postgresql+psycopg://', 1)}?options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture
def migration_app(empty_database):
    app = side_app({"SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "x"})
    yield app
    with app.app_context():
        db.engine.dispose()


SEED = [
    "INSERT INTO edition (id, year, name, theme, timezone, nominations_open_at, nominations_close_at, judging_start_at,"
    " judging_end_at, shortlist_publish_at, vote_open_at, vote_close_at, ceremony_at, venue, created_at, updated_at)"
    " VALUES (1, 2026, 'Awards', '', 'Europe/London', :t, :t, :t, :t, :t, :t, :t, :t, '', :t, :t)",
    "INSERT INTO category (id, edition_id, name, description, eligibility_notes, nominee_kind, has_public_vote,"
    " display_order) VALUES (1, 1, 'Category', '', '', 'person', false, 0)",
    "INSERT INTO question (id, category_id, prompt, hint, word_limit, required, display_order)"
    " VALUES (1, 1, 'Why?', '', 100, true, 0)",
    "INSERT INTO nomination (id, edition_id, category_id, reference, status, status_reason, nominee_name,"
    " nominee_organisation, local_authority, nominator_name, nominator_email, nominator_relationship, nominator_phone,"
    " consent, consent_note, public_summary, submitted_at)"
    " VALUES (1, 1, 1, 'SMA-1', 'received', '', 'Nominee', '', 'Fife', 'Nominator', 'n@example.org', '', '',"
    " 'not_requested', '', '', :t)",
    "INSERT INTO nomination_answer (id, nomination_id, question_id, text) VALUES (1, 1, 1, 'Because.')",
]


def test_upgrade_keeps_rows_that_point_at_rebuilt_tables(migration_app):
    with migration_app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for statement in SEED:
                connection.execute(text(statement), {"t": "2026-01-01 00:00:00+00:00"})
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT text FROM nomination_answer")).scalar() == "Because."
            assert connection.execute(text("SELECT merged_into_id FROM nomination")).scalar() is None


def test_down_to_nothing_and_up_again(migration_app):
    with migration_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM edition")).scalar() == 0


VOTE_SEED = [
    "INSERT INTO finalist (id, category_id, nomination_id, position, change_reason, chosen_at, public_name)"
    " VALUES (1, 1, 1, 0, '', :t, 'Finalist')",
    "INSERT INTO contest (id, category_id, opens_at, closes_at) VALUES (1, 1, :t, :later)",
    "INSERT INTO vote_request (id, contest_id, finalist_id, voter_key, email, email_domain, client_network, created_at,"
    " expires_at) VALUES (1, 1, 1, 'key-1', 'one@example.org', 'example.org', '', :t, :later)",
    "INSERT INTO vote_request (id, contest_id, finalist_id, voter_key, email, email_domain, client_network, created_at,"
    " expires_at, confirmed_at) VALUES (2, 1, 1, 'key-2', NULL, 'example.org', '', :t, :later, :t)",
]


def _vote_link_row(digest: str, request_id: int, used: bool = False, superseded: bool = False) -> str:
    """SQL for a link of revision 0006's kind: a single_use_link row pointing at a vote request."""
    return (
        "INSERT INTO single_use_link (purpose, nonce_hash, subject_type, subject_id, created_at, expires_at,"
        f" used_at, superseded_at) VALUES ('vote', '{digest}', 'vote_request', {request_id}, :t, :later,"
        f" {':t' if used else 'NULL'}, {':t' if superseded else 'NULL'})"
    )


def test_vote_links_emailed_before_the_request_carried_its_link_go_on_working(migration_app):
    from awards_app.core.links import LinkProblem, new_token
    from awards_app.voting.votes import VOTE_PURPOSE, confirmation_for

    times = {"t": "2026-01-01 00:00:00+00:00", "later": "2100-01-01 00:00:00+00:00"}
    with migration_app.app_context():
        (older, older_digest), (newest, newest_digest), (used, used_digest) = (
            new_token(VOTE_PURPOSE) for _ in range(3)
        )
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            for statement in SEED + VOTE_SEED + [
                _vote_link_row(older_digest, 1, superseded=True),  # replaced by a resend
                _vote_link_row(newest_digest, 1),
                _vote_link_row(used_digest, 2, used=True),
            ]:
                connection.execute(text(statement), times)
        upgrade()

        assert confirmation_for(newest).id == 1, "the newest emailed link still opens its request"
        for token, reason in ((older, "superseded"), (used, "used")):
            with pytest.raises(LinkProblem) as problem:
                confirmation_for(token)
            assert problem.value.reason == reason
        db.session.remove()

        # Going back, a link made since the upgrade gets its single_use_link row again.
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE vote_request SET link_digest = 'made-after-the-upgrade' WHERE id = 1"))
        downgrade(revision="0006")
        with db.engine.connect() as connection:
            row = connection.execute(text(
                "SELECT purpose, subject_type, subject_id FROM single_use_link"
                " WHERE nonce_hash = 'made-after-the-upgrade'"
            )).one()
        assert tuple(row) == ("vote", "vote_request", 1)


def _outbox_row(number: int, status: str, transport: str = "", error: str = "") -> str:
    """An outbox email whose body holds a link, as the send-mail worker left it before revision 0012."""
    return (
        "INSERT INTO outbox_email (id, message_id, to_address, subject, text_body, html_body, status, attempts,"
        " next_attempt_at, last_error, created_at, transport)"
        f" VALUES ({number}, '<{number}@awards.test>', 'jo{number}@example.org', 'Your link',"
        f" 'Open http://awards.test/sign-in/link/live.token.{number}', '<a href=\"http://awards.test/x/{number}\">',"
        f" '{status}', 1, :t, '{error}', :t, '{transport}')"
    )


def test_emails_sent_before_the_worker_forgot_them_lose_their_links_and_addresses(migration_app):
    from awards_app.core.mail_delivery import REMOVED_BODY

    with migration_app.app_context():
        upgrade(revision="0008")
        rows = {
            1: ("sent", "smtp", ""),
            2: ("failed", "", "550 5.1.1 <jo2@example.org>: no such mailbox"),
            3: ("sent", "devmail", ""),  # the development mailbox keeps its emails whole
            4: ("pending", "", "450 try later"),  # still to be sent
            5: ("sending", "", ""),  # being sent right now
        }
        with db.engine.begin() as connection:
            for number, row in rows.items():
                connection.execute(text(_outbox_row(number, *row)), {"t": "2026-01-01 00:00:00+00:00"})
        upgrade()

        with db.engine.connect() as connection:
            kept = {row.id: row for row in connection.execute(text("SELECT * FROM outbox_email"))}
        for number in (1, 2):
            assert (kept[number].to_address, kept[number].text_body) == ("", REMOVED_BODY)
            assert "live.token" not in kept[number].html_body + kept[number].text_body
        assert kept[2].last_error == "550 5.1.1 <the recipient>: no such mailbox"
        for number in (3, 4, 5):
            assert kept[number].to_address == f"jo{number}@example.org"
            assert kept[number].text_body.endswith(f"live.token.{number}")
        assert kept[4].last_error == "450 try later"


def test_invitations_become_one_per_person_and_go_back_to_one_per_address(migration_app):
    times = {"t": "2026-01-01 00:00:00+00:00"}
    invitation = ("INSERT INTO ceremony_invitation (id, edition_id, email, name, access_needs, created_at{key})"
                  " VALUES ({id}, 1, 'family@example.org', '{name}', '', :t{key_value})")
    with migration_app.app_context():
        upgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(text(SEED[0]), times)
            connection.execute(text(invitation.format(id=1, name="  Hamish   MacLEOD ", key="", key_value="")), times)
        upgrade(revision="0026")
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT name_key FROM ceremony_invitation")).scalar() == "hamish macleod"
            # Someone else at the household's address now has an invitation of their own.
            connection.execute(text(invitation.format(id=2, name="Carer", key=", name_key", key_value=", 'carer'")),
                               times)
            connection.execute(text(_outbox_row(1, "pending")), times)
            assert connection.execute(text("SELECT delete_when_sent FROM outbox_email")).scalar() in (False, 0)
        downgrade(revision="0019")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM ceremony_invitation")).scalars().all() == [1]
