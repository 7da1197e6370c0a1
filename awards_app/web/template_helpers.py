"""Filters and globals the templates share."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

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


# The kinds of column a table heading may name (macros/tables.html), and the class each gives its heading and cells.
COLUMN_CLASSES = {"numeric": "table__numeric", "reference": "table__reference"}
# A row, cell or row group's opening tag; attribute values may hold ">" inside their quotes.
_TABLE_TAG = re.compile(r"""<(tr|td|th|thead|tbody|tfoot)\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ROLES = {"tr": "row", "td": "cell", "thead": "rowgroup", "tbody": "rowgroup", "tfoot": "rowgroup"}
# A cell whose whole text is one word holding a digit (a number, a share, a reference such as DEMO-2026-017, a time):
# it must not break across lines, whatever its column.
_UNBREAKABLE = re.compile(r"^(?=[^\s]*\d)[^\s]+$")
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
NOWRAP_CLASS = "table__nowrap"
# A table longer than this keeps its column headings in view as it scrolls (macros/tables.html).
LONG_TABLE_ROWS = 15


@dataclass(frozen=True)
class Column:
    """A table's column: its heading's text and its kind ('', 'numeric', 'reference' or 'hidden')."""

    heading: str
    kind: str = ""

    @property
    def css_class(self) -> str:
        """The class of its heading and cells ('' for a plain column)."""
        return COLUMN_CLASSES.get(self.kind, "")


@dataclass(frozen=True)
class TableRows:
    """Rows of a table with each cell marked for its column; drawn as their HTML."""

    html: Markup
    count: int

    def __html__(self) -> Markup:
        return self.html


def table_columns(headings: Iterable) -> list[Column]:
    """The columns named by a table's headings: each a heading, or a pair (heading, kind)."""
    return [Column(heading) if isinstance(heading, str) else Column(*heading) for heading in headings]


def _attributes(text: str) -> dict[str, str | None]:
    """An opening tag's attributes by lower-case name, values without their quotes (None for a bare attribute)."""
    found = {}
    for name, value in _ATTRIBUTE.findall(text):
        found[name.lower()] = value[1:-1] if value[:1] in "\"'" and value else (value or None)
    return found


def _span(attributes: dict[str, str | None]) -> int:
    """How many columns a cell spans (1 when it does not say, or says nonsense)."""
    value = attributes.get("colspan") or "1"
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _with(tag: str, text: str, attributes: dict[str, str | None], added: dict[str, str]) -> str:
    """The opening tag with `added` attributes (a class joins the classes it has; others only where missing)."""
    extra = []
    for name, value in added.items():
        if name == "class" and attributes.get("class"):
            classes = attributes["class"].split()
            merged = f' class="{escape(" ".join([*classes, *(one for one in value.split() if one not in classes)]))}"'
            text = _ATTRIBUTE.sub(lambda m, merged=merged: merged if m.group(1).lower() == "class" else m.group(0), text)
        elif name not in attributes and value:
            extra.append(f' {name}="{escape(str(value))}"')
    return f"<{tag}{text.rstrip()}{''.join(extra)}>"


def _cell_is_one_word(html: str, start: int) -> bool:
    """Whether the cell whose content begins at `start` reads as one word holding a digit."""
    end = _CELL_END.search(html, start)
    content = html[start:end.start() if end else len(html)]
    text = " ".join(Markup(_TAGS.sub(" ", content)).unescape().split())
    return bool(_UNBREAKABLE.match(text))


def table_rows(rows_html: str, headings: Iterable) -> TableRows:
    """Mark each cell of a table's rows for its column, so that the rows can be stacked on a narrow screen.

    Each cell gets its column's heading as data-label (which narrow screens show before it; a cell spanning several
    columns gets none) and its column's class; rows and cells get explicit roles, which screen readers keep even
    when stacking changes how the table is displayed. Whatever a cell already says is kept.
    """
    columns = table_columns(headings)
    parts: list[str] = []
    position = 0
    column = 0
    count = 0
    for match in _TABLE_TAG.finditer(str(rows_html)):
        tag, text = match.group(1).lower(), match.group(2)
        attributes = _attributes(text)
        added: dict[str, str] = {}
        if tag in ("thead", "tbody", "tfoot"):
            added["role"] = _ROLES[tag]
        elif tag == "tr":
            column = 0
            count += 1
            added["role"] = "row"
        else:
            span = _span(attributes)
            if tag == "th":
                added["role"] = "columnheader" if attributes.get("scope") == "col" else "rowheader"
            else:
                added["role"] = "cell"
            classes = []
            if span == 1 and column < len(columns):
                heading = columns[column]
                if heading.kind != "hidden" and heading.heading:
                    added["data-label"] = escape(heading.heading).striptags()  # its text, even of a Markup heading
                if heading.css_class:
                    classes.append(heading.css_class)
            if _cell_is_one_word(str(rows_html), match.end()):
                classes.append(NOWRAP_CLASS)
            if classes:
                added["class"] = " ".join(classes)
            column += span
        parts.append(str(rows_html)[position:match.start()])
        parts.append(_with(match.group(1), text, attributes, added))
        position = match.end()
    parts.append(str(rows_html)[position:])
    return TableRows(Markup("".join(parts)), count)


def register(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(format_month, "month")
    app.add_template_filter(table_rows, "table_rows")
    app.add_template_global(table_columns, "table_columns")
    app.add_template_global(LONG_TABLE_ROWS, "long_table_rows")

    @app.context_processor
    def site_globals():
        from awards_app.site_settings.current import site_details

        return {"dev_mailbox": app.config["DEV_MAILBOX"], "htmx_file": "js/htmx-2.0.11.min.js", "site": site_details()}
