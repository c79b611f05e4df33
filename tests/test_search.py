"""kyniem's search index and page wiring (the engine itself is tested in Chromium: tests/browser/)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from kyniem.search import (
    INDEX_PATH,
    NO_RESULT,
    TEXTS_DIR,
    WORKER_PATH,
    build_index,
    encode_ids,
    plain_text,
    use_kyniem_worker,
    write_index,
)

_LAST = "abcdefghijklmnopqrstuvwxyz012345"
_MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ6789+/"


def decode_ids(text: str) -> list[int]:
    """The worker's decoding, written again: base-32 digits, the last of each id from _LAST."""
    out, value = [], 0
    for char in text:
        if char == ".":
            out.append(-1)
        elif char in _MORE:
            value = value * 32 + _MORE.index(char)
        else:
            out.append(value * 32 + _LAST.index(char))
            value = 0
    return out


def test_encode_ids_round_trip() -> None:
    ids = [0, 31, 32, 33, 1023, 1024, 40000, -1, 5, -1, -1, 7]
    encoded = encode_ids(ids)
    assert decode_ids(encoded) == ids
    assert encode_ids([0, 1, 31]) == "ab5", "the 32 most frequent words take one character"
    assert not set(encoded) & set("\"\\<>&'"), "safe inside a JSON string in a script"


def test_plain_text_keeps_blocks_apart_and_is_nfc() -> None:
    html = unicodedata.normalize("NFD", "<p>Đảng bộ <strong>Khối</strong></p> <ul><li>Một&nbsp;là</li><li>Hai &amp; ba</li></ul>x<br>y")
    text = plain_text(html)
    assert text == "Đảng bộ Khối\nMột là\nHai & ba\nx\ny"
    assert unicodedata.is_normalized("NFC", text)


def _material_index() -> dict[str, object]:
    return {
        "config": {"lang": ["vi"]},
        "docs": [
            {"location": "", "title": "Trang chủ", "text": ""},
            {"location": "#mo-dau", "title": "Mở đầu", "text": "<p>Đảng bộ Khối thành lập ngày 15/02/1952.</p><p>Đảng bộ</p>"},
            {"location": "lich-su/", "title": "Lịch sử", "text": "<p>Lịch sử Đảng bộ</p>"},
            {"location": "lich-su/#a", "title": "Chương <em>một</em>", "text": "<p>ĐẢNG</p>"},
        ],
    }


def test_build_index_words_by_frequency_and_texts_by_page() -> None:
    index = build_index(_material_index())
    words = index.main["words"]
    assert words[0] == "đảng" and words[1] == "bộ", "most frequent first, lower case"
    assert "15" in words and "02" in words and "1952" in words
    docs = index.main["docs"]
    assert [d[0] for d in docs] == ["", "#mo-dau", "lich-su/", "lich-su/#a"]
    assert docs[3][1] == "Chương một", "titles are plain text"
    title_ids = decode_ids(docs[3][2])
    assert [words[i] for i in title_ids] == ["chương", "một"]
    text_ids = decode_ids(docs[1][3])
    assert [words[i] if i >= 0 else "|" for i in text_ids] == [
        "đảng", "bộ", "khối", "thành", "lập", "ngày", "15", "02", "1952", "|", "đảng", "bộ"
    ], "a block break between the two paragraphs"
    assert index.texts == [["", "Đảng bộ Khối thành lập ngày 15/02/1952.\nĐảng bộ"], ["Lịch sử Đảng bộ", "ĐẢNG"]]


def test_write_index(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    source = tmp_path / "search/search_index.json"
    source.write_text(json.dumps(_material_index()), encoding="utf-8")
    stale = tmp_path / TEXTS_DIR / "7.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    sizes = write_index(tmp_path)
    assert sizes is not None and sizes.material == source.stat().st_size
    main = (tmp_path / INDEX_PATH).read_text(encoding="utf-8")
    assert sizes.kyniem == len(main.encode("utf-8"))
    match = re.fullmatch(r"kyniemSearchIndex\((.*)\);\n", main, re.S)
    assert match and json.loads(match.group(1))["words"][0] == "đảng"
    assert "Đảng bộ Khối" not in main, "texts are not in the main index"
    page = (tmp_path / TEXTS_DIR / "1.js").read_text(encoding="utf-8")
    assert page == 'kyniemSearchText(1,["Lịch sử Đảng bộ","ĐẢNG"]);\n'
    assert sorted(p.name for p in (tmp_path / TEXTS_DIR).iterdir()) == ["0.js", "1.js"], "no stale page texts"
    assert json.loads(source.read_text(encoding="utf-8")) == _material_index(), "Material's index is left as it is"


def test_write_index_without_search(tmp_path: Path) -> None:
    assert write_index(tmp_path) is None


def test_use_kyniem_worker_rewrites_materials_config() -> None:
    config = {"base": "../..", "features": [], "search": "../../assets/javascripts/workers/search.123.min.js",
              "translations": {"search.result.none": "Không tìm thấy tài liệu liên quan"}}
    page = f"<html><body><script id=__config type=application/json>{json.dumps(config)}</script></body></html>"
    out = use_kyniem_worker(page)
    found = json.loads(re.search(r"<script id=__config[^>]*>(.*?)</script>", out).group(1))
    assert found["search"] == f"../../{WORKER_PATH}"
    assert found["translations"]["search.result.none"] == NO_RESULT
    assert found["base"] == "../.." and found["features"] == []
    assert use_kyniem_worker("<html>no config</html>") == "<html>no config</html>"
    home = use_kyniem_worker(page.replace('"../.."', '"."'))
    assert f'"search":"./{WORKER_PATH}"' in home
