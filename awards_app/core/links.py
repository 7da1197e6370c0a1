"""Emailed links that are signed, expire, and work once (or until a newer link replaces them).

The link carries a random nonce signed with a salt per purpose; the database keeps a digest of the nonce with its
expiry and whether it was used or superseded. Opening a link only checks it; using it is a separate, atomic step, so
that mail scanners which open links use nothing up.

A vote request keeps its own link's digest instead of a row here (voting/votes.py): the request already has an
expiry, a confirmation and a replacement of its own, and a vote is the busiest thing the app does.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from awards_app.core import clock
from awards_app.core.models import SingleUseLink
from awards_app.core.outbox import queue_email
from awards_app.core.public_urls import public_url
from awards_app.extensions import db


class LinkProblem(Exception):
    """A link that cannot be used, and why: tampered, expired, used or superseded."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CheckedLink:
    """A link that checked out: what it is for and what it points at."""

    link: SingleUseLink

    @property
    def subject_id(self) -> int:
        """The id of the thing the link points at."""
        return self.link.subject_id


# A plain INSERT, built once: a new link is not read back by the request that makes it (only its token is used).
_ADD_LINK = insert(SingleUseLink.__table__)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """One salt per purpose, so that a link for one thing never works for another."""
    keys = (current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or []))
    return _serializer_with(purpose, keys)


@functools.lru_cache(maxsize=64)
def _serializer_with(purpose: str, keys: tuple) -> URLSafeTimedSerializer:
    """The serializer of a purpose under these keys (current first), made once: every link checked or made uses one."""
    # itsdangerous signs with the last key and accepts any: put the current key last.
    return URLSafeTimedSerializer(list(reversed(keys)), salt=f"awards-link/{purpose}")


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def new_token(purpose: str) -> tuple[str, str]:
    """A fresh token for a link of this purpose, and the digest to keep of it (the token itself is never stored)."""
    nonce = secrets.token_urlsafe(24)
    return _serializer(purpose).dumps(nonce), _digest(nonce)


def token_digest(purpose: str, token: str) -> str:
    """The digest behind a token signed here for this purpose; LinkProblem ("tampered" or "expired") otherwise."""
    try:
        # The signature's own age check is a backstop; the stored expiry is what decides.
        nonce = _serializer(purpose).loads(token or "", max_age=400 * 24 * 3600)
    except SignatureExpired:
        raise LinkProblem("expired") from None
    except BadSignature:
        raise LinkProblem("tampered") from None
    return _digest(str(nonce))


def supersede_links(purpose: str, subject) -> None:
    """Make every unused link of this purpose for the subject stop working."""
    db.session.execute(
        update(SingleUseLink)
        .where(
            SingleUseLink.purpose == purpose,
            SingleUseLink.subject_type == type(subject).__tablename__,
            SingleUseLink.subject_id == subject.id,
            SingleUseLink.used_at.is_(None),
            SingleUseLink.superseded_at.is_(None),
        )
        .values(superseded_at=clock.now())
    )


def issue_link(purpose: str, subject, expires_at: datetime, replace_older: bool = True) -> str:
    """Create a link token for the subject; by default any older unused link for the same thing stops working."""
    now = clock.now()
    subject_type = type(subject).__tablename__
    if replace_older:
        supersede_links(purpose, subject)
    token, digest = new_token(purpose)
    db.session.execute(
        _ADD_LINK,
        {
            "purpose": purpose,
            "nonce_hash": digest,
            "subject_type": subject_type,
            "subject_id": subject.id,
            "created_at": now,
            "expires_at": expires_at,
        },
    )
    return token


def email_link(purpose: str, about, expires_at: datetime, endpoint: str, *, to: str, subject: str, template: str,
               **context) -> None:
    """Issue a link of this purpose for `about` (any older unused one stops working) and queue an email to `to`
    carrying it: the template gets the link (to `endpoint`), when it expires, and the context given."""
    token = issue_link(purpose, about, expires_at)
    queue_email(to, subject, template, link=public_url(endpoint, token=token), expires_at=expires_at, **context)


def check_link(purpose: str, token: str) -> CheckedLink:
    """The link behind a token, if it is genuine, for this purpose, unexpired, unused and not replaced."""
    link = db.session.scalar(select(SingleUseLink).where(SingleUseLink.nonce_hash == token_digest(purpose, token)))
    if link is None or link.purpose != purpose:
        raise LinkProblem("tampered")
    refuse_if_spent(link.used_at, link.superseded_at, link.expires_at)
    return CheckedLink(link)


def refuse_if_spent(used_at: datetime | None, superseded_at: datetime | None, expires_at: datetime) -> None:
    """LinkProblem for a genuine link that no longer works: used, replaced by a newer one, or expired (in that order,
    which is the order the holder is told about)."""
    if used_at is not None:
        raise LinkProblem("used")
    if superseded_at is not None:
        raise LinkProblem("superseded")
    if clock.now() >= expires_at:
        raise LinkProblem("expired")


# UPDATE one link (bound as :link_id) to used at :moment, unless it is used or replaced already. Built once.
_MARK_USED = (
    update(SingleUseLink)
    .where(
        SingleUseLink.id == bindparam("link_id"),
        SingleUseLink.used_at.is_(None),
        SingleUseLink.superseded_at.is_(None),
    )
    .values(used_at=bindparam("moment"))
    .execution_options(synchronize_session=False)
)


def use_link(purpose: str, token: str) -> CheckedLink:
    """Check the link and mark it used, atomically: of two requests racing with one link, exactly one wins (the other
    gets LinkProblem "used")."""
    checked = check_link(purpose, token)
    now = clock.now()
    result = db.session.execute(_MARK_USED, {"link_id": checked.link.id, "moment": now})
    if result.rowcount != 1:
        raise LinkProblem("used")
    # The row says used now; say the same in memory rather than read it back.
    set_committed_value(checked.link, "used_at", now)
    return checked
