"""The organisers' area: publishing the shortlist, presenting each finalist, and the contests of the public vote.

One overview page per edition (/admin/editions/<id>/shortlist) shows each category's finalists with their consent,
public name, summary and image, and the buttons that publish the shortlist now or at a set time (or cancel a set
time). Each finalist has a page for its public name, summary and image; each public-vote category a page for its
contest's times. Every form works without JavaScript; a refusal comes back on the page with status 422.
"""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, StopValidation

from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.judging.shortlist import finalists_of
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Category, Edition
from awards_app.publication import public_shortlist as publication
from awards_app.publication.images import MAX_IMAGE_BYTES, MAX_SIDE
from awards_app.voting import contests
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.forms import MomentsForm
from awards_app.web.admin.shared import category_or_404, edition_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.downloads import send_image
from awards_app.web.forms import (
    ActionForm,
    Required,
    button_action,
    render_form,
    save_form,
    show_refusal,
)
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor
from awards_app.web.template_helpers import format_datetime

SHORTLIST = "/editions/<int:edition_id>/shortlist"
FINALIST = SHORTLIST + "/finalists/<int:finalist_id>"
CONTEST = SHORTLIST + "/categories/<int:category_id>/contest"

CONSENT_LABELS = {
    ConsentState.GIVEN: "Consent given",
    ConsentState.REQUESTED: "Consent asked, no answer yet",
    ConsentState.NOT_REQUESTED: "Consent not asked yet",
    ConsentState.DECLINED: "Consent declined",
}


# --- Forms -------------------------------------------------------------------------------------------------------


class ScheduleForm(MomentsForm):
    """When the shortlist is to be announced."""


class ContestForm(MomentsForm):
    """When a category's public vote opens and closes."""


ScheduleForm.add_moment("publish_at", "of the announcement")
ContestForm.add_moment("opens_at", "the vote opens")
ContestForm.add_moment("closes_at", "the vote closes")


class SummaryForm(FlaskForm):
    """The name and short summary the public sees for a finalist."""

    public_name = StringField(
        "Name shown to the public",
        validators=[
            Required("Enter the name the public sees"),
            Length(max=publication.PUBLIC_NAME_MAX_LENGTH, message="The name must be 200 characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "Short public summary",
        validators=[
            Required("Enter a short summary for the public"),
            Length(max=publication.SUMMARY_MAX_LENGTH, message="The summary must be 600 characters or fewer"),
        ],
    )


class ImageForm(FlaskForm):
    """An image to show beside the finalist."""

    image = FileField("Upload an image")

    def validate_image(self, field):
        """A file must be chosen (its content is checked by the service)."""
        if not field.data or not getattr(field.data, "filename", ""):
            raise StopValidation("Select an image to upload")


# --- Loading what the URL names ----------------------------------------------------------------------------------


def _finalist(edition_id: int, finalist_id: int) -> Finalist:
    """The finalist, or 404 when it does not exist or belongs to another edition."""
    finalist = db.get_or_404(Finalist, finalist_id)
    if finalist.category.edition_id != edition_id:
        abort(404)
    return finalist


def _vote_category(edition_id: int, category_id: int) -> Category:
    """The category, or 404 when it does not exist, belongs to another edition, or has no public vote."""
    category = category_or_404(edition_id, category_id)
    if not category.has_public_vote:
        abort(404)
    return category


def _shortlist_trail(edition: Edition) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its shortlist page."""
    return [*trail(edition), ("Shortlist and public vote", url_for(".shortlist_publication", edition_id=edition.id))]


def _refuse(form, refusal: DomainError) -> None:
    """Show a refusal on the form; a shortlist not ready to publish lists each of its reasons above the form."""
    if isinstance(refusal, publication.ShortlistNotReady):
        form.form_errors.extend(refusal.problems)
    else:
        show_refusal(form, refusal)


def _back_to_overview(edition_id: int, anchor: str | None = None, category_id: int | None = None):
    """303 to the shortlist overview (a category's part of it when given), at `anchor` when given."""
    return see_other(url_for(".shortlist_publication", edition_id=edition_id, category=category_id, _anchor=anchor))


# --- The overview: publication -----------------------------------------------------------------------------------


def _overview(edition: Edition, schedule_form: ScheduleForm | None = None, failed=None, status: int = 200,
              shown: Category | None = None):
    """The overview page: the publication's state and what stops it, with a line for each category; or, when `shown`
    is given, that category's contest and finalists (one category a page, so a year of finalists is never one page)."""
    schedule_form = schedule_form or ScheduleForm(formdata=None)
    schedule_form.fill("publish_at", edition.shortlist_published_at, edition.timezone)
    sections = [
        {
            "category": category,
            "finalists": finalists_of(category),
            "contest": contests.contest_of(category),
        }
        for category in edition.categories
    ]
    return render_page(
        "admin/publication/overview.html",
        status=status,
        edition=edition,
        is_public=publication.shortlist_is_public(edition),
        problems=publication.shortlist_problems(edition),
        sections=sections,
        shown=next((section for section in sections if section["category"] == shown), None),
        has_opened=contests.has_opened,
        consent_labels=CONSENT_LABELS,
        given=ConsentState.GIVEN,
        schedule_form=schedule_form,
        action_form=ActionForm(formdata=None),
        form=failed,
        trail=trail(edition),
    )


@bp.get(SHORTLIST)
@organiser_required
def shortlist_publication(edition_id: int):
    """Show the shortlist's publication and a line for each category, or one category's contest and finalists."""
    edition = edition_or_404(edition_id)
    shown = None
    if "category" in request.args:
        category_id = database_id(request.args["category"])
        if category_id is None:
            abort(404)
        shown = category_or_404(edition.id, category_id)
    return _overview(edition, shown=shown)


@bp.post(SHORTLIST + "/publish")
@organiser_required
def publish_shortlist_now(edition_id: int):
    """Publish the shortlist now."""
    return _publication_button(
        edition_id, publication.publish_shortlist, "The shortlist is published: it is on the public shortlist page now."
    )


@bp.post(SHORTLIST + "/schedule")
@organiser_required
def schedule_shortlist(edition_id: int):
    """Publish the shortlist at a set time."""
    edition = edition_or_404(edition_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            moment = publication.publish_shortlist(
                current_actor(), edition, form.moment("publish_at", edition.timezone)
            )
        except DomainError as refusal:
            _refuse(form, refusal)
        else:
            uow.commit()
            flash(f"The shortlist will be published at {_when(moment, edition)}. Nothing of it is public before then.",
                  "success")
            return _back_to_overview(edition.id)
    return _overview(edition, schedule_form=form, failed=form, status=422)


@bp.post(SHORTLIST + "/unpublish")
@organiser_required
def unpublish_shortlist(edition_id: int):
    """Cancel the publication set for a later time."""
    return _publication_button(
        edition_id, publication.unpublish_shortlist,
        "The publication is cancelled: the shortlist stays private until you publish it again.",
    )


def _publication_button(edition_id: int, operation, message: str):
    """Publish now or cancel a set time, operation(actor, edition): flash `message`, or show what stops it (422)."""
    edition = edition_or_404(edition_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operation(current_actor(), edition)
    except DomainError as refusal:
        _refuse(form, refusal)
        return _overview(edition, failed=form, status=422)
    uow.commit()
    flash(message, "success")
    return _back_to_overview(edition.id)


def _when(moment: datetime, edition: Edition) -> str:
    """A moment in the edition's timezone, in words."""
    return format_datetime(moment, edition.timezone)


# --- A finalist's public name, summary and image ------------------------------------------------------------------


def _finalist_page(finalist: Finalist, summary_form=None, image_form=None, status: int = 200):
    """The finalist's page: the summary form, the image and its upload form (or why they are locked)."""
    edition = finalist.category.edition
    if summary_form is None:
        summary_form = SummaryForm(
            formdata=None,
            data={"public_name": finalist.display_name, "summary": finalist.nomination.public_summary},
        )
    image_form = image_form or ImageForm(formdata=None)
    failed = next((form for form in (summary_form, image_form) if form.errors), None)
    return render_page(
        "admin/publication/finalist.html",
        status=status,
        edition=edition,
        finalist=finalist,
        nomination=finalist.nomination,
        locked=contests.is_locked(finalist.category),
        contest=contests.contest_of(finalist.category),
        has_image=publication.has_stored_image(finalist),
        consent_labels=CONSENT_LABELS,
        summary_form=summary_form,
        image_form=image_form,
        action_form=ActionForm(formdata=None),
        max_bytes=MAX_IMAGE_BYTES,
        max_side=MAX_SIDE,
        name_limit=publication.PUBLIC_NAME_MAX_LENGTH,
        summary_limit=publication.SUMMARY_MAX_LENGTH,
        form=failed,
        trail=_shortlist_trail(edition),
    )


@bp.route(FINALIST, methods=["GET", "POST"])
@organiser_required
def edit_finalist(edition_id: int, finalist_id: int):
    """Change the name and short summary the public sees for a finalist."""
    finalist = _finalist(edition_id, finalist_id)
    form = SummaryForm()
    if save_form(form, lambda: publication.set_finalist_summary(
        current_actor(), finalist, form.public_name.data, form.summary.data
    )):
        flash(f"The public details of {finalist.display_name} are saved.", "success")
        return _back_to_overview(edition_id, anchor=f"finalist-{finalist.id}", category_id=finalist.category_id)
    if not form.is_submitted():
        return _finalist_page(finalist)
    return _finalist_page(finalist, summary_form=form, status=422)


@bp.post(FINALIST + "/image")
@organiser_required
def upload_finalist_image(edition_id: int, finalist_id: int):
    """Store an image for a finalist after checking its content."""
    finalist = _finalist(edition_id, finalist_id)
    form = ImageForm()
    # Read one byte more than the limit: enough to know a file is too large without reading all of it.
    if saved := save_form(form, lambda: publication.save_finalist_image(
        current_actor(), finalist, form.image.data.stream.read(MAX_IMAGE_BYTES + 1)
    )):
        flash(f"The image of {finalist.display_name} is saved ({saved.result.name}).", "success")
        return _back_to_image(finalist)
    return _finalist_page(finalist, image_form=form, status=422)


@bp.post(FINALIST + "/image/remove")
@organiser_required
def remove_finalist_image(edition_id: int, finalist_id: int):
    """Take a finalist's image down."""
    finalist = _finalist(edition_id, finalist_id)
    button_action(
        ActionForm(),
        lambda: publication.remove_finalist_image(current_actor(), finalist),
        lambda _: f"The image of {finalist.display_name} is removed.",
    )
    return _back_to_image(finalist)


def _back_to_image(finalist: Finalist):
    """303 to the image section of the finalist's page."""
    return see_other(url_for(".edit_finalist", edition_id=finalist.category.edition_id, finalist_id=finalist.id,
                             _anchor="image-section"))


@bp.get(FINALIST + "/image")
@organiser_required
def finalist_image_preview(edition_id: int, finalist_id: int):
    """The finalist's image for organisers, public or not (never kept by any cache)."""
    stored = publication.stored_image(_finalist(edition_id, finalist_id))
    if stored is None:
        abort(404)
    return send_image(stored, public=False)


# --- A category's contest ----------------------------------------------------------------------------------------


@bp.route(CONTEST, methods=["GET", "POST"])
@organiser_required
def edit_contest(edition_id: int, category_id: int):
    """Set when a category's public vote opens and closes (fixed once it opens)."""
    category = _vote_category(edition_id, category_id)
    edition = category.edition
    contest = contests.contest_of(category)
    form = ContestForm()

    def save():
        opens_at, closes_at = form.moment("opens_at", edition.timezone), form.moment("closes_at", edition.timezone)
        contests.save_contest(current_actor(), category, opens_at, closes_at)
        return opens_at, closes_at

    if saved := save_form(form, save):
        opens_at, closes_at = saved.result
        flash(f"The public vote in {category.name} opens at {_when(opens_at, edition)} and closes at "
              f"{_when(closes_at, edition)}.", "success")
        return _back_to_overview(edition.id, anchor=f"category-{category.id}", category_id=category.id)
    if contest is not None:
        form.fill("opens_at", contest.opens_at, edition.timezone)
        form.fill("closes_at", contest.closes_at, edition.timezone)
    else:
        form.fill("opens_at", edition.vote_open_at, edition.timezone)
        form.fill("closes_at", edition.vote_close_at, edition.timezone)
    return render_form(
        "admin/publication/contest.html",
        form,
        edition=edition,
        category=category,
        contest=contest,
        locked=contests.has_opened(contest),
        finalists=finalists_of(category),
        trail=_shortlist_trail(edition),
    )
