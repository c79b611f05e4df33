"""The search index kyniem rewrites: Vietnamese settings, NFC text, smaller than Material's."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from kyniem.search import SEPARATOR, compact_index, rewrite_index

def _material_index(site: Path, docs: list[dict[str, str]]) -> Path:
    """Write an index the way Material's search plugin does (ASCII-escaped JSON)."""
    path = site / "search" / "search_index.json"
    path.parent.mkdir(parents=True)
    config = {"lang": ["vi"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"], "fields": {"title": {"boost": 1000.0}}}
    path.write_text(json.dumps({"config": config, "docs": docs}, separators=(",", ":")), encoding="utf-8")
    return path


def test_compact_index_sets_vietnamese_search_and_normalises_text() -> None:
    nfd = unicodedata.normalize("NFD", "Lịch sử   Đảng bộ\nKhối")
    data = {
        "config": {"lang": ["en"], "separator": "x", "pipeline": ["stemmer"], "fields": {"title": {"boost": 1000.0}}},
        "docs": [{"location": "lich-su/", "title": nfd, "text": f"<p>{nfd}</p>", "tags": [nfd]}],
    }
    out = compact_index(data)
    assert out["config"] == {"lang": ["vi"], "separator": SEPARATOR, "pipeline": [], "fields": {"title": {"boost": 1000.0}}}
    doc = out["docs"][0]
    assert doc["location"] == "lich-su/"
    assert doc["title"] == "Lịch sử Đảng bộ Khối"
    assert unicodedata.is_normalized("NFC", doc["title"])
    assert doc["text"] == "<p>Lịch sử Đảng bộ Khối</p>"
    assert doc["tags"] == ["Lịch sử   Đảng bộ\nKhối"]
    assert data["config"]["lang"] == ["en"], "the input is not modified"


def test_rewrite_index_is_smaller_and_keeps_letters(tmp_path: Path) -> None:
    docs = [
        {"location": "", "title": "Trang chủ", "text": "<p>Đảng bộ Khối các cơ quan tỉnh Hải Dương</p>"},
        {"location": "lich-su/#mo-dau", "title": "Mở đầu", "text": "<p>Ngày 15/02/1952, thành lập Đảng bộ.</p>" * 5},
    ]
    path = _material_index(tmp_path, docs)
    before = path.stat().st_size
    sizes = rewrite_index(tmp_path)
    assert sizes is not None
    assert sizes.material == before
    assert sizes.kyniem == path.stat().st_size < before
    raw = path.read_bytes()
    assert "Hải Dương".encode() in raw and b"\\u" not in raw
    again = json.loads(raw)
    assert [d["location"] for d in again["docs"]] == ["", "lich-su/#mo-dau"]
    assert again["docs"][1]["text"] == docs[1]["text"]


def test_rewrite_index_without_search(tmp_path: Path) -> None:
    assert rewrite_index(tmp_path) is None


def test_separator_splits_vietnamese_punctuation() -> None:
    # Python's re reads this class like JavaScript's RegExp does.
    words = [w for w in re.split(SEPARATOR, "“Hải Dương” – (15/02/1952…2022); Đảng bộ, Khối: &amp; x") if w]
    assert words == ["Hải", "Dương", "15", "02", "1952", "2022", "Đảng", "bộ", "Khối", "x"]

