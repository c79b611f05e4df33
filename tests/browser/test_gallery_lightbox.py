"""The sample album in Chromium: the grid, the lightbox, keyboard navigation, phone sizes."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

ALBUM = "thu-vien-anh/anh-minh-hoa/"


def test_gallery_index_lists_the_sample_album(page: Page, base_url: str) -> None:
    page.goto(base_url + "thu-vien-anh/")
    card = page.locator("a.kn-album-card")
    expect(card).to_have_count(1)
    expect(card.locator(".kn-album-meta")).to_have_text("6 ảnh")
    card.click()
    expect(page).to_have_url(base_url + ALBUM)


def test_lightbox_opens_large_image_and_navigates_by_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + ALBUM)
    tiles = page.locator(".kn-gallery a.glightbox")
    expect(tiles).to_have_count(6)
    # Images are shown by the <picture>, never wrapped twice by the glightbox plugin.
    assert page.locator(".kn-gallery a.glightbox a").count() == 0
    tiles.first.click()
    slide = page.locator(".gslide.current")
    expect(slide.locator("img")).to_be_visible()
    expect(slide.locator(".gslide-title")).to_have_text("Ảnh minh họa số 1 (nội dung mẫu)")
    expect(slide.locator(".gslide-desc")).to_have_text("Ảnh: kyniem (ảnh do phần mềm vẽ)")
    assert "-1600.webp" in slide.locator("img").get_attribute("srcset")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".gslide.current .gslide-title")).to_have_text("Ảnh minh họa số 2 (nội dung mẫu)")
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)


def test_phone_loads_small_webp_files(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/_anh/" in request.url else None)
    page.goto(base_url + ALBUM, wait_until="networkidle")
    first = page.locator(".kn-gallery img").first
    assert first.evaluate("img => img.currentSrc").endswith("-320.webp")
    assert fetched and all(url.endswith((".webp")) for url in fetched)
    assert not any(url.endswith(("-1600.webp", "-1024.webp")) for url in fetched)
    context.close()


def test_lightbox_on_a_phone_swipes_and_speaks_vietnamese(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.goto(base_url + ALBUM)
    page.locator(".kn-gallery a.glightbox").first.tap()
    current = page.locator(".gslide.current")
    expect(current.locator(".gslide-title")).to_have_text("Ảnh minh họa số 1 (nội dung mẫu)")
    expect(current.locator(".gslide-desc")).to_have_text("Ảnh: kyniem (ảnh do phần mềm vẽ)")
    labels = page.locator(".glightbox-container .gbtn").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert set(labels) == {"Đóng", "Ảnh trước", "Ảnh sau"}
    # A real finger: touch events from the browser's input layer, right to left across the photo.
    touch = context.new_cdp_session(page)

    def swipe(start: int, end: int) -> None:
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start, "y": 420}]})
        for step in range(1, 11):
            x = start + (end - start) * step // 10
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": 420}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    swipe(340, 60)
    expect(page.locator(".gslide.current .gslide-title")).to_have_text("Ảnh minh họa số 2 (nội dung mẫu)")
    swipe(340, 60)
    expect(page.locator(".gslide.current .gslide-title")).to_have_text("Ảnh minh họa số 3 (nội dung mẫu)")
    swipe(60, 340)
    expect(page.locator(".gslide.current .gslide-title")).to_have_text("Ảnh minh họa số 2 (nội dung mẫu)")
    # The phone gets a derivative sized for its screen (390 css px × 2), not the 1600 one.
    expect(page.locator(".gslide.current img")).to_have_js_property("complete", True)
    assert page.locator(".gslide.current img").evaluate("img => img.currentSrc").endswith("-1024.webp")
    context.close()
