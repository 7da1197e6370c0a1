"""Text beside the logo and the contact keeps its contrast: the colours the stylesheet and the email layout give text,
measured against their backgrounds (WCAG 2.2 AA: 4.5:1 for text)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from awards_app.publication.sharing import contrast_ratio

ROOT = Path(__file__).parents[2]
CSS = (ROOT / "static" / "css" / "app.css").read_text()
PRESENTER_CSS = (ROOT / "static" / "css" / "present.css").read_text()  # linked by the presenter view only
EMAIL_LAYOUT = (ROOT / "templates" / "emails" / "_layout.html").read_text()
AA = 4.5


def rgb(value: str, css: str = CSS) -> tuple[int, int, int]:
    """A #rrggbb colour, or a var(--name) the stylesheet sets, as numbers."""
    if value.startswith("var("):
        name = value[4:-1]
        value = re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{6}})", css).group(1)
    return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5))


def declaration(selector: str, prop: str, css: str = CSS) -> str:
    """The value a rule for exactly this selector gives the property (the rule's first declaration of it)."""
    rule = re.search(rf"(?:^|\}}|\n){re.escape(selector)}\s*\{{([^}}]*)\}}", css)
    assert rule, f"no rule for {selector}"
    match = re.search(rf"(?:^|;|\s){re.escape(prop)}:\s*([^;]+?)\s*(?:;|$)", rule.group(1))
    assert match, f"{selector} sets no {prop}"
    return match.group(1)


def presenter(selector: str, prop: str) -> str:
    """The value the presenter view's stylesheet gives the property in its rule for this selector."""
    return declaration(selector, prop, PRESENTER_CSS)


# (what, text colour, background colour): each read from where the site sets it.
PAIRS = [
    ("header name beside the logo", lambda: declaration(".site-header__name", "color"),
     lambda: declaration(".site-header", "background")),
    ("header links", lambda: "var(--white)", lambda: declaration(".site-header", "background")),
    ("footer text and contact", lambda: "var(--text)", lambda: declaration(".site-footer", "background")),
    ("footer links (email, phone)", lambda: "var(--link)", lambda: declaration(".site-footer", "background")),
    ("footer links visited", lambda: "var(--link-visited)", lambda: declaration(".site-footer", "background")),
    # The presenter view's stage: text on its darkest and on its lightest (the spotlight at the top), and on the bar
    # that Previous, Next and the key help show in once focused.
    *[(f"presenter {what} on the stage's {where}", text, background)
      for what, text in [
          ("text", lambda: presenter("body.presenter", "color")),
          ("count beside the logo", lambda: presenter(".stage__count", "color")),
          ("labels", lambda: presenter(".stage__label", "color")),
          ("occasion", lambda: presenter(".stage__occasion", "color")),
          ("venue", lambda: presenter(".stage__venue", "color")),
      ]
      for where, background in [("dark", lambda: "var(--stage-dark)"), ("spotlight", lambda: "var(--stage-spotlight)")]],
    ("presenter keys", lambda: presenter(".stage__keys", "color"),
     lambda: presenter(".stage__controls:focus-within", "background")),
    ("presenter links", lambda: presenter(".stage__links a:not(:focus), .stage__links a:visited:not(:focus)", "color"),
     lambda: presenter(".stage__controls:focus-within", "background")),
    ("presenter full-screen button", lambda: presenter(".stage-fullscreen", "color"),
     lambda: presenter(".stage-fullscreen", "background")),
]


@pytest.mark.parametrize(("what", "text", "background"), PAIRS, ids=[pair[0] for pair in PAIRS])
def test_page_text_keeps_its_contrast(what, text, background):
    css = PRESENTER_CSS if what.startswith("presenter") else CSS
    assert contrast_ratio(rgb(text(), css), rgb(background(), css)) >= AA, what


def test_the_stage_is_dark_where_no_spotlight_falls():
    assert rgb(presenter("body.presenter", "background"), PRESENTER_CSS) == rgb("var(--stage-dark)", PRESENTER_CSS)


def test_the_logo_sits_on_a_white_plate_wherever_it_is_shown():
    # Any logo keeps the colours it was drawn for, whatever the header's or the projector's background.
    for selector in (".site-header__logo", ".logo-preview__image"):
        assert rgb(declaration(selector, "background")) == (255, 255, 255), selector
    assert rgb(presenter(".stage__logo", "background")) == (255, 255, 255)


def test_email_text_keeps_its_contrast():
    background = rgb(re.search(r"max-width: 600px;[^\"]*background-color: (#[0-9a-f]{6})", EMAIL_LAYOUT).group(1))
    colours = set(re.findall(r"[^-]color: (#[0-9a-f]{6})", EMAIL_LAYOUT))
    assert len(colours) >= 4  # the awards' name, the text, the footer and the links
    for colour in colours:
        assert contrast_ratio(rgb(colour), background) >= AA, colour


def test_the_measure_can_tell_a_bad_pair():
    assert contrast_ratio(rgb("#777777"), rgb("#ffffff")) < AA
