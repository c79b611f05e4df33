"""``kyniem check``: each finding is triggered by a real file in a small real project."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from kyniem.check import check_project, summary_line
from kyniem.cli import load_project
from kyniem.encoding import unicode_to_tcvn3, unicode_to_vni
from kyniem.importer import fix_encoding_file
from kyniem.problems import Problem

MKDOCS = """site_name: Thử nghiệm
markdown_extensions:
  - toc:
      slugify: !!python/name:kyniem.text.slugify
plugins:
  - kyniem:
      founded: 1952-02-15
      gallery:
        max_file_mb: 1
        max_pixels: 10000
"""

CHAPTER = """---
title: "Thành lập"
period: [1952, 1954]
status: published
events:
  - date: 1952-02-15
    title: "Thành lập Đảng bộ"
---

## Mở đầu

Xem [chương sau](02-khang-chien.md), [kế hoạch](../docs/ke-hoach.md) và [trang chủ](/).

![Ảnh minh họa](01-thanh-lap/anh.png)
"""

CHAPTER_2 = """---
title: "Kháng chiến"
period: [1954, 1960]
---

Quay lại [chương trước](01-thanh-lap.md#mo-dau).
"""


def _png(size: tuple[int, int] = (20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small valid project: two chapters, slogans, a docs page, an album."""
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    history = tmp_path / "history"
    (history / "01-thanh-lap").mkdir(parents=True)
    (history / "01-thanh-lap.md").write_text(CHAPTER, encoding="utf-8")
    (history / "01-thanh-lap" / "anh.png").write_bytes(_png())
    (history / "02-khang-chien.md").write_text(CHAPTER_2, encoding="utf-8")
    (tmp_path / "slogans" / "outlines").mkdir(parents=True)
    (tmp_path / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Nhiệt liệt chào mừng!"\n', encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Trang chủ\n\nXem [lịch sử](lich-su/index.md) và [biên niên](bien-nien-su-kien.md).\n"
                                   "\n```\n[không phải liên kết](khong-co.md)\n```\n", encoding="utf-8")
    (docs / "ke-hoach.md").write_text("# Kế hoạch\n\n[Chương 1](lich-su/thanh-lap.md)\n", encoding="utf-8")
    album = tmp_path / "gallery" / "dai-hoi"
    album.mkdir(parents=True)
    (album / "a.png").write_bytes(_png())
    (album / "album.yml").write_text('title: "Đại hội"\nphotos:\n  - file: a.png\n    alt: "Quang cảnh đại hội"\n',
                                     encoding="utf-8")
    return tmp_path


def run(root: Path) -> list[Problem]:
    return check_project(load_project(root))


def test_valid_project_has_no_findings(project: Path) -> None:
    problems = run(project)
    assert problems == []
    assert summary_line(problems).startswith("kyniem check: không có lỗi")


def _find(problems: list[Problem], file: str, code: str) -> Problem:
    matches = [p for p in problems if p.file == file and p.code == code]
    assert matches, f"no {code} finding for {file}: {problems}"
    return matches[0]


def _chapter(project: Path, name: str, front: str, body: str = "") -> str:
    (project / "history" / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return f"history/{name}"


def test_yaml_syntax_error_with_line(project: Path) -> None:
    source = _chapter(project, "03-loi.md", 'title: "Lỗi"\nperiod: [1960, 1965\n')
    problem = _find(run(project), source, "yaml")
    assert problem.severity == "error" and problem.line in (3, 4)


def test_unknown_key_suggests_the_closest(project: Path) -> None:
    source = _chapter(project, "03-khoa.md", 'title: "Khóa"\nperiod: [1960, 1965]\nsumary: "x"\n')
    problem = _find(run(project), source, "unknown-key")
    assert problem.line == 4 and "có phải ý bạn là 'summary'" in problem.message


def test_period_outside_founding_and_today(project: Path) -> None:
    source = _chapter(project, "03-xa.md", 'title: "Xa"\nperiod: [1930, 1950]\n')
    problem = _find(run(project), source, "period-range")
    assert problem.line == 3 and problem.severity == "warning"


def test_event_date_outside_period_and_bad_date(project: Path) -> None:
    front = 'title: "Sự kiện"\nperiod: [1960, 1965]\nevents:\n  - date: 1970-01-01\n    title: "Ngoài"\n'
    source = _chapter(project, "03-su-kien.md", front)
    assert _find(run(project), source, "event-period").line == 5
    front = 'title: "Ngày"\nperiod: [1960, 1965]\nevents:\n  - date: "15/02/1962"\n    title: "Sai"\n'
    source = _chapter(project, "04-ngay.md", front)
    problem = _find(run(project), source, "date")
    assert problem.line == 5 and "ghi 1962-02-15" in problem.message


def test_duplicate_slugs(project: Path) -> None:
    source = _chapter(project, "07-thanh-lap.md", 'title: "Trùng"\nperiod: [1952, 1954]\n')
    assert "cùng được đăng ở địa chỉ" in _find(run(project), source, "duplicate-slug").message


def test_alias_bomb_is_rejected(project: Path) -> None:
    bomb = 'title: "Bom"\nperiod: [1960, 1965]\na: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    source = _chapter(project, "03-bom.md", bomb)
    problems = [p for p in run(project) if p.file == source]
    assert problems and all(p.severity == "error" for p in problems)
    assert any("tham chiếu (*tên)" in p.message for p in problems)


def test_missing_slogans_file(project: Path) -> None:
    (project / "slogans" / "slogans.yml").unlink()
    assert _find(run(project), "slogans/slogans.yml", "missing-file").severity == "error"


def test_text_not_nfc(project: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Lịch sử Đảng bộ")
    (project / "docs" / "gioi-thieu.md").write_text(f"# Giới thiệu\n\n{decomposed}\n", encoding="utf-8")
    problem = _find(run(project), "docs/gioi-thieu.md", "nfc")
    assert problem.line == 3 and problem.severity == "warning"


@pytest.mark.parametrize(
    ("legacy", "kind"),
    [("LÞch sö §¶ng bé", "TCVN3 (ABC)"), ("Lòch söû Ñaûng boä", "VNI")],
)
def test_legacy_text_pasted_as_unicode(project: Path, legacy: str, kind: str) -> None:
    source = _chapter(project, "03-dan.md", 'title: "Dán"\nperiod: [1960, 1965]\n', f"\nĐoạn đúng.\n\n{legacy}\n")
    problem = _find(run(project), source, "legacy-encoding")
    assert problem.line == 8 and kind in problem.message and "Lịch sử Đảng bộ" in problem.message


def test_broken_link_and_missing_image(project: Path) -> None:
    body = "\n[Chương không có](09-khong-co.md)\n\n![Ảnh](01-thanh-lap/mat.png)\n\n[Ngoài](https://example.org/x)\n"
    source = _chapter(project, "03-lien-ket.md", 'title: "Liên kết"\nperiod: [1960, 1965]\n', body)
    problems = run(project)
    assert _find(problems, source, "broken-link").line == 6
    assert _find(problems, source, "missing-image").line == 8
    assert len([p for p in problems if p.file == source]) == 2


def test_docs_page_broken_link(project: Path) -> None:
    (project / "docs" / "tin.md").write_text("# Tin\n\n[Lịch sử](lich-su/khong-co.md) [ok](lich-su/khang-chien.md)\n",
                                             encoding="utf-8")
    problems = [p for p in run(project) if p.file == "docs/tin.md"]
    assert [(p.line, p.code) for p in problems] == [(3, "broken-link")]


def test_photos_without_alt(project: Path) -> None:
    source = _chapter(project, "03-anh.md", 'title: "Ảnh"\nperiod: [1960, 1965]\n', "\n![](01-thanh-lap/anh.png)\n")
    album = project / "gallery" / "dai-hoi"
    (album / "b.png").write_bytes(_png())
    (album / "album.yml").write_text('title: "Đại hội"\nphotos:\n  - file: a.png\n    caption: "Không có alt"\n',
                                     encoding="utf-8")
    problems = run(project)
    assert _find(problems, source, "alt").line == 6
    album_findings = [p for p in problems if p.file == "gallery/dai-hoi/album.yml" and p.code == "alt"]
    assert [(p.line, "a.png" in p.message, "chưa có tên trong album.yml" in p.message) for p in album_findings] == [
        (None, False, True), (3, True, False)
    ]


def test_images_too_large(project: Path) -> None:
    album = project / "gallery" / "dai-hoi"
    (album / "lon.png").write_bytes(_png((200, 100)))
    (album / "nang.jpg").write_bytes(b"\xff\xd8" + b"\0" * (1024 * 1024 + 10))
    problems = run(project)
    pixels = _find(problems, "gallery/dai-hoi/lon.png", "image-too-large")
    assert "200×100" in pixels.message and pixels.severity == "error"
    assert "quá giới hạn 1 MB" in _find(problems, "gallery/dai-hoi/nang.jpg", "image-too-large").message


def test_files_not_utf8_are_named_with_their_encoding(project: Path) -> None:
    text = "lịch sử đảng bộ khối các cơ quan tỉnh hải dương giai đoạn đầu\n"
    (project / "docs" / "cu.md").write_bytes(unicode_to_tcvn3(text).encode("latin-1"))
    chapter = f'---\ntitle: "Cũ"\nperiod: [1960, 1965]\n---\n{text}'
    (project / "history" / "03-cu.md").write_bytes(unicode_to_vni(chapter).encode("cp1252"))
    problems = run(project)
    docs_problem = _find(problems, "docs/cu.md", "encoding")
    assert "TCVN3 (ABC)" in docs_problem.message and "kyniem import --fix-encoding docs/cu.md" in docs_problem.message
    assert "VNI" in _find(problems, "history/03-cu.md", "encoding").message
    assert len([p for p in problems if p.file == "history/03-cu.md"]) == 1


def test_album_yml_that_cannot_be_read_is_named_without_noise(project: Path) -> None:
    (project / "gallery" / "dai-hoi" / "album.yml").write_text('title: "Đại hội"\nphotos: [\n', encoding="utf-8")
    findings = [p for p in run(project) if p.file == "gallery/dai-hoi/album.yml"]
    assert [p.code for p in findings] == ["yaml"] and findings[0].line == 3


def test_build_names_a_legacy_file_and_the_command_that_converts_it(project: Path) -> None:
    """The build's own message (not only check's) says how to convert a TCVN3 chapter."""
    from sitebuild import build

    (project / "mkdocs.yml").write_text(MKDOCS.replace("  - kyniem:\n", "  - kyniem:\n      book: {enabled: false}\n"
                                                      "      banners: {enabled: false}\n      offline: {enabled: false}\n"),
                                        encoding="utf-8")
    assert build(project).returncode == 0
    text = '---\ntitle: "cũ"\nperiod: [1960, 1965]\n---\nlịch sử đảng bộ khối các cơ quan tỉnh hải dương\n'
    (project / "history" / "03-cu.md").write_bytes(unicode_to_tcvn3(text).encode("latin-1"))
    result = build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    expected = ("history/03-cu.md:2: tệp không ở dạng Unicode UTF-8 (có vẻ là bảng mã TCVN3 (ABC)); chuyển sang Unicode bằng lệnh: "
                "kyniem import --fix-encoding history/03-cu.md")
    assert expected in output
    assert [str(p) for p in run(project)] == [expected]
    fix_encoding_file(project / "history" / "03-cu.md")  # the command the message gives
    assert run(project) == []
    assert build(project).returncode == 0
    assert "lịch sử đảng bộ khối" in (project / "site" / "lich-su" / "cu" / "index.html").read_text(encoding="utf-8")
