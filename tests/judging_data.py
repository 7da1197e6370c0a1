"""Builders of judging data for the organisers' judging tests: criteria, panels, scores, conflicts, finalists, ranks.

They write the models directly (not through the judges' services), so that each test states exactly what is stored.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from awards_app.core import clock
from awards_app.extensions import db
from awards_app.judging.models import Conflict, Finalist, FinalRank, PanelMember, Score
from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.programme.models import Criterion
from tests.factories import make_category, make_edition, make_judge, make_nomination


def add_criteria(edition, *weights: float, scale=(0, 10)) -> list[Criterion]:
    """Criteria of the edition with these weights, all on one scale."""
    criteria = [
        Criterion(edition=edition, name=f"Criterion {number}", weight=weight, scale_min=scale[0], scale_max=scale[1],
                  display_order=number)
        for number, weight in enumerate(weights, start=1)
    ]
    db.session.add_all(criteria)
    db.session.flush()
    return criteria


def add_judge(email: str, name: str, **overrides):
    """A judge account."""
    return make_judge(email=email, name=name, **overrides)


def seat(judge, category, declared=True, submitted=False, final_submitted=False) -> PanelMember:
    """Put a judge on a category's panel, with conflicts declared and scores submitted as asked."""
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


def score(judge, nomination, criteria, *values) -> None:
    """A judge's scores of a nomination, one value per criterion in order (fewer values: a partial set)."""
    db.session.add_all(
        Score(judge_id=judge.id, nomination_id=nomination.id, criterion_id=criterion.id, value=value)
        for criterion, value in zip(criteria, values)
    )
    db.session.flush()


def conflict(judge, nomination, kind="declared", reason="I know them well.") -> Conflict:
    """A judge's conflict with a nomination."""
    row = Conflict(judge_id=judge.id, nomination_id=nomination.id, reason=reason, kind=kind, recorded_by_id=judge.id)
    db.session.add(row)
    db.session.flush()
    return row


def finalists(category, nominations, chosen_by=None) -> list[Finalist]:
    """Finalist rows for nominations, in order."""
    rows = [
        Finalist(category_id=category.id, nomination_id=nomination.id, position=position,
                 public_name=nomination.nominee_name, chosen_by_id=chosen_by.id if chosen_by else None)
        for position, nomination in enumerate(nominations, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def ranks(judge, *ordered_finalists) -> None:
    """A judge's final-round ranks: the finalists in the order given, 1 first."""
    db.session.add_all(
        FinalRank(judge_id=judge.id, finalist_id=finalist.id, rank=rank)
        for rank, finalist in enumerate(ordered_finalists, start=1)
    )
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
    criteria = add_criteria(edition, 3, 1)
    names = ["Morag Fraser", "Hamish MacLeod", "Ailsa Grant", "Eilidh Ross", "Callum Baird"]
    entries = {
        name.split()[0].lower(): make_nomination(
            category, name, status=NominationStatus.ELIGIBLE,
            consent=ConsentState.DECLINED if name == "Callum Baird" else ConsentState.GIVEN,
        )
        for name in names
    }
    judge_a = add_judge("aileen@example.org", "Aileen Fraser")
    judge_b = add_judge("tariq@example.org", "Tariq Hussain")
    judge_c = add_judge("morven@example.org", "Morven Clark")
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
            score(judge, e[key], criteria, *values)
    conflict(judge_c, e["ailsa"])
    return SimpleNamespace(
        edition=edition, category=category, criteria=criteria, judges=(judge_a, judge_b, judge_c), **entries
    )
