"""The default 70th-anniversary site, built for real and read back."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from pathlib import Path

from sitebuild import PLAN, REPO, build, copy_project

from kyniem import people_pages
from kyniem.content import load_content
from kyniem.config import KyniemConfig


def page_text(path: Path) -> str:
    """The visible text of a built page's article, entities decoded."""
    source = path.read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*?)</article>", source, re.S)
    assert match, f"no article in {path}"
    text = re.sub(r'<a class="?headerlink.*?</a>', " ", match.group(1))
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def default_content():
    settings = KyniemConfig()
    settings.load_dict({})
    settings.validate()
    return load_content(REPO, settings, include_drafts=False)


def plan_slogans() -> list[str]:
    plan = unicodedata.normalize("NFC", PLAN.read_text(encoding="utf-8"))
    section = plan.split("Một số khẩu hiệu tuyên truyền:")[1].split("Nơi nhận")[0]
    return [line.strip()[2:].strip() for line in section.splitlines() if line.strip().startswith("- ")]


def test_every_part_of_the_site_is_published(default_site: Path) -> None:
    for page in (
        "index.html",
        "lich-su/index.html",
        "bien-nien-su-kien/index.html",
        "khau-hieu/index.html",
        "de-cuong-tuyen-truyen/index.html",
        "ke-hoach/index.html",
        "tin-tuc/index.html",
        "thu-vien-anh/index.html",
        "tai-ve/index.html",
        "sitemap.xml",
    ):
        assert (default_site / page).is_file(), page
    for chapter in default_content().published:
        assert (default_site / chapter.url / "index.html").is_file(), chapter.url
        assert re.fullmatch(r"lich-su/[a-z0-9-]+/", chapter.url)


def test_chapters_cover_1952_to_2020_in_period_order() -> None:
    chapters = default_content().published
    assert chapters[0].start == 1952 and chapters[-1].end == 2020
    for before, after in zip(chapters, chapters[1:]):
        assert after.start == before.end + 1, (before.source, after.source)


def test_navigation_is_vietnamese_and_chapters_follow_periods(default_site: Path) -> None:
    home = (default_site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', home, re.S).group(0)
    labels = [html.unescape(t).strip() for t in re.findall(r"<span class=\"?md-ellipsis\"?>\s*(.*?)\s*</span>", nav, re.S)]
    for label in ("Trang chủ", "Lịch sử", "Biên niên sự kiện", "Khẩu hiệu", "Đề cương tuyên truyền", "Tin tức",
                  "Thư viện ảnh", "Kế hoạch"):
        assert label in labels, label
    titles = [c.title for c in default_content().published]
    positions = [labels.index(t) for t in titles]
    assert positions == sorted(positions)
    assert 'lang="vi"' in home or "lang=vi" in home


def test_the_nine_slogans_exactly_as_the_plan_gives_them(default_site: Path) -> None:
    expected = plan_slogans()
    assert len(expected) == 9
    text = page_text(default_site / "khau-hieu/index.html")
    for slogan in expected:
        assert slogan in text, slogan


def test_the_plan_page_keeps_every_sentence(default_site: Path) -> None:
    plan = unicodedata.normalize("NFC", PLAN.read_text(encoding="utf-8"))
    # A run-in heading ("3. Đối với …: Căn cứ …") may become a heading without its colon.
    page = page_text(default_site / "ke-hoach/index.html").replace(":", "")
    for line in plan.splitlines():
        line = re.sub(r"^\s*(?:[-*]|\(\d+\)|\d+(?:\.\d+)*\.|[IVX]+\.)\s*", "", line.strip())
        line = re.sub(r"\s+", " ", line).strip().replace(":", "")
        if len(line.split()) >= 6:
            assert line in page, line[:80]


def test_every_page_and_the_search_index_are_nfc(default_site: Path) -> None:
    for path in default_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), path
    index = json.loads((default_site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        assert unicodedata.is_normalized("NFC", doc["title"] + doc["text"]), doc["location"]


def test_chapter_page_shows_period_summary_sources_and_neighbours(default_site: Path) -> None:
    chapters = default_content().published
    second = chapters[1]
    text = page_text(default_site / second.url / "index.html")
    assert f"Giai đoạn {second.period_label}" in text
    assert second.summary[:60] in text
    assert "Nguồn tư liệu" in text and second.sources[0][:60] in text
    source = (default_site / second.url / "index.html").read_text(encoding="utf-8")
    assert f"../{chapters[0].slug}/" in source and f"../{chapters[2].slug}/" in source


def test_timeline_lists_every_event_in_date_order_linking_its_chapter(default_site: Path) -> None:
    content = default_content()
    source = (default_site / "bien-nien-su-kien/index.html").read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", source, re.S).group(0)
    dates = re.findall(r"<strong>([\d/]+)</strong>", article)
    events = content.events
    congresses = people_pages.timeline_events(content.people, content.published)
    assert congresses, "the default site's congress is on the timeline"
    expected = sorted([e for e, _ in events] + [e for e, _, _ in congresses], key=lambda e: e.sort_key)
    assert dates == [e.display for e in expected]
    for event, chapter in events:
        assert f'href=../lich-su/{chapter.slug}/' in article or f'href="../lich-su/{chapter.slug}/"' in article
    for event, _, link in congresses:
        assert "href=../" + link.replace(".md#", "/#") in article
    headings = re.findall(r"<h2[^>]*>(.*?)<a", article)
    assert [html.unescape(h).split(":")[0] for h in headings] == [c.period_label for c in content.published if c.events]


def test_heading_anchors_are_ascii_slugs(default_site: Path) -> None:
    ids = re.findall(r'<h[1-6] id="?([^" >]+)', (default_site / "ke-hoach/index.html").read_text(encoding="utf-8"))
    assert ids and all(re.fullmatch(r"[a-z0-9_-]+", i) for i in ids), ids


def test_outline_page_and_news_post_are_published(default_site: Path) -> None:
    content = default_content()
    assert content.outlines
    for outline in content.outlines:
        assert (default_site / outline.url / "index.html").is_file()
    posts = [p for p in (default_site / "tin-tuc").rglob("index.html") if "Nội dung mẫu" in p.read_text("utf-8")]
    assert posts, "the sample news post must be marked 'Nội dung mẫu'"
    news = (default_site / "tin-tuc/index.html").read_text(encoding="utf-8")
    assert re.search(r"<time[^>]*>\d{2}/\d{2}/\d{4}</time>", news), "news dates are shown as 15/02/1952"


def test_html_is_minified(default_site: Path) -> None:
    source = (default_site / "index.html").read_text(encoding="utf-8")
    assert "<!--" not in source
    assert "\n\n" not in source


def test_site_uses_bundled_fonts_and_logo(default_site: Path) -> None:
    assert (default_site / "assets/kyniem/fonts/BeVietnamPro-Regular.woff2").is_file()
    assert (default_site / "assets/kyniem/logo.svg").is_file()
    assert not list(default_site.rglob("*.ttf"))
    assert not (default_site / "print").exists(), "print templates must not be published"
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home
    assert re.search(r'<link rel="?icon"? href="data:image/svg\+xml,', home), "kyniem's favicon drawn from the page"
    assert re.search(r'<img src="data:image/svg\+xml,[^"]*" alt(="")? width="?24"? height="?24"?', home), "and its logo"


def test_a_build_changes_nothing_in_the_content_folders(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")

    def snapshot() -> dict[str, str]:
        return {
            p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for part in ("docs", "history", "gallery", "slogans", "quiz")
            for p in (project / part).rglob("*")
            if p.is_file()
        }

    before = snapshot()
    assert build(project).returncode == 0
    assert snapshot() == before


def test_every_download_link_points_at_a_published_file(default_site: Path) -> None:
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert "tai-ve/trang-web-ngoai-tuyen.zip" in home
    downloads = (default_site / "tai-ve/index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="?([^" >]+)"? download', downloads)
    assert len(hrefs) >= 3
    for href in hrefs:
        assert (default_site / "tai-ve" / html.unescape(href)).is_file(), href
    for href in re.findall(r'<a href="?([^" >]+)"? download', home):
        assert (default_site / html.unescape(href)).is_file(), href
