"""Reading the default site in Chromium: search, self-containment, offline zip, print, accessibility."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from kyniem.offline import FOLDER, ZIP_PATH
from kyniem.text import fold

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
PLACEHOLDER = "Nhập để bắt đầu tìm kiếm"
SEARCH_INPUT = "input.md-search__input"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# Each group: ways a reader may type the same words (case, Unicode form, marks left out where
# the words have no other marked form on the site); all must find the same pages. Marks typed
# are respected ("lich sư" is not "lịch sử"): tests/browser/test_search_browser.py.
QUERY_GROUPS = {
    "lịch sử": ["lịch sử", "LỊCH SỬ", "Lịch Sử", nfd("lịch sử"), nfd("LỊCH SỬ")],
    "hải dương": ["Hai Duong", "hải dương", "HẢI DƯƠNG", nfd("hải dương"), nfd("Hai Dương")],
    "đảng": ["đảng", "ĐẢNG", "Đảng", nfd("đảng")],
}


def first_child(site_dir: Path, section: str) -> str:
    """URL of the first page one level below ``section`` (a chapter, an outline, an album)."""
    folders = sorted(p.parent.name for p in (site_dir / section).glob("*/index.html"))
    assert folders, f"the default site has no page under {section}/"
    return f"{section}/{folders[0]}/"


def first_post(site_dir: Path) -> str:
    """URL of a news post (Material's blog puts posts beside its category and archive folders)."""
    posts = sorted(
        p.parent.name for p in (site_dir / "tin-tuc").glob("*/index.html") if p.parent.name not in ("chuyen-muc", "luu-tru", "page")
    )
    assert posts, "the default site has no news post"
    return f"tin-tuc/{posts[0]}/"


@pytest.fixture(scope="session")
def page_types(site_dir: Path) -> dict[str, str]:
    """One URL of each kind of page the issue names."""
    return {
        "home": "",
        "chapter": first_child(site_dir, "lich-su"),
        "timeline": "bien-nien-su-kien/",
        "slogans": "khau-hieu/",
        "outline": first_child(site_dir, "de-cuong-tuyen-truyen"),
        "album index": "thu-vien-anh/",
        "album": first_child(site_dir, "thu-vien-anh"),
    }


@dataclass(frozen=True)
class Results:
    meta: str
    pages: tuple[str, ...]
    marks: tuple[str, ...]


def search(page: Page, query: str) -> Results:
    """Type ``query`` into Material's search box and read the result list."""
    box = page.locator(SEARCH_INPUT)
    button = page.locator("label.md-header__button[for=__search]")
    if button.is_visible() and not page.is_checked("#__search"):
        button.click()  # phones: the search box opens from the header button
    box.click()
    box.fill("")
    box.press("End")
    expect(page.locator(".md-search-result__meta")).to_have_text(PLACEHOLDER)
    box.fill(query)
    box.press("End")
    expect(page.locator(".md-search-result__meta")).not_to_have_text(PLACEHOLDER, timeout=10_000)
    meta = page.inner_text(".md-search-result__meta")
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    pages = tuple(sorted({urlsplit(h)._replace(query="", fragment="").geturl() for h in hrefs}))
    return Results(meta=meta, pages=pages, marks=tuple(marks))


def assert_same_results(page: Page) -> None:
    for words, queries in QUERY_GROUPS.items():
        found = {query: search(page, query) for query in queries}
        first = found[queries[0]]
        assert first.pages, f"{queries[0]!r} finds nothing"
        for query, results in found.items():
            assert results.pages == first.pages, f"{query!r} and {queries[0]!r} find different pages"
            assert results.meta == first.meta
            assert results.marks, f"{query!r}: no highlighted words"
            for mark in results.marks:
                assert any(fold(mark).startswith(word) for word in fold(words).split()), mark
        shown = {mark.lower() for mark in first.marks}
        assert set(words.split()) & shown, f"results for {words!r} highlight the words with their diacritics: {shown}"


def test_search_is_vietnamese_aware(page: Page, base_url: str) -> None:
    page.goto(base_url)
    assert_same_results(page)


def test_search_on_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(base_url)
        results = search(page, "lich su")
        assert results.pages and "Lịch" in results.marks
    finally:
        context.close()


def test_no_request_leaves_the_site(page: Page, base_url: str, site_dir: Path, page_types: dict[str, str]) -> None:
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    for url in [*page_types.values(), first_post(site_dir), "tai-ve/", "ke-hoach/"]:
        page.goto(base_url + url, wait_until="networkidle")
    search(page, "hải dương")
    page.goto(base_url + page_types["album"], wait_until="networkidle")
    page.locator("a.glightbox").first.click()
    expect(page.locator(".glightbox-container")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(requests) > 20
    outside = [
        url
        for url in requests
        if not (urlsplit(url).scheme in ("data", "blob", "about") or urlsplit(url).hostname == "127.0.0.1")
    ]
    assert outside == []
    assert any(url.endswith("/search/kyniem-index.js") for url in requests), "the search worker's requests are recorded too"
    fonts = [url for url in requests if url.endswith(".woff2")]
    assert any("BeVietnamPro" in url for url in fonts), "the bundled typeface is used"


def test_offline_zip_from_file_urls(page: Page, site_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(site_dir / ZIP_PATH) as archive:
        archive.extractall(tmp_path)
    home = tmp_path / FOLDER / "index.html"
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    page.goto(home.as_uri())
    expect(page.locator("h1").first).to_be_visible()

    page.locator(".md-content a[href$='lich-su/index.html']").first.click()
    page.wait_for_url(re.compile(r".*/lich-su/index\.html$"))  # a click starts the navigation; wait for it
    assert page.url.endswith("/lich-su/index.html")
    expect(page.locator("h1").first).to_contain_text("Lịch sử")
    page.locator(".md-content a[href$='/index.html']:not([href^='..'])").first.click()
    page.wait_for_url(re.compile(r".*/lich-su/[^/]+/index\.html$"))
    assert re.search(r"/lich-su/[^/]+/index\.html$", page.url), page.url

    results = search(page, "hai duong")
    assert results.pages and all(p.startswith("file://") and p.endswith("index.html") for p in results.pages)
    assert "Dương" in results.marks
    assert_same_results(page)  # every query form of the issue, from file:// too
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith("index.html")

    page.goto((tmp_path / FOLDER / "thu-vien-anh" / "index.html").as_uri())
    page.locator(".md-content a[href$='/index.html']").first.click()
    images = page.locator(".md-content img")
    expect(images.first).to_be_visible()
    # Every picture of the album loads from file:// (waited for: they arrive one by one).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.md-content img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=20000)
    page.locator("a.glightbox").first.click()
    expect(page.locator(".glightbox-container")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)

    page.goto((tmp_path / FOLDER / "tai-ve" / "index.html").as_uri())
    downloads = page.eval_on_selector_all(".md-content a[download]", "els => els.map(e => e.href)")
    # The zip is not inside itself: its own copy names it without a link (issue 11).
    assert not any(href.endswith(ZIP_PATH) for href in downloads), "the offline copy links to the zip"
    for href in downloads:
        assert Path(urlsplit(href).path).is_file(), href
    assert all(urlsplit(url).scheme in ("file", "data", "blob", "about") for url in requests)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("kind", ["home", "chapter", "timeline", "slogans", "outline", "album index", "album"])
def test_axe_finds_no_serious_violation(
    browser: Browser, base_url: str, page_types: dict[str, str], kind: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(base_url + page_types[kind], wait_until="networkidle")
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("kind", ["chapter", "outline"])
def test_print_hides_navigation_on_a4(page: Page, base_url: str, page_types: dict[str, str], kind: str) -> None:
    page.goto(base_url + page_types[kind])
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer"):
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    expect(page.locator(".md-content h1").first).to_be_visible()
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.md-content .md-typeset')).fontSize)")
    assert size >= 14, "11 pt text (14.67 px)"

    first = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True))).pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842), "A4"
    text = first.extract_text()
    assert page.locator(".md-content h1").first.inner_text().split()[0] in text
    assert "Tìm kiếm" not in text and "Thanh điều hướng" not in text


def test_print_keeps_pictures_with_their_captions(page: Page, base_url: str, page_types: dict[str, str]) -> None:
    """Push the album's photos down the A4 page step by step: no photo ever leaves its caption behind."""
    page.goto(base_url + page_types["album"], wait_until="networkidle")
    page.emulate_media(media="print")
    captions = page.locator(".md-content figure figcaption").all_inner_texts()
    assert len(captions) >= 3 and all(c.startswith("Ảnh minh họa số") for c in captions), captions
    page.evaluate("() => document.querySelector('.md-content h1').after(Object.assign(document.createElement('div'), {id: 'ky-spacer'}))")
    split = 0
    for height in range(140, 180, 5):
        page.evaluate(f"() => document.getElementById('ky-spacer').style.height = '{height}mm'")
        pages = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True))).pages
        per_page = [(len(p.images), len(re.findall(r"Ảnh minh họa số \d", p.extract_text()))) for p in pages]
        assert all(images == shown for images, shown in per_page), f"{height} mm: (photos, captions) per page {per_page}"
        assert sum(images for images, _ in per_page) == len(captions)
        split += sum(1 for images, _ in per_page if images) > 1
    assert split, "some spacer puts photos on two pages"


def test_print_shows_link_targets(page: Page, base_url: str, page_types: dict[str, str]) -> None:
    page.goto(base_url + page_types["outline"])
    page.emulate_media(media="print")
    link = page.locator(".md-content .md-typeset a[data-ky-href]").first
    href = link.evaluate("a => a.href")
    assert href.startswith(base_url)
    assert link.evaluate("a => getComputedStyle(a, '::after').content") == f'" ({href})"'
    for anchor in page.locator(".md-content .md-typeset a.headerlink, .md-content .md-typeset a.footnote-ref").all()[:3]:
        assert anchor.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")


def test_keyboard_focus_is_visible(page: Page, base_url: str, page_types: dict[str, str]) -> None:
    page.goto(base_url + page_types["chapter"])
    seen = 0
    for _ in range(25):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement
                if (!el || el === document.body) return null
                const s = getComputedStyle(el)
                const box = el.getBoundingClientRect()
                return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                        shadow: s.boxShadow !== 'none', visible: box.width > 0 && box.height > 0}
            }"""
        )
        if state is None:
            continue
        seen += 1
        assert state["outline"] or state["shadow"], f"no visible focus on {state}"
    assert seen >= 10


def test_lightbox_by_keyboard(page: Page, base_url: str, page_types: dict[str, str]) -> None:
    page.goto(base_url + page_types["album"])
    link = page.locator("a.glightbox").first
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".glightbox-container")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)


def test_meta_sitemap_and_robots(page: Page, base_url: str, site_dir: Path, page_types: dict[str, str]) -> None:
    page.goto(base_url + page_types["chapter"])
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical and canonical.endswith("/" + page_types["chapter"])
    image = page.get_attribute("meta[property='og:image']", "content")
    assert image and page.get_attribute("meta[name='twitter:image']", "content") == image
    assert page.get_attribute("meta[property='og:url']", "content") == canonical
    title = page.get_attribute("meta[property='og:title']", "content")
    assert title and title == unicodedata.normalize("NFC", title)
    local = site_dir / urlsplit(image).path.lstrip("/")
    assert local.is_file() and local.read_bytes()[:4] == b"\x89PNG"
    robots = (site_dir / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: " in robots
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert canonical in sitemap


def test_result_page_highlights_words_with_diacritics(page: Page, base_url: str) -> None:
    page.goto(base_url)
    search(page, "hai duong")
    page.locator(".md-search-result__item > a").first.click()
    page.wait_for_load_state()
    marks = page.locator(".md-content article mark[data-md-highlight]")
    expect(marks.first).to_be_visible()
    shown = {text.strip() for text in marks.all_inner_texts()}
    assert {"Hải", "Dương"} <= shown, shown
    assert all(fold(text).startswith(("hai", "duong")) for text in shown), shown
