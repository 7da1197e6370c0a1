"""A finalist's own page to share: its public address, who may see it, its share card and the share links.

The share card is the picture social media shows beside a link (Open Graph and Twitter card): a 1200 x 630 PNG drawn
here with Pillow and the vendored DejaVu Sans fonts, naming the finalist, their category and the awards: the edition's
name, and the organisation's logo from the site settings when there is one (top right, scaled to fit its box, on a
white plate that no text crosses). Dark text on a light background, well above 4.5:1.
Names of any length are wrapped and made smaller to fit, never cut inside a character or drawn past the edge.

A finalist is public (page and card) only while their edition's shortlist is public and their nominee's consent is
given: the same rule as the public shortlist, so that a page never shows someone the shortlist leaves out.
"""
from __future__ import annotations

import functools
import io
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from awards_app.core.public_urls import public_url
from awards_app.extensions import db
from awards_app.judging.models import Finalist
from awards_app.nominations.models import ConsentState
from awards_app.publication.public_shortlist import shortlist_is_public
from awards_app.site_settings.changes import stored_logo
from awards_app.site_settings.current import site_details

CARD_WIDTH, CARD_HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = (250, 248, 243)  # warm off-white
TEXT_COLOUR = (26, 32, 44)  # near black: about 16:1 on the background
ACCENT = (0, 94, 115)  # the band at the top (decoration only; 7:1 on the background too)
ELLIPSIS = "…"
# The logo's box at the top right (the plate included), the white plate behind it, and the room kept beside it.
LOGO_BOX = (300, 130)
LOGO_TOP = 40
LOGO_PADDING = 12
LOGO_PLATE = (255, 255, 255)
LOGO_GAP = 32


# --- Who is public ----------------------------------------------------------------------------------------------


def public_finalist(finalist_id: int) -> Finalist | None:
    """The finalist with this id if the public may see them (shortlist public, consent given); None otherwise."""
    if not isinstance(finalist_id, int) or not 0 < finalist_id < 2**31:
        return None
    finalist = db.session.get(Finalist, finalist_id)
    if finalist is None or finalist.nomination.consent is not ConsentState.GIVEN:
        return None
    return finalist if shortlist_is_public(finalist.category.edition) else None


def share_url(finalist: Finalist) -> str:
    """The absolute address of the finalist's public page, the link a finalist shares (emails use it too)."""
    return public_url("public.finalist_page", finalist_id=finalist.id)


def card_url(finalist: Finalist) -> str:
    """The absolute address of the finalist's share card (social media fetch it from outside any session); it names
    the logo it shows, so that a new logo is a new address that caches and social media fetch afresh."""
    logo = site_details().logo_filename
    if logo:
        return public_url("public.finalist_card", finalist_id=finalist.id, logo=logo.split(".", 1)[0][:12])
    return public_url("public.finalist_card", finalist_id=finalist.id)


def card_alt(finalist: Finalist) -> str:
    """The share card's text alternative: what it says."""
    return f"{finalist.display_name}, finalist in {finalist.category.name}, {finalist.category.edition.name}"


def share_links(url: str, text: str) -> list[tuple[str, str]]:
    """Plain links that open each network's own share page with the address (no third-party script on our pages)."""
    return [
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{text} {url}"}, quote_via=quote)),
        ("X (Twitter)", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text}, quote_via=quote)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}, quote_via=quote)),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}, quote_via=quote)),
        ("Email", "mailto:?" + urlencode({"subject": text, "body": f"{text} {url}"}, quote_via=quote)),
    ]


# --- The share card --------------------------------------------------------------------------------------------


def contrast_ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two sRGB colours (1 to 21)."""

    def luminance(colour):
        channels = [c / 255 for c in colour[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def card_png(finalist: Finalist) -> bytes:
    """The finalist's share card as PNG bytes, drawn once per wording and kept in memory (a burst costs little)."""
    edition = finalist.category.edition
    return _card_for(
        _printable(finalist.display_name), _printable(finalist.category.name), _printable(edition.name),
        site_details().logo_filename,
    )


def _printable(text: str) -> str:
    """The text with control and formatting characters (line breaks, direction overrides) taken out."""
    spaced = " ".join((text or "").split())  # line breaks and tabs become spaces first
    return "".join(ch for ch in spaced if unicodedata.category(ch)[0] != "C").strip()


def _font_path(bold: bool) -> Path:
    """The vendored font file."""
    return Path(current_app.static_folder) / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@functools.lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    """A font at a size (loading a font file costs more than drawing with it)."""
    return ImageFont.truetype(str(_font_path(bold)), size)


def _width(font: ImageFont.FreeTypeFont, text: str) -> float:
    """How wide the text is drawn in this font."""
    return font.getlength(text)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """The text in lines no wider than max_width: broken between words, or between characters in a word too long."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _width(font, candidate) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for character in word:  # a word wider than the card: break it between characters
            if _width(font, line + character) > max_width and line:
                lines.append(line)
                line = ""
            line += character
    if line:
        lines.append(line)
    return lines


def _fit(text: str, bold: bool, sizes: range, max_width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the text fits in max_lines; at the smallest, the last line ends with an ellipsis."""
    for size in sizes:
        font = _font(bold, size)
        lines = _wrap(text, font, max_width)
        if len(lines) <= max_lines:
            return font, lines
    lines = lines[:max_lines]
    last = lines[-1]
    while last and _width(font, last + ELLIPSIS) > max_width:
        last = last[:-1]
    lines[-1] = last.rstrip() + ELLIPSIS
    return font, lines


def _draw_lines(draw: ImageDraw.ImageDraw, top: float, font, lines: list[str], gap: float) -> float:
    """Draw lines from `top` at the left margin; returns where the next text may start."""
    ascent, descent = font.getmetrics()
    for line in lines:
        draw.text((MARGIN, top), line, font=font, fill=TEXT_COLOUR)
        top += (ascent + descent) * gap
    return top


def _draw_logo(image: Image.Image, logo_name: str) -> bool:
    """Draw the logo in its box at the top right, on a white plate, scaled to fit; False when there is no such logo or
    it cannot be read."""
    logo_file = stored_logo(logo_name)
    if logo_file is None:
        return False
    try:
        with Image.open(io.BytesIO(logo_file.data)) as opened:
            opened.draft("RGB", (LOGO_BOX[0] * 2, LOGO_BOX[1] * 2))  # a JPEG decodes at a smaller size at once
            logo = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    logo.thumbnail((LOGO_BOX[0] - 2 * LOGO_PADDING, LOGO_BOX[1] - 2 * LOGO_PADDING), Image.Resampling.LANCZOS)
    plate_width, plate_height = logo.width + 2 * LOGO_PADDING, logo.height + 2 * LOGO_PADDING
    left, top = CARD_WIDTH - MARGIN - plate_width, LOGO_TOP
    ImageDraw.Draw(image).rectangle((left, top, left + plate_width - 1, top + plate_height - 1), fill=LOGO_PLATE)
    image.paste(logo, (left + LOGO_PADDING, top + LOGO_PADDING), logo)
    return True


@functools.lru_cache(maxsize=512)
def _card_for(name: str, category: str, edition_name: str, logo_name: str | None = None) -> bytes:
    """Draw the card for this wording and logo (cached by both; each new logo is stored under a new name, so a new
    logo draws a new card, and the logo's bytes are read from the database only when a card is drawn)."""
    image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = CARD_WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, CARD_WIDTH, 16), fill=ACCENT)
    # The awards' name keeps clear of the logo's box, so no text is ever drawn over it.
    has_logo = logo_name is not None and _draw_logo(image, logo_name)
    mark_width = width - (LOGO_BOX[0] + LOGO_GAP if has_logo else 0)

    mark_font, mark_lines = _fit(edition_name, True, range(40, 23, -2), mark_width, 2)
    top = _draw_lines(draw, 52, mark_font, mark_lines, 1.15)
    draw.rectangle((MARGIN, top + 12, MARGIN + 120, top + 18), fill=ACCENT)

    label_font = _font(False, 32)
    top = _draw_lines(draw, top + 44, label_font, ["Finalist"], 1.2)
    category_font, category_lines = _fit(category, False, range(36, 23, -2), width, 2)
    footer_top = CARD_HEIGHT - MARGIN - sum(category_font.getmetrics()) * 1.2 * len(category_lines)

    # The name takes the room between the label and the category, as large as fits (88 px down to 36 px).
    room = footer_top - top - 24
    sizes = range(88, 35, -4)
    for size in sizes:
        max_lines = max(1, int(room // (sum(_font(True, size).getmetrics()) * 1.1)))
        name_font, name_lines = _fit(name, True, range(size, size - 1, -1), width, max_lines)
        if not name_lines or not name_lines[-1].endswith(ELLIPSIS) or size == sizes[-1]:
            break
    _draw_lines(draw, top + 8, name_font, name_lines, 1.1)
    _draw_lines(draw, footer_top, category_font, category_lines, 1.2)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
