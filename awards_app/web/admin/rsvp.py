"""The organisers' area: who is coming to an edition's ceremony, with their access needs, as a page and a CSV."""
from __future__ import annotations

from flask import url_for

from awards_app.ceremony.rsvp import edition_invitations, rsvp_counts
from awards_app.nominations.export import csv_text
from awards_app.web.access import organiser_required
from awards_app.web.admin import bp
from awards_app.web.admin.shared import edition_or_404, trail
from awards_app.web.downloads import csv_download
from awards_app.web.htmx import render_page
from awards_app.web.responses import no_store
from awards_app.web.signed_in import current_actor
from awards_app.web.template_helpers import format_datetime

RSVP = "/editions/<int:edition_id>/ceremony/rsvp"
# What each answer is called in the list and the CSV ("No answer" for an invitee who has not said).
ANSWER_NAMES = {"yes": "Yes", "no": "No", None: "No answer"}


@bp.get(RSVP)
@organiser_required
def rsvp_list(edition_id: int):
    """Everyone invited to the ceremony with their answer and access needs, and how many said yes, no or nothing."""
    edition = edition_or_404(edition_id)
    invitations = edition_invitations(current_actor(), edition)
    return no_store(render_page(
        "admin/rsvp/list.html",
        edition=edition,
        invitations=invitations,
        counts=rsvp_counts(invitations),
        answer_names=ANSWER_NAMES,
        trail=[*trail(edition), ("Ceremony", url_for(".ceremony_control", edition_id=edition.id))],
    ))


@bp.get(RSVP + ".csv")
@organiser_required
def rsvp_csv(edition_id: int):
    """The same list as CSV (personal data: never kept by caches)."""
    edition = edition_or_404(edition_id)
    header = ["Name", "Email", "Answer", "Access needs", f"Answered ({edition.timezone})"]
    rows = [
        [invitation.name, invitation.email, ANSWER_NAMES[invitation.answer], invitation.access_needs,
         format_datetime(invitation.answered_at, edition.timezone)]
        for invitation in edition_invitations(current_actor(), edition)
    ]
    return csv_download(csv_text(header, rows), f"ceremony-rsvp-{int(edition.year)}.csv")
