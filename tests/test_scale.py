"""What keeps big sites fast: parts in the menu, pages rebuilt only when changed, parses reused."""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from kyniem import navigation
from kyniem.content import Chapter
from kyniem.pages import front_matter
from kyniem.problems import Report
from kyniem.serve import GeneratedPage, Rebuilds
from kyniem.yamlsrc import load_yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_big_site import make_site  # noqa: E402


def _chapter(start: int, end: int, title: str) -> Chapter:
    slug = f"chuong-{start}"
    return Chapter(source=f"history/{slug}.md", path=Path(f"/x/history/{slug}.md"), slug=slug, title=title,
                   start=start, end=end, order=None, summary="", status="published", events=[], sources=[],
                   body="", body_line=1)


def test_front_matter_reads_back_exactly_whatever_the_text() -> None:
    texts = ["Thành lập Đảng bộ (1952 – 1954)", 'Chương "một": a\\b', "Tab\tand newline\nhere",
             "Dấu # và : giữa", "Emoji 🎉 outside the BMP", "Line\u2028separator", "C1 \x85 control", "'quoted'"]
    for text in texts:
        meta = yaml.safe_load(front_matter(text, text).split("---\n")[1])
        assert html.unescape(meta["title"]) == html.unescape(meta["description"]) == text, text


def test_history_menu_in_decade_parts_or_flat() -> None:
    chapters = [_chapter(1952, 1954, "Thành lập"), _chapter(1955, 1967, "Miền Bắc <xây dựng>"),
                _chapter(1968, 1975, "Chống Mỹ"), _chapter(1976, 1985, "Cả nước")]
    index = {"Lịch sử": "lich-su/index.md"}
    flat = navigation.history(index, chapters, "flat")
    assert flat == [index, *({navigation.title(c.title): c.src_uri} for c in chapters)]
    assert {"Miền Bắc &lt;xây dựng&gt;": "lich-su/chuong-1955.md"} in flat, "titles are escaped like page meta"
    parts = navigation.history(index, chapters, "decade")
    assert parts[0] == index
    assert [next(iter(p)) for p in parts[1:]] == ["1952 – 1967", "1968 – 1975", "1976 – 1985"]
    assert [len(next(iter(p.values()))) for p in parts[1:]] == [2, 1, 1]
    assert navigation.grouping("auto", chapters) == "flat" and not navigation.wants_prune("auto", chapters)
    many = [_chapter(1900 + n, 1900 + n, f"Năm {1900 + n}") for n in range(navigation.AUTO_FLAT_UP_TO + 1)]
    assert navigation.grouping("auto", many) == "decade" and navigation.wants_prune("auto", many)
    assert len(navigation.history(index, many, "auto")) == 1 + 3
    # A thousand years, one chapter each: centuries of decades, so no list in the menu passes 12 parts.
    ages = [_chapter(1021 + n, 1021 + n, f"Năm {1021 + n}") for n in range(1000)]
    centuries = navigation.history(index, ages, "decade")[1:]
    assert [next(iter(c)) for c in centuries[:2]] == ["1021 – 1099", "1100 – 1199"] and len(centuries) == 11
    decades = next(iter(centuries[1].values()))
    assert [next(iter(d)) for d in decades[:2]] == ["1100 – 1109", "1110 – 1119"] and len(decades) == 10
    assert len(next(iter(decades[0].values()))) == 10


def test_a_page_view_of_the_menu_changes_only_with_what_the_page_shows() -> None:
    def menu(chapters: list[str]) -> list[object]:
        parts = {}
        for uri in chapters:
            parts.setdefault(uri[:3], []).append({uri.upper(): uri})
        return ["index.md", {"Lịch sử": [{"Lịch sử": "ls/index.md"}, *({k: v} for k, v in parts.items())]}, "end.md"]

    before = navigation.page_views(menu(["195a", "195b", "196a", "196b", "197a"]), pruned=True)
    after = navigation.page_views(menu(["195a", "195b", "196a", "196b", "196c", "197a"]), pruned=True)
    changed = {uri for uri in before if before[uri] != after[uri]}
    assert changed == {"196a", "196b", "197a"}, "its part's pages, and the next page (its footer links back)"
    assert all(before[uri][0] == after[uri][0] for uri in before), "the skeleton stays: no part is new"
    new_part = navigation.page_views(menu(["195a", "195b", "196a", "196b", "197a", "198a"]), pruned=True)
    assert all(before[uri][0] != new_part[uri][0] for uri in before), "a new part shows on every page"
    assert {uri for uri in before if before[uri][1] != new_part[uri][1]} == {"197a", "end.md"}, "its footer neighbours"
    flat = navigation.page_views(menu(["195a", "196a"]), pruned=False)
    assert len({skeleton for skeleton, _ in flat.values()}) == 1
    assert set(flat) == {"index.md", "ls/index.md", "195a", "196a", "end.md"}


def _pages(site: Path, texts: dict[str, str]) -> list[GeneratedPage]:
    pages = []
    for uri, text in texts.items():
        page = GeneratedPage(uri, None, str(site), True)
        page.content_string = text
        pages.append(page)
    return pages


def test_a_serve_rebuild_renders_only_changed_pages_unless_the_menu_changed(tmp_path: Path) -> None:
    rebuilds = Rebuilds()
    first = _pages(tmp_path, {"a.md": "A", "b.md": "B"})
    assert rebuilds.mark(first, "menu 1") == 2 and all(p.is_modified() for p in first)
    same = _pages(tmp_path, {"a.md": "A", "b.md": "B"})
    assert rebuilds.mark(same, "menu 1") == 0 and not any(p.is_modified() for p in same)
    edited = _pages(tmp_path, {"a.md": "A, sửa", "b.md": "B", "c.md": "C"})
    assert rebuilds.mark(edited, "menu 1") == 2
    assert [p.is_modified() for p in edited] == [True, False, True]
    renamed = _pages(tmp_path, {"a.md": "A, sửa", "b.md": "B", "c.md": "C"})
    assert rebuilds.mark(renamed, "menu 2") == 3, "a new configuration shows on every page"


def test_a_serve_rebuild_renders_edited_pages_first_and_a_new_skeleton_in_a_second_pass(tmp_path: Path) -> None:
    def views(skeleton: str, local: dict[str, str]) -> dict[str, tuple[str, str]]:
        return {uri: (skeleton, text) for uri, text in local.items()}

    rebuilds = Rebuilds()
    texts = {"a.md": "A", "b.md": "B", "c.md": "C", "t.md": "all events"}
    local = {"a.md": "part 1", "b.md": "part 2", "c.md": "part 2", "t.md": ""}
    assert rebuilds.mark(_pages(tmp_path, texts), "site", views("parts 1 2", local), defer=True, late={"t.md"}) == 4
    # A new chapter d in a new part 3: its page and part now; b, c (skeleton) and the timeline t next pass.
    texts.update({"d.md": "D", "t.md": "all events and D's"})
    local["d.md"] = "part 3"
    first = _pages(tmp_path, texts)
    assert rebuilds.mark(first, "site", views("parts 1 2 3", local), defer=True, late={"t.md"}) == 1
    assert [p.src_uri for p in first if p.is_modified()] == ["d.md"] and rebuilds.pending == 4
    second = _pages(tmp_path, texts)
    assert rebuilds.mark(second, "site", views("parts 1 2 3", local), defer=True, late={"t.md"}) == 4
    assert [p.src_uri for p in second if not p.is_modified()] == ["d.md"] and rebuilds.pending == 0
    again = _pages(tmp_path, texts)
    assert rebuilds.mark(again, "site", views("parts 1 2 3", local), defer=True, late={"t.md"}) == 0
    # Without a second pass to come (mkdocs build --dirty), everything that changed is rendered at once.
    texts["e.md"] = "E"
    local["e.md"] = "part 4"
    at_once = _pages(tmp_path, texts)
    assert rebuilds.mark(at_once, "site", views("parts 1 2 3 4", local)) == 6 and rebuilds.pending == 0


def test_a_parse_is_reused_with_its_findings_and_a_fresh_copy() -> None:
    text = "title: A\ntitle: B\nevents:\n  - date: 1952\n"
    first, second = Report(), Report()
    data, lines = load_yaml(text, "history/x.md", first, first_line=2)
    data["events"].append("changed by a caller")
    again, lines_again = load_yaml(text, "history/x.md", second, first_line=2)
    assert again == {"title": "B", "events": [{"date": 1952}]}
    assert [p.code for p in first.problems] == [p.code for p in second.problems] == ["duplicate-key"]
    assert lines_again.line(("events", 0)) == lines.line(("events", 0)) == 5


def _fetch_until(url: str, wanted: str, seconds: float) -> str:
    deadline, text = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
            if wanted in text:
                return text
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{wanted!r} never appeared at {url}; last page: {text[:300]}")


def test_dirty_serve_renders_the_saved_chapter_and_the_pages_whose_menu_changes(tmp_path: Path) -> None:
    project = make_site(tmp_path / "site", 25, 0)
    (project / "history/0010-chuong-thu-nghiem-2005.md").unlink()  # a free year inside a part, for a new chapter
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                              cwd=project, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/lich-su/"
    try:
        page = _fetch_until(base + "chuong-thu-nghiem-2010/", "Chương thử nghiệm 15: năm 2010", 300)
        assert '<html lang="vi"' in page, "serve leaves minifying out"
        assert "Chương thử nghiệm 25: năm 2020" not in page, "other parts' chapters are pruned from the menu"
        assert "Chương thử nghiệm 8: năm 2003" not in page and "2000 – 2009" in page
        chapter = project / "history/0015-chuong-thu-nghiem-2010.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nĐoạn vừa sửa.\n", encoding="utf-8")
        _fetch_until(base + "chuong-thu-nghiem-2010/", "Đoạn vừa sửa.", 120)
        log.seek(0)
        assert re.findall(r"kyniem: (\d+)/\d+ trang tạo từ nội dung có thay đổi", log.read())[-1] == "1"
        new = (project / "history/0001-chuong-thu-nghiem-1996.md").read_text(encoding="utf-8")
        new = new.replace("Chương thử nghiệm 1: năm 1996", "Chương mới thêm").replace("1996", "2005")
        (project / "history/0010-chuong-moi-them.md").write_text(new, encoding="utf-8")
        _fetch_until(base + "chuong-moi-them/", "Chương mới thêm", 120)
        # An unchanged chapter of the new chapter's part lists it in its menu; pages of other
        # parts, whose menus do not show it, are not rendered again.
        _fetch_until(base + "chuong-thu-nghiem-2002/", "Chương mới thêm", 60)
        log.seek(0)
        changed, total = re.findall(r"kyniem: (\d+)/(\d+) trang tạo từ nội dung có thay đổi", log.read())[-1]
        assert 11 <= int(changed) < int(total) - 10, (changed, total)
        # A chapter in a new part: every page's menu shows the part. Its own page comes first;
        # a second pass then brings the menus of the other parts' pages up to date.
        later = new.replace("Chương mới thêm", "Chương phần mới").replace("2005", "2035")
        (project / "history/0030-chuong-phan-moi.md").write_text(later, encoding="utf-8")
        page = _fetch_until(base + "chuong-phan-moi/", "Chương phần mới", 120)
        assert "2035" in page and "chuong-thu-nghiem-2000/" in page, "the new page shows every part"
        far = _fetch_until(base + "chuong-thu-nghiem-1998/", "chuong-phan-moi/", 120)
        assert "2035" in far, "a page of another part lists the new part"
        log.seek(0)
        assert "dựng lại ở lượt sau" in log.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_fast_and_pure_yaml_parsers_read_the_same_data_lines_and_findings() -> None:
    from kyniem import yamlsrc

    texts = ['title: "Thành lập"\nperiod: [1952, 1954]\nevents:\n  - date: 1952-02-15\n    title: A\n',
             "title: A\ntitle: B\n", "title: [unclosed\n", "a: b: c\n", "title: R&D *x*\n"]
    for text in texts:
        fast, pure = Report(), Report()
        data, lines = yamlsrc._load_yaml(text, "f.md", fast, 2)
        want, want_lines = yamlsrc._parse(text, yamlsrc._NoAliasLoader, "f.md", pure, 2)
        assert data == want and lines.lines == want_lines.lines, text
        assert fast.problems == pure.problems, text
    aliased = Report()
    assert yamlsrc._load_yaml("base: &a {x: 1}\nother: *a\n", "f.md", aliased, 2)[0] is None
    assert aliased.problems[0].code == "yaml"
