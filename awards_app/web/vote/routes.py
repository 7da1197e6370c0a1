"""The public vote at /vote: choose a finalist, give an email address, confirm through the emailed link, get a receipt.

Each step POSTs and 303-redirects to the next; a page with problems comes back with 422, the error summary and what
was typed. The choice and the pending request travel in the Flask session (ids only), never in the URL. Opening the
emailed link shows a "Confirm my vote" button and uses nothing up (mail scanners open links); pressing it casts the
vote, for the finalist the email names or for another the person chooses on that page. The voter's budget of emails
is spent only when one is queued. The rules live in voting/votes.py; this module turns requests into calls and
answers into pages.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, session, url_for
from wtforms import SelectChoice

from awards_app.core import clock, uow
from awards_app.core.client_address import rate_limit_key_for_client
from awards_app.core.errors import DomainError
from awards_app.core.links import LinkProblem
from awards_app.core.public_urls import public_url
from awards_app.extensions import db, limiter
from awards_app.programme.editions import current_edition
from awards_app.publication.public_shortlist import shortlist_is_public
from awards_app.publication.sharing import share_links
from awards_app.voting.models import Contest, Vote
from awards_app.voting.votes import (
    AlreadyVoted,
    ContestState,
    VotingNotOpen,
    ballot_finalists,
    chosen_finalist,
    confirm_vote,
    confirmation_for,
    contest_state,
    find_vote_request,
    has_voted,
    open_contests,
    public_contest,
    public_contests,
    request_vote,
    resend_vote_link,
)
from awards_app.web.caching.page_cache import cached_for_visitors
from awards_app.web.error_pages import error_response
from awards_app.web.forms import ActionForm, render_form, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.journeys import explain_journey_errors
from awards_app.web.link_problems import link_problem_page
from awards_app.web.rate_limits import Spent, limit, spend
from awards_app.web.responses import see_other
from awards_app.web.vote import bp
from awards_app.web.vote.forms import BallotForm, ConfirmVoteForm, VoterEmailForm

# What the session holds: the choice made on the ballot, the pending request's id, and the outcome of a confirmation.
CHOICE_KEY = "vote_choice"
REQUEST_KEY = "vote_request"
DONE_KEY = "vote_done"

FORM_EXPIRED_MESSAGE = (
    "This page was open for a long time, so for your security nothing has been sent yet. "
    "Check the page, then press the button again."
)
LINK_WHAT_NEXT = (
    "If voting is still open, you can vote again from the public vote page to get a new link. "
    "If you asked for the same email to be sent again, only the link in the newest one works."
)


def _pending_voter_key() -> str:
    """Rate-limit key: the voter key of this browser's pending request (or its client address without one)."""
    vote_request = find_vote_request(session.get(REQUEST_KEY))
    if vote_request is None:
        return "vote-client:" + rate_limit_key_for_client()
    return "vote-voter:" + vote_request.voter_key


def _voters_budget_spent(spent: Spent):
    """The page for an address that has had its emails for the hour: the links already sent work, and when to ask."""
    response = error_response(
        429,
        "We cannot send another email to this address just now",
        f"We have already sent {spent.amount} emails to this address in the last hour. The link in each of them "
        "still works until it runs out: look in your inbox and your spam or junk folder. Each email names who the "
        "vote is for. If none is for your choice, open any of them anyway: you can choose someone else on its page "
        "before you confirm.",
    )
    response.headers["Retry-After"] = str(spent.retry_after)
    return response


# --- Helpers ---------------------------------------------------------------------------------------------------


def _window_page(edition=None, contests=None, status: int = 200):
    """Say that voting is not open (yet, or any more) with the times; before the shortlist is out, say only that."""
    contests = contests if contests is not None else public_contests(edition)
    states = [contest_state(contest) for contest in contests]
    if contests and all(state is ContestState.CLOSED for state in states):
        heading = "The public vote has closed"
    elif contests and ContestState.OPEN not in states:
        heading = "The public vote has not opened yet"
    else:
        heading = "The public vote is not open"
    return render_page(
        "vote/window.html",
        heading=heading,
        edition=edition,
        shortlist_public=shortlist_is_public(edition),
        # Before the shortlist is out, only the edition's planned opening may be told, never anything of the contest.
        planned_opening=edition.vote_open_at if edition is not None and edition.vote_open_at > clock.now() else None,
        rows=list(zip(contests, states)),
        states=ContestState,
        status=status,
    )


def _contest_or_404(contest_id: int) -> Contest:
    """A contest the public may see (its edition's shortlist is out), or 404."""
    contest = public_contest(contest_id)
    if contest is None:
        abort(404)
    return contest


def _is_open(contest: Contest) -> bool:
    """Whether the contest takes votes now."""
    return contest_state(contest) is ContestState.OPEN


def _already_voted_page(contest: Contest | None):
    """The polite answer to a second vote: it is not an error, so it is not an error page."""
    edition = contest.category.edition if contest is not None else current_edition()
    return render_page("vote/already_voted.html", contest=contest, edition=edition)


def _ballot_page(contest: Contest, form: BallotForm, back_url: str | None = None):
    """The contest's ballot: a radio per finalist with their public summary (Back leads to the list of contests)."""
    finalists = ballot_finalists(contest)
    form.finalist.choices = [SelectChoice(str(finalist.id), finalist.display_name) for finalist in finalists]
    choice = session.get(CHOICE_KEY) or {}
    if request.method == "GET" and choice.get("contest") == contest.id:
        form.finalist.data = str(choice.get("finalist"))
    # "Vote for ..." on a finalist's page opens the ballot with them chosen (?for=<id>): only chosen, never sent, so
    # the voter still presses Continue and confirms from the emailed link, and may choose someone else on the way.
    if request.method == "GET" and request.args.get("for") in {str(finalist.id) for finalist in finalists}:
        form.finalist.data = request.args["for"]
    return render_form(
        "vote/ballot.html",
        form,
        contest=contest,
        edition=contest.category.edition,
        finalists={str(finalist.id): finalist for finalist in finalists},
        back_url=back_url,
    )


# --- Choosing ------------------------------------------------------------------------------------------------------


@bp.get("")
@cached_for_visitors
def start():
    """Show the ballot of the one open contest, a choice of contests when several are open, or when voting opens."""
    edition = current_edition()
    contests = public_contests(edition)
    open_now = [contest for contest in contests if _is_open(contest)]
    if len(open_now) == 1:
        return _ballot_page(open_now[0], BallotForm())
    if open_now:
        return render_page("vote/contests.html", contests=open_now, edition=edition)
    return _window_page(edition, contests)


@bp.get("/")
def start_with_slash():
    """Send /vote/ to the vote's start, for people who type the address with a slash."""
    return redirect(url_for(".start"), code=308)


@bp.route("/<int:contest_id>", methods=["GET", "POST"])
@cached_for_visitors
def ballot(contest_id: int):
    """Ask who the person wants to vote for; the choice is kept in the session for the next step."""
    contest = _contest_or_404(contest_id)
    if not _is_open(contest):
        return _window_page(contest.category.edition, [contest], status=403 if request.method == "POST" else 200)
    form = BallotForm()
    if request.method == "POST":
        if g.get("form_expired"):
            form.form_errors.append(FORM_EXPIRED_MESSAGE)
        else:
            try:
                finalist = chosen_finalist(contest, form.finalist.data)
            except DomainError as error:
                show_refusal(form, error)
            else:
                session[CHOICE_KEY] = {"contest": contest.id, "finalist": finalist.id}
                return see_other(url_for(".email", contest_id=contest.id))
    several_open = len(open_contests(contest.category.edition)) > 1
    return _ballot_page(contest, form, back_url=url_for(".start") if several_open else None)


# --- The email address ---------------------------------------------------------------------------------------------


@bp.route("/<int:contest_id>/email", methods=["GET", "POST"])
@limiter.limit(limit("VOTE_REQUEST_LIMITS_PER_CLIENT"), methods=["POST"], scope="vote-request-client")
def email(contest_id: int):
    """Ask for the voter's email address, then email the link that confirms the vote."""
    contest = _contest_or_404(contest_id)
    if not _is_open(contest):
        return _window_page(contest.category.edition, [contest], status=403 if request.method == "POST" else 200)
    choice = session.get(CHOICE_KEY) or {}
    if choice.get("contest") != contest.id:
        return _choose_first(contest)
    form = VoterEmailForm()
    if request.method == "POST":
        if g.get("form_expired"):
            form.form_errors.append(FORM_EXPIRED_MESSAGE)
        else:
            # request_vote checks the choice kept in the session too, so the finalist is looked up once.
            try:
                vote_request = request_vote(contest, choice.get("finalist"), form.email.data, request.remote_addr)
            except VotingNotOpen:
                return _window_page(contest.category.edition, [contest], status=403)
            except AlreadyVoted:
                return _already_voted_page(contest)
            except DomainError as error:
                if error.field == "finalist":
                    return _choose_first(contest)
                show_refusal(form, error)
            else:
                # The voter's budget counts emails queued, and only those (a post that sends nothing costs nothing),
                # in one atomic step, so that simultaneous requests for one inbox cannot all slip under it.
                spent = spend("VOTE_REQUEST_LIMITS_PER_VOTER", "vote-voter:" + vote_request.voter_key)
                if not spent.allowed:
                    db.session.rollback()  # the request and its email are dropped
                    return _voters_budget_spent(spent)
                request_id = vote_request.id  # read before the commit, which expires it
                uow.commit()
                session[REQUEST_KEY] = request_id
                return see_other(url_for(".check_email"))
    try:
        finalist = chosen_finalist(contest, choice.get("finalist"))
    except DomainError:
        return _choose_first(contest)
    return render_form(
        "vote/email.html",
        form,
        contest=contest,
        edition=contest.category.edition,
        finalist_name=finalist.display_name,
        back_url=url_for(".ballot", contest_id=contest.id),
    )


def _choose_first(contest: Contest):
    """Send someone who has not chosen a finalist (or whose choice is not on the ballot) back to the ballot."""
    flash("Choose who you want to vote for first.", "info")
    return see_other(url_for(".ballot", contest_id=contest.id))


def _pending_request():
    """This browser's pending request, if it is still waiting for its link."""
    vote_request = find_vote_request(session.get(REQUEST_KEY))
    if vote_request is None or vote_request.confirmed_at is not None or vote_request.superseded_at is not None:
        return None
    if not vote_request.email:
        return None
    return vote_request


@bp.get("/check-email")
def check_email():
    """Check your email: the address the link went to, how long it works, and a way to send it again."""
    vote_request = _pending_request()
    if vote_request is None:
        return see_other(url_for(".start"))
    contest = vote_request.contest
    return render_page(
        "vote/check_email.html",
        form=ActionForm(),
        vote_request=vote_request,
        contest=contest,
        edition=contest.category.edition,
        finalist_name=vote_request.finalist.display_name,
        link_expired=vote_request.expires_at <= clock.now(),
    )


@bp.post("/resend")
@limiter.limit(limit("VOTE_RESEND_LIMITS_PER_CLIENT"), scope="vote-resend-client")
@limiter.limit(limit("VOTE_RESEND_LIMITS_PER_VOTER"), scope="vote-resend-voter", key_func=_pending_voter_key)
def resend():
    """Send the link again to the same address (the older link stops working)."""
    vote_request = _pending_request()
    if vote_request is None:
        return see_other(url_for(".start"))
    contest = vote_request.contest
    try:
        resend_vote_link(vote_request)
    except VotingNotOpen:
        return _window_page(contest.category.edition, [contest], status=403)
    except AlreadyVoted:
        return _already_voted_page(contest)
    except DomainError as error:
        flash(error.message, "info")
        return see_other(url_for(".ballot", contest_id=contest.id))
    uow.commit()
    flash("We have sent the email again. Its link replaces the one in the email before it.", "success")
    return see_other(url_for(".check_email"))


# --- Confirming ------------------------------------------------------------------------------------------------


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(limit("VOTE_CONFIRM_LIMITS_PER_CLIENT"), methods=["POST"], scope="vote-confirm-client")
def confirm(token: str):
    """Show the vote with a "Confirm my vote" button (opening the link uses nothing up); the button casts it.

    With ?choose the page shows the ballot instead, the finalist the email named already chosen, so that whoever
    holds the link can vote for someone else (the form then sends its `finalist`).
    """
    if len(token) > 500:
        abort(404)
    form = ConfirmVoteForm()
    choosing = "choose" in request.args or "finalist" in request.form
    if request.method == "POST" and not g.get("form_expired"):
        try:
            vote, already = confirm_vote(token, form.finalist.data if choosing else None)
        except LinkProblem as problem:
            return link_problem_page(problem.reason, LINK_WHAT_NEXT)
        except VotingNotOpen as error:
            return _window_page(error.contest.category.edition, [error.contest], status=403)
        except DomainError as error:  # a choice that is not on the ballot: put it right on this page
            show_refusal(form, error)
        else:
            # Read before the commit, which expires the vote (reading it after would load it again).
            done = {
                "vote": vote.id if vote is not None and not already else None,
                "contest": vote.contest_id if vote is not None else None,
            }
            uow.commit()
            for key in (CHOICE_KEY, REQUEST_KEY):
                session.pop(key, None)
            session[DONE_KEY] = done
            return see_other(url_for(".counted"))
    try:
        vote_request = confirmation_for(token)
    except LinkProblem as problem:
        if problem.reason == "used":  # its vote was counted when the button was pressed
            return _already_voted_page(None)
        return link_problem_page(problem.reason, LINK_WHAT_NEXT)
    contest = vote_request.contest
    if not _is_open(contest):
        return _window_page(contest.category.edition, [contest])
    if has_voted(contest, vote_request.voter_key):
        return _already_voted_page(contest)
    if g.get("form_expired"):
        form.form_errors.append("This page was open for a long time, so your vote has not been counted yet. "
                                "Press Confirm my vote again.")
    finalists = ballot_finalists(contest) if choosing else []
    form.finalist.choices = [SelectChoice(str(finalist.id), finalist.display_name) for finalist in finalists]
    if request.method == "GET":
        form.finalist.data = str(vote_request.finalist_id)
    return render_form(
        "vote/confirm.html",
        form,
        contest=contest,
        edition=contest.category.edition,
        finalist_name=vote_request.finalist.display_name,
        token=token,
        choosing=choosing,
        finalists={str(finalist.id): finalist for finalist in finalists},
    )


@bp.get("/counted")
def counted():
    """Your vote has been counted, with the receipt code; or, after a second press, that it was counted before."""
    done = session.get(DONE_KEY)
    if not isinstance(done, dict):
        return see_other(url_for(".start"))
    vote = db.session.get(Vote, done["vote"]) if isinstance(done.get("vote"), int) else None
    if vote is None:
        contest = db.session.get(Contest, done["contest"]) if isinstance(done.get("contest"), int) else None
        return _already_voted_page(contest)
    contest = vote.contest
    vote_url = public_url("vote.ballot", contest_id=contest.id)
    return render_page(
        "vote/counted.html",
        vote=vote,
        contest=contest,
        edition=contest.category.edition,
        finalist_name=vote.finalist.display_name,
        # "Tell others": the vote's own link, and every finalist's page alike, so nothing shared shows the choice.
        vote_url=vote_url,
        vote_share_links=share_links(vote_url, f"Vote in {contest.category.name}"),
        finalists=ballot_finalists(contest),
    )


@bp.after_request
def keep_out_of_caches(response):
    """Vote pages hold an email address or a receipt: no browser or proxy may keep a copy (think of shared computers)."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- Errors ------------------------------------------------------------------------------------------------------


def _resend_after_expiry():
    """A "send the email again" whose form expired: say so, back on the check-your-email page (None elsewhere)."""
    if request.endpoint == "vote.resend" and _pending_request() is not None:
        flash("This page was open for a long time, so for your security the email was not sent again. "
              "Press the button again.", "info")
        return see_other(url_for(".check_email"))
    return None


explain_journey_errors(
    bp,
    # The pages whose form is shown again, with what was typed, when its token has expired.
    drawn_again={"vote.ballot", "vote.email", "vote.confirm"},
    after_expiry=_resend_after_expiry,
    limits_explained={
        "vote.email": (
            "Your vote has not been sent yet",
            "We have had many votes from your internet connection, or for this email address, in a short time. "
            "Wait an hour, then try again. If many people are voting from one place, such as an event, "
            "contact the awards team.",
        ),
        "vote.resend": (
            "We cannot send another email just now",
            "We have sent several emails in a short time. Check your spam or junk folder, and wait a few minutes "
            "for the newest one. You can ask again in an hour.",
        ),
        "vote.confirm": (
            "Your vote has not been counted yet",
            "Many votes have been confirmed from your internet connection in a short time. Your link still works "
            "until it runs out: wait an hour, open it again and press Confirm my vote.",
        ),
    },
)
