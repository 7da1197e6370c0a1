"""Organisers' corrections keep earlier values of a nomination: they are found, exported, erased and purged with it."""
from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.models import AuditEvent
from awards_app.nominations.corrections import (
    answer_key,
    correct_nomination,
    move_nomination,
)
from awards_app.nominations.models import Nomination, NominationCorrection
from awards_app.privacy import personal_data
from awards_app.programme.models import Question
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition

OLD_ADDRESS = "sam.persn@example.org"  # the typo the nominator made, corrected by an organiser
NOMINEE = "morag@example.org"


def rows(db_session, nomination_id: int) -> list[NominationCorrection]:
    """A nomination's correction rows, read again from the database."""
    db_session.expire_all()
    return list(db_session.scalars(select(NominationCorrection).where(NominationCorrection.nomination_id == nomination_id)
                                   .order_by(NominationCorrection.id)))


@pytest.fixture
def site(db_session, clock, organiser):
    """A nomination whose nominator's address, nominee's name and answer were corrected, then moved (one answer
    left behind), and a bystander's corrected nomination."""
    edition = make_edition()
    first = make_category(edition, name="Carer of the Year")
    first.questions.append(Question(prompt="Why her?", word_limit=100, display_order=1))
    second = make_category(edition, name="Young Carer of the Year")
    nomination = make_nomination(first, "Morag Frasr", nominee_email=NOMINEE, nominator_name="Sam Person",
                                 nominator_email=OLD_ADDRESS, answer="Morag helps everyone.")
    correct_nomination(organiser, nomination, {
        "nominator_email": "sam.person@example.org", "nominee_name": "Morag Fraser",
        answer_key(first.questions[0]): "Morag Fraser helps everyone.",
    }, "Sam phoned: Morag Fraser, and Sam's address has an o.")
    move_nomination(organiser, nomination, second, "Wrong award: Sam said so.")
    bystander = make_nomination(first, "Someone Else", nominator_email="other@example.org",
                                nominee_email="someone@example.org")
    correct_nomination(organiser, bystander, {"nominee_name": "Someone Else Entirely"}, "Typo")
    db_session.commit()
    return SimpleNamespace(nomination=nomination, bystander=bystander, edition=edition, organiser=organiser)


def test_an_address_corrected_away_from_finds_only_the_correction_that_kept_it(site):
    """It may be a stranger's (typed by mistake): the nomination is not theirs, only that kept value is."""
    found = personal_data.find_personal_data(OLD_ADDRESS)
    assert found.nominations_made == [] and found.nominations_of == []
    assert [(row.field, row.before) for row in found.corrected_addresses] == [("nominator_email", OLD_ADDRESS)]
    assert personal_data.find_personal_data("sam.person@example.org").nominations_made == [site.nomination]
    assert personal_data.find_personal_data("sam.person@example.org").corrected_addresses == []


def test_erasing_an_address_corrected_away_from_erases_only_that_kept_value(site, db_session, organiser):
    counts = personal_data.erase_personal_data(organiser, OLD_ADDRESS, "Asked on 3 March")
    db_session.commit()
    assert counts["corrected_addresses"] == 1 and counts["nominations_made"] == 0
    email_row = next(row for row in rows(db_session, site.nomination.id) if row.field == "nominator_email")
    assert (email_row.before, email_row.after) == ("Erased on request", "sam.person@example.org")
    nomination = db_session.get(Nomination, site.nomination.id)
    assert (nomination.nominator_name, nomination.nominator_email) == ("Sam Person", "sam.person@example.org")


def test_the_export_lists_the_corrections_with_the_values_before_them(site):
    exported = personal_data.export_personal_data(personal_data.find_personal_data(NOMINEE))
    [nomination] = exported["nominations_of_them"]
    fields = [(row["field"], row["before"], row["after"]) for row in nomination["corrections"]]
    assert ("nominee_name", "Morag Frasr", "Morag Fraser") in fields
    assert ("answer", "Morag helps everyone.", "") in fields  # the answer the move left behind
    assert ("category", "Carer of the Year", "Young Carer of the Year") in fields
    assert "Someone Else" not in json.dumps(exported)


def test_erasing_the_nominator_erases_what_corrections_kept_of_them(site, db_session, organiser):
    personal_data.erase_personal_data(organiser, "sam.person@example.org", "Asked on 3 March")
    db_session.commit()
    kept = rows(db_session, site.nomination.id)
    email_row = next(row for row in kept if row.field == "nominator_email")
    assert (email_row.before, email_row.after, email_row.reason) == ("Erased on request",) * 3
    assert next(row for row in kept if row.field == "nominee_name").before == "Morag Frasr"  # not the nominator's
    assert "Sam" not in " ".join(row.reason for row in kept[:3])  # the reason shared with the address's change
    assert OLD_ADDRESS not in str([event.details for event in db_session.scalars(select(AuditEvent))])
    assert "sam.person@example.org" not in str([event.details for event in db_session.scalars(select(AuditEvent))])


def test_erasing_the_nominee_erases_their_old_name_and_every_answer_kept(site, db_session, organiser):
    personal_data.erase_personal_data(organiser, NOMINEE, "Asked on 3 March")
    db_session.commit()
    kept = rows(db_session, site.nomination.id)
    texts = " ".join(f"{row.before} {row.after} {row.reason}" for row in kept if row.field != "category")
    assert "Morag" not in texts
    assert next(row for row in kept if row.field == "nominator_email").after == "sam.person@example.org"
    assert rows(db_session, site.bystander.id)[0].after == "Someone Else Entirely"


def test_the_retention_purge_removes_nominators_details_kept_by_corrections(site, db_session, clock):
    clock.set(site.edition.ceremony_at + timedelta(days=31))
    personal_data.purge_nomination_contacts()
    db_session.commit()
    kept = rows(db_session, site.nomination.id)
    email_row = next(row for row in kept if row.field == "nominator_email")
    assert (email_row.before, email_row.after) == ("Removed after the ceremony",) * 2
    assert next(row for row in kept if row.field == "nominee_name").after == "Morag Fraser"  # the year's records


def test_deleting_the_nomination_deletes_its_corrections(site, db_session):
    db_session.delete(db_session.get(Nomination, site.nomination.id))
    db_session.commit()
    assert rows(db_session, site.nomination.id) == []
