"""Merge fields: each field's value for its own recipient, unknown and malformed fields refused with the field named,
fields that do not fit the segment, and hostile values printed as written (never run, never read as fields)."""
from __future__ import annotations

import pytest

from sqlalchemy import func, select

from awards_app.ceremony import rsvp
from awards_app.ceremony.models import CeremonyInvitation
from awards_app.core.errors import DomainError
from awards_app.core.public_urls import public_url
from awards_app.messaging import merge_fields, segments
from awards_app.nominations.models import ConsentState
from awards_app.publication.sharing import share_url
from tests.messaging.site import messaging_site


@pytest.fixture
def site(db_session, clock, organiser):
    return messaging_site(organiser)


def person(site, segment="shortlisted.nominees", index=0):
    return segments.recipients(site.edition, segment, None if segment != "panel.judges" else site.category)[index]


def filled(site, text, who) -> str:
    return merge_fields.fill(merge_fields.check(text, who.role), site.edition, who)


def test_each_field_holds_the_recipients_own_details(site):
    nominator = person(site, "shortlisted.nominators", 1)  # Hamish's nominator
    site.finalists[1].public_name = "Hamish MacLeod of Skye"
    assert filled(site, "{name}", nominator) == "Hamish's Nominator"
    assert filled(site, "{nominee}", nominator) == "Hamish MacLeod of Skye"
    assert filled(site, "{category}", nominator) == "Carer of the Year"
    assert filled(site, "{reference}", nominator) == site.hamish.reference
    assert filled(site, "{ceremony_place}", nominator) == "Assembly Rooms, Edinburgh"
    assert filled(site, "{ceremony_date}", nominator).endswith(str(site.edition.ceremony_at.year))
    assert filled(site, "{link}", nominator) == public_url("public.home")


def test_a_judges_link_is_the_sign_in_page(site):
    assert filled(site, "{link}", person(site, "panel.judges")) == public_url("auth.sign_in")
    assert public_url("auth.sign_in") != public_url("public.home")


def test_unknown_field_is_refused_naming_it(site):
    with pytest.raises(DomainError) as refusal:
        merge_fields.check("Dear {nmae},", "nominee")
    assert "{nmae}" in refusal.value.message and refusal.value.field == "body"


@pytest.mark.parametrize("text", ["Dear {name,", "Dear name}", "{ name }", "{Name}", "{{name}"])
def test_a_stray_brace_is_refused(text):
    with pytest.raises(DomainError) as refusal:
        merge_fields.check(text, "nominee", "subject")
    assert refusal.value.field == "subject" and "brace" in refusal.value.message


def test_doubled_braces_are_braces_of_your_own(site):
    assert filled(site, "{{name}} is {name}", person(site)) == "{name} is Morag Fraser"


def test_a_field_that_does_not_fit_the_segment_is_refused(site):
    with pytest.raises(DomainError) as refusal:
        merge_fields.check("{reference}", "judge")
    assert "{reference}" in refusal.value.message and "judges" in refusal.value.message


def publish_shortlist(site):
    from datetime import timedelta

    from awards_app.core import clock as app_clock

    site.edition.shortlist_published_at = app_clock.now() - timedelta(minutes=1)


def test_share_link_is_the_finalists_own_page(site):
    publish_shortlist(site)
    nominator = person(site, "shortlisted.nominators", 1)
    assert filled(site, "Share: {share_link}", nominator) == f"Share: {share_url(nominator.finalist)}"
    assert share_url(nominator.finalist).endswith(f"/finalists/{nominator.finalist.id}")


def test_rsvp_link_is_made_only_when_sending_and_only_for_its_recipient(site, organiser, db_session):
    first, second = person(site, "shortlisted.nominees", 0), person(site, "shortlisted.nominees", 1)
    pieces = merge_fields.check("Reply: {rsvp_link}", first.role)
    assert "made when the message is sent" in merge_fields.fill(pieces, site.edition, first)  # a preview makes nothing
    assert db_session.scalar(select(func.count(CeremonyInvitation.id))) == 0
    links = [merge_fields.fill(pieces, site.edition, who, organiser) for who in (first, second)]
    assert links[0] != links[1]
    invitations = {row.email: row for row in db_session.scalars(select(CeremonyInvitation))}
    assert set(invitations) == {first.email.lower(), second.email.lower()}
    token = links[0].rsplit("/", 1)[1]
    assert rsvp.invitation_for_link(token).email == first.email.lower()


@pytest.mark.parametrize("hostile", ["{{ 7*7 }}", "{name}", "<script>alert(1)</script>", "{reference}",
                                     "{% raw %}x{% endraw %}"])
def test_hostile_values_are_printed_as_written(site, db_session, hostile):
    site.morag.nominee_name = hostile
    site.finalists[0].public_name = hostile
    db_session.flush()
    who = person(site)
    assert filled(site, "Dear {name}, about {nominee}.", who) == f"Dear {hostile}, about {hostile}."


def test_a_field_never_reaches_another_recipients_data(site):
    pieces = merge_fields.check("{name} {nominee} {reference}", "nominator")
    texts = [merge_fields.fill(pieces, site.edition, who)
             for who in segments.recipients(site.edition, "shortlisted.nominators", None)]
    for text, entry in zip(texts, (site.morag, site.hamish, site.ailsa)):
        assert entry.reference in text
        others = [other.reference for other in (site.morag, site.hamish, site.ailsa) if other is not entry]
        assert not any(reference in text for reference in others)


def test_one_person_with_two_entries_hears_about_both_in_one_message(site, db_session):
    site.hamish.nominator_email = site.morag.nominator_email.upper()
    publish_shortlist(site)
    db_session.flush()
    who = person(site, "shortlisted.nominators", 0)
    assert filled(site, "{nominee}", who) == "Morag Fraser and Hamish MacLeod"
    assert filled(site, "{reference}", who) == f"{site.morag.reference} and {site.hamish.reference}"
    assert filled(site, "{share_link}", who) == f"{share_url(site.finalists[0])} and {share_url(site.finalists[1])}"
    assert site.ailsa.reference not in filled(site, "{nominee} {reference} {share_link}", who)


@pytest.mark.parametrize("values, words", [
    ([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "A", "C"], "A, B and C"), (["A", "", "A"], "A"),
])
def test_values_in_words(values, words):
    assert merge_fields.in_words(values) == words


def test_share_link_is_empty_until_the_public_can_open_the_page(site, db_session):
    nominator = person(site, "shortlisted.nominators", 1)
    assert filled(site, "Share: {share_link}", nominator) == "Share: "  # shortlist not published yet
    publish_shortlist(site)
    site.hamish.consent = ConsentState.DECLINED
    db_session.flush()
    assert filled(site, "Share: {share_link}", nominator) == "Share: "  # the nominee has left: their page is gone
