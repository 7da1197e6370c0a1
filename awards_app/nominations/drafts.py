"""Nomination drafts: what a nominator has typed so far, saved step by step and checked on the server.

A draft lives in the database and is found through a random public id that the browser's session holds. Each step
is saved either finished ("Continue": every rule applies) or as it stands ("Save and come back later": only the size
limits apply, so that nothing typed is lost). A step counts as done once it has been saved and its values pass every
rule. Drafts whose edition has closed for nominations are purged (see purge_closed_drafts and `flask purge`).
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select, update

from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.columns import EMAIL_LENGTH
from awards_app.core.errors import DomainError, NotFound
from awards_app.core.links import LinkProblem, check_link, email_link
from awards_app.core.models import SingleUseLink
from awards_app.extensions import db
from awards_app.nominations.models import NominationDraft
from awards_app.programme.models import Category, Edition, NomineeKind, Question
from awards_app.programme.phases import Phase, phase_of
from awards_app.programme.scotland import LOCAL_AUTHORITIES

RESUME_PURPOSE = "resume-draft"

# Sizes match the columns a submitted nomination is stored in.
NAME_MAX = 200
ORGANISATION_MAX = 200
RELATIONSHIP_MAX = 200
PHONE_MAX = 40

_PHONE = re.compile(r"^\+?[0-9 ()\-.]+$")
# Line breaks and tabs are all the control characters a textarea needs; NUL and the rest are dropped
# (PostgreSQL refuses NUL in text, and none of them mean anything in a nomination).
_KEEP_IN_TEXT = {"\n", "\t"}

# What each kind of nominee is called in messages about its name.
_NOMINEE_NAME = {
    NomineeKind.PERSON: "the full name of the person you are nominating",
    NomineeKind.ORGANISATION: "the name of the organisation, team or service",
    NomineeKind.PROJECT: "the name of the project or resource",
    NomineeKind.IDEA: "the name of the idea or partnership",
}


class NominationsClosed(DomainError):
    """The edition is not taking nominations now (not yet open, or closed)."""

    def __init__(self, edition: Edition | None):
        super().__init__("Nominations are not open at the moment.")
        self.edition = edition


class StepInvalid(DomainError):
    """One or more answers on a step broke a rule; `problems` maps each form field to its message."""

    def __init__(self, problems: dict[str, str]):
        field, message = next(iter(problems.items()))
        super().__init__(message, field=field)
        self.problems = problems


@dataclass(frozen=True)
class Step:
    """One step of the journey for a draft: its key in the draft's data, its name, and a question's position."""

    key: str
    name: str
    number: int = 0
    question: Question | None = None


# --- The window and finding drafts -----------------------------------------------------------------------------


def nominations_open(edition: Edition | None, at: datetime | None = None) -> bool:
    """Whether the edition takes nominations at that moment (now by default); a draft never does."""
    return edition is not None and edition.is_public and phase_of(edition, at) is Phase.NOMINATIONS


def require_open(edition: Edition | None) -> None:
    """Refuse anything done to a nomination outside the edition's nominations window."""
    if not nominations_open(edition):
        raise NominationsClosed(edition)


def start_draft(edition: Edition | None) -> NominationDraft:
    """Start an empty draft for the edition, with a random public id for the browser's session."""
    require_open(edition)
    draft = NominationDraft(edition=edition, public_id=secrets.token_urlsafe(32), data={}, started_at=clock.now())
    db.session.add(draft)
    db.session.flush()
    return draft


def find_draft(public_id: str | None) -> NominationDraft | None:
    """The draft with this public id, if there is one (and its edition is public: a draft edition has no journey)."""
    if not public_id or not isinstance(public_id, str) or len(public_id) > 64:
        return None
    return db.session.scalar(
        select(NominationDraft).join(Edition).where(NominationDraft.public_id == public_id, Edition.is_public)
    )


# --- Cleaning and checking values ------------------------------------------------------------------------------


def clean_text(value, *, multiline: bool = False) -> str:
    """Trim a value and drop control characters; one-line fields also lose line breaks; CRLF becomes LF."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = "".join(ch for ch in text if ch in _KEEP_IN_TEXT or unicodedata.category(ch) != "Cc")
    return text.strip()


def count_words(text: str) -> int:
    """Words as the limit counts them: runs of characters between spaces or line breaks."""
    return len((text or "").split())


def answer_max_characters(question: Question) -> int:
    """A generous bound on an answer's size in characters, so that even a draft cannot grow without end."""
    return max(1000, question.word_limit * 20)


class _Checks:
    """Collects the problems of one step, so that every problem on the page shows at once."""

    def __init__(self, complete: bool):
        self.complete = complete
        self.problems: dict[str, str] = {}

    def text(self, field: str, value, *, max_length: int, too_long: str, missing: str | None = None,
             multiline: bool = False) -> str:
        """A cleaned text value; too long is always a problem, empty only when finishing a required field."""
        text = clean_text(value, multiline=multiline)
        if len(text) > max_length:
            self.problems.setdefault(field, too_long)
        elif self.complete and missing and not text:
            self.problems.setdefault(field, missing)
        return text

    def email(self, field: str, value, *, what: str, required: bool) -> str:
        """An email address; its syntax is checked (no DNS look-up) when finishing the step."""
        text = self.text(
            field, value, max_length=EMAIL_LENGTH, missing=f"Enter {what}" if required else None,
            too_long=f"{what[0].upper()}{what[1:]} must be {EMAIL_LENGTH} characters or fewer",
        )
        if not text or not self.complete or field in self.problems:
            return text
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            self.problems[field] = f"Enter {what} in the correct format, like name@example.com. {error}"
            return text

    def fail_if_any(self) -> None:
        """Raise StepInvalid when any problem was found."""
        if self.problems:
            raise StepInvalid(self.problems)


def _check_category(draft: NominationDraft, category_id, complete: bool) -> Category | None:
    """The chosen category, which must be one of the draft's edition."""
    raw = clean_text(category_id)
    if not raw:
        if complete:
            raise StepInvalid({"category": "Choose the award you are nominating for"})
        return None
    category = db.session.get(Category, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if category is None or category.edition_id != draft.edition_id:
        raise StepInvalid({"category": "Choose one of the awards in the list"})
    return category


def check_nominee(kind: NomineeKind, values: dict, complete: bool) -> dict:
    """The nominee's name, organisation, local authority area and (optional) email address."""
    checks = _Checks(complete)
    name_what = _NOMINEE_NAME[kind]
    clean = {
        "name": checks.text("name", values.get("name"), max_length=NAME_MAX, missing=f"Enter {name_what}",
                            too_long=f"The name must be {NAME_MAX} characters or fewer"),
        "organisation": checks.text("organisation", values.get("organisation"), max_length=ORGANISATION_MAX,
                                    too_long=f"The organisation must be {ORGANISATION_MAX} characters or fewer"),
        "local_authority": clean_text(values.get("local_authority")),
        "email": checks.email("email", values.get("email"), what="the nominee's email address", required=False),
    }
    area = clean["local_authority"]
    if area and area not in LOCAL_AUTHORITIES:
        checks.problems["local_authority"] = "Choose a local authority area from the list"
        clean["local_authority"] = ""
    elif complete and not area:
        checks.problems["local_authority"] = "Choose the local authority area"
    checks.fail_if_any()
    return clean


def check_answer(question: Question, text, complete: bool) -> str:
    """An answer to one question, within its word limit (counted here, whatever the browser said)."""
    checks = _Checks(complete)
    bound = answer_max_characters(question)
    answer = checks.text(
        "answer", text, max_length=bound, multiline=True,
        too_long=f"Your answer must be {bound:,} characters or fewer",
        missing="Enter your answer to the question" if question.required else None,
    )
    words = count_words(answer)
    if complete and "answer" not in checks.problems and words > question.word_limit:
        checks.problems["answer"] = (
            f"Your answer must be {question.word_limit:,} words or fewer. It has {words:,} words."
        )
    checks.fail_if_any()
    return answer


def check_nominator(values: dict, complete: bool) -> dict:
    """The nominator's name, email address, relationship to the nominee and (optional) phone number."""
    checks = _Checks(complete)
    clean = {
        "name": checks.text("name", values.get("name"), max_length=NAME_MAX, missing="Enter your full name",
                            too_long=f"Your name must be {NAME_MAX} characters or fewer"),
        "email": checks.email("email", values.get("email"), what="your email address", required=True),
        "relationship": checks.text(
            "relationship", values.get("relationship"), max_length=RELATIONSHIP_MAX,
            missing="Enter how you know the nominee",
            too_long=f"How you know the nominee must be {RELATIONSHIP_MAX} characters or fewer",
        ),
        "phone": checks.text("phone", values.get("phone"), max_length=PHONE_MAX,
                             too_long=f"The phone number must be {PHONE_MAX} characters or fewer"),
    }
    phone = clean["phone"]
    digits = sum(ch.isdigit() for ch in phone)
    if complete and phone and "phone" not in checks.problems and (not _PHONE.match(phone) or not 7 <= digits <= 15):
        checks.problems["phone"] = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    checks.fail_if_any()
    return clean


def _check_privacy(agreed, complete: bool) -> bool:
    """The nominator's agreement to the privacy notice."""
    if complete and not agreed:
        raise StepInvalid({"agree": "Confirm that you have read how we will use the information in the nomination"})
    return bool(agreed)


# --- Saving steps ----------------------------------------------------------------------------------------------


def _store(draft: NominationDraft, step_key: str, done: bool, **changes) -> None:
    """Write changes into the draft's data (a new dict, so that the JSON column sees the change)."""
    data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in (draft.data or {}).items()}
    data.update(changes)
    finished = [key for key in data.get("done", []) if key != step_key]
    if done:
        finished.append(step_key)
    data["done"] = finished
    draft.data = data
    draft.updated_at = clock.now()
    db.session.flush()


def _passes(check, *args) -> bool:
    """Whether values pass every rule of their step."""
    try:
        check(*args, True)
    except StepInvalid:
        return False
    return True


def choose_category(draft: NominationDraft, category_id, complete: bool = True) -> None:
    """Save the category; answers to another category's questions are kept in case the nominator comes back."""
    require_open(draft.edition)
    category = _check_category(draft, category_id, complete)
    if category is not None:
        draft.category = category
    _store(draft, "category", done=category is not None)


def save_nominee(draft: NominationDraft, *, name=None, organisation=None, local_authority=None, email=None,
                 complete: bool = True) -> None:
    """Save who or what is nominated, with the words the category's kind of nominee needs."""
    require_open(draft.edition)
    kind = draft.category.nominee_kind if draft.category else NomineeKind.PERSON
    values = {"name": name, "organisation": organisation, "local_authority": local_authority, "email": email}
    clean = check_nominee(kind, values, complete)
    _store(draft, "nominee", done=_passes(check_nominee, kind, clean), nominee=clean)


def save_answer(draft: NominationDraft, question: Question, text, complete: bool = True) -> None:
    """Save the answer to one of the category's questions."""
    require_open(draft.edition)
    if draft.category is None or question.category_id != draft.category_id:
        raise NotFound("That question is not part of the category you chose.")
    answer = check_answer(question, text, complete)
    answers = dict((draft.data or {}).get("answers", {}))
    answers[str(question.id)] = answer
    _store(draft, f"question-{question.id}", done=_passes(check_answer, question, answer), answers=answers)


def save_nominator(draft: NominationDraft, *, name=None, email=None, relationship=None, phone=None,
                   complete: bool = True) -> None:
    """Save the nominator's own details."""
    require_open(draft.edition)
    values = {"name": name, "email": email, "relationship": relationship, "phone": phone}
    clean = check_nominator(values, complete)
    _store(draft, "nominator", done=_passes(check_nominator, clean), nominator=clean)


def save_privacy(draft: NominationDraft, agreed, complete: bool = True) -> None:
    """Save the nominator's agreement to the privacy notice."""
    require_open(draft.edition)
    agreed = _check_privacy(agreed, complete)
    _store(draft, "privacy", done=agreed, privacy_agreed=agreed)


# --- Where the draft has got to --------------------------------------------------------------------------------


def draft_steps(draft: NominationDraft) -> list[Step]:
    """The steps of the journey for this draft, in order (one per question of the chosen category)."""
    steps = [Step("category", "category"), Step("nominee", "nominee")]
    if draft.category is not None:
        for number, question in enumerate(draft.category.questions, start=1):
            steps.append(Step(f"question-{question.id}", "question", number, question))
    steps += [Step("nominator", "nominator"), Step("privacy", "privacy")]
    return steps


def _step_passes(draft: NominationDraft, step: Step) -> bool:
    """Whether the values saved for a step pass its rules now (an organiser may have changed a word limit)."""
    data = draft.data or {}
    if step.name == "category":
        return draft.category is not None
    if step.name == "nominee":
        kind = draft.category.nominee_kind if draft.category else NomineeKind.PERSON
        return _passes(check_nominee, kind, data.get("nominee", {}))
    if step.name == "question":
        return _passes(check_answer, step.question, data.get("answers", {}).get(str(step.question.id), ""))
    if step.name == "nominator":
        return _passes(check_nominator, data.get("nominator", {}))
    return bool(data.get("privacy_agreed"))


def incomplete_steps(draft: NominationDraft) -> list[Step]:
    """The steps not yet saved, or whose saved values no longer pass the rules, in journey order."""
    done = set((draft.data or {}).get("done", []))
    return [step for step in draft_steps(draft) if step.key not in done or not _step_passes(draft, step)]


def saved_answer(draft: NominationDraft, question: Question) -> str:
    """What the draft holds for a question (empty when not answered)."""
    return (draft.data or {}).get("answers", {}).get(str(question.id), "")


# --- Save and come back later ----------------------------------------------------------------------------------


def email_resume_link(draft: NominationDraft, email) -> str:
    """Email a link that brings the draft back; it works until nominations close, and replaces any earlier link."""
    require_open(draft.edition)
    checks = _Checks(complete=True)
    address = checks.email("email", email, what="your email address", required=True)
    checks.fail_if_any()
    draft.resume_email = address
    closes_at = draft.edition.nominations_close_at
    email_link(
        RESUME_PURPOSE, draft, closes_at, "nominate.resume",
        to=address, subject="Your saved nomination: carry on where you left off", template="resume_link",
        draft=draft,
        edition=draft.edition,
        category=draft.category,
        closes_at=closes_at,
    )
    record_event(None, "draft.resume_link_sent", draft, edition_id=draft.edition_id)
    return address


def draft_for_resume_link(token: str) -> NominationDraft:
    """The draft an emailed link brings back (raises LinkProblem when it is expired, replaced or broken)."""
    checked = check_link(RESUME_PURPOSE, token)
    if checked.link.subject_type != NominationDraft.__tablename__:
        raise LinkProblem("tampered")
    draft = db.session.get(NominationDraft, checked.subject_id)
    if draft is None:
        raise LinkProblem("used")  # sent or purged; its links are retired then, so this is a backstop
    if not draft.edition.is_public:
        raise LinkProblem("tampered")  # a draft edition is not public: the link says nothing of it
    return draft


def _retire_resume_links(draft_ids: list[int]) -> None:
    """Stop a deleted draft's links working (SQLite may hand its id to a new draft later)."""
    if not draft_ids:
        return
    db.session.execute(
        update(SingleUseLink)
        .where(
            SingleUseLink.purpose == RESUME_PURPOSE,
            SingleUseLink.subject_type == NominationDraft.__tablename__,
            SingleUseLink.subject_id.in_(draft_ids),
            SingleUseLink.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def delete_draft(draft: NominationDraft) -> None:
    """Remove a draft (once its nomination is sent) and retire its links."""
    _retire_resume_links([draft.id])
    db.session.delete(draft)
    db.session.flush()


def purge_closed_drafts(now: datetime | None = None) -> dict[str, int]:
    """Delete the unfinished drafts of editions whose nominations have closed; how many went, by edition name."""
    now = now or clock.now()
    rows = db.session.execute(
        select(NominationDraft.id, Edition.name)
        .join(Edition, NominationDraft.edition_id == Edition.id)
        .where(Edition.nominations_close_at <= now)
        .order_by(Edition.year, NominationDraft.id)
    ).all()
    if not rows:
        return {}
    removed: dict[str, int] = {}
    for _draft_id, edition_name in rows:
        removed[edition_name] = removed.get(edition_name, 0) + 1
    ids = [draft_id for draft_id, _name in rows]
    _retire_resume_links(ids)
    db.session.execute(
        delete(NominationDraft).where(NominationDraft.id.in_(ids)).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    record_event(None, "drafts.purged", None, count=len(ids), by_edition=removed)
    return removed
