"""The site works from a sub-path (``site_url: https://host/ky-niem/``), as GitHub Pages project sites do."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sitebuild import build, copy_project
from webserver import serve

PREFIX = "/ky-niem-70-nam/"


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("subpath") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site_url: https://kyniem.example/", f"site_url: https://kyniem.example{PREFIX}"),
                      encoding="utf-8")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_every_page_type_loads_whole_from_a_sub_path(browser: Browser, subpath_site: Path) -> None:
    album = sorted(p.parent.name for p in (subpath_site / "thu-vien-anh").glob("*/index.html"))[0]
    chapter = sorted(p.parent.name for p in (subpath_site / "lich-su").glob("*/index.html"))[0]
    paths = ["", f"lich-su/{chapter}/", "bien-nien-su-kien/", "khau-hieu/", f"thu-vien-anh/{album}/", "tin-tuc/",
             "ke-hoach/", "tai-ve/", "khong-co-trang-nay/"]
    with serve(subpath_site, PREFIX) as url:
        page = browser.new_page(viewport={"width": 412, "height": 900})
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
        for path in paths:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            # The stylesheets arrived: the header wears the site's red, the logo is drawn.
            red = page.locator(".md-header").evaluate("el => getComputedStyle(el).backgroundColor")
            assert red == "rgb(183, 28, 28)", path
            assert page.locator(".md-header img").evaluate("img => img.complete && img.naturalWidth > 0"), path
        page.close()
    expected_404 = [f for f in failed if "khong-co-trang-nay" in f]
    assert len(expected_404) == 1 and [f for f in failed if f not in expected_404] == [], failed
    robots = (subpath_site / "robots.txt").read_text(encoding="utf-8")
    assert f"https://kyniem.example{PREFIX}sitemap.xml" in robots
    home = (subpath_site / "index.html").read_text(encoding="utf-8")
    assert f"https://kyniem.example{PREFIX}assets/kyniem/social/index.png" in home
