"""Galleries in a real `mkdocs build` of a copy of the default project."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

from PIL import Image

from test_gallery import photo
from test_images import gps_photo, hostile

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".webp", ".png", ".gif"}


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `mkdocs build` in ``project`` (tests/browser has its own conftest, so no import from it)."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(project / "site"), *args],
                          cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          capture_output=True, text=True, timeout=600)


MKDOCS_YML = """\
site_name: Thử thư viện ảnh
site_url: https://example.org/
theme:
  name: material
  language: vi
  font: false
plugins:
  - kyniem:
      gallery:
        widths: [160, 320, 640]
      book:
        enabled: false
      banners:
        enabled: false
      offline:
        enabled: false
  - glightbox
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
"""
CHAPTER = """\
---
title: "Thành lập"
period: [1952, 1954]
status: published
---
Nội dung mẫu.

![Ảnh minh họa](anh/le.jpg "Ảnh minh họa")
"""


def minimal_project(tmp_path: Path) -> Path:
    """A small project of its own, so these builds test galleries and stay quick."""
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Trang chủ\n\nNội dung mẫu.\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (project / "history").mkdir()
    (project / "history" / "01-thanh-lap.md").write_text(CHAPTER, encoding="utf-8")
    photo(project / "history" / "anh" / "le.jpg", size=(900, 600))
    (project / "slogans").mkdir()
    (project / "slogans" / "slogans.yml").write_text("slogans:\n  - text: Nội dung mẫu\n", encoding="utf-8")
    return project


def project_with_photos(tmp_path: Path) -> Path:
    project = minimal_project(tmp_path)
    album = project / "gallery" / "tu-lieu"
    album.mkdir(parents=True)
    gps_photo(album / "gps.jpg", size=(700, 500))
    photo(album / "hai.jpg", size=(500, 700))
    (album / "album.yml").write_text(
        'title: "Tư liệu"\ndate: 2021-12\nphotos:\n  - file: gps.jpg\n    caption: "<script>alert(1)</script>"\n',
        encoding="utf-8")
    return project


def sources(project: Path) -> list[Path]:
    return [p for p in [*(project / "gallery").rglob("*"), *(project / "history").rglob("*")]
            if p.suffix.lower() in IMAGE_SUFFIXES]


def test_site_publishes_derivatives_only_and_rebuilds_warm(tmp_path: Path) -> None:
    project = project_with_photos(tmp_path)
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    album_page = (site / "thu-vien-anh" / "tu-lieu" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in album_page and "<script>alert(1)" not in album_page
    assert "glightbox.min.js" in album_page
    chapter_page = (site / "lich-su" / "thanh-lap" / "index.html").read_text(encoding="utf-8")
    assert "<picture>" in chapter_page and "kn-figure" in chapter_page
    # Every image URL on the pages points at a published file.
    for page_path, markup in ((site / "thu-vien-anh" / "tu-lieu" / "index.html", album_page),
                              (site / "lich-su" / "thanh-lap" / "index.html", chapter_page)):
        urls = re.findall(r"(?:src|href|srcset)=\"?([^\s\">]+\.(?:webp|jpg))", markup)
        assert urls
        base = page_path.relative_to(site).as_posix()
        for url in urls:
            assert (site / unquote(urljoin(base, url))).is_file(), url
    # Nothing private and no original reaches the site.
    originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sources(project)}
    published = [p for p in site.rglob("*") if p.is_file()]
    for path in published:
        data = path.read_bytes()
        assert b"KyniemCam" not in data and b"Exif\x00\x00" not in data and b"xmpmeta" not in data, path
        assert hashlib.sha256(data).hexdigest() not in originals, path
        if path.suffix in (".jpg", ".webp") and "_anh" in path.parts:
            with Image.open(path) as image:
                assert not image.getexif() and "xmp" not in image.info, path
    # A second build with nothing changed decodes nothing.
    again = build(project, "--strict")
    assert again.returncode == 0, again.stderr
    assert "decoded=0, reused=3, hashed=0" in again.stderr
    # A deleted photo's derivatives leave the site and the cache.
    gps_files = {p.name for p in (site / "thu-vien-anh" / "_anh" / "tu-lieu").iterdir() if p.name.startswith("gps-")}
    assert gps_files
    cache_before = {p for p in (project / ".cache" / "kyniem" / "images" / "objects").rglob("*.webp")}
    (project / "gallery" / "tu-lieu" / "gps.jpg").unlink()
    (project / "gallery" / "tu-lieu" / "album.yml").write_text("title: Tư liệu\n", encoding="utf-8")
    third = build(project, "--strict")
    assert third.returncode == 0, third.stderr
    assert not any(p.name in gps_files for p in site.rglob("*"))
    cache_after = {p for p in (project / ".cache" / "kyniem" / "images" / "objects").rglob("*.webp")}
    assert cache_after < cache_before


def test_hostile_album_fails_strict_with_one_summary_and_builds_otherwise(tmp_path: Path) -> None:
    project = minimal_project(tmp_path)
    album = project / "gallery" / "hong"
    album.mkdir(parents=True)
    files = hostile(album)
    photo(album / "tot.jpg")
    (album / "album.yml").write_text("title: Hỏng\nphotos:\n  - file: ../../../etc/passwd\n", encoding="utf-8")
    strict = build(project, "--strict")
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr
    for _, path in files:
        assert f"gallery/hong/{path.name}" in strict.stderr
    assert "gallery/hong/album.yml:3: file: '../../../etc/passwd'" in strict.stderr
    lenient = build(project)
    assert lenient.returncode == 0, lenient.stderr
    assert "Traceback" not in lenient.stderr
    page = (project / "site" / "thu-vien-anh" / "hong" / "index.html").read_text(encoding="utf-8")
    assert page.count("<picture>") == 1
    assert (project / "site" / "lich-su" / "index.html").is_file()
