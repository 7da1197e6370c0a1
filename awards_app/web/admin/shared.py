"""What the organisers' route modules share: loading what a URL names (404 otherwise), the breadcrumbs, the edition's
navigation, and moving an item up or down its list."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request, url_for

from awards_app.extensions import db
from awards_app.nominations.models import Nomination
from awards_app.programme.models import Category, Edition
from awards_app.web.admin import bp
from awards_app.web.admin.forms import MoveForm
from awards_app.web.database_ids import database_id
from awards_app.web.forms import button_action
from awards_app.web.signed_in import current_actor

EDITION = "/editions/<int:edition_id>"


def edition_or_404(edition_id: int) -> Edition:
    """The edition, or 404."""
    return db.get_or_404(Edition, edition_id)


def category_or_404(edition_id: int, category_id: int) -> Category:
    """The category, or 404 when it does not exist or belongs to another edition."""
    category = db.get_or_404(Category, category_id)
    if category.edition_id != edition_id:
        abort(404)
    return category


def nomination_or_404(nomination_id: int) -> Nomination:
    """The nomination, or 404: ids typed into a form (the duplicates' merge form) reach here as they are, so a number
    too large for the database is a 404 too."""
    if database_id(nomination_id) is None:
        abort(404)
    return db.get_or_404(Nomination, nomination_id)


def trail(edition: Edition | None = None, category: Category | None = None) -> list[tuple[str, str]]:
    """The breadcrumbs above a page: the dashboard, then the edition and category it sits under."""
    crumbs = [("Organisers' area", url_for("admin.dashboard"))]
    if edition is not None:
        crumbs.append((edition.name, url_for("admin.show_edition", edition_id=edition.id)))
    if category is not None:
        crumbs.append((category.name, url_for("admin.show_category", edition_id=edition.id, category_id=category.id)))
    return crumbs


# The sections of an edition's organisers' pages, in the order of the year, each with the endpoint its link opens; and
# every page that belongs to a section, so that the navigation can say where the organiser is (one mapping, here).
OVERVIEW = "admin.edition_dashboard"
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Overview", OVERVIEW),
    ("Setup", "admin.show_edition"),
    ("Nominations", "admin.nominations_list"),
    ("Duplicates", "admin.nomination_duplicates"),
    ("Judges", "admin.judges"),
    ("Judging", "admin.judging_overview"),
    ("Shortlist", "admin.shortlist_publication"),
    ("Vote", "admin.contest_votes"),
    ("Ceremony", "admin.ceremony_control"),
    ("RSVP", "admin.rsvp_list"),
    ("Messages", "admin.messages_list"),
    ("Reach", "admin.reach_report"),
)
SECTION_OF_ENDPOINT: dict[str, str] = {
    "admin.edition_dashboard": "Overview",
    **dict.fromkeys(
        ["admin.show_edition", "admin.edit_edition", "admin.announce_edition", "admin.return_to_draft",
         "admin.copy_edition", "admin.new_category", "admin.show_category", "admin.edit_category",
         "admin.delete_category", "admin.new_question", "admin.edit_question", "admin.delete_question",
         "admin.new_criterion", "admin.edit_criterion", "admin.delete_criterion", "admin.new_category_criterion",
         "admin.use_edition_criteria"],
        "Setup",
    ),
    **dict.fromkeys(
        ["admin.nominations_list", "admin.nomination_detail", "admin.correct_nomination", "admin.move_nomination",
         "admin.confirm_move", "admin.change_nomination_status"],
        "Nominations",
    ),
    **dict.fromkeys(["admin.nomination_duplicates", "admin.merge_duplicates"], "Duplicates"),
    **dict.fromkeys(
        ["admin.judges", "admin.edit_judge", "admin.remove_judge", "admin.conflicts_list", "admin.restore_conflict",
         "admin.recuse_judge", "admin.new_judge", "admin.judges_to_invite_again", "admin.other_judges",
         "admin.blind_judging_page"],
        "Judges",
    ),
    **dict.fromkeys(
        ["admin.judging_overview", "admin.category_judging", "admin.category_rankings", "admin.category_shortlist",
         "admin.category_final_round", "admin.assignment_page", "admin.category_breakdown",
         "admin.breakdown_disagreements", "admin.breakdown_entries",
         "admin.category_comments", "admin.judge_comments", "admin.category_feedback", "admin.feedback_settings"],
        "Judging",
    ),
    **dict.fromkeys(
        ["admin.shortlist_publication", "admin.edit_finalist", "admin.edit_contest"], "Shortlist"
    ),
    **dict.fromkeys(
        ["admin.contest_votes", "admin.void_vote", "admin.void_block", "admin.assisted_vote", "admin.publish_tally"],
        "Vote",
    ),
    **dict.fromkeys(
        ["admin.ceremony_control", "admin.ceremony_result", "admin.hide", "admin.winners_list"], "Ceremony"
    ),
    "admin.rsvp_list": "RSVP",
    **dict.fromkeys(
        ["admin.messages_list", "admin.new_message", "admin.edit_message", "admin.message_preview",
         "admin.message_delivery"],
        "Messages",
    ),
    "admin.reach_report": "Reach",
}


@dataclass(frozen=True)
class Section:
    """One link of an edition's navigation; `current` when the page shown belongs to it."""

    label: str
    url: str
    current: bool


def edition_sections(edition: Edition, endpoint: str | None = None) -> list[Section]:
    """The links of the edition's navigation, the one of the page shown (`endpoint`, else the request's) current.

    The Vote section opens the first public vote, and is left out until the edition has one.
    """
    # Imported here: votes.py imports this module.
    from awards_app.web.admin.votes import public_vote_contests

    here = SECTION_OF_ENDPOINT.get(endpoint or request.endpoint)
    sections = []
    for label, section_endpoint in SECTIONS:
        if section_endpoint == "admin.contest_votes":
            contests = public_vote_contests(edition)
            if not contests:
                continue
            url = url_for(section_endpoint, contest_id=contests[0].id)
        else:
            url = url_for(section_endpoint, edition_id=edition.id)
        sections.append(Section(label, url, current=label == here))
    return sections


@bp.context_processor
def edition_navigation():
    """Every organisers' page may draw its edition's navigation (base.html does, when the page names an edition)."""
    return {"edition_sections": edition_sections}


def move(operation, subject, label: str) -> None:
    """Move an item up or down its list (the direction comes from the button pressed), saying what happened."""
    form = MoveForm()
    button_action(
        form,
        lambda: operation(current_actor(), subject, form.direction.data),
        lambda _: f"{label} has been moved {form.direction.data}.",
    )
