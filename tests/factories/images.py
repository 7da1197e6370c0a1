"""Small real images for the shortlist tests, built byte by byte (Pillow is not installed): PNG, JPEG and WebP.

Each builder can add metadata (which the app must strip) and bytes after the image's end (which the app must drop).
"""
from __future__ import annotations

import base64
import struct
import zlib


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and checksum."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(width: int = 4, height: int = 3, rgb=(90, 45, 130), extra: list[tuple[bytes, bytes]] = (),
             trailing: bytes = b"") -> bytes:
    """A truecolour PNG of one colour; `extra` chunks go before the pixel data, `trailing` after the end."""
    row = b"\x00" + bytes(rgb) * width  # filter byte 0, then the pixels
    pixels = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", header), *(png_chunk(kind, body) for kind, body in extra),
              png_chunk(b"IDAT", pixels), png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + trailing


def png_with_size(width: int, height: int) -> bytes:
    """A PNG header claiming a size, with pixel data to match (for the dimension limits)."""
    return make_png(width, height)


def jpeg_segment(marker: int, body: bytes) -> bytes:
    """One JPEG marker segment with its length."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def make_jpeg(width: int = 8, height: int = 8, extra: list[tuple[int, bytes]] = (), trailing: bytes = b"") -> bytes:
    """A baseline greyscale JPEG of one 8x8 block of mid grey (scaled to `width` x `height` in its header only).

    The Huffman tables hold one code each (a DC difference of 0 and the end-of-block), so the whole scan is the two
    one-bit codes "0" "0", padded with ones: the byte 0x3F. `extra` segments (such as EXIF in APP1) follow APP0.
    """
    app0 = jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    quantisation = jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
    frame = jpeg_segment(0xC0, b"\x08" + struct.pack(">HH", height, width) + b"\x01\x01\x11\x00")
    dc_table = jpeg_segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
    ac_table = jpeg_segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
    scan = jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    segments = b"".join(jpeg_segment(marker, body) for marker, body in extra)
    return (b"\xff\xd8" + app0 + segments + quantisation + frame + dc_table + ac_table + scan + b"\x3f" + b"\xff\xd9"
            + trailing)


# A 1x1 lossless WebP (a transparent pixel) and a 1x1 lossy one: the smallest well-formed files of each kind.
WEBP_LOSSLESS = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
WEBP_LOSSY = base64.b64decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")


def webp_chunk(fourcc: bytes, body: bytes) -> bytes:
    """One RIFF chunk, padded to an even length."""
    return fourcc + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def make_webp_extended(exif: bytes = b"Exif\x00\x00GPS 55.95N 3.19W") -> bytes:
    """A 1x1 extended WebP (VP8X) holding the lossless pixel and an EXIF chunk, its flag set."""
    bitstream = WEBP_LOSSLESS[20:20 + 13]  # the VP8L chunk's body
    vp8x = bytes([0x08 | 0x10]) + b"\x00\x00\x00" + (0).to_bytes(3, "little") + (0).to_bytes(3, "little")
    payload = webp_chunk(b"VP8X", vp8x) + webp_chunk(b"VP8L", bitstream) + webp_chunk(b"EXIF", exif)
    return b"RIFF" + struct.pack("<I", 4 + len(payload)) + b"WEBP" + payload


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def stored_image_names() -> list[str]:
    """The names of the files stored in the database (core.stored_files), oldest first."""
    from sqlalchemy import select

    from awards_app.core.models import StoredFile
    from awards_app.extensions import db

    return list(db.session.scalars(select(StoredFile.name).order_by(StoredFile.id)))
