"""Checking uploaded images by their content: PNG, JPEG or WebP only, bounded in bytes and pixels.

Pillow is not installed, so each format is checked by its magic bytes and then walked chunk by chunk (PNG chunks with
their checksums and the compressed pixel data inflated, JPEG segments up to the end-of-image marker, WebP's RIFF
chunks). The walk also rebuilds the file from the parts a browser needs to draw it: metadata (EXIF with a photo's
GPS position, XMP, comments, text chunks) and anything after the image's end are dropped, so that what we store and
serve is an image and nothing else. The name of the uploaded file is never trusted or kept.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from awards_app.core.errors import DomainError

MAX_IMAGE_BYTES = 1024 * 1024  # 1 MB: plenty for a web image; voters arrive on phones, in bursts
MAX_SIDE = 4000  # pixels, either way
MAX_PIXELS = 12_000_000  # width x height
FIELD = "image"

NOT_AN_IMAGE = "The file must be a PNG, JPEG or WebP image"
DAMAGED = "The image could not be read: it may be damaged. Save it again as a PNG, JPEG or WebP image and try again"


@dataclass(frozen=True)
class ImageKind:
    """A format we accept: the extension of stored files and the Content-Type they are served with."""

    name: str
    extension: str
    content_type: str


PNG = ImageKind("PNG", "png", "image/png")
JPEG = ImageKind("JPEG", "jpg", "image/jpeg")
WEBP = ImageKind("WebP", "webp", "image/webp")
KINDS_BY_EXTENSION = {kind.extension: kind for kind in (PNG, JPEG, WEBP)}


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed the checks: its kind, size in pixels, and its bytes rebuilt without metadata."""

    kind: ImageKind
    width: int
    height: int
    data: bytes


class ImageRefused(DomainError):
    """The upload is not an image we accept; the message says why, for the image field."""

    def __init__(self, message: str):
        super().__init__(message, field=FIELD)


def check_image(data: bytes) -> CheckedImage:
    """Check that the bytes are a whole PNG, JPEG or WebP image within the limits; return it without metadata."""
    if not data:
        raise ImageRefused("The selected file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused("The image must be 1 MB or smaller. Save it at a smaller size and try again")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        checker = _check_png
    elif data.startswith(b"\xff\xd8\xff"):
        checker = _check_jpeg
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        checker = _check_webp
    else:
        raise ImageRefused(NOT_AN_IMAGE)
    try:
        image = checker(data)
    except (struct.error, IndexError, zlib.error, ValueError):
        raise ImageRefused(DAMAGED) from None
    _check_dimensions(image.width, image.height)
    return image


def _check_dimensions(width: int, height: int) -> None:
    """Refuse an image with no pixels, or more than we show (a huge one is slow to load on phones)."""
    if width < 1 or height < 1:
        raise ImageRefused(DAMAGED)
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRefused(
            f"The image must be at most {MAX_SIDE:,} pixels wide and high (this one is {width:,} by {height:,}). "
            "Save it at a smaller size and try again"
        )


def _damaged(condition: bool) -> None:
    """Stop the walk when the structure is not what the format says."""
    if condition:
        raise ValueError("damaged image")


# --- PNG ---------------------------------------------------------------------------------------------------------

# Ancillary chunks that change how the image looks are kept; text, time, EXIF and unknown ones are dropped.
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs"}
# Bits per pixel for each colour type, per bit of depth: greyscale, RGB, palette, grey+alpha, RGBA.
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _check_png(data: bytes) -> CheckedImage:
    """Walk the chunks (checksums checked), inflate the pixel data, and keep only the chunks that draw the image."""
    position, kept, compressed = 8, [data[:8]], []
    width = height = 0
    header = None
    while True:
        _damaged(position + 12 > len(data))
        length, chunk_type = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        _damaged(end > len(data) or not chunk_type.isalpha())
        body = data[position + 8:end - 4]
        (crc,) = struct.unpack(">I", data[end - 4:end])
        _damaged(zlib.crc32(chunk_type + body) != crc)
        if header is None:
            _damaged(chunk_type != b"IHDR" or length != 13)
            width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
            _damaged(colour not in _PNG_CHANNELS or compression or filtering or interlace not in (0, 1))
            header = (depth, colour, interlace)
            _check_dimensions(width, height)  # before inflating anything
        # An unknown chunk whose name starts with a capital letter is critical: a decoder could not draw the image.
        _damaged(chunk_type not in _PNG_KEPT and chunk_type[:1].isupper())
        if chunk_type == b"IDAT":
            compressed.append(body)
        if chunk_type in _PNG_KEPT:
            kept.append(data[position:end])
        position = end
        if chunk_type == b"IEND":
            break
    _damaged(not compressed)
    depth, colour, interlace = header
    _inflate_png(b"".join(compressed), _png_raw_size(width, height, depth * _PNG_CHANNELS[colour], interlace))
    return CheckedImage(PNG, width, height, b"".join(kept))


def _png_raw_size(width: int, height: int, bits_per_pixel: int, interlace: int) -> int:
    """How many bytes the inflated pixel data holds: each row's filter byte and its pixels, per interlace pass."""
    if interlace == 0:
        passes = [(width, height)]
    else:  # Adam7: seven passes over a shrinking grid
        grid = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        passes = [
            ((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in grid
        ]
    return sum(rows * (1 + (columns * bits_per_pixel + 7) // 8) for columns, rows in passes if columns and rows)


def _inflate_png(compressed: bytes, expected: int) -> None:
    """Inflate the pixel data in pieces (never holding it whole) and check that it is exactly as long as it must be."""
    inflater = zlib.decompressobj()
    produced, pending = 0, compressed
    while pending and not inflater.eof:
        produced += len(inflater.decompress(pending, 65536))
        _damaged(produced > expected)
        pending = inflater.unconsumed_tail
    produced += len(inflater.flush())
    _damaged(not inflater.eof or produced != expected)


# --- JPEG --------------------------------------------------------------------------------------------------------

# Start-of-frame markers (baseline, progressive, lossless...): they carry the image's size.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
# Application segments kept: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform).
# APP1 (EXIF, with a photo's GPS position, and XMP), the other APPn and comments are dropped.
_JPEG_KEPT_APPS = {0xE0, 0xE2, 0xEE}


def _check_jpeg(data: bytes) -> CheckedImage:
    """Walk the segments to the end-of-image marker, read the frame's size, and drop metadata segments."""
    position, kept = 2, [b"\xff\xd8"]
    width = height = 0
    scanned = False
    while True:
        _damaged(data[position] != 0xFF)
        while data[position] == 0xFF:  # markers may be padded with extra 0xFF bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image; anything after it is dropped
            kept.append(b"\xff\xd9")
            break
        _damaged(marker in (0x00, 0xD8) or 0xD0 <= marker <= 0xD7)
        (length,) = struct.unpack(">H", data[position:position + 2])
        _damaged(length < 2 or position + length > len(data))
        segment = data[position - 2:position + length]
        if marker in _JPEG_FRAMES:
            _damaged(length < 8)
            height, width = struct.unpack(">HH", data[position + 3:position + 7])
            _check_dimensions(width, height)
        keep = not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _JPEG_KEPT_APPS
        if keep:
            kept.append(segment)
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            _damaged(not width)
            scan_end = _jpeg_scan_end(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
            scanned = True
    _damaged(not scanned or not width)
    return CheckedImage(JPEG, width, height, b"".join(kept))


def _jpeg_scan_end(data: bytes, position: int) -> int:
    """Where a scan's entropy-coded data ends: at the first 0xFF starting a marker (not a stuffed 0x00 or a reset)."""
    while True:
        position = data.index(b"\xff", position)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
            continue
        if following == 0xFF:  # padding before a marker
            position += 1
            continue
        return position


# --- WebP --------------------------------------------------------------------------------------------------------

_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _check_webp(data: bytes) -> CheckedImage:
    """Walk the RIFF chunks, read the size from the first one, and drop EXIF, XMP and unknown chunks."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    _damaged(riff_size < 4 or riff_size + 8 > len(data) or riff_size % 2)
    end = 8 + riff_size  # anything after the RIFF container is dropped
    position, chunks = 12, []
    while position < end:
        _damaged(position + 8 > end)
        fourcc, size = struct.unpack("<4sI", data[position:position + 8])
        body_end = position + 8 + size
        _damaged(body_end > end)
        chunks.append((fourcc, data[position + 8:body_end]))
        position = body_end + (size % 2)  # chunks are padded to an even length
    _damaged(not chunks)
    first, body = chunks[0]
    if first == b"VP8 ":
        _damaged(len(chunks) != 1 and any(fourcc in (b"VP8 ", b"VP8L", b"VP8X") for fourcc, _ in chunks[1:]))
        width, height = _vp8_size(body)
        kept = [chunks[0]]
    elif first == b"VP8L":
        width, height = _vp8l_size(body)
        kept = [chunks[0]]
    elif first == b"VP8X":
        _damaged(len(body) < 10)
        width = 1 + int.from_bytes(body[4:7], "little")
        height = 1 + int.from_bytes(body[7:10], "little")
        flags = body[0] & ~(_VP8X_EXIF | _VP8X_XMP)
        wanted = {b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"}
        kept = [(b"VP8X", bytes([flags]) + body[1:])] + [(c, b) for c, b in chunks[1:] if c in wanted]
        _damaged(not any(fourcc in (b"VP8 ", b"VP8L", b"ANMF") for fourcc, _ in kept))
        for fourcc, frame in kept:  # the bitstream's own size must agree with the canvas
            if fourcc == b"VP8 ":
                _damaged(_vp8_size(frame) != (width, height))
            elif fourcc == b"VP8L":
                _damaged(_vp8l_size(frame) != (width, height))
    else:
        raise ValueError("unknown WebP chunk")
    _check_dimensions(width, height)
    payload = b"".join(
        struct.pack("<4sI", fourcc, len(body)) + body + (b"\x00" if len(body) % 2 else b"") for fourcc, body in kept
    )
    return CheckedImage(WEBP, width, height, b"RIFF" + struct.pack("<I", 4 + len(payload)) + b"WEBP" + payload)


def _vp8_size(body: bytes) -> tuple[int, int]:
    """A lossy bitstream's size: a key frame's start code, then 14-bit width and height."""
    _damaged(len(body) < 10 or body[3:6] != b"\x9d\x01\x2a" or body[0] & 1)
    width, height = struct.unpack("<HH", body[6:10])
    return width & 0x3FFF, height & 0x3FFF


def _vp8l_size(body: bytes) -> tuple[int, int]:
    """A lossless bitstream's size: the 0x2F signature, then width - 1 and height - 1 in 14 bits each."""
    _damaged(len(body) < 5 or body[0] != 0x2F)
    bits = int.from_bytes(body[1:5], "little")
    _damaged(bits >> 29)  # the version must be 0
    return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
