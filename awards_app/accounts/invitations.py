"""Judges' own way in: accepting the emailed invitation (setting a password), and one-time sign-in links.

Both are single-use links (core.links): opening one only checks it, and using it is a separate, atomic step, so
that mail scanners which open links use nothing up. The routes start the sign-in session once a link is used.
"""
from __future__ import annotations

from datetime import timedelta

from awards_app.accounts.models import User
from awards_app.accounts.users import check_password_rules, find_user_by_email, normalise_email, set_password
from awards_app.core import clock
from awards_app.core.audit import record_event
from awards_app.core.links import LinkProblem, check_link, email_link, use_link
from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.judging.panels import INVITATION_PURPOSE
from awards_app.permissions import is_active_judge

SIGN_IN_PURPOSE = "judge-sign-in"
SIGN_IN_LINK_LIFETIME = timedelta(minutes=30)


def _judge(user_id: int) -> User:
    """The active judge a link points at; a link for anyone else (or a switched-off account) does not work."""
    user = db.session.get(User, user_id)
    if not is_active_judge(user):
        raise LinkProblem("tampered")
    return user


# --- Invitations --------------------------------------------------------------------------------------------------


def judge_for_invitation(token: str) -> User:
    """The judge an invitation is for, without using the link up (raises LinkProblem)."""
    return _judge(check_link(INVITATION_PURPOSE, token).subject_id)


def accept_invitation(token: str, password: str) -> User:
    """Set the judge's password through their invitation, which then stops working; returns the judge.

    The password is checked before the link is used, so that a refused password leaves the link working.
    """
    judge = judge_for_invitation(token)
    check_password_rules(password, email=judge.email, name=judge.name)
    judge = _judge(use_link(INVITATION_PURPOSE, token).subject_id)
    set_password(judge, password)
    record_event(judge, "judge.invitation_accepted", judge)
    return judge


# --- One-time sign-in links ---------------------------------------------------------------------------------------


def request_sign_in_link(email: str) -> None:
    """Email a one-time sign-in link if a judge has this address; otherwise do nothing, and say nothing either way.

    The caller answers the same whatever happens here, so that nobody can find out which addresses have accounts.
    """
    address = normalise_email(email)
    user = find_user_by_email(address)
    if not is_active_judge(user):
        return
    email_link(
        SIGN_IN_PURPOSE, user, clock.now() + SIGN_IN_LINK_LIFETIME, "auth.sign_in_with_link",
        to=user.email, subject="Your link to sign in to the Self Management Awards", template="judge_sign_in_link",
        judge=user,
        request_link=public_url("auth.request_sign_in_link"),
        minutes=int(SIGN_IN_LINK_LIFETIME.total_seconds() // 60),
    )
    record_event(None, "judge.sign_in_link_sent", user)


def judge_for_sign_in_link(token: str) -> User:
    """The judge a sign-in link is for, without using it up (raises LinkProblem)."""
    return _judge(check_link(SIGN_IN_PURPOSE, token).subject_id)


def use_sign_in_link(token: str) -> User:
    """Use a sign-in link (it then stops working) and return its judge; the route starts their session."""
    judge_for_sign_in_link(token)
    judge = _judge(use_link(SIGN_IN_PURPOSE, token).subject_id)
    record_event(judge, "judge.sign_in_link_used", judge)
    return judge
