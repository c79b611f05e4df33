"""Issue 10 in Chromium: a stranger's script in a chapter, a title or a photo caption never runs."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import _QuietHandler
from playwright.sync_api import Browser, expect
from sitebuild import build, copy_project

ALBUM = "thu-vien-anh/anh-minh-hoa/"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = copy_project(tmp_path_factory.mktemp("hostile-browser") / "project")
    chapter = sorted((project / "history").glob("*.md"))[0]
    text = chapter.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", 'title: "Ra đời { onmouseover=window.kyniemPwned=1 }"', text, count=1, flags=re.M)
    text += ("\n\n<script>window.kyniemPwned = 2</script>\n\n"
             "<p><img src=\"khong-co.png\" onerror=\"window.kyniemPwned = 3\" alt=\"x\"></p>\n\n"
             "<p><a href=\"javascript:window.kyniemPwned=4\" id=\"kyniem-link\">bấm</a></p>\n")
    chapter.write_text(text, encoding="utf-8")
    album = project / "gallery" / "anh-minh-hoa" / "album.yml"
    album.write_text(album.read_text(encoding="utf-8").replace(
        'caption: "Ảnh minh họa số 1 (nội dung mẫu)"',
        "caption: \"<img src=x onerror='window.kyniemPwned=5'>Ảnh 1\""), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_nothing_hostile_runs_on_the_chapter_page(browser: Browser, hostile_url: str) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_url + "lich-su/thanh-lap-1952-1954/", wait_until="networkidle")
    heading = page.locator("article h1")
    expect(heading).to_contain_text("{ onmouseover=window.kyniemPwned=1 }")
    heading.hover()
    if page.locator("#kyniem-link").count():
        page.locator("#kyniem-link").click()
    assert page.evaluate("window.kyniemPwned") is None
    assert dialogs == []
    page.close()


def test_a_caption_with_html_is_text_in_the_lightbox(browser: Browser, hostile_url: str) -> None:
    page = browser.new_page()
    page.goto(hostile_url + ALBUM)
    page.locator(".kn-gallery a.glightbox").first.click()
    title = page.locator(".gslide.current .gslide-title")
    expect(title).to_have_text("<img src=x onerror='window.kyniemPwned=5'>Ảnh 1")
    page.wait_for_timeout(300)
    assert page.evaluate("window.kyniemPwned") is None
    assert page.locator(".gslide.current .gslide-title img").count() == 0
    page.close()
