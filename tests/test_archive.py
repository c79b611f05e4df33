"""The document archive: item.yml findings, Deep Zoom pyramids, films, citations, export, book footnotes.

Real files throughout: scans drawn with Pillow, films encoded with PyAV, projects
checked with ``kyniem check``'s own code, sites built with real MkDocs, the book
read back with pypdf.
"""

from __future__ import annotations

import array
import csv
import html
import io
import json
import math
import re
import unicodedata
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sitebuild import REPO, build

from kyniem.archive import Item, _date_phrase
from kyniem.archive_export import FIELDS, SEPARATOR
from kyniem.archive_pages import footnote_references, link_references
from kyniem.check import check_project
from kyniem.cli import load_project, main
from kyniem.content import load_content
from kyniem.deepzoom import OVERLAP, TILE_SIZE, PyramidMaker, max_level, tile_count
from kyniem.problems import Problem

OSD_VERSION = "6.1.1"

MKDOCS = """site_name: Thử nghiệm
theme:
  name: material
  language: vi
  font: false
plugins:
  - search
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
      archive: {max_media_mb: 1}
markdown_extensions:
  - toc:
      slugify: !!python/name:kyniem.text.slugify
  - admonition
  - attr_list
  - md_in_html
  - footnotes
"""

CHAPTER = """---
title: Thành lập
period: [1952, 1954]
---

Ngày 15/02/1952, Đảng bộ Khối được thành lập [[tu-lieu:quyet-dinh]].
Xem thêm [[tu-lieu:quyet-dinh|quyết định thành lập]].

```
[[tu-lieu:trong-khoi-ma]] không phải tham chiếu
```
"""

ITEM = """title: "Quyết định thành lập Đảng bộ Khối (mẫu)"
type: quyết định
identifier: "01-QĐ/TU"
date: 1952-02
creator: "Tỉnh ủy Hải Dương"
source: "Kho lưu trữ Tỉnh ủy, Phông số 1, Hồ sơ số 12"
rights: "Tỉnh ủy Hải Dương"
description: "Nội dung mẫu."
subjects: [thành lập, tổ chức đảng]
chapters: [01-thanh-lap.md]
pages:
  - file: trang-1.png
    transcription: trang-1.md
media:
  - file: phim.mp4
    title: "Phim mẫu"
    captions: phim.vtt
    rights: "Đài Phát thanh và Truyền hình tỉnh"
"""


def scan(size: tuple[int, int] = (900, 1270)) -> Image.Image:
    """A page-like image: paper, a title bar, lines of 'text'."""
    image = Image.new("RGB", size, (244, 238, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, 40, size[0] * 3 // 4, 90), fill=(176, 30, 30))
    for y in range(140, size[1] - 60, 36):
        draw.line((60, y, size[0] - 60, y), fill=(40, 34, 30), width=6)
    return image


def recording(path: Path) -> None:
    """A real MP3: one second of a 440 Hz tone."""
    rate = 22050
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libmp3lame", rate=rate)
        stream.layout = "mono"
        tone = array.array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(rate)))
        frame = av.AudioFrame(format="s16", layout="mono", samples=rate)
        frame.planes[0].update(tone.tobytes())
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def film(path: Path, seconds: int = 1, size: tuple[int, int] = (96, 64)) -> None:
    """A real MP4 (MPEG-4 Part 2), one colour per frame, so the poster frame is a known picture."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for index in range(seconds * 10):
            frame = av.VideoFrame.from_image(Image.new("RGB", size, (200, 20 * index % 255, 40)))
            frame.pts, frame.time_base = index, Fraction(1, 10)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def make_project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Trang chủ\n\nTư liệu gốc: [[tu-lieu:quyet-dinh]].\n", encoding="utf-8")
    (root / "history").mkdir()
    (root / "history" / "01-thanh-lap.md").write_text(CHAPTER, encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text("slogans:\n  - text: Một\n", encoding="utf-8")
    item = root / "archive" / "quyet-dinh"
    item.mkdir(parents=True)
    (item / "item.yml").write_text(ITEM, encoding="utf-8")
    scan().save(item / "trang-1.png")
    (item / "trang-1.md").write_text("# Quyết định\n\nThành lập Đảng bộ Khối cơ quan dân chính đảng tỉnh.\n",
                                     encoding="utf-8")
    film(item / "phim.mp4")
    (item / "phim.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nPhụ đề mẫu\n", encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def findings(root: Path) -> list[Problem]:
    return check_project(load_project(root))


def only(problems: list[Problem], code: str) -> Problem:
    matches = [p for p in problems if p.code == code]
    assert len(matches) == 1, (code, problems)
    return matches[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- the model and its findings ---------------------------------------------------------------


def test_valid_item_has_no_findings_and_a_citation(project: Path) -> None:
    assert findings(project) == []
    content = load_content(project, load_project(project).settings, include_drafts=False)
    (item,) = content.archive
    assert (item.slug, item.type, item.date, item.decade, item.chapters) == (
        "quyet-dinh", "quyết định", "1952-02", "1950", ["thanh-lap"])
    assert item.pages[0].transcription.startswith("# Quyết định")
    assert item.media[0].kind == "video" and item.media[0].captions is not None
    assert item.citation() == ("Tỉnh ủy Hải Dương, Quyết định số 01-QĐ/TU tháng 2/1952: “Quyết định thành lập "
                               "Đảng bộ Khối (mẫu)”, lưu tại Kho lưu trữ Tỉnh ủy, Phông số 1, Hồ sơ số 12.")
    assert item.label == "Quyết định số 01-QĐ/TU tháng 2/1952"
    assert [_date_phrase(d) for d in ("2021-09-20", "1952-02", "1975")] == ["ngày 20/9/2021", "tháng 2/1952", "năm 1975"]


def test_reference_to_a_missing_item_in_vietnamese_with_file_and_line(project: Path) -> None:
    edit(project / "history" / "01-thanh-lap.md", "[[tu-lieu:quyet-dinh]]", "[[tu-lieu:quyet-dinh-thanh-lap]]")
    problem = only(findings(project), "archive-missing-item")
    assert (problem.file, problem.line, problem.severity) == ("history/01-thanh-lap.md", 6, "error")
    assert "[[tu-lieu:quyet-dinh-thanh-lap]] trỏ tới tư liệu không có" in problem.message
    assert "archive/quyet-dinh-thanh-lap/" in problem.message and "[[tu-lieu:quyet-dinh]]" in problem.message
    assert unicodedata.is_normalized("NFC", problem.message)
    # The command line prints it as path:line: severity: message, and fails.
    assert main(["check", str(project)]) == 1
    # A page in docs/ too.
    edit(project / "history" / "01-thanh-lap.md", "[[tu-lieu:quyet-dinh-thanh-lap]]", "[[tu-lieu:quyet-dinh]]")
    edit(project / "docs" / "index.md", "[[tu-lieu:quyet-dinh]]", "[[tu-lieu:quyet-dinh-1952]]")
    problem = only(findings(project), "archive-missing-item")
    assert (problem.file, problem.line) == ("docs/index.md", 3) and "[[tu-lieu:quyet-dinh]]" in problem.message


def test_item_yml_mistakes_name_line_and_fix(project: Path) -> None:
    yml = project / "archive" / "quyet-dinh" / "item.yml"
    edit(yml, "date: 1952-02\n", 'date: "15/02/1952"\ncreater: "Tỉnh ủy"\n')
    edit(yml, "type: quyết định", "type: quyet dinh")
    edit(yml, "chapters: [01-thanh-lap.md]", "chapters: [09-khong-co.md]")
    edit(yml, "  - file: trang-1.png", "  - file: trang-9.png")
    problems = findings(project)
    source = "archive/quyet-dinh/item.yml"
    date = only(problems, "archive-date")
    assert (date.file, date.line) == (source, 4) and "date: 1952-02-15" in date.message
    unknown = only(problems, "archive-unknown-key")
    assert unknown.line == 5 and "'creator'" in unknown.message
    assert only(problems, "archive-chapter").line == 11
    missing = only(problems, "archive-file")
    assert missing.line == 13 and "trang-9.png" in missing.message
    # A type written without diacritics is understood, not reported.
    assert not [p for p in problems if p.code == "archive-type-unknown"]
    edit(yml, "type: quyet dinh", "type: sắc lệnh")
    assert "không phải loại tư liệu quen dùng" in only(findings(project), "archive-type-unknown").message


def test_oversize_film_is_refused_with_how_to_host_it(project: Path) -> None:
    big = project / "archive" / "quyet-dinh" / "phim.mp4"
    big.write_bytes(big.read_bytes() + bytes(1_200_000))  # over max_media_mb: 1
    problem = only(findings(project), "archive-media-too-large")
    assert (problem.file, problem.line, problem.severity) == ("archive/quyet-dinh/item.yml", 15, "error")
    assert "phim.mp4" in problem.message and "quá giới hạn 1 MB" in problem.message
    assert "đăng tệp lên nơi khác" in problem.message and "url: https://" in problem.message
    result = build(project)
    assert result.returncode != 0
    assert re.search(r"archive/quyet-dinh/item.yml:15: tệp 'phim.mp4' nặng 1,\d MB, quá giới hạn 1 MB", result.stderr)
    assert "Traceback" not in result.stderr
    # Hosted elsewhere and linked: accepted.
    big.unlink()
    edit(project / "archive" / "quyet-dinh" / "item.yml", "  - file: phim.mp4",
         "  - url: https://video.example/phim-tu-lieu")
    edit(project / "archive" / "quyet-dinh" / "item.yml", "    captions: phim.vtt\n", "")
    assert findings(project) == []


def test_film_needs_its_rights_holder_and_real_captions(project: Path) -> None:
    yml = project / "archive" / "quyet-dinh" / "item.yml"
    edit(yml, '    rights: "Đài Phát thanh và Truyền hình tỉnh"\n', "")
    edit(yml, 'rights: "Tỉnh ủy Hải Dương"\n', "")
    assert "ai giữ bản quyền" in only(findings(project), "archive-media-rights").message
    edit(yml, "    captions: phim.vtt\n", '    captions: phim.vtt\n    rights: "Đài tỉnh"\n')
    (project / "archive" / "quyet-dinh" / "phim.vtt").write_text("1\n00:00:00,000 --> 00:00:01,000\nSRT\n")
    assert "WebVTT" in only(findings(project), "archive-captions").message


def test_film_in_an_album_is_named_when_not_listed(project: Path) -> None:
    album = project / "gallery" / "le-ky-niem"
    album.mkdir(parents=True)
    scan((60, 40)).save(album / "a.png")
    film(album / "le.mp4")
    (album / "album.yml").write_text('title: "Lễ kỷ niệm"\nphotos:\n  - file: a.png\n    alt: "Quang cảnh"\n',
                                     encoding="utf-8")
    problem = only(findings(project), "gallery-film-unlisted")
    assert problem.severity == "warning" and "films:" in problem.message and "le.mp4" in problem.message


# -- Deep Zoom pyramids ------------------------------------------------------------------------


def test_pyramid_levels_tiles_and_cache(tmp_path: Path) -> None:
    source = tmp_path / "scan.png"
    scan((1000, 1400)).save(source)
    maker = PyramidMaker(tmp_path / "cache", workers=1)
    pyramid = maker.make([source])[source]
    assert pyramid.ok and (pyramid.width, pyramid.height) == (1000, 1400)
    top = max_level(1000, 1400)
    assert top == 11 and pyramid.tiles == tile_count(1000, 1400) == len(pyramid.files())
    tiles = dict(pyramid.files())
    # The full-size level: 4 × 6 tiles; inner tiles carry one pixel of overlap on each side.
    assert {name for name in tiles if name.startswith(f"{top}/")} == {f"{top}/{c}_{r}.jpg" for c in range(4)
                                                                          for r in range(6)}
    with Image.open(tiles[f"{top}/1_1.jpg"]) as inner, Image.open(tiles[f"{top}/3_5.jpg"]) as corner:
        assert inner.size == (TILE_SIZE + 2 * OVERLAP, TILE_SIZE + 2 * OVERLAP)
        assert corner.size == (1000 - 3 * TILE_SIZE + OVERLAP, 1400 - 5 * TILE_SIZE + OVERLAP)
    with Image.open(tiles["0/0_0.jpg"]) as single:
        assert single.size == (1, 1)
    with Image.open(pyramid.folder / "thumb.jpg") as thumb, Image.open(pyramid.folder / "print.jpg") as printed:
        assert thumb.size == pyramid.thumb_size == (400, 560) and printed.size == pyramid.print_size == (1000, 1400)
    assert pyramid.descriptor("x_files/")["Image"]["Size"] == {"Width": "1000", "Height": "1400"}
    # Warm: nothing rendered again; a changed scan gets a new pyramid and the old one is removed.
    again = PyramidMaker(tmp_path / "cache", workers=1)
    assert again.make([source])[source].key == pyramid.key and (again.rendered, again.reused) == (0, 1)
    scan((1000, 1300)).save(source)
    third = PyramidMaker(tmp_path / "cache", workers=1)
    assert third.make([source])[source].height == 1300 and third.rendered == 1
    third.finish()
    assert not pyramid.folder.exists()


def test_a_broken_scan_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "hong.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not a jpeg")
    pyramid = PyramidMaker(tmp_path / "cache", workers=1).make([broken])[broken]
    assert not pyramid.ok and "không đọc được ảnh" in pyramid.reason


def test_600_dpi_a4_tile_count() -> None:
    """The figure given in the issue's report: a 600-dpi A4 scan (4960×7016) is 760 tiles in 14 levels."""
    assert max_level(4960, 7016) == 13
    assert tile_count(4960, 7016) == 760


# -- the built site ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("archive") / "p")
    album = root / "gallery" / "le-ky-niem"
    album.mkdir(parents=True)
    scan((60, 40)).save(album / "a.png")
    film(album / "le.mp4", size=(128, 72))
    (album / "album.yml").write_text('title: "Lễ kỷ niệm"\nphotos:\n  - file: a.png\n    alt: "Quang cảnh"\n'
                                     'films:\n  - file: le.mp4\n    title: "Lễ kỷ niệm"\n    rights: "Đài tỉnh"\n',
                                     encoding="utf-8")
    recording(root / "archive" / "quyet-dinh" / "loi-phat-bieu.mp3")
    edit(root / "archive" / "quyet-dinh" / "item.yml", "media:\n", 'media:\n  - file: loi-phat-bieu.mp3\n'
         '    title: "Lời phát biểu"\n')
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    assert "kyniem: tư liệu: 1 mục" in result.stderr
    return root / "site"


def test_item_page_has_viewer_transcription_film_and_citation(built: Path) -> None:
    page = (built / "tu-lieu" / "quyet-dinh" / "index.html").read_text(encoding="utf-8")
    viewer = re.search(r'<div [^>]*class="kn-viewer"[^>]*>', page)
    assert viewer and 'id="kn-viewer-1"' in viewer.group(0), page
    data = re.search(r'data-tiles="([^"]+)"', viewer.group(0)).group(1)
    tiles = json.loads(html.unescape(data))["Image"]
    assert tiles["Size"] == {"Width": "900", "Height": "1270"} and tiles["TileSize"] == str(TILE_SIZE)
    folder = (built / "tu-lieu" / "quyet-dinh" / tiles["Url"]).resolve()
    assert len(list(folder.glob("*/*.jpg"))) == tile_count(900, 1270)
    assert "../../assets/kyniem/vendor/openseadragon/openseadragon.min.js" in page
    assert "Thành lập Đảng bộ Khối cơ quan dân chính đảng tỉnh." in page
    assert re.search(r"<h4[^>]*>Quyết định", page), "transcribed headings go below the page's own"
    assert "Tỉnh ủy Hải Dương, Quyết định số 01-QĐ/TU tháng 2/1952" in page
    video = re.search(r"<video [^>]*>", page).group(0)
    for attribute in ('preload="none"', 'width="96"', 'height="64"', 'poster="../_phim/quyet-dinh/phim-bia.jpg"'):
        assert attribute in video
    assert '<track kind="captions" srclang="vi"' in page and "Bản quyền: Đài Phát thanh và Truyền hình tỉnh" in page
    with Image.open(built / "tu-lieu" / "_phim" / "quyet-dinh" / "phim-bia.jpg") as poster:
        assert poster.size == (96, 64) and not poster.info.get("exif")
    assert (built / "tu-lieu" / "_phim" / "quyet-dinh" / "phim.mp4").is_file()
    audio = re.search(r"<audio [^>]*>(.*?)</audio>", page).group(0)
    assert 'preload="none"' in audio and 'type="audio/mpeg"' in audio
    assert "Lời phát biểu · Bản quyền: Tỉnh ủy Hải Dương · 0:01" in page, "a recording without rights: the item's"


def test_chapter_and_docs_references_become_links(built: Path) -> None:
    chapter = (built / "lich-su" / "thanh-lap" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="kn-doc-ref" href="\.\./\.\./tu-lieu/quyet-dinh/" title="Tỉnh ủy Hải Dương, '
                     r'Quyết định số 01-QĐ/TU[^"]*">Quyết định số 01-QĐ/TU tháng 2/1952</a>', chapter), chapter
    assert ">quyết định thành lập</a>" in chapter
    assert "[[tu-lieu:trong-khoi-ma]]" in chapter, "code is left as written"
    home = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="tu-lieu/quyet-dinh/"' in home


def test_index_offers_filters_by_type_decade_and_body(built: Path) -> None:
    index = (built / "tu-lieu" / "index.html").read_text(encoding="utf-8")
    assert 'data-type="quyết định" data-decade="1950" data-creator="Tỉnh ủy Hải Dương"' in index
    for name in ("type", "decade", "creator"):
        assert f'<select name="{name}">' in index
    assert "1950 – 1959" in index


def test_album_film_is_published_with_poster_and_size(built: Path) -> None:
    album = (built / "thu-vien-anh" / "le-ky-niem" / "index.html").read_text(encoding="utf-8")
    video = re.search(r"<video [^>]*>", album).group(0)
    assert 'width="128"' in video and 'height="72"' in video and 'preload="none"' in video
    assert (built / "thu-vien-anh" / "_phim" / "le-ky-niem" / "le-bia.jpg").is_file()


def test_search_index_holds_the_transcription(built: Path) -> None:
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    hits = [d["location"] for d in index["docs"] if "cơ quan dân chính đảng" in d["text"]]
    assert hits and all(h.startswith("tu-lieu/quyet-dinh/") for h in hits)


# -- export ------------------------------------------------------------------------------------


def test_csv_and_json_export_round_trip(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "tu-lieu.csv"
    assert main(["export", "archive", "--format", "csv", "-o", str(out), "--project", str(project)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads Vietnamese"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    content = load_content(project, load_project(project).settings, include_drafts=True)
    (item,) = content.archive
    assert tuple(rows[0]) == FIELDS and len(rows) == 1
    row = rows[0]
    assert (row["title"], row["type"], row["identifier"], row["date"], row["creator"], row["source"], row["rights"],
            row["description"]) == (item.title, item.type, item.identifier, item.date, item.creator, item.holding,
                                    item.rights, item.description)
    assert row["subject"].split(SEPARATOR) == item.subjects == ["thành lập", "tổ chức đảng"]
    assert row["relation"] == "lich-su/thanh-lap/" and row["url"] == "tu-lieu/quyet-dinh/"
    assert row["files"].split(SEPARATOR) == ["trang-1.png", "phim.mp4"] and row["sample"] == "false"
    json_out = tmp_path / "tu-lieu.json"
    assert main(["export", "archive", "--format", "json", "-o", str(json_out), "--project", str(project)]) == 0
    (record,) = json.loads(json_out.read_text(encoding="utf-8"))["items"]
    assert {k: record[k] for k in ("title", "subject", "relation")} == {
        "title": item.title, "subject": item.subjects, "relation": ["lich-su/thanh-lap/"]}
    # A broken project exports nothing and says why.
    edit(project / "archive" / "quyet-dinh" / "item.yml", "title:", "titel:")
    assert main(["export", "archive", "--project", str(project)]) == 1


# -- the default site ----------------------------------------------------------------------------


def test_default_site_archive_and_book_footnote(default_site: Path) -> None:
    """The sample archive is marked as such; chapter 1 cites the plan, and the book carries the citation."""
    for slug in ("ke-hoach-ky-niem-70-nam", "giay-khen-mau", "phim-tu-lieu-mau"):
        page = (default_site / "tu-lieu" / slug / "index.html").read_text(encoding="utf-8")
        assert "Tư liệu minh họa" in page
    plan = (default_site / "tu-lieu" / "ke-hoach-ky-niem-70-nam" / "index.html").read_text(encoding="utf-8")
    assert "Kế hoạch số -KH/ĐUK ngày 20/9/2021" in plan
    film_page = (default_site / "tu-lieu" / "phim-tu-lieu-mau" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<video [^>]*preload="?none[^>]*poster=', film_page), "minified HTML drops quotes"
    assert (REPO / "archive" / "phim-tu-lieu-mau" / "phim-mau.webm").stat().st_size < 300_000
    books = [p for p in (default_site / "tai-ve").glob("*.pdf") if p.name.startswith("lich-su") and "-in-an" not in p.name]
    assert len(books) == 1, books
    texts = [" ".join((p.extract_text() or "").split()) for p in PdfReader(books[0]).pages]
    citation = ("Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương, Kế hoạch số -KH/ĐUK ngày 20/9/2021")
    with_note = [t for t in texts if citation in t]
    assert with_note, "the footnote with the citation is printed in the book"
    assert "[[tu-lieu" not in " ".join(texts)
    # The reference reads as the short name with a note mark; the note holds the whole citation.
    joined = " ".join(texts)
    mark = re.search(r"Xem bản chép lại kế hoạch trong mục Tư liệu: Kế hoạch số -KH/ ?ĐUK ngày 20/9/2021(\d+)\.", joined)
    assert mark, "the reference is printed as its short name with a footnote mark"
    assert f"{mark.group(1)}. {citation}: “Kế hoạch tổ chức các hoạt động Kỷ niệm 70 năm" in joined


def test_vendored_viewer_is_pinned_and_licensed() -> None:
    folder = REPO / "kyniem" / "assets" / "vendor" / "openseadragon"
    head = (folder / "openseadragon.min.js").read_text(encoding="utf-8")[:200]
    assert head.startswith(f"//! openseadragon {OSD_VERSION}")
    assert "Redistribution and use in source and binary forms" in (folder / "LICENSE.txt").read_text()
    assert f"openseadragon@{OSD_VERSION}" in (folder / "README.md").read_text(encoding="utf-8")


def test_item_citation_without_number_uses_the_title() -> None:
    item = Item(folder=Path("x"), slug="thu", source="archive/thu/item.yml", title="Thư gửi cán bộ", type="thư",
                date="1968")
    assert item.label == "Thư gửi cán bộ"
    assert item.citation() == "Thư năm 1968: “Thư gửi cán bộ”."


def test_references_become_numbered_footnotes_for_print(project: Path) -> None:
    content = load_content(project, load_project(project).settings, include_drafts=False)
    body = "A [[tu-lieu:quyet-dinh]] và [[tu-lieu:Quyet-Dinh|văn bản]].\n\n```\n[[tu-lieu:quyet-dinh]]\n```\n"
    printed = footnote_references(body, content.archive)
    assert printed.startswith("A Quyết định số 01-QĐ/TU tháng 2/1952[^tu-lieu-1] và văn bản[^tu-lieu-2].")
    assert "```\n[[tu-lieu:quyet-dinh]]\n```" in printed
    assert printed.count("[^tu-lieu-2]: Tỉnh ủy Hải Dương, Quyết định số 01-QĐ/TU") == 1
    linked, missing = link_references("Xem [[tu-lieu:khong-co]].", "de-cuong-tuyen-truyen/x.md", content.archive)
    assert linked == "Xem [[tu-lieu:khong-co]]." and missing == ["khong-co"]
