"""The judges' autosave (htmx's POST of one control) is the judging phase's hot path: what it costs in SQL statements,
whatever the size of the category, and the refusals it answers without the entry page's own checks in front of it."""
import pytest
from sqlalchemy import select

from awards_app.judging import judge_access
from awards_app.judging.assignment import run_assignment, set_plan
from awards_app.judging.models import Score
from tests.factories.accounts import make_judge
from tests.factories.judging import make_panel, seat
from tests.fixtures.database import counted_queries
from tests.web.forms import csrf_token_from, sign_in

# One autosave's statements: the signed-in person (through their live session); the entry with its category, the
# judge's panel place (under a shared lock on PostgreSQL), their conflicts on the entry and the category's assignment,
# all in one; the criterion; and the upsert. Plus the site settings, which the tests read again on every render
# (SITE_SETTINGS_SECONDS is 0 there). Nothing may grow with the entries, criteria or judges of the category.
AUTOSAVE_STATEMENTS = 5


def entry_url(nomination) -> str:
    return f"/judging/entries/{nomination.id}"


def autosave(client, nomination, data, token):
    """Post one control as htmx does: the CSRF token in a header, HX-Request set."""
    return client.post(entry_url(nomination), data=data, headers={"HX-Request": "true", "X-CSRFToken": token})


def stored(db_session, judge, nomination) -> dict[int, int]:
    """The judge's stored scores of the entry, by criterion id."""
    return dict(db_session.execute(
        select(Score.criterion_id, Score.value).where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
    ).all())


def counted_autosave(client, panel, entry, data) -> list[str]:
    """The statements of one autosave that is answered "Saved" (the entry page opened first, for its token)."""
    token = csrf_token_from(client, entry_url(entry))
    with counted_queries() as statements:
        response = autosave(client, entry, data, token)
    assert response.status_code == 200 and "saved" in response.get_data(as_text=True).lower()
    return statements


@pytest.mark.parametrize("size", ["small", "large, by assignment"])
def test_an_autosave_costs_a_few_statements_however_large_the_category(client, db_session, clock, organiser, size):
    if size == "small":
        panel = make_panel(entries=2, scales=((0, 10, 1.0),))
    else:
        panel = make_panel(entries=12, scales=((0, 10, 1.0),) * 5)
        for number in range(3):
            seat(make_judge(f"judge.more{number}@example.org"), panel.category)
        set_plan(organiser, panel.category, 2, 12)
        run_assignment(organiser, panel.category)
    db_session.commit()
    sign_in(client, panel.judge.email)
    entry = judge_access.entries_for_judge(panel.judge, panel.place)[-1]
    criterion = panel.criteria[-1]

    score = counted_autosave(client, panel, entry, {f"score-{criterion.id}": "7"})
    comment = counted_autosave(client, panel, entry, {"comment": "Strong local roots."})

    assert len(score) <= AUTOSAVE_STATEMENTS, "\n".join(score)
    assert len(comment) <= AUTOSAVE_STATEMENTS - 1, "\n".join(comment)  # no criterion to look up
    assert stored(db_session, panel.judge, entry) == {criterion.id: 7}


def test_an_autosave_before_conflicts_are_declared_is_refused_and_saves_nothing(client, db_session, clock):
    panel = make_panel(entries=1, declared=False)
    db_session.commit()
    sign_in(client, panel.judge.email)
    entry, criterion = panel.entries[0], panel.criteria[0]
    # The entry page sends the judge to declare first, so take a token from a page they can open.
    token = csrf_token_from(client, f"/judging/categories/{panel.category.id}/conflicts")

    response = autosave(client, entry, {f"score-{criterion.id}": "5"}, token)

    assert response.status_code == 409
    assert "Declare any conflicts of interest" in response.get_data(as_text=True)
    assert stored(db_session, panel.judge, entry) == {}


def test_an_autosave_of_two_controls_is_refused_but_an_entry_of_another_panel_is_still_404(client, db_session, clock):
    panel = make_panel(entries=1)
    other = make_panel(entries=1, year=2027, email="judge.elsewhere@example.org")
    db_session.commit()
    sign_in(client, panel.judge.email)
    token = csrf_token_from(client, entry_url(panel.entries[0]))
    two = {f"score-{panel.criteria[0].id}": "5", f"score-{panel.criteria[1].id}": "6"}

    mine = autosave(client, panel.entries[0], two, token)
    theirs = autosave(client, other.entries[0], two, token)

    assert mine.status_code == 422 and "one score or the comment at a time" in mine.get_data(as_text=True)
    assert theirs.status_code == 404
    assert stored(db_session, panel.judge, panel.entries[0]) == {}


def test_the_autosave_answer_is_only_its_status(client, db_session, clock):
    panel = make_panel(entries=1)
    db_session.commit()
    sign_in(client, panel.judge.email)
    entry, criterion = panel.entries[0], panel.criteria[0]
    token = csrf_token_from(client, entry_url(entry))

    body = autosave(client, entry, {f"score-{criterion.id}": "4"}, token).get_data(as_text=True)

    # No page around it: the judging deadline, which every judges' page shows, is not worked out for a fragment.
    assert body.strip().startswith('<span class="save-status__saved">') and "Saved: 4" in body
    assert "Scores are due" not in body
