"""Hostile and wrong input in every file of people/: a finding with file:line (or a named warning),
never a traceback, both in ``kyniem check`` and in ``mkdocs build``."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from sitebuild import build

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
PEOPLE = """people:
  - id: a
    name: "Nguyễn Văn A"
  - id: b
    name: "Trần Thị B"
"""
TERM = "congresses:\n  - number: 1\n    date: 2020\n    term: [2020, 2025]\n"
MEMBER = TERM + "    committee:\n      - person: a\n"


def project(root: Path, files: dict[str, str | bytes], mkdocs: str = MKDOCS) -> Path:
    """A small site with the given files under people/ (nguoi.yml defaults to two people)."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    (root / "history").mkdir()
    (root / "history" / "01-doi-moi.md").write_text(
        '---\ntitle: "Đổi mới"\nperiod: [2011, 2025]\n---\n\nNội dung.\n', encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - "Khẩu hiệu"\n', encoding="utf-8")
    for name, text in {"nguoi.yml": PEOPLE, **files}.items():
        path = root / "people" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def findings(root: Path) -> list[tuple[str, int | None, str, str]]:
    return [(p.file, p.line, p.code, p.message) for p in check_project(load_project(root))]


# (file, text, line, code, words in the message or None when another module words it)
CASES = [
    # nguoi.yml
    ("nguoi.yml", "people:\n  - id: a\n    name: [Nguyễn, A]\n", 3, "type", None),
    ("nguoi.yml", "people:\n  - id: a\n    name: 12\n", 3, "type", "không có chữ"),
    ("nguoi.yml", "people:\n  - id: {x: 1}\n    name: A\n", 2, "person-id", "thiếu mã người"),
    ("nguoi.yml", "people:\n  - id: Nguyễn A\n    name: A\n", 2, "person-id", "không hợp lệ"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n    public: born\n", 4, "type", "danh sách"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n    public: [phone, age]\n", 4, "type", "danh sách"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n    public: [[born], {a: 1}]\n", 4, "type", "danh sách"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n    born: [1950]\n", 4, "type", None),
    ("nguoi.yml", "people: Nguyễn Văn A\n", 1, "type", "danh sách 'people:'"),
    ("nguoi.yml", "- a\n- b\n", 1, "type", "danh sách 'people:'"),
    ("nguoi.yml", "", 1, "empty-file", "tệp trống"),
    ("nguoi.yml", "# chỉ có chú thích\n# không có gì khác\n", 1, "empty-file", "tệp trống"),
    ("nguoi.yml", "notice: [a]\npeople: []\n", 1, "type", None),
    ("nguoi.yml", 'people:\n  - id: a\n    name: "A\x00"\n', 3, "control-characters", "ký tự điều khiển"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", 4, "duplicate-person", "đã dùng ở dòng 2"),
    ("nguoi.yml", "people:\n  - id: a\n    name: A\n    adress: x\n", 4, "unknown-key", None),
    ("nguoi.yml", "people:\n  - id: a\n    name: \"A\"\n  name: x\n", 4, "yaml", None),
    ("nguoi.yml", b"people:\n  - id: a\n    name: \"Nguy\xd5n\"\n", 3, "encoding", None),
    # dai-hoi.yml
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    date: 2020-02-30\n    term: [2020, 2025]\n", 3, "impossible-date", "không có trên lịch"),
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    date: [2020]\n    term: [2020, 2025]\n", 3, "date", "không phải là ngày"),
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    term: [2025, 2020]\n", 3, "type", "năm đầu và năm cuối"),
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    term: 2020-2025\n", 3, "type", "năm đầu và năm cuối"),
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    term: [true, 2025]\n", 3, "type", "năm đầu và năm cuối"),
    ("dai-hoi.yml", "congresses:\n  - number: IX\n    term: [2020, 2025]\n", 2, "type", "số thứ tự"),
    ("dai-hoi.yml", "congresses:\n  - number: 99999999999\n    term: [2020, 2025]\n", 2, "type", "số thứ tự"),
    ("dai-hoi.yml", TERM + "  - number: 1\n    term: [2015, 2020]\n", 5, "duplicate-congress", "đã ghi ở dòng 2"),
    ("dai-hoi.yml", "congresses:\n  - number: 1\n    date: 2012\n    term: [2020, 2025]\n", 3, "outside-term", "ngoài"),
    ("dai-hoi.yml", TERM + "    committee: a\n", 5, "type", "danh sách"),
    ("dai-hoi.yml", TERM + "    committee: {a: bi-thu}\n", 5, "type", "danh sách"),
    ("dai-hoi.yml", TERM + "    committee:\n      - a\n", 6, "type", "khóa: giá trị"),
    ("dai-hoi.yml", TERM + "    committee:\n      - person: {a: 1}\n", 6, "type", "mã người"),
    ("dai-hoi.yml", TERM + "    committee:\n      - person: [a]\n", 6, "type", "mã người"),
    ("dai-hoi.yml", TERM + "    committee:\n      - position: bi-thu\n", 6, "missing", "thiếu 'person:'"),
    ("dai-hoi.yml", MEMBER + "        position: [bi-thu]\n", 7, "position", "chọn một"),
    ("dai-hoi.yml", MEMBER + "        position: {a: 1}\n", 7, "position", "chọn một"),
    ("dai-hoi.yml", MEMBER + "        postion: bi-thu\n", 7, "unknown-key", None),
    ("dai-hoi.yml", MEMBER + "        from: 2021-02-30\n", 7, "impossible-date", "không có trên lịch"),
    ("dai-hoi.yml", MEMBER + "        from: 2023\n        to: 2021\n", 6, "period", "bị ngược"),
    ("dai-hoi.yml", TERM + "    targets: Tăng trưởng\n", 5, "type", "danh sách"),
    ("dai-hoi.yml", TERM + "    targets: [1, 2]\n", 5, "type", "danh sách"),
    ("dai-hoi.yml", TERM + "    delegates: nhiều\n", 5, "type", "một số"),
    ("dai-hoi.yml", TERM + "    place: [a]\n", 5, "type", None),
    ("dai-hoi.yml", "", 1, "empty-file", "tệp trống"),
    # khen-thuong.yml
    ("khen-thuong.yml", "commendations:\n  - person: {a: 1}\n    distinction: X\n    date: 2020\n", 2, "type", "mã người"),
    ("khen-thuong.yml", "commendations:\n  - person: 5\n    distinction: X\n    date: 2020\n", 2, "unknown-person", "không có trong"),
    ("khen-thuong.yml", "commendations:\n  - person: a\n    collective: B\n    distinction: X\n    date: 2020\n", 3,
     "recipient", "không ghi cả hai"),
    ("khen-thuong.yml", "commendations:\n  - distinction: X\n    date: 2020\n", 2, "missing", "tập thể"),
    ("khen-thuong.yml", "commendations:\n  - person: a\n    distinction: [X]\n    date: 2020\n", 3, "type", None),
    ("khen-thuong.yml", "commendations:\n  - person: a\n    distinction: X\n    date: 2020-02-30\n", 4, "impossible-date",
     "không có trên lịch"),
    ("khen-thuong.yml", "commendations:\n  - person: a\n    distinction: X\n", 2, "missing", "thiếu 'date'"),
    ("khen-thuong.yml", "commendations: x\n", 1, "type", "danh sách"),
    # guong-dien-hinh/
    ("guong-dien-hinh/x.md", "---\nperson: {a: 1}\ntitle: T\n---\nBài.\n", 2, "type", "mã người"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nphoto: [a.jpg]\n---\nBài.\n", 3, "type", None),
    ("guong-dien-hinh/x.md", "---\nperson: a\nphoto: /etc/passwd\n---\nBài.\n", 3, "image-path", "ngoài thư mục"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nphoto: ../../mkdocs.yml\n---\nBài.\n", 3, "image-not-image", "không phải là tệp ảnh"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nphoto: ../../../../../../x.jpg\n---\nBài.\n", 3, "image-path", "ngoài"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nphoto: khong-co.jpg\n---\nBài.\n", 3, "missing-image", "không thấy ảnh"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nposts: tin.md\n---\nBài.\n", 3, "type", "danh sách"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nposts: [/etc/passwd]\n---\nBài.\n", 3, "broken-link", "không thấy bài tin"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nposts: [../mkdocs.yml]\n---\nBài.\n", 3, "broken-link", "không thấy bài tin"),
    ("guong-dien-hinh/x.md", "---\nperson: a\nposts: [index.md, ../history/01-doi-moi.md]\n---\nBài.\n", 3,
     "broken-link", "../history/01-doi-moi.md"),
    ("guong-dien-hinh/x.md", "Không có phần khai báo.\n", 1, "front-matter", None),
    ("guong-dien-hinh/x.md", "", 1, "front-matter", None),
    ("guong-dien-hinh/index.md", "---\ntitle: T\n---\nBài.\n", 1, "duplicate-slug", "địa chỉ"),
    ("guong-dien-hinh/___.md", "---\ntitle: T\n---\nBài.\n", 1, "duplicate-slug", "địa chỉ"),
    ("guong-dien-hinh/x.md", "---\ntitle: [T]\n---\nBài.\n", 2, "type", None),
    ("guong-dien-hinh/x.md", "---\ntitle: T\nstatus: [draft]\n---\nBài.\n", 3, "status", None),
    # le-ky-niem.yml
    ("le-ky-niem.yml", "- title: Lễ\n", 1, "type", "khóa: giá trị"),
    ("le-ky-niem.yml", "", 1, "empty-file", "tệp trống"),
    ("le-ky-niem.yml", "# chỉ có chú thích\n", 1, "empty-file", "tệp trống"),
    ("le-ky-niem.yml", "title: Lễ\ndate: 2022-02-30\n", 2, "impossible-date", "không có trên lịch"),
    ("le-ky-niem.yml", "title: Lễ\nprogramme: Đón tiếp\n", 2, "type", "danh sách"),
    ("le-ky-niem.yml", "title: Lễ\nprogramme:\n  - time: 9:15\n    item: Đón tiếp\n", 3, "type", "ngoặc kép"),
    ("le-ky-niem.yml", "title: Lễ\nprogramme:\n  - time: [8]\n    item: Đón tiếp\n", 3, "type", None),
    ("le-ky-niem.yml", "title: Lễ\nprogramme:\n  - time: \"08:00\"\n", 3, "missing", None),
    ("le-ky-niem.yml", "title: Lễ\nguests: a\n", 2, "type", "danh sách"),
    ("le-ky-niem.yml", "title: Lễ\nguests:\n  - person: {a: 1}\n", 3, "type", "mã người"),
    ("le-ky-niem.yml", "title: Lễ\nguests:\n  - person: khong-co\n", 3, "unknown-person", "không có trong"),
    ("le-ky-niem.yml", "title: Lễ\nguests:\n  - title: Đại biểu\n", 3, "missing", None),
    ("le-ky-niem.yml", 'title: Lễ\nguests_public: "yes"\n', 2, "type", "true hoặc false"),
    ("le-ky-niem.yml", 'title: Lễ\nstream: "javascript:alert(1)"\n', 2, "stream", "https://"),
    ("le-ky-niem.yml", "title: Lễ\nstatus: [draft]\n", 2, "status", None),
    ("le-ky-niem.yml", "date: 2022\n", 1, "missing", None),
]


@pytest.mark.parametrize(("name", "text", "line", "code", "words"), CASES,
                         ids=[f"{c[0]}:{c[2]}:{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_wrong_input_gives_a_finding_with_its_line(tmp_path: Path, name: str, text: str | bytes, line: int, code: str,
                                                   words: str | None) -> None:
    root = project(tmp_path / "project", {name: text})
    found = [f for f in findings(root) if f[0] == f"people/{name}"]
    assert [f for f in found if f[1] == line and f[2] == code], found
    if words:
        assert any(words in f[3] for f in found if f[2] == code), found


def test_nfd_text_is_read_as_nfc_and_named(tmp_path: Path) -> None:
    """Names typed with combining accents are the same names: one warning for the encoding, one for the twin."""
    text = unicodedata.normalize("NFD", 'people:\n  - id: a\n    name: "Nguyễn Văn A"\n  - id: b\n    name: "Nguyễn Văn A"\n')
    root = project(tmp_path / "project", {"nguoi.yml": text})
    found = {(f[1], f[2]) for f in findings(root) if f[0] == "people/nguoi.yml"}
    assert (3, "nfc") in found and (4, "person-spelling") in found


def test_build_stops_with_every_finding_and_no_traceback(tmp_path: Path) -> None:
    """The same findings stop ``mkdocs build``: each file:line is in the log, in Vietnamese, and no traceback."""
    root = project(tmp_path / "project", {
        "nguoi.yml": PEOPLE + "  - id: c\n    name: 12\n",
        "dai-hoi.yml": MEMBER + "        position: [bi-thu]\n  - number: 2\n    date: 2020-02-30\n    term: [2025, 2020]\n",
        "khen-thuong.yml": "commendations:\n  - person: {a: 1}\n    distinction: X\n    date: 2020\n",
        "le-ky-niem.yml": "title: Lễ\nprogramme:\n  - time: 9:15\n    item: Đón tiếp\nstream: javascript:x\n",
        "guong-dien-hinh/x.md": "---\nperson: a\nphoto: /etc/passwd\n---\nBài.\n",
    })
    result = build(root)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    for where in ("people/nguoi.yml:7", "people/dai-hoi.yml:7", "people/dai-hoi.yml:9", "people/dai-hoi.yml:10",
                  "people/khen-thuong.yml:2", "people/le-ky-niem.yml:3", "people/le-ky-niem.yml:5",
                  "people/guong-dien-hinh/x.md:3"):
        assert where in result.stderr, where


def test_empty_people_files_build_with_named_warnings(tmp_path: Path) -> None:
    root = project(tmp_path / "project", {"nguoi.yml": "", "le-ky-niem.yml": "# sẽ điền sau\n"})
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "people/nguoi.yml:1" in result.stderr and "people/le-ky-niem.yml:1" in result.stderr
    assert "tệp trống" in result.stderr
    assert not (root / "site" / "le-ky-niem").exists()


def test_check_reports_findings_without_traceback(tmp_path: Path) -> None:
    """The editor's command: ``kyniem check`` prints the findings and exits 1."""
    root = project(tmp_path / "project", {"dai-hoi.yml": TERM + "    committee:\n      - person: [a]\n"})
    result = subprocess.run([sys.executable, "-m", "kyniem.cli", "check"], cwd=root, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1
    assert "people/dai-hoi.yml:6" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# --- Markup in data text is shown as typed ---------------------------------------------------------

HOSTILE = '[x](javascript:alert(1)){ onclick=alert(2) } <b>b</b> {: #pwn } ![i](javascript:alert(3)) *em* `c` \\[y]'


def _elements(page: str) -> list[tuple[str, dict[str, str], str]]:
    """Every element of a page as (tag, attributes, its first text)."""

    class Parser(HTMLParser):
        found: list[tuple[str, dict[str, str], str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found.append((tag, {k: v or "" for k, v in attrs}, ""))

        def handle_data(self, data: str) -> None:
            if self.found and not self.found[-1][2]:
                self.found[-1] = (*self.found[-1][:2], data.strip())

    parser = Parser()
    parser.found = []
    parser.feed(page)
    return parser.found


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_markup_in_every_text_field_is_shown_as_typed(tmp_path: Path) -> None:
    """HTML, Markdown links, images and attribute lists written in any field become no element of the page."""
    mkdocs = MKDOCS + (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8").split(
        "markdown_extensions:")[1].split("\nextra:")[0].join(["markdown_extensions:", "\n"])
    h = HOSTILE
    root = project(tmp_path / "project", {
        "nguoi.yml": f"notice: {_q('NB ' + h)}\npeople:\n  - id: a\n    name: {_q('A ' + h)}\n    hometown: {_q('H ' + h)}\n"
                     "    public: [hometown]\n",
        "dai-hoi.yml": f"notice: {_q('NC ' + h)}\ncongresses:\n  - number: 1\n    date: 2015\n    term: [2015, 2020]\n"
                       f"    place: {_q('P ' + h)}\n    note: |\n      CN {h}\n      # tiêu đề\n    targets: [{_q('T ' + h)}]\n"
                       f"    committee:\n      - person: a\n        position: bi-thu\n        note: {_q('MN ' + h)}\n",
        "khen-thuong.yml": f"commendations:\n  - collective: {_q('C ' + h)}\n    distinction: {_q('D ' + h)}\n"
                           f"    decided_by: {_q('B ' + h)}\n    number: {_q('S ' + h)}\n    reason: {_q('R ' + h)}\n"
                           "    date: 2020\n",
        "le-ky-niem.yml": f"title: {_q('L ' + h)}\nplace: {_q('PL ' + h)}\nstream: \"https://x.invalid/?a=1&b=\\\"<\"\n"
                          f"notice: {_q('NL ' + h)}\nprogramme:\n  - time: {_q('TM ' + h)}\n    item: {_q('IT ' + h)}\n"
                          f"guests_public: true\nguests:\n  - name: {_q('G ' + h)}\n    title: {_q('GT ' + h)}\n",
        "guong-dien-hinh/x.md": f"---\nperson: a\ntitle: {_q('PT ' + h)}\nsummary: {_q('PS ' + h)}\n"
                                f"photo: ../../gallery/a/x.jpg\ncaption: {_q('CAP ' + h)}\n---\n\nBài.\n",
    }, mkdocs)
    (root / "gallery" / "a").mkdir(parents=True)
    (root / "gallery" / "a" / "album.yml").write_text('title: "Album"\n', encoding="utf-8")
    Image.new("RGB", (64, 48), (180, 30, 30)).save(root / "gallery" / "a" / "x.jpg")
    result = build(root)
    assert result.returncode == 0, result.stderr
    pages = {p: (root / "site" / p / "index.html").read_text(encoding="utf-8")
             for p in ("dai-hoi", "ban-chap-hanh", "khen-thuong", "le-ky-niem", "guong-dien-hinh", "guong-dien-hinh/x",
                       "bien-nien-su-kien")}
    for path, page in pages.items():
        elements = _elements(page)
        assert not [e for e in elements if e[0] in ("b", "em", "code") and e[2] in ("b", "em", "c")], path
        for tag, attrs, _ in elements:
            assert "onclick" not in attrs and attrs.get("id") != "pwn", (path, tag, attrs)
            assert not any(attrs.get(a, "").startswith("javascript") for a in ("href", "src")), (path, tag, attrs)
        assert not [e for e in elements if e[0].startswith("h") and e[2] == "tiêu đề"], path
    # Shown as typed, once escaped for HTML.
    assert "[x](javascript:alert(1)){ onclick=alert(2) } &lt;b&gt;b&lt;/b&gt;" in pages["khen-thuong"]
    assert "NC [x](javascript:alert(1)){ onclick=alert(2) }" in pages["dai-hoi"]
    assert "\\[y]" in pages["dai-hoi"]
    assert 'href="https://x.invalid/?a=1&amp;b=&quot;&lt;"' in pages["le-ky-niem"]
    assert "<figcaption>CAP (x)(javascript:alert(1))" in pages["guong-dien-hinh/x"]


@pytest.mark.parametrize(("front", "line", "code"), [
    ("title: Đổi mới\nperiod: [2011, 2025]\nevents:\n  - date: 2020-02-30\n    title: Sự kiện\n", 5, "impossible-date"),
    ("title: \"Đổi\x00 mới\"\nperiod: [2011, 2025]\n", 2, "control-characters"),
])
def test_the_yaml_reader_names_impossible_dates_and_control_characters_everywhere(
        tmp_path: Path, front: str, line: int, code: str) -> None:
    """The shared YAML reader keeps 2020-02-30 as text and names a control character, so a chapter gets
    the same finding with its line as the people files, not a traceback."""
    root = project(tmp_path / "project", {})
    (root / "history" / "01-doi-moi.md").write_text(f"---\n{front}---\n\nNội dung.\n", encoding="utf-8")
    found = [(f[1], f[2]) for f in findings(root) if f[0] == "history/01-doi-moi.md"]
    assert (line, code) in found, found
