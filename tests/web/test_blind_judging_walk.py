"""Blind judging hides the nominee everywhere a judge looks: a walk of every judge page and fragment (plain and htmx,
before and after declaring, refusals and confirmation steps included) finds no nominee's name, organisation or local
authority in any answer, while the judge's own affiliations still suggest a conflict."""
from __future__ import annotations

import html
import re

import pytest

from awards_app.judging.models import Conflict
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.judging import make_criteria, make_finalists, seat
from tests.factories.nominations import make_entry
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, sign_in

# (name, organisation, local authority): each one distinctive, so that finding it can only mean a leak.
NOMINEES = [
    ("Glenmorven Walking Group", "Glenmorven and Loch Ashie Health and Social Care Partnership", "Na h-Eileanan Siar"),
    ("Tynevale Parkinson's Café", "Tynevale Neurological Trust", "Clackmannanshire"),
    ("Kinloch Rannoch Men's Shed", "Rannoch Shed Collective", "Perth and Kinross"),
]
FINALISTS = [
    ("Morag Dunvegan-Lennox", "Dunvegan Carers' Circle", "Argyll and Bute"),
    ("Hamish Auchtermuchty", "Auchtermuchty Young Carers", "East Dunbartonshire"),
]
SECRETS = [value for row in NOMINEES + FINALISTS for value in row]


@pytest.fixture
def site(db_session, clock):
    """An edition judged blind: a category in scoring (three entries) and one in its final round (two finalists)."""
    edition = make_edition(hide_nominee_names=True)
    projects = make_category(edition, "Project of the Year", names_can_be_hidden=True)
    carers = make_category(edition, "Carer of the Year", names_can_be_hidden=True, has_public_vote=False)
    criteria = make_criteria(edition, ((0, 10, 1.0), (0, 10, 1.0)))
    entries = [make_entry(projects, name, org, local_authority=area) for name, org, area in NOMINEES]
    finalists = [make_entry(carers, name, org, local_authority=area) for name, org, area in FINALISTS]
    make_finalists(carers, finalists)
    carers.shortlisted_at = clock.now()
    # The judge's own words share 'loch' and 'ashie' with an organisation: a suggestion, never the organisation.
    judge = make_judge("blind@example.org", "Bea Blind", password=JUDGE_PASSWORD,
                       affiliations="Board member, Loch Ashie Rowing Club")
    seat(judge, projects, declared=False)
    seat(judge, carers)
    db_session.commit()
    return type("Site", (), {"projects": projects, "carers": carers, "criteria": criteria, "entries": entries,
                             "finalists": finalists, "judge": judge})


class Walk:
    """A signed-in judge's client that reads every answer it gets and remembers where it has been."""

    def __init__(self, client):
        self.client = client
        self.seen: list[tuple[str, str, int, str]] = []  # (method, url, status, body)

    def _keep(self, method: str, url: str, response):
        body = response.get_data(as_text=True)
        self.seen.append((method, url, response.status_code, body))
        assert response.status_code < 500, f"{method} {url}: {response.status_code}"
        return response

    def get(self, url: str, follow_htmx: bool = True):
        """GET the page, and again as htmx asks for it (the fragment)."""
        response = self._keep("GET", url, self.client.get(url))
        if follow_htmx:
            self._keep("GET htmx", url, self.client.get(url, headers={"HX-Request": "true"}))
        return response

    def post(self, url: str, data: dict, htmx: bool = False):
        """POST with the judge's CSRF token; a 303 is followed, so the page after it (and its message) is read too."""
        headers = {"HX-Request": "true"} if htmx else {}
        payload = {"csrf_token": csrf_token_from(self.client, "/judging/affiliations"), **data}
        response = self._keep("POST htmx" if htmx else "POST", url, self.client.post(url, data=payload, headers=headers))
        if response.status_code == 303:
            self.get(response.headers["Location"], follow_htmx=False)
        return response


def leaks(body: str) -> list[str]:
    """The nominees' names, organisations and local authorities found in an answer (as text, entities decoded)."""
    text = html.unescape(body).lower()
    return [secret for secret in SECRETS if secret.lower() in text]


def test_no_judge_page_or_fragment_gives_a_nominee_away(client, site, db_session):
    walk = Walk(sign_in(client, site.judge.email))
    projects, carers = site.projects.id, site.carers.id
    conflicts = f"/judging/categories/{projects}/conflicts"
    first, second, third = (entry.id for entry in site.entries)
    score = {f"score-{criterion.id}": "7" for criterion in site.criteria}

    walk.get("/judging/")
    walk.get(f"/judging/affiliations?category={projects}")
    before = walk.get(conflicts).get_data(as_text=True)
    # No suggestion under blind judging: one beside a hidden entry would confirm a guess typed into the affiliations.
    assert "Possible conflict:" not in before and "The awards team checks the organisations" in before
    walk.get(f"/judging/categories/{projects}/entries")  # before declaring: sent back to the conflicts page
    walk.post(conflicts, {"action": "declare", "conflict": str(first)})  # ticked without a reason: shown back
    walk.post(conflicts, {"action": "none"})

    walk.get(f"/judging/categories/{projects}/entries")
    for entry in site.entries:
        walk.get(f"/judging/entries/{entry.id}")
    entry_url = f"/judging/entries/{first}"
    walk.post(entry_url, {f"score-{site.criteria[0].id}": "7"}, htmx=True)  # autosave: "Saved"
    walk.post(entry_url, {f"score-{site.criteria[0].id}": "77"}, htmx=True)  # autosave: what is wrong
    walk.post(entry_url, {"comment": "Inspiring"}, htmx=True)
    walk.post(entry_url, {f"score-{site.criteria[0].id}": "x"})  # the whole form, refused
    walk.post(entry_url, {**score, "go": "stay"})  # saved: the flash names the entry
    walk.post(f"/judging/entries/{second}", {**score, "go": "next"})

    walk.post(f"/judging/entries/{third}/abstain", {"reason": "   "})  # refused on the entry page
    walk.post(f"/judging/entries/{third}/abstain", {"reason": "I know them"})  # the confirmation
    walk.post(f"/judging/entries/{third}/abstain", {"reason": "I know them", "step": "change"})
    walk.post(conflicts, {"action": "declare", "conflict": str(second), f"reason-{second}": "Cousin"})  # confirmation
    walk.post(conflicts, {"action": "declare", "conflict": str(second), f"reason-{second}": "Cousin", "step": "change"})
    walk.post(conflicts, {"action": "declare", "conflict": str(second), f"reason-{second}": "Cousin", "step": "confirm"})
    walk.get(conflicts)  # the declared conflict, listed

    review = f"/judging/categories/{projects}/review"
    walk.get(review)  # every score and comment on one page
    walk.get(f"/judging/entries/{first}?next={review}")  # "Change", with the way back to the review
    walk.get(f"/judging/categories/{projects}/submit")
    walk.post(f"/judging/categories/{projects}/submit", {})  # refused: an entry is left to score

    walk.get(f"/judging/categories/{carers}/conflicts")
    walk.get(f"/judging/categories/{carers}/entries")
    for finalist in site.finalists:
        walk.get(f"/judging/entries/{finalist.id}")
    final_round = f"/judging/categories/{carers}/final-round"
    walk.get(final_round)
    walk.post(final_round, {"action": "save", **{f"rank-{row}": "9" for row in range(1, 3)}})
    walk.post(final_round, {"action": "submit"})

    found = {f"{method} {url} ({status})": leaks(body) for method, url, status, body in walk.seen if leaks(body)}
    assert not found, f"nominees given away under blind judging: {found}"
    # The walk really went everywhere: every entry page answered, and the conflict was recorded.
    pages = {url for method, url, status, _ in walk.seen if method == "GET" and status == 200}
    assert {f"/judging/entries/{entry.id}" for entry in site.entries + site.finalists} <= pages
    assert final_round in pages and review in pages
    assert len(walk.seen) > 40
    assert any(re.search(r"Entry [A-Z0-9-]+", body) for _, _, _, body in walk.seen)
    assert {conflict.kind for conflict in db_session.query(Conflict)} == {"declared"}


def test_the_walk_would_find_a_leak(client, site, db_session):
    # With blind judging off the same pages name the nominees, so the check above is not vacuous.
    site.projects.edition.hide_nominee_names = False
    db_session.commit()
    walk = Walk(sign_in(client, site.judge.email))
    body = walk.get(f"/judging/categories/{site.projects.id}/conflicts").get_data(as_text=True)
    assert leaks(body) == [NOMINEES[0][0], NOMINEES[0][1], NOMINEES[1][0], NOMINEES[1][1], NOMINEES[2][0], NOMINEES[2][1]]

