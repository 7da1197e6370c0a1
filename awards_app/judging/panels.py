"""Judging panels and judges, as organisers run them: judge accounts, panel places, invitations, recusals, blind names.

A panel place is never deleted once the judge has done work there: pausing or removing a judge keeps the place and
every score and rank, which then count nowhere (judging.progress decides who counts) until they are resumed or
restored. A judge added after a category's shortlist is chosen gets a role the organiser chooses: the final round
only, or nothing this year.

Judge accounts belong to no edition: a judge keeps their account (and their recorded affiliations) from one year to
the next, and sits on the panels of one or more categories in each edition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from awards_app.accounts import invitations
from awards_app.accounts.invitations import JUDGE_INVITATION, InvitationState
from awards_app.accounts.models import Role, User
from awards_app.accounts.users import find_user_by_email, normalise_email
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.errors import DomainError
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.judging.conflicts import (
    AFFILIATIONS_MAX_LENGTH,
    clean_reason,
    record_conflict,
)
from awards_app.judging.judge_access import panels_of
from awards_app.judging.models import (
    Conflict,
    Finalist,
    FinalRank,
    PanelMember,
    PanelRole,
    PanelStatus,
    Score,
)
from awards_app.nominations.models import Nomination
from awards_app.permissions import is_judge, is_organiser
from awards_app.programme.criteria import criteria_for
from awards_app.programme.models import Category, Edition

# The judges' invitations are one kind of accounts.invitations' (organisers' are the other).
INVITATION_PURPOSE = JUDGE_INVITATION.purpose
NAME_MAX_LENGTH = 200


def _label(judge: User) -> str:
    """A judge as organisers name them."""
    return judge.name or judge.email


def _clean_details(name: str, affiliations: str) -> tuple[str, str]:
    """A judge's name (required) and affiliations (optional), trimmed and checked."""
    name = (name or "").strip()
    affiliations = (affiliations or "").strip()
    if not name:
        raise DomainError("Enter the judge's name", field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"The name must be {NAME_MAX_LENGTH} characters or fewer", field="name")
    if len(affiliations) > AFFILIATIONS_MAX_LENGTH:
        raise DomainError(
            f"The affiliations must be {AFFILIATIONS_MAX_LENGTH:,} characters or fewer", field="affiliations"
        )
    return name, affiliations


# --- Judge accounts -----------------------------------------------------------------------------------------------


def add_judge(actor: User, email: str, name: str, affiliations: str = "") -> tuple[User, bool]:
    """Create a judge account without a password, or find the judge who has this address; True when created.

    An organiser's address is refused: one person's two roles would mix the organisers' area with judging.
    """
    is_organiser.require(actor)
    address = normalise_email(email)
    name, affiliations = _clean_details(name, affiliations)
    existing = find_user_by_email(address)
    if existing is not None:
        if not existing.is_judge:
            raise DomainError(
                f"{address} belongs to an organiser. Judges need an account of their own: use another address.",
                field="email",
            )
        return existing, False
    judge = User(email=address, name=name, role=Role.JUDGE, affiliations=affiliations, password_hash=None)
    db.session.add(judge)
    db.session.flush()
    record_event(actor, "judge.added", judge, email=address, name=name)
    return judge, True


def update_judge(actor: User, judge: User, name: str, affiliations: str) -> None:
    """Change a judge's name and recorded affiliations."""
    is_organiser.require(actor)
    _check_judge(judge)
    judge.name, judge.affiliations = _clean_details(name, affiliations)
    record_event(actor, "judge.updated", judge, name=judge.name)


def _check_judge(judge: User) -> None:
    """Panel operations are for judge accounts only."""
    is_judge.require(judge, refusal=f"{judge.email} is not a judge's account.")


# --- Panel places -------------------------------------------------------------------------------------------------


def _place(judge: User, category: Category) -> PanelMember | None:
    """The judge's place on this category's panel, if any."""
    return db.session.scalar(
        select(PanelMember).where(PanelMember.judge_id == judge.id, PanelMember.category_id == category.id)
    )


def late_role_question(category: Category) -> str:
    """The question the organiser answers when adding a judge to a category whose shortlist is chosen."""
    if category.has_public_vote:
        return (
            f"The shortlist of ‘{category.name}’ has been chosen and the public vote decides it, so a judge added now "
            "has nothing to do there this year: choose ‘Nothing this year’ to add them."
        )
    return (
        f"The shortlist of ‘{category.name}’ has been chosen, so a judge added now cannot score its entries: choose "
        "whether they rank the finalists in the final round, or have nothing to do this year."
    )


def role_field(category: Category) -> str:
    """The form field that holds the role of a judge added to this category after its shortlist (form and service
    agree on it)."""
    return f"role-{category.id}"


def role_for(category: Category, role: str | None) -> str:
    """The role of a judge joining this panel now: full before the shortlist; after it, the organiser's choice of
    final round only (not where the public vote decides) or nothing this year, refused when missing."""
    if category.shortlisted_at is None:
        return PanelRole.FULL
    allowed = (PanelRole.NONE,) if category.has_public_vote else (PanelRole.FINAL_ONLY, PanelRole.NONE)
    if role not in allowed:
        raise DomainError(late_role_question(category), field=role_field(category))
    return role


def add_to_panel(actor: User, judge: User, category: Category, role: str | None = None) -> PanelMember:
    """Put a judge on a category's panel (a judge already on it stays as they are); after the shortlist, with the
    role the organiser chose for them (see role_for)."""
    is_organiser.require(actor)
    _check_judge(judge)
    place = _place(judge, category)
    if place is not None:
        return place
    role = role_for(category, role)
    place = PanelMember(judge_id=judge.id, category_id=category.id, added_at=clock.now(), role=role)
    db.session.add(place)
    db.session.flush()
    record_event(actor, "panel.judge_added", category, judge_id=judge.id, judge=judge.email, role=role)
    return place


def scores_given(judge: User, category: Category) -> int:
    """How many scores the judge has given entries of this category."""
    return db.session.scalar(
        select(func.count(Score.id))
        .join(Nomination, Score.nomination_id == Nomination.id)
        .where(Score.judge_id == judge.id, Nomination.category_id == category.id)
    )


def final_ranks_given(judge: User, category: Category) -> int:
    """How many final-round ranks the judge has given finalists of this category."""
    return db.session.scalar(
        select(func.count(FinalRank.id))
        .join(Finalist, FinalRank.finalist_id == Finalist.id)
        .where(FinalRank.judge_id == judge.id, Finalist.category_id == category.id)
    )


def kept_work(judge: User, category: Category) -> str:
    """The judge's work in this category in words, e.g. '12 scores and 3 final ranks' (or 'no scores')."""
    return work_in_words(scores_given(judge, category), final_ranks_given(judge, category))


def work_in_words(scores: int, final_ranks: int) -> str:
    """'12 scores and 3 final ranks', '1 score', 'no scores'."""
    parts = [
        f"{count} {noun}{'' if count == 1 else 's'}"
        for count, noun in ((scores, "score"), (final_ranks, "final rank"))
        if count
    ]
    return " and ".join(parts) or "no scores"


def removal_refused_because(judge: User, category: Category) -> str | None:
    """Why unticking the judge's panel cannot take them off it (they have work there), or None if it can."""
    if scores_given(judge, category) or final_ranks_given(judge, category):
        return (
            f"{_label(judge)} has already scored entries in ‘{category.name}’, so they stay on its panel when "
            "unticked. To take them off it, use ‘Remove’ beside the category on their card: their work is kept but "
            "no longer counts."
        )
    return None


def remove_from_panel(actor: User, judge: User, category: Category) -> None:
    """Take a judge who has done no work off a category's panel altogether (remove_judge keeps a judge's work)."""
    is_organiser.require(actor)
    place = _place(judge, category)
    if place is None:
        return
    refusal = removal_refused_because(judge, category)
    if refusal:
        raise DomainError(refusal)
    db.session.delete(place)
    db.session.flush()
    record_event(actor, "panel.judge_removed", category, judge_id=judge.id, judge=judge.email)


def set_panels(
    actor: User, judge: User, edition: Edition, category_ids: set[int], roles: dict[int, str] | None = None
) -> tuple[int, int]:
    """Make the judge's panels in this edition exactly these categories; (added, removed) counts. `roles` holds the
    organiser's choice for each category whose shortlist is chosen (final round only, or nothing this year).

    Nothing changes if any removal is refused or a role is missing, so that the organiser can see the whole picture.
    """
    is_organiser.require(actor)
    _check_judge(judge)
    roles = roles or {}
    categories = {category.id: category for category in edition.categories}
    unknown = set(category_ids) - set(categories)
    if unknown:
        raise DomainError("Choose panels among this edition's categories.")
    current = {place.category_id for place in all_places_of(judge) if place.category_id in categories}
    leaving = [categories[category_id] for category_id in sorted(current - set(category_ids))]
    refusals = [refusal for refusal in (removal_refused_because(judge, category) for category in leaving) if refusal]
    joining = [category for category in edition.categories if category.id in set(category_ids) - current]
    for category in joining:
        try:
            role_for(category, roles.get(category.id))
        except DomainError as refusal:
            refusals.append(refusal.message)
    if refusals:
        raise DomainError(" ".join(refusals))
    for category in joining:
        add_to_panel(actor, judge, category, roles.get(category.id))
    for category in leaving:
        remove_from_panel(actor, judge, category)
    return len(joining), len(leaving)


def all_places_of(judge: User) -> list[PanelMember]:
    """Every panel place of the judge, removed ones too (the organisers' view; judges see judge_access.panels_of)."""
    return list(db.session.scalars(select(PanelMember).where(PanelMember.judge_id == judge.id)))


# --- Pausing, removing, resuming, restoring -----------------------------------------------------------------------

# What each change does: the statuses it may start from, the status it leaves, and its audit action.
_STATUS_CHANGES = {
    "pause": ((PanelStatus.ACTIVE,), PanelStatus.PAUSED, "panel.judge_paused"),
    "resume": ((PanelStatus.PAUSED,), PanelStatus.ACTIVE, "panel.judge_resumed"),
    "remove": ((PanelStatus.ACTIVE, PanelStatus.PAUSED), PanelStatus.REMOVED, "panel.judge_removed_keeping_work"),
    "restore": ((PanelStatus.REMOVED,), PanelStatus.ACTIVE, "panel.judge_restored"),
}
STATUS_CHANGE_ACTIONS = tuple(action for _, _, action in _STATUS_CHANGES.values())  # progress.panel_of reads them
_STATUS_WORDS = {PanelStatus.ACTIVE: "active", PanelStatus.PAUSED: "paused", PanelStatus.REMOVED: "removed"}


def _change_status(actor: User, place: PanelMember, change: str) -> PanelMember:
    """Move a judge's panel place to another status, keeping all their work; audited with the work kept."""
    is_organiser.require(actor)
    starts, status, action = _STATUS_CHANGES[change]
    if place.status not in starts:
        raise DomainError(
            f"{_label(place.judge)} is {_STATUS_WORDS[place.status]} on the panel of ‘{place.category.name}’, "
            f"so they cannot be {'resumed' if change == 'resume' else change + 'd'}."
        )
    status_before = place.status  # kept so that the first-round panel as it stood at the shortlist can be read
    place.status = status
    place.status_changed_at = clock.now()
    place.status_changed_by_id = actor.id
    db.session.flush()
    record_event(
        actor, action, place.category, judge_id=place.judge_id, judge=place.judge.email, status_before=status_before,
        scores_kept=scores_given(place.judge, place.category),
        final_ranks_kept=final_ranks_given(place.judge, place.category),
    )
    return place


def pause_judge(actor: User, place: PanelMember) -> PanelMember:
    """Pause a judge on a panel: they see their pages read-only, and their work is kept but not counted."""
    return _change_status(actor, place, "pause")


def resume_judge(actor: User, place: PanelMember) -> PanelMember:
    """Let a paused judge carry on: their work counts again."""
    return _change_status(actor, place, "resume")


def remove_judge(actor: User, place: PanelMember) -> PanelMember:
    """Take a judge off a panel, keeping their work (not counted); they no longer see the category."""
    return _change_status(actor, place, "remove")


def restore_judge(actor: User, place: PanelMember) -> PanelMember:
    """Put a removed judge back on the panel: they see the category again and their work counts again."""
    return _change_status(actor, place, "restore")


# --- Invitations --------------------------------------------------------------------------------------------------


def invite_judge(actor: User, judge: User) -> datetime:
    """Email the judge a link to set their password, listing their panels; any older invitation stops working."""
    is_organiser.require(actor)
    _check_judge(judge)
    if not judge.active:
        raise DomainError(f"{_label(judge)}'s account is switched off, so they cannot be invited.")
    places = panels_of(judge)
    if not places:
        raise DomainError(f"Put {_label(judge)} on at least one panel before inviting them.")
    # The invitation is about this year's judging: panels of earlier editions are not listed.
    places = [place for place in places if place.category.edition_id == places[0].category.edition_id]
    expires_at = invitations.send_invitation(
        JUDGE_INVITATION, judge,
        subject="You are invited to judge the Self Management Awards", template="judge_invitation",
        judge=judge,
        places=places,
        sign_in_link=public_url("auth.sign_in"),
        timezone=places[0].category.edition.timezone,
    )
    record_event(actor, "judge.invited", judge, email=judge.email, panels=[place.category_id for place in places])
    return expires_at


def invitation_states(judges: list[User]) -> dict[int, InvitationState]:
    """Each judge's invitation state: the latest invitation decides (whether used, still live or expired)."""
    return invitations.invitation_states(JUDGE_INVITATION, judges)


# --- Recusal and blind judging ------------------------------------------------------------------------------------


def recuse_judge(actor: User, judge: User, nomination: Nomination, reason: str) -> Conflict:
    """Recuse a judge from an entry of their panel: it leaves their lists; their scores of it are kept, uncounted."""
    is_organiser.require(actor)
    _check_judge(judge)
    if _place(judge, nomination.category) is None:
        raise DomainError(f"{_label(judge)} is not on the panel of ‘{nomination.category.name}’.", field="judge")
    return record_conflict(actor, judge, nomination, clean_reason(reason, field="reason"), "recused")


def set_blind_judging(actor: User, edition: Edition, hide_names: bool, hideable_ids: set[int]) -> None:
    """Hide nominees' names from judges in this edition, in the categories that allow it (and say which do)."""
    is_organiser.require(actor)
    known = {category.id for category in edition.categories}
    if set(hideable_ids) - known:
        raise DomainError("Choose among this edition's categories.")
    edition.hide_nominee_names = bool(hide_names)
    for category in edition.categories:
        category.names_can_be_hidden = category.id in hideable_ids
    record_event(
        actor, "edition.blind_judging_set", edition, hide_nominee_names=edition.hide_nominee_names,
        categories_hidden=sorted(hideable_ids),
    )


# --- Reading panels -----------------------------------------------------------------------------------------------


@dataclass
class JudgeRow:
    """One judge on the organisers' judges page: their panels in the edition, invitation, conflicts there."""

    judge: User
    places: list[PanelMember] = field(default_factory=list)
    invitation: InvitationState = field(default_factory=lambda: InvitationState("not_invited"))
    conflicts: list[Conflict] = field(default_factory=list)
    work: dict[int, str] = field(default_factory=dict)  # the judge's work in words, by category id

    @property
    def late_categories(self) -> set[int]:
        """The categories whose panel the judge joined after the shortlist (their role is not the full one)."""
        return {place.category_id for place in self.places if place.role != PanelRole.FULL}

    @property
    def category_ids(self) -> set[int]:
        """The categories whose panels the judge sits on."""
        return {place.category_id for place in self.places}


def judges_of_edition(edition: Edition) -> tuple[list[JudgeRow], list[JudgeRow]]:
    """The judges on this edition's panels, and the other judge accounts (from other years, or not placed yet)."""
    category_ids = [category.id for category in edition.categories]
    judges = list(db.session.scalars(select(User).where(User.role == Role.JUDGE).order_by(User.name, User.email)))
    rows = {judge.id: JudgeRow(judge) for judge in judges}
    if category_ids:
        for place in db.session.scalars(select(PanelMember).where(PanelMember.category_id.in_(category_ids))):
            rows[place.judge_id].places.append(place)
        for conflict in db.session.scalars(
            select(Conflict)
            .join(Nomination, Conflict.nomination_id == Nomination.id)
            .where(Nomination.category_id.in_(category_ids))
            .order_by(Conflict.recorded_at, Conflict.id)
        ):
            rows[conflict.judge_id].conflicts.append(conflict)
    for row in rows.values():
        row.work = {place.category_id: kept_work(row.judge, place.category) for place in row.places}
    for judge_id, state in invitation_states(judges).items():
        rows[judge_id].invitation = state
    order = {category_id: position for position, category_id in enumerate(category_ids)}
    for row in rows.values():
        row.places.sort(key=lambda place: order[place.category_id])
    on_panels = [rows[judge.id] for judge in judges if rows[judge.id].places]
    others = [rows[judge.id] for judge in judges if not rows[judge.id].places]
    return on_panels, others


def judge_progress(judge: User, place: PanelMember, entries: list[Nomination]) -> int:
    """How many of these entries the judge has scored on every criterion of the category."""
    criterion_ids = [criterion.id for criterion in criteria_for(place.category)]
    criteria = len(criterion_ids)
    if not criteria or not entries:
        return 0
    counts = db.session.execute(
        select(Score.nomination_id, func.count(Score.id))
        .where(
            Score.judge_id == judge.id,
            Score.nomination_id.in_([entry.id for entry in entries]),
            Score.criterion_id.in_(criterion_ids),
        )
        .group_by(Score.nomination_id)
    ).all()
    return sum(1 for _, count in counts if count >= criteria)


def panel_judges(category: Category) -> list[User]:
    """The judges on a category's panel, in the order they joined it."""
    return list(
        db.session.scalars(
            select(User)
            .join(PanelMember, PanelMember.judge_id == User.id)
            .where(PanelMember.category_id == category.id)
            .order_by(PanelMember.added_at, PanelMember.id)
        )
    )


def conflicts_on(nomination: Nomination) -> list[Conflict]:
    """The conflicts recorded on an entry (declared, recused or abstained), oldest first."""
    return list(
        db.session.scalars(
            select(Conflict).where(Conflict.nomination_id == nomination.id).order_by(Conflict.recorded_at, Conflict.id)
        )
    )


# --- Judges to invite again, from the panels of the edition a new one was copied from (programme/copying.py) -------


@dataclass
class ReturningJudge:
    """A judge of a past panel whose category this edition copied, with the copies whose panel they are not on yet."""

    judge: User
    categories: list[Category]  # this edition's categories, in its order
    was_on: list[Category]  # the past categories they sat on, in the past edition's order


def returning_judges(edition: Edition) -> list[ReturningJudge]:
    """The active judges who sat on (and were not removed from) the panels this edition's categories were copied
    from, each with the copies they are not on yet; a judge already on all of them is left out."""
    copies = {category.copied_from_id: category for category in edition.categories if category.copied_from_id}
    if not copies:
        return []
    seated = set(db.session.execute(
        select(PanelMember.judge_id, PanelMember.category_id)
        .where(PanelMember.category_id.in_([copy.id for copy in copies.values()]))
    ).tuples())
    past_places = db.session.scalars(
        select(PanelMember)
        .join(User, PanelMember.judge_id == User.id)
        .where(
            PanelMember.category_id.in_(copies), PanelMember.status != PanelStatus.REMOVED,
            User.role == Role.JUDGE, User.active.is_(True),
        )
    )
    rows: dict[int, ReturningJudge] = {}
    for place in past_places:
        copy = copies[place.category_id]
        row = rows.setdefault(place.judge_id, ReturningJudge(place.judge, [], []))
        row.was_on.append(place.category)
        if (place.judge_id, copy.id) not in seated:
            row.categories.append(copy)
    for row in rows.values():
        row.categories.sort(key=lambda category: (category.display_order, category.id))
        row.was_on.sort(key=lambda category: (category.display_order, category.id))
    waiting = [row for row in rows.values() if row.categories]
    return sorted(waiting, key=lambda row: (row.judge.name.casefold(), row.judge.email))


def invite_again(actor: User, judge: User, edition: Edition, category_ids: set[int]) -> datetime:
    """Put a judge of a past panel on these copies of their past categories, then email them the invitation, as
    adding them to the panels and pressing "Send the invitation" would; refused for any other category."""
    is_organiser.require(actor)
    row = next((row for row in returning_judges(edition) if row.judge.id == judge.id), None)
    offered = row.categories if row else []
    if not category_ids:
        raise DomainError(f"Tick at least one panel to invite {_label(judge)} to.")
    if set(category_ids) - {category.id for category in offered}:
        raise DomainError(f"{_label(judge)} did not sit on the past panel of every category chosen.")
    for category in offered:
        if category.id in category_ids:
            add_to_panel(actor, judge, category)
    return invite_judge(actor, judge)


def invite_all_again(actor: User, edition: Edition) -> int:
    """Invite every judge of the past panels again, each to every copy of their past categories; how many."""
    is_organiser.require(actor)
    waiting = returning_judges(edition)
    if not waiting:
        raise DomainError(
            "Every judge of the past panels is on this edition's panels already." if edition.copied_from_id
            else "This edition was not copied from a past one, so it has no past panels to invite again."
        )
    for row in waiting:
        invite_again(actor, row.judge, edition, {category.id for category in row.categories})
    return len(waiting)
