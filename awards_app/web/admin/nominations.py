"""The organisers' area: nominations. The filtered list, one nomination with its status, consent and notes, the CSV;
correcting what the nominator typed and moving a nomination to another category (nominations/corrections.py).

The status form answers htmx with just its panel (and a confirmation in a live region next to it); without
JavaScript the same form posts normally and comes back to the nomination with a 303. A move is chosen with a GET
form (the category), whose answer shows what happens to each answer, then confirmed with a POST (the reason).
"""
from __future__ import annotations

from flask import flash, request, url_for
from markupsafe import Markup, escape
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Length

from awards_app.core import clock
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.nominations import corrections, export, review
from awards_app.nominations.models import ConsentState, Nomination, NominationStatus
from awards_app.programme.models import Category, Edition
from awards_app.programme.scotland import LOCAL_AUTHORITIES
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import EDITION, edition_or_404, nomination_or_404, trail
from awards_app.web.database_ids import database_id
from awards_app.web.downloads import csv_download
from awards_app.web.forms import (
    ActionForm,
    Required,
    button_action,
    render_form,
    save_form,
    show_refusal,
)
from awards_app.web.htmx import is_fragment_request, render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

NOMINATION = "/nominations/<int:nomination_id>"
DETAIL_TEMPLATE = "admin/nominations/detail.html"
# Nominations a page of the list shows: ten of its rows fit in five screens of a phone, with the filters above them.
LIST_PAGE_SIZE = 10
# The parts of a nomination's page (?part=); the first is shown when none is asked for.
DETAIL_PARTS = ("nomination", "consent", "notes", "history", "merged")


# --- Forms -------------------------------------------------------------------------------------------------------


class StatusForm(FlaskForm):
    """Mark a nomination received, eligible, ineligible (with a reason) or withdrawn."""

    status = RadioField(
        "Status",
        choices=[SelectChoice(status.value, review.STATUS_LABELS[status]) for status in NominationStatus],
        validators=[Required("Select a status")],
        invalid_choice_message="Select a status",
    )
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=review.REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer")],
    )

    @classmethod
    def showing(cls, nomination: Nomination) -> StatusForm:
        """A fresh form holding the nomination's current status and reason."""
        return cls(formdata=None, data={"status": nomination.status.value, "reason": nomination.status_reason})


class ConsentForm(FlaskForm):
    """The nominee's answer, given by phone or on paper, and how it came."""

    consent_answer = RadioField(
        "What did the nominee say?",
        choices=[
            SelectChoice("given", "They agree to be considered and, if shortlisted, to be named in public"),
            SelectChoice("declined", "They do not want to be considered"),
        ],
        validators=[Required("Select what the nominee said")],
        invalid_choice_message="Select what the nominee said",
    )
    consent_note = TextAreaField(
        "How and when did they answer?",
        validators=[
            Required("Say how and when the nominee answered, for example 'By phone to Jo, 3 March'"),
            Length(max=1000, message="The note must be 1,000 characters or fewer"),
        ],
    )


class NoteForm(FlaskForm):
    """An organiser's note on a nomination."""

    note_text = TextAreaField(
        "Add a note",
        validators=[
            Required("Enter the note"),
            Length(max=review.NOTE_MAX_LENGTH, message="The note must be 2,000 characters or fewer"),
        ],
    )


_NO_SPELLCHECK = {"spellcheck": "false", "autocomplete": "off"}


class CorrectionForm(FlaskForm):
    """What the nominator typed, to correct, and why; one box per question of the category is added by for_nomination.

    The form only parses what was sent: corrections.correct_nomination checks it under the nomination form's rules,
    and its problems come back on these fields (their names are its keys). A box not sent is left as it is.
    """

    nominee_name = StringField(corrections.FIELD_LABELS["nominee_name"], render_kw={"autocomplete": "off"})
    nominee_organisation = StringField(corrections.FIELD_LABELS["nominee_organisation"],
                                       render_kw={"autocomplete": "off"})
    nominee_email = EmailField(corrections.FIELD_LABELS["nominee_email"], render_kw=_NO_SPELLCHECK)
    local_authority = SelectField(
        corrections.FIELD_LABELS["local_authority"],
        choices=[SelectChoice("", "Choose the local authority area"), *map(SelectChoice, LOCAL_AUTHORITIES)],
        validate_choice=False,
    )
    nominator_name = StringField(corrections.FIELD_LABELS["nominator_name"], render_kw={"autocomplete": "off"})
    nominator_email = EmailField(corrections.FIELD_LABELS["nominator_email"], render_kw=_NO_SPELLCHECK)
    nominator_relationship = StringField(corrections.FIELD_LABELS["nominator_relationship"],
                                         render_kw={"autocomplete": "off"})
    nominator_phone = TelField(corrections.FIELD_LABELS["nominator_phone"], render_kw=_NO_SPELLCHECK)
    reason = TextAreaField("Why are you making this correction?")

    TYPED = (*corrections.NOMINEE_FIELDS, *corrections.NOMINATOR_FIELDS)

    @classmethod
    def for_nomination(cls, nomination: Nomination) -> CorrectionForm:
        """The form for this nomination's category, holding what was posted, else the nomination's values now."""

        class ForCategory(cls):
            pass

        for question in nomination.category.questions:
            setattr(ForCategory, corrections.answer_key(question), TextAreaField(question.prompt))
        answers = _answers(nomination)
        current = {name: getattr(nomination, name) or "" for name in cls.TYPED}
        current.update({corrections.answer_key(question): answers.get(question.id, "")
                        for question in nomination.category.questions})
        return ForCategory(data=current)

    def answer_fields(self, nomination: Nomination) -> list[tuple]:
        """(question, field) for each of the category's questions."""
        return [(question, self[corrections.answer_key(question)]) for question in nomination.category.questions]

    def changes(self) -> dict[str, str]:
        """What was sent for each typed field and answer (a box not sent is not a change)."""
        return {field.name: field.raw_data[0] for field in self
                if field.name not in ("csrf_token", "reason") and field.raw_data}


class ChooseCategoryForm(FlaskForm):
    """The category to move a nomination to (a GET form: choosing changes nothing, so it carries no token)."""

    class Meta:
        csrf = False

    category = RadioField("Which category should it move to?", choices=[], validate_choice=False)


class MoveNominationForm(FlaskForm):
    """Confirm a move: the category chosen on the page before, and why."""

    category = HiddenField()
    reason = TextAreaField("Why does it move?")


# The services name the fields they refuse by their own names; these are the same fields on the forms above.
FIELD_NAMES = {"text": "note_text", "note": "consent_note"}


# --- Loading and shared steps ------------------------------------------------------------------------------------


def _nomination_trail(nomination: Nomination) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, its nominations."""
    return [
        *trail(nomination.edition),
        ("Nominations", url_for(".nominations_list", edition_id=nomination.edition_id)),
    ]


def _corrections_url(nomination: Nomination) -> str:
    """The part of the nomination's page that shows its corrections."""
    return url_for(".nomination_detail", nomination_id=nomination.id, part="history", _anchor="corrections")


def _answers(nomination: Nomination) -> dict[int, str]:
    """A nomination's answers by question id."""
    return {answer.question_id: answer.text for answer in nomination.answers}


def _detail_page(
    nomination: Nomination,
    failed: FlaskForm | None = None,
    block: str | None = None,
    confirmation: str = "",
    part: str | None = None,
    **forms: FlaskForm,
):
    """The nomination page (or its status panel for htmx), with the form that failed kept as typed; 422 then.

    The page comes in parts (?part=), each at an address of its own: the nomination with its status form, the consent
    and conflicts, the notes, the corrections, the merged nominations. A failed form shows the part that holds it."""
    if part is None:
        part = request.args.get("part", "")
    if part not in DETAIL_PARTS or (part == "merged" and not nomination.merged):
        part = "nomination"
    return render_page(
        DETAIL_TEMPLATE,
        block=block,
        status=422 if failed is not None else 200,
        nomination=nomination,
        edition=nomination.edition,
        answers_of=_answers,
        authors=review.names_of_people([note.author_id for note in nomination.notes]
                                       + [row.corrected_by_id for row in nomination.corrections]),
        history=corrections.correction_history(nomination),
        original=corrections.original_values(nomination),
        kept_aside=corrections.answers_kept_aside(nomination),
        field_labels=corrections.FIELD_LABELS,
        can_resend=review.can_resend_consent(nomination),
        status_form=forms.get("status_form") or StatusForm.showing(nomination),
        consent_form=forms.get("consent_form") or ConsentForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        form=failed,  # base.html puts "Error: " in the title when this form has errors
        in_fragment=is_fragment_request(),
        confirmation=confirmation,
        status_labels=review.STATUS_LABELS,
        consent_labels=review.CONSENT_LABELS,
        ConsentState=ConsentState,
        trail=_nomination_trail(nomination),
        part=part,
    )


# --- The list ----------------------------------------------------------------------------------------------------


def _chosen_filters(edition: Edition) -> dict[str, str]:
    """The filters in the query string that make sense for this edition; anything else is quietly ignored."""
    args = request.args
    chosen = {}
    category = args.get("category", "")
    if category.isdigit() and any(str(c.id) == category for c in edition.categories):
        chosen["category"] = category
    if args.get("status") in {status.value for status in NominationStatus}:
        chosen["status"] = args["status"]
    if args.get("local_authority") in LOCAL_AUTHORITIES:
        chosen["local_authority"] = args["local_authority"]
    if args.get("consent") in {state.value for state in ConsentState}:
        chosen["consent"] = args["consent"]
    search = " ".join(review.search_words(args.get("q")))
    if search:
        chosen["q"] = args.get("q", "")[: review.SEARCH_MAX_LENGTH].strip()
    return chosen


def _filters(chosen: dict[str, str]) -> review.ReviewFilters:
    """The service's filters from the checked query string."""
    page = request.args.get("page", 1, type=int)
    return review.ReviewFilters(
        category_id=int(chosen["category"]) if "category" in chosen else None,
        status=NominationStatus(chosen["status"]) if "status" in chosen else None,
        local_authority=chosen.get("local_authority"),
        consent=ConsentState(chosen["consent"]) if "consent" in chosen else None,
        search=chosen.get("q", ""),
        page=page if 0 < page < 1_000_000 else 1,
    )


def _filter_options(edition: Edition) -> dict[str, list[tuple[str, str]]]:
    """The (value, label) choices of each filter; a status shows how many entries have it."""
    counts = review.count_by_status(edition)
    return {
        "category": [(str(category.id), category.name) for category in edition.categories],
        "status": [
            (status.value, f"{label} ({counts[status]})") for status, label in review.STATUS_LABELS.items()
        ],
        "local_authority": [(name, name) for name in LOCAL_AUTHORITIES],
        "consent": [(state.value, label) for state, label in review.CONSENT_LABELS.items()],
    }


@bp.get(EDITION + "/nominations")
@organiser_required
def nominations_list(edition_id: int):
    """List an edition's nominations, filtered and searched through the query string, newest first."""
    edition = edition_or_404(edition_id)
    chosen = _chosen_filters(edition)
    filters = _filters(chosen)
    return render_page(
        "admin/nominations/list.html",
        edition=edition,
        chosen=chosen,
        filters=filters,
        results=review.list_nominations(edition, filters, per_page=LIST_PAGE_SIZE),
        options=_filter_options(edition),
        status_labels=review.STATUS_LABELS,
        consent_labels=review.CONSENT_LABELS,
        trail=trail(edition),
    )


@bp.get(EDITION + "/nominations.csv")
@organiser_required
def nominations_csv(edition_id: int):
    """Download every nomination of the edition as a CSV file for Excel."""
    edition = edition_or_404(edition_id)
    # Personal data: private, so that no cache keeps a copy.
    return csv_download(export.nominations_csv(edition), export.csv_filename(edition, clock.now()))


# --- One nomination ----------------------------------------------------------------------------------------------


@bp.get(NOMINATION)
@organiser_required
def nomination_detail(nomination_id: int):
    """Show everything about a nomination, with its status, consent and notes forms."""
    return _detail_page(nomination_or_404(nomination_id))


@bp.post(NOMINATION + "/status")
@organiser_required
def change_nomination_status(nomination_id: int):
    """Change a nomination's status: htmx gets the status panel back, a plain form post a 303 to the nomination."""
    nomination = nomination_or_404(nomination_id)
    form = StatusForm()
    if save_form(
        form, lambda: review.change_status(current_actor(), nomination, form.status.data, form.reason.data),
        renamed=FIELD_NAMES,
    ):
        message = f"{nomination.reference} is marked {review.STATUS_LABELS[nomination.status].lower()}."
        if is_fragment_request():
            return _detail_page(nomination, block="status_panel", confirmation=message)
        flash(message, "success")
        return see_other(url_for(".nomination_detail", nomination_id=nomination.id))
    return _detail_page(nomination, failed=form, block="status_panel", status_form=form)


@bp.post(NOMINATION + "/notes")
@organiser_required
def add_nomination_note(nomination_id: int):
    """Add a note to a nomination."""
    nomination = nomination_or_404(nomination_id)
    form = NoteForm()
    if save_form(form, lambda: review.add_note(current_actor(), nomination, form.note_text.data), renamed=FIELD_NAMES):
        flash("Your note has been added.", "success")
        return see_other(url_for(".nomination_detail", nomination_id=nomination.id, part="notes"))
    return _detail_page(nomination, failed=form, part="notes", note_form=form)


@bp.post(NOMINATION + "/consent/resend")
@organiser_required
def resend_consent(nomination_id: int):
    """Email the nominee a new consent request; the link in the earlier email stops working."""
    nomination = nomination_or_404(nomination_id)
    button_action(
        ActionForm(),
        lambda: review.resend_consent_request(current_actor(), nomination),
        lambda _: f"A new consent request has been emailed to {nomination.nominee_email}. "
        "The link in any earlier email no longer works.",
    )
    return see_other(url_for(".nomination_detail", nomination_id=nomination.id, part="consent"))


@bp.post(NOMINATION + "/consent")
@organiser_required
def record_nomination_consent(nomination_id: int):
    """Record the nominee's answer given by phone or on paper."""
    nomination = nomination_or_404(nomination_id)
    form = ConsentForm()
    if save_form(
        form,
        lambda: review.record_consent(
            current_actor(), nomination, form.consent_answer.data == "given", form.consent_note.data
        ),
        renamed=FIELD_NAMES,
    ):
        answer = "agreed" if nomination.consent is ConsentState.GIVEN else "declined"
        flash(f"Recorded that the nominee {answer}.", "success")
        return see_other(url_for(".nomination_detail", nomination_id=nomination.id, part="consent"))
    return _detail_page(nomination, failed=form, part="consent", consent_form=form)


# --- Correcting and moving ---------------------------------------------------------------------------------------


@bp.route(NOMINATION + "/correct", methods=["GET", "POST"])
@organiser_required
def correct_nomination(nomination_id: int):
    """Correct what the nominator typed: every change is kept with the value before it, who made it and why."""
    nomination = nomination_or_404(nomination_id)
    form = CorrectionForm.for_nomination(nomination)
    consent_before = nomination.consent
    if saved := save_form(
        form, lambda: corrections.correct_nomination(current_actor(), nomination, form.changes(), form.reason.data)
    ):
        message = f"{nomination.reference} has been corrected. The original is kept in its history."
        flash(message, "success")
        if "nominee_email" in saved.result:  # what it did to consent, where the consent request can be sent
            flash(_consent_after_new_address(nomination, consent_before), "success")
            return see_other(url_for(".nomination_detail", nomination_id=nomination.id, part="consent"))
        return see_other(_corrections_url(nomination))
    return render_form(
        "admin/nominations/correct.html", form, nomination=nomination, answer_fields=form.answer_fields(nomination),
        answers_locked=corrections.answers_locked(nomination), answers=_answers(nomination),
        trail=_nomination_trail(nomination),
    )


def _consent_after_new_address(nomination: Nomination, before: ConsentState) -> str:
    """What correcting the nominee's address did to their consent, in the organiser's words."""
    said = {ConsentState.GIVEN: "gave consent", ConsentState.DECLINED: "declined"}
    if before in said and nomination.consent is ConsentState.NOT_REQUESTED:
        told = (f"Whoever had the old address {said[before]} through the emailed link, and that answer no longer "
                "counts: it may not have been the nominee. Consent is now 'not requested'.")
    elif before is ConsentState.REQUESTED:
        told = "The consent link emailed to the old address no longer works."
    elif before is ConsentState.NOT_REQUESTED:
        told = "The nominee has not been asked for consent yet."
    else:
        return "The nominee's email address changed. The answer recorded by the organisers stays."
    if nomination.nominee_email:
        return f"{told} Send the consent request to {nomination.nominee_email} from this page."
    return f"{told} There is no address now: record the nominee's answer when they give it by phone or on paper."


def _category_of_edition(nomination: Nomination, raw) -> Category | None:
    """The category a form names, when it is one of the nomination's edition (None otherwise, or when none is)."""
    category_id = database_id(str(raw or ""))
    category = db.session.get(Category, category_id) if category_id is not None else None
    return category if category is not None and category.edition_id == nomination.edition_id else None


def _move_page(nomination: Nomination, choose: ChooseCategoryForm, confirm: MoveNominationForm | None = None,
               plan: corrections.MovePlan | None = None, failed: FlaskForm | None = None):
    """The move page: the categories to choose from, and once one is chosen what the move does and its confirmation."""
    choose.category.choices = [SelectChoice(str(category.id), category.name)
                               for category in nomination.edition.categories if category.id != nomination.category_id]
    return render_page(
        "admin/nominations/move.html",
        status=422 if failed is not None else 200,
        form=failed,
        choose=choose,
        confirm=confirm,
        plan=plan,
        nomination=nomination,
        trail=_nomination_trail(nomination),
    )


def _judges_after_move(plan: corrections.MovePlan) -> Markup | str:
    """What a move into a category judged by assignment did about the entry's judges, with a link to that page."""
    if not plan.by_assignment:
        return ""
    if plan.judges is None:
        told = (" {category} is judged by assignment and this entry is not being judged yet, so it has no judges. "
                "Once it is eligible, run the assignment again on ")
    elif not plan.judges.short:
        told = f" It was assigned to {', '.join(plan.judges.judges)}, the judges of {{category}} with the fewest " \
               "entries. Other judges' entries did not change. See "
    else:
        given = len(plan.judges.judges)
        told = (f" It has {given} of the {plan.judges.needed} judges it needs: no other judge of {{category}} has "
                "room for it or is free of a conflict. Fill it on ")
    link = Markup('the <a href="{}">{} assignment page</a>.').format(
        url_for(".assignment_page", category_id=plan.category.id), plan.category.name)
    return escape(told.replace("{category}", plan.category.name)) + link


@bp.get(NOMINATION + "/move")
@organiser_required
def move_nomination(nomination_id: int):
    """Choose the category to move a nomination to; once chosen, see what happens to each answer, and confirm."""
    nomination = nomination_or_404(nomination_id)
    choose = ChooseCategoryForm(formdata=request.args if "category" in request.args else None)
    if "category" not in request.args:
        return _move_page(nomination, choose)
    category = _category_of_edition(nomination, request.args.get("category"))
    try:
        if category is None and request.args.get("category"):
            raise DomainError("Choose one of the categories in the list", field="category")
        corrections.check_move(nomination, category)
    except DomainError as refusal:
        show_refusal(choose, refusal, otherwise=choose.category)
        return _move_page(nomination, choose, failed=choose)
    confirm = MoveNominationForm(formdata=None, data={"category": str(category.id)})
    return _move_page(nomination, choose, confirm, corrections.plan_move(nomination, category))


@bp.post(NOMINATION + "/move")
@organiser_required
def confirm_move(nomination_id: int):
    """Move the nomination, carry the answers that fit and email the nominator; the rest stays in its history."""
    nomination = nomination_or_404(nomination_id)
    confirm = MoveNominationForm()
    category = _category_of_edition(nomination, confirm.category.data)
    old = nomination.category.name
    if saved := save_form(confirm, lambda: corrections.move_nomination(current_actor(), nomination, category,
                                                                         confirm.reason.data)):
        message = (f"{nomination.reference} has moved from {old} to {nomination.category.name}. "
                   + ("Its nominator has been emailed." if nomination.nominator_email else
                      "There is no nominator's email address, so nobody was emailed."))
        flash(message + _judges_after_move(saved.result), "success")
        return see_other(_corrections_url(nomination))
    choose = ChooseCategoryForm(formdata=None, data={"category": confirm.category.data})
    if category is None or confirm.form_errors or confirm.category.errors:
        # The category itself was refused: the choice is where to put it right.
        choose.category.errors = [*confirm.form_errors, *confirm.category.errors]
        return _move_page(nomination, choose, failed=choose)
    return _move_page(nomination, choose, confirm, corrections.plan_move(nomination, category), failed=confirm)
