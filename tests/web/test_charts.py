"""Server-drawn SVG charts (bars, columns over time, ranges): well-formed, escaped, accessible, without inline styles,
to scale, and with no text outside the image."""
from __future__ import annotations

import itertools
import re
from xml.etree import ElementTree

import pytest
from markupsafe import Markup

from awards_app.web import charts
from awards_app.web.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    """The chart as an XML tree (parsing fails on anything malformed or unescaped)."""
    return ElementTree.fromstring(str(markup))


def bars(svg: ElementTree.Element) -> list[ElementTree.Element]:
    """The bars of a chart."""
    return list(svg.iter(SVG + "rect"))


def texts(svg: ElementTree.Element) -> list[str]:
    """The text drawn in the chart."""
    return [element.text for element in svg.iter(SVG + "text")]


def test_the_chart_is_an_image_named_by_its_title_and_description():
    svg = parse(bar_chart("by-area", "Nominations by area", [("Fife", 3)], "Bar chart of nominations."))

    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title, desc = svg[0], svg[1]
    assert (title.tag, title.get("id"), title.text) == (SVG + "title", title_id, "Nominations by area")
    assert (desc.tag, desc.get("id")) == (SVG + "desc", desc_id)
    assert desc.text.startswith("Bar chart of nominations.")
    assert "Fife with 3" in desc.text  # the description stands on its own
    assert (title_id, desc_id) == ("by-area-title", "by-area-desc")


def test_labels_title_and_description_are_escaped():
    label = '<script>alert("x")</script> & Co'
    chart = bar_chart("c", "<b>Title</b>", [(label, 2)], "<i>desc</i>")

    assert isinstance(chart, Markup)
    assert "<script>" not in chart and "<b>" not in chart and "<i>" not in chart
    assert "&lt;script&gt;" in chart
    svg = parse(chart)
    assert svg[0].text == "<b>Title</b>"
    assert label in texts(svg)


def test_no_style_attributes_or_elements_and_sizes_only_in_the_viewbox():
    chart = str(bar_chart("c", "Title", [("A", 1), ("B", 0), ("C", 12)]))
    svg = parse(chart)

    assert all("style" not in element.attrib for element in svg.iter())
    assert not list(svg.iter(SVG + "style"))
    assert "style" not in chart
    assert svg.get("width") is None and svg.get("height") is None  # it scales to its container
    width = float(svg.get("viewBox").split()[2])
    assert width <= 400  # readable when shrunk to a 320px screen


def test_bars_are_to_scale_with_a_scale_and_value_labels():
    svg = parse(bar_chart("c", "Title", [("Two", 2), ("Four", 4), ("Seven", 7)]))

    widths = [float(rect.get("width")) for rect in bars(svg)]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.1)
    assert widths[2] == pytest.approx(3.5 * widths[0], abs=0.1)
    drawn = texts(svg)
    for label, value in [("Two", "2"), ("Four", "4"), ("Seven", "7")]:
        assert label in drawn and value in drawn
    for tick in ["0", "2", "4", "6", "8"]:  # round marks from 0 to just past the largest value
        assert tick in drawn
    assert len(list(svg.iter(SVG + "line"))) >= 6  # gridlines and the axis


def test_zero_values_get_no_bar_but_still_a_value():
    svg = parse(bar_chart("c", "Title", [("Fife", 0), ("Moray", 5)]))

    assert len(bars(svg)) == 1
    assert texts(svg).count("0") >= 2  # Fife's value, and the scale's 0


def test_all_zero_values_still_draw_a_scale():
    svg = parse(bar_chart("c", "Title", [("Fife", 0), ("Moray", 0)]))

    assert bars(svg) == []
    assert "0" in texts(svg) and "1" in texts(svg)
    assert svg[1].text.endswith("2 bars, all zero.")


def test_one_bar_fills_the_scale():
    svg = parse(bar_chart("c", "Title", [("Only", 5)]))

    (rect,) = bars(svg)
    assert float(rect.get("width")) > 200
    assert "1 bar;" in svg[1].text


def test_no_rows_at_all():
    svg = parse(bar_chart("c", "Title", []))

    assert bars(svg) == [] and "no figures" in svg[1].text


def test_many_bars_make_a_taller_chart():
    rows = [(f"Area {number}", number) for number in range(32)]
    few, many = parse(bar_chart("c", "Title", rows[:2])), parse(bar_chart("c", "Title", rows))

    assert len(bars(many)) == 31  # Area 0 has no bar
    assert len(list(many.iter(SVG + "g"))) == 32
    assert float(many.get("viewBox").split()[3]) > 10 * float(few.get("viewBox").split()[3])


def test_a_long_label_is_wrapped_onto_two_lines_without_an_ellipsis():
    label = "Self Management Supporting Health and Social Care Partnership of the Year"
    svg = parse(bar_chart("c", "Title", [(label, 3)]))

    lines = [text for text in texts(svg) if text not in {"0", "1", "2", "3"}]
    assert len(lines) == 2 and " ".join(lines) == label
    assert not any(title.text.startswith(label) for title in svg.iter(SVG + "title"))  # nothing hidden


def test_a_label_too_long_for_two_lines_is_shortened_and_kept_whole_in_a_tooltip():
    label = ("Self Management Project of the Year for Communities Across the Highlands and Islands, "
             "and for Everyone in Between")
    svg = parse(bar_chart("c", "Title", [(label, 3)]))

    first, second = [text for text in texts(svg) if text not in {"0", "1", "2", "3"}]
    assert label.startswith(first) and second.endswith("…")
    assert len(first) + len(second) < len(label)
    assert any(title.text == f"{label}: 3" for title in svg.iter(SVG + "title"))


def test_large_and_decimal_values_are_written_as_people_read_them():
    svg = parse(bar_chart("c", "Title", [("Big", 1234), ("Half", 2.5)]))

    assert "1,234" in texts(svg) and "2.5" in texts(svg)


@pytest.mark.parametrize("chart_id", ["", "1abc", 'x" onload="alert(1)', "a b"])
def test_chart_ids_must_be_plain(chart_id):
    with pytest.raises(ValueError):
        bar_chart(chart_id, "Title", [("A", 1)])


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        bar_chart("c", "Title", [("A", -1)])


def contrast(colour: str, background: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(colour), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_colours_meet_wcag_contrast_on_white():
    assert contrast(charts.TEXT_COLOUR) >= 4.5
    assert contrast(charts.BAR_COLOUR) >= 3
    assert contrast(charts.AXIS_COLOUR) >= 3
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', str(bar_chart("c", "T", [("A", 1)]))))
    assert fills <= {charts.TEXT_COLOUR, charts.BAR_COLOUR}


# --- Geometry: nothing drawn outside the image, estimated as the browser would draw it ---------------------------

LONG_NAMES = [
    "Self Management Supporting Health and Social Care Partnership of the Year",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "Ceòl is Slàinte (Music and Health), Taigh na Mara Community Trust, Na h-Eileanan Siar",
    "Supercalifragilisticexpialidociousandthensomemoreletterswithoutanyspacesatall",
]


def text_boxes(svg: ElementTree.Element) -> list[tuple[str, float, float]]:
    """Each text's content with its estimated left and right edges (from the module's own width estimate)."""
    found = []
    for element in svg.iter(SVG + "text"):
        width = charts.text_width(element.text, float(element.get("font-size")), element.get("font-weight") == "bold")
        x = float(element.get("x"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[element.get("text-anchor", "start")]
        found.append((element.text, left, left + width))
    return found


def inside_the_image(svg: ElementTree.Element) -> None:
    """Every text's estimated box lies within the viewBox, across and down."""
    _x, _y, width, height = (float(part) for part in svg.get("viewBox").split())
    for text, left, right in text_boxes(svg):
        assert 0 <= left and right <= width, f"{text!r} runs from {left:.1f} to {right:.1f} of {width}"
    for element in svg.iter(SVG + "text"):
        y, size = float(element.get("y")), float(element.get("font-size"))
        assert size <= y <= height, f"{element.text!r} at y={y} is outside 0 to {height}"


@pytest.mark.parametrize("values", [[1, 2, 3, 4], [0, 0, 0, 0], [1234567, 5, 0, 99999], [2.5, 0.5, 10.5, 7]])
def test_no_bar_chart_text_leaves_the_image(values):
    inside_the_image(parse(bar_chart("c", "Title", list(zip(LONG_NAMES, values, strict=True)))))


def test_wrapped_lines_each_fit_the_width_and_never_overlap_the_bars():
    svg = parse(bar_chart("c", "Title", [(name, 3) for name in LONG_NAMES]))

    for text, left, right in text_boxes(svg):
        assert right <= charts.WIDTH - charts.MARGIN, text
    rect_tops = sorted(float(rect.get("y")) for rect in bars(svg))
    label_baselines = sorted(float(t.get("y")) for t in svg.iter(SVG + "text") if t.get("font-weight") != "bold"
                             and float(t.get("y")) < rect_tops[-1])
    for baseline in label_baselines:  # a label's baseline is never inside a bar's band
        assert not any(top < baseline < top + charts.BAR_HEIGHT for top in rect_tops)


def test_text_width_estimates_grow_with_the_text_and_the_weight():
    assert charts.text_width("Fife", 16) < charts.text_width("Fife Council", 16)
    assert charts.text_width("MMMM", 16) > charts.text_width("iiii", 16)
    assert charts.text_width("100", 16, bold=True) > charts.text_width("100", 16)
    assert charts.shorten("Short", 400, 16) == "Short"
    assert charts.text_width(charts.shorten(LONG_NAMES[1], 200, 16), 16) <= 200


# --- Columns: a series over time ---------------------------------------------------------------------------------


def hours(values) -> list[charts.Column]:
    """A day's hours as columns."""
    return [charts.Column(f"{hour:02d}:00 to {hour + 1:02d}:00", f"{hour:02d}:00", value)
            for hour, value in enumerate(values)]


def test_a_time_series_is_drawn_as_columns_left_to_right_to_scale():
    svg = parse(charts.column_chart("per-day", "Votes per day", hours([2, 4, 0, 8]), "Column chart."))

    rects = bars(svg)
    assert len(rects) == 3  # none for the zero
    xs = [float(rect.get("x")) for rect in rects]
    heights = [float(rect.get("height")) for rect in rects]
    widths = [float(rect.get("width")) for rect in rects]
    assert xs == sorted(xs)
    assert all(height > width for height, width in zip(heights[1:], widths[1:], strict=True))  # upright columns
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.1)
    assert heights[2] == pytest.approx(4 * heights[0], abs=0.1)
    bottoms = {round(float(rect.get("y")) + float(rect.get("height")), 1) for rect in rects}
    assert len(bottoms) == 1  # every column stands on the same axis
    inside_the_image(svg)


def test_a_column_chart_is_an_image_named_by_its_title_and_description():
    svg = parse(charts.column_chart("per-hour", "Votes per hour", hours([1, 3]), "Column chart of votes."))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "per-hour-title per-hour-desc"
    assert svg[0].text == "Votes per hour" and svg[0].get("id") == "per-hour-title"
    assert svg[1].text.startswith("Column chart of votes.") and "01:00 to 02:00 with 3" in svg[1].text
    columns = [group for group in svg.iter(SVG + "g")]
    assert [group.find(SVG + "title").text for group in columns] == ["00:00 to 01:00: 1", "01:00 to 02:00: 3"]


def test_many_columns_label_only_every_few_on_the_time_axis_and_the_labels_never_touch():
    svg = parse(charts.column_chart("c", "Title", hours([index % 7 for index in range(24)])))

    axis_labels = [(text, left, right) for text, left, right in text_boxes(svg) if text.endswith(":00")]
    assert 3 <= len(axis_labels) < 24
    assert axis_labels[0][0] == "00:00"
    for (_text, _left, right), (_next, left, _right) in itertools.pairwise(axis_labels):
        assert right < left, "time labels overlap"
    inside_the_image(svg)


def test_few_columns_label_every_column_and_write_every_value():
    columns = [charts.Column(f"Day {day}", f"{day} Nov", value) for day, value in [(23, 5), (24, 14), (25, 38)]]
    drawn = texts(parse(charts.column_chart("c", "Title", columns)))

    assert {"23 Nov", "24 Nov", "25 Nov", "5", "14", "38"} <= set(drawn)


@pytest.mark.parametrize("count", [1, 2, 7, 15, 24, 31, 60])
@pytest.mark.parametrize("biggest", [0, 1, 38, 12345])
def test_no_column_chart_text_leaves_the_image(count, biggest):
    columns = [charts.Column(f"Wednesday {day} November", f"Wed {day} Nov", biggest * (day % 3) // 2)
               for day in range(1, count + 1)]
    inside_the_image(parse(charts.column_chart("c", "Title", columns)))


def test_column_charts_refuse_bad_ids_and_negative_values_and_draw_an_empty_series():
    with pytest.raises(ValueError):
        charts.column_chart("1 bad", "Title", [])
    with pytest.raises(ValueError):
        charts.column_chart("c", "Title", hours([-1]))
    svg = parse(charts.column_chart("c", "Title", []))
    assert bars(svg) == [] and "no figures" in svg[1].text


def test_range_chart_labels_leave_room_for_the_figures():
    svg = parse(charts.range_chart("r", "Title", [(name, 1.5, 9.5, 5.25) for name in LONG_NAMES], (0, 10)))

    inside_the_image(svg)
    boxes = text_boxes(svg)
    for (text, _left, right), (figures, left, _right) in itertools.pairwise(boxes):
        if figures.startswith("1.5 to"):
            assert right < left, f"{text!r} runs into its figures"


def test_a_zero_column_has_neither_a_column_nor_a_value_written_over_it():
    svg = parse(charts.column_chart("c", "Title", hours([3, 0, 5])))

    assert len(bars(svg)) == 2
    written = [t.text for t in svg.iter(SVG + "text") if t.get("font-weight") == "bold"]
    assert written == ["3", "5"]
