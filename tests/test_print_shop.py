"""Print a print shop and a party office accept as they are (issue 13), read back from real PDFs.

The book's two editions, the handouts and the banners are rendered for real and
opened with pypdf and poppler's pdftotext -layout, the way a print shop's
preflight and a reader would see them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from kyniem import banners, book, typeset
from kyniem.check import check_project
from kyniem.cli import load_project
from kyniem.config import BannerConfig, KyniemConfig
from kyniem.content import Content, Slogan, load_content

REPO = Path(__file__).resolve().parent.parent
MM = 72 / 25.4

# A chapter reaching 2025, one whose title already gives its years, and paragraphs of every length
# that end on a date range and a footnote: wherever the lines fall, a range or a mark would be cut.
CHAPTER_1 = """---
title: "Thành lập Đảng bộ Khối (1952 – 1954)"
period: [1952, 1954]
---

{paragraphs}

{notes}
"""

CHAPTER_2 = """---
title: "Thời kỳ đổi mới"
period: [2011, 2025]
sources:
  - "Tài liệu mẫu"
---

Chủ tịch Hồ Chí Minh và Đảng Cộng sản Việt Nam, giai đoạn 2011 – 2025, ngày 15 tháng 02 năm 2022.
"""

WORDS = "Nội dung mẫu về truyền thống của Đảng bộ Khối các cơ quan tỉnh Hải Dương qua các thời kỳ lịch sử".split()
PARAGRAPHS = 24
RANGE = "(15/02/1952 – 15/02/2022)"


def make_project(root: Path) -> None:
    history = root / "history"
    history.mkdir(parents=True)
    # The mark straight after the range, after a space an editor typed, after a closing quote.
    endings = [f"{RANGE}[^n{{n}}].", f"{RANGE} [^n{{n}}].", f"“{RANGE}”[^n{{n}}]."]
    paragraphs = "\n\n".join(
        " ".join((WORDS * 4)[: 5 + 3 * n]) + " " + endings[n % 3].format(n=n) for n in range(PARAGRAPHS)
    )
    notes = "\n".join(f"[^n{n}]: Ghi chú số {n + 1}." for n in range(PARAGRAPHS))
    (history / "01-thanh-lap.md").write_text(CHAPTER_1.format(paragraphs=paragraphs, notes=notes), encoding="utf-8")
    outlines = root / "slogans" / "outlines"
    outlines.mkdir(parents=True)
    (outlines / "de-cuong.md").write_text(CHAPTER_1.replace('period: [1952, 1954]\n', "").format(
        paragraphs=paragraphs + "\n\n" + CHAPTER_2.split("---")[-1].strip(), notes=notes), encoding="utf-8")
    (history / "02-doi-moi.md").write_text(CHAPTER_2, encoding="utf-8")
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Muôn năm!"\n', encoding="utf-8")


def settings(**options: object) -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict(options)
    errors, _ = config.validate()
    assert not errors, errors
    return config


COLOPHON = {
    "responsible": "Nguyễn Văn A",
    "compilers": ["Trần Thị B", "Nguyễn Văn A"],
    "print_run": 500,
    "printer": "Công ty in mẫu",
    "license": "Giấy phép xuất bản số 00/GP-STTTT (mẫu)",
    "internal": True,
}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("print-shop")
    make_project(root)
    config = settings(book=COLOPHON)
    content = load_content(root, config, include_drafts=False)
    assert not content.report.errors, content.report.errors
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1644883200")  # 2022-02-15
    try:
        made = {}
        for edition in ("screen", "print"):
            out = root / book.book_file(content, config, edition)
            result = book.build_book(content, config, out, edition)
            assert result is not None
            made[edition] = result
        ((_, made["handout"]),) = book.build_handouts(content, config)
    finally:
        mp.undo()
    return {"root": root, "config": config, "content": content, **made}


def layout_text(pdf: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def flat(pdf: Path) -> str:
    return " ".join(" ".join(layout_text(pdf)).split())


def test_title_and_years_come_from_the_published_chapters(editions: dict) -> None:
    content: Content = editions["content"]
    title = "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương giai đoạn 1952 – 2025"
    for edition in ("screen", "print"):
        result = editions[edition]
        reader = PdfReader(result.path)
        assert reader.metadata.title == title
        cover = " ".join((reader.pages[0].extract_text() or "").split())
        assert "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương" in cover and "1952 – 2025" in cover
        assert cover.count("1952 – 2025") == 1, "the years once on the cover"
    assert editions["screen"].path.name == "lich-su-dang-bo-khoi-cac-co-quan-tinh-hai-duong-giai-doan-1952-2025.pdf"
    assert editions["print"].path.name == "lich-su-dang-bo-khoi-cac-co-quan-tinh-hai-duong-giai-doan-1952-2025-in-an.pdf"
    # The downloads page lists the book under the title the PDF carries, linking to the files written.
    entries = [e for e in book.downloads(content, editions["config"], is_serve=False) if e.group == "Sách lịch sử"]
    assert [e.title for e in entries] == [title, f"{title} (bản in ấn)"]
    assert [e.href for e in entries] == [f"{DL}/{editions[e].path.name}"[len(DL) + 1:] for e in ("screen", "print")]


DL = book.DOWNLOADS_DIR


def test_settings_override_title_and_years(tmp_path: Path) -> None:
    make_project(tmp_path)
    config = settings(book={"title": "Lịch sử Đảng bộ Khối", "years": "1952 – 2022"})
    content = load_content(tmp_path, config, include_drafts=False)
    assert book.book_title(content, config).full == "Lịch sử Đảng bộ Khối giai đoạn 1952 – 2022"
    config = settings(book={"title": "Lịch sử Đảng bộ Khối (1952 - 2022)", "years": "1952 – 2022"})
    assert book.book_title(content, config).full == "Lịch sử Đảng bộ Khối (1952 - 2022)", "years never twice"


def test_toc_gives_each_entry_and_its_years_once(editions: dict) -> None:
    reader = PdfReader(editions["screen"].path)
    toc = next(" ".join(t.split()) for t in (p.extract_text() or "" for p in reader.pages) if t.startswith("Mục lục"))
    entries = re.findall(r"Chương \d+\.", toc)
    assert entries == ["Chương 1.", "Chương 2."]
    assert toc.count("1952 – 1954") == 1, toc
    assert toc.count("2011 – 2025") == 1, toc
    assert toc.count("Tài liệu tham khảo") == 1


def test_no_line_starts_with_a_lone_footnote_mark_or_half_a_range(editions: dict) -> None:
    for edition in ("screen", "print", "handout"):
        lines = layout_text(editions[edition].path)
        text = "\n".join(lines)
        # Every paragraph's range is whole and its footnote mark follows it on the same line.
        assert len(re.findall(re.escape(RANGE) + r"”?\d+\.", text)) == PARAGRAPHS, edition
        for number, line in enumerate(lines):
            assert not re.match(r"^\s*[–-]\s*\d", line), (edition, number, line)
            assert not re.search(r"\d{4}\s*[–-]\s*$", line), (edition, number, line)
            assert not re.match(r"^\s*\d{1,2}\.\s*$", line), (edition, number, line)  # a mark alone on its line
        for name in ("Hồ Chí Minh", "Đảng Cộng sản Việt Nam", "ngày 15 tháng 02 năm 2022"):
            assert name in text, (edition, name)


def test_print_edition_has_bleed_marks_and_pages_in_fours(editions: dict) -> None:
    screen, printed = PdfReader(editions["screen"].path), PdfReader(editions["print"].path)
    assert len(printed.pages) % 4 == 0 and editions["print"].pages == len(printed.pages)
    assert len(printed.pages) - len(screen.pages) in range(4), "only blank pages are added"
    assert (printed.pages[-1].extract_text() or "").strip() == (screen.pages[-1].extract_text() or "").strip(), \
        "the colophon stays the last page"
    bleed = 3 * MM
    for page in printed.pages:
        trim, bleed_box, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(float(trim.width) / MM), round(float(trim.height) / MM)) == (176, 250)
        assert abs(float(trim.left) - float(bleed_box.left) - bleed) < 0.1
        assert abs(float(bleed_box.top) - float(trim.top) - bleed) < 0.1
        assert float(media.width) > float(bleed_box.width), "room for the crop marks outside the bleed"
    page = screen.pages[0]
    assert page.trimbox == page.mediabox, "the screen edition is the trimmed page alone"


def test_colophon_and_cover_carry_the_publication_details(editions: dict) -> None:
    reader = PdfReader(editions["print"].path)
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    for expected in ("Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương giai đoạn 1952 – 2025",
                     "Đảng ủy Khối các cơ quan tỉnh Hải Dương",
                     "Chịu trách nhiệm nội dung: Nguyễn Văn A", "Biên soạn: Trần Thị B, Nguyễn Văn A",
                     "Khổ 17,6 × 25 cm", "Số lượng in: 500 cuốn", "In tại Công ty in mẫu",
                     "Giấy phép xuất bản số 00/GP-STTTT (mẫu)", "Ngày tạo: 15/02/2022", "LƯU HÀNH NỘI BỘ"):
        assert expected in last, expected
    assert "LƯU HÀNH NỘI BỘ" in " ".join((reader.pages[0].extract_text() or "").split())


def test_colophon_leaves_out_what_is_not_set(tmp_path: Path) -> None:
    make_project(tmp_path)
    config = settings(book={"print_edition": False})
    content = load_content(tmp_path, config, include_drafts=False)
    result = book.build_book(content, config, tmp_path / "sach.pdf")
    last = " ".join((PdfReader(result.path).pages[-1].extract_text() or "").split())
    assert "Khổ 17,6 × 25 cm" in last
    for absent in ("Chịu trách nhiệm", "Biên soạn", "Số lượng in", "NỘI BỘ"):
        assert absent not in last
    books = [e.title for e in book.downloads(content, config, is_serve=False) if e.group == "Sách lịch sử"]
    assert books == [book.book_title(content, config).full], "no print-shop edition when it is turned off"


def srgb_intent(pdf: Path) -> str:
    intents = PdfReader(pdf).trailer["/Root"]["/OutputIntents"]
    (intent,) = [i.get_object() for i in intents]
    return str(intent["/OutputConditionIdentifier"])


def test_every_pdf_declares_srgb(editions: dict, tmp_path: Path) -> None:
    for edition in ("screen", "print"):
        assert "sRGB" in srgb_intent(editions[edition].path)
    (result,) = banners.build_banners([Slogan("Muôn năm!", "", 1)], banner_options(dpi=10), tmp_path / "site",
                                      tmp_path / "cache")
    assert "sRGB" in srgb_intent(result.pdf)
    assert "sRGB" in srgb_intent(editions["handout"].path)


def test_no_break_rules_are_one_function_for_every_output() -> None:
    phrases = typeset.phrases_for("Đảng bộ Khối các cơ quan tỉnh Hải Dương")
    text = "Kỷ niệm 70 năm Đảng bộ Khối (15/02/1952 - 15/2/2022), Hồ Chí Minh, Nguyễn Văn A và 1952 – 2020."
    runs = [text[a:b] for a, b in typeset.unbreakable_spans(text, phrases)]
    assert runs == ["Đảng bộ Khối", "15/02/1952 - 15/2/2022", "Hồ Chí Minh,", "Nguyễn Văn A", "1952 – 2020"]
    html = typeset.nobr_html("<p>năm 1952 – 2020</p><style>p{}</style>")
    assert html == '<p>năm <span class="kn-nobr">1952 – 2020</span></p><style>p{}</style>'


# --- Banners --------------------------------------------------------------------------------------


def banner_options(**values: object) -> BannerConfig:
    config = BannerConfig()
    config.load_dict(values)
    errors, _ = config.validate()
    assert not errors
    return config


def default_slogans() -> tuple[list[Slogan], KyniemConfig]:
    """The repository's own slogans and settings, as the default site builds them."""
    project = load_project(REPO)
    content = load_content(REPO, project.settings, include_drafts=False)
    return content.slogans, project.settings


def test_default_banners_split_no_name_and_have_letters_above_the_floor() -> None:
    slogans, config = default_slogans()
    phrases = typeset.phrases_for(config.organization, config.keep_together)
    assert "Đảng bộ Khối các cơ quan tỉnh Hải Dương" in phrases
    for slogan in slogans:
        banner = banners.spec(slogan, config.banners)
        plan = banners.plan_for(slogan, banner, phrases)
        lines = [line.lower() for line in plan.lines]
        for phrase in phrases:
            if phrase.lower() in " ".join(banners.banner_text(slogan, banner).lower().split(" / ")):
                assert any(phrase.lower() in line for line in lines), (phrase, plan.lines)
        for first, second in zip(plan.lines, plan.lines[1:]):
            assert not (re.search(r"\d\s*[–-]$", first) and second[:1].isdigit()), plan.lines
            assert not first.endswith(("ĐẢNG BỘ", "ĐẢNG CỘNG SẢN", "HỒ CHÍ")), plan.lines
        letters = banners.letter_height_cm(plan, banner.dpi)
        assert letters >= config.banners.min_letter_cm, (slogan.text, letters)
    assert banners.check_slogans(slogans, config.banners, "slogans/slogans.yml", phrases) == []


def test_slash_forces_a_break_and_a_slogan_sets_its_own_size_and_lines(tmp_path: Path) -> None:
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text(
        'slogans:\n'
        '  - text: "Đảng bộ Khối / quang vinh"\n'
        '  - text: "Đảng Cộng sản Việt Nam quang vinh muôn năm!"\n'
        '    width_m: 3\n    height_m: 1.2\n    lines: 3\n'
        '  - text: "Sai kích thước"\n    width_m: "năm mét"\n    lines: 9\n',
        encoding="utf-8")
    config = settings()
    content = load_content(tmp_path, config, include_drafts=False)
    problems = [(p.file, p.line, p.code) for p in content.report.errors]
    assert problems == [("slogans/slogans.yml", 8, "banner-size"), ("slogans/slogans.yml", 9, "banner-lines")]
    assert all("ví dụ" in p.message for p in content.report.errors), "the message shows how to fix it"
    forced, sized = content.slogans[:2]
    assert banners.plan_for(forced, banners.spec(forced, config.banners)).lines == ("ĐẢNG BỘ KHỐI", "QUANG VINH")
    banner = banners.spec(sized, config.banners)
    assert (banner.width_m, banner.height_m) == (3.0, 1.2)
    assert banners.pixel_size(banner) == (round(3 / 0.0254 * 100), round(1.2 / 0.0254 * 100))
    assert len(banners.plan_for(sized, banner).lines) == 3


def test_small_letters_are_a_warning_naming_the_slogan_line() -> None:
    long = Slogan("Nhiệt liệt chào mừng kỷ niệm 70 năm ngày thành lập Đảng bộ Khối các cơ quan tỉnh Hải Dương, "
                  "thi đua thực hiện thắng lợi Nghị quyết Đại hội Đảng các cấp nhiệm kỳ 2020 – 2025!", "", 4,
                  width_m=2.0, height_m=0.4)
    (finding,) = banners.check_slogans([long], banner_options(), "slogans/slogans.yml")
    assert (finding.file, finding.line, finding.severity, finding.code) == ("slogans/slogans.yml", 4, "warning",
                                                                           "banner-small-letters")
    assert "banners.min_letter_cm" in finding.message and "width_m" in finding.message


@pytest.mark.parametrize("safe_mm", [50, 150])
def test_text_stays_within_the_safe_margin(safe_mm: int) -> None:
    slogan = Slogan("Đảng Cộng sản Việt Nam quang vinh muôn năm!", "", 1)
    settings_ = banner_options(dpi=20, safe_mm=safe_mm, width_m=3, height_m=0.8)
    banner = banners.spec(slogan, settings_)
    plan = banners.plan_for(slogan, banner)
    image = banners.draw(plan).convert("RGB")
    ink = ImageChops.difference(image, Image.new("RGB", image.size, banners.RED)).getbbox()
    safe = round(safe_mm / 25.4 * 20)
    edge = plan.bleed  # the PNG starts at the bleed's edge
    assert plan.margin_x >= safe and plan.margin_y >= safe
    assert ink[0] - edge >= safe and ink[1] - edge >= safe, (ink, safe)
    assert plan.width - (ink[2] - edge) >= safe and plan.height - (ink[3] - edge) >= safe, (ink, safe)


def test_a_twenty_metre_banner_opens_in_acrobat_and_carries_trim_and_bleed(tmp_path: Path) -> None:
    settings_ = banner_options(width_m=20, height_m=1.5, dpi=10)
    (result,) = banners.build_banners([Slogan("Muôn năm!", "", 1)], settings_, tmp_path / "site", tmp_path / "cache")
    (page,) = PdfReader(result.pdf).pages
    unit = page.user_unit
    assert max(float(page.mediabox.width), float(page.mediabox.height)) <= banners.PDF_MAX_UNITS
    assert unit > 1
    trim, bleed = page.trimbox, page.bleedbox
    assert (round(float(trim.width) * unit / MM), round(float(trim.height) * unit / MM)) == (20000, 1500)
    assert round((float(trim.left) - float(bleed.left)) * unit / MM) == settings_.bleed_mm
    assert float(page.mediabox.width) > float(bleed.width), "crop marks outside the bleed"
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.strip() == "MUÔN NĂM!"


def test_a_size_beyond_the_memory_budget_is_refused_with_its_number(tmp_path: Path) -> None:
    (problem,) = banners.check_settings(banner_options(width_m=20, height_m=2, dpi=300))
    assert problem.severity == "error" and problem.code == "banner-memory"
    needed = banners.memory_mb(banners.spec(None, banner_options(width_m=20, height_m=2, dpi=300)))
    assert f"{needed:,}".replace(",", ".") in problem.message and "1.024 MB" in problem.message
    assert "Hạ dpi xuống" in problem.message
    # kyniem check says so too, naming the settings file.
    (tmp_path / "mkdocs.yml").write_text("site_name: Thử\nplugins:\n  - kyniem:\n      banners:\n"
                                         "        width_m: 20\n        height_m: 2\n        dpi: 300\n", encoding="utf-8")
    (tmp_path / "history").mkdir()
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Muôn năm!"\n', encoding="utf-8")
    found = [p for p in check_project(load_project(tmp_path)) if p.code == "banner-memory"]
    assert found and found[0].file == "mkdocs.yml" and found[0].severity == "error"


def test_kyniem_book_writes_the_print_edition_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import main

    make_project(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: Thử\nplugins:\n  - kyniem\n", encoding="utf-8")
    out = tmp_path / "sach-in-an.pdf"
    assert main(["book", "-o", str(out), "--in-an", "--project", str(tmp_path)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) % 4 == 0
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].trimbox.width)
    assert f"({len(reader.pages)} trang" in capsys.readouterr().out
