"""Minified pages from kyniem's cache are exactly what the minify plugin writes (kyniem/minify_cache.py)."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from kyniem.minify_cache import MinifyCache

PAGE = """<!doctype html>
<html lang="vi">
  <head><title>Lịch sử</title><!-- a comment --></head>
  <body>
    <p class="kn-album-meta">  15/02/2022   ·   5 ảnh </p>
    <pre>  giữ   nguyên  </pre>
  </body>
</html>
"""


def _config(tmp_path: Path, options: str) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: Thử\nplugins:\n  - minify:\n{options}", encoding="utf-8")
    return load_config(str(path))


def _minify(config: MkDocsConfig, html: str) -> str:
    return config.plugins["minify"].on_post_page(html, page=None, config=config)


def test_cached_pages_are_the_plugins_own_output(tmp_path: Path) -> None:
    options = "      minify_html: true\n      htmlmin_opts:\n        remove_comments: true\n"
    expected = _minify(_config(tmp_path, options), PAGE)  # the plugin alone
    assert "a comment" not in expected and "  giữ   nguyên  " in expected
    folder = tmp_path / "cache" / "minify"
    cache = MinifyCache(folder)
    config = _config(tmp_path, options)
    assert cache.install(config)
    assert _minify(config, PAGE) == expected and (cache.made, cache.reused) == (1, 0)
    # The next build (a new plugin instance, as MkDocs makes one per build) reads it back.
    again = MinifyCache(folder)
    config = _config(tmp_path, options)
    again.install(config)
    assert _minify(config, PAGE) == expected and (again.made, again.reused) == (0, 1)
    assert again.finish() and len(list(folder.rglob("*.html"))) == 1
    # Other options are another entry: keeping comments gives the page with its comment.
    other = MinifyCache(folder)
    config = _config(tmp_path, "      minify_html: true\n")
    other.install(config)
    kept = _minify(config, PAGE)
    assert "a comment" in kept and (other.made, other.reused) == (1, 0)
    # A changed page is minified again, never answered with the old one.
    changed = PAGE.replace("5 ảnh", "6 ảnh")
    assert "6 ảnh" in _minify(config, changed) and other.made == 2


def test_no_minify_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "minify"
    cache = MinifyCache(folder)
    config = _config(tmp_path, "      minify_html: false\n")
    cache.install(config)
    assert _minify(config, PAGE) == PAGE
    assert not cache.finish(), "a build that minified nothing leaves the cache as it is"
    assert not folder.exists()
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "mkdocs.yml").write_text("site_name: Thử\n", encoding="utf-8")
    (plain / "docs").mkdir()
    assert not MinifyCache(folder).install(load_config(str(plain / "mkdocs.yml"))), "no minify plugin, nothing to cache"
