"""kyniem's search index and page wiring (the engine itself is tested in Chromium: tests/browser/)."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

from kyniem.search import (
    CHUNKS_DIR,
    INDEX_PATH,
    KEYS_PATH,
    NO_RESULT,
    PARTS_NAME,
    TEXTS_DIR,
    WORKER_PATH,
    build_index,
    chunk_key,
    chunk_name,
    encode_ids,
    plain_form,
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


def _places(code: str) -> dict[int, list[int]]:
    """A word's postings as the worker reads them: doc delta, count, position deltas."""
    values, out, doc, i = decode_ids(code), {}, 0, 0
    while i < len(values):
        doc += values[i]
        count = values[i + 1]
        deltas = values[i + 2 : i + 2 + count]
        out[doc] = [sum(deltas[: k + 1]) for k in range(count)]
        i += 2 + count
    return out


def _word(index, word: str) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    chunk = index.chunks[chunk_key(word)]
    number = chunk["words"].index(word)
    return _places(chunk["title"][number]), _places(chunk["text"][number])


def test_chunk_key_follows_the_query_rules() -> None:
    assert plain_form("Đảng") == "dang" and plain_form("THUÝ") == plain_form("thúy") == "thuy"
    assert plain_form(unicodedata.normalize("NFD", "Dương")) == "duong"
    assert plain_form("02") == "2" and plain_form("000") == "0"
    assert chunk_key("Đảng") == chunk_key("dang") == chunk_key("đang") == "da", "every marked form in one chunk"
    assert chunk_key("a") == "a" and chunk_key("1952") == "19"
    assert chunk_name("da") == "da.js" and chunk_name("ñu") == "_f1_u.js" and chunk_name("") == "_.js"


def test_build_index_docs_and_chunks() -> None:
    index = build_index(_material_index())
    pages = index.main["pages"]
    assert [(path, [d[0] for d in docs]) for path, docs in pages] == [("", ["", "mo-dau"]), ("lich-su/", ["", "a"])], \
        "each page's path once, its sections by anchor"
    docs = [doc for _, page_docs in pages for doc in page_docs]
    assert docs[3][1] == "Chương một", "titles are plain text"
    assert docs[1][2:4] == [2, 12], "title and text lengths in words, a block break counting as one"
    assert decode_ids(docs[1][4]) == [9], "the break between the two paragraphs, at word 9"
    assert index.keys == sorted(index.chunks)
    assert set(index.chunks) >= {"da", "bo", "kh", "15", "2", "19", "ch", "mo"}
    assert "đảng" in index.chunks["da"]["words"] and "02" in index.chunks["2"]["words"]
    title, text = _word(index, "đảng")
    assert title == {} and text == {1: [0, 10], 2: [2], 3: [0]}, "doc: positions, lower case"
    title, text = _word(index, "chương")
    assert title == {3: [0]} and text == {}
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
    chunks = sorted((tmp_path / CHUNKS_DIR).iterdir())
    assert sizes.kyniem == sum(p.stat().st_size for p in (tmp_path / INDEX_PATH, tmp_path / KEYS_PATH, *chunks))
    match = re.fullmatch(r"kyniemSearchIndex\((.*)\);\n", main, re.S)
    assert match and json.loads(match.group(1))["pages"][1][0] == "lich-su/"
    assert "Đảng bộ Khối" not in main, "texts are not in the main index"
    keys = (tmp_path / KEYS_PATH).read_text(encoding="utf-8")
    match = re.fullmatch(r"kyniemSearchKeys\((.*)\);\n", keys, re.S)
    assert match and [p.name for p in chunks] == [chunk_name(key) for key in json.loads(match.group(1))]
    chunk = (tmp_path / CHUNKS_DIR / "da.js").read_text(encoding="utf-8")
    assert chunk.startswith('kyniemSearchChunk("da",{"words":["đảng",')
    page = (tmp_path / TEXTS_DIR / "1.js").read_text(encoding="utf-8")
    assert page == 'kyniemSearchText(1,["Lịch sử Đảng bộ","ĐẢNG"]);\n'
    assert sorted(p.name for p in (tmp_path / TEXTS_DIR).iterdir()) == ["0.js", "1.js", "keys.js", "words"], "no stale page texts"
    assert json.loads(source.read_text(encoding="utf-8")) == _material_index(), "Material's index is left as it is"


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_write_index_from_the_cache_writes_the_same_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sites = [tmp_path / name for name in ("a", "b", "c")]
    for site in sites:
        (site / "search").mkdir(parents=True)
        (site / "search/search_index.json").write_text(json.dumps(_material_index()), encoding="utf-8")
    first = write_index(sites[0], cache)
    kept = [p for p in cache.glob("*.json") if p.name != PARTS_NAME]
    assert len(kept) == 1 and kept[0].suffix == ".json"
    stamp = kept[0].stat().st_mtime_ns
    assert write_index(sites[1], cache) == first == write_index(sites[2])
    assert kept[0].stat().st_mtime_ns == stamp, "the second build reads the index, it does not make it again"
    assert _site_files(sites[1]) == _site_files(sites[0]) == _site_files(sites[2])
    # Another text: another index, never the kept one.
    changed = _material_index()
    changed["docs"][0]["text"] += " Thêm một câu."
    (sites[1] / "search/search_index.json").write_text(json.dumps(changed), encoding="utf-8")
    write_index(sites[1], cache)
    assert _site_files(sites[1]) != _site_files(sites[0])
    assert "Thêm" in (sites[1] / TEXTS_DIR / "0.js").read_text(encoding="utf-8")


def test_kept_index_writes_an_unchanged_sites_files_and_nothing_else(tmp_path: Path) -> None:
    """The build asks for the kept index first (no worker to start) and indexes in a worker only on None."""
    from kyniem.search import kept_index

    cache, first, second = tmp_path / "cache", tmp_path / "a", tmp_path / "b"
    _write(first, _material_index())
    assert kept_index(first, cache) is None and not (first / TEXTS_DIR).exists(), "nothing kept yet, nothing written"
    made = write_index(first, cache)
    _write(second, _material_index())
    assert kept_index(second, cache) == made and _site_files(second) == _site_files(first)
    changed = _material_index()
    changed["docs"][0]["text"] += " Thêm một câu."
    _write(second, changed)
    assert kept_index(second, cache) is None, "another text is indexed anew, never answered from the cache"
    assert kept_index(tmp_path / "no-search", cache) is None


def _write(site: Path, material: dict[str, object]) -> None:
    (site / "search").mkdir(parents=True, exist_ok=True)
    (site / "search/search_index.json").write_text(json.dumps(material, ensure_ascii=False), encoding="utf-8")


def test_an_edit_reindexes_only_its_page_and_writes_what_a_cold_build_writes(tmp_path: Path) -> None:
    cache, warm, cold = tmp_path / "cache", tmp_path / "warm", tmp_path / "cold"
    material = _material_index()
    _write(warm, material)
    write_index(warm, cache)
    # Mark the kept share of the unchanged page "lich-su/": a build that reuses it shows the mark.
    parts = cache / PARTS_NAME
    parts.write_text(parts.read_text(encoding="utf-8").replace("Lịch sử Đảng bộ", "Lịch sử Đảng bộ (kept)"), encoding="utf-8")
    material["docs"][1]["text"] += "<p>Một câu mới ở trang chủ.</p>"
    _write(warm, material)
    write_index(warm, cache)
    assert "(kept)" in (warm / TEXTS_DIR / "1.js").read_text(encoding="utf-8")
    assert "Một câu mới" in (warm / TEXTS_DIR / "0.js").read_text(encoding="utf-8")
    # Unmarked, every edit (a word, a new section that moves later doc numbers, a page gone)
    # writes through the kept parts the same bytes as a build with no cache at all.
    shutil.rmtree(cache)
    material = _material_index()
    _write(warm, material)
    write_index(warm, cache)
    edits = [
        lambda docs: docs[2].update(text="<p>Lịch sử Đảng bộ tỉnh Hải Dương</p>"),
        lambda docs: docs.insert(2, {"location": "#moi", "title": "Mục mới", "text": "<p>Đảng bộ mới 2022</p>"}),
        lambda docs: docs.pop(),
        lambda docs: docs.append({"location": "anh/", "title": "Ảnh", "text": "<p>Ảnh minh họa</p>"}),
    ]
    for edit in edits:
        edit(material["docs"])
        _write(warm, material)
        _write(cold, material)
        assert write_index(warm, cache) == write_index(cold)
        assert _site_files(warm) == _site_files(cold)


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
