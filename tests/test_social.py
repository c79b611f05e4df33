"""Share pictures and the meta tags that point at them."""

from __future__ import annotations

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
