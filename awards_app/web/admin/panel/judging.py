"""The organisers' area: judging. Progress and reminders, the rankings side by side, the shortlist, the final round.

A category's judging page is four sections, each at its own address under the same tabs (progress, rankings,
shortlist, final round); long lists in them come 25 at a time. The shortlist and final-round sections hold two forms. The shortlist form works without JavaScript: choosing a method and pressing
"Show the top three under this method" posts the form back, which shows it again with that method's top three ticked
(nothing is saved); "Save the shortlist" saves it. The final round's form records the sealed result.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, StopValidation

from awards_app.ceremony import award_records
from awards_app.ceremony.award_records import PLACE_LABELS
from awards_app.ceremony.models import Place
from awards_app.core import uow
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging import deadline_reminders, final_result, progress, shortlist
from awards_app.judging.ranking import METHOD_LABELS, METHODS
from awards_app.nominations.models import ConsentState
from awards_app.programme.models import Category, Edition
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.panel.paging import paged
from awards_app.web.admin.shared import edition_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.forms import Required, save_form
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

CATEGORY_TEMPLATE = "admin/judging/category.html"
REASON_LIMIT = Length(max=shortlist.REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer")


# --- Forms -------------------------------------------------------------------------------------------------------


class TickedField(Field):
    """Checkboxes sharing one name: the values ticked, each one of `choices`; anything else gets one plain message."""

    def __init__(self, label=None, validators=None, message="Choose from the list", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices: list[tuple[str, str]] = []
        self.message = message

    def process_data(self, value):
        """Hold the values as strings, as the browser sends them."""
        self.data = [str(item) for item in (value or [])]

    def process_formdata(self, valuelist):
        """Every box ticked (none ticked is an empty list)."""
        self.data = [str(item) for item in valuelist]

    def pre_validate(self, form):
        """Refuse values that are not among the choices (a tampered form)."""
        allowed = {value for value, _ in self.choices}
        if any(value not in allowed for value in self.data):
            raise StopValidation(self.message)

    @property
    def ids(self) -> list[int]:
        """The ticked values as ids (call after validation)."""
        return [int(value) for value in self.data]


class ReminderForm(FlaskForm):
    """Send reminders to the judges with work left; category_id narrows it to one category's panel."""

    category_id = HiddenField()


class ShortlistForm(FlaskForm):
    """The method the shortlist follows, the finalists ticked, and a reason box per entry (added per category)."""

    method = RadioField(
        "Which ranking should the shortlist follow?",
        choices=[SelectChoice(method, METHOD_LABELS[method].capitalize()) for method in METHODS],
        validators=[Required("Choose which ranking the shortlist follows")],
        invalid_choice_message="Choose which ranking the shortlist follows",
    )
    chosen = TickedField("Finalists", message="Choose finalists from the entries of this category")


class WinnersForm(FlaskForm):
    """The final round's result: one winner, any highly commended finalists, and a reason where one is needed."""

    winner = RadioField(
        "Winner",
        validators=[Required("Select the winner")],
        invalid_choice_message="Select the winner from the finalists",
    )
    highly_commended = TickedField(
        "Highly commended (optional)", message="Choose highly commended entries from the finalists"
    )
    reason = TextAreaField("Reason (if needed)", validators=[REASON_LIMIT])

    @classmethod
    def holding(cls, awards, leader: int | None, choices: list[tuple[str, str]], formdata: bool = True) -> WinnersForm:
        """A result form holding the recorded awards or, before any, the leader as winner; `choices` are the
        finalists as (id, name)."""
        data = {"winner": None, "highly_commended": []}
        if awards:
            data["winner"] = next((str(a.finalist_id) for a in awards if a.place is Place.WINNER), None)
            data["highly_commended"] = [a.finalist_id for a in awards if a.place is Place.HIGHLY_COMMENDED]
        elif leader is not None:
            data["winner"] = str(leader)
        form = cls(data=data) if formdata else cls(formdata=None, data=data)
        form.winner.choices = [SelectChoice(value, label) for value, label in choices]
        form.highly_commended.choices = choices
        return form


def _shortlist_form(view: shortlist.CategoryRankings, data: dict | None = None, formdata: bool = True) -> ShortlistForm:
    """A shortlist form with a reason box for each of the category's entries."""
    fields = {
        shortlist.reason_field(entry_id): TextAreaField("Reason", validators=[REASON_LIMIT])
        for entry_id in view.entries
    }
    # Built through the form's metaclass, so that WTForms sees the added fields.
    form_class = type(ShortlistForm)("CategoryShortlistForm", (ShortlistForm,), fields)
    form = form_class(data=data) if formdata else form_class(formdata=None, data=data)
    form.chosen.choices = [(str(entry_id), entry.nominee_name) for entry_id, entry in view.entries.items()]
    return form


def _saved_shortlist(category: Category, view: shortlist.CategoryRankings) -> dict:
    """The form's starting values: the stored decision (with its reasons), or the top three by the weighted mean."""
    finalists = shortlist.finalists_of(category)
    method = category.shortlist_method if category.shortlist_method in METHODS else METHODS[0]
    if not finalists:
        return {"method": method, "chosen": view.default_shortlist(method)}
    data = {"method": method, "chosen": [finalist.nomination_id for finalist in finalists]}
    data.update({shortlist.reason_field(f.nomination_id): f.change_reason for f in finalists if f.change_reason})
    decision = shortlist.latest_decision(category)
    for entry_id, reason in ((decision.details or {}).get("left_out", {}) if decision else {}).items():
        data[shortlist.reason_field(int(entry_id))] = reason
    return data


def _winners_form(round_: final_result.FinalRound, formdata: bool = True) -> WinnersForm:
    """The final round's form, holding the recorded result or, before one, the Borda count's winner."""
    lines = round_.result.lines
    leader = lines[0].finalist_id if lines and lines[0].average is not None else None
    choices = [
        (str(finalist.id), finalist.display_name) for finalist in round_.finalists
    ]
    return WinnersForm.holding(round_.awards, leader, choices, formdata)


# --- Loading and shared steps ------------------------------------------------------------------------------------


def _category(category_id: int) -> Category:
    """The category, or 404."""
    return db.get_or_404(Category, category_id)


def _category_trail(category: Category) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its judging overview."""
    return [*trail(category.edition), ("Judging", url_for(".judging_overview", edition_id=category.edition_id))]


# The sections of a category's judging page, each at its own address: (endpoint, tab label).
SECTIONS = {
    "progress": (".category_judging", "Progress"),
    "rankings": (".category_rankings", "Rankings"),
    "shortlist": (".category_shortlist", "Shortlist"),
    "final-round": (".category_final_round", "Final round"),
}


def _section_tabs(category: Category, shown: str) -> list[tuple[str, str, bool]]:
    """The tabs between the sections of the category's judging page: (label, address, whether it is the one shown)."""
    return [
        (label, url_for(endpoint, category_id=category.id), section == shown)
        for section, (endpoint, label) in SECTIONS.items()
    ]


def _category_page(category: Category, section: str, status=200, shortlist_form=None, winners_form=None,
                   method=None, view=None):
    """One section of the category's judging page (progress, rankings, shortlist or final round), under its tabs."""
    view = view or shortlist.category_rankings(category)
    round_ = final_result.final_round(category)
    shortlist_form = shortlist_form or _shortlist_form(view, _saved_shortlist(category, view), formdata=False)
    winners_form = winners_form or _winners_form(round_, formdata=False)
    method = method or _method_asked() or (
        shortlist_form.method.data if shortlist_form.method.data in METHODS else METHODS[0]
    )
    failed = next((form for form in (shortlist_form, winners_form) if form.errors), None)
    matrix = progress.progress_matrix(category)
    return render_page(
        CATEGORY_TEMPLATE,
        status=status,
        section=section,
        tabs=_section_tabs(category, section),
        category=category,
        edition=category.edition,
        matrix=matrix,
        matrix_entries=paged(list(enumerate(matrix.entries))) if section == "progress" else None,
        set_aside=progress.set_aside(category),
        states=progress.CellState,
        view=view,
        method=method,
        method_labels=METHOD_LABELS,
        methods=METHODS,
        ranked=paged(view.rankings.ordered(method)) if section == "rankings" else None,
        default_shortlist=view.default_shortlist(method),
        top_words=shortlist.top_words(category.shortlist_size),
        reason_field=shortlist.reason_field,
        declined=ConsentState.DECLINED,
        shortlist_form=shortlist_form,
        finalists=shortlist.finalists_of(category),
        has_awards=bool(round_.awards),
        final_ranks_given=shortlist.final_ranks_given(category),
        round=round_,
        winners_form=winners_form,
        place_labels=PLACE_LABELS,
        sealed=award_records.is_sealed(category),
        form=failed,
        trail=_category_trail(category),
    )


def _method_asked() -> str | None:
    """The ranking the rankings tab is ordered by, when its address names one (`?method=`)."""
    method = request.args.get("method")
    return method if method in METHODS else None


# --- Views -------------------------------------------------------------------------------------------------------


@bp.get("/editions/<int:edition_id>/judging")
@organiser_required
def judging_overview(edition_id: int):
    """Show every category's judging progress, shortlist and result, with a button to remind judges."""
    edition = edition_or_404(edition_id)
    return render_page(
        "admin/judging/overview.html",
        edition=edition,
        lines=progress.edition_progress(edition),
        reminder_rounds=deadline_reminders.reminder_schedule(edition),
        trail=trail(edition),
    )


@bp.post("/editions/<int:edition_id>/judging/reminders")
@organiser_required
def send_reminders(edition_id: int):
    """Email every judge with work left in the edition (or in one category) a reminder of what is left."""
    edition = edition_or_404(edition_id)
    form = ReminderForm()
    if not form.validate_on_submit():
        abort(400)
    scope = _reminder_scope(edition, form.category_id.data)
    try:
        outcome = progress.send_reminders(current_actor(), scope)
    except DomainError as refusal:
        flash(refusal.message, "info")
    else:
        uow.commit()
        flash(_reminder_message(outcome), "success" if outcome.sent else "info")
    if isinstance(scope, Category):
        return see_other(url_for(".category_judging", category_id=scope.id, _anchor="progress"))
    return see_other(url_for(".judging_overview", edition_id=edition.id))


def _reminder_scope(edition: Edition, category_id: str | None) -> Edition | Category:
    """The edition, or the category of it the form names (404 for anything else)."""
    if not category_id:
        return edition
    number = database_id(category_id)
    category = db.session.get(Category, number) if number is not None else None
    if category is None or category.edition_id != edition.id:
        abort(404)
    return category


def _reminder_message(outcome: progress.ReminderOutcome) -> str:
    """Who got a reminder and who did not (reminded less than an hour ago), in one sentence or two."""
    parts = []
    if outcome.sent:
        names = ", ".join(judge.name or judge.email for judge in outcome.sent)
        parts.append(f"Reminder sent to {len(outcome.sent)} judge{'' if len(outcome.sent) == 1 else 's'}: {names}.")
    if outcome.too_soon:
        names = ", ".join(judge.name or judge.email for judge, _ in outcome.too_soon)
        parts.append(f"Not sent to {names}: reminded less than an hour ago. You can remind them again after an hour.")
    return " ".join(parts)


@bp.get("/categories/<int:category_id>/judging")
@organiser_required
def category_judging(category_id: int):
    """Show a category's judging progress: each judge's totals and the matrix of entries by judges."""
    return _category_page(_category(category_id), "progress")


@bp.get("/categories/<int:category_id>/judging/rankings")
@organiser_required
def category_rankings(category_id: int):
    """Show a category's rankings side by side, its ties and unfinished score sets, and the judges who stand out."""
    return _category_page(_category(category_id), "rankings")


@bp.get("/categories/<int:category_id>/judging/shortlist")
@organiser_required
def category_shortlist(category_id: int):
    """Show a category's shortlist and the form that chooses it."""
    return _category_page(_category(category_id), "shortlist")


@bp.get("/categories/<int:category_id>/judging/final-round")
@organiser_required
def category_final_round(category_id: int):
    """Show a category's final round: the Borda count of the panel's ranks and the form that records the result."""
    return _category_page(_category(category_id), "final-round")


@bp.post("/categories/<int:category_id>/judging/shortlist")
@organiser_required
def choose_shortlist(category_id: int):
    """Save the shortlist, or ("Show the top three") show the form again with a method's top three ticked."""
    category = _category(category_id)
    view = shortlist.category_rankings(category)
    form = _shortlist_form(view)
    if request.form.get("action") == "show":
        return _show_top(category, view, form)
    if saved := save_form(form, lambda: shortlist.choose_shortlist(
        current_actor(), category, form.method.data, form.chosen.ids,
        {entry_id: form[shortlist.reason_field(entry_id)].data or "" for entry_id in view.entries},
    )):
        count = len(saved.result)
        flash(f"The shortlist of {category.name} is saved: {count} finalist{'' if count == 1 else 's'}. "
              "It is not published yet.", "success")
        return see_other(url_for(".category_shortlist", category_id=category.id))
    return _category_page(category, "shortlist", status=422, shortlist_form=form, view=view)


def _show_top(category: Category, view: shortlist.CategoryRankings, posted: ShortlistForm):
    """The page again with the chosen method's top three ticked and the reasons typed so far kept; nothing saved."""
    method = posted.method.data if posted.method.data in METHODS else None
    if method is None:
        posted.method.errors = ["Choose which ranking the shortlist follows"]
        return _category_page(category, "shortlist", status=422, shortlist_form=posted, view=view)
    data = {name: posted[name].data for name in posted.data if name.startswith("reason_")}
    data.update(method=method, chosen=view.default_shortlist(method))
    form = _shortlist_form(view, data, formdata=False)
    return _category_page(category, "shortlist", shortlist_form=form, method=method, view=view)


@bp.post("/categories/<int:category_id>/judging/winners")
@organiser_required
def record_winners(category_id: int):
    """Record the final round's winner and highly commended finalists, sealed until the ceremony."""
    category = _category(category_id)
    round_ = final_result.final_round(category)
    form = _winners_form(round_)
    if save_form(form, lambda: final_result.record_winners(
        current_actor(), category, int(form.winner.data), form.highly_commended.ids, form.reason.data or ""
    )):
        flash(f"The result of {category.name} is recorded. Only the organisers' area shows it until the ceremony; "
              "confirm it on the ceremony page to seal it.", "success")
        return see_other(url_for(".category_final_round", category_id=category.id))
    return _category_page(category, "final-round", status=422, winners_form=form)
