"""The organisers' own accounts: the team (inviting a colleague by email, resending or withdrawing an invitation,
removing someone after a confirmation page that names them), and the security page (who uses two-factor sign-in,
whether the site requires it of organisers, resetting someone's when they have lost their phone).

Invitations are counted once emailed, per organiser and per colleague (web/rate_limits.py): an over-limit invitation
is dropped, with the words on the form (429).
"""
from __future__ import annotations

from flask import abort, flash, session, url_for
from flask_login import logout_user
from flask_wtf import FlaskForm
from wtforms import StringField

from awards_app.accounts import team, two_factor
from awards_app.accounts.models import User
from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.forms import (
    ActionForm,
    Required,
    at_most,
    button_action,
    email_field,
    render_form,
    save_form,
    show_refusal,
)
from awards_app.web.htmx import render_page
from awards_app.web.rate_limits import spend
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor
from awards_app.web.template_helpers import format_datetime


@bp.get("/security")
@organiser_required
def security():
    """List who uses two-factor sign-in, and say whether the site requires it of organisers (a setting of the site)."""
    return render_page(
        "admin/security.html",
        required=two_factor.organisers_must_use_two_factor(),
        accounts=two_factor.accounts_for_security_page(),
        trail=trail(),
    )


@bp.post("/security/accounts/<int:user_id>/reset-two-factor")
@organiser_required
def reset_two_factor(user_id: int):
    """Switch off someone else's two-factor sign-in (they lost their phone): they sign in with their password next."""
    user = db.get_or_404(User, user_id)
    button_action(
        ActionForm(),
        lambda: two_factor.reset(current_actor(), user),
        lambda _: f"Two-factor sign-in has been reset for {user.email}. They have been signed out everywhere.",
    )
    return see_other(url_for(".security"))


# --- The organisers' team -----------------------------------------------------------------------------------------


class InviteOrganiserForm(FlaskForm):
    """A colleague to invite to the team: their address and name."""

    email = email_field(Required("Enter your colleague's email address"), autocomplete="off")
    name = StringField(
        "Full name",
        validators=[Required("Enter your colleague's name"), at_most(team.NAME_MAX_LENGTH, "The name")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


def _organiser(organiser_id: int) -> User:
    """An organiser's account (on the team or not any more), or 404: a judge's account is not one."""
    person = db.get_or_404(User, organiser_id)
    if not person.is_organiser:
        abort(404)
    return person


def _team_page(form: InviteOrganiserForm | None = None, status: int | None = None):
    """The team page with its invitation form; 422 when the form comes back with errors."""
    form = form or InviteOrganiserForm(formdata=None)
    return render_page(
        "admin/team/list.html",
        status=status or (422 if form.errors else 200),
        form=form,
        members=team.team(),
        label=team.label,
        trail=trail(),
    )


def _commit_invitation(actor: User, person: User) -> str | None:
    """Commit an invitation just queued, unless it goes over a limit: then drop it and say why (None: committed).

    Counted only once an email is queued, so a refused or mistyped form costs nothing.
    """
    for name, key in (
        ("TEAM_INVITATION_LIMITS_PER_ORGANISER", f"team-invitations-by:{actor.id}"),
        ("TEAM_INVITATION_LIMITS_PER_INVITEE", f"team-invitations-to:{person.id}"),
    ):
        spent = spend(name, key)
        if not spent.allowed:
            db.session.rollback()  # the invitation and its email are dropped
            minutes = max(1, -(-spent.retry_after // 60))
            return (
                "No invitation was sent: as many as allowed for now have been sent already. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            )
    uow.commit()
    return None


@bp.get("/team")
@organiser_required
def team_page():
    """The organisers' team: who has joined (and when they last signed in), who is invited, and the invitation form."""
    return _team_page()


@bp.post("/team/invite")
@organiser_required
def invite_organiser():
    """Invite a colleague: their account is made and an email with a single-use link to set a password is sent."""
    form, actor = InviteOrganiserForm(), current_actor()
    if form.validate_on_submit():
        try:
            person, expires_at = team.invite_organiser(actor, form.email.data, form.name.data)
        except DomainError as refusal:
            show_refusal(form, refusal)
        else:
            address, name = person.email, team.label(person)  # read before the commit, which expires them
            over_limit = _commit_invitation(actor, person)
            if over_limit:
                form.form_errors.append(over_limit)
                return _team_page(form, status=429)
            flash(
                f"An invitation has been emailed to {name} at {address}. Its link works once, until "
                f"{format_datetime(expires_at)}.",
                "success",
            )
            return see_other(url_for(".team_page"))
    return _team_page(form)


@bp.post("/team/<int:organiser_id>/resend")
@organiser_required
def resend_organiser_invitation(organiser_id: int):
    """Email an invited colleague a new link; the link in any earlier invitation stops working."""
    person, actor = _organiser(organiser_id), current_actor()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        expires_at = team.resend_invitation(actor, person)
    except DomainError as refusal:
        flash(refusal.message, "error")
    else:
        address = person.email
        over_limit = _commit_invitation(actor, person)
        if over_limit:
            flash(over_limit, "error")
        else:
            flash(
                f"A new invitation has been emailed to {address}; it works until {format_datetime(expires_at)}. "
                "The link in any earlier invitation no longer works.",
                "success",
            )
    return see_other(url_for(".team_page"))


@bp.post("/team/<int:organiser_id>/withdraw")
@organiser_required
def withdraw_organiser_invitation(organiser_id: int):
    """Take back an invitation not yet accepted: its link stops working."""
    person = _organiser(organiser_id)
    button_action(
        ActionForm(),
        lambda: team.withdraw_invitation(current_actor(), person),
        lambda _: f"The invitation to {person.email} has been withdrawn: its link no longer works.",
    )
    return see_other(url_for(".team_page"))


@bp.route("/team/<int:organiser_id>/remove", methods=["GET", "POST"])
@organiser_required
def remove_organiser(organiser_id: int):
    """Ask for confirmation, naming the person, then take them off the team: they are signed out everywhere at once.

    Removing yourself (leaving) signs this browser out too, and lands on the public home page.
    """
    person, actor = _organiser(organiser_id), current_actor()
    name, leaving = team.label(person), person.id == actor.id
    form = ActionForm()
    if save_form(form, lambda: team.remove_organiser(actor, person)):
        if leaving:
            logout_user()
            session.clear()
            flash("You have left the organisers' team and have been signed out.", "success")
            return see_other(url_for("public.home"))
        flash(
            f"{name} has been removed from the organisers' team and signed out everywhere. What they did stays in "
            "the audit log under their name.",
            "success",
        )
        return see_other(url_for(".team_page"))
    return render_form(
        "admin/team/remove.html",
        form,
        person=person,
        name=name,
        leaving=leaving,
        refused_because=None if form.errors else team.removal_refused_because(actor, person),
        trail=[*trail(), ("The organisers' team", url_for(".team_page"))],
    )
