"""Meeting handouts: one large-print A4 PDF per outline, read back with pypdf and pdftotext."""

from __future__ import annotations

import re
import statistics
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from kyniem import book
from kyniem.config import KyniemConfig
from kyniem.content import Content, load_content

OUTLINE = """---
title: "Đề cương tuyên truyền kỷ niệm 70 năm"
summary: "Dùng trong sinh hoạt chi bộ (nội dung mẫu)."
date: 2022-01-10
---

## I. Mục đích, yêu cầu

Ôn lại truyền thống[^1] của Đảng bộ Khối.

1. Ý thứ nhất.
2. Ý thứ hai.

[^1]: Theo Kế hoạch ngày 20/9/2021.
"""

DRAFT = """---
title: "Đề cương nháp"
status: draft
---

Nháp.
"""

SLOGANS = """slogans:
  - text: "Nhiệt liệt chào mừng kỷ niệm 70 năm ngày thành lập Đảng bộ Khối!"
  - text: "Đảng Cộng sản Việt Nam quang vinh muôn năm!"
"""


def project(root: Path) -> tuple[Content, KyniemConfig]:
    outlines = root / "slogans" / "outlines"
    outlines.mkdir(parents=True)
    (outlines / "01-ky-niem-70-nam.md").write_text(OUTLINE, encoding="utf-8")
    (outlines / "02-nhap.md").write_text(DRAFT, encoding="utf-8")
    (root / "slogans" / "slogans.yml").write_text(SLOGANS, encoding="utf-8")
    (root / "history").mkdir()
    config = KyniemConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    content = load_content(root, config, include_drafts=False)
    assert not content.report.errors
    return content, config


def word_heights(pdf: Path) -> list[float]:
    """Heights in points of every word box on the first page (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out)
    return [float(bottom) - float(top) for top, bottom in boxes]


def test_each_published_outline_becomes_a_large_print_a4_handout(tmp_path: Path) -> None:
    content, config = project(tmp_path)
    results = book.build_handouts(content, config)
    assert [path for path, _ in results] == ["tai-ve/de-cuong/ky-niem-70-nam.pdf"], "drafts get no handout"
    result = results[0][1]
    reader = PdfReader(result.path)
    assert result.pages == len(reader.pages) >= 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert reader.metadata.title == "Đề cương tuyên truyền kỷ niệm 70 năm"
    assert reader.metadata.author == "Đảng bộ Khối các cơ quan tỉnh Hải Dương"

    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        # The header block of a party document (Hướng dẫn 36-HD/VPTW): the committee above, the issuing one,
        # a star; the Party's name; place and date; the kind of document in capitals, then what it is about.
        "ĐẢNG BỘ TỈNH HẢI DƯƠNG ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH HẢI DƯƠNG *",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hải Dương, ngày 10 tháng 01 năm 2022",
        "ĐỀ CƯƠNG TUYÊN TRUYỀN Kỷ niệm 70 năm",
        "I. Mục đích, yêu cầu",
        "Ý thứ hai.",
        "1. Theo Kế hoạch ngày 20/9/2021.",  # the footnote, at the foot of the page
        "Khẩu hiệu tuyên truyền",
        "Nhiệt liệt chào mừng kỷ niệm 70 năm ngày thành lập Đảng bộ Khối!",
        "Đảng Cộng sản Việt Nam quang vinh muôn năm!",
        f"Trang 1/{result.pages}",
    ):
        assert expected in text, expected
    assert "Số " not in text, "no number line when the outline gives none"
    # Readable print: the body text is set at 14 pt (36-HD/VPTW: 13-14 pt), so most word boxes are over 13 pt high.
    assert statistics.median(word_heights(result.path)) >= 13


def test_unchanged_handout_is_not_rendered_again(tmp_path: Path) -> None:
    content, config = project(tmp_path)
    (_, first), = book.build_handouts(content, config)
    (_, second), = book.build_handouts(content, config)
    assert not first.cached and second.cached
    assert second.path == first.path and second.pages == first.pages


def test_handout_links_follow_the_options(tmp_path: Path) -> None:
    content, config = project(tmp_path)
    outline = content.outlines[0]
    assert book.handout_href(outline, config, is_serve=False) == "de-cuong/ky-niem-70-nam.pdf"
    assert book.handout_href(outline, config, is_serve=True) is None, "mkdocs serve leaves print out by default"
    titles = [(d.group, d.href) for d in book.downloads(content, config, is_serve=False)]
    assert titles == [("Đề cương tuyên truyền", "de-cuong/ky-niem-70-nam.pdf")], "no book without chapters"
    config.book.handouts = False
    assert book.handout_href(outline, config, is_serve=False) is None


def test_outline_dates_are_shown_as_precisely_as_written() -> None:
    # 36-HD/VPTW: a 0 before days under 10 and before months 1 and 2 only.
    assert book.place_and_date("Hải Dương", "2022-02-05") == "Hải Dương, ngày 05 tháng 02 năm 2022"
    assert book.place_and_date("Hải Dương", "2021-09-20") == "Hải Dương, ngày 20 tháng 9 năm 2021"
    assert book.place_and_date("Hải Dương", "2022-02") == "Hải Dương, tháng 02 năm 2022"
    assert book.place_and_date("Hải Dương", "2022") == "Hải Dương, năm 2022"
    assert book.document_kind("Đề cương tuyên truyền kỷ niệm 70 năm") == ("Đề cương tuyên truyền", "Kỷ niệm 70 năm")
    assert book.document_kind("Sinh hoạt chuyên đề") == ("Đề cương tuyên truyền", "Sinh hoạt chuyên đề")


def test_issuer_place_and_number_come_from_settings_and_the_outline(tmp_path: Path) -> None:
    content, config = project(tmp_path)
    outline_file = tmp_path / "slogans" / "outlines" / "01-ky-niem-70-nam.md"
    outline_file.write_text(OUTLINE.replace("date: 2022-01-10\n", 'date: 2022-01-10\nnumber: "45-ĐC/ĐUK"\n'),
                            encoding="utf-8")
    config.book.issuer = "Đảng ủy Khối các cơ quan tỉnh"
    config.book.issuer_above = "Đảng bộ tỉnh Hải Dương"
    config.book.place = "Thành phố Hải Dương"
    content = load_content(tmp_path, config, include_drafts=False)
    (_, result), = book.build_handouts(content, config)
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(result.path), "-"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [" ".join(line.split()) for line in layout if line.strip()]
    # Left column and right column share the first rows, as in the model layout.
    assert rows[0] == "ĐẢNG BỘ TỈNH HẢI DƯƠNG ĐẢNG CỘNG SẢN VIỆT NAM"
    assert rows[1].startswith("ĐẢNG ỦY KHỐI CÁC CƠ QUAN")
    assert "Số 45-ĐC/ĐUK" in " ".join(rows[:5])
    right = " ".join(line[len(line) // 2:].strip() for line in layout[:6])  # the right-hand column
    assert "Thành phố Hải Dương, ngày 10 tháng 01 năm 2022" in " ".join(right.split())


def test_an_undated_outline_leaves_day_and_month_blank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, config = project(tmp_path)
    outline_file = tmp_path / "slogans" / "outlines" / "01-ky-niem-70-nam.md"
    outline_file.write_text(OUTLINE.replace("date: 2022-01-10\n", ""), encoding="utf-8")
    content = load_content(tmp_path, config, include_drafts=False)
    assert content.outlines[0].date is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1644883200")  # 2022-02-15
    (_, result), = book.build_handouts(content, config)
    first = " ".join((PdfReader(result.path).pages[0].extract_text() or "").split())
    assert "Hải Dương, ngày tháng năm 2022" in first, "day and month left blank, to be written in when signed"
    assert first.index("Hải Dương, ngày") < first.index("ĐỀ CƯƠNG TUYÊN TRUYỀN") < first.index("I. Mục đích")
