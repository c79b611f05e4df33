"""Material's search entries kept by content hash: a warm build parses only the pages that changed.

Material's search plugin parses every page's HTML on every build (``on_page_context``, an
``html.parser`` pass in pure Python): at 1,000 photos the album pages alone cost 0.6 s of a
warm build. The entries it makes for a page are a function of what that pass reads: the
page's HTML, its URL, its table of contents (ids and anchors), its title and three front
matter keys (``title``, ``tags``, ``search``), the plugin's options and version, and whether
jieba is installed. So they are kept in kyniem's cache under a hash of all of it and read
back while the page is unchanged: ``search/search_index.json`` (and kyniem's index made from
it, kyniem/search.py) has exactly the bytes the plugin alone would write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from . import store

# The plugin whose page pass is cached, and the module its parser lives in (what the key names).
_PLUGIN_MODULE = "material.plugins.search.plugin"
_FORMAT = 1  # bump when what is kept per page changes


def _search_plugin(config: MkDocsConfig) -> Any:
    """The site's search plugin, under either name MkDocs gives it; None without one."""
    return next((config.plugins[name] for name in ("material/search", "search") if name in config.plugins), None)


def _toc(items: Any) -> list[Any]:
    """What the plugin's ``_find_toc_by_id`` reads of the table of contents: ids, anchors, nesting."""
    return [[item.id, item.url, _toc(item.children)] for item in items]


class SearchCache(store.PassCache):
    """Material's per-page search pass (``SearchIndex.add_entry_from_context``), answered from the cache."""

    def install(self, config: MkDocsConfig) -> bool:
        """Put the cache in front of this build's search index; False when there is none to cache.

        Called after every plugin's ``on_config``: the search plugin makes a new index in its own."""
        plugin = _search_plugin(config)
        index = getattr(plugin, "search_index", None)
        add: Callable[[Page], None] | None = getattr(index, "add_entry_from_context", None)
        if plugin is None or index is None or add is None or type(plugin).__module__ != _PLUGIN_MODULE:
            return False
        if getattr(add, "kyniem_original", None) is not None:
            return True  # already in front of this index
        import sys

        module = sys.modules[_PLUGIN_MODULE]
        from material import __version__ as version

        context = json.dumps([_FORMAT, version, module.jieba is not None, repr(sorted(plugin.config.items()))])

        def cached(page: Page) -> None:
            meta = page.meta
            read = repr([meta.get("search"), meta.get("title"), meta.get("tags"), page.title, page.url,
                         _toc(page.toc)])
            digest = hashlib.sha256(f"{context}\0{read}\0".encode())
            digest.update((page.content or "").encode("utf-8", "surrogatepass"))
            self._answer(digest.hexdigest()[:40], index, lambda: add(page))

        cached.kyniem_original = add  # type: ignore[attr-defined]
        index.add_entry_from_context = cached
        return True

    def _answer(self, key: str, index: Any, add: Callable[[], None]) -> None:
        path = self.entry(key, ".json")
        try:
            entries = json.loads(path.read_bytes())
        except (FileNotFoundError, ValueError):
            entries = None
        if isinstance(entries, list):
            index.entries.extend(entries)
            self.reused += 1
            return
        before = len(index.entries)
        add()
        made = index.entries[before:]
        # default=str as the plugin's own dump: the kept entries give its bytes when dumped again.
        store.write_bytes(path, json.dumps(made, ensure_ascii=False, default=str).encode("utf-8"))
        self.made += 1


def release_entries(config: MkDocsConfig) -> None:
    """Empty the search plugin's entries once it has written its index (its ``on_post_build``): at 1,000
    chapters they hold the text of every page, about 45 MB that nothing reads afterwards. Kept when the
    plugin keeps them for the next rebuild (``mkdocs serve --dirty``)."""
    plugin = _search_plugin(config)
    if plugin is None or type(plugin).__module__ != _PLUGIN_MODULE:
        return
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "entries", None)
    if isinstance(entries, list) and getattr(plugin, "search_index_prev", None) is not index:
        entries.clear()
