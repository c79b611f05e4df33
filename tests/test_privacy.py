"""Images published straight from docs/ lose their GPS and camera metadata, not their pixels."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, PngImagePlugin
from sitebuild import build
from test_content_errors import make_project

from kyniem.privacy import strip_metadata

GPS = 0x8825


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[GPS] = {1: "N", 2: (20.0, 56.0, 30.0), 3: "E", 4: (106.0, 19.0, 0.0)}
    return exif


def photo(fmt: str) -> bytes:
    image = Image.new("RGB", (64, 48), (183, 28, 28))
    image.paste((255, 213, 79), (10, 10, 30, 30))
    out = io.BytesIO()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "private note")
        image.save(out, fmt, exif=exif_with_gps(), pnginfo=info)
    else:
        image.save(out, fmt, exif=exif_with_gps(), xmp=b"<x:xmpmeta>private</x:xmpmeta>", quality=90)
    return out.getvalue()


def metadata_of(data: bytes) -> tuple[dict, bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif()), image.convert("RGB").tobytes()


def test_metadata_goes_and_pixels_stay_for_each_format() -> None:
    for fmt in ("JPEG", "PNG", "WEBP"):
        original = photo(fmt)
        assert metadata_of(original)[0], fmt
        stripped = strip_metadata(original)
        assert stripped is not None, fmt
        exif, pixels = metadata_of(stripped)
        assert exif == {}, fmt
        assert pixels == metadata_of(original)[1], fmt
        assert b"private" not in stripped and b"Camera maker" not in stripped, fmt
        assert strip_metadata(stripped) is None, fmt


def test_clean_and_unknown_files_are_left_alone() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    assert strip_metadata(out.getvalue()) is None
    assert strip_metadata(b"GIF89a...") is None


def test_build_publishes_docs_photos_without_gps(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "docs/anh.jpg").write_bytes(photo("JPEG"))
    (project / "docs/index.md").write_text("# Trang chủ\n\n![Ảnh minh họa](anh.jpg)\n", encoding="utf-8")
    assert build(project, "--strict").returncode == 0
    published = (project / "site/anh.jpg").read_bytes()
    assert metadata_of(published)[0] == {}
    assert metadata_of((project / "docs/anh.jpg").read_bytes())[0], "the editor's file is untouched"
