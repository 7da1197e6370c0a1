"""The logo in HTML emails: attached inside the email under cid:site-logo, or left out when there is none."""
from __future__ import annotations

from jinja2 import ChainableUndefined

from awards_app.core.mail_delivery import build_message
from awards_app.core.models import OutboxEmail
from awards_app.site_settings.changes import remove_logo, save_logo
from tests.factories.site_settings import logo_png


def queued(app, template: str = "resume_link") -> OutboxEmail:
    """An email as the outbox holds it, rendered now (its other details standing in as blank)."""
    env = app.jinja_env.overlay(undefined=ChainableUndefined)
    bodies = {}
    with app.test_request_context():
        for kind in ("txt", "html"):
            context = {"subject": "Your link", "base_url": "http://awards.test"}
            app.update_template_context(context)
            bodies[kind] = env.get_template(f"emails/{template}.{kind}").render(**context)
    return OutboxEmail(message_id="<1@awards.test>", to_address="someone@example.org", subject="Your link",
                       text_body=bodies["txt"], html_body=bodies["html"])


def image_parts(message) -> list:
    """The message's image parts."""
    return [part for part in message.walk() if part.get_content_maintype() == "image"]


def test_an_email_carries_the_logo_inside_it(app, organiser, db_session):
    save_logo(organiser, logo_png(400, 100), "The ALLIANCE")
    email = queued(app)
    assert '<img src="cid:site-logo" alt="The ALLIANCE" width="200" height="50"' in email.html_body
    assert "http" not in email.html_body.split("cid:site-logo")[0].rsplit("<img", 1)[1]  # nothing fetched
    message = build_message(email, "Awards <awards@example.org>")
    [image] = image_parts(message)
    assert image["Content-ID"] == "<site-logo>" and image.get_content_type() == "image/png"
    assert image.get_content().startswith(b"\x89PNG")
    assert message.get_body(("plain",)).get_content().startswith(email.text_body[:20])


def test_without_a_logo_there_is_no_image_at_all(app, db_session):
    email = queued(app)
    assert "cid:site-logo" not in email.html_body
    assert image_parts(build_message(email, "Awards <awards@example.org>")) == []


def test_a_logo_removed_before_sending_is_left_out(app, organiser, db_session):
    save_logo(organiser, logo_png(), "The ALLIANCE")
    email = queued(app)
    remove_logo(organiser)
    message = build_message(email, "Awards <awards@example.org>")
    assert image_parts(message) == []
    assert "cid:site-logo" not in message.get_body(("html",)).get_content()


def test_a_reply_reaches_the_awards_teams_address_once_it_is_set(app, db_session):
    """Emails say "reply to this email": without a Reply-To the reply went to the sending address, which nobody reads."""
    from tests.factories.site_settings import CONTACT_EMAIL, set_site

    assert "Reply-To" not in build_message(queued(app), "Awards <no-reply@example.org>")
    set_site(contact_email=CONTACT_EMAIL)
    db_session.commit()
    assert build_message(queued(app), "Awards <no-reply@example.org>")["Reply-To"] == CONTACT_EMAIL
