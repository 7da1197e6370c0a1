"""The finalist's share address, who is public, the share links and the share card (decoded and measured)."""
from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageChops

from awards_app.nominations.models import ConsentState
from awards_app.publication import sharing
from tests.factories.voting import voting_site


@pytest.fixture
def site(db_session, clock):
    site = voting_site()
    db_session.commit()
    return site


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def drawn_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Where anything other than the background was drawn, below the accent band at the top."""
    body = image.crop((0, 20, image.width, image.height))
    box = ImageChops.difference(body, Image.new("RGB", body.size, sharing.BACKGROUND)).getbbox()
    return (box[0], box[1] + 20, box[2], box[3] + 20)


def test_share_url_is_the_absolute_address_of_the_finalists_page(site):
    finalist = site.finalists[0]
    assert sharing.share_url(finalist) == f"http://awards.test/finalists/{finalist.id}"
    assert sharing.card_url(finalist) == f"http://awards.test/finalists/{finalist.id}/card.png"


def test_a_finalist_is_public_only_with_consent_and_a_public_shortlist(site, db_session):
    first, second = site.finalists[:2]
    assert sharing.public_finalist(first.id) is first
    second.nomination.consent = ConsentState.DECLINED
    db_session.flush()
    assert sharing.public_finalist(second.id) is None
    site.edition.shortlist_published_at = None
    db_session.flush()
    assert sharing.public_finalist(first.id) is None


@pytest.mark.parametrize("finalist_id", [0, -1, 2**31, 999_999])
def test_ids_that_name_nothing_are_not_public(site, finalist_id):
    assert sharing.public_finalist(finalist_id) is None


def test_share_links_carry_the_address_to_each_network(site):
    url = "http://awards.test/finalists/7"
    links = dict(sharing.share_links(url, "Vote for A & B"))
    assert set(links) == {"WhatsApp", "X (Twitter)", "Facebook", "LinkedIn", "Email"}
    assert parse_qs(urlsplit(links["WhatsApp"]).query)["text"] == ["Vote for A & B " + url]
    assert parse_qs(urlsplit(links["X (Twitter)"]).query)["url"] == [url]
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [url]
    assert parse_qs(urlsplit(links["LinkedIn"]).query)["url"] == [url]
    for href in links.values():
        assert " " not in href and "&B" not in href  # every value escaped, the ampersand too


def test_the_card_is_a_1200_by_630_png(site):
    image = decoded(sharing.card_png(site.finalists[0]))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_the_colours_have_at_least_4_5_to_1_contrast(site):
    assert sharing.contrast_ratio(sharing.TEXT_COLOUR, sharing.BACKGROUND) >= 4.5
    assert sharing.contrast_ratio(sharing.ACCENT, sharing.BACKGROUND) >= 4.5
    image = decoded(sharing.card_png(site.finalists[0])).convert("RGB")
    colours = {colour for _, colour in image.getcolors(1200 * 630)}
    darkest = min(colours, key=sum)
    assert sharing.BACKGROUND in colours and darkest == sharing.TEXT_COLOUR
    assert sharing.contrast_ratio(darkest, sharing.BACKGROUND) >= 4.5


def test_contrast_ratio_matches_wcag():
    assert round(sharing.contrast_ratio((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert sharing.contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


LONG_NAMES = [
    "The Extraordinarily Long-Named Community Peer Support and Self Management Network of the Highlands and Islands "
    "and Argyll and Bute and the Western Isles Working Together",
    "W" * 300,  # one word wider than the card: broken between characters
    "Ünïcödé Ŝëłf Måñågëmëñt ﬁ Gàidhlig: Taigh Cèilidh",
]


@pytest.mark.parametrize("name", LONG_NAMES)
def test_long_names_are_wrapped_and_shrunk_inside_the_margins(site, db_session, name):
    finalist = site.finalists[0]
    finalist.public_name = name[:200]
    db_session.flush()
    image = decoded(sharing.card_png(finalist)).convert("RGB")
    left, top, right, bottom = drawn_box(image)
    assert left >= sharing.MARGIN - 4 and right <= 1200 - sharing.MARGIN + 4
    assert bottom <= 630 - sharing.MARGIN // 2


def test_wrapping_breaks_between_words_and_never_inside_a_character(app):
    with app.app_context():
        font = sharing._font(True, 60)
        lines = sharing._wrap("Walk & Talk " + "x" * 80, font, 500)
    assert lines[0] == "Walk & Talk"
    assert "".join(lines[1:]) == "x" * 80  # every character kept, whole
    assert all(font.getlength(line) <= 500 for line in lines)


def test_a_name_too_long_for_the_card_ends_with_an_ellipsis(app):
    with app.app_context():
        font, lines = sharing._fit("word " * 200, True, range(40, 35, -2), 400, 3)
        assert len(lines) == 3 and lines[-1].endswith("…")
        assert all(font.getlength(line) <= 400 for line in lines)


@pytest.mark.parametrize("name", [
    "<script>alert(1)</script>", "{{ config }}", "Line\nbreak\u202eevil\u0007", "\u200b\u200b", "🎉 Party People 🎉",
])
def test_hostile_names_are_drawn_as_plain_text(site, db_session, name):
    finalist = site.finalists[0]
    finalist.public_name = name
    db_session.flush()
    image = decoded(sharing.card_png(finalist))
    assert image.size == (1200, 630)


def test_control_characters_are_taken_out_of_the_text():
    assert sharing._printable("Line\nbreak\u202eevil\u0000 ") == "Line breakevil"


def test_the_card_is_drawn_once_per_wording(site, db_session):
    finalist = site.finalists[0]
    first = sharing.card_png(finalist)
    hits = sharing._card_for.cache_info().hits
    assert sharing.card_png(finalist) is first
    assert sharing._card_for.cache_info().hits == hits + 1
    finalist.public_name = "A New Name"
    db_session.flush()
    assert sharing.card_png(finalist) != first


# --- The organisation's logo on the card (site settings) ----------------------------------------------------------


def _logo_box(image: Image.Image) -> Image.Image:
    """The card's top-right box where the logo goes."""
    right = sharing.CARD_WIDTH - sharing.MARGIN
    return image.crop((right - sharing.LOGO_BOX[0], sharing.LOGO_TOP, right, sharing.LOGO_TOP + sharing.LOGO_BOX[1]))


def _with_logo(organiser, width: int = 200, height: int = 80) -> None:
    from awards_app.site_settings.changes import save_logo
    from tests.factories.site_settings import logo_png

    save_logo(organiser, logo_png(width, height), "The ALLIANCE")


def test_without_a_logo_the_logo_s_box_is_blank(site):
    image = decoded(sharing.card_png(site.finalists[0])).convert("RGB")
    assert image.size == (1200, 630)
    assert _logo_box(image).getcolors() == [(sharing.LOGO_BOX[0] * sharing.LOGO_BOX[1], sharing.BACKGROUND)]


def test_the_logo_is_drawn_top_right_on_a_white_plate(site, organiser):
    from tests.factories.site_settings import LOGO_COLOUR

    _with_logo(organiser)
    image = decoded(sharing.card_png(site.finalists[0])).convert("RGB")
    assert image.size == (1200, 630)
    colours = {colour for _count, colour in _logo_box(image).getcolors(maxcolors=100_000)}
    assert LOGO_COLOUR in colours and sharing.LOGO_PLATE in colours


@pytest.mark.parametrize("size", [(4000, 100), (100, 3000), (3, 3)])
def test_a_logo_of_any_shape_is_scaled_to_fit_its_box(site, organiser, size):
    from tests.factories.site_settings import LOGO_COLOUR

    _with_logo(organiser, *size)
    image = decoded(sharing.card_png(site.finalists[0])).convert("RGB")
    # Where the logo's colour is (exactly): inside the box, and nowhere else.
    found = [index for index, colour in enumerate(image.get_flattened_data()) if colour == LOGO_COLOUR]
    assert found
    xs, ys = {index % image.width for index in found}, {index // image.width for index in found}
    left, right, top, bottom = min(xs), max(xs) + 1, min(ys), max(ys) + 1
    assert left >= sharing.CARD_WIDTH - sharing.MARGIN - sharing.LOGO_BOX[0] and right <= sharing.CARD_WIDTH - sharing.MARGIN
    assert top >= sharing.LOGO_TOP and bottom <= sharing.LOGO_TOP + sharing.LOGO_BOX[1]


def test_the_awards_name_keeps_clear_of_the_logo(site, organiser, db_session):
    site.edition.name = "The Self Management Awards of the Year Two Thousand and Twenty-Six in Scotland " * 2
    db_session.flush()
    _with_logo(organiser)
    image = decoded(sharing.card_png(site.finalists[0])).convert("RGB")
    right = sharing.CARD_WIDTH - sharing.MARGIN
    gap = image.crop((right - sharing.LOGO_BOX[0] - sharing.LOGO_GAP, sharing.LOGO_TOP,
                      right - sharing.LOGO_BOX[0], sharing.LOGO_TOP + sharing.LOGO_BOX[1]))
    assert gap.getcolors() == [(gap.width * gap.height, sharing.BACKGROUND)]


def test_a_new_logo_draws_a_new_card_at_a_new_address(site, organiser):
    finalist = site.finalists[0]
    plain, plain_url = sharing.card_png(finalist), sharing.card_url(finalist)
    _with_logo(organiser)
    first, first_url = sharing.card_png(finalist), sharing.card_url(finalist)
    _with_logo(organiser, 120, 120)
    second, second_url = sharing.card_png(finalist), sharing.card_url(finalist)
    assert len({plain, first, second}) == 3
    assert len({plain_url, first_url, second_url}) == 3
    assert first_url.startswith(plain_url + "?logo=")


def test_the_text_keeps_its_contrast_on_the_plate_and_the_background():
    assert sharing.contrast_ratio(sharing.TEXT_COLOUR, sharing.BACKGROUND) >= 4.5
    assert sharing.contrast_ratio(sharing.TEXT_COLOUR, sharing.LOGO_PLATE) >= 4.5
