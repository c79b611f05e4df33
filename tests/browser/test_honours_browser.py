"""The honour page filters commendations in the browser; the ceremony and people pages read on a phone."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect


def test_honours_filter_by_year_and_kind(page: Page, base_url: str) -> None:
    page.goto(base_url + "khen-thuong/")
    rows = page.locator("table.ky-honours tbody tr")
    visible = page.locator("table.ky-honours tbody tr:not([hidden])")
    expect(rows).to_have_count(3)
    form = page.locator("form.ky-filter")
    expect(form).to_be_visible()
    expect(form.locator("output")).to_have_text("Hiện 3 trong 3 mục")
    form.get_by_label("Năm").select_option("2021")
    expect(visible).to_have_count(1)
    expect(visible.first).to_contain_text("Phạm Thị D")
    form.get_by_label("Năm").select_option("")
    form.get_by_label("Đối tượng").select_option("Tập thể")
    expect(visible).to_have_count(1)
    expect(visible.first).to_contain_text("Chi bộ A")
    form.get_by_label("Đối tượng").select_option("Cá nhân")
    expect(visible).to_have_count(2)
    expect(form.locator("output")).to_have_text("Hiện 2 trong 3 mục")


def test_people_pages_fit_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for path in ("dai-hoi/", "ban-chap-hanh/", "khen-thuong/", "le-ky-niem/", "guong-dien-hinh/pham-thi-d/"):
            page.goto(base_url + path)
            expect(page.locator("article h1")).to_be_visible()
            # Nothing wider than the screen but scrollable tables.
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    finally:
        context.close()
