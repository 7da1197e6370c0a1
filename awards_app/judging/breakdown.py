"""Why each entry ranks where it does: a category's rankings broken down per judge and per criterion, in plain words.

Nothing here ranks anything again. The figures come from judging.shortlist.category_rankings (which feeds
judging.ranking.compute_rankings): its entries, ranks, weighted and normalised figures, spread and judge flags. What
this module adds is the breakdown behind them, from the very score sets those figures counted:

- for each entry, a row per judge whose complete score set counted (so paused or removed judges and conflicted pairs,
  which category_rankings leaves out, are left out here too), with their raw score on each criterion, their weighted
  score out of 10 and their normalised figure (z-score);
- the spread on each criterion: lowest, highest and population standard deviation of the judges' raw scores;
- the agreement in words: "The judges agree closely" when no criterion has judges more than CLOSE_POINTS apart (out
  of 10, whatever the criterion's scale), otherwise "Judges differ by up to 6 points on Impact" for the criterion
  where they are furthest apart;
- the entries the panel disagrees on most: those with two or more judges, ordered by the spread of their weighted
  scores (EntryRanking.spread), largest first.

Worked example (tests/judging/test_breakdown.py): criteria Impact (weight 3) and Reach (weight 1), both 0-10; judges
score Hamish 7,7 / 6,6 / 6,2, weighted 7, 6 and 5. Impact ranges 6-7 (1 point), Reach 2-7 (5 points), so "Judges
differ by up to 5 points on Reach"; the weighted scores' spread is pstdev(7, 6, 5) = 0.82.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import pstdev
from typing import Iterable, NamedTuple, Sequence


from awards_app.judging.ranking import SCALE, TIE_TOLERANCE, EntryRanking, JudgeSummary, Rankings, ScoreRow
from awards_app.judging.shortlist import CategoryRankings, category_rankings
from awards_app.programme.models import Category

CLOSE_POINTS = 2.0  # out of 10: judges no further apart than this on every criterion "agree closely"
MOST_DISAGREED = 3  # how many entries the "disagrees on most" list shows


class CriterionInfo(NamedTuple):
    """A criterion as the breakdown shows it: its name, weight and scale."""

    id: int
    name: str
    weight: float
    scale_min: float
    scale_max: float

    @property
    def width(self) -> float:
        """How many points the scale spans (10 for 0-10)."""
        return self.scale_max - self.scale_min


@dataclass(frozen=True)
class Spread:
    """How far apart some judges' figures are: lowest, highest, population standard deviation."""

    lowest: float
    highest: float
    deviation: float

    @property
    def gap(self) -> float:
        """Highest minus lowest."""
        return self.highest - self.lowest


def spread_of(values: Iterable[float]) -> Spread | None:
    """The spread of some figures (None when there are none)."""
    values = list(values)
    if not values:
        return None
    return Spread(min(values), max(values), pstdev(values))


@dataclass
class JudgeLine:
    """One judge's counted scores of one entry: raw per criterion, weighted out of 10, and normalised."""

    judge_id: int
    raw: dict[int, float]  # criterion id -> the value given
    weighted: float
    normalised: float


@dataclass
class CriterionSpread:
    """The judges' spread on one criterion of one entry."""

    criterion: CriterionInfo
    spread: Spread

    @property
    def gap_out_of_ten(self) -> float:
        """The gap on the criterion's own scale, put out of 10 so that criteria on other scales compare fairly."""
        return self.spread.gap * SCALE / self.criterion.width if self.criterion.width else 0.0


@dataclass
class EntryBreakdown:
    """One entry's figures (from the rankings) and what lies behind them."""

    ranking: EntryRanking
    judges: list[JudgeLine]
    criteria: list[CriterionSpread]

    @property
    def overall(self) -> Spread | None:
        """The spread of the judges' weighted scores (its deviation is the rankings' spread)."""
        return spread_of(line.weighted for line in self.judges)

    @property
    def widest(self) -> CriterionSpread | None:
        """The criterion the judges are furthest apart on (the first such, in criterion order)."""
        return max(self.criteria, key=lambda c: c.gap_out_of_ten, default=None)

    @property
    def agreement(self) -> str:
        """How far the judges agree on this entry, in plain words."""
        if not self.judges:
            return "No judge's complete scores count for this entry yet."
        if len(self.judges) == 1:
            return "Only one judge's scores count for this entry, so there is nothing to compare."
        widest = self.widest
        if widest is None or widest.gap_out_of_ten <= CLOSE_POINTS + TIE_TOLERANCE:
            return (f"The judges agree closely: on every criterion their scores are within {points(CLOSE_POINTS)} "
                    "points of each other (out of 10).")
        return (f"Judges differ by up to {points(widest.spread.gap)} points on {widest.criterion.name} "
                f"(from {points(widest.spread.lowest)} to {points(widest.spread.highest)}, "
                f"on a scale of {points(widest.criterion.scale_min)} to {points(widest.criterion.scale_max)}).")

    @property
    def disagreement(self) -> str:
        """Why the panel disagrees on this entry: the widest criterion and the range of the overall scores."""
        overall = self.overall
        return (f"{self.agreement} Their overall scores range from {points(overall.lowest)} to "
                f"{points(overall.highest)} out of 10 (standard deviation {points(overall.deviation)}).")


@dataclass
class Breakdown:
    """A category's breakdown: every entry in ranking order, the criteria, and the judges whose scoring stands out."""

    method: str
    entries: list[EntryBreakdown]
    criteria: list[CriterionInfo]
    flagged: list[JudgeSummary] = field(default_factory=list)

    def disagreements(self, count: int = MOST_DISAGREED) -> list[EntryBreakdown]:
        """The entries the panel disagrees on most: two or more judges, largest spread first, no spread left out."""
        split = [
            entry for entry in self.entries
            if len(entry.judges) >= 2 and (entry.ranking.spread or 0.0) > TIE_TOLERANCE
        ]
        return sorted(split, key=lambda entry: -entry.ranking.spread)[:count]


def build_breakdown(
    rankings: Rankings, scores: Iterable[ScoreRow | tuple], criteria: Sequence[CriterionInfo], method: str
) -> Breakdown:
    """Break rankings down per judge and criterion, using only the score sets the rankings counted."""
    known = {criterion.id for criterion in criteria}
    raw: dict[tuple[int, int], dict[int, float]] = {}
    for row in scores:
        row = ScoreRow(*row)
        if row.criterion_id in known:
            raw.setdefault((row.judge_id, row.nomination_id), {})[row.criterion_id] = row.value
    entries = []
    for ranking in rankings.ordered(method):
        # Only the judges whose weighted score counted: the rankings have already left out partial sets,
        # conflicted pairs and anyone not on the panel.
        judges = [
            JudgeLine(judge_id, raw.get((judge_id, ranking.entry_id), {}), weighted, ranking.judge_z[judge_id])
            for judge_id, weighted in ranking.judge_scores.items()
        ]
        spreads = [
            CriterionSpread(criterion, spread)
            for criterion in criteria
            if (spread := spread_of(line.raw[criterion.id] for line in judges if criterion.id in line.raw))
        ]
        entries.append(EntryBreakdown(ranking, judges, spreads))
    return Breakdown(method=method, entries=entries, criteria=list(criteria), flagged=rankings.flagged_judges)


def points(value: float) -> str:
    """A figure as people write it: 7, 7.5 or 7.25 (at most two decimals)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- From the database -------------------------------------------------------------------------------------------


@dataclass
class CategoryBreakdown:
    """A category's rankings (as the judging page shows them), their breakdown, and why panel judges are missing."""

    view: CategoryRankings
    breakdown: Breakdown
    conflicts: set[tuple[int, int]]  # (judge id, entry id) pairs with a conflict of interest recorded

    def not_counted(self, entry: EntryBreakdown) -> list[tuple[int, str]]:
        """The panel's judges whose scores of the entry do not count, each with why, in plain words."""
        counted = {line.judge_id for line in entry.judges}
        partial = {p.judge_id: p for p in self.view.rankings.partials if p.nomination_id == entry.ranking.entry_id}
        reasons = []
        for judge_id in self.view.judges:
            if judge_id in counted:
                continue
            if (judge_id, entry.ranking.entry_id) in self.conflicts:
                reasons.append((judge_id, "Has a conflict of interest with this entry: any scores are not counted."))
            elif judge_id in partial:
                reasons.append((judge_id, f"Has scored {partial[judge_id].criteria_scored} of "
                                          f"{partial[judge_id].criteria_total} criteria: not counted until complete."))
            else:
                reasons.append((judge_id, "Has not scored this entry."))
        return reasons


def ranked_criteria(view: CategoryRankings) -> list[CriterionInfo]:
    """The criteria the category's rankings were computed on, in their order."""
    return [
        CriterionInfo(criterion.id, criterion.name, float(criterion.weight), criterion.scale_min, criterion.scale_max)
        for criterion in view.criteria
    ]


def category_breakdown(category: Category, method: str) -> CategoryBreakdown:
    """The category's rankings under `method`, broken down per judge and criterion."""
    view = category_rankings(category)
    counted = {
        (judge_id, ranking.entry_id) for ranking in view.rankings.entries for judge_id in ranking.judge_scores
    }
    scores = [row for row in view.scores if (row.judge_id, row.nomination_id) in counted]
    return CategoryBreakdown(view, build_breakdown(view.rankings, scores, ranked_criteria(view), method), view.conflicts)
