"""An address an organiser corrected away from (it was a stranger's) is not the nomination's (review #15, finding 1):
its owner's access request gets only that kept address, and their erasure erases only that, not the nominee's entry."""
from awards_app.nominations.corrections import correct_nomination
from awards_app.privacy import personal_data
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition
from awards_app.programme.models import Question

STRANGER = "jo.smith@example.org"  # the nominator typed a stranger's address for the nominee
NOMINEE = "joanne.smith@example.org"  # the organiser corrected it to the real nominee's


def _site(db_session, organiser):
    edition = make_edition()
    category = make_category(edition, name="Carer of the Year")
    category.questions.append(Question(prompt="Why her?", word_limit=100, display_order=1))
    nomination = make_nomination(category, "Joanne Smith", nominee_email=STRANGER, answer="Joanne cares for her dad.")
    correct_nomination(organiser, nomination, {"nominee_email": NOMINEE},
                       "Wrong address: the nominator meant Joanne, not Jo.")
    db_session.commit()
    return nomination


def test_the_strangers_access_request_does_not_hand_over_joannes_nomination(db_session, clock, organiser):
    _site(db_session, organiser)
    exported = personal_data.export_personal_data(personal_data.find_personal_data(STRANGER))
    assert "Joanne cares for her dad." not in str(exported), exported["nominations_of_them"]
    assert NOMINEE not in str(exported)


def test_the_strangers_erasure_request_does_not_erase_joannes_nomination(db_session, clock, organiser):
    nomination = _site(db_session, organiser)
    personal_data.erase_personal_data(organiser, STRANGER, "Jo asked by email")
    db_session.commit()
    db_session.expire_all()
    assert nomination.nominee_email == NOMINEE
    assert nomination.nominee_name == "Joanne Smith"
    assert nomination.answers and {answer.text for answer in nomination.answers} == {"Joanne cares for her dad."}
    [row] = nomination.corrections
    assert (row.before, row.after) == ("Erased on request", NOMINEE)


def test_the_stranger_gets_the_address_they_own_and_nothing_else(db_session, clock, organiser):
    _site(db_session, organiser)
    exported = personal_data.export_personal_data(personal_data.find_personal_data(STRANGER))
    assert exported["nominations_of_them"] == [] and exported["nominations_made"] == []
    [kept] = exported["addresses_corrected_by_organisers"]
    assert (kept["field"], kept["address"]) == ("Nominee's email address", STRANGER)
    assert "Joanne" not in str(exported)
