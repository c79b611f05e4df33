"""GPS never reaches git: check and the pre-commit hook name photos with a location; scrub removes it.

Real photos made with Pillow (and pillow-heif for HEIC), a real git repository, the
repository's own pre-commit configuration run by a real ``git commit``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kyniem.cli import main
from kyniem.scrub import has_location, scrub_bytes

ROOT = Path(__file__).resolve().parent.parent
GPS = {1: "N", 2: (20.0, 56.0, 12.5), 3: "E", 4: (106.0, 19.0, 30.0)}


def _exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 12"
    exif[0x8825] = GPS
    return exif


def phone_jpeg(orientation: int = 6) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), (200, 20, 20)).save(buffer, "JPEG", exif=_exif(orientation).tobytes(), quality=90)
    return buffer.getvalue()


def _scan(data: bytes) -> bytes:
    return data[data.index(b"\xff\xda"):]


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Biên tập", GIT_AUTHOR_EMAIL="bt@example.org", GIT_COMMITTER_NAME="Biên tập",
               GIT_COMMITTER_EMAIL="bt@example.org", PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text("site_name: Thử\nplugins:\n  - kyniem\n", encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (root / "history").mkdir()
    album = root / "gallery" / "le"
    album.mkdir(parents=True)
    (album / "album.yml").write_text('title: "Lễ"\n', encoding="utf-8")
    return root


def test_scrub_is_lossless_and_keeps_orientation() -> None:
    original = phone_jpeg()
    assert has_location(original)
    cleaned = scrub_bytes(original)
    assert cleaned is not None and not has_location(cleaned)
    assert _scan(cleaned) == _scan(original), "the image data is kept byte for byte"
    with Image.open(io.BytesIO(cleaned)) as image:
        assert dict(image.getexif()) == {0x0112: 6}  # orientation only: no camera make or model
        assert image.size == (64, 32)
    upright = scrub_bytes(phone_jpeg(orientation=1))
    assert upright is not None and b"Exif" not in upright and b"iPhone" not in upright
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG", exif=_exif().tobytes())
    assert has_location(png.getvalue()) and not has_location(scrub_bytes(png.getvalue()) or b"")


def test_heic_with_gps_is_found() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), (20, 20, 200)).save(buffer, "HEIF", exif=_exif().tobytes())
    assert buffer.getvalue()[4:12] == b"ftypheic" and has_location(buffer.getvalue())
    plain = io.BytesIO()
    Image.new("RGB", (64, 32)).save(plain, "HEIF")
    assert not has_location(plain.getvalue())


def test_check_names_staged_photos_with_gps_and_scrub_fixes_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "site")
    photo = root / "gallery" / "le" / "anh-01.jpg"
    photo.write_bytes(phone_jpeg())
    photo.chmod(0o644)
    assert _git(root, "init", "-q").returncode == 0
    assert main(["check", str(root)]) == 0, "not in git yet: nothing to report"
    capsys.readouterr()
    _git(root, "add", ".")
    assert main(["check", str(root), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"code": "photo-gps"' in out and '"file": "gallery/le/anh-01.jpg"' in out
    assert "kyniem scrub gallery/le/anh-01.jpg" in out

    before = photo.read_bytes()
    assert main(["scrub", str(root / "gallery")]) == 0
    out = capsys.readouterr().out
    assert "đã xóa vị trí và thông tin máy ảnh" in out and "1 ảnh đã xóa" in out
    after = photo.read_bytes()
    assert _scan(after) == _scan(before) and not has_location(after)
    assert photo.stat().st_mode & 0o777 == 0o644
    assert main(["check", str(root)]) == 1, "the staged copy still has GPS until it is added again"
    capsys.readouterr()
    _git(root, "add", ".")
    assert main(["check", str(root)]) == 0
    assert main(["scrub", str(photo)]) == 0 and "1 ảnh vốn sạch" in capsys.readouterr().out


def test_pre_commit_hook_refuses_a_photo_with_gps(tmp_path: Path) -> None:
    root = _project(tmp_path / "site")
    shutil.copy(ROOT / ".pre-commit-config.yaml", root)
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (root / ".gitignore").write_text(".venv\n.cache\n", encoding="utf-8")
    assert _git(root, "init", "-q").returncode == 0
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, capture_output=True,
                               text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    _git(root, "add", ".")
    assert _git(root, "commit", "-q", "-m", "Trang mới").returncode == 0

    photo = root / "gallery" / "le" / "anh-02.jpg"
    photo.write_bytes(phone_jpeg())
    _git(root, "add", ".")
    refused = _git(root, "commit", "-q", "-m", "Ảnh mới")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "Traceback" not in output
    assert "gallery/le/anh-02.jpg: lỗi: ảnh còn vị trí GPS" in output
    assert _git(root, "log", "--oneline").stdout.count("\n") == 1

    assert main(["scrub", str(photo)]) == 0
    _git(root, "add", ".")
    accepted = _git(root, "commit", "-q", "-m", "Ảnh mới, đã xóa vị trí")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    blob = subprocess.run(["git", "-C", str(root), "show", "HEAD:gallery/le/anh-02.jpg"], capture_output=True,
                          check=True).stdout
    assert not has_location(blob)
