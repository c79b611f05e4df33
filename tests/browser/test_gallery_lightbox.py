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
