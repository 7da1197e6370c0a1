"""Steps the benchmark runs inside the app, each in a process of its own with the server's settings, answering JSON:

    python bench/app_steps.py prepare-votes COUNT   pending vote requests with a working link each (the confirmations)
    python bench/app_steps.py check CONTEST_ID      what the vote left: votes, confirmed and made requests, emails
    python bench/app_steps.py judge-work            each judge's open (entry, criterion) pairs, for the autosave
    python bench/app_steps.py night                 the results phase's contest, for the organisers' vote view
    python bench/app_steps.py results-pages         the results phase's public pages made ready (shares shown, the
                                                    list of votes published): their addresses and what they show

`in_app` runs one from the orchestrator (bench/run.py). The large vote tables are filled with SQL instead
(bench/growth.py): a million votes through the services would take hours.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from server import BIN, PROJECT_ROOT


def in_app(env: dict[str, str], step: str, *args: str) -> dict:
    """Run a step of this file in a process of its own, with the server's settings; answer its JSON."""
    result = subprocess.run(
        [str(BIN / "python"), str(Path(__file__).resolve()), step, *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    if result.returncode != 0:
        sys.exit(f"the benchmark's `{step}` step failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _contest(open_now: bool):
    """The demo's contest (the open one when `open_now`), and an organiser to act as."""
    from sqlalchemy import select

    from awards_app.accounts.models import Role, User
    from awards_app.core import clock
    from awards_app.extensions import db
    from awards_app.voting.models import Contest

    query = select(Contest).order_by(Contest.id)
    if open_now:
        now = clock.now()
        query = query.where(Contest.opens_at <= now, Contest.closes_at > now)
    contest = db.session.scalar(query)
    organiser = db.session.scalar(select(User).where(User.role == Role.ORGANISER))
    if contest is None or organiser is None:
        raise SystemExit("the demo has no contest (open, for the vote): was it built in the right phase?")
    return contest, organiser


def prepare_votes(count: int) -> dict:
    """Publish the shortlist if needed and make `count` pending vote requests with a working link each."""
    from sqlalchemy import func, select

    from awards_app.core import uow
    from awards_app.extensions import db
    from awards_app.publication.public_shortlist import publish_shortlist, shortlist_is_public
    from awards_app.voting.models import Vote
    from awards_app.voting.votes import ballot_finalists, replace_vote_link, request_vote

    contest, organiser = _contest(open_now=True)
    edition = contest.category.edition
    published_now = not shortlist_is_public(edition)
    if published_now:
        publish_shortlist(organiser, edition)
    finalists = ballot_finalists(contest)
    tokens = []
    for number in range(count):
        vote_request = request_vote(
            contest, finalists[number % len(finalists)].id, f"bench-confirm-{number}@example.org", "127.0.0.1"
        )
        # A second link replaces the emailed one, so the benchmark knows the token without reading the email.
        tokens.append(replace_vote_link(vote_request))
        if number % 200 == 199:
            uow.commit()
    uow.commit()
    votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.contest_id == contest.id))
    return {"contest": contest.id, "finalist": finalists[0].id, "tokens": tokens, "votes_before": votes,
            "published_shortlist": published_now}


def check(contest_id: int) -> dict:
    """Count what the run left: votes, confirmed prepared requests, pending requests made by the email step, emails;
    and every figure the app keeps of the contest's votes that differs from a recount (none, when all is well)."""
    from sqlalchemy import func, select

    from awards_app.core.models import OutboxEmail, OutboxStatus
    from awards_app.extensions import db
    from awards_app.voting.counters import recount_mismatches
    from awards_app.voting.models import Contest, Vote, VoteRequest

    def count(model, *conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    return {
        "votes": count(Vote, Vote.contest_id == contest_id),
        "distinct_voters": db.session.scalar(
            select(func.count(func.distinct(Vote.voter_key))).where(Vote.contest_id == contest_id)),
        "prepared_confirmed": count(VoteRequest, VoteRequest.contest_id == contest_id,
                                    VoteRequest.confirmed_at.is_not(None)),
        "requests_made": count(VoteRequest, VoteRequest.email.like("bench-request-%")),
        "outbox_pending": count(OutboxEmail, OutboxEmail.status == OutboxStatus.PENDING),
        "outbox_sent": count(OutboxEmail, OutboxEmail.status == OutboxStatus.SENT),
        "recount_mismatches": recount_mismatches(db.session.get(Contest, contest_id)),
    }


def judge_work() -> dict:
    """Each judge's (entry, criterion) pairs they may still score, by email address: what the autosave sends."""
    from sqlalchemy import select

    from awards_app.accounts.models import Role, User
    from awards_app.extensions import db
    from awards_app.judging import judge_access, scoring

    work: dict[str, list[list[int]]] = {}
    for judge in db.session.scalars(select(User).where(User.role == Role.JUDGE).order_by(User.id)):
        pairs = [
            [entry.id, criterion.id]
            for place in judge_access.panels_of(judge)
            if place.conflicts_declared_at is not None and not scoring.is_locked(place)
            for entry in judge_access.entries_for_judge(judge, place)
            for criterion in scoring.criteria_of(place)
        ]
        if pairs:
            work[judge.email] = pairs
    if not work:
        raise SystemExit("no judge has an open panel: was the demo built with --phase judging?")
    return work


def night() -> dict:
    """The contest of the results phase (closed, its shares shown on /results)."""
    contest, organiser = _contest(open_now=False)
    return {"contest": contest.id, "organiser": organiser.id}


def results_pages() -> dict:
    """Ready the results phase's public pages through the services (the vote's shares shown on /results, its list of
    votes published) and answer their addresses and a name each must show."""
    from awards_app.ceremony.reveals import archived_edition, set_vote_shares
    from awards_app.core import uow
    from awards_app.publication.sharing import public_finalist
    from awards_app.voting import tally
    from awards_app.voting.votes import ballot_finalists

    contest, organiser = _contest(open_now=False)
    category, edition = contest.category, contest.category.edition
    if archived_edition(edition.year) is None:
        raise SystemExit(f"the {edition.year} edition is not in the archive: was the demo built with --phase results?")
    # The results page's shares are counted from the votes: shown, the page depends on how many there are.
    set_vote_shares(organiser, category, True)
    published_now = not tally.is_published(contest)
    if published_now:
        tally.publish_tally(organiser, contest)
    uow.commit()
    finalist = next((found for found in ballot_finalists(contest) if public_finalist(found.id) is not None), None)
    if finalist is None:
        raise SystemExit(f"{category.name} has no finalist the public may see")
    return {"contest": contest.id, "year": edition.year, "edition": edition.name, "category": category.name,
            "finalist": finalist.id, "finalist_name": finalist.display_name, "published_tally": published_now}


STEPS = {"prepare-votes": lambda count: prepare_votes(int(count)), "check": lambda contest: check(int(contest)),
         "judge-work": judge_work, "night": night, "results-pages": results_pages}


def main() -> None:
    """Run the step named on the command line inside the app and print its JSON answer."""
    from awards_app import create_app

    step, *args = sys.argv[1:]
    with create_app().app_context():
        print(json.dumps(STEPS[step](*args)))


if __name__ == "__main__":
    main()
