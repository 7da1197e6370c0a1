"""The site settings: what organisers may change and how it is checked, the logo, and the cached read every page makes."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.publication.images import ImageRefused, check_image
from awards_app.publication.public_shortlist import store_image
from awards_app.site_settings import current
from awards_app.site_settings.changes import (
    SettingsChange,
    SettingsInvalid,
    remove_logo,
    save_logo,
    settings_row,
    stored_logo,
    update_site_settings,
)
from awards_app.site_settings.current import site_details
from awards_app.site_settings.models import DEFAULT_ORGANISATION_NAME
from awards_app.site_settings.statement import DEFAULT_KNOWN_PROBLEMS
from tests.factories.accounts import make_judge
from tests.factories.images import stored_image_names
from tests.factories.site_settings import CONTACT_EMAIL, logo_png


def change(**values) -> SettingsChange:
    """A valid change, with `values` typed over it."""
    typed = {"organisation_name": DEFAULT_ORGANISATION_NAME, **values}
    return SettingsChange(**typed)


def test_before_anyone_edits_the_settings_read_well_and_show_no_contact(db_session):
    details = site_details()
    assert details.organisation_name == DEFAULT_ORGANISATION_NAME
    assert details.contact_email == "" and not details.has_contact
    assert details.logo_filename is None


def test_an_organiser_saves_the_contact_and_it_is_audited(organiser, db_session):
    update_site_settings(organiser, change(
        contact_email="  Awards.Team@Example.org ", contact_phone="01632 960 001",
        contact_address="Venlaw Building\r\n349 Bath Street  \r\n\r\nGlasgow G2 4AA\n",
        statement_reviewed_on=date(2026, 1, 31),
    ))
    db_session.commit()
    details = site_details()
    assert details.contact_email == "awards.team@example.org"
    assert details.address_lines == ["Venlaw Building", "349 Bath Street", "Glasgow G2 4AA"]
    assert details.statement_reviewed_on == date(2026, 1, 31)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "site_settings.changed")).one()
    assert event.actor_id == organiser.id
    assert event.details["before"]["contact_email"] == ""
    assert event.details["after"]["contact_email"] == "awards.team@example.org"


def test_a_judge_may_not_change_the_settings(db_session):
    judge = make_judge()
    with pytest.raises(NotAllowed):
        update_site_settings(judge, change(contact_email="mine@example.org"))
    with pytest.raises(NotAllowed):
        save_logo(judge, logo_png(), "Logo")
    assert site_details().contact_email == ""


def test_every_wrong_field_is_named_at_once_and_nothing_is_saved(organiser, db_session, clock):
    with pytest.raises(SettingsInvalid) as refused:
        update_site_settings(organiser, change(
            organisation_name="   ", contact_email="not an address", contact_phone="call me maybe",
            contact_address="x" * 301, known_problems="y" * 4001,
            statement_reviewed_on=date(2099, 1, 1),
        ))
    assert set(refused.value.fields) == {
        "organisation_name", "contact_email", "contact_phone", "contact_address", "known_problems",
        "statement_reviewed_on",
    }
    assert "like awards@example.org" in refused.value.fields["contact_email"]
    assert "300 characters or fewer" in refused.value.fields["contact_address"]
    assert settings_row().version == 1 and site_details().contact_email == ""


@pytest.mark.parametrize("address", ["javascript:alert(1)", "a@b", "someone@example.org\nBcc: x@example.org", "@x.org"])
def test_hostile_or_broken_email_addresses_are_refused(organiser, db_session, address):
    with pytest.raises(SettingsInvalid) as refused:
        update_site_settings(organiser, change(contact_email=address))
    assert "contact_email" in refused.value.fields


def test_control_characters_are_dropped_from_names(organiser, db_session):
    update_site_settings(organiser, change(organisation_name="The\u0000 Team\u0007"))
    assert site_details().organisation_name == "The Team"


def test_the_statement_keeps_its_own_wording_when_saved_unchanged(organiser, db_session):
    update_site_settings(organiser, change(known_problems=DEFAULT_KNOWN_PROBLEMS, contact_email=CONTACT_EMAIL))
    assert settings_row().known_problems == ""
    update_site_settings(organiser, change(known_problems="The maps do not work.", contact_email=CONTACT_EMAIL))
    assert site_details().known_problems == "The maps do not work."


def test_saving_the_same_values_changes_nothing_and_records_nothing(organiser, db_session):
    update_site_settings(organiser, change())
    assert settings_row().version == 1
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "site_settings.changed")) is None


# --- The logo ------------------------------------------------------------------------------------------------------


def test_a_logo_is_checked_stored_under_a_new_name_and_replaced(organiser, db_session):
    save_logo(organiser, logo_png() + b"trailing rubbish", "The ALLIANCE")
    first = site_details().logo_filename
    assert first and stored_logo(first) is not None
    assert not stored_logo(first).data.endswith(b"trailing rubbish")  # rebuilt, not kept as sent
    assert (site_details().logo_width, site_details().logo_height) == (200, 80)
    save_logo(organiser, logo_png(100, 40), "The ALLIANCE")
    second = site_details().logo_filename
    assert second != first
    assert stored_image_names() == [second]  # the old logo is deleted
    assert stored_logo(first) is None  # an old name serves nothing
    remove_logo(organiser)
    assert site_details().logo_filename is None and stored_image_names() == []


@pytest.mark.parametrize("data", [b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                                  b"GIF89a" + b"\x00" * 20, b""])
def test_what_is_not_a_png_jpeg_or_webp_is_refused(organiser, db_session, data):
    with pytest.raises(ImageRefused):
        save_logo(organiser, data, "Logo")
    assert site_details().logo_filename is None


def test_a_logo_needs_its_description(organiser, db_session):
    with pytest.raises(DomainError) as refused:
        save_logo(organiser, logo_png(), "   ")
    assert refused.value.field == "alt"
    save_logo(organiser, logo_png(), "The ALLIANCE")
    with pytest.raises(SettingsInvalid) as cleared:
        update_site_settings(organiser, change(logo_alt=""))
    assert "logo_alt" in cleared.value.fields


def test_removing_when_there_is_no_logo_is_refused(organiser, db_session):
    with pytest.raises(DomainError):
        remove_logo(organiser)


@pytest.mark.parametrize("name", ["../../secret.png", "abc.png", "0" * 32 + ".svg", None])
def test_only_the_current_logo_s_generated_name_is_ever_served(organiser, db_session, name):
    save_logo(organiser, logo_png(), "The ALLIANCE")
    assert stored_logo(name) is None


# --- The cached read ---------------------------------------------------------------------------------------------


@pytest.fixture
def kept_for_a_while(app):
    """Each process keeps its copy for a minute, as a server would (the tests' app reads once per request)."""
    app.config["SITE_SETTINGS_SECONDS"] = 60
    current.forget()
    yield
    app.config["SITE_SETTINGS_SECONDS"] = 0
    current.forget()


def _another_server_changes_the_email(db_session, address: str) -> None:
    """A change made behind this process's back, as through another server."""
    db_session.execute(text("UPDATE site_settings SET contact_email = :address, version = version + 1"),
                       {"address": address})


def test_the_process_keeps_its_copy_without_asking_the_database_again(app, db_session, kept_for_a_while):
    assert site_details().contact_email == ""
    _another_server_changes_the_email(db_session, "other@example.org")
    current.forget_request_copy()
    assert site_details().contact_email == ""  # the process's copy, still fresh


def test_a_change_here_is_seen_at_once_after_its_commit(organiser, db_session, kept_for_a_while):
    assert site_details().contact_email == ""
    update_site_settings(organiser, change(contact_email=CONTACT_EMAIL))
    db_session.commit()
    current.forget_request_copy()
    assert site_details().contact_email == CONTACT_EMAIL


def test_a_change_elsewhere_is_seen_once_the_copy_is_old(app, db_session, kept_for_a_while, monkeypatch):
    assert site_details().contact_email == ""
    _another_server_changes_the_email(db_session, "other@example.org")
    later = current.time.monotonic() + 61
    monkeypatch.setattr(current.time, "monotonic", lambda: later)
    current.forget_request_copy()
    assert site_details().contact_email == "other@example.org"


def test_a_logo_saved_through_another_server_is_served_here_at_once(app, db_session, kept_for_a_while):
    assert site_details().logo_filename is None  # this process's copy, fresh for a minute yet
    name = store_image(check_image(logo_png()))  # what save_logo does on the other server
    db_session.execute(text("UPDATE site_settings SET logo_filename = :name, version = version + 1"), {"name": name})
    current.forget_request_copy()
    assert site_details().logo_filename is None
    # Its page there already shows the logo's address: this server serves it too, without waiting for its copy.
    assert stored_logo(name).data == logo_png()


def test_a_stored_image_that_is_not_the_logo_is_never_served_as_the_logo(organiser, db_session):
    save_logo(organiser, logo_png(), "The ALLIANCE")
    finalists_image = store_image(check_image(logo_png(4, 3)))
    assert stored_logo(finalists_image) is None


def test_a_request_sees_one_version_throughout(app, db_session):
    assert site_details().contact_email == ""
    _another_server_changes_the_email(db_session, "other@example.org")
    assert site_details().contact_email == ""  # the same request (or app context) keeps its copy
    current.forget_request_copy()
    assert site_details().contact_email == "other@example.org"


def test_a_database_that_cannot_answer_gives_the_defaults(app, db_session, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("down"))

    monkeypatch.setattr(current.db.session, "scalar", broken)
    current.forget_request_copy()
    assert site_details() == current.SiteDetails()


def test_the_settings_page_s_fresh_read_skips_the_process_copy(app, db_session, kept_for_a_while):
    assert site_details().contact_email == ""
    _another_server_changes_the_email(db_session, "other@example.org")
    assert site_details(fresh=True).contact_email == "other@example.org"


def test_the_contact_address_is_kept_in_the_form_a_reply_to_header_can_carry(organiser, db_session):
    """It becomes every email's Reply-To, where an encoded word is not allowed inside an address (RFC 2047 s.5)."""
    update_site_settings(organiser, change(contact_email="Awards@Bücher.example"))
    db_session.commit()
    assert site_details().contact_email == "awards@xn--bcher-kva.example"
    with pytest.raises(SettingsInvalid) as refused:
        update_site_settings(organiser, change(contact_email="prüfung@example.org"))
    assert "without accents before the @" in refused.value.fields["contact_email"]
