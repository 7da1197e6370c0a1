"""The named rules of awards_app/permissions.py: each rule on its own, how they combine, and how they refuse."""
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from awards_app import permissions
from awards_app.accounts.models import Role, User
from awards_app.core.errors import DomainError, NotAllowed, NotFound
from awards_app.judging.models import PanelMember
from awards_app.permissions import (
    Rule,
    is_active,
    is_active_judge,
    is_conflicted,
    is_judge,
    is_organiser,
    is_someone_else,
    sits_on_panel,
)
from tests.factories.accounts import make_judge
from tests.factories.judging import make_conflict, seat
from tests.factories.nominations import make_nomination
from tests.factories.programme import make_category, make_edition


def person(role: Role, id: int = 1, active: bool = True) -> User:
    """A person who is not stored: the rules about who someone is only read their account."""
    return User(id=id, email=f"{role.value}{id}@example.org", role=role, active=active)


ORGANISER = person(Role.ORGANISER, id=1)
JUDGE = person(Role.JUDGE, id=2)
SWITCHED_OFF_JUDGE = person(Role.JUDGE, id=3, active=False)


# --- Who the person is --------------------------------------------------------------------------------------------


def test_is_organiser_lets_only_organisers_through():
    assert is_organiser(ORGANISER)
    assert not is_organiser(JUDGE)
    assert not is_organiser(None)
    assert not is_organiser(AnonymousUserMixin()), "a visitor who has not signed in is nobody"


def test_is_judge_lets_only_judges_through():
    assert is_judge(JUDGE) and is_judge(SWITCHED_OFF_JUDGE)
    assert not is_judge(ORGANISER)
    assert not is_judge(None)


def test_is_active_judge_needs_a_judge_whose_account_still_works():
    assert is_active(ORGANISER) and not is_active(SWITCHED_OFF_JUDGE)
    assert is_active_judge(JUDGE)
    assert not is_active_judge(SWITCHED_OFF_JUDGE)
    assert not is_active_judge(ORGANISER)
    assert not is_active_judge(None)


def test_is_someone_else_refuses_acting_on_yourself():
    other_organiser = person(Role.ORGANISER, id=9)
    assert is_someone_else(ORGANISER, other_organiser)
    assert not is_someone_else(ORGANISER, ORGANISER)
    assert not is_someone_else(ORGANISER, None)
    with pytest.raises(NotAllowed, match="Another organiser must reset yours"):
        is_someone_else.require(ORGANISER, ORGANISER, refusal="Another organiser must reset yours")


# --- Judging ------------------------------------------------------------------------------------------------------


def test_sits_on_panel_only_for_the_judge_holding_the_place():
    place = PanelMember(judge_id=JUDGE.id, category_id=7)
    assert sits_on_panel(JUDGE, place)
    assert not sits_on_panel(person(Role.JUDGE, id=5), place), "another judge's place"
    assert not sits_on_panel(JUDGE, None), "no place at all"
    assert not sits_on_panel(person(Role.ORGANISER, id=JUDGE.id), place), "only judges sit on panels"


def test_sits_on_panel_refuses_as_not_found_so_a_judge_learns_nothing():
    with pytest.raises(NotFound, match="There is no such category among your panels."):
        sits_on_panel.require(JUDGE, None)


def test_is_conflicted_reads_the_recorded_conflicts(db_session):
    category = make_category(make_edition())
    entry, other_entry = make_nomination(category), make_nomination(category, "Hamish MacLeod")
    judge, other_judge = make_judge("one@example.org"), make_judge("two@example.org")
    seat(judge, category)
    make_conflict(judge, entry)
    assert is_conflicted(judge, entry)
    assert not is_conflicted(judge, other_entry)
    assert not is_conflicted(other_judge, entry)
    (~is_conflicted).require(judge, other_entry)
    with pytest.raises(NotFound, match="There is no such entry among your panels."):
        (~is_conflicted).require(judge, entry)


# --- Refusing -----------------------------------------------------------------------------------------------------


def test_require_passes_silently_or_raises_not_allowed_which_is_a_domain_error():
    is_organiser.require(ORGANISER)
    with pytest.raises(NotAllowed, match="Only organisers can do this.") as refused:
        is_organiser.require(JUDGE)
    assert isinstance(refused.value, DomainError) and not isinstance(refused.value, NotFound)
    with pytest.raises(NotAllowed):
        is_organiser.require(None)


def test_a_refusal_can_be_put_in_the_operations_words():
    with pytest.raises(NotAllowed, match="^Only organisers can merge nominations.$"):
        is_organiser.require(JUDGE, refusal="Only organisers can merge nominations.")


# --- Combining ----------------------------------------------------------------------------------------------------


def test_either_rule():
    organiser_or_judge = is_organiser | is_judge
    assert organiser_or_judge(ORGANISER) and organiser_or_judge(JUDGE)
    assert not organiser_or_judge(None)
    assert not (is_organiser | is_active_judge)(SWITCHED_OFF_JUDGE)


def test_both_rules():
    active_organiser = is_organiser & is_active
    assert active_organiser(ORGANISER)
    assert not active_organiser(person(Role.ORGANISER, id=4, active=False))
    assert not active_organiser(JUDGE)


def test_not_a_rule_and_nobody_still_satisfies_nothing():
    not_an_organiser = ~is_organiser
    assert not_an_organiser(JUDGE) and not not_an_organiser(ORGANISER)
    assert not not_an_organiser(None), "a visitor satisfies no rule, not even a negated one"


def test_combined_rules_take_the_thing_along_and_keep_hiding():
    place = PanelMember(judge_id=JUDGE.id, category_id=7)
    judge_on_panel = is_active_judge & sits_on_panel
    assert judge_on_panel(JUDGE, place)
    assert not judge_on_panel(SWITCHED_OFF_JUDGE, PanelMember(judge_id=SWITCHED_OFF_JUDGE.id, category_id=7))
    with pytest.raises(NotFound, match="There is no such category among your panels."):
        judge_on_panel.require(SWITCHED_OFF_JUDGE, place)


def test_combined_rules_that_hide_nothing_refuse_in_general_words():
    with pytest.raises(NotAllowed, match="You are not allowed to do this.") as refused:
        (is_organiser | is_judge).require(None)
    assert not isinstance(refused.value, NotFound)


def test_a_rule_of_your_own_combines_with_the_named_ones():
    owns_it = Rule("owns_it", lambda user, thing: thing.owner_id == user.id, "That is not yours.")
    mine, theirs = SimpleNamespace(owner_id=JUDGE.id), SimpleNamespace(owner_id=99)
    assert owns_it(JUDGE, mine) and not owns_it(JUDGE, theirs)
    organiser_or_owner = is_organiser | owns_it
    assert organiser_or_owner(ORGANISER, theirs) and organiser_or_owner(JUDGE, mine)
    assert not organiser_or_owner(JUDGE, theirs)
    assert "owns_it" in repr(organiser_or_owner)


def test_the_rules_are_named_in_one_module():
    for name in ("is_organiser", "is_judge", "is_active", "is_active_judge", "is_someone_else", "sits_on_panel",
                 "is_conflicted"):
        assert isinstance(getattr(permissions, name), Rule)
