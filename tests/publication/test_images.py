"""Checking uploaded images by content: the formats accepted, what is refused, limits, and metadata stripped."""
import struct
import zlib

import pytest

from awards_app.publication import images
from awards_app.publication.images import ImageRefused, check_image
from tests.factories.images import (
    HTML,
    SVG,
    WEBP_LOSSLESS,
    WEBP_LOSSY,
    jpeg_segment,
    make_jpeg,
    make_png,
    make_webp_extended,
    png_chunk,
)

GPS = b"GPSLatitude 55.9533 N"


@pytest.mark.parametrize(
    ("data", "kind", "size"),
    [
        (make_png(4, 3), "image/png", (4, 3)),
        (make_jpeg(8, 8), "image/jpeg", (8, 8)),
        (WEBP_LOSSLESS, "image/webp", (1, 1)),
        (WEBP_LOSSY, "image/webp", (1, 1)),
        (make_webp_extended(), "image/webp", (1, 1)),
    ],
)
def test_png_jpeg_and_webp_are_accepted_with_their_size(data, kind, size):
    image = check_image(data)
    assert image.kind.content_type == kind
    assert (image.width, image.height) == size


def test_the_kind_comes_from_the_content_whatever_the_name():
    assert check_image(make_png()).kind.extension == "png"
    assert check_image(make_jpeg()).kind.extension == "jpg"
    assert check_image(WEBP_LOSSLESS).kind.extension == "webp"


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        HTML,
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"%PDF-1.7\n",
        b"BM" + b"\x00" * 60,
        b"not an image at all",
    ],
    ids=["svg", "html", "gif", "pdf", "bmp", "text"],
)
def test_other_kinds_of_file_are_refused(data):
    with pytest.raises(ImageRefused) as refusal:
        check_image(data)
    assert refusal.value.message == "The file must be a PNG, JPEG or WebP image"
    assert refusal.value.field == "image"


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRefused, match="The selected file is empty"):
        check_image(b"")


@pytest.mark.parametrize(
    "data",
    [
        make_png()[:40],  # cut off in the middle
        make_png()[:-12],  # no IEND
        make_png()[:30] + b"X" + make_png()[31:],  # a checksum that no longer matches
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IDAT", b"x"),  # no header first
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + png_chunk(b"IEND", b""),  # too little pixel data
        make_png(extra=[(b"QQQQ", b"critical and unknown")]),
        b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",  # the signature and then HTML
        make_jpeg()[:-2],  # no end-of-image
        make_jpeg()[:60],
        b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
        WEBP_LOSSLESS[:-3],
        b"RIFF\x10\x00\x00\x00WEBPVP8L\x04\x00\x00\x00\x00\x00\x00\x00",  # a lossless chunk without its signature
    ],
    ids=["png-cut", "png-no-end", "png-checksum", "png-no-header", "png-short-pixels", "png-unknown-critical",
         "png-then-html", "jpeg-no-end", "jpeg-cut", "jpeg-then-html", "webp-cut", "webp-bad-bitstream"],
)
def test_damaged_or_disguised_files_are_refused(data):
    with pytest.raises(ImageRefused, match="could not be read|must be a PNG"):
        check_image(data)


def test_too_many_bytes_are_refused_before_anything_else():
    data = make_png(extra=[(b"tEXt", b"x" * images.MAX_IMAGE_BYTES)])
    with pytest.raises(ImageRefused, match="1 MB or smaller"):
        check_image(data)


@pytest.mark.parametrize(("width", "height"), [(4001, 1), (1, 4001), (3500, 3500)])
def test_too_many_pixels_are_refused(width, height):
    with pytest.raises(ImageRefused, match="at most 4,000 pixels"):
        check_image(make_png(width, height))


def test_a_jpeg_claiming_too_many_pixels_is_refused():
    with pytest.raises(ImageRefused, match="at most 4,000 pixels"):
        check_image(make_jpeg(9000, 10))


def test_png_metadata_and_trailing_bytes_are_dropped():
    metadata = [(b"tEXt", b"Comment\x00<script>alert(1)</script>"), (b"eXIf", GPS), (b"gAMA", b"\x00\x00\xb1\x8f")]
    data = make_png(extra=metadata, trailing=b"<html><script>alert(1)</script></html>")
    image = check_image(data)
    assert b"<script>" not in image.data and GPS not in image.data
    assert b"gAMA" in image.data  # it changes how the image looks, so it stays
    assert image.data.endswith(png_chunk(b"IEND", b""))
    assert check_image(image.data).data == image.data  # what is stored passes the check again


def test_jpeg_exif_comments_and_trailing_bytes_are_dropped():
    data = make_jpeg(extra=[(0xE1, b"Exif\x00\x00" + GPS), (0xFE, b"<script>alert(1)</script>"), (0xEE, b"Adobe")],
                     trailing=b"PK\x03\x04 a zip file after the image")
    image = check_image(data)
    assert GPS not in image.data and b"<script>" not in image.data and b"PK\x03\x04" not in image.data
    assert jpeg_segment(0xEE, b"Adobe") in image.data  # the colour transform stays
    assert image.data.endswith(b"\xff\xd9")
    assert check_image(image.data).data == image.data


def test_webp_exif_is_dropped_and_its_flag_cleared():
    data = make_webp_extended(exif=b"Exif\x00\x00" + GPS)
    image = check_image(data)
    assert GPS not in image.data and b"EXIF" not in image.data
    flags = image.data[20]
    assert not flags & 0x08
    (riff_size,) = struct.unpack("<I", image.data[4:8])
    assert riff_size + 8 == len(image.data)
    assert check_image(image.data).data == image.data
