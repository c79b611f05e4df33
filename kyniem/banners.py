"""Print-ready slogan banners (băng rôn): yellow text on flag red, PNG and vector PDF.

A banner is laid out once, in pixels of the full-size print, then drawn at any
scale: full size for the PNG, ~1000 px wide for the preview on the slogans page,
and as SVG text in millimetres for the PDF, so all three show the same lines.

Vietnamese capitals carry stacked marks (Ỗ, Ặ, Ẫ) that rise well above the
font's own ascender (Be Vietnam Pro: 1159 vs 1000 units), so the text is sized
from the measured ink of a reference set of the tallest and deepest Vietnamese
letters, never from the font's ascent, and can never be clipped.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

from . import __version__
from .book import atomic_write
from .pages import Download
from .problems import Problem
from .text import nfc, slugify

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
# Widest page most PDF readers accept (200 in = 14400 pt).
PDF_MAX_MM = 5080

_MEASURE_SIZE = 1000


@dataclass(frozen=True)
class BannerLayout:
    """Where the text goes on the full-size banner, in pixels."""

    width: int
    height: int
    margin_x: int
    margin_y: int
    font_size: int
    lines: tuple[str, ...]
    origins: tuple[tuple[int, int], ...]  # (left x, baseline y) of each line

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The area text may occupy: the banner less its margins."""
        return (self.margin_x, self.margin_y, self.width - self.margin_x, self.height - self.margin_y)


def pixel_size(settings: "BannerConfig") -> tuple[int, int]:
    """Banner size in pixels: 5 m x 0.8 m at 100 dpi -> 19685 x 3150."""
    return (round(settings.width_m / 0.0254 * settings.dpi), round(settings.height_m / 0.0254 * settings.dpi))


def banner_text(slogan: "Slogan", settings: "BannerConfig") -> str:
    """The slogan as printed: in capitals, as banners are set, unless the site asks otherwise."""
    text = " ".join(nfc(slogan.text).split())
    return nfc(text.upper()) if settings.uppercase else text


def _font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def _reference(font: ImageFont.FreeTypeFont, text: str) -> tuple[float, float]:
    """(ascent, descent) below/above the baseline that any Vietnamese letter in ``text`` stays within."""
    _, top, _, bottom = font.getbbox(REFERENCE + text, anchor="ls")
    return -top, bottom


def _candidates(text: str, box_w: int, box_h: int) -> list[tuple[str, ...]]:
    """One line, and the best split into two lines at a space.

    Spaces in Vietnamese separate syllables, not words, so a break by width alone
    can cut a word in two ("TỔ / CHỨC"). Breaks inside the words of KEEP_TOGETHER
    are never taken; a break at punctuation (after ",;:!-", before "("), or else
    before a conjunction or preposition ("VÀ", "CỦA"), wins over the most
    balanced break when its text is at most PUNCTUATION_SLACK times smaller
    (often it costs nothing: two short lines are limited by the height).
    """
    words = text.split(" ")
    options: list[tuple[str, ...]] = [(text,)]
    if len(words) < 2:
        return options
    font = _font(_MEASURE_SIZE)
    ascent, descent = _reference(font, text)
    block_h = (ascent + descent) * (2 + LINE_GAP)
    inside = _inside_words([w.lower() for w in words])
    breaks = [i for i in range(1, len(words)) if i not in inside] or list(range(1, len(words)))
    widest = {i: max(font.getlength(" ".join(words[:i])), font.getlength(" ".join(words[i:]))) for i in breaks}
    scale = {i: min(box_w / widest[i], box_h / block_h) for i in breaks}
    balanced = min(breaks, key=widest.__getitem__)
    choice = balanced
    for good in (
        [i for i in breaks if words[i - 1][-1] in ",;:!-–" or words[i][0] == "("],
        [i for i in breaks if words[i].lower() in BREAK_BEFORE],
    ):
        fitting = [i for i in good if scale[i] * PUNCTUATION_SLACK >= scale[balanced]]
        if fitting:
            choice = max(fitting, key=lambda i: (scale[i], -widest[i]))
            break
    options.append((" ".join(words[:choice]), " ".join(words[choice:])))
    return options


def _inside_words(syllables: list[str]) -> set[int]:
    """Break positions (before syllable i) that would cut a word of KEEP_TOGETHER."""
    cuts = set()
    for word in KEEP_TOGETHER:
        parts = word.split(" ")
        for start in range(len(syllables) - len(parts) + 1):
            if [s.strip(",;:!.()") for s in syllables[start : start + len(parts)]] == parts:
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


def layout(text: str, width: int, height: int) -> BannerLayout:
    """Largest font size that fits ``text`` on one or two balanced lines inside the margins."""
    margin_y = round(height * MARGIN_Y)
    margin_x = max(round(width * MARGIN_X), margin_y)
    box_w, box_h = width - 2 * margin_x, height - 2 * margin_y
    font = _font(_MEASURE_SIZE)
    ascent, descent = _reference(font, text)
    best: tuple[int, tuple[str, ...]] | None = None
    for lines in _candidates(text, box_w, box_h):
        block_h = len(lines) * (ascent + descent) * (1 + LINE_GAP) - LINE_GAP * (ascent + descent)
        block_w = max(_ink(font, line)[2] - _ink(font, line)[0] for line in lines)
        size = math.floor(_MEASURE_SIZE * min(box_w / block_w, box_h / block_h))
        # Hinting and rounding can add a pixel or two at the final size: step down until it fits.
        while size > 1 and not _fit(lines, size, box_w, box_h, text):
            size -= 1
        if best is None or size > best[0]:
            best = (size, lines)
    assert best is not None
    size, lines = best
    font = _font(size)
    ascent, descent = _reference(font, text)
    step = (ascent + descent) * (1 + LINE_GAP)
    inks = [_ink(font, line) for line in lines]
    # Centre the real ink (not the reference box) so every slogan sits visually in the middle.
    ink_top = inks[0][1]
    ink_bottom = (len(lines) - 1) * step + inks[-1][3]
    first_baseline = (height - (ink_bottom - ink_top)) / 2 - ink_top
    origins = tuple(
        (round((width - (ink[2] - ink[0])) / 2 - ink[0]), round(first_baseline + i * step))
        for i, ink in enumerate(inks)
    )
    return BannerLayout(width, height, margin_x, margin_y, size, lines, origins)


def draw(plan: BannerLayout, scale: float = 1.0) -> Image.Image:
    """The banner, ``scale`` times the full size, as a palette image.

    The text's coverage mask indexes a 256-colour ramp from red to yellow: the
    colours are exact, the edges antialiased, and the PNG is a third of the RGB
    one's size and five times faster to write (one byte a pixel, 62 Mpx at full size).
    """
    size = (max(1, round(plan.width * scale)), max(1, round(plan.height * scale)))
    mask = Image.new("L", size, 0)
    pen = ImageDraw.Draw(mask)
    font = _font(plan.font_size * scale)
    for line, (x, y) in zip(plan.lines, plan.origins):
        pen.text((x * scale, y * scale), line, font=font, fill=255, anchor="ls")
    mask.putpalette([round(r + (y - r) * i / 255) for i in range(256) for r, y in zip(RED, YELLOW)])
    return mask


def svg(plan: BannerLayout, settings: "BannerConfig") -> str:
    """The banner as SVG text in the full-size pixel grid, sized in millimetres.

    Each line is anchored at the middle of its advance as Pillow sets it for the
    PNG: Pango sets the same text up to about 1 % wider, and from the middle that
    spreads evenly to both sides (a centimetre each side of a five-metre banner,
    whose side margins are 20 cm) instead of all into the right margin.
    """
    width_mm, height_mm = settings.width_m * 1000, settings.height_m * 1000
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


def pdf_html(plan: BannerLayout, settings: "BannerConfig", title: str) -> str:
    width_mm, height_mm = settings.width_m * 1000, settings.height_m * 1000
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        f'@font-face {{ font-family: "Be Vietnam Pro"; font-weight: bold; src: url("{FONT.as_uri()}"); }}'
        f"@page {{ size: {width_mm}mm {height_mm}mm; margin: 0; }}"
        "html, body { margin: 0; } svg { display: block; }"
        f"</style></head><body>{svg(plan, settings)}</body></html>"
    )


def file_stem(index: int, slogan: "Slogan") -> str:
    """``01-nhiet-liet-chao-mung-…``: order on the slogans page, then a readable slug."""
    slug = slugify(slogan.text)
    if len(slug) > SLUG_CHARS:
        slug = slug[:SLUG_CHARS].rsplit("-", 1)[0]
    return f"{index + 1:02d}-{slug or 'khau-hieu'}"


def preview_file(index: int, slogan: "Slogan") -> str:
    return f"{BANNERS_DIR}/{file_stem(index, slogan)}-xem-truoc.png"


def preview_png(slogan: "Slogan", settings: "BannerConfig") -> bytes:
    """The small preview shown on the slogans page, drawn directly at PREVIEW_WIDTH."""
    width, height = pixel_size(settings)
    plan = layout(banner_text(slogan, settings), width, height)
    buffer = io.BytesIO()
    draw(plan, PREVIEW_WIDTH / width).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class BannerResult:
    """The files of one banner and whether they came from the cache."""

    png: Path
    pdf: Path
    cached: bool
    seconds: float


def _key(text: str, settings: "BannerConfig") -> str:
    parts = [__version__, text, str(pixel_size(settings)), str(settings.dpi), str(settings.width_m),
             str(settings.height_m), str(RED), str(YELLOW), hashlib.sha256(FONT.read_bytes()).hexdigest(),
             # This module's own source: a change to the layout or drawing renders the banners again.
             hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _render(text: str, settings: "BannerConfig", png: Path, pdf: Path, title: str) -> None:
    """Draw one banner at full size (PNG with its dpi) and as a vector PDF titled ``title``."""
    import weasyprint

    width, height = pixel_size(settings)
    plan = layout(text, width, height)
    image = draw(plan)
    atomic_write(png, lambda tmp: image.save(tmp, "PNG", dpi=(settings.dpi, settings.dpi), compress_level=6))
    image.close()  # about 60 MB at the default size: free it before WeasyPrint runs
    document = weasyprint.HTML(string=pdf_html(plan, settings, title))
    atomic_write(pdf, lambda tmp: document.write_pdf(tmp))


def _render_job(args: tuple[str, dict, str, str, str]) -> None:
    text, options, png, pdf, title = args
    _render(text, _Options(**options), Path(png), Path(pdf), title)


@dataclass(frozen=True)
class _Options:
    """The banner options as plain data, to hand to worker processes."""

    enabled: bool
    width_m: float
    height_m: float
    dpi: int
    uppercase: bool


def _options(settings: "BannerConfig") -> dict:
    return {name: getattr(settings, name) for name in _Options.__dataclass_fields__}


def check_settings(settings: "BannerConfig", source: str = "mkdocs.yml") -> list[Problem]:
    """Sizes that cannot make a banner, or a PDF that readers may refuse."""
    problems = []
    width, height = pixel_size(settings)
    if width < 50 or height < 20:
        problems.append(Problem(source, None, f"banners: {settings.width_m} m x {settings.height_m} m at "
                                f"{settings.dpi} dpi is {width} x {height} px, too small for text", "error", "banner"))
    if max(settings.width_m, settings.height_m) * 1000 > PDF_MAX_MM:
        problems.append(Problem(source, None, "banners: pages larger than 5.08 m are refused by some PDF readers; "
                                "the PNG is exact at any size", "warning", "banner"))
    return problems


def build_banners(slogans: Sequence["Slogan"], settings: "BannerConfig", site_dir: Path, cache: Path,
                  workers: int | None = None) -> list[BannerResult]:
    """Write every slogan's PNG and PDF under ``site_dir``, rendering only what the cache lacks."""
    jobs = []
    planned = []
    for index, slogan in enumerate(slogans):
        text = banner_text(slogan, settings)
        stem = file_stem(index, slogan)
        cached = cache / _key(text, settings)
        png, pdf = cached / "banner.png", cached / "banner.pdf"
        if not (png.is_file() and pdf.is_file()):
            jobs.append((text, _options(settings), str(png), str(pdf), nfc(slogan.text)))
        planned.append((png, pdf, stem, not (png.is_file() and pdf.is_file())))
    started = time.perf_counter()
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if len(jobs) > 1 and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_render_job, jobs))
    else:
        for job in jobs:
            _render_job(job)
    seconds = time.perf_counter() - started
    live = {png.parent.name for png, _, _, _ in planned}
    if cache.is_dir():
        for old in cache.iterdir():
            if old.is_dir() and old.name not in live:
                for file in old.iterdir():
                    file.unlink()
                old.rmdir()
    results = []
    for png, pdf, stem, rendered in planned:
        out_png, out_pdf = site_dir / BANNERS_DIR / f"{stem}.png", site_dir / BANNERS_DIR / f"{stem}.pdf"
        for source, target in ((png, out_png), (pdf, out_pdf)):
            atomic_write(target, lambda tmp, source=source: Path(tmp).write_bytes(source.read_bytes()))
        results.append(BannerResult(out_png, out_pdf, not rendered, seconds / max(len(jobs), 1) if rendered else 0.0))
    return results


# --- The site build ---------------------------------------------------------------------------


def wanted(settings: "BannerConfig", is_serve: bool) -> bool:
    """Full-size banners are built by ``mkdocs build``; ``mkdocs serve`` only when asked."""
    return settings.enabled and (settings.in_serve or not is_serve)


def downloads(slogans: Sequence["Slogan"], settings: "BannerConfig", is_serve: bool) -> list[Download]:
    """Two entries per slogan on the downloads page: the vector PDF and the PNG."""
    if not wanted(settings, is_serve):
        return []
    width, height = pixel_size(settings)
    size = f"{settings.width_m:g} m × {settings.height_m:g} m".replace(".", ",")
    items = []
    for index, slogan in enumerate(slogans):
        href = f"{BANNERS_DIR}/{file_stem(index, slogan)}"[len("tai-ve/") :]
        group = f"Băng rôn khẩu hiệu ({size})"
        items.append(Download(nfc(slogan.text), f"{href}.pdf", "PDF để in", group))
        items.append(Download(nfc(slogan.text), f"{href}.png",
                              f"ảnh PNG {width} × {height} điểm ảnh, {settings.dpi} dpi", group))
    return items


def previews(slogans: Sequence["Slogan"], settings: "BannerConfig") -> dict[str, bytes]:
    """The preview PNG of every slogan, by its path in the site."""
    if not settings.enabled:
        return {}
    return {preview_file(index, slogan): preview_png(slogan, settings) for index, slogan in enumerate(slogans)}


def previews_html(slogans: Sequence["Slogan"], settings: "BannerConfig", to_root: str, linked: bool) -> dict[int, str]:
    """Each preview for the slogans page, with a visible label; ``to_root`` leads from that page to the site root.

    A preview is never drawn narrower than keeps its letters PREVIEW_LETTER_PX tall: on a
    phone a long slogan scrolls sideways instead of shrinking to unreadable text. The PDF
    link is added only when the full-size banner is built (``linked``).
    """
    if not settings.enabled:
        return {}
    width, height = pixel_size(settings)
    shown_height = round(PREVIEW_WIDTH * height / width)
    items = {}
    for index, slogan in enumerate(slogans):
        plan = layout(banner_text(slogan, settings), width, height)
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
