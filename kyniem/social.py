"""Sharing a page: Open Graph and Twitter meta, and a share image per page.

Chat apps and social networks show a link as a card: title, description and a
1200×630 picture. Each page gets its own picture, its title set in the bundled
Be Vietnam Pro (so the diacritics are right) in the site's gold on flag red.
Pictures are cached under the cache dir by a hash of everything drawn, so a
rebuild only draws the pages whose title changed.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from PIL import Image, ImageDraw, ImageFont

from . import store
from .config import KyniemConfig
from .text import format_date, nfc

WIDTH, HEIGHT = 1200, 630
RED = "#B71C1C"
DARK_RED = "#7F0000"
GOLD = "#FFD54F"
LIGHT = "#FFF8E1"
FONTS = Path(__file__).parent / "assets" / "fonts"
# Bump when the drawing changes, so cached pictures are redrawn.
RENDER_VERSION = "2"

_MARGIN = 80
_TITLE_BOX = (WIDTH - 2 * _MARGIN, 330)
_TITLE_SIZES = (72, 64, 56, 50, 44)
_MAX_LINES = 4


@dataclass(frozen=True)
class ShareCard:
    """What a share picture shows: the page title, the site and a dated tagline."""

    title: str
    site_name: str
    tagline: str

    def key(self) -> str:
        """Content hash naming the cached picture."""
        fonts = "|".join(f"{p.name}:{p.stat().st_size}" for p in (_font_path("Bold"), _font_path("Regular")))
        raw = "\n".join([RENDER_VERSION, fonts, self.title, self.site_name, self.tagline])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _font_path(style: str) -> Path:
    return FONTS / f"BeVietnamPro-{style}.ttf"


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (Vietnamese breaks at spaces)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _fit_title(title: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """Largest size at which the title fits the box; a very long title is cut with "…"."""
    width, height = _TITLE_BOX
    for size in _TITLE_SIZES:
        font = ImageFont.truetype(str(_font_path("Bold")), size)
        lines = _wrap(title, font, width)
        if len(lines) <= _MAX_LINES and len(lines) * size * 1.25 <= height:
            return font, lines
    font = ImageFont.truetype(str(_font_path("Bold")), _TITLE_SIZES[-1])
    lines = _wrap(title, font, width)[:_MAX_LINES]
    last = lines[-1]
    while last and font.getlength(last + " …") > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    lines[-1] = f"{last} …"
    return font, lines


def render_share_image(card: ShareCard) -> bytes:
    """Draw the 1200×630 PNG for ``card``."""
    image = Image.new("RGB", (WIDTH, HEIGHT), RED)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill=DARK_RED)
    draw.rectangle((0, 0, 24, HEIGHT), fill=GOLD)

    small = ImageFont.truetype(str(_font_path("Regular")), 30)
    site_lines = _wrap(nfc(card.site_name).upper(), small, WIDTH - 2 * _MARGIN)[:2]
    y = 56
    for line in site_lines:
        draw.text((_MARGIN, y), line, font=small, fill=LIGHT)
        y += 40
    draw.line((_MARGIN, y + 14, _MARGIN + 160, y + 14), fill=GOLD, width=4)

    font, lines = _fit_title(nfc(card.title))
    step = int(font.size * 1.25)
    top = y + 44 + (_TITLE_BOX[1] - step * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text((_MARGIN, top + i * step), line, font=font, fill=GOLD)

    bottom = ImageFont.truetype(str(_font_path("Bold")), 30)
    draw.text((_MARGIN, HEIGHT - 48), nfc(card.tagline), font=bottom, fill=LIGHT, anchor="lm")

    out = BytesIO()
    # A flat design: a 64-colour palette keeps the anti-aliasing and the file small;
    # the fast quantizer and plain deflate keep drawing a page's picture around 30 ms.
    image.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def share_image(card: ShareCard, cache_dir: Path, dest: Path) -> Path:
    """Write the picture for ``card`` to ``dest``, drawing it only when not cached."""
    cached = cache_dir / "social" / f"{card.key()}.png"
    if not cached.is_file():
        store.write_bytes(cached, render_share_image(card))
    store.retain(cached.parent, {cached.name}, prune_now=False)
    store.copy(cached, dest)
    return dest


def image_path(dest_uri: str) -> str:
    """Site path of a page's share picture, unique per page: ``lich-su/x/index.html`` -> ``assets/kyniem/social/lich-su/x/index.png``."""
    stem = dest_uri[: -len(".html")] if dest_uri.endswith(".html") else dest_uri
    return f"assets/kyniem/social/{stem}.png"


def meta_tags(
    *,
    title: str,
    description: str,
    site_name: str,
    image_url: str,
    page_url: str | None,
    is_home: bool,
) -> str:
    """Open Graph and Twitter card ``<meta>`` tags, escaped for HTML."""
    pairs: list[tuple[str, str, str]] = [
        ("property", "og:type", "website" if is_home else "article"),
        ("property", "og:locale", "vi_VN"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:image", image_url),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(WIDTH)),
        ("property", "og:image:height", str(HEIGHT)),
        ("property", "og:image:alt", title),
    ]
    if page_url:
        pairs.append(("property", "og:url", page_url))
    pairs += [
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image_url),
        ("name", "twitter:image:alt", title),
    ]
    return "\n".join(
        f'<meta {attr}="{name}" content="{html.escape(nfc(value), quote=True)}">' for attr, name, value in pairs
    )


def inject_head(page_html: str, snippet: str) -> str:
    """Insert ``snippet`` just before ``</head>`` (unchanged when there is no head)."""
    index = page_html.find("</head>")
    if index < 0:
        return page_html
    return page_html[:index] + snippet + "\n" + page_html[index:]


def robots_txt(site_url: str | None) -> str:
    """robots.txt allowing everything and pointing crawlers at the sitemap."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def tagline(settings: KyniemConfig) -> str:
    """"Kỷ niệm 70 năm · 15/02/1952 – 15/02/2022" from the plugin settings."""
    years = int(settings.anniversary[:4]) - int(settings.founded[:4])
    return f"Kỷ niệm {years} năm · {format_date(settings.founded)} – {format_date(settings.anniversary)}"


def add_to_page(output: str, *, page: Page, config: MkDocsConfig, settings: KyniemConfig, root: Path) -> str:
    """Draw the page's share picture into the site and put its meta tags in the page head."""
    meta = page.meta or {}
    # Generated pages carry HTML-escaped meta (see pages.front_matter); the tags escape again.
    title = config.site_name if page.is_homepage else str(meta.get("title") or page.title or config.site_name)
    title = html.unescape(title)
    description = html.unescape(str(meta.get("description") or config.site_description or config.site_name))
    card = ShareCard(title=nfc(title), site_name=settings.organization, tagline=tagline(settings))
    path = image_path(page.file.dest_uri)
    share_image(card, root / settings.cache_dir, Path(config.site_dir) / path)
    if config.site_url:
        image_url = config.site_url.rstrip("/") + "/" + path
    else:
        image_url = "../" * page.file.dest_uri.count("/") + path
    tags = meta_tags(
        title=card.title,
        description=nfc(" ".join(description.split())),
        site_name=nfc(config.site_name),
        image_url=image_url,
        page_url=page.canonical_url,
        is_home=page.is_homepage,
    )
    return inject_head(output, tags)
