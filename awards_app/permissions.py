"""Who may do what: the named rules that the domain operations and the routes both check.

A rule is a yes-or-no question about a person and, for some rules, a thing: `is_organiser(user)`,
`sits_on_panel(judge, place)`, `is_conflicted(judge, nomination)`. Rules combine as pretalx's predicates do,
with `|` (either), `&` (both) and `~` (not): `is_judge & is_active` is a rule too. Nobody (None, or a visitor who has
not signed in) satisfies any rule, not even a negated one: every rule here is about a person with an account.

An operation refuses with `rule.require(user, thing)`, which raises NotAllowed. A rule that guards things a person
must not even learn exist (another panel's categories, an entry the judge is conflicted on) refuses with NotFound,
the kind of NotAllowed that the routes answer with 404. The routes use the same rules through web/access.py.

Holding an emailed link is checked by core.links (check_link and use_link) rather than here: the link is the
credential, whoever holds it, and its refusal (LinkProblem) says why the link does not work (expired, used,
replaced), because the page tells the holder what to do next about each.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, select

from awards_app.core.errors import NotAllowed, NotFound
from awards_app.extensions import db
from awards_app.judging.models import Conflict


class Rule:
    """A named yes-or-no question about a person (and a thing, for some rules) that refuses with NotAllowed."""

    def __init__(self, name: str, test: Callable[[object, object], bool], refusal: str, hides: bool = False):
        self.name = name
        self.test = test
        self.refusal = refusal
        # True for rules about things the person may not know exist: refusing says "not found", never "not yours".
        self.hides = hides

    def __call__(self, user, thing=None) -> bool:
        """Whether the rule lets this person (with this thing) through; never for nobody."""
        # Flask-Login's stand-in for a visitor is not None, but it is nobody all the same.
        return user is not None and not user.is_anonymous and bool(self.test(user, thing))

    def require(self, user, thing=None, *, refusal: str | None = None) -> None:
        """Raise NotAllowed (NotFound for a rule that hides what it guards) unless the rule lets the person through;
        `refusal` puts the rule's words in terms of the operation, where a person will read them."""
        if not self(user, thing):
            raise (NotFound if self.hides else NotAllowed)(refusal or self.refusal)

    def __or__(self, other: Rule) -> Rule:
        return _combined(f"({self.name} | {other.name})", lambda user, thing: self(user, thing) or other(user, thing),
                         self, other)

    def __and__(self, other: Rule) -> Rule:
        return _combined(f"({self.name} & {other.name})", lambda user, thing: self(user, thing) and other(user, thing),
                         self, other)

    def __invert__(self) -> Rule:
        return _combined(f"~{self.name}", lambda user, thing: not self(user, thing), self)

    def __repr__(self) -> str:
        return f"<Rule {self.name}>"


def _combined(name: str, test: Callable[[object, object], bool], *parts: Rule) -> Rule:
    """A rule made of others: it hides if any part hides, and then refuses in that part's words ("no such ..."),
    which stay true whichever part said no; otherwise it refuses in words that fit any of its parts."""
    hiding = [part for part in parts if part.hides]
    if hiding:
        return Rule(name, test, hiding[0].refusal, hides=True)
    return Rule(name, test, "You are not allowed to do this.")


# --- Who the person is --------------------------------------------------------------------------------------------

is_organiser = Rule("is_organiser", lambda user, _: user.is_organiser, "Only organisers can do this.")

is_judge = Rule("is_judge", lambda user, _: user.is_judge, "Only judges can do this.")

is_active = Rule("is_active", lambda user, _: user.active, "This account has been switched off.")

# A judge whose account still works: the only person an invitation or a sign-in link may sign in.
is_active_judge = is_judge & is_active

# An organiser whose account still works (not removed from the team): the only person an organiser's invitation may
# sign in, and the only kind who count towards the team's last organiser.
is_active_organiser = is_organiser & is_active

# The person acted on is not the actor: some things (resetting two-factor sign-in, erasing an account) need a second
# person, so that nobody does them to themselves.
is_someone_else = Rule("is_someone_else", lambda user, other: other is not None and other.id != user.id,
                       "Another organiser must do this.")


# --- Judging -----------------------------------------------------------------------------------------------------

# The judge holds this place (a judging.models.PanelMember, or None) on a category's panel. Any other category is
# "not found": a judge never learns which categories exist beyond their panels.
sits_on_panel = Rule(
    "sits_on_panel",
    lambda user, place: place is not None and user.is_judge and place.judge_id == user.id,
    "There is no such category among your panels.",
    hides=True,
)

def conflict_recorded(judge_id, nomination_id):
    """is_conflicted as an SQL condition, for a query that asks it along with other things (the values may be
    columns: judge_access asks it in the query that finds the entry)."""
    return exists().where(Conflict.judge_id == judge_id, Conflict.nomination_id == nomination_id)


# The judge has a conflict of interest recorded on this entry (declared, recused by an organiser, or abstained).
# What a judge may not see, they may not know exists either: requiring ~is_conflicted refuses with "not found".
is_conflicted = Rule(
    "is_conflicted",
    lambda user, nomination: db.session.scalar(select(conflict_recorded(user.id, nomination.id))),
    "There is no such entry among your panels.",
    hides=True,
)
