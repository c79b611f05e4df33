"""Checks that match the guide, each triggered by a real file in a real project, in check and in the build."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sitebuild import build

from kyniem.cli import main
from kyniem.encoding import unicode_to_tcvn3, unicode_to_vni

MKDOCS_YML = """site_name: Thử
theme: {name: material, language: vi, font: false}
plugins:
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
"""


def chapter(title: str, period: str, body: str = "Nội dung.", extra: str = "") -> str:
    return f'---\ntitle: "{title}"\nperiod: {period}\n{extra}---\n\n{body}\n'


def project(root: Path, chapters: dict[str, str]) -> Path:
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (root / "history").mkdir()
    for name, text in chapters.items():
        (root / "history" / name).write_text(text, encoding="utf-8")
    return root


def photo(path: Path, taken: str | None = None) -> None:
    exif = Image.Exif()
    if taken:
        exif[0x8769] = {0x9003: taken}  # DateTimeOriginal in the EXIF IFD
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (30, 120, 60)).save(buffer, "JPEG", exif=exif.tobytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


@pytest.mark.parametrize(
    ("second", "how"),
    [("[1952, 1954]", "trùng"), ("[1953, 1960]", "chồng lên")],
    ids=["duplicate", "overlap"],
)
def test_repeated_or_overlapping_periods_stop_check_and_build(tmp_path: Path, capsys, second: str, how: str) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]"),
                              "02-b.md": chapter("Kháng chiến", second)})
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    expected = f"history/02-b.md:3: lỗi: period: {second.strip('[]').replace(', ', ' – ')} {how} giai đoạn 1952 – 1954"
    assert expected in out, out
    result = build(root, "--strict")
    assert result.returncode != 0 and expected.replace(": lỗi", "") in result.stderr


def test_boundary_years_and_declared_parts_are_fine(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path, {
        "01-a.md": chapter("Chống Mỹ", "[1954, 1975]"),
        "02-b.md": chapter("Thống nhất", "[1975, 1986]", extra="order: 1\n"),
        "03-c.md": chapter("Thống nhất, phần hai", "[1975, 1986]", extra="order: 2\n"),
        "04-d.md": chapter("Nháp", "[1960, 1970]", extra="status: draft\n"),
    })
    assert main(["check", str(root)]) == 0, capsys.readouterr().out


def test_legacy_text_stops_the_build_like_check(tmp_path: Path) -> None:
    pasted = unicode_to_tcvn3("Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương")
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]", body=f"Đoạn đúng.\n\n{pasted}")})
    (root / "docs" / "gioi-thieu.md").write_text("# Giới thiệu\n\n" + unicode_to_vni("Đảng bộ Khối") + " được thành lập.\n",
                                                 encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "history/01-a.md:8:" in result.stderr and "là chữ TCVN3 (ABC) bị lỗi phông" in result.stderr
    (root / "history" / "01-a.md").write_text(chapter("Thành lập", "[1952, 1954]"), encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "docs/gioi-thieu.md:3:" in result.stderr and "kyniem import --fix-encoding docs/gioi-thieu.md" in result.stderr


def test_listed_missing_photo_fails_strict_and_dates_come_from_capture_times(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]")})
    album = root / "gallery" / "le-ky-niem"
    photo(album / "anh-01.jpg", "2022:02:15 08:30:00")
    photo(album / "anh-02.jpg", "2022:02:14 16:00:00")
    (album / "album.yml").write_text(
        'title: "Lễ kỷ niệm"\nphotos:\n  - file: anh-01.jpg\n    alt: "Lễ mít tinh"\n'
        '  - file: anh-02.jpg\n    alt: "Chuẩn bị"\n  - file: anh-03.jpg\n    alt: "Thiếu"\n', encoding="utf-8")
    assert main(["check", str(root)]) == 0, "a warning: check passes"
    out = capsys.readouterr().out
    assert "gallery/le-ky-niem/album.yml:7: cảnh báo: file: 'anh-03.jpg': không có ảnh này trong thư mục album" in out
    assert main(["check", "--strict", str(root)]) == 1, "publishing is strict"
    capsys.readouterr()
    strict = build(root, "--strict")
    assert strict.returncode != 0 and "gallery/le-ky-niem/album.yml:7:" in strict.stderr
    (album / "album.yml").write_text(
        'title: "Lễ kỷ niệm"\nphotos:\n  - file: anh-01.jpg\n    alt: "Lễ mít tinh"\n'
        '  - file: anh-02.jpg\n    alt: "Chuẩn bị"\n', encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    index = (root / "site" / "thu-vien-anh" / "index.html").read_text(encoding="utf-8")
    page = (root / "site" / "thu-vien-anh" / "le-ky-niem" / "index.html").read_text(encoding="utf-8")
    assert "14/02/2022" in index, "the album's date is its earliest photo's"
    assert "15/02/2022" in page and "14/02/2022" in page, "each photo shows its capture date"


def test_heic_photo_gets_a_message_that_says_what_to_do(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]")})
    album = root / "gallery" / "dien-thoai"
    photo(album / "anh-01.jpg")
    (album / "album.yml").write_text('title: "Ảnh điện thoại"\nphotos:\n  - file: anh-01.jpg\n    alt: "Ảnh"\n',
                                     encoding="utf-8")
    # A HEIC file as an iPhone names it, damaged in transfer: no decoder can read it.
    (album / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    result = build(root, "--strict")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "IMG_0001.HEIC" in line]
    assert lines, result.stderr
    assert "HEIC" in lines[0] and "iPhone" in lines[0] and "JPEG" in lines[0] and "Tương thích nhất" in lines[0]


def test_mkdocs_link_warnings_are_vietnamese(tmp_path: Path) -> None:
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]")})
    (root / "docs" / "gioi-thieu.md").write_text(
        "# Giới thiệu\n\n## Lịch sử\n\nXem [kế hoạch](ke-hoach.md), [mục](#khong-co) và [trang chủ](index.md#khong-co).\n",
        encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode != 0
    log = result.stderr
    assert "trang gioi-thieu.md: liên kết 'ke-hoach.md' trỏ tới trang không có" in log
    assert "Doc file" not in log


# MkDocs' own English lines that kyniem/mkdocslog.py claims to translate.
MKDOCS_ENGLISH = ("Aborted with", "Cleaning site directory", "Building documentation", "Documentation built in",
                  "The following pages exist", "Doc file", "Serving on", "Watching paths", "Detected file changes",
                  "Reloading browsers", "Browser connected", "Shutting down", "in strict mode")


def test_a_strict_build_speaks_vietnamese_to_its_last_line(tmp_path: Path) -> None:
    root = project(tmp_path, {"01-a.md": chapter("Thành lập", "[1952, 1954]")})
    (root / "docs" / "gioi-thieu.md").write_text("# Giới thiệu\n\nXem [kế hoạch](ke-hoach.md).\n", encoding="utf-8")
    (root / "docs" / "khac").mkdir()
    (root / "docs" / "khac" / "ngoai-menu.md").write_text("# Trang ngoài menu\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.replace("plugins:", "nav:\n  - index.md\n  - gioi-thieu.md\n"
                                                        "  - khong-co.md\nplugins:"), encoding="utf-8")
    result = build(root, "--strict")
    assert result.returncode == 1
    log = result.stderr + result.stdout  # MkDocs prints its closing line on stdout
    english = [line for line in log.splitlines() if any(words in line for words in MKDOCS_ENGLISH)]
    assert not english, log
    assert "Dọn thư mục trang web cũ" in log and "Đang dựng trang web vào thư mục" in log
    assert "Các trang sau có trong thư mục docs nhưng không có trong menu (nav)" in log and "  - khac/ngoai-menu.md" in log
    assert "menu (nav) trong mkdocs.yml có mục 'khong-co.md'" in log
    assert "trang gioi-thieu.md: liên kết 'ke-hoach.md' trỏ tới trang không có" in log
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Dừng lại: có 2 cảnh báo khi dựng ở chế độ nghiêm ngặt (--strict)"), last
    assert "README" not in log  # kyniem's notes on vendored code are no page of the site
    (tmp_path / "tot").mkdir()
    good = build(project(tmp_path / "tot", {"01-a.md": chapter("Thành lập", "[1952, 1954]")}), "--strict")
    assert good.returncode == 0 and "Đã dựng xong trang web trong" in good.stderr, good.stderr
    assert not [line for line in (good.stderr + good.stdout).splitlines() if any(w in line for w in MKDOCS_ENGLISH)]


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("Building documentation...", "Đang dựng trang web…"),
    ("Serving on http://127.0.0.1:8000/", "Xem trước trang web tại http://127.0.0.1:8000/; nhấn Ctrl+C để dừng"),
    ("Watching paths for changes: 'docs', 'mkdocs.yml'", "Theo dõi thay đổi trong: 'docs', 'mkdocs.yml'"),
    ("Detected file changes", "Có tệp vừa thay đổi"),
    ("Reloading browsers", "Tải lại trang trong trình duyệt"),
    ("Browser connected: http://127.0.0.1:8000/", "Trình duyệt đã mở http://127.0.0.1:8000/"),
    ("Shutting down...", "Đang dừng xem trước…"),
    ("Aborted with 2 warnings, 1 errors in strict mode!", "Dừng lại: có 2 cảnh báo, 1 lỗi khi dựng"),
])
def test_the_lines_of_mkdocs_serve_are_vietnamese(english: str, vietnamese: str) -> None:
    from kyniem.mkdocslog import vietnamese as translate

    assert translate(english).startswith(vietnamese)
