"""The messaging tests' world: the ceremony site (a public vote in Carer of the Year: Morag, Hamish and Ailsa
finalists, Eilidh not shortlisted, Callum's nominee declined), with an address of its own for every person."""
from __future__ import annotations

from types import SimpleNamespace

from awards_app.accounts.models import User
from awards_app.extensions import db
from tests.factories.ceremony import ceremony_site

ENTRIES = ("morag", "hamish", "ailsa", "eilidh", "callum")


def nominee_address(key: str) -> str:
    """The nominee's own address in this world."""
    return f"{key}@nominees.example"


def nominator_address(key: str) -> str:
    """The address of whoever nominated the entry."""
    return f"{key}.nominator@example.org"


def messaging_site(organiser: User) -> SimpleNamespace:
    """The ceremony site with distinct nominee and nominator addresses and names for every entry."""
    site = ceremony_site(organiser, closed=False)
    for key in ENTRIES:
        entry = getattr(site, key)
        entry.nominee_email = nominee_address(key)
        entry.nominator_email = nominator_address(key)
        entry.nominator_name = f"{key.title()}'s Nominator"
    site.edition.venue = "Assembly Rooms, Edinburgh"
    db.session.flush()
    return site
