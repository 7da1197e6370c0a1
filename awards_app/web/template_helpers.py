"""Filters and globals the templates share."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

DEFAULT_TIMEZONE = "Europe/London"


def local_time(moment: datetime | None, tz: str = DEFAULT_TIMEZONE) -> datetime | None:
    """The moment in the edition's timezone."""
    return moment.astimezone(ZoneInfo(tz)) if moment else None


def format_date(moment: datetime | None, tz: str = DEFAULT_TIMEZONE) -> str:
    """'Monday 14 March 2016' in the edition's timezone."""
    local = local_time(moment, tz)
    return f"{local:%A} {local.day} {local:%B %Y}" if local else ""


def format_month(moment: datetime | None, tz: str = DEFAULT_TIMEZONE) -> str:
    """'March 2016' in the edition's timezone."""
    local = local_time(moment, tz)
    return f"{local:%B %Y}" if local else ""


def format_datetime(moment: datetime | None, tz: str = DEFAULT_TIMEZONE) -> str:
    """'2:30pm on Monday 14 March 2016' in the edition's timezone (GOV.UK style)."""
    local = local_time(moment, tz)
    if not local:
        return ""
    hour = local.hour % 12 or 12
    minutes = f":{local:%M}" if local.minute else ""
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        return f"midday on {format_date(local, tz)}"
    if local.hour == 0 and local.minute == 0:
        return f"midnight at the start of {format_date(local, tz)}"
    return f"{hour}{minutes}{suffix} on {format_date(local, tz)}"


def paragraphs(text: str | None) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines), each a list of its lines: for HTML email, where `<p>` and
    `<br>` keep the writer's breaks in every mail program (Outlook ignores CSS white-space)."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n").strip())
    return [[line.strip() for line in block.strip().split("\n")] for block in blocks if block.strip()]


def register(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(format_month, "month")

    @app.context_processor
    def site_globals():
        return {"dev_mailbox": app.config["DEV_MAILBOX"], "htmx_file": "js/htmx-2.0.11.min.js"}
