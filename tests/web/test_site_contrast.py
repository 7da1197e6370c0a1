"""Text beside the logo and the contact keeps its contrast: the colours the stylesheet and the email layout give text,
measured against their backgrounds (WCAG 2.2 AA: 4.5:1 for text)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from awards_app.publication.sharing import contrast_ratio

ROOT = Path(__file__).parents[2]
CSS = (ROOT / "static" / "css" / "app.css").read_text()
EMAIL_LAYOUT = (ROOT / "templates" / "emails" / "_layout.html").read_text()
AA = 4.5


def rgb(value: str) -> tuple[int, int, int]:
    """A #rrggbb colour, or a var(--name) from the stylesheet's :root, as numbers."""
    if value.startswith("var("):
        name = value[4:-1]
        value = re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)
    return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))


def declaration(selector: str, prop: str) -> str:
    """The value a rule for exactly this selector gives the property (the rule's first declaration of it)."""
    rule = re.search(rf"(?:^|\}}|\n){re.escape(selector)}\s*\{{([^}}]*)\}}", CSS)
    assert rule, f"no rule for {selector}"
    match = re.search(rf"(?:^|;|\s){re.escape(prop)}:\s*([^;]+?)\s*(?:;|$)", rule.group(1))
    assert match, f"{selector} sets no {prop}"
    return match.group(1)


# (what, text colour, background colour): each read from where the site sets it.
PAIRS = [
    ("header name beside the logo", lambda: declaration(".site-header__name", "color"),
     lambda: declaration(".site-header", "background")),
    ("header links", lambda: "var(--white)", lambda: declaration(".site-header", "background")),
    ("footer text and contact", lambda: "var(--text)", lambda: declaration(".site-footer", "background")),
    ("footer links (email, phone)", lambda: "var(--link)", lambda: declaration(".site-footer", "background")),
    ("footer links visited", lambda: "var(--link-visited)", lambda: declaration(".site-footer", "background")),
    ("presenter text", lambda: declaration("body.presenter", "color"),
     lambda: declaration("body.presenter", "background")),
    ("presenter count beside the logo", lambda: declaration(".slide__count", "color"),
     lambda: declaration("body.presenter", "background")),
    ("presenter label", lambda: declaration(".slide__label", "color"),
     lambda: declaration("body.presenter", "background")),
    ("presenter keys", lambda: declaration(".slide__keys", "color"),
     lambda: declaration("body.presenter", "background")),
]


@pytest.mark.parametrize(("what", "text", "background"), PAIRS, ids=[pair[0] for pair in PAIRS])
def test_page_text_keeps_its_contrast(what, text, background):
    assert contrast_ratio(rgb(text()), rgb(background())) >= AA, what


def test_the_logo_sits_on_a_white_plate_wherever_it_is_shown():
    # Any logo keeps the colours it was drawn for, whatever the header's or the projector's background.
    for selector in (".site-header__logo", ".slide__logo", ".logo-preview__image"):
        assert rgb(declaration(selector, "background")) == (255, 255, 255), selector


def test_email_text_keeps_its_contrast():
    background = rgb(re.search(r"max-width: 600px;[^\"]*background-color: (#[0-9a-f]{6})", EMAIL_LAYOUT).group(1))
    colours = set(re.findall(r"[^-]color: (#[0-9a-f]{6})", EMAIL_LAYOUT))
    assert len(colours) >= 4  # the awards' name, the text, the footer and the links
    for colour in colours:
        assert contrast_ratio(rgb(colour), background) >= AA, colour


def test_the_measure_can_tell_a_bad_pair():
    assert contrast_ratio(rgb("#777777"), rgb("#ffffff")) < AA
