"""The offline zip: folder links point at index.html, search runs from files, builds are reproducible."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from kyniem.offline import SHIM_PATH, build_zip, link_map, rewrite_links

PAGE = """<!doctype html><html><head><meta charset=utf-8><link rel=canonical href=https://kyniem.example/lich-su/a/>
</head><body><a href=../../>Trang chủ</a> <a href="../">Lịch sử</a> <a href='../b/#muc-1'>B</a>
<a href=./>Đây</a> <a href=#tren>Lên</a> <a href="../../tai-ve/sach.pdf">Sách</a> <a href="../../khong-co/">?</a>
<img src=../../assets/anh.jpg alt="Ảnh minh họa"></body></html>"""


def _site(root: Path) -> Path:
    site = root / "site"
    for folder in ("", "lich-su/", "lich-su/a/", "lich-su/b/"):
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / "index.html").write_text(f"<html><head></head><body>{folder}</body></html>", encoding="utf-8")
    (site / "lich-su/a/index.html").write_text(PAGE, encoding="utf-8")
    (site / "tai-ve").mkdir()
    (site / "tai-ve/sach.pdf").write_bytes(b"%PDF-1.7 sample")
    (site / "assets").mkdir()
    (site / "assets/anh.jpg").write_bytes(b"\xff\xd8\xff sample")
    (site / "assets/kyniem/social").mkdir(parents=True)
    (site / "assets/kyniem/social/index.png").write_bytes(b"\x89PNG sample")
    (site / "search").mkdir()
    index = {"config": {"lang": ["vi"]}, "docs": [
        {"location": "", "title": "Trang chủ", "text": ""},
        {"location": "lich-su/a/#muc-1", "title": "Mục 1", "text": "<p>Hải Dương</p>"},
    ]}
    (site / "search/search_index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    (site / "search/kyniem-index.js").write_text('kyniemSearchIndex({"words":[],"docs":[]});', encoding="utf-8")
    return site


def test_rewrite_links_to_folders(tmp_path: Path) -> None:
    site = _site(tmp_path)
    folders = link_map(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert folders == {".", "lich-su", "lich-su/a", "lich-su/b"}
    out = rewrite_links(PAGE, folders, "lich-su/a/index.html")
    assert '<a href="../../index.html">Trang chủ</a>' in out
    assert '<a href="../index.html">Lịch sử</a>' in out
    assert '<a href="../b/index.html#muc-1">B</a>' in out
    assert '<a href="./index.html">Đây</a>' in out
    assert "<a href=#tren>" in out
    assert 'href="../../tai-ve/sach.pdf"' in out
    assert 'href="../../khong-co/"' in out, "a folder without index.html is left alone"
    assert "href=https://kyniem.example/lich-su/a/>" in out
    assert "src=../../assets/anh.jpg" in out


def test_build_zip(tmp_path: Path) -> None:
    site = _site(tmp_path)
    zip_path = site / "tai-ve" / "offline.zip"
    result = build_zip(site, zip_path, "trang")
    assert result.path == zip_path and result.size == zip_path.stat().st_size
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        assert result.files == len(names)
        assert all(name.startswith("trang/") for name in names)
        assert "trang/tai-ve/offline.zip" not in names
        assert "trang/assets/kyniem/social/index.png" not in names
        assert "trang/search/search_index.json" not in names
        assert {"trang/tai-ve/sach.pdf", "trang/assets/anh.jpg", f"trang/{SHIM_PATH}"} <= names
        assert archive.getinfo("trang/assets/anh.jpg").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("trang/index.html").compress_type == zipfile.ZIP_DEFLATED
        page = archive.read("trang/lich-su/a/index.html").decode("utf-8")
        assert f'<script src="../../{SHIM_PATH}"></script></head>' in page
        assert '<a href="../index.html">Lịch sử</a>' in page
        home = archive.read("trang/index.html").decode("utf-8")
        assert f'<script src="{SHIM_PATH}"></script></head>' in home
        # kyniem's index is a script already: it ships as built (Material's JSON, unused, stays out).
        assert archive.read("trang/search/kyniem-index.js") == (site / "search/kyniem-index.js").read_bytes()


def test_build_zip_is_reproducible(tmp_path: Path) -> None:
    site = _site(tmp_path)
    first = build_zip(site, tmp_path / "a.zip", "trang").path.read_bytes()
    second = build_zip(site, tmp_path / "b.zip", "trang").path.read_bytes()
    assert first == second


def test_build_zip_is_reused_while_no_site_file_changes(tmp_path: Path) -> None:
    site, cache = _site(tmp_path), tmp_path / "cache"
    zip_path = site / "tai-ve" / "offline.zip"
    plain = build_zip(site, zip_path, "trang").path.read_bytes()
    first = build_zip(site, zip_path, "trang", cache)
    packed = zip_path.read_bytes()
    assert not first.cached and packed == plain
    # A rebuilt site rewrites every page with the same bytes: the kept zip is used as it is.
    for page in site.rglob("*.html"):
        page.write_bytes(page.read_bytes())
    again = build_zip(site, zip_path, "trang", cache)
    assert again.cached and zip_path.read_bytes() == packed and again.files == first.files
    # One changed page, or a changed kyniem search index, packs a new zip holding the change.
    (site / "lich-su/b/index.html").write_text("<html><head></head><body>Chương mới</body></html>", encoding="utf-8")
    changed = build_zip(site, zip_path, "trang", cache)
    assert not changed.cached
    with zipfile.ZipFile(zip_path) as archive:
        assert "Chương mới" in archive.read("trang/lich-su/b/index.html").decode("utf-8")
    # Material's JSON index is not packed: a change to it alone keeps the zip; kyniem's index repacks it.
    (site / "search/search_index.json").write_text('{"docs": []}', encoding="utf-8")
    assert build_zip(site, zip_path, "trang", cache).cached
    (site / "search/kyniem-index.js").write_text('kyniemSearchIndex({"words":["a"],"docs":[]});', encoding="utf-8")
    assert not build_zip(site, zip_path, "trang", cache).cached
    assert len(list(cache.glob("*.zip"))) == 1, "older zips leave the cache"



def test_a_one_page_edit_copies_unchanged_members_and_equals_a_full_pack(tmp_path: Path) -> None:
    site, cache = _site(tmp_path), tmp_path / "cache"
    zip_path = site / "tai-ve" / "offline.zip"
    build_zip(site, zip_path, "trang", cache)
    # Mark the kept zip's photo bytes: a member copied from it, not packed again, carries the mark.
    (kept,) = cache.glob("*.zip")
    kept.write_bytes(kept.read_bytes().replace(b"\xff\xd8\xff sample", b"\xff\xd8\xff SAMPLE"))
    (site / "lich-su/b/index.html").write_text("<html><head></head><body>Chương sửa</body></html>", encoding="utf-8")
    assert not build_zip(site, zip_path, "trang", cache).cached
    assert b"\xff\xd8\xff SAMPLE" in zip_path.read_bytes()
    with zipfile.ZipFile(zip_path) as archive:
        assert "Chương sửa" in archive.read("trang/lich-su/b/index.html").decode("utf-8")
    # Without the mark, the zip a one-page edit packs is byte for byte the one a full pack makes.
    shutil.rmtree(cache)
    build_zip(site, zip_path, "trang", cache)
    (site / "lich-su/b/index.html").write_text("<html><head></head><body>Sửa lần hai</body></html>", encoding="utf-8")
    (site / "assets/anh.jpg").write_bytes(b"\xff\xd8\xff other photo")
    edited = build_zip(site, zip_path, "trang", cache).path.read_bytes()
    assert edited == build_zip(site, zip_path, "trang").path.read_bytes()
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        assert archive.read("trang/assets/anh.jpg") == b"\xff\xd8\xff other photo"
        assert "Sửa lần hai" in archive.read("trang/lich-su/b/index.html").decode("utf-8")


ALBUM = """<html><head></head><body><a class="glightbox" href="../anh/a-1600.webp"
data-srcset="../anh/a-640.webp 640w, ../anh/a-1024.webp 1024w, ../anh/a-1600.webp 1600w">
<picture><source type="image/webp" srcset="../anh/a-320.webp 320w, ../anh/a-640.webp 640w, ../anh/a-1600.webp 1600w">
<img src="../anh/a-640.jpg" srcset="../anh/a-320.jpg 320w, ../anh/a-1600.jpg 1600w" alt="Ảnh"></picture></a></body></html>"""


def test_zip_holds_each_photo_at_the_offline_sizes_and_pages_point_at_them(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "album").mkdir()
    (site / "album/index.html").write_text(ALBUM, encoding="utf-8")
    (site / "anh").mkdir()
    for width in (320, 640, 1024, 1600):
        for suffix in ("webp", "jpg"):
            (site / f"anh/a-{width}.{suffix}").write_bytes(f"{width}.{suffix}".encode())
    replaced = {f"anh/a-{w}.{s}": (f"anh/a-{r}.webp", r) for w, s, r in
                [(320, "webp", 640), (1024, "webp", 1600), (320, "jpg", 640), (640, "jpg", 640),
                 (1024, "jpg", 1600), (1600, "jpg", 1600)]}
    build_zip(site, tmp_path / "z.zip", "trang", replaced=replaced)
    with zipfile.ZipFile(tmp_path / "z.zip") as archive:
        names = set(archive.namelist())
        assert {n for n in names if n.startswith("trang/anh/")} == {"trang/anh/a-640.webp", "trang/anh/a-1600.webp"}
        page = archive.read("trang/album/index.html").decode("utf-8")
    assert 'data-srcset="../anh/a-640.webp 640w, ../anh/a-1600.webp 1600w"' in page
    assert 'srcset="../anh/a-640.webp 640w, ../anh/a-1600.webp 1600w"' in page
    assert 'src="../anh/a-640.webp"' in page and ".jpg" not in page
    assert 'href="../anh/a-1600.webp"' in page
