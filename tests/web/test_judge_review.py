"""The judge's review page: every entry's scores and comment, unfinished first, "Change" back to an entry and return
after saving (never to another site), read-only once submitted; only the judge's own work on their own panels."""
import re
from html.parser import HTMLParser

import pytest

from awards_app.judging import scoring
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, make_panel, make_scores, seat
from tests.web import test_scoring as scoring_pages
from tests.web.forms import csrf_token_from, sign_in
from tests.web.test_scoring import entries_url, entry_url, score_everything, stored

# The scoring pages' fixtures: a panel of three entries and two criteria, its judge signed in, a judge of another
# edition's panel, and an organiser.
panel, judge, organiser_user_client = scoring_pages.panel, scoring_pages.judge, scoring_pages.organiser_user_client
elsewhere, outsider = scoring_pages.elsewhere, scoring_pages.outsider


def review_url(panel) -> str:
    return f"/judging/categories/{panel.category.id}/review"


def change_url(panel, nomination) -> str:
    """An entry's page opened from the review ("Change"), as the review's links write it."""
    return f"{entry_url(nomination)}?next={review_url(panel)}"


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


class TableCells(HTMLParser):
    """The review table's rows: each a list of (tag, attributes, text) for its th and td cells."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("th", "td"):
            self.cell = [tag, dict(attrs), ""]

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif self.cell and tag == self.cell[0]:
            self.rows[-1].append((self.cell[0], self.cell[1], " ".join(self.cell[2].split())))
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.cell[2] += data


def table_rows(page: str) -> list[list[tuple[str, dict, str]]]:
    parser = TableCells()
    parser.feed(page)
    return parser.rows


# --- What the review shows ---------------------------------------------------------------------------------------


def test_the_review_shows_every_score_and_comment_unfinished_first(judge, panel, db_session):
    first, second, third = panel.entries
    impact, reach = panel.criteria
    make_scores(panel.judge, first, panel.criteria, 8, 6, comment="Strong evidence of impact.")
    make_scores(panel.judge, second, panel.criteria, 4)
    db_session.commit()
    page = page_of(judge, review_url(panel))
    assert "<title>Review your scores: Project of the Year 2026" in page
    assert '<caption class="table__caption">Your scores for Project of the Year 2026</caption>' in page
    assert f'role="columnheader">{impact.name}</th>' in page and 'role="columnheader">Your comment</th>' in page
    rows = table_rows(page)
    # Unfinished first, each in the list's order; every cell says what it holds in words.
    assert [row[0][2] for row in rows] == [
        f"{second.nominee_name} In progress", f"{third.nominee_name} Not started", first.nominee_name,
    ]
    assert all(row[0][0] == "th" and row[0][1]["scope"] == "row" for row in rows)
    assert [cell[2] for cell in rows[0][1:4]] == ["4 out of 10", "Not scored", "No comment"]
    assert [cell[2] for cell in rows[2][1:4]] == ["8 out of 10", "6 out of 10", "Strong evidence of impact."]
    assert [cell[1]["data-label"] for cell in rows[2][1:4]] == [impact.name, reach.name, "Your comment"]
    assert rows[2][4][2] == f"Change {first.nominee_name}"
    for entry in panel.entries:
        assert f'href="{change_url(panel, entry)}"' in page


def test_unscored_entries_are_named_with_links_and_there_is_no_way_on_to_submit(judge, panel, db_session):
    make_scores(panel.judge, panel.entries[0], panel.criteria, 5)
    db_session.commit()
    page = page_of(judge, review_url(panel))
    assert "3 entries still need scores" in page
    for entry in panel.entries:
        assert f'<a href="{change_url(panel, entry)}">{entry.nominee_name}</a>' in page
    assert "(in progress)" in page and "(not started)" in page
    assert "Continue to submit" not in page
    assert "You can submit your scores once every entry above is scored." in page


def test_when_everything_is_scored_the_review_leads_on_to_submitting(judge, panel, db_session):
    score_everything(panel, db_session)
    page = page_of(judge, review_url(panel))
    assert "still need scores" not in page and "Not scored" not in page
    assert f'<a class="button" href="/judging/categories/{panel.category.id}/submit">Continue to submit</a>' in page


def test_the_entries_and_submit_pages_link_to_the_review(judge, panel, db_session):
    link = f'href="{review_url(panel)}">Review your scores</a>'
    assert link in page_of(judge, entries_url(panel))
    assert link in page_of(judge, f"/judging/categories/{panel.category.id}/submit")
    score_everything(panel, db_session)
    assert link in page_of(judge, f"/judging/categories/{panel.category.id}/submit")


def test_submitting_too_early_still_refuses_and_links_each_missing_entry(judge, panel, db_session):
    make_scores(panel.judge, panel.entries[0], panel.criteria, 5, 5)
    db_session.commit()
    token = csrf_token_from(judge, review_url(panel))
    response = judge.post(f"/judging/categories/{panel.category.id}/submit", data={"csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2 entries still need scores on every criterion" in page
    for entry in panel.entries[1:]:
        assert f'href="{entry_url(entry)}">{entry.nominee_name}</a>' in page
    assert f'href="{review_url(panel)}">Review your scores</a>' in page


def test_once_submitted_the_review_is_a_read_only_record(judge, panel, db_session, clock):
    score_everything(panel, db_session)
    scoring.submit_scores(panel.judge, panel.place)
    db_session.commit()
    page = page_of(judge, review_url(panel))
    assert "Submitted on" in page and "They are locked, and this page is your record of them." in page
    assert "<form" not in page.split("<main", 1)[1]
    assert "Change" not in page and "Continue to submit" not in page
    assert [row[4][2] for row in table_rows(page)] == [f"View {entry.nominee_name}" for entry in panel.entries]
    # The entry opened from the record shows the scores, no form, and the way back.
    entry_page = page_of(judge, change_url(panel, panel.entries[0]))
    assert "hx-post" not in entry_page and f'href="{review_url(panel)}">Back to your review</a>' in entry_page


def test_the_review_without_criteria_says_so(judge, panel, db_session):
    for criterion in panel.criteria:
        db_session.delete(criterion)
    db_session.commit()
    page = page_of(judge, review_url(panel))
    assert "has not set the judging criteria yet" in page and "<table" not in page


def test_an_htmx_request_gets_the_whole_page(judge, panel):
    response = judge.get(review_url(panel), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


# --- "Change" and the way back -----------------------------------------------------------------------------------


def test_change_opens_the_entry_which_returns_to_the_review_after_saving(judge, panel, db_session):
    entry, impact = panel.entries[1], panel.criteria[0]
    page = page_of(judge, change_url(panel, entry))
    assert f'<input type="hidden" name="next" value="{review_url(panel)}">' in page
    assert 'value="review">Save and go back to your review</button>' in page
    assert f'href="{review_url(panel)}">Back to your review</a>' in page
    token = csrf_token_from(judge, change_url(panel, entry))
    response = judge.post(entry_url(entry), data={
        "csrf_token": token, "next": review_url(panel), "go": "review", f"score-{impact.id}": "9", "comment": "Better",
    })
    assert response.status_code == 303 and response.headers["Location"] == review_url(panel)
    row = next(row for row in table_rows(page_of(judge, review_url(panel))) if entry.nominee_name in row[0][2])
    assert [cell[2] for cell in row[1:4]] == ["9 out of 10", "Not scored", "Better"]


def test_save_and_stay_keeps_the_way_back(judge, panel):
    entry = panel.entries[0]
    token = csrf_token_from(judge, change_url(panel, entry))
    response = judge.post(entry_url(entry), data={
        "csrf_token": token, "next": review_url(panel), "go": "stay", f"score-{panel.criteria[0].id}": "3",
    })
    assert response.status_code == 303 and response.headers["Location"] == change_url(panel, entry)


def test_an_invalid_score_keeps_the_way_back(judge, panel, db_session):
    entry, impact = panel.entries[0], panel.criteria[0]
    token = csrf_token_from(judge, change_url(panel, entry))
    response = judge.post(entry_url(entry), data={
        "csrf_token": token, "next": review_url(panel), "go": "review", f"score-{impact.id}": "eleven",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<input type="hidden" name="next" value="{review_url(panel)}">' in page
    assert f"Enter a score for {impact.name} as a whole number" in page
    assert stored(db_session, panel.judge, entry) == {}


def test_without_the_review_the_entry_page_is_as_before(judge, panel):
    page = page_of(judge, entry_url(panel.entries[0]))
    assert 'name="next"' not in page and "Back to your review" not in page
    assert "Save and go to next entry" in page


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "/admin/", "/judging/categories/{other}/review", "/judging/categories/{mine}/review?x=1",
    "/judging/categories/{mine}/review/../../../../admin/",
])
def test_the_way_back_goes_nowhere_but_this_categorys_review(judge, panel, elsewhere, db_session, target):
    target = target.format(other=elsewhere.category.id, mine=panel.category.id)
    entry = panel.entries[0]
    page = judge.get(entry_url(entry), query_string={"next": target}).get_data(as_text=True)
    assert 'name="next"' not in page and "Back to your review" not in page and "evil" not in page
    token = csrf_token_from(judge, entry_url(entry))
    for go in ("review", "stay"):
        response = judge.post(entry_url(entry), data={
            "csrf_token": token, "next": target, "go": go, f"score-{panel.criteria[0].id}": "2",
        })
        assert response.status_code == 303 and response.headers["Location"] == entry_url(entry), (go, target)
    assert stored(db_session, panel.judge, entry) == {panel.criteria[0].id: 2}


# --- Whose work, and whose pages ---------------------------------------------------------------------------------


def test_only_the_judges_own_work_appears_never_a_colleagues_nor_a_conflicted_entry(judge, panel, db_session):
    colleague = make_judge("colleague@example.org")
    seat(colleague, panel.category)
    make_scores(colleague, panel.entries[0], panel.criteria, 1, 1, comment="A colleague's private view")
    conflicted = panel.entries[2]
    make_scores(panel.judge, conflicted, panel.criteria, 9, 9, comment="Written before the conflict")
    make_conflict(panel.judge, conflicted)
    db_session.commit()
    page = page_of(judge, review_url(panel))
    assert "A colleague's private view" not in page and "1 out of 10" not in page
    assert "Written before the conflict" not in page and "9 out of 10" not in page
    assert entry_url(conflicted) not in page and conflicted.nominee_name not in page
    assert len(table_rows(page)) == 2


def test_blind_judging_shows_references_only(judge, panel, db_session):
    panel.edition.hide_nominee_names = True
    panel.category.names_can_be_hidden = True
    make_scores(panel.judge, panel.entries[0], panel.criteria, 7, 7, comment="Fine")
    db_session.commit()
    page = page_of(judge, review_url(panel))
    for entry in panel.entries:
        assert f"Entry {entry.reference}" in page
        assert entry.nominee_name not in page and entry.nominee_organisation not in page


def test_another_panels_judge_gets_404(outsider, panel):
    assert outsider.get(review_url(panel)).status_code == 404


@pytest.mark.parametrize("category_id", ["0", "2147483648", "99999999999999999999", "-1", "abc"])
def test_tampered_category_ids_are_404(judge, category_id):
    assert judge.get(f"/judging/categories/{category_id}/review").status_code == 404


def test_visitors_sign_in_and_organisers_are_refused(client, organiser_user_client, panel):
    response = client.get(review_url(panel))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert organiser_user_client.get(review_url(panel)).status_code == 403


def test_conflicts_come_first(client, db_session, clock):
    undeclared = make_panel(entries=1, declared=False)
    db_session.commit()
    sign_in(client, undeclared.judge.email)
    response = client.get(review_url(undeclared))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/judging/categories/{undeclared.category.id}/conflicts")


def test_the_page_is_well_formed(judge, panel, db_session):
    make_scores(panel.judge, panel.entries[0], panel.criteria, 5, comment="Line one\nLine two")
    db_session.commit()
    page = page_of(judge, review_url(panel))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids are unique"
    assert 'style="' not in page and "<script>" not in page
