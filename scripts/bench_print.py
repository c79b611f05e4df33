"""Print-shop figures of the default site (issue 13), side by side with a baseline measured in the same run.

Book: pages, render time, and line-break faults read back with pdftotext -layout
(a year range cut at a line's end, a footnote mark alone), with the no-break
rules on and switched off (the baseline). Banners: capital letter height and
forbidden splits of every default slogan, as laid out now and as before issue 13
(every banner 5 m x 0.8 m, two lines, no names kept together); render time and
PDF page size of a 5 m and a 20 m banner.

Usage: .venv/bin/python scripts/bench_print.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from pypdf import PdfReader  # noqa: E402

from kyniem import banners, book, typeset  # noqa: E402
from kyniem.cli import load_project  # noqa: E402
from kyniem.config import BannerConfig  # noqa: E402
from kyniem.content import Slogan, load_content  # noqa: E402
from make_big_site import copy_parts  # noqa: E402


def faults(pdf: Path) -> tuple[int, int]:
    """(year or date ranges cut at a line's end, footnote marks alone on a line)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    cut = len(re.findall(r"\d{4}\s*[–-]\s*$", text, re.M)) + len(re.findall(r"^\s*[–-]\s*\d", text, re.M))
    lone = len(re.findall(r"^\s*\d{1,2}\.?\s*$", text, re.M)) - len(re.findall(r"^\s*\d{1,3}\s*$", text, re.M))
    return cut, max(lone, 0)


def bench_book(root: Path) -> None:
    project = load_project(root)
    content = load_content(root, project.settings, include_drafts=False)
    print("Book (default site)                      pages   seconds  ranges cut  lone marks")
    for edition in ("screen", "print"):
        out = root / book.book_file(content, project.settings, edition)
        result = book.build_book(content, project.settings, out, edition)
        cut, lone = faults(out)
        print(f"  {edition:<38} {result.pages:5d} {result.seconds:9.1f} {cut:11d} {lone:11d}")
    # Baseline: the same book with the no-break rules switched off.
    nobr, anchor = book.nobr_html, book._PrintTreeprocessor._anchor
    book.nobr_html = lambda html, *args, **kwargs: html
    book._PrintTreeprocessor._anchor = lambda self, note, parents: None
    try:
        out = root / "baseline.pdf"
        result = book.build_book(content, project.settings, out)
        cut, lone = faults(out)
        print(f"  {'baseline: no-break rules off':<38} {result.pages:5d} {result.seconds:9.1f} {cut:11d} {lone:11d}")
    finally:
        book.nobr_html, book._PrintTreeprocessor._anchor = nobr, anchor


def split_phrases(lines: tuple[str, ...], phrases: tuple[str, ...], text: str) -> int:
    whole = " ".join(lines).lower()
    return sum(1 for p in phrases if p.lower() in whole and not any(p.lower() in line.lower() for line in lines)
               and p.lower() in text.lower())


def bench_banners(root: Path) -> None:
    project = load_project(root)
    content = load_content(root, project.settings, include_drafts=False)
    settings = project.settings.banners
    phrases = typeset.phrases_for(project.settings.organization, project.settings.keep_together)
    print("\nBanners: capital height (cm) / names split      baseline (5 x 0.8 m, 2 lines)   now")
    old = banners.spec(None, settings)
    for slogan in content.slogans:
        banner = banners.spec(slogan, settings)
        plan = banners.plan_for(slogan, banner, phrases)
        width, height = banners.pixel_size(old)
        before = banners.layout(banners.banner_text(slogan, old), width, height, max_lines=2, phrases=())
        text = banners.banner_text(slogan, banner)
        print(f"  {slogan.text[:44]:<46} {banners.letter_height_cm(before, old.dpi):6.1f} / "
              f"{split_phrases(before.lines, phrases, text)}{'':18}"
              f"{banners.letter_height_cm(plan, banner.dpi):6.1f} / {split_phrases(plan.lines, phrases, text)}"
              f"   {banner.size_label}, {len(plan.lines)} lines")
    print("\nBanner PDFs                    seconds  page side (units)  UserUnit  trimmed width (m)")
    for width_m in (5, 20):
        config = BannerConfig()
        config.load_dict({"width_m": width_m, "height_m": 1.0, "dpi": 100 if width_m == 5 else 50})
        config.validate()
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            (result,) = banners.build_banners([Slogan("Đảng Cộng sản Việt Nam quang vinh muôn năm!", "", 1)], config,
                                              Path(folder) / "site", Path(folder) / "cache", workers=1)
            seconds = time.perf_counter() - started
            page = PdfReader(result.pdf).pages[0]
            side = max(float(page.mediabox.width), float(page.mediabox.height))
            trimmed = float(page.trimbox.width) * page.user_unit / 72 * 0.0254
            print(f"  {width_m:>2} m x 1 m at {config.dpi:3d} dpi       {seconds:7.1f} {side:18.0f} {page.user_unit:9g} "
                  f"{trimmed:18.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_parts(Path(folder))
        bench_book(root)
        bench_banners(root)


if __name__ == "__main__":
    main()
