"""The document archive in Chromium: deep zoom on a phone and from file://, filters, search, print, film.

The 600-dpi A4 sample (tu-lieu/giay-khen-mau/, 4960×7016 pixels) is what a
committee's scanner makes; these tests open it as readers do.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader
from test_reading import AXE_JS, search

from kyniem.deepzoom import max_level
from kyniem.offline import FOLDER, ZIP_PATH

SCAN = "tu-lieu/giay-khen-mau/"
PLAN = "tu-lieu/ke-hoach-ky-niem-70-nam/"
FILM = "tu-lieu/phim-tu-lieu-mau/"
TOP_LEVEL = max_level(4960, 7016)
BUDGET = 1_500_000  # the gallery's first-load budget (scripts/bench_gallery.py), bytes
# Lighthouse's mobile viewport, as the gallery's budget is measured.
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
         "has_touch": True, "locale": "vi-VN"}
STATE = """() => { const v = window.knViewers['kn-viewer-1'];
  const c = v.viewport.getCenter(true);
  return {zoom: v.viewport.getZoom(true), x: c.x, y: c.y, full: v.isFullPage()} }"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(**PHONE)
    try:
        yield context
    finally:
        context.close()


def open_viewer(page: Page, url: str) -> None:
    """Go to an item page, bring the first scan on screen, wait until its tiles are drawn."""
    page.goto(url)
    viewer = page.locator("#kn-viewer-1")
    viewer.scroll_into_view_if_needed()
    expect(viewer).to_have_attribute("data-loaded", "1", timeout=20_000)


def settle(page: Page) -> dict:
    """The viewer's state once its animation has stopped and the tiles of the new view are in."""
    state, previous = page.evaluate(STATE), None
    for _ in range(60):  # the spring animation ends in about a second
        if state == previous:
            break
        page.wait_for_timeout(150)
        state, previous = page.evaluate(STATE), state
    expect(page.locator("#kn-viewer-1")).to_have_attribute("data-loaded", "1", timeout=20_000)
    return state


def tile_levels(urls: list[str]) -> list[int]:
    return [int(m.group(1)) for u in urls if (m := re.search(r"_files/(\d+)/\d+_\d+\.jpg$", u))]


def test_600dpi_scan_opens_on_a_phone_within_the_budget(phone: BrowserContext, base_url: str) -> None:
    page = phone.new_page()
    loaded: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: loaded.append((r.url, r.sizes()["responseBodySize"])))
    open_viewer(page, base_url + SCAN)
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in loaded)
    levels = tile_levels([url for url, _ in loaded])
    print(f"\nfirst load of {SCAN} at 412×823 DPR 1.75: {len(loaded)} requests, {total} bytes, "
          f"{len(levels)} tiles of levels {sorted(set(levels))}")
    assert total <= BUDGET, f"{total} bytes on first load"
    assert levels and max(levels) <= TOP_LEVEL - 2, "a phone never fetches the full-resolution tiles at first"
    assert len(set(levels)) <= 2, "the best level at once, not every blurry level below it"
    assert not [url for url, _ in loaded if url.endswith("-in.jpg")], "the print copy waits for printing"
    scan_bytes = (Path(__file__).resolve().parents[2] / "archive" / "giay-khen-mau" / "giay-khen.jpg").stat().st_size
    tiles = sum(size for url, size in loaded if "_files/" in url)
    assert tiles < scan_bytes / 3, "the tiles of one screen weigh far less than the scan"
    assert len(levels) < 760 / 10, "and are a small part of the pyramid's 760 tiles"


def test_zoom_and_pan_by_touch_buttons_and_keyboard_on_a_phone(phone: BrowserContext, base_url: str) -> None:
    page = phone.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_viewer(page, base_url + SCAN)
    home = page.evaluate(STATE)
    labels = page.locator(".kn-viewer-tools button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert labels == ["Phóng to (phím +)", "Thu nhỏ (phím -)", "Xem cả trang (phím 0)", "Toàn màn hình"]
    # Buttons, tapped with a finger.
    for _ in range(3):
        page.locator("#kn-viewer-1-in").tap()
    zoomed = settle(page)
    assert zoomed["zoom"] > home["zoom"] * 2.5
    # Pan: one finger dragged across the scan, through the browser's touch input.
    box = page.locator("#kn-viewer-1 .openseadragon-canvas").bounding_box()
    touch = phone.new_cdp_session(page)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def drag(points: list[list[tuple[float, float]]]) -> None:
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                                "touchPoints": [{"x": x, "y": y} for x, y in points[0]]})
        for step in points[1:]:
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                                    "touchPoints": [{"x": x, "y": y} for x, y in step]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    drag([[(cx + 100 - 20 * i, cy + 60 - 12 * i)] for i in range(11)])
    panned = settle(page)
    assert panned["x"] > zoomed["x"] and panned["y"] > zoomed["y"], "dragging left and up moves the view right and down"
    # Pinch: two fingers moving apart zoom in further.
    drag([[(cx - 20 - 8 * i, cy), (cx + 20 + 8 * i, cy)] for i in range(11)])
    pinched = settle(page)
    assert pinched["zoom"] > panned["zoom"] * 1.5
    assert TOP_LEVEL in tile_levels(requested), "zoomed in, the full-resolution tiles are fetched"
    # Keyboard: the viewer takes focus, then 0 shows the whole page again and + zooms.
    page.locator("#kn-viewer-1 .openseadragon-canvas").focus()
    page.keyboard.press("0")
    assert settle(page)["zoom"] == pytest.approx(home["zoom"], rel=0.02)
    page.keyboard.press("+")
    assert settle(page)["zoom"] > home["zoom"] * 1.05
    page.keyboard.press("ArrowDown")
    assert settle(page)["y"] > home["y"]
    # Full screen and back.
    full = "() => window.knViewers['kn-viewer-1'].isFullPage()"
    page.locator("#kn-viewer-1-full").tap()
    page.wait_for_function(full)
    expect(page.locator("#kn-viewer-1-full")).to_be_visible()  # the buttons come along, to leave full screen
    assert page.locator("#kn-viewer-1").bounding_box()["height"] >= 800
    page.locator("#kn-viewer-1-full").tap()
    page.wait_for_function(f"() => !({full})()")
    expect(page.locator("#kn-viewer-1-tools")).to_be_visible()


def test_viewer_works_from_the_offline_zip(page: Page, site_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(site_dir / ZIP_PATH) as archive:
        archive.extractall(tmp_path)
    item = tmp_path / FOLDER / SCAN / "index.html"
    requests: list[str] = []
    failed: list[str] = []
    page.context.on("request", lambda r: requests.append(r.url))
    page.context.on("requestfailed", lambda r: failed.append(r.url))
    open_viewer(page, item.as_uri())
    page.locator("#kn-viewer-1-in").click()
    page.locator("#kn-viewer-1-in").click()
    settle(page)
    drawn = tile_levels(requests)
    assert drawn and max(drawn) >= TOP_LEVEL - 1
    ours = [url for url in failed if "/tu-lieu/" in url or "/assets/kyniem/vendor/" in url or "/archive/" in url]
    assert not ours, ours[:5]
    assert all(url.startswith(("file:", "data:", "blob:", "about:")) for url in requests), "nothing leaves the zip"
    # The tile images really decoded: OpenSeadragon counts them as loaded only when the image did.
    loaded = page.evaluate("() => window.knViewers['kn-viewer-1'].world.getItemAt(0)._tileCache"
                           " ? window.knViewers['kn-viewer-1'].world.getItemAt(0).getFullyLoaded() : true")
    assert loaded


def test_index_filters_without_a_server(page: Page, base_url: str) -> None:
    page.goto(base_url + "tu-lieu/")
    items = page.locator(".kn-archive-item")
    expect(items).to_have_count(3)
    page.select_option("select[name=type]", "phim")
    expect(page.locator(".kn-archive-item:visible")).to_have_count(1)
    expect(page.locator(".kn-archive-item:visible .kn-archive-title")).to_have_text("Phim tư liệu mẫu (tư liệu minh họa)")
    expect(page.locator(".kn-archive-count")).to_have_text("1 / 3 tư liệu")
    page.select_option("select[name=type]", "")
    page.select_option("select[name=decade]", "2020")
    expect(page.locator(".kn-archive-item:visible")).to_have_count(3)
    page.select_option("select[name=creator]", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương")
    expect(page.locator(".kn-archive-item:visible")).to_have_count(2)
    page.locator(".kn-archive-item:visible a").first.click()
    expect(page.locator("h1")).to_contain_text("Kế hoạch")


def test_search_finds_words_that_are_only_in_a_transcription(page: Page, base_url: str) -> None:
    page.goto(base_url)
    results = search(page, "chi bo mau")  # typed without diacritics, as readers do
    assert any(p.endswith("/" + SCAN) for p in results.pages), results.pages


def test_citation_is_ready_to_copy(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="vi-VN", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(base_url + PLAN)
        page.locator(".kn-cite-copy").click()
        expect(page.locator(".kn-cite-copy")).to_have_text("Đã chép trích dẫn")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.inner_text("#trich-dan")
        assert copied.startswith("Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương, Kế hoạch số -KH/ĐUK "
                                 "ngày 20/9/2021: “Kế hoạch tổ chức")
    finally:
        context.close()


def test_print_shows_each_page_with_its_transcription(page: Page, base_url: str, tmp_path: Path) -> None:
    page.goto(base_url + PLAN, wait_until="networkidle")
    page.emulate_media(media="print")
    expect(page.locator(".kn-viewer").first).to_be_hidden()
    prints = page.locator("img.kn-scan-print")
    expect(prints).to_have_count(4)
    for index in range(4):
        expect(prints.nth(index)).to_be_visible()
    pdf = tmp_path / "in.pdf"
    page.pdf(path=str(pdf), format="A4")
    reader = PdfReader(pdf)
    assert sum(len(p.images) for p in reader.pages) >= 4, "each page's print copy is fetched for printing"
    assert page.evaluate("() => [...document.querySelectorAll('img.kn-scan-print')]"
                         ".every(i => i.complete && i.naturalWidth >= 1000)")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Bản chép lại trang 3".upper() in text.upper()
    assert "Phát động đợt thi đua cao điểm" in text, "the transcription prints with the item"


def test_film_loads_nothing_until_played(page: Page, base_url: str) -> None:
    media: list[str] = []
    page.on("request", lambda r: media.append(r.url) if r.url.endswith(".webm") else None)
    page.goto(base_url + FILM, wait_until="networkidle")
    video = page.locator("video")
    assert video.get_attribute("preload") == "none" and not media
    assert page.evaluate("() => document.querySelector('video').poster.endsWith('-bia.jpg')")
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play() }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    assert media, "the film is fetched when played"
    assert page.evaluate("() => document.querySelector('video').textTracks[0].language") == "vi"


@pytest.mark.parametrize("url", ["tu-lieu/", SCAN, FILM], ids=["index", "scan", "film"])
def test_axe_finds_no_serious_violation_on_archive_pages(phone: BrowserContext, base_url: str, url: str) -> None:
    page = phone.new_page()
    page.goto(base_url + url, wait_until="networkidle")
    if url == SCAN:
        page.locator("#kn-viewer-1").scroll_into_view_if_needed()
        expect(page.locator("#kn-viewer-1")).to_have_attribute("data-loaded", "1", timeout=20_000)
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)
