"""Share pictures and the meta tags that point at them."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops

from kyniem.social import (
    HEIGHT,
    WIDTH,
    ShareCard,
    image_path,
    inject_head,
    meta_tags,
    render_share_image,
    robots_txt,
    share_image,
)

SITE = "Đảng bộ Khối các cơ quan tỉnh Hải Dương"
TAGLINE = "Kỷ niệm 70 năm · 15/02/1952 – 15/02/2022"


def _image(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data)).convert("RGB")


def _gold_columns(image: Image.Image) -> list[int]:
    """x of every column holding a gold (title) pixel, above the bottom band."""
    pixels = image.load()
    columns = []
    for x in range(40, WIDTH):
        if any(_is_gold(pixels[x, y]) for y in range(130, HEIGHT - 100, 2)):
            columns.append(x)
    return columns


def _is_gold(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 220 and 170 < g < 235 and b < 140


def test_share_image_is_a_red_png_with_the_title_in_gold() -> None:
    data = render_share_image(ShareCard("Khẩu hiệu", SITE, TAGLINE))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = _image(data)
    assert image.size == (1200, 630)
    r, g, b = image.getpixel((600, 140))
    assert r > 160 and g < 60 and b < 60, "flag red background"
    assert _gold_columns(image), "the title is drawn in gold"


def test_diacritics_are_drawn() -> None:
    """The same letters with and without marks must give different pictures."""
    marked = _image(render_share_image(ShareCard("Lịch sử Đảng bộ", SITE, TAGLINE)))
    plain = _image(render_share_image(ShareCard("Lich su Dang bo", SITE, TAGLINE)))
    assert ImageChops.difference(marked, plain).getbbox() is not None


def test_long_title_stays_inside_the_margins() -> None:
    title = " ".join(["Thời kỳ xây dựng và phát triển Đảng bộ Khối trong công cuộc đổi mới"] * 4)
    columns = _gold_columns(_image(render_share_image(ShareCard(title, SITE, TAGLINE))))
    assert columns and max(columns) < WIDTH - 60


def test_share_image_is_cached_by_content(tmp_path: Path) -> None:
    card = ShareCard("Biên niên sự kiện", SITE, TAGLINE)
    first = share_image(card, tmp_path / "cache", tmp_path / "site" / "a.png")
    cached = tmp_path / "cache" / "social" / f"{card.key()}.png"
    stamp = cached.stat().st_mtime_ns
    second = share_image(card, tmp_path / "cache", tmp_path / "site" / "b.png")
    assert cached.stat().st_mtime_ns == stamp, "not drawn again"
    assert first.read_bytes() == second.read_bytes() == cached.read_bytes()
    assert ShareCard("Khẩu hiệu", SITE, TAGLINE).key() != card.key()


def test_image_path_is_unique_per_page() -> None:
    assert image_path("index.html") == "assets/kyniem/social/index.png"
    assert image_path("lich-su/thanh-lap/index.html") == "assets/kyniem/social/lich-su/thanh-lap/index.png"
    assert image_path("lich-su/thanh-lap.html") == "assets/kyniem/social/lich-su/thanh-lap.png"


def test_meta_tags_are_escaped_and_complete() -> None:
    tags = meta_tags(
        title='Đề cương "70 năm" <Khối> & cơ sở',
        description="Tài liệu",
        site_name=SITE,
        image_url="https://kyniem.example/assets/kyniem/social/index.png",
        page_url="https://kyniem.example/de-cuong/",
        is_home=False,
    )
    assert 'content="Đề cương &quot;70 năm&quot; &lt;Khối&gt; &amp; cơ sở"' in tags
    for name in ("og:title", "og:description", "og:image", "og:url", "og:type", "og:locale", "twitter:card", "twitter:image"):
        assert f'"{name}"' in tags
    assert '<meta property="og:type" content="article">' in tags
    assert '<meta name="twitter:card" content="summary_large_image">' in tags


def test_inject_head() -> None:
    assert inject_head("<html><head><title>x</title></head><body></body></html>", "<meta a>") == (
        "<html><head><title>x</title><meta a>\n</head><body></body></html>"
    )
    assert inject_head("<p>no head</p>", "<meta a>") == "<p>no head</p>"


def test_robots_txt() -> None:
    assert robots_txt("https://kyniem.example/") == "User-agent: *\nAllow: /\nSitemap: https://kyniem.example/sitemap.xml\n"
    assert robots_txt(None) == "User-agent: *\nAllow: /\n"


class _Head(HTMLParser):
    """The Open Graph / Twitter meta tags and the canonical link of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = values.get("property") or values.get("name") or ""
        if tag == "meta" and name.startswith(("og:", "twitter:")):
            self.meta[name] = values.get("content") or ""
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")


def test_every_page_of_the_default_site_has_its_own_share_card(default_site: Path) -> None:
    pages = sorted(p for p in default_site.rglob("index.html") if "assets" not in p.parts)
    rels = {p.relative_to(default_site).as_posix() for p in pages}
    # the kinds of page the issue names, blog posts and album pages included
    assert {"index.html", "khau-hieu/index.html", "bien-nien-su-kien/index.html", "thu-vien-anh/index.html"} <= rels
    assert any(r.startswith("thu-vien-anh/") and r.count("/") == 2 for r in rels), "an album page"
    assert any(r.startswith("tin-tuc/") and r.count("/") == 2 and "chuyen-muc" not in r for r in rels), "a news post"
    images = set()
    for page in pages:
        head = _Head()
        head.feed(page.read_text(encoding="utf-8"))
        meta, rel = head.meta, page.relative_to(default_site).as_posix()
        for name in ("og:title", "og:description", "og:image", "og:url", "og:type", "og:locale", "og:site_name",
                     "twitter:card", "twitter:title", "twitter:image"):
            assert meta.get(name), f"{rel}: no {name}"
        assert meta["og:url"] == head.canonical and head.canonical.startswith("https://kyniem.example/"), rel
        assert meta["twitter:image"] == meta["og:image"] and meta["og:locale"] == "vi_VN"
        assert unicodedata.is_normalized("NFC", meta["og:title"]), rel
        assert not re.search(r"&(amp|quot|lt|gt|#\d+);", meta["og:title"]), f"{rel}: escaped twice"
        image = default_site / meta["og:image"].removeprefix("https://kyniem.example/")
        with Image.open(image) as picture:
            assert picture.format == "PNG" and picture.size == (WIDTH, HEIGHT), rel
        images.add(image)
    assert len(images) == len(pages), "one picture per page"
