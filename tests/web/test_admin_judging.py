"""The organisers' judging pages through the test client: access, 404s, CSRF, the progress matrix, the rankings side
by side, the shortlist (with and without reasons, declined consent, the no-JavaScript "show the top three" button),
reminders sent once, and the final round's result sealed from every page outside the organisers' area."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from awards_app.ceremony.models import Award, Place
from awards_app.core import clock as app_clock
from awards_app.core.models import OutboxEmail
from awards_app.judging.models import Finalist, Score
from awards_app.judging.progress import panel_of
from tests.factories.accounts import make_judge
from tests.factories.judging import judging_site, make_finalists, make_ranks, make_scores, seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(db_session, clock):
    """The judging site of tests/factories/judging.py, committed so that requests see it."""
    site = judging_site()
    other = make_edition(year=2025)
    site.other_category = make_category(other, name="Elsewhere")
    db_session.commit()
    site.overview = f"/admin/editions/{site.edition.id}/judging"
    site.page = f"/admin/categories/{site.category.id}/judging"
    site.reminders = f"/admin/editions/{site.edition.id}/judging/reminders"
    site.shortlist = f"/admin/categories/{site.category.id}/judging/shortlist"
    site.winners = f"/admin/categories/{site.category.id}/judging/winners"
    site.rankings = f"/admin/categories/{site.category.id}/judging/rankings"
    site.final_page = f"/admin/categories/{site.category.id}/judging/final-round"
    return site


@pytest.fixture
def final_round(site, organiser, db_session):
    """Morag, Hamish and Ailsa shortlisted; every judge's final ranks submitted (Borda: Morag, Ailsa, Hamish)."""
    rows = make_finalists(site.category, [site.morag, site.hamish, site.ailsa], organiser)
    morag, hamish, ailsa = rows
    judge_a, judge_b, judge_c = site.judges
    make_ranks(judge_a, morag, hamish, ailsa)
    make_ranks(judge_b, morag, ailsa, hamish)
    make_ranks(judge_c, morag, hamish)  # conflicted on Ailsa
    for member in panel_of(site.category):
        member.final_submitted_at = app_clock.now()
    db_session.commit()
    site.finalists = rows
    return site


def text_of(response) -> str:
    """The page as text, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def checked_boxes(response, name: str) -> list[int]:
    """The values of the ticked checkboxes called `name`."""
    boxes = re.findall(r'<input[^>]*name="' + name + r'"[^>]*>', response.get_data(as_text=True))
    return [int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes if " checked" in box]


def stored_finalists(db_session, site) -> list[int]:
    """The nomination ids on the stored shortlist, in position order."""
    db_session.expire_all()
    return list(db_session.scalars(
        select(Finalist.nomination_id).where(Finalist.category_id == site.category.id).order_by(Finalist.position)
    ))


# --- Who may use the pages ---------------------------------------------------------------------------------------


def pages(site) -> list[str]:
    """The GET pages."""
    return [site.overview, site.page, site.rankings, site.shortlist, site.final_page]


def posts(site) -> list[str]:
    """The POST-only endpoints."""
    return [site.reminders, site.shortlist, site.winners]


def test_visitors_are_sent_to_sign_in(client, site, db_session):
    for url in pages(site):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    token = csrf_token_from(client, "/sign-in")
    for url in posts(site):
        response = client.post(url, data={"csrf_token": token, "method": "weighted", "chosen": site.morag.id})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    assert stored_finalists(db_session, site) == []


def test_judges_get_403(judge_client, site, db_session):
    for url in pages(site):
        assert judge_client.get(url).status_code == 403, url
    token = csrf_token_from(judge_client, "/")
    for url in posts(site):
        response = judge_client.post(url, data={"csrf_token": token, "method": "weighted", "chosen": site.morag.id})
        assert response.status_code == 403, url
    assert stored_finalists(db_session, site) == []
    assert db_session.scalars(select(OutboxEmail)).all() == []


def test_unknown_ids_give_404(organiser_client, site):
    for url in ("/admin/editions/999999/judging", "/admin/categories/999999/judging",
                "/admin/categories/99999999999/judging"):
        assert organiser_client.get(url).status_code == 404, url
    token = csrf_token_from(organiser_client, site.page)
    for url in ("/admin/editions/999999/judging/reminders", "/admin/categories/999999/judging/shortlist",
                "/admin/categories/999999/judging/winners"):
        assert organiser_client.post(url, data={"csrf_token": token}).status_code == 404, url


def test_reminders_for_a_category_of_another_edition_give_404(organiser_client, site, outbox):
    token = csrf_token_from(organiser_client, site.page)
    for category_id in (site.other_category.id, "999999", "abc", "99999999999"):
        response = organiser_client.post(site.reminders, data={"csrf_token": token, "category_id": category_id})
        assert response.status_code == 404, category_id
    assert outbox() == []


def test_posts_without_a_csrf_token_are_refused(organiser_client, site, db_session, outbox, final_round):
    for url in posts(site):
        response = organiser_client.post(url, data={"method": "weighted", "chosen": site.morag.id,
                                                    "winner": site.finalists[0].id})
        assert response.status_code == 400, url
        assert "This form has expired" in response.get_data(as_text=True)
    assert outbox() == []
    assert db_session.scalars(select(Award)).all() == []
    assert stored_finalists(db_session, site) == [site.morag.id, site.hamish.id, site.ailsa.id]


# --- The overview and the category page ---------------------------------------------------------------------------


def test_the_overview_shows_each_categorys_progress(organiser_client, site):
    response = organiser_client.get(site.overview)
    assert response.status_code == 200
    text = text_of(response)
    assert "Carer of the Year 3 1 of 3 judges 11 of 11 scores (100%) Not chosen yet Not recorded yet" in text
    assert f'href="/admin/categories/{site.category.id}/judging"' in response.get_data(as_text=True)
    assert "Send reminders" in text


def test_the_progress_matrix_states_each_cell_in_words(organiser_client, site):
    response = organiser_client.get(site.page)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    matrix = body.split("Scoring by entry and judge", 1)[1].split("</table>", 1)[0]
    ailsa_row = re.search(r"Ailsa Grant.*?</tr>", matrix, re.S).group(0)
    cells = re.findall(r'<span class="tag tag--\w+">([^<]+)</span>', ailsa_row)
    assert cells == ["Scored", "Conflict declared", "Scored"]
    assert '<th scope="col">' in matrix and '<th scope="row">' in matrix
    text = text_of(response)
    assert "1 of 3 judges have submitted their scores." in text
    assert "Tariq Hussain Submitted" in text and "Morven Clark Not submitted" in text


def test_the_rankings_show_both_methods_side_by_side(organiser_client, site):
    text = text_of(organiser_client.get(site.rankings))
    for heading in ("Weighted mean (out of 10)", "Rank by weighted mean", "Normalised mean", "Rank by normalised mean",
                    "Number of scores", "Spread"):
        assert heading in text
    # Morag: weighted 8.00, rank 1 (Callum, who declined, is out of judging); three scores; spread sqrt(2/3) = 0.82.
    assert re.search(r"Morag Fraser SMA-\w+ 8\.00 1 \+1\.\d\d 1 3 0\.82", text)
    assert re.search(r"Ailsa Grant SMA-\w+ 4\.50 3 -0\.\d\d 3 2 0\.50", text)
    assert "Callum Baird" not in text


def test_ties_and_flagged_judges_are_shown_in_words(organiser_client, site, db_session):
    # A fourth judge gives every entry the same score (5, 5): flagged.
    judge_d = make_judge("dana@example.org", "Dana Doig")
    seat(judge_d, site.category)
    for entry in (site.morag, site.hamish, site.ailsa, site.eilidh, site.callum):
        make_scores(judge_d, entry, site.criteria, 5, 5)
    db_session.commit()
    text = text_of(organiser_client.get(site.rankings))
    assert "Dana Doig Gives every entry the same score (5 out of 10 on each of the 4 entries they scored)" in text

    # Judge D now gives Hamish 10 and Morag 4: Morag (9 + 8 + 7 + 4) / 4 = 7, Hamish (7 + 6 + 5 + 10) / 4 = 7, tied
    # at the top (Callum, who declined, is out of judging).
    for row in db_session.scalars(select(Score).where(Score.judge_id == judge_d.id)):
        if row.nomination_id == site.hamish.id:
            row.value = 10
        if row.nomination_id == site.morag.id:
            row.value = 4
    db_session.commit()
    text = text_of(organiser_client.get(site.rankings))
    assert "Tie Tied with Hamish MacLeod on the weighted mean" in text
    assert "Tie Tied with Morag Fraser on the weighted mean" in text
    assert "Morag Fraser and Hamish MacLeod are tied on the weighted mean (rank 1)." in text


def test_names_are_escaped(organiser_client, site, db_session):
    site.morag.nominee_name = "<script>alert(1)</script>"
    db_session.commit()
    body = organiser_client.get(site.rankings).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- The shortlist -----------------------------------------------------------------------------------------------


def test_the_form_starts_with_the_top_three_ticked(organiser_client, site):
    response = organiser_client.get(site.shortlist)
    assert checked_boxes(response, "chosen") == [site.morag.id, site.hamish.id, site.ailsa.id]
    assert f'value="{site.callum.id}"' not in response.get_data(as_text=True).split('id="shortlist"', 1)[1]


def test_saving_the_top_three_needs_no_reason(organiser_client, site, db_session):
    chosen = [site.morag.id, site.hamish.id, site.ailsa.id]
    response = post_form(organiser_client, site.shortlist, {"method": "weighted", "chosen": chosen, "action": "save"},
                         form_page=site.page)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(site.shortlist)
    assert stored_finalists(db_session, site) == chosen
    page = organiser_client.get(site.shortlist)
    assert "The shortlist of Carer of the Year is saved: 3 finalists. It is not published yet." in text_of(page)
    assert checked_boxes(page, "chosen") == chosen


def test_a_change_without_reasons_is_shown_again_with_errors_and_input_kept(organiser_client, site, db_session):
    data = {"method": "weighted", "chosen": [site.morag.id, site.eilidh.id], "action": "save",
            f"reason_{site.eilidh.id}": "Strong local support"}
    response = post_form(organiser_client, site.shortlist, data, form_page=site.page)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<title>Error: " in body and "There is a problem" in body
    for name in ("Hamish MacLeod", "Ailsa Grant"):
        message = f"Give a reason for leaving out {name}: it is in the top three by weighted mean"
        assert message in text_of(response)
    entry_id = site.hamish.id
    assert f'href="#reason_{entry_id}"' in body
    assert checked_boxes(response, "chosen") == [site.morag.id, site.eilidh.id]
    assert "Strong local support</textarea>" in body
    assert stored_finalists(db_session, site) == []


def test_a_change_with_reasons_is_saved(organiser_client, site, db_session):
    data = {"method": "weighted", "chosen": [site.morag.id, site.hamish.id, site.eilidh.id], "action": "save",
            f"reason_{site.eilidh.id}": "Strong local support", f"reason_{site.ailsa.id}": "Won last year"}
    response = post_form(organiser_client, site.shortlist, data, form_page=site.page)
    assert response.status_code == 303
    assert stored_finalists(db_session, site) == [site.morag.id, site.hamish.id, site.eilidh.id]
    page = organiser_client.get(site.shortlist)
    text = text_of(page)
    assert "Chosen from outside the top three because: Strong local support" in text
    # The stored reasons come back in their boxes.
    body = page.get_data(as_text=True)
    assert "Won last year</textarea>" in body and "Strong local support</textarea>" in body


def test_a_nominee_who_declined_is_refused(organiser_client, site, db_session):
    data = {"method": "weighted", "chosen": [site.callum.id, site.morag.id, site.hamish.id, site.ailsa.id],
            "action": "save", f"reason_{site.callum.id}": "Highest scores"}
    response = post_form(organiser_client, site.shortlist, data, form_page=site.page)
    assert response.status_code == 422
    # Out of judging, the entry has no box to tick: only a tampered form sends it.
    assert "Choose finalists from the entries of this category" in text_of(response)
    assert stored_finalists(db_session, site) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "best", "chosen": "1"}, "Choose which ranking the shortlist follows"),
        ({"chosen": "1"}, "Choose which ranking the shortlist follows"),
        ({"method": "weighted", "chosen": ["999999"]}, "Choose finalists from the entries of this category"),
        ({"method": "weighted", "chosen": ["abc"]}, "Choose finalists from the entries of this category"),
        ({"method": "weighted"}, "Choose at least one finalist"),
        ({"method": "weighted", "chosen": "{morag}", "reason_{hamish}": "x" * 1001}, "1,000 characters or fewer"),
    ],
)
def test_bad_input_is_shown_again_with_a_message(organiser_client, site, db_session, data, message):
    data = {key.format(hamish=site.hamish.id): value.format(morag=site.morag.id) if isinstance(value, str) else value
            for key, value in data.items()}
    response = post_form(organiser_client, site.shortlist, {**data, "action": "save"}, form_page=site.page)
    assert response.status_code == 422
    assert message in text_of(response)
    assert stored_finalists(db_session, site) == []


def test_an_entry_of_another_category_is_refused(organiser_client, site, db_session):
    stranger = make_nomination(site.other_category, "Someone Else")
    db_session.commit()
    data = {"method": "weighted", "chosen": [site.morag.id, stranger.id], "action": "save"}
    response = post_form(organiser_client, site.shortlist, data, form_page=site.page)
    assert response.status_code == 422
    assert "Choose finalists from the entries of this category" in text_of(response)


def test_show_the_top_three_under_a_method_saves_nothing(organiser_client, site, db_session):
    data = {"method": "normalised", "chosen": [site.eilidh.id], "action": "show",
            f"reason_{site.eilidh.id}": "Kept while I compare"}
    response = post_form(organiser_client, site.shortlist, data, form_page=site.page)

    assert response.status_code == 200
    assert checked_boxes(response, "chosen") == [site.morag.id, site.hamish.id, site.ailsa.id]
    body = response.get_data(as_text=True)
    assert re.search(r'<input checked class="radios__input" id="method-1" name="method"[^>]*value="normalised"', body)
    assert "Ranked by the normalised mean (z-scores)." in text_of(response)
    assert "Kept while I compare</textarea>" in body
    assert stored_finalists(db_session, site) == []
    missing = post_form(organiser_client, site.shortlist, {"action": "show"}, form_page=site.page)
    assert missing.status_code == 422 and "Choose which ranking the shortlist follows" in text_of(missing)


# --- Reminders ---------------------------------------------------------------------------------------------------


def test_reminders_are_queued_once_an_hour(organiser_client, site, outbox, clock):
    token = csrf_token_from(organiser_client, site.overview)
    response = organiser_client.post(site.reminders, data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(site.overview)
    first = sorted(email.to_address for email in outbox())
    assert first == ["aileen@example.org", "morven@example.org"]  # Tariq has submitted
    assert "Reminder sent to 2 judges: Aileen Fraser, Morven Clark." in text_of(organiser_client.get(site.overview))

    clock.advance(minutes=30)
    token = csrf_token_from(organiser_client, site.page)
    response = organiser_client.post(site.reminders, data={"csrf_token": token, "category_id": site.category.id})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{site.page}#progress")
    assert len(outbox()) == 2
    text = text_of(organiser_client.get(site.page))
    assert "Not sent to Aileen Fraser, Morven Clark: reminded less than an hour ago." in text


def test_reminders_with_no_work_left_say_so(organiser_client, site, outbox, db_session):
    for member in panel_of(site.category):
        member.submitted_at = member.added_at
    db_session.commit()
    post_form(organiser_client, site.reminders, {}, form_page=site.overview)
    assert "No judge has work left, so no reminders were sent." in text_of(organiser_client.get(site.overview))
    assert outbox() == []


# --- The final round ---------------------------------------------------------------------------------------------


def test_the_final_round_shows_the_borda_count(organiser_client, final_round):
    site = final_round
    text = text_of(organiser_client.get(site.final_page))
    assert "3 of 3 judges have submitted their final ranks." in text
    # Position, finalist, average, total, judges, first places.
    assert "1 Morag Fraser 2.00 6 3 3" in text
    assert "2 Ailsa Grant 0.50 1 2 0" in text
    assert "3 Hamish MacLeod 0.33 1 3 0" in text


def test_no_final_round_for_a_category_with_a_public_vote(organiser_client, site, db_session):
    site.category.has_public_vote = True
    db_session.commit()
    text = text_of(organiser_client.get(site.final_page))
    assert "The public vote decides this category" in text
    assert "Record the result" not in text


def test_recording_the_result(organiser_client, final_round, db_session):
    site = final_round
    morag, hamish, ailsa = site.finalists
    response = post_form(organiser_client, site.winners, {"winner": morag.id, "highly_commended": ailsa.id},
                         form_page=site.page)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(site.final_page)
    db_session.expire_all()
    assert [(a.finalist_id, a.place) for a in db_session.scalars(select(Award).order_by(Award.id))] == [
        (morag.id, Place.WINNER), (ailsa.id, Place.HIGHLY_COMMENDED),
    ]
    text = text_of(organiser_client.get(site.final_page))
    assert "The result of Carer of the Year is recorded." in text
    assert "Winner: Morag Fraser" in text and "Highly commended: Ailsa Grant" in text
    shortlist_text = text_of(organiser_client.get(site.shortlist))
    assert "The result of this category has been recorded, so its shortlist can no longer change." in shortlist_text
    assert "Recorded (sealed)" in text_of(organiser_client.get(site.overview))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select the winner"),
        ({"winner": "999999"}, "Select the winner from the finalists"),
        ({"winner": "{hamish}"}, "Give a reason: your choice differs from the order of the Borda count"),
        ({"winner": "{morag}", "highly_commended": "{morag}"}, "cannot be both the winner and highly commended"),
        ({"winner": "{morag}", "highly_commended": "abc"}, "Choose highly commended entries from the finalists"),
        ({"winner": "{hamish}", "reason": "x" * 1001}, "The reason must be 1,000 characters or fewer"),
    ],
)
def test_bad_results_are_shown_again_with_a_message(organiser_client, final_round, db_session, data, message):
    site = final_round
    morag, hamish, _ = site.finalists
    data = {key: value.format(morag=morag.id, hamish=hamish.id) for key, value in data.items()}
    response = post_form(organiser_client, site.winners, data, form_page=site.page)
    assert response.status_code == 422
    assert message in text_of(response)
    assert "<title>Error: " in response.get_data(as_text=True)
    assert db_session.scalars(select(Award)).all() == []


def test_a_departure_with_a_reason_is_recorded(organiser_client, final_round, db_session):
    site = final_round
    _, hamish, _ = site.finalists
    response = post_form(organiser_client, site.winners, {"winner": hamish.id, "reason": "The panel met and agreed."},
                         form_page=site.page)
    assert response.status_code == 303
    assert "Reason recorded: The panel met and agreed." in text_of(organiser_client.get(site.final_page))


# --- Sealed ------------------------------------------------------------------------------------------------------


def _public_pages(app) -> list[str]:
    """Every GET page without parameters outside the organisers' area (and the development mailbox and the icon)."""
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
        and not rule.endpoint.startswith(("admin.", "devmail.", "static", "public.favicon"))
    )


def _seen(client, urls) -> dict[str, tuple[int, str]]:
    """Each page's status and body, CSRF tokens taken out (they differ between requests)."""
    seen = {}
    for url in urls:
        response = client.get(url)
        body = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", response.get_data(as_text=True))
        seen[url] = (response.status_code, re.sub(r'"X-CSRFToken": "[^"]+"', "", body))
    return seen


def test_the_result_is_sealed_from_every_page_outside_the_organisers_area(
    app, organiser_client, final_round, db_session
):
    site = final_round
    morag, _, ailsa = site.finalists
    # A judge of the panel, signed in on their own client.
    panel_judge = make_judge(password="a long judge password", email="panel.judge@example.org", name="Panel Judge")
    seat(panel_judge, site.category, submitted=True, final_submitted=True)
    db_session.commit()
    judge = app.test_client()
    signed_in = post_form(judge, "/sign-in", {"email": "panel.judge@example.org", "password": "a long judge password"})
    assert signed_in.status_code == 303
    visitor = app.test_client()
    public = _public_pages(app)
    assert "/" in public and "/judging/" in public
    judge_pages = [*public, f"/judging/categories/{site.category.id}/final-round",
                   f"/judging/categories/{site.category.id}/entries"]
    before = (_seen(visitor, public), _seen(judge, judge_pages))
    assert [before[1][url][0] for url in judge_pages[-2:]] == [200, 200]  # the judge's own final-round pages
    assert "Morag Fraser" in before[1][judge_pages[-2]][1]  # ... which name the finalists, winners or not

    response = post_form(organiser_client, site.winners, {"winner": morag.id, "highly_commended": ailsa.id},
                         form_page=site.page)
    assert response.status_code == 303

    after = (_seen(visitor, public), _seen(judge, judge_pages))
    assert after == before  # recording the result changed nothing anyone outside the organisers' area sees
    for url, (_, body) in after[0].items():
        assert "Morag Fraser" not in body and "Highly commended" not in body, url


def test_no_module_outside_the_organisers_area_reads_awards():
    """Keep it that way: the web code of every other audience leaves Award and the final result alone."""
    web = ROOT / "awards_app" / "web"
    readers = [
        path.relative_to(ROOT).as_posix() for path in web.rglob("*.py")
        if "admin" not in path.relative_to(web).parts
        and re.search(r"(?<![\"'])\bAward\b(?![\"'])|\bPlace\b|final_result", path.read_text())
    ]
    assert readers == []


def test_organisers_can_unlock_submitted_scores_from_the_progress_view(organiser_client, db_session):
    """The progress view offers an Unlock button for each judge who has submitted, and it works."""
    from awards_app.nominations.models import NominationStatus
    from tests.factories.accounts import make_judge
    from tests.factories.judging import seat
    from tests.factories.nominations import make_nomination
    from tests.factories.programme import make_category, make_edition
    from tests.web.forms import csrf_token_from

    category = make_category(make_edition())
    make_nomination(category, status=NominationStatus.ELIGIBLE)
    place = seat(make_judge("unlock.me@example.org", "Una Lock"), category, submitted=True)
    db_session.commit()
    page_url = f"/admin/categories/{category.id}/judging"
    unlock = f"/judging/panel-places/{place.id}/unlock"
    assert unlock in organiser_client.get(page_url).get_data(as_text=True)
    response = organiser_client.post(unlock, data={"csrf_token": csrf_token_from(organiser_client, page_url), "next": page_url})
    assert response.status_code == 303
    db_session.refresh(place)
    assert place.submitted_at is None


def test_the_final_round_says_which_finalist_declined_and_leaves_them_out(organiser_client, final_round, db_session):
    from awards_app.nominations.models import ConsentState
    site = final_round
    site.morag.consent = ConsentState.DECLINED
    db_session.commit()
    text = text_of(organiser_client.get(site.final_page))
    assert "Declined after the shortlist: Morag Fraser. The judges no longer rank them" in text
    assert "Morag Fraser 2.00" not in text


def test_the_rankings_say_the_first_round_is_frozen_once_the_shortlist_is_chosen(organiser_client, site, db_session):
    frozen = "These first-round figures stay as they were when the shortlist was chosen"
    assert frozen not in text_of(organiser_client.get(site.rankings))
    site.category.shortlisted_at = app_clock.now()
    db_session.commit()
    assert frozen in text_of(organiser_client.get(site.rankings))
