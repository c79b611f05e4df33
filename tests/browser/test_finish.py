"""Pages look finished on phones and laptops: each item of issue 11, checked by geometry in Chromium.

Stacked Vietnamese marks (Ỗ, Ẫ) rise about 1.2 em above the baseline in Be Vietnam Pro,
higher than the font's own line box: any box that hides its overflow can cut them. The
check below measures the real ink of those letters with the page's font (canvas
measureText) against the box that clips each line.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from test_reading import first_child, first_post

from kyniem import banners
from kyniem.config import KyniemConfig
from kyniem.content import load_content
from kyniem.offline import FOLDER, ZIP_NAME, ZIP_PATH
from kyniem.pages import format_size

PHONES = (360, 412)
STACKED = "ỖẪ Hội nghị tổng kết ỖẪ ĐẦU ẪỖ Ỗ Ẫ Ằ Ẵ ẴỄ"
EN_STRINGS = Path(__import__("material").__file__).parent / "templates/partials/languages/en.html"

# The nearest box that clips ``el``; every line's ink must be inside it, or wholly below it.
_CLIPPED_MARKS = """
(el) => {
  let clip = el;
  while (clip && getComputedStyle(clip).overflowY === "visible" && getComputedStyle(clip).overflowX === "visible")
    clip = clip.parentElement;
  if (!clip) return [];
  const box = clip.getBoundingClientRect(), cs = getComputedStyle(clip);
  const top = box.top + parseFloat(cs.borderTopWidth), bottom = box.bottom - parseFloat(cs.borderBottomWidth);
  const style = getComputedStyle(el);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const m = ctx.measureText("ỖẪẴỄ");
  const rise = m.actualBoundingBoxAscent - m.fontBoundingBoxAscent;
  const range = document.createRange();
  range.selectNodeContents(el);
  const problems = [];
  for (const r of range.getClientRects()) {
    const ink = r.top - rise;
    if (r.top < bottom - 1) { if (ink < top - 0.5) problems.push(`marks cut: ink ${ink} above clip ${top}`); }
    else if (ink < bottom - 0.5) problems.push(`hidden line shows: ink ${ink} above clip bottom ${bottom}`);
  }
  return problems;
}
"""


def phone(browser: Browser, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 780}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="vi-VN")
    return context.new_page()


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(150)


def clipped_marks(page: Page, selector: str, text: str | None = None) -> list[str]:
    """Problems of every element matching ``selector``, optionally with ``text`` written into it."""
    problems = []
    for element in page.locator(selector).element_handles():
        if text is not None:
            element.evaluate("(el, text) => { el.textContent = text }", text)
        problems += element.evaluate(_CLIPPED_MARKS)
    return problems


@pytest.mark.parametrize("width", PHONES)
def test_site_title_fits_or_wraps_on_phones(browser: Browser, base_url: str, width: int) -> None:
    page = phone(browser, width)
    open_page(page, base_url)
    title = page.locator(".md-header__topic").first.locator(".md-ellipsis")
    geometry = title.evaluate(
        "el => ({sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight,"
        " r: el.getBoundingClientRect().toJSON(), h: document.querySelector('.md-header').getBoundingClientRect().toJSON(),"
        " lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))})"
    )
    assert title.inner_text().strip() == "Kỷ niệm 70 năm Đảng bộ Khối các cơ quan tỉnh Hải Dương"
    assert geometry["sw"] <= geometry["cw"] + 1 and geometry["sh"] <= geometry["ch"] + 1, geometry
    assert geometry["r"]["right"] <= width and geometry["r"]["bottom"] <= geometry["h"]["bottom"], geometry
    assert geometry["lines"] >= 2, "the title wraps instead of being cut"
    assert clipped_marks(page, ".md-header__topic .md-ellipsis") == []
    page.context.close()


@pytest.mark.parametrize("width", PHONES)
def test_footer_titles_are_whole_and_keep_their_marks(browser: Browser, base_url: str, width: int) -> None:
    page = phone(browser, width)
    open_page(page, base_url + "tin-tuc/")
    title = page.locator(".md-footer__link--next .md-footer__title .md-ellipsis")
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1")
    assert clipped_marks(page, ".md-footer__title .md-ellipsis") == []
    assert clipped_marks(page, ".md-footer__title .md-ellipsis", "Thời kỳ ỖẪ: Đảng bộ Khối Ẫ Ỗ") == []
    page.context.close()


def test_album_captions_never_cut_or_leak_marks(browser: Browser, base_url: str, site_dir: Path) -> None:
    page = phone(browser, 360)
    open_page(page, base_url + first_child(site_dir, "thu-vien-anh"))
    assert clipped_marks(page, ".kn-photo figcaption") == []
    long = " ".join([STACKED] * 4)  # at least three lines: the third is hidden by the clamp
    assert clipped_marks(page, ".kn-photo figcaption", long) == []
    page.context.close()


def test_slogan_previews_are_legible_and_labelled(browser: Browser, base_url: str) -> None:
    settings = KyniemConfig()
    settings.load_dict({})
    settings.validate()
    content = load_content(Path(__file__).resolve().parents[2], settings, include_drafts=False)
    width, height = banners.pixel_size(settings.banners)
    page = phone(browser, 360)
    open_page(page, base_url + "khau-hieu/")
    previews = page.locator("figure.ky-banner-preview")
    assert previews.count() == len(content.slogans)
    for index, slogan in enumerate(content.slogans):
        preview = previews.nth(index)
        preview.scroll_into_view_if_needed()
        shown = preview.locator("img").evaluate("img => img.getBoundingClientRect().width")
        plan = banners.layout(banners.banner_text(slogan, settings.banners), width, height)
        assert shown * plan.font_size / width >= banners.PREVIEW_LETTER_PX - 0.5, (index, shown)
        label = preview.locator("figcaption")
        assert label.is_visible() and "PDF" in label.inner_text()
        assert preview.locator("figcaption a[href$='.pdf']").is_visible()
    page.context.close()


def test_news_post_date_is_at_the_top(browser: Browser, base_url: str, site_dir: Path) -> None:
    page = phone(browser, 412)
    open_page(page, base_url + first_post(site_dir))
    date = page.locator("article .ky-post-date")
    assert re.fullmatch(r"Đăng ngày \d{2}/\d{2}/\d{4}", date.inner_text().strip())
    top = date.bounding_box()
    assert top is not None and top["y"] + top["height"] <= 780, "the date shows on the first screen"
    heading = page.locator("article h1").bounding_box()
    first_paragraph = page.locator("article > p:not(.ky-post-date)").first.bounding_box()
    assert heading and first_paragraph and heading["y"] < top["y"] < first_paragraph["y"]
    page.context.close()


def test_news_index_links_its_archive(browser: Browser, base_url: str) -> None:
    page = phone(browser, 360)
    open_page(page, base_url + "tin-tuc/")
    link = page.locator(".ky-archive-links a[href*='luu-tru/']").first
    assert link.is_visible()
    link.click()
    page.wait_for_load_state()
    assert "/tin-tuc/luu-tru/" in page.url and page.locator("article, .md-content").first.is_visible()
    page.context.close()


def _english_strings() -> list[str]:
    pairs = dict(re.findall(r'"([^"]+)": "((?:[^"\\]|\\.)*)"', EN_STRINGS.read_text(encoding="utf-8")))
    skip = ("language", "direction", "search.config.")
    return sorted({v.replace("# ", "") for k, v in pairs.items() if not k.startswith(skip) and len(v) > 3})


def test_ui_strings_are_vietnamese_and_natural(browser: Browser, base_url: str, site_dir: Path) -> None:
    english = _english_strings()
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    for path in ("", first_post(site_dir), "tin-tuc/", first_child(site_dir, "thu-vien-anh"), "ke-hoach/"):
        open_page(page, base_url + path)
        text = page.evaluate(
            "document.body.innerText + '\\n' + [...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')]"
            ".map(e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.getAttribute('placeholder'),"
            " e.getAttribute('alt')].join('\\n')).join('\\n')"
        )
        translations = json.loads(page.locator("#__config").text_content() or "{}")["translations"]
        seen = [s for s in english if s in text or s in json.dumps(translations, ensure_ascii=False)]
        assert seen == [], f"English on /{path}: {seen}"
        assert "Metadata" not in text
    assert translations["search.result.term.missing"] == "Không có từ"
    assert translations["search.result.more.other"] == "Thêm # kết quả trong trang này"
    page.close()


@pytest.mark.parametrize("width", (412, 1366))
def test_plan_number_keeps_its_distance_from_the_heading(browser: Browser, base_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    open_page(page, base_url + "ke-hoach/")
    head = page.locator("table.kyniem-document-head").bounding_box()
    heading = page.locator("article h1").first.bounding_box()
    assert head and heading and heading["y"] - (head["y"] + head["height"]) >= 24, (head, heading)
    page.close()


@pytest.mark.parametrize("width", (412, 1024, 1366))
def test_timeline_headings_have_no_blank_line(browser: Browser, base_url: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    open_page(page, base_url + "bien-nien-su-kien/")
    extra = page.evaluate(
        """() => [...document.querySelectorAll("article h2")].map(h => {
             const range = document.createRange();
             range.setStartBefore(h.firstChild);
             range.setEndBefore(h.querySelector(".headerlink") || h.lastChild);
             const tops = new Set([...range.getClientRects()].map(r => Math.round(r.bottom)));
             const line = parseFloat(getComputedStyle(h).lineHeight);
             return [h.textContent, h.getBoundingClientRect().height - tops.size * line];
           }).filter(([, extra]) => extra > 2)"""
    )
    assert extra == [], extra
    page.close()


def test_summary_boxes_take_the_site_palette(browser: Browser, base_url: str, site_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    open_page(page, base_url + first_child(site_dir, "lich-su"))
    box = page.locator(".admonition.abstract").first
    colours = box.evaluate(
        "el => [getComputedStyle(el).borderLeftColor,"
        " getComputedStyle(el.querySelector('.admonition-title')).backgroundColor,"
        " getComputedStyle(el.querySelector('.admonition-title'), '::before').backgroundColor]"
    )
    assert colours == ["rgb(183, 28, 28)", "rgb(255, 248, 225)", "rgb(183, 28, 28)"]
    page.close()


def test_downloads_page_gives_file_sizes(browser: Browser, base_url: str, site_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 412, "height": 900})
    open_page(page, base_url + "tai-ve/")
    links = page.locator("article a[download]")
    assert links.count() >= 3
    for index in range(links.count()):
        link = links.nth(index)
        size = link.locator("xpath=following-sibling::span[1]")
        href = link.get_attribute("href") or ""
        expected = format_size((site_dir / "tai-ve" / href).stat().st_size)
        assert size.is_visible() and size.inner_text() == f"({Path(href).suffix[1:].upper()}, {expected})", href
    zip_size = page.locator(f"article a[href$='{ZIP_NAME}'] + .ky-size").inner_text()
    assert re.fullmatch(r"\(ZIP, \d+,\d MB\)", zip_size), zip_size
    page.close()


def test_offline_bundle_does_not_link_to_itself(browser: Browser, site_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(site_dir / ZIP_PATH) as archive:
        archive.extractall(tmp_path)
    root = tmp_path / FOLDER
    page = browser.new_page(viewport={"width": 412, "height": 900})
    for path in ("index.html", "tai-ve/index.html"):
        page.goto((root / path).as_uri())
        assert page.locator(f"a[href*='{ZIP_NAME}']").count() == 0, path
        assert page.locator(".ky-offline-here").first.is_visible(), path
    page.goto((root / "tai-ve/index.html").as_uri())
    # Every other download still links, with its size.
    assert page.locator("a[download] + .ky-size").count() >= 2
    page.close()


@pytest.mark.parametrize("width", PHONES)
def test_no_page_scrolls_sideways_on_phones(browser: Browser, base_url: str, site_dir: Path, width: int) -> None:
    page = phone(browser, width)
    for path in ("", first_child(site_dir, "lich-su"), "bien-nien-su-kien/", "khau-hieu/", "tin-tuc/", "ke-hoach/",
                 first_child(site_dir, "thu-vien-anh"), "tai-ve/"):
        open_page(page, base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.context.close()
