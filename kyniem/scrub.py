"""GPS never reaches git: find photos that carry a location, and remove it from the originals.

The build already publishes no metadata (kyniem/images.py re-encodes, kyniem/privacy.py
strips images copied from docs/), but a public repository publishes the originals
themselves. ``kyniem check`` (and so the pre-commit hook) names every photo in git's
index that carries a location; ``kyniem scrub PATH…`` removes location and camera data
from the files losslessly: a JPEG keeps every byte of its image data and its
orientation, only the metadata segments change.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

from . import store
from .images import HEIF_SUFFIXES, IMAGE_SUFFIXES
from .privacy import strip_metadata
from .problems import Report

_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_LATITUDE, _LONGITUDE = 2, 4
_XMP_GPS = re.compile(rb"(exif:GPSL(atitude|ongitude)|GPSL(atitude|ongitude)=)")
PHOTO_SUFFIXES = tuple(sorted(IMAGE_SUFFIXES | set(HEIF_SUFFIXES)))


def _exif_blocks(data: bytes) -> list[bytes]:
    """TIFF-structured EXIF blocks found in a JPEG, HEIC, PNG (eXIf) or WebP (EXIF) file."""
    blocks = []
    for match in re.finditer(rb"Exif\x00\x00(II\*\x00|MM\x00\*)", data):
        blocks.append(data[match.start() + 6 :])
    for match in re.finditer(rb"eXIf(II\*\x00|MM\x00\*)", data):  # PNG: chunk type, then the data
        blocks.append(data[match.start() + 4 :])
    for match in re.finditer(rb"EXIF....(II\*\x00|MM\x00\*)", data, re.S):  # WebP: chunk type, size, data
        blocks.append(data[match.start() + 8 :])
    return blocks[:4]


def _exif(block: bytes) -> "object | None":
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(block)
    except (SyntaxError, ValueError, struct.error, KeyError, IndexError, OSError):
        return None
    return exif


def has_location(data: bytes) -> bool:
    """Whether the image bytes carry a GPS position (EXIF GPS tags or XMP GPS properties)."""
    if _XMP_GPS.search(data):
        return True
    for block in _exif_blocks(data):
        exif = _exif(block)
        if exif is None:
            continue
        try:
            gps = exif.get_ifd(_GPS_IFD)  # type: ignore[attr-defined]
        except (SyntaxError, ValueError, struct.error, KeyError, IndexError, OSError):
            continue
        if _LATITUDE in gps or _LONGITUDE in gps:
            return True
    return False


def _orientation(data: bytes) -> int:
    for block in _exif_blocks(data)[:1]:
        exif = _exif(block)
        if exif is not None:
            value = exif.get(_ORIENTATION, 1)  # type: ignore[attr-defined]
            return value if isinstance(value, int) and 1 <= value <= 8 else 1
    return 1


def _orientation_segment(orientation: int) -> bytes:
    """A JPEG APP1 segment with an EXIF block that holds the orientation and nothing else."""
    from PIL import Image

    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    payload = b"Exif\x00\x00" + exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def scrub_bytes(data: bytes) -> bytes | None:
    """The image without location, camera and other metadata, or None when there is none.

    JPEG: metadata segments are dropped and the image data kept byte for byte; an
    orientation other than "upright" is written back in a minimal EXIF block, so the
    photo is not shown on its side. PNG and WebP: metadata chunks are dropped.
    """
    stripped = strip_metadata(data)
    if stripped is None:
        return None
    if data.startswith(b"\xff\xd8"):
        orientation = _orientation(data)
        if orientation != 1:
            insert = 2
            if stripped[2:4] == b"\xff\xe0":  # keep JFIF first, as readers expect
                insert = 4 + struct.unpack(">H", stripped[4:6])[0]
            stripped = stripped[:insert] + _orientation_segment(orientation) + stripped[insert:]
    return None if stripped == data else stripped  # an orientation-only EXIF is already clean


def scrub_file(path: Path) -> bool | None:
    """Scrub one file in place (atomically). True: changed; False: nothing to remove; None: cannot."""
    data = path.read_bytes()
    cleaned = scrub_bytes(data)
    if cleaned is None:
        return None if has_location(data) else False
    mode = path.stat().st_mode
    store.write_bytes(path, cleaned)
    path.chmod(mode & 0o7777)  # the temporary file was private; the photo keeps its permissions
    return True


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.decode("utf-8", errors="surrogateescape")


def _blob(root: Path, sha: str) -> bytes:
    done = subprocess.run(["git", "-C", str(root), "cat-file", "blob", sha], capture_output=True, check=True)
    return done.stdout


def check_git_photos(root: Path, folders: list[str], cache_file: Path, report: Report) -> None:
    """Name every photo in git's index (committed, or staged for the next commit) that carries GPS.

    Blobs are identified by their hash, so a verdict is cached for good and a check
    opens only photos it has not seen before.
    """
    listing = _git(root, "ls-files", "-s", "-z", "--", *folders)
    if not listing:
        return
    try:
        cache: dict[str, bool] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    changed = False
    for entry in listing.split("\0"):
        if "\t" not in entry:
            continue
        meta, name = entry.split("\t", 1)
        sha = meta.split()[1]
        if not name.lower().endswith(PHOTO_SUFFIXES):
            continue
        if sha not in cache:
            try:
                cache[sha] = has_location(_blob(root, sha))
            except (OSError, subprocess.CalledProcessError):
                continue
            changed = True
        if cache[sha]:
            report.error(name, None, "ảnh còn vị trí GPS (nơi chụp) và thông tin máy ảnh; đưa lên kho git công khai là "
                         "ai cũng biết nơi chụp, có khi là nhà riêng. Xóa bằng lệnh: "
                         f"kyniem scrub {name} rồi git add {name}", "photo-gps")
    if changed:
        try:
            store.write_bytes(cache_file, json.dumps(cache).encode())
        except OSError:
            pass


def scrub_paths(paths: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """Scrub files and folders (recursively): (changed, already clean, cannot) as paths."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES))
        else:
            files.append(path)
    changed, clean, failed = [], [], []
    for file in files:
        result = scrub_file(file) if file.is_file() else None
        (changed if result else clean if result is False else failed).append(file.as_posix())
    return changed, clean, failed


