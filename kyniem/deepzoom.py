"""Deep Zoom (DZI) tile pyramids of scanned pages, made with Pillow and cached by content hash.

A 600-dpi A4 scan is 4960×7016 pixels, 35 megapixels: far too much for a phone
to download whole. Cut into 254-pixel tiles (1 pixel overlap, the Deep Zoom
defaults OpenSeadragon expects) on every halving level, the viewer fetches only
the tiles of the level and area on screen: a few hundred kilobytes at phone size.

Like the gallery's derivatives, a pyramid is cached under the cache folder by the
scan's content hash and the settings, written atomically with its metadata last,
and cached pyramids no build used are removed at the end of the build.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from . import store
from .images import to_srgb

# Bump when the tiles of a given source + settings change.
PYRAMID_VERSION = 2
TILE_SIZE = 254
OVERLAP = 1
TILE_FORMAT = "jpg"
# The print copy of a page: sharp on A4 at ~120 dpi, small enough to ride along on the page.
PRINT_WIDTH = 1000
# The card on the archive index: sharp in a two-column phone grid and a 4-column desktop one.
THUMB_WIDTH = 400
DZI_XMLNS = "http://schemas.microsoft.com/deepzoom/2008"


@dataclass(frozen=True)
class Pyramid:
    """One scan's tiles in the cache, and what the viewer needs to know of them."""

    source: Path
    key: str
    ok: bool
    reason: str = ""
    width: int = 0
    height: int = 0
    tiles: int = 0
    folder: Path | None = None  # holds "<level>/<col>_<row>.jpg", "print.jpg", "thumb.jpg"
    print_size: tuple[int, int] = (0, 0)
    thumb_size: tuple[int, int] = (0, 0)

    @property
    def max_level(self) -> int:
        return max_level(self.width, self.height)

    def descriptor(self, url: str) -> dict[str, Any]:
        """The tile source as OpenSeadragon's inline DZI object (``Url`` ends in ``_files/``).

        Inline, not a ``.dzi`` file, because a page opened from ``file://`` cannot
        fetch one; tiles themselves load as plain images, which ``file://`` allows.
        """
        return {"Image": {"xmlns": DZI_XMLNS, "Url": url, "Format": TILE_FORMAT, "Overlap": str(OVERLAP),
                          "TileSize": str(TILE_SIZE), "Size": {"Width": str(self.width), "Height": str(self.height)}}}

    def files(self) -> list[tuple[str, Path]]:
        """(path inside the ``_files`` folder, cached file) of every tile."""
        assert self.folder is not None
        return [(p.relative_to(self.folder).as_posix(), p) for p in sorted(self.folder.glob("*/*.jpg"))]


def max_level(width: int, height: int) -> int:
    return math.ceil(math.log2(max(width, height, 1)))


def _level_size(width: int, height: int, level: int, top: int) -> tuple[int, int]:
    scale = 2 ** (top - level)
    return max(1, math.ceil(width / scale)), max(1, math.ceil(height / scale))


def tile_count(width: int, height: int) -> int:
    """How many tiles a Deep Zoom pyramid of this size has (for the figures and tests)."""
    top = max_level(width, height)
    total = 0
    for level in range(top + 1):
        w, h = _level_size(width, height, level, top)
        total += math.ceil(w / TILE_SIZE) * math.ceil(h / TILE_SIZE)
    return total


@dataclass(frozen=True)
class _Job:
    source: str
    key: str
    out_dir: str
    quality: int
    max_pixels: int


def _render(job: _Job) -> dict[str, Any]:
    """Cut one scan into its pyramid; the failure of a bad file is data, never an exception."""
    out = Path(job.out_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(job.source) as opened:
                width, height = opened.size
                if width * height > job.max_pixels:
                    return {"ok": False, "reason": f"có {width}×{height} điểm ảnh, quá giới hạn "
                            f"{job.max_pixels:,} (gallery.max_pixels)"}
                opened.load()
                # Transposing copies 35 megapixels: only when the scanner set an orientation.
                turned = ImageOps.exif_transpose(opened) if opened.getexif().get(0x0112, 1) != 1 else opened
                image = to_srgb(turned)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return {"ok": False, "reason": "khai báo quá nhiều điểm ảnh (có thể là tệp độc hại)"}
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            return {"ok": False, "reason": f"không đọc được ảnh ({exc})"}
    width, height = image.size
    top = max_level(width, height)
    count = 0
    current = image
    small = image  # the first level at most twice the print width: source of the print copy
    for level in range(top, -1, -1):
        size = _level_size(width, height, level, top)
        if current.size != size:
            # Halving by 2×2 box averages; ceil(ceil(w/2)/2) == ceil(w/4), so sizes match every level.
            current = current.reduce(2)
        if current.width <= 2 * PRINT_WIDTH and small.width > 2 * PRINT_WIDTH:
            small = current
        level_w, level_h = size
        for col in range(math.ceil(level_w / TILE_SIZE)):
            for row in range(math.ceil(level_h / TILE_SIZE)):
                x0 = max(0, col * TILE_SIZE - OVERLAP)
                y0 = max(0, row * TILE_SIZE - OVERLAP)
                x1 = min(level_w, (col + 1) * TILE_SIZE + OVERLAP)
                y1 = min(level_h, (row + 1) * TILE_SIZE + OVERLAP)
                buffer = io.BytesIO()
                current.crop((x0, y0, x1, y1)).save(buffer, "JPEG", quality=job.quality)
                store.write_bytes(out / str(level) / f"{col}_{row}.{TILE_FORMAT}", buffer.getvalue())
                count += 1
    printed = small.copy()
    printed.thumbnail((PRINT_WIDTH, PRINT_WIDTH * 2), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    printed.save(buffer, "JPEG", quality=job.quality, optimize=True)
    store.write_bytes(out / "print.jpg", buffer.getvalue())
    print_size = list(printed.size)
    printed.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    printed.save(buffer, "JPEG", quality=job.quality, optimize=True)
    store.write_bytes(out / "thumb.jpg", buffer.getvalue())
    return {"ok": True, "width": width, "height": height, "tiles": count, "print": print_size,
            "thumb": list(printed.size)}


def _render_and_store(job: _Job) -> dict[str, Any]:
    meta = _render(job)
    meta["version"] = PYRAMID_VERSION
    store.write_bytes(Path(job.out_dir) / "meta.json", json.dumps(meta).encode())
    return meta


class PyramidMaker:
    """Pyramids for a set of scans, cached under ``cache_dir/tiles``."""

    def __init__(self, cache_dir: Path, quality: int = 80, max_pixels: int = 80_000_000,
                 workers: int | None = None) -> None:
        self.objects = Path(cache_dir) / "tiles" / "objects"
        self.quality = quality
        self.max_pixels = max_pixels
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.rendered = 0
        self.reused = 0
        self._used: set[str] = set()

    def _key(self, path: Path) -> str:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        settings = json.dumps([PYRAMID_VERSION, TILE_SIZE, OVERLAP, TILE_FORMAT, self.quality, PRINT_WIDTH])
        return hashlib.sha256(f"{digest}:{settings}".encode()).hexdigest()[:40]

    def make(self, sources: list[Path]) -> dict[Path, Pyramid]:
        """The pyramid of each scan; cold ones are cut in parallel."""
        results: dict[Path, Pyramid] = {}
        jobs: dict[str, tuple[_Job, list[Path]]] = {}
        for path in dict.fromkeys(sources):
            key = self._key(path)
            self._used.add(key)
            folder = self.objects / key[:2] / key
            meta = _load_meta(folder)
            if meta is not None:
                self.reused += 1
                results[path] = _pyramid(path, key, folder, meta)
            elif key in jobs:
                jobs[key][1].append(path)
            else:
                jobs[key] = (_Job(str(path), key, str(folder), self.quality, self.max_pixels), [path])
        todo = [job for job, _ in jobs.values()]
        if len(todo) < 2 or self.workers < 2:
            metas = [_render_and_store(job) for job in todo]
        else:
            with store.worker_pool(min(self.workers, len(todo))) as pool:
                metas = list(pool.map(_render_and_store, todo, chunksize=1))
        for job, meta in zip(todo, metas):
            self.rendered += 1
            for path in jobs[job.key][1]:
                results[path] = _pyramid(path, job.key, Path(job.out_dir), meta)
        return results

    def finish(self) -> None:
        """Remove cached pyramids that no scan of this build used."""
        store.retain(self.objects, self._used, depth=2)


def _load_meta(folder: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("version") != PYRAMID_VERSION:
        return None
    if meta.get("ok") and not ((folder / "print.jpg").is_file() and (folder / "thumb.jpg").is_file()):
        return None
    return meta


def _pyramid(path: Path, key: str, folder: Path, meta: dict[str, Any]) -> Pyramid:
    if not meta.get("ok"):
        return Pyramid(path, key, False, str(meta.get("reason", "")))
    return Pyramid(path, key, True, width=int(meta["width"]), height=int(meta["height"]), tiles=int(meta["tiles"]),
                   folder=folder, print_size=(int(meta["print"][0]), int(meta["print"][1])),
                   thumb_size=(int(meta["thumb"][0]), int(meta["thumb"][1])))
