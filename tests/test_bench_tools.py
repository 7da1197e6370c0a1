"""The benchmark's own tools that need no server: reading wrk's report, and the spread of several runs' figures."""
from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    """Import a module of bench/ by its path (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


http_load = _load("http_load")
spread = _load("spread")

# What wrk 4.1 printed for the bare app (bench/floor_app.py) under gunicorn on this machine.
FLOOR_REPORT = """\
Running 2s test @ http://127.0.0.1:18731/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.22ms    1.77ms  45.37ms   86.19%
    Req/Sec     2.50k   365.39     3.12k    62.50%
  Latency Distribution
     50%    2.96ms
     75%    3.58ms
     90%    4.74ms
     99%    8.58ms
  10002 requests in 2.01s, 1.52MB read
Requests/sec:   4977.81
Transfer/sec:    772.92KB
"""

# A slow page with some failures: other statuses, socket errors, and latencies in microseconds and seconds.
TROUBLED_REPORT = """\
Running 4s test @ http://127.0.0.1:18731/results
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.10ms  300.00ms   1.99s    70.00%
    Req/Sec    20.00      8.00    40.00     60.00%
  Latency Distribution
     50%  812.00us
     75%  500.00ms
     90%    1.20s
     99%    1.50s
  150 requests in 4.00s, 3.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 10
Requests/sec:     37.50
Transfer/sec:    768.00KB
"""


# --- wrk's report ---------------------------------------------------------------------------------------------


def test_wrk_report_gives_successes_time_median_and_p99():
    result = http_load.parse_wrk(FLOOR_REPORT, "bare app")

    assert (result.label, result.tool, result.ok, result.requests, result.errors) == ("bare app", "wrk", 10002,
                                                                                       10002, 0)
    assert result.seconds == pytest.approx(2.01)
    assert result.per_second == pytest.approx(10002 / 2.01)
    assert (result.median_ms, result.p99_ms) == (pytest.approx(2.96), pytest.approx(8.58))


def test_wrk_report_counts_other_statuses_and_socket_errors_as_errors_and_reads_every_unit():
    result = http_load.parse_wrk(TROUBLED_REPORT, "/results")

    assert (result.ok, result.errors) == (140, 10 + 2 + 3)
    assert result.per_second == pytest.approx(140 / 4.0)
    assert result.median_ms == pytest.approx(0.812)
    assert result.p99_ms == pytest.approx(1500.0)


def test_wrk_report_without_the_latency_distribution_is_refused_with_the_reason():
    without_latency = "\n".join(line for line in FLOOR_REPORT.splitlines() if "%  " not in line)

    with pytest.raises(ValueError, match=r"no 50%, 99% line \(was it run with --latency\?\)"):
        http_load.parse_wrk(without_latency, "bare app")


def test_two_wrk_runs_together_add_up_counts_and_time_and_weigh_the_percentiles_by_successes():
    first = http_load.WrkResult("/floor", seconds=4.0, ok=300, errors=1, median_ms=2.0, p99_ms=10.0)
    second = http_load.WrkResult("/floor", seconds=4.0, ok=100, errors=0, median_ms=6.0, p99_ms=30.0)

    both = first.together_with(second)

    assert (both.seconds, both.ok, both.errors) == (8.0, 400, 1)
    assert both.per_second == 50.0
    assert (both.median_ms, both.p99_ms) == (3.0, 15.0)


def test_two_wrk_runs_without_a_success_have_no_percentiles():
    empty = http_load.WrkResult("/floor", seconds=4.0, ok=0, errors=16, median_ms=0.0, p99_ms=0.0)

    both = empty.together_with(empty)

    assert both.per_second == 0.0 and math.isnan(both.median_ms) and math.isnan(both.p99_ms)


def test_wrk_command_is_the_issues_with_each_header_and_loads_this_machine_only():
    command = http_load.wrk_command("http://127.0.0.1:8000/results", {"HX-Request": "true", "If-None-Match": '"v7"'})

    assert command[1:5] == ["-t2", "-c16", "-d4s", "--latency"]
    assert command[-1] == "http://127.0.0.1:8000/results"
    assert command[command.index("HX-Request: true") - 1] == "-H"
    assert command[command.index('If-None-Match: "v7"') - 1] == "-H"
    with pytest.raises(ValueError, match="only http://127.0.0.1"):
        http_load.wrk_command("https://example.org/results")


# --- The spread of several runs ---------------------------------------------------------------------------------


def _row(label: str, to_floor: float, to_bare: float, *, tool: str = "wrk", phase: str = "voting",
         met: bool | None = None) -> dict:
    """A row's record as bench/run.py saves it (only the fields the spread reads)."""
    ratios = {"requests_per_second": to_floor, "median": 1 / to_floor, "p99": 2 / to_floor}
    return {
        "row": label, "phase": phase, "tool": tool,
        "to_floor": ratios,
        "to_bare": {"requests_per_second": to_bare, "median": 1 / to_bare, "p99": 2 / to_bare},
        "aim": None if met is None else {"of": "bare app", "ratio": 0.6, "met": met},
    }


def _run(rows: list[dict], growth: dict[str, float], largest: int = 1_000_000) -> dict:
    """A run's record as bench/run.py saves it, its pages grown from 1,000 votes to `largest`."""
    return {"rows": rows, "growth_aims": [
        {"page": page, "from_votes": 1000, "to_votes": largest, "ratio": ratio, "met": ratio <= 2.0}
        for page, ratio in growth.items()]}


def test_spread_is_min_median_max():
    assert spread.spread([0.5, 0.3, 0.4]) == spread.Spread(0.3, 0.4, 0.5, 3)
    assert spread.spread([0.5, 0.3]).median == 0.4
    with pytest.raises(ValueError):
        spread.spread([])


def test_each_row_is_spread_over_the_runs_that_measured_it_by_phase_label_and_tool():
    runs = [
        _run([_row("bare app", 1.3, 1.0), _row("/vote", 0.40, 0.30, met=False), _row("/", 0.5, 0.4, tool="python")],
             {"results page (signed in)": 3.0}),
        _run([_row("/vote", 0.50, 0.62, met=True)], {"results page (signed in)": 1.5}),
        _run([], {"results page (signed in)": 1.0}, largest=20_000),  # grown to another size: a line of its own
        _run([_row("/vote", 0.45, 0.61, met=True), _row("/results", 0.9, 0.7, phase="results", met=True),
              _row("/", 0.6, 0.5)], {"results page (signed in)": 1.2, "organisers' vote view": 1.1}),
    ]

    lines = spread.row_spreads(runs)

    # The newest run's order first; the bare app's own rows are left out; a Python-client row stands apart.
    assert [(line.row, line.tool, line.runs) for line in lines] == [
        ("/vote", "wrk", 3), ("/results", "wrk", 1), ("/", "wrk", 1), ("/", "python", 1)]
    vote = lines[0]
    assert vote.figures["req/s : /floor"] == spread.Spread(0.40, 0.45, 0.50, 3)
    assert vote.figures["req/s : bare"] == spread.Spread(0.30, 0.61, 0.62, 3)
    assert vote.figures["median : /floor"].high == pytest.approx(2.5)
    assert vote.aims_met == 2
    assert lines[2].aims_met is None  # a row without an aim
    growth = {page: (found, met) for page, found, met in spread.growth_spreads(runs)}
    assert growth["results page (signed in) (1,000 to 1,000,000 votes)"] == (spread.Spread(1.2, 1.5, 3.0, 3), 2)
    assert growth["results page (signed in) (1,000 to 20,000 votes)"] == (spread.Spread(1.0, 1.0, 1.0, 1), 1)
    assert growth["organisers' vote view (1,000 to 1,000,000 votes)"] == (spread.Spread(1.1, 1.1, 1.1, 1), 1)


def test_the_newest_runs_files_are_read_oldest_first(tmp_path):
    for stamp in ("20261207T101500Z", "20261207T090000Z", "20261208T000100Z", "20261207T230000Z"):
        (tmp_path / f"run-{stamp}.json").write_text(json.dumps(_run([], {})))
    (tmp_path / "last-run.json").write_text("{}")

    found = spread.run_files(tmp_path, 3)

    assert [path.name for path in found] == ["run-20261207T101500Z.json", "run-20261207T230000Z.json",
                                             "run-20261208T000100Z.json"]
