"""Panel places, scores, conflicts, finalists and final ranks, and the worlds of the judging tests.

The worlds:
    judging_site()   one category, five entries scored by three judges (the organisers' judging tests, the ceremony)
    make_panel()     one category, its criteria and entries, one judge on its panel (scoring and the final round)
    panels_site()    two categories with a judge each (panels, invitations, sign-in links, conflicts of interest)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from awards_app.accounts.models import User
from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging.models import Conflict, Finalist, FinalRank, PanelMember, Score, ScoreComment
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.programme.models import Category, Criterion, Edition
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.nominations import SECRET_ANSWER, make_entries, make_entry, make_nomination
from tests.factories.programme import make_category, make_criteria, make_edition


def seat(judge: User, category: Category, *, declared: bool = True, submitted: bool = False,
         final_submitted: bool = False) -> PanelMember:
    """Put a judge on a category's panel a week ago, with conflicts declared and scores submitted as asked."""
    now = clock.now()
    member = PanelMember(
        judge_id=judge.id, category_id=category.id, added_at=now - timedelta(days=7),
        conflicts_declared_at=now - timedelta(days=6) if declared else None,
        submitted_at=now - timedelta(days=1) if submitted else None,
        final_submitted_at=now - timedelta(hours=2) if final_submitted else None,
    )
    db.session.add(member)
    db.session.flush()
    return member


def place_of(judge: User, category: Category) -> PanelMember:
    """The judge's place on the category's panel."""
    return db.session.scalars(
        select(PanelMember).where(PanelMember.judge_id == judge.id, PanelMember.category_id == category.id)
    ).one()


def make_scores(judge: User, nomination: Nomination, criteria: list[Criterion], *values: int,
                comment: str = "") -> None:
    """A judge's scores of an entry, one value per criterion in order (fewer: a partial set; none: 7 on each).

    A comment is stored too if given.
    """
    db.session.add_all(
        Score(judge_id=judge.id, nomination_id=nomination.id, criterion_id=criterion.id, value=value)
        for criterion, value in zip(criteria, values or [7] * len(criteria))
    )
    if comment:
        db.session.add(ScoreComment(judge_id=judge.id, nomination_id=nomination.id, text=comment))
    db.session.flush()


def make_conflict(judge: User, nomination: Nomination, kind: str = "declared",
                  reason: str = "I know them well.") -> Conflict:
    """A judge's conflict with an entry, recorded by the judge."""
    row = Conflict(judge_id=judge.id, nomination_id=nomination.id, reason=reason, kind=kind, recorded_by_id=judge.id)
    db.session.add(row)
    db.session.flush()
    return row


def make_finalists(category: Category, nominations: list[Nomination], chosen_by: User | None = None) -> list[Finalist]:
    """The category's shortlist: the nominations in the order given (position 1 first), named as nominated."""
    rows = [
        Finalist(category_id=category.id, nomination_id=nomination.id, position=position,
                 public_name=nomination.nominee_name, chosen_by_id=chosen_by.id if chosen_by else None)
        for position, nomination in enumerate(nominations, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def make_ranks(judge: User, *ordered_finalists: Finalist) -> None:
    """A judge's final-round ranks: the finalists in the order given, 1 first."""
    db.session.add_all(
        FinalRank(judge_id=judge.id, finalist_id=finalist.id, rank=rank)
        for rank, finalist in enumerate(ordered_finalists, start=1)
    )
    db.session.flush()


def mark_final_ranks_submitted(site: SimpleNamespace, *judges: User) -> None:
    """Mark the final ranks of these judges of a judging_site (all by default) as submitted, and the others' as not."""
    # Compare ids: Flask-Login's UserMixin compares users by their sign-in session token, None for all here.
    judge_ids = {judge.id for judge in judges or site.judges}
    for member in db.session.scalars(select(PanelMember).where(PanelMember.category_id == site.category.id)):
        member.final_submitted_at = clock.now() if member.judge_id in judge_ids else None
    db.session.flush()


def judging_site(has_public_vote: bool = False) -> SimpleNamespace:
    """An edition in judging with two criteria (weights 3 and 1, 0-10), one category and five entries, three judges.

    Weighted scores, (3 * first + second) / 4:
        Morag   judge A 9,9 -> 9   judge B 8,8 -> 8   judge C 7,7 -> 7    mean 8
        Hamish  judge A 7,7 -> 7   judge B 6,6 -> 6   judge C 6,2 -> 5    mean 6
        Ailsa   judge A 5,5 -> 5   judge B 4,4 -> 4   judge C conflicted  mean 4.5
        Eilidh  judge A 3,3 -> 3   judge B 2,2 -> 2   judge C 1,1 -> 1    mean 2
        Callum  (nominee declined consent) judge A 10,10 -> 10, judge B 10,10 -> 10, judge C 10,10 -> 10
    Every score set is complete; only judge B has submitted.
    """
    edition = make_edition()
    category = make_category(edition, name="Carer of the Year", has_public_vote=has_public_vote)
    criteria = make_criteria(edition, ((0, 10, 3), (0, 10, 1)))
    names = ["Morag Fraser", "Hamish MacLeod", "Ailsa Grant", "Eilidh Ross", "Callum Baird"]
    entries = {
        name.split()[0].lower(): make_nomination(
            category, name, status=NominationStatus.ELIGIBLE,
            consent=ConsentState.DECLINED if name == "Callum Baird" else ConsentState.GIVEN,
        )
        for name in names
    }
    judge_a = make_judge("aileen@example.org", "Aileen Fraser")
    judge_b = make_judge("tariq@example.org", "Tariq Hussain")
    judge_c = make_judge("morven@example.org", "Morven Clark")
    seat(judge_a, category)
    seat(judge_b, category, submitted=True)
    seat(judge_c, category)
    e = entries
    for judge, table in (
        (judge_a, {"morag": (9, 9), "hamish": (7, 7), "ailsa": (5, 5), "eilidh": (3, 3), "callum": (10, 10)}),
        (judge_b, {"morag": (8, 8), "hamish": (6, 6), "ailsa": (4, 4), "eilidh": (2, 2), "callum": (10, 10)}),
        (judge_c, {"morag": (7, 7), "hamish": (6, 2), "eilidh": (1, 1), "callum": (10, 10)}),
    ):
        for key, values in table.items():
            make_scores(judge, e[key], criteria, *values)
    make_conflict(judge_c, e["ailsa"])
    return SimpleNamespace(
        edition=edition, category=category, criteria=criteria, judges=(judge_a, judge_b, judge_c), **entries
    )


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


def make_panel(entries: int = 3, scales=((0, 10, 1.0), (0, 10, 2.0)), year: int = 2026, declared: bool = True,
               email: str = "judge.one@example.org", **category_fields) -> Panel:
    """An edition with criteria, a category with eligible entries, and one judge (who can sign in) on its panel."""
    edition = make_edition(year=year)
    criteria = make_criteria(edition, scales)
    category = make_category(edition, f"Project of the Year {year}", **category_fields)
    nominations = make_entries(category, entries)
    judge = make_judge(email, password=JUDGE_PASSWORD)
    place = seat(judge, category, declared=declared)
    return Panel(edition, category, criteria, nominations, judge, place)


@dataclass
class PanelsSite:
    """An edition with two categories, entries in each, criteria, and a judge on each category's panel."""

    edition: Edition
    projects: Category
    carers: Category
    garden: Nomination
    strathdee: Nomination
    morag: Nomination
    judge: User
    other_judge: User
    criteria: list[Criterion]


def panels_site() -> PanelsSite:
    """Jo judges projects (conflicts not yet declared); Sam judges carers. Both sign in with JUDGE_PASSWORD.

    Entries' answers are SECRET_ANSWER, which Jo may not read before declaring.
    """
    edition = make_edition()
    projects = make_category(edition, "Project of the Year")
    carers = make_category(edition, "Carer of the Year")
    garden = make_entry(projects, "Growing Together Garden", "Leith Community Trust", answer=SECRET_ANSWER)
    strathdee = make_entry(projects, "Strathdee Long Covid Peer Group", "Strathdee Health Forum", answer=SECRET_ANSWER)
    morag = make_entry(carers, "Morag Fraser", "Fife Carers Centre", answer=SECRET_ANSWER)
    jo = make_judge("jo@example.org", "Jo Judge", password=JUDGE_PASSWORD,
                    affiliations="Member of the Strathdee Long Covid Peer Group")
    sam = make_judge("sam@example.org", "Sam Judge", password=JUDGE_PASSWORD)
    seat(jo, projects, declared=False)
    seat(sam, carers)
    criteria = make_criteria(edition, ((0, 10, 1.0), (0, 10, 1.0)))
    return PanelsSite(edition, projects, carers, garden, strathdee, morag, jo, sam, criteria)
