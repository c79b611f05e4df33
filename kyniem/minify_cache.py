"""Minified pages kept by content hash: a warm build minifies only the pages that changed.

The minify plugin (mkdocs-minify-plugin, htmlmin) minifies every page on every build, and
it is the largest single cost of a warm build (pure Python, ~10 ms per 10 KB of HTML:
more than MkDocs' own rendering of an album page). htmlmin is a function of the page's
HTML and the plugin's options alone, so its result is kept in kyniem's cache under a
hash of both (and of htmlmin's version) and read back while the page is unchanged:
the published bytes are exactly those the plugin would write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig

from . import store
from .serve import MINIFY_PLUGINS


class MinifyCache(store.PassCache):
    """The minify plugin's HTML pass (``_minify_html_page``), answered from the cache when it can."""

    def install(self, config: MkDocsConfig) -> bool:
        """Put the cache in front of the minify plugin's HTML pass; False when there is none to cache."""
        plugin = next((config.plugins[name] for name in MINIFY_PLUGINS if name in config.plugins), None)
        minify: Callable[[str], str] | None = getattr(plugin, "_minify_html_page", None)
        options = getattr(plugin, "config", None)
        if plugin is None or minify is None or options is None:
            return False
        original = getattr(minify, "kyniem_original", minify)  # a serve rebuild: the plugin's own, not ours
        import htmlmin  # the plugin's engine, already loaded by it

        def cached(output: str) -> str:
            if not options.get("minify_html"):  # off (serve turns it off): the plugin returns the page as it is
                return original(output)
            settings = repr(sorted((options.get("htmlmin_opts") or {}).items()))
            key = hashlib.sha256(f"{htmlmin.__version__}\0{settings}\0{output}".encode()).hexdigest()[:40]
            return self._answer(key, lambda: original(output))

        cached.kyniem_original = original  # type: ignore[attr-defined]
        plugin._minify_html_page = cached  # type: ignore[union-attr]
        return True

    def _answer(self, key: str, minify: Callable[[], str]) -> str:
        path = self.entry(key, ".html")
        try:
            text = path.read_bytes().decode("utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            text = minify()
            store.write_text(path, text)
            self.made += 1
            return text
        self.reused += 1
        return text
