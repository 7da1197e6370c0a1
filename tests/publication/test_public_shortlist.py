"""Publishing the shortlist: consent enforced (naming who is missing), the moment, what the public sees, summaries,
images stored under generated names, and the lock once a public vote opens."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.nominations.models import ConsentState
from awards_app.publication import public_shortlist as publication
from awards_app.publication.images import ImageRefused
from tests.factories.accounts import make_judge
from tests.factories.images import HTML, SVG, make_jpeg, make_png, stored_image_names
from tests.factories.publication import shortlist_site
from tests.factories.voting import make_contest


@pytest.fixture
def site(db_session, clock):
    """The edition of tests/factories/publication.py, every nominee having given consent."""
    return shortlist_site()


@pytest.fixture
def images(db_session):
    """The names of the images stored so far (in the database), oldest first: images()."""
    return stored_image_names


def events(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one kind."""
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Consent and finalists ----------------------------------------------------------------------------------------


def test_publishing_is_refused_naming_every_finalist_without_consent_per_category(site, organiser, db_session):
    site.hamish.nomination.consent = ConsentState.REQUESTED
    site.ailsa.nomination.consent = ConsentState.NOT_REQUESTED
    site.lunch_club.nomination.consent = ConsentState.DECLINED
    with pytest.raises(publication.ShortlistNotReady) as refusal:
        publication.publish_shortlist(organiser, site.edition)
    assert refusal.value.problems == [
        "In Carer of the Year, consent is missing for Hamish MacLeod (asked, no answer yet) "
        "and Ailsa Grant (not asked yet).",
        "In Project of the Year, consent is missing for Leith Lunch Club (declined).",
    ]
    assert "Hamish MacLeod" in refusal.value.message and "Leith Lunch Club" in refusal.value.message
    assert "Morag Fraser" not in refusal.value.message
    assert site.edition.shortlist_published_at is None
    assert events(db_session, "shortlist.published") == []


def test_publishing_is_refused_while_a_category_has_no_finalists(site, organiser):
    from tests.factories.programme import make_category

    make_category(site.edition, name="Community of the Year")
    with pytest.raises(publication.ShortlistNotReady) as refusal:
        publication.publish_shortlist(organiser, site.edition)
    assert refusal.value.problems == ["Community of the Year has no finalists yet."]
    assert site.edition.shortlist_published_at is None


def test_only_organisers_publish(site, db_session):
    judge = make_judge()
    for operation in (
        lambda: publication.publish_shortlist(judge, site.edition),
        lambda: publication.publish_shortlist(None, site.edition),
        lambda: publication.unpublish_shortlist(judge, site.edition),
        lambda: publication.set_finalist_summary(judge, site.morag, "Morag", "A summary."),
        lambda: publication.save_finalist_image(judge, site.morag, make_png()),
    ):
        with pytest.raises(NotAllowed):
            operation()
    assert site.edition.shortlist_published_at is None


# --- The moment ----------------------------------------------------------------------------------------------------


def test_publish_now_makes_it_public_at_once_and_is_audited(site, organiser, clock, db_session):
    assert publication.public_shortlist(site.edition) is None
    moment = publication.publish_shortlist(organiser, site.edition)
    assert moment == clock.now() == site.edition.shortlist_published_at
    assert publication.shortlist_is_public(site.edition)
    [event] = events(db_session, "shortlist.published")
    assert event.details["scheduled"] is False
    assert event.details["finalists"]["Project of the Year"] == ["Moray Men's Shed", "Leith Lunch Club"]


def test_publish_at_a_set_time_shows_nothing_until_that_moment(site, organiser, clock):
    moment = clock.now() + timedelta(days=2)
    assert publication.publish_shortlist(organiser, site.edition, moment) == moment
    assert publication.public_shortlist(site.edition) is None
    assert publication.public_shortlist(site.edition, moment - timedelta(seconds=1)) is None
    assert publication.public_shortlist(site.edition, moment) is not None
    clock.set(moment)
    assert publication.shortlist_is_public(site.edition)


def test_a_set_time_must_be_in_the_future(site, organiser, clock):
    for moment in (clock.now(), clock.now() - timedelta(minutes=1)):
        with pytest.raises(DomainError, match="must be in the future") as refusal:
            publication.publish_shortlist(organiser, site.edition, moment)
        assert refusal.value.field == "publish_at"
    assert site.edition.shortlist_published_at is None


def test_a_set_time_after_a_vote_opens_is_refused(site, organiser, clock):
    contest = make_contest(site.project)
    with pytest.raises(DomainError, match="The public vote in Project of the Year opens at .*before that time"):
        publication.publish_shortlist(organiser, site.edition, contest.opens_at + timedelta(minutes=1))
    assert publication.publish_shortlist(organiser, site.edition, contest.opens_at) == contest.opens_at


def test_a_set_time_can_be_moved_or_cancelled_before_the_moment(site, organiser, clock, db_session):
    later = clock.now() + timedelta(days=3)
    publication.publish_shortlist(organiser, site.edition, later)
    publication.publish_shortlist(organiser, site.edition, later - timedelta(days=1))
    assert site.edition.shortlist_published_at == later - timedelta(days=1)
    publication.unpublish_shortlist(organiser, site.edition)
    assert site.edition.shortlist_published_at is None
    assert len(events(db_session, "shortlist.unpublished")) == 1
    with pytest.raises(DomainError, match="nothing to cancel"):
        publication.unpublish_shortlist(organiser, site.edition)


def test_once_public_it_cannot_be_taken_back_or_published_again(site, organiser, clock):
    publication.publish_shortlist(organiser, site.edition)
    with pytest.raises(DomainError, match="cannot be taken back"):
        publication.unpublish_shortlist(organiser, site.edition)
    with pytest.raises(DomainError, match="public already"):
        publication.publish_shortlist(organiser, site.edition, clock.now() + timedelta(days=1))
    assert publication.shortlist_is_public(site.edition)


# --- What the public sees -------------------------------------------------------------------------------------------


def test_the_public_shortlist_lists_categories_with_finalists_in_alphabetical_order(site, organiser):
    publication.publish_shortlist(organiser, site.edition)
    shown = publication.public_shortlist(site.edition)
    assert [section.category.name for section in shown] == ["Carer of the Year", "Project of the Year"]
    # Alphabetical, not the judges' ranking (Morag, Hamish, Ailsa), which stays sealed.
    assert [f.public_name for f in shown[0].finalists] == ["Ailsa Grant", "Hamish MacLeod", "Morag Fraser"]
    assert [f.public_name for f in shown[1].finalists] == ["Leith Lunch Club", "Moray Men's Shed"]


def test_a_finalist_whose_consent_is_withdrawn_later_is_not_shown(site, organiser, images):
    publication.save_finalist_image(organiser, site.hamish, make_png())
    publication.publish_shortlist(organiser, site.edition)
    site.hamish.nomination.consent = ConsentState.DECLINED
    shown = publication.public_shortlist(site.edition)
    assert "Hamish MacLeod" not in [f.public_name for section in shown for f in section.finalists]
    assert publication.public_image(site.hamish.image_filename) is None


def test_no_edition_means_no_shortlist():
    assert publication.public_shortlist(None) is None
    assert not publication.shortlist_is_public(None)


# --- Public name and summary ----------------------------------------------------------------------------------------


def test_set_the_public_name_and_summary(site, organiser, db_session):
    name, summary = "  Moray   Men's Shed, Elgin ", " Tools, tea and talk.\r\n\r\nEvery Tuesday.  "
    publication.set_finalist_summary(organiser, site.shed, name, summary)
    assert site.shed.public_name == "Moray Men's Shed, Elgin"
    assert site.shed.nomination.public_summary == "Tools, tea and talk.\n\nEvery Tuesday."
    [event] = events(db_session, "finalist.presented")
    assert event.details["before"]["public_name"] == "Moray Men's Shed"


@pytest.mark.parametrize(
    ("name", "summary", "field", "message"),
    [
        ("", "A summary.", "public_name", "Enter the name the public sees"),
        ("   ", "A summary.", "public_name", "Enter the name the public sees"),
        ("x" * 201, "A summary.", "public_name", "200 characters or fewer"),
        ("Morag", "  ", "summary", "Enter a short summary"),
        ("Morag", "x" * 601, "summary", "600 characters or fewer"),
    ],
)
def test_name_and_summary_are_bounded(site, organiser, name, summary, field, message):
    with pytest.raises(DomainError, match=message) as refusal:
        publication.set_finalist_summary(organiser, site.morag, name, summary)
    assert refusal.value.field == field
    assert site.morag.public_name == "Morag Fraser"


def test_the_longest_name_and_summary_fit(site, organiser):
    publication.set_finalist_summary(organiser, site.morag, "x" * 200, "y" * 600)
    assert len(site.morag.nomination.public_summary) == 600


# --- Images -------------------------------------------------------------------------------------------------------


def test_an_image_is_stored_under_a_generated_name_by_its_checked_kind(site, organiser, images, db_session):
    kind = publication.save_finalist_image(organiser, site.morag, make_png())
    assert kind.extension == "png"
    name = site.morag.image_filename
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name)
    assert images() == [name]
    assert publication.load_image(name).data == make_png()
    [event] = events(db_session, "finalist.image_saved")
    assert event.details["kind"] == "PNG" and event.details["width"] == 4


def test_two_uploads_of_the_same_file_get_different_names_and_the_old_file_goes(site, organiser, images):
    publication.save_finalist_image(organiser, site.morag, make_jpeg())
    first = site.morag.image_filename
    publication.save_finalist_image(organiser, site.morag, make_jpeg())
    second = site.morag.image_filename
    assert first != second and second.endswith(".jpg")
    assert images() == [second]


@pytest.mark.parametrize("data", [HTML, SVG, b""])
def test_files_that_are_not_images_are_refused_and_nothing_is_stored(site, organiser, images, data):
    with pytest.raises(ImageRefused):
        publication.save_finalist_image(organiser, site.morag, data)
    assert site.morag.image_filename is None
    assert images() == []


def test_remove_an_image(site, organiser, images, db_session):
    publication.save_finalist_image(organiser, site.morag, make_png())
    publication.remove_finalist_image(organiser, site.morag)
    assert site.morag.image_filename is None
    assert images() == []
    assert len(events(db_session, "finalist.image_removed")) == 1
    with pytest.raises(DomainError, match="has no image"):
        publication.remove_finalist_image(organiser, site.morag)


def test_images_are_public_only_from_the_moment(site, organiser, images, clock):
    publication.save_finalist_image(organiser, site.morag, make_png())
    name = site.morag.image_filename
    moment = clock.now() + timedelta(hours=1)
    publication.publish_shortlist(organiser, site.edition, moment)
    assert publication.public_image(name, moment - timedelta(seconds=1)) is None
    stored = publication.public_image(name, moment)
    assert stored.name == name and stored.data == make_png() and stored.kind.content_type == "image/png"


@pytest.mark.parametrize("name", ["", "../secret_key", "a" * 32 + ".png", "A" * 32 + ".png", "x.svg", "..%2f.png"])
def test_names_that_are_not_a_stored_image_find_nothing(site, organiser, name):
    publication.publish_shortlist(organiser, site.edition)
    assert publication.public_image(name) is None


# --- The lock once the public vote opens -----------------------------------------------------------------------------


def test_finalists_of_an_open_vote_keep_their_name_summary_and_image(site, organiser, images, clock):
    publication.save_finalist_image(organiser, site.shed, make_png())
    contest = make_contest(site.project)
    publication.set_finalist_summary(organiser, site.shed, "Moray Men's Shed", "Changed before the vote.")
    clock.set(contest.opens_at)
    for change in (
        lambda: publication.set_finalist_summary(organiser, site.shed, "Moray Men's Shed", "Changed in the vote."),
        lambda: publication.save_finalist_image(organiser, site.shed, make_jpeg()),
    ):
        with pytest.raises(DomainError, match="The public vote in Project of the Year opened at .* no longer change"):
            change()
    assert site.shed.nomination.public_summary == "Changed before the vote."
    # A picture may always be taken down.
    publication.remove_finalist_image(organiser, site.shed)
    assert site.shed.image_filename is None
    # Categories without a public vote are not locked by it.
    publication.set_finalist_summary(organiser, site.morag, "Morag Fraser", "Still free to change.")


def test_erasing_a_finalists_personal_data_deletes_their_image(site, organiser, images, db_session):
    from awards_app.privacy.personal_data import erase_personal_data

    publication.save_finalist_image(organiser, site.morag, make_png())
    publication.save_finalist_image(organiser, site.hamish, make_png())
    site.morag.nomination.nominee_email = "morag.fraser@example.org"
    db_session.commit()
    kept = site.hamish.image_filename
    erase_personal_data(organiser, "morag.fraser@example.org", "Asked by email")
    db_session.commit()
    assert site.morag.image_filename is None and images() == [kept]
