"""The organisers' area: judges' comments per entry and per judge, and the optional anonymised feedback to nominees
(the edition's switch, the comments picked in each category, sending once after the ceremony). Organisers only."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField

from awards_app.extensions import db
from awards_app.judging import feedback
from awards_app.judging.breakdown import ranked_criteria
from awards_app.programme.models import Category, Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.panel.paging import paged
from awards_app.web.admin.shared import EDITION, edition_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import ActionForm, Required, at_most, button_action, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor


class FeedbackSettingForm(FlaskForm):
    """Whether the edition passes judges' comments on to nominees."""

    enabled = RadioField(
        "Pass judges' comments on to nominees as anonymised feedback after the ceremony?",
        choices=[SelectChoice("yes", "Yes, organisers pick the comments to pass on"), SelectChoice("no", "No")],
        validators=[Required("Choose whether to pass judges' comments on to nominees")],
        invalid_choice_message="Choose whether to pass judges' comments on to nominees",
    )


def pick_field(comment_id: int) -> str:
    """The name of a comment's tick box."""
    return f"pick_{comment_id}"


def text_field(comment_id: int) -> str:
    """The name of a comment's text box (the feedback service names it too, for a text that is too long)."""
    return f"text_{comment_id}"


def _picks_form(comments: feedback.CategoryComments, formdata: bool = True) -> FlaskForm:
    """A form with a tick box and a text box for each comment that has words."""
    rows = [row for row in comments.rows if row.may_pass_on]
    fields = {}
    for row in rows:
        fields[pick_field(row.comment.id)] = BooleanField("Pass this comment on")
        fields[text_field(row.comment.id)] = TextAreaField(
            "Text to send", validators=[at_most(feedback.FEEDBACK_MAX_LENGTH, "The feedback to send")]
        )
    form_class = type(FlaskForm)("FeedbackPicksForm", (FlaskForm,), fields)
    data = {}
    for row in rows:
        data[pick_field(row.comment.id)] = row.pick is not None
        data[text_field(row.comment.id)] = row.pick.text if row.pick is not None else row.text
    return form_class(data=data) if formdata else form_class(formdata=None, data=data)


def _category(category_id: int) -> Category:
    """The category, or 404."""
    return db.get_or_404(Category, category_id)


def _category_trail(category: Category) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its judging overview, the category's judging page."""
    return [
        *trail(category.edition),
        ("Judging", url_for(".judging_overview", edition_id=category.edition_id)),
        (category.name, url_for(".category_judging", category_id=category.id)),
    ]


# --- Reading the comments ----------------------------------------------------------------------------------------


@bp.get("/categories/<int:category_id>/comments")
@organiser_required
def category_comments(category_id: int):
    """Show every judge's comment on each entry of a category, beside their scores: 25 entries a page, each a
    disclosure (`?entry=` opens one, on the page that holds it)."""
    category = _category(category_id)
    comments = feedback.category_comments(category)
    entries = list(comments.view.entries.values())
    opened = database_id(request.args.get("entry", ""))
    return render_page(
        "admin/comments/category.html",
        category=category,
        edition=category.edition,
        comments=comments,
        entries=paged(entries, holding=next((index for index, entry in enumerate(entries) if entry.id == opened), None)),
        opened=opened,
        criteria=ranked_criteria(comments.view),
        feedback_on=feedback.feedback_enabled(category.edition),
        trail=_category_trail(category),
    )


@bp.get("/categories/<int:category_id>/comments/judges/<int:judge_id>")
@organiser_required
def judge_comments(category_id: int, judge_id: int):
    """Show one judge's comments across a category, beside their scores (404 for anyone who did not judge it)."""
    category = _category(category_id)
    comments = feedback.category_comments(category)
    judge = next((person for person in comments.judges if person.id == judge_id), None)
    if judge is None:
        abort(404)
    return render_page(
        "admin/comments/judge.html",
        category=category,
        edition=category.edition,
        comments=comments,
        judge=judge,
        rows=paged(comments.of_judge(judge.id)),
        criteria=ranked_criteria(comments.view),
        trail=[*_category_trail(category), ("Judges' comments", url_for(".category_comments", category_id=category.id))],
    )


# --- Feedback to nominees ----------------------------------------------------------------------------------------


def _setting_page(edition: Edition, form: FeedbackSettingForm):
    """The edition's feedback page: the switch, then each category's feedback and whether it was sent."""
    return render_form(
        "admin/comments/feedback_setting.html",
        form,
        edition=edition,
        enabled=feedback.feedback_enabled(edition),
        categories=[(category, feedback.sent_at(category)) for category in edition.categories],
        trail=trail(edition),
    )


@bp.route(EDITION + "/feedback", methods=["GET", "POST"])
@organiser_required
def feedback_settings(edition_id: int):
    """Switch the edition's anonymised feedback to nominees on or off."""
    edition = edition_or_404(edition_id)
    enabled = feedback.feedback_enabled(edition)
    form = FeedbackSettingForm(data={"enabled": "yes" if enabled else "no"})
    if save_form(form, lambda: feedback.set_feedback(current_actor(), edition, form.enabled.data == "yes")):
        if form.enabled.data == "yes":
            flash("Feedback to nominees is on. Pick the comments to pass on in each category.", "success")
        else:
            flash("Feedback to nominees is off. Comments already picked are kept; nothing more can be sent.", "success")
        return see_other(url_for(".feedback_settings", edition_id=edition.id))
    return _setting_page(edition, form)


def _feedback_page(category: Category, comments: feedback.CategoryComments, form, status: int = 200):
    """The category's feedback: the comments to tick and edit, and the button that sends them."""
    return render_page(
        "admin/comments/feedback.html",
        status=status,
        category=category,
        edition=category.edition,
        comments=comments,
        form=form,
        send_form=ActionForm(),
        pick_field=pick_field,
        text_field=text_field,
        enabled=feedback.feedback_enabled(category.edition),
        sent_at=feedback.sent_at(category),
        ceremony_over=feedback.ceremony_over(category),
        recipient=feedback.feedback_recipient,
        trail=[*_category_trail(category), ("Judges' comments", url_for(".category_comments", category_id=category.id))],
    )


@bp.route("/categories/<int:category_id>/feedback", methods=["GET", "POST"])
@organiser_required
def category_feedback(category_id: int):
    """Tick the judges' comments to pass on to each entry's nominee, editing out anything identifying."""
    category = _category(category_id)
    comments = feedback.category_comments(category)
    form = _picks_form(comments)

    def ticked() -> dict[int, str]:
        """The ticked comments and their texts (read once the form is valid)."""
        return {
            row.comment.id: form[text_field(row.comment.id)].data or ""
            for row in comments.rows if row.may_pass_on and form[pick_field(row.comment.id)].data
        }

    if saved := save_form(form, lambda: feedback.save_picks(current_actor(), category, ticked())):
        count = len(saved.result)
        flash(f"Saved: {count} comment{'' if count == 1 else 's'} to pass on. Nothing has been sent yet.", "success")
        return see_other(url_for(".category_feedback", category_id=category.id))
    return _feedback_page(category, comments, form, status=422 if form.errors or form.form_errors else 200)


@bp.post("/categories/<int:category_id>/feedback/send")
@organiser_required
def send_feedback(category_id: int):
    """Send each entry's picked comments to its nominee (or nominator), once, after the ceremony."""
    category = _category(category_id)
    button_action(ActionForm(), lambda: feedback.send_feedback(current_actor(), category), _sent_message)
    return see_other(url_for(".category_feedback", category_id=category.id))


def _sent_message(outcome: feedback.SendOutcome) -> str:
    """What was sent, and about which entries nobody could be emailed."""
    message = f"Feedback sent about {len(outcome.sent)} entr{'y' if len(outcome.sent) == 1 else 'ies'}."
    if outcome.nobody:
        names = ", ".join(entry.nominee_name for entry in outcome.nobody)
        message += f" Not sent about {names}: the nominee declined, or the nomination holds no address to send to."
    return message
