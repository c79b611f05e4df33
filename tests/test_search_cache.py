"""Material's search index from kyniem's cache is exactly what the plugin writes alone (kyniem/search_cache.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sitebuild import build

# Installs the cache as kyniem's plugin does (after every on_config), and says what it did.
HOOK = '''
import json
from pathlib import Path
from kyniem.search_cache import SearchCache

cache = None

def on_files(files, config):
    global cache
    cache = SearchCache(Path(config.config_file_path).parent / "cache" / "search-pages")
    assert cache.install(config)

def on_post_build(config):
    cache.finish()
    Path(config.config_file_path).with_name("counts.json").write_text(json.dumps([cache.made, cache.reused]))
'''

PAGES = {
    "index.md": "# Trang chủ\n\nĐảng bộ Khối các cơ quan tỉnh Hải Dương.\n\n## Lịch sử {#lich-su}\n\nThành lập 15/02/1952.\n",
    "lich-su.md": "---\ntitle: Lịch sử Đảng bộ\ntags: [lịch sử, 1952]\nsearch:\n  boost: 2\n---\n\n"
                  "Lời mở đầu không có tiêu đề.\n\n## Giai đoạn 1952 – 1954\n\n- Chi bộ\n- Đảng viên\n\n"
                  "### Đại hội lần thứ nhất\n\n```\n  mã   giữ nguyên\n```\n",
    "an.md": "---\nsearch:\n  exclude: true\n---\n\n# Trang ẩn\n\nKhông tìm thấy.\n",
}


def _project(root: Path, hooked: bool) -> Path:
    (root / "docs").mkdir(parents=True)
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    settings = "site_name: Thử\ntheme:\n  name: material\n  language: vi\nplugins:\n  - search:\n      lang: vi\n"
    if hooked:
        (root / "hook.py").write_text(HOOK, encoding="utf-8")
        settings += "hooks:\n  - hook.py\n"
    (root / "mkdocs.yml").write_text(settings + "markdown_extensions:\n  - toc:\n      permalink: true\n",
                                     encoding="utf-8")
    return root


def _index(project: Path) -> bytes:
    result = build(project)
    assert result.returncode == 0, result.stderr
    return (project / "site" / "search" / "search_index.json").read_bytes()


def test_cached_entries_give_the_plugins_own_index_and_an_edit_is_parsed_again(tmp_path: Path) -> None:
    plain = _project(tmp_path / "plain", hooked=False)
    cached = _project(tmp_path / "cached", hooked=True)
    expected = _index(plain)
    docs = json.loads(expected)["docs"]
    assert any(d.get("tags") == ["lịch sử", "1952"] and d.get("boost") == 2 for d in docs)
    assert not any("Trang ẩn" in d["title"] for d in docs)
    assert _index(cached) == expected
    assert json.loads((cached / "counts.json").read_text()) == [3, 0]
    assert _index(cached) == expected, "read back from the cache: the same bytes"
    assert json.loads((cached / "counts.json").read_text()) == [0, 3]
    # An edited page (text, and a heading that moves an anchor) is parsed again; the others are not.
    for project in (plain, cached):
        page = project / "docs" / "lich-su.md"
        page.write_text(page.read_text(encoding="utf-8").replace("### Đại hội lần thứ nhất", "### Đại hội lần thứ hai"),
                        encoding="utf-8")
    expected = _index(plain)
    assert any("lần thứ hai" in d["title"] for d in json.loads(expected)["docs"])
    assert _index(cached) == expected
    assert json.loads((cached / "counts.json").read_text()) == [1, 2]
    # The entries of the page as it was are no longer kept.
    assert len(list((cached / "cache" / "search-pages").rglob("*.json"))) == 3


def test_without_materials_search_nothing_is_cached(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from kyniem.search_cache import SearchCache

    root = tmp_path / "plain"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Thử\nplugins: []\n", encoding="utf-8")
    cache = SearchCache(tmp_path / "cache")
    assert not cache.install(load_config(str(root / "mkdocs.yml")))
    assert not cache.finish() and not (tmp_path / "cache").exists()
    shutil.rmtree(root)
