"""The progress matrix, the edition's overview, and reminder emails to judges with work left (once an hour at most)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Place
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.judging import shortlist
from awards_app.judging.progress import CellState, edition_progress, progress_matrix, send_reminders, work_by_judge
from awards_app.nominations.models import NominationStatus
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, make_conflict, make_finalists, make_scores, seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category


@pytest.fixture
def site(db_session, clock):
    """The judging site of tests/factories/judging.py: A has scored all, B has submitted, C is conflicted on Ailsa."""
    return judging_site()


def states(matrix, judge) -> list[str]:
    """One judge's row of the matrix, in words."""
    row = next(row for row in matrix.rows if row.judge.id == judge.id)
    return [cell.text for cell in row.cells]


def test_the_matrix_shows_each_judge_and_entry_in_words(site, db_session):
    judge_d = make_judge("dana@example.org", "Dana Doig")
    seat(judge_d, site.category)
    make_scores(judge_d, site.morag, site.criteria, 5)  # one criterion of two
    make_conflict(judge_d, site.hamish, kind="recused", reason="Recused by the organisers")
    make_conflict(judge_d, site.ailsa, kind="abstained", reason="Not comfortable judging this one")

    matrix = progress_matrix(site.category)

    assert [entry.nominee_name for entry in matrix.entries] == [
        "Morag Fraser", "Hamish MacLeod", "Ailsa Grant", "Eilidh Ross",  # Callum's nominee declined: not judged
    ]
    judge_a, judge_b, judge_c = site.judges
    assert states(matrix, judge_a) == ["Scored"] * 4
    assert states(matrix, judge_c) == ["Scored", "Scored", "Conflict declared", "Scored"]
    assert states(matrix, judge_d) == [
        "In progress (1 of 2 criteria)", "Recused", "Abstained", "Not started",
    ]
    assert [row.judge.name for row in matrix.rows] == ["Aileen Fraser", "Dana Doig", "Morven Clark", "Tariq Hussain"]
    assert [row.submitted for row in matrix.rows] == [False, False, False, True]
    # 4 + 2 + 3 + 4 = 13 entries to score; 4 + 0 + 3 + 4 = 11 scored.
    assert (matrix.cells_scored, matrix.cells_to_score, matrix.percent, matrix.submitted) == (11, 13, 84, 1)
    assert [cell.state for cell in matrix.column(2)] == [
        CellState.SCORED, CellState.ABSTAINED, CellState.CONFLICTED, CellState.SCORED,
    ]


def test_entries_that_are_not_judged_are_not_in_the_matrix(site, db_session):
    site.eilidh.status = NominationStatus.INELIGIBLE
    make_nomination(site.category, "Merged Copy", status=NominationStatus.ELIGIBLE, merged_into_id=site.morag.id)
    db_session.flush()
    names = [entry.nominee_name for entry in progress_matrix(site.category).entries]
    assert "Eilidh Ross" not in names and "Merged Copy" not in names


def test_the_edition_overview_counts_finalists_and_results(site, organiser, db_session):
    empty = make_category(site.edition, name="Project of the Year")
    rows = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    db_session.add(Award(category_id=site.category.id, finalist_id=rows[0].id, place=Place.WINNER))
    db_session.flush()

    lines = edition_progress(site.edition)

    assert [(line.category.name, line.finalists, line.awards) for line in lines] == [
        ("Carer of the Year", 3, 1), ("Project of the Year", 0, 0),
    ]
    assert lines[1].category == empty and lines[1].matrix.rows == [] and lines[1].matrix.percent == 0


# --- Reminders ---------------------------------------------------------------------------------------------------


def test_reminders_go_once_to_each_judge_with_work_left(site, organiser, outbox, db_session):
    judge_a, judge_b, judge_c = site.judges
    judge_d = make_judge("dana@example.org", "Dana Doig")
    seat(judge_d, site.category)
    make_scores(judge_d, site.morag, site.criteria, 5)

    outcome = send_reminders(organiser, site.edition)

    assert sorted(judge.email for judge in outcome.sent) == sorted([judge_a.email, judge_c.email, judge_d.email])
    assert outcome.too_soon == []
    emails = {email.to_address: email for email in outbox()}
    assert judge_b.email not in emails  # submitted, nothing left
    dana = emails["dana@example.org"]
    assert dana.subject == "A reminder about your judging for the Self Management Awards 2026"
    assert "Carer of the Year" in dana.text_body
    assert "Started but not finished (1): Morag Fraser" in dana.text_body
    assert "Not started (3): Hamish MacLeod, Ailsa Grant, Eilidh Ross" in dana.text_body
    assert 'Press "Submit my scores"' in dana.text_body
    assert "http://awards.test/judging/" in dana.text_body and 'href="http://awards.test/judging/' in dana.html_body
    assert "Not started (3)" in dana.html_body
    morven = emails["morven@example.org"]
    assert "Not started" not in morven.text_body and "Started but not finished" not in morven.text_body
    assert 'Press "Submit my scores"' in morven.text_body
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "judging.reminder_sent")).all()
    assert sorted(event.subject_id for event in events) == sorted([judge_a.id, judge_c.id, judge_d.id])
    assert all(event.actor_id == organiser.id and event.subject_type == "user_account" for event in events)


def test_a_judge_is_not_reminded_twice_within_an_hour(site, organiser, outbox, clock):
    first = send_reminders(organiser, site.edition)
    sent_at = clock.now()
    clock.advance(minutes=59)

    second = send_reminders(organiser, site.edition)

    assert second.sent == []
    assert sorted(judge.id for judge, _ in second.too_soon) == sorted(judge.id for judge in first.sent)
    assert all(when == sent_at for _, when in second.too_soon)
    assert len(outbox()) == len(first.sent)

    clock.advance(minutes=1)
    third = send_reminders(organiser, site.category)
    assert len(third.sent) == len(first.sent)
    assert len(outbox()) == 2 * len(first.sent)


def test_a_judge_who_has_not_declared_conflicts_is_not_sent_entry_names(site, organiser, outbox):
    judge_e = make_judge("euan@example.org", "Euan MacLeod")
    seat(judge_e, site.category, declared=False)
    send_reminders(organiser, site.category)
    email = next(email for email in outbox() if email.to_address == "euan@example.org")
    assert "Declare any conflicts of interest, then score the entries." in email.text_body
    assert "Morag Fraser" not in email.text_body and "Morag Fraser" not in email.html_body


def test_blind_judging_hides_names_in_reminders(site, organiser, outbox, db_session):
    site.edition.hide_nominee_names = True
    site.category.names_can_be_hidden = True
    judge_d = make_judge("dana@example.org", "Dana Doig")
    seat(judge_d, site.category)
    db_session.flush()
    send_reminders(organiser, site.category)
    email = next(email for email in outbox() if email.to_address == "dana@example.org")
    assert f"Entry {site.morag.reference}" in email.text_body
    assert "Morag Fraser" not in email.text_body and "Morag Fraser" not in email.html_body


def test_judges_with_finalists_to_rank_are_reminded_of_the_final_round(site, organiser, outbox, db_session):
    judge_a, judge_b, judge_c = site.judges
    make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    send_reminders(organiser, site.category)
    emails = {email.to_address: email for email in outbox()}
    assert "Rank the finalists and submit your ranking." in emails[judge_b.email].text_body
    assert "Rank the finalists" not in emails[judge_a.email].text_body  # scores first


def test_inactive_judges_and_other_categories_are_left_alone(site, organiser, outbox, db_session):
    judge_a, judge_b, judge_c = site.judges
    judge_c.active = False
    other = make_category(site.edition, name="Project of the Year")
    seat(make_judge("other@example.org", "Other Judge"), other)
    db_session.flush()
    outcome = send_reminders(organiser, site.category)
    assert [judge.email for judge in outcome.sent] == [judge_a.email]


def test_no_work_left_means_no_reminders(site, organiser, outbox, db_session):
    for row in progress_matrix(site.category).rows:
        row.member.submitted_at = row.member.added_at
    db_session.flush()
    with pytest.raises(DomainError, match="No judge has work left"):
        send_reminders(organiser, site.edition)
    assert outbox() == []


def test_only_organisers_send_reminders(site):
    with pytest.raises(NotAllowed):
        send_reminders(site.judges[0], site.edition)


def test_after_the_shortlist_every_panel_judge_is_asked_to_rank_finalists_not_to_score(site, organiser, outbox):
    judge_a, judge_b, judge_c = site.judges
    order = [e.entry_id for e in shortlist.category_rankings(site.category).rankings.ordered("weighted")]
    shortlist.choose_shortlist(organiser, site.category, "weighted", order[:3])

    work = work_by_judge([site.category])

    # A and C never submitted their scores: scoring is over, so they are told to rank the finalists like B.
    for judge in (judge_a, judge_b, judge_c):
        [left] = work[judge.id][1]
        assert not left.submit_scores and left.not_started == [] and left.in_progress == []
        assert left.rank_finalists
    send_reminders(organiser, site.category)
    emails = {email.to_address: email for email in outbox()}
    assert "Rank the finalists and submit your ranking." in emails[judge_a.email].text_body
    assert 'Press "Submit my scores"' not in emails[judge_a.email].text_body
