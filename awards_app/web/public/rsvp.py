"""The ceremony invitation's RSVP at /rsvp/<token>: the invitee's personal link, yes or no with any access needs."""
from __future__ import annotations

from flask import flash, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField

from awards_app.ceremony.rsvp import (
    ACCESS_NEEDS_MAX,
    answer_invitation,
    ceremony_has_started,
    invitation_for_link,
)
from awards_app.core.links import LinkProblem
from awards_app.extensions import limiter
from awards_app.web.forms import Required, at_most, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.link_problems import link_problem_page
from awards_app.web.public import bp
from awards_app.web.rate_limits import limit
from awards_app.web.responses import no_store, see_other

TEMPLATE = "public/rsvp.html"
WHAT_NEXT = "To tell us whether you can come, reply to the email that invited you, or contact the awards team."
ANSWER_LABELS = {"yes": "Yes, I will come", "no": "No, I cannot come"}


class RsvpForm(FlaskForm):
    """Will you come, and any access needs."""

    answer = RadioField(
        "Will you come?",
        choices=[SelectChoice(value, label) for value, label in ANSWER_LABELS.items()],
        validators=[Required("Choose whether you will come")],
        invalid_choice_message="Choose whether you will come",
    )
    access_needs = TextAreaField(
        "Tell us about any access needs",
        validators=[at_most(ACCESS_NEEDS_MAX, "Access needs")],
    )


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
@limiter.limit(limit("RSVP_LIMITS_PER_CLIENT"), methods=["POST"])
def rsvp(token: str):
    """Show the ceremony's details and the invitee's answer; save a new answer until the ceremony starts."""
    try:
        if len(token) > 500:  # no link of ours is this long: spare the signature check
            raise LinkProblem("tampered")
        invitation = invitation_for_link(token)
        if not invitation.edition.is_public:
            raise LinkProblem("tampered")  # a draft's ceremony is not public: the link says nothing of it
    except LinkProblem as problem:
        return no_store(link_problem_page(problem.reason, WHAT_NEXT))
    edition = invitation.edition
    if ceremony_has_started(edition):
        return no_store(render_page(TEMPLATE, form=None, invitation=invitation, edition=edition, labels=ANSWER_LABELS))
    form = RsvpForm(data={"answer": invitation.answer, "access_needs": invitation.access_needs})
    saved = save_form(form, lambda: answer_invitation(token, form.answer.data, form.access_needs.data))
    if saved:
        flash("Thank you: your answer is saved.", "success")
        return see_other(url_for(".rsvp", token=token, _anchor="your-answer"))
    return no_store(render_form(TEMPLATE, form, invitation=invitation, edition=edition, labels=ANSWER_LABELS))
