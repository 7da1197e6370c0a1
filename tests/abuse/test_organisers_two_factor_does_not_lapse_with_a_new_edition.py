"""Two-factor sign-in for organisers is a setting of the site, on by default in production: it does not lapse when
next year's edition becomes the current one (it used to be a setting of each edition, off by default)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from awards_app.accounts import two_factor, users
from awards_app.config import load_config
from awards_app.core.errors import NotAllowed
from awards_app.programme.editions import current_edition
from tests.factories.accounts import make_judge
from tests.factories.programme import make_edition
from tests.web.forms import post_form, post_sign_in
from tests.web.test_two_factor_pages import code_at
from tests.web.test_headers_every_route import PRODUCTION_ENV

SECOND_EMAIL, SECOND_PASSWORD = "second-organiser@example.org", "granite lighthouse marmalade"


@pytest.fixture
def required(app, monkeypatch):
    """The site requires two-factor sign-in of organisers (as production does by default)."""
    monkeypatch.setitem(app.config, "ORGANISERS_NEED_TWO_FACTOR", True)


def test_production_requires_it_of_organisers_by_default(tmp_path):
    assert load_config(tmp_path, env=PRODUCTION_ENV)["ORGANISERS_NEED_TWO_FACTOR"] is True
    assert load_config(tmp_path, env={**PRODUCTION_ENV, "ORGANISERS_NEED_TWO_FACTOR": "0"})["ORGANISERS_NEED_TWO_FACTOR"] is False
    # Development and the tests sign in with the demo's passwords alone unless they ask for it.
    assert load_config(tmp_path, env={})["ORGANISERS_NEED_TWO_FACTOR"] is False
    assert load_config(tmp_path, env={"ORGANISERS_NEED_TWO_FACTOR": "yes"})["ORGANISERS_NEED_TWO_FACTOR"] is True


def test_the_requirement_survives_next_years_edition(required, organiser, clock, db_session):
    this_year = make_edition(2026)
    clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
    assert current_edition() == this_year
    assert two_factor.must_set_up_first(organiser)
    # Next year's edition is announced and opens: the rule stays.
    next_year = make_edition(2027, start=datetime(2027, 1, 10, 9, 0, tzinfo=timezone.utc))
    db_session.flush()
    clock.set(datetime(2027, 2, 1, 12, 0, tzinfo=timezone.utc))
    assert current_edition() == next_year
    assert two_factor.organisers_must_use_two_factor()
    assert two_factor.must_set_up_first(organiser)
    assert not two_factor.must_set_up_first(make_judge())  # judges only opt in


def test_with_no_edition_at_all_it_is_required_too(required, organiser, db_session):
    assert current_edition() is None
    assert two_factor.must_set_up_first(organiser)


def test_an_organiser_cannot_turn_it_off_while_the_site_requires_it(required, organiser, clock, db_session):
    two_factor.pending_secret(organiser)
    two_factor.confirm_set_up(organiser, code_at(organiser, clock.now()))
    make_edition(2027, start=datetime(2027, 1, 10, 9, 0, tzinfo=timezone.utc))
    clock.set(datetime(2027, 2, 1, 12, 0, tzinfo=timezone.utc))
    with pytest.raises(NotAllowed, match="cannot turn it off"):
        two_factor.turn_off(organiser, code_at(organiser, clock.now(), steps_later=1))


def test_signing_in_takes_an_organiser_without_it_through_setting_it_up(required, client, clock, db_session):
    make_edition(2027, start=datetime(2027, 1, 10, 9, 0, tzinfo=timezone.utc))
    clock.set(datetime(2027, 2, 1, 12, 0, tzinfo=timezone.utc))
    users.create_organiser(SECOND_EMAIL, SECOND_PASSWORD)
    db_session.commit()
    response = post_form(client, "/sign-in", {"email": SECOND_EMAIL, "password": SECOND_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/account/two-factor"
    assert client.get("/admin/").headers["Location"] == "/account/two-factor"
    second = users.find_user_by_email(SECOND_EMAIL)
    client.get("/account/two-factor")
    assert post_form(client, "/account/two-factor", {"code": code_at(second, clock.now())}).status_code == 303
    assert client.get("/admin/").status_code == 200


def test_the_security_page_says_the_site_requires_it_and_offers_no_switch(required, client, organiser, clock, db_session):
    two_factor.pending_secret(organiser)
    two_factor.confirm_set_up(organiser, code_at(organiser, clock.now()))
    db_session.commit()
    clock.advance(minutes=1)
    post_sign_in(client)
    post_form(client, "/sign-in/code", {"code": code_at(organiser, clock.now())})
    page = client.get("/admin/security").get_data(as_text=True)
    assert "This site requires two-factor sign-in of every organiser" in page
    assert 'name="required"' not in page  # no per-edition switch that a new edition would reset
