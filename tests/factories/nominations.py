"""Nominations, and eligible entries carrying the details judges must never see."""
import secrets

from awards_app.extensions import db
from awards_app.nominations.models import Nomination, NominationAnswer, NominationStatus
from awards_app.programme.models import Category

ANSWER = "She made a real difference."
# What judges must never see of an entry: who nominated it and how to reach them, and the nominee's own email.
NOMINATOR = {
    "nominator_name": "Nina Nominator-Secret",
    "nominator_email": "nina.secret@nominators.example",
    "nominator_phone": "07700 900123",
    "nominator_relationship": "Her sister-in-law",
    "nominee_email": "hidden.nominee@nominees.example",
}
SECRET_NOMINATOR = NOMINATOR["nominator_name"]
# An answer for tests of what a judge may read before declaring their conflicts (nothing but names).
SECRET_ANSWER = "An answer only the organisers and the judges who score it may read."
ENTRY_NAMES = ["Morag Fraser", "Iain Campbell", "Ailsa Reid", "Callum Ross", "Kirsty Muir", "Fergus Bain"]


def make_nomination(category: Category, nominee_name: str = "Morag Fraser", *, answer: str = ANSWER,
                    **overrides) -> Nomination:
    """A submitted nomination in the category, giving `answer` to each of its questions."""
    fields = {
        "reference": f"SMA-{secrets.token_hex(3).upper()}",
        "nominee_email": "morag@example.org",
        "local_authority": "Fife",
        "nominator_name": "Iain Nominator",
        "nominator_email": "iain@example.org",
        "nominator_relationship": "Colleague",
        **overrides,
    }
    nomination = Nomination(edition=category.edition, category=category, nominee_name=nominee_name, **fields)
    for question in category.questions:
        nomination.answers.append(NominationAnswer(question=question, text=answer))
    db.session.add(nomination)
    db.session.flush()
    return nomination


def make_entry(category: Category, name: str, organisation: str = "", **fields) -> Nomination:
    """An eligible nomination, ready for judging, whose nominator and nominee's email are the NOMINATOR secrets."""
    return make_nomination(
        category, name, **{"status": NominationStatus.ELIGIBLE, "nominee_organisation": organisation, **NOMINATOR,
                           **fields},
    )


def make_entries(category: Category, count: int) -> list[Nomination]:
    """`count` eligible entries in the category, each from a community trust (names repeat after six)."""
    names = [ENTRY_NAMES[index % len(ENTRY_NAMES)] for index in range(count)]
    return [make_entry(category, name, f"{name.split()[1]} Community Trust") for name in names]
