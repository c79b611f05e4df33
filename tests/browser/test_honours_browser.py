"""The honour page filters commendations in the browser, by mouse, keyboard and touch; the people pages
read on a phone and pass axe."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, expect

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")


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


def test_honours_filter_by_keyboard_with_named_controls(page: Page, base_url: str) -> None:
    """A keyboard user reaches the filter with Tab and changes it with the arrow keys; a screen reader hears
    each control's name and the count of shown rows (a live status region)."""
    page.goto(base_url + "khen-thuong/")
    year = page.get_by_role("combobox", name="Năm")
    kind = page.get_by_role("combobox", name="Đối tượng")
    status = page.get_by_role("status")
    expect(status).to_have_text("Hiện 3 trong 3 mục")
    expect(status).to_have_attribute("aria-live", "polite")
    page.locator("article h1").click()  # start from the page's own content
    for _ in range(40):
        page.keyboard.press("Tab")
        if year.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("the year filter cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # Tất cả -> 2022
    expect(year).to_have_value("2022")
    expect(status).to_have_text("Hiện 1 trong 3 mục")
    page.keyboard.press("Tab")
    expect(kind).to_be_focused()
    page.keyboard.press("ArrowDown")  # Tất cả -> Tập thể
    expect(kind).to_have_value("Tập thể")
    expect(status).to_have_text("Hiện 1 trong 3 mục")
    page.keyboard.press("ArrowDown")  # Cá nhân: none in 2022
    expect(status).to_have_text("Hiện 0 trong 3 mục")
    # Rows filtered out are hidden from assistive technology too, not only from the eye.
    hidden = page.locator("table.ky-honours tbody tr[hidden]")
    expect(hidden).to_have_count(3)
    assert page.get_by_role("row").count() == 1  # the header row only


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1366, "height": 900}],
                         ids=["phone-360", "desktop"])
@pytest.mark.parametrize("path", ["khen-thuong/", "dai-hoi/", "ban-chap-hanh/", "le-ky-niem/",
                                  "guong-dien-hinh/", "guong-dien-hinh/pham-thi-d/"])
def test_people_pages_pass_axe(browser: Browser, base_url: str, path: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(base_url + path, wait_until="networkidle")
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)


def test_honours_filter_works_on_a_360px_phone(browser: Browser, base_url: str) -> None:
    """On a 360-px phone the two selects fit the screen, are big enough to tap, and filter by touch."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(base_url + "khen-thuong/")
        for name in ("Năm", "Đối tượng"):
            box = page.get_by_role("combobox", name=name).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, box)
            assert box["height"] >= 24, (name, box)  # WCAG 2.2 target size (minimum)
        page.get_by_role("combobox", name="Đối tượng").select_option("Cá nhân")
        expect(page.get_by_role("status")).to_have_text("Hiện 2 trong 3 mục")
        expect(page.locator("table.ky-honours tbody tr:not([hidden])")).to_have_count(2)
    finally:
        context.close()
