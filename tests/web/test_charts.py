"""Server-drawn SVG bar charts: well-formed, escaped, accessible, without inline styles, and to scale."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

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
    assert widths[1] == pytest.approx(2 * widths[0])
    assert widths[2] == pytest.approx(3.5 * widths[0])
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


def test_long_labels_are_shortened_and_kept_whole_in_a_tooltip():
    label = "Self Management Project of the Year for Communities Across the Highlands and Islands"
    svg = parse(bar_chart("c", "Title", [(label, 3)]))

    (shown,) = [text for text in texts(svg) if text.startswith("Self")]
    assert shown.endswith("…") and len(shown) < len(label)
    assert any(title.text.startswith(label) for title in svg.iter(SVG + "title"))


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
