"""The history book PDF: built from a small real project, then read back with pypdf."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from kyniem import book
from kyniem.config import KyniemConfig
from kyniem.content import Content, load_content

CHAPTER_1 = """---
title: "Ra đời trong kháng chiến chống thực dân Pháp"
period: [1952, 1954]
summary: "Tóm tắt chương một (nội dung mẫu)."
events:
  - date: 1952-02-15
    title: "Thành lập Đảng bộ Khối"
    text: "Sự kiện mẫu để kiểm thử."
sources:
  - "Tài liệu mẫu số một"
---

## Bối cảnh

Đoạn văn mẫu có chú thích[^a] ở cuối câu.

![Ảnh minh họa: trụ sở cơ quan](img/tru-so.jpg "Ảnh minh họa: trụ sở cơ quan")

Xem thêm [chương sau](02-xay-dung.md).

[^a]: Chú thích mẫu Ỗ Ặ Ẫ ở chân trang.
"""

# The second chapter's title is written decomposed (NFD), as some editors paste it.
CHAPTER_2 = """---
title: "{title}"
period: [1955, 1967]
events:
  - date: 1965-08
    title: "Sự kiện tháng tám"
sources:
  - "Tài liệu mẫu số hai"
---

# Một tiêu đề cấp một trong thân bài

{paragraphs}

Câu có chú thích thứ hai[^b].

[^b]: Chú thích thứ hai, trên cùng trang với lời dẫn.
"""

DRAFT = """---
title: "Chương nháp không được in"
period: [1968, 1975]
status: draft
---

Nội dung nháp.
"""

SLOGANS = 'slogans:\n  - text: "Đảng Cộng sản Việt Nam quang vinh muôn năm!"\n'

TITLE_2 = "Xây dựng miền Bắc, chi viện miền Nam"


def make_project(root: Path) -> None:
    """A project with two published chapters (footnotes, a photo, events, sources) and a draft."""
    history = root / "history"
    (history / "img").mkdir(parents=True)
    (history / "01-thanh-lap.md").write_text(CHAPTER_1, encoding="utf-8")
    paragraph = "Đoạn văn mẫu dài để chương trải qua nhiều trang, kiểm tra tiêu đề chạy và số trang. " * 8
    body = "\n\n".join([paragraph] * 14)
    chapter_2 = CHAPTER_2.format(title=unicodedata.normalize("NFD", TITLE_2), paragraphs=body)
    (history / "02-xay-dung.md").write_text(chapter_2, encoding="utf-8")
    (history / "03-nhap.md").write_text(DRAFT, encoding="utf-8")
    Image.new("RGB", (2400, 1600), (120, 90, 60)).save(history / "img" / "tru-so.jpg", quality=90)
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text(SLOGANS, encoding="utf-8")


def settings(**options: object) -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict(options)
    errors, _ = config.validate()
    assert not errors
    return config


def load(root: Path, config: KyniemConfig) -> Content:
    content = load_content(root, config, include_drafts=False)
    assert not content.report.errors, content.report.errors
    return content


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with lines joined, so wrapped titles read as one string."""
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, book.PrintResult, PdfReader, Content]:
    root = tmp_path_factory.mktemp("project")
    make_project(root)
    config = settings()
    content = load(root, config)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1644883200")  # 2022-02-15
    try:
        result = book.build_book(content, config, root / "out" / "book.pdf")
    finally:
        mp.undo()
    assert result is not None
    return root, result, PdfReader(result.path), content


def test_book_has_metadata_fonts_and_b5_pages(built: tuple) -> None:
    _, result, reader, _ = built
    assert result.pages == len(reader.pages) >= 9
    meta = reader.metadata
    # No book.title or book.years set: the organization's name and the years of the published chapters.
    assert meta.title == "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương giai đoạn 1952 – 1967"
    assert meta.author == "Đảng bộ Khối các cơ quan tỉnh Hải Dương"
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (176, 250)
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"]).split("+", 1)[1]] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    assert {re.sub(r"-(Bold|Italic|BoldItalic)$", "", name) for name in fonts} == {"Noto-Serif", "Be-Vietnam-Pro"}


def test_toc_numbers_are_the_real_right_hand_pages(built: tuple) -> None:
    _, _, reader, content = built
    texts = page_texts(reader)
    toc_page = next(t for t in texts if t.startswith("Mục lục"))
    for number, chapter in enumerate(content.published, start=1):
        match = re.search(rf"Chương {number}\. {re.escape(chapter.title)}.*?(\d+)(?= Chương| Phụ lục| Tài liệu|$)", toc_page)
        assert match, (chapter.title, toc_page)
        page = int(match.group(1))
        assert page % 2 == 1, "chapters open on a right-hand page"
        # The chapter label is set in capitals by CSS, and copies out that way.
        assert texts[page - 1].startswith(f"CHƯƠNG {number} {chapter.title} {chapter.period_label}")
        assert texts[page - 1].endswith(str(page)), "the folio printed on the page is the number in the TOC"
    appendix = re.search(r"Phụ lục: Biên niên sự kiện[ .]*?(\d+)", toc_page)
    assert appendix and texts[int(appendix.group(1)) - 1].startswith("Phụ lục: Biên niên sự kiện")


def test_chapter_titles_copy_out_as_nfc(built: tuple) -> None:
    _, _, reader, content = built
    text = " ".join(page_texts(reader))
    assert unicodedata.is_normalized("NFC", text)
    for chapter in content.published:
        assert unicodedata.is_normalized("NFC", chapter.title)
        assert chapter.title in text
    assert TITLE_2 in text
    assert "Chương nháp" not in text, "drafts stay out of the book"


def test_footnotes_sit_at_the_foot_of_their_page(built: tuple) -> None:
    _, _, reader, _ = built
    texts = page_texts(reader)
    for call, note in (("chú thích1 ở cuối câu", "1. Chú thích mẫu Ỗ Ặ Ẫ ở chân trang."),
                       ("chú thích thứ hai1.", "1. Chú thích thứ hai, trên cùng trang với lời dẫn.")):
        pages = [i for i, t in enumerate(texts) if call in t]
        assert len(pages) == 1, call
        assert note in texts[pages[0]]
    assert "↩" not in " ".join(texts)


def test_running_heads_name_the_chapter_on_right_hand_pages(built: tuple) -> None:
    _, _, reader, content = built
    texts = page_texts(reader)
    first = next(i for i, t in enumerate(texts) if t.startswith(f"CHƯƠNG 2 {TITLE_2}"))
    assert texts[first].count(TITLE_2) == 1, "no running head on a chapter's opening page"
    left, right = texts[first + 1], texts[first + 2]
    title = book.book_title(content, settings()).title
    assert title in left and TITLE_2 not in left, "left-hand pages carry the book's title"
    assert TITLE_2 in right and title not in right, "right-hand pages carry the chapter's title"
    assert left.endswith(str(first + 2)) and right.endswith(str(first + 3)), "every page has its number"


def test_photo_is_a_print_sized_jpeg_with_its_caption(built: tuple) -> None:
    _, _, reader, _ = built
    # WeasyPrint shares one resource dictionary between pages: count distinct images.
    images = list({img.name: img for page in reader.pages for img in page.images}.values())
    assert len(images) == 1
    with Image.open(io.BytesIO(images[0].data)) as photo:
        assert max(photo.size) == book.PRINT_IMAGE_PX
    assert "Ảnh minh họa: trụ sở cơ quan" in " ".join(page_texts(reader))


def test_appendices_and_colophon(built: tuple) -> None:
    _, _, reader, _ = built
    texts = page_texts(reader)
    timeline = next(t for t in texts if t.startswith("Phụ lục: Biên niên sự kiện"))
    assert timeline.index("15/02/1952 Thành lập Đảng bộ Khối") < timeline.index("08/1965 Sự kiện tháng tám")
    sources = next(t for t in texts if t.startswith("Tài liệu tham khảo"))
    assert "Tài liệu mẫu số một" in sources and "Tài liệu mẫu số hai" in sources
    assert "Ngày tạo: 15/02/2022" in texts[-1]


def test_unchanged_book_comes_from_the_cache_and_a_change_renders_again(built: tuple,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The same build date as the first render: the date printed in the book is part of the cache key.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1644883200")
    root, first, _, _ = built
    config = settings()
    out = root / "out" / "again.pdf"
    renders = root / config.cache_dir / "print" / "book"
    before = {p.name: p.stat().st_mtime_ns for p in renders.iterdir()}
    again = book.build_book(load(root, config), config, out)
    assert again is not None and again.cached and again.pages == first.pages
    assert {p.name: p.stat().st_mtime_ns for p in renders.iterdir()} == before, "nothing rendered or rewritten"
    assert out.read_bytes() == first.path.read_bytes()
    chapter = root / "history" / "01-thanh-lap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Đoạn văn mẫu", "Đoạn văn đã sửa"), encoding="utf-8")
    changed = book.build_book(load(root, config), config, out)
    assert changed is not None and not changed.cached
    assert "Đoạn văn đã sửa" in " ".join(page_texts(PdfReader(out)))
    assert len(list((root / config.cache_dir / "print" / "book").glob("*.pdf"))) == 1, "old renders are removed"


def test_a5_and_a_missing_image_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    history = tmp_path / "history"
    history.mkdir()
    (history / "01-a.md").write_text(
        '---\ntitle: "Chương một"\nperiod: [1952, 1954]\n---\n\nVăn bản.\n\n![Ảnh](khong-co.jpg)\n', encoding="utf-8"
    )
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text(SLOGANS, encoding="utf-8")
    config = settings(book={"page_size": "A5"})
    result = book.build_book(load(tmp_path, config), config, tmp_path / "a5.pdf")
    assert result is not None
    box = PdfReader(result.path).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (148, 210)
    assert [(p.file, p.line, p.severity) for p in result.problems] == [("history/01-a.md", 8, "warning")]
    assert "khong-co.jpg" in result.problems[0].message


def test_no_published_chapter_means_no_book(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text(SLOGANS, encoding="utf-8")
    config = settings()
    assert book.build_book(load(tmp_path, config), config, tmp_path / "book.pdf") is None
    assert not (tmp_path / "book.pdf").exists()


def test_print_markdown_inlines_footnotes_and_drops_site_links() -> None:
    html = book.markdown_to_print_html(
        "Chữ[^1] và [liên kết](../lich-su/) và [web](https://example.org).\n\n[^1]: Ghi chú.\n",
        "c",
        lambda src: None,
    )
    assert '<span class="footnote"><span>Ghi chú.</span></span>' in html
    assert 'class="footnote-ref"' not in html and "<div" not in html
    assert "<span>liên kết</span>" in html
    assert '<a href="https://example.org">web</a>' in html


def test_kyniem_book_command_builds_the_book_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import main

    make_project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Thử\nplugins:\n  - kyniem:\n      book:\n        page_size: A5\n",
                                         encoding="utf-8")
    out = tmp_path / "sach.pdf"
    assert main(["book", "-o", str(out), "--project", str(tmp_path)]) == 0
    reader = PdfReader(out)
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 148, "options come from mkdocs.yml"
    assert f"Đã ghi {out} ({len(reader.pages)} trang" in capsys.readouterr().out
    assert not (tmp_path / "site").exists(), "only the book is built"

    (tmp_path / "history" / "01-thanh-lap.md").write_text("---\ntitle: Thiếu giai đoạn\n---\n", encoding="utf-8")
    assert main(["book", "-o", str(out), "--project", str(tmp_path)]) == 1
    assert "history/01-thanh-lap.md:" in capsys.readouterr().out


def test_default_site_book(default_site: Path) -> None:
    """The real book of the default site: TOC numbers are the pages where chapters open, on the right."""
    reader = PdfReader(default_site / DEFAULT_BOOK)
    assert reader.metadata.title.startswith("Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương")
    assert reader.metadata.author and reader.trailer["/Root"]["/Lang"] == "vi"
    texts = page_texts(reader)
    assert unicodedata.is_normalized("NFC", " ".join(texts))
    toc = next(t for t in texts if t.startswith("Mục lục"))
    entries = re.findall(r"(Chương (\d+)\. .*?|Phụ lục: Biên niên sự kiện|Tài liệu tham khảo)[ .]*?(\d+)(?= Chương| Phụ lục| Tài liệu|$)", toc)
    assert len(entries) >= 9, toc
    for label, number, page in entries:
        opening = texts[int(page) - 1]
        assert int(page) % 2 == 1, f"{label} opens on a right-hand page"
        expected = f"CHƯƠNG {number}" if number else label
        assert opening.startswith(expected), (label, page, opening[:80])
        assert opening.endswith(page), "the folio printed on the page is the number in the TOC"
    for font in {f for page in reader.pages for f in (page["/Resources"].get("/Font") or {}).values()}:
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor, font.get_object()["/BaseFont"]


# The default site's book: its chapters run from 1952 to 2020, as the plan's book does.
DEFAULT_BOOK = f"{book.DOWNLOADS_DIR}/lich-su-dang-bo-khoi-cac-co-quan-tinh-hai-duong-giai-doan-1952-2020.pdf"


def test_default_site_print_edition_and_downloads_page_agree_with_the_pdf(default_site: Path) -> None:
    screen = PdfReader(default_site / DEFAULT_BOOK)
    printed = PdfReader(default_site / DEFAULT_BOOK.replace(".pdf", "-in-an.pdf"))
    assert screen.metadata.title == printed.metadata.title == (
        "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương giai đoạn 1952 – 2020")
    assert len(printed.pages) % 4 == 0 and len(printed.pages) >= len(screen.pages)
    downloads = (default_site / "tai-ve" / "index.html").read_text(encoding="utf-8")
    assert f"{screen.metadata.title}</a>" in downloads
    assert Path(DEFAULT_BOOK).name in downloads and Path(DEFAULT_BOOK).name.replace(".pdf", "-in-an.pdf") in downloads


SERVE_YML = """site_name: Thử
theme: {{name: material, language: vi, font: false}}
plugins:
  - kyniem:
      book: {{in_serve: {in_serve}}}
      banners: {{enabled: false}}
      offline: {{enabled: false}}
markdown_extensions:
  - footnotes
"""


def _serve_until_up(project: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the real ``mkdocs serve`` and wait until it answers (a deadline, not a timed assertion)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "tai-ve/", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.3)
    server.terminate()
    server.wait(timeout=20)
    raise AssertionError("mkdocs serve did not answer")


# make_project's book: its chapters run from 1952 to 1967.
BOOK_2 = f"{book.DOWNLOADS_DIR}/lich-su-dang-bo-khoi-cac-co-quan-tinh-hai-duong-giai-doan-1952-1967.pdf"


@pytest.mark.parametrize("in_serve", [False, True], ids=["default", "asked"])
def test_mkdocs_serve_leaves_the_book_out_unless_asked(tmp_path: Path, in_serve: bool) -> None:
    make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(SERVE_YML.format(in_serve=str(in_serve).lower()), encoding="utf-8")
    server, base = _serve_until_up(tmp_path)
    try:
        downloads = urllib.request.urlopen(base + "tai-ve/", timeout=10).read().decode("utf-8")
        try:
            pdf = urllib.request.urlopen(base + BOOK_2, timeout=30).read()
        except urllib.error.HTTPError as error:
            assert error.code == 404
            pdf = None
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (Path(BOOK_2).name in downloads) is in_serve
    assert (pdf is not None and pdf.startswith(b"%PDF")) is in_serve
    assert not (tmp_path / "site").exists(), "serve writes nothing into the project"


def test_print_images_flatten_transparency_on_white(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((183, 28, 28, 255), (50, 25, 150, 75))
    image.save(source)
    problems: list = []
    derivative = book._Images(tmp_path, tmp_path / "cache", problems).derivative(source, "history/a.md", 3)
    assert derivative is not None and not problems
    with Image.open(derivative) as printed:
        assert printed.mode == "RGB"
        assert printed.getpixel((5, 5)) >= (250, 250, 250), "transparent areas print white, not black"
        red = printed.getpixel((100, 50))
        assert red[0] > 150 and red[1] < 60
