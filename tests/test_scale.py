"""What keeps big sites fast: parts in the menu, pages rebuilt only when changed, parses reused."""

from __future__ import annotations

import html
from pathlib import Path

import yaml

from kyniem import navigation
from kyniem.content import Chapter
from kyniem.pages import front_matter
from kyniem.problems import Report
from kyniem.serve import GeneratedPage, Rebuilds
from kyniem.yamlsrc import load_yaml


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
    assert rebuilds.mark(renamed, "menu 2") == 3, "a new menu shows on every page"


def test_a_parse_is_reused_with_its_findings_and_a_fresh_copy() -> None:
    text = "title: A\ntitle: B\nevents:\n  - date: 1952\n"
    first, second = Report(), Report()
    data, lines = load_yaml(text, "history/x.md", first, first_line=2)
    data["events"].append("changed by a caller")
    again, lines_again = load_yaml(text, "history/x.md", second, first_line=2)
    assert again == {"title": "B", "events": [{"date": 1952}]}
    assert [p.code for p in first.problems] == [p.code for p in second.problems] == ["duplicate-key"]
    assert lines_again.line(("events", 0)) == lines.line(("events", 0)) == 5
