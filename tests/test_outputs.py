"""The editor's own files win: a hand-written file in docs/ where kyniem writes one of its own is
published as written (a named line in the log), or refused with an error where it would break the
site. A real project built with real MkDocs."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sitebuild import build

from kyniem import banners, book, offline
from kyniem.cli import load_project
from kyniem.content import load_content

MKDOCS_YML = """site_name: Thử
site_url: https://ky-niem.example/
theme: {name: material, language: vi, font: false}
plugins:
  - kyniem:
      banners: {dpi: 20}
      offline: {enabled: true}
"""

CHAPTER = '---\ntitle: "Thành lập"\nperiod: [1952, 1954]\n---\n\nNội dung chương.\n'
OUTLINE = '---\ntitle: "Đề cương tuyên truyền"\nstatus: published\n---\n\nNội dung đề cương.\n'


def _project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "history").mkdir()
    (root / "slogans" / "outlines").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "history" / "01-thanh-lap-1952-1954.md").write_text(CHAPTER, encoding="utf-8")
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (root / "slogans" / "outlines" / "de-cuong.md").write_text(OUTLINE, encoding="utf-8")
    return root


def _png(colour: tuple[int, int, int], gps: bool = False) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (20.0, 56.0, 30.0), 3: "E", 4: (106.0, 19.0, 0.0)}
    Image.new("RGB", (120, 63), colour).save(buffer, "PNG", exif=exif)
    return buffer.getvalue()


def _write(root: Path, site_path: str, data: bytes) -> None:
    path = root / "docs" / site_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_hand_written_files_win_and_those_that_would_break_the_site_are_refused(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    project = load_project(root)
    content = load_content(project.root, project.settings, include_drafts=False, docs_dir=project.docs_dir)
    slogan = content.slogans[0]
    stem = banners.file_stem(0, slogan)
    mine = {
        "robots.txt": b"User-agent: *\nDisallow: /\n",
        "sitemap.xml": b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n',
        f"{banners.BANNERS_DIR}/{stem}.pdf": b"%PDF-1.4 bang ron tu ve\n",
        banners.preview_file(0, slogan): _png((200, 0, 0)),
        book.book_file(content, project.settings, "screen"): b"%PDF-1.4 sach tu in\n",
        book.handout_file(content.outlines[0]): b"%PDF-1.4 de cuong tu in\n",
        offline.ZIP_PATH: b"PK\x05\x06" + b"\x00" * 18,
    }
    # A share picture of the editor's own, with GPS: published as written, less its location.
    share = "assets/kyniem/social/index.png"
    _write(root, share, _png((0, 0, 200), gps=True))
    breaking = ("lich-su/index.md", "search/kyniem-index.js", "assets/kyniem/js/quiz.js")
    for site_path, data in mine.items():
        _write(root, site_path, data)
    for site_path in breaking:
        _write(root, site_path, b"# tu viet\n")

    refused = build(root)
    assert refused.returncode == 1
    for site_path in breaking:
        assert f"docs/{site_path}:" in refused.stderr, (site_path, refused.stderr)
    assert "trang này do kyniem tự tạo từ các thư mục nội dung" in refused.stderr
    assert refused.stderr.count("đăng nó sẽ làm hỏng trang web") == 2, refused.stderr

    for site_path in breaking:
        (root / "docs" / site_path).unlink()
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    for site_path, data in mine.items():
        assert (site / site_path).read_bytes() == data, site_path
        assert (f"docs/{site_path}: tệp viết tay được đăng đúng như đã viết; bản {site_path} do kyniem tạo "
                "không được đăng") in result.stderr, (site_path, result.stderr)
    published_share = (site / share).read_bytes()
    assert b"Exif" not in published_share and Image.open(io.BytesIO(published_share)).getpixel((5, 5)) == (0, 0, 200)
    assert f"docs/{share}: tệp viết tay được đăng đúng như đã viết" in result.stderr
    # What the editor did not write is still kyniem's: the banner's PNG beside the hand-written PDF.
    assert (site / banners.BANNERS_DIR / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (site / banners.BANNERS_DIR / f"{stem}.png").stat().st_size > 1000
    assert build(root, "--strict").returncode == 0  # a file put there on purpose does not fail publishing
