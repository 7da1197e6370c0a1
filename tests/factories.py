"""Small builders of model objects for tests."""
from datetime import datetime, timedelta, timezone

from awards_app.accounts.models import Role, User
from awards_app.accounts.passwords import hash_password
from awards_app.extensions import db
from awards_app.programme.models import Category, Edition, NomineeKind, Question

START = datetime(2026, 1, 12, 9, 0, tzinfo=timezone.utc)
JUDGE_EMAIL = "judge@example.org"
JUDGE_PASSWORD = "a long judge password"


def make_edition(year: int = 2026, start: datetime = START, **overrides) -> Edition:
    """An edition whose phases follow each other a few weeks apart from `start`."""
    dates = {
        "nominations_open_at": start,
        "nominations_close_at": start + timedelta(weeks=6),
        "judging_start_at": start + timedelta(weeks=6, days=1),
        "judging_end_at": start + timedelta(weeks=10),
        "shortlist_publish_at": start + timedelta(weeks=11),
        "vote_open_at": start + timedelta(weeks=11, days=1),
        "vote_close_at": start + timedelta(weeks=14),
        "ceremony_at": start + timedelta(weeks=16, hours=9),
    }
    edition = Edition(year=year, name=f"Self Management Awards {year}", theme="Living well, your way", **{**dates, **overrides})
    db.session.add(edition)
    db.session.flush()
    return edition


def make_category(edition: Edition, name: str = "Self Management Project of the Year", **overrides) -> Category:
    """A category with one question."""
    fields = {"nominee_kind": NomineeKind.PROJECT, "description": "A project that helps people live well.", **overrides}
    category = Category(edition=edition, name=name, **fields)
    category.questions.append(Question(prompt="What difference has it made?", word_limit=300))
    db.session.add(category)
    db.session.flush()
    return category


def make_nomination(category: Category, nominee_name: str = "Morag Fraser", **overrides):
    """A submitted nomination in the category, answering each of its questions."""
    import secrets

    from awards_app.nominations.models import Nomination, NominationAnswer

    fields = {
        "reference": f"SMA-{secrets.token_hex(3).upper()}",
        "nominee_email": "morag@example.org",
        "local_authority": "Fife",
        "nominator_name": "Iain Nominator",
        "nominator_email": "iain@example.org",
        "nominator_relationship": "Colleague",
        **overrides,
    }
    nomination = Nomination(edition=category.edition, category=category, nominee_name=nominee_name, **fields)
    for question in category.questions:
        nomination.answers.append(NominationAnswer(question=question, text="She made a real difference."))
    db.session.add(nomination)
    db.session.flush()
    return nomination


def make_judge(password: str | None = None, **overrides) -> User:
    """A judge account (judges may not run the organisers' side); give a password to sign in as them."""
    fields = {"email": JUDGE_EMAIL, "name": "Jo Judge", **overrides}
    if password is not None:
        fields["password_hash"] = hash_password(password)
    judge = User(role=Role.JUDGE, **fields)
    db.session.add(judge)
    db.session.flush()
    return judge
