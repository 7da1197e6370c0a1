"""The ranking arithmetic: first-round rankings from judges' scores, and the final round's Borda count.

Pure functions on plain data (no database), so that every rule can be checked against worked examples by hand
(tests/judging/test_ranking.py). judging/shortlist.py and judging/final_result.py feed them from the database.

First round, for one category
-----------------------------
Inputs: scores (judge_id, nomination_id, criterion_id, value), criteria (id, weight, scale_min, scale_max), the
category's entries, and conflicts (judge_id, nomination_id). A conflicted judge's scores of that entry are left out
entirely (they should not exist; if they do, they do not count).

1. Complete score sets only. A judge's scores of an entry count only when they scored every criterion. A judge who
   scored some criteria but not all is *partial*: the set is left out of every figure and listed in
   `Rankings.partials`, so that organisers can chase it rather than rank on half a set.

2. A judge's weighted score of an entry, out of 10 whatever each criterion's scale:

       s(j, e) = sum_c w_c * 10 * (v_c - min_c) / (max_c - min_c)  /  sum_c w_c

   (with every criterion scored from 0 to 10 this is plain sum(w * v) / sum(w)).

3. The entry's weighted mean is the mean of s(j, e) over the judges with a complete set; its *spread* is their
   population standard deviation (0 with a single judge); *scores* is how many judges that is.

4. Normalised per judge (z-scores), so that harsh and generous judges count alike. For judge j, over the entries
   they scored, with mean m_j and population standard deviation sd_j of their s(j, e):

       z(j, e) = (s(j, e) - m_j) / sd_j

   A judge with no spread (every entry the same score, or a single entry scored) has z = 0 for every entry: they
   express no preference, and are flagged when they scored two or more entries. The entry's normalised mean is the
   mean of z(j, e) over its judges.

5. Ranks: highest first, one list per method. Two values within TIE_TOLERANCE (1e-9) of each other are equal: they
   share a rank (1, 2, 2, 4) and are reported as a tie with every tied entry's name. Entries without any complete
   score set have no rank and come last. Equal entries keep the order the entries were given in (for the top three
   too), and the tie is flagged so that the organiser decides.

6. Judges whose scoring stands out are flagged in plain words:
   - "same_score": gives every entry the same score (two or more entries, no spread);
   - "far_from_panel": on the entries they share with other judges (at least 2), their score is on average more
     than OUTLIER_POINTS (2 points out of 10) from the mean of the *other* judges' scores of the same entry;
   - "against_panel": on 3 or more shared entries, their scores correlate negatively with the other judges' means
     (they order the entries the other way round);
   - "few_entries": they scored fewer than half as many entries as the panel's median judge.

Final round: the Borda count
----------------------------
Each judge ranks the n finalists (1 is best). A judge who ranked all n gives n-1 points to their first, n-2 to
their second, ... and 0 to their last. A judge conflicted on some finalists ranks only the m they may judge; their
points are scaled to the same 0..n-1 range so that their ranking weighs as much as anyone's:

       points(position p of m) = (n - 1) * (m - p) / (m - 1)        (m = 1: (n - 1) / 2, no preference shown)

(equal ranks on one ballot share the mean of the points of the positions they span). A finalist's result is the
mean of the points it received over the judges who ranked it, so that a finalist is not marked down because a
conflicted judge could not rank it. With no conflicts this is the classic Borda total divided by the number of
judges, so the order is the classic Borda order. Highest wins; equal results (within TIE_TOLERANCE) are ties.

Ties for a place at the ceremony
--------------------------------
A category's result (the Borda averages, or the public vote's valid votes) orders its finalists, best first. Equal
results are settled by the edition's tie-break rule (settle_ties): under "first_round" the finalist with the better
result in the judges' first round (under the method the shortlist followed) goes first; a tie that rule cannot settle
(equal or missing first-round results), and every tie under "organisers", is left to the organisers, who must record
why they placed the tied finalists as they did.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean, median, pstdev
from typing import Iterable, Mapping, NamedTuple, Sequence

SCALE = 10.0  # every weighted score is expressed out of 10
TIE_TOLERANCE = 1e-9  # two results closer than this are equal (far below any real difference in scores)
OUTLIER_POINTS = 2.0  # mean distance from the rest of the panel, out of 10, above which a judge is flagged
MIN_SHARED_FOR_DISTANCE = 2  # shared entries needed before a judge can be called far from the panel
MIN_SHARED_FOR_CORRELATION = 3  # shared entries needed before a correlation means anything
FEW_ENTRIES_SHARE = 0.5  # a judge who scored under half the median judge's count scored "far fewer"
METHODS = ("weighted", "normalised")
METHOD_LABELS = {"weighted": "weighted mean", "normalised": "normalised mean (z-scores)"}


class ScoreRow(NamedTuple):
    """One judge's score of one entry on one criterion."""

    judge_id: int
    nomination_id: int
    criterion_id: int
    value: float


class CriterionRow(NamedTuple):
    """A criterion's weight and the scale it is scored on."""

    id: int
    weight: float
    scale_min: float
    scale_max: float


class PartialScores(NamedTuple):
    """A judge who scored some criteria of an entry but not all: left out of the ranking until complete."""

    judge_id: int
    nomination_id: int
    criteria_scored: int
    criteria_total: int


@dataclass(frozen=True)
class JudgeFlag:
    """Why a judge's scoring stands out, in plain words."""

    kind: str  # same_score | far_from_panel | against_panel | few_entries
    explanation: str


@dataclass
class JudgeSummary:
    """One judge's scoring in the category: how many entries, their mean and spread, and any flags."""

    judge_id: int
    entries_scored: int
    mean: float | None
    spread: float | None
    flags: list[JudgeFlag] = field(default_factory=list)


@dataclass
class EntryRanking:
    """One entry's figures under both methods."""

    entry_id: int
    name: str
    weighted_mean: float | None = None
    normalised_mean: float | None = None
    scores: int = 0  # judges with a complete score set
    spread: float | None = None
    weighted_rank: int | None = None
    normalised_rank: int | None = None
    judge_scores: dict[int, float] = field(default_factory=dict)  # judge id -> weighted score out of 10
    judge_z: dict[int, float] = field(default_factory=dict)  # judge id -> z-score

    def value(self, method: str) -> float | None:
        """The entry's mean under a method."""
        return self.weighted_mean if method == "weighted" else self.normalised_mean

    def rank(self, method: str) -> int | None:
        """The entry's rank under a method (None when it has no complete scores)."""
        return self.weighted_rank if method == "weighted" else self.normalised_rank


@dataclass(frozen=True)
class Tie:
    """Entries with equal results under one method."""

    method: str
    entry_ids: tuple[int, ...]
    names: tuple[str, ...]
    value: float
    rank: int

    @property
    def description(self) -> str:
        """The tie in words, e.g. 'Morag Fraser and Hamish MacLeod are tied at 7.25 (weighted mean)'."""
        return f"{_and_list(self.names)} are tied on the {METHOD_LABELS[self.method]}"


@dataclass
class Rankings:
    """A category's first-round rankings under both methods, with ties, partial score sets and judge flags."""

    entries: list[EntryRanking]  # in the order the entries were given
    judges: list[JudgeSummary]
    ties: list[Tie]
    partials: list[PartialScores]

    def ordered(self, method: str) -> list[EntryRanking]:
        """The entries best first under a method; those without scores last, in the order given."""
        ranked = [entry for entry in self.entries if entry.rank(method) is not None]
        unranked = [entry for entry in self.entries if entry.rank(method) is None]
        return sorted(ranked, key=lambda entry: entry.rank(method)) + unranked

    def top(self, method: str, count: int, exclude: Iterable[int] = ()) -> list[int]:
        """The ids of the best `count` ranked entries under a method, leaving out `exclude`."""
        left_out = set(exclude)
        best = [e.entry_id for e in self.ordered(method) if e.rank(method) is not None and e.entry_id not in left_out]
        return best[:count]

    def entry(self, entry_id: int) -> EntryRanking:
        """One entry's figures."""
        return next(entry for entry in self.entries if entry.entry_id == entry_id)

    def ties_of(self, entry_id: int) -> list[Tie]:
        """The ties an entry is part of."""
        return [tie for tie in self.ties if entry_id in tie.entry_ids]

    def tie_notes(self, entry_id: int) -> list[str]:
        """An entry's ties in words, e.g. 'Tied with Hamish MacLeod on the weighted mean'."""
        notes = []
        for tie in self.ties_of(entry_id):
            others = [name for other, name in zip(tie.entry_ids, tie.names) if other != entry_id]
            notes.append(f"Tied with {_and_list(others)} on the {METHOD_LABELS[tie.method]}")
        return notes

    def judge(self, judge_id: int) -> JudgeSummary | None:
        """One judge's summary."""
        return next((judge for judge in self.judges if judge.judge_id == judge_id), None)

    @property
    def flagged_judges(self) -> list[JudgeSummary]:
        """The judges with at least one flag."""
        return [judge for judge in self.judges if judge.flags]


# --- First round -------------------------------------------------------------------------------------------------


def _named(entries: Mapping[int, str] | Sequence[int]) -> dict[int, str]:
    """Entries as {id: name}; plain ids are named by their number."""
    if isinstance(entries, Mapping):
        return {int(entry_id): str(name) for entry_id, name in entries.items()}
    return {int(entry_id): f"Entry {entry_id}" for entry_id in entries}


def weighted_score(values: Mapping[int, float], criteria: Sequence[CriterionRow]) -> float:
    """A judge's weighted score of one entry, out of 10: sum(w * 10 * (v - min) / (max - min)) / sum(w)."""
    total_weight = sum(criterion.weight for criterion in criteria)
    return sum(criterion.weight * _out_of_ten(values[criterion.id], criterion) for criterion in criteria) / total_weight


def _out_of_ten(value: float, criterion: CriterionRow) -> float:
    """A value on the criterion's scale, brought to 0..10: 10 * (v - min) / (max - min)."""
    return SCALE * (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)


def compute_rankings(
    scores: Iterable[ScoreRow | tuple],
    criteria: Iterable[CriterionRow | tuple],
    entries: Mapping[int, str] | Sequence[int],
    conflicts: Iterable[tuple[int, int]] = (),
    judges: Iterable[int] = (),
) -> Rankings:
    """Rank a category's entries by weighted mean and by normalised mean; see the module docstring for the rules.

    `judges` names judges to summarise even if they scored nothing (the panel); judges with scores are always in.
    """
    criteria = [CriterionRow(*criterion) for criterion in criteria]
    names = _named(entries)
    conflicted = {(int(judge_id), int(entry_id)) for judge_id, entry_id in conflicts}
    known_criteria = {criterion.id for criterion in criteria}

    # (judge, entry) -> {criterion: value}, leaving out conflicts and anything outside this category.
    sets: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for row in scores:
        row = ScoreRow(*row)
        key = (row.judge_id, row.nomination_id)
        if row.nomination_id in names and row.criterion_id in known_criteria and key not in conflicted:
            sets[key][row.criterion_id] = row.value

    by_judge: dict[int, dict[int, float]] = defaultdict(dict)  # judge -> entry -> weighted score
    partials = []
    for (judge_id, entry_id), values in sorted(sets.items()):
        if criteria and len(values) == len(criteria):
            by_judge[judge_id][entry_id] = weighted_score(values, criteria)
        else:
            partials.append(PartialScores(judge_id, entry_id, len(values), len(criteria)))

    z_scores = {judge_id: _z_scores(scored) for judge_id, scored in by_judge.items()}
    rankings = [_entry_figures(entry_id, name, by_judge, z_scores) for entry_id, name in names.items()]
    ties = _assign_ranks(rankings, "weighted") + _assign_ranks(rankings, "normalised")

    panel = list(dict.fromkeys([*(int(judge_id) for judge_id in judges), *sorted(by_judge)]))
    summaries = [_judge_summary(judge_id, by_judge) for judge_id in panel]
    _flag_few_entries(summaries)
    return Rankings(entries=rankings, judges=summaries, ties=ties, partials=partials)


def _z_scores(scored: Mapping[int, float]) -> dict[int, float]:
    """A judge's z-scores over the entries they scored: (x - mean) / sd, or 0 for all when sd is 0."""
    values = list(scored.values())
    centre, spread = mean(values), pstdev(values)
    if spread <= TIE_TOLERANCE:
        return {entry_id: 0.0 for entry_id in scored}
    return {entry_id: (value - centre) / spread for entry_id, value in scored.items()}


def _entry_figures(entry_id, name, by_judge, z_scores) -> EntryRanking:
    """One entry's weighted mean, normalised mean, number of scores and spread."""
    entry = EntryRanking(entry_id=entry_id, name=name)
    entry.judge_scores = {judge_id: scored[entry_id] for judge_id, scored in by_judge.items() if entry_id in scored}
    entry.judge_z = {judge_id: z_scores[judge_id][entry_id] for judge_id in entry.judge_scores}
    if entry.judge_scores:
        values = list(entry.judge_scores.values())
        entry.scores = len(values)
        entry.weighted_mean = mean(values)
        entry.spread = pstdev(values)
        entry.normalised_mean = mean(entry.judge_z.values())
    return entry


def _assign_ranks(entries: list[EntryRanking], method: str) -> list[Tie]:
    """Give each scored entry its rank under a method (ties share one) and return the ties found."""
    scored = sorted((entry for entry in entries if entry.value(method) is not None), key=lambda e: -e.value(method))
    groups: list[list[EntryRanking]] = []
    for entry in scored:
        if groups and abs(groups[-1][-1].value(method) - entry.value(method)) <= TIE_TOLERANCE:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    ties, position = [], 1
    for group in groups:
        for entry in group:
            setattr(entry, f"{method}_rank", position)
        if len(group) > 1:
            ties.append(Tie(
                method=method,
                entry_ids=tuple(entry.entry_id for entry in group),
                names=tuple(entry.name for entry in group),
                value=group[0].value(method),
                rank=position,
            ))
        position += len(group)
    return ties


def _judge_summary(judge_id: int, by_judge: Mapping[int, Mapping[int, float]]) -> JudgeSummary:
    """A judge's count, mean and spread, flagged when they give one score to all or stand apart from the panel."""
    scored = by_judge.get(judge_id, {})
    values = list(scored.values())
    summary = JudgeSummary(
        judge_id=judge_id,
        entries_scored=len(values),
        mean=mean(values) if values else None,
        spread=pstdev(values) if values else None,
    )
    if len(values) >= 2 and summary.spread <= TIE_TOLERANCE:
        summary.flags.append(JudgeFlag(
            "same_score",
            f"Gives every entry the same score ({_points(values[0])} out of 10 on each of the {len(values)} entries "
            "they scored), so their scores do not tell the entries apart. In the normalised ranking they count as "
            "neutral for every entry.",
        ))
    # Compare with the mean of the *other* judges on each shared entry (with two judges, comparing with a mean that
    # includes the judge themself would halve every difference).
    mine, others = [], []
    for entry_id, value in scored.items():
        rest = [scores[entry_id] for other, scores in by_judge.items() if other != judge_id and entry_id in scores]
        if rest:
            mine.append(value)
            others.append(mean(rest))
    if len(mine) >= MIN_SHARED_FOR_DISTANCE:
        differences = [a - b for a, b in zip(mine, others)]
        distance = mean(abs(difference) for difference in differences)
        if distance > OUTLIER_POINTS:
            summary.flags.append(JudgeFlag(
                "far_from_panel",
                f"Scores far from the rest of the panel: on average {_points(distance)} points out of 10 away from "
                f"the other judges on the {len(mine)} entries they share{_direction(differences)}.",
            ))
    if len(mine) >= MIN_SHARED_FOR_CORRELATION:
        correlation = _correlation(mine, others)
        if correlation is not None and correlation < 0:
            summary.flags.append(JudgeFlag(
                "against_panel",
                f"Puts the entries in roughly the opposite order to the rest of the panel: their scores go down where "
                f"the other judges' go up (correlation {correlation:.2f} over {len(mine)} shared entries).",
            ))
    return summary


def _direction(differences: list[float]) -> str:
    """Say whether a judge was lower or higher than the others every time (harshness, not disagreement)."""
    if all(difference < 0 for difference in differences):
        return ", lower every time (a harsh marker: the normalised ranking evens this out)"
    if all(difference > 0 for difference in differences):
        return ", higher every time (a generous marker: the normalised ranking evens this out)"
    return ""


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation of two lists, or None when either has no spread."""
    spread_x, spread_y = pstdev(xs), pstdev(ys)
    if spread_x <= TIE_TOLERANCE or spread_y <= TIE_TOLERANCE:
        return None
    mean_x, mean_y = mean(xs), mean(ys)
    covariance = mean((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return covariance / (spread_x * spread_y)


def _flag_few_entries(summaries: list[JudgeSummary]) -> None:
    """Flag judges who scored under half as many entries as the panel's median judge."""
    if len(summaries) < 2:
        return
    typical = median(summary.entries_scored for summary in summaries)
    for summary in summaries:
        if summary.entries_scored < FEW_ENTRIES_SHARE * typical:
            summary.flags.append(JudgeFlag(
                "few_entries",
                f"Scored far fewer entries than the others: {summary.entries_scored}, where the panel's judges "
                f"scored {_points(typical)} on the median.",
            ))


def _points(value: float) -> str:
    """A figure as people write it: 7, 7.5 or 7.25 (at most two decimals)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _and_list(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- Final round: the Borda count --------------------------------------------------------------------------------


@dataclass
class BordaLine:
    """One finalist's Borda result."""

    finalist_id: int
    name: str
    points: float = 0.0  # total of the (scaled) points it received
    judges: int = 0  # judges who ranked it
    first_places: int = 0
    average: float | None = None  # points per judge who ranked it: this decides the order
    position: int | None = None


@dataclass
class BordaResult:
    """The Borda count of a final round: finalists best first, with ties."""

    lines: list[BordaLine]  # best first; finalists nobody ranked last
    ties: list[tuple[int, ...]]  # groups of finalist ids with equal results
    finalists: int
    ballots: int

    def order(self) -> list[int]:
        """Finalist ids, best first."""
        return [line.finalist_id for line in self.lines]

    def line(self, finalist_id: int) -> BordaLine:
        """One finalist's line."""
        return next(line for line in self.lines if line.finalist_id == finalist_id)

    def tied(self, first: int, second: int) -> bool:
        """Whether two finalists have equal results."""
        return any(first in group and second in group for group in self.ties)


def ballot_points(ranks: Mapping[int, float], finalists: int) -> dict[int, float]:
    """One judge's points: n-1 for their first down to 0 for their last, scaled when they ranked fewer than n."""
    ordered = sorted(ranks.items(), key=lambda item: (item[1], item[0]))
    ranked = len(ordered)
    top = finalists - 1
    points: dict[int, float] = {}
    index = 0
    while index < ranked:
        # Equal ranks on one ballot share the positions they span (positions are 1-based).
        end = index
        while end + 1 < ranked and ordered[end + 1][1] == ordered[index][1]:
            end += 1
        shared = [
            top * (ranked - position) / (ranked - 1) if ranked > 1 else top / 2
            for position in range(index + 1, end + 2)
        ]
        for finalist_id, _ in ordered[index:end + 1]:
            points[finalist_id] = mean(shared)
        index = end + 1
    return points


def borda_count(
    ballots: Mapping[int, Mapping[int, float]], finalists: Mapping[int, str] | Sequence[int]
) -> BordaResult:
    """Combine the judges' ranks (judge -> {finalist: rank, 1 best}) by Borda count; see the module docstring."""
    names = _named(finalists)
    lines = {finalist_id: BordaLine(finalist_id=finalist_id, name=name) for finalist_id, name in names.items()}
    counted = 0
    for ranks in ballots.values():
        ranks = {int(finalist_id): rank for finalist_id, rank in ranks.items() if int(finalist_id) in lines}
        if not ranks:
            continue
        counted += 1
        best = min(ranks.values())
        for finalist_id, points in ballot_points(ranks, len(names)).items():
            line = lines[finalist_id]
            line.points += points
            line.judges += 1
            line.first_places += 1 if ranks[finalist_id] == best else 0
    for line in lines.values():
        line.average = line.points / line.judges if line.judges else None

    ranked = sorted((line for line in lines.values() if line.average is not None), key=lambda line: -line.average)
    unranked = [line for line in lines.values() if line.average is None]
    ties, position, index = [], 1, 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and abs(ranked[end + 1].average - ranked[index].average) <= TIE_TOLERANCE:
            end += 1
        for line in ranked[index:end + 1]:
            line.position = position
        if end > index:
            ties.append(tuple(line.finalist_id for line in ranked[index:end + 1]))
        position += end - index + 1
        index = end + 1
    return BordaResult(lines=ranked + unranked, ties=ties, finalists=len(names), ballots=counted)


def borda_places(result: BordaResult, highly_commended: int) -> dict[int, str]:
    """The places the Borda order gives: 'winner' first, then `highly_commended` finalists, the rest ''."""
    places = {}
    for index, finalist_id in enumerate(result.order()):
        if index == 0 and result.line(finalist_id).average is not None:
            places[finalist_id] = "winner"
        elif index <= highly_commended and result.line(finalist_id).average is not None:
            places[finalist_id] = "highly_commended"
        else:
            places[finalist_id] = ""
    return places


# --- Ties for a place at the ceremony ------------------------------------------------------------------------------

TIE_BREAKS = ("first_round", "organisers")
TIE_BREAK_LABELS = {
    "first_round": "the finalist with the better result in the judges' first round goes first",
    "organisers": "the organisers decide, and record why",
}


@dataclass(frozen=True)
class TieGroup:
    """Finalists with equal results, in the order the tie-break gave them, and whether the rule settled it."""

    finalist_ids: tuple[int, ...]
    settled: bool


@dataclass(frozen=True)
class SettledOrder:
    """Finalists best first after the tie-break, with the ties met on the way."""

    order: list[int]
    ties: list[TieGroup]
    values: dict[int, float | None]

    def open_tie(self, first: int, second: int) -> bool:
        """Whether two finalists are tied and the rule did not settle it (the organisers must)."""
        return any(not group.settled and {first, second} <= set(group.finalist_ids) for group in self.ties)

    def places(self, highly_commended: int) -> dict[int, str]:
        """The places this order gives: 'winner' first, then `highly_commended` finalists, the rest ''."""
        ranked = [finalist_id for finalist_id in self.order if self.values.get(finalist_id) is not None]
        places = {finalist_id: "" for finalist_id in self.order}
        for index, finalist_id in enumerate(ranked[: highly_commended + 1]):
            places[finalist_id] = "winner" if index == 0 else "highly_commended"
        return places


def settle_ties(
    values: Mapping[int, float | None], first_round: Mapping[int, float | None], rule: str
) -> SettledOrder:
    """Order finalists by result, best first (no result last); equal results settled by the tie-break `rule`.

    `values` is given in a stable order (the ballot's or the shortlist's), which is kept among finalists the rule
    leaves tied.
    """
    given = list(values)
    ranked = sorted((f for f in given if values[f] is not None), key=lambda f: -values[f])
    groups: list[list[int]] = []
    for finalist_id in ranked:
        if groups and abs(values[groups[-1][0]] - values[finalist_id]) <= TIE_TOLERANCE:
            groups[-1].append(finalist_id)
        else:
            groups.append([finalist_id])
    order: list[int] = []
    ties: list[TieGroup] = []
    for group in groups:
        if len(group) > 1:
            group, settled = _break_tie(group, first_round, rule)
            ties.append(TieGroup(tuple(group), settled))
        order.extend(group)
    order += [finalist_id for finalist_id in given if values[finalist_id] is None]
    return SettledOrder(order=order, ties=ties, values=dict(values))


def _break_tie(group: list[int], first_round: Mapping[int, float | None], rule: str) -> tuple[list[int], bool]:
    """The tied finalists in the rule's order, and whether the rule settled every place among them."""
    results = [first_round.get(finalist_id) for finalist_id in group]
    if rule != "first_round" or any(result is None for result in results):
        return group, False
    ordered = sorted(group, key=lambda finalist_id: -first_round[finalist_id])
    distinct = all(
        abs(first_round[a] - first_round[b]) > TIE_TOLERANCE for a, b in zip(ordered, ordered[1:])
    )
    return (ordered, True) if distinct else (group, False)
