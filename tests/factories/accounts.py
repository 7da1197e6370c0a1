"""Judges, and the passwords tests sign in with (the organiser comes from the `organiser` fixture in conftest.py)."""
from awards_app.accounts.models import Role, User
from awards_app.accounts.passwords import hash_password
from awards_app.extensions import db

ORGANISER_EMAIL = "organiser@example.org"
ORGANISER_PASSWORD = "correct horse battery staple"
JUDGE_EMAIL = "judge@example.org"
JUDGE_PASSWORD = "a long judge password"


def make_judge(email: str = JUDGE_EMAIL, name: str = "", *, password: str | None = None, **fields) -> User:
    """A judge account (named after its email unless told); give a password (JUDGE_PASSWORD) to sign in as them.

    Judges may not run the organisers' side; put one on a panel with tests/factories/judging.py `seat`.
    """
    judge = User(
        role=Role.JUDGE, email=email, name=name or email.split("@")[0].title(),
        password_hash=hash_password(password) if password else None, **fields,
    )
    db.session.add(judge)
    db.session.flush()
    return judge


def make_organiser(email: str, name: str = "", *, password: str | None = ORGANISER_PASSWORD, **fields) -> User:
    """Another organiser account (named after its email unless told), who has joined the team with this password;
    password=None makes one invited but not yet joined (invite through accounts.team to email them a link)."""
    organiser = User(
        role=Role.ORGANISER, email=email, name=name or email.split("@")[0].title(),
        password_hash=hash_password(password) if password else None, **fields,
    )
    db.session.add(organiser)
    db.session.flush()
    return organiser
