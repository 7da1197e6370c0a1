"""The organisers' dashboard: an edition's to-dos follow its phase, with counts that are right and link to where each
is dealt with; the next dates; what the public sees; a page's queries do not grow with the entries."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

import pytest

from awards_app.nominations.models import ConsentState, NominationStatus
from awards_app.web.admin.dashboard import from_now
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, make_scores, seat
from tests.factories.nominations import make_entries, make_nomination
from tests.factories.programme import make_category, make_criteria, make_edition
from tests.factories.voting import make_votes, voting_site
from tests.fixtures.database import counted_queries
from tests.web.test_admin_dashboard_demo import to_dos


def dashboard(client, edition) -> str:
    """The edition's dashboard page."""
    response = client.get(f"/admin/editions/{edition.id}/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def line(page: str, words: str) -> dict:
    """The dashboard line with these words in it."""
    found = [line for line in to_dos(page) if words in line["text"]]
    assert len(found) == 1, [line["text"] for line in to_dos(page)]
    return found[0]


def test_while_nominations_are_open_it_counts_what_to_review_consent_and_duplicates(organiser_client, clock,
                                                                                      db_session):
    edition = make_edition()
    category = make_category(edition)
    make_nomination(category, "Morag Fraser", consent=ConsentState.REQUESTED)
    make_nomination(category, "Morag Frazer")
    make_nomination(category, "Iain Campbell", status=NominationStatus.ELIGIBLE)
    make_nomination(category, "Ailsa Reid", status=NominationStatus.WITHDRAWN)
    db_session.commit()
    clock.set(edition.nominations_open_at + timedelta(days=3))
    page = dashboard(organiser_client, edition)

    review = line(page, "to review")
    assert (review["mark"], review["text"]) == ("To do", "2 nominations to review")
    assert review["url"] == f"/admin/editions/{edition.id}/nominations?status=received"
    consent = line(page, "consent")
    assert consent["text"] == "1 nominee yet to answer the request for consent"
    assert consent["url"] == f"/admin/editions/{edition.id}/nominations?consent=requested"
    duplicates = line(page, "duplicates")
    assert duplicates["text"] == "1 group of possible duplicates to look at"
    assert duplicates["url"] == f"/admin/editions/{edition.id}/duplicates"
    assert line(page, "no judges")["text"] == "1 category with no judges on the panel"
    assert "2 nominations received, not yet reviewed" in page and "1 nomination withdrawn" in page
    assert "judge not started" not in page and "results" not in page  # not this phase's business
    assert "Nominations close</strong> in 5 weeks" in page
    assert "The nomination form, open until" in page and 'href="/"' in page


def test_in_judging_it_counts_judges_not_started_or_behind_and_entries_short_of_scores(organiser_client, clock,
                                                                                        db_session):
    site = judging_site()
    seat(make_judge("late@example.org", "Lachlan Late"), site.category)
    db_session.commit()
    clock.set(site.edition.judging_start_at + timedelta(days=13))
    page = dashboard(organiser_client, site.edition)
    overview = f"/admin/editions/{site.edition.id}/judging"
    assert line(page, "not started") == {**line(page, "not started"), "mark": "To do", "url": overview}
    assert line(page, "not started")["text"] == "1 judge not started"
    assert line(page, "short of scores")["text"] == "4 entries short of scores"
    assert line(page, "behind")["text"] == "No judge is behind" and line(page, "behind")["mark"] == "Done"
    assert line(page, "review")["text"] == "No nominations waiting for review"
    marks = [entry["mark"] for entry in to_dos(page)]
    assert marks == sorted(marks, key=lambda mark: mark != "To do")
    assert "That nominations have closed and the shortlist is announced at" in page


def test_a_draft_lists_what_is_missing_before_it_can_be_announced(organiser_client, clock, db_session):
    edition = make_edition(2027, start=datetime(2027, 1, 12, 9, tzinfo=timezone.utc), draft=True)
    make_category(edition, "Carer of the Year")
    db_session.commit()
    page = dashboard(organiser_client, edition)
    missing = line(page, "to finish")
    assert missing["text"] == "1 thing to finish before you can announce it"
    assert missing["url"] == f"/admin/editions/{edition.id}#announcement"
    assert "has no judging criteria" in page
    assert "Nothing: it is a draft" in page

    make_criteria(edition)
    db_session.commit()
    ready = line(dashboard(organiser_client, edition), "announce")
    assert (ready["mark"], ready["url"]) == ("To do", f"/admin/editions/{edition.id}/announce")


def test_during_the_vote_it_shows_votes_today_flags_and_results_to_confirm(organiser_client, clock, db_session):
    site = voting_site()
    make_votes(site.contest, site.finalists[0], 4)
    db_session.commit()
    page = dashboard(organiser_client, site.edition)
    vote = line(page, site.category.name)
    assert (vote["mark"], vote["text"]) == ("Done", f"{site.category.name}: nothing flagged (4 votes today)")
    assert vote["url"] == f"/admin/contests/{site.contest.id}/votes"
    results = line(page, "confirmed")
    assert results["text"] == "1 result not yet confirmed (1 with no winner recorded)"
    assert results["url"] == f"/admin/editions/{site.edition.id}/ceremony"
    assert 'href="/vote"' in page


def test_when_the_awards_are_over_only_unconfirmed_results_are_left(organiser_client, clock, db_session):
    edition = make_edition(2025, start=datetime(2025, 1, 12, 9, tzinfo=timezone.utc))
    make_category(edition)
    db_session.commit()
    page = dashboard(organiser_client, edition)
    assert line(page, "confirmed")["mark"] == "To do"  # its one result was never confirmed
    assert "Every date of this edition has passed." in page
    assert 'href="/editions/2025"' in page


def test_admin_shows_the_dashboard_of_the_edition_being_run(organiser_client, clock, db_session):
    make_edition(2025, start=datetime(2025, 1, 12, 9, tzinfo=timezone.utc))
    running = make_edition(2026)
    make_edition(2027, start=datetime(2027, 1, 12, 9, tzinfo=timezone.utc), draft=True)
    db_session.commit()
    page = organiser_client.get("/admin/").get_data(as_text=True)
    assert "Self Management Awards 2026: judging" in page
    assert f'href="/admin/editions/{running.id}/dashboard"' in page
    assert "What needs doing" in page and "Start from a past edition" in page and "Site settings" in page


def test_an_edition_that_does_not_exist_is_404(organiser_client):
    assert organiser_client.get("/admin/editions/999999/dashboard").status_code == 404


@pytest.mark.parametrize(("moment", "words"), [
    (datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc), "today, within the hour"),
    (datetime(2026, 3, 1, 15, tzinfo=timezone.utc), "today, in 3 hours"),
    (datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc), "tomorrow"),
    (datetime(2026, 3, 4, 9, tzinfo=timezone.utc), "in 3 days"),
    (datetime(2026, 4, 5, 9, tzinfo=timezone.utc), "in 5 weeks"),
    (datetime(2026, 9, 1, 9, tzinfo=timezone.utc), "in 6 months"),
])
def test_how_far_off_a_date_is_in_words(moment, words):
    assert from_now(moment, datetime(2026, 3, 1, 12, tzinfo=timezone.utc), "Europe/London") == words


def test_tomorrow_is_by_the_editions_calendar(organiser_client):
    # 11pm UTC on 28 June is midnight in Edinburgh (BST): already the next day there.
    now = datetime(2026, 6, 28, 22, 30, tzinfo=timezone.utc)
    assert from_now(datetime(2026, 6, 28, 23, 30, tzinfo=timezone.utc), now, "Europe/London") == "tomorrow"


def test_the_queries_do_not_grow_with_the_entries(organiser_client, clock, db_session):
    site = judging_site()
    late = make_judge("late@example.org", "Lachlan Late")
    seat(late, site.category)
    db_session.commit()
    clock.set(site.edition.judging_start_at + timedelta(days=13))
    db_session.commit()  # each count starts just after a commit, with nothing loaded
    with counted_queries() as few:
        dashboard(organiser_client, site.edition)
    for entry in make_entries(site.category, 30):
        make_scores(late, entry, site.criteria)
    db_session.commit()
    with counted_queries() as many:
        page = dashboard(organiser_client, site.edition)
    assert "34 entries short of scores" in html.unescape(page)
    assert len(many) == len(few), "\n".join(re.sub(r"\s+", " ", statement)[:150] for statement in many)
