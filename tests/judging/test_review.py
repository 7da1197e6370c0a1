"""A judge's review of their own scores in a category: every entry they score, unfinished first, their scores and
comment; never another judge's work, never a conflicted entry, never another panel's category."""
import pytest

from awards_app.core.errors import DomainError, NotFound
from awards_app.judging import scoring
from awards_app.judging.scoring import EntryState
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_panel, make_scores, seat


@pytest.fixture
def panel(db_session, clock):
    """Three entries, two criteria scored 0 to 10, one judge with conflicts declared."""
    return make_panel(entries=3)


def row_of(review, nomination):
    """The review's row for one entry."""
    return next(row for row in review.rows if row.entry.id == nomination.id)


def test_every_entry_is_listed_with_each_score_and_the_comment(panel):
    first, second, third = panel.entries
    impact, reach = panel.criteria
    for entry in panel.entries:
        make_scores(panel.judge, entry, panel.criteria, 8, 3, comment=f"Notes on {entry.id}")
    review = scoring.review_of(panel.judge, panel.place)
    assert [row.entry.id for row in review.rows] == [first.id, second.id, third.id]
    assert review.criteria == [impact, reach]
    row = row_of(review, second)
    assert row.scores == [(impact, 8), (reach, 3)]
    assert row.comment == f"Notes on {second.id}"
    assert row.state is EntryState.SCORED and row.finished
    assert review.unfinished == [] and review.progress.complete
    assert review.submitted_at is None


def test_unfinished_entries_come_first_in_the_lists_order_with_missing_scores_as_none(panel):
    first, second, third = panel.entries
    impact, reach = panel.criteria
    make_scores(panel.judge, first, panel.criteria, 6, 6)
    make_scores(panel.judge, second, panel.criteria, 5)  # the first criterion only
    review = scoring.review_of(panel.judge, panel.place)
    assert [row.entry.id for row in review.rows] == [second.id, third.id, first.id]
    assert [row.entry.id for row in review.unfinished] == [second.id, third.id]
    assert row_of(review, second).scores == [(impact, 5), (reach, None)]
    assert row_of(review, second).state is EntryState.IN_PROGRESS
    assert row_of(review, third).scores == [(impact, None), (reach, None)]
    assert row_of(review, third).state is EntryState.NOT_STARTED
    assert row_of(review, third).comment == ""


def test_another_judges_scores_and_comments_never_appear(panel):
    colleague = make_judge("colleague@example.org")
    seat(colleague, panel.category)
    make_scores(colleague, panel.entries[0], panel.criteria, 1, 2, comment="The colleague's private view")
    row = row_of(scoring.review_of(panel.judge, panel.place), panel.entries[0])
    assert row.scores == [(panel.criteria[0], None), (panel.criteria[1], None)]
    assert row.comment == ""


def test_a_conflicted_entry_is_left_out_even_with_scores_given_before(panel):
    conflicted = panel.entries[1]
    make_scores(panel.judge, conflicted, panel.criteria, 9, 9, comment="Written before the conflict")
    make_conflict(panel.judge, conflicted)
    review = scoring.review_of(panel.judge, panel.place)
    assert conflicted.id not in [row.entry.id for row in review.rows]
    assert len(review.rows) == 2 and review.progress.conflicted == 1


def test_a_judge_cannot_review_someone_elses_place(panel):
    outsider = make_judge("outsider@example.org")
    with pytest.raises(NotFound):
        scoring.review_of(outsider, panel.place)


def test_conflicts_come_before_the_review(db_session, clock):
    panel = make_panel(entries=1, declared=False)
    with pytest.raises(DomainError, match="Declare any conflicts"):
        scoring.review_of(panel.judge, panel.place)


def test_blind_judging_shows_the_judge_facing_name_and_no_organisation(db_session, clock):
    panel = make_panel(entries=1, names_can_be_hidden=True)
    panel.edition.hide_nominee_names = True
    db_session.flush()
    entry = scoring.review_of(panel.judge, panel.place).rows[0].entry
    assert entry.name == f"Entry {panel.entries[0].reference}"
    assert panel.entries[0].nominee_name not in entry.name and entry.organisation == ""


def test_a_submitted_review_says_when(panel, clock):
    for entry in panel.entries:
        make_scores(panel.judge, entry, panel.criteria, 4, 4)
    scoring.submit_scores(panel.judge, panel.place)
    assert scoring.review_of(panel.judge, panel.place).submitted_at == clock.now()


def test_without_criteria_every_entry_is_listed_with_no_scores(db_session, clock):
    panel = make_panel(entries=2, scales=())
    review = scoring.review_of(panel.judge, panel.place)
    assert review.criteria == [] and all(row.scores == [] for row in review.rows)
