"""The results on the night, the presenter view and the archive through the test client: nothing before the shortlist
is public; nothing of a result before its reveal (page, fragment, slide, CSV, ETag, headers); 304 for a poll while
nothing changed, answered after one query; vote shares only when chosen; the archive, its CSV and 404s."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from awards_app.ceremony import reveals, winners
from awards_app.web.template_helpers import format_date
from tests.factories.programme import START, make_category, make_edition
from tests.factories.voting import make_votes, public_vote
from tests.fixtures.database import counted_queries
from tests.web.public_caches import caches, forget_cached  # noqa: F401  (caches is a fixture)

HX = {"HX-Request": "true"}
RESULT_PATHS = ("/results", "/results/present", "/results/present/1", "/results/present/2")


@pytest.fixture
def night(db_session, clock, organiser):
    """Two public-vote categories with published finalists and confirmed (sealed) results, none revealed yet.

    Project (first in the running order): Harbour Arts wins (3 votes), Breathe Easy is highly commended (1 vote).
    Resource (second): Yellow Door wins (2 votes), Zebra Crossing has 1.
    """
    project = public_vote(make_edition())
    resource = public_vote(project.edition, ("Zebra Crossing", "Yellow Door", "Xylo Club"), name="Another category")
    harbour, breathe, _walk = project.finalists
    zebra, yellow, _xylo = resource.finalists
    make_votes(project.contest, harbour, 3)
    make_votes(project.contest, breathe, 1)
    make_votes(resource.contest, yellow, 2)
    make_votes(resource.contest, zebra, 1)
    project.edition.shortlist_published_at = clock.now() - timedelta(days=3)
    clock.set(project.contest.closes_at + timedelta(hours=1))
    db_session.commit()

    class Night:
        edition = project.edition
        categories = (project.category, resource.category)
        finalists = (project.finalists, resource.finalists)

        @staticmethod
        def confirm():
            """Record and confirm both results, as the organisers do before the ceremony."""
            winners.record_vote_result(organiser, project.category, harbour.id, [breathe.id])
            winners.confirm_result(organiser, project.category)
            winners.record_vote_result(organiser, resource.category, yellow.id, [])
            winners.confirm_result(organiser, resource.category)
            db_session.commit()
            forget_cached()  # each answer after this is drawn again, as another worker would

        @staticmethod
        def reveal(index: int):
            reveals.reveal_category(organiser, Night.categories[index])
            db_session.commit()
            forget_cached()  # as the stamp's half second running out would

        @staticmethod
        def hide(index: int):
            reveals.hide_category(organiser, Night.categories[index], reason="Revealed too early by mistake")
            db_session.commit()
            forget_cached()

        @staticmethod
        def show_shares(index: int):
            reveals.set_vote_shares(organiser, Night.categories[index], True)
            db_session.commit()
            forget_cached()

    return Night


def everything_sent(client) -> list[tuple[str, int, str, str]]:
    """What every results address sends, whole and as htmx fragments, plus the CSV: (what, status, headers, body).

    The per-visitor form token of whole pages is taken out, so that two moments can be compared.
    """
    sent = []
    for path in RESULT_PATHS:
        for headers in ({}, HX):
            response = client.get(path, headers=headers)
            body = re.sub(r"hx-headers='[^']*'", "", response.get_data(as_text=True))
            head = "\n".join(f"{key}: {value}" for key, value in sorted(response.headers.items())
                             if key != "Set-Cookie")
            sent.append((f"{path} {headers}", response.status_code, head, body))
    return sent


def section(page: str, name: str) -> str:
    """The HTML of one category's section of a results page."""
    start = page.index(f"class=\"result__title\">{name}")
    end = page.find("</section>", start)
    return page[start:end]


# --- Before the shortlist is public -------------------------------------------------------------------------------


def test_before_the_shortlist_is_public_nothing_shows(client, night, db_session, clock):
    night.edition.shortlist_published_at = clock.now() + timedelta(days=1)  # set for tomorrow
    db_session.commit()
    night.confirm()
    page = client.get("/results")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The results appear here on the night." in text
    slide = client.get("/results/present").get_data(as_text=True)
    assert "The results appear here on the night" in slide
    for name in ("Harbour Arts", "Breathe Easy", "Yellow Door", "Zebra Crossing"):
        assert name not in text and name not in slide
    assert "hx-trigger" not in text  # a plain page: nothing to poll
    # A poll from a page drawn while the shortlist was public (since taken down) is told so, and stops polling.
    poll = client.get("/results", headers=HX)
    assert poll.status_code == 200 and "hx-trigger" not in poll.get_data(as_text=True)
    assert client.get("/results/present/1").status_code == 404


def test_no_edition_at_all(client, db_session):
    assert "The results appear here on the night" in client.get("/results").get_data(as_text=True)
    assert client.get("/results/present").status_code == 200
    assert client.get("/results/present/1").status_code == 404


# --- Nothing of a result before its reveal --------------------------------------------------------------------------


def test_recording_and_confirming_a_result_changes_nothing_the_server_sends(client, night, caches):
    before = everything_sent(client)
    night.confirm()
    after = everything_sent(client)
    for (what, *sent_before), (_, *sent_after) in zip(before, after):
        assert sent_before == sent_after, what


def test_an_unrevealed_winner_is_nowhere_while_the_finalists_show(client, night, caches):
    night.confirm()
    night.show_shares(0)  # chosen in advance: still nothing until the reveal
    for path, headers in [(path, headers) for path in RESULT_PATHS for headers in ({}, HX)]:
        response = client.get(path, headers=headers)
        body = response.get_data(as_text=True)
        assert "Winner" not in body and "Highly commended" not in body and "%" not in body, path
        assert "Harbour Arts" not in str(response.headers) and "Yellow Door" not in str(response.headers)
    page = client.get("/results").get_data(as_text=True)
    for names in night.finalists:
        for finalist in names:
            assert finalist.public_name.replace("&", "&amp;") in page
    assert page.count("To be announced") == 2
    # The judges' order of finalists says nothing either: they are listed alphabetically.
    project = section(page, "Self Management Project of the Year")
    assert project.index("Breathe Easy") < project.index("Harbour Arts") < project.index("Walk &amp; Talk")
    slide = client.get("/results/present/1").get_data(as_text=True)
    assert "The finalists" in slide and "Harbour Arts" in slide


def test_after_the_reveal_it_shows_and_after_a_hide_it_is_gone(client, night, caches):
    night.confirm()
    night.reveal(0)
    page = client.get("/results").get_data(as_text=True)
    project = section(page, "Self Management Project of the Year")
    assert '<li class="result__winner">Harbour Arts</li>' in project
    assert "Highly commended" in project and "Breathe Easy" in project
    resource = section(page, "Another category")
    assert "To be announced" in resource and "Winner" not in resource
    slide = client.get("/results/present/1").get_data(as_text=True)
    assert '<li class="stage__winner">Harbour Arts</li>' in slide
    assert "Winner" not in client.get("/results/present/2").get_data(as_text=True)

    night.hide(0)
    for path, headers in [(path, headers) for path in RESULT_PATHS for headers in ({}, HX)]:
        body = client.get(path, headers=headers).get_data(as_text=True)
        assert "Winner" not in body and "Just announced" not in body, path


# --- Polling: ETags, 304 and one query ------------------------------------------------------------------------------


def test_answers_carry_etags_per_variant_and_no_cache(client, night):
    page, fragment = client.get("/results"), client.get("/results", headers=HX)
    slide_page, slide = client.get("/results/present/1"), client.get("/results/present/1", headers=HX)
    etags = {response.headers["ETag"] for response in (page, fragment, slide_page, slide)}
    assert len(etags) == 4
    for response in (page, fragment, slide_page, slide):
        assert response.headers["Cache-Control"] == "no-cache"
        assert "HX-Request" in response.headers["Vary"]
    assert '<div id="live-results"' in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True) and "<html" not in slide.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/results", "/results/present", "/results/present/2"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_a_matching_if_none_match_is_answered_304_until_a_reveal(client, night, path, headers):
    night.confirm()
    first = client.get(path, headers=headers)
    etag = first.headers["ETag"]
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "no-cache"
    weakened = client.get(path, headers={**headers, "If-None-Match": "W/" + etag})  # as a compressing proxy sends it
    assert weakened.status_code == 304

    night.reveal(1)
    changed = client.get(path, headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_304_answer_runs_one_query(app, client, night, monkeypatch):
    # The slides show the site's logo, so their tag names the settings' version: a worker keeps the settings it read,
    # as in production (the tests' app reads them once per request), and the results stamp stays the one query.
    from awards_app.site_settings import current

    monkeypatch.setitem(app.config, "SITE_SETTINGS_SECONDS", 60)
    current.forget()
    etag = client.get("/results", headers=HX).headers["ETag"]
    slide_etag = client.get("/results/present/1?seen=", headers=HX).headers["ETag"]
    with counted_queries() as statements:
        assert client.get("/results", headers={**HX, "If-None-Match": etag}).status_code == 304
    assert len(statements) == 1, statements
    with counted_queries() as statements:
        assert client.get("/results/present/1?seen=", headers={**HX, "If-None-Match": slide_etag}).status_code == 304
    assert len(statements) == 1, statements


def test_a_worker_answers_polls_from_the_stamp_it_read_for_half_a_second(app, client, night, monkeypatch, organiser,
                                                                          db_session):
    from awards_app.web.public import results as results_routes

    monkeypatch.setitem(app.config, "RESULTS_STAMP_SECONDS", 0.5)
    monkeypatch.setattr(results_routes, "_recent_stamps", {})
    night.confirm()
    etag = client.get("/results", headers=HX).headers["ETag"]
    with counted_queries() as statements:
        assert client.get("/results", headers={**HX, "If-None-Match": etag}).status_code == 304
    assert statements == []  # thousands of polls a second cost this worker no query
    reveals.reveal_category(organiser, night.categories[1])  # as on another worker: this one's stamp stands
    db_session.commit()
    assert client.get("/results", headers={**HX, "If-None-Match": etag}).status_code == 304  # at most 0.5 s late
    now = results_routes.time.monotonic()
    monkeypatch.setattr(results_routes.time, "monotonic", lambda: now + 0.6)
    changed = client.get("/results", headers={**HX, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_signed_in_visitors_get_whole_pages_without_an_etag(organiser_client, night):
    # Their page header holds a sign-out form whose token would go stale in a kept copy; and nothing shown to a
    # signed-in person may be kept at all, so that it cannot come back after they sign out (issue #14, finding 10).
    page = organiser_client.get("/results")
    assert "ETag" not in page.headers and page.headers["Cache-Control"] == "no-store"
    assert "ETag" in organiser_client.get("/results", headers=HX).headers


def test_a_poll_announces_a_new_reveal_once(client, night):
    night.confirm()
    page = client.get("/results").get_data(as_text=True)
    assert '<div id="results-announcement" class="results-announcement" role="status" aria-live="polite"></div>' in page
    shown = re.search(r'"shown": "([^"]*)"', page).group(1)
    assert shown == ""
    night.reveal(0)
    poll = client.get(f"/results?shown={shown}", headers=HX).get_data(as_text=True)
    assert ('<div id="results-announcement" hx-swap-oob="innerHTML"><p>Just announced: Winner of Self Management '
            'Project of the Year: Harbour Arts</p></div>') in poll
    shown = re.search(r'"shown": "([^"]*)"', poll).group(1)
    assert shown
    night.show_shares(1)  # something else changes: the page is sent again, but says nothing new
    assert "Just announced" not in client.get(f"/results?shown={shown}", headers=HX).get_data(as_text=True)


# --- Vote shares ------------------------------------------------------------------------------------------------------


def test_vote_shares_show_only_where_the_organisers_chose(client, night):
    night.confirm()
    night.reveal(0)
    night.reveal(1)
    page = client.get("/results").get_data(as_text=True)
    assert "%" not in page
    night.show_shares(0)
    page = client.get("/results").get_data(as_text=True)
    project = section(page, "Self Management Project of the Year")
    assert "The public vote: share of the votes that count" in project
    assert re.search(r"Harbour Arts</th><td class=\"table__numeric[^\"]*\"[^>]*>75%", project)
    assert re.search(r"Breathe Easy</th><td class=\"table__numeric[^\"]*\"[^>]*>25%", project)
    assert "%" not in section(page, "Another category")


# --- The presenter view ----------------------------------------------------------------------------------------------


def test_the_presenter_view_shows_one_category_with_previous_and_next(client, night):
    first = client.get("/results/present/1").get_data(as_text=True)
    assert 'class="presenter"' in first
    assert "Award 1 of 2" in first and "Self Management Project of the Year" in first
    assert 'href="/results/present/2" rel="next"' in first and 'href="/results/present/0" rel="prev"' in first
    second = client.get("/results/present/2").get_data(as_text=True)
    assert 'href="/results/present/1" rel="prev"' in second and 'rel="next"' not in second
    assert client.get("/results/present/3").status_code == 404
    assert client.get("/results/present/0").status_code == 200  # the title slide
    assert client.get("/results/present/-1").status_code == 404


def test_the_presenter_view_follows_the_organisers_reveals(client, night):
    night.confirm()
    slide = client.get("/results/present/1", headers=HX)
    assert '"seen": ""' in slide.get_data(as_text=True) and "HX-Replace-Url" not in slide.headers
    night.reveal(1)
    # The slide drawn before the reveal polls: the server answers with the revealed category's slide.
    jumped = client.get("/results/present/1?seen=", headers=HX)
    assert jumped.headers["HX-Replace-Url"] == "/results/present/2"
    body = jumped.get_data(as_text=True)
    assert 'hx-get="/results/present/2"' in body and '<li class="stage__winner">Yellow Door</li>' in body
    focus = night.categories[1].id
    assert f'"seen": "{focus}"' in body
    # The presenter goes back to the first category by hand: polls from there no longer jump.
    stay = client.get(f"/results/present/1?seen={focus}", headers=HX)
    assert "HX-Replace-Url" not in stay.headers and "Award 1 of 2" in stay.get_data(as_text=True)
    # The entry address opens at the category revealed last.
    assert "Award 2 of 2" in client.get("/results/present").get_data(as_text=True)


def test_the_night_opens_on_a_title_slide_that_polls_for_the_first_reveal(client, night, db_session):
    night.edition.venue = "The Assembly Rooms, Edinburgh"
    db_session.commit()
    night.confirm()
    title = client.get("/results/present")
    body = title.get_data(as_text=True)
    assert '<h1 class="stage__title">Self Management Awards 2026</h1>' in body
    assert f"The awards ceremony, {format_date(night.edition.ceremony_at, night.edition.timezone)}" in body
    assert '<p class="stage__venue">The Assembly Rooms, Edinburgh</p>' in body
    assert 'hx-get="/results/present/0"' in body and 'rel="prev"' not in body
    assert re.search(r'href="/results/present/1" rel="next"[^>]*>Next: Self Management Project of the Year<', body)
    assert "Winner" not in body and "Harbour Arts" not in body and "data-reveal" not in body
    assert "<title>Self Management Awards 2026 – Presenter view – Self Management Awards</title>" in body
    assert client.get("/results/present/0").get_data(as_text=True) == body

    night.reveal(1)
    jumped = client.get("/results/present/0?seen=", headers=HX)
    assert jumped.headers["HX-Replace-Url"] == "/results/present/2"
    assert "Yellow Door" in jumped.get_data(as_text=True)


def test_previous_and_next_swap_the_slide_so_that_full_screen_stays(client, night):
    page = client.get("/results/present/1").get_data(as_text=True)
    for rel, url in (("prev", "/results/present/0"), ("next", "/results/present/2")):
        link = re.search(rf'<a href="{url}" rel="{rel}"([^>]*)>', page).group(1)
        # The address the bar shows is the slide's own, without the poll's "seen".
        assert f'hx-get="{url}"' in link and f'hx-replace-url="{url}"' in link, link
        assert 'hx-target="#slide"' in link and 'hx-swap="outerHTML settle:0ms"' in link and 'hx-sync="#slide:replace"' in link
    assert ">Previous: Self Management Awards 2026<" in page and ">Next: Another category<" in page
    # Its own stylesheet and script, which no other page loads; the full-screen button waits for the script.
    assert 'href="/static/css/present.css"' in page and 'src="/static/js/present.js"' in page
    assert '<button type="button" class="stage-fullscreen" data-fullscreen hidden>Full screen</button>' in page
    assert "present.css" not in client.get("/results").get_data(as_text=True)
    # A poll's slide keeps its title for the page, once present.js has swapped it in.
    slide = client.get("/results/present/2?seen=", headers=HX).get_data(as_text=True)
    assert 'data-title="Another category – Presenter view"' in slide


def test_a_revealed_slide_names_its_reveal_so_that_a_redraw_does_not_replay_it(client, night):
    night.confirm()
    assert "data-reveal" not in client.get("/results/present/1").get_data(as_text=True)
    night.reveal(0)
    key = re.search(r'data-reveal="([^"]+)"', client.get("/results/present/1").get_data(as_text=True)).group(1)
    assert key.startswith(f"{night.categories[0].id}-")
    seen = night.categories[0].id
    assert f'data-reveal="{key}"' in client.get(f"/results/present/1?seen={seen}", headers=HX).get_data(as_text=True)
    night.hide(0)
    assert "data-reveal" not in client.get(f"/results/present/1?seen={seen}", headers=HX).get_data(as_text=True)


def test_long_names_take_the_smaller_size_of_their_kind(client, night, db_session):
    night.confirm()
    night.categories[0].name = "The Award for Outstanding Partnership Working Across Health and Social Care"
    night.finalists[0][0].public_name = "The Harbour Arts Collective for Peer Support and Self Management"
    db_session.commit()
    night.reveal(0)
    slide = client.get("/results/present/1").get_data(as_text=True)
    assert '<h1 class="stage__title stage__title--long">The Award for Outstanding' in slide
    assert '<li class="stage__winner stage__winner--long">The Harbour Arts Collective' in slide
    assert '<h1 class="stage__title">Another category</h1>' in client.get("/results/present/2").get_data(as_text=True)


@pytest.mark.parametrize("seen", ["²", "١٢", "１", "1²", "99999999999"])
def test_a_poll_with_a_seen_that_is_no_id_is_answered_as_if_it_had_none(client, night, seen):
    night.confirm()
    night.reveal(1)
    slide = client.get("/results/present/1", query_string={"seen": seen}, headers=HX)
    assert slide.status_code == 200
    assert slide.headers["HX-Replace-Url"] == "/results/present/2"


# --- The archive and its exports -------------------------------------------------------------------------------------


def test_the_archive_lists_editions_whose_ceremony_has_happened(client, night, db_session, clock):
    old = make_edition(year=2024, start=START - timedelta(days=730))
    make_category(old)
    db_session.commit()
    listing = client.get("/editions").get_data(as_text=True)
    assert 'href="/editions/2024"' in listing and "/editions/2026" not in listing
    assert client.get("/editions/2026").status_code == 404  # its ceremony is still to come
    clock.set(night.edition.ceremony_at + timedelta(hours=1))
    listing = client.get("/editions").get_data(as_text=True)
    assert listing.index('href="/editions/2026"') < listing.index('href="/editions/2024"')  # newest first


def test_an_edition_shows_revealed_winners_and_says_not_announced_for_the_rest(client, night, clock):
    night.confirm()
    clock.set(night.edition.ceremony_at + timedelta(minutes=30))
    night.reveal(0)
    page = client.get("/editions/2026").get_data(as_text=True)
    assert "Self Management Awards 2026: the winners" in page
    assert '<li class="result__winner">Harbour Arts</li>' in section(page, "Self Management Project of the Year")
    resource = section(page, "Another category")
    assert "Not announced" in resource and "Winner" not in resource and "Zebra Crossing" in resource
    assert 'href="/editions/2026/results.csv"' in page


def test_the_csv_holds_revealed_results_only_and_is_excel_safe(client, night, db_session, clock):
    night.finalists[0][0].public_name = "=HYPERLINK(\"http://evil\")"
    db_session.commit()
    night.confirm()
    clock.set(night.edition.ceremony_at + timedelta(minutes=30))
    night.reveal(0)
    response = client.get("/editions/2026/results.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="results-2026.csv"'
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["Category", "Award", "Name"],
        ["Self Management Project of the Year", "Winner", "'=HYPERLINK(\"http://evil\")"],
        ["Self Management Project of the Year", "Highly commended", "Breathe Easy"],
    ]
    assert "Yellow Door" not in text


@pytest.mark.parametrize("path", ["/editions/1999", "/editions/1999/results.csv", "/editions/2026/results.csv",
                                  "/editions/99999999999999999999"])
def test_unknown_or_future_years_are_404(client, night, path):
    assert client.get(path).status_code == 404
