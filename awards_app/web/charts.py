"""Charts drawn on the server as inline SVG: no JavaScript, no charting library, no inline styles.

A chart is an image with an accessible name (its <title> and <desc>); pages show the same figures in a table too,
since a chart alone is not enough for everyone. Each bar's label sits above it, so that labels keep the chart's whole
width and the chart stays readable when it shrinks to a phone's width (every size is in viewBox units).
Colours come from presentation attributes (the site's Content-Security-Policy forbids style attributes).
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 400  # viewBox units; the chart scales to its container
MARGIN = 12
LABEL_SIZE = 16
VALUE_SIZE = 16
TICK_SIZE = 14
BAR_HEIGHT = 18
ROW_PITCH = 48  # label line, bar, and space before the next label
AXIS_SPACE = 30  # below the last bar: the axis and its tick labels

# Contrast against the white page: text 16.8:1, bars 10.5:1, axis 5.3:1 (WCAG 1.4.3 and 1.4.11 ask 4.5 and 3).
TEXT_COLOUR = "#1b1b1b"
BAR_COLOUR = "#5a2d82"
AXIS_COLOUR = "#6b6b6b"
GRID_COLOUR = "#c8c8c8"  # gridlines only help the eye; the value labels carry the figures

CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, float]], description: str = "") -> Markup:
    """A horizontal bar chart of (label, value) rows as SVG markup, safe to put in a page as it is.

    `chart_id` must be unique on the page (it prefixes the ids of the title and description); values must not be
    negative. The description says what the chart shows; a summary of the figures is added to it.
    """
    if not CHART_ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r} must be a letter followed by letters, digits, - or _")
    values = [value for _label, value in rows]
    if any(value < 0 or math.isnan(value) for value in values):
        raise ValueError("bar charts here show counts: values must not be negative")

    ticks = _ticks(max(values, default=0), all(float(value).is_integer() for value in values))
    value_space = max((len(_number(value)) for value in [*values, ticks[-1]]), default=1) * VALUE_SIZE * 0.6 + 8
    plot_width = WIDTH - 2 * MARGIN - value_space
    height = MARGIN + len(rows) * ROW_PITCH + AXIS_SPACE

    def x_of(value: float) -> float:
        return MARGIN + plot_width * value / ticks[-1]

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(_description(description, rows))}</desc>',
    ]
    axis_y = MARGIN + len(rows) * ROW_PITCH
    for tick in ticks:
        x = _fmt(x_of(tick))
        colour = AXIS_COLOUR if tick == 0 else GRID_COLOUR
        parts.append(f'<line x1="{x}" y1="{MARGIN}" x2="{x}" y2="{axis_y}" stroke="{colour}" stroke-width="1"/>')
        parts.append(
            f'<text x="{x}" y="{_fmt(axis_y + TICK_SIZE + 8)}" font-size="{TICK_SIZE}" fill="{TEXT_COLOUR}" '
            f'text-anchor="middle">{_number(tick)}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN}" y1="{axis_y}" x2="{_fmt(MARGIN + plot_width)}" y2="{axis_y}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for position, (label, value) in enumerate(rows):
        parts.append(_bar(label, value, MARGIN + position * ROW_PITCH, x_of))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(label: str, value: float, top: float, x_of) -> str:
    """One row: the label, the bar (none for zero), and the value just after the bar's end."""
    shown = _shorten(str(label))
    label_y = top + LABEL_SIZE
    bar_y = label_y + 6
    end = x_of(value)
    row = ["<g>"]
    if shown != str(label):
        row.append(f"<title>{escape(label)}: {_number(value)}</title>")  # the whole label, for a pointer's hover
    row.append(
        f'<text x="{MARGIN}" y="{_fmt(label_y)}" font-size="{LABEL_SIZE}" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
    )
    if value > 0:
        row.append(
            f'<rect x="{MARGIN}" y="{_fmt(bar_y)}" width="{_fmt(max(end - MARGIN, 1))}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"/>'
        )
    row.append(
        f'<text x="{_fmt(end + 6)}" y="{_fmt(bar_y + BAR_HEIGHT - 4)}" font-size="{VALUE_SIZE}" '
        f'font-weight="bold" fill="{TEXT_COLOUR}">{_number(value)}</text>'
    )
    row.append("</g>")
    return "".join(row)


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


def _shorten(label: str) -> str:
    """A label cut to fit the chart's width, ending in an ellipsis when cut (the table beside it has it whole)."""
    room = int((WIDTH - 2 * MARGIN) / (LABEL_SIZE * 0.6))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _description(description: str, rows: Sequence[tuple[str, float]]) -> str:
    """What the chart shows, then its largest figure, so that the image's description stands on its own."""
    if not rows:
        summary = "There are no figures to show."
    else:
        label, value = max(rows, key=lambda row: row[1])
        bars = "1 bar" if len(rows) == 1 else f"{len(rows)} bars"
        summary = f"{bars}; the largest is {label} with {_number(value)}." if value else f"{bars}, all zero."
    return f"{description.strip()} {summary}".strip()


def _number(value: float) -> str:
    """A figure as people read it: 1,234 or 2.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _fmt(coordinate: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{coordinate:.1f}".rstrip("0").rstrip(".")


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
    figures_space = len("10 to 10, mean 10") * VALUE_SIZE * 0.5  # the figures are written under the label, right
    plot_width = WIDTH - 2 * MARGIN
    height = MARGIN + len(rows) * ROW_PITCH + AXIS_SPACE

    def x_of(value: float) -> float:
        return MARGIN + plot_width * (min(max(value, low), high) - low) / (high - low)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description.strip())}</desc>',
    ]
    axis_y = MARGIN + len(rows) * ROW_PITCH
    for tick in _ticks(high - low, True):
        x = _fmt(x_of(low + tick))
        parts.append(f'<line x1="{x}" y1="{MARGIN}" x2="{x}" y2="{axis_y}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(
            f'<text x="{x}" y="{_fmt(axis_y + TICK_SIZE + 8)}" font-size="{TICK_SIZE}" fill="{TEXT_COLOUR}" '
            f'text-anchor="middle">{_number(low + tick)}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN}" y1="{axis_y}" x2="{_fmt(MARGIN + plot_width)}" y2="{axis_y}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for position, (label, lowest, highest, middle) in enumerate(rows):
        top = MARGIN + position * ROW_PITCH
        label_y = top + LABEL_SIZE
        line_y = label_y + 6 + BAR_HEIGHT / 2
        room = int((plot_width - figures_space) / (LABEL_SIZE * 0.6))
        shown = str(label) if len(str(label)) <= room else str(label)[: room - 1].rstrip() + "…"
        row = ["<g>", f"<title>{escape(label)}</title>" if shown != str(label) else ""]
        row.append(
            f'<text x="{MARGIN}" y="{_fmt(label_y)}" font-size="{LABEL_SIZE}" fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        )
        if middle is not None:
            row.append(
                f'<text x="{_fmt(MARGIN + plot_width)}" y="{_fmt(label_y)}" font-size="{VALUE_SIZE}" '
                f'font-weight="bold" fill="{TEXT_COLOUR}" text-anchor="end">'
                f"{_number(lowest)} to {_number(highest)}, mean {_number(middle)}</text>"
            )
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
