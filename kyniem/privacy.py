"""Strip location and camera metadata from images that MkDocs would publish as they are.

Gallery and chapter photos are re-encoded by the image pipeline; images an editor puts
straight into ``docs/`` are copied byte for byte by MkDocs, GPS tags included. This
removes the metadata blocks losslessly (the pixels are not decoded or re-encoded).
"""

from __future__ import annotations

import struct

# JPEG segments that carry metadata: APP1 (EXIF, XMP), APP13 (IPTC/Photoshop), COM.
_JPEG_DROP = {0xE1, 0xED, 0xFE}
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def strip_metadata(data: bytes) -> bytes | None:
    """The image without metadata blocks, or None when it has none (or is not understood)."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    return None


def _jpeg(data: bytes) -> bytes | None:
    out = [data[:2]]
    pos, dropped = 2, False
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan / end: the rest is image data
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segment = data[pos : pos + 2 + length]
        if marker in _JPEG_DROP:
            dropped = True
        else:
            out.append(segment)
        pos += 2 + length
    out.append(data[pos:])
    return b"".join(out) if dropped else None


def _png(data: bytes) -> bytes | None:
    out = [data[:8]]
    pos, dropped = 8, False
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        if kind in _PNG_DROP:
            dropped = True
        else:
            out.append(chunk)
        pos += 12 + length
        if kind == b"IEND":
            break
    return b"".join(out) if dropped else None


def _webp(data: bytes) -> bytes | None:
    chunks = []
    pos, dropped = 12, False
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        size = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunk = data[pos : pos + 8 + size + (size & 1)]
        if kind in _WEBP_DROP:
            dropped = True
        else:
            if kind == b"VP8X":  # clear the EXIF (0x08) and XMP (0x04) flags
                chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]
            chunks.append(chunk)
        pos += 8 + size + (size & 1)
    if not dropped:
        return None
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
