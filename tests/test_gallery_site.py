"""Galleries in a real `mkdocs build` of a copy of the default project."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin

from PIL import Image
from sitebuild import build

from test_gallery import photo
from test_images import gps_photo, hostile

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".webp", ".png", ".gif"}


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
    mkdocs_yml = project / "mkdocs.yml"  # with the offline zip: its contents must be as clean as the site
    mkdocs_yml.write_text(MKDOCS_YML.replace("offline:\n        enabled: false", "offline:\n        enabled: true"),
                          encoding="utf-8")
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
    # Nothing private and no original reaches the site, nor the offline zip (compressed, so opened).
    originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sources(project)}
    published = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    with zipfile.ZipFile(site / "tai-ve" / "trang-web-ngoai-tuyen.zip") as offline_zip:
        packed = {f"zip:{name}": offline_zip.read(name) for name in offline_zip.namelist()}
    # The zip holds each photo once per offline size, as WebP, and its pages show those files.
    # (one size each here: the site's widest size, 640 px, is also the offline one).
    assert sum("/_anh/" in name and name.endswith(".webp") for name in packed) == len(sources(project)) == 3
    assert not any("/_anh/" in name and name.endswith(".jpg") for name in packed)
    zipped_album = packed["zip:trang-web-ky-niem/thu-vien-anh/tu-lieu/index.html"].decode("utf-8")
    for url in re.findall(r"(?:src|href|srcset)=\"?([^\s\">]+\.(?:webp|jpg))", zipped_album):
        assert "zip:trang-web-ky-niem/" + unquote(urljoin("thu-vien-anh/tu-lieu/index.html", url)) in packed, url
    for name, data in {**published, **packed}.items():
        assert b"KyniemCam" not in data and b"Exif\x00\x00" not in data and b"xmpmeta" not in data, name
        assert b"GPS" not in data or name.endswith((".js", ".css", ".html", ".json", ".pdf", ".zip")), name
        assert hashlib.sha256(data).hexdigest() not in originals, name
        if name.endswith((".jpg", ".webp", ".png")):
            with Image.open(io.BytesIO(data)) as image:
                assert not image.getexif() and "xmp" not in image.info and "icc_profile" not in image.info, name
    # A second build with nothing changed decodes nothing.
    again = build(project, "--strict")
    assert again.returncode == 0, again.stderr
    assert "ảnh: 0 dựng mới, 3 lấy từ bộ đệm; 0 vấn đề" in again.stderr
    kyniem_lines = [line for line in again.stderr.splitlines() if "kyniem:" in line]
    assert "ảnh:" in kyniem_lines[-1]  # the photo summary comes last
    assert any("bản ngoại tuyến" in line for line in kyniem_lines[:-1])
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
    Image.new("RGB", (40, 30), (9, 9, 9)).save(album / "png-ten-jpg.jpg", "PNG")
    photo(album / "Tot.jpg")  # differs from tot.jpg only by case
    photo(album / unicodedata.normalize("NFC", "Lễ.jpg"))
    photo(album / unicodedata.normalize("NFD", "Lễ.jpg"))  # differs only by Unicode form
    photo(project / "rieng-tu.jpg")
    os.symlink(project / "rieng-tu.jpg", album / "lien-ket.jpg")
    (album / "album.yml").write_text("title: Hỏng\nphotos:\n  - file: ../../../etc/passwd\n  - file: /etc/passwd\n",
                                     encoding="utf-8")
    bomb = project / "gallery" / "bom-yaml"
    photo(bomb / "a.jpg")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(97 + n)}: &{chr(97 + n)} [{','.join([f'*{chr(96 + n)}'] * 9)}]" for n in range(1, 9)]
    (bomb / "album.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = {f"gallery/hong/{path.name}": code for code, path in files}
    expected |= {"gallery/hong/png-ten-jpg.jpg": "tệp là ảnh PNG", "gallery/hong/tot.jpg": "chữ hoa/chữ thường",
                 f"gallery/hong/{unicodedata.normalize('NFC', 'Lễ.jpg')}": "mã hóa dấu",
                 "gallery/hong/lien-ket.jpg": "nằm ngoài thư mục album",
                 "gallery/hong/album.yml:3": "'../../../etc/passwd' trỏ ra ngoài thư mục album",
                 "gallery/hong/album.yml:4": "'/etc/passwd' là đường dẫn tuyệt đối",
                 "gallery/bom-yaml/album.yml": "tham chiếu (*tên)"}
    reasons = {"empty": "tệp rỗng", "truncated": "cắt cụt", "not-image": "không phải là ảnh",
               "bomb": "quá nhiều điểm ảnh"}
    strict = build(project, "--strict")
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr
    # One summary at the end: every problem on consecutive lines, then the count, nothing after but MkDocs' verdict.
    log = strict.stderr.splitlines()
    start = next(n for n, line in enumerate(log) if "gallery/" in line)
    summary = next(n for n, line in enumerate(log) if "vấn đề ở thư viện ảnh và ảnh trong chương" in line)
    block = log[start:summary]
    assert all(line.startswith("WARNING") and "gallery/" in line for line in block), block
    assert f"{len(block)} vấn đề" in log[summary]
    assert not any("gallery/" in line for line in log[summary:])
    for where, reason in expected.items():
        hits = [line for line in block if f" {where}" in line and reasons.get(reason, reason) in line]
        assert hits, (where, reason, block)
    lenient = build(project)
    assert lenient.returncode == 0, lenient.stderr
    assert "Traceback" not in lenient.stderr
    page = (project / "site" / "thu-vien-anh" / "hong" / "index.html").read_text(encoding="utf-8")
    assert page.count("<picture>") == 3  # Tot.jpg, png-ten-jpg.jpg (wrong name, still shown), one Lễ.jpg
    assert (project / "site" / "thu-vien-anh" / "bom-yaml" / "index.html").read_text(encoding="utf-8").count(
        "<picture>") == 1
    assert (project / "site" / "lich-su" / "index.html").is_file()
    assert not any("rieng-tu" in p.name for p in (project / "site").rglob("*"))


def _images_stage(project: Path) -> dict[str, int]:
    report = json.loads((project / ".cache" / "kyniem" / "build-report.json").read_text(encoding="utf-8"))
    return next(stage["detail"] for stage in report["stages"] if stage["name"] == "images")


def test_site_photos_are_readable_and_an_edit_in_the_site_never_reaches_the_cache(tmp_path: Path) -> None:
    """Photo files are linked from the cache into the site (no copy per build); a warm build decodes
    nothing; a site photo written into (in place, so through the link) is rendered again, not reused."""
    project = project_with_photos(tmp_path)
    assert build(project, "--strict").returncode == 0
    assert _images_stage(project) == {"ảnh tạo mới": 3, "ảnh lấy từ bộ đệm": 0}
    again = build(project, "--strict")
    assert again.returncode == 0, again.stderr
    assert _images_stage(project) == {"ảnh tạo mới": 0, "ảnh lấy từ bộ đệm": 3}
    site = project / "site"
    photos = sorted(p for p in site.rglob("*") if p.suffix in (".webp", ".jpg") and "_anh" in p.parts)
    assert len(photos) >= 3 * 2
    cache = project / ".cache" / "kyniem" / "images" / "objects"
    cached = {(p.stat().st_dev, p.stat().st_ino): p for p in cache.rglob("w*.*")}
    for path in photos:
        mode = path.stat().st_mode
        assert mode & stat.S_IROTH and mode & stat.S_IRGRP and not mode & stat.S_IWOTH, path  # a web server reads it
        assert (path.stat().st_dev, path.stat().st_ino) in cached, path  # the cache's file, not a copy
    victim = next(p for p in photos if p.suffix == ".webp")
    entry = cached[(victim.stat().st_dev, victim.stat().st_ino)]
    good = entry.read_bytes()
    with victim.open("r+b") as handle:  # what an editor or a tool writing in place would do
        handle.write(b"\0" * 64)
    third = build(project, "--strict")
    assert third.returncode == 0, third.stderr
    assert _images_stage(project) == {"ảnh tạo mới": 1, "ảnh lấy từ bộ đệm": 2}
    assert entry.read_bytes() == good  # rendered again into a new file
    with Image.open(victim) as image:
        image.load()  # the site's file is whole again


def test_a_fresh_checkout_with_the_restored_cache_renders_no_photo_and_reuses_the_zip(tmp_path: Path) -> None:
    """What CI does (.github/workflows/site.yml): a new clone (every file newer than the cache, in
    another folder) with kyniem's cache restored. No photo is rendered again, each is only hashed
    once, and the offline zip is the kept one; the site has the same bytes as the first build's."""
    import shutil

    project = project_with_photos(tmp_path / "first")
    assert build(project, "--strict").returncode == 0
    published = {p.relative_to(project / "site").as_posix(): p.read_bytes()
                 for p in (project / "site").rglob("*") if p.is_file()}
    clone = tmp_path / "clone"
    # A checkout writes every file anew (copyfile: new times); the cache comes back as it was saved.
    shutil.copytree(project, clone, copy_function=shutil.copyfile,
                    ignore=lambda folder, names: ["site", ".cache"] if Path(folder) == project else [])
    shutil.copytree(project / ".cache", clone / ".cache")
    result = build(clone, "--strict")
    assert result.returncode == 0, result.stderr
    assert _images_stage(clone) == {"ảnh tạo mới": 0, "ảnh lấy từ bộ đệm": 3}
    assert "bản ngoại tuyến" in result.stderr and "(không đổi, lấy từ bộ nhớ đệm)" in result.stderr
    rebuilt = {p.relative_to(clone / "site").as_posix(): p.read_bytes()
               for p in (clone / "site").rglob("*") if p.is_file()}
    assert rebuilt.keys() == published.keys()
    assert [name for name in published if rebuilt[name] != published[name]] == []
