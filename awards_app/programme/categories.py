"""An edition's categories, their questions, and the judging criteria (the edition's shared set, or a category's own),
as organisers shape them."""
from __future__ import annotations

import math

from sqlalchemy import func, select

from awards_app.accounts.models import User
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.extensions import db
from awards_app.judging.models import Score
from awards_app.nominations.models import Nomination, NominationAnswer
from awards_app.programme.criteria import uses_own_criteria
from awards_app.permissions import is_organiser
from awards_app.programme.editions import apply_changes, clean_text, save_new, whole_number
from awards_app.programme.models import (
    SHORTLIST_SIZE_BY_DEFAULT,
    Category,
    Criterion,
    Edition,
    NomineeKind,
    Question,
)
from awards_app.voting.contests import ensure_not_locked

DIRECTIONS = ("up", "down")
SHORTLIST_SIZE_MOST = 10


# --- Categories --------------------------------------------------------------------------------------------------


def add_category(actor: User, edition: Edition, **details) -> Category:
    """Add a category at the end of the edition's list (`details` as checked_category_values takes them)."""
    is_organiser.require(actor)
    values = checked_category_values(edition, None, **details)
    category = Category(edition=edition, display_order=_next_position(edition.categories), **values)
    save_new(actor, "category.added", category, edition_id=edition.id, name=category.name)
    return category


def update_category(actor: User, category: Category, **details) -> Category:
    """Change a category's name, description, eligibility notes, kind of nominee and whether it has a public vote."""
    is_organiser.require(actor)
    if bool(details.get("has_public_vote")) != category.has_public_vote:
        ensure_not_locked(category, "whether it has a public vote")
    values = checked_category_values(category.edition, category, **details)
    apply_changes(actor, "category.updated", category, values)
    return category


# An announced edition keeps what announcing checked it has: its last category, and the last criterion a category
# is judged on, cannot go. (A category's questions can: a category added to a public edition starts without any, so
# adding and removing one is ordinary editing, and a nomination without answers still names its nominee.)
PUBLIC_AND_COMPLETE = "The edition is announced, so it must keep at least "


def category_kept_because(category: Category) -> str | None:
    """Why the category cannot be deleted, or None when it can."""
    nominations = _count_rows(Nomination.category_id == category.id)
    if nominations:
        return (
            f"‘{category.name}’ cannot be deleted because it already has {_count(nominations, 'nomination')}. "
            "You can still change its name and description."
        )
    if category.edition.is_public and len(category.edition.categories) == 1:
        return (f"‘{category.name}’ cannot be deleted: {PUBLIC_AND_COMPLETE}one category. Add another category "
                "first, or change this one.")
    return None


def delete_category(actor: User, category: Category) -> None:
    """Delete a category and its questions, unless nominations have been made in it."""
    is_organiser.require(actor)
    _delete_unless_kept(actor, category, category_kept_because(category), category.edition, "categories",
                        name=category.name)


def move_category(actor: User, category: Category, direction: str) -> None:
    """Swap a category with the one above or below it in the edition's list."""
    is_organiser.require(actor)
    _move(category, category.edition, "categories", direction, noun="category")
    record_event(actor, "category.moved", category, direction=direction, position=category.display_order + 1)


def checked_category_values(
    edition: Edition,
    category: Category | None,
    *,
    name: str,
    nominee_kind: NomineeKind | str,
    has_public_vote: bool = False,
    description: str = "",
    eligibility_notes: str = "",
    shortlist_size: int = SHORTLIST_SIZE_BY_DEFAULT,
) -> dict:
    """A category's values, checked: a name no other category of the edition has, a known kind of nominee, and a
    shortlist of 1 to 10 finalists; `category` is the one being changed, None for a new one."""
    name = clean_text(name, field="name", label="the name of the category", max_length=200, required=True)
    if any(other.name.casefold() == name.casefold() for other in edition.categories if other is not category):
        raise DomainError(f"There is already a category called ‘{name}’ in this edition", field="name")
    try:
        kind = NomineeKind(nominee_kind)
    except ValueError:
        raise DomainError("Select who or what the category is for", field="nominee_kind") from None
    return {
        "name": name,
        "nominee_kind": kind,
        "has_public_vote": bool(has_public_vote),
        "description": clean_text(description, field="description", label="the description", max_length=5000),
        "eligibility_notes": clean_text(
            eligibility_notes, field="eligibility_notes", label="the eligibility notes", max_length=5000
        ),
        "shortlist_size": whole_number(
            shortlist_size, field="shortlist_size", label="Number of finalists", lowest=1, highest=SHORTLIST_SIZE_MOST
        ),
    }


# --- Questions ---------------------------------------------------------------------------------------------------


def add_question(actor: User, category: Category, **details) -> Question:
    """Add a question at the end of the category's list (`details` as checked_question_values takes them)."""
    is_organiser.require(actor)
    question = Question(category=category, display_order=_next_position(category.questions),
                        **checked_question_values(**details))
    save_new(actor, "question.added", question, category_id=category.id, prompt=question.prompt)
    return question


def update_question(actor: User, question: Question, **details) -> Question:
    """Change a question's wording, hint, word limit, or whether it must be answered."""
    is_organiser.require(actor)
    apply_changes(actor, "question.updated", question, checked_question_values(**details))
    return question


def question_kept_because(question: Question) -> str | None:
    """Why the question cannot be deleted, or None when it can."""
    answers = _count_rows(NominationAnswer.question_id == question.id)
    if answers:
        return (
            f"This question cannot be deleted because nominations have already answered it "
            f"({_count(answers, 'answer')}). You can still change its wording."
        )
    return None


def delete_question(actor: User, question: Question) -> None:
    """Delete a question, unless nominations have already answered it."""
    is_organiser.require(actor)
    _delete_unless_kept(actor, question, question_kept_because(question), question.category, "questions",
                        prompt=question.prompt)


def move_question(actor: User, question: Question, direction: str) -> None:
    """Swap a question with the one above or below it in the category's list."""
    is_organiser.require(actor)
    _move(question, question.category, "questions", direction, noun="question")
    record_event(actor, "question.moved", question, direction=direction, position=question.display_order + 1)


def checked_question_values(*, prompt: str, word_limit: int, hint: str = "", required: bool = True) -> dict:
    """A question's values, checked: a prompt, and a word limit from 1 to 2,000."""
    return {
        "prompt": clean_text(prompt, field="prompt", label="the question", max_length=500, required=True),
        "word_limit": whole_number(word_limit, field="word_limit", label="Word limit", lowest=1, highest=2000),
        "hint": clean_text(hint, field="hint", label="the hint", max_length=2000),
        "required": bool(required),
    }


# --- Criteria ----------------------------------------------------------------------------------------------------


def add_criterion(actor: User, edition: Edition, category: Category | None = None, **details) -> Criterion:
    """Add a judging criterion to the edition's shared set, or to a category's own set when `category` is given
    (`details` as checked_criterion_values takes them). A category's first own criterion replaces the edition's for
    it, so it is refused once judges have scored there (as give_own_criteria is)."""
    is_organiser.require(actor)
    if category is not None and not uses_own_criteria(category):
        if kept_because := criteria_switch_kept_because(category):
            raise DomainError(kept_because)
    siblings = _criterion_siblings(edition, category)
    if kept_because := criteria_set_closed_because(edition, category, siblings):
        raise DomainError(kept_because)
    values = checked_criterion_values(siblings, None, **details)
    # Ids rather than relationships: a backref would put the row in a loaded list before it is in the session.
    criterion = Criterion(edition_id=edition.id, category_id=category.id if category else None,
                          display_order=_next_position(siblings), **values)
    save_new(actor, "criterion.added", criterion, edition_id=edition.id,
             category_id=category.id if category else None, name=criterion.name)
    _reread_criteria(edition, category)
    return criterion


def update_criterion(actor: User, criterion: Criterion, **details) -> Criterion:
    """Change a criterion's name, description, guidance, weight or scale (weight and scale only before any scores
    with it and before the shortlist of a category using it: either would rewrite figures already given)."""
    is_organiser.require(actor)
    values = checked_criterion_values(_criterion_siblings(criterion.edition, criterion.category), criterion, **details)
    if any(values[column] != getattr(criterion, column) for column in ("weight", "scale_min", "scale_max")):
        if kept_because := criterion_measure_kept_because(criterion):
            raise DomainError(kept_because, field="weight")
    apply_changes(actor, "criterion.updated", criterion, values)
    return criterion


def criterion_kept_because(criterion: Criterion) -> str | None:
    """Why the criterion cannot be deleted, or None when it can."""
    scores = _count_rows(Score.criterion_id == criterion.id)
    if scores:
        return (
            f"‘{criterion.name}’ cannot be deleted because judges have already given "
            f"{_count(scores, 'score')} with it. You can still change its name and description."
        )
    edition = criterion.edition
    left_without = [category for category in edition.categories if not _criteria_without(category, criterion)]
    if edition.is_public and left_without:
        return (f"‘{criterion.name}’ cannot be deleted: {PUBLIC_AND_COMPLETE}one judging criterion for each category, "
                f"and ‘{left_without[0].name}’ would have none. Add another criterion first, or change this one.")
    return None


def _criteria_without(category: Category, gone: Criterion) -> list[Criterion]:
    """What the category would be judged on once `gone` is deleted (its own set falls back to the edition's)."""
    own = [each for each in category.own_criteria if each.id != gone.id]
    return own or [each for each in category.edition.criteria if each.id != gone.id]


def criterion_measure_kept_because(criterion: Criterion) -> str | None:
    """Why the criterion's weight and scale can no longer change, or None when they can: scores given on the old scale
    (or a shortlist chosen from them) would be read with the new one."""
    if chosen := _shortlisted_categories(criterion.edition, criterion.category):
        return (f"The weight and scale of ‘{criterion.name}’ cannot change because the shortlist of "
                f"‘{chosen[0].name}’ was chosen with them. You can still change its name, description and guidance.")
    if scores := _count_rows(Score.criterion_id == criterion.id):
        return (f"The weight and scale of ‘{criterion.name}’ cannot change because judges have already given "
                f"{_count(scores, 'score')} with them. You can still change its name, description and guidance.")
    return None


def criteria_set_closed_because(edition: Edition, category: Category | None, siblings: list[Criterion]) -> str | None:
    """Why no criterion can be added to the set (the category's own, or the edition's shared one), or None when one can:
    every score set already given would become incomplete, so every entry would drop out of the figures."""
    if chosen := _shortlisted_categories(edition, category):
        return (f"No criterion can be added because the shortlist of ‘{chosen[0].name}’ was chosen with these criteria. "
                "You can still change each criterion's name, description and guidance.")
    if siblings and (scores := _count_rows(Score.criterion_id.in_([c.id for c in siblings]))):
        return (f"No criterion can be added because judges have already given {_count(scores, 'score')} with these "
                "criteria. You can still change each criterion's name, description and guidance.")
    return None


def _shortlisted_categories(edition: Edition, category: Category | None) -> list[Category]:
    """The categories judged on the set (the category's own, or the edition's shared one) whose shortlist is chosen."""
    using = [category] if category is not None else [c for c in edition.categories if not uses_own_criteria(c)]
    return [c for c in using if c.shortlisted_at is not None]


def delete_criterion(actor: User, criterion: Criterion) -> None:
    """Delete a criterion, unless judges have already scored with it."""
    is_organiser.require(actor)
    if criterion.category is not None:
        _delete_unless_kept(actor, criterion, criterion_kept_because(criterion), criterion.category, "own_criteria",
                            name=criterion.name)
    else:
        _delete_unless_kept(actor, criterion, criterion_kept_because(criterion), criterion.edition, "criteria",
                            name=criterion.name)


def criteria_switch_kept_because(category: Category) -> str | None:
    """Why the category cannot change between the edition's criteria and its own, or None when it can: scores
    already given with the criteria it uses now would drop out of its figures (as deleting a scored criterion would)."""
    scores = _count_rows(Score.nomination_id.in_(select(Nomination.id).where(Nomination.category_id == category.id)))
    return (
        f"‘{category.name}’ keeps the criteria it has because judges have already given {_count(scores, 'score')} "
        "with them. You can still change each criterion's name, description and guidance."
    ) if scores else None


def give_own_criteria(actor: User, category: Category) -> list[Criterion]:
    """Give the category criteria of its own, starting as copies of the edition's (then changed one by one)."""
    is_organiser.require(actor)
    if uses_own_criteria(category):
        raise DomainError(f"‘{category.name}’ already has criteria of its own.")
    if kept_because := criteria_switch_kept_because(category):
        raise DomainError(kept_because)
    if not category.edition.criteria:
        raise DomainError("The edition has no criteria to copy yet: add this category's own criteria one by one.")
    copied = ("name", "description", "guidance", "weight", "scale_min", "scale_max", "display_order")
    for shared in category.edition.criteria:
        db.session.add(Criterion(edition_id=category.edition_id, category_id=category.id,
                                 **{column: getattr(shared, column) for column in copied}))
    db.session.flush()
    _reread_criteria(category.edition, category)
    record_event(actor, "category.own_criteria", category, criteria=[c.name for c in category.own_criteria])
    return list(category.own_criteria)


def use_edition_criteria(actor: User, category: Category) -> None:
    """Have the category use the edition's criteria again, deleting its own (refused once judges scored with them)."""
    is_organiser.require(actor)
    if not uses_own_criteria(category):
        raise DomainError(f"‘{category.name}’ already uses the edition's criteria.")
    if kept_because := criteria_switch_kept_because(category):
        raise DomainError(kept_because)
    names = [criterion.name for criterion in category.own_criteria]
    for criterion in list(category.own_criteria):
        db.session.delete(criterion)
    db.session.flush()
    _reread_criteria(category.edition, category)
    record_event(actor, "category.edition_criteria", category, removed=names)


def checked_criterion_values(
    siblings: list[Criterion],
    criterion: Criterion | None,
    *,
    name: str,
    weight: float,
    scale_min: int,
    scale_max: int,
    description: str = "",
    guidance: str = "",
) -> dict:
    """A criterion's values, checked: a name unique among its siblings (the set it belongs to), a weight above 0 up to
    100, and a scale within 0 to 100; `criterion` is the one being changed, None for a new one."""
    name = clean_text(name, field="name", label="the name of the criterion", max_length=200, required=True)
    if any(other.name.casefold() == name.casefold() for other in siblings if other is not criterion):
        where = "this category" if siblings and siblings[0].category_id else "this edition"
        raise DomainError(f"There is already a criterion called ‘{name}’ in {where}", field="name")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
        raise DomainError("Weight must be a number, like 1 or 2.5", field="weight")
    weight = round(float(weight), 2)  # the column keeps two decimal places
    if not 0 < weight <= 100:
        raise DomainError("Weight must be more than 0 and no more than 100", field="weight")
    scale_min = whole_number(scale_min, field="scale_min", label="Lowest score", lowest=0, highest=100)
    scale_max = whole_number(scale_max, field="scale_max", label="Highest score", lowest=0, highest=100)
    if scale_max <= scale_min:
        raise DomainError("Highest score must be more than the lowest score", field="scale_max")
    return {
        "name": name,
        "description": clean_text(description, field="description", label="the description", max_length=5000),
        "guidance": clean_text(guidance, field="guidance", label="the guidance", max_length=2000),
        "weight": weight,
        "scale_min": scale_min,
        "scale_max": scale_max,
    }


def _criterion_siblings(edition: Edition, category: Category | None) -> list[Criterion]:
    """The set a criterion belongs to: the category's own, or the edition's shared criteria."""
    return list(category.own_criteria if category is not None else edition.criteria)


def _reread_criteria(edition: Edition, category: Category | None) -> None:
    """Have the edition and category read their criteria again (a new row is not in a list already loaded)."""
    db.session.expire(edition, ["criteria"])
    if category is not None:
        db.session.expire(category, ["own_criteria"])


# --- Shared steps ------------------------------------------------------------------------------------------------


def _next_position(siblings) -> int:
    """The display position after the last of the siblings."""
    return max((sibling.display_order for sibling in siblings), default=-1) + 1


def _move(item, parent, collection: str, direction: str, noun: str) -> None:
    """Swap the item with its neighbour in the parent's list, save the new order, and have the parent read it again."""
    if direction not in DIRECTIONS:
        raise DomainError("Choose whether to move it up or down", field="direction")
    siblings = list(getattr(parent, collection))
    index = siblings.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise DomainError(f"This {noun} is already {'first' if direction == 'up' else 'last'}", field="direction")
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):  # all numbered afresh: older rows may share a number
        sibling.display_order = position
    db.session.flush()
    db.session.expire(parent, [collection])


def _delete_unless_kept(actor: User, item, kept_because: str | None, parent, collection: str, **details) -> None:
    """Delete the item from its parent's list unless a reason keeps it (refused with that reason); the audit event
    ("<item>.deleted") names the parent's id and the details given."""
    if kept_because:
        raise DomainError(kept_because)
    record_event(actor, f"{item.__tablename__}.deleted", item, **{f"{parent.__tablename__}_id": parent.id}, **details)
    db.session.delete(item)
    db.session.flush()
    db.session.expire(parent, [collection])


def _count_rows(condition) -> int:
    """How many rows match the condition (of one table)."""
    return db.session.scalar(select(func.count()).where(condition))


def _count(number: int, noun: str) -> str:
    """'1 nomination', '3 nominations'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
