"""The organisers' area: the live view of a public vote, voiding votes, assisted votes, and publishing the tally.

Never public. The view page holds three forms (void one vote, void a block, enter an assisted vote); their fields
have names of their own so that ids never clash on the page. Voiding takes two steps: the form shows what would be
voided on a confirmation page, whose "Yes" button posts the same values again with `confirmed=yes`.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import flash, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length

from awards_app.ceremony.award_records import reveal_of
from awards_app.core import clock, uow
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.programme.models import Category, Edition
from awards_app.voting import oversight, tally
from awards_app.voting.models import Contest
from awards_app.voting.votes import ballot_finalists
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import trail
from awards_app.web.charts import Column, column_chart
from awards_app.web.forms import ActionForm, Required, button_action, show_refusal
from awards_app.web.htmx import render_page
from awards_app.web.responses import see_other
from awards_app.web.signed_in import current_actor

CONTEST = "/contests/<int:contest_id>/votes"
VIEW_TEMPLATE = "admin/votes/view.html"
REASON_LIMIT = Length(max=oversight.REASON_MAX_LENGTH, message="The reason must be 1,000 characters or fewer")
NOTE_LIMIT = Length(max=oversight.NOTE_MAX_LENGTH, message="The note must be 1,000 characters or fewer")
# The view is split into parts, each its own page (?show=...), so that none runs to many screens on a phone.
PARTS = {
    "summary": "Counts and flags",
    "time": "Over time",
    "sources": "Domains",
    "networks": "Address blocks",
    "actions": "Void votes",
    "assisted": "Assisted votes",
}
BLOCK_CHOICES = [
    SelectChoice("network", "An address block (network)"),
    SelectChoice("domain", "An email domain"),
    SelectChoice("hour", "An hour"),
]


# --- Forms -------------------------------------------------------------------------------------------------------


class VoidVoteForm(FlaskForm):
    """Void one vote, found by its receipt code, with a reason."""

    void_receipt_code = StringField(
        "Receipt code of the vote",
        validators=[Required("Enter the receipt code of the vote"), Length(max=40, message="Enter a receipt code")],
        render_kw={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"},
    )
    void_reason = TextAreaField("Why are you voiding it?", validators=[Required("Enter the reason for voiding"),
                                                                        REASON_LIMIT])
    confirmed = HiddenField()


class VoidBlockForm(FlaskForm):
    """Void every counted vote from one network, at one domain, or cast in one hour, with one reason."""

    block_kind = RadioField(
        "Which votes do you want to void?",
        choices=BLOCK_CHOICES,
        validators=[Required("Choose an address block, an email domain or an hour")],
        invalid_choice_message="Choose an address block, an email domain or an hour",
    )
    block_value = StringField(
        "The address block, domain or hour",
        validators=[
            Required("Enter the address block, email domain or hour"),
            Length(max=EMAIL_LENGTH, message="Too long"),  # the longest value: an email domain
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    block_reason = TextAreaField("Why are you voiding them?", validators=[Required("Enter the reason for voiding"),
                                                                          REASON_LIMIT])
    confirmed = HiddenField()


class AssistedVoteForm(FlaskForm):
    """A vote given by phone or on paper, entered by staff."""

    assisted_finalist = RadioField(
        "Who did they vote for?",
        validators=[Required("Choose who they voted for")],
        invalid_choice_message="Choose one of the finalists",
    )
    assisted_identifier = StringField(
        "Their email address or phone number",
        validators=[Required("Enter the voter's email address, or a phone number"),
                    Length(max=EMAIL_LENGTH,
                           message=f"Enter an email address or phone number of {EMAIL_LENGTH} characters or fewer")],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    assisted_note = TextAreaField("How was the vote given?", validators=[
        Required("Say how the vote was given, such as ‘by phone on 3 March’ or ‘paper ballot, Dundee event’"),
        NOTE_LIMIT,
    ])


def _assisted_form(contest: Contest, **kwargs) -> AssistedVoteForm:
    """The assisted-vote form with the contest's finalists as its choices."""
    form = AssistedVoteForm(**kwargs)
    form.assisted_finalist.choices = [
        SelectChoice(str(finalist.id), finalist.display_name) for finalist in ballot_finalists(contest)
    ]
    return form


# --- Loading and shared steps ------------------------------------------------------------------------------------


def _contest(contest_id: int) -> Contest:
    """The contest, or 404."""
    return db.get_or_404(Contest, contest_id)


def _contest_trail(contest: Contest) -> list[tuple[str, str]]:
    """Breadcrumbs: the dashboard, the edition, the contest's vote view."""
    return [*trail(contest.category.edition),
            (f"Public vote: {contest.category.name}", url_for(".contest_votes", contest_id=contest.id))]


def _back_to_view(contest: Contest, part: str, anchor: str):
    """303 to a part of the live view of the vote, at `anchor`."""
    return see_other(_part_url(contest, part, _anchor=anchor))


def _part_url(contest: Contest, part: str, **values) -> str:
    """The address of a part of the view (the first part's is the view's own)."""
    return url_for(".contest_votes", contest_id=contest.id, show=None if part == "summary" else part, **values)


def _chosen_day(summary: oversight.VoteSummary) -> date:
    """The day of the hourly chart: ?day=YYYY-MM-DD when it is one of the vote's days, else the default."""
    days = [day for day, _cast, _voided in summary.days()]
    try:
        wanted = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        wanted = None
    if wanted in days:
        return wanted
    default = summary.default_day()
    return default if default in days or not days else days[-1]


def _view(contest: Contest, part: str | None = None, status: int = 200, void_form=None, block_form=None,
          assisted_form=None):
    """One part of the live view: counts, flags and the tally; charts over time; the busiest domains or address
    blocks; the forms that void votes; or the form that enters an assisted vote."""
    part = part or (request.args.get("show") if request.args.get("show") in PARTS else "summary")
    summary = oversight.vote_summary(current_actor(), contest)
    zone = summary.zone
    days = summary.days()
    day = _chosen_day(summary)
    hours = summary.hours_of(day)
    day_list = [d for d, _cast, _voided in days]
    position = day_list.index(day) if day in day_list else None
    per_day_chart = column_chart(
        "chart-votes-per-day",
        f"Votes cast per day, {contest.category.name}",
        [Column(f"{d:%A} {d.day} {d:%B}", f"{d.day} {d:%b}", cast) for d, cast, _voided in days],
        "Column chart of the votes cast on each day of the vote, from the first day to the last, voided votes "
        "included.",
    )
    per_hour_chart = column_chart(
        "chart-votes-per-hour",
        f"Votes cast per hour on {day:%A} {day.day} {day:%B %Y}",
        [_hour_column(hour.start.astimezone(zone), hour.cast) for hour in hours],
        f"Column chart of the votes cast in each hour of the day, {zone} time, voided votes included.",
    )
    reveal = reveal_of(contest.category)
    if block_form is None:  # a link from the tables or the flags fills the block form in (?kind=...&value=...)
        block_form = VoidBlockForm(formdata=None, data={
            "block_kind": request.args.get("kind") if request.args.get("kind") in oversight.BLOCK_KINDS else None,
            "block_value": request.args.get("value", "")[:EMAIL_LENGTH],  # the longest value: an email domain
        })
    forms = {
        "void_form": void_form or VoidVoteForm(formdata=None),
        "block_form": block_form,
        "assisted_form": assisted_form or _assisted_form(contest, formdata=None),
    }
    failed = next((form for form in forms.values() if form.errors), None)
    now = clock.now()
    return render_page(
        VIEW_TEMPLATE,
        status=status,
        contest=contest,
        edition=contest.category.edition,
        summary=summary,
        tally=tally.count_votes(contest),
        per_day_chart=per_day_chart,
        per_hour_chart=per_hour_chart,
        days=days,
        day=day,
        hours=hours,
        previous_day=_day_link(contest, day_list[position - 1] if position else None),
        next_day=_day_link(contest, day_list[position + 1] if position is not None and position + 1 < len(day_list)
                           else None),
        hour_value=lambda start: oversight.hour_value(start, zone),
        zone=zone,
        now=now,
        is_open=contest.opens_at <= now < contest.closes_at,
        has_closed=now >= contest.closes_at,
        can_publish=tally.can_publish(contest),
        list_is_public=tally.is_public(contest),
        revealed_at=reveal.revealed_at if reveal else None,
        rules={"factor": oversight.SPIKE_HOUR_FACTOR, "minimum": oversight.SPIKE_MIN_VOTES,
               "share": oversight.SPIKE_SHARE},
        form=failed,
        trail=trail(contest.category.edition),
        part=part,
        part_label=PARTS[part],
        parts_tabs=[(label, _part_url(contest, name), name == part) for name, label in PARTS.items()],
        part_url=lambda name, **values: _part_url(contest, name, **values),
        **forms,
    )


def _hour_column(start: datetime, cast: int) -> Column:
    """One hour of the hourly chart: named in full for its tooltip, by its start on the time axis."""
    return Column(f"{start:%H}:00 to {(start + timedelta(hours=1)):%H}:00", f"{start:%H}:00", cast)


def _day_link(contest: Contest, day: date | None) -> tuple[date, str] | None:
    """Another day and the view's address that shows its hours."""
    if day is None:
        return None
    return day, _part_url(contest, "time", day=day.isoformat(), _anchor="per-hour")


# --- Views -------------------------------------------------------------------------------------------------------


@bp.app_template_global("public_vote_contests")
def public_vote_contests(edition: Edition) -> list[Contest]:
    """The edition's contests, in category order (for the edition page's "Public vote" list)."""
    return list(db.session.scalars(
        select(Contest).join(Category).where(Category.edition_id == edition.id)
        .order_by(Category.display_order, Category.id)
    ))


@bp.get(CONTEST)
@organiser_required
def contest_votes(contest_id: int):
    """Show the live view of a public vote."""
    return _view(_contest(contest_id))


@bp.post(CONTEST + "/void")
@organiser_required
def void_vote(contest_id: int):
    """Void one vote by its receipt code: first show what would be voided, then void it when confirmed."""
    contest = _contest(contest_id)
    form = VoidVoteForm()
    if not form.validate_on_submit():
        return _view(contest, "actions", status=422, void_form=form)
    try:
        vote = oversight.find_vote(current_actor(), contest, form.void_receipt_code.data)
        if form.confirmed.data != "yes":
            if vote.voided_at is not None:
                raise DomainError("That vote has already been voided.", field="receipt_code")
            return render_page("admin/votes/confirm_void.html", contest=contest, vote=vote, form=form,
                               finalist_name=vote.finalist.display_name, trail=_contest_trail(contest))
        oversight.void_vote(current_actor(), vote, form.void_reason.data)
    except DomainError as refusal:
        show_refusal(form, refusal, prefix="void_")
        return _view(contest, "actions", status=422, void_form=form)
    uow.commit()
    flash(f"The vote with receipt code {vote.receipt_code} has been voided. It stays in the log and no longer "
          "counts.", "success")
    return _back_to_view(contest, "summary", "counts")


@bp.post(CONTEST + "/void-block")
@organiser_required
def void_block(contest_id: int):
    """Void a block of votes (a network, a domain or an hour): show how many first, then void them when confirmed."""
    contest = _contest(contest_id)
    form = VoidBlockForm()
    if not form.validate_on_submit():
        return _view(contest, "actions", status=422, block_form=form)
    kind, value, reason = form.block_kind.data, form.block_value.data.strip(), form.block_reason.data
    try:
        if form.confirmed.data != "yes":
            count = oversight.count_block(current_actor(), contest, kind, value)
            if count == 0:
                raise DomainError(f"No counted votes match that {oversight.BLOCK_KINDS[kind]}.", field="value")
            return render_page("admin/votes/confirm_block.html", contest=contest, form=form, count=count,
                               kind_label=oversight.BLOCK_KINDS[kind], trail=_contest_trail(contest))
        count = oversight.void_votes(current_actor(), contest, kind, value, reason)
    except DomainError as refusal:
        show_refusal(form, refusal, prefix="block_")
        return _view(contest, "actions", status=422, block_form=form)
    uow.commit()
    flash(f"{count} vote{'' if count == 1 else 's'} from the {oversight.BLOCK_KINDS[kind]} {value} "
          f"{'has' if count == 1 else 'have'} been voided. They stay in the log and no longer count.", "success")
    return _back_to_view(contest, "summary", "counts")


@bp.post(CONTEST + "/assisted")
@organiser_required
def assisted_vote(contest_id: int):
    """Enter a vote given by phone or on paper, under the one-vote-per-person rule."""
    contest = _contest(contest_id)
    form = _assisted_form(contest)
    if not form.validate_on_submit():
        return _view(contest, "assisted", status=422, assisted_form=form)
    finalist = db.session.get(Finalist, int(form.assisted_finalist.data))
    try:
        vote = oversight.record_assisted_vote(
            current_actor(), contest, finalist, form.assisted_identifier.data, form.assisted_note.data
        )
    except DomainError as refusal:
        show_refusal(form, refusal, prefix="assisted_")
        return _view(contest, "assisted", status=422, assisted_form=form)
    uow.commit()
    flash(f"The vote for {finalist.display_name} has been recorded. Its receipt code is {vote.receipt_code}: "
          "give it to the voter so that they can check it in the published list.", "success")
    return _back_to_view(contest, "assisted", "assisted")


@bp.route(CONTEST + "/publish", methods=["GET", "POST"])
@organiser_required
def publish_tally(contest_id: int):
    """Ask for confirmation, then publish the anonymised list of votes (only once the result is revealed)."""
    contest = _contest(contest_id)
    form = ActionForm()
    if request.method == "POST":
        button_action(
            form,
            lambda: tally.publish_tally(current_actor(), contest),
            lambda _: "The list of votes is published. Anyone can now recount it and check their receipt.",
        )
        return _back_to_view(contest, "summary", "publish")
    if not tally.can_publish(contest):
        flash("The list of votes can be published once, after the result of this category has been revealed at the "
              "ceremony.", "info")
        return _back_to_view(contest, "summary", "publish")
    edition = contest.category.edition
    return render_page(
        "admin/votes/confirm_publish.html", contest=contest, form=form, tally=tally.count_votes(contest),
        edition=edition, trail=_contest_trail(contest),
    )
