"""The organisers' pages of judges' comments and feedback to nominees through the test client: only organisers (a
visitor, a judge and a judge of the panel are refused), 404s, the comments per entry and per judge, the edition's
switch, ticking and editing comments (a too-long text keeps what was typed), and sending once after the ceremony."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from awards_app.judging.models import FeedbackPick, ScoreComment
from tests.factories.accounts import JUDGE_PASSWORD, make_judge
from tests.factories.ceremony import reveal_result
from tests.factories.judging import judging_site, seat
from tests.factories.programme import make_category, make_edition
from tests.web.forms import csrf_token_from, post_form, sign_in
from tests.web.test_admin_judging import text_of


@pytest.fixture
def site(db_session, clock):
    """The judging site with three comments (Aileen and Tariq on Morag, Morven on Ailsa, where she is conflicted)."""
    site = judging_site()
    judge_a, judge_b, judge_c = site.judges
    site.comment_a = ScoreComment(judge_id=judge_a.id, nomination_id=site.morag.id, text="Aileen: =SUM(1) superb.")
    site.comment_b = ScoreComment(judge_id=judge_b.id, nomination_id=site.morag.id, text="Tariq: clear impact.")
    site.comment_c = ScoreComment(judge_id=judge_c.id, nomination_id=site.ailsa.id, text="Morven: I know her.")
    db_session.add_all([site.comment_a, site.comment_b, site.comment_c])
    site.elsewhere = make_category(make_edition(year=2025), name="Elsewhere")
    db_session.commit()
    site.comments = f"/admin/categories/{site.category.id}/comments"
    site.judge_page = f"/admin/categories/{site.category.id}/comments/judges/{judge_a.id}"
    site.setting = f"/admin/editions/{site.edition.id}/feedback"
    site.feedback = f"/admin/categories/{site.category.id}/feedback"
    site.send = f"/admin/categories/{site.category.id}/feedback/send"
    return site


def pages(site) -> list[str]:
    """The GET pages."""
    return [site.comments, site.judge_page, site.setting, site.feedback]


def test_visitors_are_sent_to_sign_in(client, site, outbox):
    for url in pages(site):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    token = csrf_token_from(client, "/sign-in")
    for url in (site.setting, site.feedback, site.send):
        response = client.post(url, data={"csrf_token": token, "enabled": "yes"})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    assert outbox() == []


def test_judges_even_on_the_panel_are_refused(client, site, db_session, outbox):
    panel_judge = make_judge("panel.judge@example.org", "Panel Judge", password=JUDGE_PASSWORD)
    seat(panel_judge, site.category)
    db_session.commit()
    sign_in(client, "panel.judge@example.org")
    for url in pages(site):
        assert client.get(url).status_code == 403, url
    token = csrf_token_from(client, "/")
    for url in (site.setting, site.feedback, site.send):
        assert client.post(url, data={"csrf_token": token, "enabled": "yes"}).status_code == 403, url
    assert outbox() == []


def test_unknown_ids_give_404(organiser_client, site):
    for url in ("/admin/categories/999999/comments", "/admin/categories/999999/feedback",
                "/admin/editions/999999/feedback",
                f"/admin/categories/{site.category.id}/comments/judges/999999",
                f"/admin/categories/{site.elsewhere.id}/comments/judges/{site.judges[0].id}"):
        assert organiser_client.get(url).status_code == 404, url


def test_comments_per_entry_sit_beside_the_scores_with_conflicts_marked(organiser_client, site):
    response = organiser_client.get(site.comments)
    assert response.status_code == 200
    text = text_of(response)
    assert "Aileen Fraser Impact 9 (0 to 10) Innovation 9 (0 to 10) Weighted score 9.00 out of 10" in text
    assert "Aileen: =SUM(1) superb." in text and "Tariq: clear impact." in text
    ailsa = text.split("Ailsa Grant", 1)[1].split("Eilidh Ross", 1)[0]
    assert "Morven Clark Not counted Conflict of interest with this entry: these scores are not counted." in ailsa
    assert "Morven: I know her." in ailsa


def test_comments_per_judge_show_only_that_judges(organiser_client, site):
    text = text_of(organiser_client.get(site.judge_page))
    assert "Comments by Aileen Fraser" in text
    assert "Aileen: =SUM(1) superb." in text
    assert "Tariq" not in text and "Morven" not in text


def test_switching_feedback_on_and_a_wrong_answer(organiser_client, site):
    response = post_form(organiser_client, site.setting, {"enabled": "perhaps"})
    assert response.status_code == 422
    assert "Choose whether to pass judges&#39; comments on to nominees" in response.get_data(as_text=True)
    response = post_form(organiser_client, site.setting, {"enabled": "yes"})
    assert response.status_code == 303
    assert "Feedback is on" in text_of(organiser_client.get(site.setting))


def test_picking_while_switched_off_is_refused_on_the_page(organiser_client, site):
    response = post_form(organiser_client, site.feedback, {f"pick_{site.comment_a.id}": "y"})
    assert response.status_code == 422
    assert "switched off for this edition" in text_of(response)


@pytest.fixture
def switched_on(organiser_client, site):
    """Feedback switched on through the page."""
    assert post_form(organiser_client, site.setting, {"enabled": "yes"}).status_code == 303
    return site


def test_ticking_and_editing_comments(organiser_client, switched_on, db_session):
    site = switched_on
    response = post_form(organiser_client, site.feedback, {
        f"pick_{site.comment_a.id}": "y", f"text_{site.comment_a.id}": "Superb.",
        f"text_{site.comment_b.id}": "not ticked, so not kept",
    })
    assert response.status_code == 303
    picks = db_session.scalars(select(FeedbackPick)).all()
    assert [(pick.comment_id, pick.text) for pick in picks] == [(site.comment_a.id, "Superb.")]
    page = organiser_client.get(site.feedback).get_data(as_text=True)
    boxes = {re.search(r'id="(pick_\d+)"', tag).group(1): " checked" in tag
             for tag in re.findall(r"<input[^>]*pick_[^>]*>", page)}
    # Judge C's comment is on an entry they are conflicted on: never offered, since it could give them away.
    assert boxes == {f"pick_{site.comment_a.id}": True, f"pick_{site.comment_b.id}": False}
    assert re.search(rf'id="text_{site.comment_a.id}"[^>]*>\s*Superb\.</textarea>', page)


def test_a_text_too_long_is_refused_and_kept(organiser_client, switched_on, db_session):
    site = switched_on
    typed = "x" * 2001
    response = post_form(organiser_client, site.feedback, {
        f"pick_{site.comment_a.id}": "y", f"text_{site.comment_a.id}": typed,
    })
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "The feedback to send must be 2000 characters or fewer" in body
    assert typed in body
    assert db_session.scalars(select(FeedbackPick)).all() == []


def test_sending_before_the_ceremony_says_why_and_sends_nothing(organiser_client, switched_on, outbox):
    site = switched_on
    post_form(organiser_client, site.feedback, {f"pick_{site.comment_a.id}": "y"})
    response = post_form(organiser_client, site.send, {}, form_page=site.feedback)
    assert response.status_code == 303
    text = text_of(organiser_client.get(site.feedback))
    assert "Feedback can be sent once the result of Carer of the Year has been revealed" in text
    assert outbox() == []


def test_sending_after_the_reveal_once_only(organiser_client, switched_on, outbox, db_session):
    site = switched_on
    post_form(organiser_client, site.feedback, {f"pick_{site.comment_a.id}": "y", f"text_{site.comment_a.id}": "Superb."})
    reveal_result(site.category)
    db_session.commit()
    token = csrf_token_from(organiser_client, site.feedback)
    assert organiser_client.post(site.send, data={"csrf_token": token}).status_code == 303
    text = text_of(organiser_client.get(site.feedback))
    assert "Feedback sent about 1 entry." in text
    assert "It is sent once only, so the comments below can no longer change." in text
    assert [email.to_address for email in outbox()] == [site.morag.nominee_email]
    assert "Superb." in outbox()[0].text_body and "Aileen" not in outbox()[0].text_body
    assert organiser_client.post(site.send, data={"csrf_token": token}).status_code == 303
    assert "It is sent only once" in text_of(organiser_client.get(site.feedback))
    assert len(outbox()) == 1
