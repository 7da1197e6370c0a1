"""Builders for the scoring and final-round tests: a category with criteria, eligible entries and judges on its panel.

Judges are made directly (User and PanelMember rows), so these tests do not depend on the panels and invitations
services.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from awards_app.accounts.models import Role, User
from awards_app.accounts.passwords import hash_password
from awards_app.extensions import db
from awards_app.judging.models import Conflict, Finalist, PanelMember
from awards_app.nominations.models import Nomination, NominationStatus
from awards_app.programme.models import Category, Criterion, Edition
from tests.factories import make_category, make_edition, make_nomination
from tests.helpers import post_form

JUDGE_PASSWORD = "a long judge password"
DECLARED_AT = datetime(2026, 2, 25, 10, 0, tzinfo=timezone.utc)

# Details judges must never see: the nominator's identity and contact details, and the nominee's email.
NOMINATOR = {
    "nominator_name": "Nina Nominator-Secret",
    "nominator_email": "nina.secret@nominators.example",
    "nominator_phone": "07700 900123",
    "nominator_relationship": "Her sister-in-law",
    "nominee_email": "hidden.nominee@nominees.example",
}


@dataclass
class Panel:
    """A category ready for judging, with its edition's criteria, its eligible entries and one judge on the panel."""

    edition: Edition
    category: Category
    criteria: list[Criterion]
    entries: list[Nomination]
    judge: User
    place: PanelMember
    finalists: list[Finalist] = field(default_factory=list)  # set by tests of the final round


def make_criteria(edition: Edition, scales=((0, 10, 1.0), (0, 10, 2.0))) -> list[Criterion]:
    """The edition's criteria, one per (scale_min, scale_max, weight)."""
    names = ["Impact", "Innovation", "Reach", "Sustainability", "Involvement"]
    criteria = []
    for position, (low, high, weight) in enumerate(scales):
        criterion = Criterion(
            edition=edition, name=names[position], description=f"How well it shows {names[position].lower()}.",
            scale_min=low, scale_max=high, weight=weight, display_order=position,
        )
        db.session.add(criterion)
        criteria.append(criterion)
    db.session.flush()
    return criteria


def make_entries(category: Category, count: int) -> list[Nomination]:
    """Eligible entries in the category, with nominator details judges must not see."""
    names = ["Morag Fraser", "Iain Campbell", "Ailsa Reid", "Callum Ross", "Kirsty Muir", "Fergus Bain"]
    return [
        make_nomination(
            category, names[index % len(names)], status=NominationStatus.ELIGIBLE,
            nominee_organisation=f"{names[index % len(names)].split()[1]} Community Trust", **NOMINATOR,
        )
        for index in range(count)
    ]


def add_judge(category: Category, email: str, declared: bool = True, password: str | None = JUDGE_PASSWORD) -> User:
    """A judge on the category's panel (conflicts declared unless told otherwise)."""
    judge = User(
        role=Role.JUDGE, email=email, name=email.split("@")[0].title(),
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(judge)
    db.session.flush()
    db.session.add(
        PanelMember(judge_id=judge.id, category_id=category.id, conflicts_declared_at=DECLARED_AT if declared else None)
    )
    db.session.flush()
    return judge


def place_of(judge: User, category: Category) -> PanelMember:
    """The judge's panel place in the category."""
    return db.session.query(PanelMember).filter_by(judge_id=judge.id, category_id=category.id).one()


def make_panel(entries: int = 3, scales=((0, 10, 1.0), (0, 10, 2.0)), year: int = 2026, declared: bool = True,
               email: str = "judge.one@example.org", **category_fields) -> Panel:
    """An edition with criteria, a category with eligible entries, and one judge on its panel."""
    edition = make_edition(year=year)
    criteria = make_criteria(edition, scales)
    category = make_category(edition, f"Project of the Year {year}", **category_fields)
    nominations = make_entries(category, entries)
    judge = add_judge(category, email, declared=declared)
    return Panel(edition, category, criteria, nominations, judge, place_of(judge, category))


def conflict(judge: User, nomination: Nomination, kind: str = "declared") -> Conflict:
    """A conflict of interest between the judge and the entry."""
    row = Conflict(judge_id=judge.id, nomination_id=nomination.id, reason="I know them", kind=kind)
    db.session.add(row)
    db.session.flush()
    return row


def make_finalists(category: Category, nominations: list[Nomination]) -> list[Finalist]:
    """The category's shortlist, in the order given (as the shortlist service would store it)."""
    finalists = []
    for position, nomination in enumerate(nominations, start=1):
        finalist = Finalist(category_id=category.id, nomination_id=nomination.id, position=position)
        db.session.add(finalist)
        finalists.append(finalist)
    db.session.flush()
    return finalists


def sign_in(client, email: str, password: str = JUDGE_PASSWORD):
    """Sign the client in (judge or organiser) with email and password."""
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client
