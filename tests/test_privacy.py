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


# --- Issue 10: every type published from docs/ is cleaned or refused -------------------------------

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
       b'xmlns:exif="http://ns.adobe.com/exif/1.0/"><rdf:Description exif:GPSLatitude="20,56.5N"/></x:xmpmeta>')
PRIVATE = (b"Exif\x00\x00", b"GPSLatitude", b"xmpmeta", b"Camera maker", b"private")


def _frame(colour: tuple[int, int, int]) -> Image.Image:
    return Image.new("RGB", (64, 48), colour)


def _assert_private_data_gone(data: bytes) -> None:
    for needle in PRIVATE:
        assert needle not in data, needle


def test_every_frame_of_an_mpo_loses_its_gps_and_only_the_first_is_published() -> None:
    out = io.BytesIO()
    first, second = _frame((183, 28, 28)), _frame((20, 20, 200))
    second.encoderinfo = {"exif": exif_with_gps()}
    first.save(out, "MPO", save_all=True, append_images=[second], exif=exif_with_gps(), xmp=XMP)
    original = out.getvalue()
    assert original.count(b"Exif\x00\x00") == 2  # both frames carry GPS, as a phone writes them
    with Image.open(io.BytesIO(original)) as image:
        assert image.format == "MPO" and image.n_frames == 2
    cleaned = strip_metadata(original)
    assert cleaned is not None
    _assert_private_data_gone(cleaned)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert image.convert("RGB").getpixel((5, 5))[0] > 150


def test_bytes_after_the_end_of_an_image_are_not_published() -> None:
    tail = b"SECRET-TAIL " + b"GPSLatitude=20.94"
    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):
        out = io.BytesIO()
        _frame((1, 2, 3)).save(out, fmt)
        cleaned = strip_metadata(out.getvalue() + tail)
        assert cleaned is not None and b"SECRET-TAIL" not in cleaned, fmt
        with Image.open(io.BytesIO(cleaned)) as image:
            image.load()


def test_gif_loses_comments_and_xmp_and_keeps_every_frame() -> None:
    out = io.BytesIO()
    frames = [_frame((255, 0, 0)).convert("P"), _frame((0, 255, 0)).convert("P")]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=200,
                   comment=b"Camera maker, GPSLatitude 20.94", xmp=XMP)
    original = out.getvalue()
    assert b"GPSLatitude" in original
    cleaned = strip_metadata(original)
    assert cleaned is not None
    _assert_private_data_gone(cleaned)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.n_frames == 2 and image.info.get("loop") == 0


def test_tiff_heic_and_avif_are_refused_with_a_reason() -> None:
    import pillow_heif

    from kyniem.privacy import clean_image

    out = io.BytesIO()
    _frame((1, 2, 3)).save(out, "TIFF", exif=exif_with_gps().tobytes())
    tiff = clean_image(out.getvalue())
    assert tiff.data is None and "TIFF" in tiff.reason and "JPEG" in tiff.reason
    heif = pillow_heif.from_pillow(_frame((1, 2, 3)))
    out = io.BytesIO()
    heif.save(out, exif=exif_with_gps().tobytes())
    heic = clean_image(out.getvalue())
    assert heic.data is None and "HEIC" in heic.reason


def test_svg_metadata_goes_and_scripts_are_refused() -> None:
    from kyniem.privacy import clean_image

    plain = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/'
             b'namespaces/inkscape" inkscape:export-filename="C:\\Users\\bi-thu\\Desktop\\logo.png" viewBox="0 0 10 10">'
             b"<metadata>" + XMP + b"</metadata><rect width=\"10\" height=\"10\" fill=\"red\"/></svg>")
    cleaned = clean_image(plain)
    assert cleaned.data is not None and cleaned.changed
    assert b"xmpmeta" not in cleaned.data and b"Users" not in cleaned.data and b"<rect" in cleaned.data
    for hostile in (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                    b'<image x:href="file:///etc/passwd"/></svg>',
                    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'):
        result = clean_image(hostile)
        assert result.data is None and "SVG" in result.reason, hostile


def test_build_cleans_or_refuses_every_image_in_docs(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    out = io.BytesIO()
    _frame((1, 2, 3)).save(out, "TIFF", exif=exif_with_gps().tobytes())
    (project / "docs/ban-do.tif").write_bytes(out.getvalue())
    (project / "docs/anh.png.jpg").write_bytes(photo("PNG"))  # a PNG named .jpg: read for what it is
    (project / "docs/hinh.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert not (project / "site/ban-do.tif").exists() and not (project / "site/hinh.svg").exists()
    assert "docs/ban-do.tif: ảnh không được xuất bản: tệp là ảnh TIFF" in result.stderr
    assert "docs/hinh.svg: ảnh không được xuất bản: tệp là hình SVG có thẻ <script>" in result.stderr
    published = (project / "site/anh.png.jpg").read_bytes()
    _assert_private_data_gone(published)
