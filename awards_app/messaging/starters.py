"""Ready-made starting points for the usual year: the organiser picks one, then edits its subject and body."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Starter:
    """A message to begin from: whom it is for, its subject and its body (with merge fields)."""

    key: str
    label: str
    segment: str
    subject: str
    body: str


STARTERS: dict[str, Starter] = {
    starter.key: starter
    for starter in [
        Starter(
            "shortlisted", "Shortlisted (to nominees)", "shortlisted.nominees",
            "You are on the shortlist: {category}",
            "Dear {name},\n\nCongratulations: you are on the shortlist for the {category} award "
            "(reference {reference}).\n\nThe ceremony is on {ceremony_date} at {ceremony_place}. We will write again "
            "with your invitation.\n\nWith warm wishes,\nThe awards team",
        ),
        Starter(
            "not_shortlisted", "Not shortlisted (to nominators)", "not_shortlisted.nominators",
            "Your nomination of {nominee}: {category}",
            "Dear {name},\n\nThank you for nominating {nominee} for the {category} award (reference {reference}). "
            "The judges read every nomination with care, and this year {nominee} has not been shortlisted.\n\n"
            "That takes nothing away from what your nomination says: that someone saw good work and took the time to "
            "tell us. Thank you for that.\n\nWith warm wishes,\nThe awards team",
        ),
        Starter(
            "vote_finalist", "Finalist in the public vote (to nominees)", "vote_finalists.nominees",
            "The public vote is open: {category}",
            "Dear {name},\n\nYou are a finalist for the {category} award, and the public vote is now open.\n\n"
            "Share your page with your supporters so that they can vote for you: {share_link}\n\n"
            "Good luck,\nThe awards team",
        ),
        Starter(
            "winner", "Winner (after the reveal)", "winners.nominees",
            "Congratulations: winner of the {category} award",
            "Dear {name},\n\nCongratulations once again on winning the {category} award. It was a joy to celebrate "
            "with you.\n\nWith warm wishes,\nThe awards team",
        ),
        Starter(
            "highly_commended", "Highly commended (after the reveal)", "highly_commended.nominees",
            "Highly commended: {category}",
            "Dear {name},\n\nCongratulations on being highly commended in the {category} award. The judges wanted "
            "your work to be recognised.\n\nWith warm wishes,\nThe awards team",
        ),
        Starter(
            "ceremony_invitation", "Ceremony invitation (to finalists' nominees)", "shortlisted.nominees",
            "You are invited to the awards ceremony",
            "Dear {name},\n\nAs a finalist for the {category} award, you are invited to the ceremony on "
            "{ceremony_date} at {ceremony_place}.\n\nPlease tell us whether you can come, and anything we can do to "
            "make the day accessible for you: {rsvp_link}\n\nWith warm wishes,\nThe awards team",
        ),
    ]
}
