"""The organisers' area: judges. Who sits on which panel, invitations, judges' details, recusals and blind judging.

The judges page is sections under tabs, each at its own address (the judges on the panels, adding a judge, judges of
the past panels to invite again, other judge accounts, blind judging); each judge is a disclosure holding their card,
25 to a page, and after a change the judge's card comes back open (`?judge=`).

Panel places are chosen with one checkbox per category; the categories and ids posted must belong to the edition in
the URL (404 otherwise). Ticking a category whose shortlist is chosen asks what the judge should do there (final round
only, or nothing this year: the role-<category id> radios). Each place on a judge's card can be paused, resumed,
removed (after a confirmation page) and restored, keeping the judge's work. Every change is one service call, one
commit, then a 303 back to the judges page.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Length

from awards_app.accounts.models import User
from awards_app.extensions import db
from awards_app.judging import panels
from awards_app.judging.conflicts import AFFILIATIONS_MAX_LENGTH, REASON_MAX_LENGTH
from awards_app.judging.judge_access import shown_name
from awards_app.judging.models import PanelMember, PanelRole
from awards_app.programme.models import Category, Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.panel.conflicts import recusal_confirmation
from awards_app.web.admin.panel.paging import paged
from awards_app.web.admin.shared import EDITION, edition_or_404, nomination_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import ActionForm, Required, button_action, email_field, render_form, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

JUDGE = EDITION + "/judges/<int:judge_id>"
AFFILIATIONS_HINT = (
    "Organisations they work or volunteer for, groups they belong to, boards they sit on: one per line. Used to "
    "suggest possible conflicts of interest; the judge can change them too."
)


# --- Forms --------------------------------------------------------------------------------------------------------


class JudgeDetailsForm(FlaskForm):
    """A judge's name and affiliations."""

    name = StringField(
        "Full name",
        validators=[
            Required("Enter the judge's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    affiliations = TextAreaField(
        "Organisations and affiliations",
        validators=[Length(max=AFFILIATIONS_MAX_LENGTH, message="Affiliations must be 2,000 characters or fewer")],
    )


class AddJudgeForm(JudgeDetailsForm):
    """A new judge: name, email address, affiliations (panels are ticked alongside)."""

    email = email_field(Required("Enter the judge's email address"), autocomplete="off")


class RecusalForm(FlaskForm):
    """Which judge of the entry's panel to recuse, and why."""

    judge = RadioField(
        "Which judge?",
        validators=[Required("Select the judge to recuse")],
        invalid_choice_message="Select the judge to recuse",
    )
    reason = TextAreaField(
        "Why are they recused?",
        validators=[
            Required("Say why the judge is recused from this entry"),
            Length(max=REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer"),
        ],
    )


# --- Loading and shared steps -------------------------------------------------------------------------------------


def _judge(judge_id: int) -> User:
    """A judge's account, or 404 (an organiser's account is not a judge)."""
    judge = db.get_or_404(User, judge_id)
    if not judge.is_judge:
        abort(404)
    return judge


def _posted_ids(name: str, allowed: set[int]) -> set[int]:
    """The ids ticked in checkboxes called `name`; 404 for an id that is not one of the choices (a tampered form)."""
    chosen = set()
    for value in request.form.getlist(name):
        number = database_id(value)
        if number not in allowed:
            abort(404)
        chosen.add(number)
    return chosen


def _posted_roles(edition: Edition) -> dict[int, str]:
    """The role chosen for each category whose shortlist is chosen (the service refuses a missing or unknown one)."""
    return {
        category.id: request.form.get(panels.role_field(category), "")
        for category in edition.categories
        if category.shortlisted_at is not None
    }


def _place(place_id: int) -> PanelMember:
    """A panel place, or 404."""
    return db.get_or_404(PanelMember, place_id)


# The sections of the judges page, each at its own address: (endpoint, tab label). "invite-again" is shown only for
# an edition copied from a past one.
SECTIONS = {
    "panels": (".judges", "Judges on the panels"),
    "add": (".new_judge", "Add a judge"),
    "invite-again": (".judges_to_invite_again", "Invite again"),
    "others": (".other_judges", "Other judge accounts"),
    "blind": (".blind_judging_page", "Blind judging"),
}


def _section_tabs(edition: Edition, shown: str, on_panels: int, others: int) -> list[tuple[str, str, bool]]:
    """The tabs between the judges page's sections: (label, address, whether it is the one shown)."""
    counts = {"panels": on_panels, "others": others}
    return [
        (label + (f" ({counts[section]})" if section in counts else ""), url_for(endpoint, edition_id=edition.id),
         section == shown)
        for section, (endpoint, label) in SECTIONS.items()
        if section != "invite-again" or edition.copied_from
    ]


def _opened_judge() -> int | None:
    """The judge whose card opens by itself: the one a change was just made to (`?judge=`)."""
    return database_id(request.args.get("judge", ""))


def _rows_page(rows: list, opened: int | None):
    """The page of judges' rows asked for, or, when none is asked for, the page holding the judge just changed."""
    return paged(rows, holding=next((index for index, row in enumerate(rows) if row.judge.id == opened), None))


def _judges_page(edition: Edition, section: str = "panels", add_form: AddJudgeForm | None = None,
                 added_panels: set[int] | None = None):
    """One section of the judges page under its tabs; 422 when the add-a-judge form comes back with errors."""
    add_form = add_form or AddJudgeForm(formdata=None)
    on_panels, others = panels.judges_of_edition(edition)
    opened = _opened_judge()
    shown = on_panels if section == "panels" else others
    return render_page(
        "admin/judges/list.html",
        edition=edition,
        section=section,
        tabs=_section_tabs(edition, section, len(on_panels), len(others)),
        rows=_rows_page(shown, opened) if section in ("panels", "others") else None,
        opened=opened,
        on_panels=on_panels,
        others=others,
        add_form=add_form,
        added_panels=added_panels or set(),
        added_roles=_posted_roles(edition) if request.method == "POST" else {},
        role_field=panels.role_field,
        role_labels=PanelRole.LABELS,
        roles=PanelRole,
        form=add_form,  # base.html puts "Error: " in the title when this form has errors
        shown_name=shown_name,
        returning=panels.returning_judges(edition) if section == "invite-again" else [],
        trail=trail(edition),
        status=422 if add_form.errors else 200,
    )


def _back_to_judges(edition_id: int, judge: User | None = None):
    """303 to the judges page, with the judge's card open and in view when there is one (on the section and page that
    hold it)."""
    if judge is None:
        return see_other(url_for(".judges", edition_id=edition_id))
    on_a_panel = db.session.scalar(
        select(PanelMember.id).join(Category).where(PanelMember.judge_id == judge.id, Category.edition_id == edition_id)
        .limit(1)
    )
    endpoint = ".judges" if on_a_panel else ".other_judges"
    return see_other(url_for(endpoint, edition_id=edition_id, judge=judge.id, _anchor=f"judge-{judge.id}"))


# --- The judges page ----------------------------------------------------------------------------------------------


@bp.get(EDITION + "/judges")
@organiser_required
def judges(edition_id: int):
    """List the judges of the edition's panels, 25 a page, each a disclosure holding their details and actions."""
    return _judges_page(edition_or_404(edition_id))


@bp.get(EDITION + "/judges/new")
@organiser_required
def new_judge(edition_id: int):
    """Show the form that adds a judge."""
    return _judges_page(edition_or_404(edition_id), "add")


@bp.get(EDITION + "/judges/others")
@organiser_required
def other_judges(edition_id: int):
    """List the judge accounts not on this edition's panels (from other years, or not placed yet), 25 a page."""
    return _judges_page(edition_or_404(edition_id), "others")


@bp.get(EDITION + "/judges/invite-again")
@organiser_required
def judges_to_invite_again(edition_id: int):
    """List the judges of the past panels (an edition copied from a past one) to invite again."""
    return _judges_page(edition_or_404(edition_id), "invite-again")


@bp.get(EDITION + "/blind-judging")
@organiser_required
def blind_judging_page(edition_id: int):
    """Show whether judges see nominees' names, and in which categories names can be hidden."""
    return _judges_page(edition_or_404(edition_id), "blind")


@bp.post(EDITION + "/judges/new")
@organiser_required
def add_judge(edition_id: int):
    """Add a judge (or find the judge who has this address) and put them on the panels ticked."""
    edition = edition_or_404(edition_id)
    form = AddJudgeForm()
    chosen = _posted_ids("category", {category.id for category in edition.categories})

    roles = _posted_roles(edition)

    def add_to_panels():
        # The roles are checked before the judge is made, so that a missing choice leaves nothing half done.
        for category in edition.categories:
            if category.id in chosen:
                panels.role_for(category, roles.get(category.id))
        judge, created = panels.add_judge(current_actor(), form.email.data, form.name.data, form.affiliations.data)
        for category in edition.categories:
            if category.id in chosen:
                panels.add_to_panel(current_actor(), judge, category, roles.get(category.id))
        return judge, created

    if saved := save_form(form, add_to_panels):
        judge, created = saved.result
        if created:
            flash(f"{judge.name} has been added. Invite them when their panels are ready.", "success")
        else:
            flash(f"{judge.email} already has a judge account ({judge.name}); it has been used.", "success")
        return _back_to_judges(edition.id, judge)
    return _judges_page(edition, "add", add_form=form, added_panels=chosen)


@bp.post(JUDGE + "/panels")
@organiser_required
def judge_panels(edition_id: int, judge_id: int):
    """Put a judge on exactly the panels ticked (refused, with the reason, for a panel where they have scored)."""
    edition, judge = edition_or_404(edition_id), _judge(judge_id)
    button_action(
        ActionForm(),
        lambda: panels.set_panels(
            current_actor(), judge, edition, _posted_ids("category", {category.id for category in edition.categories}),
            _posted_roles(edition),
        ),
        lambda added_and_removed: f"{judge.name or judge.email}'s panels "
        + ("have been saved." if any(added_and_removed) else "are unchanged."),
    )
    return _back_to_judges(edition.id, judge)


@bp.post(JUDGE + "/invite")
@organiser_required
def invite_judge(edition_id: int, judge_id: int):
    """Email the judge their invitation; any earlier invitation link stops working."""
    edition, judge = edition_or_404(edition_id), _judge(judge_id)
    button_action(
        ActionForm(),
        lambda: panels.invite_judge(current_actor(), judge),
        lambda _: f"An invitation has been emailed to {judge.email}. "
        "The link in any earlier invitation no longer works.",
    )
    return _back_to_judges(edition.id, judge)


# --- Judges of the past panels, to invite again (an edition copied from a past one: programme/copying.py) -----------


@bp.post(JUDGE + "/invite-again")
@organiser_required
def invite_judge_again(edition_id: int, judge_id: int):
    """Put a judge of the past panels on the copies of their categories ticked, and email them the invitation."""
    edition, judge = edition_or_404(edition_id), _judge(judge_id)
    chosen = _posted_ids("category", {category.id for category in edition.categories})
    button_action(
        ActionForm(),
        lambda: panels.invite_again(current_actor(), judge, edition, chosen),
        lambda _: f"{judge.name or judge.email} is on the panels ticked, and an invitation has been emailed to "
        f"{judge.email}.",
    )
    return see_other(url_for(".judges_to_invite_again", edition_id=edition.id))  # on to the next one


@bp.post(EDITION + "/judges/invite-again")
@organiser_required
def invite_all_judges_again(edition_id: int):
    """Invite every judge of the past panels again, each to the copies of their categories (one email each)."""
    edition = edition_or_404(edition_id)
    button_action(
        ActionForm(),
        lambda: panels.invite_all_again(current_actor(), edition),
        lambda invited: f"{invited} judge{'' if invited == 1 else 's'} of the past panels "
        f"{'is' if invited == 1 else 'are'} on this edition's panels, and each has been emailed an invitation.",
    )
    return see_other(url_for(".judges_to_invite_again", edition_id=edition.id))


@bp.route(JUDGE + "/edit", methods=["GET", "POST"])
@organiser_required
def edit_judge(edition_id: int, judge_id: int):
    """Change a judge's name and affiliations."""
    edition, judge = edition_or_404(edition_id), _judge(judge_id)
    form = JudgeDetailsForm(obj=judge)
    if save_form(form, lambda: panels.update_judge(current_actor(), judge, form.name.data, form.affiliations.data)):
        flash(f"{judge.name}'s details have been saved.", "success")
        return _back_to_judges(edition.id, judge)
    return render_form(
        "admin/judges/edit.html",
        form,
        edition=edition,
        judge=judge,
        affiliations_hint=AFFILIATIONS_HINT,
        trail=[*trail(edition), ("Judges", url_for(".judges", edition_id=edition.id))],
    )


@bp.post(EDITION + "/blind-judging")
@organiser_required
def blind_judging(edition_id: int):
    """Switch blind judging of names for the edition, and say which categories allow it."""
    edition = edition_or_404(edition_id)
    button_action(
        ActionForm(),
        lambda: panels.set_blind_judging(
            current_actor(), edition, request.form.get("hide_nominee_names") == "y",
            _posted_ids("hideable", {category.id for category in edition.categories}),
        ),
        lambda _: "Judges now see a reference instead of the nominee's name in the categories ticked."
        if edition.hide_nominee_names else "Judges see nominees' names.",
    )
    return see_other(url_for(".blind_judging_page", edition_id=edition.id))


# --- Pausing, removing, resuming, restoring a judge on one panel ---------------------------------------------------


def _status_change(place_id: int, operation, done: str):
    """The buttons on a judge's card that change their place on one panel: flash what happened (or the refusal)."""
    place = _place(place_id)
    button_action(
        ActionForm(),
        lambda: operation(current_actor(), place),
        lambda _: done.format(judge=place.judge.name or place.judge.email, category=place.category.name),
    )
    return _back_to_judges(place.category.edition_id, place.judge)


@bp.post("/panel-places/<int:place_id>/pause")
@organiser_required
def pause_judge(place_id: int):
    """Pause a judge on one panel: their pages turn read-only and their work stops counting, but is kept."""
    return _status_change(
        place_id, panels.pause_judge,
        "{judge} is paused on the panel of ‘{category}’: their work is kept but does not count until you resume them.",
    )


@bp.post("/panel-places/<int:place_id>/resume")
@organiser_required
def resume_judge(place_id: int):
    """Let a paused judge carry on: their work counts again."""
    return _status_change(
        place_id, panels.resume_judge, "{judge} can carry on judging ‘{category}’: their work counts again."
    )


@bp.post("/panel-places/<int:place_id>/restore")
@organiser_required
def restore_judge(place_id: int):
    """Put a removed judge back on a panel: they see the category again and their work counts again."""
    return _status_change(
        place_id, panels.restore_judge, "{judge} is back on the panel of ‘{category}’: their work counts again."
    )


@bp.route("/panel-places/<int:place_id>/remove", methods=["GET", "POST"])
@organiser_required
def remove_judge(place_id: int):
    """Ask for confirmation, then take a judge off a panel, keeping their work (no longer counted)."""
    place = _place(place_id)
    judge, category = place.judge, place.category
    form = ActionForm()
    if save_form(form, lambda: panels.remove_judge(current_actor(), place)):
        flash(
            f"{judge.name or judge.email} is removed from the panel of ‘{category.name}’. Their work is kept but no "
            "longer counts; you can restore them from their card.",
            "success",
        )
        return _back_to_judges(category.edition_id, judge)
    return render_form(
        "admin/judges/remove.html",
        form,
        place=place,
        judge=judge,
        category=category,
        edition=category.edition,
        kept=panels.kept_work(judge, category),
        trail=[*trail(category.edition), ("Judges", url_for(".judges", edition_id=category.edition_id))],
    )


# --- Recusal ------------------------------------------------------------------------------------------------------


@bp.route("/nominations/<int:nomination_id>/recuse", methods=["GET", "POST"])
@organiser_required
def recuse_judge(nomination_id: int):
    """Recuse a judge of the entry's panel from it (after a confirmation): the entry leaves their lists, their scores
    stop counting."""
    nomination = nomination_or_404(nomination_id)
    category = nomination.category
    conflicts = panels.conflicts_on(nomination)
    conflicted = {conflict.judge_id for conflict in conflicts}
    panel = panels.panel_judges(category)
    choices = [judge for judge in panel if judge.id not in conflicted]
    form = RecusalForm()
    form.judge.choices = [(str(judge.id), f"{judge.name} ({judge.email})") for judge in choices]
    if request.method == "POST":
        posted = request.form.get("judge", "")
        if posted and posted not in {str(judge.id) for judge in choices}:
            abort(404)

    def chosen() -> User:
        return next(judge for judge in choices if str(judge.id) == form.judge.data)

    def recuse():
        judge = chosen()
        panels.recuse_judge(current_actor(), judge, nomination, form.reason.data)
        return judge

    # A valid choice is first shown back with what happens to the judge's scores; "Yes" posts it with step=confirm.
    step = request.form.get("step")
    if request.method == "POST" and step != "confirm":
        if form.validate_on_submit() and step != "change":
            return recusal_confirmation(form, chosen(), nomination)
    elif saved := save_form(form, recuse):
        flash(f"{saved.result.name or saved.result.email} has been recused from {nomination.reference}.", "success")
        return see_other(url_for(".recuse_judge", nomination_id=nomination.id))
    return render_form(
        "admin/judges/recuse.html",
        form,
        nomination=nomination,
        edition=nomination.edition,
        category=category,
        conflicts=conflicts,
        panel=panel,
        choices=choices,
        trail=[
            *trail(nomination.edition),
            ("Nominations", url_for(".nominations_list", edition_id=nomination.edition_id)),
            (nomination.reference, url_for(".nomination_detail", nomination_id=nomination.id)),
        ],
    )
