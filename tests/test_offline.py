"""The offline zip: folder links point at index.html, search runs from files, builds are reproducible."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from kyniem.offline import SHIM_PATH, build_zip, rewrite_links

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
    out = rewrite_links(PAGE, site, "lich-su/a/index.html")
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
