"""People, congresses, commendations and the ceremony: real builds, real check findings, real PDFs."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sitebuild import build, copy_project

from kyniem import social
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


def _published(site: Path) -> dict[str, str]:
    """The text of every file a reader can get: pages, search index, scripts, PDFs (their text, read back
    with pypdf), and the same inside the offline zip, keyed by path."""
    found: dict[str, str] = {}

    def add(name: str, data: bytes) -> None:
        suffix = Path(name).suffix
        if suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    add(f"{name}!{member}", archive.read(member))
        elif suffix == ".pdf":
            found[name] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        elif suffix not in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".woff2", ".woff", ".ttf", ".ico"):
            found[name] = data.decode("utf-8", errors="replace")

    for path in site.rglob("*"):
        if path.is_file():
            add(path.relative_to(site).as_posix(), path.read_bytes())
    return found


def _share_cards_show_only_their_titles(site: Path) -> list[str]:
    """Each page's share picture is redrawn from its og:title: equal bytes prove the picture shows no other text."""
    checked = []
    for page in site.rglob("*.html"):
        html_text = page.read_text(encoding="utf-8")
        title = re.search(r'<meta property="og:title" content="([^"]*)"', html_text)
        image = re.search(r'<meta property="og:image" content="([^"]*)"', html_text)
        if not (title and image):
            continue
        card = social.ShareCard(title=html.unescape(title.group(1)), site_name="Đảng bộ Khối các cơ quan tỉnh Hải Dương",
                                tagline="Kỷ niệm 70 năm · 15/02/1952 – 15/02/2022")
        assert (page.parent / image.group(1)).resolve().read_bytes() == social.render_share_image(card), page
        checked.append(card.title)
    return checked


def test_privacy_unmarked_fields_never_published(default_site: Path) -> None:
    """Hometown (not in public:) and the guest list (guests_public: false) reach no file of the default site,
    no page of its PDFs and nothing in its offline zip."""
    secrets = ["Xã Mẫu", "Bí thư Đảng ủy Khối (nội dung mẫu)", "Nguyên Phó Bí thư"]
    published = _published(default_site)
    assert any(name.endswith(".pdf") for name in published) and any("!" in name for name in published)
    for name, text in published.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} published in {name}"


PRIVATE_PERSON = """people:
  - id: a
    name: "Nguyễn Văn A"
    born: 1931
    hometown: "Thôn Riêng Tư Một"
    phone: "0900000001"
    email: "a@example.invalid"
    note: "Ghi chú riêng tư"
    public: [hometown]
  - id: b
    name: "Trần Thị B"
    born: 1932
    hometown: "Thôn Riêng Tư Hai"
    phone: "0900000002"
    email: "b@example.invalid"
    note: "Ghi chú thứ hai"
"""
PRIVATE_SECRETS = ("1931", "1932", "Thôn Riêng Tư Hai", "0900000001", "0900000002", "a@example.invalid",
                   "b@example.invalid", "Ghi chú riêng tư", "Ghi chú thứ hai", "Khách Không Công Khai",
                   "Chức vụ không công khai")


def test_privacy_every_output_shows_only_public_fields(tmp_path: Path) -> None:
    """Every field not marked public is in no site file, search index, offline zip, book or programme PDF,
    meta description or share picture, though the people appear on every kind of page."""
    root = _project(tmp_path, {
        "nguoi.yml": PRIVATE_PERSON,
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2015-05
    term: [2015, 2020]
    committee:
      - person: a
        position: bi-thu
      - person: b
        position: pho-bi-thu
""",
        "khen-thuong.yml": "commendations:\n  - person: b\n    distinction: \"Bằng khen\"\n    date: 2019\n",
        "guong-dien-hinh/tran-thi-b.md": "---\nperson: b\n---\n\nBài viết.\n",
        "le-ky-niem.yml": """title: "Lễ kỷ niệm"
date: 2022-02-15
programme:
  - time: "08:00"
    item: "Khai mạc"
guests:
  - person: b
    title: "Chức vụ không công khai"
  - name: "Khách Không Công Khai"
""",
    })
    (root / "mkdocs.yml").write_text("site_name: Thử nghiệm\nplugins:\n  - kyniem:\n      banners:\n"
                                     "        enabled: false\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    published = _published(site)
    book = next(text for name, text in published.items() if name.startswith("tai-ve/lich-su") and name.endswith(".pdf"))
    assert "Trần Thị B" in book and "Phụ lục: Ban Chấp hành" in book
    assert any(name.endswith("chuong-trinh.pdf") for name in published)
    assert any("!" in name for name in published), "no offline zip"
    profile = published["guong-dien-hinh/tran-thi-b/index.html"]
    assert "Trần Thị B" in profile and "Thôn Riêng Tư Một" in published["ban-chap-hanh/index.html"]
    for name, text in published.items():
        for secret in PRIVATE_SECRETS:
            assert secret not in text, f"{secret!r} published in {name}"
    titles = _share_cards_show_only_their_titles(site)
    assert "Trần Thị B" in titles and "Khen thưởng" in titles


def test_book_appendices(default_site: Path) -> None:
    """The congresses and committees close the book, listed in its contents, with the sample notice."""
    pdf = next((default_site / "tai-ve").glob("lich-su-*.pdf"))
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    contents = next(text for text in pages if "Mục lục" in text)
    assert "Phụ lục: Các kỳ Đại hội" in contents and "Phụ lục: Ban Chấp hành qua các thời kỳ" in contents
    congresses = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Phụ lục: Các kỳ Đại hội"))
    committees = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Phụ lục: Ban Chấp hành"))
    assert congresses < committees
    assert "Đại hội lần thứ IX (nhiệm kỳ 2020 – 2025)" in pages[congresses] and "Nội dung mẫu" in pages[congresses]
    committee = pages[committees]
    assert "Nội dung mẫu" in committee and "tên giả định" in committee
    assert "Các đồng chí Bí thư" in committee and "Nguyễn Văn A Bí thư" in committee
    assert "Trần Thị B Phó Bí thư" in committee
    assert "Xã Mẫu" not in "\n".join(pages)


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
    assert next(f[1] for f in found if f[2] == "person-spelling") == 6
    assert next(f[1] for f in found if f[0] == "people/khen-thuong.yml") == 2
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
    date: 2018
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


def test_reelected_secretary_with_years_only_is_fine(tmp_path: Path) -> None:
    """Terms written with years only meet in their boundary year: a hand-over, not an overlap."""
    root = _project(tmp_path, {
        "nguoi.yml": PEOPLE,
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2010
    term: [2010, 2015]
    committee:
      - person: a
        position: bi-thu
  - number: 2
    date: 2015
    term: [2015, 2020]
    committee:
      - person: a
        position: bi-thu
  - number: 3
    date: 2020
    term: [2020, 2025]
    committee:
      - person: c
        position: bi-thu
""",
    })
    assert [f for f in _findings(root) if f[0] == "people/dai-hoi.yml"] == []


def test_findings_name_file_and_line(tmp_path: Path) -> None:
    """Each finding the issue names, at the exact line an editor must change."""
    root = _project(tmp_path, {
        "nguoi.yml": """people:
  - id: a
    name: "Nguyễn Văn A"
  - id: a2
    name: "nguyen van  a"
  - id: c
    name: "Lê Văn C"
  - id: c2
    name: "LÊ VĂN C"
""",
        "dai-hoi.yml": """congresses:
  - number: 1
    date: 2015-05
    term: [2015, 2020]
    committee:
      - person: a
        position: pho-bi-thu
        from: 2015-05
        to: 2021-03
      - person: c
        position: pho-bi-thu
        from: 2019-03
        to: 2020
      - person: c
        position: pho-bi-thu
        from: 2017-01
        to: 2019-06
""",
        "khen-thuong.yml": "commendations:\n  - person: ai-do\n    distinction: \"Bằng khen\"\n    date: 2020\n",
        "le-ky-niem.yml": "title: \"Lễ\"\nguests:\n  - name: \"Khách\"\n  - person: khong-ai\n  - name: \"Le van c\"\n",
        "guong-dien-hinh/x.md": "---\ntitle: \"Gương\"\nperson: nguoi-la\n---\n\nBài.\n",
    })
    found = {(f[0], f[1], f[2]) for f in _findings(root)}
    assert {
        ("people/nguoi.yml", 4, "person-spelling"),
        ("people/nguoi.yml", 8, "person-spelling"),
        ("people/dai-hoi.yml", 6, "outside-term"),
        ("people/dai-hoi.yml", 14, "overlapping-term"),
        ("people/khen-thuong.yml", 2, "unknown-person"),
        ("people/le-ky-niem.yml", 4, "unknown-person"),
        ("people/le-ky-niem.yml", 5, "person-spelling"),
        ("people/guong-dien-hinh/x.md", 3, "unknown-person"),
    } <= found
    # Two holders of one deputy seat at once is fine; only one person's own overlap is reported.
    assert [f for f in found if f[2] == "overlapping-term"] == [("people/dai-hoi.yml", 14, "overlapping-term")]


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
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "khach.csv:1:" in result.stdout and "UTF-8" in result.stdout
    assert not (tmp_path / "x.pdf").exists()


def test_invitations_one_column_multiline_cells_and_markup(tmp_path: Path) -> None:
    """A one-column list (no separator to detect), a name broken over two lines in a quoted cell, and markup
    in a name: one page each, the name on one line, the markup printed as typed."""
    root = copy_project(tmp_path / "project")
    guests = tmp_path / "khach.csv"
    guests.write_text('Họ tên\nNguyễn Văn A\n"Trần\nThị B"\n<b>Lê Văn C</b> {x}\n', encoding="utf-8")
    out = tmp_path / "thu-moi.pdf"
    result = _kyniem("invitations", str(guests), "-o", str(out), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert len(pages) == 3
    assert "Nguyễn Văn A" in pages[0] and "Trần Thị B" in pages[1] and "<b>Lê Văn C</b> {x}" in pages[2]
    assert all("Chỗ ngồi" not in page for page in pages)


def test_invitations_empty_list_and_missing_file(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    guests = tmp_path / "khach.csv"
    guests.write_text("\ufeffHọ và tên;Chức vụ\n\n", encoding="utf-8")
    result = _kyniem("invitations", str(guests), "-o", str(tmp_path / "x.pdf"), cwd=root)
    assert result.returncode == 1 and "không có ai" in result.stdout and "Traceback" not in result.stderr
    result = _kyniem("invitations", str(tmp_path / "khong-co.csv"), "-o", str(tmp_path / "x.pdf"), cwd=root)
    assert result.returncode == 1 and "không thấy tệp" in result.stdout + result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_invitations_never_written_where_the_site_publishes(tmp_path: Path) -> None:
    """Invitations carry guests' names: writing them into docs/ would publish them, so the command refuses."""
    root = copy_project(tmp_path / "project")
    result = _kyniem("invitations", str(root / "people" / "khach-moi-mau.csv"), "-o", "docs/thu-moi.pdf", cwd=root)
    assert result.returncode == 1 and "docs/" in result.stdout and "Traceback" not in result.stderr
    assert not (root / "docs" / "thu-moi.pdf").exists()
