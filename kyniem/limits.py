"""Size bounds, checked before any work starts, so one hostile or mistaken file cannot
exhaust the build machine's memory or disk.

Every bound is a setting (``limits:`` and ``gallery:`` in mkdocs.yml, see kyniem/config.py;
a banner's memory is bounded by ``banners.memory_mb`` in kyniem/banners.py)
with a safe default, and every refusal is a named finding in Vietnamese that gives the
number found, the bound and the setting to change.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:
    from .config import KyniemConfig, LimitsConfig

# Peak bytes the pipeline holds per decoded pixel, measured by scripts/bench_limits.py: an RGBA PNG
# at the 80-megapixel bound peaks at 1025 MB (13 B/pixel: the decoded image, its sRGB conversion,
# the transparency flattened over white and the first resize alive at once).
BYTES_PER_PIXEL = 14
_MB = 1024 * 1024


def photo_workers(limits: "LimitsConfig", largest_pixels: int, wanted: int | None = None) -> int:
    """How many photos may be decoded at once so that workers × largest photo fits ``limits.memory_mb``."""
    cpus = wanted if wanted is not None else (os.cpu_count() or 1)
    per_photo = max(1, largest_pixels * BYTES_PER_PIXEL)
    return max(1, min(cpus, int(limits.memory_mb) * _MB // per_photo))


def photo_bytes_reason(size: int, max_file_bytes: int) -> str | None:
    """Why a photo of ``size`` bytes is refused (``gallery.max_file_mb``), or None: the pipeline's
    refusal and ``kyniem check``'s finding, in the same words."""
    if size <= max_file_bytes:
        return None
    return (f"nặng {size / _MB:.0f} MB, quá giới hạn {max_file_bytes // _MB} MB (thiết lập gallery.max_file_mb); "
            "hãy giảm cỡ ảnh hoặc tăng giới hạn")


def photo_pixels_reason(width: int, height: int, max_pixels: int) -> str | None:
    """Why a photo of ``width`` × ``height`` is refused (``gallery.max_pixels``), or None."""
    if width * height <= max_pixels:
        return None
    return (f"có {width}×{height} điểm ảnh ({width * height / 1e6:.0f} megapixel), quá giới hạn "
            f"{max_pixels / 1e6:.0f} megapixel (thiết lập gallery.max_pixels); hãy giảm cỡ ảnh "
            "hoặc tăng giới hạn nếu máy đủ bộ nhớ")


def word_file_problem(path: Path, settings: "KyniemConfig", source: str | None = None) -> Problem | None:
    """A Word file too large, or that unzips to too much, refused before it is parsed
    (``kyniem import``; ``kyniem check`` names Word files waiting in the project the same way)."""
    limits = settings.limits
    source = source or path.as_posix()
    size = path.stat().st_size
    if size > int(limits.word_file_mb) * _MB:
        return Problem(source, None, f"tệp Word nặng {size / _MB:.1f} MB, quá giới hạn {limits.word_file_mb} MB "
                       "(thiết lập limits.word_file_mb); hãy chia tài liệu thành từng chương, hoặc giảm cỡ ảnh "
                       "trong Word (Tệp → Nén ảnh)", "error", "word-too-large")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip: the importer says what it is
    unzipped = sum(max(0, info.file_size) for info in members)
    text = sum(max(0, info.file_size) for info in members if info.filename.endswith((".xml", ".rels")))
    if text > int(limits.word_text_mb) * _MB:
        return Problem(source, None, f"phần chữ của tệp Word giải nén ra {text / _MB:.0f} MB, quá giới hạn "
                       f"{limits.word_text_mb} MB (thiết lập limits.word_text_mb); một chương thường chưa tới 2 MB. "
                       "Hãy chia tài liệu thành từng chương, hoặc mở tệp trong Word, lưu lại rồi nhập lại",
                       "error", "word-text-too-large")
    if unzipped > int(limits.word_unzipped_mb) * _MB:
        return Problem(source, None, f"tệp Word giải nén ra {unzipped / _MB:.0f} MB, quá giới hạn "
                       f"{limits.word_unzipped_mb} MB (thiết lập limits.word_unzipped_mb); tệp có thể bị hỏng "
                       "hoặc được làm ra để gây quá tải. Mở tệp trong Word, lưu lại, rồi nhập lại", "error",
                       "word-unzipped-too-large")
    return None


def chapter_problem(text: str, source: str, settings: "KyniemConfig") -> Problem | None:
    """A converted chapter longer than ``limits.chapter_kb`` is not written (the build would refuse it)."""
    size = len(text.encode("utf-8"))
    bound = int(settings.limits.chapter_kb) * 1024
    if size <= bound:
        return None
    return Problem(source, None, f"chương nhập ra dài {size // 1024} KB, quá giới hạn {bound // 1024} KB "
                   "(thiết lập limits.chapter_kb); hãy chia tài liệu Word thành từng chương rồi nhập từng phần",
                   "error", "chapter-too-large")
