"""The machine's noise: each row's ratios over the benchmark's last runs, as min / median / max, and the growth ratios.

    .venv/bin/python bench/spread.py [--runs 3] [--folder bench/results]

Every `make bench` saves its figures to bench/results/run-<UTC time>.json (bench/run.py); this reads the newest
--runs of them. A row is the same row in two runs when its phase, label and tool agree (a run without wrk loads the
GET rows with the Python client, whose ratios are not comparable with wrk's).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# (key in a row's record, figure in it, heading): the ratios each row is printed with.
FIGURES = (
    ("to_floor", "requests_per_second", "req/s : /floor"),
    ("to_bare", "requests_per_second", "req/s : bare"),
    ("to_floor", "median", "median : /floor"),
    ("to_bare", "median", "median : bare"),
    ("to_floor", "p99", "p99 : /floor"),
    ("to_bare", "p99", "p99 : bare"),
)
SKIPPED_ROWS = {"bare app"}  # the bare app's own rows: their ratios to themselves say nothing


@dataclass(frozen=True)
class Spread:
    """The smallest, median and largest of some figures."""

    low: float
    median: float
    high: float
    count: int

    def text(self) -> str:
        """As 'min/median/max'."""
        return "/".join(_short(value) for value in (self.low, self.median, self.high))


def _short(value: float) -> str:
    """A ratio in at most four characters where it can be: two decimals below 10, fewer above."""
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


@dataclass(frozen=True)
class RowSpread:
    """One row over the runs that measured it."""

    phase: str
    row: str
    tool: str
    runs: int
    figures: dict[str, Spread]  # by heading
    aims_met: int | None  # in how many of the runs its aim was met (None: the row has no aim)


def spread(values: list[float]) -> Spread:
    """Min, median and max of the values (at least one)."""
    if not values:
        raise ValueError("no figures to spread")
    return Spread(min(values), statistics.median(values), max(values), len(values))


def run_files(folder: Path, count: int) -> list[Path]:
    """The newest `count` runs' files, oldest first (their names sort by time)."""
    return sorted(folder.glob("run-*.json"))[-count:]


def row_spreads(runs: list[dict]) -> list[RowSpread]:
    """Each row's ratios over the runs, in the order of the newest run."""
    by_row: dict[tuple[str, str, str], list[dict]] = {}
    for run in reversed(runs):  # the newest first, so that its order is the table's
        for record in run["rows"]:
            if record["row"] not in SKIPPED_ROWS:
                by_row.setdefault((record["phase"], record["row"], record["tool"]), []).append(record)
    found = []
    for (phase, row, tool), records in by_row.items():
        aims = [record["aim"]["met"] for record in records if record.get("aim")]
        found.append(RowSpread(
            phase, row, tool, len(records),
            {heading: spread([record[ratio][figure] for record in records]) for ratio, figure, heading in FIGURES},
            sum(aims) if aims else None,
        ))
    return found


def growth_spreads(runs: list[dict]) -> list[tuple[str, Spread, int]]:
    """Each page's time at the largest size over its time at the smallest, over the runs that grew it between the same
    sizes, with how often the aim was met."""
    by_page: dict[str, list[dict]] = {}
    for run in reversed(runs):
        for aim in run.get("growth_aims", []):
            name = f"{aim['page']} ({aim['from_votes']:,} to {aim['to_votes']:,} votes)"
            by_page.setdefault(name, []).append(aim)
    return [(page, spread([aim["ratio"] for aim in aims]), sum(aim["met"] for aim in aims))
            for page, aims in by_page.items()]


def print_spread(runs: list[dict], names: list[str]) -> None:
    """The table of rows and the growth ratios."""
    print(f"The spread over {len(runs)} run(s), each cell min/median/max of the ratios:")
    for name, run in zip(names, runs):
        setup = run.get("setup", {})
        print(f"  {name}: GETs loaded with {setup.get('get_tool', '?')}, {setup.get('total_seconds', '?')}s in all")
    print()
    print(f"{'row':<18}{'phase':<8}{'tool':<7}{'runs':>4} " + "".join(f"{heading:>18}" for *_, heading in FIGURES)
          + "  aim met")
    for line in row_spreads(runs):
        met = f"{line.aims_met} of {line.runs}" if line.aims_met is not None else ""
        print(f"{line.row:<18}{line.phase:<8}{line.tool:<7}{line.runs:>4} "
              + "".join(f" {line.figures[heading].text():>17}" for *_, heading in FIGURES) + f"  {met}".rstrip())
    growth = growth_spreads(runs)
    if growth:
        print(f"\n{'growth (time at the largest size : at the smallest)':<64}{'min/median/max':>17}  aim met")
        for page, found, met in growth:
            print(f"{page:<64}{found.text():>17}  {met} of {found.count}")


def main() -> None:
    """Print the spread of the newest runs' figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="how many of the newest runs (default 3)")
    parser.add_argument("--folder", type=Path, default=RESULTS_DIR, help="where the runs' files are")
    args = parser.parse_args()
    files = run_files(args.folder, args.runs)
    if not files:
        sys.exit(f"No run-*.json in {args.folder}: run `make bench` first.")
    print_spread([json.loads(path.read_text()) for path in files], [path.stem for path in files])
    if len(files) < args.runs:
        print(f"\nOnly {len(files)} run(s) so far: run `make bench` {args.runs - len(files)} more time(s) for the "
              f"spread of {args.runs}.")


if __name__ == "__main__":
    main()
