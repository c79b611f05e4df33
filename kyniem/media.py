"""Films and recordings: size, duration and a poster frame, read with PyAV (FFmpeg in its wheels).

A ``<video>`` needs its width and height (no layout jump) and a poster, since it
is published with ``preload="none"`` and shows nothing until played. The poster
is a frame taken a little into the film (the first frame is often black), or the
image the editor gave; either way it goes out as a metadata-free sRGB JPEG.
Results are cached by the file's content hash, so a film is decoded once.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from . import store
from .images import to_srgb

MEDIA_VERSION = 1
POSTER_WIDTH = 1280
POSTER_QUALITY = 82


@dataclass(frozen=True)
class MediaInfo:
    """What the page needs to show one film or recording."""

    ok: bool
    reason: str = ""
    width: int = 0
    height: int = 0
    duration: float = 0.0
    poster: Path | None = None


class MediaProbe:
    """Probes films and cuts poster frames, cached under ``cache_dir/media``."""

    def __init__(self, cache_dir: Path) -> None:
        self.objects = Path(cache_dir) / "media" / "objects"
        self._used: set[str] = set()

    def probe(self, path: Path, kind: str, poster: Path | None) -> MediaInfo:
        digest = hashlib.sha256()
        for part in (path, poster):
            if part is not None:
                with part.open("rb") as handle:
                    digest.update(hashlib.file_digest(handle, "sha256").digest())
        digest.update(f"{MEDIA_VERSION}:{kind}:{POSTER_WIDTH}:{POSTER_QUALITY}".encode())
        key = digest.hexdigest()[:40]
        self._used.add(key)
        folder = self.objects / key[:2] / key
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = store.run_apart(_probe, path, kind, poster, folder)  # PyAV's memory leaves with the worker
            store.write_bytes(folder / "meta.json", json.dumps(meta).encode())
        if not meta.get("ok"):
            return MediaInfo(False, str(meta.get("reason", "")))
        has_poster = meta.get("poster") and (folder / "poster.jpg").is_file()
        return MediaInfo(True, width=int(meta.get("width", 0)), height=int(meta.get("height", 0)),
                         duration=float(meta.get("duration", 0.0)), poster=folder / "poster.jpg" if has_poster else None)

    def finish(self) -> None:
        store.retain(self.objects, self._used, depth=2)


def _probe(path: Path, kind: str, poster: Path | None, folder: Path) -> dict[str, object]:
    import av  # imported here: only sites with films pay for loading FFmpeg

    try:
        with av.open(str(path)) as container:
            duration = float(container.duration / av.time_base) if container.duration else 0.0
            if kind == "audio":
                if not container.streams.audio:
                    return {"ok": False, "reason": "không có tiếng (không tìm thấy luồng âm thanh)"}
                return {"ok": True, "duration": duration}
            if not container.streams.video:
                return {"ok": False, "reason": "không có hình (không tìm thấy luồng video)"}
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            frame_image = None if poster is not None else _frame(container, stream, duration)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        return {"ok": False, "reason": f"không đọc được tệp ({exc})"}
    try:
        if poster is not None:
            with Image.open(poster) as opened:
                frame_image = to_srgb(ImageOps.exif_transpose(opened))
    except (UnidentifiedImageError, OSError) as exc:
        return {"ok": False, "reason": f"ảnh bìa '{poster.name}' không đọc được ({exc})"}
    meta: dict[str, object] = {"ok": True, "width": width, "height": height, "duration": duration, "poster": False}
    if frame_image is not None:
        frame_image.thumbnail((POSTER_WIDTH, POSTER_WIDTH), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        frame_image.save(buffer, "JPEG", quality=POSTER_QUALITY, optimize=True)
        store.write_bytes(folder / "poster.jpg", buffer.getvalue())
        meta["poster"] = True
    return meta


def _frame(container: object, stream: object, duration: float) -> Image.Image | None:
    """A frame a tenth into the film (at most 5 s), where a title card or a fade is over."""
    wanted = min(duration * 0.1, 5.0)
    last = None
    for frame in container.decode(stream):  # type: ignore[attr-defined]
        last = frame
        if frame.time is None or frame.time >= wanted:
            break
    return to_srgb(last.to_image()) if last is not None else None
