"""Images that MkDocs would publish as they are: metadata out, or not published at all.

Gallery and chapter photos are re-encoded by the image pipeline; images an editor puts
straight into ``docs/`` are copied byte for byte by MkDocs, GPS tags included. This
module decides, from the bytes (not the file name), what each such image may become:

* JPEG (every frame of a phone's multi-picture MPO), PNG, WebP, GIF: the metadata
  blocks (EXIF, XMP, IPTC, comments, text chunks) are removed losslessly (the pixels are
  not decoded or re-encoded), and so is anything after the image's end;
* SVG: published without ``<metadata>`` when it holds nothing that runs or loads
  (scripts, event handlers, ``foreignObject``, outside references); otherwise refused;
* TIFF, HEIC/HEIF, AVIF and anything else: refused (most browsers cannot show them and
  they carry EXIF); the editor is told to put them in an album or convert them to JPEG.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from .problems import Problem

# JPEG segments that carry metadata: APP1 (EXIF, XMP), APP13 (IPTC/Photoshop), COM.
_JPEG_DROP = {0xE1, 0xED, 0xFE}
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_WEBP_DROP = {b"EXIF", b"XMP "}
# Application extensions a GIF needs (looping); the others (XMP, ICC, ...) go.
_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Every suffix an editor may use for a picture in docs/: each is cleaned or refused.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".tif", ".tiff", ".heic", ".heif", ".avif",
                  ".svg", ".svgz", ".mpo", ".jfif", ".jxl", ".bmp")


@dataclass(frozen=True)
class Cleaned:
    """What to publish for one image: its cleaned bytes, or nothing and the reason why."""

    data: bytes | None  # None: refused
    changed: bool = False
    reason: str = ""  # when refused, a sentence for the editor (Vietnamese)


def clean_image(data: bytes) -> Cleaned:
    """The image in ``data`` made safe to publish as it is, or refused."""
    if data.startswith(b"\xff\xd8"):
        out = _jpeg(data)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        out = _png(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        out = _webp(data)
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        out = _gif(data)
    elif data[:2] == b"BM":
        return Cleaned(data)  # BMP has no metadata block
    elif _looks_like_svg(data):
        return _svg(data)
    else:
        kind = _kind(data)
        return Cleaned(None, reason=f"là ảnh {kind}; trình duyệt không hiển thị được và tệp còn giữ dữ liệu máy ảnh "
                       "(có thể cả vị trí GPS). Hãy chuyển sang JPEG, hoặc đưa ảnh vào một album trong gallery/ "
                       "(kyniem tự chuyển đổi và xóa siêu dữ liệu)")
    if out is None:
        return Cleaned(None, reason="không đọc được cấu trúc tệp ảnh (tệp hỏng hoặc không phải ảnh); "
                       "hãy xuất lại ảnh từ máy tính hoặc điện thoại")
    return Cleaned(out, changed=out != data)


def refused(source: str, cleaned: Cleaned) -> Problem | None:
    """The named warning for an image of docs/ that is not published (the build and ``kyniem check``)."""
    if cleaned.data is not None:
        return None
    return Problem(source, None, f"ảnh không được xuất bản: tệp {cleaned.reason}", "warning", "image-refused")


def strip_metadata(data: bytes) -> bytes | None:
    """The image without metadata blocks, or None when it has none (or is not understood)."""
    cleaned = clean_image(data)
    return cleaned.data if cleaned.data is not None and cleaned.changed else None


def _kind(data: bytes) -> str:
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "AVIF" if brand in (b"avif", b"avis") else "HEIC/HEIF"
    return "không rõ định dạng"


# --- JPEG (and MPO: one JPEG after another) ---------------------------------------------------


def _jpeg(data: bytes) -> bytes | None:
    """The first frame only, without metadata segments, ending at its EOI marker.

    An MPO's other frames (the phone's second picture, with its own GPS) and any bytes
    after the end are left out; so is the MPF index that points at them.
    """
    out = [data[:2]]
    pos = 2
    size = len(data)
    while pos + 2 <= size:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            out.append(data[pos : pos + 2])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > size:
            return None
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segment = data[pos : pos + 2 + length]
        mpf = marker == 0xE2 and segment[4:8] == b"MPF\x00"
        if marker not in _JPEG_DROP and not mpf:
            out.append(segment)
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data follows: copy up to the next real marker
            start = pos
            while pos + 1 < size:
                if data[pos] == 0xFF and data[pos + 1] != 0x00 and not 0xD0 <= data[pos + 1] <= 0xD7:
                    break
                pos += 1
            out.append(data[start:pos])
    return None  # no end marker: a damaged file


# --- PNG, WebP, GIF ---------------------------------------------------------------------------


def _png(data: bytes) -> bytes | None:
    out = [data[:8]]
    pos = 8
    while pos + 12 <= len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        if kind not in _PNG_DROP:
            out.append(chunk)
        pos += 12 + length
        if kind == b"IEND":
            return b"".join(out)  # what follows IEND is not part of the image
    return None


def _webp(data: bytes) -> bytes | None:
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    chunks = []
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        size = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunk = data[pos : pos + 8 + size + (size & 1)]
        if kind not in _WEBP_DROP:
            if kind == b"VP8X":  # clear the EXIF (0x08) and XMP (0x04) flags
                chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]
            chunks.append(chunk)
        pos += 8 + size + (size & 1)
    if not chunks:
        return None
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _sub_blocks(data: bytes, pos: int) -> int:
    """Position after a chain of GIF data sub-blocks starting at ``pos``."""
    while pos < len(data):
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
    raise ValueError("truncated GIF")


def _gif(data: bytes) -> bytes | None:
    try:
        flags = data[10]
        pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
        out = [data[:pos]]
        while pos < len(data):
            block = data[pos]
            if block == 0x3B:  # trailer: the end of the image, whatever follows
                out.append(b"\x3b")
                return b"".join(out)
            if block == 0x21:
                label = data[pos + 1]
                end = _sub_blocks(data, pos + 2)
                keep = label in (0xF9, 0x01) or (label == 0xFF and data[pos + 3 : pos + 14] in _GIF_KEEP_APPS)
                if keep:  # graphic control, plain text, looping; comments and XMP go
                    out.append(data[pos:end])
                pos = end
            elif block == 0x2C:
                flags = data[pos + 9]
                header = pos + 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
                end = _sub_blocks(data, header + 1)
                out.append(data[pos:end])
                pos = end
            else:
                return None
    except (IndexError, ValueError):
        return None
    return None


# --- SVG --------------------------------------------------------------------------------------

_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_METADATA = re.compile(r"<(?:\w+:)?metadata\b.*?</(?:\w+:)?metadata\s*>|<(?:\w+:)?metadata\b[^>]*/>", re.S)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<!--", b"<!DOCTYPE", b"<svg")) and b"<svg" in head


def _svg(data: bytes) -> Cleaned:
    refuse = "là hình SVG có {what}; trang web không đăng hình có thể chạy mã hay tải tệp khác. " \
             "Hãy xuất lại hình thành PNG, hoặc xóa phần đó khỏi tệp SVG"
    text = data.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return Cleaned(None, reason=refuse.format(what="khai báo DOCTYPE/ENTITY"))
    try:
        root = etree.fromstring(data)
    except etree.ParseError:
        return Cleaned(None, reason="là tệp SVG hỏng (không đọc được như XML); hãy xuất lại hình")
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if tag in _SVG_FORBIDDEN_TAGS:
            return Cleaned(None, reason=refuse.format(what=f"thẻ <{tag}>"))
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return Cleaned(None, reason=refuse.format(what=f"thuộc tính {local}="))
            if local == "href" and not (value.startswith("#") or re.match(r"data:image/(png|jpeg|gif|webp)[;,]", value)):
                return Cleaned(None, reason=refuse.format(what=f"liên kết tới {value[:60]!r}"))
            if "url(" in value and not re.search(r"url\(\s*['\"]?#", value):
                return Cleaned(None, reason=refuse.format(what="địa chỉ url(…) ra ngoài tệp"))
    cleaned = _METADATA.sub("", text)
    # Editors' tools (Inkscape, Illustrator) write the file's path on their computer.
    cleaned = re.sub(r'\s(?:inkscape:export-filename|sodipodi:docname|inkscape:export-xdpi|inkscape:export-ydpi)='
                     r'"[^"]*"', "", cleaned)
    out = cleaned.encode("utf-8")
    return Cleaned(out, changed=out != data)
