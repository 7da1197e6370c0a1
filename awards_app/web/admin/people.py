"""The organisers' area: one person's data on request, found by email address, downloaded or erased.

The address travels in POST bodies only, never in a URL, so that it stays out of logs and browser history. Erasing
takes two steps: the person's page has an "Erase" button that opens a confirmation page with the rules and a reason
box, whose "Yes" button posts the address again with `confirmed=yes`. Like every page for a signed-in person, none is
kept in a cache (web/security_headers.py).
"""
from __future__ import annotations

import json

from flask import flash, make_response, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from awards_app.core import clock, uow
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.privacy import personal_data
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.forms import Required, at_most, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

SEARCH_TEMPLATE = "admin/people/search.html"
CONFIRM_TEMPLATE = "admin/people/confirm_erase.html"


class PersonSearchForm(FlaskForm):
    """The address to look for."""

    email = StringField(
        "Email address",
        validators=[Required("Enter the person's email address"),
                    at_most(EMAIL_LENGTH, "The email address")],
        render_kw={"spellcheck": "false", "autocomplete": "off", "type": "email"},
    )


class EraseForm(FlaskForm):
    """Erase everything held about the address, with the reason for the audit log."""

    email = HiddenField()
    reason = TextAreaField(
        "Why are you erasing this person's data?",
        validators=[Required("Enter the reason for erasing (for example, the date and how the person asked)"),
                    Length(max=personal_data.REASON_MAX, message="The reason must be 1,000 characters or fewer")],
    )
    confirmed = HiddenField()


def _search_page(form: PersonSearchForm, found=None, status: int = 200):
    """The search form, and what was found when there was a search."""
    return render_page(SEARCH_TEMPLATE, status=status, form=form, found=found, now=clock.now(), trail=trail())


def _find(form: PersonSearchForm):
    """What is held about the form's address, or None with the problem put on the form."""
    if not form.validate_on_submit():
        return None
    try:
        return personal_data.find_personal_data(form.email.data)
    except DomainError as problem:
        show_refusal(form, problem, otherwise=form.email)
        return None


@bp.route("/people", methods=["GET", "POST"])
@organiser_required
def people():
    """Find everything held about one email address."""
    form = PersonSearchForm()
    if not form.is_submitted():
        return _search_page(form)
    found = _find(form)
    if found is None:
        return _search_page(form, status=422)
    return _search_page(form, found)


@bp.post("/people/download")
@organiser_required
def download_person():
    """Send everything held about the address as a JSON file."""
    form = PersonSearchForm()
    found = _find(form)
    if found is None:
        return _search_page(form, status=422)
    text = json.dumps(personal_data.export_personal_data(found), indent=2, ensure_ascii=False)
    response = make_response(text)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="personal-data-{clock.now():%Y-%m-%d}.json"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/people/erase")
@organiser_required
def erase_person():
    """Show what erasing would do and ask for a reason; erase when confirmed."""
    form = EraseForm()
    search = PersonSearchForm(data={"email": form.email.data}, meta={"csrf": False})
    try:
        found = personal_data.find_personal_data(form.email.data)
    except DomainError as problem:
        show_refusal(search, problem, otherwise=search.email)
        return _search_page(search, status=422)
    if form.confirmed.data != "yes":
        form.reason.errors = []  # the first step only shows the page; the reason is asked for there
        return _confirm_page(form, found)
    if not form.validate_on_submit():
        return _confirm_page(form, found, status=422)
    try:
        counts = personal_data.erase_personal_data(current_actor(), found.address, form.reason.data)
    except DomainError as refusal:
        show_refusal(form, refusal)
        return _confirm_page(form, found, status=422)
    uow.commit()
    message = "The person's data has been erased. The erasure is in the audit log, without the data."
    if counts["emails_being_sent"]:
        message += " One or more emails to them were being sent at that moment: erase again in a minute to remove them."
    flash(message, "success")
    return see_other(url_for(".people"))


def _confirm_page(form: EraseForm, found, status: int = 200):
    """The confirmation page: what will change, the rules, and the reason box."""
    return render_page(CONFIRM_TEMPLATE, status=status, form=form, found=found,
                       open_votes=found.votes_in_open_contests(), trail=trail())
