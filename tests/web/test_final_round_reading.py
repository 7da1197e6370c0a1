"""Reading a finalist in the final round without scoring it: a judge of the final round only, and a full judge under
assignment reading finalists not assigned to them. Read-only, and 404 for every way of changing anything."""
import pytest

from awards_app.judging.assignment import assigned_pairs, run_assignment, set_plan
from awards_app.judging.models import PanelRole
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import make_conflict, make_finalists, make_panel, seat
from tests.web.forms import csrf_token_from, sign_in


@pytest.fixture
def panel(db_session, clock, organiser):
    """Four entries judged by assignment (one judge each) between the panel's judge and B, three of them finalists,
    and a judge added after the shortlist for the final round only."""
    panel = make_panel(entries=4, has_public_vote=False)
    panel.b = make_judge("b@example.org", "B", password=JUDGE_PASSWORD)
    seat(panel.b, panel.category)
    set_plan(organiser, panel.category, 1, 2)
    run_assignment(organiser, panel.category)
    panel.finalists = make_finalists(panel.category, panel.entries[:3])
    panel.late = make_judge("late@example.org", "Late Judge", password=JUDGE_PASSWORD)
    seat(panel.late, panel.category).role = PanelRole.FINAL_ONLY
    db_session.commit()
    return panel


def entry_url(entry) -> str:
    return f"/judging/entries/{entry.id}"


def final_round_url(panel) -> str:
    return f"/judging/categories/{panel.category.id}/final-round"


def not_assigned_finalist(panel, judge):
    """A finalist the judge is not assigned."""
    pairs = assigned_pairs(panel.category)
    return next(entry for entry in panel.entries[:3] if (judge.id, entry.id) not in pairs)


def assert_read_only(page, panel, entry):
    """The nomination, a way back to the final round, and nothing to score or abstain with."""
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert entry.nominee_name in html and "The nomination" in html
    assert f'href="{final_round_url(panel)}"' in html
    assert 'name="score-' not in html and "/abstain" not in html and 'rel="next"' not in html


def test_a_final_round_only_judge_reads_a_finalist_read_only(client, panel):
    judge = sign_in(client, panel.late.email)
    assert f'href="{entry_url(panel.entries[0])}"' in judge.get(final_round_url(panel)).get_data(as_text=True)

    assert_read_only(judge.get(entry_url(panel.entries[0])), panel, panel.entries[0])


def test_a_final_round_only_judge_cannot_save_abstain_or_read_an_entry_that_is_not_a_finalist(client, panel):
    judge = sign_in(client, panel.late.email)
    token = csrf_token_from(judge, final_round_url(panel))
    finalist = panel.entries[0]

    assert judge.post(entry_url(finalist), data={"csrf_token": token, "comment": "x"}).status_code == 404
    assert judge.post(f"{entry_url(finalist)}/abstain", data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert judge.get(entry_url(panel.entries[3])).status_code == 404


def test_a_full_judge_reads_a_finalist_not_assigned_to_them_read_only(client, panel):
    finalist = not_assigned_finalist(panel, panel.b)
    judge = sign_in(client, panel.b.email)

    assert_read_only(judge.get(entry_url(finalist)), panel, finalist)
    token = csrf_token_from(judge, final_round_url(panel))
    assert judge.post(entry_url(finalist), data={"csrf_token": token, "comment": "x"}).status_code == 404
    assert judge.post(f"{entry_url(finalist)}/abstain", data={"csrf_token": token, "reason": "x"}).status_code == 404


def test_an_entry_not_assigned_and_not_a_finalist_stays_hidden(client, panel):
    pairs = assigned_pairs(panel.category)
    hidden = [entry for entry in panel.entries[3:] if (panel.b.id, entry.id) not in pairs]
    judge = sign_in(client, panel.b.email)

    for entry in hidden:
        assert judge.get(entry_url(entry)).status_code == 404


def test_a_judge_assigned_a_finalist_still_gets_their_own_scoring_page(client, panel):
    pairs = assigned_pairs(panel.category)
    mine = next(entry for entry in panel.entries[:3] if (panel.b.id, entry.id) in pairs)
    judge = sign_in(client, panel.b.email)

    html = judge.get(entry_url(mine)).get_data(as_text=True)
    assert "Your scores" in html and "You rank this finalist" not in html


def test_a_conflicted_finalist_is_not_found_for_readers(app, client, panel, db_session):
    conflicted = not_assigned_finalist(panel, panel.b)
    make_conflict(panel.late, conflicted)
    make_conflict(panel.b, conflicted)
    db_session.commit()

    assert sign_in(client, panel.late.email).get(entry_url(conflicted)).status_code == 404
    assert sign_in(app.test_client(), panel.b.email).get(entry_url(conflicted)).status_code == 404


def test_under_blind_judging_the_read_only_page_names_the_entry_by_its_reference(client, panel, db_session):
    panel.edition.hide_nominee_names = True
    panel.category.names_can_be_hidden = True
    db_session.commit()
    finalist = panel.entries[0]

    page = sign_in(client, panel.late.email).get(entry_url(finalist))

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Entry {finalist.reference}" in html
    assert finalist.nominee_name not in html and finalist.nominee_organisation not in html
