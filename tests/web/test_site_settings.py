"""The organisers' site settings page, and where the settings show: header, footer, error pages, emails, the presenter
view and the accessibility statement."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import render_template_string
from jinja2 import ChainableUndefined

from awards_app.core.outbox import without_links
from awards_app.site_settings.current import site_details
from awards_app.site_settings.statement import DEFAULT_KNOWN_PROBLEMS
from tests.factories.site_settings import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    logo_png,
    set_site,
)
from tests.factories.voting import voting_site
from tests.fixtures.apps import side_app
from tests.web.forms import csrf_token_from, post_form

SETTINGS = "/admin/settings"
VALID = {
    "organisation_name": "the Health and Social Care Alliance Scotland (the ALLIANCE)",
    "contact_email": CONTACT_EMAIL,
    "contact_phone": CONTACT_PHONE,
    "contact_address": "349 Bath Street\nGlasgow G2 4AA",
    "known_problems": "The maps are not accessible.",
    "statement_reviewed_on": "2026-11-30",
}


@pytest.fixture
def visitor(app):
    """A second browser, signed out (the `client` fixture is the organiser's once signed in)."""
    return app.test_client()


def upload(client, data: bytes, alt: str = "The ALLIANCE", filename: str = "logo.png"):
    """Post the logo form as a browser would."""
    return client.post(SETTINGS + "/logo", data={
        "csrf_token": csrf_token_from(client, SETTINGS), "logo-alt": alt,
        "logo-image": (io.BytesIO(data), filename),
    }, content_type="multipart/form-data")


# --- The settings page -------------------------------------------------------------------------------------------


def test_the_page_shows_the_settings_with_the_statement_s_own_wording(organiser_client):
    page = organiser_client.get(SETTINGS).get_data(as_text=True)
    assert "Site settings" in page
    assert DEFAULT_KNOWN_PROBLEMS.split("\n")[0][:60] in page
    assert 'name="organisation_name"' in page and 'name="logo-image"' in page


def test_saving_shows_the_contact_in_every_page_s_footer(organiser_client, visitor):
    response = post_form(organiser_client, SETTINGS, VALID)
    assert response.status_code == 303
    for path in ("/", "/privacy", "/accessibility", "/sign-in"):
        page = visitor.get(path).get_data(as_text=True)
        footer = page[page.index('<footer class="site-footer">'):]
        assert f'href="mailto:{CONTACT_EMAIL}"' in footer, path
        assert CONTACT_PHONE in footer and "Glasgow G2 4AA" in footer
        assert 'href="/accessibility"' in footer


def test_no_contact_is_shown_until_one_is_set(client):
    page = client.get("/").get_data(as_text=True)
    assert "Contact the awards team" not in page
    assert 'href="/accessibility"' in page


def test_refused_fields_keep_what_was_typed(organiser_client):
    typed = {**VALID, "contact_email": "awards at example dot org", "contact_phone": "ring the bell",
             "statement_reviewed_on": "2099-01-01"}
    response = post_form(organiser_client, SETTINGS, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: Site settings" in page
    assert 'class="error-summary"' in page
    assert 'value="awards at example dot org"' in page and 'value="ring the bell"' in page
    assert "like awards@example.org" in page and "Enter a telephone number" in page
    assert 'href="#statement_reviewed_on"' in page and "today or in the past" in page
    assert site_details().contact_email == ""


@pytest.mark.parametrize(("field", "value", "message"), [
    ("organisation_name", " ", "Enter the name of the organisation"),
    ("statement_reviewed_on", "31/02/2026", "must be a real date"),
    ("contact_address", "x" * 301, "300 characters or fewer"),
])
def test_a_field_the_form_refuses_is_named_and_linked(organiser_client, field, value, message):
    response = post_form(organiser_client, SETTINGS, {**VALID, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in page and message in page
    assert site_details().contact_email == ""


def test_what_organisers_type_is_shown_as_text_never_as_markup(organiser_client, visitor):
    post_form(organiser_client, SETTINGS, {**VALID, "organisation_name": '<script>alert("x")</script>',
                                           "contact_address": '<img src=x onerror=alert(1)>'})
    page = visitor.get("/accessibility").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_judges_and_visitors_cannot_change_the_settings(judge_client, visitor):
    assert judge_client.get(SETTINGS).status_code == 403
    token = csrf_token_from(judge_client, "/judging/")
    assert judge_client.post(SETTINGS, data={**VALID, "csrf_token": token}).status_code == 403
    assert judge_client.post(SETTINGS + "/logo/remove", data={"csrf_token": token}).status_code == 403
    response = visitor.post(SETTINGS, data={**VALID, "csrf_token": csrf_token_from(visitor, "/sign-in")})
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]
    assert site_details().contact_email == ""


def test_a_post_without_its_token_changes_nothing(organiser_client):
    response = organiser_client.post(SETTINGS, data=VALID)
    assert response.status_code == 400
    assert site_details().contact_email == ""


# --- The logo ------------------------------------------------------------------------------------------------------


def test_an_uploaded_logo_is_shown_in_the_header_with_its_description(organiser_client, visitor):
    response = upload(organiser_client, logo_png())
    assert response.status_code == 303
    name = site_details().logo_filename
    page = visitor.get("/").get_data(as_text=True)
    header = page[page.index("<header"):page.index("</header>")]
    assert f'<img class="site-header__logo" src="/site/logo/{name}" alt="The ALLIANCE" width="200" height="80">' in header
    image = visitor.get(f"/site/logo/{name}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    image.close()


def test_the_settings_page_previews_the_logo_and_removes_it(organiser_client, visitor):
    upload(organiser_client, logo_png())
    name = site_details().logo_filename
    assert f"/site/logo/{name}" in organiser_client.get(SETTINGS).get_data(as_text=True)
    response = post_form(organiser_client, SETTINGS + "/logo/remove", {}, form_page=SETTINGS)
    assert response.status_code == 303
    assert site_details().logo_filename is None
    assert "site-header__logo" not in visitor.get("/").get_data(as_text=True)
    assert visitor.get(f"/site/logo/{name}").status_code == 404


@pytest.mark.parametrize(("data", "alt", "message"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "Logo", "must be a PNG, JPEG or WebP"),
    (b"", "Logo", "Select an image to upload"),
    (None, "", "Enter a short description of the logo"),
])
def test_a_refused_logo_comes_back_on_its_form_with_the_description_kept(organiser_client, data, alt, message):
    response = upload(organiser_client, logo_png() if data is None else data, alt=alt,
                      filename="logo.svg" if data else "logo.png")
    if data == b"":  # an empty file box sends no file name
        response = organiser_client.post(SETTINGS + "/logo", data={
            "csrf_token": csrf_token_from(organiser_client, SETTINGS), "logo-alt": alt,
            "logo-image": (io.BytesIO(b""), ""),
        }, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    if alt:
        assert f'value="{alt}"' in page
    assert site_details().logo_filename is None


def test_a_file_sent_to_the_settings_form_is_refused(organiser_client):
    response = organiser_client.post(SETTINGS, data={
        **VALID, "csrf_token": csrf_token_from(organiser_client, SETTINGS),
        "contact_email": (io.BytesIO(b"x"), "x.txt"),
    }, content_type="multipart/form-data")
    assert response.status_code == 400


def test_the_presenter_view_shows_the_logo_and_a_new_logo_is_a_new_etag(visitor, db_session, clock, organiser_client):
    voting_site()
    db_session.commit()
    before = visitor.get("/results/present")
    assert "stage__logo" not in before.get_data(as_text=True)
    upload(organiser_client, logo_png())
    after = visitor.get("/results/present", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert 'class="stage__logo"' in after.get_data(as_text=True)
    polled = visitor.get("/results/present/1", headers={"HX-Request": "true"})
    assert 'class="stage__logo"' in polled.get_data(as_text=True)


# --- Error pages, link problems and emails ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory):
    """An app whose /fail/<status> fails that way (its database has no tables: the settings' defaults show)."""
    app = side_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('e') / 'e.db'}",
                    "SECRET_KEY": "x", "PROPAGATE_EXCEPTIONS": False})
    from flask import abort

    @app.get("/fail/<int:status>")
    def fail(status):
        if status == 500:
            raise RuntimeError("broken")
        abort(status)

    return app


def test_error_pages_say_how_to_contact_the_awards_team(client, db_session):
    set_site(contact_email=CONTACT_EMAIL)
    db_session.commit()
    for path in ("/no-such-page", "/finalists/999999"):
        page = client.get(path).get_data(as_text=True)
        assert f'contact the awards team at <a href="mailto:{CONTACT_EMAIL}">{CONTACT_EMAIL}</a>' in page
    link_problem = client.get("/vote/confirm/not-a-real-token").get_data(as_text=True)
    assert f"mailto:{CONTACT_EMAIL}" in link_problem


@pytest.mark.parametrize("status", [404, 429, 500])
def test_without_a_contact_error_pages_name_the_organisation(failing_app, status):
    page = failing_app.test_client().get(f"/fail/{status}").get_data(as_text=True)
    assert "contact the awards team at the Health and Social Care Alliance Scotland (the ALLIANCE)" in page


def test_a_429_under_htmx_names_the_contact_in_the_message(client, db_session):
    set_site(contact_phone=CONTACT_PHONE)
    db_session.commit()
    from awards_app.web.error_pages import error_response

    with client.application.test_request_context("/", headers={"HX-Request": "true"}):
        body = error_response(429).get_data(as_text=True)
    assert f"contact the awards team at {CONTACT_PHONE}" in body


EMAIL_TEMPLATES = sorted(p.name for p in (Path(__file__).parents[2] / "templates" / "emails").glob("[!_]*"))


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
def test_every_email_says_how_to_contact_the_awards_team(app, db_session, template):
    set_site(contact_email=CONTACT_EMAIL, contact_phone=CONTACT_PHONE)
    # Each template rendered with whatever it asks for standing in as blank: only the layout's footer matters here.
    env = app.jinja_env.overlay(undefined=ChainableUndefined)
    with app.test_request_context():
        context = {"subject": "A subject", "base_url": "http://awards.test"}
        app.update_template_context(context)
        body = without_links(env.get_template(f"emails/{template}").render(**context))
    assert f"Contact the awards team at {CONTACT_EMAIL}" in re.sub(r"<[^>]+>", "", body)
    assert f"or on {CONTACT_PHONE}" in body


def test_the_contact_macro_falls_back_to_the_phone_then_the_organisation(app, db_session):
    words = '{% from "macros/site.html" import contact_the_team with context %}{{ contact_the_team() }}'
    with app.test_request_context():
        assert render_template_string(words).endswith("the Health and Social Care Alliance Scotland (the ALLIANCE)")
    set_site(contact_phone=CONTACT_PHONE)
    with app.test_request_context():
        assert render_template_string(words) == f"contact the awards team at {CONTACT_PHONE}"


# --- The accessibility statement ---------------------------------------------------------------------------------


def test_the_statement_follows_the_gov_uk_model_with_the_settings(client, db_session):
    page = client.get("/accessibility").get_data(as_text=True)
    for heading in ("How accessible this website is", "What to do if you cannot use parts of this website",
                    "Reporting accessibility problems with this website", "Enforcement procedure",
                    "Technical information about this website’s accessibility", "How we tested this website",
                    "Preparation of this accessibility statement"):
        assert heading in page
    assert "Equality Advisory and Support Service" in page and "WCAG22" in page
    assert "share card" in page  # the statement's own list of known problems
    assert "last reviewed" not in page
    set_site(contact_email=CONTACT_EMAIL, known_problems="The maps are not accessible.\n\nNor is the quiz.",
             statement_reviewed_on=__import__("datetime").date(2026, 11, 30))
    db_session.commit()
    page = client.get("/accessibility").get_data(as_text=True)
    assert "<p class=\"multiline\">The maps are not accessible.</p>" in page and "Nor is the quiz." in page
    assert "share card (the picture" not in page
    assert "last reviewed on 30 November 2026" in page
    assert page.count(f"mailto:{CONTACT_EMAIL}") >= 3  # the two requests' paragraphs and the contact list


def test_the_statement_is_cached_for_visitors(client, app):
    app.config["PAGE_CACHE_SECONDS"] = 60
    try:
        first = client.get("/accessibility").get_data(as_text=True)
        set_site(contact_email=CONTACT_EMAIL)
        assert client.get("/accessibility").get_data(as_text=True) == first
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 0
        from awards_app.web.caching import page_cache

        page_cache.clear()
