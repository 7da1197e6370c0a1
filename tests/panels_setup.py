"""Builders for the tests of panels, invitations, sign-in links and conflicts of interest."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from awards_app.accounts.models import Role, User
from awards_app.accounts.passwords import hash_password
from awards_app.extensions import db
from awards_app.judging.models import PanelMember, Score, ScoreComment
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.programme.models import Category, Criterion, Edition
from tests.factories import make_category, make_edition, make_nomination
from tests.helpers import post_form

PASSWORD = "a long judge password"
DECLARED_AT = datetime(2026, 2, 20, 10, 0, tzinfo=timezone.utc)
# What judges must never see of an entry: who nominated it, and the nomination's answers.
SECRET_NOMINATOR = "Nina Nominator-Secret"
SECRET_ANSWER = "An answer only the organisers and the judges who score it may read."


def judge(email: str, name: str = "", affiliations: str = "", password: str | None = PASSWORD) -> User:
    """A judge account (with a password unless told otherwise)."""
    user = User(
        role=Role.JUDGE, email=email, name=name or email.split("@")[0].title(), affiliations=affiliations,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def seat(user: User, category: Category, declared: bool = False) -> PanelMember:
    """Put the judge on the category's panel, with conflicts declared or not."""
    place = PanelMember(judge_id=user.id, category_id=category.id, conflicts_declared_at=DECLARED_AT if declared else None)
    db.session.add(place)
    db.session.flush()
    return place


def entry(category: Category, name: str, organisation: str = "", **fields) -> Nomination:
    """An eligible entry, whose nominator and answers judges must not see before declaring."""
    fields = {"status": NominationStatus.ELIGIBLE, "nominator_name": SECRET_NOMINATOR, **fields}
    nomination = make_nomination(category, name, nominee_organisation=organisation, **fields)
    for answer in nomination.answers:
        answer.text = SECRET_ANSWER
    db.session.flush()
    return nomination


def criteria(edition: Edition, count: int = 2) -> list[Criterion]:
    """The edition's judging criteria, scored 0 to 10."""
    rows = [Criterion(edition=edition, name=f"Criterion {n}", weight=1.0, scale_min=0, scale_max=10) for n in range(count)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def score(user: User, nomination: Nomination, rows: list[Criterion], value: int = 7, comment: str = "") -> None:
    """The judge's scores of the entry on every criterion (and a comment if given)."""
    for criterion in rows:
        db.session.add(Score(judge_id=user.id, nomination_id=nomination.id, criterion_id=criterion.id, value=value))
    if comment:
        db.session.add(ScoreComment(judge_id=user.id, nomination_id=nomination.id, text=comment))
    db.session.flush()


@dataclass
class Site:
    """An edition with two categories, entries in each, criteria, and a judge on the first category's panel."""

    edition: Edition
    projects: Category
    carers: Category
    garden: Nomination
    strathdee: Nomination
    morag: Nomination
    judge: User
    other_judge: User
    criteria: list[Criterion]


def make_site() -> Site:
    """The usual world of these tests: Jo judges projects (not yet declared); Sam judges carers."""
    edition = make_edition()
    projects = make_category(edition, "Project of the Year")
    carers = make_category(edition, "Carer of the Year")
    garden = entry(projects, "Growing Together Garden", "Leith Community Trust")
    strathdee = entry(projects, "Strathdee Long Covid Peer Group", "Strathdee Health Forum")
    morag = entry(carers, "Morag Fraser", "Fife Carers Centre")
    jo = judge("jo@example.org", "Jo Judge", affiliations="Member of the Strathdee Long Covid Peer Group")
    sam = judge("sam@example.org", "Sam Judge")
    seat(jo, projects)
    seat(sam, carers, declared=True)
    return Site(edition, projects, carers, garden, strathdee, morag, jo, sam, criteria(edition))


def sign_in(client, email: str, password: str = PASSWORD):
    """Sign the client in with email and password."""
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def link_path(email, prefix: str) -> str:
    """The path of the link under `prefix` in an email's text, checked to be in its HTML part too."""
    url = re.search(rf"http://awards\.test({re.escape(prefix)}\S+)", email.text_body).group(1)
    assert url in email.html_body
    return url
