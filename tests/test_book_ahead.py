"""The book made beside the pages (kyniem/book_ahead.py, issue 14): a one-chapter edit build makes both
editions while MkDocs renders the pages, and they are the very books a cold build of the edited site
makes; a build with much to render (a cold cache, a new chapter that renumbers the rest) makes the book
first, before MkDocs reads the pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from kyniem.book_ahead import BESIDE as AHEAD
from kyniem.book_ahead import FIRST
from kyniem.progress import REPORT_FILE
from sitebuild import build
from test_book_parts import EPOCH, LENGTHS, make_project, texts, write_chapter


MKDOCS = """site_name: Thử nghiệm sách
plugins:
  - kyniem:
      book:
        handouts: false
      banners:
        enabled: false
      offline:
        enabled: false
      compress: false
"""


def project(root: Path) -> Path:
    make_project(root)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    return root


def built(root: Path) -> dict:
    """Build ``root``; the book stage of its report."""
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((root / ".cache" / "kyniem" / REPORT_FILE).read_text(encoding="utf-8"))
    return next(s for s in report["stages"] if s["name"] == "book")


def books(root: Path) -> dict[str, bytes]:
    """Both editions' PDFs in the built site, by file name."""
    found = {path.name: path.read_bytes() for path in (root / "site" / "tai-ve").glob("*.pdf")}
    assert len(found) == 2 and any(name.endswith("-in-an.pdf") for name in found), sorted(found)
    return found


def test_an_edit_build_makes_the_book_beside_the_pages_as_a_cold_build_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = project(tmp_path / "project")
    cold = built(root)
    assert AHEAD not in cold["detail"] and FIRST in cold["detail"], "a cold cache: the book is made before the pages"
    assert cold["detail"]["chương dựng mới"] == len(LENGTHS)

    edited = root / "history" / "03-chuong-3.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("dùng để thử", "đã sửa để thử", 1), encoding="utf-8")
    edit = built(root)
    assert AHEAD in edit["detail"], "one chapter changed: the book is made beside the pages"
    assert FIRST not in edit["detail"]
    assert edit["detail"]["tệp dựng mới"] == 2
    assert edit["detail"]["chương dựng mới"] == 1, "one chapter rendered (the print-shop edition shares it)"
    made = books(root)

    fresh = tmp_path / "fresh"
    for name in ("history", "slogans", "docs", "mkdocs.yml"):
        copy = shutil.copytree if (root / name).is_dir() else shutil.copy
        copy(root / name, fresh / name)
    whole = built(fresh)
    assert AHEAD not in whole["detail"] and FIRST in whole["detail"]
    assert books(fresh) == made, "both editions byte for byte as a cold build of the edited site"
    screen = next(name for name in made if not name.endswith("-in-an.pdf"))
    assert "đã sửa để thử" in " ".join(texts(PdfReader(root / "site" / "tai-ve" / screen)))


def test_a_new_first_chapter_renumbers_the_rest_and_is_made_before_the_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = project(tmp_path / "project")
    built(root)
    write_chapter(root, 0, 3)  # "Chương 1" now: every chapter's number, in its own pages, moves
    stage = built(root)
    assert AHEAD not in stage["detail"] and FIRST in stage["detail"]
    assert stage["detail"]["chương dựng mới"] == len(LENGTHS) + 1
    screen = next(p for p in (root / "site" / "tai-ve").glob("*.pdf") if not p.name.endswith("-in-an.pdf"))
    assert "CHƯƠNG 7" in " ".join(texts(PdfReader(screen)))
