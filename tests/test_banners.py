"""Slogan banners: sizes, margins, line breaks and unclipped stacked diacritics, checked on real pixels."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader

from kyniem import banners
from kyniem.config import BannerConfig
from kyniem.content import Slogan


def options(**values: object) -> BannerConfig:
    config = BannerConfig()
    config.load_dict(values)
    errors, _ = config.validate()
    assert not errors
    return config


def ink_bbox(image: Image.Image) -> tuple[int, int, int, int] | None:
    """Box of every pixel that is not the flag red."""
    red = Image.new("RGB", image.size, banners.RED)
    return ImageChops.difference(image.convert("RGB"), red).getbbox()


def reference_bbox(line: str, size: int) -> tuple[int, int, int, int]:
    """The line's ink relative to its origin, drawn alone on a canvas far larger than the text."""
    font = banners._font(size)
    width = round(font.getlength(line)) + 4 * size
    canvas = Image.new("L", (width, 6 * size), 0)
    origin = (2 * size, 4 * size)
    ImageDraw.Draw(canvas).text(origin, line, font=font, fill=255, anchor="ls")
    left, top, right, bottom = canvas.getbbox()
    return left - origin[0], top - origin[1], right - origin[0], bottom - origin[1]


def test_default_size_is_five_by_point_eight_metres_at_100_dpi() -> None:
    assert banners.pixel_size(options()) == (19685, 3150)


def test_yellow_on_red_is_readable() -> None:
    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    ratio = (luminance(banners.YELLOW) + 0.05) / (luminance(banners.RED) + 0.05)
    assert ratio >= 4.5


@pytest.mark.parametrize(
    "text",
    [
        "Ỗ Ặ Ẫ",  # short and height-limited: the stacked marks decide the size
        "Đảng Cộng sản Việt Nam quang vinh muôn năm!",
        "Nhiệt liệt chào mừng kỷ niệm 70 năm ngày thành lập Đảng bộ Khối các cơ quan tỉnh Hải Dương "
        "(15/02/1952 - 15/2/2022). Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh!",
    ],
)
def test_text_stays_inside_the_margins_and_no_mark_is_clipped(text: str) -> None:
    settings = options(dpi=20)  # 3937 x 630 px: the same layout as at 100 dpi, fast to check
    width, height = banners.pixel_size(settings)
    plan = banners.layout(banners.banner_text(Slogan(text, "", 1), settings), width, height)
    image = banners.draw(plan)
    assert image.size == (width, height)
    ink = ink_bbox(image)
    assert ink is not None
    left, top, right, bottom = plan.box
    assert left <= ink[0] and top <= ink[1] and ink[2] <= right and ink[3] <= bottom, (ink, plan.box)
    # Each line drawn alone with room to spare shows its full ink; the banner must show the same.
    expected = [
        (x + l, y + t, x + r, y + b)
        for line, (x, y) in zip(plan.lines, plan.origins)
        for l, t, r, b in [reference_bbox(line, plan.font_size)]
    ]
    union = (min(e[0] for e in expected), min(e[1] for e in expected),
             max(e[2] for e in expected), max(e[3] for e in expected))
    assert all(abs(a - b) <= 1 for a, b in zip(ink, union)), (ink, union)


def test_stacked_capitals_rise_above_the_font_ascent_and_still_fit() -> None:
    """Be Vietnam Pro's Ỗ is taller than its ascender: sizing by the ascender would clip it."""
    settings = options(dpi=20)
    width, height = banners.pixel_size(settings)
    plan = banners.layout("ỖẶẪ", width, height)
    ascent, _ = banners._font(plan.font_size).getmetrics()
    _, top, _, _ = reference_bbox("Ỗ", plan.font_size)
    assert -top > ascent
    image = banners.draw(plan)
    assert ink_bbox(image)[1] >= plan.margin_y


def test_lines_are_balanced_and_break_between_words() -> None:
    settings = options()
    width, height = banners.pixel_size(settings)

    def lines(text: str) -> tuple[str, ...]:
        return banners.layout(banners.banner_text(Slogan(text, "", 1), settings), width, height).lines

    assert lines("Muôn năm!") == ("MUÔN NĂM!",)
    assert lines("Đảng Cộng sản Việt Nam - Người lãnh đạo, tổ chức mọi thắng lợi của cách mạng Việt Nam!") == (
        "ĐẢNG CỘNG SẢN VIỆT NAM - NGƯỜI LÃNH ĐẠO,",
        "TỔ CHỨC MỌI THẮNG LỢI CỦA CÁCH MẠNG VIỆT NAM!",
    )
    assert lines("Sống, chiến đấu, lao động và học tập theo gương Bác Hồ vĩ đại!") == (
        "SỐNG, CHIẾN ĐẤU, LAO ĐỘNG",
        "VÀ HỌC TẬP THEO GƯƠNG BÁC HỒ VĨ ĐẠI!",
    )
    assert lines("Nhiệt liệt chào mừng 92 năm Ngày thành lập Đảng cộng sản Việt Nam (03/02/1930 - 03/02/2022)!") == (
        "NHIỆT LIỆT CHÀO MỪNG 92 NĂM NGÀY THÀNH LẬP",
        "ĐẢNG CỘNG SẢN VIỆT NAM (03/02/1930 - 03/02/2022)!",
    )
    assert banners.banner_text(Slogan("Muôn  năm!", "", 1), options(uppercase=False)) == "Muôn năm!"


def test_full_size_png_and_vector_pdf(tmp_path: Path) -> None:
    slogan = Slogan("Đảng Cộng sản Việt Nam quang vinh muôn năm!", "", 1)
    settings = options()
    site, cache = tmp_path / "site", tmp_path / "cache"
    (result,) = banners.build_banners([slogan], settings, site, cache)
    assert result.png == site / "tai-ve/bang-ron/01-dang-cong-san-viet-nam-quang-vinh-muon-nam.png"
    assert not result.cached
    bleed = round(settings.bleed_mm / 25.4 * 100)  # the PNG carries the bleed around the 5 m x 0.8 m banner
    with Image.open(result.png) as png:
        assert png.size == (19685 + 2 * bleed, 3150 + 2 * bleed)
        assert tuple(round(v) for v in png.info["dpi"]) == (100, 100)
        rgb = png.convert("RGB")
    assert rgb.getpixel((5, 5)) == banners.RED
    colours = {colour for _, colour in rgb.getcolors(256)}
    assert {banners.RED, banners.YELLOW} <= colours, "solid flag red and star yellow, antialiased between"
    small = rgb.reduce(25)
    plan = banners.plan_for(slogan, banners.spec(slogan, settings))
    ink = ink_bbox(small)
    assert ink[0] * 25 - bleed >= plan.margin_x - 25 and ink[1] * 25 - bleed >= plan.margin_y - 25

    reader = PdfReader(result.pdf)
    (page,) = reader.pages
    # 5 m plus bleed and marks is over Acrobat's 200 inches: the page is drawn at half size with /UserUnit 2.
    unit = page.user_unit
    assert unit == 2 and max(float(page.mediabox.width), float(page.mediabox.height)) <= banners.PDF_MAX_UNITS
    assert (round(float(page.trimbox.width) * unit / 72 * 25.4), round(float(page.trimbox.height) * unit / 72 * 25.4)) == (5000, 800)
    # pypdf's word spacing heuristics fail at this scale; poppler reads the lines as set.
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split("\n")[:2] == list(plan.lines) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "QUANG VINH MUÔN NĂM!"]
    assert unicodedata.is_normalized("NFC", text)
    (font,) = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert str(font["/BaseFont"]).endswith("Be-Vietnam-Pro-Bold")
    assert "/FontFile2" in font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert len(page.images) == 0, "the PDF is vector text, not a picture"

    (again,) = banners.build_banners([slogan], settings, site, cache)
    assert again.cached and again.png.read_bytes() == result.png.read_bytes()


def test_full_size_png_drawn_band_by_band_has_the_pixels_of_the_whole_drawing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The full-size PNG is drawn and compressed a band of rows at a time, so drawing a 7 m banner
    # does not hold its 112 megapixels at once; bands of a few rows here, so lines cross many bands.
    monkeypatch.setattr(banners, "BAND_BYTES", 40_000)
    slogan = Slogan("Nhiệt liệt chào mừng Đại hội Đảng bộ Khối lần thứ XXV, nhiệm kỳ 2020 – 2025", "", 1,
                    width_m=7, height_m=1)
    banner = banners.spec(slogan, options(dpi=20))
    plan = banners.plan_for(slogan, banner)
    banners.write_png(plan, banner.dpi, tmp_path / "bang-ron.png")
    whole = banners.draw(plan)
    assert (40_000 // whole.width) * 10 < whole.height, "many bands"
    with Image.open(tmp_path / "bang-ron.png") as png:
        png.load()
        assert png.mode == "P" and png.size == whole.size
        assert png.tobytes() == whole.tobytes() and png.getpalette() == whole.getpalette()
        assert tuple(round(v) for v in png.info["dpi"]) == (20, 20)
        assert len(set(png.tobytes())) > 100, "antialiased edges: the whole ramp from red to yellow is used"


def test_preview_is_small_and_shows_the_same_lines() -> None:
    slogan = Slogan("Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh!", "", 1)
    settings = options()
    with Image.open(io.BytesIO(banners.preview_png(slogan, settings))) as preview:
        assert preview.size == (1000, 160)
        ink = ink_bbox(preview)
    assert ink is not None and ink[1] >= 16 and ink[3] <= 144 and ink[0] >= 40 and ink[2] <= 960
    html = banners.previews_html([slogan], settings, "../", linked=True)[0]
    assert 'src="../tai-ve/bang-ron/01-day-manh-hoc-tap-va-lam-theo-tu-tuong-dao-duc-phong-cach-ho-xem-truoc.png"' in html
    assert 'href="../tai-ve/bang-ron/01-day-manh-hoc-tap-va-lam-theo-tu-tuong-dao-duc-phong-cach-ho.pdf"' in html


def test_impossible_sizes_are_findings() -> None:
    (tiny,) = banners.check_settings(options(width_m=0.1, height_m=0.02, dpi=10))
    assert tiny.severity == "error" and tiny.file == "mkdocs.yml" and "quá nhỏ" in tiny.message
    assert banners.check_settings(options(width_m=20.0)) == [], "a 20 m banner is drawn within the memory budget"
    assert banners.check_settings(options()) == []


def test_pdf_sets_the_same_lines_in_the_same_place_as_the_png(tmp_path: Path) -> None:
    slogan = Slogan("Đảng Cộng sản Việt Nam - Người lãnh đạo, tổ chức mọi thắng lợi của cách mạng Việt Nam!", "", 1)
    settings = options(dpi=10)
    width, height = banners.pixel_size(settings)
    (result,) = banners.build_banners([slogan], settings, tmp_path / "site", tmp_path / "cache")
    unit = PdfReader(result.pdf).pages[0].user_unit  # poppler ignores /UserUnit: scale its resolution instead
    subprocess.run(["pdftoppm", "-r", str(10 * unit), "-png", "-singlefile", str(result.pdf), str(tmp_path / "pdf")],
                   check=True)
    # Both files reach beyond the trimmed banner (the PDF also holds the crop marks): compare the trimmed area.
    pdf_edge = round((settings.bleed_mm + banners.MARKS_MM) / 25.4 * 10)
    png_edge = round(settings.bleed_mm / 25.4 * 10)
    with Image.open(tmp_path / "pdf.png") as raster:
        from_pdf = ink_bbox(raster.convert("RGB").crop((pdf_edge, pdf_edge, pdf_edge + width, pdf_edge + height)))
    with Image.open(result.png) as png:
        from_png = ink_bbox(png.convert("RGB").crop((png_edge, png_edge, png_edge + width, png_edge + height)))
    assert from_pdf is not None and from_png is not None
    assert all(abs(a - b) <= 0.01 * width for a, b in zip(from_pdf, from_png)), (from_pdf, from_png)
    plan = banners.plan_for(slogan, banners.spec(slogan, settings))
    assert from_pdf[0] >= 0.9 * plan.margin_x and width - from_pdf[2] >= 0.9 * plan.margin_x


def test_serve_shows_previews_but_builds_no_full_size_banners(tmp_path: Path) -> None:
    slogans = [Slogan("Muôn năm!", "", 1)]
    settings = options()
    assert not banners.wanted(settings, is_serve=True) and banners.wanted(settings, is_serve=False)
    assert banners.downloads(slogans, settings, is_serve=True) == []
    hrefs = [d.href for d in banners.downloads(slogans, settings, is_serve=False)]
    assert hrefs == ["bang-ron/01-muon-nam.pdf", "bang-ron/01-muon-nam.png"]
    assert "<a " not in banners.previews_html(slogans, settings, "../", linked=False)[0]
    assert list(banners.previews(slogans, settings, tmp_path)) == ["tai-ve/bang-ron/01-muon-nam-xem-truoc.png"]
    assert banners.previews(slogans, options(enabled=False), tmp_path) == {}


def test_previews_are_drawn_once_and_reused_from_the_cache(tmp_path: Path) -> None:
    slogans = [Slogan("Muôn năm!", "", 1), Slogan("Đoàn kết", "", 2)]
    first = banners.previews(slogans, options(), tmp_path)
    stamps = {uri: png.stat().st_mtime_ns for uri, png in first.items()}
    with Image.open(next(iter(first.values()))) as image:
        assert image.width == banners.PREVIEW_WIDTH
    again = banners.previews(slogans, options(), tmp_path)
    assert again == first and {uri: png.stat().st_mtime_ns for uri, png in again.items()} == stamps
    # A changed slogan draws its own preview; the one no slogan uses any more leaves the cache.
    changed = banners.previews([slogans[0], Slogan("Thi đua", "", 2)], options(), tmp_path)
    assert changed[next(iter(first))] == first[next(iter(first))]
    assert sorted(tmp_path.glob("*.png")) == sorted(changed.values())


def test_layouts_are_kept_across_builds_and_measured_again_when_unsure(tmp_path: Path) -> None:
    folder = tmp_path / "banner-layouts"
    text = "ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM"
    try:
        banners._layout.cache_clear()
        banners.keep_layouts(folder)
        first = banners.layout(text, 4000, 800)
        banners.save_layouts()
        stamp = (folder / "layouts.json").stat().st_mtime_ns
        # The next build (a new process: nothing remembered in memory) reads it instead of measuring.
        banners._layout.cache_clear()
        banners.keep_layouts(folder)
        assert banners.layout(text, 4000, 800) == first
        assert banners._layout.cache_info().misses == 0, "read from the file, not measured"
        banners.save_layouts()
        assert (folder / "layouts.json").stat().st_mtime_ns == stamp, "nothing new: the file is left as it is"
        # Another size is measured; a damaged file is measured again, never trusted.
        assert banners.layout(text, 3000, 800) != first
        (folder / "layouts.json").write_text('{"salt": 1', encoding="utf-8")
        banners._layout.cache_clear()
        banners.keep_layouts(folder)
        assert banners.layout(text, 4000, 800) == first and banners._layout.cache_info().misses == 1
    finally:
        banners._KEPT.__init__()  # other tests measure in memory only, as outside a build
