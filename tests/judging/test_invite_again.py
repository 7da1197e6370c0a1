"""The judges of the panels a new edition was copied from, as a list to invite again: who is on it, and inviting one
or all of them through the usual operations (panel places, one invitation email each, the audit)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.models import AuditEvent
from awards_app.extensions import db
from awards_app.judging import panels
from awards_app.judging.models import PanelMember, PanelStatus
from awards_app.programme.copying import copy_edition
from tests.factories.accounts import make_judge
from tests.factories.judging import panels_site, place_of, seat


@pytest.fixture
def copied(db_session, clock, organiser):
    """2026 (Jo on projects; Sam on carers; Kim on both, removed from carers; Lee paused on projects; Max switched
    off, on projects) copied into 2027."""
    site = panels_site()
    kim, lee = make_judge("kim@example.org", "Kim Judge"), make_judge("lee@example.org", "Lee Judge")
    max_ = make_judge("max@example.org", "Max Judge", active=False)
    seat(kim, site.projects)
    seat(kim, site.carers).status = PanelStatus.REMOVED
    seat(lee, site.projects).status = PanelStatus.PAUSED
    seat(max_, site.projects)
    db.session.flush()
    copy = copy_edition(organiser, site.edition, 2027, "Self Management Awards 2027")
    projects, carers = (next(c for c in copy.categories if c.copied_from_id == source.id)
                        for source in (site.projects, site.carers))
    return SimpleNamespace(site=site, edition=copy, projects=projects, carers=carers, kim=kim, lee=lee, max=max_)


def listed(edition) -> dict[str, list[str]]:
    """Who the list offers, with the categories of this edition offered to each."""
    return {row.judge.email: [c.name for c in row.categories] for row in panels.returning_judges(edition)}


def test_the_list_holds_the_past_panels_but_not_those_removed_or_switched_off(copied):
    assert listed(copied.edition) == {
        "jo@example.org": ["Project of the Year"],
        "kim@example.org": ["Project of the Year"],  # removed from carers' panel in 2026
        "lee@example.org": ["Project of the Year"],  # paused is still on the panel
        "sam@example.org": ["Carer of the Year"],
    }
    row = next(row for row in panels.returning_judges(copied.edition) if row.judge.email == "kim@example.org")
    assert row.categories == [copied.projects] and [c.id for c in row.was_on] == [copied.site.projects.id]


def test_an_edition_not_copied_has_nobody_to_invite_again(copied):
    assert panels.returning_judges(copied.site.edition) == []


def test_inviting_again_seats_the_judge_and_sends_one_invitation(copied, organiser, outbox):
    jo = copied.site.judge
    panels.invite_again(organiser, jo, copied.edition, {copied.projects.id})
    assert place_of(jo, copied.projects).status == PanelStatus.ACTIVE
    [email] = outbox()
    assert email.to_address == "jo@example.org" and "Self Management Awards 2027" in email.text_body
    assert "Self Management Awards 2026" not in email.text_body  # this year's panels only
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == organiser.id)))
    assert {"panel.judge_added", "judge.invited"} <= actions
    assert "jo@example.org" not in listed(copied.edition)


def test_a_judge_on_both_past_panels_chooses_which_and_gets_one_email(copied, organiser, outbox):
    both = make_judge("both@example.org", "Bo Both")
    seat(both, copied.site.projects)
    seat(both, copied.site.carers)
    assert listed(copied.edition)["both@example.org"] == ["Project of the Year", "Carer of the Year"]
    panels.invite_again(organiser, both, copied.edition, {copied.carers.id})
    assert {p.category_id for p in db.session.scalars(select(PanelMember).where(PanelMember.judge_id == both.id))} \
        == {copied.site.projects.id, copied.site.carers.id, copied.carers.id}
    assert len(outbox()) == 1
    assert listed(copied.edition)["both@example.org"] == ["Project of the Year"]  # still offered the other


@pytest.mark.parametrize("choice", ["none", "not_their_panel", "past_edition"])
def test_inviting_again_elsewhere_or_nowhere_is_refused_and_changes_nothing(copied, organiser, outbox, choice):
    sam = copied.site.other_judge  # sat on carers only
    category_ids = {"none": set(), "not_their_panel": {copied.projects.id},
                    "past_edition": {copied.site.carers.id}}[choice]
    with pytest.raises(DomainError):
        panels.invite_again(organiser, sam, copied.edition, category_ids)
    assert db.session.scalar(select(PanelMember).where(
        PanelMember.judge_id == sam.id, PanelMember.category_id.in_([copied.projects.id, copied.carers.id])
    )) is None
    assert outbox() == []


def test_a_switched_off_judge_cannot_be_invited_again(copied, organiser, outbox):
    with pytest.raises(DomainError):
        panels.invite_again(organiser, copied.max, copied.edition, {copied.projects.id})
    assert outbox() == []


def test_inviting_all_again_invites_each_once(copied, organiser, outbox):
    assert panels.invite_all_again(organiser, copied.edition) == 4
    assert sorted(email.to_address for email in outbox()) == [
        "jo@example.org", "kim@example.org", "lee@example.org", "sam@example.org"
    ]
    assert place_of(copied.kim, copied.projects) and place_of(copied.site.other_judge, copied.carers)
    assert listed(copied.edition) == {}
    with pytest.raises(DomainError, match="already"):
        panels.invite_all_again(organiser, copied.edition)


def test_inviting_all_again_in_an_edition_not_copied_is_refused(copied, organiser):
    with pytest.raises(DomainError, match="not copied"):
        panels.invite_all_again(organiser, copied.site.edition)


def test_only_organisers_invite_again(copied):
    jo = copied.site.judge
    with pytest.raises(NotAllowed):
        panels.invite_again(jo, jo, copied.edition, {copied.projects.id})
    with pytest.raises(NotAllowed):
        panels.invite_all_again(jo, copied.edition)
