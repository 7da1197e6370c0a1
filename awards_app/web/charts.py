"""Charts drawn on the server as inline SVG: no JavaScript, no charting library, no inline styles.

A chart is an image with an accessible name (its <title> and <desc>); pages show the same figures in a table too,
since a chart alone is not enough for everyone. Every size is in viewBox units, so a chart scales to its container;
text widths are estimated here (from the widths of a wide sans-serif font, rounded up), so that a label that would
not fit is wrapped onto a second line or shortened with an ellipsis, its whole text kept in a <title>, and nothing
is ever drawn outside the image. Categories are bars across (their names above each bar, so that names keep the
chart's whole width on a phone); a series over time is columns, with only as many time labels as fit.
Colours come from presentation attributes (the site's Content-Security-Policy forbids style attributes).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360  # viewBox units; the chart scales to its container (at 320px wide, its 16-unit text is 12.8px)
MARGIN = 12
LABEL_SIZE = 16
VALUE_SIZE = 16
TICK_SIZE = 14
LINE_HEIGHT = 20  # a label's lines
BAR_HEIGHT = 18
ROW_GAP = 12  # after a bar, before the next label
AXIS_SPACE = 30  # below the last bar: the axis and its tick labels
MAX_LABEL_LINES = 2

# Contrast against the white page: text 16.8:1, bars 10.5:1, axis 5.3:1 (WCAG 1.4.3 and 1.4.11 ask 4.5 and 3).
TEXT_COLOUR = "#1b1b1b"
BAR_COLOUR = "#5a2d82"
AXIS_COLOUR = "#6b6b6b"
GRID_COLOUR = "#c8c8c8"  # gridlines only help the eye; the value labels carry the figures

CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

# Character widths as a share of the font size, from DejaVu Sans (wider than most system fonts) and rounded up, so
# that an estimate is never short of what a browser draws; bold text is about a tenth wider.
NARROW = 0.34  # i j l t f r I . , : ; ' | ! ( ) [ ] and spaces
WIDE = 1.0  # m w M W @ % and the like
CAPITAL = 0.78
DIGIT = 0.66
OTHER = 0.64
BOLD = 1.1
ELLIPSIS = "…"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated width of a line of text at a font size, in the same units; never less than a browser draws."""
    total = 0.0
    for character in text:
        if character in "ijltfrI.,:;'|!()[] ":
            total += NARROW
        elif character in "mwMW@%—":
            total += WIDE
        elif character.isdigit():
            total += DIGIT
        elif character.isupper():
            total += CAPITAL
        else:
            total += OTHER
    return total * size * (BOLD if bold else 1)


def shorten(text: str, room: float, size: float, bold: bool = False) -> str:
    """The text, or as much of it as fits in `room` followed by an ellipsis."""
    if text_width(text, size, bold) <= room:
        return text
    cut = len(text)
    while cut > 0 and text_width(text[:cut].rstrip() + ELLIPSIS, size, bold) > room:
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def wrap(text: str, room: float, size: float, max_lines: int = MAX_LABEL_LINES) -> list[str]:
    """The text broken at spaces into lines that fit in `room`; the last line shortened if it still does not fit."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines - 1:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= room:
            line = f"{line} {words.pop(0)}"
        if text_width(line, size) > room:  # one word longer than the line: it goes last, shortened
            words.insert(0, line)
            break
        lines.append(line)
    if words:
        lines.append(shorten(" ".join(words), room, size))
    return lines or [""]


def _check(chart_id: str, values: Sequence[float]) -> None:
    """Refuse an id that could break the page and figures a count cannot have."""
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a letter followed by letters, digits, - or _")
    if any(value < 0 or math.isnan(value) for value in values):
        raise ValueError("these charts show counts: values must not be negative")


def _open(chart_id: str, title: str, description: str, height: float) -> list[str]:
    """The <svg> element, named by its title and description (role="img": one image to a screen reader)."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" '
         f'viewBox="0 0 {WIDTH} {_fmt(height)}" role="img" aria-labelledby="{title_id} {desc_id}">'),
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, size: float, anchor: str = "start", bold: bool = False) -> str:
    """One line of text."""
    weight = ' font-weight="bold"' if bold else ""
    middle = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}"{weight} fill="{TEXT_COLOUR}"{middle}>'
            f"{escape(text)}</text>")


def _line(x1: float, y1: float, x2: float, y2: float, colour: str) -> str:
    """A one-unit line."""
    return (f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" stroke="{colour}" '
            f'stroke-width="1"/>')


# --- Bars across: one per category -------------------------------------------------------------------------------


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float]], description: str = "") -> Markup:
    """A horizontal bar chart of (label, value) rows as SVG markup, safe to put in a page as it is.

    `chart_id` must be unique on the page (it is the svg's id and prefixes the ids of its title and description);
    values must not be negative. The description says what the chart shows; a summary of the figures is added to it.
    Each label sits above its bar on one or two lines; one too long for two is shortened, whole in a <title>.
    """
    values = [value for _label, value in rows]
    _check(chart_id, values)
    ticks = _ticks(max(values, default=0), all(float(value).is_integer() for value in values))
    value_space = max(text_width(_number(value), VALUE_SIZE, bold=True) for value in [*values, ticks[-1]]) + 8
    plot_width = WIDTH - 2 * MARGIN - value_space
    label_room = WIDTH - 2 * MARGIN

    def x_of(value: float) -> float:
        return MARGIN + plot_width * value / ticks[-1]

    labels = [wrap(str(label), label_room, LABEL_SIZE) for label, _value in rows]
    tops, top = [], MARGIN
    for lines in labels:
        tops.append(top)
        top += len(lines) * LINE_HEIGHT + BAR_HEIGHT + ROW_GAP
    axis_y = top - ROW_GAP + 6
    parts = _open(chart_id, title, _description(description, rows, "bar"), axis_y + AXIS_SPACE)
    for tick in ticks:  # tick marks under the axis; gridlines would run through the labels above each bar
        x = x_of(tick)
        parts.append(_line(x, axis_y, x, axis_y + 5, AXIS_COLOUR))
        parts.append(_text(x, axis_y + TICK_SIZE + 8, _number(tick), TICK_SIZE, anchor="middle"))
    parts.append(_line(MARGIN, axis_y, MARGIN + plot_width, axis_y, AXIS_COLOUR))
    parts.append(_line(MARGIN, MARGIN, MARGIN, axis_y, AXIS_COLOUR))
    for (label, value), lines, row_top in zip(rows, labels, tops, strict=True):
        parts.append(_bar(str(label), lines, value, row_top, x_of))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(label: str, lines: list[str], value: float, top: float, x_of: Callable[[float], float]) -> str:
    """One row: the label's lines, the bar (none for zero), and the value just after the bar's end."""
    bar_y = top + len(lines) * LINE_HEIGHT + 4
    end = x_of(value)
    row = ["<g>"]
    if " ".join(lines) != " ".join(label.split()):
        row.append(f"<title>{escape(label)}: {_number(value)}</title>")  # the whole label, for a pointer's hover
    for number, line in enumerate(lines):
        row.append(_text(MARGIN, top + LABEL_SIZE + number * LINE_HEIGHT - 2, line, LABEL_SIZE))
    if value > 0:
        row.append(
            f'<rect x="{MARGIN}" y="{_fmt(bar_y)}" width="{_fmt(max(end - MARGIN, 1))}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>'
        )
    row.append(_text(end + 6, bar_y + BAR_HEIGHT - 4, _number(value), VALUE_SIZE, bold=True))
    row.append("</g>")
    return "".join(row)


# --- Columns: a series over time ---------------------------------------------------------------------------------

COLUMN_PLOT_HEIGHT = 160
COLUMN_VALUE_SIZE = 13


@dataclass(frozen=True)
class Column:
    """One column of a series over time: its full name (for its <title>), its short name on the axis, its value."""

    label: str
    axis_label: str
    value: float


def column_chart(chart_id: str, title: str, columns: Sequence[Column], description: str = "") -> Markup:
    """A column chart of a series over time, left to right, as SVG markup safe to put in a page as it is.

    The value axis is on the left with round marks; under the columns, only as many time labels as fit side by side
    (every second, third... column's, from the first). Values are written over the columns when they fit, else only
    over the highest. Each column has a <title> with its full name and value, for a pointer's hover.
    """
    values = [column.value for column in columns]
    _check(chart_id, values)
    ticks = _ticks(max(values, default=0), all(float(value).is_integer() for value in values))
    value_axis = max(text_width(_number(tick), TICK_SIZE) for tick in ticks) + 8
    left, right = MARGIN + value_axis, WIDTH - MARGIN
    top = MARGIN + COLUMN_VALUE_SIZE + 6  # room for the value over the highest column
    bottom = top + COLUMN_PLOT_HEIGHT
    slot = (right - left) / max(len(columns), 1)
    bar = max(slot * 0.7, 1)

    def y_of(value: float) -> float:
        return bottom - COLUMN_PLOT_HEIGHT * value / ticks[-1]

    widest_label = max((text_width(column.axis_label, TICK_SIZE) for column in columns), default=0)
    every = axis_label_step(len(columns), slot, widest_label)
    widest_value = max((text_width(_number(value), COLUMN_VALUE_SIZE, bold=True) for value in values), default=0)
    all_values = widest_value <= slot - 2
    highest = values.index(max(values)) if values and max(values) > 0 else None

    parts = _open(chart_id, title, _description(description, [(c.label, c.value) for c in columns], "column"),
                  bottom + AXIS_SPACE)
    for tick in ticks:
        y = y_of(tick)
        parts.append(_line(left, y, right, y, AXIS_COLOUR if tick == 0 else GRID_COLOUR))
        parts.append(_text(left - 6, y + TICK_SIZE * 0.35, _number(tick), TICK_SIZE, anchor="end"))
    for position, column in enumerate(columns):
        middle = left + slot * (position + 0.5)
        row = ["<g>", f"<title>{escape(column.label)}: {_number(column.value)}</title>"]
        if column.value > 0:
            height = max(bottom - y_of(column.value), 1)
            row.append(f'<rect x="{_fmt(middle - bar / 2)}" y="{_fmt(bottom - height)}" width="{_fmt(bar)}" '
                       f'height="{_fmt(height)}" fill="{BAR_COLOUR}"/>')
        if column.value and (all_values or position == highest):  # a zero's column is the empty space itself
            x = min(max(middle, MARGIN + widest_value / 2), WIDTH - MARGIN - widest_value / 2)
            row.append(_text(x, y_of(column.value) - 4, _number(column.value), COLUMN_VALUE_SIZE, anchor="middle",
                             bold=True))
        if position % every == 0:
            row.append(_line(middle, bottom, middle, bottom + 5, AXIS_COLOUR))
            half = text_width(column.axis_label, TICK_SIZE) / 2
            x = min(max(middle, MARGIN + half), WIDTH - MARGIN - half)  # the end labels stay inside the image
            row.append(_text(x, bottom + TICK_SIZE + 8, column.axis_label, TICK_SIZE, anchor="middle"))
        row.append("</g>")
        parts.append("".join(row))
    parts.append("</svg>")
    return Markup("".join(parts))


def axis_label_step(count: int, slot: float, widest_label: float, gap: float = 8) -> int:
    """Label every n-th column so that labels never touch: n is the fewest columns a label and a gap need."""
    if count == 0 or slot <= 0:
        return 1
    return max(1, math.ceil((widest_label + gap) / slot))


# --- Shared ------------------------------------------------------------------------------------------------------


def _ticks(maximum: float, whole_numbers: bool) -> list[float]:
    """Round scale marks from 0 to just past the largest value (0 and 1 when every value is 0)."""
    if maximum <= 0:
        return [0, 1]
    rough = maximum / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    if whole_numbers:
        step = max(1, round(step))
    count = math.ceil(maximum / step - 1e-9)
    return [step * number for number in range(count + 1)]


def _description(description: str, rows: Sequence[tuple[str, float]], shape: str) -> str:
    """What the chart shows, then its largest figure, so that the image's description stands on its own."""
    if not rows:
        summary = "There are no figures to show."
    else:
        label, value = max(rows, key=lambda row: row[1])
        shapes = f"1 {shape}" if len(rows) == 1 else f"{len(rows)} {shape}s"
        summary = f"{shapes}; the largest is {label} with {_number(value)}." if value else f"{shapes}, all zero."
    return f"{description.strip()} {summary}".strip()


def _number(value: float) -> str:
    """A figure as people read it: 1,234 or 2.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _fmt(coordinate: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{coordinate:.1f}".rstrip("0").rstrip(".")


# --- Ranges: a dot for the mean on a line from lowest to highest -------------------------------------------------

DOT_RADIUS = 6
RANGE_WIDTH = 4


def range_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, float, float, float]], scale: tuple[float, float],
    description: str = "",
) -> Markup:
    """A dot-and-range plot of (label, lowest, highest, middle) rows on a fixed scale, as SVG markup.

    Each row's label sits above a line from its lowest to its highest value with a dot at its middle value (a mean),
    so that the chart keeps its whole width at a phone's size. Rows whose values are None are not drawn.
    """
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a letter followed by letters, digits, - or _")
    low, high = scale
    if high <= low:
        raise ValueError("a range chart's scale must run upwards")
    plot_width = WIDTH - 2 * MARGIN
    row_pitch = LINE_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = MARGIN + len(rows) * row_pitch + AXIS_SPACE

    def x_of(value: float) -> float:
        return MARGIN + plot_width * (min(max(value, low), high) - low) / (high - low)

    parts = _open(chart_id, title, description.strip(), height)
    axis_y = MARGIN + len(rows) * row_pitch
    for tick in _ticks(high - low, True):
        x = x_of(low + tick)
        parts.append(_line(x, MARGIN, x, axis_y, GRID_COLOUR))
        parts.append(_text(x, axis_y + TICK_SIZE + 8, _number(low + tick), TICK_SIZE, anchor="middle"))
    parts.append(_line(MARGIN, axis_y, MARGIN + plot_width, axis_y, AXIS_COLOUR))
    for position, (label, lowest, highest, middle) in enumerate(rows):
        top = MARGIN + position * row_pitch
        label_y = top + LABEL_SIZE
        line_y = label_y + 6 + BAR_HEIGHT / 2
        figures = "" if middle is None else f"{_number(lowest)} to {_number(highest)}, mean {_number(middle)}"
        room = plot_width - (text_width(figures, VALUE_SIZE, bold=True) + 8 if figures else 0)
        shown = shorten(str(label), room, LABEL_SIZE)
        row = ["<g>", f"<title>{escape(label)}</title>" if shown != str(label) else ""]
        row.append(_text(MARGIN, label_y, shown, LABEL_SIZE))
        if middle is not None:
            row.append(_text(MARGIN + plot_width, label_y, figures, VALUE_SIZE, anchor="end", bold=True))
            row.append(
                f'<line x1="{_fmt(x_of(lowest))}" y1="{_fmt(line_y)}" x2="{_fmt(x_of(highest))}" y2="{_fmt(line_y)}" '
                f'stroke="{BAR_COLOUR}" stroke-width="{RANGE_WIDTH}" stroke-linecap="round"/>'
            )
            row.append(
                f'<circle cx="{_fmt(x_of(middle))}" cy="{_fmt(line_y)}" r="{DOT_RADIUS}" fill="{BAR_COLOUR}" '
                f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
            )
        row.append("</g>")
        parts.append("".join(row))
    parts.append("</svg>")
    return Markup("".join(parts))
