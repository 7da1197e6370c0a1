"""The logo in HTML emails: attached to the email itself (a cid: image), never fetched from the web.

Email programs block remote images (they tell the sender when someone reads the email), so the layout refers to the
logo as cid:site-logo and the sender attaches the logo's file beside the HTML when it builds the message. A logo
taken down between queueing and sending is left out, image tag and all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from awards_app.site_settings.changes import stored_logo
from awards_app.site_settings.current import site_details

CONTENT_ID = "site-logo"
_LOGO_TAG = re.compile(rf'<img[^>]*src="cid:{CONTENT_ID}"[^>]*>')


@dataclass(frozen=True)
class EmailLogo:
    """The logo's bytes and image subtype, to attach under CONTENT_ID."""

    data: bytes
    subtype: str


def html_with_logo(html: str) -> tuple[str, EmailLogo | None]:
    """The HTML to send, and the logo to attach to it (None when the HTML names none or there is none now)."""
    if not _LOGO_TAG.search(html):
        return html, None
    logo = stored_logo(site_details().logo_filename)
    if logo is None:
        return _LOGO_TAG.sub("", html), None
    return html, EmailLogo(logo.data, logo.kind.content_type.split("/", 1)[1])
