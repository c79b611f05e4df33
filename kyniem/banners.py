"""Print-ready slogan banners (băng rôn): yellow text on flag red, PNG and vector PDF.

A banner is laid out once, in pixels of the full-size print, then drawn at any
scale: full size for the PNG, ~1000 px wide for the preview on the slogans page,
and as SVG text in millimetres for the PDF, so all three show the same lines.

Vietnamese capitals carry stacked marks (Ỗ, Ặ, Ẫ) that rise well above the
font's own ascender (Be Vietnam Pro: 1159 vs 1000 units), so the text is sized
from the measured ink of a reference set of the tallest and deepest Vietnamese
letters, never from the font's ascent, and can never be clipped.

For the print shop (issue 13) each banner has its own size (``width_m``,
``height_m``, ``lines`` in slogans.yml, else the settings), a bleed around the
trimmed size, a safe margin for grommets and pole pockets that text never
enters, crop marks in the PDF, and /UserUnit when the page is larger than the
14,400 units Acrobat accepts. Line breaks never split a name or fixed phrase
(kyniem/typeset.py); ``/`` in a slogan forces a break.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import io
import itertools
import json
import math
import os
import struct
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

from . import __version__, htmlpolicy, store, weasyprint_loader
from .book import print_boxes
from .content import SLOGAN_LINES
from .pages import Download
from .problems import Problem
from .progress import track
from .text import nfc, slugify
from .typeset import DEFAULT_PHRASES, unbreakable_spans

if TYPE_CHECKING:
    from .config import BannerConfig
    from .content import Slogan

FONT = Path(__file__).parent / "assets" / "fonts" / "BeVietnamPro-Bold.ttf"
BANNERS_DIR = "tai-ve/bang-ron"
PREVIEW_WIDTH = 1000
# Smallest letter size (CSS px, em) a banner preview is shown at: readable on a phone.
PREVIEW_LETTER_PX = 14

# The flag's red and the star's yellow: contrast 4.6:1, above WCAG AA even for small text.
RED = (0xDA, 0x25, 0x1D)
YELLOW = (0xFF, 0xFF, 0x00)

# The tallest stacked marks and the deepest descenders of Vietnamese, upper and lower case.
REFERENCE = "ỖẪẶỘỆỄẾỀỂẨẤẦẬẮẰẲẴỞỠỚỜỢỮỨỪỬỰỸỲỶỴÝẠỊỌỤĐỗẫặộễẵỡữỹgjpqyỵ"
# Margins: a tenth of the height top and bottom, at least 4 % of the width at the sides.
MARGIN_Y = 0.10
MARGIN_X = 0.04
# Extra space between the two lines, as a share of the reference line height.
LINE_GAP = 0.12
# How much smaller the text may get to break at punctuation instead of inside a word.
PUNCTUATION_SLACK = 1.12
# Conjunctions and prepositions: a line may start with them without cutting a word.
BREAK_BEFORE = {"và", "của", "trong", "theo", "cho", "với", "để", "trên", "tại", "vì", "là", "mọi"}
# Words of several syllables common on banners: a line never ends inside one.
KEEP_TOGETHER = (
    "đảng cộng sản việt nam", "cộng hòa xã hội chủ nghĩa", "chủ nghĩa xã hội", "hồ chí minh", "việt nam",
    "đảng bộ", "chi bộ", "cấp ủy", "cán bộ", "đảng viên", "chủ nghĩa", "xã hội", "cộng hòa", "tổ chức",
    "nghị quyết", "đại hội", "cách mạng", "thắng lợi", "kỷ niệm", "thành lập", "chào mừng", "nhiệt liệt",
    "học tập", "làm theo", "tư tưởng", "đạo đức", "phong cách", "thi đua", "thực hiện", "nhiệm kỳ",
    "lãnh đạo", "quang vinh", "muôn năm", "vĩ đại", "sự nghiệp", "chúng ta", "cơ quan", "chiến đấu",
    "lao động", "đẩy mạnh", "sống mãi", "chủ tịch", "các cấp", "ra sức", "hải dương", "dân tộc", "nhân dân",
    "đoàn kết", "xây dựng", "phát triển", "đổi mới", "công nghiệp hóa", "hiện đại hóa",
)
# Width of the slug part of file names, so names stay readable in any file manager.
SLUG_CHARS = 60
# Largest page side Acrobat accepts, in PDF units (200 in); beyond it the PDF sets /UserUnit.
PDF_MAX_UNITS = 14400
# Room outside the bleed for the crop marks (WeasyPrint draws them in the outer half of the CSS bleed).
MARKS_MM = 30
# Memory to draw one banner, per pixel of the full-size image: the PNG is drawn and compressed a
# band of rows at a time (BAND_BYTES), so what grows with the banner is a line's glyph mask (measured
# above the worker's start: 40 MB at 5 m x 0.8 m, 100 dpi, 64 Mpx with bleed; 44 MB at 7 m x 1 m, 112 Mpx;
# drawn whole, 77 and 136 MB).
BYTES_PER_PIXEL = 0.75
# Pixels of one band of the full-size PNG: a 7 m x 1 m banner at 100 dpi is 112 megapixels, drawn
# whole it held that many bytes (twice, with two workers) on top of the build.
BAND_BYTES = 8_000_000
# Most lines a banner is set on, as a slogan may ask (more would be a poster, and the search for breaks grows fast).
MAX_LINES = SLOGAN_LINES[1]
# A slogan's forced line break: a slash between spaces (a date's slashes have none).
FORCED_BREAK = " / "

_MEASURE_SIZE = 1000


@dataclass(frozen=True)
class BannerSpec:
    """One banner's print settings: its slogan's own size and lines, else the banners settings."""

    width_m: float
    height_m: float
    dpi: int
    lines: int | None  # exactly this many lines, or None: the best of 1 .. max_lines
    max_lines: int
    bleed_mm: float
    safe_mm: float
    uppercase: bool

    @property
    def size_label(self) -> str:
        return f"{self.width_m:g} m × {self.height_m:g} m".replace(".", ",")


def spec(slogan: "Slogan | None", settings: "BannerConfig") -> BannerSpec:
    return BannerSpec(
        width_m=float(slogan.width_m if slogan is not None and slogan.width_m else settings.width_m),
        height_m=float(slogan.height_m if slogan is not None and slogan.height_m else settings.height_m),
        dpi=int(settings.dpi),
        lines=slogan.lines if slogan is not None else None,
        max_lines=min(max(1, int(settings.max_lines)), MAX_LINES),
        bleed_mm=float(settings.bleed_mm),
        safe_mm=float(settings.safe_mm),
        uppercase=bool(settings.uppercase),
    )


@dataclass(frozen=True)
class BannerLayout:
    """Where the text goes on the full-size banner, in pixels of the trimmed size."""

    width: int
    height: int
    margin_x: int
    margin_y: int
    font_size: int
    lines: tuple[str, ...]
    origins: tuple[tuple[int, int], ...]  # (left x, baseline y) of each line
    bleed: int = 0  # pixels printed beyond the trimmed size on each side

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The area text may occupy: the banner less its margins."""
        return (self.margin_x, self.margin_y, self.width - self.margin_x, self.height - self.margin_y)


def pixel_size(settings: "BannerConfig | BannerSpec") -> tuple[int, int]:
    """Trimmed banner size in pixels: 5 m x 0.8 m at 100 dpi -> 19685 x 3150."""
    return (round(settings.width_m / 0.0254 * settings.dpi), round(settings.height_m / 0.0254 * settings.dpi))


def _mm_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def banner_text(slogan: "Slogan", settings: "BannerConfig | BannerSpec") -> str:
    """The slogan as printed: in capitals, as banners are set, unless the site asks otherwise.

    A forced break stays written " / "; :func:`layout` turns it into a line break.
    """
    text = " ".join(nfc(slogan.text).split())
    return nfc(text.upper()) if settings.uppercase else text


def _font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _reference(font: ImageFont.FreeTypeFont, text: str) -> tuple[float, float]:
    """(ascent, descent) below/above the baseline that any Vietnamese letter in ``text`` stays within."""
    _, top, _, bottom = font.getbbox(REFERENCE + text, anchor="ls")
    return -top, bottom


def _groups(text: str) -> list[str]:
    """The slogan's forced lines ("A / B" -> ["A", "B"])."""
    return [part.strip() for part in f" {text} ".split(FORCED_BREAK) if part.strip()]


def allowed_breaks(words: list[str], source: str, phrases: Sequence[str]) -> list[int]:
    """Break positions (before word i) that cut no name, date range, fixed phrase or common word.

    ``source`` is the text in its written case, where names can still be told by their capitals.
    """
    cuts = _inside_words([w.lower() for w in words])
    offsets, position = [], 0
    for word in words:
        offsets.append(position)
        position += len(word) + 1
    if len(source) == position - 1:
        for start, end in unbreakable_spans(source, phrases):
            cuts.update(i for i, offset in enumerate(offsets) if start < offset < end)
    return [i for i in range(1, len(words)) if i not in cuts]


def _line_options(words: list[str], count: int, breaks: list[int], box_w: int, box_h: int,
                  font: ImageFont.FreeTypeFont, block_h: float) -> tuple[str, ...] | None:
    """The best way to set ``words`` on ``count`` lines, breaking only at ``breaks``.

    Spaces in Vietnamese separate syllables, not words, so a break by width alone
    can cut a word in two ("TỔ / CHỨC"). A break at punctuation (after ",;:!-",
    before "("), or else before a conjunction or preposition ("VÀ", "CỦA"), wins
    over the most balanced breaks when its text is at most PUNCTUATION_SLACK times
    smaller (often it costs nothing: short lines are limited by the height).
    """
    if count == 1:
        return (" ".join(words),)
    if len(breaks) < count - 1:
        return None
    width: dict[tuple[int, int], float] = {}

    def line_w(i: int, j: int) -> float:
        if (i, j) not in width:
            width[(i, j)] = font.getlength(" ".join(words[i:j]))
        return width[(i, j)]

    scored = []
    for cut in itertools.combinations(breaks, count - 1):
        edges = (0, *cut, len(words))
        widest = max(line_w(i, j) for i, j in zip(edges, edges[1:]))
        scale = min(box_w / widest, box_h / block_h)
        punctuation = sum(1 for i in cut if words[i - 1][-1] in ",;:!-–" or words[i][0] == "(")
        conjunction = sum(1 for i in cut if words[i].lower() in BREAK_BEFORE)
        scored.append((scale, punctuation, conjunction, -widest, cut))
    best = max(item[0] for item in scored)
    fitting = [item for item in scored if item[0] * PUNCTUATION_SLACK >= best]
    cut = max(fitting, key=lambda item: (item[1], item[2], item[0], item[3]))[4]
    edges = (0, *cut, len(words))
    return tuple(" ".join(words[i:j]) for i, j in zip(edges, edges[1:]))


def _candidates(text: str, box_w: int, box_h: int, source: str = "", phrases: Sequence[str] = DEFAULT_PHRASES,
                lines: int | None = None, max_lines: int = 2) -> list[tuple[str, ...]]:
    """Candidate line sets: the forced lines as given, or the best split on each allowed number of lines.

    When the names and phrases leave too few places to break, they are kept as far as
    possible: first the common words may be cut, then anything between syllables.
    """
    groups = _groups(text)
    if len(groups) > 1:
        return [tuple(groups)]
    text = groups[0] if groups else text
    words = text.split(" ")
    font = _font(_MEASURE_SIZE)
    ascent, descent = _reference(font, text)
    counts = [lines] if lines else list(range(1, max_lines + 1))
    options: list[tuple[str, ...]] = []
    strict = allowed_breaks(words, source or text, phrases)
    inside = _inside_words([w.lower() for w in words])  # once, not once per position (1 s a build)
    loose = [i for i in range(1, len(words)) if i not in inside]
    for count in counts:
        count = min(count, len(words))
        block_h = (ascent + descent) * (count + (count - 1) * LINE_GAP)
        for breaks in (strict, loose, list(range(1, len(words)))):
            found = _line_options(words, count, breaks, box_w, box_h, font, block_h)
            if found is not None:
                options.append(found)
                break
    return list(dict.fromkeys(options))


def _inside_words(syllables: list[str]) -> set[int]:
    """Break positions (before syllable i) that would cut a word of KEEP_TOGETHER."""
    cuts = set()
    bare = [s.strip(",;:!.()") for s in syllables]
    for word in KEEP_TOGETHER:
        parts = word.split(" ")
        for start in range(len(bare) - len(parts) + 1):
            if bare[start : start + len(parts)] == parts:
                cuts.update(range(start + 1, start + len(parts)))
    return cuts


def _fit(lines: tuple[str, ...], font_size: float, box_w: int, box_h: int, text: str) -> bool:
    font = _font(font_size)
    ascent, descent = _reference(font, text)
    height = len(lines) * (ascent + descent) + (len(lines) - 1) * LINE_GAP * (ascent + descent)
    width = max(_ink(font, line)[2] - _ink(font, line)[0] for line in lines)
    return width <= box_w and height <= box_h


def _ink(font: ImageFont.FreeTypeFont, line: str) -> tuple[int, int, int, int]:
    return font.getbbox(line, anchor="ls")


def margins(width: int, height: int, safe: int = 0) -> tuple[int, int]:
    """(x, y) margins: a tenth of the height, 4 % of the width at the sides, never less than ``safe``."""
    margin_y = max(round(height * MARGIN_Y), safe)
    margin_x = max(round(width * MARGIN_X), margin_y, safe)
    return margin_x, margin_y


def layout(text: str, width: int, height: int, *, source: str = "", phrases: Sequence[str] = DEFAULT_PHRASES,
           lines: int | None = None, max_lines: int = 2, safe: int = 0, bleed: int = 0) -> BannerLayout:
    """Largest font size that fits ``text`` inside the margins, on the best number of lines.

    ``source`` is the slogan as written (before capitals), where names are found;
    ``safe`` the safe margin in pixels; ``bleed`` the pixels printed beyond the trim.
    Remembered per process: a build asks for each slogan's layout several times (checks,
    previews, banners), and every rebuild of ``mkdocs serve`` again (75 ms a slogan).
    """
    args = (text, width, height, source, tuple(phrases), lines, max_lines, safe, bleed)
    kept = _KEPT.get(args)
    if kept is None:
        kept = _layout(*args)
        _KEPT.put(args, kept)
    return kept


class _KeptLayouts:
    """Layouts of earlier builds, in a JSON file of kyniem's cache: a warm build measures no slogan again.

    Keyed by the layout's arguments, under a salt of this module's code and the font (either
    changed: every layout is measured again). Only the layouts a build asked for are kept.
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.salt = ""
        self.known: dict[str, BannerLayout] = {}
        self.used: dict[str, BannerLayout] = {}

    def open(self, folder: Path) -> None:
        self.path = folder / "layouts.json"
        self.salt = hashlib.sha256(Path(__file__).read_bytes() + FONT.read_bytes()).hexdigest()[:24]
        self.known, self.used = {}, {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("salt") == self.salt:
                self.known = {key: _layout_from(value) for key, value in data["layouts"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.known = {}

    @staticmethod
    def _key(args: tuple[object, ...]) -> str:
        return hashlib.sha256(repr(args).encode()).hexdigest()[:32]

    def get(self, args: tuple[object, ...]) -> BannerLayout | None:
        if self.path is None:
            return None
        key = self._key(args)
        found = self.used.get(key) or self.known.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, args: tuple[object, ...], plan: BannerLayout) -> None:
        if self.path is not None:
            self.used[self._key(args)] = plan

    def save(self) -> None:
        """Write the layouts this build used, if they differ from the file's; keep the file from cleanup."""
        if self.path is None:
            return
        if self.used.keys() != self.known.keys():
            layouts = {key: dataclasses.asdict(plan) for key, plan in sorted(self.used.items())}
            store.write_text(self.path, json.dumps({"salt": self.salt, "layouts": layouts}, ensure_ascii=False))
            self.known = dict(self.used)
        store.retain(self.path.parent, {self.path.name}, prune_now=False)


def _layout_from(value: dict[str, object]) -> BannerLayout:
    return BannerLayout(**{**value, "lines": tuple(value["lines"]),  # type: ignore[arg-type]
                           "origins": tuple(tuple(o) for o in value["origins"])})  # type: ignore[union-attr]


_KEPT = _KeptLayouts()


def keep_layouts(folder: Path) -> None:
    """Remember layouts across builds in ``folder`` (kyniem's cache); :func:`save_layouts` at the end."""
    _KEPT.open(folder)


def save_layouts() -> None:
    _KEPT.save()


@functools.lru_cache(maxsize=256)
def _layout(text: str, width: int, height: int, source: str, phrases: tuple[str, ...], lines: int | None,
            max_lines: int, safe: int, bleed: int) -> BannerLayout:
    margin_x, margin_y = margins(width, height, safe)
    box_w, box_h = width - 2 * margin_x, height - 2 * margin_y
    font = _font(_MEASURE_SIZE)
    plain = " ".join(_groups(text)) or text
    ascent, descent = _reference(font, plain)
    best: tuple[int, tuple[str, ...]] | None = None
    for option in _candidates(text, box_w, box_h, source, phrases, lines, max_lines):
        block_h = len(option) * (ascent + descent) * (1 + LINE_GAP) - LINE_GAP * (ascent + descent)
        block_w = max(_ink(font, line)[2] - _ink(font, line)[0] for line in option)
        size = max(1, math.floor(_MEASURE_SIZE * min(box_w / block_w, box_h / block_h)))
        # Hinting and rounding can add a pixel or two at the final size: step down until it fits.
        while size > 1 and not _fit(option, size, box_w, box_h, plain):
            size -= 1
        if best is None or size > best[0]:
            best = (size, option)
    assert best is not None
    size, chosen = best
    font = _font(size)
    ascent, descent = _reference(font, plain)
    step = (ascent + descent) * (1 + LINE_GAP)
    inks = [_ink(font, line) for line in chosen]
    # Centre the real ink (not the reference box) so every slogan sits visually in the middle.
    ink_top = inks[0][1]
    ink_bottom = (len(chosen) - 1) * step + inks[-1][3]
    first_baseline = (height - (ink_bottom - ink_top)) / 2 - ink_top
    origins = tuple(
        (round((width - (ink[2] - ink[0])) / 2 - ink[0]), round(first_baseline + i * step))
        for i, ink in enumerate(inks)
    )
    return BannerLayout(width, height, margin_x, margin_y, size, chosen, origins, bleed)


def plan_for(slogan: "Slogan", banner: BannerSpec, phrases: Sequence[str] = DEFAULT_PHRASES) -> BannerLayout:
    """The layout of one slogan's banner at its full size."""
    width, height = pixel_size(banner)
    source = " ".join(nfc(slogan.text).split())
    return layout(banner_text(slogan, banner), width, height, source=source, phrases=phrases, lines=banner.lines,
                  max_lines=banner.max_lines, safe=_mm_px(banner.safe_mm, banner.dpi),
                  bleed=_mm_px(banner.bleed_mm, banner.dpi))


def letter_height_cm(plan: BannerLayout, dpi: int) -> float:
    """Height of a capital letter (the ink of "H") as printed, in centimetres."""
    _, top, _, bottom = _font(plan.font_size).getbbox("H", anchor="ls")
    return (bottom - top) / dpi * 2.54


def draw(plan: BannerLayout, scale: float = 1.0, with_bleed: bool = True) -> Image.Image:
    """The banner, ``scale`` times the full size, as a palette image (with its bleed unless asked not to).

    The text's coverage mask indexes a 256-colour ramp from red to yellow: the
    colours are exact, the edges antialiased, and the PNG is a third of the RGB
    one's size and five times faster to write (one byte a pixel, 62 Mpx at full size).
    """
    bleed = plan.bleed if with_bleed else 0
    size = (max(1, round((plan.width + 2 * bleed) * scale)), max(1, round((plan.height + 2 * bleed) * scale)))
    mask = Image.new("L", size, 0)
    pen = ImageDraw.Draw(mask)
    font = _font(plan.font_size * scale)
    for line, (x, y) in zip(plan.lines, plan.origins):
        pen.text(((x + bleed) * scale, (y + bleed) * scale), line, font=font, fill=255, anchor="ls")
    mask.putpalette(_palette())
    return mask


def _palette() -> list[int]:
    """The 256-colour ramp the text's coverage indexes, red (0) to yellow (255)."""
    return [round(r + (y - r) * i / 255) for i in range(256) for r, y in zip(RED, YELLOW)]


def _band(plan: BannerLayout, font: ImageFont.FreeTypeFont, top: int, bottom: int) -> Image.Image:
    """Rows ``top`` to ``bottom`` of the full-size banner with its bleed, as drawn whole by ``draw``.

    The layout's origins are whole pixels, so each line lands on the same pixels as in the
    whole image; only the lines that reach into the band are drawn."""
    width = plan.width + 2 * plan.bleed
    band = Image.new("L", (width, bottom - top), 0)
    pen = ImageDraw.Draw(band)
    for line, (x, y) in zip(plan.lines, plan.origins):
        _, up, _, down = font.getbbox(line, anchor="ls")
        baseline = y + plan.bleed
        if baseline + down >= top - 1 and baseline + up <= bottom + 1:
            pen.text((x + plan.bleed, baseline - top), line, font=font, fill=255, anchor="ls")
    return band


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def write_png(plan: BannerLayout, dpi: int, target: Path) -> None:
    """The full-size banner with its bleed as a palette PNG of ``dpi``, drawn and compressed band by band.

    The same pixels and PNG fields as ``draw(plan).save(target, "PNG", dpi=…)``, in a few MB
    whatever the banner's size (the whole image is one byte a pixel: 112 MB at 7 m x 1 m)."""
    width, height = plan.width + 2 * plan.bleed, plan.height + 2 * plan.bleed
    rows = max(1, BAND_BYTES // width)
    per_metre = int(dpi / 0.0254 + 0.5)  # as Pillow writes pHYs
    font = _font(plan.font_size)

    def write(path: str) -> None:
        packer = zlib.compressobj(6)
        with open(path, "wb") as out:
            out.write(b"\x89PNG\r\n\x1a\n")
            out.write(_png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)))
            out.write(_png_chunk(b"PLTE", bytes(_palette())))
            out.write(_png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
            for top in range(0, height, rows):
                band = _band(plan, font, top, min(height, top + rows))
                packed = []
                for row in range(band.height):  # row by row: no second copy of the band
                    # Each row starts with its filter type, 0 (none), as Pillow writes palette images.
                    packed += [packer.compress(b"\0"), packer.compress(band.crop((0, row, width, row + 1)).tobytes())]
                if any(packed):
                    out.write(_png_chunk(b"IDAT", b"".join(packed)))
            out.write(_png_chunk(b"IDAT", packer.flush()))
            out.write(_png_chunk(b"IEND", b""))

    store.write_with(target, write)


def svg(plan: BannerLayout, banner: BannerSpec) -> str:
    """The banner's trimmed area as SVG text in the full-size pixel grid, sized in millimetres.

    Each line is anchored at the middle of its advance as Pillow sets it for the
    PNG: Pango sets the same text up to about 1 % wider, and from the middle that
    spreads evenly to both sides (a centimetre each side of a five-metre banner,
    whose side margins are 20 cm) instead of all into the right margin.
    """
    width_mm, height_mm = banner.width_m * 1000, banner.height_m * 1000
    red, yellow = "#%02X%02X%02X" % RED, "#%02X%02X%02X" % YELLOW
    font = _font(plan.font_size)
    texts = "".join(
        f'<text x="{x + font.getlength(line) / 2:.1f}" y="{y}" text-anchor="middle">{html.escape(line)}</text>'
        for line, (x, y) in zip(plan.lines, plan.origins)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {plan.width} {plan.height}">'
        f'<rect width="{plan.width}" height="{plan.height}" fill="{red}"/>'
        f'<g font-family="Be Vietnam Pro" font-weight="bold" font-size="{plan.font_size}" fill="{yellow}">'
        f"{texts}</g></svg>"
    )


def pdf_html(plan: BannerLayout, banner: BannerSpec, title: str) -> str:
    """The PDF page: the trimmed banner, the red printed on into the bleed, crop marks outside it."""
    width_mm, height_mm = banner.width_m * 1000, banner.height_m * 1000
    red = "#%02X%02X%02X" % RED
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        f'@font-face {{ font-family: "Be Vietnam Pro"; font-weight: bold; src: url("{FONT.as_uri()}"); }}'
        f"@page {{ size: {width_mm}mm {height_mm}mm; margin: 0; bleed: {banner.bleed_mm + MARKS_MM}mm; "
        f"marks: crop; background: {red}; }}"
        "html, body { margin: 0; } svg { display: block; }"
        f"</style></head><body>{svg(plan, banner)}</body></html>"
    )


def user_unit(banner: BannerSpec) -> int:
    """The /UserUnit that brings the PDF page (with bleed and marks) within PDF_MAX_UNITS; 1 when it fits."""
    side_mm = max(banner.width_m, banner.height_m) * 1000 + 2 * (banner.bleed_mm + MARKS_MM)
    return max(1, math.ceil(side_mm / 25.4 * 72 / PDF_MAX_UNITS))


def memory_mb(banner: BannerSpec) -> int:
    """Memory needed to draw the full-size banner, in MB."""
    width, height = pixel_size(banner)
    bleed = 2 * _mm_px(banner.bleed_mm, banner.dpi)
    return math.ceil((width + bleed) * (height + bleed) * BYTES_PER_PIXEL / 1_000_000)


def file_stem(index: int, slogan: "Slogan") -> str:
    """``01-nhiet-liet-chao-mung-…``: order on the slogans page, then a readable slug."""
    slug = slugify(slogan.text)
    if len(slug) > SLUG_CHARS:
        slug = slug[:SLUG_CHARS].rsplit("-", 1)[0]
    return f"{index + 1:02d}-{slug or 'khau-hieu'}"


def preview_file(index: int, slogan: "Slogan") -> str:
    return f"{BANNERS_DIR}/{file_stem(index, slogan)}-xem-truoc.png"


def preview_png(slogan: "Slogan", settings: "BannerConfig", phrases: Sequence[str] = DEFAULT_PHRASES) -> bytes:
    """The small preview shown on the slogans page: the trimmed banner, drawn directly at PREVIEW_WIDTH."""
    banner = spec(slogan, settings)
    plan = plan_for(slogan, banner, phrases)
    buffer = io.BytesIO()
    draw(plan, PREVIEW_WIDTH / plan.width, with_bleed=False).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class BannerResult:
    """The files of one banner and whether they came from the cache."""

    png: Path
    pdf: Path
    cached: bool
    seconds: float


@functools.cache
def _drawing_key() -> str:
    """The font and this module's own source: a change to the layout or drawing renders again."""
    return hashlib.sha256(FONT.read_bytes() + Path(__file__).read_bytes()).hexdigest()


def _key(text: str, source: str, banner: BannerSpec, phrases: Sequence[str]) -> str:
    parts = [__version__, text, source, repr(banner), repr(tuple(phrases)), str(RED), str(YELLOW), _drawing_key()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _render_pdf(plan: BannerLayout, banner: BannerSpec, pdf: Path, title: str) -> None:
    """The banner as a vector PDF titled ``title``, with its bleed and crop marks."""
    weasyprint = weasyprint_loader.load()

    unit = user_unit(banner)
    fetcher = htmlpolicy.confined_fetcher((Path(__file__).parent / "assets" / "fonts",), [])
    document = weasyprint.HTML(string=pdf_html(plan, banner, title), url_fetcher=fetcher).render(output_intent="srgb")
    store.write_with(pdf, lambda tmp: document.write_pdf(tmp, zoom=1 / unit, finisher=print_boxes(banner.bleed_mm, unit),
                                                         output_intent="srgb"))


def _render_job(args: tuple[str, BannerLayout, BannerSpec, str, str]) -> None:
    """One file of a banner: its full-size PNG (with its dpi) or its PDF."""
    kind, plan, banner, target, title = args
    if kind == "png":
        write_png(plan, banner.dpi, Path(target))
    else:
        _render_pdf(plan, banner, Path(target), title)


def check_settings(settings: "BannerConfig", source: str = "mkdocs.yml") -> list[Problem]:
    """Sizes that cannot make a banner, margins below zero, or more memory than the budget."""
    problems = _check_spec(spec(None, settings), settings, source, None, "banners")
    for name in ("bleed_mm", "safe_mm"):
        if getattr(settings, name) < 0:
            problems.append(Problem(source, None, f"banners.{name}: {getattr(settings, name)} mm không thể nhỏ hơn 0; "
                                    f"ví dụ {name}: {20 if name == 'bleed_mm' else 50}", "error", "banner"))
    return problems


def _check_spec(banner: BannerSpec, settings: "BannerConfig", source: str, line: int | None, what: str) -> list[Problem]:
    problems = []
    width, height = pixel_size(banner)
    if width < 50 or height < 20:
        problems.append(Problem(source, line, f"{what}: {banner.size_label} ở {banner.dpi} dpi chỉ có {width} × {height} "
                                "điểm ảnh, quá nhỏ để in chữ; tăng kích thước hoặc dpi (ví dụ dpi: 100)", "error", "banner"))
    needed = memory_mb(banner)
    if needed > settings.memory_mb:
        # The largest dpi that fits the budget, for the message.
        fits = max(1, math.floor(banner.dpi * math.sqrt(settings.memory_mb / needed)))
        problems.append(Problem(source, line, f"{what}: băng rôn {banner.size_label} ở {banner.dpi} dpi cần khoảng "
                                f"{_thousands(needed)} MB bộ nhớ để vẽ, vượt mức {_thousands(settings.memory_mb)} MB "
                                f"(banners.memory_mb). Hạ dpi xuống {fits} hoặc thấp hơn (in bạt khổ lớn thường dùng "
                                "50–100 dpi), hoặc tăng banners.memory_mb nếu máy dựng trang đủ bộ nhớ",
                                "error", "banner-memory"))
    return problems


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def check_slogans(slogans: Sequence["Slogan"], settings: "BannerConfig", source: str,
                  phrases: Sequence[str] = DEFAULT_PHRASES) -> list[Problem]:
    """Per slogan: a size that cannot be drawn, and letters smaller than ``min_letter_cm``."""
    if not settings.enabled:
        return []
    problems = []
    for slogan in slogans:
        banner = spec(slogan, settings)
        if slogan.width_m or slogan.height_m:
            found = _check_spec(banner, settings, source, slogan.line, "khẩu hiệu")
            problems.extend(found)
            if any(p.severity == "error" for p in found):
                continue
        plan = plan_for(slogan, banner, phrases)
        letters = letter_height_cm(plan, banner.dpi)
        if letters < settings.min_letter_cm:
            shown = f"{letters:.1f}".replace(".", ",")
            problems.append(Problem(source, slogan.line, f"khẩu hiệu dài nên chữ trên băng rôn {banner.size_label} chỉ cao "
                                    f"{shown} cm, dưới mức {settings.min_letter_cm:g} cm (banners.min_letter_cm) "
                                    "nên khó đọc từ xa. Rút gọn khẩu hiệu, hoặc cho băng rôn này kích thước riêng, "
                                    "ví dụ thêm width_m: 8 và height_m: 1 dưới dòng text:",
                                    "warning", "banner-small-letters"))
    return problems


def build_banners(slogans: Sequence["Slogan"], settings: "BannerConfig", site_dir: Path, cache: Path,
                  workers: int | None = None, phrases: Sequence[str] = DEFAULT_PHRASES) -> list[BannerResult]:
    """Write every slogan's PNG and PDF under ``site_dir``, rendering only what the cache lacks.

    Banners are drawn in parallel, as many at once as the memory budget allows.
    """
    jobs: list[tuple[str, BannerLayout, BannerSpec, str, str]] = []
    pdfs: list[tuple[str, BannerLayout, BannerSpec, str, str]] = []
    planned = []
    largest = 1
    for index, slogan in enumerate(slogans):
        banner = spec(slogan, settings)
        text = banner_text(slogan, banner)
        stem = file_stem(index, slogan)
        cached = cache / _key(text, slogan.text, banner, phrases)
        png, pdf = cached / "banner.png", cached / "banner.pdf"
        missing = not (png.is_file() and pdf.is_file())
        if missing:
            plan = plan_for(slogan, banner, phrases)
            jobs.append(("png", plan, banner, str(png), nfc(slogan.text)))
            pdfs.append(("pdf", plan, banner, str(pdf), nfc(slogan.text)))
            largest = max(largest, memory_mb(banner))
        planned.append((png, pdf, stem, missing))
    # Every PNG first, then every PDF: a worker never holds WeasyPrint and a drawing at once.
    jobs += pdfs
    started = time.perf_counter()
    budget = max(1, settings.memory_mb // largest)
    workers = min(workers or os.cpu_count() or 1, len(jobs), budget)
    if len(jobs) > 1 and workers > 1:
        # Workers from the fork server: a forked copy of the build would count its whole memory again.
        with store.worker_pool(workers) as pool:
            list(track(pool.map(_render_job, jobs), "Băng rôn", len(jobs), unit="tệp"))
    else:
        for job in track(jobs, "Băng rôn", unit="tệp"):
            _render_job(job)
    seconds = time.perf_counter() - started
    store.retain(cache, {png.parent.name for png, _, _, _ in planned})
    results = []
    for png, pdf, stem, rendered in planned:
        out_png, out_pdf = site_dir / BANNERS_DIR / f"{stem}.png", site_dir / BANNERS_DIR / f"{stem}.pdf"
        for source, target in ((png, out_png), (pdf, out_pdf)):
            store.copy(source, target)
        results.append(BannerResult(out_png, out_pdf, not rendered, seconds / max(len(pdfs), 1) if rendered else 0.0))
    return results


# --- The site build ---------------------------------------------------------------------------


def wanted(settings: "BannerConfig", is_serve: bool) -> bool:
    """Full-size banners are built by ``mkdocs build``; ``mkdocs serve`` only when asked."""
    return settings.enabled and (settings.in_serve or not is_serve)


def downloads(slogans: Sequence["Slogan"], settings: "BannerConfig", is_serve: bool) -> list[Download]:
    """Two entries per slogan on the downloads page: the vector PDF and the PNG, each with its size."""
    if not wanted(settings, is_serve):
        return []
    items = []
    for index, slogan in enumerate(slogans):
        banner = spec(slogan, settings)
        width, height = pixel_size(banner)
        bleed = 2 * _mm_px(banner.bleed_mm, banner.dpi)
        href = f"{BANNERS_DIR}/{file_stem(index, slogan)}"[len("tai-ve/") :]
        group = "Băng rôn khẩu hiệu"
        items.append(Download(nfc(slogan.text), f"{href}.pdf",
                              f"PDF để in {banner.size_label}, tràn lề {banner.bleed_mm:g} mm, dấu xén", group))
        items.append(Download(nfc(slogan.text), f"{href}.png",
                              f"ảnh PNG {width + bleed} × {height + bleed} điểm ảnh, {banner.dpi} dpi, gồm tràn lề", group))
    return items


def previews(slogans: Sequence["Slogan"], settings: "BannerConfig", cache: Path,
             phrases: Sequence[str] = DEFAULT_PHRASES) -> dict[str, Path]:
    """The preview PNG of every slogan (drawn only when ``cache`` lacks it), by its path in the site."""
    if not settings.enabled:
        return {}
    found = {}
    for index, slogan in enumerate(slogans):
        banner = spec(slogan, settings)
        key = _key(banner_text(slogan, banner), slogan.text, banner, phrases)
        png = cache / f"{key}-{PREVIEW_WIDTH}.png"
        if not png.is_file():
            store.write_bytes(png, preview_png(slogan, settings, phrases))
        found[preview_file(index, slogan)] = png
    store.retain(cache, {png.name for png in found.values()})
    return found


def previews_html(slogans: Sequence["Slogan"], settings: "BannerConfig", to_root: str, linked: bool,
                  phrases: Sequence[str] = DEFAULT_PHRASES) -> dict[int, str]:
    """Each preview for the slogans page, with a visible label; ``to_root`` leads from that page to the site root.

    A preview is never drawn narrower than keeps its letters PREVIEW_LETTER_PX tall: on a
    phone a long slogan scrolls sideways instead of shrinking to unreadable text. The PDF
    link is added only when the full-size banner is built (``linked``).
    """
    if not settings.enabled:
        return {}
    items = {}
    for index, slogan in enumerate(slogans):
        banner = spec(slogan, settings)
        width, height = pixel_size(banner)
        shown_height = max(1, round(PREVIEW_WIDTH * height / width))
        plan = plan_for(slogan, banner, phrases)
        min_width = min(PREVIEW_WIDTH, math.ceil(PREVIEW_LETTER_PX * width / plan.font_size))
        label = "Xem trước băng rôn"
        if linked:
            label = (f'Băng rôn: <a href="{to_root}{BANNERS_DIR}/{file_stem(index, slogan)}.pdf">tải bản PDF để in</a>'
                     f' · <a href="{to_root}{BANNERS_DIR}/{file_stem(index, slogan)}.png">ảnh PNG</a>')
        items[index] = (
            f'<figure class="ky-banner-preview"><div class="ky-banner-scroll" tabindex="0" role="region" '
            f'aria-label="Xem trước băng rôn {index + 1}">'
            f'<img class="ky-banner off-glb" src="{to_root}{preview_file(index, slogan)}" width="{PREVIEW_WIDTH}" '
            f'height="{shown_height}" style="min-width: {min_width}px" loading="lazy" '
            f'alt="Băng rôn: {html.escape(nfc(slogan.text))}"></div>'
            f"<figcaption>{label}</figcaption></figure>"
        )
    return items
