"""The judges' area: the final round. For a category without a public vote, each judge on the panel ranks its
finalists (1 is best, each rank once), saves, and submits; an organiser can unlock a submitted ranking.
"""
from __future__ import annotations

import re

from flask import abort, flash, request, url_for

from awards_app.core import uow
from awards_app.core.errors import DomainError, NotFound
from awards_app.extensions import db
from awards_app.judging import final_round, judge_access
from awards_app.judging.scoring import ScoresLocked
from awards_app.web.access import judge_required, organiser_required
from awards_app.web.htmx import render_page
from awards_app.web.judging import bp
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

RANK_FIELD = re.compile(r"rank-([0-9]+)")


# Endpoint judging.final_round; the view is named apart from the service module it calls.
@bp.route("/categories/<int:category_id>/final-round", methods=["GET", "POST"], endpoint="final_round")
@judge_required
def final_round_page(category_id: int):
    """Rank the category's finalists: save as you go, then submit to lock the ranking."""
    place = place_or_404(category_id)
    if place.category.has_public_vote or not place.ranks_finalists:
        abort(404)  # the public chooses this category's winner, or the judge has nothing to rank this year
    if place.conflicts_declared_at is None:
        return see_other(conflicts_url(category_id))
    judge = current_actor()
    form = ConfirmForm()
    errors, problem, status, kept = {}, "", 200, None
    if form.validate_on_submit():
        ranks = {
            form_id(match.group(1)): raw for name, raw in request.form.items() if (match := RANK_FIELD.fullmatch(name))
        }
        submitting = request.form.get("action") == "submit"
        try:
            if submitting:
                final_round.submit_final_ranks(judge, place, ranks)
            else:
                final_round.record_final_ranks(judge, place, ranks)
        except NotFound:
            abort(404)
        except ScoresLocked as refusal:
            problem, status = refusal.message, 409
        except final_round.InvalidRanks as refusal:
            errors, problem, status, kept = refusal.errors, refusal.message, 422, request.form
        except DomainError as refusal:
            problem, status, kept = refusal.message, 422, request.form
        else:
            uow.commit()
            if submitting:
                flash(f"Your final ranking for {place.category.name} is submitted. Thank you.", "success")
            else:
                flash("Your ranking is saved. Submit it when you are happy with it.", "success")
            return see_other(url_for("judging.final_round", category_id=category_id))
        db.session.rollback()  # nothing of a refused save or submission is kept
    finalists = final_round.finalists_for(judge, place)
    stored = final_round.ranks_of(judge, finalists)
    if kept is not None:  # show back what was chosen, not what is stored: nothing was saved
        shown = {finalist.id: kept.get(final_round.field_name(finalist), "") for finalist in finalists}
    else:
        shown = {finalist.id: str(stored.get(finalist.id, "")) for finalist in finalists}
    names = {finalist.id: judge_access.shown_name(finalist.nomination) for finalist in finalists}
    # A submitted ranking reads best first; anything unranked (a finalist added since) comes last.
    unranked = len(finalists) + 1
    ranking = sorted(((stored.get(f.id), names[f.id]) for f in finalists), key=lambda pair: pair[0] or unranked)
    return render_page(
        "judging/final_round.html",
        status=status,
        place=place,
        category=place.category,
        started=final_round.has_final_round(place),
        finalists=[(finalist, names[finalist.id]) for finalist in finalists],
        ranking=ranking,
        conflicted=final_round.conflicted_finalists(judge, place),
        shown=shown,
        errors=errors,
        problem=problem,
        status_error=status == 422,
        locked=final_round.is_locked(place),
        paused_notice=judge_access.paused_notice(place),
        form=form,
        field_name=final_round.field_name,
        trail=category_trail(place),
    )


@bp.post("/panel-places/<int:place_id>/unlock-final-round")
@organiser_required
def unlock_final_ranks(place_id: int):
    """Reopen a judge's submitted final ranking in one category (organisers only)."""
    return unlock_place(
        place_id, final_round.unlock_final_ranks, "The final ranking of {judge} in {category} is unlocked."
    )
