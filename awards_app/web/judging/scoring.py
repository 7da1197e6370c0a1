"""The judges' area: scoring. A category's entries with the judge's progress, one entry's scoring form (autosaved
by htmx, or saved with a button without JavaScript), the judge's review of their scores, "Submit my scores", and the
organisers' unlock.

Every route reaches entries through judging.judge_access, so any id a judge may not see answers 404, whatever the
reason. Autosave posts one control at a time and gets back a small status ("Saved") that htmx puts in a live region
next to that control, so screen readers announce it.
"""
from __future__ import annotations

import re
import sqlite3
import time

from flask import abort, flash, make_response, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError
from wtforms import TextAreaField

from awards_app.accounts.models import User
from awards_app.core import uow
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import final_round, judge_access, scoring
from awards_app.judging.models import PanelMember
from awards_app.nominations.models import Nomination
from awards_app.web.access import judge_required, organiser_required
from awards_app.web.forms import show_refusal
from awards_app.web.htmx import is_fragment_request, render_page
from awards_app.web.judging import bp
from awards_app.web.judging.panels import confirmation_page, conflict_item, raise_refusal_of
from awards_app.web.judging.shared import (
    ConfirmForm,
    category_trail,
    conflicts_url,
    form_id,
    place_or_404,
    unlock_place,
)
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

SCORE_FIELD = re.compile(r"score-([0-9]+)")
ENTRY_TEMPLATE = "judging/entry.html"
SQLITE_ATTEMPTS = 4


# --- Forms -------------------------------------------------------------------------------------------------------


class EntryForm(FlaskForm):
    """The CSRF token and comment of an entry's scoring form (the criteria's fields vary, so the route reads them)."""

    comment = TextAreaField("Comment (optional)")


class AbstainForm(FlaskForm):
    """Say why you will not score an entry."""

    reason = TextAreaField("Why will you not score this entry?")


# --- The category's entries --------------------------------------------------------------------------------------


@bp.get("/categories/<int:category_id>/entries")
@judge_required
def category_entries(category_id: int):
    """List the entries of a category the judge scores, with their progress."""
    place = place_or_404(category_id)
    if place.conflicts_declared_at is None:
        return see_other(conflicts_url(category_id))
    judge = current_actor()
    entries = [scoring.entry_view(entry, with_answers=False) for entry in judge_access.entries_for_judge(judge, place)]
    return render_page(
        "judging/entries.html",
        place=place,
        category=place.category,
        entries=entries,
        progress=scoring.progress(judge, place),
        criteria=scoring.criteria_of(place),
        locked=scoring.is_locked(place),
        trail=category_trail(place)[:1],
        conflicts_url=conflicts_url(category_id),
        final_round_open=final_round.has_final_round(place),
    )


# --- One entry: read it and score it -----------------------------------------------------------------------------


@bp.route("/entries/<int:nomination_id>", methods=["GET", "POST"])
@judge_required
def score_entry(nomination_id: int):
    """Show an entry with its scoring form; save one control (htmx autosave) or the whole form (a button). A finalist
    the judge ranks but does not score (final round only, or not assigned to them) is shown read-only."""
    judge = current_actor()
    if request.method == "POST" and is_fragment_request():
        # The save itself checks everything below (judge_access.entry_for_judge), once: autosaves come often.
        return _autosave(judge, nomination_id)
    try:
        place, nomination = judge_access.entry_to_read(judge, nomination_id)
    except NotFound:
        abort(404)
    except judge_access.ConflictsUndeclared:
        # On the panel, but conflicts are not declared yet: that comes first.
        category_id = db.session.get(Nomination, nomination_id).category_id
        return see_other(conflicts_url(category_id))
    if not judge_access.scores_entry(place, nomination):
        if request.method == "POST":
            abort(404)  # nothing to save here: as for any entry the judge does not score
        return _reading_page(place, nomination)
    if request.method == "POST":
        return _save_form(judge, place, nomination)
    return _entry_page(judge, place, nomination)


def _autosave(judge: User, nomination_id: int):
    """Save the one control htmx sent and answer with its status: "Saved", or what is wrong (422), or locked or
    waiting for the judge's conflicts (409); 404 for an entry the judge does not score, whatever the reason."""
    names = [name for name in request.form if SCORE_FIELD.fullmatch(name) or name == "comment"]
    try:
        if len(names) != 1:
            judge_access.entry_for_judge(judge, nomination_id)  # an entry the judge may not see is still 404
            return _status_fragment("Not saved: send one score or the comment at a time.", status=422)
        name = names[0]
        if name == "comment":
            text = committed(lambda: scoring.record_comment(judge, nomination_id, request.form["comment"]))
            message = "Comment saved" if text else "Comment removed"
        else:
            criterion_id = form_id(SCORE_FIELD.fullmatch(name).group(1))
            value = committed(lambda: scoring.record_score(judge, nomination_id, criterion_id, request.form[name]))
            message = f"Saved: {value}" if value is not None else "Score cleared"
    except NotFound:
        abort(404)
    except judge_access.ConflictsUndeclared as refusal:
        return _status_fragment(refusal.message, status=409)
    except scoring.ScoresLocked as refusal:
        return _status_fragment(f"Not saved. {refusal.message}", status=409)
    except DomainError as refusal:
        return _status_fragment(f"Not saved. {refusal.message}", status=422)
    return _status_fragment(message, saved=True)


def committed(operation):
    """Run a save and commit it. On SQLite (development and the demo) retry a save that met another one at the same
    moment: SQLite cannot wait for the write lock inside a transaction that has already read, and autosaves of two
    controls often arrive together. PostgreSQL waits by itself, so there the first error is final.
    """
    for attempt in range(SQLITE_ATTEMPTS):
        try:
            result = operation()
            uow.commit()
            return result
        except OperationalError as error:
            if not _sqlite_busy(error) or attempt + 1 == SQLITE_ATTEMPTS:
                raise
            db.session.rollback()
            time.sleep(0.05 * (attempt + 1))


def _sqlite_busy(error: OperationalError) -> bool:
    """Whether the error is SQLite saying another connection holds the write lock."""
    return isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig)


def _status_fragment(message: str, status: int = 200, saved: bool = False):
    """The small status htmx puts next to a control (an error status is swapped in too: see base.html's config)."""
    response = make_response(render_template("judging/_save_status.html", message=message, saved=saved), status)
    response.vary.add("HX-Request")
    return response


def _save_form(judge: User, place: PanelMember, nomination: Nomination):
    """Save the whole form (no JavaScript), then 303 to the same entry or on to the next; errors re-show it (422)."""
    values = {
        form_id(match.group(1)): raw for name, raw in request.form.items() if (match := SCORE_FIELD.fullmatch(name))
    }
    comment = request.form.get("comment")
    try:
        committed(lambda: scoring.record_entry(judge, nomination.id, values, comment))
    except NotFound:
        abort(404)
    except scoring.ScoresLocked as refusal:
        return _entry_page(judge, place, nomination, status=409, problem=refusal.message)
    except scoring.InvalidScores as refusal:
        return _entry_page(judge, place, nomination, status=422, errors=refusal.errors, kept=request.form)
    except DomainError as refusal:
        return _entry_page(judge, place, nomination, status=422, problem=refusal.message, kept=request.form)
    flash(f"Your scores for {judge_access.shown_name(nomination)} are saved.", "success")
    back = _review_return(place)
    if back and request.form.get("go") == "review":
        return see_other(back)
    if request.form.get("go") == "next":
        return _go_on(place, _neighbours(judge, place, nomination)[1])
    return see_other(url_for("judging.score_entry", nomination_id=nomination.id, next=back))


def _go_on(place: PanelMember, following: int | None):
    """303 to the next entry in the judge's list, or back to the list after the last."""
    if following is None:
        return see_other(url_for("judging.category_entries", category_id=place.category_id))
    return see_other(url_for("judging.score_entry", nomination_id=following))


@bp.post("/entries/<int:nomination_id>/abstain")
@judge_required
def abstain_entry(nomination_id: int):
    """Say you will not score an entry (and why), then confirm: it is left out of your scores and of the ranking."""
    judge = current_actor()
    try:
        place, nomination = judge_access.entry_for_judge(judge, nomination_id)
    except NotFound:
        abort(404)
    except DomainError:
        category_id = db.session.get(Nomination, nomination_id).category_id
        return see_other(conflicts_url(category_id))
    form = AbstainForm()
    if not form.validate_on_submit():
        abort(400)
    step = request.form.get("step")
    following = _neighbours(judge, place, nomination)[1]
    name = judge_access.shown_name(nomination)
    try:
        if step == "confirm":
            scoring.abstain_entry(judge, nomination.id, form.reason.data)
        else:
            # Ask only about what would be accepted: a refusal is shown now, not after "Yes".
            raise_refusal_of(lambda: scoring.abstain_entry(judge, nomination.id, form.reason.data))
    except scoring.ScoresLocked as refusal:
        return _entry_page(judge, place, nomination, status=409, problem=refusal.message)
    except DomainError as refusal:
        show_refusal(form, refusal, otherwise=form.reason)
        return _entry_page(judge, place, nomination, status=422, abstain_form=form)
    if step == "change":
        return _entry_page(judge, place, nomination, abstain_form=form)  # back to the entry, the reason kept
    if step != "confirm":
        return confirmation_page(
            form, place,
            heading=f"Stop scoring {name}?",
            items=[conflict_item(judge, nomination.id, name, form.reason.data.strip())],
            hidden=[("reason", form.reason.data)],
            action_url=url_for("judging.abstain_entry", nomination_id=nomination.id),
            confirm_label="Yes, do not score this entry",
        )
    uow.commit()
    flash(f"You will not score {name}. It is left out of your scores and of the ranking.", "success")
    return _go_on(place, following)


def _neighbours(judge: User, place: PanelMember, nomination: Nomination) -> tuple[int | None, int | None]:
    """The ids of the entries before and after this one in the judge's list."""
    ids = [entry.id for entry in judge_access.entries_for_judge(judge, place)]
    position = ids.index(nomination.id)
    before = ids[position - 1] if position > 0 else None
    after = ids[position + 1] if position + 1 < len(ids) else None
    return before, after


def _entry_page(
    judge: User,
    place: PanelMember,
    nomination: Nomination,
    status: int = 200,
    errors: dict[str, str] | None = None,
    kept=None,
    problem: str = "",
    abstain_form: AbstainForm | None = None,
):
    """The entry page: the nomination as judges see it and the scoring form, with any input kept on error."""
    criteria = scoring.criteria_of(nomination)
    scores = scoring.scores_of(judge, nomination)
    if kept is not None:
        # Show back what was typed, not what is stored: nothing was saved.
        shown = {c.id: kept.get(f"score-{c.id}", _stored(scores, c.id)) for c in criteria}
        comment = kept.get("comment", scoring.comment_of(judge, nomination))
    else:
        shown = {criterion.id: _stored(scores, criterion.id) for criterion in criteria}
        comment = scoring.comment_of(judge, nomination)
    before, after = _neighbours(judge, place, nomination)
    abstain_form = abstain_form or AbstainForm(formdata=None)
    return render_page(
        ENTRY_TEMPLATE,
        status=status,
        place=place,
        category=place.category,
        entry=scoring.entry_view(nomination),
        criteria=criteria,
        shown=shown,
        comment=comment,
        comment_max=scoring.COMMENT_MAX_LENGTH,
        errors=errors or {},
        problem=problem,
        locked=scoring.is_locked(place),
        progress=scoring.progress(judge, place),
        previous_id=before,
        next_id=after,
        entry_form=EntryForm(formdata=None),
        abstain_form=abstain_form,
        reason_max=scoring.REASON_MAX_LENGTH,
        trail=category_trail(place),
        review_url=_review_return(place),
    )


def _reading_page(place: PanelMember, nomination: Nomination):
    """A finalist as a judge who ranks but does not score it reads it: the nomination, then back to the final round
    (no neighbours, no scoring form, no way to abstain)."""
    final_round_url = url_for("judging.final_round", category_id=place.category_id)
    return render_page(
        ENTRY_TEMPLATE,
        read_only=True,
        place=place,
        category=place.category,
        entry=scoring.entry_view(nomination),
        final_round_url=final_round_url,
        trail=[("Your panels", url_for("judging.home")), (f"Final round: {place.category.name}", final_round_url)],
    )


def _review_return(place: PanelMember) -> str | None:
    """The review page to go back to after saving, when the entry was opened from it ("Change").

    The `next` sent is followed only when it is exactly this category's review page: a fixed address of this site,
    so no value (another site, //host, /\\host, another judge's page) can turn it into an open redirect.
    """
    review = url_for("judging.review_scores", category_id=place.category_id)
    return review if request.values.get("next") == review else None


def _stored(scores: dict[int, int], criterion_id: int) -> str:
    """A stored score as the form shows it ('' when there is none)."""
    value = scores.get(criterion_id)
    return "" if value is None else str(value)


# --- Reviewing, submitting, and the organisers' unlock ----------------------------------------------------------


@bp.get("/categories/<int:category_id>/review")
@judge_required
def review_scores(category_id: int):
    """The judge's own scores and comments on every entry of the category on one page, each with a way back to it."""
    place = place_or_404(category_id)
    if place.conflicts_declared_at is None:
        return see_other(conflicts_url(category_id))
    review = scoring.review_of(current_actor(), place)
    return render_page(
        "judging/review.html",
        place=place,
        category=place.category,
        review=review,
        progress=review.progress,
        locked=scoring.is_locked(place),
        trail=category_trail(place),
    )


@bp.route("/categories/<int:category_id>/submit", methods=["GET", "POST"])
@judge_required
def submit_scores(category_id: int):
    """Check what is left and, when everything is scored, lock the judge's scores in the category."""
    place = place_or_404(category_id)
    if place.conflicts_declared_at is None:
        return see_other(conflicts_url(category_id))
    judge = current_actor()
    form = ConfirmForm()
    problem, status = "", 200
    if form.validate_on_submit():
        try:
            scoring.submit_scores(judge, place)
        except scoring.ScoresLocked as refusal:
            problem, status = refusal.message, 409
        except DomainError as refusal:
            problem, status = refusal.message, 422
        else:
            uow.commit()
            flash(f"Your scores for {place.category.name} are submitted. Thank you.", "success")
            return see_other(url_for("judging.category_entries", category_id=category_id))
    state = scoring.progress(judge, place)
    entries = {entry.id: entry for entry in judge_access.entries_for_judge(judge, place)}
    unfinished = [
        (scoring.entry_view(entries[entry_id], with_answers=False), state.states[entry_id])
        for entry_id in state.unfinished_ids
    ]
    return render_page(
        "judging/submit.html",
        status=status,
        place=place,
        category=place.category,
        progress=state,
        unfinished=unfinished,
        has_criteria=bool(scoring.criteria_of(place)),
        locked=scoring.is_locked(place),
        problem=problem,
        form=form,
        trail=category_trail(place),
    )


@bp.post("/panel-places/<int:place_id>/unlock")
@organiser_required
def unlock_scores(place_id: int):
    """Reopen a judge's submitted scores in one category (organisers only)."""
    return unlock_place(place_id, scoring.unlock_scores, "The scores of {judge} in {category} are unlocked.")
