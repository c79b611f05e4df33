"""The image pipeline: photos in, small metadata-free sRGB derivatives out.

Every image shown on the site (album photos, chapter illustrations) goes through
:class:`ImagePipeline`. It is built for a phone reader and for a slow laptop:

* JPEG photos (nearly all of them) are decoded and resized by libvips (pyvips):
  shrink-on-load leaving at least 2× for a Lanczos reduce, as libvips' own
  thumbnailer does, then each width from the previous one. Measured against a
  Lanczos resize from full size (scripts/bench_gallery.py), this keeps the quality
  of the libvips pipeline, where Pillow's equivalent (DCT scaling straight to 2×
  the target) lost 0.2-0.3 dB at the large widths and a full-size Pillow Lanczos
  cost a third more CPU than libvips. Other formats (and downloadable originals)
  go through Pillow, decoded at reduced size where the format allows;
  every derivative is encoded by Pillow; cold work is spread over all cores;
* cache derivatives under the cache folder by content hash + settings, so a build
  with no changed photo decodes nothing (a stat index avoids even re-hashing);
* write atomically through :mod:`kyniem.store`, so an interrupted build never
  leaves a half-written file and concurrent builds never delete each other's entries;
* never copy EXIF, XMP, GPS or ICC data into a derivative; convert to sRGB and
  flatten transparency over white;
* turn hostile files (empty, truncated, not an image, decompression bombs) into a
  reason string instead of an exception, so the rest of the site builds.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from . import limits, store
from .progress import track

log = logging.getLogger("mkdocs.plugins.kyniem")

register_heif_opener()  # phones' HEIC photos, through the same pipeline as JPEG

# Bump when the output of a given source + settings changes, to invalidate caches.
PIPELINE_VERSION = 6

# Suffixes the pipeline accepts, and which suffixes fit which detected format.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif"})
_FORMAT_SUFFIXES = {
    "JPEG": {".jpg", ".jpeg"},
    "MPO": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "WEBP": {".webp"},
    "GIF": {".gif"},
    "TIFF": {".tif", ".tiff"},
    "BMP": {".bmp"},
    "HEIF": {".heic", ".heif"},
}
# Phones' HEIC/HEIF photos: ISO media files whose "ftyp" box names one of these brands.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
HEIF_SUFFIXES = (".heic", ".heif", ".hif")
HEIC_REASON = ("ảnh HEIC/HEIF (dạng ảnh mặc định của iPhone và nhiều điện thoại) không đọc được; chuyển ảnh sang "
               "JPEG: trên iPhone vào Cài đặt → Camera → Định dạng → chọn Tương thích nhất rồi gửi lại ảnh, hoặc mở "
               "ảnh trên máy tính (Ảnh của Windows, Xem trước của macOS) và Lưu thành/Xuất dạng JPEG")
TRUNCATED_REASON = "ảnh bị cắt cụt hoặc hỏng (tệp kết thúc quá sớm); chép lại ảnh gốc từ máy ảnh hoặc điện thoại"
BOMB_REASON = "ảnh khai báo quá nhiều điểm ảnh; xuất ảnh nhỏ hơn, ví dụ rộng 3000 điểm ảnh, dạng JPEG"


def is_heif(path: Path) -> bool:
    """Whether the file is a HEIC/HEIF (or AVIF) container, whatever its name says."""
    try:
        with path.open("rb") as handle:
            head = handle.read(32)
    except OSError:
        return False
    return head[4:8] == b"ftyp" and (head[8:12] in _HEIF_BRANDS or any(
        head[i : i + 4] in _HEIF_BRANDS for i in range(16, len(head) - 3, 4)))


# Decoders Pillow may try (MPO files open through the JPEG decoder).
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP", "HEIF")

# Chosen by measurement (scripts/bench_gallery.py photos, 1600 and 640 px wide):
# WebP method 1 encodes in ~40 % of the time of the default method 4 for files
# within 1-4 % of its size (method 0 is as fast but up to 40 % larger on smooth
# pictures). For the JPEG fallback, which only browsers without WebP fetch,
# optimised Huffman tables without progressive scans are as small as progressive
# (+3 %) at a third of its encoding time.
WEBP_METHOD = 1
JPEG_OPTIMIZE = True
ORIGINAL_JPEG_QUALITY = 90

_SRGB = ImageCms.createProfile("sRGB")
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


@dataclass(frozen=True)
class PipelineSettings:
    """What, besides the source bytes, decides the derivatives (part of the cache key)."""

    widths: tuple[int, ...] = (320, 480, 640, 1024, 1600)
    jpeg_quality: int = 82
    webp_quality: int = 78
    max_pixels: int = 80_000_000
    max_file_bytes: int = 40 * 1024 * 1024

    @classmethod
    def from_config(cls, gallery: Any) -> "PipelineSettings":
        """Settings from the plugin's ``gallery`` sub-config (``GalleryConfig``)."""
        widths = tuple(sorted({int(w) for w in gallery["widths"] if int(w) > 0}))
        return cls(
            widths=widths or cls.widths,
            jpeg_quality=int(gallery["jpeg_quality"]),
            webp_quality=int(gallery["webp_quality"]),
            max_pixels=int(gallery["max_pixels"]),
            max_file_bytes=int(gallery["max_file_mb"]) * 1024 * 1024,
        )

    @functools.cache  # noqa: B019 (frozen settings: one hash per build, not one per photo)
    def digest(self, original: bool) -> str:
        """Short hash of everything that changes the output of one source."""
        data = json.dumps(
            [PIPELINE_VERSION, list(self.widths), self.jpeg_quality, self.webp_quality, WEBP_METHOD,
             JPEG_OPTIMIZE, original, ORIGINAL_JPEG_QUALITY],
        )
        return hashlib.sha256(data.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Variant:
    """One derivative file in the cache."""

    width: int
    height: int
    format: str  # "webp" | "jpeg"
    path: Path

    @property
    def suffix(self) -> str:
        return ".webp" if self.format == "webp" else ".jpg"


@dataclass
class ImageResult:
    """What the pipeline knows about one source image (cached with the derivatives)."""

    source: Path
    key: str
    ok: bool
    code: str = ""  # when not ok: "empty", "too-large", "not-image", "truncated", "bomb", ...
    reason: str = ""  # when not ok: a sentence for the editor
    format: str = ""  # detected format, e.g. "JPEG"
    width: int = 0  # after EXIF orientation
    height: int = 0
    taken: str | None = None  # EXIF DateTimeOriginal as "YYYY-MM-DDTHH:MM:SS"
    animated: bool = False
    decoded: tuple[int, int] = (0, 0)  # pixels actually decoded (smaller than the file's when drafted)
    variants: list[Variant] = field(default_factory=list)
    original: Variant | None = None

    def suffix_mismatch(self) -> bool:
        """True when the file's name says one format and its bytes another."""
        return bool(self.ok and self.format and self.source.suffix.lower() not in _FORMAT_SUFFIXES[self.format])

    def of_format(self, fmt: str) -> list[Variant]:
        """Derivatives in one format, narrowest first."""
        return sorted((v for v in self.variants if v.format == fmt), key=lambda v: v.width)


@dataclass
class PipelineStats:
    """Counters that prove what a build did (tests assert on them, the bench prints them)."""

    decoded: int = 0  # sources opened and rendered
    reused: int = 0  # sources served entirely from the cache
    hashed: int = 0  # sources whose bytes were read to compute the content hash


@dataclass(frozen=True)
class _Job:
    source: str
    key: str
    out_dir: str
    settings: PipelineSettings
    original: bool


def _declared_pixels(path: Path) -> int:
    """Pixels a file's header declares (nothing decoded); 0 when it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path, formats=_OPEN_FORMATS) as im:
                return im.width * im.height
    except Exception:  # noqa: BLE001 (any unreadable file: the render reports it)
        return 0


def _content_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _taken(exif: Image.Exif) -> str | None:
    """EXIF capture time as ISO text, or None when absent or malformed."""
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str) or len(raw) < 19:
        return None
    date, _, time = raw.strip().partition(" ")
    parts = date.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or parts[0] == "0000":
        return None
    return f"{parts[0]}-{parts[1]}-{parts[2]}T{time[:8]}"


def to_srgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode and colour space -> 8-bit sRGB "RGB", transparency over white."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif im.mode == "F":
        im = im.convert("L")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if has_alpha:
        im = im.convert("RGBA")
    elif im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(im, profile, _SRGB, outputMode=out_mode)
            if converted is not None:
                im = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: fall back to Pillow's plain conversion below
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im, mask=im.getchannel("A"))
        return background
    return im if im.mode == "RGB" else im.convert("RGB")


def _vips() -> Any:
    """pyvips, imported in the worker that needs it (loading libvips costs a warm build nothing)."""
    os.environ.setdefault("VIPS_CONCURRENCY", "1")  # one thread per worker: the pool already uses every core
    import pyvips

    pyvips.cache_set_max(0)  # each photo is read once; libvips' operation cache would only hold memory
    logging.getLogger("pyvips").setLevel(logging.ERROR)  # a broken photo is reported once, by the build
    return pyvips


def _jpeg_shrink(factor: float) -> int:
    """libvips' shrink-on-load rule: decode by 1/2, 1/4 or 1/8 but leave ≥ 2× for the Lanczos reduce."""
    return 8 if factor >= 16 else 4 if factor >= 8 else 2 if factor >= 4 else 1


def _vips_variants(source: Path, stored: tuple[int, int], orientation: int, icc: bytes | None,
                   targets: list[int], out_h: int, out_w: int) -> tuple[tuple[int, int], Iterable[Image.Image]]:
    """A JPEG through libvips: (pixels decoded, and each target width as an sRGB Pillow image).

    Orientation and colour conversion are applied after the first resize (fewer pixels);
    libvips' errors are raised as ``OSError`` with its message, like Pillow's."""
    pyvips = _vips()
    try:
        return _vips_open(pyvips, source, stored, orientation, icc, targets, out_h, out_w)
    except pyvips.Error as exc:
        raise OSError(str(exc)) from exc


def _vips_open(pyvips: Any, source: Path, stored: tuple[int, int], orientation: int, icc: bytes | None,
               targets: list[int], out_h: int, out_w: int) -> tuple[tuple[int, int], Iterable[Image.Image]]:
    swapped = orientation in (5, 6, 7, 8)
    first_h = max(1, round(targets[0] * out_h / out_w))
    want_w, want_h = (first_h, targets[0]) if swapped else (targets[0], first_h)
    shrink = _jpeg_shrink(min(stored[0] / want_w, stored[1] / want_h))
    image = pyvips.Image.new_from_file(str(source), shrink=shrink, access="sequential", fail_on="truncated",
                                       autorotate=False)
    decoded = (image.width, image.height)

    def frames() -> Iterable[Image.Image]:
        try:
            yield from resized()
        except pyvips.Error as exc:
            raise OSError(str(exc)) from exc

    def resized() -> Iterable[Image.Image]:
        current = image
        for index, target in enumerate(targets):
            target_h = max(1, round(target * out_h / out_w))
            size = (target_h, target) if swapped and index == 0 else (target, target_h)
            if (current.width, current.height) != size:
                current = current.resize(size[0] / current.width, vscale=size[1] / current.height,
                                         kernel="lanczos3")
            current = current.copy_memory()  # the file is read once, in order: turning it needs it whole
            if index == 0 and (orientation in (2, 3, 4, 5, 6, 7, 8) or icc or current.bands != 3):
                current = _vips_upright_srgb(pyvips, current, orientation, icc).copy_memory()
            yield Image.frombuffer("RGB", (current.width, current.height), current.write_to_memory(), "raw",
                                   "RGB", 0, 1)

    return decoded, frames()


def _vips_upright_srgb(pyvips: Any, image: Any, orientation: int, icc: bytes | None) -> Any:
    """EXIF orientation applied (the value Pillow read, so both paths agree), embedded profile
    converted to sRGB, three 8-bit bands."""
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        image = image.copy()
        image.set_type(pyvips.GValue.gint_type, "orientation", int(orientation))
        image = image.autorot()
    if icc:
        try:
            image = image.icc_transform("srgb", embedded=True, intent="perceptual").copy_memory()
        except pyvips.Error:
            pass  # a broken profile: the pixels as stored, like the Pillow path
    if image.bands == 1:
        image = image.bandjoin([image, image])
    return image.cast("uchar")


def _fail(job: _Job, code: str, reason: str) -> dict[str, Any]:
    return {"ok": False, "code": code, "reason": reason}


def _render(job: _Job) -> dict[str, Any]:
    """Make every derivative of one source; return the metadata to cache.

    Runs in a worker process. Never raises for bad input: the failure is data.
    """
    source = Path(job.source)
    settings = job.settings
    # WeasyPrint (the book) sets this process-wide flag on import; a truncated photo must
    # be reported, not published half grey, so the pipeline insists on its own setting.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        size = source.stat().st_size
    except OSError as exc:
        return _fail(job, "unreadable", "không đọc được tệp (không có quyền đọc, hoặc tệp đã bị xóa); chép lại ảnh")
    if size == 0:
        return _fail(job, "empty", "tệp rỗng (0 byte); chép lại ảnh từ máy ảnh hoặc điện thoại")
    if (too_heavy := limits.photo_bytes_reason(size, settings.max_file_bytes)) is not None:
        return _fail(job, "too-large", too_heavy)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(source, formats=_OPEN_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _fail(job, "bomb", BOMB_REASON)
        except UnidentifiedImageError:
            if is_heif(source):
                return _fail(job, "heic", HEIC_REASON)
            return _fail(job, "not-image", "tệp không phải là ảnh đọc được (JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC); "
                         "mở tệp bằng phần mềm xem ảnh và lưu lại dưới dạng JPEG")
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            if "runcated" in str(exc) or isinstance(exc, EOFError):
                return _fail(job, "truncated", TRUNCATED_REASON)
            if is_heif(source):
                return _fail(job, "heic", HEIC_REASON)
            return _fail(job, "not-image", "tệp không phải là ảnh đọc được; mở tệp bằng phần mềm xem ảnh và "
                         "lưu lại dưới dạng JPEG")
    with im:
        try:
            return _render_open(job, im, source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _fail(job, "bomb", BOMB_REASON)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            text = str(exc)
            if ("truncated" in text or "broken data stream" in text or "premature end" in text.lower()
                    or isinstance(exc, EOFError)):
                return _fail(job, "truncated", TRUNCATED_REASON)
            return _fail(job, "broken", "ảnh hỏng, không giải mã được; mở ảnh và lưu lại dưới dạng JPEG")


def _render_open(job: _Job, im: ImageFile.ImageFile, source: Path) -> dict[str, Any]:
    settings = job.settings
    width, height = im.size
    if (too_big := limits.photo_pixels_reason(width, height, settings.max_pixels)) is not None:
        return _fail(job, "bomb", too_big)
    exif = im.getexif()
    orientation = exif.get(0x0112, 1)
    swapped = orientation in (5, 6, 7, 8)
    out_w, out_h = (height, width) if swapped else (width, height)
    animated = getattr(im, "n_frames", 1) > 1
    # The largest derivative fits a max(widths) square: a portrait's long side is
    # bounded like a landscape's, which is all a lightbox can show and lets JPEG
    # DCT scaling work for turned photos too.
    bound = max(settings.widths)
    largest = min(out_w, bound, max(1, bound * out_w // out_h))
    targets = sorted({w for w in settings.widths if w < largest} | {largest}, reverse=True)
    taken = _taken(exif)
    fmt = im.format or ""
    out_dir = Path(job.out_dir)
    original: dict[str, Any] | None = None
    frames: Iterable[Image.Image]
    if fmt in ("JPEG", "MPO") and im.mode in ("RGB", "L") and not job.original:
        decoded, frames = _vips_variants(source, im.size, orientation, im.info.get("icc_profile"), targets,
                                         out_h, out_w)
    else:
        if fmt == "JPEG" and not job.original:  # CMYK: Pillow, still decoded at reduced size
            need_w = largest
            need_h = max(1, round(largest * out_h / out_w))
            im.draft(None, (need_h, need_w) if swapped else (need_w, need_h))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im.load()
        decoded = im.size
        frame = ImageOps.exif_transpose(im) if orientation != 1 else im
        rgb = to_srgb(frame)
        rgb.info = {}
        if job.original:
            buffer = io.BytesIO()
            rgb.save(buffer, "JPEG", quality=ORIGINAL_JPEG_QUALITY, progressive=True)
            store.write_bytes(out_dir / "original.jpg", buffer.getvalue())
            original = {"width": rgb.width, "height": rgb.height, "format": "jpeg", "file": "original.jpg"}
        frames = _pillow_frames(rgb, targets, out_h, out_w)
    variants: list[dict[str, Any]] = []
    for target, current in zip(targets, frames):
        target_h = current.height
        for kind in ("webp", "jpeg"):
            buffer = io.BytesIO()
            if kind == "webp":
                current.save(buffer, "WEBP", quality=settings.webp_quality, method=WEBP_METHOD)
                name = f"w{target}.webp"
            else:
                current.save(buffer, "JPEG", quality=settings.jpeg_quality, optimize=JPEG_OPTIMIZE)
                name = f"w{target}.jpg"
            store.write_bytes(out_dir / name, buffer.getvalue())
            variants.append({"width": target, "height": target_h, "format": kind, "file": name})
    return {
        "ok": True, "format": fmt, "width": out_w, "height": out_h, "taken": taken,
        "animated": animated, "decoded": list(decoded), "variants": variants, "original": original,
    }


def _pillow_frames(rgb: Image.Image, targets: list[int], out_h: int, out_w: int) -> Iterable[Image.Image]:
    """Each target width, resized from the previous (larger) one."""
    current = rgb
    for target in targets:
        target_h = max(1, round(target * out_h / out_w))
        if current.size != (target, target_h):
            current = current.resize((target, target_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
            current.info = {}
        yield current


def _render_and_store(job: _Job) -> dict[str, Any]:
    """Render one job and commit its metadata last, so a partial key dir is never trusted."""
    started = time.perf_counter()
    meta = _render(job)
    meta["version"] = PIPELINE_VERSION
    meta["seconds"] = round(time.perf_counter() - started, 3)
    store.write_bytes(Path(job.out_dir) / "meta.json", json.dumps(meta).encode())
    return meta


class ImagePipeline:
    """Derivatives for a set of source images, cached under ``cache_dir/images``."""

    def __init__(self, cache_dir: Path, settings: PipelineSettings, workers: int | None = None,
                 bound_workers: Callable[[int, int], int] | None = None) -> None:
        self.root = Path(cache_dir) / "images"
        self.objects = self.root / "objects"
        self.settings = settings
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        # (largest photo's pixels, workers wanted) -> workers allowed by the memory bound.
        self.bound_workers = bound_workers
        self.stats = PipelineStats()
        self._index_path = self.root / "index.json"
        self._index = self._read_index()
        # Every entry's metadata in one file: key -> [meta.json's mtime, its content] (see _load_meta).
        self._manifest_path = self.root / "manifest.json"
        self._manifest = self._read_json(self._manifest_path)
        self._kept: dict[str, list[Any]] = {}
        self._used: set[str] = set()
        self._times: list[tuple[str, float]] = []

    def _read_index(self) -> dict[str, list[Any]]:
        return self._read_json(self._index_path)

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _hash(self, path: Path) -> str | None:
        """Content hash, from the stat index when size and mtime are unchanged."""
        try:
            stat = path.stat()
        except OSError:
            return None
        entry = self._index.get(str(path))
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            return str(entry[2])
        try:
            digest = _content_hash(path)
        except OSError:
            return None
        self.stats.hashed += 1
        self._index[str(path)] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def _load_meta(self, key: str, key_dir: Path) -> dict[str, Any] | None:
        """A complete, untouched cache entry's metadata, else None (the photo is rendered again).

        The site holds hard links to these files: a file written into after its entry was
        committed (through a link in the site, by hand or by a tool) is newer than meta.json,
        so it is never published again; rendering replaces it with a new file.
        meta.json itself is read only when the manifest does not hold it as it is now (same
        mtime): a warm build opens no file per photo, it only looks at their times."""
        folder = os.fspath(key_dir)
        try:
            committed = os.stat(os.path.join(folder, "meta.json")).st_mtime_ns
            kept = self._manifest.get(key)
            if isinstance(kept, list) and len(kept) == 2 and kept[0] == committed and isinstance(kept[1], dict):
                meta = kept[1]
            else:
                meta = json.loads((key_dir / "meta.json").read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("version") != PIPELINE_VERSION:
            return None
        try:
            files = [v["file"] for v in meta.get("variants", [])]
            if meta.get("original"):
                files.append(meta["original"]["file"])
        except (KeyError, TypeError):
            return None
        for name in files:
            try:
                written = os.stat(os.path.join(folder, name)).st_mtime_ns
            except (OSError, TypeError):
                return None
            if written > committed:
                return None
        self._kept[key] = [committed, meta]
        return meta

    def process(self, sources: Iterable[tuple[Path, bool]]) -> dict[tuple[Path, bool], ImageResult]:
        """Derivatives for each ``(path, offer_original)``; cold ones rendered in parallel."""
        results: dict[tuple[Path, bool], ImageResult] = {}
        todo: dict[str, tuple[_Job, list[tuple[Path, bool]]]] = {}
        for path, original in dict.fromkeys(sources):
            digest = self._hash(path)
            if digest is None:
                results[(path, original)] = ImageResult(path, "", False, "unreadable", "cannot be read")
                continue
            key = hashlib.sha256(f"{digest}:{self.settings.digest(original)}".encode()).hexdigest()[:40]
            self._used.add(key)
            key_dir = self.objects / key[:2] / key
            meta = self._load_meta(key, key_dir)
            if meta is not None:
                self.stats.reused += 1
                results[(path, original)] = self._result(path, key, key_dir, meta)
                continue
            if key in todo:
                todo[key][1].append((path, original))
            else:
                todo[key] = (_Job(str(path), key, str(key_dir), self.settings, original), [(path, original)])
        jobs = [job for job, _ in todo.values()]
        for job, meta in zip(jobs, self._run(jobs)):
            self.stats.decoded += 1
            for path, original in todo[job.key][1]:
                results[(path, original)] = self._result(path, job.key, Path(job.out_dir), meta)
        return results

    def _run(self, jobs: list[_Job]) -> list[dict[str, Any]]:
        """Render ``jobs``, showing progress; Ctrl+C stops every worker at once.

        Each finished photo is committed to the cache as it completes (meta.json last),
        so what was done before an interruption is reused by the next build."""
        workers = self.workers
        if self.bound_workers is not None and len(jobs) > 1 and workers > 1:
            workers = self.bound_workers(max(_declared_pixels(Path(job.source)) for job in jobs), workers)
        if len(jobs) < 2 or workers < 2:
            return self._collect(map(_render_and_store, jobs), jobs)
        # Not preloaded in the fork server: it lives as long as the build, beside every later worker (the book's),
        # and would hold the pipeline's libraries (30 MiB instead of 13) for the whole build.
        with store.worker_pool(min(workers, len(jobs))) as pool:
            return self._collect(pool.map(_render_and_store, jobs, chunksize=1), jobs)

    def _collect(self, results: Iterable[dict[str, Any]], jobs: list[_Job]) -> list[dict[str, Any]]:
        done: list[dict[str, Any]] = []
        try:
            for job, meta in zip(jobs, track(results, "Ảnh", len(jobs), unit="ảnh")):
                done.append(meta)
                self._times.append((job.source, float(meta.get("seconds", 0.0))))
        except KeyboardInterrupt:
            log.warning("kyniem: đã dừng theo yêu cầu (Ctrl+C): %d/%d ảnh đã xử lý được giữ trong bộ nhớ đệm, "
                        "lần dựng sau sẽ dùng lại", len(done), len(jobs))
            raise
        return done

    def slowest(self, count: int = 5) -> list[tuple[str, float]]:
        """The photos that took longest to render in this build (for ``mkdocs build -v``)."""
        return sorted(self._times, key=lambda item: item[1], reverse=True)[:count]

    @staticmethod
    def _result(path: Path, key: str, key_dir: Path, meta: dict[str, Any]) -> ImageResult:
        if not meta.get("ok"):
            return ImageResult(path, key, False, str(meta.get("code", "broken")), str(meta.get("reason", "")))
        variants = [Variant(v["width"], v["height"], v["format"], key_dir / v["file"]) for v in meta["variants"]]
        orig = meta.get("original")
        decoded_w, decoded_h = meta.get("decoded") or (0, 0)
        return ImageResult(
            source=path, key=key, ok=True, format=meta["format"], width=meta["width"], height=meta["height"],
            taken=meta.get("taken"), animated=bool(meta.get("animated")),
            decoded=(int(decoded_w), int(decoded_h)), variants=variants,
            original=Variant(orig["width"], orig["height"], orig["format"], key_dir / orig["file"]) if orig else None,
        )

    def finish(self) -> None:
        """Save the stat index and delete cached derivatives no source of this build used."""
        self._index = {p: e for p, e in self._index.items() if os.path.exists(p)}
        store.write_bytes(self._index_path, json.dumps(self._index, sort_keys=True).encode())
        if self._kept != self._manifest:  # entries read from their meta.json, or no longer used
            store.write_bytes(self._manifest_path, json.dumps(self._kept, sort_keys=True).encode())
        store.retain(self.objects, self._used, depth=2)
