"""Editors' mistakes: each stops (or warns about) a real build with file, line and what to do."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sitebuild import build

MKDOCS_YML = """site_name: Thử nghiệm
theme:
  name: material
  language: vi
  font: false
plugins:
  - search
  # Print files and the zip have their own tests; these projects test content only.
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
markdown_extensions:
  - toc:
      slugify: !!python/name:kyniem.text.slugify
  - admonition
  - attr_list
  - md_in_html
"""

GOOD_CHAPTER = """---
title: Thành lập
period: [1952, 1954]
summary: Tóm tắt.
events:
  - date: 1952-02-15
    title: Thành lập Đảng bộ Khối
sources:
  - Kế hoạch
---

## Bối cảnh

Nội dung.
"""


DRAFT_CHAPTER = (
    GOOD_CHAPTER.replace("title: Thành lập\n", "title: Chương nháp\nstatus: draft\n", 1)
    .replace("[1952, 1954]", "[1955, 1960]")
    .replace("date: 1952-02-15", "date: 1956")
)


def make_project(root: Path, chapters: dict[str, str] | None = None, slogans: str | None = "slogans:\n  - text: Một\n") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "history").mkdir()
    for name, text in (chapters if chapters is not None else {"01-thanh-lap.md": GOOD_CHAPTER}).items():
        (root / "history" / name).write_text(text, encoding="utf-8")
    (root / "slogans/outlines").mkdir(parents=True)
    if slogans is not None:
        (root / "slogans/slogans.yml").write_text(slogans, encoding="utf-8")
    return root


def assert_fails_with(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in output, output


def test_good_project_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert (project / "site/lich-su/thanh-lap/index.html").is_file()


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (GOOD_CHAPTER.replace("period: [1952, 1954]", "period: [1952, 1954"), ["history/01-thanh-lap.md:3:", "dấu ngoặc vuông", "period: [1952, 1954]"]),
        (GOOD_CHAPTER.replace("period: [1952, 1954]", "period: năm 1952"),
         ["history/01-thanh-lap.md:3:", "'năm 1952' không phải là giai đoạn", "period: [1952, 1954]"]),
        (GOOD_CHAPTER.replace("period: [1952, 1954]", "period: [1954, 1952]"),
         ["history/01-thanh-lap.md:3:", "năm cuối 1952 đứng trước năm đầu 1954"]),
        (GOOD_CHAPTER.replace("summary:", "sumary:"),
         ["history/01-thanh-lap.md:4:", "khóa 'sumary' không có trong mẫu", "có phải ý bạn là 'summary'"]),
        (GOOD_CHAPTER.replace("date: 1952-02-15", 'date: "15/02/1952"'),
         ["history/01-thanh-lap.md:6:", '"15/02/1952" không phải là ngày', "ghi 1952-02-15"]),
        (GOOD_CHAPTER.replace("title: Thành lập\n", ""), ["history/01-thanh-lap.md:", "thiếu 'title'"]),
        (GOOD_CHAPTER.replace("summary: Tóm tắt.", "summary: Tóm tắt.\nstatus: xong"),
         ["history/01-thanh-lap.md:5:", "status: published (xuất bản)"]),
        ("Không có front matter\n", ["history/01-thanh-lap.md:1:", "phần khai báo (front matter) nằm giữa hai dòng '---'"]),
    ],
    ids=["broken-yaml", "wrong-type", "end-before-start", "unknown-key", "bad-date", "missing-title", "bad-status",
         "no-front-matter"],
)
def test_bad_chapter_stops_the_build_with_file_and_line(tmp_path: Path, text: str, fragments: list[str]) -> None:
    project = make_project(tmp_path, {"01-thanh-lap.md": text})
    assert_fails_with(build(project), *fragments)


def test_two_chapters_with_one_slug_stop_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"01-doi-moi.md": GOOD_CHAPTER, "02-Đổi-mới.md": GOOD_CHAPTER})
    assert_fails_with(build(project), "history/02-Đổi-mới.md", "history/01-doi-moi.md", "/lich-su/doi-moi/")


def test_missing_slogans_file_stops_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, slogans=None)
    assert_fails_with(build(project), "slogans/slogans.yml", "thiếu tệp khẩu hiệu")


def test_slogans_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\nslogans: [*b, *b, *b, *b]\n"
    project = make_project(tmp_path, slogans=bomb)
    assert_fails_with(build(project), "slogans/slogans.yml:2:", "tham chiếu (*tên)")


def test_non_utf8_chapter_is_named(tmp_path: Path) -> None:
    project = make_project(tmp_path, {})
    (project / "history/01-thanh-lap.md").write_bytes(GOOD_CHAPTER.encode("utf-16"))
    assert_fails_with(build(project), "history/01-thanh-lap.md", "không ở dạng Unicode UTF-8")


def test_event_outside_period_warns_and_fails_strict_only(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"01-thanh-lap.md": GOOD_CHAPTER.replace("date: 1952-02-15", "date: 1960")})
    assert build(project).returncode == 0
    assert_fails_with(build(project, "--strict"), "history/01-thanh-lap.md:6:", "nằm ngoài giai đoạn")


def test_nfd_chapter_is_published_as_nfc(tmp_path: Path) -> None:
    import unicodedata

    project = make_project(tmp_path, {"01-thanh-lap.md": unicodedata.normalize("NFD", GOOD_CHAPTER)})
    assert build(project, "--strict").returncode == 0
    page = (project / "site/lich-su/thanh-lap/index.html").read_text(encoding="utf-8")
    assert "Thành lập" in page and unicodedata.is_normalized("NFC", page)


def test_markup_in_titles_and_summaries_is_shown_as_text(tmp_path: Path) -> None:
    text = GOOD_CHAPTER.replace("summary: Tóm tắt.", 'summary: "<script>alert(1)</script>"')
    project = make_project(tmp_path, {"01-thanh-lap.md": text})
    assert build(project, "--strict").returncode == 0
    page = (project / "site/lich-su/thanh-lap/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_drafts_are_left_out_of_build(tmp_path: Path) -> None:
    draft = DRAFT_CHAPTER
    project = make_project(tmp_path, {"01-thanh-lap.md": GOOD_CHAPTER, "02-chuong-nhap.md": draft})
    assert build(project, "--strict").returncode == 0
    assert not (project / "site/lich-su/chuong-nhap").exists()
    assert "Chương nháp" not in (project / "site/lich-su/index.html").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch_until(url: str, wanted: str, deadline: float) -> str:
    text = ""
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(url, timeout=2).read().decode("utf-8")
            if wanted in text:
                return text
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{wanted!r} never appeared at {url}; last page: {text[:300]}")


def test_serve_shows_drafts_marked_and_reloads_on_history_changes(tmp_path: Path) -> None:
    draft = DRAFT_CHAPTER
    project = make_project(tmp_path, {"01-thanh-lap.md": GOOD_CHAPTER, "02-chuong-nhap.md": draft})
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        page = _fetch_until(f"http://127.0.0.1:{port}/lich-su/chuong-nhap/", "Bản nháp", time.monotonic() + 60)
        assert "Chương nháp" in page
        chapter_file = project / "history/01-thanh-lap.md"
        chapter_file.write_text(GOOD_CHAPTER.replace("Nội dung.", "Nội dung đã sửa."), encoding="utf-8")
        _fetch_until(f"http://127.0.0.1:{port}/lich-su/thanh-lap/", "Nội dung đã sửa.", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_wrong_site_settings_are_named_without_traceback(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - kyniem:\n", "  - kyniem:\n      founded: 15/02/1952\n"), encoding="utf-8")
    assert_fails_with(build(project), "founded", "'15/02/1952' không phải là ngày", "1952-02-15")


def test_whole_metre_banner_sizes_are_accepted(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      banners: {enabled: false}", "      banners: {enabled: false, width_m: 4, height_m: 1}"), encoding="utf-8")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr


def test_hand_written_pages_are_read_as_nfc_and_named_when_not_utf8(tmp_path: Path) -> None:
    import unicodedata

    project = make_project(tmp_path)
    (project / "docs/gioi-thieu.md").write_text(
        unicodedata.normalize("NFD", "---\ntitle: Giới thiệu Hải Dương\n---\n# Giới thiệu Hải Dương\n"), encoding="utf-8")
    assert build(project, "--strict").returncode == 0
    page = (project / "site/gioi-thieu/index.html").read_text(encoding="utf-8")
    assert "Giới thiệu Hải Dương" in page and unicodedata.is_normalized("NFC", page)
    (project / "docs/gioi-thieu.md").write_bytes("# Hà Nam\n".encode("cp1258"))
    assert_fails_with(build(project), "docs/gioi-thieu.md", "không ở dạng Unicode UTF-8")
