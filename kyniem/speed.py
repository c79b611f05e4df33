"""What makes pages open at once on a phone: kyniem's styles inline, no lightbox where nothing
opens in one, web fonts cut to the letters the site shows, and precompressed copies for
servers that send them.

Budgets and the Lighthouse comparison that hold these to account: tests/browser/test_speed.py
and scripts/bench_pages.py.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import brotli
from mkdocs.config.config_options import ExtraScriptValue

from . import store

# Suffixes worth compressing; images, fonts, PDFs and zips are compressed already.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
# Below this a compressed copy saves less than a network packet.
MIN_COMPRESS_BYTES = 1024
# Files no reader's browser asks for: Material's own search index (kyniem's search reads its
# own chunks, search.py); at 1,000 chapters it is 15 MB, the largest file to compress.
NOT_FETCHED = frozenset({"search/search_index.json"})
# Compression is shared among workers above this many bytes to compress (about a second of
# Brotli), up to this many workers (each holds one file and Brotli's window: tens of MB).
PARALLEL_BYTES = 1_000_000
COMPRESS_WORKERS = 2
# Brotli's quality: 11, its strongest, costs 2.5 times quality 10 and makes pages 4 % smaller. kyniem's
# search files (word chunks, the list of docs, page texts) are codes with little structure, where 11 gains
# 0.1 %; an edit changes dozens of them (word positions move), so they are compressed at 10.
BROTLI_QUALITY = 11
CHEAPER_BROTLI = (("search/", 10),)

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,>])\s*")

# What the glightbox plugin puts into every page (after minification, quotes may be gone).
_LIGHTBOX_LINK = re.compile(r'<link\b[^>]*glightbox\.min\.css[^>]*>')
_LIGHTBOX_SCRIPT = re.compile(r'<script\b[^>]*glightbox\.min\.js[^>]*></script>')
# kyniem's Vietnamese names for the lightbox buttons: needed only where the lightbox is.
_LIGHTBOX_LABELS = re.compile(r'<script\b[^>]*gallery-labels\.js[^>]*></script>')
_LIGHTBOX_STYLE = re.compile(r'<style\b[^>]*id="?glightbox-style"?[^>]*>.*?</style>', re.S)
_LIGHTBOX_INIT = re.compile(r'(<script\b[^>]*id="?init-glightbox"?[^>]*>)(.*?)(</script>)', re.S)
_LIGHTBOX_USED = re.compile(r'class="?[^">]*\bglightbox\b')
# Material's script, loaded at the end of <body> without defer.
_MATERIAL_BUNDLE = re.compile(r'<script (src="?[^">\s]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"?)>')
# Material's blog draws author pictures 1.6rem or 2.4rem square but writes no size on them.
_AVATAR = re.compile(r'(<span class="?md-author[^>]*>\s*<img)(?![^>]*\bwidth=)')


def minify_css(text: str) -> str:
    """Comments and spacing out; kyniem's CSS has no strings where spacing matters."""
    text = _SPACE.sub(" ", _COMMENT.sub("", text))
    return _AROUND.sub(r"\1", text).replace(";}", "}").strip()


def inline_css(sources: list[Path]) -> str:
    """``sources`` in order, minified, for a ``<style>`` in every page's head.

    About 2 KB compressed: cheaper inline than as a stylesheet, which would hold the first
    paint for one more request on a phone's slow round trips. ``url(../fonts/…)`` is left
    for the template to point at the fonts from each page (templates/main.html).
    """
    return "\n".join(minify_css(path.read_text(encoding="utf-8")) for path in sources)


def inline_js(path: Path) -> str:
    """A small script of kyniem's for a ``<script>`` in every page, without its comments.

    Inline, it costs no request before the first paint. Lines are kept (the scripts
    rely on line ends between statements); only ``/* … */`` comments and indentation go.
    """
    text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
    if "</" in text:
        raise ValueError(f"{path}: '</' cannot stand inside an inline script")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# An SVG this small costs less inline than a request of its own.
INLINE_SVG_BYTES = 2048


def svg_data_uri(path: Path) -> str | None:
    """A small SVG as a ``data:`` URI for an ``<img>``, so the header's logo needs no request."""
    if path.suffix != ".svg" or not path.is_file() or path.stat().st_size > INLINE_SVG_BYTES:
        return None
    text = _SPACE.sub(" ", path.read_text(encoding="utf-8")).strip().replace('"', "'")
    return "data:image/svg+xml," + quote(text, safe=" /:=,;()'-.")


def inline_icon(page_html: str, icon: str, uri: str) -> str:
    """The page's ``<link rel=icon>`` to ``icon`` drawn from ``uri`` (a small SVG's data: URI): no request."""
    pattern = re.compile(r'(<link rel="?icon"? href=)("?)[^">\s]*' + re.escape(icon) + r'\2(?=[\s>])')
    return pattern.sub(lambda m: f'{m.group(1)}"{uri}"', page_html, count=1)


def trim_lightbox(page_html: str) -> str:
    """No lightbox code on pages without a lightbox picture; elsewhere none of it blocks drawing.

    The lightbox's CSS and script are needed only once a reader taps a picture: the script is
    deferred, its set-up waits for the parsed page, and its stylesheet loads without blocking.
    """
    if _LIGHTBOX_INIT.search(page_html) is None:
        return _LIGHTBOX_LABELS.sub("", page_html)
    body = page_html[page_html.find("<body"):]
    if _LIGHTBOX_USED.search(_LIGHTBOX_INIT.sub("", body)) is None:
        for pattern in (_LIGHTBOX_LINK, _LIGHTBOX_SCRIPT, _LIGHTBOX_STYLE, _LIGHTBOX_INIT, _LIGHTBOX_LABELS):
            page_html = pattern.sub("", page_html)
        return page_html
    page_html = _LIGHTBOX_LINK.sub(
        lambda m: m.group(0)[:-1].rstrip("/") + ' media="print" onload="this.media=\'all\'">', page_html, count=1
    )
    page_html = _LIGHTBOX_SCRIPT.sub(lambda m: m.group(0).replace("<script", "<script defer", 1), page_html, count=1)
    return _LIGHTBOX_INIT.sub(
        lambda m: f'{m.group(1)}document.addEventListener("DOMContentLoaded",function(){{{m.group(2)}}});{m.group(3)}',
        page_html,
        count=1,
    )


def deferred(path: str) -> ExtraScriptValue:
    """A script of the site that runs once the page is parsed, in order, never before the first paint."""
    script = ExtraScriptValue(path)
    script.defer = True
    return script


def defer_bundle(page_html: str) -> str:
    """Material's bundle deferred too, so the page is drawn before its 110 KB of script run.

    Deferred scripts run in document order before DOMContentLoaded, so the bundle still runs
    before kyniem's scripts and before anything that waits for the parsed page.
    """
    return _MATERIAL_BUNDLE.sub(r"<script defer \1>", page_html, count=1)


def size_avatars(page_html: str) -> str:
    """Width and height on the blog's author pictures, so nothing moves when they arrive."""
    return _AVATAR.sub(r'\1 width="48" height="48"', page_html)


# The faces pages draw with (preloaded: every byte of them is on the way to the first paint).
WEB_FONTS = ("BeVietnamPro-Regular", "BeVietnamPro-Bold")
# Kerning, ligatures and mark positioning kept; hinting, stylistic sets and the rest dropped.
FONT_FEATURES = ("kern", "liga", "ccmp", "locl", "mark", "mkmk")
# Kept whatever the pages hold, for what a reader types into the search box: printable ASCII,
# the no-break space, Vietnamese marks typed decomposed, quotes, dashes and the ellipsis.
ALWAYS = frozenset([*range(0x20, 0x7F), 0xA0, *range(0x300, 0x304), 0x306, 0x309, 0x31B, 0x323,
                    0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026])


def subset_woff2(ttf: Path, unicodes: Iterable[int]) -> bytes:
    """``ttf`` as a WOFF2 holding only the glyphs for ``unicodes`` (and what they compose with)."""
    from fontTools import subset  # only when the cache has no such cut: 0.15 s of every warm build otherwise

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = list(FONT_FEATURES)
    options.hinting = False
    options.desubroutinize = True
    font = subset.load_font(str(ttf), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(unicodes)))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


@dataclass(frozen=True)
class FontsResult:
    files: int
    before: int
    after: int


def fit_fonts(fonts_dir: Path, site_fonts: Path, shown: Iterable[str], cache: Path) -> FontsResult:
    """The site's web fonts cut to the characters its pages show (``shown``) and ``ALWAYS``.

    A Vietnamese site shows about 160 distinct characters of the 400 a Vietnamese font
    covers: the two faces go from 28 KB to about 16 KB. Every page's text is in ``shown``
    (results and snippets of the search come from it too); a letter no page has, typed
    into the search box, is drawn by the fallback font. Subsets are kept in ``cache`` by
    font and characters, so a build with no new character makes none.
    """
    # Both cases of every letter: CSS shows some text in capitals (text-transform) that the
    # HTML writes in small letters, and a capital missing from the font is drawn by another.
    letters = {v for c in shown for v in (c, c.upper(), c.lower())}
    unicodes = sorted(ALWAYS | {ord(c) for v in letters for c in v if ord(c) >= 0x20})
    key = ",".join(f"{u:x}" for u in unicodes).encode()
    files = before = after = 0
    for face in WEB_FONTS:
        target = site_fonts / f"{face}.woff2"
        source = fonts_dir / f"{face}.ttf"
        if not (target.is_file() and source.is_file()):
            continue
        digest = hashlib.sha256(source.read_bytes() + b"\0" + key).hexdigest()[:32]
        kept = cache / f"{face}-{digest}.woff2"
        if kept.is_file():
            data = kept.read_bytes()
        else:
            data = subset_woff2(source, unicodes)
            cache.mkdir(parents=True, exist_ok=True)
            store.write_bytes(kept, data)
        files += 1
        before += target.stat().st_size
        after += len(data)
        store.write_bytes(target, data)
    return FontsResult(files, before, after)


@dataclass(frozen=True)
class CompressResult:
    files: int
    raw: int
    gzip: int
    brotli: int


def precompress(site_dir: Path, cache: Path | None = None) -> CompressResult:
    """Write ``x.gz`` and ``x.br`` beside every compressible file of the site.

    nginx (gzip_static, brotli_static), Apache (mod_rewrite rules) and most CDNs send these
    instead of compressing on every request; the copies are made at the strongest settings,
    which no server affords on the fly. Byte-identical on every build (no timestamps).
    With ``cache``, copies are kept there by the content hash of their file, so a warm build
    compresses only the files that changed (Brotli at quality 11 takes a second per megabyte)
    and copies the others. The files to compress are shared among worker processes when there
    is much of them (a cold build of a large site: tens of megabytes of HTML).
    """
    files = raw = gz_total = br_total = 0
    used: set[str] = set()
    queued: set[str] = set()
    kept: list[tuple[tuple[Path, Path], tuple[Path, Path]]] = []  # (cached pair, site pair)
    misses: list[tuple[Path, tuple[Path, Path], int, int]] = []  # (file, where its copies go, size, Brotli quality)
    for path in _compressible(site_dir):
        name = path.relative_to(site_dir).as_posix()
        if name in NOT_FETCHED:
            continue
        data = path.read_bytes()
        if len(data) < MIN_COMPRESS_BYTES:
            continue
        files += 1
        raw += len(data)
        targets = (path.with_name(path.name + ".gz"), path.with_name(path.name + ".br"))
        quality = next((q for prefix, q in CHEAPER_BROTLI if name.startswith(prefix)), BROTLI_QUALITY)
        if cache is None:
            misses.append((path, targets, len(data), quality))
            continue
        digest = hashlib.sha256(data).hexdigest()[:40]
        cached = (cache / digest[:2] / f"{digest}.gz", cache / digest[:2] / f"{digest}.br")
        used.update(c.name for c in cached)
        kept.append((cached, targets))
        if digest not in queued and not (cached[0].is_file() and cached[1].is_file()):
            queued.add(digest)  # the same text in two files (an empty album, a redirect) compressed once
            misses.append((path, cached, len(data), quality))
    made = _compress_all(misses)
    if cache is None:  # the copies were written into the site
        gz_total, br_total = sum(gz for gz, _ in made), sum(br for _, br in made)
    for cached, targets in kept:
        packed_pair = [c.read_bytes() for c in cached]
        for target, packed in zip(targets, packed_pair):
            store.write_bytes(target, packed)  # copied, not linked: small, and no site edit reaches the cache
        gz_total += len(packed_pair[0])
        br_total += len(packed_pair[1])
    if cache is not None:
        store.retain(cache, used, depth=2)
    return CompressResult(files, raw, gz_total, br_total)


def _compress_all(jobs: list[tuple[Path, tuple[Path, Path], int, int]]) -> list[tuple[int, int]]:
    """Each file's copies written where its job says; their sizes, in the jobs' order."""
    workers = min(COMPRESS_WORKERS, os.cpu_count() or 1, len(jobs))
    if workers < 2 or sum(size for _, _, size, _ in jobs) < PARALLEL_BYTES:
        return [_compress_file(source, targets, quality) for source, targets, _, quality in jobs]
    with store.worker_pool(workers) as pool:
        # The largest first, so that no worker is left with a big file at the end.
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i][2])
        futures = {i: pool.submit(_compress_file, jobs[i][0], jobs[i][1], jobs[i][3]) for i in order}
        return [futures[i].result() for i in range(len(jobs))]


def _compress_file(source: Path, targets: tuple[Path, Path], quality: int = BROTLI_QUALITY) -> tuple[int, int]:
    """gzip and Brotli copies of ``source`` written to ``targets``; their sizes (run in a worker)."""
    gz, br = _compress(source.read_bytes(), quality)
    store.write_bytes(targets[0], gz)  # replaced, never written into: it may be a link to a cache
    store.write_bytes(targets[1], br)
    return len(gz), len(br)


def _compressible(site_dir: Path) -> list[Path]:
    """The site's files of a compressible type, in name order; only those are looked at (a site
    is mostly photos and tiles: a stat and a path comparison each would cost more than the rest)."""
    found = []
    for folder, _, names in os.walk(site_dir):
        found.extend(os.path.join(folder, name) for name in names if os.path.splitext(name)[1] in COMPRESSIBLE)
    return [Path(name) for name in sorted(found) if os.path.isfile(name)]


def _compress(data: bytes, quality: int = BROTLI_QUALITY) -> tuple[bytes, bytes]:
    """gzip and Brotli copies at the strongest settings worth their time."""
    return (gzip.compress(data, compresslevel=9, mtime=0),
            brotli.compress(data, quality=quality if len(data) < 256_000 else min(quality, 9)))
