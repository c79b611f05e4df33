"""The book rendered part by part (issue 14): an edit renders only its chapter, the merged book reads
the same as a cold render, the contents' numbers are the pages they name (text, bookmarks and links
read back with pypdf), a longer chapter moves every later number, and Ctrl+C keeps the cache whole."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from kyniem import book
from kyniem.config import KyniemConfig
from kyniem.content import load_content
from kyniem.progress import REPORT_FILE
from processes import alive, ctrl_c_heard, descendants, interrupted_build

EPOCH = "1644883200"  # 2022-02-15

CHAPTER = """---
title: "Chương mẫu {number} thời kỳ {year}"
period: [{year}, {year}]
events:
  - date: {year}-05
    title: "Sự kiện mẫu {number}"
---

## Phần đầu của chương {number}

{body}
"""

PARAGRAPH = ("Đoạn văn mẫu của chương {number} dùng để thử sách in theo từng chương, có đủ chữ để trải qua "
             "nhiều dòng và nhiều trang của khổ sách B5. ") * 6

# Paragraphs per chapter: odd and even page counts, so some chapters are followed by a blank page.
LENGTHS = (2, 9, 4, 14, 1, 6)


def write_chapter(root: Path, number: int, paragraphs: int, extra: str = "") -> Path:
    path = root / "history" / f"{number:02d}-chuong-{number}.md"
    body = "\n\n".join([PARAGRAPH.format(number=number)] * paragraphs) + extra
    path.write_text(CHAPTER.format(number=number, year=1951 + number, body=body), encoding="utf-8")
    return path


def make_project(root: Path, lengths: tuple[int, ...] = LENGTHS) -> Path:
    (root / "history").mkdir(parents=True)
    for number, paragraphs in enumerate(lengths, start=1):
        write_chapter(root, number, paragraphs)
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Khẩu hiệu mẫu"\n', encoding="utf-8")
    return root


def settings() -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict({"book": {"workers": 2}})
    errors, _ = config.validate()
    assert not errors
    return config


def build(root: Path, name: str = "sach.pdf", edition: str = "screen") -> tuple[book.PrintResult, PdfReader]:
    config = settings()
    content = load_content(root, config, include_drafts=False)
    assert not content.report.errors
    result = book.build_book(content, config, root / "out" / name, edition)
    assert result is not None
    return result, PdfReader(result.path)


def texts(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def contents(reader: PdfReader, chapters: int) -> dict[int, int]:
    """Chapter number -> the page number the table of contents gives it."""
    toc = " ".join(t for t in texts(reader) if t.startswith("Mục lục") or t.startswith("Chương 1."))
    numbers = {}
    for number in range(1, chapters + 1):
        match = re.search(rf"Chương {number}\. Chương mẫu {number} thời kỳ \d+[ .]*?(\d+)(?= Chương| Phụ lục|$)", toc)
        assert match, (number, toc)
        numbers[number] = int(match.group(1))
    return numbers


def assert_numbers_are_real(reader: PdfReader, chapters: int) -> dict[int, int]:
    """The contents, the folios, the bookmarks and the contents' links all name the same pages."""
    pages = texts(reader)
    numbers = contents(reader, chapters)
    for number, page in numbers.items():
        assert page % 2 == 1, "a chapter opens on a right-hand page"
        assert pages[page - 1].startswith(f"CHƯƠNG {number} Chương mẫu {number}"), (number, page)
        assert pages[page - 1].endswith(str(page)), "the folio printed on the page is the number in the contents"
    marks = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline
             if not isinstance(item, list)}
    for number, page in numbers.items():
        assert marks[f"Chương mẫu {number} thời kỳ {1951 + number}"] == page, "the bookmark leads to the chapter"
    named = reader.named_destinations
    links = {}
    for index, page in enumerate(reader.pages[: numbers[1] - 1]):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                links[str(annotation["/Dest"])] = reader.get_destination_page_number(named[str(annotation["/Dest"])]) + 1
    assert set(numbers.values()) <= set(links.values()), "the contents' entries link to their chapters"
    return numbers


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_one_edit_renders_one_chapter_and_reads_as_a_cold_render(tmp_path: Path, epoch: None) -> None:
    root = make_project(tmp_path / "project")
    cold, _ = build(root)
    assert (cold.chapters_rendered, cold.chapters_reused) == (len(LENGTHS), 0)
    again, _ = build(root, "lai.pdf")
    assert again.cached and (again.chapters_rendered, again.chapters_reused) == (0, len(LENGTHS))
    assert again.path.read_bytes() == cold.path.read_bytes(), "the same bytes for the same build date"

    edited = root / "history" / "03-chuong-3.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("dùng để thử", "đã sửa để thử", 1), encoding="utf-8")
    edit, reader = build(root, "sua.pdf")
    assert (edit.chapters_rendered, edit.chapters_reused) == (1, len(LENGTHS) - 1)
    assert "đã sửa để thử" in " ".join(texts(reader))

    fresh = tmp_path / "fresh"
    for folder in ("history", "slogans"):
        shutil.copytree(root / folder, fresh / folder)
    whole, whole_reader = build(fresh)
    assert whole.chapters_rendered == len(LENGTHS)
    assert texts(reader) == texts(whole_reader), "page for page, the edited book reads as a cold render"
    assert assert_numbers_are_real(reader, len(LENGTHS)) == assert_numbers_are_real(whole_reader, len(LENGTHS))
    assert edit.path.read_bytes() == whole.path.read_bytes()


def test_a_longer_chapter_moves_every_later_page_number(tmp_path: Path, epoch: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(book, "MERGE_GROUP", 3)  # merged in groups, then the groups, as a long book is
    monkeypatch.setattr(book, "PARTS_PER_WORKER", 2)  # and rendered by fresh workers every few parts
    root = make_project(tmp_path / "project")
    _, before = build(root)
    old = assert_numbers_are_real(before, len(LENGTHS))
    write_chapter(root, 2, LENGTHS[1] + 12)
    longer, after = build(root, "dai-hon.pdf")
    assert longer.chapters_rendered == 1, "the later chapters are reused: their folios are set when merging"
    new = assert_numbers_are_real(after, len(LENGTHS))
    assert new[1] == old[1] and new[2] == old[2]
    shift = new[3] - old[3]
    assert shift >= 2 and shift % 2 == 0
    assert all(new[n] - old[n] == shift for n in range(3, len(LENGTHS) + 1))
    timeline = next(i for i, t in enumerate(texts(after)) if t.startswith("Phụ lục: Biên niên sự kiện"))
    assert timeline + 1 > new[len(LENGTHS)] and (timeline + 1) % 2 == 1


def test_print_edition_merged_in_fours_with_boxes(tmp_path: Path, epoch: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(book, "MERGE_GROUP", 4)
    root = make_project(tmp_path / "project")
    screen, screen_reader = build(root)
    printed, reader = build(root, "in-an.pdf", "print")
    assert len(reader.pages) % 4 == 0 and len(reader.pages) - len(screen_reader.pages) in range(4)
    assert texts(reader)[-1] == texts(screen_reader)[-1], "the colophon stays the last page"
    assert assert_numbers_are_real(reader, len(LENGTHS)) == assert_numbers_are_real(screen_reader, len(LENGTHS))
    for page in reader.pages:
        assert float(page.mediabox.width) > float(page.bleedbox.width) > float(page.trimbox.width)
    fonts: dict[str, set[int]] = {}
    widths: dict[str, set[int]] = {}
    dictionaries: dict[str, set[int]] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            dictionaries.setdefault(str(font.get_object()["/BaseFont"]), set()).add(font.idnum)
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts.setdefault(str(descriptor["/FontName"]).split("+")[-1], set()).add(descriptor.raw_get("/FontFile2").idnum)
            widths.setdefault(str(descriptor["/FontName"]).split("+")[-1], set()).add(
                font.get_object()["/DescendantFonts"][0].get_object().raw_get("/W").idnum)
    assert fonts and all(len(files) == 1 for files in fonts.values()), "each font file is embedded once"
    assert all(len(tables) == 1 for tables in widths.values()), "and each font's widths"
    assert all(len(copies) == 1 for copies in dictionaries.values()), "each font copied once into the book, not per part"


MKDOCS = """site_name: Thử nghiệm sách
plugins:
  - kyniem:
      book:
        print_edition: false
        handouts: false
      banners:
        enabled: false
      offline:
        enabled: false
"""





def test_ctrl_c_in_the_book_stage_stops_workers_and_keeps_the_cache(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", LENGTHS * 8)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    parts = root / ".cache" / "kyniem" / "print" / "book-parts"
    command = [sys.executable, "-m", "mkdocs", "build", "-d", str(root / "site")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    workers, stderr = interrupted_build(command, root, env, lambda: len(list(parts.glob("*.json"))) >= 6)
    match = re.search(r"đã dừng theo yêu cầu \(Ctrl\+C\): (\d+)/(\d+) phần của sách", stderr)
    assert match, stderr[-2000:]
    assert 0 < int(match.group(1)) < int(match.group(2))
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the build"
    records = {p.stem for p in parts.glob("*.json")}
    assert records and all((parts / f"{key}.pdf").is_file() for key in records), "a record only with its PDF"
    assert not list(parts.glob(".tmp-*")), "no half-written file in the cache"

    result = subprocess.run([*command, "-v"], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((root / ".cache" / "kyniem" / REPORT_FILE).read_text(encoding="utf-8"))
    stage = next(s for s in report["stages"] if s["name"] == "book")
    chapters = len(LENGTHS) * 8
    assert stage["detail"]["chương lấy từ bộ đệm"] >= 1
    assert stage["detail"]["chương dựng mới"] + stage["detail"]["chương lấy từ bộ đệm"] == chapters
    assert stage["detail"]["chương dựng mới"] < chapters, "what was rendered before Ctrl+C is reused"
    assert re.search(r"trang dựng mới, \d+\.\d trang mỗi giây", result.stderr), "--verbose gives pages per second"


RECYCLED = """
import json, os, signal, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
import test_book_parts as t
from kyniem import book

book.PARTS_PER_WORKER = 1  # two workers: a fresh pair every two parts
pools = []
start = book._Parts._start


def counted(self):
    pools.append(1)
    if len(pools) == 3 and {interrupt!r}:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C as the second recycle begins
    return start(self)


book._Parts._start = counted
try:
    result, _ = t.build(Path({root!r}))
except KeyboardInterrupt:
    print(json.dumps({{"pools": len(pools), "interrupted": True}}))
    sys.exit(130)
print(json.dumps({{"pools": len(pools), "path": str(result.path)}}))
"""


def _recycled_build(root: Path, interrupt: bool) -> tuple[subprocess.CompletedProcess, set[int]]:
    """A build in its own process whose workers are replaced every part (a hang fails on the timeout),
    with the worker processes seen while it ran."""
    script = RECYCLED.format(tests=str(Path(__file__).parent), root=str(root), interrupt=interrupt)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_heard)
    seen: set[int] = set()
    deadline = time.monotonic() + 600  # far beyond a normal run: only a hang reaches it
    while process.poll() is None and time.monotonic() < deadline:
        seen |= descendants(process.pid)
        time.sleep(0.05)
    if process.poll() is None:
        for pid in seen | {process.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        pytest.fail(f"the build hung: {process.communicate()[1][-3000:]}")
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), seen


def test_workers_recycled_every_few_parts_give_the_same_book(tmp_path: Path, epoch: None) -> None:
    lengths = (1, 3, 2, 1, 4, 1, 2, 1)
    root = make_project(tmp_path / "recycled", lengths)
    done, seen = _recycled_build(root, interrupt=False)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["pools"] >= len(lengths) // 2, "a fresh pair of workers every two parts"
    assert not [pid for pid in seen if alive(pid)], "no worker outlived the build"

    normal, _ = build(make_project(tmp_path / "normal", lengths))
    assert Path(outcome["path"]).read_bytes() == normal.path.read_bytes(), "the same book as one set of workers"


def test_ctrl_c_while_workers_are_replaced_stops_the_build(tmp_path: Path, epoch: None) -> None:
    root = make_project(tmp_path / "project", (1, 2, 1, 2, 1, 2, 1, 2))
    stopped, seen = _recycled_build(root, interrupt=True)
    assert stopped.returncode == 130, stopped.stderr[-3000:]
    assert json.loads(stopped.stdout.splitlines()[-1]) == {"pools": 3, "interrupted": True}
    assert "đã dừng theo yêu cầu (Ctrl+C)" in stopped.stderr
    time.sleep(1)
    assert not [pid for pid in seen if alive(pid)], "worker processes outlived the build"
    parts = root / ".cache"
    records = {p for p in parts.rglob("*.json") if p.parent.name == "book-parts"}
    assert records and all(p.with_suffix(".pdf").is_file() for p in records), "what was done is kept whole"


def _raster(pdf: Path, page: int, out: Path, box: tuple[int, int, int, int] | None = None) -> "Image.Image":
    """One page at 127 dpi (13 mm, the print edition's bleed and marks, is then 65 whole pixels), cropped to ``box``."""
    from PIL import Image

    crop = ["-x", str(box[0]), "-y", str(box[1]), "-W", str(box[2]), "-H", str(box[3])] if box else []
    subprocess.run(["pdftoppm", "-r", "127", "-f", str(page), "-l", str(page), "-singlefile", "-png", *crop,
                    str(pdf), str(out)], check=True)
    with Image.open(out.with_suffix(".png")) as image:
        return image.convert("RGB")


def test_print_edition_draws_the_screen_pages_on_its_sheet(tmp_path: Path, epoch: None) -> None:
    from PIL import Image, ImageChops

    root = make_project(tmp_path / "project")
    screen, screen_reader = build(root)
    printed, reader = build(root, "in-an.pdf", "print")
    assert printed.chapters_rendered == 0, "the print-shop edition sets no chapter again: it reuses the screen's"
    numbers = contents(reader, len(LENGTHS))
    last = len(screen_reader.pages), len(reader.pages)
    for page, sheet in ((numbers[2], numbers[2]), (numbers[2] + 1, numbers[2] + 1), last):  # right, left, colophon
        own = _raster(screen.path, page, tmp_path / f"screen-{page}")
        trimmed = _raster(printed.path, sheet, tmp_path / f"print-{sheet}", (65, 65, *own.size))
        assert own.size == trimmed.size
        darkest, brightest = ImageChops.difference(own.convert("L"), trimmed.convert("L")).getextrema()
        assert brightest < 100, f"page {page}: inside the trim, the screen page (up to the edges' anti-aliasing)"
        assert ImageChops.difference(own, Image.new("RGB", own.size, "white")).getbbox(), "and the page is not empty"
        assert texts(reader)[sheet - 1] == texts(screen_reader)[page - 1]
        whole = _raster(printed.path, sheet, tmp_path / f"sheet-{sheet}")
        corner = whole.crop((0, 0, 80, 80))
        assert corner.getextrema() != ((255, 255), (255, 255), (255, 255)), "crop marks in the corner"
        box = reader.pages[sheet - 1]
        assert float(box.mediabox.width) > float(box.bleedbox.width) > float(box.trimbox.width)


def test_groups_of_the_merge_are_kept_and_shared_by_both_editions(tmp_path: Path, epoch: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(book, "MERGE_GROUP", 3)
    root = make_project(tmp_path / "project")
    groups = root / ".cache" / "kyniem" / "print" / "book-groups"
    build(root)
    screen_groups = set(groups.iterdir())
    assert len(screen_groups) >= 3
    build(root, "in-an.pdf", "print")
    assert len(set(groups.iterdir()) - screen_groups) <= 1, "only the last group (blank pages to a multiple of 4) differs"
    edited = root / "history" / "03-chuong-3.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("dùng để thử", "đã sửa để thử", 1), encoding="utf-8")
    edit, reader = build(root, "sua.pdf")
    assert len(set(groups.iterdir()) - screen_groups) == 1, "an edit merges its own group again, no other"
    assert "đã sửa để thử" in " ".join(texts(reader))
    assert_numbers_are_real(reader, len(LENGTHS))


def _images(pdf: Path) -> list[str]:
    """The images drawn in a PDF, as poppler lists them (one line each)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    return listing.splitlines()[2:]


def test_chapter_layout_cache_follows_its_images_and_keeps_its_warnings(tmp_path: Path, epoch: None) -> None:
    from PIL import Image

    root = make_project(tmp_path / "project")
    write_chapter(root, 2, 2, "\n\n![Ảnh lễ mít tinh](anh/le.png)\n")
    first, reader = build(root)
    assert [p.code for p in first.problems] == ["book-image"], "the missing image is named"
    again, _ = build(root, "lai.pdf")
    assert again.chapters_rendered == 0 and [str(p) for p in again.problems] == [str(p) for p in first.problems], \
        "a chapter laid out from the cache gives its warnings again"
    assert not _images(first.path)

    (root / "history" / "anh").mkdir()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(root / "history" / "anh" / "le.png")
    added, reader = build(root, "co-anh.pdf")
    assert added.chapters_rendered == 1 and not added.problems, "an image put where the chapter looks is seen"
    assert "Ảnh lễ mít tinh" in " ".join(texts(reader)) and len(_images(added.path)) == 1
    Image.new("RGB", (300, 400), (30, 30, 200)).save(root / "history" / "anh" / "le.png")
    changed, _ = build(root, "anh-khac.pdf")
    assert changed.chapters_rendered == 1, "a changed image file lays the chapter out again"


def test_parts_rendered_alone_give_the_same_book(tmp_path: Path, epoch: None, monkeypatch: pytest.MonkeyPatch) -> None:
    lengths = (1, 2, 1)
    normal, _ = build(make_project(tmp_path / "normal", lengths))
    monkeypatch.setattr(book, "LONE_PART_CHARS", 1)  # every part alone, as the timeline of a long history is
    pools: list[book._Parts] = []
    start = book._Parts._start

    def counted(parts: book._Parts) -> object:
        pools.append(parts)
        return start(parts)

    monkeypatch.setattr(book._Parts, "_start", counted)
    alone, reader = build(make_project(tmp_path / "alone", lengths))
    assert alone.chapters_rendered == len(lengths)
    # The worker that laid out a long part keeps a large heap: it ends, and the next part starts a fresh one
    # (the contents, laid out last, may reuse the last part's worker).
    assert len(pools) >= len(pools[0].rendered) - 1 > len(lengths), "a lone part's worker ends after it"
    assert alone.path.read_bytes() == normal.path.read_bytes()
    assert_numbers_are_real(reader, len(lengths))


def write_events_chapter(root: Path, number: int, events: int) -> None:
    """A short chapter with many events: the timeline appendix becomes longer than its chapters."""
    items = "".join(f'  - date: {1951 + number}-{k % 12 + 1:02d}\n    title: "Sự kiện mẫu {number}.{k}"\n'
                    f'    text: "Diễn biến mẫu {number}.{k}, đủ dài để chiếm hai dòng trong bảng biên niên của sách in.'
                    f'{" Thêm một dòng nữa cho sự kiện dài hơn." * (k % 7)}"\n'
                    for k in range(events))
    (root / "history" / f"{number:02d}-chuong-{number}.md").write_text(
        f'---\ntitle: "Chương mẫu {number} thời kỳ {1951 + number}"\nperiod: [{1951 + number}, {1951 + number}]\n'
        f"events:\n{items}---\n\n{PARAGRAPH.format(number=number)}\n", encoding="utf-8")


def test_timeline_in_pieces_reads_on_without_gaps_each_piece_on_its_side(tmp_path: Path, epoch: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lengths = (1, 2, 1, 1)
    whole_root, root = make_project(tmp_path / "whole", lengths), make_project(tmp_path / "pieces", lengths)
    for project in (whole_root, root):
        for number in range(1, len(lengths) + 1):
            write_events_chapter(project, number, 30)
    whole, whole_reader = build(whole_root)
    monkeypatch.setattr(book, "TIMELINE_PART_CHARS", 2000)  # one to three pages a piece (25 in a long history)
    config = settings()
    content = load_content(root, config, include_drafts=False)
    layout, _ = book.book_layout(content, config, tmp_path / "images")
    assert len(layout.left) >= 3, "the timeline is rendered in pieces"
    rounds: list[str] = []
    render = book._Parts.render

    def counted(parts: book._Parts, label: str) -> None:
        rounds.append(label)
        render(parts, label)

    monkeypatch.setattr(book._Parts, "render", counted)
    split, reader = build(root)
    assert rounds.count("Sách lịch sử: biên niên") == 1, "the pieces that fell on the other side, again at once"

    pages, whole_pages = texts(reader), texts(whole_reader)
    start = next(i for i, t in enumerate(pages) if t.startswith("Phụ lục: Biên niên sự kiện"))
    end = max(i for i, t in enumerate(pages) if "Sự kiện mẫu" in t) + 1  # then a blank page, maybe, and the colophon
    assert end >= len(pages) - 2
    assert pages[:start] == whole_pages[:start], "the chapters and contents are as with the timeline in one part"
    assert_numbers_are_real(reader, len(lengths))
    marks = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline
             if not isinstance(item, list)}
    assert marks["Phụ lục: Biên niên sự kiện"] == start + 1 and (start + 1) % 2 == 1

    def events(texts_: list[str]) -> list[str]:
        return re.findall(r"Sự kiện mẫu \d+\.\d+", " ".join(texts_))

    assert events(pages[start:end]) == events(whole_pages[start:]), "every event once, in the same order"
    assert all("Sự kiện mẫu" in page for page in pages[start:end]), "no blank page between the pieces"
    title = "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương"
    ordered = sorted(((e, c) for c in content.published for e in c.events), key=lambda pair: pair[0].sort_key)
    heads = [piece[0][0].title for piece in book._timeline_pieces(ordered)[1:]]
    starts = [next(i + 1 for i in range(start, end) if events([pages[i]])[0] == head) for head in heads]
    assert {number % 2 for number in starts} == {0, 1}, "pieces start on left-hand and on right-hand pages"
    for index in range(start + 1, end):  # each page's running head is the one of its side: the piece was set for it
        number = index + 1
        if number % 2:
            assert "Phụ lục: Biên niên sự kiện" in pages[index] and title not in pages[index], number
        else:
            assert title in pages[index] and "Phụ lục: Biên niên sự kiện" not in pages[index], number
        assert re.search(rf"(^|\D){number}(\D|$)", pages[index]), "the folio is the page's number"

    again, _ = build(root, "lai.pdf")
    assert again.pages_rendered == 0 and again.path.read_bytes() == split.path.read_bytes(), \
        "a warm build takes each piece as it was set for its side"


def test_a_worker_makes_each_fonts_tables_once_and_the_part_is_the_same(tmp_path: Path, epoch: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's work on each whole font (widths, Unicode map, compression) is kept per process
    (kyniem/font_tables.py): a part rendered with the fonts' tables kept is byte for byte the part
    rendered without them, and WeasyPrint's font module is left as it was."""
    import fontTools.ttLib
    import pydyf
    import weasyprint.pdf.fonts

    from kyniem import font_tables

    root = make_project(tmp_path / "project", (3, 2))
    config = settings()
    content = load_content(root, config, include_drafts=False)
    cache = book.cache_root(content, config)
    layout, _ = book.book_layout(content, config, cache / "images")
    readable = tuple(map(str, book._readable(content, config, cache / "images")))

    def render(index: int, name: str) -> bytes:
        pdf = tmp_path / f"{name}.pdf"
        book._render_part(book._Job(book.fill_dates(str(layout.body[index][1])), str(pdf), str(root), readable, 0.0))
        return pdf.read_bytes()

    # This process's font configuration goes with the test (not at interpreter exit, after WeasyPrint's modules).
    monkeypatch.setattr(book, "_FONT_CONFIG", [])
    monkeypatch.setattr(book, "_SHEETS", {})
    font_tables._fonts.clear()
    font_tables._streams.clear()
    first = render(0, "first")  # nothing kept yet: what WeasyPrint writes by itself
    kept = font_tables.kept()
    assert kept[0] >= 2 and kept[1] > kept[0], "each font file and the Unicode maps are kept"
    render(1, "other")
    assert font_tables.kept() == kept, "another chapter in the same fonts makes no new table"
    assert render(0, "again") == first
    assert weasyprint.pdf.fonts.TTFont is fontTools.ttLib.TTFont and weasyprint.pdf.fonts.pydyf is pydyf
