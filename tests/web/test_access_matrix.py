"""The access-control matrix: every route of the URL map against every kind of caller, with the answer expected.

Callers (the columns): anon (a visitor); draft, consent and vote (anonymous visitors who opened a nomination's resume
link, a nominee's consent link, a vote confirmation link); panel (a judge on the category's panel); other (a judge on
another category's panel); conflicted (a judge on the panel with a conflict declared on the entry); organiser.

The world (tests/web/access_world.py) is the demo edition during its public vote. Ids in URLs are real: the category
with the open contest, an entry the panel judge may score (the conflicted judge's conflict is on it), the panel
judge's place, a finalist, the first email in the outbox; link routes get a link of their kind issued through the
services. A POST carries the caller's own valid CSRF token and no fields, so the cell says whether the caller gets
past the access checks: signin (a redirect to the sign-in page), 403 or 404 mean refused; for a caller who is let in
it is what an empty form earns (400 or 422 for a form that needs fields, 409 for a refused action, 303 when done).
Each cell is asked in its own savepoint, so no caller sees another's changes. Requests without a CSRF token are
tested in test_csrf_every_route.py.

A route in the URL map without a row fails test_every_route_has_a_row; so does a row whose route is gone.
"""
from __future__ import annotations

import pytest

from awards_app.extensions import limiter
from tests.fixtures.database import savepoint
from tests.web.access_world import CALLERS, LINK_HOLDERS, db_session, world  # noqa: F401  (fixtures of this module)
from tests.web.route_walk import answer, ask, routes

# Notes on rows a reviewer may stop at:
# - public.edition, public.edition_csv: the archive shows only finished editions; this one is still voting (404).
# - public.tally_page, public.tally_csv: the anonymised list of votes exists only once published (404 until then).
# - public.shortlist_image, admin.finalist_image_preview: no finalist has an image here (404 for everyone).
# - public.site_logo: the site has no logo here (404 for everyone); admin.remove_logo: so removing it is refused (303
#   back to the settings page with the refusal shown).
# - nominate.*: nominations are closed, so every save is refused (403); only the draft holder has a draft whose
#   steps send them on (303) to the step that comes first.
# - auth.sign_in_with_link, auth.accept_invitation, auth.reset_password, vote.confirm, consent.respond: the link is the credential, so
#   whoever holds it gets the same answer; nothing else about the caller matters.
# - public.rsvp: the same, and no caller holds an RSVP link here (404, the link-problem page, for everyone).
# - auth.sign_in_code: the second sign-in step grants nothing; without a first step it goes back to sign-in.
# - judging.final_round: none of the callers is asked to rank finalists in this category (404, the panel's too).
# - judging.unlock_scores, judging.unlock_final_ranks: organisers' actions under /judging (judges get 403).
# - devmail.*: the development mailbox; it exists only in development (production does not register it).
MATRIX_TEXT = """
    # endpoint                     method anon     draft    consent  vote     panel    other    conflicted organiser
    admin.add_judge                  POST  signin   signin   signin   signin   403      403      403      422
    admin.add_nomination_note        POST  signin   signin   signin   signin   403      403      403      422
    admin.announce_edition           GET   signin   signin   signin   signin   403      403      403      303
    admin.announce_edition           POST  signin   signin   signin   signin   403      403      403      303
    admin.assign_judge               POST  signin   signin   signin   signin   403      403      403      422
    admin.assignment_page            GET   signin   signin   signin   signin   403      403      403      200
    admin.assisted_vote              POST  signin   signin   signin   signin   403      403      403      422
    admin.blind_judging              POST  signin   signin   signin   signin   403      403      403      303
    admin.blind_judging_page         GET   signin   signin   signin   signin   403      403      403      200
    admin.breakdown_csv              GET   signin   signin   signin   signin   403      403      403      200
    admin.breakdown_disagreements    GET   signin   signin   signin   signin   403      403      403      200
    admin.breakdown_entries          GET   signin   signin   signin   signin   403      403      403      200
    admin.category_breakdown         GET   signin   signin   signin   signin   403      403      403      200
    admin.category_comments          GET   signin   signin   signin   signin   403      403      403      200
    admin.category_feedback          GET   signin   signin   signin   signin   403      403      403      200
    admin.category_feedback          POST  signin   signin   signin   signin   403      403      403      422
    admin.category_final_round       GET   signin   signin   signin   signin   403      403      403      200
    admin.category_judging           GET   signin   signin   signin   signin   403      403      403      200
    admin.category_rankings          GET   signin   signin   signin   signin   403      403      403      200
    admin.category_shortlist         GET   signin   signin   signin   signin   403      403      403      200
    admin.ceremony_control           GET   signin   signin   signin   signin   403      403      403      200
    admin.ceremony_result            GET   signin   signin   signin   signin   403      403      403      200
    admin.change_nomination_status   POST  signin   signin   signin   signin   403      403      403      422
    admin.choose_shortlist           POST  signin   signin   signin   signin   403      403      403      422
    admin.confirm_move               POST  signin   signin   signin   signin   403      403      403      422
    admin.confirm_result             POST  signin   signin   signin   signin   403      403      403      303
    admin.conflicts_list             GET   signin   signin   signin   signin   403      403      403      200
    admin.contest_votes              GET   signin   signin   signin   signin   403      403      403      200
    admin.copy_edition               GET   signin   signin   signin   signin   403      403      403      200
    admin.copy_edition               POST  signin   signin   signin   signin   403      403      403      422
    admin.copy_sources               GET   signin   signin   signin   signin   403      403      403      200
    admin.correct_nomination         GET   signin   signin   signin   signin   403      403      403      200
    admin.correct_nomination         POST  signin   signin   signin   signin   403      403      403      422
    admin.current_ceremony           GET   signin   signin   signin   signin   403      403      403      303
    admin.dashboard                  GET   signin   signin   signin   signin   403      403      403      200
    admin.delete_category            GET   signin   signin   signin   signin   403      403      403      200
    admin.delete_category            POST  signin   signin   signin   signin   403      403      403      409
    admin.delete_criterion           GET   signin   signin   signin   signin   403      403      403      200
    admin.delete_criterion           POST  signin   signin   signin   signin   403      403      403      409
    admin.delete_question            GET   signin   signin   signin   signin   403      403      403      200
    admin.delete_question            POST  signin   signin   signin   signin   403      403      403      409
    admin.download_person            POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_category              GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_category              POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_contest               GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_contest               POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_criterion             GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_criterion             POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_edition               GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_edition               POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_finalist              GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_finalist              POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_judge                 GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_judge                 POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_message               GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_message               POST  signin   signin   signin   signin   403      403      403      422
    admin.edit_question              GET   signin   signin   signin   signin   403      403      403      200
    admin.edit_question              POST  signin   signin   signin   signin   403      403      403      422
    admin.edition_dashboard          GET   signin   signin   signin   signin   403      403      403      200
    admin.erase_person               POST  signin   signin   signin   signin   403      403      403      422
    admin.feedback_settings          GET   signin   signin   signin   signin   403      403      403      200
    admin.feedback_settings          POST  signin   signin   signin   signin   403      403      403      422
    admin.finalist_image_preview     GET   signin   signin   signin   signin   403      403      403      404
    admin.give_own_criteria          POST  signin   signin   signin   signin   403      403      403      303
    admin.hide                       GET   signin   signin   signin   signin   403      403      403      200
    admin.hide                       POST  signin   signin   signin   signin   403      403      403      422
    admin.invite_all_judges_again    POST  signin   signin   signin   signin   403      403      403      303
    admin.invite_judge               POST  signin   signin   signin   signin   403      403      403      303
    admin.invite_judge_again         POST  signin   signin   signin   signin   403      403      403      303
    admin.invite_organiser           POST  signin   signin   signin   signin   403      403      403      422
    admin.judge_comments             GET   signin   signin   signin   signin   403      403      403      200
    admin.judge_panels               POST  signin   signin   signin   signin   403      403      403      303
    admin.judges                     GET   signin   signin   signin   signin   403      403      403      200
    admin.judges_to_invite_again     GET   signin   signin   signin   signin   403      403      403      200
    admin.judging_overview           GET   signin   signin   signin   signin   403      403      403      200
    admin.merge_duplicates           GET   signin   signin   signin   signin   403      403      403      303
    admin.merge_duplicates           POST  signin   signin   signin   signin   403      403      403      303
    admin.message_delivery           GET   signin   signin   signin   signin   403      403      403      303
    admin.message_preview            GET   signin   signin   signin   signin   403      403      403      200
    admin.messages_list              GET   signin   signin   signin   signin   403      403      403      200
    admin.move_category              POST  signin   signin   signin   signin   403      403      403      400
    admin.move_in_running_order      POST  signin   signin   signin   signin   403      403      403      400
    admin.move_nomination            GET   signin   signin   signin   signin   403      403      403      200
    admin.move_question              POST  signin   signin   signin   signin   403      403      403      400
    admin.new_category               GET   signin   signin   signin   signin   403      403      403      200
    admin.new_category               POST  signin   signin   signin   signin   403      403      403      422
    admin.new_category_criterion     GET   signin   signin   signin   signin   403      403      403      200
    admin.new_category_criterion     POST  signin   signin   signin   signin   403      403      403      422
    admin.new_criterion              GET   signin   signin   signin   signin   403      403      403      200
    admin.new_criterion              POST  signin   signin   signin   signin   403      403      403      422
    admin.new_edition                GET   signin   signin   signin   signin   403      403      403      200
    admin.new_edition                POST  signin   signin   signin   signin   403      403      403      422
    admin.new_judge                  GET   signin   signin   signin   signin   403      403      403      200
    admin.new_message                GET   signin   signin   signin   signin   403      403      403      200
    admin.new_message                POST  signin   signin   signin   signin   403      403      403      422
    admin.new_question               GET   signin   signin   signin   signin   403      403      403      200
    admin.new_question               POST  signin   signin   signin   signin   403      403      403      422
    admin.nomination_detail          GET   signin   signin   signin   signin   403      403      403      200
    admin.nomination_duplicates      GET   signin   signin   signin   signin   403      403      403      200
    admin.nominations_csv            GET   signin   signin   signin   signin   403      403      403      200
    admin.nominations_list           GET   signin   signin   signin   signin   403      403      403      200
    admin.other_judges               GET   signin   signin   signin   signin   403      403      403      200
    admin.pause_judge                POST  signin   signin   signin   signin   403      403      403      303
    admin.people                     GET   signin   signin   signin   signin   403      403      403      200
    admin.people                     POST  signin   signin   signin   signin   403      403      403      422
    admin.publish_shortlist_now      POST  signin   signin   signin   signin   403      403      403      422
    admin.publish_tally              GET   signin   signin   signin   signin   403      403      403      303
    admin.publish_tally              POST  signin   signin   signin   signin   403      403      403      303
    admin.reach_report               GET   signin   signin   signin   signin   403      403      403      200
    admin.record_nomination_consent  POST  signin   signin   signin   signin   403      403      403      422
    admin.record_vote_result         POST  signin   signin   signin   signin   403      403      403      422
    admin.record_winners             POST  signin   signin   signin   signin   403      403      403      422
    admin.recuse_judge               GET   signin   signin   signin   signin   403      403      403      200
    admin.recuse_judge               POST  signin   signin   signin   signin   403      403      403      422
    admin.remove_organiser           GET   signin   signin   signin   signin   403      403      403      200
    admin.remove_organiser           POST  signin   signin   signin   signin   403      403      403      303
    admin.resend_organiser_invitation POST  signin   signin   signin   signin   403      403      403      303
    admin.restore_conflict           GET   signin   signin   signin   signin   403      403      403      200
    admin.restore_conflict           POST  signin   signin   signin   signin   403      403      403      422
    admin.remove_finalist_image      POST  signin   signin   signin   signin   403      403      403      303
    admin.remove_logo                POST  signin   signin   signin   signin   403      403      403      303
    admin.remove_judge               GET   signin   signin   signin   signin   403      403      403      200
    admin.remove_judge               POST  signin   signin   signin   signin   403      403      403      303
    admin.resend_consent             POST  signin   signin   signin   signin   403      403      403      303
    admin.reset_two_factor           POST  signin   signin   signin   signin   403      403      403      303
    admin.restore_judge              POST  signin   signin   signin   signin   403      403      403      303
    admin.results_csv                GET   signin   signin   signin   signin   403      403      403      200
    admin.resume_judge               POST  signin   signin   signin   signin   403      403      403      303
    admin.return_to_draft            GET   signin   signin   signin   signin   403      403      403      200
    admin.return_to_draft            POST  signin   signin   signin   signin   403      403      403      409
    admin.reveal                     POST  signin   signin   signin   signin   403      403      403      303
    admin.rsvp_csv                   GET   signin   signin   signin   signin   403      403      403      200
    admin.rsvp_list                  GET   signin   signin   signin   signin   403      403      403      200
    admin.run_assignment             POST  signin   signin   signin   signin   403      403      403      409
    admin.schedule_shortlist         POST  signin   signin   signin   signin   403      403      403      422
    admin.security                   GET   signin   signin   signin   signin   403      403      403      200
    admin.send_feedback              POST  signin   signin   signin   signin   403      403      403      303
    admin.send_message               POST  signin   signin   signin   signin   403      403      403      409
    admin.send_reminders             POST  signin   signin   signin   signin   403      403      403      303
    admin.set_assignment_plan        POST  signin   signin   signin   signin   403      403      403      422
    admin.set_tie_break              POST  signin   signin   signin   signin   403      403      403      303
    admin.shortlist_publication      GET   signin   signin   signin   signin   403      403      403      200
    admin.show_category              GET   signin   signin   signin   signin   403      403      403      200
    admin.show_edition               GET   signin   signin   signin   signin   403      403      403      200
    admin.site_settings              GET   signin   signin   signin   signin   403      403      403      200
    admin.site_settings              POST  signin   signin   signin   signin   403      403      403      422
    admin.stop_assignment            POST  signin   signin   signin   signin   403      403      403      409
    admin.team_page                  GET   signin   signin   signin   signin   403      403      403      200
    admin.unassign_judge             POST  signin   signin   signin   signin   403      403      403      422
    admin.unmerge_nomination         POST  signin   signin   signin   signin   403      403      403      303
    admin.unpublish_shortlist        POST  signin   signin   signin   signin   403      403      403      422
    admin.upload_finalist_image      POST  signin   signin   signin   signin   403      403      403      422
    admin.upload_logo                POST  signin   signin   signin   signin   403      403      403      422
    admin.use_edition_criteria       GET   signin   signin   signin   signin   403      403      403      200
    admin.use_edition_criteria       POST  signin   signin   signin   signin   403      403      403      409
    admin.void_block                 POST  signin   signin   signin   signin   403      403      403      422
    admin.void_vote                  POST  signin   signin   signin   signin   403      403      403      422
    admin.vote_shares                POST  signin   signin   signin   signin   403      403      403      400
    admin.winners_list               GET   signin   signin   signin   signin   403      403      403      200
    admin.withdraw_organiser_invitation POST  signin   signin   signin   signin   403      403      403      303
    auth.accept_invitation           GET   200      200      200      200      200      200      200      200
    auth.accept_invitation           POST  422      422      422      422      422      422      422      422
    auth.account                     GET   signin   signin   signin   signin   200      200      200      200
    auth.change_password             GET   signin   signin   signin   signin   200      200      200      200
    auth.change_password             POST  signin   signin   signin   signin   422      422      422      422
    auth.forgotten_password          GET   200      200      200      200      200      200      200      200
    auth.forgotten_password          POST  422      422      422      422      422      422      422      422
    auth.password_reset_sent         GET   200      200      200      200      200      200      200      200
    auth.reset_password              GET   200      200      200      200      200      200      200      200
    auth.reset_password              POST  422      422      422      422      422      422      422      422
    auth.request_sign_in_link        GET   200      200      200      200      200      200      200      200
    auth.request_sign_in_link        POST  422      422      422      422      422      422      422      422
    auth.set_up_two_factor           GET   signin   signin   signin   signin   200      200      200      200
    auth.set_up_two_factor           POST  signin   signin   signin   signin   422      422      422      422
    auth.sign_in                     GET   200      200      200      200      302      302      302      302
    auth.sign_in                     POST  422      422      422      422      302      302      302      302
    auth.sign_in_code                GET   signin   signin   signin   signin   302      302      302      302
    auth.sign_in_code                POST  signin   signin   signin   signin   302      302      302      302
    auth.sign_in_link_sent           GET   200      200      200      200      200      200      200      200
    auth.sign_in_with_link           GET   200      200      200      200      200      200      200      200
    auth.sign_in_with_link           POST  303      303      303      303      303      303      303      303
    auth.sign_out                    POST  signin   signin   signin   signin   303      303      303      303
    auth.turn_off_two_factor         GET   signin   signin   signin   signin   303      303      303      303
    auth.turn_off_two_factor         POST  signin   signin   signin   signin   303      303      303      303
    consent.respond                  GET   200      200      200      200      200      200      200      200
    consent.respond                  POST  400      400      400      400      400      400      400      400
    devmail.html_part                GET   200      200      200      200      200      200      200      200
    devmail.inbox                    GET   200      200      200      200      200      200      200      200
    devmail.show_email               GET   200      200      200      200      200      200      200      200
    judging.abstain_entry            POST  signin   signin   signin   signin   409      404      404      403
    judging.affiliations             GET   signin   signin   signin   signin   200      200      200      403
    judging.affiliations             POST  signin   signin   signin   signin   303      303      303      403
    judging.category_entries         GET   signin   signin   signin   signin   200      404      200      403
    judging.declare_conflicts        GET   signin   signin   signin   signin   200      404      200      403
    judging.declare_conflicts        POST  signin   signin   signin   signin   400      404      400      403
    judging.final_round              GET   signin   signin   signin   signin   404      404      404      403
    judging.final_round              POST  signin   signin   signin   signin   404      404      404      403
    judging.home                     GET   signin   signin   signin   signin   200      200      200      403
    judging.review_scores            GET   signin   signin   signin   signin   200      404      200      403
    judging.score_entry              GET   signin   signin   signin   signin   200      404      404      403
    judging.score_entry              POST  signin   signin   signin   signin   409      404      404      403
    judging.submit_scores            GET   signin   signin   signin   signin   200      404      200      403
    judging.submit_scores            POST  signin   signin   signin   signin   409      404      409      403
    judging.unlock_final_ranks       POST  signin   signin   signin   signin   403      403      403      303
    judging.unlock_scores            POST  signin   signin   signin   signin   403      403      403      303
    nominate.begin                   POST  403      403      403      403      403      403      403      403
    nominate.category                GET   200      200      200      200      200      200      200      200
    nominate.category                POST  403      403      403      403      403      403      403      403
    nominate.check                   GET   200      200      200      200      200      200      200      200
    nominate.check                   POST  403      403      403      403      403      403      403      403
    nominate.nominator               GET   200      200      200      200      200      200      200      200
    nominate.nominator               POST  403      403      403      403      403      403      403      403
    nominate.nominee                 GET   200      200      200      200      200      200      200      200
    nominate.nominee                 POST  403      303      403      403      403      403      403      403
    nominate.privacy                 GET   200      200      200      200      200      200      200      200
    nominate.privacy                 POST  403      403      403      403      403      403      403      403
    nominate.question                GET   200      200      200      200      200      200      200      200
    nominate.question                POST  403      303      403      403      403      403      403      403
    nominate.resend                  POST  403      303      403      403      403      403      403      403
    nominate.resume                  GET   200      200      200      200      200      200      200      200
    nominate.save_for_later          GET   200      200      200      200      200      200      200      200
    nominate.save_for_later          POST  403      403      403      403      403      403      403      403
    nominate.save_sent               GET   200      200      200      200      200      200      200      200
    nominate.sent                    GET   303      303      303      303      303      303      303      303
    nominate.start                   GET   200      200      200      200      200      200      200      200
    nominate.start_with_slash        GET   308      308      308      308      308      308      308      308
    public.accessibility             GET   200      200      200      200      200      200      200      200
    public.edition                   GET   404      404      404      404      404      404      404      404
    public.edition_csv               GET   404      404      404      404      404      404      404      404
    public.editions                  GET   200      200      200      200      200      200      200      200
    public.favicon                   GET   200      200      200      200      200      200      200      200
    public.finalist_card             GET   200      200      200      200      200      200      200      200
    public.finalist_page             GET   200      200      200      200      200      200      200      200
    public.floor                     GET   200      200      200      200      200      200      200      200
    public.healthz                   GET   200      200      200      200      200      200      200      200
    public.home                      GET   200      200      200      200      200      200      200      200
    public.present                   GET   200      200      200      200      200      200      200      200
    public.present_slide             GET   200      200      200      200      200      200      200      200
    public.privacy                   GET   200      200      200      200      200      200      200      200
    public.results                   GET   200      200      200      200      200      200      200      200
    public.rsvp                      GET   404      404      404      404      404      404      404      404
    public.rsvp                      POST  404      404      404      404      404      404      404      404
    public.shortlist                 GET   200      200      200      200      200      200      200      200
    public.shortlist_image           GET   404      404      404      404      404      404      404      404
    public.site_logo                 GET   404      404      404      404      404      404      404      404
    public.tally_csv                 GET   404      404      404      404      404      404      404      404
    public.tally_page                GET   404      404      404      404      404      404      404      404
    public.tally_page                POST  404      404      404      404      404      404      404      404
    static                           GET   200      200      200      200      200      200      200      200
    vote.ballot                      GET   200      200      200      200      200      200      200      200
    vote.ballot                      POST  422      422      422      422      422      422      422      422
    vote.check_email                 GET   303      303      303      303      303      303      303      303
    vote.confirm                     GET   200      200      200      200      200      200      200      200
    vote.confirm                     POST  303      303      303      303      303      303      303      303
    vote.counted                     GET   303      303      303      303      303      303      303      303
    vote.email                       GET   303      303      303      303      303      303      303      303
    vote.email                       POST  303      303      303      303      303      303      303      303
    vote.resend                      POST  303      303      303      303      303      303      303      303
    vote.start                       GET   200      200      200      200      200      200      200      200
    vote.start_with_slash            GET   308      308      308      308      308      308      308      308
"""


def _parse(text: str) -> dict[tuple[str, str], tuple]:
    """The table as {(endpoint, method): (answer per caller, ...)}; numbers become ints."""
    rows = {}
    for line in text.strip().splitlines():
        if line.strip().startswith("#"):
            continue
        endpoint, method, *cells = line.split()
        assert len(cells) == len(CALLERS), f"row {endpoint} {method} has {len(cells)} cells, not {len(CALLERS)}"
        assert (endpoint, method) not in rows, f"two rows for {endpoint} {method}"
        rows[(endpoint, method)] = tuple(int(cell) if cell.isdigit() else cell for cell in cells)
    return rows


MATRIX = _parse(MATRIX_TEXT)
REFUSED = {"signin", 403, 404}
# Rows where the thing asked for does not exist in this world, so even the caller who may see it gets 404.
NOTHING_THERE = {"admin.finalist_image_preview", "public.shortlist_image", "public.site_logo", "public.edition",
                 "public.edition_csv", "public.tally_page", "public.tally_csv", "judging.final_round"}


def observed_row(app, world, endpoint: str, method: str) -> tuple:
    """What each caller gets from the route now, each in a savepoint of its own with fresh rate limits."""
    cells = []
    for caller in CALLERS:
        with savepoint(app, world.connection):
            limiter.reset()
            cells.append(answer(ask(app, world, caller, endpoint, method)))
    return tuple(cells)


def _line(endpoint: str, method: str, cells: tuple) -> str:
    """A row as it is written in the table."""
    return f"    {endpoint:32} {method:5} " + " ".join(f"{str(cell):8}" for cell in cells).rstrip()


def test_every_route_has_a_row(app, world):
    served = set(routes(app))
    missing = sorted(served - MATRIX.keys())
    gone = sorted(MATRIX.keys() - served)
    suggestions = "\n".join(_line(endpoint, method, observed_row(app, world, endpoint, method)) for endpoint, method in missing)
    assert not missing, (
        "routes without a row in the access matrix; decide who may use them and add rows (what they answer now:)\n"
        + suggestions
    )
    assert not gone, f"rows for routes that no longer exist: {gone}"


@pytest.mark.parametrize("endpoint, method", sorted(MATRIX), ids=[f"{e}-{m}" for e, m in sorted(MATRIX)])
def test_route_answers_as_the_matrix_says(app, world, endpoint, method):
    if (endpoint, method) not in set(routes(app)):
        pytest.fail(f"{endpoint} {method} is not in the URL map any more; remove its row")
    expected = MATRIX[(endpoint, method)]
    observed = observed_row(app, world, endpoint, method)
    differences = {caller: (want, got) for caller, want, got in zip(CALLERS, expected, observed) if want != got}
    assert not differences, f"{endpoint} {method}: (expected, got) per caller {differences}\n{_line(endpoint, method, observed)}"


# --- The rules the table must follow, so that a row cannot quietly grant what it should not -------------------------


def _cells(row: tuple) -> dict:
    """A row's answers by caller."""
    return dict(zip(CALLERS, row))


@pytest.mark.parametrize("endpoint, method", sorted(MATRIX), ids=[f"{e}-{m}" for e, m in sorted(MATRIX)])
def test_row_follows_the_rules(endpoint, method):
    cells = _cells(MATRIX[(endpoint, method)])
    organisers_only = endpoint.startswith("admin.") or endpoint in {"judging.unlock_scores", "judging.unlock_final_ranks"}
    if organisers_only:
        assert all(cells[caller] == "signin" for caller in ("anon", *LINK_HOLDERS)), "visitors are sent to sign in"
        assert all(cells[caller] == 403 for caller in ("panel", "other", "conflicted")), "judges are refused"
        assert cells["organiser"] not in REFUSED or endpoint in NOTHING_THERE
    elif endpoint.startswith("judging."):
        assert all(cells[caller] == "signin" for caller in ("anon", *LINK_HOLDERS)), "visitors are sent to sign in"
        assert cells["organiser"] == 403, "organisers are not judges"
        if endpoint in {"judging.score_entry", "judging.abstain_entry"}:
            # Object level: an entry of this panel does not exist for a judge of another panel or a conflicted one.
            assert cells["other"] == 404 and cells["conflicted"] == 404
        if endpoint in {"judging.category_entries", "judging.declare_conflicts", "judging.review_scores",
                        "judging.submit_scores"}:
            assert cells["other"] == 404, "another panel's category does not exist for this judge"
    elif endpoint.startswith("auth.") and endpoint in {"auth.account", "auth.change_password", "auth.set_up_two_factor",
                                                       "auth.turn_off_two_factor", "auth.sign_out"}:
        assert all(cells[caller] == "signin" for caller in ("anon", *LINK_HOLDERS))
    if not endpoint.startswith("nominate."):
        # Holding a link grants nothing beyond that link's own page: a link holder is a visitor everywhere else.
        for holder in LINK_HOLDERS:
            assert cells[holder] == cells["anon"], f"{holder} link holder differs from a visitor"
