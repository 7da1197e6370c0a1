"""Every organiser page the layout walk opens, in the demo phase where it has the most to show, and its URL filled
from the demo's database.

PAGES names each GET route of the `admin` blueprint that answers HTML, with the phases it is walked in and how its URL
parameters come from the demo; LEFT_OUT names the others, each with its reason. unlisted_routes() finds an admin GET
route in neither (a new page), which the walk's first test refuses, so that no page can be forgotten.

urls_for_demo() runs in a process of its own with the live server's settings (`python -c`, see walk_urls), so that
the test process never opens the server's database itself.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PHASES = ("nominations", "judging", "voting", "ceremony", "results")
EVERY_PHASE = PHASES

# endpoint (without "admin.") -> (phases it is walked in, the URL's parameters from the demo's ids).
Parameters = Callable[[dict], dict]
NONE: Parameters = lambda ids: {}
EDITION: Parameters = lambda ids: {"edition_id": ids["edition"]}
CATEGORY: Parameters = lambda ids: {"edition_id": ids["edition"], "category_id": ids["category"]}
CATEGORY_ONLY: Parameters = lambda ids: {"category_id": ids["category"]}
NOMINATION: Parameters = lambda ids: {"nomination_id": ids["nomination"]}

PAGES: dict[str, tuple[tuple[str, ...], Parameters]] = {
    # The dashboard and the edition's page follow the phase: walked in every one.
    "dashboard": (EVERY_PHASE, NONE),
    "edition_dashboard": (EVERY_PHASE, EDITION),
    "show_edition": (EVERY_PHASE, EDITION),
    # The edition's definition and the site's own pages: while nominations are open.
    "new_edition": (("nominations",), NONE),
    "edit_edition": (("nominations",), EDITION),
    "return_to_draft": (("nominations",), EDITION),
    "new_category": (("nominations",), EDITION),
    "show_category": (("nominations",), CATEGORY),
    "edit_category": (("nominations",), CATEGORY),
    "delete_category": (("nominations",), CATEGORY),
    "new_question": (("nominations",), CATEGORY),
    "edit_question": (("nominations",), lambda ids: {**CATEGORY(ids), "question_id": ids["question"]}),
    "delete_question": (("nominations",), lambda ids: {**CATEGORY(ids), "question_id": ids["question"]}),
    "new_criterion": (("nominations",), EDITION),
    "new_category_criterion": (("nominations",), CATEGORY),
    "use_edition_criteria": (("nominations",), CATEGORY),
    "edit_criterion": (("nominations",), lambda ids: {**EDITION(ids), "criterion_id": ids["criterion"]}),
    "delete_criterion": (("nominations",), lambda ids: {**EDITION(ids), "criterion_id": ids["criterion"]}),
    "people": (("nominations",), NONE),
    "security": (("nominations",), NONE),
    "site_settings": (("nominations",), NONE),
    "team_page": (("nominations",), NONE),
    "remove_organiser": (("nominations",), lambda ids: {"organiser_id": ids["organiser"]}),
    # Nominations: listed, reviewed, corrected, merged, reached.
    "nominations_list": (("nominations",), EDITION),
    "nomination_detail": (("nominations",), NOMINATION),
    "correct_nomination": (("nominations",), NOMINATION),
    "move_nomination": (("nominations",), NOMINATION),
    "nomination_duplicates": (("nominations",), EDITION),
    "merge_duplicates": (("nominations",), lambda ids: {**EDITION(ids), **ids["duplicates"]}),
    "reach_report": (("nominations",), EDITION),
    # The panel at work.
    "judges": (("judging",), EDITION),
    "new_judge": (("judging",), EDITION),
    "other_judges": (("judging",), EDITION),
    "blind_judging_page": (("judging",), EDITION),
    "edit_judge": (("judging",), lambda ids: {**EDITION(ids), "judge_id": ids["judge"]}),
    "remove_judge": (("judging",), lambda ids: {"place_id": ids["panel_place"]}),
    "recuse_judge": (("judging",), NOMINATION),
    "conflicts_list": (("judging",), EDITION),
    "restore_conflict": (("judging",), lambda ids: {"conflict_id": ids["conflict"]}),
    "judging_overview": (("judging",), EDITION),
    "category_judging": (("judging",), CATEGORY_ONLY),
    "category_rankings": (("judging",), CATEGORY_ONLY),
    "category_shortlist": (("judging",), CATEGORY_ONLY),
    "category_final_round": (("ceremony",), CATEGORY_ONLY),
    "assignment_page": (("judging",), lambda ids: {"category_id": ids["assigned_category"]}),
    "category_comments": (("judging",), CATEGORY_ONLY),
    "judge_comments": (("judging",), lambda ids: {**CATEGORY_ONLY(ids), "judge_id": ids["judge"]}),
    "feedback_settings": (("judging",), EDITION),
    "category_feedback": (("judging",), CATEGORY_ONLY),
    # The shortlist, the public vote and the messages about them.
    "category_breakdown": (("voting",), CATEGORY_ONLY),
    "breakdown_disagreements": (("voting",), CATEGORY_ONLY),
    "breakdown_entries": (("voting",), CATEGORY_ONLY),
    "shortlist_publication": (("voting",), EDITION),
    "edit_finalist": (("voting",), lambda ids: {**EDITION(ids), "finalist_id": ids["finalist"]}),
    "edit_contest": (("voting",), lambda ids: {**EDITION(ids), "category_id": ids["vote_category"]}),
    "contest_votes": (("voting",), lambda ids: {"contest_id": ids["contest"]}),
    "messages_list": (("voting",), EDITION),
    "new_message": (("voting",), EDITION),
    "edit_message": (("voting",), lambda ids: {"message_id": ids["draft_message"]}),
    "message_preview": (("voting",), lambda ids: {"message_id": ids["draft_message"]}),
    "message_delivery": (("voting",), lambda ids: {"message_id": ids["sent_message"]}),
    # The night, and after it.
    "ceremony_control": (("ceremony", "results"), EDITION),
    "ceremony_result": (("ceremony",), lambda ids: {**EDITION(ids), "category_id": ids["vote_category"]}),
    "winners_list": (("ceremony",), EDITION),
    "rsvp_list": (("ceremony",), EDITION),
    "hide": (("results",), CATEGORY),
    "publish_tally": (("results",), lambda ids: {"contest_id": ids["contest"]}),
    "copy_sources": (("results",), NONE),
    "copy_edition": (("results",), EDITION),
    # Only an edition copied from a past one has past panels to invite again: next year's draft.
    "judges_to_invite_again": (("results",), lambda ids: {"edition_id": ids["draft_edition"]}),
    # Only a draft can be announced: next year's, copied from the demo once its results are out.
    "announce_edition": (("results",), lambda ids: {"edition_id": ids["draft_edition"]}),
}

LEFT_OUT = {
    "nominations_csv": "a CSV download",
    "breakdown_csv": "a CSV download",
    "results_csv": "a CSV download",
    "rsvp_csv": "a CSV download",
    "finalist_image_preview": "an image",
    "current_ceremony": "a redirect to the current edition's ceremony_control, which is walked",
}


def unlisted_routes(app) -> list[str]:
    """The admin GET routes neither walked nor left out with a reason (a new page nobody has added here)."""
    endpoints = {
        rule.endpoint.removeprefix("admin.")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods
    }
    return sorted(endpoints - PAGES.keys() - LEFT_OUT.keys())


def stale_entries(app) -> list[str]:
    """Entries of PAGES or LEFT_OUT that no admin GET route answers any more."""
    endpoints = {rule.endpoint.removeprefix("admin.") for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    return sorted((PAGES.keys() | LEFT_OUT.keys()) - endpoints)


def pages_in(phase: str) -> list[str]:
    """The pages walked in this phase, in the table's order."""
    return [name for name, (phases, _) in PAGES.items() if phase in phases]


# --- In the server's settings: the demo's ids and the pages' URLs ---------------------------------------------------


def _demo_ids(phase: str) -> dict:
    """The demo edition's things that the pages' URLs name, picking those with the most to show; also makes two
    messages (a draft and a sent one), as the demo has none, and after the results next year's draft edition."""
    from sqlalchemy import func, select

    from awards_app.accounts.models import Role, User
    from awards_app.demo.builder import demo_edition_ids
    from awards_app.extensions import db
    from awards_app.judging.models import (
        AssignmentPlan,
        Conflict,
        Finalist,
        PanelMember,
    )
    from awards_app.messaging.messages import save_message, send_message
    from awards_app.nominations.duplicates import find_duplicates
    from awards_app.nominations.models import Nomination, NominationStatus
    from awards_app.programme.copying import (
        copy_edition,
        suggested_name,
        suggested_year,
    )
    from awards_app.programme.models import Category, Criterion, Edition, Question
    from awards_app.voting.models import Contest

    edition = db.session.get(Edition, max(demo_edition_ids()))
    # The category with the most nominations (the longest lists); ties go to the first shown.
    counts = (
        select(Category.id, func.count(Nomination.id).label("entries"))
        .outerjoin(Nomination, Nomination.category_id == Category.id)
        .where(Category.edition_id == edition.id)
        .group_by(Category.id, Category.display_order)
        .order_by(func.count(Nomination.id).desc(), Category.display_order, Category.id)
    )
    category_id = db.session.execute(counts).first()[0]
    category = db.session.get(Category, category_id)
    organiser = db.session.scalars(select(User).where(User.role == Role.ORGANISER).order_by(User.id)).first()
    nomination = db.session.scalars(
        select(Nomination).where(Nomination.category_id == category.id).order_by(Nomination.id)
    ).first()
    ids = {
        "edition": edition.id,
        "category": category.id,
        "question": db.session.scalars(
            select(Question.id).where(Question.category_id == category.id).order_by(Question.display_order)
        ).first(),
        "criterion": db.session.scalars(
            select(Criterion.id).where(Criterion.edition_id == edition.id).order_by(Criterion.category_id.is_not(None),
                                                                                   Criterion.id)
        ).first(),
        "organiser": organiser.id,
        "nomination": nomination.id,
    }
    groups = find_duplicates(edition)
    if groups:
        first, *others = [entry.id for entry in groups[0].nominations]
    else:  # the demo has no likely duplicates: any two entries of one category can be merged, and show the page
        first, *others = db.session.scalars(
            select(Nomination.id).where(
                Nomination.category_id == category.id, Nomination.merged_into_id.is_(None),
                Nomination.status != NominationStatus.WITHDRAWN,
            ).order_by(Nomination.id).limit(2)
        )
    ids["duplicates"] = {"keep": first, "merge": others}
    place = db.session.scalars(
        select(PanelMember).where(PanelMember.category_id == category.id).order_by(PanelMember.id)
    ).first()
    if place is not None:
        ids["panel_place"], ids["judge"] = place.id, place.judge_id
    conflict = db.session.scalars(
        select(Conflict).join(Nomination).where(Nomination.edition_id == edition.id).order_by(Conflict.id)
    ).first()
    if conflict is not None:
        ids["conflict"] = conflict.id
    plan = db.session.scalars(
        select(AssignmentPlan).join(Category).where(Category.edition_id == edition.id).order_by(AssignmentPlan.id)
    ).first()
    ids["assigned_category"] = plan.category_id if plan is not None else category.id
    vote_category = db.session.scalars(
        select(Category).where(Category.edition_id == edition.id, Category.has_public_vote.is_(True))
        .order_by(Category.display_order)
    ).first()
    ids["vote_category"] = vote_category.id if vote_category is not None else category.id
    contest = db.session.scalars(select(Contest).where(Contest.category_id == ids["vote_category"])).first()
    if contest is not None:
        ids["contest"] = contest.id
    finalist = db.session.scalars(
        select(Finalist).where(Finalist.category_id == ids["vote_category"]).order_by(Finalist.id)
    ).first()
    if finalist is not None:
        ids["finalist"] = finalist.id

    segment = "all_entries.nominators"
    subject, body = "Thank you for your nomination", "Thank you for taking the time to nominate someone this year."
    ids["draft_message"] = save_message(organiser, edition, segment, category, subject, body).id
    sent = save_message(organiser, edition, segment, category, "Dates for your diary", body)
    send_message(organiser, sent, send_again=True)
    ids["sent_message"] = sent.id
    if phase == "results":
        year = suggested_year(edition)
        draft = db.session.scalars(select(Edition).where(Edition.year == year)).first()
        ids["draft_edition"] = (draft or copy_edition(organiser, edition, year, suggested_name(edition, year))).id
    db.session.commit()
    return ids


def urls_for_demo(phase: str) -> dict:
    """{page: URL path} for the pages walked in this phase; a page whose parameters the demo lacks gets the reason
    instead ("missing: ...")."""
    from flask import url_for

    from awards_app import create_app

    app = create_app()
    with app.app_context():
        ids = _demo_ids(phase)
        urls = {}
        with app.test_request_context():
            for name in pages_in(phase):
                try:
                    urls[name] = url_for(f"admin.{name}", **PAGES[name][1](ids))
                except KeyError as missing:
                    urls[name] = f"missing: the demo in its {phase} phase has no {missing}"
        return urls


def walk_urls(server, phase: str) -> dict:
    """The pages' URLs for the server's demo (already built in `phase`), worked out with the server's settings."""
    script = f"import json; from tests.e2e.organiser_urls import urls_for_demo; print(json.dumps(urls_for_demo({phase!r})))"
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, cwd=Path(__file__).resolve().parents[2], env=server.env,
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"finding the demo's pages failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])
