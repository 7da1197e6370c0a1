"""Queueing email in the outbox. Delivery happens only after the commit (see mail_delivery).

Two guards stand between the public and anyone's inbox here: the emails the public can cause spend from the
recipient's budget (core/mail_budget.py), and no text in an email is left in a shape that mail programs turn into a
link, unless it is one of the app's own links (without_links).
"""
from __future__ import annotations

import functools
import re
import secrets

from flask import current_app, render_template
from sqlalchemy import insert

from awards_app.core.mail_budget import PUBLIC_TEMPLATES, spend
from awards_app.core.models import OutboxEmail
from awards_app.extensions import db

# A plain INSERT, built once: the request that queues an email never reads it back (the sender does), so the ORM's
# bookkeeping would be spent for nothing on the vote's busy path.
_ADD_EMAIL = insert(OutboxEmail.__table__).returning(OutboxEmail.id)

# What mail programs turn into links: a scheme and whatever follows it, or a host name (words joined by dots, ending
# in a top-level domain of letters) with any path. An email address is left as it is (its domain follows an @).
_LINK_LIKE = re.compile(
    r"[a-z][a-z0-9+.-]*://[^\s<>\"']+"
    r"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\b(?![@-])[^\s<>\"']*",
    re.IGNORECASE,
)


# Every match of _LINK_LIKE holds "://" or a dot before a letter, and no match (nor the app's own link) reaches past a
# space, <, >, " or ': the words without such a hint are left as they are, unread, and only the few words that hold one
# are looked at closely. Scanning a whole email with _LINK_LIKE cost a tenth of a vote request.
_LINK_HINT = re.compile(r"://|\.[a-z]", re.IGNORECASE)
_WORD_END = re.compile(r"[\s<>\"']")


def without_links(text: str) -> str:
    """The text with every URL or host name written so that no mail program makes it a link ("evil[.]example"),
    except the app's own links (to PUBLIC_BASE_URL's host), which the emails' buttons and addresses need."""
    own_links = _own_links(current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0])
    pieces = []
    done = 0  # the text before this is in `pieces`
    backwards = None  # the text reversed, to find where a word starts with the same search that finds its end
    for hint in _LINK_HINT.finditer(text):
        if hint.start() < done:
            continue  # in a word already seen to
        if backwards is None:
            backwards = text[::-1]
        before = _WORD_END.search(backwards, len(text) - hint.start())
        start = len(text) - before.start() if before else 0
        after = _WORD_END.search(text, hint.end())
        end = after.start() if after else len(text)
        pieces += [text[done:start], _defuse_word(text[start:end], own_links)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


@functools.lru_cache(maxsize=8)
def _own_links(own_host: str) -> re.Pattern:
    """The app's own links, whole (their signed tokens hold dots too), even at the end of a sentence; not a longer
    host such as ours.evil.example, nor ours@evil.example (which a browser would take to evil.example)."""
    return re.compile(
        rf"(?<![\w.@-])(?:https?://)?{re.escape(own_host)}(?:[/?#][^\s<>\"']*)?(?![\w@-]|\.[\w-])", re.IGNORECASE
    )


def _defuse_word(word: str, own_links: re.Pattern) -> str:
    """One word (no space, <, >, " or ') with its links defused, except the app's own."""
    pieces = []
    start = 0
    for match in own_links.finditer(word):
        pieces += [_defuse(word[start:match.start()]), match.group(0)]
        start = match.end()
    pieces.append(_defuse(word[start:]))
    return "".join(pieces)


def _defuse(text: str) -> str:
    """Every URL or host name in the text with its dots (and "://") bracketed, so that it is no longer a link."""
    return _LINK_LIKE.sub(lambda match: match.group(0).replace("://", "[:]//").replace(".", "[.]"), text)


def queue_email(
    to: str, subject: str, template: str, *, from_public: bool | None = None, delete_when_sent: bool = False, **context
) -> int | None:
    """Render templates/emails/<template>.txt and .html and add the email to the outbox in this transaction.

    `delete_when_sent` has the outbox row deleted as soon as the email has been sent or given up on, rather than
    kept as a record of its delivery (core/mail_delivery.py).

    An email the public can cause (a template in mail_budget.PUBLIC_TEMPLATES, unless `from_public` says otherwise,
    as when an organiser sends a consent request again) is queued only while the recipient's inbox has budget left.
    Answers the new email's id, or None when it was withheld (nothing else tells the person who caused it).
    """
    if (template in PUBLIC_TEMPLATES if from_public is None else from_public) and not spend(to, template):
        return None
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"])
    domain = current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return db.session.execute(
        _ADD_EMAIL,
        {
            "message_id": f"<{secrets.token_hex(16)}@{domain}>",
            "to_address": to,
            "subject": subject,
            "text_body": without_links(render_template(f"emails/{template}.txt", subject=subject, **context)),
            "html_body": without_links(render_template(f"emails/{template}.html", subject=subject, **context)),
            "delete_when_sent": delete_when_sent,
        },
    ).scalar_one()
