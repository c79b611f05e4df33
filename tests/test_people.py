"""People, congresses, commendations and the ceremony: real builds, real check findings, real PDFs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sitebuild import REPO, build, copy_project

from kyniem.check import check_project
from kyniem.cli import load_project

MKDOCS = """site_name: Thử nghiệm
plugins:
  - kyniem:
      book:
        enabled: false
      banners:
        enabled: false
      offline:
        enabled: false
"""
CHAPTER = """---
title: "Đổi mới"
period: [2011, 2020]
---

Nội dung.
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "history").mkdir()
    (root / "history" / "01-doi-moi.md").write_text(CHAPTER, encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - "Khẩu hiệu"\n', encoding="utf-8")
    for name, text in files.items():
        path = root / "people" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _findings(root: Path) -> list[tuple[str, int | None, str, str]]:
    return [(p.file, p.line, p.code, p.message) for p in check_project(load_project(root))]


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


# --- The default site ---------------------------------------------------------------------------


def test_default_site_pages(default_site: Path) -> None:
    congresses = _text(default_site / "dai-hoi" / "index.html")
    assert "Đại hội lần thứ IX (nhiệm kỳ 2020 – 2025)" in congresses
    assert "Nội dung mẫu" in congresses
    committees = _text(default_site / "ban-chap-hanh" / "index.html")
    assert "Các đồng chí Bí thư qua các thời kỳ" in committees
    for name, position in [("Nguyễn Văn A", "Bí thư"), ("Trần Thị B", "Phó Bí thư"),
                           ("Lê Văn C", "Ủy viên Ban Thường vụ"), ("Phạm Thị D", "Ủy viên Ban Chấp hành")]:
        assert f"<td>{name}</td>" in committees and f"<td>{position}</td>" in committees
    # Marked public: shown.
    assert "Năm sinh: 1965" in committees
    chapter = _text(default_site / "lich-su" / "doi-moi-toan-dien-2011-2020" / "index.html")
    assert "Đại hội trong giai đoạn này" in chapter
    assert 'href=../../dai-hoi/#dai-hoi-lan-thu-ix' in chapter
    timeline = _text(default_site / "bien-nien-su-kien" / "index.html")
    assert "Đại hội lần thứ IX (nhiệm kỳ 2020 – 2025)" in timeline
    ceremony = _text(default_site / "le-ky-niem" / "index.html")
    assert "Gặp mặt, tọa đàm giữa các thế hệ cán bộ" in ceremony and "Nội dung mẫu" in ceremony


def test_default_site_profile_uses_gallery_pipeline(default_site: Path) -> None:
    profile = _text(default_site / "guong-dien-hinh" / "pham-thi-d" / "index.html")
    assert "<picture" in profile and ".webp" in profile
    assert "Ảnh minh họa (không phải ảnh của người thật)" in profile
    # The news post is linked by its title.
    assert "Phát động đợt thi đua cao điểm" in profile
    assert "../../tin-tuc/phat-dong-dot-thi-dua-cao-diem-huong-toi-70-nam/" in profile


def test_privacy_unmarked_fields_never_published(default_site: Path) -> None:
    """Hometown (not in public:) and the guest list (guests_public: false) reach no file of the site."""
    secrets = ["Xã Mẫu", "Bí thư Đảng ủy Khối (nội dung mẫu)", "Chỗ ngồi", "Nguyên Phó Bí thư"]
    for path in default_site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                blobs = [archive.read(name) for name in archive.namelist()]
        else:
            blobs = [data]
        for blob in blobs:
            for secret in secrets:
                assert secret.encode() not in blob, f"{secret!r} published in {path}"
    index = json.loads((default_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "Xã Mẫu" not in json.dumps(index, ensure_ascii=False)


def test_privacy_marked_fields_shown_and_others_not(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": """people:
  - id: a
    name: "Nguyễn Văn A"
    born: 1951
    hometown: "Thôn Bí Mật"
    phone: "0900000001"
    email: "a@example.invalid"
    note: "Ghi chú riêng"
    public: [hometown]
""",
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2015-05
    term: [2015, 2020]
    committee:
      - person: a
        position: bi-thu
""",
    })
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    site = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "site").rglob("*")
                     if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js"))
    assert "Thôn Bí Mật" in site
    for secret in ("1951", "0900000001", "a@example.invalid", "Ghi chú riêng"):
        assert secret not in site


def test_book_appendices(default_site: Path) -> None:
    pdf = next((default_site / "tai-ve").glob("lich-su-*.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Phụ lục: Các kỳ Đại hội" in text
    assert "Phụ lục: Ban Chấp hành qua các thời kỳ" in text
    assert "Đại hội lần thứ IX" in text and "Nguyễn Văn A" in text
    assert "Xã Mẫu" not in text


# --- Findings ------------------------------------------------------------------------------------

PEOPLE = """people:
  - id: a
    name: "Nguyễn Văn A"
  - id: b
    name: "Trần Thị B"
  - id: b2
    name: "Tran Thi  B"
  - id: c
    name: "Lê Văn C"
"""


def test_check_findings(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": PEOPLE,
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2015
    term: [2015, 2020]
    committee:
      - person: a
        position: bi-thu
        from: 2015-06
        to: 2018-12
      - person: b
        position: bi-thu
        from: 2018-06
      - person: c
        position: uy-vien
        from: 2014
      - person: khong-co
        position: uy-vien
      - person: a
        position: tong-bi-thu
""",
        "khen-thuong.yml": """commendations:
  - person: ai-do
    distinction: "Bằng khen"
    date: 2020-01-01
""",
    })
    found = _findings(root)
    codes = {(f[0], f[2]) for f in found}
    assert ("people/dai-hoi.yml", "overlapping-term") in codes
    assert ("people/nguoi.yml", "person-spelling") in codes
    assert ("people/dai-hoi.yml", "outside-term") in codes
    assert ("people/dai-hoi.yml", "unknown-person") in codes
    assert ("people/khen-thuong.yml", "unknown-person") in codes
    assert ("people/dai-hoi.yml", "position") in codes
    lines = {f[2]: f[1] for f in found if f[0] == "people/dai-hoi.yml"}
    assert lines["overlapping-term"] == 10  # the second secretary's entry
    assert lines["outside-term"] == 13
    assert lines["unknown-person"] == 16
    overlap = next(f[3] for f in found if f[2] == "overlapping-term")
    assert "Bí thư" in overlap and "trùng thời gian" in overlap
    spelling = next(f[3] for f in found if f[2] == "person-spelling")
    assert "Trần Thị B" in spelling and "Tran Thi  B" in spelling


def test_same_person_same_position_twice(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": PEOPLE,
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2015
    term: [2015, 2020]
    committee:
      - person: c
        position: uy-vien
  - number: 2
    date: 2020
    term: [2018, 2022]
    committee:
      - person: c
        position: uy-vien
""",
    })
    found = [f for f in _findings(root) if f[2] == "overlapping-term"]
    assert len(found) == 1 and "Lê Văn C" in found[0][3]


def test_consecutive_terms_are_fine(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": PEOPLE,
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2010
    term: [2010, 2015]
    committee:
      - person: a
        position: bi-thu
        to: 2015-05
  - number: 2
    date: 2015-06
    term: [2015, 2020]
    committee:
      - person: b
        position: bi-thu
""",
    })
    assert [f for f in _findings(root) if f[2] in ("overlapping-term", "outside-term")] == []


def test_profile_bad_photo_and_post(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": PEOPLE,
        "guong-dien-hinh/a.md": """---
person: a
photo: ../../gallery/khong-co.jpg
posts:
  - tin-tuc/posts/khong-co.md
---

Nội dung.
""",
    })
    found = {(f[0], f[1], f[2]) for f in _findings(root)}
    assert ("people/guong-dien-hinh/a.md", 3, "missing-image") in found
    assert ("people/guong-dien-hinh/a.md", 4, "broken-link") in found


def test_broken_yaml_stops_build_with_vietnamese_message(tmp_path: Path) -> None:
    root = _project(tmp_path, {"dai-hoi.yml": "congresses:\n  - number: [1\n"})
    result = build(root)
    assert result.returncode != 0
    assert "people/dai-hoi.yml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "nguoi.yml": 'people:\n  - id: a\n    name: "<img src=x onerror=alert(1)> A"\n',
        "khen-thuong.yml": """commendations:
  - person: a
    distinction: "<script>alert(1)</script>"
    date: 2020
  - collective: "Chi bộ <b>X</b>"
    distinction: "Bằng khen"
    date: 2021
""",
    })
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    honours = _text(root / "site" / "khen-thuong" / "index.html")
    assert "<script>alert" not in honours and "<img src=x" not in honours
    assert "&lt;script&gt;" in honours and "Chi bộ &lt;b&gt;X&lt;/b&gt;" in honours


def test_project_without_people_builds(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    assert not (root / "site" / "dai-hoi").exists()


# --- The ceremony on paper -------------------------------------------------------------------------


def _kyniem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kyniem.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_programme_sheet_published_and_linked(default_site: Path) -> None:
    pdf = default_site / "tai-ve" / "le-ky-niem" / "chuong-trinh.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "CHƯƠNG TRÌNH" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Đón tiếp đại biểu" in text
    ceremony = _text(default_site / "le-ky-niem" / "index.html")
    assert "../tai-ve/le-ky-niem/chuong-trinh.pdf" in ceremony
    assert "le-ky-niem/chuong-trinh.pdf" in _text(default_site / "tai-ve" / "index.html")


def test_invitations_one_page_per_guest(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    guests = tmp_path / "khach.csv"
    guests.write_text("\ufeffHọ và tên;Chức vụ;Chỗ ngồi\nNguyễn Văn A;Nguyên Bí thư;A1\n\n"
                      "Trần Thị B;Phó Bí thư;A2\nLê Văn C;;\n", encoding="utf-8")
    out = tmp_path / "thu-moi.pdf"
    result = _kyniem("invitations", str(guests), "-o", str(out), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 giấy mời" in result.stdout
    pages = PdfReader(out).pages
    assert len(pages) == 3
    for page, name in zip(pages, ["Nguyễn Văn A", "Trần Thị B", "Lê Văn C"]):
        text = page.extract_text()
        assert name in text and "GIẤY MỜI" in text and "Đồng chí" in text and "kính mời" in text
    assert "Chỗ ngồi: A1" in pages[0].extract_text()
    assert "Chỗ ngồi" not in pages[2].extract_text()


@pytest.mark.parametrize(
    ("csv_text", "line", "words"),
    [
        ("Tên đơn vị,Ghi chú\nA,B\n", 1, "không thấy cột tên"),
        ("Họ và tên,Chức vụ\nNguyễn Văn A,X\n,Y\n", 3, "thiếu họ và tên"),
    ],
)
def test_invitations_bad_guest_list(tmp_path: Path, csv_text: str, line: int, words: str) -> None:
    root = copy_project(tmp_path / "project")
    guests = tmp_path / "khach.csv"
    guests.write_text(csv_text, encoding="utf-8")
    result = _kyniem("invitations", str(guests), "-o", str(tmp_path / "x.pdf"), cwd=root)
    assert result.returncode == 1
    assert f"khach.csv:{line}:" in result.stdout and words in result.stdout
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_invitations_legacy_encoding_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    guests = tmp_path / "khach.csv"
    guests.write_bytes(b"H\xf7 v\xe0 t\xean\nNguy\xd5n V\xe3n A\n")  # Windows-1258 bytes, not UTF-8
    result = _kyniem("invitations", str(guests), "-o", str(tmp_path / "x.pdf"), cwd=root)
    assert result.returncode == 1 and "khach.csv:" in result.stdout and "Traceback" not in result.stderr
