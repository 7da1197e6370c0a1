"""Organisers' panel operations: judge accounts, panel places, invitations, recusal and blind judging."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from awards_app.accounts.invitations import accept_invitation
from awards_app.accounts.models import Role, User
from awards_app.core.errors import DomainError, NotAllowed
from awards_app.core.links import LinkProblem, check_link
from awards_app.core.models import AuditEvent
from awards_app.judging import panels
from awards_app.judging.judge_access import entries_for_judge, shown_name
from awards_app.judging.models import Conflict, PanelMember, Score, ScoreComment
from tests.factories.accounts import make_judge
from tests.factories.judging import make_scores, panels_site, seat
from tests.factories.programme import make_category, make_edition


@pytest.fixture
def site(db_session, clock):
    return panels_site()


def events(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Judge accounts -----------------------------------------------------------------------------------------------


def test_add_judge_creates_an_account_without_a_password(organiser, db_session):
    judge, created = panels.add_judge(organiser, "  Ailsa.Reid@Example.ORG ", " Ailsa Reid ", " NHS Fife ")
    assert created
    assert (judge.email, judge.name, judge.affiliations) == ("ailsa.reid@example.org", "Ailsa Reid", "NHS Fife")
    assert judge.role is Role.JUDGE
    assert judge.password_hash is None
    [event] = events(db_session, "judge.added")
    assert event.actor_id == organiser.id and event.subject_id == judge.id


def test_add_judge_finds_the_existing_judge(organiser, db_session):
    first, _ = panels.add_judge(organiser, "ailsa@example.org", "Ailsa Reid")
    again, created = panels.add_judge(organiser, "AILSA@example.org", "Someone Else")
    assert again is first and not created
    assert again.name == "Ailsa Reid"
    assert db_session.scalar(select(User).where(User.email == "ailsa@example.org")) is first


def test_add_judge_refuses_an_organisers_address(organiser):
    with pytest.raises(DomainError) as refusal:
        panels.add_judge(organiser, organiser.email.upper(), "Olivia")
    assert refusal.value.field == "email"
    assert "organiser" in refusal.value.message


@pytest.mark.parametrize(
    ("email", "name", "affiliations", "field"),
    [
        ("not an address", "Ailsa", "", "email"),
        ("ailsa@example.org", "   ", "", "name"),
        ("ailsa@example.org", "A" * 201, "", "name"),
        ("ailsa@example.org", "Ailsa", "x" * 2001, "affiliations"),
    ],
)
def test_add_judge_checks_its_values(organiser, email, name, affiliations, field):
    with pytest.raises(DomainError) as refusal:
        panels.add_judge(organiser, email, name, affiliations)
    assert refusal.value.field == field


def test_only_organisers_run_panels(site, db_session):
    for actor in (None, site.judge):
        with pytest.raises(NotAllowed):
            panels.add_judge(actor, "new@example.org", "New Judge")
        with pytest.raises(NotAllowed):
            panels.add_to_panel(actor, site.other_judge, site.projects)
        with pytest.raises(NotAllowed):
            panels.invite_judge(actor, site.judge)
        with pytest.raises(NotAllowed):
            panels.recuse_judge(actor, site.judge, site.garden, "Reason")
        with pytest.raises(NotAllowed):
            panels.set_blind_judging(actor, site.edition, True, set())


def test_update_judge(site, organiser, db_session):
    panels.update_judge(organiser, site.judge, "Jo Judge-Smith", "Board member, Leith Community Trust")
    assert site.judge.name == "Jo Judge-Smith"
    assert site.judge.affiliations == "Board member, Leith Community Trust"
    assert events(db_session, "judge.updated")
    with pytest.raises(DomainError):
        panels.update_judge(organiser, site.judge, "", "")
    with pytest.raises(DomainError):
        panels.update_judge(organiser, organiser, "Olivia", "")


# --- Panel places -------------------------------------------------------------------------------------------------


def test_add_to_panel_once(site, organiser, db_session):
    place = panels.add_to_panel(organiser, site.other_judge, site.projects)
    assert panels.add_to_panel(organiser, site.other_judge, site.projects) is place
    assert place.conflicts_declared_at is None
    assert len(events(db_session, "panel.judge_added")) == 1


def test_remove_from_panel(site, organiser, db_session):
    panels.remove_from_panel(organiser, site.judge, site.projects)
    assert db_session.scalar(select(PanelMember).where(PanelMember.judge_id == site.judge.id)) is None
    assert events(db_session, "panel.judge_removed")


def test_removal_is_refused_once_the_judge_has_scored(site, organiser, db_session):
    make_scores(site.judge, site.garden, site.criteria)
    with pytest.raises(DomainError) as refusal:
        panels.remove_from_panel(organiser, site.judge, site.projects)
    assert "Jo Judge has already scored entries in ‘Project of the Year’" in refusal.value.message
    assert db_session.scalar(select(PanelMember).where(PanelMember.judge_id == site.judge.id)) is not None


def test_set_panels_adds_and_removes(site, organiser, db_session):
    added, removed = panels.set_panels(organiser, site.judge, site.edition, {site.carers.id})
    assert (added, removed) == (1, 1)
    places = db_session.scalars(select(PanelMember.category_id).where(PanelMember.judge_id == site.judge.id)).all()
    assert places == [site.carers.id]


def test_set_panels_changes_nothing_when_a_removal_is_refused(site, organiser, db_session):
    make_scores(site.judge, site.garden, site.criteria)
    with pytest.raises(DomainError, match="already scored"):
        panels.set_panels(organiser, site.judge, site.edition, {site.carers.id})
    places = db_session.scalars(select(PanelMember.category_id).where(PanelMember.judge_id == site.judge.id)).all()
    assert places == [site.projects.id]


def test_set_panels_only_among_the_editions_categories(site, organiser):
    elsewhere = make_category(make_edition(year=2025), "Elsewhere")
    with pytest.raises(DomainError):
        panels.set_panels(organiser, site.judge, site.edition, {elsewhere.id})


def test_judge_progress_counts_entries_scored_on_every_criterion(site, db_session):
    place = db_session.scalar(select(PanelMember).where(PanelMember.judge_id == site.judge.id))
    entries = entries_for_judge(site.judge, place)
    assert panels.judge_progress(site.judge, place, entries) == 0
    make_scores(site.judge, site.garden, site.criteria)
    make_scores(site.judge, site.strathdee, site.criteria[:1])  # half done
    assert panels.judge_progress(site.judge, place, entries) == 1


# --- Invitations --------------------------------------------------------------------------------------------------


def test_invitation_email_lists_the_panels(site, organiser, outbox, clock):
    seat(site.judge, site.carers, declared=False)
    expires_at = panels.invite_judge(organiser, site.judge)
    assert expires_at == clock.now() + timedelta(days=14)
    [email] = outbox()
    assert email.to_address == "jo@example.org"
    for body in (email.text_body, email.html_body):
        assert "Project of the Year" in body and "Carer of the Year" in body
        assert "http://awards.test/sign-in/invitation/" in body
        assert "jo@example.org" in body


def test_invitation_leaves_out_panels_of_earlier_editions(site, organiser, outbox):
    newer = make_edition(year=2027)
    seat(site.judge, make_category(newer, "Carer of the Year 2027"), declared=False)
    panels.invite_judge(organiser, site.judge)
    body = outbox()[-1].text_body
    assert "Carer of the Year 2027" in body and "Project of the Year" not in body


def test_a_new_invitation_replaces_the_older_one(site, organiser, outbox, db_session):
    panels.invite_judge(organiser, site.judge)
    first = outbox()[-1].text_body.split("/sign-in/invitation/")[1].split()[0]
    panels.invite_judge(organiser, site.judge)
    with pytest.raises(LinkProblem) as problem:
        check_link(panels.INVITATION_PURPOSE, first)
    assert problem.value.reason == "superseded"
    assert len(events(db_session, "judge.invited")) == 2


def test_no_invitation_without_a_panel_or_for_a_switched_off_account(site, organiser, outbox):
    loner = make_judge("loner@example.org", "Lee Loner")
    with pytest.raises(DomainError, match="at least one panel"):
        panels.invite_judge(organiser, loner)
    site.judge.active = False
    with pytest.raises(DomainError, match="switched off"):
        panels.invite_judge(organiser, site.judge)
    assert outbox() == []


def test_invitation_states(site, organiser, outbox, clock, db_session):
    sam = site.other_judge
    assert panels.invitation_states([site.judge])[site.judge.id].status == "not_invited"
    panels.invite_judge(organiser, site.judge)
    panels.invite_judge(organiser, sam)
    tokens = {email.to_address: email.text_body.split("/sign-in/invitation/")[1].split()[0] for email in outbox()}
    states = panels.invitation_states([site.judge, sam])
    assert states[site.judge.id].status == "invited"
    assert states[site.judge.id].invited_at == clock.now()
    accept_invitation(tokens["jo@example.org"], "a brand new long password")
    clock.advance(days=15)
    states = panels.invitation_states([site.judge, sam])
    assert states[site.judge.id].status == "accepted"
    assert states[site.judge.id].label == "Invitation accepted"
    assert states[sam.id].status == "expired"


# --- Recusal ------------------------------------------------------------------------------------------------------


def test_recusal_hides_the_entry_and_keeps_the_judges_scores_out_of_sight(site, organiser, db_session):
    make_scores(site.judge, site.garden, site.criteria, comment="Lovely project")
    make_scores(site.judge, site.strathdee, site.criteria)
    conflict = panels.recuse_judge(organiser, site.judge, site.garden, " Her sister runs the garden. ")
    assert (conflict.kind, conflict.reason, conflict.recorded_by_id) == ("recused", "Her sister runs the garden.", organiser.id)
    place = db_session.scalar(select(PanelMember).where(PanelMember.judge_id == site.judge.id))
    assert site.garden not in entries_for_judge(site.judge, place)
    left = db_session.scalars(select(Score.nomination_id).where(Score.judge_id == site.judge.id)).all()
    assert set(left) == {site.strathdee.id, site.garden.id}  # kept (restorable), left out of every figure
    assert db_session.scalar(select(ScoreComment.text).where(ScoreComment.judge_id == site.judge.id)) == "Lovely project"
    [event] = events(db_session, "conflict.recused")
    assert event.details["scores_kept"] == 2 and event.details["comment_kept"] is True
    assert event.subject_id == site.garden.id


def test_recusal_rules(site, organiser, db_session):
    with pytest.raises(DomainError) as refusal:
        panels.recuse_judge(organiser, site.judge, site.garden, "  ")
    assert refusal.value.field == "reason"
    with pytest.raises(DomainError, match="not on the panel"):
        panels.recuse_judge(organiser, site.judge, site.morag, "Reason")
    panels.recuse_judge(organiser, site.judge, site.garden, "Reason")
    with pytest.raises(DomainError, match="already recorded"):
        panels.recuse_judge(organiser, site.judge, site.garden, "Again")
    assert db_session.scalar(select(Conflict).where(Conflict.nomination_id == site.morag.id)) is None


# --- Blind judging and the organisers' list -----------------------------------------------------------------------


def test_blind_judging_hides_names_where_the_category_allows(site, organiser, db_session):
    panels.set_blind_judging(organiser, site.edition, True, {site.projects.id})
    assert site.edition.hide_nominee_names and site.projects.names_can_be_hidden
    assert not site.carers.names_can_be_hidden
    assert shown_name(site.garden) == f"Entry {site.garden.reference}"
    assert shown_name(site.morag) == "Morag Fraser"
    panels.set_blind_judging(organiser, site.edition, False, {site.projects.id})
    assert shown_name(site.garden) == "Growing Together Garden"
    assert len(events(db_session, "edition.blind_judging_set")) == 2


def test_blind_judging_only_among_the_editions_categories(site, organiser):
    elsewhere = make_category(make_edition(year=2025), "Elsewhere")
    with pytest.raises(DomainError):
        panels.set_blind_judging(organiser, site.edition, True, {elsewhere.id})


def test_judges_of_edition(site, organiser, db_session):
    loner = make_judge("loner@example.org", "Lee Loner")
    panels.recuse_judge(organiser, site.judge, site.garden, "Reason")
    on_panels, others = panels.judges_of_edition(site.edition)
    assert [row.judge for row in on_panels] == [site.judge, site.other_judge]
    assert [row.judge for row in others] == [loner]
    jo = on_panels[0]
    assert jo.category_ids == {site.projects.id}
    assert [conflict.nomination_id for conflict in jo.conflicts] == [site.garden.id]
    assert jo.invitation.status == "not_invited"
    assert panels.panel_judges(site.projects) == [site.judge]
    assert [c.judge_id for c in panels.conflicts_on(site.garden)] == [site.judge.id]
